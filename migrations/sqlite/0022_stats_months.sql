-- Month rows of the per-day sum tables: the same keys and values, `day` the month's first day
-- ('2026-03-01'), each row the sum of the table's rows of that month. A report over a long range
-- reads whole months from here and only the days at its edges from the day rows, so it sums ~30×
-- fewer rows (a year of a clinic with 20 doctors and a dozen services: ~90,000 day rows, ~3,000
-- month rows). Kept by the fold (pending deltas go into both) and by the rebuild
-- (crates/store/src/stats); the writes are unchanged.
CREATE TABLE stats_visits_months (
    day TEXT NOT NULL,
    doctor_id INTEGER NOT NULL,
    source_id INTEGER NOT NULL,
    visits INTEGER NOT NULL DEFAULT 0,
    no_shows INTEGER NOT NULL DEFAULT 0,
    paid_visits INTEGER NOT NULL DEFAULT 0,
    revenue INTEGER NOT NULL DEFAULT 0,
    debt INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, doctor_id, source_id)
);
CREATE TABLE stats_payments_months (
    day TEXT NOT NULL,
    doctor_id INTEGER NOT NULL,
    method TEXT NOT NULL,
    amount INTEGER NOT NULL DEFAULT 0,
    payments INTEGER NOT NULL DEFAULT 0,
    refunded INTEGER NOT NULL DEFAULT 0,
    refunds INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, doctor_id, method)
);
CREATE TABLE stats_lines_months (
    day TEXT NOT NULL,
    doctor_id INTEGER NOT NULL,
    service_id INTEGER NOT NULL,
    lines INTEGER NOT NULL DEFAULT 0,
    billed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, doctor_id, service_id)
);
CREATE TABLE stats_allocations_months (
    day TEXT NOT NULL,
    doctor_id INTEGER NOT NULL,
    service_id INTEGER NOT NULL,
    amount INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, doctor_id, service_id)
);
CREATE TABLE stats_discounts_months (
    day TEXT NOT NULL,
    doctor_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    lines INTEGER NOT NULL DEFAULT 0,
    amount INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, doctor_id, user_id)
);
CREATE TABLE stats_statuses_months (
    day TEXT NOT NULL,
    doctor_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    visits INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, doctor_id, status)
);
