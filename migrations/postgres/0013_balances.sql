-- Patient balances (issue 17): one mechanism, two kinds — the deposit (money received ahead,
-- not revenue until spent) and bonuses (a loyalty programme's points, a discount when spent).
-- An append-only ledger of signed entries per patient and kind, and the balance kept beside it
-- (the row a spend locks; never below zero). Money is BIGINT tiyn; instants are RFC 3339 UTC
-- text, days clinic-local.
CREATE TABLE balance_entries (
    id              BIGSERIAL PRIMARY KEY,
    patient_id      BIGINT  NOT NULL REFERENCES patients (id),
    balance         TEXT    NOT NULL CHECK (balance IN ('deposit', 'bonus')),
    kind            TEXT    NOT NULL CHECK (kind IN ('topup', 'spend', 'spend_reversal', 'withdrawal',
                                                     'accrual', 'accrual_reversal', 'expiry', 'welcome')),
    amount          BIGINT  NOT NULL CHECK (amount <> 0),    -- signed: + adds to the balance
    method          TEXT,                                    -- the real tender (top-up, withdrawal)
    topup_id        BIGINT  REFERENCES balance_entries (id), -- the top-up a withdrawal returns
    payment_id      BIGINT  REFERENCES payments (id),        -- spend, accrual, and a void's reversal
    refund_id       BIGINT  REFERENCES refunds (id),         -- a refund's reversal
    shift_id        BIGINT  REFERENCES shifts (id),
    expires_on      TEXT,                                    -- bonus credits: the last day they count
    lot_id          BIGINT  REFERENCES balance_entries (id), -- an expiry: the credit that expired
    at              TEXT    NOT NULL,
    local_date      TEXT    NOT NULL,
    user_id         BIGINT  REFERENCES users (id),
    note            TEXT
);
CREATE INDEX balance_entries_patient_idx ON balance_entries (patient_id, balance, local_date, id);
CREATE INDEX balance_entries_local_date_idx ON balance_entries (balance, local_date);
CREATE INDEX balance_entries_shift_idx ON balance_entries (shift_id);
CREATE INDEX balance_entries_topup_idx ON balance_entries (topup_id);
CREATE INDEX balance_entries_payment_idx ON balance_entries (payment_id);
-- A bonus credit expires at most once (the settle takes the balance's lock first; this is the
-- backstop).
CREATE UNIQUE INDEX balance_entries_one_expiry_per_lot ON balance_entries (lot_id) WHERE kind = 'expiry';

CREATE TABLE patient_balances (
    patient_id  BIGINT  NOT NULL REFERENCES patients (id),
    balance     TEXT    NOT NULL CHECK (balance IN ('deposit', 'bonus')),
    amount      BIGINT  NOT NULL CHECK (amount >= 0),
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (patient_id, balance)
);

-- The bonus programme's versions: each applies from its effective day (old accruals keep the
-- rule they were made under). Percentages are basis points (500 = 5 %).
CREATE TABLE bonus_programmes (
    id                 BIGSERIAL PRIMARY KEY,
    effective_from     TEXT    NOT NULL UNIQUE,
    enabled            BIGINT  NOT NULL,
    accrual_bp         BIGINT  NOT NULL CHECK (accrual_bp BETWEEN 0 AND 10000),
    earning_methods    TEXT    NOT NULL,                 -- comma-separated tender codes
    max_share_bp       BIGINT  NOT NULL CHECK (max_share_bp BETWEEN 0 AND 10000),
    expiry_days        BIGINT  NOT NULL CHECK (expiry_days >= 0),   -- 0: never
    welcome_amount     BIGINT  NOT NULL CHECK (welcome_amount >= 0),
    welcome_source_id  BIGINT  REFERENCES lead_sources (id),
    created_at         TEXT    NOT NULL,
    created_by         BIGINT  REFERENCES users (id)
);

-- Top-ups and withdrawals under an Idempotency-Key: a retry answers what the first request did.
CREATE TABLE balance_requests (
    idempotency_key  TEXT    PRIMARY KEY,
    patient_id       BIGINT  NOT NULL REFERENCES patients (id),
    fingerprint      TEXT    NOT NULL,
    response         TEXT,
    created_at       TEXT    NOT NULL
);

-- What bonuses paid on a visit is read by every money write's analytics refresh (a visit's
-- revenue leaves it out): one index range, empty for clinics without a programme. It serves the
-- old per-visit lookups too, so it replaces that index (no extra cost per payment).
DROP INDEX payments_appointment_idx;
CREATE INDEX payments_appointment_method_idx ON payments (appointment_id, method);
