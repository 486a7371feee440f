-- 018: `gridgov index rebuild` reads every case's counted columns (place, creation, status,
-- category, on time, rework, rating: domain/case_counters.c). With them in cases_place it scans
-- that index, about 60 bytes a case in place order, instead of the table, about 500 bytes a case
-- with the descriptions. Queries that used cases_place (a scope range, then created_at) use it
-- as before; a step that changes a case's status now also rewrites its entry, in the same leaf.
DROP INDEX cases_place;
CREATE INDEX cases_place ON cases(place_code, created_at, status, category_code, on_time,
    rework_count, rating);
