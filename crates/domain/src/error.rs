//! Field-level validation failures: which field, a stable code and a Russian message.
//! The server turns [`Violations`] into a 422 problem body; the SPA shows each under its field.

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// The input field (JSON name), e.g. `phone` or `payments.1.amount`.
    pub field: String,
    /// Stable snake_case code of the broken rule, e.g. `invalid_phone`.
    pub code: &'static str,
    /// Russian message for staff.
    pub message: String,
}

impl FieldViolation {
    /// A violation of `code` on `field` with a Russian `message`.
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }

    /// The same violation reported under another field name (e.g. a nested path).
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

impl std::fmt::Display for FieldViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldViolation {}

/// Several violations, collected so a form shows all its errors at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Violations(pub Vec<FieldViolation>);

impl Violations {
    /// Records the error of `result` (if any) and returns its value.
    pub fn check<T>(&mut self, result: Result<T, FieldViolation>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// `Ok(())` when nothing was recorded.
    pub fn into_result(self) -> Result<(), Self> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}
