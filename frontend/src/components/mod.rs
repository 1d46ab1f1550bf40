//! Reusable view pieces.

pub mod donut_chart;
