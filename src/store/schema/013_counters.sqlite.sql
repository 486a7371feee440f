-- 013: counters kept with every write (domain/counters.c): a value per place, month and metric,
-- and per place, day and metric for the daily ones, rolled up the place tree (every ancestor of
-- the record's place has its own row), so dashboards and the index read O(places) rows. Months
-- and days are Asia/Shanghai calendar periods ('2026-11', '2026-11-29'). `gridgov index rebuild`
-- recomputes them from the records.
CREATE TABLE counters_month (
    place_code TEXT NOT NULL,
    period     TEXT NOT NULL,
    metric     TEXT NOT NULL,
    value      INTEGER NOT NULL,
    PRIMARY KEY (place_code, period, metric)
) STRICT, WITHOUT ROWID;
CREATE INDEX counters_month_metric ON counters_month(metric, period, place_code);

CREATE TABLE counters_day (
    place_code TEXT NOT NULL,
    period     TEXT NOT NULL,
    metric     TEXT NOT NULL,
    value      INTEGER NOT NULL,
    PRIMARY KEY (place_code, period, metric)
) STRICT, WITHOUT ROWID;
