-- 007: industry platforms (a development zone, an industry-chain platform and its sub-domain
-- bodies), the platform an enterprise belongs to, supply and demand listings matched across the
-- district, the chain's short boards (产业短板), and projects with their milestones. A project's
-- party branch is a party organisation attached to it (attach_kind 'project').
CREATE TABLE platforms (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('zone', 'chain', 'subdomain')),
    parent_id   INTEGER REFERENCES platforms(id),
    chain       TEXT NOT NULL DEFAULT '',
    place_code  TEXT NOT NULL REFERENCES places(code),
    manager     TEXT,
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX platforms_name ON platforms(name);
CREATE INDEX platforms_parent ON platforms(parent_id);

ALTER TABLE enterprises ADD COLUMN platform_id INTEGER REFERENCES platforms(id);
CREATE INDEX enterprises_platform ON enterprises(platform_id);

CREATE TABLE listings (
    id            INTEGER PRIMARY KEY,
    county        TEXT NOT NULL,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    side          TEXT NOT NULL CHECK (side IN ('supply', 'demand')),
    kind          TEXT NOT NULL CHECK (kind IN ('product', 'service')),
    title         TEXT NOT NULL,
    detail        TEXT,
    quantity      TEXT,
    chain         TEXT NOT NULL DEFAULT '',
    region        TEXT NOT NULL REFERENCES places(code),
    valid_until   TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'matched', 'closed')),
    platform_id   INTEGER REFERENCES platforms(id),
    place_code    TEXT NOT NULL REFERENCES places(code),
    archived_at   INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX listings_place ON listings(place_code, id);
CREATE INDEX listings_open ON listings(side, status, valid_until);
CREATE INDEX listings_platform ON listings(platform_id);

CREATE TABLE shortboards (
    id          INTEGER PRIMARY KEY,
    platform_id INTEGER NOT NULL REFERENCES platforms(id),
    chain       TEXT NOT NULL,
    link        TEXT NOT NULL,
    plan        TEXT,
    owner       TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'working', 'filled')),
    attracted   TEXT NOT NULL DEFAULT '[]',
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX shortboards_platform ON shortboards(platform_id, id);

CREATE TABLE projects (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    name        TEXT NOT NULL,
    owner_id    INTEGER REFERENCES enterprises(id),
    investment  INTEGER NOT NULL,
    place_code  TEXT NOT NULL REFERENCES places(code),
    platform_id INTEGER REFERENCES platforms(id),
    start_on    TEXT,
    planned_end TEXT,
    status      TEXT NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'building', 'completed', 'suspended')),
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX projects_place ON projects(place_code, id);
CREATE INDEX projects_investment ON projects(investment);
CREATE INDEX projects_platform ON projects(platform_id);

CREATE TABLE project_milestones (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    name        TEXT NOT NULL,
    due_on      TEXT,
    done_on     TEXT,
    progress    INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    place_code  TEXT NOT NULL REFERENCES places(code),
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX project_milestones_project ON project_milestones(project_id, id);
CREATE INDEX project_milestones_place ON project_milestones(place_code, id);

-- organisations attached to a project, platform or enterprise are found by what they sit on
CREATE INDEX party_orgs_attach ON party_orgs(attach_kind, attach_id);
