/* test_session.c - the session cache never answers past a session's expiry, and login attempts
 * are reserved atomically so parallel wrong passwords cannot pass the throttle. */
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

#include "core/util.h"
#include "domain/user.h"
#include "testdb.h"

struct fixture {
    char dir[64];
    struct store *s;
};

static int store_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct err e = {0};
    char dsn[128];
    snprintf(f->dir, sizeof(f->dir), "/tmp/gridgov-test-session.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(dsn, sizeof(dsn), "sqlite:%s/t.db", f->dir);
    struct store_config cfg = {.dsn = dsn, .readers = 4};
    if ((f->s = store_open(&cfg, &e)) == NULL) {
        fprintf(stderr, "store_open: %s\n", e.msg);
        return -1;
    }
    sql(f->s, "INSERT INTO users (id, username, display_name, pw_hash, created_at, updated_at) "
              "VALUES (7, 'clerk', 'Clerk', 'x', 0, 0)");
    session_cache_clear();
    *state = f;
    return 0;
}

static int store_teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    session_cache_clear();
    store_close(f->s);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", f->dir);
    free(f);
    return 0;
}

static const char *const TH = "ab12000000000000000000000000000000000000000000000000000000000000";

/* A session that ends in about a second is cached, then asked for again after its end: the
 * cache (whose own TTL has not run out) must not answer. */
static void test_cache_hit_past_expiry(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct arena a;
    struct user u;
    int64_t exp = (int64_t)time(NULL) + 2;
    sql(f->s,
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('%s', 7, 0, "
        "%lld)",
        TH, (long long)exp);
    arena_init(&a, 0);
    struct db *db = store_acquire(f->s);
    assert_int_equal(session_user_cached(db, &a, TH, &u, &e), ERR_OK);
    assert_int_equal(u.id, 7);
    assert_int_equal(u.expires_at, exp);
    assert_int_equal(session_user_cached(db, &a, TH, &u, &e), ERR_OK); /* a hit */
    while ((int64_t)time(NULL) < exp)
        usleep(50 * 1000);
    assert_true((int64_t)time(NULL) < exp + SESSION_CACHE_TTL - 1); /* the cache entry lives on */
    assert_int_equal(session_user_cached(db, &a, TH, &u, &e), ERR_UNAUTHORIZED);
    store_release(f->s, db);
    arena_free(&a);
}

/* A cadre's enterprises (its scope) come with its session, ascending, the same from the store
 * and from the cache; a changed assignment is seen once the user's entries are forgotten. */
static void test_cadre_enterprises(void **state)
{
    struct fixture *f = *state;
    static const char *const TC =
        "cd34000000000000000000000000000000000000000000000000000000000000";
    struct err e = {0};
    struct arena a;
    struct user u;
    sql(f->s, "INSERT INTO places (code, parent_code, level, kind, name, county, created_at, "
              "updated_at) VALUES ('330604', NULL, 'district', 'district', '上虞区', '330604', 0, "
              "0), ('330604002', '330604', 'town', 'street', '曹娥街道', '330604', 0, 0)");
    sql(f->s, "INSERT INTO users (id, username, display_name, pw_hash, created_at, updated_at) "
              "VALUES (8, 'cadre', 'Cadre', 'x', 0, 0)");
    sql(f->s, "INSERT INTO user_roles (user_id, role, scope, place_code) VALUES (8, "
              "'enterprise_cadre', '330604002', '330604002')");
    for (int id = 30; id >= 10; id -= 10)
        sql(f->s,
            "INSERT INTO enterprises (id, county, credit_code, name, industry, place_code, "
            "created_at, updated_at) VALUES (%d, '330604', 'C%d', 'E%d', 'C', '330604002', 0, 0)",
            id, id, id);
    sql(f->s, "INSERT INTO cadre_assignments (county, user_id, enterprise_id, place_code, "
              "created_at, updated_at) VALUES ('330604', 8, 30, '330604002', 0, 0), ('330604', 8, "
              "10, '330604002', 0, 0)");
    sql(f->s,
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('%s', 8, 0, "
        "%lld)",
        TC, (long long)time(NULL) + 3600);
    arena_init(&a, 0);
    struct db *db = store_acquire(f->s);
    for (int round = 0; round < 2; round++) { /* from the store, then a hit */
        memset(&u, 0, sizeof(u));
        assert_int_equal(session_user_cached(db, &a, TC, &u, &e), ERR_OK);
        assert_int_equal(u.nroles, 1);
        assert_int_equal(u.nenterprises, 2);
        assert_int_equal(u.enterprises[0], 10);
        assert_int_equal(u.enterprises[1], 30);
        assert_true(authz_serves(&u, 30));
        assert_false(authz_serves(&u, 20));
    }
    store_release(f->s, db);
    sql(f->s, "INSERT INTO cadre_assignments (county, user_id, enterprise_id, place_code, "
              "created_at, updated_at) VALUES ('330604', 8, 20, '330604002', 0, 0)");
    session_cache_forget_user(8);
    db = store_acquire(f->s);
    assert_int_equal(session_user_cached(db, &a, TC, &u, &e), ERR_OK);
    assert_int_equal(u.nenterprises, 3);
    assert_true(authz_serves(&u, 20));
    /* a user without the role carries no set */
    memset(&u, 0, sizeof(u));
    sql(f->s,
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('%s', 7, 0, "
        "%lld)",
        "ef56000000000000000000000000000000000000000000000000000000000000",
        (long long)time(NULL) + 3600);
    assert_int_equal(
        session_user_cached(
            db, &a, "ef56000000000000000000000000000000000000000000000000000000000000", &u, &e),
        ERR_OK);
    assert_int_equal(u.nenterprises, 0);
    store_release(f->s, db);
    arena_free(&a);
}

/* ---- login attempts under parallel load ---- */

struct racer {
    struct store *s;
    pthread_barrier_t *go;
    int allowed;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct err e = {0};
    struct login_attempt at = {.keys = {"u:clerk", "ip:192.0.2.1"}};
    pthread_barrier_wait(r->go);
    int rc = store_write(r->s, login_attempt_reserve, &at, &e);
    r->allowed = rc == ERR_OK;
    return NULL;
}

static void test_login_attempts_parallel(void **state)
{
    struct fixture *f = *state;
    enum { N = 20 };
    pthread_t t[N];
    struct racer r[N];
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, N);
    for (int i = 0; i < N; i++) {
        r[i] = (struct racer){f->s, &go, 0};
        pthread_create(&t[i], NULL, race, &r[i]);
    }
    int allowed = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        allowed += r[i].allowed;
    }
    pthread_barrier_destroy(&go);
    assert_int_equal(allowed, LOGIN_MAX_USER);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM login_failures WHERE key = 'u:clerk'"),
                     LOGIN_MAX_USER);
}

/* A successful login takes back its reservation for the address and clears the username's. */
static void test_login_attempt_success(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct login_attempt at = {.keys = {"u:clerk", "ip:192.0.2.2"}};
    assert_int_equal(store_write(f->s, login_attempt_reserve, &at, &e), ERR_OK);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM login_failures"), 2);
    assert_int_equal(store_write(f->s, login_attempt_succeeded, &at, &e), ERR_OK);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM login_failures"), 0);
}

/* ---- password parameters ---- */

struct rehash {
    int64_t id;
    const char *old_hash, *new_hash;
};

static int rehash_fn(struct db *db, void *arg, struct err *e)
{
    struct rehash *r = arg;
    return user_rehash_password(db, r->id, r->old_hash, r->new_hash, e);
}

/* Argon2id at 19 MiB and two passes; a hash made with libsodium's "interactive" 64 MiB still
 * verifies and asks to be made again, which replaces it only while it is unchanged. */
static void test_password_rehash(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    char h[crypto_pwhash_STRBYTES], old[crypto_pwhash_STRBYTES];
    assert_int_equal(password_hash("t-correct-horse", h, &e), ERR_OK);
    assert_non_null(strstr(h, "$argon2id$v=19$m=19456,t=2,p=1$"));
    assert_false(password_needs_rehash(h));
    assert_true(password_verify(h, "t-correct-horse"));
    assert_false(password_verify(h, "t-wrong-horse"));
    assert_int_equal(crypto_pwhash_str(old, "t-correct-horse", 15,
                                       crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE),
                     0);
    assert_true(password_needs_rehash(old));
    assert_true(password_verify(old, "t-correct-horse"));
    sql(f->s,
        "INSERT INTO users (id, username, display_name, pw_hash, created_at, updated_at) "
        "VALUES (90007, 't-rehash', 'r', '%s', 100, 100)",
        old);
    struct rehash r = {90007, h, h}; /* not the stored hash: nothing changes */
    assert_int_equal(store_write(f->s, rehash_fn, &r, &e), ERR_OK);
    char *now = qtext(f->s, "SELECT pw_hash FROM users WHERE id = 90007");
    assert_string_equal(now, old);
    free(now);
    r = (struct rehash){90007, old, h};
    assert_int_equal(store_write(f->s, rehash_fn, &r, &e), ERR_OK);
    now = qtext(f->s, "SELECT pw_hash FROM users WHERE id = 90007");
    assert_string_equal(now, h);
    free(now);
    assert_int_equal(qint(f->s, "SELECT updated_at FROM users WHERE id = 90007"), 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cadre_enterprises, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_cache_hit_past_expiry, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_login_attempts_parallel, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_login_attempt_success, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_password_rehash, store_setup, store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
