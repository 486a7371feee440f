/* test_case_timeline.c - the hash-chained case timeline (src/domain/case_timeline.c) and the
 * steps that write it (case_insert, case_apply), on a temporary SQLite store filled with the
 * demonstration district: a public report walked through the whole workflow verifies clean;
 * every edit, deletion or forged row made behind the server's back through SQL is found and
 * named; and of two steps made against the same version exactly one wins.
 *
 * The demo store (argon2id hashes for ten users) is made once; each test works on a copy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/util.h"
#include "domain/calendar.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/pii.h"
#include "domain/secret.h"
#include "domain/user.h"
#include "store/store.h"

#define GRID "330604002007001"
#define COMPOUND 1 /* 春江花城, first demo compound, grids 001 and 002 */

static const unsigned char key[32] = "gridgov-test-case-timeline-key!";
static const unsigned char other_key[32] = "gridgov-test-some-other-key-123";

static char dir[64];
static int copies;

struct fx {
    char path[128];
    struct store *s;
    struct arena a;
    const struct calendar *cal;
    struct user bowen, zjj, gridworker, wangfang;
};

/* ---- files ---- */

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (in == NULL)
        return 0; /* nothing to copy (no -wal) */
    FILE *out = fopen(to, "wb");
    if (out == NULL) {
        fclose(in);
        return -1;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    return fclose(out) == 0 ? 0 : -1;
}

static void remove_db(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < ARRAY_LEN(suffixes); i++) {
        char p[160];
        snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
        unlink(p);
    }
}

static struct store *open_path(const char *path)
{
    char dsn[200];
    struct err e = {0};
    snprintf(dsn, sizeof(dsn), "sqlite:%s", path);
    struct store_config cfg = {.dsn = dsn, .readers = 4};
    struct store *s = store_open(&cfg, &e);
    if (s == NULL)
        fail_msg("store_open(%s): %s", dsn, e.msg);
    return s;
}

static int64_t demo_cases, demo_rows; /* in the demo database every test starts from */

static int group_setup(void **state)
{
    (void)state;
    char path[128];
    struct err e = {0};
    snprintf(dir, sizeof(dir), "/tmp/gridgov-test-timeline.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    secret_init_fixed(key);
    pii_init_fixed(key);
    snprintf(path, sizeof(path), "%s/template.db", dir);
    struct store *s = open_path(path);
    FILE *devnull = fopen("/dev/null", "w");
    int rc = demo_populate(s, "adminpass1", "userpass1", devnull, &e);
    fclose(devnull);
    if (rc == ERR_OK) {
        /* the demo's own cases (the enterprise service's solved customs problem) are there in
         * every copy: expect_clean counts on top of them */
        struct audit_report r;
        struct db *db = store_acquire(s);
        rc = case_audit_verify(db, &r, &e);
        store_release(s, db);
        demo_cases = r.cases;
        demo_rows = r.rows;
    }
    store_close(s);
    if (rc != ERR_OK) {
        print_error("demo_populate: %s\n", e.msg);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof(path), "%s/template.db", dir);
    remove_db(path);
    rmdir(dir);
    calendar_cache_free();
    return 0;
}

static void load_user(struct fx *f, struct db *db, const char *name, struct user *u)
{
    struct dbrows r;
    struct err e = {0};
    if (db_query(db, &f->a, &r, &e, "SELECT id FROM users WHERE username = ?",
                 DB_ARGS(DBS(name))) != ERR_OK ||
        r.nrows != 1)
        fail_msg("no demo user %s: %s", name, e.msg);
    if (user_get(db, &f->a, dbrows_int(&r, 0, 0), u, &e) != ERR_OK)
        fail_msg("user_get(%s): %s", name, e.msg);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    char from[128], to[160];
    struct err e = {0};
    if (f == NULL)
        return -1;
    secret_init_fixed(key);
    pii_init_fixed(key);
    snprintf(f->path, sizeof(f->path), "%s/copy%d.db", dir, ++copies);
    snprintf(from, sizeof(from), "%s/template.db", dir);
    int rc = copy_file(from, f->path);
    snprintf(from, sizeof(from), "%s/template.db-wal", dir);
    snprintf(to, sizeof(to), "%s-wal", f->path);
    if (rc != 0 || copy_file(from, to) != 0) {
        free(f);
        return -1;
    }
    f->s = open_path(f->path);
    arena_init(&f->a, 0);
    struct db *db = store_acquire(f->s);
    f->cal = calendar_cached(db, &e);
    load_user(f, db, "bowen", &f->bowen);
    load_user(f, db, "zjj", &f->zjj);
    load_user(f, db, "gridworker", &f->gridworker);
    load_user(f, db, "wangfang", &f->wangfang);
    store_release(f->s, db);
    if (f->cal == NULL)
        fail_msg("calendar: %s", e.msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    remove_db(f->path);
    arena_free(&f->a);
    free(f);
    secret_init_fixed(key);
    pii_init_fixed(key);
    return 0;
}

/* ---- steps ---- */

/* A public report (no user) of e-bikes in the stairwell, or one by the given staff member. */
static int64_t report(struct fx *f, const struct user *by, const char *text)
{
    struct err e = {0};
    struct case_input in = {.category = "ebike",
                            .description = text,
                            .place_code = GRID,
                            .compound_id = COMPOUND,
                            .reporter_name = "张女士",
                            .reporter_phone = "13800001234"};
    struct actor who = {.user = by};
    struct case_created out;
    in.attributes = json_pack("{s:s, s:s}", "building", "12幢", "stairwell_charging", "yes");
    /* the server's own intake call (no photos, no Idempotency-Key) */
    int rc = case_submit(f->s, &f->a, NULL, &in, &who, NULL, &out, &e);
    json_decref(in.attributes);
    if (rc != ERR_OK)
        fail_msg("case_submit: %s %s", e.field, e.msg);
    assert_true(out.id > 0);
    assert_int_equal(by == NULL, out.token[0] != '\0'); /* a token for the public only */
    return out.id;
}

/* A step through the server's own call (case_step_run: the calendar, then the transaction). */
static int try_step(struct fx *f, int64_t id, struct case_step st, struct actor who,
                    struct case_rec *cs, struct err *e)
{
    struct case_rec out = {0};
    memset(e, 0, sizeof(*e));
    int rc = case_step_run(f->s, &f->a, NULL, id, &st, &who, &out, e);
    if (cs != NULL)
        *cs = out;
    return rc;
}

static void step(struct fx *f, int64_t id, struct case_step st, struct actor who,
                 enum case_status want)
{
    struct err e;
    struct case_rec cs;
    int rc = try_step(f, id, st, who, &cs, &e);
    if (rc != ERR_OK)
        fail_msg("%s by %s: %s (%s %s)", case_action_name(st.action),
                 who.user       ? who.user->username
                 : who.reporter ? "reporter"
                                : "scheduler",
                 err_code_name((enum err_code)rc), e.field, e.msg);
    if (cs.status != want)
        fail_msg("%s leads to %s, want %s", case_action_name(st.action),
                 case_status_name(cs.status), case_status_name(want));
}

static struct actor as(const struct user *u)
{
    return (struct actor){.user = u};
}

static const struct actor reporter = {.reporter = 1};

static int64_t query_int(struct fx *f, const char *sql, const struct dbv *p, int np)
{
    struct dbrows r;
    struct err e = {0};
    struct db *db = store_acquire(f->s);
    int rc = db_query(db, &f->a, &r, &e, sql, p, np);
    store_release(f->s, db);
    if (rc != ERR_OK || r.nrows != 1)
        fail_msg("%s: %s", sql, e.msg);
    return dbrows_int(&r, 0, 0);
}

struct sql_ctx {
    const char *sql;
    const struct dbv *p;
    int np;
    int changed;
};

static int sql_fn(struct db *db, void *arg, struct err *e)
{
    struct sql_ctx *c = arg;
    int rc = db_exec(db, e, c->sql, c->p, c->np);
    if (rc < 0)
        return rc;
    c->changed = rc;
    return ERR_OK;
}

/* Change the database behind the server's back; returns the rows changed. */
static int tamper(struct fx *f, const char *sql, const struct dbv *p, int np)
{
    struct err e = {0};
    struct sql_ctx c = {.sql = sql, .p = p, .np = np};
    if (store_write(f->s, sql_fn, &c, &e) != ERR_OK)
        fail_msg("%s: %s", sql, e.msg);
    return c.changed;
}

static struct audit_report audit(struct fx *f)
{
    struct audit_report r;
    struct err e = {0};
    struct db *db = store_acquire(f->s);
    int rc = case_audit_verify(db, &r, &e);
    store_release(f->s, db);
    if (rc != ERR_OK)
        fail_msg("case_audit_verify: %s", e.msg);
    return r;
}

static void expect_clean(struct fx *f, int64_t cases, int64_t rows)
{
    struct audit_report r = audit(f);
    if (r.bad != 0)
        fail_msg("%lld problems, first: %s", (long long)r.bad, r.first_problem);
    assert_int_equal(r.cases, cases + demo_cases);
    assert_int_equal(r.rows, rows + demo_rows);
    assert_string_equal(r.first_problem, "");
}

/* The problem report names the case, and the row when one is given. */
static void expect_problem(struct fx *f, int64_t id, const char *also)
{
    struct audit_report r = audit(f);
    char name[32];
    snprintf(name, sizeof(name), "case %lld", (long long)id);
    if (r.bad <= 0)
        fail_msg("tampering with case %lld went unnoticed", (long long)id);
    if (strstr(r.first_problem, name) == NULL)
        fail_msg("the problem does not name %s: \"%s\"", name, r.first_problem);
    if (also != NULL && strstr(r.first_problem, also) == NULL)
        fail_msg("the problem does not say \"%s\": \"%s\"", also, r.first_problem);
}

#define FULL_ROWS 12

/* Report publicly and walk the whole workflow: 12 timeline rows, the case closed. */
static int64_t full_flow(struct fx *f)
{
    int64_t id = report(f, NULL, "楼道里停满电动车，还有人飞线充电");
    step(f, id, (struct case_step){.action = CA_ACCEPT}, as(&f->bowen), CS_ACCEPTED);
    step(f, id, (struct case_step){.action = CA_NOTE, .note = "已电话联系物业"}, as(&f->wangfang),
         CS_ACCEPTED);
    step(f, id, (struct case_step){.action = CA_DISPATCH, .department = "zjj"}, as(&f->bowen),
         CS_DISPATCHED);
    step(f, id, (struct case_step){.action = CA_START}, as(&f->zjj), CS_IN_PROGRESS);
    step(f, id, (struct case_step){.action = CA_EXTEND, .extension_days = 2, .note = "需协调物业"},
         as(&f->zjj), CS_IN_PROGRESS);
    int64_t ext = query_int(f, "SELECT id FROM extensions WHERE case_id = ?", DB_ARGS(DBI(id)));
    step(f, id, (struct case_step){.action = CA_APPROVE_EXTENSION, .extension_id = ext},
         as(&f->bowen), CS_IN_PROGRESS);
    step(f, id, (struct case_step){.action = CA_RESOLVE, .note = "已清理楼道，设置集中充电点"},
         as(&f->zjj), CS_RESOLVED);
    step(f, id, (struct case_step){.action = CA_VERIFY}, as(&f->gridworker), CS_VERIFIED);
    step(f, id, (struct case_step){.action = CA_COMMENT, .note = "谢谢"}, reporter, CS_VERIFIED);
    step(f, id, (struct case_step){.action = CA_CONFIRM, .rating = 5}, reporter, CS_VERIFIED);
    step(f, id, (struct case_step){.action = CA_CLOSE}, as(&f->bowen), CS_CLOSED);
    return id;
}

/* ---- a clean chain ---- */

static void test_full_flow_verifies(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    expect_clean(f, 0, 0);
    int64_t id = full_flow(f);
    expect_clean(f, 1, FULL_ROWS);

    struct case_rec cs;
    struct db *db = store_acquire(f->s);
    assert_int_equal(case_get(db, &f->a, id, &cs, &e), ERR_OK);
    assert_int_equal(cs.status, CS_CLOSED);
    assert_int_equal(cs.timeline_seq, FULL_ROWS);
    assert_int_equal(cs.version, FULL_ROWS); /* 1 at intake, +1 per step */
    assert_int_equal(cs.confirmed, 1);
    assert_int_equal(cs.rating, 5);
    assert_int_equal(cs.on_time, 1);
    assert_true(cs.closed_at > 0);
    assert_int_equal(cs.stage_due_at, 0);
    assert_string_equal(cs.grid_code, GRID);
    assert_int_equal(cs.compound_id, COMPOUND);

    /* the chain as the API shows it: seq 1.., each row pointing at the one before */
    static const char *const actions[FULL_ROWS] = {
        "submit",  "accept", "note",    "dispatch", "start", "extend", "approve_extension",
        "resolve", "verify", "comment", "confirm",  "close"};
    json_t *items = NULL;
    assert_int_equal(case_timeline_json(db, &f->a, id, 0, &items, &e), ERR_OK);
    assert_int_equal(json_array_size(items), FULL_ROWS);
    const char *prev = "";
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *ev = json_array_get(items, i);
        assert_int_equal(json_integer_value(json_object_get(ev, "seq")), (json_int_t)i + 1);
        assert_string_equal(json_string_value(json_object_get(ev, "action")), actions[i]);
        assert_string_equal(json_string_value(json_object_get(ev, "prev_hash")), prev);
        prev = json_string_value(json_object_get(ev, "hash"));
        assert_int_equal(strlen(prev), 64);
    }
    assert_string_equal(prev, cs.timeline_head);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "actor")),
                        "reporter");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "actor")),
                        "bowen");
    json_decref(items);
    /* the public sees every row but the internal note, and no hashes */
    assert_int_equal(case_timeline_json(db, &f->a, id, 1, &items, &e), ERR_OK);
    assert_int_equal(json_array_size(items), FULL_ROWS - 1);
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *ev = json_array_get(items, i);
        assert_string_not_equal(json_string_value(json_object_get(ev, "action")), "note");
        assert_null(json_object_get(ev, "hash"));
        assert_null(json_object_get(ev, "actor"));
    }
    json_decref(items);
    store_release(f->s, db);

    /* reopened by the reporter: back to dispatched, still a clean chain */
    step(f, id, (struct case_step){.action = CA_REOPEN, .note = "又停满了"}, reporter,
         CS_DISPATCHED);
    expect_clean(f, 1, FULL_ROWS + 1);
}

/* Refused steps write nothing. */
static void test_refused_steps_write_nothing(void **state)
{
    struct fx *f = *state;
    struct err e;
    struct case_rec cs;
    int64_t id = report(f, NULL, "电动车在楼道充电");
    /* a grid worker may not accept; the reporter may not note; nobody closes a new case */
    assert_int_equal(
        try_step(f, id, (struct case_step){.action = CA_ACCEPT}, as(&f->gridworker), &cs, &e),
        ERR_FORBIDDEN);
    assert_int_equal(
        try_step(f, id, (struct case_step){.action = CA_NOTE, .note = "x"}, reporter, &cs, &e),
        ERR_FORBIDDEN);
    assert_int_equal(
        try_step(f, id, (struct case_step){.action = CA_CLOSE}, as(&f->bowen), &cs, &e),
        ERR_CONFLICT);
    /* a conflict hands back the case as it is, for the allowed actions */
    assert_int_equal(cs.id, id);
    assert_int_equal(cs.status, CS_SUBMITTED);
    assert_int_equal(cs.version, 1);
    json_t *allowed = case_flow_allowed(&cs, &(struct actor){.user = &f->bowen}, time(NULL));
    assert_true(json_array_size(allowed) > 0);
    assert_string_equal(json_string_value(json_array_get(allowed, 0)), "accept");
    json_decref(allowed);
    /* an unknown case */
    assert_int_equal(
        try_step(f, id + 100, (struct case_step){.action = CA_ACCEPT}, as(&f->bowen), &cs, &e),
        ERR_NOT_FOUND);
    expect_clean(f, 1, 1);
    assert_int_equal(query_int(f, "SELECT version FROM cases WHERE id = ?", DB_ARGS(DBI(id))), 1);
}

/* A staff member who reported the case is its reporter by account, without a token. */
static void test_staff_reporter(void **state)
{
    struct fx *f = *state;
    struct err e;
    struct case_rec cs;
    int64_t id = report(f, &f->gridworker, "3幢楼道电动车停放");
    step(f, id, (struct case_step){.action = CA_ACCEPT}, as(&f->bowen), CS_ACCEPTED);
    step(f, id, (struct case_step){.action = CA_DISPATCH, .to_grid = 1}, as(&f->bowen),
         CS_DISPATCHED);
    /* sent to the grid: its leader handles it, and may not return it */
    assert_int_equal(try_step(f, id, (struct case_step){.action = CA_RETURN, .note = "不是我们的"},
                              as(&f->wangfang), &cs, &e),
                     ERR_CONFLICT);
    assert_int_equal(try_step(f, id, (struct case_step){.action = CA_START}, as(&f->zjj), &cs, &e),
                     ERR_FORBIDDEN);
    step(f, id, (struct case_step){.action = CA_START}, as(&f->wangfang), CS_IN_PROGRESS);
    step(f, id, (struct case_step){.action = CA_RESOLVE, .note = "已劝离"}, as(&f->wangfang),
         CS_RESOLVED);
    step(f, id, (struct case_step){.action = CA_VERIFY}, as(&f->gridworker), CS_VERIFIED);
    step(f, id, (struct case_step){.action = CA_CONFIRM, .rating = 4}, as(&f->gridworker),
         CS_VERIFIED);
    /* someone else's account is not the reporter */
    assert_int_equal(try_step(f, id, (struct case_step){.action = CA_COMMENT, .note = "x"},
                              as(&f->wangfang), &cs, &e),
                     ERR_FORBIDDEN);
    step(f, id, (struct case_step){.action = CA_CLOSE}, as(&f->bowen), CS_CLOSED);
    /* reopening ends 30 days after closing */
    tamper(f, "UPDATE cases SET closed_at = closed_at - 31 * 86400 WHERE id = ?", DB_ARGS(DBI(id)));
    assert_int_equal(try_step(f, id, (struct case_step){.action = CA_REOPEN, .note = "又来了"},
                              as(&f->gridworker), &cs, &e),
                     ERR_CONFLICT);
    expect_clean(f, 1, 8);
}

/* ---- tampering ---- */

static void test_edited_note(void **state)
{
    struct fx *f = *state;
    int64_t id = full_flow(f);
    expect_clean(f, 1, FULL_ROWS);
    /* row 8 is the resolve step with its evidence text */
    assert_int_equal(tamper(f,
                            "UPDATE case_events SET note = '未处理' WHERE case_id = ? AND seq = 8 "
                            "AND action = 'resolve'",
                            DB_ARGS(DBI(id))),
                     1);
    expect_problem(f, id, "row 8");
}

static void test_edited_fields(void **state)
{
    struct fx *f = *state;
    int64_t id = full_flow(f);
    /* each covered field, changed on its own and put back */
    static const struct {
        const char *column, *value;
    } edits[] = {
        {"at", "at + 1"},
        {"actor_user_id", "(SELECT id FROM users WHERE username = 'admin')"},
        {"actor", "'admin'"},
        {"action", "'verify_fail'"},
        {"from_status", "'resolved'"}, /* row 6 is extend: in_progress -> in_progress */
        {"to_status", "'closed'"},
        {"note", "note || '.'"},
        {"data", "'{\"days\":30,\"extension_id\":1}'"},
        {"public", "1 - public"},
        {"prev_hash", "'" /* filled below */},
        {"hash", "'"},
        {"seq", "seq + 100"},
    };
    for (size_t i = 0; i < ARRAY_LEN(edits); i++) {
        struct dbrows r;
        struct err e = {0};
        char sql[300];
        struct db *db = store_acquire(f->s);
        snprintf(sql, sizeof(sql), "SELECT %s FROM case_events WHERE case_id = ? AND seq = 6",
                 edits[i].column);
        assert_int_equal(db_query(db, &f->a, &r, &e, sql, DB_ARGS(DBI(id))), ERR_OK);
        store_release(f->s, db);
        assert_int_equal(r.nrows, 1);
        const char *saved = dbrows_get(&r, 0, 0);
        if (edits[i].value[0] == '\'' && edits[i].value[1] == '\0') /* a hash: another one */
            snprintf(sql, sizeof(sql),
                     "UPDATE case_events SET %s = '%064d' WHERE case_id = ? AND seq = 6",
                     edits[i].column, 7);
        else
            snprintf(sql, sizeof(sql),
                     "UPDATE case_events SET %s = %s WHERE case_id = ? AND seq = 6",
                     edits[i].column, edits[i].value);
        assert_int_equal(tamper(f, sql, DB_ARGS(DBI(id))), 1);
        struct audit_report rep = audit(f);
        if (rep.bad == 0)
            fail_msg("an edited %s went unnoticed", edits[i].column);
        /* put it back: clean again */
        snprintf(sql, sizeof(sql), "UPDATE case_events SET %s = ? WHERE case_id = ? AND %s",
                 edits[i].column, strcmp(edits[i].column, "seq") == 0 ? "seq = 106" : "seq = 6");
        assert_int_equal(tamper(f, sql, DB_ARGS(saved ? DBS(saved) : DBNULL, DBI(id))), 1);
        expect_clean(f, 1, FULL_ROWS);
    }
}

static void test_deleted_last_row(void **state)
{
    struct fx *f = *state;
    int64_t id = full_flow(f);
    assert_int_equal(tamper(f, "DELETE FROM case_events WHERE case_id = ? AND seq = ?",
                            DB_ARGS(DBI(id), DBI(FULL_ROWS))),
                     1);
    expect_problem(f, id, NULL);
    /* the count rolled back too, but not the head: still found */
    tamper(f, "UPDATE cases SET timeline_seq = timeline_seq - 1 WHERE id = ?", DB_ARGS(DBI(id)));
    expect_problem(f, id, "ends at row 11");
}

static void test_deleted_middle_row(void **state)
{
    struct fx *f = *state;
    int64_t id = full_flow(f);
    assert_int_equal(
        tamper(f, "DELETE FROM case_events WHERE case_id = ? AND seq = 4", DB_ARGS(DBI(id))), 1);
    expect_problem(f, id, "row 4");
}

static void test_forged_row(void **state)
{
    struct fx *f = *state;
    int64_t id = full_flow(f);
    const char *head = NULL;
    struct dbrows r;
    struct err e = {0};
    struct db *db = store_acquire(f->s);
    assert_int_equal(db_query(db, &f->a, &r, &e, "SELECT timeline_head FROM cases WHERE id = ?",
                              DB_ARGS(DBI(id))),
                     ERR_OK);
    store_release(f->s, db);
    head = dbrows_get(&r, 0, 0);
    char forged[65];
    snprintf(forged, sizeof(forged), "%064d", 42);
    /* a row appended after the head */
    assert_int_equal(
        tamper(f,
               "INSERT INTO case_events (county, case_id, seq, at, actor, action, "
               "from_status, to_status, note, data, public, prev_hash, hash) VALUES "
               "('330604', ?, ?, ?, 'admin', 'reopen', 'closed', 'dispatched', "
               "'伪造', '{}', 1, ?, ?)",
               DB_ARGS(DBI(id), DBI(FULL_ROWS + 1), DBI(time(NULL)), DBS(head), DBS(forged))),
        1);
    expect_problem(f, id, NULL);
    /* also when the forger moves the case's head and count to the new row */
    tamper(f, "UPDATE cases SET timeline_seq = ?, timeline_head = ? WHERE id = ?",
           DB_ARGS(DBI(FULL_ROWS + 1), DBS(forged), DBI(id)));
    expect_problem(f, id, "row 13");
    /* and a hash made with another key does not pass either */
    char mac[65];
    secret_init_fixed(other_key);
    secret_audit_mac("x", 1, mac);
    secret_init_fixed(key);
    tamper(f, "UPDATE case_events SET hash = ? WHERE case_id = ? AND seq = ?",
           DB_ARGS(DBS(mac), DBI(id), DBI(FULL_ROWS + 1)));
    tamper(f, "UPDATE cases SET timeline_head = ? WHERE id = ?", DB_ARGS(DBS(mac), DBI(id)));
    expect_problem(f, id, "row 13");
}

static void test_case_head_edited(void **state)
{
    struct fx *f = *state;
    int64_t id = full_flow(f);
    tamper(f, "UPDATE cases SET timeline_seq = timeline_seq + 1 WHERE id = ?", DB_ARGS(DBI(id)));
    expect_problem(f, id, NULL);
    tamper(f, "UPDATE cases SET timeline_seq = timeline_seq - 1 WHERE id = ?", DB_ARGS(DBI(id)));
    expect_clean(f, 1, FULL_ROWS);
    tamper(f, "UPDATE cases SET timeline_head = upper(timeline_head) WHERE id = ?",
           DB_ARGS(DBI(id)));
    expect_problem(f, id, NULL);
}

/* The fields of a row are joined by 0x1F before hashing; a note may hold that byte (JSON
 * "\u001f" passes json_get_str), so moving text from the note into the data must not keep the
 * same hash. */
static void test_field_boundaries(void **state)
{
    struct fx *f = *state;
    int64_t id = report(f, NULL, "楼道里停满电动车");
    step(f, id, (struct case_step){.action = CA_COMMENT, .note = "不同意\x1f结案"}, reporter,
         CS_SUBMITTED);
    expect_clean(f, 1, 2);
    const char *moved = "结案\x1f{}";
    assert_int_equal(tamper(f,
                            "UPDATE case_events SET note = '不同意', data = ? WHERE case_id = ? "
                            "AND seq = 2",
                            DB_ARGS(DBS(moved), DBI(id))),
                     1);
    expect_problem(f, id, "row 2");
}

/* Rows of cases that do not exist, written by someone whose connection does not enforce
 * foreign keys (the sqlite3 shell's default): inserted rows all the same. */
static void test_orphan_rows(void **state)
{
    struct fx *f = *state;
    int64_t a = report(f, NULL, "楼道里停满电动车");
    int64_t b = report(f, NULL, "电动车在楼道充电");
    int64_t c = report(f, NULL, "小区门口电动车乱停");
    expect_clean(f, 3, 3);
    sqlite3 *raw;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 5000);
    /* a case removed with its rows left behind: between two cases */
    char sql[400];
    snprintf(sql, sizeof(sql), "DELETE FROM cases WHERE id = %lld", (long long)b);
    if (sqlite3_exec(raw, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    expect_problem(f, b, "belongs to no case");
    /* rows for a case id past the last case */
    snprintf(sql, sizeof(sql),
             "INSERT INTO case_events (county, case_id, seq, at, actor, action, from_status, "
             "to_status, note, data, public, prev_hash, hash) SELECT county, %lld, seq, at, "
             "actor, action, from_status, to_status, note, data, public, prev_hash, hash FROM "
             "case_events WHERE case_id = %lld",
             (long long)c + 10, (long long)c);
    if (sqlite3_exec(raw, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(raw);
    struct audit_report r = audit(f);
    assert_int_equal(r.cases, 2 + demo_cases);
    if (r.bad < 2)
        fail_msg("%lld problem(s): the row of case %lld, past the last case, went unnoticed "
                 "(first: %s)",
                 (long long)r.bad, (long long)c + 10, r.first_problem);
    (void)a;
}

/* The chain is keyed: under another key nothing verifies. */
static void test_other_key(void **state)
{
    struct fx *f = *state;
    full_flow(f);
    expect_clean(f, 1, FULL_ROWS);
    secret_init_fixed(other_key);
    struct audit_report r = audit(f);
    secret_init_fixed(key);
    assert_int_equal(r.bad, FULL_ROWS + demo_rows); /* every row */
}

/* With several cases, the report names the one that was changed. */
static void test_names_the_right_case(void **state)
{
    struct fx *f = *state;
    int64_t a = full_flow(f);
    int64_t b = report(f, NULL, "小区门口电动车乱停");
    step(f, b, (struct case_step){.action = CA_ACCEPT}, as(&f->bowen), CS_ACCEPTED);
    int64_t c = report(f, NULL, "电动车在楼道充电");
    expect_clean(f, 3, FULL_ROWS + 2 + 1);
    tamper(f, "UPDATE case_events SET at = at - 60 WHERE case_id = ? AND seq = 2", DB_ARGS(DBI(b)));
    struct audit_report r = audit(f);
    char name[32];
    snprintf(name, sizeof(name), "case %lld:", (long long)b);
    assert_int_equal(r.bad, 1); /* row 2 only: its stored hash is still the head */
    if (strstr(r.first_problem, name) == NULL)
        fail_msg("\"%s\" does not name case %lld", r.first_problem, (long long)b);
    (void)a;
    (void)c;
}

/* ---- the same version twice ---- */

struct twice_ctx {
    int64_t id;
    int64_t version;
    struct fx *f;
    int rc1, rc2;
    struct err e2;
    struct case_rec cs2;
};

static int twice_fn(struct db *db, void *arg, struct err *e)
{
    struct twice_ctx *c = arg;
    struct case_rec cs;
    struct actor who = {.user = &c->f->bowen};
    struct case_step st = {.action = CA_NOTE, .note = "第一次", .expect_version = c->version};
    c->rc1 = case_apply(db, &c->f->a, c->id, &st, &who, c->f->cal, &cs, e);
    if (c->rc1 != ERR_OK)
        return c->rc1;
    st.note = "第二次";
    c->rc2 = case_apply(db, &c->f->a, c->id, &st, &who, c->f->cal, &c->cs2, &c->e2);
    return ERR_OK; /* keep the first */
}

static void test_same_version_twice(void **state)
{
    struct fx *f = *state;
    struct err e = {0};
    int64_t id = report(f, NULL, "楼道里停满电动车");
    step(f, id, (struct case_step){.action = CA_ACCEPT}, as(&f->bowen), CS_ACCEPTED);
    struct twice_ctx c = {.id = id, .version = 2, .f = f};
    assert_int_equal(store_write(f->s, twice_fn, &c, &e), ERR_OK);
    assert_int_equal(c.rc1, ERR_OK);
    assert_int_equal(c.rc2, ERR_CONFLICT);
    assert_string_equal(c.e2.field, "version");
    assert_int_equal(c.cs2.version, 3); /* handed back as it now is */
    assert_int_equal(query_int(f, "SELECT version FROM cases WHERE id = ?", DB_ARGS(DBI(id))), 3);
    assert_int_equal(query_int(f,
                               "SELECT count(*) FROM case_events WHERE case_id = ? AND action "
                               "= 'note'",
                               DB_ARGS(DBI(id))),
                     1);
    expect_clean(f, 1, 3);
    /* a stale version from outside a transaction: the same answer */
    struct case_rec cs;
    assert_int_equal(try_step(f, id,
                              (struct case_step){
                                  .action = CA_DISPATCH, .department = "zjj", .expect_version = 2},
                              as(&f->bowen), &cs, &e),
                     ERR_CONFLICT);
    assert_string_equal(e.field, "version");
    expect_clean(f, 1, 3);
}

struct race {
    struct fx *f;
    int64_t id;
    struct case_step st;
    pthread_barrier_t *go;
    int rc;
    struct err e;
};

static void *race_main(void *arg)
{
    struct race *r = arg;
    struct arena a;
    struct actor who = {.user = &r->f->bowen};
    struct case_rec cs;
    arena_init(&a, 0);
    pthread_barrier_wait(r->go);
    r->rc = case_step_run(r->f->s, &a, NULL, r->id, &r->st, &who, &cs, &r->e);
    arena_free(&a);
    return NULL;
}

static void race(struct fx *f, int64_t id, struct case_step st0, struct case_step st1,
                 struct race r[2])
{
    pthread_barrier_t go;
    pthread_t t[2];
    pthread_barrier_init(&go, NULL, 2);
    for (int i = 0; i < 2; i++) {
        memset(&r[i], 0, sizeof(r[i]));
        r[i].f = f;
        r[i].id = id;
        r[i].go = &go;
        r[i].st = i ? st1 : st0;
        pthread_create(&t[i], NULL, race_main, &r[i]);
    }
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&go);
    int wins = (r[0].rc == ERR_OK) + (r[1].rc == ERR_OK);
    int conflicts = (r[0].rc == ERR_CONFLICT) + (r[1].rc == ERR_CONFLICT);
    if (wins != 1 || conflicts != 1)
        fail_msg("%s / %s (%s / %s)", err_code_name((enum err_code)r[0].rc),
                 err_code_name((enum err_code)r[1].rc), r[0].e.msg, r[1].e.msg);
}

/* Two requests at once, on their own transactions: one wins, the other gets 409. */
static void test_concurrent_steps(void **state)
{
    struct fx *f = *state;
    struct race r[2];
    /* two different steps made on the same version */
    int64_t a = report(f, NULL, "楼道里停满电动车");
    race(f, a, (struct case_step){.action = CA_NOTE, .note = "并发", .expect_version = 1},
         (struct case_step){.action = CA_ACCEPT, .expect_version = 1}, r);
    for (int i = 0; i < 2; i++) {
        if (r[i].rc == ERR_CONFLICT)
            assert_string_equal(r[i].e.field, "version");
    }
    /* the same step twice, no version given: the loser finds the case already moved */
    int64_t b = report(f, NULL, "电动车在楼道充电");
    struct case_step accept = {.action = CA_ACCEPT};
    race(f, b, accept, accept, r);
    assert_int_equal(query_int(f, "SELECT version FROM cases WHERE id = ?", DB_ARGS(DBI(a))), 2);
    assert_int_equal(query_int(f, "SELECT version FROM cases WHERE id = ?", DB_ARGS(DBI(b))), 2);
    expect_clean(f, 2, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_flow_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_steps_write_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_staff_reporter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edited_note, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edited_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_last_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_middle_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forged_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_head_edited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_field_boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_orphan_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names_the_right_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_version_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_steps, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
