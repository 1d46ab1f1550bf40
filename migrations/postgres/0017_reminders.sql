-- Reminders (issue 21): what each patient agreed to be written to through, in which language,
-- and the reminder outbox the planner fills and the sender drains.

ALTER TABLE patients ADD COLUMN remind_whatsapp BIGINT  NOT NULL DEFAULT 0 CHECK (remind_whatsapp IN (0, 1));
ALTER TABLE patients ADD COLUMN remind_sms BIGINT  NOT NULL DEFAULT 0 CHECK (remind_sms IN (0, 1));
ALTER TABLE patients ADD COLUMN remind_language TEXT NOT NULL DEFAULT 'ru' CHECK (remind_language IN ('ru', 'kk'));

-- One row per (visit, rule, start the visit had when planned): a visit moved to another time gets
-- new rows, the old ones are withdrawn at send time; the UNIQUE makes planning idempotent across
-- ticks and instances. `status`: planned → sending (leased by `locked_until`) → sent | failed |
-- withdrawn (`reason` says why); a retry goes back to planned with a later `next_attempt_at`.
CREATE TABLE reminders (
    id                  BIGSERIAL PRIMARY KEY,
    appointment_id      BIGINT  NOT NULL REFERENCES appointments (id),
    rule_key            TEXT    NOT NULL,
    planned_start       TEXT    NOT NULL,
    due_at              TEXT    NOT NULL,
    status              TEXT    NOT NULL DEFAULT 'planned'
                        CHECK (status IN ('planned', 'sending', 'sent', 'failed', 'withdrawn')),
    channel             TEXT,
    recipient           TEXT,
    body                TEXT,
    reason              TEXT,
    attempts            BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at     TEXT    NOT NULL,
    locked_until        TEXT,
    last_status_code    BIGINT,
    last_error          TEXT,
    provider_message_id TEXT,
    sent_at             TEXT,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    UNIQUE (appointment_id, rule_key, planned_start)
);
CREATE INDEX reminders_due_idx ON reminders (next_attempt_at) WHERE status IN ('planned', 'sending');
CREATE INDEX reminders_start_idx ON reminders (planned_start, id);
