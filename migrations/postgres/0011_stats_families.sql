-- Pre-aggregated analytics, one table per fact family with named columns (replaces the generic
-- stats(kind, k, v1..v5) of 0008, whose columns meant different things per kind). Kept equal to
-- a rebuild by every write in its own transaction (crates/store/src/stats.rs); the store fills
-- them on the first start after this migration (stats_version 2). doctor_id is the visit's doctor.

-- Non-cancelled visits by start day, doctor and lead source.
CREATE TABLE stats_visits (
    day          TEXT NOT NULL,
    doctor_id    BIGINT NOT NULL,
    source_id    BIGINT NOT NULL,
    visits       BIGINT NOT NULL DEFAULT 0,
    no_shows     BIGINT NOT NULL DEFAULT 0,
    paid_visits  BIGINT NOT NULL DEFAULT 0,
    revenue      BIGINT NOT NULL DEFAULT 0,
    debt         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, doctor_id, source_id)
);

-- Live payments by payment day, doctor and method code.
CREATE TABLE stats_payments (
    day        TEXT NOT NULL,
    doctor_id  BIGINT NOT NULL,
    method     TEXT NOT NULL,
    amount     BIGINT NOT NULL DEFAULT 0,
    payments   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, doctor_id, method)
);

-- Lines of non-cancelled visits by visit day, doctor and service.
CREATE TABLE stats_lines (
    day         TEXT NOT NULL,
    doctor_id   BIGINT NOT NULL,
    service_id  BIGINT NOT NULL,
    lines       BIGINT NOT NULL DEFAULT 0,
    billed      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, doctor_id, service_id)
);

-- Live payments' allocations by payment day, doctor and service.
CREATE TABLE stats_allocations (
    day         TEXT NOT NULL,
    doctor_id   BIGINT NOT NULL,
    service_id  BIGINT NOT NULL,
    amount      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, doctor_id, service_id)
);

-- Lines priced below the price list, by visit day, doctor and who set the price (0: unknown).
CREATE TABLE stats_discounts (
    day        TEXT NOT NULL,
    doctor_id  BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    lines      BIGINT NOT NULL DEFAULT 0,
    amount     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, doctor_id, user_id)
);

-- Chain: the days each visit was paid by each method, with the previous such day ('' = none):
-- a visit counts once in [from, to] on its row with day in range and prev < from.
CREATE TABLE stats_method_visits (
    day        TEXT NOT NULL,
    doctor_id  BIGINT NOT NULL,
    method     TEXT NOT NULL,
    prev       TEXT NOT NULL,
    visits     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, doctor_id, method, prev)
);

-- Chains of patients' visit days, with the previous one, per scope: 'clinic' (doctor_id and
-- source_id 0), 'doctor', 'source'; the '_month' scopes keep only the previous day's month
-- (YYYY-MM) in prev so a range sums few rows.
CREATE TABLE stats_patient_days (
    scope      TEXT NOT NULL,
    day        TEXT NOT NULL,
    doctor_id  BIGINT NOT NULL,
    source_id  BIGINT NOT NULL,
    prev       TEXT NOT NULL,
    patients   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, day, doctor_id, source_id, prev)
);
-- Chain rows by their previous day (distinct counts read the previous days inside one month).
CREATE INDEX stats_patient_days_prev_idx ON stats_patient_days (scope, prev, day);

-- Patients on the day of their first non-cancelled visit ever.
CREATE TABLE stats_first_visits (
    day       TEXT NOT NULL PRIMARY KEY,
    patients  BIGINT NOT NULL DEFAULT 0
);

DROP TABLE stats;
