//! What each export reads: its tables, columns, keyset and the `WHERE` its filters build.

use emhana_domain::export::{Activity, ExportKind, ExportRequest};
use emhana_domain::ClinicZone;
use sqlx::Any;

/// A value bound to a placeholder of a built query.
#[derive(Debug, Clone)]
pub(super) enum Bind {
    Text(String),
    Int(i64),
}

/// A `WHERE` clause built from the filters a request has, numbered `$2…` (`$1` is the keyset).
#[derive(Debug, Clone, Default)]
pub(super) struct Filters {
    clauses: Vec<String>,
    binds: Vec<Bind>,
}

impl Filters {
    pub(super) fn push(&mut self, clause_with_placeholder: &str, bind: Bind) {
        self.binds.push(bind);
        let n = self.binds.len() + 1;
        self.clauses
            .push(clause_with_placeholder.replace('?', &format!("${n}")));
    }

    pub(super) fn fixed(&mut self, clause: &str) {
        self.clauses.push(clause.to_owned());
    }

    /// Which rows of a directory (`column` is its active flag).
    fn activity(&mut self, column: &str, activity: Activity) {
        match activity {
            Activity::Active => self.fixed(&format!("{column} = 1")),
            Activity::Inactive => self.fixed(&format!("{column} = 0")),
            Activity::All => {}
        }
    }

    pub(super) fn sql(&self) -> String {
        self.clauses
            .iter()
            .fold(String::new(), |acc, c| acc + " AND " + c)
    }

    pub(super) fn bind<'q>(
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
pub(super) enum Segment {
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
    pub(super) fn first(kind: ExportKind) -> Option<Self> {
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

    pub(super) fn next(self) -> Option<Self> {
        match self {
            Self::Payments => Some(Self::Refunds),
            _ => None,
        }
    }

    /// `FROM … WHERE <keyset>` for this segment; filters are appended after it.
    pub(super) fn from(self) -> &'static str {
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
    pub(super) fn count_from(self) -> &'static str {
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
    pub(super) fn key(self) -> &'static str {
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

    pub(super) fn select(self) -> &'static str {
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
    pub(super) fn filters(self, r: &ExportRequest, zone: ClinicZone) -> Filters {
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
            Self::Patients => f.activity("p.is_active", r.activity),
            Self::Doctors => f.activity("d.is_active", r.activity),
            Self::Services => {
                f.activity("sv.is_active", r.activity);
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
