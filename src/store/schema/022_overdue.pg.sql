-- 022: the dashboard's overdue count (domain/stats.c: open statuses, stage_due_at before now,
-- place_code in the scope's range) read cases_status (status, stage_due_at) and then every
-- matching case's row for its place. With place_code in the index it can be an index-only scan
-- (where the visibility map allows). A case's entry is written by the same statements as before.
DROP INDEX cases_status;
CREATE INDEX cases_status ON cases(status, stage_due_at) INCLUDE (place_code);
