/* test_index_warn.c - early warning (src/domain/index_warn.c, the due_soon cutoff of
 * case_query.c) and the grid-management standards (src/domain/standards.c): the rule of a fall
 * (5 points, rounded as the ranking shows it, never without both months), the last completed
 * month, the working-hours cutoff across evenings and weekends, the months a check may be made
 * for; on a demo database, the warning of 博文社区第二网格 raised once with its group-chat and
 * webhook rows and not again on a second run, and the standards' counters (dated by the month
 * checked) equal to what `index rebuild` recomputes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/util.h"
#include "domain/calendar.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/govindex.h"
#include "domain/index_warn.h"
#include "domain/notify.h"
#include "domain/pii.h"
#include "domain/secret.h"
#include "domain/standards.h"
#include "domain/webhook.h"
#include "testdb.h"

/* UTC seconds of a local (Asia/Shanghai) time */
static int64_t cst(int y, unsigned m, unsigned d, int h, int min)
{
    return days_from_civil(y, m, d) * 86400 + (int64_t)(h - 8) * 3600 + min * 60;
}

static void test_fell(void **state)
{
    (void)state;
    assert_true(govindex_fell(80.0, 85.0));
    assert_true(govindex_fell(51.9, 66.7));
    assert_false(govindex_fell(80.1, 85.0));  /* -4.9 */
    assert_true(govindex_fell(80.04, 85.0));  /* -4.96 shows as -5.0 */
    assert_false(govindex_fell(80.06, 85.0)); /* -4.94 shows as -4.9 */
    assert_false(govindex_fell(90.0, 80.0));  /* rose */
    assert_false(govindex_fell(0, -1));       /* no data last month */
    assert_false(govindex_fell(-1, 90));      /* no data this month */
}

static void test_last_month(void **state)
{
    char m[8];
    (void)state;
    index_warn_last_month(cst(2026, 12, 2, 11, 0), m);
    assert_string_equal(m, "2026-11");
    index_warn_last_month(cst(2027, 1, 1, 0, 30), m); /* 2026-12-31 16:30 UTC */
    assert_string_equal(m, "2026-12");
    index_warn_last_month(cst(2026, 12, 1, 7, 59), m);
    assert_string_equal(m, "2026-11");
}

static void test_last_periods(void **state)
{
    char p[3][8];
    (void)state;
    index_warn_last_periods(cst(2026, 12, 2, 11, 0), p);
    assert_string_equal(p[0], "2026-11");
    assert_string_equal(p[1], "2026-Q3");
    assert_string_equal(p[2], "2025");
    index_warn_last_periods(cst(2027, 1, 1, 0, 30), p); /* December just completed */
    assert_string_equal(p[0], "2026-12");
    assert_string_equal(p[1], "2026-Q4");
    assert_string_equal(p[2], "2026");
    index_warn_last_periods(cst(2026, 4, 1, 9, 0), p); /* March closes the first quarter */
    assert_string_equal(p[0], "2026-03");
    assert_string_equal(p[1], "2026-Q1");
    assert_string_equal(p[2], "2025");
    index_warn_last_periods(cst(2026, 2, 15, 9, 0), p); /* January: the quarter before */
    assert_string_equal(p[0], "2026-01");
    assert_string_equal(p[1], "2025-Q4");
    assert_string_equal(p[2], "2025");
}

static void test_due_cutoff(void **state)
{
    (void)state;
    /* Friday 10:00 + 8 working hours: 7 on Friday, 1 on Monday */
    assert_int_equal(case_due_cutoff(NULL, cst(2026, 11, 27, 10, 0), 8), cst(2026, 11, 30, 10, 0));
    /* Friday 16:00 + 1: Friday 17:00, and a deadline up to Monday 09:00 has no more working
     * time: a day deadline (24:00 Friday) counts as within the hour */
    int64_t c = case_due_cutoff(NULL, cst(2026, 11, 27, 16, 0), 1);
    assert_int_equal(c, cst(2026, 11, 30, 9, 0));
    assert_true(cst(2026, 11, 28, 0, 0) <= c);
    /* Saturday noon + 8: all of Monday, up to Tuesday 09:00 */
    assert_int_equal(case_due_cutoff(NULL, cst(2026, 11, 28, 12, 0), 8), cst(2026, 12, 1, 9, 0));
    /* the setting is kept within 1..720 */
    case_set_warn_due_hours(0);
    assert_int_equal(case_warn_due_hours(), 1);
    case_set_warn_due_hours(5000);
    assert_int_equal(case_warn_due_hours(), CASE_WARN_DUE_HOURS_MAX);
    case_set_warn_due_hours(8);
    assert_int_equal(case_warn_due_hours(), 8);
}

/* the setting warn_due_hours: 1-720, 8 by default; anything else names the key */
static void test_config_hours(void **state)
{
    struct config c;
    struct err e = {0};
    (void)state;
    config_defaults(&c);
    assert_int_equal(c.warn_due_hours, 8);
    assert_int_equal(config_set(&c, "warn_due_hours", "4", &e), ERR_OK);
    assert_int_equal(c.warn_due_hours, 4);
    assert_int_equal(config_set(&c, "warn_due_hours", "720", &e), ERR_OK);
    static const char *const bad[] = {"0", "721", "eight", "", "-3", "8h"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&e, 0, sizeof(e));
        assert_int_equal(config_set(&c, "warn_due_hours", bad[i], &e), ERR_INVALID);
        assert_string_equal(e.field, "warn_due_hours");
    }
    assert_int_equal(c.warn_due_hours, 720);
}

static void test_month_open(void **state)
{
    (void)state;
    int64_t now = cst(2026, 12, 2, 11, 0);
    assert_true(standards_month_open("2026-12", now));
    assert_true(standards_month_open("2026-01", now));
    assert_false(standards_month_open("2027-01", now));
    assert_false(standards_month_open("2026-12-01", now));
    assert_false(standards_month_open("", now));
}

/* ---- on a demo database ---- */

static char dir[64];
static struct store *store;

static struct store *open_db(void)
{
    struct err e = {0};
    char dsn[128];
    snprintf(dsn, sizeof(dsn), "sqlite:%s/t.db", dir);
    struct store_config cfg = {.dsn = dsn, .readers = 3};
    return store_open(&cfg, &e);
}

static int group_setup(void **state)
{
    struct err e = {0};
    FILE *null = fopen("/dev/null", "w");
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/gridgov-test-warn.XXXXXX");
    if (mkdtemp(dir) == NULL || null == NULL)
        return -1;
    store = open_db();
    int rc =
        store ? demo_populate(store, "admin-password-1", "users-password-1", null, &e) : ERR_STORE;
    fclose(null);
    if (rc != ERR_OK)
        fprintf(stderr, "demo: %s\n", e.msg);
    return rc == ERR_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    char cmd[128];
    (void)state;
    if (store)
        store_close(store);
    calendar_cache_free();
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int hooks_fn(struct db *db, void *arg, struct err *e)
{
    int64_t id;
    struct notify_channel ch = {.kind = WH_DINGTALK,
                                .name = "曹娥街道钉钉群",
                                .url = "https://oapi.dingtalk.com/robot/send?access_token=t",
                                .secret = "SEC0123456789abcdef",
                                .place = "330604002",
                                .events = 1u << NE_INDEX_WARNING};
    struct notify_channel other = ch;
    (void)arg;
    other.name = "崧厦街道钉钉群";
    other.place = "330604007";
    int rc = webhook_insert(db, "https://hooks.example.cn/gridgov", "0123456789abcdef0123",
                            time(NULL), &id, e);
    if (rc == ERR_OK)
        rc = notify_channel_insert(db, &ch, time(NULL), &id, e);
    return rc == ERR_OK ? notify_channel_insert(db, &other, time(NULL), &id, e) : rc;
}

static void test_raised_once(void **state)
{
    struct err e = {0};
    struct index_warn_report r;
    char period[8];
    (void)state;
    assert_int_equal(store_write(store, hooks_fn, NULL, &e), ERR_OK);
    index_warn_last_month(time(NULL), period);

    assert_int_equal(index_warn_run(store, period, time(NULL), "test", 1, &r, &e), ERR_OK);
    assert_int_equal(r.raised, 1);
    assert_true(r.checked > 9); /* every town, community and grid */
    assert_int_equal(json_array_size(r.items), 1);
    json_t *w = json_array_get(r.items, 0);
    assert_string_equal(json_string_value(json_object_get(w, "place")), "330604002007002");
    assert_string_equal(json_string_value(json_object_get(w, "event")), "index.warning");
    assert_string_equal(json_string_value(json_object_get(w, "level")), "grid");
    assert_true(json_real_value(json_object_get(w, "change")) <= -5.0);
    json_decref(r.items);
    /* one signed webhook row, one for 曹娥街道's group chat, none for 崧厦街道's */
    assert_int_equal(qint(store, "SELECT count(*) FROM outbox WHERE event = 'index.warning' AND "
                                 "case_id = 0"),
                     1);
    assert_int_equal(qint(store, "SELECT count(*) FROM outbox o JOIN webhooks w ON w.id = "
                                 "o.webhook_id WHERE o.event = 'index_warning' AND w.place_code = "
                                 "'330604002'"),
                     1);
    assert_int_equal(qint(store, "SELECT count(*) FROM outbox WHERE event = 'index_warning'"), 1);
    char *text = qtext(store, "SELECT payload FROM outbox WHERE event = 'index_warning'");
    assert_non_null(strstr(text, "博文社区第二网格"));
    assert_non_null(strstr(text, "较上月"));
    free(text);

    /* a second run (a restart, another instance) sends nothing again */
    assert_int_equal(index_warn_run(store, period, time(NULL), "test", 1, &r, &e), ERR_OK);
    assert_int_equal(r.raised, 0);
    assert_int_equal(json_array_size(r.items), 0);
    json_decref(r.items);
    assert_int_equal(qint(store, "SELECT count(*) FROM outbox WHERE event LIKE 'index%%'"), 2);
    assert_int_equal(qint(store, "SELECT count(*) FROM index_warnings"), 1);

    /* a month without data warns nobody; a bad month is refused */
    assert_int_equal(index_warn_run(store, "2020-01", time(NULL), "test", 0, &r, &e), ERR_OK);
    assert_int_equal(r.raised, 0);
    assert_int_equal(index_warn_run(store, "2020-13", time(NULL), "test", 0, &r, &e), ERR_INVALID);
    assert_int_equal(index_warn_run(store, "2020-Q5", time(NULL), "test", 0, &r, &e), ERR_INVALID);
    assert_int_equal(index_warn_run(store, "2020", time(NULL), "test", 0, &r, &e), ERR_OK);
}

static void test_standards_counted_by_month(void **state)
{
    struct err e = {0};
    struct arena a;
    char period[8];
    int64_t ndiff = -1;
    (void)state;
    index_warn_last_month(time(NULL), period);
    /* 博文社区第二网格 last month: 7 of 10 met, counted for that month though ticked today */
    assert_int_equal(qint(store,
                          "SELECT value FROM counters_month WHERE metric = 'reg.standard-checks' "
                          "AND place_code = '330604002007002' AND period = '%s'",
                          period),
                     10);
    assert_int_equal(qint(store,
                          "SELECT value FROM counters_month WHERE metric = "
                          "'reg.standard-checks.met.1' AND place_code = '330604002007002' AND "
                          "period = '%s'",
                          period),
                     7);
    /* the community: 26 of 30 */
    assert_int_equal(qint(store,
                          "SELECT value FROM counters_month WHERE metric = "
                          "'reg.standard-checks.met.1' AND place_code = '330604002007' AND "
                          "period = '%s'",
                          period),
                     26);
    arena_init(&a, 0);
    struct db *db = store_acquire(store);
    assert_int_equal(govindex_counters_rebuild(db, &a, NULL, 1, &ndiff, &e), ERR_OK);
    assert_int_equal(ndiff, 0);
    ndiff = -1;
    assert_int_equal(govindex_counters_rebuild(db, &a, period, 1, &ndiff, &e), ERR_OK);
    assert_int_equal(ndiff, 0);
    store_release(store, db);
    /* a check changed by hand behind the counters' back: the rebuild sees it */
    sql(store,
        "UPDATE standard_checks SET met = 1 - met WHERE grid_code = '330604002007002' AND "
        "month = '%s' AND standard_id = 3",
        period);
    db = store_acquire(store);
    assert_int_equal(govindex_counters_rebuild(db, &a, period, 1, &ndiff, &e), ERR_OK);
    assert_true(ndiff > 0);
    store_release(store, db);
    arena_free(&a);
}

int main(void)
{
    static const unsigned char key[32] = {7, 7, 7};
    if (crypto_init() != 0)
        return 1;
    secret_init_fixed(key);
    pii_init_fixed(key);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fell),         cmocka_unit_test(test_last_month),
        cmocka_unit_test(test_last_periods), cmocka_unit_test(test_due_cutoff),
        cmocka_unit_test(test_config_hours), cmocka_unit_test(test_month_open),
        cmocka_unit_test(test_raised_once),  cmocka_unit_test(test_standards_counted_by_month),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
