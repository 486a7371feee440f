/* test_tasks.c - the rules of the task boards and of the community economy: the progress table
 * (done needs evidence, reopening is the owner's, no way back from done to not started), due
 * dates in working days over holidays and make-up days, dividends split by shares that always
 * add up (largest remainder), income per head rounded to the fen, months; and on a store, the
 * board's roll-up: every street's and community's share adds up to the total, every task's to
 * its area's, and an office scoped to one street sees exactly that street's share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "domain/company.h"
#include "domain/pii.h"
#include "domain/tasks.h"
#include "domain/workshop.h"
#include "testdb.h"

#include <jansson.h>

/* ---- progress ---- */

static void test_moves(void **state)
{
    struct err e = {0};
    (void)state;
    static const struct {
        const char *from, *to;
        int evidence, owner, want;
    } cases[] = {
        {"not_started", "not_started", 0, 0, ERR_OK},
        {"not_started", "in_progress", 0, 0, ERR_OK},
        {"not_started", "done", 0, 1, ERR_INVALID}, /* evidence first */
        {"not_started", "done", 1, 0, ERR_OK},
        {"in_progress", "done", 0, 1, ERR_INVALID},
        {"in_progress", "done", 1, 0, ERR_OK},
        {"in_progress", "not_started", 0, 0, ERR_OK},
        {"done", "done", 0, 0, ERR_OK},
        {"done", "in_progress", 0, 0, ERR_FORBIDDEN}, /* reopening is the owner's */
        {"done", "in_progress", 0, 1, ERR_OK},
        {"done", "not_started", 1, 1, ERR_CONFLICT}, /* not in the table */
        {"in_progress", "finished", 1, 1, ERR_CONFLICT},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        int rc = task_move_check(cases[i].from, cases[i].to, cases[i].evidence, cases[i].owner, &e);
        if (rc != cases[i].want)
            fail_msg("%s -> %s (evidence %d, owner %d): %d, want %d (%s)", cases[i].from,
                     cases[i].to, cases[i].evidence, cases[i].owner, rc, cases[i].want, e.msg);
    }
    assert_int_equal(task_move_check("in_progress", "done", 0, 1, &e), ERR_INVALID);
    assert_string_equal(e.field, "evidence");
}

/* ---- due dates ---- */

static void test_due_on(void **state)
{
    char due[11];
    struct err e = {0};
    (void)state;
    /* Monday 2 November 2026 and 5 working days: the Monday after */
    assert_int_equal(task_due_on(NULL, "2026-11-02", 5, due, &e), ERR_OK);
    assert_string_equal(due, "2026-11-09");
    /* from a Friday, one working day is the Monday */
    assert_int_equal(task_due_on(NULL, "2026-11-06", 1, due, &e), ERR_OK);
    assert_string_equal(due, "2026-11-09");
    /* National Day: 1-8 October off, Saturday 10 October a make-up working day */
    struct cal_day days[] = {{20261001, 'h'}, {20261002, 'h'}, {20261003, 'h'},
                             {20261004, 'h'}, {20261005, 'h'}, {20261006, 'h'},
                             {20261007, 'h'}, {20261008, 'h'}, {20261010, 'w'}};
    struct calendar cal = {days, (int)ARRAY_LEN(days)};
    assert_int_equal(task_due_on(&cal, "2026-09-30", 3, due, &e), ERR_OK);
    assert_string_equal(due, "2026-10-12");
    assert_int_equal(task_due_on(&cal, "2026-09-30", 0, due, &e), ERR_INVALID);
    assert_string_equal(e.field, "days");
    assert_int_equal(task_due_on(&cal, "2026-02-30", 3, due, &e), ERR_INVALID);
    assert_string_equal(e.field, "starts_on");
}

/* ---- money ---- */

static void test_dividend_split(void **state)
{
    (void)state;
    int64_t out[8];
    int64_t s1[] = {3, 2, 2};
    assert_int_equal(dividend_split(100, s1, 3, out), ERR_OK);
    assert_int_equal(out[0], 43); /* 42.86 */
    assert_int_equal(out[1], 29); /* 28.57, the earlier of two equal remainders */
    assert_int_equal(out[2], 28);
    int64_t s2[] = {40, 35, 25};
    assert_int_equal(dividend_split(123456789, s2, 3, out), ERR_OK);
    assert_int_equal(out[0] + out[1] + out[2], 123456789);
    assert_int_equal(out[0], 49382716);
    /* a large sum over large holdings does not overflow */
    int64_t s3[] = {1000000000, 999999999, 1};
    assert_int_equal(dividend_split(100000000000LL, s3, 3, out), ERR_OK);
    assert_int_equal(out[0] + out[1] + out[2], 100000000000LL);
    assert_int_equal(out[2], 50);
    int64_t bad[] = {1, 0};
    assert_int_equal(dividend_split(10, bad, 2, out), ERR_INVALID);
    assert_int_equal(dividend_split(-1, s1, 3, out), ERR_INVALID);
    /* any split adds up and no part is more than a fen off its exact share */
    srand(20261201);
    for (int round = 0; round < 2000; round++) {
        int n = 1 + rand() % 8;
        int64_t shares[8], sum = 0, total = rand() % 100000000;
        for (int i = 0; i < n; i++)
            sum += shares[i] = 1 + rand() % 1000;
        assert_int_equal(dividend_split(total, shares, n, out), ERR_OK);
        int64_t got = 0;
        for (int i = 0; i < n; i++) {
            double exact = (double)total * (double)shares[i] / (double)sum;
            if (out[i] < exact - 1.0 || out[i] > exact + 1.0)
                fail_msg("share %d of %d: %lld for %f", i, n, (long long)out[i], exact);
            got += out[i];
        }
        assert_int_equal(got, total);
    }
}

static void test_per_head_and_month(void **state)
{
    char out[8];
    struct err e = {0};
    (void)state;
    assert_int_equal(per_head(320000, 3), 106667);
    assert_int_equal(per_head(5, 2), 3); /* halves up */
    assert_int_equal(per_head(4, 3), 1);
    assert_int_equal(per_head(100, 0), 0);
    assert_int_equal(field_check_month("2026-5", out, sizeof(out), "period", &e), ERR_OK);
    assert_string_equal(out, "2026-05");
    assert_int_equal(field_check_month("2026/11", out, sizeof(out), "period", &e), ERR_OK);
    assert_string_equal(out, "2026-11");
    static const char *const bad[] = {"2026-13", "2026-00", "1999-01", "2026-05-01",
                                      "2026",    "",        "26-05",   "2026-5x"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        if (field_check_month(bad[i], out, sizeof(out), "period", &e) != ERR_INVALID)
            fail_msg("'%s' taken as a month", bad[i]);
        assert_string_equal(e.field, "period");
    }
}

/* ---- the roll-up on a store ---- */

struct fixture {
    char dir[64];
    struct store *s;
};

static const char *const towns[] = {"330604002", "330604007"};
static const char *const comms[] = {"330604002007", "330604002006", "330604007317"};

static int seed_fn(struct db *db, void *arg, struct err *e)
{
    static const char *const rows[][3] = {
        {"330604", NULL, "district"},
        {"330604002", "330604", "town"},
        {"330604007", "330604", "town"},
        {"330604002007", "330604002", "community"},
        {"330604002006", "330604002", "community"},
        {"330604007317", "330604007", "community"},
    };
    struct arena a;
    int rc = ERR_OK;
    (void)arg;
    for (size_t i = 0; i < ARRAY_LEN(rows) && rc >= 0; i++)
        rc = db_exec(db, e,
                     "INSERT INTO places (code, parent_code, level, kind, name, county, "
                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, '330604', 0, 0)",
                     DB_ARGS(DBS(rows[i][0]), DBS(rows[i][1]), DBS(rows[i][2]), DBS(rows[i][2]),
                             DBS(rows[i][0])));
    if (rc < 0)
        return rc;
    rc = ERR_OK;
    arena_init(&a, 0);
    struct reg_ctx c = {.a = &a};
    struct reg_rec rec;
    static const char *const statuses[] = {"not_started", "in_progress", "done"};
    for (int k = 0; k < 2 && rc == ERR_OK; k++) {
        json_t *o = json_pack("{s:s, s:i}", "name", k ? "停车管理" : "物业服务", "sort", k);
        rc = reg_create_json(db, &c, &reg_task_areas, o, &rec, e);
        json_decref(o);
    }
    /* 6 tasks, two owned by a street, over the communities under their owner */
    for (int t = 0; t < 6 && rc == ERR_OK; t++) {
        const char *owner = t < 4 ? "330604" : towns[t % 2];
        json_t *o =
            json_pack("{s:s, s:i, s:s, s:s, s:i, s:s}", "title", arena_printf(&a, "任务%d", t),
                      "area", 1 + t % 2, "place", owner, "target_kind", "community", "days",
                      3 + t * 40, "starts_on", "2026-01-05");
        rc = reg_create_json(db, &c, &reg_tasks, o, &rec, e);
        json_decref(o);
        int64_t task = rec.id;
        for (size_t m = 0; m < ARRAY_LEN(comms) && rc == ERR_OK; m++) {
            if (strncmp(comms[m], owner, strlen(owner)) != 0)
                continue;
            const char *st = statuses[(t + m) % 3];
            o = json_pack("{s:I, s:s, s:s, s:s}", "task", (json_int_t)task, "community", comms[m],
                          "status", st, "evidence", "材料已归档");
            rc = reg_create_json(db, &c, &reg_task_targets, o, &rec, e);
            json_decref(o);
        }
    }
    arena_free(&a);
    return rc;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct err e = {0};
    static const unsigned char key[32] = {7};
    char dsn[128];
    snprintf(f->dir, sizeof(f->dir), "/tmp/gridgov-test-tasks.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(dsn, sizeof(dsn), "sqlite:%s/t.db", f->dir);
    struct store_config cfg = {.dsn = dsn, .readers = 2};
    pii_init_fixed(key);
    if ((f->s = store_open(&cfg, &e)) == NULL || store_write(f->s, seed_fn, NULL, &e) != ERR_OK) {
        fprintf(stderr, "setup: %s\n", e.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    store_close(f->s);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", f->dir);
    free(f);
    return 0;
}

static json_t *board(struct store *s, const struct user *u, const char *place)
{
    struct arena a;
    struct err e = {0};
    struct jsonw w;
    struct db *db = store_acquire(s);
    arena_init(&a, 0);
    struct reg_ctx c = {.a = &a, .user = u, .enforce = u != NULL};
    jw_init(&w, 1 << 20);
    if (task_board(db, &c, place, 0, 0, "2026-06-01", &w, &e) != ERR_OK)
        fail_msg("board: %s", e.msg);
    buf_add(&w.b, "", 1);
    json_t *j = json_loads(w.b.data, 0, NULL);
    buf_free(&w.b);
    arena_free(&a);
    store_release(s, db);
    assert_non_null(j);
    return j;
}

static const char *const keys[] = {"targets", "done", "in_progress", "not_started", "overdue"};

/* Every count of the items of list adds up to the same count of whole. */
static void sums_to(const json_t *list, const json_t *whole, const char *what)
{
    for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
        json_int_t sum = 0;
        size_t i;
        json_t *x;
        json_array_foreach(list, i, x) sum += json_integer_value(json_object_get(x, keys[k]));
        json_int_t want = json_integer_value(json_object_get(whole, keys[k]));
        if (sum != want)
            fail_msg("%s: %s add up to %lld, the whole says %lld", what, keys[k], (long long)sum,
                     (long long)want);
    }
}

static void test_rollup_is_the_sum_of_its_parts(void **state)
{
    struct fixture *f = *state;
    json_t *b = board(f->s, NULL, "330604");
    json_t *rollup = json_object_get(b, "rollup"), *total = json_object_get(rollup, "total");
    assert_int_equal(json_integer_value(json_object_get(total, "targets")), 4 * 3 + 2 + 1);
    assert_true(json_integer_value(json_object_get(total, "overdue")) > 0);
    sums_to(json_object_get(rollup, "towns"), total, "towns");
    sums_to(json_object_get(rollup, "communities"), total, "communities");
    sums_to(json_object_get(b, "areas"), total, "areas");
    size_t i;
    json_t *area;
    json_array_foreach(json_object_get(b, "areas"), i, area)
        sums_to(json_object_get(area, "tasks"), area, "tasks of an area");
    /* each street's own board: its share of the district's, to the count */
    json_t *town;
    json_array_foreach(json_object_get(rollup, "towns"), i, town)
    {
        const char *code = json_string_value(json_object_get(town, "code"));
        struct role_grant g = {.role = ROLE_STREET_OFFICE, .scope = code, .place = code};
        struct user u = {.id = 1, .username = "t", .roles = &g, .nroles = 1};
        json_t *mine = board(f->s, &u, "330604");
        json_t *mt = json_object_get(json_object_get(mine, "rollup"), "total");
        for (size_t k = 0; k < ARRAY_LEN(keys); k++)
            assert_int_equal(json_integer_value(json_object_get(mt, keys[k])),
                             json_integer_value(json_object_get(town, keys[k])));
        /* and the board under the street itself says the same */
        json_t *under = board(f->s, NULL, code);
        json_t *ut = json_object_get(json_object_get(under, "rollup"), "total");
        for (size_t k = 0; k < ARRAY_LEN(keys); k++)
            assert_int_equal(json_integer_value(json_object_get(ut, keys[k])),
                             json_integer_value(json_object_get(town, keys[k])));
        json_decref(mine);
        json_decref(under);
    }
    assert_int_equal(qint(f->s, "SELECT count(*) FROM task_targets"),
                     json_integer_value(json_object_get(total, "targets")));
    /* 2026-01-05 (a Monday) and 3 working days */
    char *due = qtext(f->s, "SELECT due_on FROM tasks WHERE title = '任务0'");
    assert_string_equal(due, "2026-01-08");
    free(due);
    json_decref(b);
    /* an archived task leaves the board */
    sql(f->s, "UPDATE tasks SET archived_at = 1 WHERE title = '任务0'");
    b = board(f->s, NULL, "330604");
    total = json_object_get(json_object_get(b, "rollup"), "total");
    assert_int_equal(json_integer_value(json_object_get(total, "targets")), 3 * 3 + 2 + 1);
    sums_to(json_object_get(json_object_get(b, "rollup"), "towns"), total, "towns");
    json_decref(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moves),
        cmocka_unit_test(test_due_on),
        cmocka_unit_test(test_dividend_split),
        cmocka_unit_test(test_per_head_and_month),
        cmocka_unit_test_setup_teardown(test_rollup_is_the_sum_of_its_parts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
