//! Reusable widgets.

pub mod chart;
pub mod form;
pub mod table;
