-- Month rows of the per-day sum tables: the same keys and values, `day` the month's first day
-- ('2026-03-01'), each row the sum of the table's rows of that month. A report over a long range
-- reads whole months from here and only the days at its edges from the day rows, so it sums ~30×
-- fewer rows (a year of a clinic with 20 doctors and a dozen services: ~90,000 day rows, ~3,000
-- month rows). Kept by the fold (pending deltas go into both) and by the rebuild
-- (crates/store/src/stats); the writes are unchanged.
CREATE TABLE stats_visits_months (LIKE stats_visits INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
CREATE TABLE stats_payments_months (LIKE stats_payments INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
CREATE TABLE stats_lines_months (LIKE stats_lines INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
CREATE TABLE stats_allocations_months (LIKE stats_allocations INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
CREATE TABLE stats_discounts_months (LIKE stats_discounts INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
CREATE TABLE stats_statuses_months (LIKE stats_statuses INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
