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
    /// Login page title.
    pub login_title: &'static str,
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
    /// Sidebar sign-out button.
    pub logout: &'static str,
    /// Login field.
    pub login_label: &'static str,
    /// Password field.
    pub password_label: &'static str,
    /// Sign-in button.
    pub login_button: &'static str,
    /// Display name column/field.
    pub name_label: &'static str,
    /// Role column/field.
    pub role_label: &'static str,
    /// Account status column.
    pub status_label: &'static str,
    /// Active account.
    pub active: &'static str,
    /// Deactivated account.
    pub inactive: &'static str,
    /// Activate button.
    pub activate: &'static str,
    /// Deactivate button.
    pub deactivate: &'static str,
    /// New account form title.
    pub new_user: &'static str,
    /// Create button.
    pub create: &'static str,
    /// Audit entity filter/column.
    pub entity_label: &'static str,
    /// Audit action filter/column.
    pub action_label: &'static str,
    /// Time column.
    pub time_label: &'static str,
    /// User column.
    pub user_label: &'static str,
    /// Audit diff column.
    pub changes_label: &'static str,
    /// Empty list.
    pub empty: &'static str,
    /// Patient search label.
    pub search_label: &'static str,
    /// Patient search placeholder.
    pub search_hint: &'static str,
    /// New patient button/title.
    pub new_patient: &'static str,
    /// Edit patient title.
    pub edit_patient: &'static str,
    /// First name.
    pub first_name_label: &'static str,
    /// Last name.
    pub last_name_label: &'static str,
    /// Phone.
    pub phone_label: &'static str,
    /// Birth date.
    pub birth_date_label: &'static str,
    /// E-mail.
    pub email_label: &'static str,
    /// Notes.
    pub notes_label: &'static str,
    /// Save button.
    pub save: &'static str,
    /// Cancel button.
    pub cancel: &'static str,
    /// "из" in "21–40 из 57".
    pub of: &'static str,
    /// Pager landmark label.
    pub pages: &'static str,
    /// Pager: previous.
    pub prev_page: &'static str,
    /// Pager: next.
    pub next_page: &'static str,
    /// Cursor lists: fetch the next page.
    pub load_more: &'static str,
    /// Directory filter: include deactivated records.
    pub show_inactive: &'static str,
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
    /// Service name.
    pub service_name_label: &'static str,
    /// Service description.
    pub description_label: &'static str,
    /// Base price.
    pub price_label: &'static str,
    /// Duration in minutes.
    pub duration_label: &'static str,
    /// Doctor column/picker.
    pub doctor_label: &'static str,
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
    /// Close a panel.
    pub close: &'static str,
    /// Status button: scheduled → in progress.
    pub arrived: &'static str,
    /// Status button: in progress → completed.
    pub finish_visit: &'static str,
    /// Status button: scheduled → no-show.
    pub no_show: &'static str,
    /// Status button: scheduled → cancelled.
    pub cancel_visit: &'static str,
    /// Reason of a status revert.
    pub revert_reason: &'static str,
    /// Revert button prefix.
    pub revert_to: &'static str,
    /// Lead source picker.
    pub source_label: &'static str,
    /// Services of a visit.
    pub services_heading: &'static str,
    /// Paid amount.
    pub paid_label: &'static str,
    /// Add a service to a visit.
    pub add_service: &'static str,
    /// Add button.
    pub add: &'static str,
    /// Before the base price hint.
    pub base_price_hint: &'static str,
    /// Remove a line.
    pub remove: &'static str,
    /// Payment section title.
    pub payment_heading: &'static str,
    /// Visit total.
    pub total_label: &'static str,
    /// Still owed.
    pub remaining_label: &'static str,
    /// Submit a payment.
    pub take_payment: &'static str,
    /// No payments yet.
    pub no_payments: &'static str,
    /// Payment method column.
    pub method_label: &'static str,
    /// Amount column.
    pub amount_label: &'static str,
    /// A voided payment.
    pub voided: &'static str,
    /// Void button.
    pub void_payment: &'static str,
    /// Reason of a void.
    pub void_reason: &'static str,
    /// Jump to today.
    pub today: &'static str,
    /// Week calendar toggle.
    pub week_view: &'static str,
    /// Calendar without doctors.
    pub no_doctors: &'static str,
    /// Free slot label prefix.
    pub book_at: &'static str,
    /// Booking form title.
    pub new_visit: &'static str,
    /// Date field.
    pub date_label: &'static str,
    /// Patient field.
    pub patient_label: &'static str,
    /// Change a choice.
    pub change: &'static str,
    /// Book button.
    pub book: &'static str,
    /// Period start.
    pub period_from: &'static str,
    /// Period end.
    pub period_to: &'static str,
    /// Any value of a filter.
    pub all: &'static str,
    /// Payment status filter.
    pub payment_status_label: &'static str,
    /// Move a visit.
    pub reschedule: &'static str,
    /// Why a manager books over a clash.
    pub overlap_reason: &'static str,
    /// Book over a clash.
    pub book_anyway: &'static str,
    /// Quick range.
    pub last_7_days: &'static str,
    /// Quick range.
    pub this_month: &'static str,
    /// Quick range.
    pub last_month: &'static str,
    /// Quick range.
    pub this_year: &'static str,
    /// Doctor filter: everyone.
    pub all_doctors: &'static str,
    /// Sources report.
    pub sources_heading: &'static str,
    /// Payment methods report.
    pub methods_heading: &'static str,
    /// Revenue line.
    pub revenue_daily_heading: &'static str,
    /// Doctors bars.
    pub by_doctor_heading: &'static str,
    /// Services bars.
    pub by_service_heading: &'static str,
    /// Discounts report.
    pub discounts_heading: &'static str,
    /// Revenue.
    pub revenue_label: &'static str,
    /// Visits.
    pub visits_label: &'static str,
    /// Patients.
    pub patients_label: &'static str,
    /// New patients (short).
    pub new_short: &'static str,
    /// Returning patients (short).
    pub returning_short: &'static str,
    /// Average check.
    pub average_check_label: &'static str,
    /// Outstanding debt.
    pub debt_label: &'static str,
    /// No-show rate.
    pub no_show_label: &'static str,
    /// Cashless share.
    pub cashless_label: &'static str,
    /// Average payment.
    pub average_payment_label: &'static str,
    /// Average.
    pub average_label: &'static str,
    /// Count.
    pub count_label: &'static str,
    /// Staff table: new password column.
    pub new_password: &'static str,
    /// Set a new password.
    pub set_password: &'static str,
    /// Trend charts.
    pub trends_heading: &'static str,
    /// Trend step.
    pub trend_period: &'static str,
    /// Weekly trend.
    pub by_week: &'static str,
    /// Monthly trend.
    pub by_month: &'static str,
    /// Backups page.
    pub nav_backups: &'static str,
    /// Take a backup now.
    pub backup_now: &'static str,
    /// While a backup runs.
    pub backup_busy: &'static str,
    /// Download a backup file.
    pub backup_download: &'static str,
    /// Automatic backups, followed by the time.
    pub backup_daily: &'static str,
    /// When automatic backups are off.
    pub backup_daily_off: &'static str,
    /// The backup folder label.
    pub backup_folder: &'static str,
    /// Last successful backup label.
    pub backup_last_ok: &'static str,
    /// Last failure label.
    pub backup_failed: &'static str,
    /// No backups yet.
    pub backup_none: &'static str,
    /// Table column: when.
    pub backup_created: &'static str,
    /// Table column: size.
    pub backup_size: &'static str,
    /// Table column: row counts.
    pub backup_contents: &'static str,
    /// Table column: why it was taken.
    pub backup_reason: &'static str,
    /// How to restore (a command, never a button).
    pub backup_restore_hint: &'static str,
    /// Row count label: payments.
    pub backup_payments: &'static str,
    /// Reason code manual.
    pub reason_manual: &'static str,
    /// Reason code daily.
    pub reason_daily: &'static str,
    /// Reason code pre-restore.
    pub reason_pre_restore: &'static str,
    /// Cash desk page.
    pub nav_cash_desk: &'static str,
    /// Register picker label.
    pub desk_register: &'static str,
    /// No live shift on the register.
    pub desk_no_shift: &'static str,
    /// Open-shift form heading.
    pub desk_open_heading: &'static str,
    /// Float counted at opening.
    pub desk_counted_opening: &'static str,
    /// Prefill hint: the previous close's count.
    pub desk_suggested: &'static str,
    /// Open-shift button.
    pub desk_open: &'static str,
    /// A shift.
    pub desk_shift: &'static str,
    /// When and who opened it.
    pub desk_opened: &'static str,
    /// Opening float.
    pub desk_float: &'static str,
    /// Opening count − previous close.
    pub desk_opening_difference: &'static str,
    /// Shift left open past the day end.
    pub desk_stale: &'static str,
    /// X report heading.
    pub desk_x_heading: &'static str,
    /// Z report heading.
    pub desk_z_heading: &'static str,
    /// Tender column.
    pub desk_tender: &'static str,
    /// Payments column.
    pub desk_payments: &'static str,
    /// Refunds column.
    pub desk_refunds: &'static str,
    /// Net column.
    pub desk_net: &'static str,
    /// Expected column.
    pub desk_expected: &'static str,
    /// Counted column.
    pub desk_counted: &'static str,
    /// Difference column.
    pub desk_difference: &'static str,
    /// Cash in.
    pub desk_cash_in: &'static str,
    /// Cash out.
    pub desk_cash_out: &'static str,
    /// Expected cash in the drawer.
    pub desk_cash_expected: &'static str,
    /// Voided payments count.
    pub desk_voids: &'static str,
    /// Cash in/out form heading.
    pub desk_movement_heading: &'static str,
    /// Cash in/out button.
    pub desk_movement_submit: &'static str,
    /// Reason field.
    pub desk_reason: &'static str,
    /// Shift journal heading.
    pub desk_journal_heading: &'static str,
    /// Journal kind.
    pub desk_kind_payment: &'static str,
    /// Journal kind.
    pub desk_kind_refund: &'static str,
    /// A voided payment in the journal.
    pub desk_voided: &'static str,
    /// Start the blind count.
    pub desk_start_count: &'static str,
    /// Blind count heading.
    pub desk_count_heading: &'static str,
    /// Blind count explanation.
    pub desk_count_hint: &'static str,
    /// Close note.
    pub desk_note: &'static str,
    /// Close-shift button.
    pub desk_close: &'static str,
    /// Print the Z report.
    pub desk_print: &'static str,
    /// Shift history heading.
    pub desk_history: &'static str,
    /// Z number column.
    pub desk_z_number: &'static str,
    /// Status column.
    pub desk_status: &'static str,
    /// When it was closed.
    pub desk_closed: &'static str,
    /// Who.
    pub desk_by: &'static str,
    /// Open a Z report.
    pub desk_show_z: &'static str,
    /// No shifts yet.
    pub desk_none: &'static str,
    /// Refund form in the visit card.
    pub refund_heading: &'static str,
    /// How a refund is split.
    pub refund_hint: &'static str,
    /// Refund reason.
    pub refund_reason: &'static str,
    /// Refund button.
    pub refund_submit: &'static str,
    /// Refund tender picker (managers).
    pub refund_method: &'static str,
    /// The default: back the way it came.
    pub refund_method_original: &'static str,
    /// Refund history.
    pub refunds_heading: &'static str,
    /// Settings panel.
    pub desk_settings: &'static str,
    /// Today's payments outside any shift.
    pub desk_outside: &'static str,
    /// require_open_shift.
    pub desk_require_shift: &'static str,
    /// Tolerance.
    pub desk_tolerance: &'static str,
    /// Day end.
    pub desk_day_end: &'static str,
    /// Saved.
    pub desk_saved: &'static str,
    /// New register name.
    pub desk_new_register: &'static str,
    /// Add register.
    pub desk_add_register: &'static str,
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
    login_title: "Вход в Емхана",
    loading: "Загрузка…",
    api_status: "Сервер",
    api_ok: "работает",
    api_down: "недоступен",
    not_found: "Страница не найдена",
    logout: "Выйти",
    login_label: "Логин",
    password_label: "Пароль",
    login_button: "Войти",
    name_label: "Имя",
    role_label: "Роль",
    status_label: "Статус",
    active: "активен",
    inactive: "отключён",
    activate: "Включить",
    deactivate: "Отключить",
    new_user: "Новый сотрудник",
    create: "Создать",
    entity_label: "Объект",
    action_label: "Действие",
    time_label: "Время",
    user_label: "Сотрудник",
    changes_label: "Изменения",
    empty: "Записей нет",
    search_label: "Поиск",
    search_hint: "Имя или телефон (8701…, +7 701…)",
    new_patient: "Новый клиент",
    edit_patient: "Карточка клиента",
    first_name_label: "Имя",
    last_name_label: "Фамилия",
    phone_label: "Телефон",
    birth_date_label: "Дата рождения",
    email_label: "Эл. почта",
    notes_label: "Заметки",
    save: "Сохранить",
    cancel: "Отмена",
    of: "из",
    pages: "Страницы",
    prev_page: "‹ Назад",
    next_page: "Вперёд ›",
    load_more: "Показать ещё",
    show_inactive: "Показать отключённых",
    new_doctor: "Новый врач",
    edit_doctor: "Карточка врача",
    specialization_label: "Специализация",
    new_service: "Новая услуга",
    edit_service: "Услуга",
    service_name_label: "Название",
    description_label: "Описание",
    price_label: "Цена, ₸",
    duration_label: "Длительность, мин",
    doctor_label: "Врач",
    any_doctor: "— любой врач —",
    new_source: "Новый источник",
    edit_source: "Источник",
    code_label: "Код",
    label_label: "Название",
    default_label: "По умолчанию",
    yes: "да",
    close: "Закрыть",
    arrived: "Пациент пришёл",
    finish_visit: "Завершить приём",
    no_show: "Не явился",
    cancel_visit: "Отменить визит",
    revert_reason: "Причина возврата",
    revert_to: "Вернуть в",
    source_label: "Откуда узнали о нас",
    services_heading: "Услуги",
    paid_label: "Оплачено",
    add_service: "Добавить услугу",
    add: "Добавить",
    base_price_hint: "по прайсу",
    remove: "Убрать",
    payment_heading: "Управление оплатой",
    total_label: "Итого",
    remaining_label: "Остаток",
    take_payment: "Принять оплату",
    no_payments: "Оплат пока нет",
    method_label: "Способ",
    amount_label: "Сумма",
    voided: "отменён",
    void_payment: "Отменить платёж",
    void_reason: "Причина отмены платежа",
    today: "Сегодня",
    week_view: "Неделя",
    no_doctors: "Добавьте врачей в разделе «Врачи», чтобы записывать пациентов",
    book_at: "Записать на",
    new_visit: "Новая запись",
    date_label: "Дата",
    patient_label: "Пациент",
    change: "изменить",
    book: "Записать",
    period_from: "С",
    period_to: "По",
    all: "все",
    payment_status_label: "Оплата",
    reschedule: "Перенести",
    overlap_reason: "Причина записи поверх занятого времени",
    book_anyway: "Записать поверх",
    last_7_days: "7 дней",
    this_month: "Этот месяц",
    last_month: "Прошлый месяц",
    this_year: "Год",
    all_doctors: "Все врачи",
    sources_heading: "Откуда узнали о нас",
    methods_heading: "Способы оплаты",
    revenue_daily_heading: "Выручка по дням",
    by_doctor_heading: "Выручка по врачам",
    by_service_heading: "Выручка по услугам",
    discounts_heading: "Скидки",
    revenue_label: "Выручка",
    visits_label: "Визиты",
    patients_label: "Пациенты",
    new_short: "новых",
    returning_short: "повторных",
    average_check_label: "Средний чек",
    debt_label: "Долг",
    no_show_label: "Неявки",
    cashless_label: "Безнал",
    average_payment_label: "Средний платёж",
    average_label: "в среднем",
    count_label: "Количество",
    new_password: "Новый пароль",
    set_password: "Задать",
    trends_heading: "Тренды",
    trend_period: "Шаг",
    by_week: "по неделям",
    by_month: "по месяцам",
    nav_backups: "Резервные копии",
    backup_now: "Создать копию сейчас",
    backup_busy: "Создаётся…",
    backup_download: "Скачать",
    backup_daily: "Автоматически ежедневно в",
    backup_daily_off: "Автоматические копии выключены",
    backup_folder: "Папка на сервере",
    backup_last_ok: "Последняя успешная копия",
    backup_failed: "Последняя попытка не удалась",
    backup_none: "Копий пока нет",
    backup_created: "Создана",
    backup_size: "Размер",
    backup_contents: "Содержимое",
    backup_reason: "Причина",
    backup_restore_hint: "Восстановление — только командой на сервере, при остановленном сервере: emhana restore ФАЙЛ (текущая база сначала сохраняется).",
    backup_payments: "Платежи",
    reason_manual: "вручную",
    reason_daily: "ежедневная",
    reason_pre_restore: "перед восстановлением",
    nav_cash_desk: "Касса",
    desk_register: "Касса",
    desk_no_shift: "Смена не открыта: наличные принять нельзя.",
    desk_open_heading: "Открытие смены",
    desk_counted_opening: "Наличные в ящике при открытии",
    desk_suggested: "По последнему закрытию",
    desk_open: "Открыть смену",
    desk_shift: "Смена",
    desk_opened: "Открыта",
    desk_float: "Размен на начало",
    desk_opening_difference: "Расхождение при открытии",
    desk_stale: "Смена не закрыта после конца рабочего дня — пересчитайте и закройте её.",
    desk_x_heading: "X-отчёт (на сейчас)",
    desk_z_heading: "Z-отчёт",
    desk_tender: "Способ оплаты",
    desk_payments: "Оплаты",
    desk_refunds: "Возвраты",
    desk_net: "Итого",
    desk_expected: "Ожидается",
    desk_counted: "Посчитано",
    desk_difference: "Расхождение",
    desk_cash_in: "Внесение",
    desk_cash_out: "Изъятие",
    desk_cash_expected: "Ожидается наличных в ящике",
    desk_voids: "Аннулировано платежей",
    desk_movement_heading: "Внесение и изъятие наличных",
    desk_movement_submit: "Провести",
    desk_reason: "Причина",
    desk_journal_heading: "Операции смены",
    desk_kind_payment: "Оплата",
    desk_kind_refund: "Возврат",
    desk_voided: "аннулирован",
    desk_start_count: "Начать пересчёт",
    desk_count_heading: "Пересчёт кассы",
    desk_count_hint: "Посчитайте деньги по каждому способу оплаты (наличные — в ящике, карта и QR — по итогам терминала). Ожидаемые суммы покажет Z-отчёт.",
    desk_note: "Примечание (обязательно при расхождении)",
    desk_close: "Закрыть смену",
    desk_print: "Печать",
    desk_history: "История смен (30 дней)",
    desk_z_number: "Z №",
    desk_status: "Статус",
    desk_closed: "Закрыта",
    desk_by: "Кто",
    desk_show_z: "Z-отчёт",
    desk_none: "Смен пока не было",
    refund_heading: "Возврат",
    refund_hint: "Суммы по услугам; деньги вернутся тем же способом, каким были оплачены.",
    refund_reason: "Причина возврата",
    refund_submit: "Оформить возврат",
    refund_method: "Способ возврата",
    refund_method_original: "как оплачено",
    refunds_heading: "Возвраты",
    desk_settings: "Настройки кассы",
    desk_outside: "Сегодня вне смен (безналичные без открытой смены)",
    desk_require_shift: "Не принимать безналичные оплаты без открытой смены",
    desk_tolerance: "Допустимое расхождение, ₸",
    desk_day_end: "Конец рабочего дня",
    desk_saved: "Сохранено",
    desk_new_register: "Новая касса",
    desk_add_register: "Добавить кассу",
};

/// The strings for the current UI language.
pub fn t() -> &'static Strings {
    &RU
}
