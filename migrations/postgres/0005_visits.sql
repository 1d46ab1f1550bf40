-- Visits (appointments), their service lines, payments with their allocation over the lines, the
-- status history, and the idempotency record of payment requests. Money is BIGINT tiyn; instants
-- are fixed-width RFC 3339 UTC text; local_date is the clinic-local day analytics group by.
CREATE TABLE appointments (
    id              BIGSERIAL PRIMARY KEY,
    patient_id      BIGINT NOT NULL REFERENCES patients (id),
    doctor_id       BIGINT NOT NULL REFERENCES doctors (id),
    starts_at       TEXT   NOT NULL,
    ends_at         TEXT   NOT NULL,
    local_date      TEXT   NOT NULL,          -- YYYY-MM-DD of starts_at in the clinic's zone
    status          TEXT   NOT NULL DEFAULT 'scheduled',
    source_id       BIGINT NOT NULL REFERENCES lead_sources (id),
    notes           TEXT,
    arrived_at      TEXT,
    started_at      TEXT,
    finished_at     TEXT,
    total           BIGINT NOT NULL DEFAULT 0 CHECK (total >= 0),
    paid            BIGINT NOT NULL DEFAULT 0 CHECK (paid >= 0),
    payment_status  TEXT   NOT NULL DEFAULT 'paid',
    overlap_reason  TEXT,                     -- set when an admin booked over a clash
    version         BIGINT NOT NULL DEFAULT 1,
    created_by      BIGINT REFERENCES users (id),
    created_at      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX appointments_doctor_time_idx ON appointments (doctor_id, starts_at);
CREATE INDEX appointments_local_date_idx ON appointments (local_date);
CREATE INDEX appointments_patient_idx ON appointments (patient_id);

CREATE TABLE appointment_services (
    id              BIGSERIAL PRIMARY KEY,
    appointment_id  BIGINT NOT NULL REFERENCES appointments (id),
    service_id      BIGINT NOT NULL REFERENCES services (id),
    base_price      BIGINT NOT NULL CHECK (base_price >= 0),   -- the price list's price at booking
    price           BIGINT NOT NULL CHECK (price >= 0),        -- this visit's price
    paid            BIGINT NOT NULL DEFAULT 0 CHECK (paid >= 0 AND paid <= price),
    position        BIGINT NOT NULL,
    CONSTRAINT appointment_services_once UNIQUE (appointment_id, service_id)
);

CREATE TABLE payments (
    id              BIGSERIAL PRIMARY KEY,
    appointment_id  BIGINT NOT NULL REFERENCES appointments (id),
    method          TEXT   NOT NULL,
    amount          BIGINT NOT NULL CHECK (amount > 0),
    paid_at         TEXT   NOT NULL,
    local_date      TEXT   NOT NULL,
    received_by     BIGINT REFERENCES users (id),
    note            TEXT,
    voided_at       TEXT,
    voided_by       BIGINT REFERENCES users (id),
    void_reason     TEXT
);
CREATE INDEX payments_appointment_idx ON payments (appointment_id);
CREATE INDEX payments_local_date_idx ON payments (local_date);

CREATE TABLE payment_allocations (
    id          BIGSERIAL PRIMARY KEY,
    payment_id  BIGINT NOT NULL REFERENCES payments (id),
    line_id     BIGINT NOT NULL REFERENCES appointment_services (id),
    amount      BIGINT NOT NULL CHECK (amount >= 0)
);
CREATE INDEX payment_allocations_payment_idx ON payment_allocations (payment_id);
CREATE INDEX payment_allocations_line_idx ON payment_allocations (line_id);

CREATE TABLE appointment_status_history (
    id              BIGSERIAL PRIMARY KEY,
    appointment_id  BIGINT NOT NULL REFERENCES appointments (id),
    from_status     TEXT,
    to_status       TEXT   NOT NULL,
    at              TEXT   NOT NULL,
    user_id         BIGINT REFERENCES users (id),
    reason          TEXT
);
CREATE INDEX appointment_status_history_idx ON appointment_status_history (appointment_id);

-- One row per Idempotency-Key of POST /appointments/{id}/payments: the first request's
-- fingerprint and response, so a retry returns it and writes nothing.
CREATE TABLE payment_requests (
    idempotency_key  TEXT   PRIMARY KEY,
    appointment_id   BIGINT NOT NULL REFERENCES appointments (id),
    fingerprint      TEXT   NOT NULL,
    response         TEXT,
    created_at       TEXT   NOT NULL
);
