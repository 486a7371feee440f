-- 025: a kept ranking brought up to date instead of computed again (domain/govindex.c). Every
-- transaction that moves counters also writes the places of the records it changed, under the
-- epoch it moved to; a server that kept a level's scores at epoch E scores again only the
-- places under those logged after E. A change that moves every score (a place, an indicator,
-- a rebuild) sets all_at instead: scores kept before it are computed again whole. The log is
-- pruned (domain/scheduler.c): logged_after is the epoch after which it is whole; scores kept
-- before it are computed again whole too. Epochs are taken under index_epoch's row lock, so
-- when a reader sees epoch N, every transaction that logged an epoch up to N has committed.
ALTER TABLE index_epoch ADD COLUMN all_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE index_epoch ADD COLUMN logged_after BIGINT NOT NULL DEFAULT 0;
UPDATE index_epoch SET all_at = n, logged_after = n;

CREATE TABLE index_changes (
    epoch      BIGINT NOT NULL,
    place_code TEXT NOT NULL,
    PRIMARY KEY (epoch, place_code)
);

CREATE OR REPLACE FUNCTION index_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE index_epoch SET n = n + 1, all_at = n + 1;
    RETURN NULL;
END;
$$;
