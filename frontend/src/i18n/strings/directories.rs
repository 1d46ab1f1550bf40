//! Doctors, the price list and lead sources.

/// Doctors, the price list and lead sources: its strings.
#[cfg_attr(test, derive(serde::Serialize))]
pub struct DirectoryStrings {
    /// Doctor form title (create).
    pub new_doctor: &'static str,
    /// Doctor form title (edit).
    pub edit_doctor: &'static str,
    /// Doctor's specialization.
    pub specialization_label: &'static str,
    /// Service form title (create).
    pub new_service: &'static str,
    /// Service form title (edit).
    pub edit_service: &'static str,
    /// Service description.
    pub description_label: &'static str,
    /// Duration in minutes.
    pub duration_label: &'static str,
    /// Doctor picker: not tied to one doctor.
    pub any_doctor: &'static str,
    /// Lead source form title (create).
    pub new_source: &'static str,
    /// Lead source form title (edit).
    pub edit_source: &'static str,
    /// Lead source code.
    pub code_label: &'static str,
    /// Lead source label.
    pub label_label: &'static str,
    /// Default lead source marker.
    pub default_label: &'static str,
    /// Boolean yes.
    pub yes: &'static str,
    /// Usual specializations offered in the doctor form (beside the clinic's own).
    pub specializations: &'static [&'static str],
}
