/* test_store.c - the storage layer (src/store/) against a temporary SQLite file and, when
 * GRIDGOV_TEST_PG holds a PostgreSQL DSN, against that database too (it is wiped first):
 * migrations, parameter round trips, constraint errors mapped to ERR_* codes, and store_write's
 * promise that a failing callback undoes only its own work while the others commit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/embed.h"
#include "store/store.h"

/* ---- fixture: one fresh store per test ---- */

struct backend {
    const char *name; /* "sqlite" or "postgres" */
    char dsn[512];
    char dir[64]; /* SQLite: the temporary directory */
    struct store *s;
};

static struct backend sqlite_backend = {.name = "sqlite"};
static struct backend pg_backend = {.name = "postgres"};

static struct store *open_store(struct backend *b, int readers)
{
    struct store_config cfg = {.dsn = b->dsn, .readers = readers};
    struct err e = {0};
    struct store *s = store_open(&cfg, &e);
    if (s == NULL)
        fail_msg("store_open(%s): %s", b->dsn, e.msg);
    return s;
}

static int setup(void **state)
{
    struct backend *b = *state;
    if (strcmp(b->name, "sqlite") == 0) {
        snprintf(b->dir, sizeof(b->dir), "/tmp/gridgov-test-store.XXXXXX");
        if (mkdtemp(b->dir) == NULL)
            return -1;
        snprintf(b->dsn, sizeof(b->dsn), "sqlite:%s/test.db", b->dir);
    } else {
        /* start from an empty database: open (migrates), drop everything, open again */
        struct err e = {0};
        struct store *s = open_store(b, 2);
        if (store_wipe(s, &e) != ERR_OK) {
            print_error("store_wipe: %s\n", e.msg);
            store_close(s);
            return -1;
        }
        store_close(s);
    }
    b->s = open_store(b, 8);
    return 0;
}

static void remove_sqlite_files(struct backend *b)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        char path[600];
        snprintf(path, sizeof(path), "%s/test.db%s", b->dir, suffixes[i]);
        unlink(path);
    }
    rmdir(b->dir);
}

static int teardown(void **state)
{
    struct backend *b = *state;
    store_close(b->s);
    b->s = NULL;
    if (strcmp(b->name, "sqlite") == 0)
        remove_sqlite_files(b);
    return 0;
}

/* ---- helpers ---- */

/* Run one query on a read connection; the rows live in a. */
static int query(struct store *s, struct arena *a, struct dbrows *r, const char *sql,
                 const struct dbv *p, int np)
{
    struct err e = {0};
    struct db *db = store_acquire(s);
    int rc = db_query(db, a, r, &e, sql, p, np);
    store_release(s, db);
    if (rc != ERR_OK)
        fail_msg("%s: %s", sql, e.msg);
    return rc;
}

static int64_t count_where(struct store *s, const char *sql, const struct dbv *p, int np)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    query(s, &a, &r, sql, p, np);
    assert_int_equal(r.nrows, 1);
    int64_t n = dbrows_int(&r, 0, 0);
    arena_free(&a);
    return n;
}

static int setting_exists(struct store *s, const char *key)
{
    return (int)count_where(s, "SELECT count(*) FROM settings WHERE key = ?", DB_ARGS(DBS(key)));
}

/* A callback that runs a script given as ctx. */
static int script_fn(struct db *db, void *ctx, struct err *e)
{
    return db_script(db, e, ctx);
}

static int insert_setting(struct db *db, const char *key, struct err *e)
{
    int rc = db_exec(db, e, "INSERT INTO settings (key, value) VALUES (?, ?)",
                     DB_ARGS(DBS(key), DBS("v")));
    return rc < 0 ? rc : ERR_OK;
}

/* ---- migrations ---- */

static void test_open_migrates(void **state)
{
    struct backend *b = *state;
    struct arena a;
    struct dbrows r;
    char suffix[32];
    assert_string_equal(store_backend(b->s), b->name);
    snprintf(suffix, sizeof(suffix), ".%s.sql", strcmp(b->name, "sqlite") == 0 ? "sqlite" : "pg");

    /* every embedded migration of this backend is recorded once, starting with version 1 */
    int want = 0;
    for (int i = 0; i < schema_files_count; i++) {
        const char *n = schema_files[i].name;
        size_t len = strlen(n), sl = strlen(suffix);
        if (len >= sl && strcmp(n + len - sl, suffix) == 0)
            want++;
    }
    assert_true(want >= 1);
    arena_init(&a, 0);
    query(b->s, &a, &r, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version",
          DB_NOARGS);
    assert_int_equal(r.nrows, want);
    assert_int_equal(dbrows_int(&r, 0, 0), 1);
    char name1[64];
    snprintf(name1, sizeof(name1), "001_init%s", suffix);
    assert_string_equal(dbrows_get(&r, 0, 1), name1);
    assert_true(dbrows_int(&r, 0, 2) > 1700000000);
    for (int i = 1; i < r.nrows; i++)
        assert_true(dbrows_int(&r, i, 0) > dbrows_int(&r, i - 1, 0));
    arena_free(&a);

    /* the schema is there */
    assert_int_equal(count_where(b->s, "SELECT count(*) FROM places", DB_NOARGS), 0);
    assert_int_equal(count_where(b->s, "SELECT count(*) FROM settings", DB_NOARGS), 0);

    /* opening again applies nothing twice and keeps the data */
    struct err e = {0};
    assert_int_equal(store_write(b->s, script_fn,
                                 "INSERT INTO settings (key, value) VALUES ('kept', 'yes')", &e),
                     ERR_OK);
    store_close(b->s);
    b->s = open_store(b, 2);
    assert_int_equal(count_where(b->s, "SELECT count(*) FROM schema_migrations", DB_NOARGS), want);
    assert_int_equal(setting_exists(b->s, "kept"), 1);
}

static void test_open_errors(void **state)
{
    (void)state;
    struct err e = {0};
    struct store_config cfg = {.dsn = "mysql://localhost/gridgov"};
    assert_null(store_open(&cfg, &e));
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "db");

    memset(&e, 0, sizeof(e));
    cfg.dsn = "sqlite:/nonexistent-dir/gridgov/test.db";
    assert_null(store_open(&cfg, &e));
    assert_int_equal(e.code, ERR_STORE);
}

/* ---- db_exec / db_query ---- */

static int roundtrip_fn(struct db *db, void *ctx, struct err *e)
{
    (void)ctx;
    int rc = db_script(db, e, "CREATE TABLE gg_t (i BIGINT, s TEXT, n TEXT)");
    if (rc != ERR_OK)
        return rc;
    rc = db_exec(db, e, "INSERT INTO gg_t (i, s, n) VALUES (?, ?, ?)",
                 DB_ARGS(DBI(INT64_C(1234567890123)), DBS("网格 'quoted' ? \\ %"), DBNULL));
    if (rc != 1)
        return rc < 0 ? rc : err_set(e, ERR_INTERNAL, NULL, "insert changed %d rows", rc);
    const char *none = NULL;
    rc = db_exec(db, e, "INSERT INTO gg_t (i, s, n) VALUES (?, ?, ?)",
                 DB_ARGS(DBI(INT64_MIN), DBS(none), DBS("")));
    if (rc != 1)
        return rc < 0 ? rc : err_set(e, ERR_INTERNAL, NULL, "insert changed %d rows", rc);
    rc = db_exec(db, e, "INSERT INTO gg_t (i, s, n) VALUES (?, ?, ?)",
                 DB_ARGS(DBI(INT64_MAX), DBS("x"), DBS("y")));
    if (rc != 1)
        return rc < 0 ? rc : err_set(e, ERR_INTERNAL, NULL, "insert changed %d rows", rc);
    /* db_exec returns the number of changed rows */
    rc = db_exec(db, e, "UPDATE gg_t SET n = n WHERE n IS NOT NULL", DB_NOARGS);
    if (rc != 2)
        return rc < 0 ? rc : err_set(e, ERR_INTERNAL, NULL, "update changed %d rows", rc);
    rc = db_exec(db, e, "DELETE FROM gg_t WHERE i = ?", DB_ARGS(DBI(42)));
    if (rc != 0)
        return rc < 0 ? rc : err_set(e, ERR_INTERNAL, NULL, "delete changed %d rows", rc);
    return ERR_OK;
}

static int many_fn(struct db *db, void *ctx, struct err *e)
{
    (void)ctx;
    for (int i = 1; i <= 1000; i++) {
        int rc =
            db_exec(db, e, "INSERT INTO gg_t (i, s) VALUES (?, ?)", DB_ARGS(DBI(i), DBS("row")));
        if (rc < 0)
            return rc;
    }
    return ERR_OK;
}

static void test_exec_query_roundtrip(void **state)
{
    struct backend *b = *state;
    struct err e = {0};
    struct arena a;
    struct dbrows r, r2;
    if (store_write(b->s, roundtrip_fn, NULL, &e) != ERR_OK)
        fail_msg("roundtrip_fn: %s", e.msg);

    arena_init(&a, 0);
    query(b->s, &a, &r, "SELECT i, s, n FROM gg_t ORDER BY i", DB_NOARGS);
    assert_int_equal(r.nrows, 3);
    assert_int_equal(r.ncols, 3);
    assert_string_equal(r.names[0], "i");
    assert_string_equal(r.names[1], "s");
    assert_string_equal(r.names[2], "n");
    /* DBI: int64 extremes survive */
    assert_string_equal(dbrows_get(&r, 0, 0), "-9223372036854775808");
    assert_true(dbrows_int(&r, 0, 0) == INT64_MIN);
    assert_true(dbrows_int(&r, 1, 0) == INT64_C(1234567890123));
    assert_true(dbrows_int(&r, 2, 0) == INT64_MAX);
    /* DBS(NULL) and DBNULL are SQL NULL, distinct from the empty string */
    assert_null(dbrows_get(&r, 0, 1));
    assert_string_equal(dbrows_get(&r, 0, 2), "");
    assert_null(dbrows_get(&r, 1, 2));
    assert_int_equal(dbrows_int(&r, 1, 2), 0);
    /* text with quotes, '?', backslash and UTF-8 is bound, not spliced */
    assert_string_equal(dbrows_get(&r, 1, 1), "网格 'quoted' ? \\ %");

    /* parameters select; a '?' inside a string literal is not a parameter */
    query(b->s, &a, &r2, "SELECT s FROM gg_t WHERE s <> '?' AND i = ?", DB_ARGS(DBI(INT64_MAX)));
    assert_int_equal(r2.nrows, 1);
    assert_string_equal(dbrows_get(&r2, 0, 0), "x");
    query(b->s, &a, &r2, "SELECT i FROM gg_t WHERE s = ?", DB_ARGS(DBS("网格 'quoted' ? \\ %")));
    assert_int_equal(r2.nrows, 1);

    /* no rows: the columns are still known */
    query(b->s, &a, &r2, "SELECT i, s FROM gg_t WHERE i = ?", DB_ARGS(DBI(7)));
    assert_int_equal(r2.nrows, 0);
    assert_int_equal(r2.ncols, 2);

    /* rows are copies: running the same statement again does not change earlier results */
    query(b->s, &a, &r2, "SELECT i, s, n FROM gg_t ORDER BY i", DB_NOARGS);
    query(b->s, &a, &r2, "SELECT i, s, n FROM gg_t WHERE i = ? ORDER BY i", DB_ARGS(DBI(0)));
    assert_string_equal(dbrows_get(&r, 2, 1), "x");
    assert_string_equal(dbrows_get(&r, 2, 2), "y");

    /* many rows (the result grows past its first allocation) */
    arena_free(&a);
    arena_init(&a, 0);
    assert_int_equal(store_write(b->s, many_fn, NULL, &e), ERR_OK);
    query(b->s, &a, &r, "SELECT i, s FROM gg_t WHERE i >= 1 AND i <= 1000 ORDER BY i", DB_NOARGS);
    assert_int_equal(r.nrows, 1000);
    for (int i = 0; i < r.nrows; i++) {
        assert_int_equal(dbrows_int(&r, i, 0), i + 1);
        assert_string_equal(dbrows_get(&r, i, 1), "row");
    }
    arena_free(&a);
}

static void test_query_errors(void **state)
{
    struct backend *b = *state;
    struct arena a;
    struct dbrows r;
    struct err e = {0};
    arena_init(&a, 0);
    struct db *db = store_acquire(b->s);
    /* a syntax error or a missing table is a storage error, not a crash */
    int rc = db_query(db, &a, &r, &e, "SELEC 1", DB_NOARGS);
    assert_true(rc < 0);
    assert_int_equal(e.code, rc);
    memset(&e, 0, sizeof(e));
    rc = db_query(db, &a, &r, &e, "SELECT * FROM no_such_table", DB_NOARGS);
    assert_true(rc < 0);
    /* the connection still works afterwards */
    rc = db_query(db, &a, &r, &e, "SELECT count(*) FROM places", DB_NOARGS);
    assert_int_equal(rc, ERR_OK);
    store_release(b->s, db);
    arena_free(&a);
}

/* ---- constraint errors ---- */

struct two_inserts {
    const char *first, *second;
    int rc_second;
    struct err e_second;
};

static int two_inserts_fn(struct db *db, void *ctx, struct err *e)
{
    struct two_inserts *t = ctx;
    int rc = insert_setting(db, t->first, e);
    if (rc != ERR_OK)
        return rc;
    t->rc_second = insert_setting(db, t->second, &t->e_second);
    *e = t->e_second;
    return t->rc_second;
}

static void test_unique_conflict(void **state)
{
    struct backend *b = *state;
    struct err e = {0};
    struct two_inserts t = {.first = "dup", .second = "dup"};
    assert_int_equal(store_write(b->s, two_inserts_fn, &t, &e), ERR_CONFLICT);
    assert_int_equal(t.rc_second, ERR_CONFLICT);
    assert_int_equal(e.code, ERR_CONFLICT);
    /* the column is named */
    assert_string_equal(t.e_second.field, "key");
    /* the callback failed: its first insert is gone too */
    assert_int_equal(setting_exists(b->s, "dup"), 0);

    /* against a committed row */
    assert_int_equal(
        store_write(b->s, script_fn, "INSERT INTO settings (key, value) VALUES ('one', '1')", &e),
        ERR_OK);
    struct two_inserts t2 = {.first = "two", .second = "one"};
    memset(&e, 0, sizeof(e));
    assert_int_equal(store_write(b->s, two_inserts_fn, &t2, &e), ERR_CONFLICT);
    assert_int_equal(setting_exists(b->s, "one"), 1);
    assert_int_equal(setting_exists(b->s, "two"), 0);

    /* a composite unique key (compounds: community_code, name) */
    struct err e2 = {0};
    assert_int_equal(store_write(b->s, script_fn,
                                 "INSERT INTO places (code, parent_code, level, kind, name, "
                                 "county, created_at, updated_at) VALUES ('330604', NULL, "
                                 "'district', 'district', 'd', '330604', 1, 1), ('330604002', "
                                 "'330604', 'town', 'street', 't', '330604', 1, 1), "
                                 "('330604002007', '330604002', 'community', 'community', 'c', "
                                 "'330604', 1, 1)",
                                 &e2),
                     ERR_OK);
    const char *compound = "INSERT INTO compounds (county, community_code, name, created_at, "
                           "updated_at) VALUES ('330604', '330604002007', '锦绣小区', 1, 1)";
    assert_int_equal(store_write(b->s, script_fn, (void *)compound, &e2), ERR_OK);
    memset(&e2, 0, sizeof(e2));
    assert_int_equal(store_write(b->s, script_fn, (void *)compound, &e2), ERR_CONFLICT);
    assert_int_equal(e2.code, ERR_CONFLICT);
}

struct one_exec {
    const char *sql;
    int rc;
    struct err e;
};

static int one_exec_fn(struct db *db, void *ctx, struct err *e)
{
    struct one_exec *x = ctx;
    x->rc = db_exec(db, &x->e, x->sql, DB_NOARGS);
    *e = x->e;
    return x->rc < 0 ? x->rc : ERR_OK;
}

static void expect_exec_error(struct store *s, const char *sql, int want)
{
    struct one_exec x = {.sql = sql};
    struct err e = {0};
    int rc = store_write(s, one_exec_fn, &x, &e);
    if (x.rc != want || rc != want)
        fail_msg("%s: db_exec gave %d, store_write %d, want %d (%s)", sql, x.rc, rc, want, x.e.msg);
    assert_int_equal(x.e.code, want);
}

static void test_fk_and_checks_invalid(void **state)
{
    struct backend *b = *state;
    /* foreign keys are enforced and map to ERR_INVALID */
    expect_exec_error(b->s,
                      "INSERT INTO places (code, parent_code, level, kind, name, county, "
                      "created_at, updated_at) VALUES ('330604002', '999999', 'town', 'street', "
                      "'t', '330604', 1, 1)",
                      ERR_INVALID);
    expect_exec_error(b->s,
                      "INSERT INTO compounds (county, community_code, name, created_at, "
                      "updated_at) VALUES ('330604', '330604002007', 'x', 1, 1)",
                      ERR_INVALID);
    /* CHECK and NOT NULL are validation errors as well */
    expect_exec_error(b->s,
                      "INSERT INTO places (code, parent_code, level, kind, name, county, "
                      "created_at, updated_at) VALUES ('330604', NULL, 'county', 'district', "
                      "'d', '330604', 1, 1)",
                      ERR_INVALID);
    expect_exec_error(b->s,
                      "INSERT INTO places (code, parent_code, level, kind, name, county, "
                      "created_at, updated_at) VALUES ('330604', NULL, 'district', 'district', "
                      "NULL, '330604', 1, 1)",
                      ERR_INVALID);
    assert_int_equal(count_where(b->s, "SELECT count(*) FROM places", DB_NOARGS), 0);
    assert_int_equal(count_where(b->s, "SELECT count(*) FROM compounds", DB_NOARGS), 0);
}

/* ---- store_write: a failure undoes only its own work ---- */

struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int started, released, queued;
};

struct job {
    struct store *s;
    struct gate *g;
    const char *key;
    const char *dup; /* also insert this key (a conflict if it exists) */
    int fail;        /* return ERR_INVALID after inserting */
    int block;       /* wait for the gate after inserting */
    int rc;
    struct err e;
    pthread_t th;
};

static int job_fn(struct db *db, void *ctx, struct err *e)
{
    struct job *j = ctx;
    int rc = insert_setting(db, j->key, e);
    if (rc != ERR_OK)
        return rc;
    if (j->block) {
        pthread_mutex_lock(&j->g->mu);
        j->g->started = 1;
        pthread_cond_broadcast(&j->g->cv);
        while (!j->g->released)
            pthread_cond_wait(&j->g->cv, &j->g->mu);
        pthread_mutex_unlock(&j->g->mu);
    }
    if (j->dup && (rc = insert_setting(db, j->dup, e)) != ERR_OK)
        return rc;
    if (j->fail)
        return err_set(e, ERR_INVALID, "fail", "job %s fails on purpose", j->key);
    return ERR_OK;
}

static void *job_thread(void *arg)
{
    struct job *j = arg;
    if (!j->block) {
        pthread_mutex_lock(&j->g->mu);
        j->g->queued++;
        pthread_cond_broadcast(&j->g->cv);
        pthread_mutex_unlock(&j->g->mu);
    }
    j->rc = store_write(j->s, job_fn, j, &j->e);
    return NULL;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_write_failure_isolated_in_batch(void **state)
{
    struct backend *b = *state;
    struct gate g = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    /* A holds the writer; B..E queue behind it and (on SQLite) share the next transaction */
    struct job jobs[] = {
        {.key = "A", .block = 1},
        {.key = "B"},
        {.key = "C", .fail = 1},  /* inserts, then fails */
        {.key = "D", .dup = "A"}, /* inserts, then a unique conflict with A */
        {.key = "E"},
    };
    const int n = (int)(sizeof(jobs) / sizeof(jobs[0]));
    struct store_stats before, after;
    store_stats_get(b->s, &before);

    jobs[0].s = b->s;
    jobs[0].g = &g;
    assert_int_equal(pthread_create(&jobs[0].th, NULL, job_thread, &jobs[0]), 0);
    pthread_mutex_lock(&g.mu);
    while (!g.started)
        pthread_cond_wait(&g.cv, &g.mu);
    pthread_mutex_unlock(&g.mu);
    for (int i = 1; i < n; i++) {
        jobs[i].s = b->s;
        jobs[i].g = &g;
        assert_int_equal(pthread_create(&jobs[i].th, NULL, job_thread, &jobs[i]), 0);
        /* keep the queue order B, C, D, E */
        pthread_mutex_lock(&g.mu);
        while (g.queued < i)
            pthread_cond_wait(&g.cv, &g.mu);
        pthread_mutex_unlock(&g.mu);
        sleep_ms(20);
    }
    sleep_ms(200); /* the last one is in the queue by now */
    pthread_mutex_lock(&g.mu);
    g.released = 1;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    for (int i = 0; i < n; i++)
        pthread_join(jobs[i].th, NULL);
    store_stats_get(b->s, &after);

    assert_int_equal(jobs[0].rc, ERR_OK);
    assert_int_equal(jobs[1].rc, ERR_OK);
    assert_int_equal(jobs[2].rc, ERR_INVALID);
    assert_int_equal(jobs[2].e.code, ERR_INVALID);
    assert_string_equal(jobs[2].e.field, "fail");
    assert_int_equal(jobs[3].rc, ERR_CONFLICT);
    assert_int_equal(jobs[3].e.code, ERR_CONFLICT);
    assert_int_equal(jobs[4].rc, ERR_OK);
    assert_int_equal(setting_exists(b->s, "A"), 1);
    assert_int_equal(setting_exists(b->s, "B"), 1);
    assert_int_equal(setting_exists(b->s, "C"), 0);
    assert_int_equal(setting_exists(b->s, "D"), 0);
    assert_int_equal(setting_exists(b->s, "E"), 1);
    assert_int_equal(count_where(b->s, "SELECT count(*) FROM settings", DB_NOARGS), 3);

    assert_int_equal(after.writes - before.writes, (uint64_t)n);
    if (strcmp(b->name, "sqlite") == 0) {
        /* one transaction for A, one for B..E together */
        assert_int_equal(after.batched_jobs - before.batched_jobs, (uint64_t)n);
        assert_int_equal(after.commits - before.commits, 2);
    }
}

/* ---- store_write under concurrency ---- */

#define THREADS 8
#define WRITES 50

struct worker {
    struct store *s;
    pthread_barrier_t *start;
    int id;
    int rc[WRITES];
    pthread_t th;
};

struct cw_ctx {
    int id, i;
};

/* Which calls fail: every 5th after inserting, every 10th by a unique conflict. */
static int cw_fails(int i)
{
    return i % 5 == 3 || i % 10 == 9;
}

static int cw_fn(struct db *db, void *arg, struct err *e)
{
    struct cw_ctx *c = arg;
    char key[32];
    snprintf(key, sizeof(key), "t%d-%02d", c->id, c->i);
    int rc = insert_setting(db, key, e);
    if (rc != ERR_OK)
        return rc;
    if (c->i % 5 == 3)
        return err_set(e, ERR_INVALID, NULL, "fails on purpose");
    if (c->i % 10 == 9) {
        snprintf(key, sizeof(key), "t%d-%02d", c->id, 0); /* committed by call 0 */
        return insert_setting(db, key, e);
    }
    return ERR_OK;
}

static void *cw_thread(void *arg)
{
    struct worker *w = arg;
    pthread_barrier_wait(w->start);
    for (int i = 0; i < WRITES; i++) {
        struct cw_ctx c = {w->id, i};
        struct err e = {0};
        w->rc[i] = store_write(w->s, cw_fn, &c, &e);
        if (w->rc[i] != ERR_OK && e.code != w->rc[i])
            w->rc[i] = 12345; /* the error detail must match the code */
    }
    return NULL;
}

static void test_concurrent_writes(void **state)
{
    struct backend *b = *state;
    struct worker w[THREADS];
    pthread_barrier_t start;
    struct store_stats before, after;
    int want_ok = 0;

    store_stats_get(b->s, &before);
    pthread_barrier_init(&start, NULL, THREADS);
    for (int t = 0; t < THREADS; t++) {
        w[t] = (struct worker){.s = b->s, .start = &start, .id = t};
        assert_int_equal(pthread_create(&w[t].th, NULL, cw_thread, &w[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(w[t].th, NULL);
    pthread_barrier_destroy(&start);
    store_stats_get(b->s, &after);
    for (int i = 0; i < WRITES; i++)
        want_ok += !cw_fails(i);
    want_ok *= THREADS;
    assert_int_equal(after.writes - before.writes, THREADS * WRITES);

    for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < WRITES; i++) {
            int want = i % 5 == 3 ? ERR_INVALID : i % 10 == 9 ? ERR_CONFLICT : ERR_OK;
            if (w[t].rc[i] != want)
                fail_msg("thread %d call %d: rc %d, want %d", t, i, w[t].rc[i], want);
        }
    }
    /* exactly the successful calls' rows, and each of them */
    assert_int_equal(
        count_where(b->s, "SELECT count(*) FROM settings WHERE key LIKE 't%'", DB_NOARGS), want_ok);
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    query(b->s, &a, &r, "SELECT key FROM settings WHERE key LIKE 't%' ORDER BY key", DB_NOARGS);
    int k = 0;
    for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < WRITES; i++) {
            if (cw_fails(i))
                continue;
            char key[32];
            snprintf(key, sizeof(key), "t%d-%02d", t, i);
            assert_true(k < r.nrows);
            assert_string_equal(dbrows_get(&r, k, 0), key);
            k++;
        }
    }
    arena_free(&a);

    uint64_t writes = after.writes - before.writes, commits = after.commits - before.commits;
    print_message("%s: %llu writes, %llu commits (%.1f jobs per commit)\n", b->name,
                  (unsigned long long)writes, (unsigned long long)commits,
                  commits ? (double)writes / (double)commits : 0.0);
    assert_true(commits >= 1);
    assert_true(commits <= writes);
    if (strcmp(b->name, "sqlite") == 0)
        assert_int_equal(after.batched_jobs - before.batched_jobs, writes);
}

/* ---- wipe ---- */

/* An older table that a later migration made refer to a newer one (007: enterprises name
 * platforms) holds a reference: dropping the newer table first must not fail the wipe (the
 * demo clears a database the API tests used this way). */
static int referring_rows_fn(struct db *db, void *ctx, struct err *e)
{
    (void)ctx;
    int rc = db_script(db, e,
                       "INSERT INTO places (code, level, kind, name, county, created_at, "
                       "updated_at) VALUES ('330604', 'district', 'district', '上虞区', '330604', "
                       "0, 0);"
                       "INSERT INTO platforms (id, name, kind, place_code, created_at, "
                       "updated_at) VALUES (1, '杭州湾上虞经济技术开发区', 'zone', '330604', 0, 0);"
                       "INSERT INTO enterprises (id, county, credit_code, name, industry, "
                       "place_code, platform_id, created_at, updated_at) VALUES (1, '330604', "
                       "'x', '浙江扬帆新材料股份有限公司', 'C', '330604', 1, 0, 0)");
    return rc;
}

static void test_wipe_with_references(void **state)
{
    struct backend *b = *state;
    struct err e = {0};
    struct arena a;
    struct dbrows r;
    if (store_write(b->s, referring_rows_fn, NULL, &e) != ERR_OK)
        fail_msg("referring_rows_fn: %s", e.msg);
    if (store_wipe(b->s, &e) != ERR_OK)
        fail_msg("store_wipe: %s", e.msg);
    arena_init(&a, 0);
    struct db *db = store_acquire(b->s);
    int rc = db_query(db, &a, &r, &e, "SELECT count(*) FROM enterprises", NULL, 0);
    store_release(b->s, db);
    assert_int_not_equal(rc, ERR_OK); /* the table is gone */
    arena_free(&a);
}

/* ---- runner ---- */

/* each test gets a fresh store of backend b */
#define T(f, b) cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, &(b))
#define BACKEND_TESTS(b)                                                                           \
    T(test_open_migrates, b), T(test_exec_query_roundtrip, b), T(test_query_errors, b),            \
        T(test_unique_conflict, b), T(test_fk_and_checks_invalid, b),                              \
        T(test_write_failure_isolated_in_batch, b), T(test_concurrent_writes, b),                  \
        T(test_wipe_with_references, b)

int main(void)
{
    const struct CMUnitTest sqlite_tests[] = {
        cmocka_unit_test(test_open_errors),
        BACKEND_TESTS(sqlite_backend),
    };
    const struct CMUnitTest pg_tests[] = {
        BACKEND_TESTS(pg_backend),
    };
    int failed = cmocka_run_group_tests_name("store/sqlite", sqlite_tests, NULL, NULL);
    const char *pg = getenv("GRIDGOV_TEST_PG");
    if (pg == NULL || pg[0] == '\0') {
        print_message("store/postgres: skipped (set GRIDGOV_TEST_PG to a PostgreSQL DSN)\n");
        return failed;
    }
    snprintf(pg_backend.dsn, sizeof(pg_backend.dsn), "%s", pg);
    failed += cmocka_run_group_tests_name("store/postgres", pg_tests, NULL, NULL);
    return failed;
}
