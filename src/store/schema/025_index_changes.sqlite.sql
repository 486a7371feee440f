-- 025: a kept ranking brought up to date instead of computed again (domain/govindex.c). Every
-- transaction that moves counters also writes the places of the records it changed, under the
-- epoch it moved to; a server that kept a level's scores at epoch E scores again only the
-- places under those logged after E. A change that moves every score (a place, an indicator,
-- a rebuild) sets all_at instead: scores kept before it are computed again whole. The log is
-- pruned (domain/scheduler.c): logged_after is the epoch after which it is whole; scores kept
-- before it are computed again whole too.
ALTER TABLE index_epoch ADD COLUMN all_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE index_epoch ADD COLUMN logged_after INTEGER NOT NULL DEFAULT 0;
UPDATE index_epoch SET all_at = n, logged_after = n;

CREATE TABLE index_changes (
    epoch      INTEGER NOT NULL,
    place_code TEXT NOT NULL,
    PRIMARY KEY (epoch, place_code)
) STRICT, WITHOUT ROWID;

DROP TRIGGER places_epoch_ai;
DROP TRIGGER places_epoch_au;
DROP TRIGGER places_epoch_ad;
DROP TRIGGER indicators_epoch_ai;
DROP TRIGGER indicators_epoch_au;
DROP TRIGGER indicators_epoch_ad;
CREATE TRIGGER places_epoch_ai AFTER INSERT ON places BEGIN
    UPDATE index_epoch SET n = n + 1, all_at = n + 1;
END;
CREATE TRIGGER places_epoch_au AFTER UPDATE ON places BEGIN
    UPDATE index_epoch SET n = n + 1, all_at = n + 1;
END;
CREATE TRIGGER places_epoch_ad AFTER DELETE ON places BEGIN
    UPDATE index_epoch SET n = n + 1, all_at = n + 1;
END;
CREATE TRIGGER indicators_epoch_ai AFTER INSERT ON indicators BEGIN
    UPDATE index_epoch SET n = n + 1, all_at = n + 1;
END;
CREATE TRIGGER indicators_epoch_au AFTER UPDATE ON indicators BEGIN
    UPDATE index_epoch SET n = n + 1, all_at = n + 1;
END;
CREATE TRIGGER indicators_epoch_ad AFTER DELETE ON indicators BEGIN
    UPDATE index_epoch SET n = n + 1, all_at = n + 1;
END;
