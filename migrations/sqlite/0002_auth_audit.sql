-- Staff accounts, refresh tokens, login attempts (DB-held rate limits) and the append-only audit log.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    login          TEXT    NOT NULL,
    login_key      TEXT    NOT NULL,            -- lower-cased login: case-insensitive uniqueness
    display_name   TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('owner', 'admin', 'receptionist', 'doctor')),
    password_hash  TEXT    NOT NULL,
    is_active      INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    doctor_id      INTEGER,
    token_version  INTEGER NOT NULL DEFAULT 0,  -- bumped on deactivation / password change
    version        INTEGER NOT NULL DEFAULT 1,  -- optimistic locking
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    last_login_at  TEXT,
    CONSTRAINT users_login_key_key UNIQUE (login_key)
);

CREATE TABLE refresh_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    family      TEXT    NOT NULL,               -- one login's chain of rotations
    token_hash  TEXT    NOT NULL,               -- SHA-256 hex of the token; the token is never stored
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_at     TEXT,                           -- set when rotated; a second use is reuse
    revoked_at  TEXT,
    CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family);

CREATE TABLE login_attempts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    login_key  TEXT    NOT NULL,
    client_ip  TEXT    NOT NULL,
    success    INTEGER NOT NULL CHECK (success IN (0, 1)),
    at         TEXT    NOT NULL
);
CREATE INDEX login_attempts_login_idx ON login_attempts (login_key, at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (client_ip, at);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT    NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    action      TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    entity_id   INTEGER,
    old_json    TEXT,
    new_json    TEXT,
    request_id  TEXT,
    client_ip   TEXT
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- Append-only, enforced by the database itself.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
