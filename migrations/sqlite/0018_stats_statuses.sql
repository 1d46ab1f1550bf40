-- Visits by status (every status, cancelled included), by visit day and doctor: the dashboard's
-- status pie. Kept by the writes like the other stats_* tables (crates/store/src/stats), with its
-- *_pending twin for the deltas the compactor folds in.
CREATE TABLE stats_statuses (
    day        TEXT NOT NULL,
    doctor_id  INTEGER NOT NULL,
    status     TEXT NOT NULL,
    visits     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, doctor_id, status)
);
CREATE TABLE stats_statuses_pending (
    day        TEXT NOT NULL,
    doctor_id  INTEGER NOT NULL,
    status     TEXT NOT NULL,
    visits     INTEGER NOT NULL DEFAULT 0
);
