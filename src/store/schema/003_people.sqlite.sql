-- 003: the registry engine's first registries: residents, households and new-resident
-- registrations. Identity and phone numbers are sealed (secretbox, base64) with a keyed hash
-- beside each for exact lookup; the key is never in the database. Departments gain updated_at
-- as every registry table has.
ALTER TABLE departments ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE departments SET updated_at = created_at;

CREATE TABLE households (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    number      TEXT NOT NULL,
    place_code  TEXT NOT NULL REFERENCES places(code),
    address     TEXT NOT NULL DEFAULT '',
    head_id     INTEGER,
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX households_number ON households(number);
CREATE INDEX households_place ON households(place_code, id);

CREATE TABLE residents (
    id             INTEGER PRIMARY KEY,
    county         TEXT NOT NULL,
    name           TEXT NOT NULL,
    id_number      TEXT,
    id_number_hash TEXT,
    gender         TEXT,
    birth_date     TEXT,
    phone          TEXT,
    phone_hash     TEXT,
    place_code     TEXT NOT NULL REFERENCES places(code),
    compound_id    INTEGER REFERENCES compounds(id),
    household_id   INTEGER REFERENCES households(id),
    address        TEXT,
    kind           TEXT NOT NULL DEFAULT 'local' CHECK (kind IN ('local', 'new')),
    tags           TEXT NOT NULL DEFAULT '[]',
    note           TEXT,
    archived_at    INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX residents_id_number ON residents(id_number_hash);
CREATE INDEX residents_phone ON residents(phone_hash);
CREATE INDEX residents_place ON residents(place_code, id);
CREATE INDEX residents_household ON residents(household_id);

CREATE TABLE registrations (
    id              INTEGER PRIMARY KEY,
    county          TEXT NOT NULL,
    resident_id     INTEGER NOT NULL REFERENCES residents(id),
    place_code      TEXT NOT NULL REFERENCES places(code),
    registered_on   TEXT NOT NULL,
    origin          TEXT,
    origin_code     TEXT,
    workplace       TEXT,
    landlord        TEXT,
    expected_months INTEGER,
    left_on         TEXT,
    note            TEXT,
    archived_at     INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX registrations_place ON registrations(place_code, id);
CREATE INDEX registrations_resident ON registrations(resident_id);
CREATE INDEX audit_log_user ON audit_log(user_id, at);
