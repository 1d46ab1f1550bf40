//! One module per page (areas get their own folders as they grow).

pub mod account;
pub mod analytics;
pub mod audit;
pub mod backups;
pub mod cash_desk;
pub mod clinic;
pub mod crm;
pub mod deposit;
pub mod doctors;
pub mod exports;
pub mod home;
pub mod imports;
pub mod integrations;
pub mod login;
pub mod loyalty;
pub mod patients;
pub mod reminders;
pub mod services;
pub mod sources;
pub mod staff;
pub mod visit_card;
pub mod visits;
