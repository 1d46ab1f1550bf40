//! Emhana's rules as pure functions over typed values: money, allocation of payments over visit
//! lines, payment status, the visit status machine, roles and input validation.
//!
//! No I/O and no async: the server calls these inside its transactions, and the SPA (wasm32) calls
//! the same code to show the same numbers. Every rule has its unit tests beside it; the money
//! invariants are also pinned by property tests (`tests/money_properties.rs`).

pub mod access;
pub mod allocation;
pub mod analytics;
pub mod backup;
pub mod balance;
pub mod bonus;
pub mod booking;
pub mod cash_desk;
pub mod clinic_time;
pub mod directories;
pub mod error;
pub mod export;
pub mod ids;
pub mod import;
pub mod integrations;
pub mod kpi_change;
pub mod legacy;
pub mod money;
pub mod paging;
pub mod patient;
pub mod patient_history;
pub mod payment;
pub mod refund;
pub mod refusal;
pub mod reminder;
pub mod requisites;
pub mod role;
pub mod sync;
pub mod ui_language;
pub mod validation;
pub mod visit;
pub mod visit_list;
pub mod visit_status;

pub use allocation::{allocate, allocate_many};
pub use clinic_time::ClinicZone;
pub use error::{FieldViolation, Violations};
pub use money::{Money, MoneyError};
pub use payment::{
    check_payment, check_price_edit, PaymentMethod, PaymentRefusal, PaymentRequest, PaymentStatus,
};
pub use refusal::{Reference, VisitRefusal};
pub use role::Role;
pub use ui_language::UiLanguage;
pub use visit_status::{Stamp, TransitionError, VisitStatus};
