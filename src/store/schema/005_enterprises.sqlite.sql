-- 005: enterprises with their unified social credit code (GB 32100), industry section
-- (GB/T 4754), industry chain and the town or community they lie in. The contact's phone is
-- sealed with a keyed hash beside it, as residents' numbers are.
CREATE TABLE enterprises (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    name        TEXT NOT NULL,
    industry    TEXT NOT NULL,
    chain       TEXT NOT NULL DEFAULT '',
    place_code  TEXT NOT NULL REFERENCES places(code),
    address     TEXT NOT NULL DEFAULT '',
    listed      INTEGER NOT NULL DEFAULT 0,
    employees   INTEGER NOT NULL DEFAULT 0,
    contact     TEXT,
    phone       TEXT,
    phone_hash  TEXT,
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX enterprises_credit_code ON enterprises(credit_code);
CREATE INDEX enterprises_place ON enterprises(place_code, id);
CREATE INDEX enterprises_chain ON enterprises(chain);
