-- 019: `gridgov index rebuild` reads every case's counted columns (place, creation, status,
-- category, channel, on time, rework, rating: domain/case_counters.c). With them in cases_place it can
-- scan that index (an index-only scan where the visibility map allows) instead of the table.
-- Queries that used cases_place (a scope range, then created_at) use it as before.
DROP INDEX cases_place;
CREATE INDEX cases_place ON cases(place_code COLLATE "C", created_at) INCLUDE (status,
    category_code, on_time, rework_count, rating, channel);

-- The index's rankings and breakdowns read one metric of one period for every place of a level
-- (domain/govindex.c): with the value in counters_month_metric they can read that index alone
-- instead of one heap lookup per place.
DROP INDEX counters_month_metric;
CREATE INDEX counters_month_metric ON counters_month(metric, period, place_code) INCLUDE (value);
