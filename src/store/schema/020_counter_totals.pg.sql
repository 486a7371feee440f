-- 020: the index reads a level's rows and a stock's running total (domain/govindex.c).
-- counters_total holds, per metric and place, the sum of every month (kept with every write in
-- the same statement batch as counters_month, domain/counters.c): a stock at the end of month P
-- is the total less the months after P, a few rows per place instead of every month up to P.
-- depth is the place code's length (9 town, 12 community, 15 grid) so that a level is a range.
CREATE TABLE counters_total (
    metric     TEXT COLLATE "C" NOT NULL,
    depth      INTEGER NOT NULL,
    place_code TEXT COLLATE "C" NOT NULL,
    value      BIGINT NOT NULL,
    PRIMARY KEY (metric, depth, place_code)
);
INSERT INTO counters_total (metric, depth, place_code, value)
SELECT metric, length(place_code), place_code, sum(value) FROM counters_month
GROUP BY metric, place_code HAVING sum(value) <> 0;

-- A ranking reads one level's rows of a metric over a few months: the level after the metric
-- in the key, so a town ranking reads its 20 towns' rows, not every grid's under them.
DROP INDEX counters_month_metric;
CREATE INDEX counters_month_metric ON counters_month(metric, length(place_code), period,
    place_code) INCLUDE (value);
