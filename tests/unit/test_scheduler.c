/* test_scheduler.c - the scheduler's pass (src/domain/scheduler.c) and the audit chain it
 * extends (case_audit_verify in src/domain/case_timeline.c), on a demonstration store: an
 * overdue case is escalated once, a verified case past its confirmation window is closed,
 * closed and punctual cases are left alone, every step reaches the webhook outbox in order, and
 * an edited or deleted timeline row is found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/scheduler.h"
#include "domain/photo.h"
#include "domain/pii.h"
#include "domain/secret.h"
#include "domain/user.h"
#include "domain/webhook.h"
#include "testdb.h"

/* demo_populate hashes ten passwords with argon2id: build the demo database once and give
 * every test a copy of the file. */
static char template_dir[64];

struct fixture {
    char dir[96];
    struct store *s;
};

static struct store *open_db(const char *dir)
{
    struct err e = {0};
    char dsn[128];
    snprintf(dsn, sizeof(dsn), "sqlite:%s/t.db", dir);
    struct store_config cfg = {.dsn = dsn, .readers = 3};
    struct store *s = store_open(&cfg, &e);
    if (s == NULL)
        fprintf(stderr, "store_open %s: %s\n", dsn, e.msg);
    return s;
}

static int group_setup(void **state)
{
    struct err e = {0};
    FILE *null = fopen("/dev/null", "w");
    (void)state;
    snprintf(template_dir, sizeof(template_dir), "/tmp/gridgov-test-scheduler.XXXXXX");
    if (mkdtemp(template_dir) == NULL || null == NULL)
        return -1;
    struct store *s = open_db(template_dir);
    int rc = s ? demo_populate(s, "admin-password-1", "users-password-1", null, &e) : ERR_STORE;
    if (rc != ERR_OK)
        fprintf(stderr, "demo_populate: %s\n", e.msg);
    if (s != NULL)
        store_close(s);
    fclose(null);
    return rc == ERR_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", template_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char cmd[256];
    snprintf(f->dir, sizeof(f->dir), "%s/XXXXXX", template_dir);
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(cmd, sizeof(cmd), "cp '%s/t.db' '%s/t.db'", template_dir, f->dir);
    if (system(cmd) != 0 || (f->s = open_db(f->dir)) == NULL)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    store_close(f->s);
    calendar_cache_free();
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", f->dir);
    free(f);
    return 0;
}

/* ---- cases and steps ---- */

/* A broken street light reported by a resident in 博文社区第一网格. */
static int64_t new_case(struct store *s)
{
    struct err e = {0};
    struct arena a;
    struct case_input in = {.category = "streetlight",
                            .description = "小区门口路灯晚上不亮",
                            .place_code = "330604002007001"};
    struct actor who = {0};
    struct case_created out;
    in.attributes = json_pack("{s:s}", "fault", "off");
    arena_init(&a, 0);
    /* the server's own intake call */
    int rc = case_submit(s, &a, NULL, &in, &who, NULL, &out, &e);
    json_decref(in.attributes);
    arena_free(&a);
    if (rc != ERR_OK)
        fail_msg("case_submit: %s %s", e.field, e.msg);
    assert_true(out.id > 0);
    return out.id;
}

/* Take a step as the demo user username (NULL: the scheduler). */
static void step(struct store *s, int64_t id, const char *username, struct case_step st)
{
    struct err e = {0};
    struct arena a;
    struct actor who = {0};
    struct case_rec cs;
    struct user u;
    arena_init(&a, 0);
    if (username != NULL) {
        int64_t uid = qint(s, "SELECT id FROM users WHERE username = '%s'", username);
        struct db *db = store_acquire(s);
        int rc = user_get(db, &a, uid, &u, &e);
        store_release(s, db);
        if (rc != ERR_OK)
            fail_msg("user %s: %s", username, e.msg);
        who.user = &u;
    } else {
        who.scheduler = 1;
    }
    /* the server's own step call: the calendar, then the transaction */
    if (case_step_run(s, &a, NULL, id, &st, &who, &cs, &e) != ERR_OK)
        fail_msg("%s by %s: %s", case_action_name(st.action), username ? username : "scheduler",
                 e.msg);
    arena_free(&a);
}

/* Accept, dispatch to the grid, start, resolve, verify: the case waits for the reporter. */
static void to_verified(struct store *s, int64_t id)
{
    step(s, id, "bowen", (struct case_step){.action = CA_ACCEPT});
    step(s, id, "bowen", (struct case_step){.action = CA_DISPATCH, .to_grid = 1});
    step(s, id, "wangfang", (struct case_step){.action = CA_START});
    step(s, id, "wangfang", (struct case_step){.action = CA_RESOLVE, .note = "已更换灯泡"});
    step(s, id, "gridworker", (struct case_step){.action = CA_VERIFY});
}

static char *status_of(struct store *s, int64_t id)
{
    return qtext(s, "SELECT status FROM cases WHERE id = %lld", (long long)id);
}

static char *last_action(struct store *s, int64_t id)
{
    return qtext(s,
                 "SELECT action || ' by ' || actor FROM case_events WHERE case_id = %lld ORDER BY "
                 "seq DESC LIMIT 1",
                 (long long)id);
}

/* ---- the scheduler ---- */

static void test_escalate_overdue(void **state)
{
    struct fixture *f = *state;
    struct scheduler_report r;
    char *t;
    int64_t now = time(NULL);
    int64_t late = new_case(f->s), punctual = new_case(f->s), rejected = new_case(f->s);
    step(f->s, rejected, "bowen", (struct case_step){.action = CA_REJECT, .note = "重复上报"});
    sql(f->s, "UPDATE cases SET stage_due_at = %lld WHERE id IN (%lld, %lld)",
        (long long)now - 3600, (long long)late, (long long)rejected);
    int64_t seq = qint(f->s, "SELECT timeline_seq FROM cases WHERE id = %lld", (long long)late);

    assert_int_equal(scheduler_run_once(f->s, now, &r), ERR_OK);
    assert_int_equal(r.escalated, 1);
    assert_int_equal(r.closed, 0);
    assert_int_equal(r.failed, 0);
    assert_string_equal(t = last_action(f->s, late), "escalate by scheduler");
    free(t);
    assert_string_equal(t = status_of(f->s, late), "submitted"); /* escalation keeps the state */
    free(t);
    assert_int_equal(qint(f->s, "SELECT escalations FROM cases WHERE id = %lld", (long long)late),
                     1);
    assert_int_equal(qint(f->s, "SELECT timeline_seq FROM cases WHERE id = %lld", (long long)late),
                     seq + 1);
    /* supervision gives a working day before the next escalation */
    assert_true(qint(f->s, "SELECT stage_due_at FROM cases WHERE id = %lld", (long long)late) >
                now);
    t = qtext(f->s, "SELECT data FROM case_events WHERE case_id = %lld AND action = 'escalate'",
              (long long)late);
    assert_string_equal(t, "{\"level\":1}");
    free(t);
    /* the others are untouched */
    assert_int_equal(
        qint(f->s,
             "SELECT count(*) FROM case_events WHERE case_id IN (%lld, %lld) AND action = "
             "'escalate'",
             (long long)punctual, (long long)rejected),
        0);

    /* a second pass finds nothing overdue */
    assert_int_equal(scheduler_run_once(f->s, time(NULL), &r), ERR_OK);
    assert_int_equal(r.escalated + r.closed + r.skipped + r.failed, 0);
    assert_int_equal(qint(f->s, "SELECT escalations FROM cases WHERE id = %lld", (long long)late),
                     1);

    /* selected at a time the cases are not overdue yet: refused by the rule, skipped (the
     * rejected case is not even selected; the demo's own open cases are skipped too) */
    assert_int_equal(scheduler_run_once(f->s, now + 30 * 86400, &r), ERR_OK);
    assert_int_equal(r.escalated, 0);
    assert_true(r.skipped >= 2);
    assert_int_equal(r.failed, 0);
    assert_int_equal(qint(f->s, "SELECT escalations FROM cases WHERE id = %lld", (long long)late),
                     1);
    assert_int_equal(
        qint(f->s, "SELECT escalations FROM cases WHERE id = %lld", (long long)punctual), 0);
}

static void test_close_unconfirmed(void **state)
{
    struct fixture *f = *state;
    struct scheduler_report r;
    char *t;
    int64_t now = time(NULL);
    int64_t quiet = new_case(f->s), waiting = new_case(f->s);
    to_verified(f->s, quiet);
    to_verified(f->s, waiting);
    assert_string_equal(t = status_of(f->s, quiet), "verified");
    free(t);
    /* the window of 7 days */
    int64_t due = qint(f->s, "SELECT stage_due_at FROM cases WHERE id = %lld", (long long)waiting);
    assert_true(due >= now + CASE_CONFIRM_DAYS * 86400 - 5);

    sql(f->s, "UPDATE cases SET stage_due_at = %lld WHERE id = %lld", (long long)now - 60,
        (long long)quiet);
    assert_int_equal(scheduler_run_once(f->s, now, &r), ERR_OK);
    assert_int_equal(r.closed, 1);
    assert_int_equal(r.escalated, 0); /* a verified case waits for its reporter, not escalated */
    assert_string_equal(t = status_of(f->s, quiet), "closed");
    free(t);
    assert_string_equal(t = last_action(f->s, quiet), "close by scheduler");
    free(t);
    assert_int_equal(qint(f->s, "SELECT on_time FROM cases WHERE id = %lld", (long long)quiet), 1);
    assert_true(qint(f->s, "SELECT closed_at FROM cases WHERE id = %lld", (long long)quiet) > 0);
    assert_string_equal(t = status_of(f->s, waiting), "verified");
    free(t);
}

static void test_steps_reach_outbox(void **state)
{
    struct fixture *f = *state;
    struct scheduler_report r;
    struct err e = {0};
    int64_t now = time(NULL);
    sql(f->s, "INSERT INTO webhooks (url, secret, created_at) VALUES ('http://127.0.0.1:1/', "
              "'0123456789abcdef', 0)");
    int64_t id = new_case(f->s);
    sql(f->s, "UPDATE cases SET stage_due_at = %lld WHERE id = %lld", (long long)now - 1,
        (long long)id);
    assert_int_equal(scheduler_run_once(f->s, now, &r), ERR_OK);
    assert_int_equal(r.escalated, 1);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM outbox WHERE case_id = %lld", (long long)id),
                     2);
    char *t = qtext(f->s,
                    "SELECT group_concat(event, ',') FROM (SELECT event FROM outbox WHERE "
                    "case_id = %lld ORDER BY id)",
                    (long long)id);
    assert_string_equal(t, "submit,escalate");
    free(t);
    /* both are due, in order */
    struct arena a;
    struct outbox_item *it;
    int n;
    arena_init(&a, 0);
    struct db *db = store_acquire(f->s);
    assert_int_equal(webhook_due(db, &a, time(NULL), 50, &it, &n, &e), ERR_OK);
    store_release(f->s, db);
    assert_int_equal(n, 2);
    assert_string_equal(it[0].event, "submit");
    assert_string_equal(it[1].event, "escalate");
    json_t *p = json_loads(it[1].payload, 0, NULL);
    assert_non_null(p);
    assert_int_equal(json_integer_value(json_object_get(p, "case_id")), id);
    assert_string_equal(json_string_value(json_object_get(p, "event")), "escalate");
    json_decref(p);
    arena_free(&a);
}

static void test_scheduler_thread(void **state)
{
    struct fixture *f = *state;
    int64_t id = new_case(f->s);
    sql(f->s, "UPDATE cases SET stage_due_at = %lld WHERE id = %lld", (long long)time(NULL) - 1,
        (long long)id);
    struct backoffice *bo = scheduler_start(f->s);
    assert_non_null(bo);
    /* the first pass runs at once */
    for (int i = 0; i < 100; i++) {
        if (qint(f->s, "SELECT escalations FROM cases WHERE id = %lld", (long long)id) == 1)
            break;
        usleep(50 * 1000);
    }
    assert_int_equal(qint(f->s, "SELECT escalations FROM cases WHERE id = %lld", (long long)id), 1);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM leases WHERE name = 'scheduler'"), 1);
    scheduler_stop(bo); /* does not wait out the 30 s interval */
    assert_int_equal(qint(f->s, "SELECT count(*) FROM leases WHERE name = 'scheduler'"), 0);
}

/* ---- the audit chain ---- */

static struct audit_report audit(struct store *s)
{
    struct audit_report r;
    struct err e = {0};
    struct db *db = store_acquire(s);
    if (case_audit_verify(db, &r, &e) != ERR_OK)
        fail_msg("case_audit_verify: %s", e.msg);
    store_release(s, db);
    return r;
}

/* A ledger entry of 舜源村 whose voucher is the stored file sha. */
static int insert_voucher_fn(struct db *db, void *arg, struct err *e)
{
    char list[80];
    snprintf(list, sizeof(list), "[\"%s\"]", (const char *)arg);
    int rc = db_exec(db, e,
                     "INSERT INTO ledger_entries(county, place_code, entry_date, kind, category, "
                     "amount, attachments, created_at, updated_at) VALUES ('330604', "
                     "'330604007317', '2026-06-01', 'expense', 'management', 100, ?, 0, 0)",
                     DB_ARGS(DBS(list)));
    return rc < 0 ? rc : ERR_OK;
}

/* Orphan photos (issue 13 item 11): a file no record references is removed once older than the
 * grace period; the photo of a case, a ledger entry's PDF voucher, a young orphan and other files
 * stay. */
static void test_photo_orphans(void **state)
{
    struct fixture *f = *state;
    static const unsigned char png_a[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 'a'};
    static const unsigned char png_b[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 'b'};
    static const unsigned char png_c[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 'c'};
    static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    char data_dir[160], kept[65], orphan[65], young[65], voucher[65], path[300], other[300];
    const char *mime;
    struct err e = {0};
    struct arena a;
    struct photo_gc_report r;
    snprintf(data_dir, sizeof(data_dir), "%s/data", f->dir);
    assert_int_equal(mkdir(data_dir, 0750), 0);

    /* a case with photo a */
    struct photo_ref ref = {.data = png_a, .bytes = sizeof(png_a)};
    struct case_input in = {.category = "streetlight",
                            .description = "路灯不亮，附照片",
                            .place_code = "330604002007001",
                            .photos = &ref,
                            .nphotos = 1};
    struct actor who = {0};
    struct case_created out;
    in.attributes = json_pack("{s:s}", "fault", "off");
    arena_init(&a, 0);
    assert_int_equal(case_submit(f->s, &a, data_dir, &in, &who, NULL, &out, &e), ERR_OK);
    json_decref(in.attributes);
    arena_free(&a);
    memcpy(kept, ref.sha256, sizeof(kept));
    /* b and c stored with no case (a refused report), and a file that is no photo */
    assert_int_equal(photo_store(data_dir, PHOTO_IMAGE, png_b, sizeof(png_b), orphan, &mime, &e),
                     ERR_OK);
    assert_int_equal(photo_store(data_dir, PHOTO_IMAGE, png_c, sizeof(png_c), young, &mime, &e),
                     ERR_OK);
    /* a PDF is no photo, but a document: a ledger entry's voucher */
    assert_int_equal(photo_store(data_dir, PHOTO_IMAGE, pdf, sizeof(pdf) - 1, voucher, &mime, &e),
                     ERR_UNSUPPORTED);
    assert_int_equal(photo_store(data_dir, PHOTO_DOCUMENT, pdf, 20, voucher, &mime, &e),
                     ERR_UNSUPPORTED); /* cut short: no %%EOF */
    assert_int_equal(
        photo_store(data_dir, PHOTO_DOCUMENT, pdf, sizeof(pdf) - 1, voucher, &mime, &e), ERR_OK);
    assert_string_equal(mime, "application/pdf");
    assert_int_equal(store_write(f->s, insert_voucher_fn, voucher, &e), ERR_OK);
    snprintf(other, sizeof(other), "%s/photos/%.2s/README", data_dir, orphan);
    FILE *fp = fopen(other, "w");
    assert_non_null(fp);
    fclose(fp);

    /* right now everything is young */
    int64_t now = time(NULL);
    assert_int_equal(photo_collect(f->s, data_dir, now, PHOTO_GC_GRACE, &r, &e), ERR_OK);
    assert_int_equal(r.removed, 0);
    /* two hours later c is stored again (a new report with the same bytes): fresh again */
    assert_int_equal(photo_store(data_dir, PHOTO_IMAGE, png_c, sizeof(png_c), young, &mime, &e),
                     ERR_OK);
    photo_path(data_dir, young, path, sizeof(path));
    struct timespec later[2] = {{.tv_sec = now + 7200}, {.tv_sec = now + 7200}};
    assert_int_equal(utimensat(AT_FDCWD, path, later, 0), 0);
    assert_int_equal(photo_collect(f->s, data_dir, now + 7200, PHOTO_GC_GRACE, &r, &e), ERR_OK);
    assert_int_equal(r.removed, 1);
    assert_int_equal(r.kept, 2);
    assert_int_equal(r.bytes, (int64_t)sizeof(png_b));
    photo_path(data_dir, orphan, path, sizeof(path));
    assert_int_not_equal(access(path, F_OK), 0);
    photo_path(data_dir, kept, path, sizeof(path));
    assert_int_equal(access(path, F_OK), 0);
    photo_path(data_dir, young, path, sizeof(path));
    assert_int_equal(access(path, F_OK), 0);
    photo_path(data_dir, voucher, path, sizeof(path));
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(access(other, F_OK), 0);
    /* no photos directory at all is no error */
    assert_int_equal(photo_collect(f->s, "/nonexistent-gridgov", now, 0, &r, &e), ERR_OK);
    assert_int_equal(r.removed, 0);
}

static void test_audit_chain(void **state)
{
    struct fixture *f = *state;
    struct audit_report r;
    /* the demo's own cases (the enterprise service's solved customs problem) come first */
    struct audit_report demo = audit(f->s);
    assert_int_equal(demo.bad, 0);
    int64_t a = new_case(f->s), b = new_case(f->s);
    to_verified(f->s, a);
    step(f->s, b, "bowen", (struct case_step){.action = CA_ACCEPT});
    step(f->s, b, "bowen",
         (struct case_step){.action = CA_NOTE, .note = "内部备注：请供电公司协助"});
    r = audit(f->s);
    assert_int_equal(r.bad, 0);
    assert_int_equal(r.cases, 2 + demo.cases);
    assert_int_equal(r.rows, 6 + 3 + demo.rows);
    assert_string_equal(r.first_problem, "");

    /* an edited row */
    char *note =
        qtext(f->s, "SELECT note FROM case_events WHERE case_id = %lld AND seq = 5", (long long)a);
    sql(f->s, "UPDATE case_events SET note = 'x' WHERE case_id = %lld AND seq = 5", (long long)a);
    r = audit(f->s);
    assert_true(r.bad > 0);
    assert_non_null(strstr(r.first_problem, "edited"));
    sql(f->s, "UPDATE case_events SET note = '%s' WHERE case_id = %lld AND seq = 5", note,
        (long long)a);
    free(note);
    assert_int_equal(audit(f->s).bad, 0);

    /* a deleted last row: the chain is whole, but shorter than the case says */
    sql(f->s,
        "DELETE FROM case_events WHERE case_id = %lld AND seq = (SELECT max(seq) FROM "
        "case_events WHERE case_id = %lld)",
        (long long)b, (long long)b);
    r = audit(f->s);
    assert_true(r.bad > 0);
    assert_int_equal(r.rows, 6 + 2 + demo.rows);
    assert_non_null(strstr(r.first_problem, "ends at row 2"));

    /* a deleted middle row */
    sql(f->s, "DELETE FROM case_events WHERE case_id = %lld AND seq = 3", (long long)a);
    r = audit(f->s);
    assert_true(r.bad >= 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_escalate_overdue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_unconfirmed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_steps_reach_outbox, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scheduler_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_photo_orphans, setup, teardown),
    };
    static const unsigned char key[32] = {7, 7, 7};
    if (crypto_init() != 0)
        return 1;
    secret_init_fixed(key);
    pii_init_fixed(key);
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
