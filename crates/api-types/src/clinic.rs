//! The clinic's requisites (реквизиты) on the wire.

use serde::{Deserialize, Serialize};

/// Name, BIN, address and phone as receipts and acts print them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "ТОО «Емхана»", "bin": "123456789012", "address": "Алматы, пр. Абая 1", "phone": "+77271234567"
})))]
pub struct Requisites {
    /// The clinic's name (1..200).
    pub name: String,
    /// Business identification number (12 digits), or none.
    pub bin: Option<String>,
    /// Address, or none.
    pub address: Option<String>,
    /// Phone (any usual spelling; answered normalized), or none.
    pub phone: Option<String>,
}
