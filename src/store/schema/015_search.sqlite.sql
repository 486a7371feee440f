-- 015: full-text case search that answers the first page from the index (issue 12 item 8).
-- The FTS5 index of 002 was keyed by the case id, so a search had to gather every match and
-- sort them by creation time (1.4-1.9 s for 电动车 on 1M cases). Its rowid is now the list's
-- own order, created_at * 2^31 + id: walking the index by rowid descending is walking the
-- matches newest first (created_at DESC, id DESC), a cursor "created_at.id" is a rowid bound,
-- and a page stops after its rows (case_query.c). Contentless: the text is in cases.search_grams
-- already, and a search never reads it back. detail=none: every term of a search is one token
-- (a bigram or an ASCII word, case_grams), matched without positions.
DROP TRIGGER cases_fts_ai;
DROP TRIGGER cases_fts_au;
DROP TRIGGER cases_fts_ad;
DROP TABLE cases_fts;

CREATE VIRTUAL TABLE cases_fts USING fts5(search_grams, content='', detail=none, columnsize=0,
                                          tokenize='unicode61');
CREATE TRIGGER cases_fts_ai AFTER INSERT ON cases BEGIN
    INSERT INTO cases_fts(rowid, search_grams)
        VALUES (new.created_at * 2147483648 + new.id, new.search_grams);
END;
CREATE TRIGGER cases_fts_au AFTER UPDATE OF search_grams, created_at ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, search_grams)
        VALUES ('delete', old.created_at * 2147483648 + old.id, old.search_grams);
    INSERT INTO cases_fts(rowid, search_grams)
        VALUES (new.created_at * 2147483648 + new.id, new.search_grams);
END;
CREATE TRIGGER cases_fts_ad AFTER DELETE ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, search_grams)
        VALUES ('delete', old.created_at * 2147483648 + old.id, old.search_grams);
END;
INSERT INTO cases_fts(rowid, search_grams)
    SELECT created_at * 2147483648 + id, search_grams FROM cases;
-- one segment per term, not the dozens a bulk insert leaves: a lookup of one case in the index
-- (a grid worker's search) costs a third (1M cases: 8 s, once)
INSERT INTO cases_fts(cases_fts) VALUES ('optimize');
