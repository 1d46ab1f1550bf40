//! Reusable widgets.

pub mod chart;
pub mod directory;
pub mod form;
pub mod keyset;
pub mod language;
pub mod table;
