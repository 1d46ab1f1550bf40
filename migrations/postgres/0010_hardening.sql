-- Login throttling: one row per login name ('login:<key>') and per client address ('ip:<addr>').
-- A sign-in attempt locks its rows first (a write), so concurrent attempts for the same login are
-- counted one after another: the sixth wrong password in parallel sees five failures, not none.
-- Attempts refused by a lock are counted here (`refused`) instead of each writing rows of their
-- own; one audit row per lock window reports them.
CREATE TABLE login_throttle (
    key              TEXT   PRIMARY KEY,
    refused          BIGINT NOT NULL DEFAULT 0,
    refused_audit_at TEXT,
    created_at       TEXT   NOT NULL,
    updated_at       TEXT   NOT NULL
);

-- The audit log is append-only: TRUNCATE is refused like UPDATE and DELETE.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
