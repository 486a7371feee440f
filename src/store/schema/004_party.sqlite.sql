-- 004: party organisations on the map, their members, rosters of members who left other
-- places, the candidates found by matching rosters with new-resident registrations, and the
-- party's activities, volunteer service and care visits.
CREATE TABLE party_orgs (
    id                 INTEGER PRIMARY KEY,
    county             TEXT NOT NULL,
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('committee', 'general_branch', 'branch')),
    parent_id          INTEGER REFERENCES party_orgs(id),
    place_code         TEXT NOT NULL REFERENCES places(code),
    attach_kind        TEXT NOT NULL DEFAULT 'place',
    attach_id          INTEGER,
    secretary          TEXT,
    secretary_resident INTEGER REFERENCES residents(id),
    founded_on         TEXT,
    note               TEXT,
    archived_at        INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (place_code, name)
) STRICT;
CREATE INDEX party_orgs_place ON party_orgs(place_code, id);
CREATE INDEX party_orgs_parent ON party_orgs(parent_id);

CREATE TABLE party_members (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    resident_id INTEGER NOT NULL REFERENCES residents(id),
    org_id      INTEGER NOT NULL REFERENCES party_orgs(id),
    place_code  TEXT NOT NULL REFERENCES places(code),
    joined_on   TEXT,
    status      TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'mobile_out', 'mobile_in', 'transferred', 'deceased')),
    origin_org  TEXT,
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX party_members_resident ON party_members(resident_id);
CREATE INDEX party_members_org ON party_members(org_id, status);
CREATE INDEX party_members_place ON party_members(place_code, id);

-- members of other places' organisations who left them: not local members, not residents
CREATE TABLE party_rosters (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    id_number      TEXT,
    id_number_hash TEXT,
    birth_date     TEXT,
    phone          TEXT,
    phone_hash     TEXT,
    origin_org     TEXT,
    origin         TEXT NOT NULL,
    origin_code    TEXT,
    note           TEXT,
    archived_at    INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX party_rosters_id_number ON party_rosters(id_number_hash);
CREATE INDEX party_rosters_birth ON party_rosters(birth_date);
CREATE INDEX party_rosters_phone ON party_rosters(phone_hash);

CREATE TABLE mobile_matches (
    id              INTEGER PRIMARY KEY,
    county          TEXT NOT NULL,
    registration_id INTEGER NOT NULL REFERENCES registrations(id),
    roster_id       INTEGER NOT NULL REFERENCES party_rosters(id),
    place_code      TEXT NOT NULL REFERENCES places(code),
    score           INTEGER NOT NULL, -- 0..100
    reasons         TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL DEFAULT 'candidate'
                    CHECK (status IN ('candidate', 'confirmed', 'rejected')),
    decision        TEXT,
    decided_by      INTEGER REFERENCES users(id),
    decided_at      INTEGER,
    member_id       INTEGER REFERENCES party_members(id),
    archived_at     INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (registration_id, roster_id)
) STRICT;
CREATE INDEX mobile_matches_place ON mobile_matches(place_code, id);
CREATE INDEX mobile_matches_status ON mobile_matches(status, place_code);

CREATE TABLE party_activities (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    held_on     TEXT NOT NULL,
    org_id      INTEGER NOT NULL REFERENCES party_orgs(id),
    place_code  TEXT NOT NULL REFERENCES places(code),
    attendees   INTEGER NOT NULL DEFAULT 0,
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX party_activities_org ON party_activities(org_id, held_on);
CREATE INDEX party_activities_place ON party_activities(place_code, id);

CREATE TABLE volunteer_hours (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    resident_id INTEGER NOT NULL REFERENCES residents(id),
    team        TEXT NOT NULL,
    served_on   TEXT NOT NULL,
    minutes     INTEGER NOT NULL,
    activity_id INTEGER REFERENCES party_activities(id),
    place_code  TEXT NOT NULL REFERENCES places(code),
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX volunteer_hours_resident ON volunteer_hours(resident_id, served_on);
CREATE INDEX volunteer_hours_place ON volunteer_hours(place_code, id);

CREATE TABLE care_visits (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    member_id   INTEGER NOT NULL REFERENCES party_members(id),
    visited_on  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    visitor     TEXT NOT NULL,
    place_code  TEXT NOT NULL REFERENCES places(code),
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX care_visits_member ON care_visits(member_id, visited_on);
CREATE INDEX care_visits_place ON care_visits(place_code, id);
