-- 023: PostgreSQL indexes the list's 'due' order (023_search_due.pg.sql). SQLite has no
-- statistics to weigh such an index against a scope's own (a grid's list would walk every
-- case in due order), and its searches plan the 'due' order themselves (case_query.c): nothing
-- changes here.
SELECT 1;
