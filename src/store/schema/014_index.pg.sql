-- 014: the grid smart-governance index (党建统领网格智治指数): indicators as data, edited by the
-- district without a rebuild, each a ratio or a count over the counters (013). Every change
-- keeps the previous definition in indicator_versions. The default set is documented in
-- docs/index.md.
CREATE TABLE indicators (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    numerator   TEXT NOT NULL,              -- metrics added and taken away: "a + b - c"
    denominator TEXT NOT NULL DEFAULT '',   -- '' for a count
    basis       TEXT NOT NULL DEFAULT 'period' CHECK (basis IN ('period', 'stock')),
    direction   TEXT NOT NULL DEFAULT 'higher' CHECK (direction IN ('higher', 'lower')),
    target      DOUBLE PRECISION NOT NULL,
    weight      BIGINT NOT NULL CHECK (weight BETWEEN 0 AND 100),
    levels      TEXT NOT NULL DEFAULT 'grid,community,town',
    drill       TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    position    BIGINT NOT NULL DEFAULT 0,
    version     BIGINT NOT NULL DEFAULT 1,
    updated_at  BIGINT NOT NULL,
    updated_by  BIGINT REFERENCES users(id)
);

CREATE TABLE indicator_versions (
    code        TEXT NOT NULL,
    version     BIGINT NOT NULL,
    definition  TEXT NOT NULL,              -- the definition as JSON
    replaced_at BIGINT NOT NULL,
    replaced_by BIGINT REFERENCES users(id),
    PRIMARY KEY (code, version)
);

INSERT INTO indicators (code, name, numerator, denominator, basis, direction, target, weight, levels, drill, source, position, updated_at) VALUES
 ('closure_rate', '结案率', 'case.status.closed', 'case.received - case.status.rejected - case.status.merged', 'period', 'higher', 0.95, 20, 'grid,community,town', 'cases_open', 'GB/T 30428.2: 结案数/应结案数', 1, 0),
 ('on_time_rate', '按期结案率', 'case.on_time', 'case.received - case.status.rejected - case.status.merged', 'period', 'higher', 0.9, 20, 'grid,community,town', 'cases_late', 'GB/T 30428.2: 按期结案数/应结案数', 2, 0),
 ('rework_rate', '返工率', 'case.rework', 'case.received - case.status.rejected - case.status.merged', 'period', 'lower', 0.05, 10, 'grid,community,town', 'cases_rework', 'GB/T 30428.2: 返工数/应结案数', 3, 0),
 ('acceptance_rate', '立案率', 'case.received - case.status.rejected - case.status.merged - case.status.submitted', 'case.received - case.status.submitted', 'period', 'higher', 0.8, 5, 'grid,community,town', 'cases_rejected', 'GB/T 30428.2: 立案数/受理数', 4, 0),
 ('satisfaction', '群众满意度', 'case.rating_sum', '5 * case.rated', 'period', 'higher', 0.9, 15, 'grid,community,town', 'cases_low_rating', '办结后报告人评价（1-5 分）平均值/5', 5, 0),
 ('registration_coverage', '新居民登记覆盖率', 'reg.registrations', 'reg.residents.kind.new', 'stock', 'higher', 0.95, 10, 'grid,community,town', '', '新居民登记数/新居民数', 6, 0),
 ('owners_committee_rate', '业委会组建率', 'reg.compounds.owners_committee.1', 'reg.compounds', 'stock', 'higher', 0.8, 5, 'community,town', '', '已组建业委会小区数/小区数', 7, 0),
 ('property_gap', '无物业小区占比', 'reg.compounds.property_company.empty', 'reg.compounds', 'stock', 'lower', 0.1, 5, 'community,town', '', '无物业服务企业小区数/小区数', 8, 0),
 ('mobile_members_found', '流动党员排查确认数', 'reg.mobile-matches.status.confirmed', '', 'stock', 'higher', 3, 5, 'community,town', '', '排查确认的流动党员人数', 9, 0),
 ('party_activities', '党组织活动次数', 'reg.party-activities', '', 'period', 'higher', 2, 5, 'grid,community,town', '', '当期开展的党组织活动次数', 10, 0);
