-- 009: cadres and what they do: frontline postings, training, competitions (criteria, entries,
-- judges, scores and a hash-chained history whose publication freezes the ranking), mentors
-- for village and community secretaries, the re-election review with its district checklist,
-- and party-building alliances across places with the figures they report.
CREATE TABLE cadres (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    name        TEXT NOT NULL,
    resident_id INTEGER REFERENCES residents(id),
    user_id     INTEGER REFERENCES users(id),
    unit        TEXT NOT NULL,
    post        TEXT,
    rank_level  TEXT,
    birth_year  INTEGER,
    place_code  TEXT NOT NULL REFERENCES places(code),
    tags        TEXT NOT NULL DEFAULT '[]',
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX cadres_place ON cadres(place_code, id);

CREATE TABLE deployments (
    id              INTEGER PRIMARY KEY,
    county          TEXT NOT NULL,
    cadre_id        INTEGER NOT NULL REFERENCES cadres(id),
    kind            TEXT NOT NULL CHECK (kind IN ('village', 'demolition', 'project_site')),
    place_code      TEXT NOT NULL REFERENCES places(code),
    project_name    TEXT,
    from_date       TEXT NOT NULL,
    to_date         TEXT,
    tasks           TEXT,
    evaluation      TEXT,
    evaluation_note TEXT,
    archived_at     INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX deployments_place ON deployments(place_code, id);
CREATE INDEX deployments_cadre ON deployments(cadre_id, from_date);
CREATE INDEX deployments_dates ON deployments(from_date, to_date);

CREATE TABLE trainings (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    cadre_id    INTEGER NOT NULL REFERENCES cadres(id),
    kind        TEXT NOT NULL CHECK (kind IN ('camp', 'class', 'education')),
    title       TEXT NOT NULL,
    from_date   TEXT NOT NULL,
    to_date     TEXT,
    attendance  INTEGER,
    result      TEXT NOT NULL DEFAULT 'ongoing',
    place_code  TEXT NOT NULL REFERENCES places(code),
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX trainings_place ON trainings(place_code, id);
CREATE INDEX trainings_cadre ON trainings(cadre_id, from_date);

-- a round of a campaign; timeline_seq/timeline_head are the head of its hash chain
CREATE TABLE competitions (
    id            INTEGER PRIMARY KEY,
    county        TEXT NOT NULL,
    name          TEXT NOT NULL,
    series        TEXT,
    period        TEXT NOT NULL,
    entry_kind    TEXT NOT NULL CHECK (entry_kind IN ('person', 'place', 'project')),
    place_code    TEXT NOT NULL REFERENCES places(code),
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    published_at  INTEGER,
    timeline_seq  INTEGER NOT NULL DEFAULT 0,
    timeline_head TEXT NOT NULL DEFAULT '',
    note          TEXT,
    archived_at   INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (place_code, name, period)
) STRICT;
CREATE INDEX competitions_place ON competitions(place_code, id);
CREATE INDEX competitions_series ON competitions(series, period);

CREATE TABLE competition_criteria (
    id             INTEGER PRIMARY KEY,
    county         TEXT NOT NULL,
    competition_id INTEGER NOT NULL REFERENCES competitions(id),
    name           TEXT NOT NULL,
    weight         INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),
    rule           TEXT NOT NULL CHECK (rule IN ('judges', 'ontime_closure')),
    place_code     TEXT NOT NULL REFERENCES places(code),
    note           TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (competition_id, name)
) STRICT;
CREATE INDEX competition_criteria_place ON competition_criteria(place_code, id);

CREATE TABLE competition_entries (
    id             INTEGER PRIMARY KEY,
    county         TEXT NOT NULL,
    competition_id INTEGER NOT NULL REFERENCES competitions(id),
    name           TEXT NOT NULL,
    cadre_id       INTEGER REFERENCES cadres(id),
    entry_place    TEXT REFERENCES places(code),
    project_name   TEXT,
    place_code     TEXT NOT NULL REFERENCES places(code),
    note           TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (competition_id, name)
) STRICT;
CREATE INDEX competition_entries_place ON competition_entries(place_code, id);
CREATE INDEX competition_entries_comp ON competition_entries(competition_id, id);

CREATE TABLE competition_judges (
    id             INTEGER PRIMARY KEY,
    county         TEXT NOT NULL,
    competition_id INTEGER NOT NULL REFERENCES competitions(id),
    user_id        INTEGER NOT NULL REFERENCES users(id),
    place_code     TEXT NOT NULL REFERENCES places(code),
    note           TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (competition_id, user_id)
) STRICT;
CREATE INDEX competition_judges_place ON competition_judges(place_code, id);
CREATE INDEX competition_judges_user ON competition_judges(user_id);

-- a judge's score of an entry on a criterion, in tenths of a point (0..1000)
CREATE TABLE competition_scores (
    id             INTEGER PRIMARY KEY,
    competition_id INTEGER NOT NULL REFERENCES competitions(id),
    entry_id       INTEGER NOT NULL REFERENCES competition_entries(id),
    criterion_id   INTEGER NOT NULL REFERENCES competition_criteria(id),
    judge_user_id  INTEGER NOT NULL REFERENCES users(id),
    score          INTEGER NOT NULL CHECK (score BETWEEN 0 AND 1000),
    at             INTEGER NOT NULL,
    UNIQUE (entry_id, criterion_id, judge_user_id)
) STRICT;
CREATE INDEX competition_scores_comp ON competition_scores(competition_id);

-- the hash-chained history of a competition: the rows of case_events' shape and MAC
CREATE TABLE competition_events (
    id             INTEGER PRIMARY KEY,
    county         TEXT NOT NULL,
    competition_id INTEGER NOT NULL REFERENCES competitions(id),
    seq            INTEGER NOT NULL,
    at             INTEGER NOT NULL,
    actor_user_id  INTEGER REFERENCES users(id),
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    from_status    TEXT NOT NULL DEFAULT '',
    to_status      TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    data           TEXT NOT NULL DEFAULT '{}',
    public         INTEGER NOT NULL DEFAULT 1,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL,
    UNIQUE (competition_id, seq)
) STRICT;

CREATE TABLE mentorships (
    id                 INTEGER PRIMARY KEY,
    county             TEXT NOT NULL,
    mentor_name        TEXT NOT NULL,
    mentor_cadre_id    INTEGER REFERENCES cadres(id),
    secretary_name     TEXT NOT NULL,
    secretary_cadre_id INTEGER REFERENCES cadres(id),
    place_code         TEXT NOT NULL REFERENCES places(code),
    from_date          TEXT NOT NULL,
    to_date            TEXT,
    status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    note               TEXT,
    archived_at        INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
) STRICT;
CREATE INDEX mentorships_place ON mentorships(place_code, id);

CREATE TABLE mentor_meetings (
    id            INTEGER PRIMARY KEY,
    county        TEXT NOT NULL,
    mentorship_id INTEGER NOT NULL REFERENCES mentorships(id),
    held_on       TEXT NOT NULL,
    topic         TEXT NOT NULL,
    notes         TEXT,
    place_code    TEXT NOT NULL REFERENCES places(code),
    archived_at   INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX mentor_meetings_place ON mentor_meetings(place_code, id);
CREATE INDEX mentor_meetings_ship ON mentor_meetings(mentorship_id, held_on);

CREATE TABLE mentor_followups (
    id            INTEGER PRIMARY KEY,
    county        TEXT NOT NULL,
    mentorship_id INTEGER NOT NULL REFERENCES mentorships(id),
    meeting_id    INTEGER REFERENCES mentor_meetings(id),
    item          TEXT NOT NULL,
    owner         TEXT,
    due_on        TEXT,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    place_code    TEXT NOT NULL REFERENCES places(code),
    archived_at   INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX mentor_followups_place ON mentor_followups(place_code, id);

-- the district's checklist of the re-election review (换届回头看)
CREATE TABLE review_items (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    category    TEXT,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    place_code  TEXT NOT NULL REFERENCES places(code),
    round       TEXT NOT NULL,
    reviewer    TEXT,
    reviewed_on TEXT,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'rectifying', 'done')),
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (place_code, round)
) STRICT;
CREATE INDEX reviews_place ON reviews(place_code, id);

CREATE TABLE review_checks (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    review_id   INTEGER NOT NULL REFERENCES reviews(id),
    item_id     INTEGER NOT NULL REFERENCES review_items(id),
    result      TEXT NOT NULL CHECK (result IN ('ok', 'finding', 'na')),
    finding     TEXT,
    followup    TEXT,
    owner       TEXT,
    due_on      TEXT,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    place_code  TEXT NOT NULL REFERENCES places(code),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (review_id, item_id)
) STRICT;
CREATE INDEX review_checks_place ON review_checks(place_code, id);

CREATE TABLE alliances (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('area', 'platform')),
    place_code  TEXT NOT NULL REFERENCES places(code),
    brand       TEXT,
    themes      TEXT NOT NULL DEFAULT '[]',
    projects    TEXT NOT NULL DEFAULT '[]',
    note        TEXT,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX alliances_place ON alliances(place_code, id);

CREATE TABLE alliance_members (
    id             INTEGER PRIMARY KEY,
    county         TEXT NOT NULL,
    alliance_id    INTEGER NOT NULL REFERENCES alliances(id),
    place_code     TEXT NOT NULL REFERENCES places(code),
    org_id         INTEGER REFERENCES party_orgs(id),
    brand          TEXT,
    alliance_place TEXT NOT NULL REFERENCES places(code),
    note           TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (alliance_id, place_code)
) STRICT;
CREATE INDEX alliance_members_place ON alliance_members(place_code, id);
CREATE INDEX alliance_members_lead ON alliance_members(alliance_place, id);

-- a figure an alliance reports for a period, for one member place or the whole (its own place)
CREATE TABLE alliance_figures (
    id             INTEGER PRIMARY KEY,
    county         TEXT NOT NULL,
    alliance_id    INTEGER NOT NULL REFERENCES alliances(id),
    place_code     TEXT NOT NULL REFERENCES places(code),
    metric         TEXT NOT NULL,
    unit           TEXT NOT NULL,
    period         TEXT NOT NULL,
    value          INTEGER NOT NULL,
    alliance_place TEXT NOT NULL REFERENCES places(code),
    note           TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (alliance_id, place_code, metric, period)
) STRICT;
CREATE INDEX alliance_figures_place ON alliance_figures(place_code, id);
CREATE INDEX alliance_figures_lead ON alliance_figures(alliance_place, id);
CREATE INDEX alliance_figures_period ON alliance_figures(alliance_id, period);
