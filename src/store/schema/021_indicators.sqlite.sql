-- 021: the indicators docs/index.md listed as not built: ledger approval on time, patrols per
-- grid worker (a patrol log, and grid workers per grid), party branch coverage of the grids of a
-- community or town (grids under a place and grids covered, as counters).
-- every grid worker's patrol of its grid (巡查日志): the date, start and end, the route walked,
-- points visited, findings and the cases raised on it; counted per grid and month of the
-- patrol's date (reg.patrols) for the indicator patrols_per_worker.
CREATE TABLE patrols (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    grid_code   TEXT NOT NULL REFERENCES places(code),
    date        TEXT NOT NULL,              -- YYYY-MM-DD: dates the counters
    start_time  TEXT NOT NULL,              -- HH:MM
    end_time    TEXT NOT NULL,              -- HH:MM, after start_time
    route       TEXT NOT NULL DEFAULT '',
    points      INTEGER NOT NULL DEFAULT 0,
    findings    TEXT NOT NULL DEFAULT '',
    cases       TEXT NOT NULL DEFAULT '[]', -- JSON array of case ids raised on the patrol
    worker      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX patrols_grid_date ON patrols(grid_code, date);
CREATE INDEX patrols_date ON patrols(date, grid_code);

-- when a role was granted: the grid workers of a grid are a stock counter
-- (user.role.grid_worker) dated by the grant; roles granted before this version date from
-- their user's creation.
ALTER TABLE user_roles ADD COLUMN granted_at INTEGER NOT NULL DEFAULT 0;
UPDATE user_roles SET granted_at = coalesce((SELECT u.created_at FROM users u WHERE u.id = user_roles.user_id), 0);

INSERT INTO indicators (code, name, numerator, denominator, basis, direction, target, weight, levels, drill, source, position, updated_at) VALUES
 ('ledger_approval_on_time', '社账审核及时率', 'ledger.decided_on_time', 'ledger.decided', 'period', 'higher', 0.95, 5, 'community,town', '', '社账街管：街道在提交后 5 个工作日内（设置 ledger_decide_days）审核（通过或退回）的分录数/当月审核的分录数（按审核月份）', 16, 0),
 ('patrols_per_worker', '网格员人均巡查次数', 'reg.patrols', 'user.role.grid_worker', 'period', 'higher', 20, 5, 'grid,community,town', '', '上虞区网格管理十条标准第 3 条“网格员每日巡查网格”（浙江省网格员每日巡查、每月约 20 个工作日）：当月巡查次数/网格员数', 17, 0),
 ('party_branch_coverage', '网格党支部覆盖率', 'place.grids.branch', 'place.grids', 'stock', 'higher', 1, 5, 'community,town', '', '支部建在网格上：建有党支部的网格数/网格数（网格级见“网格党支部覆盖”）', 18, 0);
-- the default set still sums to 100 (unless the district has edited an indicator):
-- 社账审核通过率 gives its 5 to 社账审核及时率 (the share approved stays readable at weight 0: a
-- street that rightly sends back a bad entry should not lose points), 按期结案率 15 -> 10 and
-- 新居民登记覆盖率 10 -> 5 make room for patrols and branch coverage.
UPDATE indicators SET weight = 0 WHERE code = 'ledger_approval' AND version = 1 AND weight = 5;
UPDATE indicators SET weight = 10 WHERE code = 'on_time_rate' AND version = 1 AND weight = 15;
UPDATE indicators SET weight = 5 WHERE code = 'registration_coverage' AND version = 1 AND weight = 10;

-- the new counters (grids, grids with a branch, grid workers, ledger decisions) are computed
-- from the records when the database is next opened, as for 016 (govindex_counters_seed_fn).
DELETE FROM counters_day;
DELETE FROM counters_month;
