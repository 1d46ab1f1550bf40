-- Pre-aggregated analytics (see crates/store/src/stats.rs): sums per clinic-local day, doctor
-- and key, kept equal to a rebuild by every write in its own transaction. doctor_id 0 = any;
-- k = source / method (1 card … 4 transfer) / service / user id by kind; prev = the previous day
-- of a chain row ('' for none and for non-chain kinds).
CREATE TABLE stats (
    kind       TEXT    NOT NULL,
    day        TEXT    NOT NULL,
    doctor_id  BIGINT  NOT NULL,
    k          BIGINT  NOT NULL,
    prev       TEXT    NOT NULL,
    v1         BIGINT  NOT NULL DEFAULT 0,
    v2         BIGINT  NOT NULL DEFAULT 0,
    v3         BIGINT  NOT NULL DEFAULT 0,
    v4         BIGINT  NOT NULL DEFAULT 0,
    v5         BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, day, doctor_id, k, prev)
);
-- Chain rows by their previous day (distinct counts read the previous days inside one month).
CREATE INDEX stats_prev_idx ON stats (kind, prev, day);
