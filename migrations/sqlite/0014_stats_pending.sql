-- Pending analytics deltas (issue 22: writes that do not meet on hot rows). A write appends its
-- signed facts to the matching *_pending table (same columns as the base table, no key) instead
-- of upserting the base rows; a compactor folds them into the base tables
-- (crates/store/src/stats.rs, `fold`) and every reader sums base + pending, so the figures stay
-- exact at every moment. SQLite has one writer anyway; the tables exist so both backends keep one
-- mechanism (and one set of read queries).
CREATE TABLE stats_visits_pending (
    day          TEXT NOT NULL,
    doctor_id    INTEGER NOT NULL,
    source_id    INTEGER NOT NULL,
    visits       INTEGER NOT NULL DEFAULT 0,
    no_shows     INTEGER NOT NULL DEFAULT 0,
    paid_visits  INTEGER NOT NULL DEFAULT 0,
    revenue      INTEGER NOT NULL DEFAULT 0,
    debt         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE stats_payments_pending (
    day        TEXT NOT NULL,
    doctor_id  INTEGER NOT NULL,
    method     TEXT NOT NULL,
    amount     INTEGER NOT NULL DEFAULT 0,
    payments   INTEGER NOT NULL DEFAULT 0,
    refunded   INTEGER NOT NULL DEFAULT 0,
    refunds    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE stats_lines_pending (
    day         TEXT NOT NULL,
    doctor_id   INTEGER NOT NULL,
    service_id  INTEGER NOT NULL,
    lines       INTEGER NOT NULL DEFAULT 0,
    billed      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE stats_allocations_pending (
    day         TEXT NOT NULL,
    doctor_id   INTEGER NOT NULL,
    service_id  INTEGER NOT NULL,
    amount      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE stats_discounts_pending (
    day        TEXT NOT NULL,
    doctor_id  INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    lines      INTEGER NOT NULL DEFAULT 0,
    amount     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE stats_method_visits_pending (
    day        TEXT NOT NULL,
    doctor_id  INTEGER NOT NULL,
    method     TEXT NOT NULL,
    prev       TEXT NOT NULL,
    visits     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE stats_patient_days_pending (
    scope      TEXT NOT NULL,
    day        TEXT NOT NULL,
    doctor_id  INTEGER NOT NULL,
    source_id  INTEGER NOT NULL,
    prev       TEXT NOT NULL,
    patients   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE stats_first_visits_pending (
    day       TEXT NOT NULL,
    patients  INTEGER NOT NULL DEFAULT 0
);
