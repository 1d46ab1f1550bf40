-- Key/value settings the server keeps for itself (e.g. the generated JWT secret of an embedded install).
-- Portable subset (see README "Storage"): instants are RFC 3339 UTC text with microseconds.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
