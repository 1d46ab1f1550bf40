-- The analytics' direct passes over a doctor's visits (distinct and new patients, patients per
-- source with a doctor filter) read status, patient and source of every visit in the range, and
-- the new-patient look-back reads a patient's earlier statuses: with these columns in the indexes
-- both are answered from the index alone (index-only scans), without a heap read per visit. Same
-- number of indexes, so writes keep their cost; the calendar still reads (doctor, day, start).
DROP INDEX appointments_doctor_day_idx;
CREATE INDEX appointments_doctor_day_idx ON appointments (doctor_id, local_date, starts_at) INCLUDE (status, patient_id, source_id);
DROP INDEX appointments_patient_day_idx;
CREATE INDEX appointments_patient_day_idx ON appointments (patient_id, local_date) INCLUDE (status);
