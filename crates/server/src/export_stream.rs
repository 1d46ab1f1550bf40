//! Export bodies as streams (issue 18): rows flow from the store's cursor into CSV or XLSX bytes
//! and out to the client a chunk at a time, so the server's memory stays flat however many rows
//! the clinic has.
//!
//! CSV is written as the rows arrive. XLSX uses `rust_xlsxwriter`'s constant-memory worksheets
//! (rows go to a temporary file as they are written); the zip is produced at the end and streamed
//! through [`ChannelWriter`]. The workbook is synchronous, so it lives on a blocking thread and
//! the async side hands it chunks over a bounded channel. A client that goes away stops the
//! reading: every send fails, the task ends, the read transaction is rolled back.

use std::io;

use actix_web::web::Bytes;
use emhana_domain::export::{Cell, Column, ExportFormat, ExportKind};
use emhana_store::exports::ExportCursor;
use futures_util::Stream;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};
use tokio::sync::mpsc;

/// The number format of money cells: grouped tenge with two decimals.
const MONEY_FORMAT: &str = "#,##0.00\\ \"₸\"";
/// Bytes gathered before a piece of the body is sent.
const PIECE: usize = 64 * 1024;
/// Excel's last row (1-based); a longer export continues on a new sheet.
const SHEET_ROWS: u32 = 1_048_576;

type Piece = Result<Bytes, io::Error>;

/// The body of an export: starts the reading and returns the bytes as they are produced.
pub fn body(
    cursor: ExportCursor,
    kind: ExportKind,
    format: ExportFormat,
) -> impl Stream<Item = Piece> + 'static {
    let (bytes_tx, bytes_rx) = mpsc::channel::<Piece>(4);
    match format {
        ExportFormat::Csv => {
            tokio::spawn(write_csv(cursor, kind, bytes_tx));
        }
        ExportFormat::Xlsx => {
            let (rows_tx, rows_rx) = mpsc::channel::<Result<Vec<Vec<Cell>>, String>>(2);
            tokio::spawn(read_rows(cursor, rows_tx));
            let out = bytes_tx.clone();
            tokio::task::spawn_blocking(move || {
                if let Err(e) = write_xlsx(kind, rows_rx, out) {
                    tracing::warn!(error = %e, "an XLSX export failed");
                    let _ = bytes_tx.blocking_send(Err(io::Error::other(e.to_string())));
                }
            });
        }
    }
    futures_util::stream::unfold(bytes_rx, |mut rx| async move {
        rx.recv().await.map(|piece| (piece, rx))
    })
}

/// Reads every chunk and hands it on; stops at the first error or when nobody listens.
async fn read_rows(mut cursor: ExportCursor, rows: mpsc::Sender<Result<Vec<Vec<Cell>>, String>>) {
    loop {
        match cursor.next_chunk().await {
            Ok(Some(chunk)) => {
                if rows.send(Ok(chunk)).await.is_err() {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                tracing::warn!(error = %e, "an export's read failed");
                let _ = rows.send(Err(e.to_string())).await;
                break;
            }
        }
    }
    let _ = cursor.close().await;
}

/// CSV as the rows come: header, then every chunk as one piece of the body.
async fn write_csv(mut cursor: ExportCursor, kind: ExportKind, out: mpsc::Sender<Piece>) {
    // The byte-order mark tells Excel the file is UTF-8 (Cyrillic); CSV readers skip it.
    let mut head = "\u{feff}".as_bytes().to_vec();
    let header = csv_rows(
        &mut head,
        std::iter::once(kind.columns().iter().map(|c| c.header.to_owned()).collect()),
    );
    if out.send(header.map(|()| Bytes::from(head))).await.is_err() {
        return;
    }
    loop {
        let chunk = match cursor.next_chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                tracing::warn!(error = %e, "a CSV export's read failed");
                let _ = out.send(Err(io::Error::other(e.to_string()))).await;
                break;
            }
        };
        let mut buf = Vec::with_capacity(PIECE);
        let piece = csv_rows(
            &mut buf,
            chunk.iter().map(|row| row.iter().map(csv_text).collect()),
        )
        .map(|()| Bytes::from(buf));
        let failed = piece.is_err();
        if out.send(piece).await.is_err() || failed {
            break;
        }
    }
    let _ = cursor.close().await;
}

/// Appends records to `buf` as RFC 4180 lines.
fn csv_rows(buf: &mut Vec<u8>, rows: impl Iterator<Item = Vec<String>>) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(buf);
    for row in rows {
        w.write_record(&row)?;
    }
    w.flush()
}

/// A cell as CSV text: money `12500.00` (the API's decimal form), days `2026-11-28`, moments
/// `2026-11-28 14:30` (clinic time).
pub fn csv_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.clone(),
        Cell::Int(i) => i.to_string(),
        Cell::Money(m) => m.to_string(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::DateTime(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        Cell::Percent(h) => format!("{}.{:02}", h / 100, (h % 100).abs()),
    }
}

/// The formats of one workbook.
pub(crate) struct Formats {
    header: Format,
    money: Format,
    date: Format,
    datetime: Format,
    percent: Format,
}

impl Formats {
    /// Header, money, date, moment and percent formats.
    pub(crate) fn new() -> Self {
        Self {
            header: Format::new().set_bold().set_align(FormatAlign::Center),
            money: Format::new().set_num_format(MONEY_FORMAT),
            date: Format::new().set_num_format("dd.mm.yyyy"),
            datetime: Format::new().set_num_format("dd.mm.yyyy hh:mm"),
            percent: Format::new().set_num_format("0.00\\ \"%\""),
        }
    }
}

/// Writes the workbook on this (blocking) thread and sends its bytes.
fn write_xlsx(
    kind: ExportKind,
    mut rows: mpsc::Receiver<Result<Vec<Vec<Cell>>, String>>,
    out: mpsc::Sender<Piece>,
) -> Result<(), XlsxError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    let mut sheets = 1;
    let mut sheet = new_sheet(&mut book, kind, sheets, &formats)?;
    let mut row: u32 = 1;
    while let Some(chunk) = rows.blocking_recv() {
        let chunk = chunk.map_err(|e| XlsxError::IoError(io::Error::other(e)))?;
        for cells in chunk {
            if row == SHEET_ROWS {
                sheets += 1;
                sheet = new_sheet(&mut book, kind, sheets, &formats)?;
                row = 1;
            }
            for (col, cell) in (0u16..).zip(cells.iter()) {
                write_cell(sheet, row, col, cell, &formats)?;
            }
            row += 1;
        }
    }
    book.save_to_writer(ChannelWriter::new(out))?;
    Ok(())
}

/// An empty workbook with an export's header row: the template of the import that reads the
/// same columns.
pub fn template(kind: ExportKind) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    new_sheet(&mut book, kind, 1, &formats)?;
    book.save_to_buffer()
}

fn new_sheet<'a>(
    book: &'a mut Workbook,
    kind: ExportKind,
    number: u32,
    formats: &Formats,
) -> Result<&'a mut Worksheet, XlsxError> {
    let sheet = book.add_worksheet_with_constant_memory()?;
    let name = if number == 1 {
        kind.title_ru().to_owned()
    } else {
        format!("{} ({number})", kind.title_ru())
    };
    head(sheet, name, kind.columns(), formats)
}

/// Names a sheet and writes its header row (widths set, header frozen).
fn head<'a>(
    sheet: &'a mut Worksheet,
    name: String,
    columns: &[Column],
    formats: &Formats,
) -> Result<&'a mut Worksheet, XlsxError> {
    sheet.set_name(name)?;
    for (col, c) in (0u16..).zip(columns) {
        sheet.set_column_width(col, c.width)?;
        sheet.write_string_with_format(0, col, c.header, &formats.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(sheet)
}

/// A small sheet written whole (the analytics workbook's reports).
pub(crate) fn write_sheet(
    book: &mut Workbook,
    name: &str,
    columns: &[Column],
    rows: &[Vec<Cell>],
    formats: &Formats,
) -> Result<(), XlsxError> {
    let sheet = head(book.add_worksheet(), name.to_owned(), columns, formats)?;
    for (row, cells) in (1u32..).zip(rows) {
        for (col, cell) in (0u16..).zip(cells) {
            write_cell(sheet, row, col, cell, formats)?;
        }
    }
    Ok(())
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    f: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(t) => {
            sheet.write_string(row, col, t)?;
        }
        Cell::Int(i) => {
            // Ids and counts stay far below 2^53: exact as Excel numbers.
            sheet.write_number(row, col, *i as f64)?;
        }
        Cell::Money(m) => {
            // Excel keeps numbers as doubles; tiyn/100 shows the exact amount to the tiyn.
            sheet.write_number_with_format(row, col, m.tiyn() as f64 / 100.0, &f.money)?;
        }
        Cell::Date(d) => {
            sheet.write_datetime_with_format(row, col, excel_date(*d)?, &f.date)?;
        }
        Cell::Percent(h) => {
            sheet.write_number_with_format(row, col, *h as f64 / 100.0, &f.percent)?;
        }
        Cell::DateTime(t) => {
            use chrono::Timelike;
            let at = excel_date(t.date())?.and_hms(t.hour() as u16, t.minute() as u8, 0)?;
            sheet.write_datetime_with_format(row, col, at, &f.datetime)?;
        }
    }
    Ok(())
}

fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// `io::Write` into the response: bytes gathered into [`PIECE`]-sized pieces, each sent when
/// full (blocking this thread while the client is slow: that is the back-pressure).
struct ChannelWriter {
    out: mpsc::Sender<Piece>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn new(out: mpsc::Sender<Piece>) -> Self {
        Self {
            out,
            buf: Vec::with_capacity(PIECE),
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(PIECE)));
        self.out
            .blocking_send(Ok(piece))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= PIECE {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

impl Drop for ChannelWriter {
    fn drop(&mut self) {
        let _ = self.send();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use emhana_domain::Money;

    #[test]
    fn csv_cells_read_as_the_api_writes_them() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(
            csv_text(&Cell::Money(Money::from_tiyn(1_250_050))),
            "12500.50"
        );
        assert_eq!(csv_text(&Cell::Money(Money::from_tiyn(-5))), "-0.05");
        assert_eq!(csv_text(&Cell::Date(day)), "2026-11-28");
        let at = day.and_hms_opt(9, 5, 0).unwrap();
        assert_eq!(csv_text(&Cell::DateTime(at)), "2026-11-28 09:05");
        assert_eq!(csv_text(&Cell::Empty), "");
    }
}
