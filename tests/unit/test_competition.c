/* test_competition.c - how a competition ranks (competition_rank.c): weights summing to 100,
 * the judges' scores with the highest and the lowest dropped, the order following the weights,
 * ties broken by the heavier criterion and otherwise shared, incomplete scoring, figures taken
 * from cases; the periods a round or a figure names (cadre.c); and on a store, a round scored
 * and published whose history verifies until a row is edited or dropped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "domain/competition.h"
#include "domain/secret.h"
#include "testdb.h"

#define PTS(x) ((int64_t)((x)*COMP_SCALE)) /* points as ten-thousandths */

static void test_weights(void **state)
{
    (void)state;
    struct comp_criterion cr[] = {{1, "发展实绩", 40, CR_JUDGES},
                                  {2, "治理成效", 30, CR_JUDGES},
                                  {3, "现场比拼", 30, CR_JUDGES}};
    assert_int_equal(comp_weight_sum(cr, 3), 100);
    cr[2].weight = 20;
    assert_int_equal(comp_weight_sum(cr, 3), 90);
    assert_int_equal(comp_weight_sum(cr, 0), 0);
}

static void test_trimmed_mean(void **state)
{
    (void)state;
    int three[] = {800, 1000, 900};
    assert_true(comp_trimmed_mean(three, 3) == PTS(90)); /* 80 and 100 dropped */
    int four[] = {700, 900, 800, 1000};
    assert_true(comp_trimmed_mean(four, 4) == PTS(85)); /* (80 + 90) / 2 */
    int two[] = {600, 1000};
    assert_true(comp_trimmed_mean(two, 2) == PTS(80)); /* fewer than three: all count */
    int one[] = {735};
    assert_true(comp_trimmed_mean(one, 1) == PTS(73.5));
    assert_true(comp_trimmed_mean(NULL, 0) == 0);
    /* one decimal in, exact out: (91.5 + 92.5 + 92.0) / 3 with 90 and 99 dropped */
    int five[] = {915, 900, 925, 990, 920};
    assert_true(comp_trimmed_mean(five, 5) == 920000);
    /* equal extremes drop one of each only */
    int same[] = {900, 900, 900, 700};
    assert_true(comp_trimmed_mean(same, 4) == PTS(90));
    /* thirds round half up in ten-thousandths: (90 + 90 + 91) / 3 = 90.3333... */
    int thirds[] = {900, 900, 910, 0, 1000};
    assert_true(comp_trimmed_mean(thirds, 5) == 903333);
}

static int64_t rank_of(const struct comp_result *res, int n, int64_t entry)
{
    for (int i = 0; i < n; i++)
        if (res[i].entry == entry)
            return res[i].rank;
    return -1;
}

static const struct comp_result *result_of(const struct comp_result *res, int n, int64_t entry)
{
    for (int i = 0; i < n; i++)
        if (res[i].entry == entry)
            return &res[i];
    return NULL;
}

/* three judges (11, 12, 13) give every entry one score per criterion */
static int fill(struct comp_score *sc, int64_t entry, int64_t crit, int a, int b, int c)
{
    sc[0] = (struct comp_score){entry, crit, 11, a};
    sc[1] = (struct comp_score){entry, crit, 12, b};
    sc[2] = (struct comp_score){entry, crit, 13, c};
    return 3;
}

static void test_ranking_follows_weights(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct comp_criterion cr[] = {{1, "发展实绩", 70, CR_JUDGES}, {2, "现场比拼", 30, CR_JUDGES}};
    int64_t entries[] = {101, 102};
    struct comp_score sc[12];
    int n = 0;
    /* 101 is better on the heavy criterion, 102 on the light one */
    n += fill(sc + n, 101, 1, 900, 900, 900);
    n += fill(sc + n, 101, 2, 700, 700, 700);
    n += fill(sc + n, 102, 1, 800, 800, 800);
    n += fill(sc + n, 102, 2, 950, 950, 950);
    struct comp_result res[2];
    comp_rank(&a, cr, 2, entries, 2, sc, n, 3, NULL, res);
    /* 101: 0.7 x 90 + 0.3 x 70 = 84; 102: 0.7 x 80 + 0.3 x 95 = 84.5 */
    assert_true(result_of(res, 2, 101)->total == PTS(84));
    assert_true(result_of(res, 2, 102)->total == PTS(84.5));
    assert_int_equal(res[0].entry, 102);
    assert_int_equal(rank_of(res, 2, 102), 1);
    assert_int_equal(rank_of(res, 2, 101), 2);
    /* the same scores with the weights the other way round swap the places */
    cr[0].weight = 30;
    cr[1].weight = 70;
    comp_rank(&a, cr, 2, entries, 2, sc, n, 3, NULL, res);
    assert_int_equal(res[0].entry, 102);
    cr[0].weight = 90;
    cr[1].weight = 10;
    comp_rank(&a, cr, 2, entries, 2, sc, n, 3, NULL, res);
    assert_int_equal(res[0].entry, 101); /* 0.9 x 90 + 0.1 x 70 = 88 > 0.9 x 80 + 0.1 x 95 */
    assert_true(res[0].complete && res[1].complete);
    arena_free(&a);
}

static void test_drop_rule_decides(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct comp_criterion cr[] = {{1, "综合", 100, CR_JUDGES}};
    int64_t entries[] = {1, 2};
    struct comp_score sc[6];
    int n = 0;
    /* entry 1: 100, 88, 100 -> one 100 and the 88 dropped: 100; entry 2: 92 */
    n += fill(sc + n, 1, 1, 1000, 880, 1000);
    n += fill(sc + n, 2, 1, 920, 900, 940);
    struct comp_result res[2];
    comp_rank(&a, cr, 1, entries, 2, sc, n, 3, NULL, res);
    assert_int_equal(res[0].entry, 1);
    assert_true(res[0].total == PTS(100));
    assert_true(res[1].total == PTS(92));
    arena_free(&a);
}

static void test_drop_rule_outlier(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct comp_criterion cr[] = {{1, "综合", 100, CR_JUDGES}};
    int64_t entries[] = {1, 2};
    struct comp_score sc[8];
    int n = 0;
    /* four judges: entry 1 has one 99 among 85s, entry 2 steady 88s */
    sc[n++] = (struct comp_score){1, 1, 11, 850};
    sc[n++] = (struct comp_score){1, 1, 12, 850};
    sc[n++] = (struct comp_score){1, 1, 13, 990};
    sc[n++] = (struct comp_score){1, 1, 14, 840};
    sc[n++] = (struct comp_score){2, 1, 11, 880};
    sc[n++] = (struct comp_score){2, 1, 12, 880};
    sc[n++] = (struct comp_score){2, 1, 13, 870};
    sc[n++] = (struct comp_score){2, 1, 14, 890};
    struct comp_result res[2];
    comp_rank(&a, cr, 1, entries, 2, sc, n, 4, NULL, res);
    assert_int_equal(res[0].entry, 2); /* 88 against 85: the 99 and the 84 are dropped */
    assert_true(result_of(res, 2, 1)->total == PTS(85));
    arena_free(&a);
}

static void test_ties(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct comp_criterion cr[] = {{1, "轻", 40, CR_JUDGES}, {2, "重", 60, CR_JUDGES}};
    int64_t entries[] = {1, 2, 3, 4};
    struct comp_score sc[24];
    int n = 0;
    /* 1: 0.4 x 90 + 0.6 x 80 = 84; 2: 0.4 x 75 + 0.6 x 90 = 84 (better on the heavy one);
     * 3: the same as 1 exactly; 4: 70 */
    n += fill(sc + n, 1, 1, 900, 900, 900);
    n += fill(sc + n, 1, 2, 800, 800, 800);
    n += fill(sc + n, 2, 1, 750, 750, 750);
    n += fill(sc + n, 2, 2, 900, 900, 900);
    n += fill(sc + n, 3, 1, 890, 900, 910);
    n += fill(sc + n, 3, 2, 800, 700, 900);
    n += fill(sc + n, 4, 1, 700, 700, 700);
    n += fill(sc + n, 4, 2, 700, 700, 700);
    struct comp_result res[4];
    comp_rank(&a, cr, 2, entries, 4, sc, n, 3, NULL, res);
    for (int i = 0; i < 3; i++)
        assert_true(res[i].total == PTS(84));
    /* the heavier criterion breaks the tie: 2 first; 1 and 3 equal on everything share 2nd,
     * and the next rank is 4 */
    assert_int_equal(res[0].entry, 2);
    assert_int_equal(res[0].rank, 1);
    assert_int_equal(rank_of(res, 4, 1), 2);
    assert_int_equal(rank_of(res, 4, 3), 2);
    assert_int_equal(rank_of(res, 4, 4), 4);
    assert_int_equal(res[1].entry, 1); /* equal entries keep their listed order */
    assert_non_null(strstr(comp_tie_rule, "并列"));
    arena_free(&a);
}

static void test_equal_weights_listed_order(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct comp_criterion cr[] = {{1, "甲", 50, CR_JUDGES}, {2, "乙", 50, CR_JUDGES}};
    int64_t entries[] = {1, 2};
    struct comp_score sc[12];
    int n = 0;
    n += fill(sc + n, 1, 1, 800, 800, 800);
    n += fill(sc + n, 1, 2, 900, 900, 900);
    n += fill(sc + n, 2, 1, 900, 900, 900);
    n += fill(sc + n, 2, 2, 800, 800, 800);
    struct comp_result res[2];
    comp_rank(&a, cr, 2, entries, 2, sc, n, 3, NULL, res);
    /* equal totals and equal weights: the criterion listed first decides */
    assert_int_equal(res[0].entry, 2);
    assert_int_equal(res[1].rank, 2);
    arena_free(&a);
}

static void test_incomplete_and_figures(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct comp_criterion cr[] = {{1, "评委", 60, CR_JUDGES}, {2, "按期结案率", 40, CR_ONTIME}};
    int64_t entries[] = {7, 8};
    struct comp_score sc[6];
    int n = 0;
    n += fill(sc + n, 7, 1, 900, 900, 900);
    sc[n++] = (struct comp_score){8, 1, 11, 900};
    sc[n++] = (struct comp_score){8, 1, 12, 900}; /* judge 13 has not scored 8 */
    int64_t figures[] = {0, PTS(50), 0, PTS(100)};
    struct comp_result res[2];
    comp_rank(&a, cr, 2, entries, 2, sc, n, 3, figures, res);
    const struct comp_result *r7 = result_of(res, 2, 7), *r8 = result_of(res, 2, 8);
    assert_true(r7->complete);
    assert_false(r8->complete);
    assert_int_equal(r8->nscores[0], 2);
    assert_true(r7->total == PTS(74)); /* 0.6 x 90 + 0.4 x 50 */
    assert_true(r8->total == PTS(94)); /* 0.6 x 90 + 0.4 x 100 */
    assert_int_equal(res[0].entry, 8);
    /* no judges at all: nothing is complete */
    comp_rank(&a, cr, 2, entries, 2, sc, 0, 0, figures, res);
    assert_false(res[0].complete);
    arena_free(&a);
}

static void test_texts(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(comp_tenths_text(&a, 925), "92.5");
    assert_string_equal(comp_tenths_text(&a, 1000), "100");
    assert_string_equal(comp_value_text(&a, 903333), "90.33");
    assert_string_equal(comp_value_text(&a, 903350), "90.34");
    assert_string_equal(comp_value_text(&a, 0), "0.00");
    arena_free(&a);
}

static void test_periods(void **state)
{
    (void)state;
    char out[16], from[11], to[11];
    struct err e = {0};
    static const char *const good[] = {"2026", "2026-Q1", "2026-Q4", "2026-01", "2026-12"};
    static const char *const bad[] = {"2026-Q5",    "2026-13", "2026-00", "26-01", "2026-1",
                                      "2026-01-01", "",        "abcd",    "1989",  "2026-Q0"};
    for (size_t i = 0; i < ARRAY_LEN(good); i++)
        assert_int_equal(cadre_check_period(good[i], out, sizeof(out), "period", &e), ERR_OK);
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        if (cadre_check_period(bad[i], out, sizeof(out), "period", &e) != ERR_INVALID)
            fail_msg("period '%s' was accepted", bad[i]);
        assert_string_equal(e.field, "period");
    }
    cadre_period_days("2026-Q3", from, to);
    assert_string_equal(from, "2026-07-01");
    assert_string_equal(to, "2026-09-30");
    cadre_period_days("2028-02", from, to);
    assert_string_equal(to, "2028-02-29");
    cadre_period_days("2026", from, to);
    assert_string_equal(from, "2026-01-01");
    assert_string_equal(to, "2026-12-31");
}

/* ---- on a store: scores, publication and the chain ---- */

struct fixture {
    char dir[64];
    struct store *s;
};

static int places_fn(struct db *db, void *arg, struct err *e)
{
    (void)arg;
    int rc = db_exec(db, e,
                     "INSERT INTO places (code, parent_code, level, kind, name, county, "
                     "created_at, updated_at) VALUES ('330604', NULL, 'district', 'district', "
                     "'上虞区', '330604', 0, 0)",
                     DB_NOARGS);
    if (rc >= 0) /* where the projects of a project round are */
        rc = db_exec(db, e,
                     "INSERT INTO places (code, parent_code, level, kind, name, county, "
                     "created_at, updated_at) VALUES ('330604001', '330604', 'town', 'street', "
                     "'百官街道', '330604', 0, 0)",
                     DB_NOARGS);
    return rc < 0 ? rc : ERR_OK;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct err e = {0};
    static const unsigned char key[32] = {7};
    char dsn[128];
    snprintf(f->dir, sizeof(f->dir), "/tmp/gridgov-test-comp.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(dsn, sizeof(dsn), "sqlite:%s/t.db", f->dir);
    struct store_config cfg = {.dsn = dsn, .readers = 2};
    if ((f->s = store_open(&cfg, &e)) == NULL || store_write(f->s, places_fn, NULL, &e) != ERR_OK)
        return -1;
    secret_init_fixed(key);
    for (int u = 1; u <= 4; u++)
        sql(f->s,
            "INSERT INTO users (id, username, display_name, pw_hash, created_at, updated_at) "
            "VALUES (%d, 'judge%d', '评委%d', 'x', 0, 0)",
            u, u, u);
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
    const struct registry *r;
    const char *json;
    int64_t id;
};

static int create_fn(struct db *db, void *arg, struct err *e)
{
    struct create *w = arg;
    struct arena a;
    struct reg_rec rec;
    arena_init(&a, 0);
    struct reg_ctx c = {.a = &a};
    json_t *o = json_loads(w->json, 0, NULL);
    int rc = reg_create_json(db, &c, w->r, o, &rec, e);
    json_decref(o);
    w->id = rec.id;
    arena_free(&a);
    return rc;
}

static int64_t make(struct store *s, const struct registry *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int64_t make(struct store *s, const struct registry *r, const char *fmt, ...)
{
    char json[512];
    struct err e = {0};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(json, sizeof(json), fmt, ap);
    va_end(ap);
    struct create w = {r, json, 0};
    if (store_write(s, create_fn, &w, &e) != ERR_OK)
        fail_msg("%s: %s", json, e.msg);
    return w.id;
}

/* judge u scores "[...]" on round id; the error code */
static int score(struct store *s, int u, int64_t id, const char *list)
{
    struct arena a;
    struct err e = {0};
    arena_init(&a, 0);
    struct user usr = {.id = u, .username = "judge"};
    struct reg_ctx c = {.a = &a, .user = &usr, .user_id = u};
    json_t *j = json_loads(list, 0, NULL);
    int rc = competition_score(s, &c, arena_printf(&a, "%lld", (long long)id), j, &e);
    json_decref(j);
    arena_free(&a);
    return rc;
}

static int publish(struct store *s, int64_t id, struct err *e)
{
    struct arena a;
    arena_init(&a, 0);
    struct reg_ctx c = {.a = &a};
    int rc = competition_publish(s, &c, arena_printf(&a, "%lld", (long long)id), NULL, e);
    arena_free(&a);
    return rc;
}

static struct audit_report verify(struct store *s)
{
    struct audit_report r;
    struct err e = {0};
    struct db *db = store_acquire(s);
    if (competition_audit_verify(db, &r, &e) != ERR_OK)
        fail_msg("verify: %s", e.msg);
    store_release(s, db);
    return r;
}

static void test_publish_and_chain(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    int64_t id = make(f->s, &reg_competitions,
                      "{\"name\":\"领雁争先赛\",\"period\":\"2026-Q3\",\"entry_kind\":\"project\","
                      "\"place\":\"330604\"}");
    int64_t c1 = make(f->s, &reg_competition_criteria,
                      "{\"competition\":%lld,\"name\":\"实绩\",\"weight\":100}", (long long)id);
    /* entries of a project round are projects of the registry, by id or by their name */
    int64_t p1 =
        make(f->s, &reg_projects, "{\"name\":\"甲\",\"investment\":100,\"place\":\"330604001\"}");
    make(f->s, &reg_projects, "{\"name\":\"乙\",\"investment\":100,\"place\":\"330604001\"}");
    int64_t e1 = make(f->s, &reg_competition_entries, "{\"competition\":%lld,\"project\":%lld}",
                      (long long)id, (long long)p1);
    int64_t e2 = make(f->s, &reg_competition_entries,
                      "{\"competition\":%lld,\"project_name\":\"乙\"}", (long long)id);
    char *named =
        qtext(f->s, "SELECT name || '/' || project_name FROM competition_entries WHERE id = %lld",
              (long long)e1);
    assert_string_equal(named, "甲/甲");
    free(named);
    for (int u = 1; u <= 3; u++)
        make(f->s, &reg_competition_judges, "{\"competition\":%lld,\"user\":%d}", (long long)id, u);
    char list[256];
    assert_int_equal(score(f->s, 4, id, "[]"), ERR_FORBIDDEN); /* not a judge */
    for (int u = 1; u <= 3; u++) {
        snprintf(list, sizeof(list),
                 "[{\"entry\":%lld,\"criterion\":%lld,\"score\":%d},{\"entry\":%lld,"
                 "\"criterion\":%lld,\"score\":%d}]",
                 (long long)e1, (long long)c1, 80 + u, (long long)e2, (long long)c1, 90 - u);
        if (u == 3)
            assert_int_equal(publish(f->s, id, &e), ERR_CONFLICT); /* two judges so far */
        assert_int_equal(score(f->s, u, id, list), ERR_OK);
    }
    assert_int_equal(publish(f->s, id, &e), ERR_OK);
    char *status = qtext(f->s, "SELECT status FROM competitions WHERE id = %lld", (long long)id);
    assert_string_equal(status, "published");
    free(status);
    assert_int_equal(score(f->s, 1, id, list), ERR_CONFLICT);
    assert_int_equal(publish(f->s, id, &e), ERR_CONFLICT);
    /* three score rows and the publication, chained */
    assert_int_equal(qint(f->s, "SELECT count(*) FROM competition_scores"), 6);
    struct audit_report r = verify(f->s);
    assert_int_equal(r.cases, 1);
    assert_int_equal(r.rows, 4);
    assert_int_equal(r.bad, 0);
    char *data = qtext(f->s, "SELECT data FROM competition_events WHERE seq = 4");
    assert_non_null(strstr(data, "\"rank\":1"));
    free(data);
    /* an edited score is found */
    sql(f->s,
        "UPDATE competition_events SET data = replace(data, '\"81\"', '\"99\"') WHERE seq = 1");
    r = verify(f->s);
    assert_true(r.bad > 0);
    assert_non_null(strstr(r.first_problem, "competition"));
    assert_non_null(strstr(r.first_problem, "edited"));
    /* and so is a dropped publication */
    sql(f->s, "DELETE FROM competition_events WHERE seq >= 1");
    r = verify(f->s);
    assert_true(r.bad > 0);
    assert_non_null(strstr(r.first_problem, "ends at row 0"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_trimmed_mean),
        cmocka_unit_test(test_ranking_follows_weights),
        cmocka_unit_test(test_drop_rule_decides),
        cmocka_unit_test(test_drop_rule_outlier),
        cmocka_unit_test(test_ties),
        cmocka_unit_test(test_equal_weights_listed_order),
        cmocka_unit_test(test_incomplete_and_figures),
        cmocka_unit_test(test_texts),
        cmocka_unit_test(test_periods),
        cmocka_unit_test_setup_teardown(test_publish_and_chain, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
