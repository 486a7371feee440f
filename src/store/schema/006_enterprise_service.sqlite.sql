-- 006: the service of enterprises. Service teams (助企专家服务团, 驻企片区服务团), the cadres'
-- assignments to enterprises (a cadre's set of enterprises is its role's scope), the cadres'
-- visits, and the link of a case to the enterprise and the visit that raised it.
CREATE TABLE service_teams (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('expert', 'area')),
    place_code  TEXT NOT NULL REFERENCES places(code),
    leader      TEXT,
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (name)
) STRICT;
CREATE INDEX service_teams_place ON service_teams(place_code, id);

CREATE TABLE cadre_assignments (
    id            INTEGER PRIMARY KEY,
    county        TEXT NOT NULL,
    team_id       INTEGER REFERENCES service_teams(id),
    user_id       INTEGER NOT NULL REFERENCES users(id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    place_code    TEXT NOT NULL REFERENCES places(code),
    since         TEXT,
    note          TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (user_id, enterprise_id)
) STRICT;
CREATE INDEX cadre_assignments_enterprise ON cadre_assignments(enterprise_id);
CREATE INDEX cadre_assignments_team ON cadre_assignments(team_id);
CREATE INDEX cadre_assignments_place ON cadre_assignments(place_code, id);

CREATE TABLE visits (
    id            INTEGER PRIMARY KEY,
    county        TEXT NOT NULL,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    cadre_id      INTEGER NOT NULL REFERENCES users(id),
    visited_on    TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('on_site', 'phone', 'online')),
    notes         TEXT,
    outcome       TEXT,
    place_code    TEXT NOT NULL REFERENCES places(code),
    archived_at   INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX visits_enterprise ON visits(enterprise_id, visited_on);
CREATE INDEX visits_place ON visits(place_code, visited_on);
CREATE INDEX visits_cadre ON visits(cadre_id, visited_on);

ALTER TABLE cases ADD COLUMN enterprise_id INTEGER REFERENCES enterprises(id);
ALTER TABLE cases ADD COLUMN visit_id INTEGER REFERENCES visits(id);
CREATE INDEX cases_enterprise ON cases(enterprise_id, status);
CREATE INDEX cases_visit ON cases(visit_id);
