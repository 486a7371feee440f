-- 018: `gridgov index rebuild` reads every case's counted columns (place, creation, status,
-- category, on time, rework, rating: domain/case_counters.c). With them in cases_place it can
-- scan that index (an index-only scan where the visibility map allows) instead of the table.
-- Queries that used cases_place (a scope range, then created_at) use it as before.
DROP INDEX cases_place;
CREATE INDEX cases_place ON cases(place_code COLLATE "C", created_at) INCLUDE (status,
    category_code, on_time, rework_count, rating);
