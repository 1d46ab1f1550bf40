-- Integrations (issue 21): API keys (service accounts), webhook subscriptions and their outbox.
-- Instants are RFC 3339 UTC text; flags are 0/1 integers, as everywhere.

-- A key is shown once and stored only as the SHA-256 of its token; `scopes` is a comma list of
-- permission codes (`visits_read,payments_write`).
CREATE TABLE api_keys (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT    NOT NULL,
    token_prefix  TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    scopes        TEXT    NOT NULL,
    expires_at    TEXT,
    revoked_at    TEXT,
    created_by    BIGINT  REFERENCES users (id),
    created_at    TEXT    NOT NULL,
    last_used_at  TEXT
);

-- Every audit row says which key made the change, when a key made it.
ALTER TABLE audit_log ADD COLUMN api_key_id BIGINT REFERENCES api_keys (id);

-- `events` is a comma list framed by commas (`,visit.booked,payment.taken,`) so one LIKE finds
-- a subscriber inside the writing transaction.
CREATE TABLE webhook_subscriptions (
    id          BIGSERIAL PRIMARY KEY,
    url         TEXT    NOT NULL,
    events      TEXT    NOT NULL,
    secret      TEXT    NOT NULL,
    description TEXT,
    is_active   BIGINT  NOT NULL DEFAULT 1,
    created_by  BIGINT  REFERENCES users (id),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

-- The outbox: one row per (event, subscriber), inserted by the same transaction as the change.
-- The delivery worker posts each subscriber's rows in id order; `locked_until` is the lease of
-- the instance posting it.
CREATE TABLE webhook_deliveries (
    id               BIGSERIAL PRIMARY KEY,
    subscription_id  BIGINT  NOT NULL REFERENCES webhook_subscriptions (id),
    event_id         TEXT    NOT NULL,
    event_type       TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    locked_until     TEXT,
    last_status_code BIGINT,
    last_latency_ms  BIGINT,
    last_error       TEXT,
    created_at       TEXT    NOT NULL,
    delivered_at     TEXT
);
CREATE INDEX webhook_deliveries_queue_idx ON webhook_deliveries (subscription_id, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (subscription_id, id);
