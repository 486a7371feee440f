/* test_govindex_cache.c - a level's scores kept between requests (domain/govindex_cache.c):
 * served again while the index's epoch holds, computed again once a write moved it. Counter
 * changes (one move, a group commit's merged rows, a rebuild), places and indicators move it;
 * a move that changes nothing and a read do not; a database made again starts elsewhere. On
 * SQLite, and on PostgreSQL when GRIDGOV_TEST_PG names a database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/jsonw.h"
#include "domain/counters.h"
#include "domain/govindex.h"
#include "domain/govindex_cache.h"
#include "store/store.h"
#include "testdb.h"

static const char *pg_dsn;

struct fixture {
    char dir[64];
    struct store *s;
};

static struct store *open_store(const char *dir, const char *pg, int wipe)
{
    struct err e = {0};
    char dsn[512];
    snprintf(dsn, sizeof(dsn), "sqlite:%s/t.db", dir);
    struct store_config cfg = {.dsn = pg ? pg : dsn, .readers = 2};
    if (pg != NULL && wipe) {
        struct store *old = store_open(&cfg, &e);
        if (old == NULL || store_wipe(old, &e) != ERR_OK) {
            print_error("%s: %s\n", pg, e.msg);
            return NULL;
        }
        store_close(old);
    }
    return store_open(&cfg, &e);
}

static void place(struct store *s, const char *code, const char *parent, const char *level,
                  const char *name)
{
    sql(s,
        "INSERT INTO places (code, parent_code, level, kind, name, county, created_at, "
        "updated_at) VALUES ('%s', %s%s%s, '%s', '%s', '%s', '330604', 0, 0)",
        code, parent ? "'" : "", parent ? parent : "NULL", parent ? "'" : "", level, level, name);
}

static int setup_on(void **state, const char *pg)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/gridgov-test-icache.XXXXXX");
    if (mkdtemp(f->dir) == NULL || (f->s = open_store(f->dir, pg, 1)) == NULL)
        return -1;
    place(f->s, "330604", NULL, "district", "上虞区");
    place(f->s, "330604002", "330604", "town", "曹娥街道");
    place(f->s, "330604002007", "330604002", "community", "江扬社区");
    place(f->s, "330604002007001", "330604002007", "grid", "第一网格");
    place(f->s, "330604002007002", "330604002007", "grid", "第二网格");
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

/* 2026-11-15 12:00 in Shanghai */
#define T_NOV15 1794715200

static int move_fn(struct db *db, void *arg, struct err *e)
{
    const struct counter_facts *const *m = arg;
    return counters_move(db, m[0], m[1], e);
}

static void move(struct store *s, const struct counter_facts *old, const struct counter_facts *now)
{
    struct err e = {0};
    const struct counter_facts *m[2] = {old, now};
    if (store_write(s, move_fn, m, &e) != ERR_OK)
        fail_msg("counters_move: %s", e.msg);
}

/* n cases received in November at grid, closed of them */
static void cases(struct store *s, const char *grid, int n, int closed)
{
    struct counter_facts f;
    counter_facts_init(&f, grid, T_NOV15);
    counter_fact_add(&f, n, 1, "case.received");
    counter_fact_add(&f, closed, 0, "case.status.closed");
    counter_fact_add(&f, n - closed, 0, "case.status.in_progress");
    move(s, NULL, &f);
}

static int64_t epoch(struct store *s)
{
    return qint(s, "SELECT n FROM index_epoch");
}

/* The grid ranking for 2026-11 as "code:name:score,..." in rank order. */
static char *ranking(struct store *s, const char *root)
{
    static char out[512];
    struct err e = {0};
    struct arena a;
    struct jsonw w;
    arena_init(&a, 0);
    jw_init(&w, 1u << 20);
    struct db *db = store_acquire(s);
    int rc = govindex_ranking(db, &a, root, "grid", "2026-11", 0, 0, &w, &e);
    store_release(s, db);
    if (rc != ERR_OK)
        fail_msg("ranking: %s", e.msg);
    json_t *j = json_loadb(w.b.data, w.b.len, 0, NULL), *it;
    size_t i;
    out[0] = '\0';
    json_array_foreach(json_object_get(j, "items"), i, it)
    {
        size_t n = strlen(out);
        json_t *score = json_object_get(it, "score");
        n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s:%s:", i ? "," : "",
                              json_string_value(json_object_get(it, "code")) + 12,
                              json_string_value(json_object_get(it, "name")));
        if (json_is_number(score))
            snprintf(out + n, sizeof(out) - n, "%.1f", json_number_value(score));
        else
            snprintf(out + n, sizeof(out) - n, "-");
    }
    json_decref(j);
    buf_free(&w.b);
    arena_free(&a);
    return out;
}

static void test_kept_until_the_epoch_moves(void **state)
{
    struct fixture *f = *state;
    cases(f->s, "330604002007001", 4, 4);
    cases(f->s, "330604002007002", 4, 1);
    char first[512];
    snprintf(first, sizeof(first), "%s", ranking(f->s, ""));
    assert_string_equal(first, "001:第一网格:50.0,002:第二网格:31.6");
    /* a change behind the epoch's back (no write of gridgov's makes one) is not seen: the
     * scores were kept */
    int64_t e0 = epoch(f->s);
    sql(f->s, "UPDATE counters_month SET value = 4 WHERE place_code = '330604002007002' AND "
              "metric = 'case.status.closed'");
    sql(f->s, "UPDATE counters_month SET value = 0 WHERE place_code = '330604002007001' AND "
              "metric = 'case.status.closed'");
    assert_int_equal(epoch(f->s), e0);
    assert_string_equal(ranking(f->s, ""), first);
    /* scoped to the community: the same order, from the same kept scores */
    assert_string_equal(ranking(f->s, "330604002007"), first);
    assert_string_equal(ranking(f->s, "330604002007002"), "002:第二网格:31.6");
    /* a move that changes nothing leaves it */
    struct counter_facts same;
    counter_facts_init(&same, "330604002007001", T_NOV15);
    counter_fact_add(&same, 1, 0, "case.received");
    move(f->s, &same, &same);
    assert_int_equal(epoch(f->s), e0);
    /* a counter written at 002: 002 scored again (with the change behind its back), 001 kept */
    cases(f->s, "330604002007002", 0, 0);
    assert_int_equal(epoch(f->s), e0);
    cases(f->s, "330604002007002", 1, 1);
    assert_true(epoch(f->s) > e0);
    assert_string_equal(ranking(f->s, ""), "001:第一网格:50.0,002:第二网格:50.0");
    /* one at 001 too: now both changes are in, as a whole computation has them */
    cases(f->s, "330604002007001", 1, 1);
    char patched[512];
    snprintf(patched, sizeof(patched), "%s", ranking(f->s, ""));
    assert_string_equal(patched, "002:第二网格:50.0,001:第一网格:30.3");
    sql(f->s, "UPDATE index_epoch SET n = n + 1, all_at = n + 1");
    assert_string_equal(ranking(f->s, ""), patched);
}

static void test_places_and_indicators_move_it(void **state)
{
    struct fixture *f = *state;
    cases(f->s, "330604002007001", 2, 2);
    assert_string_equal(ranking(f->s, ""), "001:第一网格:50.0,002:第二网格:-");
    int64_t e0 = epoch(f->s);
    sql(f->s, "UPDATE places SET name = '江扬一网格' WHERE code = '330604002007001'");
    assert_true(epoch(f->s) > e0);
    assert_string_equal(ranking(f->s, ""), "001:江扬一网格:50.0,002:第二网格:-");
    place(f->s, "330604002007003", "330604002007", "grid", "第三网格");
    assert_string_equal(ranking(f->s, ""), "001:江扬一网格:50.0,002:第二网格:-,003:第三网格:-");
    int64_t e1 = epoch(f->s);
    sql(f->s, "UPDATE indicators SET weight = 0 WHERE code <> 'rework_rate'");
    assert_true(epoch(f->s) > e1);
    /* rework alone: lower is better and there was none */
    assert_string_equal(ranking(f->s, ""), "001:江扬一网格:100.0,002:第二网格:-,003:第三网格:-");
}

/* A level's ranking of 2026-11 as "code:score,..." (the code's last 3 digits). */
static char *level_ranking(struct store *s, const char *level)
{
    static char out[1024];
    struct err e = {0};
    struct arena a;
    struct jsonw w;
    arena_init(&a, 0);
    jw_init(&w, 1u << 20);
    struct db *db = store_acquire(s);
    int rc = govindex_ranking(db, &a, "", level, "2026-11", 0, 0, &w, &e);
    store_release(s, db);
    if (rc != ERR_OK)
        fail_msg("ranking: %s", e.msg);
    json_t *j = json_loadb(w.b.data, w.b.len, 0, NULL), *it;
    size_t i;
    out[0] = '\0';
    json_array_foreach(json_object_get(j, "items"), i, it)
    {
        const char *code = json_string_value(json_object_get(it, "code"));
        json_t *score = json_object_get(it, "score"), *prev = json_object_get(it, "previous");
        size_t n = strlen(out);
        snprintf(out + n, sizeof(out) - n, "%s%s:%.1f/%.1f", i ? "," : "", code + strlen(code) - 3,
                 json_is_number(score) ? json_number_value(score) : -1,
                 json_is_number(prev) ? json_number_value(prev) : -1);
    }
    json_decref(j);
    buf_free(&w.b);
    arena_free(&a);
    return out;
}

/* Each level's ranking as kept or brought up to date must equal the same computed whole
 * (every score moved); how[level] says which way the kept one must have come. */
static const char *const levels[3] = {"grid", "community", "town"};

static void same_as_whole(struct store *s, enum govindex_how grid, enum govindex_how others)
{
    char kept[3][1024];
    for (int l = 0; l < 3; l++) {
        enum govindex_how how = l ? others : grid;
        uint64_t before = govindex_cache_counted(how);
        snprintf(kept[l], sizeof(kept[l]), "%s", level_ranking(s, levels[l]));
        if (govindex_cache_counted(how) != before + 1)
            fail_msg("%s: not %s", levels[l],
                     how == GI_UPDATED ? "brought up to date" : "computed");
    }
    sql(s, "UPDATE index_epoch SET n = n + 1, all_at = n + 1");
    for (int l = 0; l < 3; l++) {
        uint64_t computed = govindex_cache_counted(GI_COMPUTED);
        assert_string_equal(level_ranking(s, levels[l]), kept[l]);
        assert_int_equal(govindex_cache_counted(GI_COMPUTED), computed + 1);
    }
}

/* n cases received at place and instant at, closed of them */
static void cases_at(struct store *s, const char *place, int64_t at, int n, int closed)
{
    struct counter_facts f;
    counter_facts_init(&f, place, at);
    counter_fact_add(&f, n, 1, "case.received");
    counter_fact_add(&f, closed, 0, "case.status.closed");
    counter_fact_add(&f, n - closed, 0, "case.status.in_progress");
    move(s, NULL, &f);
}

#define T_OCT15 (T_NOV15 - 31 * 86400)

static void test_brought_up_to_date(void **state)
{
    struct fixture *f = *state;
    place(f->s, "330604002008", "330604002", "community", "华维社区");
    place(f->s, "330604002008001", "330604002008", "grid", "华维一网格");
    place(f->s, "330604002008002", "330604002008", "grid", "华维二网格");
    place(f->s, "330604003", "330604", "town", "百官街道");
    place(f->s, "330604003001", "330604003", "community", "龙山社区");
    place(f->s, "330604003001001", "330604003001", "grid", "龙山一网格");
    const char *grids[] = {"330604002007001", "330604002007002", "330604002008001",
                           "330604002008002", "330604003001001"};
    for (int i = 0; i < 5; i++) {
        cases_at(f->s, grids[i], T_NOV15, 4 + i, i + 1);
        cases_at(f->s, grids[i], T_OCT15, 3, 3 - i % 3);
    }
    same_as_whole(f->s, GI_COMPUTED, GI_COMPUTED);
    /* a case at a grid logs the grid alone, not its ancestors */
    int64_t e0 = epoch(f->s);
    cases_at(f->s, "330604002008002", T_NOV15, 5, 5);
    assert_int_equal(
        qint(f->s, "SELECT count(*) FROM index_changes WHERE epoch > %lld", (long long)e0), 1);
    char *logged =
        qtext(f->s, "SELECT place_code FROM index_changes WHERE epoch > %lld", (long long)e0);
    assert_string_equal(logged, "330604002008002");
    free(logged);
    same_as_whole(f->s, GI_UPDATED, GI_UPDATED);
    /* October's cases move November's "previous" */
    cases_at(f->s, "330604003001001", T_OCT15, 6, 0);
    same_as_whole(f->s, GI_UPDATED, GI_UPDATED);
    /* a record that moves from one grid to another: both scored again */
    struct counter_facts from, to;
    counter_facts_init(&from, "330604002007001", T_NOV15);
    counter_fact_add(&from, 1, 1, "case.received");
    counter_fact_add(&from, 1, 0, "case.status.closed");
    to = from;
    to.place = "330604003001001";
    move(f->s, &from, &to);
    same_as_whole(f->s, GI_UPDATED, GI_UPDATED);
    /* a record at a community: the grids' scores are kept as they were, the community's and
     * its town's scored again */
    cases_at(f->s, "330604002008", T_NOV15, 3, 0);
    same_as_whole(f->s, GI_UPDATED, GI_UPDATED);
    /* the log pruned past the kept scores: computed whole */
    cases_at(f->s, "330604002007002", T_NOV15, 2, 2);
    sql(f->s, "UPDATE index_epoch SET logged_after = n");
    sql(f->s, "DELETE FROM index_changes");
    same_as_whole(f->s, GI_COMPUTED, GI_COMPUTED);
    /* more places than PATCH_MIN (4) at the grid level in one go: computed whole; the three
     * communities and two towns under them brought up to date */
    for (int i = 0; i < 5; i++)
        cases_at(f->s, grids[i], T_NOV15, 1, 1);
    same_as_whole(f->s, GI_COMPUTED, GI_UPDATED);
}

static int prune_fn(struct db *db, void *arg, struct err *e)
{
    return index_changes_prune(db, 2, arg, e);
}

/* The log keeps the last epochs asked for; logged_after says from where it is whole. */
static void test_prune(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 5; i++)
        cases(f->s, i % 2 ? "330604002007001" : "330604002007002", 1, 1);
    int64_t n = epoch(f->s);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM index_changes"), 5);
    struct err e = {0};
    int64_t deleted = 0;
    if (store_write(f->s, prune_fn, &deleted, &e) != ERR_OK)
        fail_msg("prune: %s", e.msg);
    assert_int_equal(deleted, 3);
    assert_int_equal(qint(f->s, "SELECT logged_after FROM index_epoch"), n - 2);
    assert_int_equal(qint(f->s, "SELECT min(epoch) FROM index_changes"), n - 1);
    if (store_write(f->s, prune_fn, &deleted, &e) != ERR_OK)
        fail_msg("prune: %s", e.msg);
    assert_int_equal(deleted, 0);
    /* a place's or an indicator's change moves every score: all_at */
    sql(f->s, "UPDATE places SET name = '江扬一网格' WHERE code = '330604002007001'");
    assert_int_equal(qint(f->s, "SELECT all_at FROM index_epoch"), epoch(f->s));
}

/* A rebuild that changed rows moves it; one that found nothing to change does not. */
static int rebuild_fn(struct db *db, void *arg, struct err *e)
{
    struct arena a;
    int64_t *ndiff = arg;
    arena_init(&a, 0);
    int rc = govindex_counters_rebuild(db, &a, NULL, 0, ndiff, e);
    arena_free(&a);
    return rc;
}

static void test_rebuild_moves_it(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    int64_t ndiff = 0;
    cases(f->s, "330604002007001", 2, 2);
    int64_t e0 = epoch(f->s);
    /* the counters were made without records: the rebuild takes them away */
    if (store_write(f->s, rebuild_fn, &ndiff, &e) != ERR_OK)
        fail_msg("rebuild: %s", e.msg);
    assert_true(ndiff > 0);
    int64_t e1 = epoch(f->s);
    assert_true(e1 > e0);
    if (store_write(f->s, rebuild_fn, &ndiff, &e) != ERR_OK)
        fail_msg("rebuild: %s", e.msg);
    assert_int_equal(ndiff, 0);
    assert_int_equal(epoch(f->s), e1);
}

/* A database made again does not start where the last one was. */
static void test_new_database_starts_elsewhere(void **state)
{
    struct fixture *f = *state;
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/gridgov-test-icache.XXXXXX");
    assert_non_null(mkdtemp(dir));
    struct store *other = open_store(dir, NULL, 0);
    assert_non_null(other);
    char *a = qtext(other, "SELECT n FROM index_epoch"),
         *b = qtext(f->s, "SELECT n FROM index_epoch");
    assert_string_not_equal(a, b);
    free(a);
    free(b);
    store_close(other);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* One job that moves the counters of n grids (330604002007001 ...). */
static int grids_fn(struct db *db, void *arg, struct err *e)
{
    int n = *(const int *)arg, rc = ERR_OK;
    for (int i = 1; i <= n && rc == ERR_OK; i++) {
        char code[24];
        struct counter_facts f;
        snprintf(code, sizeof(code), "330604002007%03d", i % 1000);
        counter_facts_init(&f, code, T_NOV15);
        counter_fact_add(&f, 1, 1, "case.received");
        rc = counters_move(db, NULL, &f, e);
    }
    return rc;
}

/* Inside a group commit the merged rows move it once, and log the batch's places: up to
 * INDEX_CHANGES_MAX of them, beyond that every score moves. */
static void test_batch_moves_it(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    counters_batch_install();
    int64_t e0 = epoch(f->s);
    cases(f->s, "330604002007001", 3, 3);
    assert_true(epoch(f->s) > e0);
    assert_string_equal(ranking(f->s, ""), "001:第一网格:50.0,002:第二网格:-");
    int n = INDEX_CHANGES_MAX;
    if (store_write(f->s, grids_fn, &n, &e) != ERR_OK)
        fail_msg("moves: %s", e.msg);
    int64_t e1 = epoch(f->s), all = qint(f->s, "SELECT all_at FROM index_epoch");
    assert_true(all < e1);
    assert_int_equal(
        qint(f->s, "SELECT count(*) FROM index_changes WHERE epoch = %lld", (long long)e1),
        INDEX_CHANGES_MAX);
    n = INDEX_CHANGES_MAX + 1;
    if (store_write(f->s, grids_fn, &n, &e) != ERR_OK)
        fail_msg("moves: %s", e.msg);
    assert_int_equal(qint(f->s, "SELECT all_at FROM index_epoch"), epoch(f->s));
    assert_int_equal(
        qint(f->s, "SELECT count(*) FROM index_changes WHERE epoch > %lld", (long long)e1), 0);
}

/* The cache alone: up to 16 levels and periods, the least recently used dropped first; an
 * epoch's entries go when another epoch's are kept; a scope is a filter. */
static int kept(int64_t epoch, const char *period, const char *root)
{
    struct arena a;
    struct place_score *out;
    int n = -1;
    arena_init(&a, 0);
    if (!govindex_cache_get(epoch, "grid", period, root, &a, &out, &n))
        n = -1;
    arena_free(&a);
    return n;
}

static void test_cache_alone(void **state)
{
    (void)state;
    const struct place_score two[] = {{"330604002007002", "第二网格", 80, 70},
                                      {"330604002008001", "第一网格", 60, -1}};
    char period[16];
    for (int i = 0; i < 16; i++) {
        snprintf(period, sizeof(period), "%d-%02d", 2024 + i / 12, i % 12 + 1);
        govindex_cache_put(7, "grid", period, two, 2);
    }
    assert_int_equal(kept(7, "2024-01", ""), 2);
    assert_int_equal(kept(7, "2024-01", "330604002007"), 1);
    assert_int_equal(kept(7, "2024-01", "330604009"), 0);
    assert_int_equal(kept(8, "2024-01", ""), -1); /* another epoch */
    /* a seventeenth: the least recently used (2024-02, as 2024-01 was just read) goes */
    govindex_cache_put(7, "grid", "2026-01", two, 2);
    assert_int_equal(kept(7, "2024-02", ""), -1);
    assert_int_equal(kept(7, "2024-01", ""), 2);
    assert_int_equal(kept(7, "2026-01", ""), 2);
    /* a later epoch's scores of a level and period replace the earlier ones; the others stay,
     * served at their own epoch only, and are the base to bring up to date */
    govindex_cache_put(9, "grid", "2026-01", two, 1);
    assert_int_equal(kept(9, "2026-01", ""), 1);
    assert_int_equal(kept(7, "2026-01", ""), -1);
    assert_int_equal(kept(7, "2024-01", ""), 2);
    assert_int_equal(kept(9, "2024-01", ""), -1);
    struct arena b;
    struct place_score *base;
    int64_t at = 0;
    int nb = 0;
    arena_init(&b, 0);
    assert_true(govindex_cache_latest("grid", "2024-01", 0, 8, &b, &at, &base, &nb));
    assert_int_equal(at, 7);
    assert_int_equal(nb, 2);
    assert_string_equal(base[1].name, "第一网格");
    assert_false(govindex_cache_latest("community", "2024-01", 0, 8, &b, &at, &base, &nb));
    assert_false(govindex_cache_latest("grid", "2024-01", 8, 9, &b, &at, &base, &nb)); /* older */
    arena_free(&b);
    /* nothing ranked is kept too */
    govindex_cache_put(9, "town", "2026-01", NULL, 0);
    struct arena a;
    struct place_score *out;
    int n = -1;
    arena_init(&a, 0);
    assert_true(govindex_cache_get(9, "town", "2026-01", "", &a, &out, &n));
    assert_int_equal(n, 0);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest sqlite_tests[] = {
        cmocka_unit_test(test_cache_alone),
        cmocka_unit_test_setup_teardown(test_kept_until_the_epoch_moves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_places_and_indicators_move_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rebuild_moves_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_brought_up_to_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_database_starts_elsewhere, setup, teardown),
        /* last: it installs the batch hooks for the rest of the process */
        cmocka_unit_test_setup_teardown(test_batch_moves_it, setup, teardown),
    };
    const struct CMUnitTest pg_tests[] = {
        cmocka_unit_test_setup_teardown(test_kept_until_the_epoch_moves, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_places_and_indicators_move_it, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_rebuild_moves_it, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_brought_up_to_date, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_prune, setup_pg, teardown),
    };
    int failed = cmocka_run_group_tests_name("govindex_cache/sqlite", sqlite_tests, NULL, NULL);
    pg_dsn = getenv("GRIDGOV_TEST_PG");
    if (pg_dsn == NULL) {
        print_message(
            "govindex_cache/postgres: skipped (set GRIDGOV_TEST_PG to a PostgreSQL DSN)\n");
        return failed;
    }
    return failed + cmocka_run_group_tests_name("govindex_cache/postgres", pg_tests, NULL, NULL);
}
