-- 024: the version of everything a ranking reads (domain/govindex_cache.c). A server keeps each
-- level's scores between requests and serves them again while this number has not moved; every
-- transaction that changes what they are computed from moves it, in the same transaction, so a
-- reader that reads it first never keeps scores older than it (several servers on one database
-- included): counters (domain/counters.c: once per statement batch of counter rows), places and
-- indicators (the triggers below). It starts at a random number, so that a database made again
-- (gridgov demo, tests) is not mistaken for the one a process read before.
CREATE TABLE index_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
) STRICT;
INSERT INTO index_epoch (id, n) VALUES (1, abs(random() % 1000000000000));

CREATE TRIGGER places_epoch_ai AFTER INSERT ON places BEGIN
    UPDATE index_epoch SET n = n + 1;
END;
CREATE TRIGGER places_epoch_au AFTER UPDATE ON places BEGIN
    UPDATE index_epoch SET n = n + 1;
END;
CREATE TRIGGER places_epoch_ad AFTER DELETE ON places BEGIN
    UPDATE index_epoch SET n = n + 1;
END;
CREATE TRIGGER indicators_epoch_ai AFTER INSERT ON indicators BEGIN
    UPDATE index_epoch SET n = n + 1;
END;
CREATE TRIGGER indicators_epoch_au AFTER UPDATE ON indicators BEGIN
    UPDATE index_epoch SET n = n + 1;
END;
CREATE TRIGGER indicators_epoch_ad AFTER DELETE ON indicators BEGIN
    UPDATE index_epoch SET n = n + 1;
END;
