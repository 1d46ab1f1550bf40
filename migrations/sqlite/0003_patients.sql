-- Patients ("клиенты"). Soft delete via is_active; a phone is unique among active patients only.
-- search_key is "first last +7phone" case-folded by the domain crate (SQLite's LOWER() folds ASCII
-- only, so Kazakh and Russian letters are folded in Rust at write time).
CREATE TABLE patients (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    first_name  TEXT    NOT NULL,
    last_name   TEXT,
    birth_date  TEXT,                            -- YYYY-MM-DD
    phone       TEXT    NOT NULL,                -- +7XXXXXXXXXX
    email       TEXT,
    notes       TEXT,
    is_active   INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    search_key  TEXT    NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX patients_active_phone_key ON patients (phone) WHERE is_active = 1;
CREATE INDEX patients_name_idx ON patients (search_key);
