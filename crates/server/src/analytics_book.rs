//! The analytics workbook (`GET /exports/analytics?from&to&doctor_id`): every dashboard report of
//! the range as its own sheet — the same figures the API answers (the report functions of
//! `routes::analytics`), money as tenge numbers, shares as percentages.

use emhana_domain::analytics::ReportRange;
use emhana_domain::export::{col, Cell, Column};
use emhana_domain::Money;
use emhana_store::Store;
use rust_xlsxwriter::{Workbook, XlsxError};

use crate::export_stream::{write_sheet, Formats};
use crate::routes::analytics as reports;
use crate::ApiError;

/// A sheet: its name, columns and rows.
struct Sheet {
    name: &'static str,
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
}

fn percent(p: f64) -> Cell {
    Cell::Percent((p * 100.0).round() as i64)
}

fn money(m: Money) -> Cell {
    Cell::Money(m)
}

/// Builds every report of `r` and writes them as sheets; the bytes and the number of data rows.
pub async fn build(store: &Store, r: ReportRange) -> Result<(Vec<u8>, i64), ApiError> {
    let summary = reports::summary_report(store, r).await?;
    let sources = reports::sources_report(store, r).await?;
    let methods = reports::payment_methods_report(store, r).await?;
    let days = reports::revenue_daily_report(store, r).await?;
    let doctors = reports::doctors_report(store, r).await?;
    let services = reports::services_report(store, r).await?;
    let discounts = reports::discounts_report(store, r).await?;
    let text = |s: &str| Cell::Text(s.to_owned());
    let sheets = vec![
        Sheet {
            name: "Сводка",
            columns: vec![col("Показатель", 34), col("Значение", 18)],
            rows: vec![
                vec![text("Период с"), text(&summary.from)],
                vec![text("Период по"), text(&summary.to)],
                vec![text("Выручка"), money(summary.revenue)],
                vec![text("Визиты"), Cell::Int(summary.visits)],
                vec![text("Пациенты"), Cell::Int(summary.unique_patients)],
                vec![text("Новые пациенты"), Cell::Int(summary.new_patients)],
                vec![
                    text("Повторные пациенты"),
                    Cell::Int(summary.returning_patients),
                ],
                vec![text("Средний чек"), money(summary.average_check)],
                vec![
                    text("Долг по визитам периода"),
                    money(summary.outstanding_debt),
                ],
                vec![text("Неявки"), percent(summary.no_show_rate_percent)],
                vec![
                    text("Доля безналичных"),
                    percent(summary.cashless_share_percent),
                ],
                vec![
                    text("Оплачено бонусами (скидка)"),
                    money(summary.bonus_paid),
                ],
            ],
        },
        Sheet {
            name: "Источники",
            columns: vec![
                col("Источник", 24),
                col("Визиты", 10),
                col("Пациенты", 10),
                col("Выручка", 16),
                col("Доля визитов", 13),
                col("Средний чек", 14),
            ],
            rows: sources
                .items
                .into_iter()
                .map(|i| {
                    vec![
                        Cell::Text(i.label),
                        Cell::Int(i.visits),
                        Cell::Int(i.patients),
                        money(i.revenue),
                        percent(i.share_percent),
                        money(i.average_check),
                    ]
                })
                .collect(),
        },
        Sheet {
            name: "Способы оплаты",
            columns: vec![
                col("Способ", 16),
                col("Сумма (за вычетом возвратов)", 18),
                col("Принято", 16),
                col("Возвращено", 14),
                col("Доля", 10),
                col("Визиты", 10),
                col("Средний платёж", 15),
            ],
            rows: methods
                .items
                .into_iter()
                .map(|i| {
                    vec![
                        Cell::Text(i.label),
                        money(i.amount),
                        money(i.paid),
                        money(i.refunded),
                        percent(i.share_percent),
                        Cell::Int(i.visits),
                        money(i.average_payment),
                    ]
                })
                .collect(),
        },
        Sheet {
            name: "Выручка по дням",
            columns: vec![col("День", 12), col("Выручка", 16), col("Платежей", 10)],
            rows: days
                .items
                .into_iter()
                .map(|d| {
                    let day = d.date.parse().map_or(Cell::Text(d.date), Cell::Date);
                    vec![day, money(d.revenue), Cell::Int(d.payments)]
                })
                .collect(),
        },
        Sheet {
            name: "Врачи",
            columns: vec![
                col("Врач", 28),
                col("Визиты", 10),
                col("Пациенты", 10),
                col("Выручка", 16),
            ],
            rows: doctors
                .items
                .into_iter()
                .map(|d| {
                    vec![
                        Cell::Text(d.name),
                        Cell::Int(d.visits),
                        Cell::Int(d.patients),
                        money(d.revenue),
                    ]
                })
                .collect(),
        },
        Sheet {
            name: "Услуги",
            columns: vec![
                col("Услуга", 32),
                col("Оказано", 10),
                col("Начислено", 16),
                col("Выручка", 16),
            ],
            rows: services
                .items
                .into_iter()
                .map(|s| {
                    vec![
                        Cell::Text(s.name),
                        Cell::Int(s.count),
                        money(s.billed),
                        money(s.revenue),
                    ]
                })
                .collect(),
        },
        Sheet {
            name: "Скидки",
            columns: vec![
                col("Кто поставил цену", 26),
                col("Строк", 10),
                col("Сумма скидок", 16),
                col("Средняя", 14),
            ],
            rows: discounts
                .items
                .into_iter()
                .map(|d| {
                    vec![
                        Cell::text(d.name),
                        Cell::Int(d.count),
                        money(d.total),
                        money(d.average),
                    ]
                })
                .chain(std::iter::once(vec![
                    text("Всего"),
                    Cell::Int(discounts.count),
                    money(discounts.total),
                    money(discounts.average),
                ]))
                .collect(),
        },
    ];
    let rows = sheets.iter().map(|s| s.rows.len() as i64).sum();
    let bytes = write(&sheets)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("analytics workbook: {e}")))?;
    Ok((bytes, rows))
}

fn write(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    for s in sheets {
        write_sheet(&mut book, s.name, &s.columns, &s.rows, &formats)?;
    }
    book.save_to_buffer()
}
