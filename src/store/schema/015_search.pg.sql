-- 015: full-text case search that answers the first page quickly (issue 12 item 8). The GIN
-- index of 002 was on the expression to_tsvector('simple', search_grams): a plan that walks
-- cases newest first (the planner's choice for a common term, stopping at the page) computed
-- the tsvector again for every case it read. The tsvector is now stored with the case and
-- indexed; the planner weighs the walk against the index (a rare term) with statistics of it,
-- made here at once. On 1M cases: the first page of a common term 2-15 ms instead of 33-56 ms,
-- a rare one (2,000 matches) 190-410 ms instead of 660 ms, cold (docs/performance.md).
-- Rewrites the cases table: about 4 minutes for 1M cases on the loaded development machine.
ALTER TABLE cases ADD COLUMN search_tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', search_grams)) STORED;
DROP INDEX cases_search;
CREATE INDEX cases_search ON cases USING gin (search_tsv);
ANALYZE cases;
