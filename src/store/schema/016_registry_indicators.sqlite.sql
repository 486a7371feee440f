-- 016: the index's indicators over the registries that have landed (docs/index.md): task-board
-- completion (task targets), the street's approval of the community accounts (ledger entries),
-- enterprise problems solved (cases of the channel enterprise_visit, counted by channel since
-- this version) and a party branch on every grid. The default weights are rebalanced so that
-- the set still sums to 100; only indicators the district has not edited (version 1, the
-- default weight) change. And an index for the district figures' workshop income (figures.c).
-- Cases count by channel now: the counters are emptied here and recomputed from the records when
-- the database is next opened (govindex_counters_seed_fn computes them when there are none).
UPDATE indicators SET weight = 15 WHERE code = 'closure_rate' AND version = 1 AND weight = 20;
UPDATE indicators SET weight = 15 WHERE code = 'on_time_rate' AND version = 1 AND weight = 20;
UPDATE indicators SET weight = 5 WHERE code = 'rework_rate' AND version = 1 AND weight = 10;
UPDATE indicators SET weight = 10 WHERE code = 'satisfaction' AND version = 1 AND weight = 15;

INSERT INTO indicators (code, name, numerator, denominator, basis, direction, target, weight, levels, drill, source, position, updated_at) VALUES
 ('task_completion', '微治理任务完成率', 'reg.task-targets.status.done', 'reg.task-targets', 'stock', 'higher', 0.9, 5, 'community,town', '', '微治办任务清单（4 大领域 42 项）：已完成的任务目标数/任务目标数', 11, 0),
 ('ledger_approval', '社账审核通过率', 'reg.ledger-entries.status.approved', 'reg.ledger-entries.status.submitted + reg.ledger-entries.status.approved + reg.ledger-entries.status.rejected', 'stock', 'higher', 0.9, 5, 'community,town', '', '社账街管：街道审核通过的分录数/已提交审核的分录数（含待审核和退回的）', 12, 0),
 ('enterprise_problems_solved', '企业问题解决率', 'case.channel.enterprise_visit.closed', 'case.channel.enterprise_visit', 'period', 'higher', 0.9, 5, 'grid,community,town', '', '驻企服务：走访中企业反映问题的办结数/反映数（按反映月份）', 13, 0),
 ('grid_party_branch', '网格党支部覆盖', 'reg.party-orgs.kind.branch', '', 'stock', 'higher', 1, 5, 'grid', '', '支部建在网格上：网格内建立的党支部数（至少 1 个）', 14, 0);

CREATE INDEX workshop_incomes_place_period ON workshop_incomes(place_code, period, amount);

DELETE FROM counters_day;
DELETE FROM counters_month;
