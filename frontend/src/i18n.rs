//! Every user-visible string of the SPA, in one place. Russian now; a Kazakh or English table
//! is another `Strings` value with the same fields.

/// The UI vocabulary. Pages take their text from here, never from literals.
pub struct Strings {
    /// Product name shown in the sidebar and the title.
    pub app_name: &'static str,
    /// One-line description under the title on the home page.
    pub tagline: &'static str,
    /// Navigation and page titles.
    pub nav_crm: &'static str,
    /// Visit list.
    pub nav_visits: &'static str,
    /// Patients directory.
    pub nav_patients: &'static str,
    /// Doctors directory.
    pub nav_doctors: &'static str,
    /// Price list.
    pub nav_services: &'static str,
    /// Lead sources.
    pub nav_sources: &'static str,
    /// Analytics dashboard.
    pub nav_analytics: &'static str,
    /// Audit log viewer.
    pub nav_audit: &'static str,
    /// Staff management.
    pub nav_staff: &'static str,
    /// Exports.
    pub nav_exports: &'static str,
    /// Chart demo page.
    pub nav_chart_demo: &'static str,
    /// Login page title.
    pub login_title: &'static str,
    /// Placeholder body for sections that are not built yet.
    pub section_pending: &'static str,
    /// Loading indicator.
    pub loading: &'static str,
    /// API status label.
    pub api_status: &'static str,
    /// API status when the server answers.
    pub api_ok: &'static str,
    /// API status when it does not.
    pub api_down: &'static str,
    /// Page-not-found title.
    pub not_found: &'static str,
    /// Title of the demo donut.
    pub demo_chart_title: &'static str,
    /// Labels of the demo donut (payment methods).
    pub demo_methods: [&'static str; 4],
}

/// The Russian table (the default).
pub const RU: Strings = Strings {
    app_name: "Емхана",
    tagline: "CRM для частной клиники: запись, оплаты, аналитика",
    nav_crm: "CRM",
    nav_visits: "Визиты",
    nav_patients: "Клиенты",
    nav_doctors: "Врачи",
    nav_services: "Прайс-лист",
    nav_sources: "Источники",
    nav_analytics: "Аналитика",
    nav_audit: "Журнал действий",
    nav_staff: "Сотрудники",
    nav_exports: "Экспорт",
    nav_chart_demo: "Демо диаграммы",
    login_title: "Вход в Емхана",
    section_pending: "Раздел появится в следующих версиях.",
    loading: "Загрузка…",
    api_status: "Сервер",
    api_ok: "работает",
    api_down: "недоступен",
    not_found: "Страница не найдена",
    demo_chart_title: "Способы оплаты (демо)",
    demo_methods: ["Карта", "Наличные", "QR (Kaspi)", "Перевод"],
};

/// The strings for the current UI language.
pub fn t() -> &'static Strings {
    &RU
}
