-- 001: the foundation. Places, compounds, departments, users, roles, sessions, audit.
-- Times are Unix seconds (UTC). Large tables carry the county code (sharding key).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE places (
    code        TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES places(code),
    level       TEXT NOT NULL CHECK (level IN ('district','town','community','grid','microgrid')),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    county      TEXT NOT NULL,
    path        TEXT NOT NULL DEFAULT '[]', -- ancestors [{code, name, level}], root first
    households  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX places_parent ON places(parent_code, code);
CREATE INDEX places_name ON places(name);

CREATE TABLE compounds (
    id               INTEGER PRIMARY KEY,
    county           TEXT NOT NULL,
    community_code   TEXT NOT NULL REFERENCES places(code),
    name             TEXT NOT NULL,
    address          TEXT NOT NULL DEFAULT '',
    households       INTEGER NOT NULL DEFAULT 0,
    property_company TEXT NOT NULL DEFAULT '',
    owners_committee INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (community_code, name)
) STRICT;

CREATE TABLE compound_grids (
    compound_id INTEGER NOT NULL REFERENCES compounds(id) ON DELETE CASCADE,
    grid_code   TEXT NOT NULL REFERENCES places(code),
    PRIMARY KEY (compound_id, grid_code)
) STRICT;
CREATE INDEX compound_grids_grid ON compound_grids(grid_code);

CREATE TABLE departments (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    place_code TEXT NOT NULL REFERENCES places(code),
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    username     TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    pw_hash      TEXT NOT NULL,
    phone        TEXT NOT NULL DEFAULT '',
    disabled     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

-- scope as granted ("330604002", "compound:12", "dept:zjj"); place_code is the place it
-- covers, resolved when granted, so a session loads with one query.
CREATE TABLE user_roles (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    scope       TEXT NOT NULL,
    place_code  TEXT NOT NULL REFERENCES places(code),
    compound_id INTEGER REFERENCES compounds(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role, scope)
) STRICT;

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    user_id INTEGER,
    action  TEXT NOT NULL,
    object  TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_log_object ON audit_log(object, at);
