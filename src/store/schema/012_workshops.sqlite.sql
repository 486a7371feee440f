-- 012: the community economy beside the ledgers: community companies (强社公司) with their
-- shareholder communities, revenue and dividends per year; common-prosperity workshops (共富工坊)
-- run by a community with enterprises (by credit code) and a party organisation, their
-- participants (residents) and income per participant and month; and the micro-governance task
-- boards: areas and task templates the district keeps, tasks owned by an office, their targets
-- (compounds or communities) with progress and evidence.
CREATE TABLE companies (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    name        TEXT NOT NULL,
    credit_code TEXT,
    place_code  TEXT NOT NULL REFERENCES places(code),
    business    TEXT NOT NULL DEFAULT '',
    chair       TEXT,
    founded_on  TEXT,
    capital     INTEGER NOT NULL DEFAULT 0,
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX companies_name ON companies(name);
CREATE UNIQUE INDEX companies_credit_code ON companies(credit_code);
CREATE INDEX companies_place ON companies(place_code, id);

CREATE TABLE company_shareholders (
    id             INTEGER PRIMARY KEY,
    county         TEXT NOT NULL,
    company_id     INTEGER NOT NULL REFERENCES companies(id),
    community_code TEXT NOT NULL REFERENCES places(code),
    place_code     TEXT NOT NULL REFERENCES places(code),
    shares         INTEGER NOT NULL CHECK (shares > 0),
    note           TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (company_id, community_code)
) STRICT;
CREATE INDEX company_shareholders_community ON company_shareholders(community_code, id);
CREATE INDEX company_shareholders_place ON company_shareholders(place_code, id);

CREATE TABLE company_years (
    id         INTEGER PRIMARY KEY,
    county     TEXT NOT NULL,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    place_code TEXT NOT NULL REFERENCES places(code),
    year       INTEGER NOT NULL,
    revenue    INTEGER NOT NULL DEFAULT 0,
    profit     INTEGER NOT NULL DEFAULT 0,
    dividends  INTEGER NOT NULL DEFAULT 0,
    note       TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (company_id, year)
) STRICT;
CREATE INDEX company_years_place ON company_years(place_code, id);

CREATE TABLE workshops (
    id             INTEGER PRIMARY KEY,
    county         TEXT NOT NULL,
    name           TEXT NOT NULL,
    community_code TEXT NOT NULL REFERENCES places(code),
    party_org_id   INTEGER REFERENCES party_orgs(id),
    enterprises    TEXT NOT NULL DEFAULT '[]',
    products       TEXT NOT NULL DEFAULT '',
    mode           TEXT NOT NULL DEFAULT 'processing',
    opened_on      TEXT,
    address        TEXT NOT NULL DEFAULT '',
    note           TEXT,
    archived_at    INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (community_code, name)
) STRICT;
CREATE INDEX workshops_community ON workshops(community_code, id);

CREATE TABLE workshop_participants (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    workshop_id INTEGER NOT NULL REFERENCES workshops(id),
    resident_id INTEGER NOT NULL REFERENCES residents(id),
    place_code  TEXT NOT NULL REFERENCES places(code),
    joined_on   TEXT,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
    note        TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (workshop_id, resident_id)
) STRICT;
CREATE INDEX workshop_participants_place ON workshop_participants(place_code, id);

CREATE TABLE workshop_incomes (
    id             INTEGER PRIMARY KEY,
    county         TEXT NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES workshop_participants(id),
    workshop_id    INTEGER NOT NULL REFERENCES workshops(id),
    place_code     TEXT NOT NULL REFERENCES places(code),
    period         TEXT NOT NULL,
    unit           TEXT NOT NULL CHECK (unit IN ('hours', 'pieces')),
    quantity       INTEGER NOT NULL DEFAULT 0,
    amount         INTEGER NOT NULL CHECK (amount >= 0),
    note           TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (participant_id, period, unit)
) STRICT;
CREATE INDEX workshop_incomes_workshop ON workshop_incomes(workshop_id, period);
CREATE INDEX workshop_incomes_place ON workshop_incomes(place_code, id);

CREATE TABLE task_areas (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    sort        INTEGER NOT NULL DEFAULT 0,
    description TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE task_templates (
    id          INTEGER PRIMARY KEY,
    area_id     INTEGER NOT NULL REFERENCES task_areas(id),
    title       TEXT NOT NULL,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('compound', 'community')),
    days        INTEGER NOT NULL,
    effect      TEXT NOT NULL DEFAULT 'none',
    sort        INTEGER NOT NULL DEFAULT 0,
    description TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (area_id, title)
) STRICT;

CREATE TABLE tasks (
    id            INTEGER PRIMARY KEY,
    county        TEXT NOT NULL,
    title         TEXT NOT NULL,
    area_id       INTEGER NOT NULL REFERENCES task_areas(id),
    template_id   INTEGER REFERENCES task_templates(id),
    place_code    TEXT NOT NULL REFERENCES places(code),
    owner_user_id INTEGER REFERENCES users(id),
    target_kind   TEXT NOT NULL CHECK (target_kind IN ('compound', 'community')),
    effect        TEXT NOT NULL DEFAULT 'none',
    starts_on     TEXT NOT NULL,
    days          INTEGER NOT NULL,
    due_on        TEXT NOT NULL,
    note          TEXT,
    archived_at   INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX tasks_place ON tasks(place_code, id);
CREATE INDEX tasks_area ON tasks(area_id, id);

CREATE TABLE task_targets (
    id             INTEGER PRIMARY KEY,
    county         TEXT NOT NULL,
    task_id        INTEGER NOT NULL REFERENCES tasks(id),
    compound_id    INTEGER REFERENCES compounds(id),
    community_code TEXT NOT NULL REFERENCES places(code),
    task_place     TEXT NOT NULL REFERENCES places(code),
    status         TEXT NOT NULL DEFAULT 'not_started'
                   CHECK (status IN ('not_started', 'in_progress', 'done')),
    evidence       TEXT,
    done_on        TEXT,
    note           TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX task_targets_task ON task_targets(task_id, id);
CREATE INDEX task_targets_community ON task_targets(community_code, id);
CREATE INDEX task_targets_task_place ON task_targets(task_place, id);
CREATE INDEX task_targets_compound ON task_targets(compound_id);
