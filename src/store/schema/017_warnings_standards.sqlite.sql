-- 017: early warning on the index and the district's grid-management standards (网格管理十条标准).
-- index_warnings records every warning raised (a place whose score fell 5 points or more against
-- the month before), once per place and period: the scheduler's job, a restart or a second run
-- finds the row and sends nothing again. grid_standards is the district's checklist (a default
-- of ten, edited by the district); standard_checks is a community office's tick of one grid's
-- item for one month, counted in the counters by that month (reg.standard-checks.met.1 of
-- reg.standard-checks) for the indicator standards_met.
CREATE TABLE index_warnings (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    place_code  TEXT NOT NULL REFERENCES places(code),
    level       TEXT NOT NULL CHECK (level IN ('grid', 'community', 'town')),
    period      TEXT NOT NULL,              -- YYYY-MM
    score       REAL NOT NULL,
    previous    REAL NOT NULL,
    change      REAL NOT NULL,
    raised_at   INTEGER NOT NULL,
    raised_by   TEXT NOT NULL DEFAULT 'scheduler',
    UNIQUE (place_code, period)
) STRICT;
CREATE INDEX index_warnings_period ON index_warnings(period, place_code);

CREATE TABLE grid_standards (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    requirement TEXT NOT NULL DEFAULT '',
    evidence    TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE standard_checks (
    id          INTEGER PRIMARY KEY,
    county      TEXT NOT NULL,
    grid_code   TEXT NOT NULL REFERENCES places(code),
    month       TEXT NOT NULL,              -- YYYY-MM: the month checked (dates the counters)
    standard_id INTEGER NOT NULL REFERENCES grid_standards(id),
    met         INTEGER NOT NULL DEFAULT 0 CHECK (met IN (0, 1)),
    note        TEXT NOT NULL DEFAULT '',
    evidence    TEXT NOT NULL DEFAULT '',
    checked_by  TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (grid_code, month, standard_id)
) STRICT;
CREATE INDEX standard_checks_month ON standard_checks(month, grid_code);

INSERT INTO grid_standards (code, name, requirement, evidence, sort_order, created_at, updated_at) VALUES
 ('s01', '网格员配备到位', '每个网格配齐专职网格员（网格长、专职网格员、兼职网格员），微网格落实微网格长，人员变动及时补缺', '网格人员名册、变动记录', 1, 0, 0),
 ('s02', '网格党支部建在网格上', '网格党支部（党小组）应建尽建，支部书记兼任网格长或网格指导员，每月开展组织生活', '支部设置文件、活动记录', 2, 0, 0),
 ('s03', '巡查走访全覆盖', '网格员每日巡查网格，每月走访网格内全部重点人员和困难家庭', '巡查轨迹、走访台账', 3, 0, 0),
 ('s04', '基础信息采集准确', '人、房、企、事、物等基础信息及时采集、动态更新，新居民登记及时', '信息采集与更新记录', 4, 0, 0),
 ('s05', '矛盾纠纷排查化解', '每月开展矛盾纠纷排查，发现即登记、能调则调、该报即报', '排查台账、调解记录', 5, 0, 0),
 ('s06', '安全隐患排查整治', '消防、电动车充电、燃气、危房等安全隐患定期排查，整改闭环', '隐患清单、整改照片', 6, 0, 0),
 ('s07', '事件上报处置及时', '发现事件及时上报，网格内能处置的就地处置，按期办结率达到区定目标', '事件上报与处置记录', 7, 0, 0),
 ('s08', '民情日志规范记录', '网格员每日记录民情日志，群众诉求件件有记录、有回应', '民情日志', 8, 0, 0),
 ('s09', '网格信息公开公示', '网格员姓名、照片、联系方式及职责在网格内公示，服务承诺上墙', '公示牌照片', 9, 0, 0),
 ('s10', '考核评价结果运用', '按月开展网格考核评价，结果与网格员绩效、评优挂钩，群众满意度纳入评价', '考核表、评价结果', 10, 0, 0);

INSERT INTO indicators (code, name, numerator, denominator, basis, direction, target, weight, levels, drill, source, position, updated_at) VALUES
 ('standards_met', '网格管理十条标准达标率', 'reg.standard-checks.met.1', 'reg.standard-checks', 'period', 'higher', 0.9, 5, 'grid,community,town', '', '上虞区网格管理十条标准：当月逐项考评达标项数/考评项数（清单由区里维护）', 15, 0);
-- the default set still sums to 100: 结案率 gives up 5 (15 -> 10) unless the district has edited it
UPDATE indicators SET weight = 10 WHERE code = 'closure_rate' AND version = 1 AND weight = 15;
