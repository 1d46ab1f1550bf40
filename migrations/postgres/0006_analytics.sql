-- Analytics support: who last set a line's price (the discounts report groups by staff member),
-- and the indexes the dashboard's one-pass aggregates use.
ALTER TABLE appointment_services ADD COLUMN price_changed_by BIGINT REFERENCES users (id);
CREATE INDEX appointments_patient_day_idx ON appointments (patient_id, local_date);
CREATE INDEX appointment_services_service_idx ON appointment_services (service_id);
CREATE INDEX appointment_services_appointment_idx ON appointment_services (appointment_id);
