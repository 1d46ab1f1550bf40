-- The cash desk (issue 16): registers, their shifts (open → counting → closed, at most one not
-- closed per register), cash movements, refunds pointing at the original allocations, and where
-- each payment was posted. Money is BIGINT  tiyn; instants are RFC 3339 UTC text.
CREATE TABLE registers (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    is_active   BIGINT  NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL
);
INSERT INTO registers (name, created_at) VALUES ('Касса 1', '2026-01-01T00:00:00.000000Z');

CREATE TABLE shifts (
    id                 BIGSERIAL PRIMARY KEY,
    register_id        BIGINT  NOT NULL REFERENCES registers (id),
    status             TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'counting', 'closed')),
    opened_at          TEXT    NOT NULL,
    opened_on          TEXT    NOT NULL,          -- clinic-local day of opened_at
    opened_by          BIGINT  REFERENCES users (id),
    suggested_opening  BIGINT  NOT NULL,          -- cash counted at the register's previous close
    counted_opening    BIGINT  NOT NULL CHECK (counted_opening >= 0),
    counting_at        TEXT,
    closed_at          TEXT,
    closed_by          BIGINT  REFERENCES users (id),
    close_note         TEXT,
    z_number           BIGINT,                   -- per register, 1, 2, … at close
    z_report           TEXT,                      -- the immutable Z snapshot (JSON)
    closing_cash       BIGINT ,                   -- cash counted at close: the next opening's suggestion
    version            BIGINT  NOT NULL DEFAULT 1
);
-- At most one shift per register that is not closed: two openings racing, one wins.
CREATE UNIQUE INDEX shifts_one_live_per_register ON shifts (register_id) WHERE status <> 'closed';
CREATE UNIQUE INDEX shifts_z_number ON shifts (register_id, z_number);
CREATE INDEX shifts_opened_at_idx ON shifts (opened_at);

CREATE TABLE cash_movements (
    id          BIGSERIAL PRIMARY KEY,
    shift_id    BIGINT  NOT NULL REFERENCES shifts (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('in', 'out')),
    amount      BIGINT  NOT NULL CHECK (amount > 0),
    reason      TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    user_id     BIGINT  REFERENCES users (id)
);
CREATE INDEX cash_movements_shift_idx ON cash_movements (shift_id);

ALTER TABLE payments ADD COLUMN shift_id BIGINT  REFERENCES shifts (id);
CREATE INDEX payments_shift_idx ON payments (shift_id);

CREATE TABLE refunds (
    id              BIGSERIAL PRIMARY KEY,
    appointment_id  BIGINT  NOT NULL REFERENCES appointments (id),
    payment_id      BIGINT  NOT NULL REFERENCES payments (id),
    method          TEXT    NOT NULL,
    amount          BIGINT  NOT NULL CHECK (amount > 0),
    refunded_at     TEXT    NOT NULL,
    local_date      TEXT    NOT NULL,
    shift_id        BIGINT  REFERENCES shifts (id),
    refunded_by     BIGINT  REFERENCES users (id),
    reason          TEXT    NOT NULL
);
CREATE INDEX refunds_appointment_idx ON refunds (appointment_id);
CREATE INDEX refunds_payment_idx ON refunds (payment_id);
CREATE INDEX refunds_shift_idx ON refunds (shift_id);
CREATE INDEX refunds_local_date_idx ON refunds (local_date);

CREATE TABLE refund_allocations (
    id             BIGSERIAL PRIMARY KEY,
    refund_id      BIGINT  NOT NULL REFERENCES refunds (id),
    allocation_id  BIGINT  NOT NULL REFERENCES payment_allocations (id),
    line_id        BIGINT  NOT NULL REFERENCES appointment_services (id),
    amount         BIGINT  NOT NULL CHECK (amount > 0)
);
CREATE INDEX refund_allocations_refund_idx ON refund_allocations (refund_id);
CREATE INDEX refund_allocations_allocation_idx ON refund_allocations (allocation_id);

-- Refunds per day, doctor and tender, beside the payments they reverse.
ALTER TABLE stats_payments ADD COLUMN refunded BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE stats_payments ADD COLUMN refunds BIGINT  NOT NULL DEFAULT 0;
