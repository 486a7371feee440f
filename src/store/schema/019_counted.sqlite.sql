-- 019: `gridgov index rebuild` reads every case's counted columns (place, creation, status,
-- category, channel, on time, rework, rating: domain/case_counters.c). With them in cases_place it scans
-- that index, about 60 bytes a case in place order, instead of the table, about 500 bytes a case
-- with the descriptions. Queries that used cases_place (a scope range, then created_at) use it
-- as before; a step that changes a case's status now also rewrites its entry, in the same leaf.
DROP INDEX cases_place;
CREATE INDEX cases_place ON cases(place_code, created_at, status, category_code, on_time,
    rework_count, rating, channel);

-- The index's rankings and breakdowns read one metric of one period for every place of a level
-- (domain/govindex.c): with the value in counters_month_metric they read that index alone, a
-- few pages, instead of one lookup in the table per place (a page read each on a large
-- district). An upsert that changes a value now rewrites its index entry too, in place.
DROP INDEX counters_month_metric;
CREATE INDEX counters_month_metric ON counters_month(metric, period, place_code, value);
