-- 002: cases. The working-day calendar, the service catalogue, cases with their hash-chained
-- timeline, photos, joint meetings, extensions, the notification outbox, Open311 API keys.
CREATE TABLE calendar_days (
    day    TEXT PRIMARY KEY,            -- YYYY-MM-DD in Asia/Shanghai
    kind   TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name   TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'admin'
) STRICT;

CREATE TABLE categories (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    group_name      TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    keywords        TEXT NOT NULL DEFAULT '',
    department_code TEXT REFERENCES departments(code),
    handling_level  TEXT NOT NULL CHECK (handling_level IN ('community', 'town', 'district')),
    sla_accept      TEXT NOT NULL,      -- '4h' working hours, '2d' working days
    sla_dispatch    TEXT NOT NULL,
    sla_resolve     TEXT NOT NULL,
    sla_verify      TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE category_attributes (
    category_code        TEXT NOT NULL REFERENCES categories(code) ON DELETE CASCADE,
    code                 TEXT NOT NULL,
    datatype             TEXT NOT NULL CHECK (datatype IN ('string', 'number', 'datetime', 'text',
                                                           'singlevaluelist', 'multivaluelist')),
    required             INTEGER NOT NULL DEFAULT 0,
    description          TEXT NOT NULL,
    datatype_description TEXT NOT NULL DEFAULT '',
    ord                  INTEGER NOT NULL DEFAULT 0,
    vals                 TEXT NOT NULL DEFAULT '[]', -- JSON [{"key": "...", "name": "..."}]
    PRIMARY KEY (category_code, code)
) STRICT;

-- Grid (or any place's) boundaries as GeoJSON geometry, with a bounding box to narrow lookups.
CREATE TABLE place_boundaries (
    place_code TEXT PRIMARY KEY REFERENCES places(code),
    min_lat    REAL NOT NULL,
    max_lat    REAL NOT NULL,
    min_lon    REAL NOT NULL,
    max_lon    REAL NOT NULL,
    geometry   TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX place_boundaries_box ON place_boundaries(min_lat, max_lat);

CREATE TABLE api_keys (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    key_hash   TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE case_numbers (
    day  TEXT PRIMARY KEY,              -- YYYYMMDD in Asia/Shanghai
    last INTEGER NOT NULL
) STRICT;

CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    county           TEXT NOT NULL,
    case_no          TEXT NOT NULL UNIQUE,
    category_code    TEXT NOT NULL REFERENCES categories(code),
    description      TEXT NOT NULL,
    status           TEXT NOT NULL,
    channel          TEXT NOT NULL,
    place_code       TEXT NOT NULL REFERENCES places(code),
    grid_code        TEXT REFERENCES places(code),
    compound_id      INTEGER REFERENCES compounds(id),
    address          TEXT NOT NULL DEFAULT '',
    lat              REAL,
    lon              REAL,
    attributes       TEXT NOT NULL DEFAULT '{}',
    reporter_user_id INTEGER REFERENCES users(id),
    reporter_name    TEXT NOT NULL DEFAULT '',
    reporter_phone   TEXT NOT NULL DEFAULT '',
    reporter_email   TEXT NOT NULL DEFAULT '',
    token_hash       TEXT UNIQUE,
    api_key_id       INTEGER REFERENCES api_keys(id),
    idem_key         TEXT UNIQUE,
    token_box        TEXT,                        -- the tracking token sealed, for replays
    department_code  TEXT REFERENCES departments(code),
    to_grid          INTEGER NOT NULL DEFAULT 0, -- dispatched back to the grid
    stage_due_at     INTEGER,                    -- deadline of the current stage
    escalations      INTEGER NOT NULL DEFAULT 0,
    merged_into      INTEGER REFERENCES cases(id),
    confirmed        INTEGER NOT NULL DEFAULT 0,
    rating           INTEGER,
    reopen_count     INTEGER NOT NULL DEFAULT 0,
    rework_count     INTEGER NOT NULL DEFAULT 0,
    late             INTEGER NOT NULL DEFAULT 0,   -- a staff stage missed its deadline
    on_time          INTEGER,                    -- set when closed: 1 if never overdue
    search_grams     TEXT NOT NULL DEFAULT '',   -- character bigrams for search
    timeline_seq     INTEGER NOT NULL DEFAULT 0,
    timeline_head    TEXT NOT NULL DEFAULT '',   -- hash of the last timeline row
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    closed_at        INTEGER
) STRICT;
CREATE INDEX cases_place ON cases(place_code, created_at);
CREATE INDEX cases_status ON cases(status, stage_due_at);
CREATE INDEX cases_dept ON cases(department_code, status);
CREATE INDEX cases_created ON cases(created_at, id);
CREATE INDEX cases_point ON cases(lat, lon);
CREATE INDEX cases_compound ON cases(compound_id, status);

CREATE VIRTUAL TABLE cases_fts USING fts5(search_grams, content='cases', content_rowid='id',
                                          tokenize='unicode61');
CREATE TRIGGER cases_fts_ai AFTER INSERT ON cases BEGIN
    INSERT INTO cases_fts(rowid, search_grams) VALUES (new.id, new.search_grams);
END;
CREATE TRIGGER cases_fts_au AFTER UPDATE OF search_grams ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, search_grams) VALUES ('delete', old.id, old.search_grams);
    INSERT INTO cases_fts(rowid, search_grams) VALUES (new.id, new.search_grams);
END;
CREATE TRIGGER cases_fts_ad AFTER DELETE ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, search_grams) VALUES ('delete', old.id, old.search_grams);
END;

CREATE TABLE case_photos (
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    seq        INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    mime       TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    stage      TEXT NOT NULL DEFAULT 'report', -- report | evidence
    created_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, seq)
) STRICT;

-- The timeline: append-only; hash = keyed BLAKE2b over the previous hash and this row.
CREATE TABLE case_events (
    id            INTEGER PRIMARY KEY,
    county        TEXT NOT NULL,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    seq           INTEGER NOT NULL,
    at            INTEGER NOT NULL,
    actor_user_id INTEGER REFERENCES users(id),
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    from_status   TEXT NOT NULL DEFAULT '',
    to_status     TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    data          TEXT NOT NULL DEFAULT '{}',
    public        INTEGER NOT NULL DEFAULT 1,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL,
    UNIQUE (case_id, seq)
) STRICT;
CREATE INDEX case_events_at ON case_events(at);

CREATE TABLE meetings (
    id         INTEGER PRIMARY KEY,
    county     TEXT NOT NULL,
    place_code TEXT NOT NULL REFERENCES places(code),
    held_at    INTEGER NOT NULL,
    location   TEXT NOT NULL,
    topic      TEXT NOT NULL,
    decisions  TEXT NOT NULL,
    follow_up  TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE meeting_participants (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    role       TEXT NOT NULL,
    org        TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, ord)
) STRICT;

CREATE TABLE meeting_cases (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    PRIMARY KEY (meeting_id, case_id)
) STRICT;
CREATE INDEX meeting_cases_case ON meeting_cases(case_id);

CREATE TABLE extensions (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    requested_by INTEGER NOT NULL REFERENCES users(id),
    days         INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by   INTEGER REFERENCES users(id),
    decided_at   INTEGER,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX extensions_case ON extensions(case_id, status);

CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
) STRICT;

-- Written in the same transaction as the step it announces; delivered at least once, in order
-- per case, by the webhook worker.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL,
    webhook_id   INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event        TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    delivered_at INTEGER,
    last_error   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outbox_pending ON outbox(delivered_at, next_at);
CREATE INDEX outbox_case ON outbox(webhook_id, case_id, id);

CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
