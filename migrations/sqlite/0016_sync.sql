-- Incremental sync (issue 21, `?updated_since=`) and shared rate-limit counters. Every mirrored
-- table is read in (updated_at, id) order, so each has that index; payments gain the stamp of their last change
-- (taken, voided, refunded from), back-filled from what the rows already say.
ALTER TABLE payments ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
UPDATE payments SET updated_at = COALESCE(
    (SELECT MAX(r.refunded_at) FROM refunds r WHERE r.payment_id = payments.id),
    voided_at, paid_at);
UPDATE payments SET updated_at = voided_at WHERE voided_at IS NOT NULL AND voided_at > updated_at;

CREATE INDEX payments_updated_idx ON payments (updated_at, id);
CREATE INDEX appointments_updated_idx ON appointments (updated_at, id);
CREATE INDEX patients_updated_idx ON patients (updated_at, id);
CREATE INDEX doctors_updated_idx ON doctors (updated_at, id);
CREATE INDEX services_updated_idx ON services (updated_at, id);
CREATE INDEX lead_sources_updated_idx ON lead_sources (updated_at, id);

-- Rate limits shared by the instances on one database: each adds its requests of a minute
-- window (minute) to the bucket's row (`caller:…` or `ip:…`) about once a second and reads the total.
CREATE TABLE rate_limit_counts (
    bucket  TEXT   NOT NULL,
    minute  BIGINT NOT NULL,  -- Unix time div 60
    count   BIGINT NOT NULL,
    PRIMARY KEY (bucket, minute)
);
