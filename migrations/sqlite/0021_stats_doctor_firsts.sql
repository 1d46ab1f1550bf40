-- New patients for one doctor without a pass over the doctor's visits: for every (doctor,
-- patient) pair, the patient's first non-cancelled visit with the doctor (`day`) and their first
-- one at the clinic (`first_day`), counted per (doctor, day, first_day). A patient is new for the
-- doctor in [from, to] exactly when first_day >= from and day <= to (all their visits are on or
-- after first_day, so one with the doctor in the range exists iff the first such is <= to).
-- Kept by the writes like the other stats_* tables (crates/store/src/stats), with its *_pending
-- twin for the deltas the compactor folds in.
CREATE TABLE stats_doctor_firsts (
    doctor_id  INTEGER NOT NULL,
    day        TEXT NOT NULL,
    first_day  TEXT NOT NULL,
    patients   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (doctor_id, day, first_day)
);
CREATE TABLE stats_doctor_firsts_pending (
    doctor_id  INTEGER NOT NULL,
    day        TEXT NOT NULL,
    first_day  TEXT NOT NULL,
    patients   INTEGER NOT NULL DEFAULT 0
);
