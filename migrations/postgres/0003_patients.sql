-- Patients ("клиенты"). Soft delete via is_active; a phone is unique among active patients only.
-- search_key is "first last +7phone" case-folded by the domain crate (one folding rule for both
-- backends). A trigram index keeps substring search fast on large data.
CREATE TABLE patients (
    id          BIGSERIAL PRIMARY KEY,
    first_name  TEXT     NOT NULL,
    last_name   TEXT,
    birth_date  TEXT,                            -- YYYY-MM-DD
    phone       TEXT     NOT NULL,               -- +7XXXXXXXXXX
    email       TEXT,
    notes       TEXT,
    is_active   SMALLINT NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    search_key  TEXT     NOT NULL,
    version     BIGINT   NOT NULL DEFAULT 1,
    created_at  TEXT     NOT NULL,
    updated_at  TEXT     NOT NULL
);
CREATE UNIQUE INDEX patients_active_phone_key ON patients (phone) WHERE is_active = 1;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX patients_search_trgm_idx ON patients USING gin (search_key gin_trgm_ops);
