-- 024: the version of everything a ranking reads (domain/govindex_cache.c). A server keeps each
-- level's scores between requests and serves them again while this number has not moved; every
-- transaction that changes what they are computed from moves it, in the same transaction, so a
-- reader that reads it first never keeps scores older than it (several servers on one database
-- included): counters (domain/counters.c: once per statement batch of counter rows), places and
-- indicators (the triggers below, once per statement). It starts at a random number, so that a
-- database made again (gridgov demo, tests) is not mistaken for the one a process read before.
CREATE TABLE index_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO index_epoch (id, n) VALUES (1, floor(random() * 1000000000000)::bigint);

CREATE OR REPLACE FUNCTION index_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE index_epoch SET n = n + 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER places_epoch AFTER INSERT OR UPDATE OR DELETE ON places
    FOR EACH STATEMENT EXECUTE FUNCTION index_epoch_bump();
CREATE TRIGGER indicators_epoch AFTER INSERT OR UPDATE OR DELETE ON indicators
    FOR EACH STATEMENT EXECUTE FUNCTION index_epoch_bump();
