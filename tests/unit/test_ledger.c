/* test_ledger.c - the ledger (src/domain/ledger*.c): who may take which step from which status
 * (a community never approves, nobody approves what they submitted); on a temporary SQLite
 * store: entries kept, submitted, approved, rejected and reversed; every roll-up of the summary
 * equals the sum of its parts (per place below, per category, per month); and the chain with the
 * approved content verifies clean until a row or an amount is edited behind the server's back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "domain/calendar.h"
#include "domain/counters.h"
#include "domain/ledger.h"
#include "domain/pii.h"
#include "domain/secret.h"
#include "testdb.h"

#define TOWN "330604007"
#define V1 "330604007317"
#define V2 "330604007230"
#define OTHER_TOWN "330604002"
#define V3 "330604002007"

static struct role_grant g_village = {ROLE_COMMUNITY_OFFICE, V1, V1, 0};
static struct role_grant g_street = {ROLE_STREET_OFFICE, TOWN, TOWN, 0};
static struct role_grant g_other = {ROLE_STREET_OFFICE, OTHER_TOWN, OTHER_TOWN, 0};
static struct role_grant g_admin = {ROLE_DISTRICT_ADMIN, "330604", "330604", 0};
static struct role_grant g_grid = {ROLE_GRID_WORKER, V1 "001", V1 "001", 0};
static struct user village = {.id = 1, .username = "village", .roles = &g_village, .nroles = 1};
static struct user street = {.id = 2, .username = "street", .roles = &g_street, .nroles = 1};
static struct user other = {.id = 3, .username = "other", .roles = &g_other, .nroles = 1};
static struct user admin = {.id = 4, .username = "admin", .roles = &g_admin, .nroles = 1};
static struct user grid = {.id = 5, .username = "grid", .roles = &g_grid, .nroles = 1};

/* ---- the rules table ---- */

static void test_flow_who_and_when(void **state)
{
    struct err e = {0};
    (void)state;
    /* the community keeps and submits */
    assert_int_equal(ledger_flow_check(&village, LA_SUBMIT, LS_DRAFT, V1, 0, &e), ERR_OK);
    assert_int_equal(ledger_flow_check(&village, LA_SUBMIT, LS_REJECTED, V1, 0, &e), ERR_OK);
    assert_int_equal(ledger_flow_check(&street, LA_SUBMIT, LS_DRAFT, V1, 0, &e), ERR_FORBIDDEN);
    assert_int_equal(ledger_flow_check(&grid, LA_SUBMIT, LS_DRAFT, V1, 0, &e), ERR_FORBIDDEN);
    /* a community cannot approve its own, nor reject */
    assert_int_equal(ledger_flow_check(&village, LA_APPROVE, LS_SUBMITTED, V1, 1, &e),
                     ERR_FORBIDDEN);
    assert_int_equal(ledger_flow_check(&village, LA_REJECT, LS_SUBMITTED, V1, 1, &e),
                     ERR_FORBIDDEN);
    /* the street above decides; another street does not; nor the one who submitted */
    assert_int_equal(ledger_flow_check(&street, LA_APPROVE, LS_SUBMITTED, V1, 1, &e), ERR_OK);
    assert_int_equal(ledger_flow_check(&admin, LA_REJECT, LS_SUBMITTED, V1, 1, &e), ERR_OK);
    assert_int_equal(ledger_flow_check(&other, LA_APPROVE, LS_SUBMITTED, V1, 1, &e), ERR_FORBIDDEN);
    assert_int_equal(ledger_flow_check(&street, LA_APPROVE, LS_SUBMITTED, V1, street.id, &e),
                     ERR_FORBIDDEN);
    assert_non_null(strstr(e.msg, "自己提交"));
    /* from the wrong status: 409 whoever asks */
    for (int s = 0; s < LS__COUNT; s++) {
        int want = s == LS_SUBMITTED ? ERR_OK : ERR_CONFLICT;
        assert_int_equal(ledger_flow_check(&street, LA_APPROVE, s, V1, 1, &e), want);
    }
    assert_int_equal(ledger_flow_check(&village, LA_DELETE, LS_APPROVED, V1, 0, &e), ERR_CONFLICT);
    assert_int_equal(ledger_flow_check(&village, LA_SUBMIT, LS_APPROVED, V1, 0, &e), ERR_CONFLICT);
    /* names round-trip */
    for (int a = 0; a < LA__COUNT; a++) {
        enum ledger_action back;
        assert_int_equal(ledger_action_from_name(ledger_action_name(a), &back), ERR_OK);
        assert_int_equal(back, a);
    }
}

static void test_content_is_canonical(void **state)
{
    struct arena a;
    (void)state;
    arena_init(&a, 0);
    const char *x = ledger_content(&a, V1, "2026-01-25", "income", "business", 100, NULL, "记-1",
                                   "[]", "租金", 0);
    const char *y = ledger_content(&a, V1, "2026-01-25", "income", "business", 101, NULL, "记-1",
                                   "[]", "租金", 0);
    assert_string_not_equal(x, y);
    assert_string_equal(x, ledger_content(&a, V1, "2026-01-25", "income", "business", 100, NULL,
                                          "记-1", "[]", "租金", 0));
    assert_non_null(strstr(x, "\"amount\":100"));
    arena_free(&a);
}

/* ---- on a store ---- */

struct fixture {
    char dir[64];
    struct store *s;
};

static int seed_fn(struct db *db, void *arg, struct err *e)
{
    static const char *const rows[][3] = {
        {"330604", NULL, "district"}, {TOWN, "330604", "town"},       {V1, TOWN, "community"},
        {V2, TOWN, "community"},      {OTHER_TOWN, "330604", "town"}, {V3, OTHER_TOWN, "community"},
    };
    (void)arg;
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        int rc = db_exec(db, e,
                         "INSERT INTO places (code, parent_code, level, kind, name, county, "
                         "created_at, updated_at) VALUES (?, ?, ?, ?, ?, '330604', 0, 0)",
                         DB_ARGS(DBS(rows[i][0]), DBS(rows[i][1]), DBS(rows[i][2]), DBS(rows[i][2]),
                                 DBS(rows[i][0])));
        if (rc < 0)
            return rc;
    }
    for (int u = 1; u <= 5; u++) {
        char name[8];
        snprintf(name, sizeof(name), "u%d", u);
        int rc = db_exec(db, e,
                         "INSERT INTO users (id, username, display_name, pw_hash, created_at, "
                         "updated_at) VALUES (?, ?, ?, 'x', 0, 0)",
                         DB_ARGS(DBI(u), DBS(name), DBS("u")));
        if (rc < 0)
            return rc;
    }
    return ERR_OK;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct err e = {0};
    static const unsigned char key[32] = "gridgov-test-ledger-chain-key!!";
    char dsn[128];
    snprintf(f->dir, sizeof(f->dir), "/tmp/gridgov-test-ledger.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(dsn, sizeof(dsn), "sqlite:%s/t.db", f->dir);
    struct store_config cfg = {.dsn = dsn, .readers = 2};
    secret_init_fixed(key);
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

struct create {
    const char *json;
    int64_t id;
    struct err *e;
};

static int create_fn(struct db *db, void *arg, struct err *e)
{
    struct create *c = arg;
    struct arena a;
    struct reg_rec rec;
    arena_init(&a, 0);
    struct reg_ctx ctx = {.a = &a};
    json_t *o = json_loads(c->json, 0, NULL);
    int rc = reg_create_json(db, &ctx, &reg_ledger_entries, o, &rec, e);
    json_decref(o);
    c->id = rec.id;
    arena_free(&a);
    return rc;
}

static int64_t entry(struct store *s, const char *place, const char *date, const char *kind,
                     const char *category, int64_t amount, int64_t reverses)
{
    char json[512], rev[40] = "";
    struct err e = {0};
    if (reverses)
        snprintf(rev, sizeof(rev), ",\"reverses\":%lld", (long long)reverses);
    snprintf(json, sizeof(json),
             "{\"place\":\"%s\",\"date\":\"%s\",\"kind\":\"%s\",\"category\":\"%s\","
             "\"amount\":%lld%s}",
             place, date, kind, category, (long long)amount, rev);
    struct create c = {json, 0, &e};
    if (store_write(s, create_fn, &c, &e) != ERR_OK)
        fail_msg("%s: %s", json, e.msg);
    return c.id;
}

static void step(struct store *s, const struct user *u, int64_t id, enum ledger_action a,
                 const char *reason, int want)
{
    struct arena ar;
    struct err e = {0};
    arena_init(&ar, 0);
    int rc = ledger_step(s, &ar, u, id, a, reason, &e);
    arena_free(&ar);
    if (rc != want)
        fail_msg("step %s on %lld: got %d (%s), want %d", ledger_action_name(a), (long long)id, rc,
                 e.msg, want);
}

static void approve(struct store *s, const struct user *keeper, int64_t id)
{
    step(s, keeper, id, LA_SUBMIT, NULL, ERR_OK);
    step(s, &street, id, LA_APPROVE, NULL, ERR_OK);
}

static json_t *summary(struct store *s, const char *place, int year)
{
    struct arena a;
    struct jsonw w;
    struct err e = {0};
    arena_init(&a, 0);
    jw_init(&w, 1 << 20);
    struct db *db = store_acquire(s);
    int rc = ledger_summary(db, &a, place, year, &w, &e);
    store_release(s, db);
    arena_free(&a);
    if (rc != ERR_OK)
        fail_msg("summary %s: %s", place, e.msg);
    json_t *j = json_loadb(w.b.data, w.b.len, 0, NULL);
    buf_free(&w.b);
    assert_non_null(j);
    return j;
}

static int64_t num(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* every sum of the summary adds up: children, categories, months */
static void assert_rollups(json_t *j)
{
    int64_t in = 0, out = 0, op = 0, cin = 0, cout = 0, min = 0, mout = 0;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(j, "children"), i, x)
    {
        in += num(x, "income");
        out += num(x, "expense");
        op += num(x, "operating_income");
        assert_int_equal(num(x, "balance"), num(x, "income") - num(x, "expense"));
    }
    if (json_array_size(json_object_get(j, "children")) > 0) {
        assert_int_equal(in, num(j, "income"));
        assert_int_equal(out, num(j, "expense"));
        assert_int_equal(op, num(j, "operating_income"));
    }
    json_array_foreach(json_object_get(j, "by_category"), i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "kind")), "income") == 0)
            cin += num(x, "amount");
        else
            cout += num(x, "amount");
    }
    assert_int_equal(cin, num(j, "income"));
    assert_int_equal(cout, num(j, "expense"));
    json_array_foreach(json_object_get(j, "by_month"), i, x)
    {
        min += num(x, "income");
        mout += num(x, "expense");
    }
    assert_int_equal(json_array_size(json_object_get(j, "by_month")), 12);
    assert_int_equal(min, num(j, "income"));
    assert_int_equal(mout, num(j, "expense"));
    assert_int_equal(num(j, "balance"), num(j, "income") - num(j, "expense"));
}

static void test_rollups_equal_their_parts(void **state)
{
    struct fixture *f = *state;
    /* two villages of a town, one of another; approved, waiting, rejected, reversed */
    int64_t a1 = entry(f->s, V1, "2026-01-25", "income", "business", 100000, 0);
    int64_t a2 = entry(f->s, V1, "2026-03-20", "income", "contracting", 180000, 0);
    int64_t a3 = entry(f->s, V1, "2026-03-28", "expense", "management", 15000, 0);
    int64_t b1 = entry(f->s, V2, "2026-07-01", "income", "subsidy", 300000, 0);
    int64_t b2 = entry(f->s, V2, "2026-12-31", "expense", "public-welfare", 7000, 0);
    int64_t c1 = entry(f->s, V3, "2026-05-05", "income", "investment", 55000, 0);
    int64_t w1 = entry(f->s, V1, "2026-04-01", "income", "business", 999, 0);
    int64_t r1 = entry(f->s, V1, "2026-04-02", "income", "business", 888, 0);
    int64_t old = entry(f->s, V1, "2025-12-31", "income", "business", 5000, 0);
    approve(f->s, &village, a1);
    approve(f->s, &village, a2);
    approve(f->s, &village, a3);
    struct role_grant g2 = {ROLE_COMMUNITY_OFFICE, V2, V2, 0};
    struct user v2office = village;
    v2office.roles = &g2;
    approve(f->s, &v2office, b1);
    approve(f->s, &v2office, b2);
    approve(f->s, &village, old);
    step(f->s, &village, c1, LA_SUBMIT, NULL, ERR_FORBIDDEN); /* not the village's books */
    struct user v3office = village;
    struct role_grant g3 = {ROLE_COMMUNITY_OFFICE, V3, V3, 0};
    v3office.roles = &g3;
    step(f->s, &v3office, c1, LA_SUBMIT, NULL, ERR_OK);
    step(f->s, &street, c1, LA_APPROVE, NULL, ERR_FORBIDDEN); /* another street's village */
    step(f->s, &other, c1, LA_APPROVE, NULL, ERR_OK);
    step(f->s, &village, w1, LA_SUBMIT, NULL, ERR_OK);
    step(f->s, &village, r1, LA_SUBMIT, NULL, ERR_OK);
    step(f->s, &street, r1, LA_REJECT, NULL, ERR_INVALID); /* no reason */
    step(f->s, &street, r1, LA_REJECT, "  ", ERR_INVALID);
    step(f->s, &street, r1, LA_REJECT, "凭证不全", ERR_OK);
    assert_int_equal(
        qint(f->s, "SELECT count(*) FROM ledger_events WHERE entry_id = %lld", (long long)r1), 2);
    char *reason = qtext(f->s, "SELECT reason FROM ledger_entries WHERE id = %lld", (long long)r1);
    assert_string_equal(reason, "凭证不全");
    free(reason);
    /* a reversal of a1 counts negative once approved */
    int64_t rev = entry(f->s, V1, "2026-02-01", "income", "business", 100000, a1);
    approve(f->s, &village, rev);

    json_t *t = summary(f->s, TOWN, 2026);
    assert_int_equal(num(t, "income"), 180000 + 300000);
    assert_int_equal(num(t, "expense"), 15000 + 7000);
    assert_int_equal(num(t, "operating_income"), 180000);
    assert_int_equal(num(t, "closing_balance"), 180000 + 300000 - 15000 - 7000 + 5000);
    assert_int_equal(num(json_object_get(t, "pending"), "submitted"), 1);
    assert_int_equal(num(json_object_get(t, "pending"), "rejected"), 1);
    assert_int_equal(json_array_size(json_object_get(t, "children")), 2);
    assert_rollups(t);
    json_decref(t);

    json_t *d = summary(f->s, "330604", 2026);
    assert_int_equal(num(d, "income"), 180000 + 300000 + 55000);
    assert_int_equal(json_array_size(json_object_get(d, "children")), 2);
    assert_rollups(d);
    json_decref(d);

    json_t *v = summary(f->s, V1, 2026);
    assert_int_equal(num(v, "income"), 180000);
    assert_int_equal(json_array_size(json_object_get(v, "children")), 0);
    assert_rollups(v);
    json_decref(v);

    /* the chain: intact; then a row's note and an approved amount edited by hand */
    struct audit_report r = {0};
    struct err e = {0};
    struct db *db = store_acquire(f->s);
    assert_int_equal(ledger_audit_verify(db, &r, &e), ERR_OK);
    store_release(f->s, db);
    assert_int_equal(r.bad, 0);
    assert_int_equal(r.rows, 19); /* 7 approved x 2, c1 2, w1 1, r1 2 */

    sql(f->s, "UPDATE ledger_entries SET amount = 1000000 WHERE id = %lld", (long long)a2);
    memset(&r, 0, sizeof(r));
    db = store_acquire(f->s);
    assert_int_equal(ledger_audit_verify(db, &r, &e), ERR_OK);
    store_release(f->s, db);
    assert_int_equal(r.bad, 1);
    assert_non_null(strstr(r.first_problem, "differs from the approved content"));
    sql(f->s, "UPDATE ledger_entries SET amount = 180000 WHERE id = %lld", (long long)a2);

    sql(f->s, "UPDATE ledger_events SET note = '凭证齐全' WHERE entry_id = %lld AND seq = 2",
        (long long)r1);
    memset(&r, 0, sizeof(r));
    db = store_acquire(f->s);
    assert_int_equal(ledger_audit_verify(db, &r, &e), ERR_OK);
    store_release(f->s, db);
    assert_true(r.bad >= 1);
    assert_non_null(strstr(r.first_problem, "edited or inserted"));

    /* an entry set to approved without its approval in the chain */
    sql(f->s, "UPDATE ledger_events SET note = '凭证不全' WHERE entry_id = %lld AND seq = 2",
        (long long)r1);
    sql(f->s, "UPDATE ledger_entries SET status = 'approved' WHERE id = %lld", (long long)w1);
    memset(&r, 0, sizeof(r));
    db = store_acquire(f->s);
    assert_int_equal(ledger_audit_verify(db, &r, &e), ERR_OK);
    store_release(f->s, db);
    assert_int_equal(r.bad, 1);
    assert_non_null(strstr(r.first_problem, "no approval"));
}

/* ---- decisions on time (ledger_counters.c) ---- */

/* local (Asia/Shanghai) time as UTC seconds */
static int64_t local(int y, unsigned m, unsigned d, int h, int min)
{
    return days_from_civil(y, m, d) * 86400 + h * 3600 + min * 60 - 28800;
}

static void test_decided_on_time(void **state)
{
    (void)state;
    struct calendar plain = {NULL, 0};
    /* Monday 2 November 2026: the 5th working day after it is Monday 9 November, until 24:00 */
    int64_t sub = local(2026, 11, 2, 10, 0);
    assert_true(ledger_decided_on_time(&plain, sub, local(2026, 11, 2, 10, 5), 5));
    assert_true(ledger_decided_on_time(&plain, sub, local(2026, 11, 9, 23, 59), 5));
    assert_false(ledger_decided_on_time(&plain, sub, local(2026, 11, 10, 9, 0), 5));
    /* one working day: by the end of Tuesday */
    assert_true(ledger_decided_on_time(&plain, sub, local(2026, 11, 3, 23, 0), 1));
    assert_false(ledger_decided_on_time(&plain, sub, local(2026, 11, 4, 8, 0), 1));
    /* submitted on a Friday afternoon: the weekend does not count, due Friday 13 November */
    int64_t fri = local(2026, 11, 6, 16, 0);
    assert_true(ledger_decided_on_time(&plain, fri, local(2026, 11, 13, 17, 0), 5));
    assert_false(ledger_decided_on_time(&plain, fri, local(2026, 11, 16, 9, 0), 5));
    /* the National Day holidays do not count and the make-up Saturday does: submitted on
     * Wednesday 30 September, the five working days are 8, 9, 10 (Saturday), 12 and 13 October */
    struct cal_day days[] = {{20261001, 'h'}, {20261002, 'h'}, {20261003, 'h'}, {20261004, 'h'},
                             {20261005, 'h'}, {20261006, 'h'}, {20261007, 'h'}, {20261010, 'w'}};
    struct calendar hol = {days, (int)(sizeof(days) / sizeof(days[0]))};
    int64_t sep = local(2026, 9, 30, 10, 0);
    assert_true(ledger_decided_on_time(&hol, sep, local(2026, 10, 13, 16, 0), 5));
    assert_false(ledger_decided_on_time(&hol, sep, local(2026, 10, 14, 9, 0), 5));
    /* on the weekday rule alone the same decision would have been late */
    assert_false(ledger_decided_on_time(&plain, sep, local(2026, 10, 13, 16, 0), 5));
}

static void test_decision_facts(void **state)
{
    (void)state;
    struct calendar plain = {NULL, 0};
    struct counter_facts f;
    /* on time: both metrics, at the village, dated by the decision (December, not November) */
    ledger_decision_facts(&plain, V1, local(2026, 11, 30, 15, 0), local(2026, 12, 1, 0, 30), &f);
    assert_string_equal(f.place, V1);
    assert_int_equal(f.at, local(2026, 12, 1, 0, 30));
    assert_int_equal(f.n, 2);
    assert_string_equal(f.m[0].metric, "ledger.decided");
    assert_string_equal(f.m[1].metric, "ledger.decided_on_time");
    char month[8];
    counter_month(f.at, month);
    assert_string_equal(month, "2026-12");
    /* late: decided only */
    ledger_decision_facts(&plain, V1, local(2026, 11, 2, 10, 0), local(2026, 11, 20, 10, 0), &f);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.m[0].metric, "ledger.decided");
    /* the setting: 1-365 working days, 5 by default */
    assert_int_equal(ledger_decide_days(), LEDGER_DECIDE_DAYS);
    ledger_set_decide_days(20);
    ledger_decision_facts(&plain, V1, local(2026, 11, 2, 10, 0), local(2026, 11, 20, 10, 0), &f);
    assert_int_equal(f.n, 2);
    ledger_set_decide_days(0);
    assert_int_equal(ledger_decide_days(), 1);
    ledger_set_decide_days(1000);
    assert_int_equal(ledger_decide_days(), 365);
    ledger_set_decide_days(LEDGER_DECIDE_DAYS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_who_and_when),
        cmocka_unit_test(test_content_is_canonical),
        cmocka_unit_test(test_decided_on_time),
        cmocka_unit_test(test_decision_facts),
        cmocka_unit_test_setup_teardown(test_rollups_equal_their_parts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
