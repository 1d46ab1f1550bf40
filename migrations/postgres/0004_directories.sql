-- Doctors, the price list (services) and lead sources ("Откуда узнали о нас").
-- Nothing here is ever deleted: is_active = 0 hides a record from pickers, history keeps it.
CREATE TABLE doctors (
    id              BIGSERIAL PRIMARY KEY,
    first_name      TEXT     NOT NULL,
    last_name       TEXT     NOT NULL,
    specialization  TEXT     NOT NULL,
    phone           TEXT,                    -- +7XXXXXXXXXX, not unique (clinics share a number)
    email           TEXT,
    is_active       SMALLINT NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    version         BIGINT   NOT NULL DEFAULT 1,
    created_at      TEXT     NOT NULL,
    updated_at      TEXT     NOT NULL
);

CREATE TABLE services (
    id                BIGSERIAL PRIMARY KEY,
    name              TEXT     NOT NULL,
    description       TEXT,
    base_price        BIGINT   NOT NULL CHECK (base_price >= 0),      -- tiyn
    duration_minutes  BIGINT   NOT NULL CHECK (duration_minutes > 0),
    doctor_id         BIGINT   REFERENCES doctors (id),
    is_active         SMALLINT NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    version           BIGINT   NOT NULL DEFAULT 1,
    created_at        TEXT     NOT NULL,
    updated_at        TEXT     NOT NULL
);
CREATE INDEX services_doctor_idx ON services (doctor_id);

CREATE TABLE lead_sources (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT     NOT NULL,
    label       TEXT     NOT NULL,
    is_default  SMALLINT NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    is_active   SMALLINT NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    version     BIGINT   NOT NULL DEFAULT 1,
    created_at  TEXT     NOT NULL,
    updated_at  TEXT     NOT NULL,
    CONSTRAINT lead_sources_code_key UNIQUE (code)
);

INSERT INTO lead_sources (code, label, is_default, created_at, updated_at) VALUES
    ('repeat_visit', 'Повторное посещение', 1, '2026-11-25T00:00:00.000000Z', '2026-11-25T00:00:00.000000Z'),
    ('internet_ads', 'Интернет реклама',    0, '2026-11-25T00:00:00.000000Z', '2026-11-25T00:00:00.000000Z'),
    ('referral',     'Рекомендация',        0, '2026-11-25T00:00:00.000000Z', '2026-11-25T00:00:00.000000Z'),
    ('2gis',         '2ГИС',                0, '2026-11-25T00:00:00.000000Z', '2026-11-25T00:00:00.000000Z'),
    ('instagram',    'Instagram',           0, '2026-11-25T00:00:00.000000Z', '2026-11-25T00:00:00.000000Z'),
    ('facebook',     'Facebook',            0, '2026-11-25T00:00:00.000000Z', '2026-11-25T00:00:00.000000Z'),
    ('other',        'Другое',              0, '2026-11-25T00:00:00.000000Z', '2026-11-25T00:00:00.000000Z');
