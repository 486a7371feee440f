/* test_notify.c - group-chat notifications (src/domain/notify.c) and the outbox's dead letters
 * (src/domain/webhook.c): DingTalk's signature against a value computed with Python's hmac, the
 * Chinese markdown of each robot and the generic JSON, event names; on a demo database, which
 * channels a step reaches (place prefix, department, overdue by the scheduler against escalated
 * by an office, another street), the index-warning hook, and a failing row becoming a dead
 * letter that no longer holds back its case, then retried by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "domain/calendar.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/notify.h"
#include "domain/pii.h"
#include "domain/scheduler.h"
#include "domain/secret.h"
#include "domain/user.h"
#include "domain/webhook.h"
#include "testdb.h"

/* ---- pure functions ---- */

static void test_dingtalk_sign(void **state)
{
    char sign[128], url[600];
    (void)state;
    /* python3: quote_plus(b64encode(hmac.new(s, f"{ts}\n{s}", sha256).digest())) */
    notify_dingtalk_sign("SEC0123456789abcdef0123456789abcdef", 1700000000000, sign, sizeof(sign));
    assert_string_equal(sign, "hJ95%2FXWePTzrSwXDHEJJY1Ta0B6qiG%2FYMxNzB4v4U2w%3D");
    assert_int_equal(notify_dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=abc",
                                         "SEC0123456789abcdef0123456789abcdef", 1700000000000, url,
                                         sizeof(url)),
                     0);
    assert_string_equal(url,
                        "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp="
                        "1700000000000&sign=hJ95%2FXWePTzrSwXDHEJJY1Ta0B6qiG%2FYMxNzB4v4U2w%3D");
    assert_int_equal(notify_dingtalk_url("http://h/x", "SECabc", 1, url, sizeof(url)), 0);
    assert_memory_equal(url, "http://h/x?timestamp=1&sign=", 28);
    assert_int_equal(notify_dingtalk_url("http://h/x", "SECabc", 1, url, 20), -1);
}

static void test_robot_answer(void **state)
{
    (void)state;
    assert_true(notify_robot_ok("{\"errcode\":0,\"errmsg\":\"ok\"}"));
    assert_false(notify_robot_ok("{\"errcode\":310000,\"errmsg\":\"sign not match\"}"));
    assert_false(notify_robot_ok("{\"errcode\":\"0\"}"));
    assert_false(notify_robot_ok("ok"));
    assert_false(notify_robot_ok(""));
    assert_false(notify_robot_ok(NULL));
}

static void test_events(void **state)
{
    struct err e = {0};
    unsigned bits;
    (void)state;
    json_t *a = json_pack("[s, s]", "overdue", "new_case");
    assert_int_equal(notify_events_parse(a, &bits, &e), ERR_OK);
    assert_int_equal(bits, 1u << NE_OVERDUE | 1u << NE_NEW_CASE);
    json_decref(a);
    a = json_pack("[s, i]", "overdue", 3);
    assert_int_equal(notify_events_parse(a, &bits, &e), ERR_INVALID);
    assert_string_equal(e.field, "events");
    json_decref(a);
    a = json_array();
    assert_int_equal(notify_events_parse(a, &bits, &e), ERR_INVALID);
    json_decref(a);
    assert_int_equal(notify_events_parse(NULL, &bits, &e), ERR_INVALID);
    assert_string_equal(notify_event_zh(NE_OVERDUE), "超期督办");
    assert_string_equal(notify_event_name(NE_INDEX_WARNING), "index_warning");
    assert_int_equal(wh_kind_from_name("wecom"), WH_WECOM);
    assert_int_equal(wh_kind_from_name("feishu"), -1);
    assert_string_equal(wh_kind_name(WH_DINGTALK), "dingtalk");
}

static json_t *render(enum wh_kind k, const struct notify_msg *m)
{
    char *t = notify_render(k, m);
    assert_non_null(t);
    json_t *j = json_loads(t, 0, NULL);
    assert_non_null(j);
    free(t);
    return j;
}

static void test_render(void **state)
{
    (void)state;
    /* 64 characters: cut at 60 with an ellipsis; a line break stays inside the quote */
    const char *desc =
        "楼道里停了三辆电动车在充电\n一二三四五六七八九十一二三四五六七八九十一二三四五"
        "六七八九十一二三四五六七八九十一二三四五六七八九十";
    struct notify_msg m = {.event = NE_DISPATCHED,
                           .case_id = 42,
                           .case_no = "20261201-0042",
                           .category = "电动车停放与充电",
                           .place = "博文社区第一网格",
                           .department = "区住房和城乡建设局",
                           .description = desc,
                           .status = "已派遣",
                           .when = "2026-12-01 09:30"};
    notify_set_public_url("https://gridgov.example.cn//");
    json_t *j = render(WH_DINGTALK, &m);
    assert_string_equal(json_string_value(json_object_get(j, "msgtype")), "markdown");
    const char *title = json_string_value(json_object_get(json_object_get(j, "markdown"), "title"));
    const char *text = json_string_value(json_object_get(json_object_get(j, "markdown"), "text"));
    assert_string_equal(title, "已派遣 20261201-0042");
    assert_non_null(strstr(text, "#### 【网格智治】已派遣 20261201-0042\n"));
    assert_non_null(strstr(text, "- 案卷号：20261201-0042\n- 类别：电动车停放与充电\n"));
    assert_non_null(strstr(text, "- 承办部门：区住房和城乡建设局\n"));
    assert_non_null(strstr(text, "> 楼道里停了三辆电动车在充电 一二三"));
    assert_non_null(
        strstr(text, "二三四五六…\n\n[查看案卷](https://gridgov.example.cn/#/cases/42)"));
    json_decref(j);

    j = render(WH_WECOM, &m);
    assert_string_equal(json_string_value(json_object_get(j, "msgtype")), "markdown");
    assert_non_null(strstr(
        json_string_value(json_object_get(json_object_get(j, "markdown"), "content")), "案卷号"));
    json_decref(j);

    j = render(WH_JSON, &m);
    assert_string_equal(json_string_value(json_object_get(j, "event")), "dispatched");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "case"), "url")),
                        "https://gridgov.example.cn/#/cases/42");
    json_decref(j);

    /* without public_url: no link; without a department: no line for it */
    notify_set_public_url("");
    m.department = NULL;
    m.event = NE_NEW_CASE;
    j = render(WH_DINGTALK, &m);
    text = json_string_value(json_object_get(json_object_get(j, "markdown"), "text"));
    assert_null(strstr(text, "查看案卷"));
    assert_null(strstr(text, "承办部门"));
    assert_non_null(strstr(text, "【网格智治】新诉求 "));
    json_decref(j);
    j = render(WH_JSON, &m);
    assert_true(json_is_null(json_object_get(json_object_get(j, "case"), "url")));
    json_decref(j);
}

/* ---- on a demo database ---- */

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
    return store_open(&cfg, &e);
}

static int group_setup(void **state)
{
    struct err e = {0};
    FILE *null = fopen("/dev/null", "w");
    (void)state;
    snprintf(template_dir, sizeof(template_dir), "/tmp/gridgov-test-notify.XXXXXX");
    if (mkdtemp(template_dir) == NULL || null == NULL)
        return -1;
    struct store *s = open_db(template_dir);
    int rc = s ? demo_populate(s, "admin-password-1", "users-password-1", null, &e) : ERR_STORE;
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

struct chan_ctx {
    struct notify_channel ch;
    int64_t id;
};

static int chan_fn(struct db *db, void *arg, struct err *e)
{
    struct chan_ctx *c = arg;
    int rc = notify_channel_check(db, &c->ch, e);
    return rc != ERR_OK ? rc : notify_channel_insert(db, &c->ch, time(NULL), &c->id, e);
}

static int64_t channel(struct store *s, enum wh_kind k, const char *place, const char *dep,
                       unsigned events)
{
    struct err e = {0};
    struct chan_ctx c = {.ch = {.kind = k,
                                .name = "测试群",
                                .url = "https://93.184.216.34/robot?key=k",
                                .place = place,
                                .department = dep,
                                .events = events}};
    if (store_write(s, chan_fn, &c, &e) != ERR_OK)
        fail_msg("channel: %s %s", e.field, e.msg);
    return c.id;
}

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
    int rc = case_submit(s, &a, NULL, &in, &who, NULL, &out, &e);
    json_decref(in.attributes);
    arena_free(&a);
    if (rc != ERR_OK)
        fail_msg("case_submit: %s %s", e.field, e.msg);
    return out.id;
}

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
    if (case_step_run(s, &a, NULL, id, &st, &who, &cs, &e) != ERR_OK)
        fail_msg("%s: %s", case_action_name(st.action), e.msg);
    arena_free(&a);
}

static int64_t rows(struct store *s, int64_t channel_id, const char *event)
{
    return qint(s, "SELECT count(*) FROM outbox WHERE webhook_id = %lld AND event = '%s'",
                (long long)channel_id, event);
}

static void test_who_hears_what(void **state)
{
    struct fixture *f = *state;
    struct scheduler_report r;
    unsigned all = (1u << NE__COUNT) - 1;
    int64_t grid = channel(f->s, WH_DINGTALK, "330604002007001", NULL, 1u << NE_NEW_CASE);
    int64_t comm = channel(f->s, WH_WECOM, "330604002007", NULL, all);
    int64_t zjj = channel(f->s, WH_JSON, "330604", "zjj", 1u << NE_DISPATCHED);
    int64_t mzj = channel(f->s, WH_JSON, "330604", "mzj", 1u << NE_DISPATCHED);
    int64_t street = channel(f->s, WH_DINGTALK, "330604002", NULL, 1u << NE_ESCALATED);
    int64_t other = channel(f->s, WH_DINGTALK, "330604007", NULL, all);
    notify_set_public_url("https://gridgov.example.cn");

    int64_t id = new_case(f->s);
    assert_int_equal(rows(f->s, grid, "new_case"), 1);
    assert_int_equal(rows(f->s, comm, "new_case"), 1);
    assert_int_equal(rows(f->s, zjj, "new_case"), 0);
    char *p = qtext(f->s, "SELECT payload FROM outbox WHERE webhook_id = %lld", (long long)grid);
    assert_non_null(strstr(p, "\"msgtype\":\"markdown\""));
    assert_non_null(strstr(p, "[查看案卷](https://gridgov.example.cn/#/cases/"));
    assert_non_null(strstr(p, "博文社区第一网格"));
    free(p);

    step(f->s, id, "bowen", (struct case_step){.action = CA_ACCEPT});
    step(f->s, id, "bowen", (struct case_step){.action = CA_DISPATCH, .department = "zjj"});
    assert_int_equal(rows(f->s, comm, "dispatched"), 1);
    assert_int_equal(rows(f->s, zjj, "dispatched"), 1);
    assert_int_equal(rows(f->s, mzj, "dispatched"), 0);
    assert_int_equal(rows(f->s, grid, "dispatched"), 0);

    /* overdue: the scheduler escalates; escalated: an office above does */
    sql(f->s, "UPDATE cases SET stage_due_at = %lld WHERE id = %lld", (long long)time(NULL) - 60,
        (long long)id);
    assert_int_equal(scheduler_run_once(f->s, time(NULL), &r), ERR_OK);
    assert_int_equal(r.escalated, 1);
    assert_int_equal(rows(f->s, comm, "overdue"), 1);
    assert_int_equal(rows(f->s, street, "overdue"), 0);
    p = qtext(f->s, "SELECT payload FROM outbox WHERE webhook_id = %lld AND event = 'overdue'",
              (long long)comm);
    assert_non_null(strstr(p, "超期督办"));
    free(p);
    sql(f->s, "UPDATE cases SET stage_due_at = %lld WHERE id = %lld", (long long)time(NULL) - 60,
        (long long)id);
    step(f->s, id, "caoe", (struct case_step){.action = CA_ESCALATE});
    assert_int_equal(rows(f->s, street, "escalated"), 1);
    assert_int_equal(rows(f->s, comm, "escalated"), 1);

    /* another street heard nothing; every row carries its case */
    assert_int_equal(
        qint(f->s, "SELECT count(*) FROM outbox WHERE webhook_id = %lld", (long long)other), 0);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM outbox WHERE case_id <> %lld", (long long)id),
                     0);
    /* an inactive channel gets nothing */
    sql(f->s, "UPDATE webhooks SET active = 0 WHERE id = %lld", (long long)grid);
    new_case(f->s);
    assert_int_equal(rows(f->s, grid, "new_case"), 1);
    assert_int_equal(rows(f->s, comm, "new_case"), 2);
}

struct warn_ctx {
    const char *place;
};

static int warn_fn(struct db *db, void *arg, struct err *e)
{
    struct warn_ctx *w = arg;
    return notify_index_warning(db, w->place, "博文社区", "2026-11", "按期结案率低于 60%",
                                time(NULL), e);
}

static void test_index_warning_hook(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    int64_t town = channel(f->s, WH_WECOM, "330604002", NULL, 1u << NE_INDEX_WARNING);
    int64_t cases = channel(f->s, WH_WECOM, "330604002", NULL, 1u << NE_NEW_CASE);
    struct warn_ctx w = {"330604002007"};
    assert_int_equal(store_write(f->s, warn_fn, &w, &e), ERR_OK);
    assert_int_equal(rows(f->s, town, "index_warning"), 1);
    assert_int_equal(rows(f->s, cases, "index_warning"), 0);
    char *p = qtext(f->s, "SELECT payload FROM outbox WHERE webhook_id = %lld", (long long)town);
    assert_non_null(strstr(p, "指数预警：博文社区"));
    assert_non_null(strstr(p, "按期结案率低于 60%（2026-11）"));
    free(p);
}

static int retry_fn(struct db *db, void *arg, struct err *e)
{
    return webhook_outbox_retry(db, *(int64_t *)arg, time(NULL), e);
}

static void test_dead_letters(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct webhook_report r;
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    close(fd); /* nothing listens there */
    webhook_set_allow_private(1);
    webhook_set_max_attempts(3);
    int64_t ch = channel(f->s, WH_DINGTALK, "330604002007", NULL, 1u << NE_NEW_CASE);
    sql(f->s, "UPDATE webhooks SET url = 'http://127.0.0.1:%d/robot' WHERE id = %lld",
        ntohs(sa.sin_port), (long long)ch);
    int64_t id = new_case(f->s);
    int64_t first = qint(f->s, "SELECT id FROM outbox WHERE webhook_id = %lld", (long long)ch);
    /* a later row of the same case and channel, held back behind the failing one */
    sql(f->s,
        "INSERT INTO outbox (case_id, webhook_id, event, payload, created_at, next_at) VALUES "
        "(%lld, %lld, 'new_case', '{}', 0, 0)",
        (long long)id, (long long)ch);
    int64_t now = time(NULL);
    for (int i = 1; i <= 3; i++) {
        now = qint(f->s, "SELECT next_at FROM outbox WHERE id = %lld", (long long)first);
        assert_int_equal(webhook_run_once(f->s, now, NULL, &r, &e), ERR_OK);
        assert_int_equal(r.failed, 1);
        assert_int_equal(r.deferred, 1);
        assert_int_equal(r.dead, i == 3);
    }
    assert_int_equal(qint(f->s, "SELECT attempts FROM outbox WHERE id = %lld", (long long)first),
                     3);
    assert_true(qint(f->s, "SELECT dead_at FROM outbox WHERE id = %lld", (long long)first) > 0);
    /* dead: no longer sent, no longer holding back the next row */
    struct arena a;
    struct outbox_item *it;
    int n;
    arena_init(&a, 0);
    struct db *db = store_acquire(f->s);
    assert_int_equal(webhook_due(db, &a, now + 100000, 50, &it, &n, &e), ERR_OK);
    assert_int_equal(n, 1);
    assert_true(it[0].id != first);
    assert_int_equal(it[0].kind, WH_DINGTALK);
    json_t *o;
    assert_int_equal(webhook_outbox_json(db, &a, now, 2, &o, &e), ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(o, "dead")), 1);
    assert_int_equal(json_array_size(json_object_get(o, "items")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(o, "items"), 0), "last_error")),
                        "connect failed");
    json_decref(o);
    store_release(f->s, db);
    arena_free(&a);

    /* retried by hand: due now, attempts from 0; a second retry is a conflict */
    assert_int_equal(store_write(f->s, retry_fn, &first, &e), ERR_OK);
    assert_int_equal(qint(f->s,
                          "SELECT count(*) FROM outbox WHERE id = %lld AND dead_at IS NULL "
                          "AND attempts = 0",
                          (long long)first),
                     1);
    assert_int_equal(store_write(f->s, retry_fn, &first, &e), ERR_CONFLICT);
    int64_t none = 987654321;
    assert_int_equal(store_write(f->s, retry_fn, &none, &e), ERR_NOT_FOUND);
    webhook_set_allow_private(0);
    webhook_set_max_attempts(WEBHOOK_MAX_ATTEMPTS);
}

int main(void)
{
    static const unsigned char key[32] = {7, 7, 7};
    if (crypto_init() != 0)
        return 1;
    secret_init_fixed(key);
    pii_init_fixed(key);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dingtalk_sign),
        cmocka_unit_test(test_robot_answer),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_render),
        cmocka_unit_test_setup_teardown(test_who_hears_what, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_warning_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dead_letters, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
