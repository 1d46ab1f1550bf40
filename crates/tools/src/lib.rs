//! Emhana's data tools, run from the command line (`emhana import-legacy`, `emhana seed-demo`,
//! `emhana seed-bulk`): they write through the store's use cases and its bulk paths, never
//! through HTTP, and live apart from the server so the server crate only serves.

pub mod legacy;
pub mod progress;
pub mod seed;
