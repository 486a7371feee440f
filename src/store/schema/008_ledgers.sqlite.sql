-- 008: village and community accounts kept under the street's approval (社账街管): the
-- district's catalogue of categories (which count as operating income, 经营性收入), the
-- entries of each village or community (integer fen) with their hash-chained history
-- (ledger_events has the columns of case_events; ledger_entries keeps the chain's head as
-- cases do), and the district's thresholds of collective income per year.
CREATE TABLE ledger_categories (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('income', 'expense')),
    operating  INTEGER NOT NULL DEFAULT 0,
    sort       INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
INSERT INTO ledger_categories (code, name, kind, operating, sort, created_at, updated_at) VALUES
    ('business', '经营收入', 'income', 1, 10, 0, 0),
    ('contracting', '发包及上交收入', 'income', 1, 20, 0, 0),
    ('investment', '投资收益', 'income', 1, 30, 0, 0),
    ('subsidy', '补助收入', 'income', 0, 40, 0, 0),
    ('other-income', '其他收入', 'income', 0, 50, 0, 0),
    ('business-cost', '经营支出', 'expense', 0, 60, 0, 0),
    ('management', '管理费用', 'expense', 0, 70, 0, 0),
    ('public-welfare', '公益支出', 'expense', 0, 80, 0, 0),
    ('other-expense', '其他支出', 'expense', 0, 90, 0, 0);

CREATE TABLE ledger_entries (
    id            INTEGER PRIMARY KEY,
    county        TEXT NOT NULL,
    place_code    TEXT NOT NULL REFERENCES places(code),
    entry_date    TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('income', 'expense')),
    category      TEXT NOT NULL REFERENCES ledger_categories(code),
    amount        INTEGER NOT NULL CHECK (amount > 0),
    counterparty  TEXT,
    voucher_no    TEXT,
    attachments   TEXT NOT NULL DEFAULT '[]',
    note          TEXT,
    reverses      INTEGER REFERENCES ledger_entries(id),
    status        TEXT NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'submitted', 'approved', 'rejected')),
    reason        TEXT,
    timeline_seq  INTEGER NOT NULL DEFAULT 0,
    timeline_head TEXT NOT NULL DEFAULT '',
    archived_at   INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX ledger_entries_place ON ledger_entries(place_code, entry_date);
CREATE INDEX ledger_entries_status ON ledger_entries(status, place_code);
CREATE INDEX ledger_entries_reverses ON ledger_entries(reverses);

CREATE TABLE ledger_events (
    id            INTEGER PRIMARY KEY,
    county        TEXT NOT NULL,
    entry_id      INTEGER NOT NULL REFERENCES ledger_entries(id),
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
    UNIQUE (entry_id, seq)
) STRICT;

CREATE TABLE income_thresholds (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL UNIQUE,
    weak_below  INTEGER NOT NULL,
    note        TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
