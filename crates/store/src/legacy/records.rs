//! What the importer hands the store: legacy rows already mapped to Emhana's values by the
//! domain's rules (the store only writes them).

use chrono::{DateTime, NaiveDate, Utc};
use emhana_domain::{PaymentMethod, PaymentStatus, Role, VisitStatus};

/// A legacy staff account.
#[derive(Debug, Clone)]
pub struct ImportedUser {
    /// Login as it was.
    pub login: String,
    /// Shown name.
    pub display_name: String,
    /// Mapped role.
    pub role: Role,
    /// The legacy bcrypt hash, kept so the old password still works once.
    pub password_hash: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last login, if known.
    pub last_login_at: Option<DateTime<Utc>>,
}

/// A legacy client as a patient.
#[derive(Debug, Clone)]
pub struct ImportedPatient {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: Option<String>,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Phone (normalized, or as written when unreadable).
    pub phone: String,
    /// E-mail.
    pub email: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Active.
    pub is_active: bool,
    /// Case-folded search key.
    pub search_key: String,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A legacy doctor.
#[derive(Debug, Clone)]
pub struct ImportedDoctor {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Specialization.
    pub specialization: String,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Active.
    pub is_active: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A legacy price-list service.
#[derive(Debug, Clone)]
pub struct ImportedService {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Tiyn.
    pub base_price: i64,
    /// Minutes.
    pub duration_minutes: i64,
    /// Tied doctor.
    pub doctor_id: Option<i64>,
    /// Active.
    pub is_active: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A line of an imported visit.
#[derive(Debug, Clone)]
pub struct ImportedLine {
    /// `appointment_services.id`, none for a line made from the visit's own service.
    pub legacy_id: Option<i64>,
    /// Service.
    pub service_id: i64,
    /// Price-list price, tiyn.
    pub base_price: i64,
    /// Visit price, tiyn.
    pub price: i64,
    /// Allocated, tiyn.
    pub paid: i64,
}

/// A payment of an imported visit.
#[derive(Debug, Clone)]
pub struct ImportedPayment {
    /// The `appointment_service_payments` rows it was made of.
    pub legacy_ids: Vec<i64>,
    /// Method.
    pub method: PaymentMethod,
    /// Tiyn.
    pub amount: i64,
    /// When.
    pub paid_at: DateTime<Utc>,
    /// Clinic-local day of `paid_at`.
    pub local_date: NaiveDate,
    /// Notes of its rows.
    pub note: Option<String>,
    /// `(line index, tiyn)`.
    pub allocations: Vec<(usize, i64)>,
}

/// A legacy appointment with everything under it.
#[derive(Debug, Clone)]
pub struct ImportedVisit {
    /// Patient.
    pub patient_id: i64,
    /// Doctor.
    pub doctor_id: i64,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Clinic-local day of the start.
    pub local_date: NaiveDate,
    /// Status.
    pub status: VisitStatus,
    /// Lead source.
    pub source_id: i64,
    /// Notes.
    pub notes: Option<String>,
    /// When the appointment started (legacy `start_time`).
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended (legacy `end_time`).
    pub finished_at: Option<DateTime<Utc>>,
    /// Σ prices.
    pub total: i64,
    /// Σ payments.
    pub paid: i64,
    /// Derived by the domain.
    pub payment_status: PaymentStatus,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Lines.
    pub lines: Vec<ImportedLine>,
    /// Payments.
    pub payments: Vec<ImportedPayment>,
}

/// A legacy audit row.
#[derive(Debug, Clone)]
pub struct ImportedAudit {
    /// When.
    pub at: DateTime<Utc>,
    /// Mapped user.
    pub user_id: Option<i64>,
    /// Legacy action (stored as `legacy:<action>`).
    pub action: String,
    /// Emhana entity name (or the legacy table's).
    pub entity: String,
    /// Mapped id.
    pub entity_id: Option<i64>,
    /// Before, JSON text.
    pub old_json: Option<String>,
    /// After, JSON text.
    pub new_json: Option<String>,
}
