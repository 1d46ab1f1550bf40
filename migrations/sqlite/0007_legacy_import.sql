-- import-legacy: which Emhana row each row of the old Streamlit database became. Keyed by the
-- legacy table and id, so a second run skips what the first imported (idempotent import).
CREATE TABLE legacy_ids (
    entity     TEXT    NOT NULL,   -- legacy table: users, clients, doctors, services, appointments, ...
    legacy_id  INTEGER  NOT NULL,
    new_id     INTEGER  NOT NULL,
    PRIMARY KEY (entity, legacy_id)
);
