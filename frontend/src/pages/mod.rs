//! One module per page (areas get their own folders as they grow).

pub mod audit;
pub mod chart_demo;
pub mod crm;
pub mod doctors;
pub mod home;
pub mod login;
pub mod patients;
pub mod placeholder;
pub mod services;
pub mod sources;
pub mod staff;
pub mod visit_card;
pub mod visits;
