-- 023: the 'due' order of the case list (sort=due: coalesce(stage_due_at, 4000000000), then id,
-- domain/case_query.c) as an index, so that a wide scope's first page walks it and stops at the
-- page, with or without a search, instead of reading and sorting every case in scope (on 1M
-- cases: 11-17 s for the district admin's plain list, 1-3 s with a common search term, under
-- load; docs/performance.md, 2026-12-02). The expression must stay the one the list orders by.
CREATE INDEX cases_due ON cases ((coalesce(stage_due_at, 4000000000)), id);
