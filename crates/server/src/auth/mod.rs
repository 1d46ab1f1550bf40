//! Authentication: access JWTs, opaque refresh tokens, password hashing, the request extractor
//! with its role guard, and first-start bootstrap (signing secret, owner account).

pub mod bootstrap;
pub mod extract;
pub mod password;
pub mod tokens;

pub use extract::{Authenticated, VerifiedClaims};
pub use tokens::Keys;
