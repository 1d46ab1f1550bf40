//! Export rows, read in chunks (issue 18): a million visits leave the database in bounded memory.
//!
//! An export runs in one read-only transaction (PostgreSQL: REPEATABLE READ, so the count and
//! every chunk see one snapshot; SQLite in WAL mode keeps a read transaction's snapshot by itself).
//! Rows come [`CHUNK`] at a time by keyset (`id > last`), each chunk one query plus at most one
//! query for its children (a visit's lines, a payment's split), looked up by literal ids.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use emhana_domain::export::{Activity, Cell, ExportKind, ExportRequest};
use emhana_domain::{ClinicZone, Money, PaymentMethod, PaymentStatus, VisitStatus};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::time::column;
use crate::{Backend, Store, StoreError};

/// Rows per chunk: large enough that per-query costs vanish, small enough to stay a few MB.
pub const CHUNK: i64 = 2_000;

/// A value bound to a placeholder of a built query.
#[derive(Debug, Clone)]
enum Bind {
    Text(String),
    Int(i64),
}

/// A `WHERE` clause built from the filters a request has, numbered `$2…` (`$1` is the keyset).
#[derive(Debug, Clone, Default)]
struct Filters {
    clauses: Vec<String>,
    binds: Vec<Bind>,
}

impl Filters {
    fn push(&mut self, clause_with_placeholder: &str, bind: Bind) {
        self.binds.push(bind);
        let n = self.binds.len() + 1;
        self.clauses
            .push(clause_with_placeholder.replace('?', &format!("${n}")));
    }

    fn fixed(&mut self, clause: &str) {
        self.clauses.push(clause.to_owned());
    }

    fn sql(&self) -> String {
        self.clauses
            .iter()
            .fold(String::new(), |acc, c| acc + " AND " + c)
    }

    fn bind<'q>(
        &'q self,
        mut q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
        for b in &self.binds {
            q = match b {
                Bind::Text(t) => q.bind(t.as_str()),
                Bind::Int(i) => q.bind(*i),
            };
        }
        q
    }
}

/// One pass of an export over one table (payments have two: payments, then refunds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment {
    Appointments,
    Lines,
    Payments,
    Refunds,
    Patients,
    Doctors,
    Services,
    Audit,
}

impl Segment {
    /// The first table of a row export (`None`: the analytics workbook is not one).
    fn first(kind: ExportKind) -> Option<Self> {
        match kind {
            ExportKind::Appointments => Some(Self::Appointments),
            ExportKind::AppointmentLines => Some(Self::Lines),
            ExportKind::Payments => Some(Self::Payments),
            ExportKind::Patients => Some(Self::Patients),
            ExportKind::Doctors => Some(Self::Doctors),
            ExportKind::Services => Some(Self::Services),
            ExportKind::AuditLog => Some(Self::Audit),
            ExportKind::Analytics => None,
        }
    }

    fn next(self) -> Option<Self> {
        match self {
            Self::Payments => Some(Self::Refunds),
            _ => None,
        }
    }

    /// `FROM … WHERE <keyset>` for this segment; filters are appended after it.
    fn from(self) -> &'static str {
        match self {
            Self::Appointments => {
                "FROM appointments a \
                 JOIN patients p ON p.id = a.patient_id \
                 JOIN doctors d ON d.id = a.doctor_id \
                 JOIN lead_sources s ON s.id = a.source_id \
                 WHERE a.id > $1"
            }
            Self::Lines => {
                "FROM appointment_services l \
                 JOIN appointments a ON a.id = l.appointment_id \
                 JOIN services sv ON sv.id = l.service_id \
                 JOIN patients p ON p.id = a.patient_id \
                 JOIN doctors d ON d.id = a.doctor_id \
                 WHERE l.id > $1"
            }
            Self::Payments => {
                "FROM payments x \
                 JOIN appointments a ON a.id = x.appointment_id \
                 JOIN patients p ON p.id = a.patient_id \
                 JOIN doctors d ON d.id = a.doctor_id \
                 LEFT JOIN users u ON u.id = x.received_by \
                 WHERE x.id > $1"
            }
            Self::Refunds => {
                "FROM refunds x \
                 JOIN appointments a ON a.id = x.appointment_id \
                 JOIN patients p ON p.id = a.patient_id \
                 JOIN doctors d ON d.id = a.doctor_id \
                 LEFT JOIN users u ON u.id = x.refunded_by \
                 WHERE x.id > $1"
            }
            Self::Patients => "FROM patients p WHERE p.id > $1",
            Self::Doctors => "FROM doctors d WHERE d.id > $1",
            Self::Services => {
                "FROM services sv LEFT JOIN doctors d ON d.id = sv.doctor_id WHERE sv.id > $1"
            }
            Self::Audit => "FROM audit_log g LEFT JOIN users u ON u.id = g.user_id WHERE g.id > $1",
        }
    }

    /// `FROM … WHERE <keyset>` for counting: only the tables the filters read (the other joins
    /// follow foreign keys and never change the count).
    fn count_from(self) -> &'static str {
        match self {
            Self::Appointments => "FROM appointments a WHERE a.id > $1",
            Self::Lines => {
                "FROM appointment_services l JOIN appointments a ON a.id = l.appointment_id WHERE l.id > $1"
            }
            Self::Payments => "FROM payments x JOIN appointments a ON a.id = x.appointment_id WHERE x.id > $1",
            Self::Refunds => "FROM refunds x JOIN appointments a ON a.id = x.appointment_id WHERE x.id > $1",
            Self::Patients => "FROM patients p WHERE p.id > $1",
            Self::Doctors => "FROM doctors d WHERE d.id > $1",
            Self::Services => "FROM services sv WHERE sv.id > $1",
            Self::Audit => "FROM audit_log g WHERE g.id > $1",
        }
    }

    /// The keyset column.
    fn key(self) -> &'static str {
        match self {
            Self::Appointments => "a.id",
            Self::Lines => "l.id",
            Self::Payments | Self::Refunds => "x.id",
            Self::Patients => "p.id",
            Self::Doctors => "d.id",
            Self::Services => "sv.id",
            Self::Audit => "g.id",
        }
    }

    fn select(self) -> &'static str {
        match self {
            Self::Appointments => {
                "a.id, a.local_date, a.starts_at, a.ends_at, a.status, a.total, a.paid, \
                 a.payment_status, a.notes, s.label AS source, \
                 d.last_name || ' ' || d.first_name AS doctor, \
                 p.first_name || COALESCE(' ' || p.last_name, '') AS patient, p.phone"
            }
            Self::Lines => {
                "l.id, a.id AS visit_id, a.local_date, a.status, sv.name AS service, \
                 l.base_price, l.price, l.paid, \
                 d.last_name || ' ' || d.first_name AS doctor, \
                 p.first_name || COALESCE(' ' || p.last_name, '') AS patient"
            }
            Self::Payments => {
                "x.id, x.paid_at AS at, x.method, x.amount, x.voided_at, x.void_reason AS reason, \
                 a.id AS visit_id, a.local_date, u.display_name AS by_user, \
                 d.last_name || ' ' || d.first_name AS doctor, \
                 p.first_name || COALESCE(' ' || p.last_name, '') AS patient"
            }
            Self::Refunds => {
                "x.id, x.refunded_at AS at, x.method, x.amount, x.reason, \
                 a.id AS visit_id, a.local_date, u.display_name AS by_user, \
                 d.last_name || ' ' || d.first_name AS doctor, \
                 p.first_name || COALESCE(' ' || p.last_name, '') AS patient"
            }
            Self::Patients => {
                "p.id, p.last_name, p.first_name, p.phone, p.birth_date, p.email, p.is_active, \
                 p.created_at, p.notes"
            }
            Self::Doctors => {
                "d.id, d.last_name, d.first_name, d.specialization, d.phone, d.email, d.is_active"
            }
            Self::Services => {
                "sv.id, sv.name, sv.base_price, sv.duration_minutes, sv.is_active, sv.description, \
                 d.last_name || ' ' || d.first_name AS doctor"
            }
            Self::Audit => {
                "g.id, g.at, u.display_name AS by_user, g.user_id, g.action, g.entity, \
                 g.entity_id, g.old_json, g.new_json, g.client_ip, g.request_id"
            }
        }
    }

    /// The filters of `r` that apply to this segment.
    fn filters(self, r: &ExportRequest, zone: ClinicZone) -> Filters {
        let mut f = Filters::default();
        let day = |d: chrono::NaiveDate| Bind::Text(d.to_string());
        match self {
            Self::Appointments | Self::Lines => {
                if let Some(d) = r.from {
                    f.push("a.local_date >= ?", day(d));
                }
                if let Some(d) = r.to {
                    f.push("a.local_date <= ?", day(d));
                }
                if let Some(s) = &r.status {
                    f.push("a.status = ?", Bind::Text(s.clone()));
                }
                if let Some(s) = &r.payment_status {
                    f.push("a.payment_status = ?", Bind::Text(s.clone()));
                }
            }
            Self::Payments | Self::Refunds => {
                if let Some(d) = r.from {
                    f.push("x.local_date >= ?", day(d));
                }
                if let Some(d) = r.to {
                    f.push("x.local_date <= ?", day(d));
                }
            }
            Self::Patients => match r.activity {
                Activity::Active => f.fixed("p.is_active = 1"),
                Activity::Inactive => f.fixed("p.is_active = 0"),
                Activity::All => {}
            },
            Self::Doctors => match r.activity {
                Activity::Active => f.fixed("d.is_active = 1"),
                Activity::Inactive => f.fixed("d.is_active = 0"),
                Activity::All => {}
            },
            Self::Services => {
                match r.activity {
                    Activity::Active => f.fixed("sv.is_active = 1"),
                    Activity::Inactive => f.fixed("sv.is_active = 0"),
                    Activity::All => {}
                }
                if let Some(id) = r.doctor_id {
                    f.push("sv.doctor_id = ?", Bind::Int(id));
                }
            }
            Self::Audit => {
                if let Some(d) = r.from {
                    f.push(
                        "g.at >= ?",
                        Bind::Text(crate::time::encode(zone.day_start(d))),
                    );
                }
                if let Some(d) = r.to.and_then(|d| d.succ_opt()) {
                    f.push(
                        "g.at < ?",
                        Bind::Text(crate::time::encode(zone.day_start(d))),
                    );
                }
                if let Some(id) = r.user_id {
                    f.push("g.user_id = ?", Bind::Int(id));
                }
            }
        }
        if matches!(
            self,
            Self::Appointments | Self::Lines | Self::Payments | Self::Refunds
        ) {
            if let Some(id) = r.doctor_id {
                f.push("a.doctor_id = ?", Bind::Int(id));
            }
        }
        f
    }
}

/// An export being read: one snapshot, a keyset position, the rows still to come.
pub struct ExportCursor {
    tx: Transaction<'static, Any>,
    request: ExportRequest,
    zone: ClinicZone,
    segment: Option<Segment>,
    after: i64,
}

impl std::fmt::Debug for ExportCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportCursor")
            .field("request", &self.request)
            .field("segment", &self.segment)
            .field("after", &self.after)
            .finish()
    }
}

impl Store {
    /// Opens an export: takes a snapshot and counts its rows (the response's `X-Row-Count`).
    pub async fn open_export(
        &self,
        request: ExportRequest,
        zone: ClinicZone,
    ) -> Result<(ExportCursor, i64), StoreError> {
        let mut tx = self.pool().begin().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let first = Segment::first(request.kind).ok_or_else(|| {
            StoreError::Config(format!("{} is not a row export", request.kind.code()))
        })?;
        let mut rows = 0;
        let mut segment = Some(first);
        while let Some(s) = segment {
            let filters = s.filters(&request, zone);
            let sql = format!("SELECT COUNT(*) AS n {}{}", s.count_from(), filters.sql());
            let q = filters.bind(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(0_i64));
            let n: i64 = q.fetch_one(&mut *tx).await?.try_get("n")?;
            rows += n;
            segment = s.next();
        }
        let cursor = ExportCursor {
            tx,
            segment: Some(first),
            request,
            zone,
            after: 0,
        };
        Ok((cursor, rows))
    }
}

impl ExportCursor {
    /// The next rows (at most [`CHUNK`]), or `None` when the export is complete.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<Vec<Cell>>>, StoreError> {
        while let Some(segment) = self.segment {
            let filters = segment.filters(&self.request, self.zone);
            let sql = format!(
                "SELECT {} {}{} ORDER BY {} LIMIT {CHUNK}",
                segment.select(),
                segment.from(),
                filters.sql(),
                segment.key()
            );
            let rows = filters
                .bind(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(self.after))
                .fetch_all(&mut *self.tx)
                .await?;
            let Some(last) = rows.last() else {
                self.segment = segment.next();
                self.after = 0;
                continue;
            };
            self.after = last.try_get("id")?;
            let out = self.cells(segment, &rows).await?;
            return Ok(Some(out));
        }
        Ok(None)
    }

    async fn cells(
        &mut self,
        segment: Segment,
        rows: &[AnyRow],
    ) -> Result<Vec<Vec<Cell>>, StoreError> {
        let zone = self.zone;
        let at = |row: &AnyRow, c: &str| -> Result<Cell, StoreError> {
            Ok(
                column::maybe_instant(row, c)?.map_or(Cell::Empty, |t: DateTime<Utc>| {
                    Cell::DateTime(zone.local_datetime(t))
                }),
            )
        };
        let text = |row: &AnyRow, c: &str| -> Result<Cell, StoreError> {
            Ok(Cell::text(row.try_get::<Option<String>, _>(c)?))
        };
        let money =
            |row: &AnyRow, c: &str| -> Result<Money, StoreError> { Ok(column::money(row, c)?) };
        let mut out = Vec::with_capacity(rows.len());
        match segment {
            Segment::Appointments => {
                let lines = self.children(LINES_OF_VISITS, rows, "id").await?;
                for row in rows {
                    let id: i64 = row.try_get("id")?;
                    let mine = lines.get(&id).map(Vec::as_slice).unwrap_or_default();
                    let names = mine.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>();
                    let base = Money::from_tiyn(mine.iter().map(|(_, m)| m.tiyn()).sum());
                    let (total, paid) = (money(row, "total")?, money(row, "paid")?);
                    let status = column::code(row, "status", VisitStatus::from_code)?;
                    let pay = column::code(row, "payment_status", PaymentStatus::from_code)?;
                    out.push(vec![
                        Cell::Int(id),
                        Cell::Date(column::day(row, "local_date")?),
                        at(row, "starts_at")?,
                        at(row, "ends_at")?,
                        Cell::Text(status.label_ru().into()),
                        text(row, "doctor")?,
                        text(row, "patient")?,
                        text(row, "phone")?,
                        Cell::Text(names.join("; ")),
                        Cell::Money(base),
                        Cell::Money(total),
                        Cell::Money(Money::from_tiyn(base.tiyn() - total.tiyn())),
                        Cell::Money(paid),
                        Cell::Money(emhana_domain::payment::remaining(total, paid)),
                        Cell::Text(pay.label_ru().into()),
                        text(row, "source")?,
                        text(row, "notes")?,
                    ]);
                }
            }
            Segment::Lines => {
                for row in rows {
                    let (base, price, paid) = (
                        money(row, "base_price")?,
                        money(row, "price")?,
                        money(row, "paid")?,
                    );
                    let status = column::code(row, "status", VisitStatus::from_code)?;
                    out.push(vec![
                        Cell::Int(row.try_get("visit_id")?),
                        Cell::Date(column::day(row, "local_date")?),
                        text(row, "doctor")?,
                        text(row, "patient")?,
                        text(row, "service")?,
                        Cell::Money(base),
                        Cell::Money(price),
                        Cell::Money(Money::from_tiyn(base.tiyn() - price.tiyn())),
                        Cell::Money(paid),
                        Cell::Money(emhana_domain::payment::remaining(price, paid)),
                        Cell::Text(status.label_ru().into()),
                    ]);
                }
            }
            Segment::Payments | Segment::Refunds => {
                let refund = segment == Segment::Refunds;
                let split = self
                    .children(
                        if refund {
                            SPLIT_OF_REFUNDS
                        } else {
                            SPLIT_OF_PAYMENTS
                        },
                        rows,
                        "id",
                    )
                    .await?;
                for row in rows {
                    let id: i64 = row.try_get("id")?;
                    let amount = money(row, "amount")?;
                    let method = column::code(row, "method", PaymentMethod::from_code)?;
                    let parts = split.get(&id).map(Vec::as_slice).unwrap_or_default();
                    let mut by_service = String::new();
                    for (name, m) in parts {
                        if !by_service.is_empty() {
                            by_service.push_str("; ");
                        }
                        let _ = write!(by_service, "{name}: {m}");
                    }
                    out.push(vec![
                        Cell::Text(
                            if refund {
                                "Возврат"
                            } else {
                                "Оплата"
                            }
                            .into(),
                        ),
                        Cell::Int(id),
                        at(row, "at")?,
                        Cell::Text(method.label_ru().into()),
                        Cell::Money(if refund {
                            Money::from_tiyn(-amount.tiyn())
                        } else {
                            amount
                        }),
                        Cell::Int(row.try_get("visit_id")?),
                        Cell::Date(column::day(row, "local_date")?),
                        text(row, "doctor")?,
                        text(row, "patient")?,
                        text(row, "by_user")?,
                        if refund {
                            Cell::Empty
                        } else {
                            at(row, "voided_at")?
                        },
                        text(row, "reason")?,
                        Cell::text(Some(by_service)),
                    ]);
                }
            }
            Segment::Patients => {
                for row in rows {
                    let active: crate::time::Flag = row.try_get("is_active")?;
                    out.push(vec![
                        Cell::Int(row.try_get("id")?),
                        text(row, "last_name")?,
                        text(row, "first_name")?,
                        text(row, "phone")?,
                        row.try_get::<Option<String>, _>("birth_date")?
                            .and_then(|d| d.parse().ok())
                            .map_or(Cell::Empty, Cell::Date),
                        text(row, "email")?,
                        Cell::Text(yes_no(active.0).into()),
                        at(row, "created_at")?,
                        text(row, "notes")?,
                    ]);
                }
            }
            Segment::Doctors => {
                for row in rows {
                    let active: crate::time::Flag = row.try_get("is_active")?;
                    out.push(vec![
                        Cell::Int(row.try_get("id")?),
                        text(row, "last_name")?,
                        text(row, "first_name")?,
                        text(row, "specialization")?,
                        text(row, "phone")?,
                        text(row, "email")?,
                        Cell::Text(yes_no(active.0).into()),
                    ]);
                }
            }
            Segment::Services => {
                for row in rows {
                    let active: crate::time::Flag = row.try_get("is_active")?;
                    out.push(vec![
                        Cell::Int(row.try_get("id")?),
                        text(row, "name")?,
                        Cell::Money(money(row, "base_price")?),
                        Cell::Int(row.try_get("duration_minutes")?),
                        text(row, "doctor")?,
                        Cell::Text(yes_no(active.0).into()),
                        text(row, "description")?,
                    ]);
                }
            }
            Segment::Audit => {
                for row in rows {
                    let user = row.try_get::<Option<String>, _>("by_user")?.or_else(|| {
                        row.try_get::<Option<i64>, _>("user_id")
                            .ok()
                            .flatten()
                            .map(|id| format!("#{id}"))
                    });
                    out.push(vec![
                        Cell::Int(row.try_get("id")?),
                        at(row, "at")?,
                        Cell::text(user),
                        text(row, "action")?,
                        text(row, "entity")?,
                        row.try_get::<Option<i64>, _>("entity_id")?
                            .map_or(Cell::Empty, Cell::Int),
                        text(row, "old_json")?,
                        text(row, "new_json")?,
                        text(row, "client_ip")?,
                        text(row, "request_id")?,
                    ]);
                }
            }
        }
        Ok(out)
    }

    /// `(name, amount)` children of the chunk's rows, by parent id, in the query's order.
    async fn children(
        &mut self,
        sql: &str,
        rows: &[AnyRow],
        id_column: &str,
    ) -> Result<std::collections::HashMap<i64, Vec<(String, Money)>>, StoreError> {
        let mut ids = String::new();
        for row in rows {
            let id: i64 = row.try_get(id_column)?;
            if !ids.is_empty() {
                ids.push(',');
            }
            let _ = write!(ids, "{id}");
        }
        let mut by_parent: std::collections::HashMap<i64, Vec<(String, Money)>> =
            std::collections::HashMap::new();
        if ids.is_empty() {
            return Ok(by_parent);
        }
        // Literal integer ids (never text), so the plan is made for these rows: see
        // `visits::by_ids` for the generic-plan trap a bound array falls into.
        let sql = sql.replace("{ids}", &ids);
        let children = sqlx::query(sqlx::AssertSqlSafe(sql))
            .persistent(false)
            .fetch_all(&mut *self.tx)
            .await?;
        for c in children {
            by_parent
                .entry(c.try_get("parent")?)
                .or_default()
                .push((c.try_get("name")?, column::money(&c, "amount")?));
        }
        Ok(by_parent)
    }

    /// Ends the read transaction.
    pub async fn close(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

fn yes_no(flag: bool) -> &'static str {
    if flag {
        "да"
    } else {
        "нет"
    }
}

const LINES_OF_VISITS: &str = "SELECT l.appointment_id AS parent, sv.name, l.base_price AS amount \
     FROM appointment_services l JOIN services sv ON sv.id = l.service_id \
     WHERE l.appointment_id IN ({ids}) ORDER BY l.appointment_id, l.position";

const SPLIT_OF_PAYMENTS: &str = "SELECT pa.payment_id AS parent, sv.name, pa.amount \
     FROM payment_allocations pa \
     JOIN appointment_services l ON l.id = pa.line_id \
     JOIN services sv ON sv.id = l.service_id \
     WHERE pa.payment_id IN ({ids}) AND pa.amount > 0 ORDER BY pa.payment_id, l.position";

const SPLIT_OF_REFUNDS: &str = "SELECT ra.refund_id AS parent, sv.name, ra.amount \
     FROM refund_allocations ra \
     JOIN appointment_services l ON l.id = ra.line_id \
     JOIN services sv ON sv.id = l.service_id \
     WHERE ra.refund_id IN ({ids}) ORDER BY ra.refund_id, l.position";

impl Store {
    /// Records that someone took an export (what, which filters, how many rows): exports carry
    /// patients' personal data out of the clinic, so each one is in the audit log.
    pub async fn record_export(
        &self,
        actor: &crate::audit::Actor,
        what: serde_json::Value,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        crate::audit::append(
            &mut tx,
            actor,
            crate::audit::AuditEntry {
                action: "export",
                entity: "export",
                entity_id: None,
                old: None,
                new: Some(what),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
