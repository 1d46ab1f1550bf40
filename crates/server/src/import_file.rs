//! An uploaded spreadsheet read into text cells (issue 18): XLSX by its zip signature (the first
//! sheet, through `calamine`), otherwise UTF-8 CSV (comma or semicolon, as Russian Excel writes
//! it; a byte-order mark is skipped). Numbers come back as people typed them: whole numbers
//! without `.0` (a phone typed as a number stays digits), dates as `YYYY-MM-DD`.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use emhana_domain::import::Sheet;

/// The largest file an import accepts.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// Why a file cannot be read (Russian, for the person who uploaded it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unreadable(pub String);

/// Reads the first sheet of an XLSX file or a CSV file.
pub fn read(bytes: &[u8]) -> Result<Sheet, Unreadable> {
    let mut rows = if bytes.starts_with(b"PK\x03\x04") {
        xlsx(bytes)?
    } else {
        csv(bytes)?
    };
    if rows.is_empty() {
        return Err(Unreadable("Файл пустой".into()));
    }
    let headers = rows.remove(0);
    Ok(Sheet { headers, rows })
}

fn xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, Unreadable> {
    let unreadable = |e: calamine::XlsxError| Unreadable(format!("Файл XLSX не читается: {e}"));
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| Unreadable("В книге нет листов".into()))?;
    let range = book.worksheet_range(&first).map_err(unreadable)?;
    Ok(range.rows().map(|r| r.iter().map(text).collect()).collect())
}

fn csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, Unreadable> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Unreadable("Файл не XLSX и не CSV в кодировке UTF-8".into()))?;
    if text.contains('\0') {
        return Err(Unreadable("Файл не XLSX и не CSV в кодировке UTF-8".into()));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_owned).collect())
                .map_err(|e| Unreadable(format!("CSV не читается: {e}")))
        })
        .collect()
}

/// A cell as the text a person typed.
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        // Excel keeps numbers as doubles: two decimals recover the amount typed in tenge.
        Data::Float(f) => format!("{f:.2}"),
        Data::Bool(b) => if *b { "да" } else { "нет" }.to_owned(),
        Data::DateTime(d) => excel_day(d.as_f64()),
    }
}

/// `YYYY-MM-DD` of an Excel date serial (days since 1899-12-30).
fn excel_day(serial: f64) -> String {
    chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
        .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(serial.floor() as i64)))
        .map_or_else(String::new, |d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_semicolons_and_a_byte_order_mark_reads() {
        let sheet = read("\u{feff}Имя;Телефон\nӘлия;8 701 000 00 01\n".as_bytes()).unwrap();
        assert_eq!(sheet.headers, ["Имя", "Телефон"]);
        assert_eq!(sheet.rows, [["Әлия", "8 701 000 00 01"]]);
        let sheet = read(b"a,b\n1,\"x, y\"\n").unwrap();
        assert_eq!(sheet.rows, [["1", "x, y"]]);
    }

    #[test]
    fn what_is_not_a_spreadsheet_is_refused() {
        assert!(read(&[0xff, 0xfe, 0x00, 0x41]).is_err());
        assert!(read(b"PK\x03\x04garbage").is_err());
        assert!(read(b"").is_err());
    }

    #[test]
    fn numbers_and_dates_come_back_as_typed() {
        assert_eq!(text(&Data::Float(87010000001.0)), "87010000001");
        assert_eq!(text(&Data::Float(5000.5)), "5000.50");
        assert_eq!(excel_day(33010.0), "1990-05-17");
    }
}
