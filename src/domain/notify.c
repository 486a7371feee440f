/* notify.c - group-chat notifications: channels (rows of `webhooks` of kind dingtalk, wecom or
 * json) subscribed to events under a place, the outbox rows a case step writes for them (already
 * rendered in the robot's format, in the step's transaction), the Chinese message templates,
 * and DingTalk's signature. Delivery itself is webhook.c's worker. */
#include "domain/notify.h"
#include "core/util.h"
#include "domain/case.h"
#include "domain/webhook.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ---- */

static const char *const kind_names[] = {"signed", "dingtalk", "wecom", "json"};

const char *wh_kind_name(enum wh_kind k)
{
    return (unsigned)k < ARRAY_LEN(kind_names) ? kind_names[k] : "signed";
}

int wh_kind_from_name(const char *name)
{
    for (size_t i = 0; name != NULL && i < ARRAY_LEN(kind_names); i++) {
        if (strcmp(name, kind_names[i]) == 0)
            return (int)i;
    }
    return -1;
}

static const struct {
    const char *name, *zh;
} events[] = {
#define X(id, name, zh) {name, zh},
    NOTIFY_EVENTS(X)
#undef X
};

const char *notify_event_name(enum notify_event ev)
{
    return (unsigned)ev < NE__COUNT ? events[ev].name : "";
}

const char *notify_event_zh(enum notify_event ev)
{
    return (unsigned)ev < NE__COUNT ? events[ev].zh : "";
}

static char public_url[256];

void notify_set_public_url(const char *url)
{
    size_t n;
    snprintf(public_url, sizeof(public_url), "%s", url ? url : "");
    n = strlen(public_url);
    while (n > 0 && public_url[n - 1] == '/')
        public_url[--n] = '\0';
}

/* ---- channels ---- */

int notify_events_parse(const json_t *arr, unsigned *out, struct err *e)
{
    size_t i;
    json_t *v;
    *out = 0;
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return err_set(e, ERR_INVALID, "events", "请至少订阅一种事件（events 为事件名数组）");
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        int k;
        for (k = 0; k < NE__COUNT; k++) {
            if (s != NULL && strcmp(s, events[k].name) == 0)
                break;
        }
        if (k == NE__COUNT)
            return err_set(e, ERR_INVALID, "events",
                           "未知事件 '%.40s'（可选：new_case、dispatched、overdue、escalated、"
                           "index_warning）",
                           s ? s : "?");
        *out |= 1u << k;
    }
    return ERR_OK;
}

/* ",new_case,dispatched," as stored, so one LIKE finds a subscriber */
static char *events_text(struct arena *a, unsigned bits)
{
    char buf[160] = ",";
    for (int k = 0; k < NE__COUNT; k++) {
        if (bits & (1u << k)) {
            strcat(buf, events[k].name);
            strcat(buf, ",");
        }
    }
    return arena_strdup(a, buf);
}

int notify_channel_check(struct db *db, const struct notify_channel *ch, struct err *e)
{
    struct arena a;
    struct dbrows r;
    int rc;
    if (ch->kind == WH_SIGNED)
        return err_set(e, ERR_INVALID, "kind", "kind 为 dingtalk、wecom 或 json");
    if (ch->name == NULL || ch->name[0] == '\0')
        return err_set(e, ERR_INVALID, "name", "请填写通知名称");
    if ((rc = webhook_url_check(ch->url, e)) != ERR_OK)
        return rc;
    if (ch->kind == WH_WECOM && strstr(ch->url, "key=") == NULL)
        return err_set(e, ERR_INVALID, "url", "企业微信群机器人的地址须带 key=");
    if (ch->kind == WH_DINGTALK && ch->secret != NULL && strncmp(ch->secret, "SEC", 3) != 0)
        return err_set(e, ERR_INVALID, "secret", "钉钉机器人加签密钥以 SEC 开头");
    if (ch->kind == WH_WECOM && ch->secret != NULL)
        return err_set(e, ERR_INVALID, "secret",
                       "企业微信群机器人不使用密钥（密钥在地址的 key= 中）");
    if (ch->secret != NULL && webhook_secret_check(ch->secret, e) != ERR_OK)
        return err_set(e, ERR_INVALID, "secret", "密钥为 16 至 200 个可打印 ASCII 字符");
    if (ch->events == 0)
        return err_set(e, ERR_INVALID, "events", "请至少订阅一种事件");
    arena_init(&a, 0);
    rc = db_query(
        db, &a, &r, e,
        "SELECT (SELECT count(*) FROM places WHERE code = ?), (SELECT count(*) FROM "
        "departments WHERE code = ?)",
        DB_ARGS(DBS(ch->place ? ch->place : ""), DBS(ch->department ? ch->department : "")));
    if (rc == ERR_OK && dbrows_int(&r, 0, 0) == 0)
        rc = err_set(e, ERR_INVALID, "place", "没有区划或网格 '%.20s'", ch->place ? ch->place : "");
    else if (rc == ERR_OK && ch->department != NULL && dbrows_int(&r, 0, 1) == 0)
        rc = err_set(e, ERR_INVALID, "department", "没有部门 '%.32s'", ch->department);
    arena_free(&a);
    return rc;
}

int notify_channel_insert(struct db *db, const struct notify_channel *ch, int64_t now, int64_t *id,
                          struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc = db_query(db, &a, &r, e,
                      "INSERT INTO webhooks (url, secret, active, created_at, kind, name, "
                      "place_code, department, events) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?) "
                      "RETURNING id",
                      DB_ARGS(DBS(ch->url), DBS(ch->secret ? ch->secret : ""), DBI(now),
                              DBS(wh_kind_name(ch->kind)), DBS(ch->name), DBS(ch->place),
                              DBS(ch->department), DBS(events_text(&a, ch->events))));
    if (rc == ERR_OK)
        *id = dbrows_int(&r, 0, 0);
    arena_free(&a);
    return rc;
}

int notify_channel_delete(struct db *db, int64_t id, struct err *e)
{
    int rc = db_exec(db, e,
                     "DELETE FROM outbox WHERE webhook_id IN (SELECT id FROM webhooks WHERE id = ? "
                     "AND kind <> 'signed')",
                     DB_ARGS(DBI(id)));
    if (rc < 0)
        return rc;
    rc = db_exec(db, e, "DELETE FROM webhooks WHERE id = ? AND kind <> 'signed'", DB_ARGS(DBI(id)));
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "id", "没有编号为 %lld 的通知", (long long)id);
    return rc < 0 ? rc : ERR_OK;
}

static json_t *when_json(const char *v)
{
    char buf[32];
    if (v == NULL)
        return json_null();
    time_iso_cst((time_t)strtoll(v, NULL, 10), buf);
    return json_string(buf);
}

/* The URL as shown: robots carry their credential in the query (access_token=, key=). */
static json_t *url_shown(const char *url)
{
    const char *q = strchr(url, '?');
    if (q == NULL)
        return json_string(url);
    return json_sprintf("%.*s?…", (int)(q - url), url);
}

int notify_channel_list_json(struct db *db, struct arena *a, json_t **out, struct err *e)
{
    struct dbrows r;
    int rc = db_query(
        db, a, &r, e,
        "SELECT w.id, w.kind, w.name, w.url, w.place_code, w.department, w.events, w.active, "
        "w.secret <> '', (SELECT count(*) FROM outbox o WHERE o.webhook_id = w.id AND "
        "o.delivered_at IS NULL AND o.dead_at IS NULL), (SELECT count(*) FROM outbox o WHERE "
        "o.webhook_id = w.id AND o.dead_at IS NOT NULL AND o.delivered_at IS NULL), (SELECT "
        "max(o.delivered_at) FROM outbox o WHERE o.webhook_id = w.id), w.created_at FROM "
        "webhooks w WHERE w.kind <> 'signed' ORDER BY w.id",
        DB_NOARGS);
    if (rc != ERR_OK)
        return rc;
    json_t *items = json_array();
    for (int i = 0; i < r.nrows; i++) {
        json_t *evs = json_array();
        const char *t = dbrows_get(&r, i, 6);
        for (int k = 0; k < NE__COUNT; k++) {
            char pat[40];
            snprintf(pat, sizeof(pat), ",%s,", events[k].name);
            if (t != NULL && strstr(t, pat) != NULL)
                json_array_append_new(evs, json_string(events[k].name));
        }
        const char *dep = dbrows_get(&r, i, 5);
        json_array_append_new(
            items,
            json_pack("{s:I, s:s, s:s, s:o, s:s, s:o, s:o, s:b, s:b, s:I, s:I, s:o, s:o}", "id",
                      (json_int_t)dbrows_int(&r, i, 0), "kind", dbrows_get(&r, i, 1), "name",
                      dbrows_get(&r, i, 2), "url", url_shown(dbrows_get(&r, i, 3)), "place",
                      dbrows_get(&r, i, 4) ? dbrows_get(&r, i, 4) : "", "department",
                      dep ? json_string(dep) : json_null(), "events", evs, "active",
                      (int)dbrows_int(&r, i, 7), "signed", (int)dbrows_int(&r, i, 8), "pending",
                      (json_int_t)dbrows_int(&r, i, 9), "dead", (json_int_t)dbrows_int(&r, i, 10),
                      "last_delivered_at", when_json(dbrows_get(&r, i, 11)), "created_at",
                      when_json(dbrows_get(&r, i, 12))));
    }
    *out = json_pack("{s:o}", "items", items);
    return ERR_OK;
}

/* ---- rendering ---- */

/* At most max characters of s (UTF-8), "…" when cut; markdown's line breaks become spaces. */
static void excerpt(const char *s, int max, char *out, size_t n)
{
    size_t o = 0;
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && o + 5 < n;) {
        if ((*p & 0xc0) != 0x80 && chars++ == max) {
            memcpy(out + o, "…", 3);
            o += 3;
            break;
        }
        out[o++] = (char)(*p == '\n' || *p == '\r' ? ' ' : *p);
        p++;
    }
    out[o] = '\0';
}

static void title_of(const struct notify_msg *m, char *out, size_t n)
{
    if (m->event == NE_INDEX_WARNING)
        snprintf(out, n, "指数预警：%s", m->place ? m->place : "");
    else
        snprintf(out, n, "%s %s", notify_event_zh(m->event), m->case_no ? m->case_no : "");
}

/* The Chinese markdown both robots show. */
static char *markdown(const struct notify_msg *m)
{
    char title[160], desc[300], link[400] = "";
    size_t cap = 2048;
    char *md = malloc(cap);
    if (md == NULL)
        return NULL;
    title_of(m, title, sizeof(title));
    excerpt(m->description, 60, desc, sizeof(desc));
    if (public_url[0] && m->case_id)
        snprintf(link, sizeof(link), "\n\n[查看案卷](%s/#/cases/%lld)", public_url,
                 (long long)m->case_id);
    if (m->event == NE_INDEX_WARNING) {
        snprintf(md, cap, "#### 【网格智治】%s\n\n%s", title, m->text ? m->text : "");
        return md;
    }
    snprintf(md, cap,
             "#### 【网格智治】%s\n\n"
             "- 案卷号：%s\n"
             "- 类别：%s\n"
             "- 地点：%s\n"
             "%s%s%s"
             "- 状态：%s\n"
             "- 时间：%s\n\n"
             "> %s%s",
             title, m->case_no ? m->case_no : "", m->category ? m->category : "",
             m->place ? m->place : "", m->department ? "- 承办部门：" : "",
             m->department ? m->department : "", m->department ? "\n" : "",
             m->status ? m->status : "", m->when ? m->when : "", desc, link);
    return md;
}

char *notify_render(enum wh_kind kind, const struct notify_msg *m)
{
    char title[160];
    char *md = markdown(m), *out;
    json_t *j;
    if (md == NULL)
        return NULL;
    title_of(m, title, sizeof(title));
    if (kind == WH_DINGTALK)
        j = json_pack("{s:s, s:{s:s, s:s}}", "msgtype", "markdown", "markdown", "title", title,
                      "text", md);
    else if (kind == WH_WECOM)
        j = json_pack("{s:s, s:{s:s}}", "msgtype", "markdown", "markdown", "content", md);
    else {
        char url[400] = "";
        if (public_url[0] && m->case_id)
            snprintf(url, sizeof(url), "%s/#/cases/%lld", public_url, (long long)m->case_id);
        j = json_pack("{s:s, s:s, s:s, s:s}", "event", notify_event_name(m->event), "title", title,
                      "text", md, "at", m->when ? m->when : "");
        if (m->case_id)
            json_object_set_new(
                j, "case",
                json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)m->case_id, "case_no",
                          m->case_no ? m->case_no : "", "category", m->category ? m->category : "",
                          "place", m->place ? m->place : "", "status", m->status ? m->status : "",
                          "url", url[0] ? json_string(url) : json_null()));
    }
    free(md);
    if (j == NULL)
        return NULL;
    out = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return out;
}

/* ---- events into the outbox ---- */

struct ntarget {
    int64_t id;
    enum wh_kind kind;
};

/* Write one rendered row per target. */
static int enqueue(struct db *db, const struct ntarget *t, int n, const struct notify_msg *m,
                   int64_t at, struct err *e)
{
    for (int i = 0; i < n; i++) {
        char *body = notify_render(t[i].kind, m);
        if (body == NULL)
            return err_set(e, ERR_INTERNAL, NULL, "cannot render a notification");
        int rc = db_exec(db, e,
                         "INSERT INTO outbox (case_id, webhook_id, event, payload, created_at, "
                         "next_at) VALUES (?, ?, ?, ?, ?, ?)",
                         DB_ARGS(DBI(m->case_id), DBI(t[i].id), DBS(notify_event_name(m->event)),
                                 DBS(body), DBI(at), DBI(at)));
        free(body);
        if (rc < 0)
            return rc;
    }
    return ERR_OK;
}

/* The active channels subscribed to ev whose place is place or above it (and whose department,
 * if any, is department). */
static int targets(struct db *db, struct arena *a, enum notify_event ev, const char *place,
                   const char *department, struct ntarget **out, int *n, struct err *e)
{
    struct dbrows r;
    const char *pat = arena_printf(a, "%%,%s,%%", notify_event_name(ev));
    int rc = db_query(db, a, &r, e,
                      "SELECT id, kind FROM webhooks WHERE active = 1 AND kind <> 'signed' AND "
                      "events LIKE ? AND place_code = substr(?, 1, length(place_code)) AND "
                      "(department IS NULL OR department = ?) ORDER BY id",
                      DB_ARGS(DBS(pat), DBS(place), DBS(department ? department : "")));
    if (rc != ERR_OK)
        return rc;
    *out = arena_alloc(a, sizeof(**out) * (size_t)(r.nrows ? r.nrows : 1));
    for (int i = 0; i < r.nrows; i++) {
        (*out)[i].id = dbrows_int(&r, i, 0);
        int k = wh_kind_from_name(dbrows_get(&r, i, 1));
        (*out)[i].kind = k < 0 ? WH_JSON : (enum wh_kind)k;
    }
    *n = r.nrows;
    return ERR_OK;
}

static void when_text(int64_t at, char out[32])
{
    time_iso_cst((time_t)at, out); /* 2026-11-29T10:51:12+08:00 -> 2026-11-29 10:51 */
    out[10] = ' ';
    out[16] = '\0';
}

int notify_case_step(struct db *db, struct arena *a, const struct case_rec *cs, int64_t at,
                     const char *action, int by_scheduler, struct err *e)
{
    enum notify_event ev;
    struct dbrows r;
    struct ntarget *t;
    int n, rc;
    if (strcmp(action, "submit") == 0)
        ev = NE_NEW_CASE;
    else if (strcmp(action, "dispatch") == 0)
        ev = NE_DISPATCHED;
    else if (strcmp(action, "escalate") == 0)
        ev = by_scheduler ? NE_OVERDUE : NE_ESCALATED;
    else
        return ERR_OK;
    /* the channels first: most steps of most places have none, and then cost one query */
    const char *place = cs->place_code, *dep = cs->department;
    if (place == NULL) { /* a copy without its place: read it */
        rc = db_query(db, a, &r, e, "SELECT place_code, department_code FROM cases WHERE id = ?",
                      DB_ARGS(DBI(cs->id)));
        if (rc != ERR_OK || r.nrows == 0)
            return rc;
        place = dbrows_get(&r, 0, 0);
        dep = dbrows_get(&r, 0, 1);
    }
    if ((rc = targets(db, a, ev, place, dep, &t, &n, e)) != ERR_OK || n == 0)
        return rc;
    rc = db_query(db, a, &r, e,
                  "SELECT c.description, (SELECT name FROM categories WHERE code = "
                  "c.category_code) FROM cases c WHERE c.id = ?",
                  DB_ARGS(DBI(cs->id)));
    if (rc != ERR_OK || r.nrows == 0)
        return rc;
    const char *desc = dbrows_get(&r, 0, 0), *catname = dbrows_get(&r, 0, 1);
    /* the place with the community above it: 博文社区 第一网格 */
    struct dbrows p;
    rc = db_query(db, a, &p, e,
                  "SELECT name, level FROM places WHERE code = ? OR code = substr(?, 1, 12) ORDER "
                  "BY length(code)",
                  DB_ARGS(DBS(place), DBS(place)));
    if (rc != ERR_OK)
        return rc;
    const char *pname = place;
    if (p.nrows == 2 &&
        strncmp(dbrows_get(&p, 1, 0), dbrows_get(&p, 0, 0), strlen(dbrows_get(&p, 0, 0))) == 0)
        pname = dbrows_get(&p, 1, 0); /* 博文社区第一网格 names its community already */
    else if (p.nrows == 2)
        pname = arena_printf(a, "%s %s", dbrows_get(&p, 0, 0), dbrows_get(&p, 1, 0));
    else if (p.nrows == 1)
        pname = dbrows_get(&p, 0, 0);
    const char *dname = NULL;
    if (dep != NULL) {
        struct dbrows d;
        rc = db_query(db, a, &d, e, "SELECT name FROM departments WHERE code = ?",
                      DB_ARGS(DBS(dep)));
        if (rc != ERR_OK)
            return rc;
        dname = d.nrows ? dbrows_get(&d, 0, 0) : dep;
    }
    char when[32];
    when_text(at, when);
    struct notify_msg m = {.event = ev,
                           .case_id = cs->id,
                           .case_no = cs->case_no,
                           .category = catname ? catname : cs->category,
                           .place = pname,
                           .department = dname,
                           .description = desc,
                           .status = case_status_zh(cs->status),
                           .when = when};
    return enqueue(db, t, n, &m, at, e);
}

int notify_index_warning(struct db *db, const char *place, const char *place_name,
                         const char *period, const char *text, int64_t at, struct err *e)
{
    struct arena a;
    struct ntarget *t;
    int n, rc;
    char when[32];
    arena_init(&a, 0);
    rc = targets(db, &a, NE_INDEX_WARNING, place, NULL, &t, &n, e);
    if (rc == ERR_OK && n > 0) {
        when_text(at, when);
        struct notify_msg m = {.event = NE_INDEX_WARNING,
                               .place = place_name ? place_name : place,
                               .text = arena_printf(&a, "%s（%s）", text, period ? period : ""),
                               .when = when};
        rc = enqueue(db, t, n, &m, at, e);
    }
    arena_free(&a);
    return rc;
}

/* ---- DingTalk ---- */

void notify_dingtalk_sign(const char *secret, int64_t ts_ms, char *out, size_t n)
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char msg[256], b64[64];
    int len = snprintf(msg, sizeof(msg), "%lld\n%s", (long long)ts_ms, secret);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg,
                                  (size_t)(len < (int)sizeof(msg) ? len : (int)sizeof(msg) - 1));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
    /* URL-encode: base64's + / = */
    size_t o = 0;
    for (const char *p = b64; *p && o + 4 < n; p++) {
        if (isalnum((unsigned char)*p))
            out[o++] = *p;
        else
            o += (size_t)snprintf(out + o, n - o, "%%%02X", (unsigned char)*p);
    }
    if (n > 0)
        out[o < n ? o : n - 1] = '\0';
}

int notify_dingtalk_url(const char *url, const char *secret, int64_t ts_ms, char *out, size_t n)
{
    char sign[128];
    notify_dingtalk_sign(secret, ts_ms, sign, sizeof(sign));
    int k = snprintf(out, n, "%s%ctimestamp=%lld&sign=%s", url, strchr(url, '?') ? '&' : '?',
                     (long long)ts_ms, sign);
    return k < 0 || (size_t)k >= n ? -1 : 0;
}

int notify_robot_ok(const char *body)
{
    json_t *j = json_loads(body ? body : "", 0, NULL);
    json_t *code = json_object_get(j, "errcode");
    int ok = json_is_integer(code) && json_integer_value(code) == 0;
    json_decref(j);
    return ok;
}
