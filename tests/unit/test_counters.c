/* test_counters.c - counters kept with every write (domain/counters.c): facts roll up every
 * ancestor place, a change takes back the old facts, moves between places and months, periods
 * in Asia/Shanghai, and the recomputed counters compared with the kept ones. On SQLite, and on
 * PostgreSQL when GRIDGOV_TEST_PG names a database. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain/counters.h"
#include "store/store.h"
#include "testdb.h"

static const char *pg_dsn;

struct fixture {
    char dir[64];
    struct store *s;
};

static int setup_on(void **state, const char *pg)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct err e = {0};
    char dsn[512];
    snprintf(f->dir, sizeof(f->dir), "/tmp/gridgov-test-counters.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(dsn, sizeof(dsn), "sqlite:%s/t.db", f->dir);
    struct store_config cfg = {.dsn = pg ? pg : dsn, .readers = 2};
    if (pg != NULL) {
        struct store *old = store_open(&cfg, &e);
        if (old == NULL || store_wipe(old, &e) != ERR_OK) {
            print_error("%s: %s\n", pg, e.msg);
            return -1;
        }
        store_close(old);
    }
    if ((f->s = store_open(&cfg, &e)) == NULL)
        return -1;
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_on(state, NULL);
}

static int setup_pg(void **state)
{
    return setup_on(state, pg_dsn);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    store_close(f->s);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

struct move {
    const struct counter_facts *old, *now;
};

static int move_fn(struct db *db, void *arg, struct err *e)
{
    struct move *m = arg;
    return counters_move(db, m->old, m->now, e);
}

static void move(struct store *s, const struct counter_facts *old, const struct counter_facts *now)
{
    struct err e = {0};
    struct move m = {old, now};
    if (store_write(s, move_fn, &m, &e) != ERR_OK)
        fail_msg("counters_move: %s", e.msg);
}

static int64_t month_value(struct store *s, const char *place, const char *period,
                           const char *metric)
{
    return qint(s,
                "SELECT coalesce(sum(value), 0) FROM counters_month WHERE place_code = '%s' AND "
                "period = '%s' AND metric = '%s'",
                place, period, metric);
}

static int64_t day_value(struct store *s, const char *place, const char *period, const char *metric)
{
    return qint(s,
                "SELECT coalesce(sum(value), 0) FROM counters_day WHERE place_code = '%s' AND "
                "period = '%s' AND metric = '%s'",
                place, period, metric);
}

/* 2026-11-30T16:30:00Z is 2026-12-01 00:30 in Shanghai */
#define T_DEC1 1796056200
#define T_NOV30 (T_DEC1 - 86400)

static void case_facts(struct counter_facts *f, const char *place, int64_t at, const char *status)
{
    counter_facts_init(f, place, at);
    counter_fact_add(f, 1, 1, "case.received");
    counter_fact_add(f, 1, 0, "case.status.%s", status);
}

static void test_periods_shanghai(void **state)
{
    (void)state;
    char m[8], d[11];
    counter_month(T_DEC1, m);
    counter_day(T_DEC1, d);
    assert_string_equal(m, "2026-12");
    assert_string_equal(d, "2026-12-01");
    counter_month(T_DEC1 - 1801, m); /* 2026-11-30 23:59:59 in Shanghai */
    counter_day(T_DEC1 - 1801, d);
    assert_string_equal(m, "2026-11");
    assert_string_equal(d, "2026-11-30");
}

static void test_rollup(void **state)
{
    struct fixture *f = *state;
    struct counter_facts a;
    case_facts(&a, "330604002007001", T_DEC1, "submitted");
    move(f->s, NULL, &a);
    move(f->s, NULL, &a);
    const char *up[] = {"330604", "330604002", "330604002007", "330604002007001"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(month_value(f->s, up[i], "2026-12", "case.received"), 2);
        assert_int_equal(month_value(f->s, up[i], "2026-12", "case.status.submitted"), 2);
        assert_int_equal(day_value(f->s, up[i], "2026-12-01", "case.received"), 2);
    }
    char *first_day = qtext(f->s, "SELECT min(period) FROM counters_day");
    assert_string_equal(first_day, "2026-12-01");
    free(first_day);
    /* monthly-only facts have no day rows; a micro-grid's parent grid is not confused with it */
    assert_int_equal(day_value(f->s, "330604", "2026-12-01", "case.status.submitted"), 0);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM counters_month WHERE length(place_code) = "
                                "17"),
                     0);
}

static void test_change_takes_back(void **state)
{
    struct fixture *f = *state;
    struct counter_facts a, b;
    case_facts(&a, "330604002007001", T_DEC1, "submitted");
    case_facts(&b, "330604002007001", T_DEC1, "accepted");
    move(f->s, NULL, &a);
    move(f->s, &a, &b);
    assert_int_equal(month_value(f->s, "330604", "2026-12", "case.received"), 1);
    assert_int_equal(month_value(f->s, "330604", "2026-12", "case.status.submitted"), 0);
    assert_int_equal(month_value(f->s, "330604", "2026-12", "case.status.accepted"), 1);
    /* the unchanged fact was not written: one statement per table, received untouched */
    assert_int_equal(day_value(f->s, "330604", "2026-12-01", "case.received"), 1);
}

static void test_move_between_places_and_months(void **state)
{
    struct fixture *f = *state;
    struct counter_facts a, b;
    case_facts(&a, "330604002007001", T_NOV30, "submitted");
    case_facts(&b, "330604002007002", T_DEC1, "submitted");
    move(f->s, NULL, &a);
    move(f->s, &a, &b);
    assert_int_equal(month_value(f->s, "330604002007001", "2026-11", "case.received"), 0);
    assert_int_equal(month_value(f->s, "330604002007002", "2026-12", "case.received"), 1);
    assert_int_equal(month_value(f->s, "330604002007", "2026-11", "case.received"), 0);
    assert_int_equal(month_value(f->s, "330604002007", "2026-12", "case.received"), 1);
    assert_int_equal(day_value(f->s, "330604", "2026-11-30", "case.received"), 0);
    assert_int_equal(day_value(f->s, "330604", "2026-12-01", "case.received"), 1);
    /* an archived record (no place) only takes back */
    struct counter_facts gone;
    counter_facts_init(&gone, NULL, 0);
    move(f->s, &b, &gone);
    assert_int_equal(month_value(f->s, "330604", "2026-12", "case.received"), 0);
}

/* ---- running totals (020) ---- */

struct stock_q {
    const char *place, *metric, *month;
    int64_t v;
};

static int stock_fn(struct db *db, void *arg, struct err *e)
{
    struct stock_q *q = arg;
    struct arena a;
    arena_init(&a, 0);
    int rc = counters_stock(db, &a, q->place, q->metric, q->month, &q->v, e);
    arena_free(&a);
    return rc;
}

static int64_t stock(struct store *s, const char *place, const char *metric, const char *month)
{
    struct err e = {0};
    struct stock_q q = {place, metric, month, 0};
    if (store_write(s, stock_fn, &q, &e) != ERR_OK)
        fail_msg("counters_stock: %s", e.msg);
    return q.v;
}

struct sync_q {
    int write;
    int64_t n;
};

static int sync_fn(struct db *db, void *arg, struct err *e)
{
    struct sync_q *q = arg;
    return counters_totals_sync(db, q->write, &q->n, e);
}

static int64_t totals_sync(struct store *s, int write)
{
    struct err e = {0};
    struct sync_q q = {write, 0};
    if (store_write(s, sync_fn, &q, &e) != ERR_OK)
        fail_msg("counters_totals_sync: %s", e.msg);
    return q.n;
}

/* Records in three months: the running total is every month's sum at every level, a stock at
 * the end of a month is the total less the months after it (not the month rows summed), moves
 * and take-backs keep it, and the rebuild's one statement finds and mends a wrong total. */
static void test_running_totals(void **state)
{
    struct fixture *f = *state;
    struct counter_facts a, b, c, c2;
    case_facts(&a, "330604002007001", T_NOV30 - 31 * 86400, "submitted"); /* 2026-10 */
    case_facts(&b, "330604002007001", T_NOV30, "submitted");              /* 2026-11 */
    case_facts(&c, "330604002007002", T_DEC1, "submitted");               /* 2026-12 */
    move(f->s, NULL, &a);
    move(f->s, NULL, &b);
    move(f->s, NULL, &c);
    assert_int_equal(qint(f->s, "SELECT value FROM counters_total WHERE metric = 'case.received' "
                                "AND depth = 15 AND place_code = '330604002007001'"),
                     2);
    assert_int_equal(qint(f->s, "SELECT value FROM counters_total WHERE metric = 'case.received' "
                                "AND depth = 6 AND place_code = '330604'"),
                     3);
    assert_int_equal(stock(f->s, "330604002007001", "case.received", "2026-09"), 0);
    assert_int_equal(stock(f->s, "330604002007001", "case.received", "2026-10"), 1);
    assert_int_equal(stock(f->s, "330604002007001", "case.received", "2026-11"), 2);
    assert_int_equal(stock(f->s, "330604002007001", "case.received", "2026-12"), 2);
    assert_int_equal(stock(f->s, "330604002007", "case.received", "2026-11"), 2);
    assert_int_equal(stock(f->s, "330604002007", "case.received", "2026-12"), 3);
    assert_int_equal(stock(f->s, "330604", "case.received", "2027-05"), 3);
    /* a status change: the old status taken back from the total, the new one added */
    c2 = c;
    c2.n = 0;
    counter_fact_add(&c2, 1, 1, "case.received");
    counter_fact_add(&c2, 1, 0, "case.status.closed");
    move(f->s, &c, &c2);
    assert_int_equal(stock(f->s, "330604002007", "case.status.submitted", "2026-12"), 2);
    assert_int_equal(stock(f->s, "330604002007", "case.status.closed", "2026-12"), 1);
    assert_int_equal(stock(f->s, "330604002007", "case.status.closed", "2026-11"), 0);
    /* moved to another grid and month: the totals follow */
    case_facts(&c, "330604002007001", T_NOV30, "submitted");
    move(f->s, &c2, &c);
    assert_int_equal(stock(f->s, "330604002007002", "case.received", "2026-12"), 0);
    assert_int_equal(stock(f->s, "330604002007001", "case.received", "2026-11"), 3);
    assert_int_equal(stock(f->s, "330604002007001", "case.received", "2026-10"), 1);
    assert_int_equal(totals_sync(f->s, 0), 0);
    /* a wrong total, a missing one and one without months: found, then mended */
    sql(f->s, "UPDATE counters_total SET value = value + 5 WHERE metric = 'case.received' AND "
              "place_code = '330604'");
    sql(f->s, "DELETE FROM counters_total WHERE metric = 'case.status.submitted' AND "
              "place_code = '330604002007'");
    sql(f->s, "INSERT INTO counters_total (metric, depth, place_code, value) VALUES "
              "('case.received', 15, '330604002007009', 4)");
    assert_int_equal(totals_sync(f->s, 0), 3);
    assert_int_equal(totals_sync(f->s, 1), 3);
    assert_int_equal(totals_sync(f->s, 0), 0);
    assert_int_equal(stock(f->s, "330604", "case.received", "2026-12"), 3);
    assert_int_equal(stock(f->s, "330604002007", "case.status.submitted", "2026-12"), 3);
    assert_int_equal(stock(f->s, "330604002007009", "case.received", "2026-12"), 0);
}

struct cmp {
    struct counter_acc *acc;
    const char *from;
    int replace;
    int64_t ndiff;
};

static int cmp_fn(struct db *db, void *arg, struct err *e)
{
    struct cmp *c = arg;
    struct arena a;
    arena_init(&a, 0);
    static const char *const prefixes[] = {"case.", NULL};
    int rc = c->replace ? counters_replace(db, &a, c->acc, prefixes, c->from, &c->ndiff, e)
                        : counters_compare(db, &a, c->acc, prefixes, c->from, &c->ndiff, e);
    arena_free(&a);
    return rc;
}

static int64_t compare(struct store *s, struct counter_acc *acc, const char *from, int replace)
{
    struct err e = {0};
    struct cmp c = {acc, from, replace, 0};
    if (store_write(s, cmp_fn, &c, &e) != ERR_OK)
        fail_msg("compare: %s", e.msg);
    return c.ndiff;
}

static void test_recompute_compare_replace(void **state)
{
    struct fixture *f = *state;
    struct counter_facts a, b, c;
    case_facts(&a, "330604002007001", T_NOV30, "closed");
    case_facts(&b, "330604002007002", T_DEC1, "submitted");
    case_facts(&c, "330604007001", T_DEC1, "submitted");
    move(f->s, NULL, &a);
    move(f->s, NULL, &b);
    move(f->s, NULL, &c);
    struct counter_acc *acc = counter_acc_new();
    assert_int_equal(counter_acc_add(acc, &a, 1), 0);
    assert_int_equal(counter_acc_add(acc, &b, 1), 0);
    /* c is missing: its 6 month and 3 day rows, 330604 among them */
    assert_int_equal(compare(f->s, acc, NULL, 0), 9);
    assert_int_equal(counter_acc_add(acc, &c, 1), 0);
    assert_int_equal(compare(f->s, acc, NULL, 0), 0);
    /* a kept value off by one is found; replacing from December leaves November alone */
    sql(f->s, "UPDATE counters_month SET value = 5 WHERE place_code = '330604' AND period = "
              "'2026-12' AND metric = 'case.received'");
    sql(f->s, "UPDATE counters_month SET value = 7 WHERE place_code = '330604' AND period = "
              "'2026-11' AND metric = 'case.received'");
    assert_int_equal(compare(f->s, acc, NULL, 0), 2);
    assert_int_equal(compare(f->s, acc, "2026-12", 0), 1);
    compare(f->s, acc, "2026-12", 1);
    assert_int_equal(compare(f->s, acc, "2026-12", 0), 0);
    assert_int_equal(month_value(f->s, "330604", "2026-11", "case.received"), 7);
    compare(f->s, acc, NULL, 1);
    assert_int_equal(compare(f->s, acc, NULL, 0), 0);
    /* weights: a group of records with the same facts */
    struct counter_acc *acc3 = counter_acc_new();
    assert_int_equal(counter_acc_add(acc3, &a, 3), 0);
    sql(f->s, "DELETE FROM counters_month");
    sql(f->s, "DELETE FROM counters_day");
    move(f->s, NULL, &a);
    move(f->s, NULL, &a);
    move(f->s, NULL, &a);
    assert_int_equal(compare(f->s, acc3, NULL, 0), 0);
    counter_acc_free(acc);
    counter_acc_free(acc3);
}

/* The totals against the month rows as a compare or replace left them, from the recomputed
 * sums (counters_totals_after), in one transaction: the same counts as reading the months. */
struct after_q {
    struct counter_acc *acc;
    int replace;
    int64_t nmonths, ntotals;
};

static int after_fn(struct db *db, void *arg, struct err *e)
{
    struct after_q *q = arg;
    struct arena a;
    arena_init(&a, 0);
    static const char *const prefixes[] = {"case.", NULL};
    int rc = q->replace ? counters_replace(db, &a, q->acc, prefixes, NULL, &q->nmonths, e)
                        : counters_compare(db, &a, q->acc, prefixes, NULL, &q->nmonths, e);
    if (rc == ERR_OK)
        rc = counters_totals_after(db, q->acc, q->replace, &q->ntotals, e);
    arena_free(&a);
    return rc;
}

static void test_totals_after(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct counter_facts a, b;
    case_facts(&a, "330604002007001", T_NOV30, "closed");
    case_facts(&b, "330604002007002", T_DEC1, "submitted");
    move(f->s, NULL, &a);
    move(f->s, NULL, &b);
    struct counter_acc *acc = counter_acc_new();
    assert_int_equal(counter_acc_add(acc, &a, 1), 0);
    assert_int_equal(counter_acc_add(acc, &b, 1), 0);
    struct after_q q = {acc, 0, -1, -1};
    assert_int_equal(store_write(f->s, after_fn, &q, &e), ERR_OK);
    assert_int_equal(q.nmonths, 0);
    assert_int_equal(q.ntotals, 0);
    /* a wrong total, a missing one, one of no month, a month row no record makes (its total
     * agrees with the kept months until the replace takes the month away), and a total of a
     * metric outside the prefixes (left alone) */
    sql(f->s, "UPDATE counters_total SET value = value + 5 WHERE metric = 'case.received' AND "
              "place_code = '330604'");
    sql(f->s, "DELETE FROM counters_total WHERE metric = 'case.status.closed' AND place_code = "
              "'330604002007'");
    sql(f->s, "INSERT INTO counters_total (metric, depth, place_code, value) VALUES "
              "('case.received', 15, '330604002007009', 4), ('reg.other', 6, '330604', 9)");
    sql(f->s, "INSERT INTO counters_month (place_code, period, metric, value) VALUES "
              "('330604002007008', '2026-11', 'case.received', 2)");
    sql(f->s, "INSERT INTO counters_total (metric, depth, place_code, value) VALUES "
              "('case.received', 15, '330604002007008', 2)");
    assert_int_equal(store_write(f->s, after_fn, &q, &e), ERR_OK);
    assert_int_equal(q.nmonths, 1);
    assert_int_equal(q.ntotals, 3);
    assert_int_equal(totals_sync(f->s, 0), 4); /* reading the months: reg.other's too */
    q.replace = 1;
    assert_int_equal(store_write(f->s, after_fn, &q, &e), ERR_OK);
    assert_int_equal(q.nmonths, 1);
    assert_int_equal(q.ntotals, 4); /* and 330604002007008's, its month gone */
    assert_int_equal(totals_sync(f->s, 0), 1);
    assert_int_equal(qint(f->s, "SELECT value FROM counters_total WHERE metric = 'reg.other'"), 9);
    q.replace = 0;
    assert_int_equal(store_write(f->s, after_fn, &q, &e), ERR_OK);
    assert_int_equal(q.nmonths, 0);
    assert_int_equal(q.ntotals, 0);
    counter_acc_free(acc);
}

/* Every month row written into empty tables: the secondary index is dropped and made again,
 * and the rows are the same as written one by one. */
static void test_replace_into_empty(void **state)
{
    struct fixture *f = *state;
    struct counter_facts a, b;
    case_facts(&a, "330604002007001", T_NOV30, "closed");
    case_facts(&b, "330604002007002", T_DEC1, "submitted");
    move(f->s, NULL, &a);
    move(f->s, NULL, &b);
    struct counter_acc *acc = counter_acc_new();
    assert_int_equal(counter_acc_add(acc, &a, 1), 0);
    assert_int_equal(counter_acc_add(acc, &b, 1), 0);
    int64_t months = qint(f->s, "SELECT count(*) FROM counters_month");
    sql(f->s, "DELETE FROM counters_month");
    sql(f->s, "DELETE FROM counters_day");
    assert_int_equal(compare(f->s, acc, NULL, 1), months + 8); /* and 4 levels x 2 days */
    assert_int_equal(compare(f->s, acc, NULL, 0), 0);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM counters_month"), months);
    const char *idx = strcmp(store_backend(f->s), "postgres") == 0
                          ? "SELECT count(*) FROM pg_indexes WHERE indexname = "
                            "'counters_month_metric'"
                          : "SELECT count(*) FROM sqlite_master WHERE name = "
                            "'counters_month_metric'";
    assert_int_equal(qint(f->s, "%s", idx), 1);
    assert_int_equal(month_value(f->s, "330604", "2026-12", "case.received"), 1);
    counter_acc_free(acc);
}

/* ---- a place's children, month by month (counters_each_child, stats.c) ---- */

struct child_sums {
    int64_t a, b, other;
};

static int child_sum_row(const struct dbrow *row, void *ctx, struct err *e)
{
    (void)e;
    struct child_sums *c = ctx;
    const char *code = dbrow_text(row, 0, NULL);
    int64_t v = dbrow_int(row, 2);
    if (strcmp(code, "330604002007001") == 0)
        c->a += v;
    else if (strcmp(code, "330604002007002") == 0)
        c->b += v;
    else
        c->other += v;
    return ERR_OK;
}

static struct child_sums children(struct store *s, const char *lo, const char *hi, const char *from,
                                  const char *to)
{
    struct child_sums c = {0};
    struct err e = {0};
    struct arena a;
    arena_init(&a, 0);
    struct db *db = store_acquire(s);
    if (counters_each_child(db, &a, "330604002007", lo, hi, from, to, child_sum_row, &c, &e) !=
        ERR_OK)
        fail_msg("counters_each_child: %s", e.msg);
    store_release(s, db);
    arena_free(&a);
    return c;
}

static void test_each_child(void **state)
{
    struct fixture *f = *state;
    char m[8];
    counter_month_after("2026-12", m);
    assert_string_equal(m, "2027-01");
    counter_month_after("2026-01", m);
    assert_string_equal(m, "2026-02");
    sql(f->s, "INSERT INTO places (code, parent_code, level, kind, name, county, created_at, "
              "updated_at) VALUES ('330604', NULL, 'district', 'district', 'd', '330604', 0, 0), "
              "('330604002', '330604', 'town', 'street', 't', '330604', 0, 0), ('330604002007', "
              "'330604002', 'community', 'community', 'c', '330604', 0, 0), ('330604002007001', "
              "'330604002007', 'grid', 'grid', 'g1', '330604', 0, 0), ('330604002007002', "
              "'330604002007', 'grid', 'grid', 'g2', '330604', 0, 0)");
    /* grid 1: two cases in November 2026, one in December; grid 2: one in December 2024 */
    struct counter_facts a, b, c;
    case_facts(&a, "330604002007001", T_NOV30, "closed");
    case_facts(&b, "330604002007001", T_DEC1, "submitted");
    case_facts(&c, "330604002007002", T_DEC1 - 700 * 86400, "submitted");
    move(f->s, NULL, &a);
    move(f->s, NULL, &a);
    move(f->s, NULL, &b);
    move(f->s, NULL, &c);
    /* every month (listed from the parent's first to its last), then spans */
    struct child_sums all = children(f->s, "case.received", "case.receivee", NULL, NULL);
    assert_int_equal(all.a, 3);
    assert_int_equal(all.b, 1);
    assert_int_equal(all.other, 0);
    struct child_sums st = children(f->s, "case.status.", "case.status/", NULL, NULL);
    assert_int_equal(st.a, 3);
    assert_int_equal(st.b, 1);
    struct child_sums nov = children(f->s, "case.", "case/", "2026-11", "2026-12");
    assert_int_equal(nov.a, 4); /* received and closed, twice */
    assert_int_equal(nov.b, 0);
    struct child_sums y24 = children(f->s, "case.received", "case.receivee", "2024-01", "2025-01");
    assert_int_equal(y24.a, 0);
    assert_int_equal(y24.b, 1);
    /* longer than 240 months: read as a range, same sums */
    struct child_sums wide = children(f->s, "case.received", "case.receivee", "2000-01", "2099-01");
    assert_int_equal(wide.a, 3);
    assert_int_equal(wide.b, 1);
    /* before and after everything, and an empty span */
    struct child_sums none = children(f->s, "case.", "case/", "2030-01", "2031-01");
    assert_int_equal(none.a + none.b + none.other, 0);
    none = children(f->s, "case.", "case/", "2001-01", "2002-01");
    assert_int_equal(none.a + none.b + none.other, 0);
    none = children(f->s, "case.", "case/", "2026-12", "2026-12");
    assert_int_equal(none.a + none.b + none.other, 0);
}

/* ---- a group commit's rows merged (counters_batch_install) ---- */

struct job_arg {
    const struct counter_facts *f;
    int fail;
};

static int move_or_fail_fn(struct db *db, void *arg, struct err *e)
{
    struct job_arg *j = arg;
    int rc = counters_move(db, NULL, j->f, e);
    if (rc == ERR_OK && j->fail)
        rc = err_set(e, ERR_INVALID, NULL, "t: rolled back");
    return rc;
}

struct mover {
    struct store *s;
    pthread_barrier_t *go;
    int id, failed;
};

static void *mover_main(void *arg)
{
    struct mover *m = arg;
    struct counter_facts f;
    case_facts(&f, m->id % 2 ? "330604002007001" : "330604007001", T_DEC1, "submitted");
    pthread_barrier_wait(m->go);
    for (int i = 0; i < 25; i++) {
        struct err e = {0};
        struct job_arg j = {&f, i % 5 == 4};
        if (store_write(m->s, move_or_fail_fn, &j, &e) != (j.fail ? ERR_INVALID : ERR_OK))
            m->failed++;
    }
    return NULL;
}

struct move_cmp {
    const struct counter_facts *f;
    struct counter_acc *acc;
    int64_t ndiff;
};

static int move_cmp_fn(struct db *db, void *arg, struct err *e)
{
    struct move_cmp *m = arg;
    struct arena a;
    arena_init(&a, 0);
    static const char *const prefixes[] = {"case.", NULL};
    int rc = counters_move(db, NULL, m->f, e);
    if (rc == ERR_OK)
        rc = counters_compare(db, &a, m->acc, prefixes, NULL, &m->ndiff, e);
    arena_free(&a);
    return rc;
}

/* Jobs of eight threads meet in group commits; every fifth is rolled back after its move: the
 * kept counters are those of the others, equal to the recomputed ones. A compare in a batch
 * writes the earlier jobs' rows first. */
static void test_batch_merged(void **state)
{
    struct fixture *f = *state;
    counters_batch_install();
    enum { N = 8 };
    pthread_t t[N];
    struct mover m[N];
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, N);
    for (int i = 0; i < N; i++) {
        m[i] = (struct mover){f->s, &go, i, 0};
        pthread_create(&t[i], NULL, mover_main, &m[i]);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(m[i].failed, 0);
    }
    pthread_barrier_destroy(&go);
    assert_int_equal(month_value(f->s, "330604", "2026-12", "case.received"), N * 20);
    assert_int_equal(month_value(f->s, "330604002007001", "2026-12", "case.status.submitted"),
                     N / 2 * 20);
    assert_int_equal(month_value(f->s, "330604007", "2026-12", "case.received"), N / 2 * 20);
    assert_int_equal(day_value(f->s, "330604", "2026-12-01", "case.received"), N * 20);
    struct counter_acc *acc = counter_acc_new();
    struct counter_facts a, b;
    case_facts(&a, "330604002007001", T_DEC1, "submitted");
    case_facts(&b, "330604007001", T_DEC1, "submitted");
    assert_int_equal(counter_acc_add(acc, &a, N / 2 * 20), 0);
    assert_int_equal(counter_acc_add(acc, &b, N / 2 * 20), 0);
    assert_int_equal(compare(f->s, acc, NULL, 0), 0);
    /* a case and a compare in one job: the compare sees the case's 8 month and 4 day rows */
    struct move_cmp mc = {&a, acc, 0};
    struct err e = {0};
    assert_int_equal(store_write(f->s, move_cmp_fn, &mc, &e), ERR_OK);
    assert_int_equal(mc.ndiff, 12);
    assert_int_equal(month_value(f->s, "330604", "2026-12", "case.received"), N * 20 + 1);
    counter_acc_free(acc);
}

/* ---- the accumulator against counters_move on many random records ---- */

static uint64_t rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

#define NREC 1500

/* Records at grids, micro-grids, communities and a code that is no place; instants over two
 * years and across Shanghai midnights and a leap day; metrics daily or not; weights. */
static void random_facts(struct counter_facts *f, int64_t *weight)
{
    static const char *const places[] = {"330604002007001", "330604002007002", "33060400200700101",
                                         "330604007001",    "330604007001003", "330604101201",
                                         "330604101201002", "330604",          "not-a-place",
                                         "330604002",       "330604112203001"};
    static const char *const status[] = {"submitted", "accepted", "closed", "rejected"};
    int64_t at = T_DEC1 - (int64_t)rnd(730) * 86400 - 28800 + rnd(3) * 3600 * 10;
    if (rnd(10) == 0)
        at = 1835366400 + rnd(4) * 43200 - 28800; /* 2028-02-29 in Shanghai, and after */
    counter_facts_init(f, places[rnd(sizeof(places) / sizeof(places[0]))], at);
    counter_fact_add(f, 1, 1, "case.received");
    counter_fact_add(f, 1, 0, "case.status.%s", status[rnd(4)]);
    counter_fact_add(f, 1, 0, "case.category.c%u", rnd(30));
    if (rnd(2))
        counter_fact_add(f, (int64_t)rnd(5) + 1, 0, "case.rating_sum");
    if (rnd(3) == 0)
        counter_fact_add(f, 2, 1, "case.daily%u", rnd(3));
    *weight = rnd(4) == 0 ? 2 : 1;
}

struct many {
    struct counter_facts f[NREC];
    int64_t w[NREC];
};

static int keep_many(struct db *db, void *arg, struct err *e)
{
    struct many *m = arg;
    for (int i = 0; i < NREC; i++)
        for (int64_t k = 0; k < m->w[i]; k++)
            if (counters_move(db, NULL, &m->f[i], e) != ERR_OK)
                return e->code;
    return ERR_OK;
}

static void test_acc_many_records(void **state)
{
    struct fixture *f = *state;
    struct many *m = calloc(1, sizeof(*m));
    struct err e = {0};
    for (int i = 0; i < NREC; i++)
        random_facts(&m->f[i], &m->w[i]);
    if (store_write(f->s, keep_many, m, &e) != ERR_OK)
        fail_msg("keep: %s", e.msg);
    int64_t rows = qint(f->s, "SELECT (SELECT count(*) FROM counters_month) + (SELECT count(*) "
                              "FROM counters_day)");
    assert_true(rows > 3000);
    /* a cache of 8 sums evicts nearly every addition; the default one almost none; the
     * template path gives the same as the plain one */
    int bits[] = {3, 18};
    for (int b = 0; b < 2; b++) {
        struct counter_acc *acc = counter_acc_new_sized(bits[b]);
        for (int i = 0; i < NREC; i++) {
            if (i % 2) {
                assert_int_equal(counter_acc_add(acc, &m->f[i], m->w[i]), 0);
                continue;
            }
            struct counter_tmpl t;
            int32_t place = counter_acc_place(acc, m->f[i].place, strlen(m->f[i].place));
            assert_int_equal(counter_acc_tmpl(acc, &m->f[i], &t), 0);
            assert_int_equal(counter_acc_add_tmpl(acc, &t, place, m->f[i].at, m->w[i]), 0);
        }
        assert_int_equal(compare(f->s, acc, NULL, 0), 0);
        assert_int_equal(compare(f->s, acc, "2026-01", 0), 0);
        counter_acc_free(acc);
    }
    /* without one record: its rows differ, and replacing puts them right */
    struct counter_acc *acc = counter_acc_new_sized(4);
    for (int i = 1; i < NREC; i++)
        assert_int_equal(counter_acc_add(acc, &m->f[i], m->w[i]), 0);
    int64_t n = compare(f->s, acc, NULL, 0);
    assert_true(m->f[0].place[0] == 'n' ? n == 0 : n > 0);
    sql(f->s, "INSERT INTO counters_month VALUES ('330604', '2020-01', 'case.stale', 4)");
    sql(f->s, "INSERT INTO counters_month VALUES ('330604', '2020-01', 'other.kept', 4)");
    assert_int_equal(compare(f->s, acc, NULL, 0), n + 1);
    assert_int_equal(compare(f->s, acc, NULL, 1), n + 1);
    assert_int_equal(compare(f->s, acc, NULL, 0), 0);
    /* metrics outside the prefixes are left alone */
    assert_int_equal(month_value(f->s, "330604", "2020-01", "other.kept"), 4);
    assert_int_equal(month_value(f->s, "330604", "2020-01", "case.stale"), 0);
    counter_acc_free(acc);
    free(m);
}

static void test_acc_out_of_range(void **state)
{
    (void)state;
    struct counter_acc *acc = counter_acc_new();
    struct counter_facts f;
    counter_facts_init(&f, "330604002007001", -86400 * 2); /* 1969 */
    counter_fact_add(&f, 1, 1, "case.received");
    assert_int_equal(counter_acc_add(acc, &f, 1), -1);
    counter_facts_init(&f, "x1", T_DEC1); /* not a place: counted nowhere */
    counter_fact_add(&f, 1, 1, "case.received");
    assert_int_equal(counter_acc_add(acc, &f, 1), 0);
    assert_int_equal(counter_acc_place(acc, "33060400200700", 14), -1);
    assert_true(counter_acc_place(acc, "330604002007", 12) >= 0);
    counter_acc_free(acc);
}

int main(void)
{
    const struct CMUnitTest sqlite_tests[] = {
        cmocka_unit_test(test_periods_shanghai),
        cmocka_unit_test_setup_teardown(test_rollup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_change_takes_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_between_places_and_months, setup, teardown),
        cmocka_unit_test_setup_teardown(test_running_totals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recompute_compare_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_totals_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_into_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_child, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acc_many_records, setup, teardown),
        cmocka_unit_test(test_acc_out_of_range),
        /* last: it installs the batch hooks for the rest of the process */
        cmocka_unit_test_setup_teardown(test_batch_merged, setup, teardown),
    };
    const struct CMUnitTest pg_tests[] = {
        cmocka_unit_test_setup_teardown(test_rollup, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_change_takes_back, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_move_between_places_and_months, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_running_totals, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_recompute_compare_replace, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_totals_after, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_replace_into_empty, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_each_child, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_acc_many_records, setup_pg, teardown),
    };
    int failed = cmocka_run_group_tests_name("counters/sqlite", sqlite_tests, NULL, NULL);
    pg_dsn = getenv("GRIDGOV_TEST_PG");
    if (pg_dsn == NULL) {
        print_message("counters/postgres: skipped (set GRIDGOV_TEST_PG to a PostgreSQL DSN)\n");
        return failed;
    }
    return failed + cmocka_run_group_tests_name("counters/postgres", pg_tests, NULL, NULL);
}
