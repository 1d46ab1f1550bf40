//! Reusable widgets.

pub mod donut_chart;
pub mod form;
pub mod table;
