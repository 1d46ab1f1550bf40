//! A whole visit in one statement: the visit row, and its lines, payments, refunds, allocations,
//! refund parts and status history each folded by the database into a JSON array of arrays
//! (`json_agg` on PostgreSQL, `json_group_array` on SQLite; the only per-backend words). One
//! round trip instead of five or six: the visit card is the API's most read answer.
//!
//! The sub-selects are correlated on the visit's id, so each is planned as an index probe per
//! visit whatever the statement's parameter (no generic-plan trap, see `by_ids`); refunds carry
//! their visit's id (indexed), so theirs need not go through the payments.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use emhana_domain::ids::{AllocationId, LineId, PaymentId, RefundId, ServiceId, ShiftId, UserId};
use emhana_domain::{Money, PaymentMethod, VisitStatus};
use serde::de::DeserializeOwned;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow, Row};

use super::rows::{
    Allocation, Appointment, Line, Payment, Refund, RefundPart, StatusChange, Visit,
    APPOINTMENT_COLUMNS, APPOINTMENT_FROM,
};
use crate::{time, StoreError};

/// The parts of a visit, each `(alias, columns, from-and-where, order)`.
const PARTS: [(&str, &str, &str, &str); 6] = [
    (
        "lines_json",
        "l.id, l.service_id, s.name, l.base_price, l.price, l.paid",
        "appointment_services l JOIN services s ON s.id = l.service_id WHERE l.appointment_id = a.id",
        "l.position, l.id",
    ),
    (
        "payments_json",
        "y.id, y.method, y.amount, y.paid_at, y.received_by, u.display_name, y.note, y.voided_at, \
         y.void_reason, y.shift_id, y.updated_at",
        "payments y LEFT JOIN users u ON u.id = y.received_by WHERE y.appointment_id = a.id",
        "y.id",
    ),
    (
        "refunds_json",
        "r.id, r.payment_id, r.method, r.amount, r.refunded_at, r.refunded_by, u.display_name, \
         r.reason, r.shift_id",
        "refunds r LEFT JOIN users u ON u.id = r.refunded_by WHERE r.appointment_id = a.id",
        "r.id",
    ),
    (
        "allocations_json",
        "x.id, x.payment_id, x.line_id, x.amount",
        "payment_allocations x JOIN payments y ON y.id = x.payment_id WHERE y.appointment_id = a.id",
        "x.payment_id, x.line_id",
    ),
    (
        "refund_parts_json",
        "x.refund_id, x.allocation_id, x.line_id, x.amount",
        "refund_allocations x JOIN refunds r ON r.id = x.refund_id WHERE r.appointment_id = a.id",
        "x.refund_id, x.id",
    ),
    (
        "history_json",
        "h.from_status, h.to_status, h.at, h.user_id, u.display_name, h.reason",
        "appointment_status_history h LEFT JOIN users u ON u.id = h.user_id WHERE h.appointment_id = a.id",
        "h.id",
    ),
];

/// The statement for a backend (built once per backend).
fn statement(postgres: bool) -> &'static str {
    static PG: OnceLock<String> = OnceLock::new();
    static LITE: OnceLock<String> = OnceLock::new();
    let build = || {
        let (agg, array) = if postgres {
            ("json_agg", "json_build_array")
        } else {
            ("json_group_array", "json_array")
        };
        let parts: Vec<String> = PARTS
            .iter()
            .map(|(alias, columns, from, order)| {
                format!(
                    "CAST((SELECT {agg}({array}({columns}) ORDER BY {order}) FROM {from}) AS TEXT) AS {alias}"
                )
            })
            .collect();
        format!(
            "SELECT {APPOINTMENT_COLUMNS}, {} {APPOINTMENT_FROM} WHERE a.id = $1",
            parts.join(", ")
        )
    };
    if postgres {
        PG.get_or_init(build)
    } else {
        LITE.get_or_init(build)
    }
}

/// A JSON part read back: the rows of one sub-select (none: `NULL` from PostgreSQL's
/// `json_agg` over no rows, `[]` from SQLite's).
fn part<T: DeserializeOwned>(row: &AnyRow, alias: &str) -> Result<Vec<T>, StoreError> {
    let text: Option<String> = row.try_get(alias)?;
    match text {
        None => Ok(Vec::new()),
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            StoreError::Config(format!("visit part {alias} unreadable ({e}): {json}"))
        }),
    }
}

fn instant(text: &str) -> Result<DateTime<Utc>, StoreError> {
    time::decode(text)
}

fn maybe_instant(text: Option<String>) -> Result<Option<DateTime<Utc>>, StoreError> {
    text.as_deref().map(instant).transpose()
}

fn method(code: &str) -> Result<PaymentMethod, StoreError> {
    PaymentMethod::from_code(code)
        .ok_or_else(|| StoreError::Config(format!("unknown payment method {code:?}")))
}

fn status(code: &str) -> Result<VisitStatus, StoreError> {
    VisitStatus::from_code(code)
        .ok_or_else(|| StoreError::Config(format!("unknown visit status {code:?}")))
}

type LineRow = (i64, i64, String, i64, i64, i64);
type PaymentRow = (
    i64,
    String,
    i64,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
);
type RefundRow = (
    i64,
    i64,
    String,
    i64,
    String,
    Option<i64>,
    Option<String>,
    String,
    Option<i64>,
);
type AllocationRow = (i64, i64, i64, i64);
type HistoryRow = (
    Option<String>,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
);

/// Reads a whole visit on `conn` (none: no such visit) with the connection's prepared
/// statement: what a visit card reads (PostgreSQL keeps a plan per connection; the pool renews
/// each connection every 30 minutes, so a plan made while the tables were small does not last).
pub(crate) async fn load_visit(
    conn: &mut AnyConnection,
    id: emhana_domain::ids::AppointmentId,
) -> Result<Option<Visit>, StoreError> {
    read_visit(conn, id, Plan::Prepared).await
}

/// Reads a whole visit inside a write's transaction (it sees the write), planned afresh on
/// PostgreSQL. Writes are where tables grow fast: a generic plan cached while the write bench's
/// fresh tables were small kept scanning them as they grew (reads up to 5 s, 20-doctor payments
/// 64/s); planned each time, 296/s and no slow statement. A card read pays ~1 ms of planning
/// for it (2,800 → 925 visits/s), so only the write path does.
pub(crate) async fn load_visit_in_write(
    conn: &mut AnyConnection,
    id: emhana_domain::ids::AppointmentId,
) -> Result<Option<Visit>, StoreError> {
    read_visit(conn, id, Plan::Fresh).await
}

/// How PostgreSQL plans the visit read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// The connection's prepared statement (and, after five runs, its generic plan).
    Prepared,
    /// An unnamed statement: planned for this execution.
    Fresh,
}

async fn read_visit(
    conn: &mut AnyConnection,
    id: emhana_domain::ids::AppointmentId,
    plan: Plan,
) -> Result<Option<Visit>, StoreError> {
    let postgres = crate::Backend::of(conn) == crate::Backend::Postgres;
    let Some(row) = sqlx::query(statement(postgres))
        .persistent(!(postgres && plan == Plan::Fresh))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let appointment = Appointment::from_row(&row)?;
    let lines = part::<LineRow>(&row, "lines_json")?
        .into_iter()
        .map(
            |(id, service_id, service_name, base_price, price, paid)| Line {
                id: LineId(id),
                service_id: ServiceId(service_id),
                service_name,
                base_price: Money::from_tiyn(base_price),
                price: Money::from_tiyn(price),
                paid: Money::from_tiyn(paid),
            },
        )
        .collect();
    let payments = part::<PaymentRow>(&row, "payments_json")?
        .into_iter()
        .map(|p| {
            Ok(Payment {
                id: PaymentId(p.0),
                method: method(&p.1)?,
                amount: Money::from_tiyn(p.2),
                paid_at: instant(&p.3)?,
                received_by: p.4.map(UserId),
                received_by_name: p.5,
                note: p.6,
                voided_at: maybe_instant(p.7)?,
                void_reason: p.8,
                shift_id: p.9.map(ShiftId),
                updated_at: maybe_instant(p.10)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let refunds = part::<RefundRow>(&row, "refunds_json")?
        .into_iter()
        .map(|r| {
            Ok(Refund {
                id: RefundId(r.0),
                payment_id: PaymentId(r.1),
                method: method(&r.2)?,
                amount: Money::from_tiyn(r.3),
                refunded_at: instant(&r.4)?,
                refunded_by: r.5.map(UserId),
                refunded_by_name: r.6,
                reason: r.7,
                shift_id: r.8.map(ShiftId),
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let allocations = part::<AllocationRow>(&row, "allocations_json")?
        .into_iter()
        .map(|(id, payment_id, line_id, amount)| Allocation {
            id: AllocationId(id),
            payment_id: PaymentId(payment_id),
            line_id: LineId(line_id),
            amount: Money::from_tiyn(amount),
        })
        .collect();
    let refund_parts = part::<AllocationRow>(&row, "refund_parts_json")?
        .into_iter()
        .map(|(refund_id, allocation_id, line_id, amount)| RefundPart {
            refund_id: RefundId(refund_id),
            allocation_id: AllocationId(allocation_id),
            line_id: LineId(line_id),
            amount: Money::from_tiyn(amount),
        })
        .collect();
    let history = part::<HistoryRow>(&row, "history_json")?
        .into_iter()
        .map(|h| {
            Ok(StatusChange {
                from: h.0.as_deref().map(status).transpose()?,
                to: status(&h.1)?,
                at: instant(&h.2)?,
                user_id: h.3.map(UserId),
                user_name: h.4,
                reason: h.5,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Some(Visit {
        appointment,
        lines,
        payments,
        allocations,
        refunds,
        refund_parts,
        history,
    }))
}
