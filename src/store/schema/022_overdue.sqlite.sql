-- 022: the dashboard's overdue count (domain/stats.c: open statuses, stage_due_at before now,
-- place_code in the scope's range) read cases_status (status, stage_due_at) and then every
-- matching case's row for its place: about 17,000 table lookups, each a page read, on 1M cases
-- (most of a 300 ms /api/v1/stats). With place_code in the index it reads the index alone. A
-- case's entry is written by the same statements as before, a few bytes longer.
DROP INDEX cases_status;
CREATE INDEX cases_status ON cases(status, stage_due_at, place_code);
