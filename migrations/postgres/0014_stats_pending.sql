-- Pending analytics deltas (issue 22: writes that do not meet on hot rows). A write no longer
-- upserts the stats_* rows its visit adds to (every payment of a doctor's day queued on the same
-- row locks until commit); it appends its signed facts to the matching *_pending table, which has
-- the same columns and no key, so concurrent writers never wait for each other here. A compactor
-- folds pending rows into the base tables (crates/store/src/stats.rs, `fold`) and every reader
-- sums base + pending, so the figures stay exact at every moment.
CREATE TABLE stats_visits_pending (LIKE stats_visits INCLUDING DEFAULTS);
CREATE TABLE stats_payments_pending (LIKE stats_payments INCLUDING DEFAULTS);
CREATE TABLE stats_lines_pending (LIKE stats_lines INCLUDING DEFAULTS);
CREATE TABLE stats_allocations_pending (LIKE stats_allocations INCLUDING DEFAULTS);
CREATE TABLE stats_discounts_pending (LIKE stats_discounts INCLUDING DEFAULTS);
CREATE TABLE stats_method_visits_pending (LIKE stats_method_visits INCLUDING DEFAULTS);
CREATE TABLE stats_patient_days_pending (LIKE stats_patient_days INCLUDING DEFAULTS);
CREATE TABLE stats_first_visits_pending (LIKE stats_first_visits INCLUDING DEFAULTS);
