-- Patient deposits (issue 17): an append-only ledger of signed entries per patient, and the
-- balance kept beside it (the row a spend locks; never below zero). Money is BIGINT tiyn;
-- instants are RFC 3339 UTC text, days clinic-local.
CREATE TABLE deposit_entries (
    id              BIGSERIAL PRIMARY KEY,
    patient_id      BIGINT  NOT NULL REFERENCES patients (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('topup', 'spend', 'spend_reversal', 'withdrawal')),
    amount          BIGINT  NOT NULL CHECK (amount <> 0),   -- signed: + adds to the balance
    method          TEXT,                                   -- the real tender (top-up, withdrawal)
    topup_id        BIGINT  REFERENCES deposit_entries (id), -- the top-up a withdrawal returns
    payment_id      BIGINT  REFERENCES payments (id),       -- spend, and a void's reversal
    refund_id       BIGINT  REFERENCES refunds (id),        -- a refund's reversal
    shift_id        BIGINT  REFERENCES shifts (id),
    at              TEXT    NOT NULL,
    local_date      TEXT    NOT NULL,
    user_id         BIGINT  REFERENCES users (id),
    note            TEXT
);
CREATE INDEX deposit_entries_patient_idx ON deposit_entries (patient_id, local_date, id);
CREATE INDEX deposit_entries_local_date_idx ON deposit_entries (local_date);
CREATE INDEX deposit_entries_shift_idx ON deposit_entries (shift_id);
CREATE INDEX deposit_entries_topup_idx ON deposit_entries (topup_id);

CREATE TABLE deposit_balances (
    patient_id  BIGINT  PRIMARY KEY REFERENCES patients (id),
    balance     BIGINT  NOT NULL CHECK (balance >= 0),
    updated_at  TEXT    NOT NULL
);
