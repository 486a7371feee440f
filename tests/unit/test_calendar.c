/* test_calendar.c - the working-day calendar (src/domain/calendar.c): the 2026 Spring Festival
 * and National Day with their make-up Saturdays, deadlines in working days and hours, SLA and
 * date parsing, the State Council seed on a fresh SQLite store, and the snapshot cache. The
 * calendar under test is the one calendar_seed writes and calendar_load reads back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "domain/calendar.h"

static struct store *st;
static struct calendar cal;
static char db_path[96];

/* A local (UTC+8) wall-clock time as UTC seconds. */
static int64_t at(int ymd, int h, int m)
{
    return calendar_days_from_ymd(ymd) * 86400 + h * 3600 + m * 60 - 8 * 3600;
}

static struct sla sla_of(const char *s)
{
    struct sla v = {0};
    struct err e = {0};
    assert_int_equal(sla_parse(s, &v, "sla", &e), ERR_OK);
    return v;
}

static int seed_fn(struct db *db, void *arg, struct err *e)
{
    return calendar_seed(db, arg, e);
}

static void remove_db(void)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[128];
    for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", db_path, suffix[i]);
        unlink(p);
    }
}

static int group_setup(void **state)
{
    (void)state;
    char dsn[128];
    struct err e = {0};
    snprintf(db_path, sizeof(db_path), "/tmp/gridgov-test-calendar-%ld.db", (long)getpid());
    remove_db();
    snprintf(dsn, sizeof(dsn), "sqlite:%s", db_path);
    struct store_config cfg = {.dsn = dsn, .readers = 2};
    st = store_open(&cfg, &e);
    if (st == NULL) {
        fprintf(stderr, "store_open: %s\n", e.msg);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    calendar_free(&cal);
    calendar_cache_free();
    store_close(st);
    remove_db();
    return 0;
}

/* ---- seed (runs first: the other tests use the seeded calendar) ---- */

static void test_seed_fresh_store(void **state)
{
    (void)state;
    struct err e = {0};
    int added = -1;
    assert_int_equal(store_write(st, seed_fn, &added, &e), ERR_OK);
    assert_int_equal(added, 769);
    added = -1;
    assert_int_equal(store_write(st, seed_fn, &added, &e), ERR_OK);
    assert_int_equal(added, 0);

    struct db *db = store_acquire(st);
    assert_int_equal(calendar_load(db, &cal, &e), ERR_OK);
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    assert_int_equal(db_query(db, &a, &r, &e,
                              "SELECT COUNT(*) FROM calendar_days WHERE source = 'state-council'",
                              DB_NOARGS),
                     ERR_OK);
    assert_int_equal(dbrows_int(&r, 0, 0), 769);
    arena_free(&a);
    store_release(st, db);
    assert_int_equal(cal.ndays, 769);
    for (int i = 1; i < cal.ndays; i++)
        assert_true(cal.days[i - 1].ymd < cal.days[i].ymd);
    assert_int_equal(cal.days[0].ymd, 20040101);
    assert_int_equal(cal.days[0].kind, 'h');
}

/* ---- dates ---- */

static void test_civil_days(void **state)
{
    (void)state;
    assert_int_equal(calendar_days_from_ymd(19700101), 0);
    assert_int_equal(calendar_days_from_ymd(20000301), 11017);
    assert_int_equal(calendar_ymd_from_days(-1), 19691231);
    for (int64_t d = -800; d < 60000; d++)
        assert_int_equal(calendar_days_from_ymd(calendar_ymd_from_days(d)), d);
    /* the weekday rule alone: Fri, Sat, Sun, Mon */
    assert_true(calendar_is_workday(NULL, 20260213));
    assert_false(calendar_is_workday(NULL, 20260214));
    assert_false(calendar_is_workday(NULL, 20260215));
    assert_true(calendar_is_workday(NULL, 20260216));
}

static void test_date_parse(void **state)
{
    (void)state;
    struct err e = {0};
    int ymd = 0;
    assert_int_equal(calendar_date_parse("2026-02-14", &ymd, "day", &e), ERR_OK);
    assert_int_equal(ymd, 20260214);
    assert_int_equal(calendar_date_parse("2024-02-29", &ymd, "day", &e), ERR_OK);
    static const char *const bad[] = {"2026-02-29", "2026-13-01",  "2026-00-10", "2026-04-31",
                                      "2026-2-14",  "2026-02-14x", "20260214",   "",
                                      "1969-12-31", "2101-01-01",  "2026-02-1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&e, 0, sizeof(e));
        assert_int_equal(calendar_date_parse(bad[i], &ymd, "day", &e), ERR_INVALID);
        assert_string_equal(e.field, "day");
    }
    assert_int_equal(calendar_date_parse(NULL, &ymd, "day", &e), ERR_INVALID);
}

/* time_parse_iso (core/util.c) as the calendar's routes use it */
static void test_time_parse(void **state)
{
    (void)state;
    int64_t t = 0, want = at(20260213, 10, 0);
    static const char *const same[] = {
        "2026-02-13T10:00:00+08:00", "2026-02-13T02:00:00Z",         "2026-02-13T10:00",
        "2026-02-13T10:00:00",       "2026-02-13T10:00:00.250+0800", "2026-02-13 10:00:00 08:00",
        "2026-02-13T03:00:00+01",    "2026-02-12T21:00:00-05:00",    "2026-02-13t02:00:00z"};
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        t = 0;
        assert_int_equal(time_parse_iso(same[i], &t, NULL), 0);
        assert_int_equal(t, want);
    }
    int has_offset = 1;
    assert_int_equal(time_parse_iso("2026-02-13", &t, &has_offset), 0);
    assert_int_equal(has_offset, 0);
    assert_int_equal(t, at(20260213, 0, 0));
    static const char *const bad[] = {"2026-02-13T24:00",
                                      "2026-02-13T10",
                                      "2026-02-13T10:00:00+8",
                                      "2026-02-13T10:00:60",
                                      "2026-02-13T10:00:00.",
                                      "2026-02-13T10:00:00+08:00x",
                                      "yesterday",
                                      "2026-02-30T10:00:00Z",
                                      "2026-02-13T10:00:00+15",
                                      ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(time_parse_iso(bad[i], &t, NULL), -1);
    }
}

static void test_sla_parse(void **state)
{
    (void)state;
    struct err e = {0};
    struct sla v;
    v = sla_of("4h");
    assert_int_equal(v.amount, 4);
    assert_int_equal(v.unit, 'h');
    v = sla_of("3d");
    assert_int_equal(v.amount, 3);
    assert_int_equal(v.unit, 'd');
    assert_int_equal(sla_of("720h").amount, 720);
    assert_int_equal(sla_of("365d").amount, 365);
    assert_int_equal(sla_of("1h").amount, 1);
    static const char *const bad[] = {"0d", "3x",    "",    "999d", "721h", "366d", "4",
                                      "h",  "d",     "-1d", "+1d",  "4h ",  " 4h",  "04h",
                                      "4H", "1000h", "4hh", "0h",   "1.5h"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&e, 0, sizeof(e));
        assert_int_equal(sla_parse(bad[i], &v, "sla", &e), ERR_INVALID);
        assert_string_equal(e.field, "sla");
    }
    assert_int_equal(sla_parse(NULL, &v, "sla", &e), ERR_INVALID);
    /* calendar days (issue 13 item 2) */
    v = sla_of("15cd");
    assert_int_equal(v.amount, 15);
    assert_int_equal(v.unit, 'c');
    assert_int_equal(sla_of("365cd").amount, 365);
    static const char *const bad_cd[] = {"0cd", "366cd", "cd", "15c", "15dc", "15cdd", "15CD"};
    for (size_t i = 0; i < sizeof(bad_cd) / sizeof(bad_cd[0]); i++)
        assert_int_equal(sla_parse(bad_cd[i], &v, "sla", &e), ERR_INVALID);
}

/* How far ahead the calendar reaches (issue 13 item 3), and an imported year moving it. */
static void test_horizon(void **state)
{
    struct err e = {0};
    struct cal_horizon hz;
    int days = 0;
    (void)state;
    struct db *db = store_acquire(st);
    assert_int_equal(calendar_horizon(db, at(20261001, 10, 0), &hz, &e), ERR_OK);
    assert_string_equal(hz.covered_through, "2026-12-31");
    assert_int_equal(hz.days_left, 91);
    assert_true(hz.ok);
    assert_int_equal(calendar_horizon(db, at(20261101, 23, 0), &hz, &e), ERR_OK);
    assert_int_equal(hz.days_left, 60);
    assert_true(hz.ok);
    assert_int_equal(calendar_horizon(db, at(20261102, 0, 0), &hz, &e), ERR_OK);
    assert_int_equal(hz.days_left, 59);
    assert_false(hz.ok);
    store_release(st, db);
    /* a bad line imports nothing; a good file moves the horizon to its year's end */
    static const char bad[] = "date,kind,name\n2090-01-01,holiday,测试\n2090-02-30,holiday,坏\n";
    assert_int_equal(calendar_import(st, bad, sizeof(bad) - 1, "bad.csv", &days, &e), ERR_INVALID);
    assert_string_equal(e.field, "line");
    assert_non_null(strstr(e.msg, "bad.csv line 3"));
    db = store_acquire(st);
    assert_int_equal(calendar_horizon(db, at(20261102, 0, 0), &hz, &e), ERR_OK);
    assert_string_equal(hz.covered_through, "2026-12-31");
    store_release(st, db);
    static const char good[] = "2090-01-01,holiday,测试\r\n";
    assert_int_equal(calendar_import(st, good, sizeof(good) - 1, "good.csv", &days, &e), ERR_OK);
    assert_int_equal(days, 1);
    db = store_acquire(st);
    assert_int_equal(calendar_horizon(db, at(20261102, 0, 0), &hz, &e), ERR_OK);
    assert_string_equal(hz.covered_through, "2090-12-31");
    assert_true(hz.ok);
    store_release(st, db);
}

/* Calendar days ignore holidays; a day deadline's last day is the day before its instant. */
static void test_calendar_days(void **state)
{
    char day[16] = "";
    (void)state;
    /* 14 days from Wed 30 Sep run through National Day: due at the end of Wed 14 Oct */
    assert_int_equal(calendar_due(&cal, at(20260930, 16, 0), sla_of("14cd")), at(20261015, 0, 0));
    assert_int_equal(calendar_due(&cal, at(20261204, 23, 59), sla_of("1cd")), at(20261206, 0, 0));
    /* extending a calendar-day deadline by working days counts from its last day */
    assert_int_equal(calendar_extend(&cal, at(20261205, 0, 0), sla_of("1d")), at(20261208, 0, 0));
    assert_int_equal(calendar_due_date(at(20261208, 0, 0), day), 1);
    assert_string_equal(day, "2026-12-07");
    assert_int_equal(calendar_due_date(at(20260101, 0, 0), day), 1);
    assert_string_equal(day, "2025-12-31");
    assert_int_equal(calendar_due_date(at(20261204, 14, 0), day), 0);
    assert_string_equal(day, "2025-12-31"); /* untouched */
    assert_int_equal(calendar_due_date(0, day), 0);
}

/* ---- the 2026 calendar ---- */

static void test_spring_festival_2026(void **state)
{
    (void)state;
    for (int d = 20260215; d <= 20260223; d++)
        assert_false(calendar_is_workday(&cal, d));
    assert_true(calendar_is_workday(&cal, 20260214)); /* Saturday, make-up working day */
    assert_true(calendar_is_workday(&cal, 20260228)); /* Saturday, make-up working day */
    assert_true(calendar_is_workday(&cal, 20260213));
    assert_true(calendar_is_workday(&cal, 20260224));
    assert_false(calendar_is_workday(&cal, 20260301)); /* an ordinary Sunday */
    assert_false(calendar_is_workday(&cal, 20260307)); /* an ordinary Saturday */
}

static void test_national_day_2026(void **state)
{
    (void)state;
    for (int d = 20261001; d <= 20261007; d++)
        assert_false(calendar_is_workday(&cal, d));
    assert_true(calendar_is_workday(&cal, 20261008));
    assert_true(calendar_is_workday(&cal, 20261009));
    assert_true(calendar_is_workday(&cal, 20261010)); /* Saturday, make-up working day */
    assert_false(calendar_is_workday(&cal, 20261011));
    assert_true(calendar_is_workday(&cal, 20260920)); /* Sunday, make-up working day */
    assert_true(calendar_is_workday(&cal, 20260930));
}

static void test_due_days(void **state)
{
    (void)state;
    /* 1d from Fri 13 Feb: Sat 14 Feb is a make-up working day, due at its 24:00 */
    assert_int_equal(calendar_due(&cal, at(20260213, 10, 0), sla_of("1d")), at(20260215, 0, 0));
    /* 3d from Thu 12 Feb: 13, 14, then the holiday 15-23, then Tue 24 */
    assert_int_equal(calendar_due(&cal, at(20260212, 10, 0), sla_of("3d")), at(20260225, 0, 0));
    assert_int_equal(calendar_due(&cal, at(20260212, 23, 59), sla_of("3d")), at(20260225, 0, 0));
    /* the local date decides: 16:30 UTC on the 12th is 00:30 on the 13th in Shanghai */
    assert_int_equal(calendar_due(&cal, at(20260213, 0, 30), sla_of("1d")), at(20260215, 0, 0));
    assert_int_equal(calendar_due(&cal, at(20260212, 23, 59), sla_of("1d")), at(20260214, 0, 0));
    /* a start on a holiday counts from the next working day */
    assert_int_equal(calendar_due(&cal, at(20260217, 10, 0), sla_of("1d")), at(20260225, 0, 0));
    assert_int_equal(calendar_due(&cal, at(20260215, 8, 0), sla_of("2d")), at(20260226, 0, 0));
    /* an ordinary week: Fri -> Mon */
    assert_int_equal(calendar_due(&cal, at(20260306, 16, 0), sla_of("1d")), at(20260310, 0, 0));
    /* National Day: from Wed 30 Sep, Oct 1-7 are off, Thu 8, Fri 9, Sat 10 (make-up) */
    assert_int_equal(calendar_due(&cal, at(20260930, 9, 0), sla_of("1d")), at(20261009, 0, 0));
    assert_int_equal(calendar_due(&cal, at(20260930, 9, 0), sla_of("3d")), at(20261011, 0, 0));
    assert_int_equal(calendar_due(&cal, at(20260930, 9, 0), sla_of("4d")), at(20261013, 0, 0));
    /* 365 working days terminates and lands on a working day's end */
    int64_t due = calendar_due(&cal, at(20260101, 9, 0), sla_of("365d"));
    assert_true(calendar_is_workday(&cal, calendar_ymd_from_days((due + 8 * 3600) / 86400 - 1)));
}

/* The end of the nth working day strictly after the local date ymd, counted here one day at a
 * time on calendar_is_workday alone. */
static int64_t end_of_nth_workday_after(int ymd, int n)
{
    int64_t d = calendar_days_from_ymd(ymd);
    while (n > 0) {
        d++;
        if (calendar_is_workday(&cal, calendar_ymd_from_days(d)))
            n--;
    }
    return at(calendar_ymd_from_days(d + 1), 0, 0);
}

/* Issue 13 item 1: extending a day deadline (stored as the next day's 00:00) by N working days
 * ends N working days after its last day, whatever the weekday and around holidays. */
static void test_extend_days(void **state)
{
    (void)state;
    /* the reported case: 7 days on the end of Mon 7 Dec 2026 -> the end of Wed 16 Dec */
    assert_int_equal(calendar_extend(&cal, at(20261208, 0, 0), sla_of("7d")), at(20261217, 0, 0));
    /* end of Wed 7 Oct (last holiday) + 1d -> Thu 8 Oct; + 3d -> Sat 10 Oct (make-up) */
    assert_int_equal(calendar_extend(&cal, at(20261008, 0, 0), sla_of("1d")), at(20261009, 0, 0));
    assert_int_equal(calendar_extend(&cal, at(20261008, 0, 0), sla_of("3d")), at(20261011, 0, 0));
    /* end of Wed 30 Sep + 1d -> Thu 8 Oct, over the holiday */
    assert_int_equal(calendar_extend(&cal, at(20261001, 0, 0), sla_of("1d")), at(20261009, 0, 0));
    /* end of Fri 13 Feb + 1d -> Sat 14 Feb (make-up); end of Sat 14 Feb + 1d -> Tue 24 Feb */
    assert_int_equal(calendar_extend(&cal, at(20260214, 0, 0), sla_of("1d")), at(20260215, 0, 0));
    assert_int_equal(calendar_extend(&cal, at(20260215, 0, 0), sla_of("1d")), at(20260225, 0, 0));
    /* end of Fri 6 Mar + 1d -> Mon 9 Mar; end of Thu 5 Mar + 1d -> Fri 6 Mar */
    assert_int_equal(calendar_extend(&cal, at(20260307, 0, 0), sla_of("1d")), at(20260310, 0, 0));
    assert_int_equal(calendar_extend(&cal, at(20260306, 0, 0), sla_of("1d")), at(20260307, 0, 0));
    /* every last day of 2026 (every weekday, every holiday) x 1-12 days */
    for (int64_t d = calendar_days_from_ymd(20260101); d <= calendar_days_from_ymd(20261231); d++) {
        int ymd = calendar_ymd_from_days(d), next = calendar_ymd_from_days(d + 1);
        for (int n = 1; n <= 12; n++) {
            struct sla s = {.amount = n, .unit = 'd'};
            int64_t want = end_of_nth_workday_after(ymd, n);
            if (calendar_extend(&cal, at(next, 0, 0), s) != want)
                fail_msg("extend end of %d by %dd: got %lld, want %lld", ymd, n,
                         (long long)calendar_extend(&cal, at(next, 0, 0), s), (long long)want);
            /* a deadline inside a day (from an hours stage) counts from that day */
            assert_int_equal(calendar_extend(&cal, at(ymd, 13, 0), s), want);
        }
    }
    /* hours are added to the instant as they are */
    assert_int_equal(calendar_extend(&cal, at(20260310, 0, 0), sla_of("4h")), at(20260310, 13, 0));
}

static void test_due_hours(void **state)
{
    (void)state;
    /* 4h from 16:00 on a Friday: 1h on Friday, 3h from 09:00 on the next working day */
    assert_int_equal(calendar_due(&cal, at(20260306, 16, 0), sla_of("4h")), at(20260309, 12, 0));
    assert_int_equal(calendar_due(&cal, at(20260213, 16, 0), sla_of("4h")), at(20260214, 12, 0));
    assert_int_equal(calendar_due(&cal, at(20260227, 16, 0), sla_of("4h")), at(20260228, 12, 0));
    /* a start on a holiday, and on the Saturday before it (a make-up working day) */
    assert_int_equal(calendar_due(&cal, at(20260217, 10, 0), sla_of("4h")), at(20260224, 13, 0));
    assert_int_equal(calendar_due(&cal, at(20260214, 15, 0), sla_of("4h")), at(20260224, 11, 0));
    /* outside working hours: begins at the next working period */
    assert_int_equal(calendar_due(&cal, at(20260309, 7, 0), sla_of("2h")), at(20260309, 11, 0));
    assert_int_equal(calendar_due(&cal, at(20260309, 17, 30), sla_of("1h")), at(20260310, 10, 0));
    assert_int_equal(calendar_due(&cal, at(20260309, 23, 0), sla_of("1h")), at(20260310, 10, 0));
    /* exactly a day's hours ends at 17:00, not 09:00 the next day */
    assert_int_equal(calendar_due(&cal, at(20260309, 9, 0), sla_of("8h")), at(20260309, 17, 0));
    assert_int_equal(calendar_due(&cal, at(20260309, 17, 0), sla_of("8h")), at(20260310, 17, 0));
    /* seconds are kept */
    assert_int_equal(calendar_due(&cal, at(20260309, 10, 0) + 17, sla_of("1h")),
                     at(20260309, 11, 0) + 17);
    /* National Day: 2h left on Wed 30 Sep, then Thu 8 Oct */
    assert_int_equal(calendar_due(&cal, at(20260930, 15, 0), sla_of("4h")), at(20261008, 11, 0));
    /* 720h = 90 working days of 8 hours */
    assert_int_equal(
        calendar_working_seconds(&cal, at(20260105, 9, 0),
                                 calendar_due(&cal, at(20260105, 9, 0), sla_of("720h"))),
        720 * 3600);
}

static void test_working_seconds(void **state)
{
    (void)state;
    /* Fri 13 Feb 16:00 -> Tue 24 Feb 10:00: 1h + Sat 14 (8h) + 1h */
    assert_int_equal(calendar_working_seconds(&cal, at(20260213, 16, 0), at(20260224, 10, 0)),
                     10 * 3600);
    assert_int_equal(calendar_working_seconds(&cal, at(20260224, 10, 0), at(20260213, 16, 0)), 0);
    assert_int_equal(calendar_working_seconds(&cal, at(20260215, 0, 0), at(20260224, 0, 0)), 0);
    assert_int_equal(calendar_working_seconds(&cal, at(20260309, 12, 0), at(20260309, 12, 30)),
                     1800);
    assert_int_equal(calendar_working_seconds(&cal, at(20260309, 18, 0), at(20260310, 8, 0)), 0);
    /* due and working seconds agree for many starts and amounts */
    for (int64_t t = at(20260201, 0, 0); t < at(20260315, 0, 0); t += 3 * 3600 + 7 * 60) {
        for (int h = 1; h <= 40; h += 13) {
            struct sla s = {h, 'h'};
            int64_t due = calendar_due(&cal, t, s);
            assert_true(due > t);
            assert_int_equal(calendar_working_seconds(&cal, t, due), (int64_t)h * 3600);
        }
    }
}

/* ---- the cache ---- */

static int insert_fn(struct db *db, void *arg, struct err *e)
{
    int rc =
        db_exec(db, e, "INSERT INTO calendar_days (day, kind, name) VALUES (?, 'holiday', 'test')",
                DB_ARGS(DBS((const char *)arg)));
    return rc < 0 ? rc : ERR_OK;
}

static void test_cache(void **state)
{
    (void)state;
    struct err e = {0};
    struct db *db = store_acquire(st);
    const struct calendar *c1 = calendar_cached(db, &e);
    assert_non_null(c1);
    assert_int_equal(c1->ndays, 769);
    assert_ptr_equal(calendar_cached(db, &e), c1);
    calendar_invalidate(); /* nothing changed: the same snapshot stays */
    assert_ptr_equal(calendar_cached(db, &e), c1);
    store_release(st, db);

    assert_true(calendar_is_workday(c1, 20260310));
    assert_int_equal(store_write(st, insert_fn, "2026-03-10", &e), ERR_OK);
    db = store_acquire(st);
    assert_ptr_equal(calendar_cached(db, &e), c1); /* not invalidated yet: still cached */
    calendar_invalidate();
    const struct calendar *c2 = calendar_cached(db, &e);
    store_release(st, db);
    assert_non_null(c2);
    assert_ptr_not_equal(c2, c1);
    assert_int_equal(c2->ndays, 770);
    assert_false(calendar_is_workday(c2, 20260310));
    /* the old snapshot is still readable */
    assert_int_equal(c1->ndays, 769);
    assert_true(calendar_is_workday(c1, 20260310));
    calendar_cache_free();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_fresh_store),  cmocka_unit_test(test_civil_days),
        cmocka_unit_test(test_date_parse),        cmocka_unit_test(test_time_parse),
        cmocka_unit_test(test_sla_parse),         cmocka_unit_test(test_spring_festival_2026),
        cmocka_unit_test(test_national_day_2026), cmocka_unit_test(test_due_days),
        cmocka_unit_test(test_extend_days),       cmocka_unit_test(test_due_hours),
        cmocka_unit_test(test_working_seconds),   cmocka_unit_test(test_cache),
        cmocka_unit_test(test_calendar_days),     cmocka_unit_test(test_horizon),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
