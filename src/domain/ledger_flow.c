/* ledger_flow.c - the approval of ledger entries (社账街管) as one rules table, each step on the
 * entry's hash chain, attachments, and the chain's verification.
 *
 *   draft ─submit→ submitted ─approve→ approved (locked: corrected by a reversing entry)
 *   rejected ─submit↗        └─reject (reason)→ rejected
 *
 * The community's office keeps the entries (the registry's write verb at the entry's place);
 * the street's office (or the district's) above the entry decides, never the one who submitted
 * it. A chain row is the shape of a case's timeline row and hashed by the same function
 * (case_event_mac); submit and approve put the entry's content into the row's data, so the
 * approved content is part of the chain and an amount edited behind the server's back is found
 * by ledger_audit_verify. */
#include "domain/ledger.h"
#include "core/json.h"
#include "core/util.h"
#include "domain/place.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const status_names[LS__COUNT] = {"draft", "submitted", "approved", "rejected"};

#define B(s) (1u << (s))

enum who {
    W_KEEPER,   /* the office that keeps the entry's books: write verb at its place */
    W_APPROVER, /* an office above the entry: the street's or the district's */
};

static const struct step {
    const char *name, *zh;
    unsigned from;         /* statuses it may start from */
    enum ledger_status to; /* LS__COUNT: unchanged */
    enum who who;
    int needs_reason;
} flow[LA__COUNT] = {
    [LA_SUBMIT] = {"submit", "提交审核", B(LS_DRAFT) | B(LS_REJECTED), LS_SUBMITTED, W_KEEPER, 0},
    [LA_APPROVE] = {"approve", "审核通过", B(LS_SUBMITTED), LS_APPROVED, W_APPROVER, 0},
    [LA_REJECT] = {"reject", "退回", B(LS_SUBMITTED), LS_REJECTED, W_APPROVER, 1},
    [LA_DELETE] = {"delete", "删除", B(LS_DRAFT) | B(LS_REJECTED), LS__COUNT, W_KEEPER, 0},
};

/* Who decides: the street's office and the district's, within their scope. Community offices
 * hold no such grant, so a community never approves its own books. */
static const uint8_t approvers[ROLE__COUNT] = {
    [ROLE_DISTRICT_ADMIN] = V_WRITE,
    [ROLE_STREET_OFFICE] = V_WRITE,
};

static const struct chain_def chain = {"ledger_entries", "ledger_events", "entry_id",
                                       "ledger entry"};

const char *ledger_status_name(enum ledger_status s)
{
    return s >= 0 && s < LS__COUNT ? status_names[s] : "";
}

int ledger_status_from_name(const char *name, enum ledger_status *out)
{
    for (int i = 0; i < LS__COUNT; i++) {
        if (name != NULL && strcmp(name, status_names[i]) == 0) {
            *out = (enum ledger_status)i;
            return ERR_OK;
        }
    }
    return ERR_INVALID;
}

const char *ledger_action_name(enum ledger_action a)
{
    return a >= 0 && a < LA__COUNT ? flow[a].name : "";
}

int ledger_action_from_name(const char *name, enum ledger_action *out)
{
    for (int i = 0; i < LA__COUNT; i++) {
        if (name != NULL && strcmp(name, flow[i].name) == 0) {
            *out = (enum ledger_action)i;
            return ERR_OK;
        }
    }
    return ERR_INVALID;
}

int ledger_flow_check(const struct user *u, enum ledger_action a, enum ledger_status s,
                      const char *place, int64_t submitter_id, struct err *e)
{
    const struct step *st = &flow[a];
    struct target t = {.place = place};
    if (!(st->from & B(s)))
        return err_set(e, ERR_CONFLICT, "status", "分录状态为“%s”，不能%s", ledger_status_name(s),
                       st->zh);
    if (u == NULL)
        return ERR_OK; /* the system (demo, command line) */
    if (st->who == W_KEEPER) {
        if (!authz_verb_allow(u, reg_ledger_entries.grants, V_WRITE, &t))
            return err_set(e, ERR_FORBIDDEN, "action", "只有记账的村（社区）才能%s", st->zh);
        return ERR_OK;
    }
    if (!authz_verb_allow(u, approvers, V_WRITE, &t))
        return err_set(e, ERR_FORBIDDEN, "action", "分录由所在街道（镇）审核，村（社区）不能%s",
                       st->zh);
    if (submitter_id != 0 && submitter_id == u->id)
        return err_set(e, ERR_FORBIDDEN, "action", "不能审核自己提交的分录");
    return ERR_OK;
}

void ledger_flow_allowed(struct jsonw *w, const struct user *u, enum ledger_status s,
                         const char *place, int64_t submitter_id)
{
    jw_arr(w);
    for (int a = 0; a < LA__COUNT; a++) {
        struct err e = {0};
        if (ledger_flow_check(u, (enum ledger_action)a, s, place, submitter_id, &e) == ERR_OK)
            jw_str(w, flow[a].name);
    }
    jw_end_arr(w);
}

const char *ledger_content(struct arena *a, const char *place, const char *date, const char *kind,
                           const char *category, int64_t amount, const char *counterparty,
                           const char *voucher, const char *attachments, const char *note,
                           int64_t reverses)
{
    json_t *att = json_loads(attachments ? attachments : "[]", 0, NULL);
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s, s:I, s:s?, s:s?, s:o, s:s?, s:I}", "place", place, "date",
                  date, "kind", kind, "category", category, "amount", (json_int_t)amount,
                  "counterparty", counterparty, "voucher_no", voucher, "attachments",
                  att ? att : json_array(), "note", note, "reverses", (json_int_t)reverses);
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    const char *out = arena_strdup(a, s ? s : "{}");
    free(s);
    json_decref(o);
    return out;
}

/* ---- one step ---- */

struct entry_row {
    int64_t id, seq, amount, reverses, archived, at; /* at: of the last chain row appended */
    const char *county, *place, *status, *head, *date, *kind, *category, *counterparty, *voucher,
        *attachments, *note;
};

static int entry_load(struct db *db, struct arena *a, int64_t id, struct entry_row *out,
                      struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e,
                      "SELECT id, county, place_code, status, timeline_seq, timeline_head, "
                      "entry_date, kind, category, amount, counterparty, voucher_no, attachments, "
                      "note, coalesce(reverses, 0), coalesce(archived_at, 0) FROM ledger_entries "
                      "WHERE id = ?",
                      DB_ARGS(DBI(id)));
    if (rc != ERR_OK)
        return rc;
    if (r.nrows == 0)
        return err_set(e, ERR_NOT_FOUND, "id", "没有编号为 %lld 的分录", (long long)id);
    *out = (struct entry_row){
        .id = id,
        .county = dbrows_get(&r, 0, 1),
        .place = dbrows_get(&r, 0, 2),
        .status = dbrows_get(&r, 0, 3),
        .seq = dbrows_int(&r, 0, 4),
        .head = dbrows_get(&r, 0, 5),
        .date = dbrows_get(&r, 0, 6),
        .kind = dbrows_get(&r, 0, 7),
        .category = dbrows_get(&r, 0, 8),
        .amount = dbrows_int(&r, 0, 9),
        .counterparty = dbrows_get(&r, 0, 10),
        .voucher = dbrows_get(&r, 0, 11),
        .attachments = dbrows_get(&r, 0, 12),
        .note = dbrows_get(&r, 0, 13),
        .reverses = dbrows_int(&r, 0, 14),
        .archived = dbrows_int(&r, 0, 15),
    };
    return ERR_OK;
}

int ledger_submitter(struct db *db, struct arena *a, int64_t id, int64_t *out, struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e,
                      "SELECT coalesce(actor_user_id, 0) FROM ledger_events WHERE entry_id = ? AND "
                      "action = 'submit' ORDER BY seq DESC LIMIT 1",
                      DB_ARGS(DBI(id)));
    *out = rc == ERR_OK && r.nrows > 0 ? dbrows_int(&r, 0, 0) : 0;
    return rc;
}

/* Append a chain row for en (its seq and head move on in memory). */
static int chain_append(struct db *db, struct arena *a, struct entry_row *en, const struct user *u,
                        const char *action, const char *from, const char *to, const char *note,
                        const char *data, struct err *e)
{
    char hash[65];
    int64_t seq = en->seq + 1, at = time(NULL);
    int64_t actor_id = u ? u->id : 0;
    const char *actor = u ? u->username : "system";
    case_event_mac(en->head, en->id, seq, at, actor_id, actor, action, from, to, note, data, 1,
                   hash);
    int rc = db_exec(db, e,
                     "INSERT INTO ledger_events (county, entry_id, seq, at, actor_user_id, actor, "
                     "action, from_status, to_status, note, data, public, prev_hash, hash) VALUES "
                     "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                     DB_ARGS(DBS(en->county), DBI(en->id), DBI(seq), DBI(at),
                             actor_id ? DBI(actor_id) : DBNULL, DBS(actor), DBS(action), DBS(from),
                             DBS(to), DBS(note), DBS(data), DBS(en->head), DBS(hash)));
    if (rc < 0)
        return rc;
    en->seq = seq;
    en->at = at;
    en->head = arena_strdup(a, hash);
    return ERR_OK;
}

struct step_job {
    struct arena *a;
    const struct user *u;
    int64_t id;
    enum ledger_action act;
    const char *reason;
};

static int step_fn(struct db *db, void *arg, struct err *e)
{
    struct step_job *j = arg;
    struct entry_row en;
    enum ledger_status s;
    int64_t submitter;
    int rc = entry_load(db, j->a, j->id, &en, e);
    if (rc != ERR_OK)
        return rc;
    if (en.archived)
        return err_set(e, ERR_NOT_FOUND, "id", "分录 %lld 已删除", (long long)j->id);
    if (j->u != NULL && !authz_verb_allow(j->u, reg_ledger_entries.grants, V_READ,
                                          &(struct target){.place = en.place}))
        return err_set(e, ERR_FORBIDDEN, "place", "该村社账目记录不在您的管辖范围内");
    if (ledger_status_from_name(en.status, &s) != ERR_OK)
        return err_set(e, ERR_INTERNAL, "status", "unknown status %.20s", en.status);
    if ((rc = ledger_submitter(db, j->a, j->id, &submitter, e)) != ERR_OK ||
        (rc = ledger_flow_check(j->u, j->act, s, en.place, submitter, e)) != ERR_OK)
        return rc;
    /* the record as the counters saw it (its status is counted) */
    struct reg_ctx sys = {.a = j->a};
    struct reg_rec before;
    const char *key = arena_printf(j->a, "%lld", (long long)j->id);
    if ((rc = reg_get(db, &sys, &reg_ledger_entries, key, &before, e)) != ERR_OK)
        return rc;
    const struct step *st = &flow[j->act];
    const char *note = j->reason ? j->reason : "";
    const char *data = "{}";
    if (j->act == LA_SUBMIT || j->act == LA_APPROVE)
        data = ledger_content(j->a, en.place, en.date, en.kind, en.category, en.amount,
                              en.counterparty, en.voucher, en.attachments, en.note, en.reverses);
    const char *to = ledger_status_name(st->to);
    if ((rc = chain_append(db, j->a, &en, j->u, st->name, en.status, to, note, data, e)) != ERR_OK)
        return rc;
    rc = db_exec(db, e,
                 "UPDATE ledger_entries SET status = ?, reason = ?, timeline_seq = ?, "
                 "timeline_head = ?, updated_at = ? WHERE id = ? AND status = ? AND timeline_seq "
                 "= ?",
                 DB_ARGS(DBS(to), j->act == LA_REJECT ? DBS(note) : DBNULL, DBI(en.seq),
                         DBS(en.head), DBI(time(NULL)), DBI(en.id), DBS(en.status),
                         DBI(en.seq - 1)));
    if (rc == 0)
        return err_set(e, ERR_CONFLICT, "status", "分录刚被他人处理过，请刷新后再试");
    if (rc < 0)
        return rc;
    if ((j->act == LA_APPROVE || j->act == LA_REJECT) &&
        (rc = ledger_counted_decision(db, j->a, en.id, en.seq, en.place, en.at, e)) != ERR_OK)
        return rc;
    return reg_counters_changed(db, &sys, &reg_ledger_entries, &before, key, e);
}

int ledger_step(struct store *s, struct arena *a, const struct user *u, int64_t id,
                enum ledger_action act, const char *reason, struct err *e)
{
    if (act == LA_DELETE)
        return err_set(e, ERR_INVALID, "action", "删除分录请用 DELETE");
    if (reason != NULL && reason[strspn(reason, " \t\r\n")] == '\0')
        reason = NULL;
    if (flow[act].needs_reason && reason == NULL)
        return err_set(e, ERR_INVALID, "reason", "退回须说明理由（reason）");
    if (reason != NULL && utf8_chars(reason) > 500)
        return err_set(e, ERR_INVALID, "reason", "理由（reason）最多 500 个字");
    struct step_job j = {a, u, id, act, reason};
    return store_write(s, step_fn, &j, e);
}

int ledger_may_delete(struct db *db, struct reg_ctx *c, const struct registry *r,
                      const struct reg_rec *old, struct err *e)
{
    struct entry_row en;
    enum ledger_status s;
    (void)r;
    int rc = entry_load(db, c->a, old->id, &en, e);
    if (rc != ERR_OK)
        return rc;
    if (ledger_status_from_name(en.status, &s) != ERR_OK)
        return err_set(e, ERR_INTERNAL, "status", "unknown status %.20s", en.status);
    if (s == LS_APPROVED)
        return err_set(e, ERR_CONFLICT, "status",
                       "已审核通过的分录已锁定，不能删除；更正请录入冲销分录（reverses）");
    if ((rc = ledger_flow_check(c->user, LA_DELETE, s, en.place, 0, e)) != ERR_OK)
        return rc;
    if (en.seq == 0)
        return ERR_OK; /* a draft never submitted has no history */
    rc = chain_append(db, c->a, &en, c->user, "delete", en.status, en.status, "", "{}", e);
    if (rc == ERR_OK)
        rc = db_exec(db, e,
                     "UPDATE ledger_entries SET timeline_seq = ?, timeline_head = ? WHERE id = ?",
                     DB_ARGS(DBI(en.seq), DBS(en.head), DBI(en.id)));
    return rc < 0 ? rc : ERR_OK;
}

/* ---- attachments ---- */

struct attach_job {
    struct arena *a;
    const struct user *u;
    int64_t id;
    const char *const *sha;
    int n;
};

static int attach_fn(struct db *db, void *arg, struct err *e)
{
    struct attach_job *j = arg;
    struct entry_row en;
    int rc = entry_load(db, j->a, j->id, &en, e);
    if (rc != ERR_OK)
        return rc;
    if (en.archived)
        return err_set(e, ERR_NOT_FOUND, "id", "分录 %lld 已删除", (long long)j->id);
    if (j->u != NULL && !authz_verb_allow(j->u, reg_ledger_entries.grants, V_WRITE,
                                          &(struct target){.place = en.place}))
        return err_set(e, ERR_FORBIDDEN, "place", "只有记账的村（社区）才能添加附件");
    if (strcmp(en.status, "draft") != 0 && strcmp(en.status, "rejected") != 0)
        return err_set(e, ERR_CONFLICT, "status", "分录状态为“%s”，不能再添加附件", en.status);
    json_t *list = json_loads(en.attachments, 0, NULL);
    if (!json_is_array(list)) {
        json_decref(list);
        list = json_array();
    }
    for (int i = 0; i < j->n; i++) {
        int known = 0;
        size_t k;
        json_t *x;
        json_array_foreach(list, k, x) known |= strcmp(json_string_value(x), j->sha[i]) == 0;
        if (!known)
            json_array_append_new(list, json_string(j->sha[i]));
    }
    if (json_array_size(list) > LEDGER_ATTACH_MAX) {
        json_decref(list);
        return err_set(e, ERR_INVALID, "file", "一笔分录最多 %d 个附件", LEDGER_ATTACH_MAX);
    }
    char *text = json_dumps(list, JSON_COMPACT);
    json_decref(list);
    rc = db_exec(db, e, "UPDATE ledger_entries SET attachments = ?, updated_at = ? WHERE id = ?",
                 DB_ARGS(DBS(text), DBI(time(NULL)), DBI(en.id)));
    free(text);
    return rc < 0 ? rc : ERR_OK;
}

int ledger_attach(struct store *s, struct arena *a, const struct user *u, int64_t id,
                  const char *const *sha256, int n, struct err *e)
{
    struct attach_job j = {a, u, id, sha256, n};
    return store_write(s, attach_fn, &j, e);
}

/* ---- reading and verifying the chain ---- */

int ledger_timeline(struct db *db, struct arena *a, const struct user *u, int64_t id,
                    struct jsonw *w, struct err *e)
{
    struct entry_row en;
    struct dbrows r;
    enum ledger_status s;
    int64_t submitter;
    int rc = entry_load(db, a, id, &en, e);
    if (rc != ERR_OK)
        return rc;
    if (u != NULL && !authz_verb_allow(u, reg_ledger_entries.grants, V_READ,
                                       &(struct target){.place = en.place}))
        return err_set(e, ERR_FORBIDDEN, "place", "该村社账目记录不在您的管辖范围内");
    if ((rc = ledger_submitter(db, a, id, &submitter, e)) != ERR_OK)
        return rc;
    rc = db_query(db, a, &r, e,
                  "SELECT seq, at, actor, action, from_status, to_status, note, data, prev_hash, "
                  "hash FROM ledger_events WHERE entry_id = ? ORDER BY seq",
                  DB_ARGS(DBI(id)));
    if (rc != ERR_OK)
        return rc;
    jw_obj(w);
    jw_kint(w, "id", id);
    jw_kstr(w, "status", en.status);
    jw_key(w, "allowed_actions");
    if (en.archived || ledger_status_from_name(en.status, &s) != ERR_OK) {
        jw_arr(w);
        jw_end_arr(w);
    } else {
        ledger_flow_allowed(w, u, s, en.place, submitter);
    }
    jw_key(w, "items");
    jw_arr(w);
    for (int i = 0; i < r.nrows; i++) {
        char when[32];
        enum ledger_action act;
        const char *an = dbrows_get(&r, i, 3);
        const char *data = dbrows_get(&r, i, 7);
        time_iso_cst((time_t)dbrows_int(&r, i, 1), when);
        jw_obj(w);
        jw_kint(w, "seq", dbrows_int(&r, i, 0));
        jw_kstr(w, "at", when);
        jw_kstr(w, "actor", dbrows_get(&r, i, 2));
        jw_kstr(w, "action", an);
        jw_kstr(w, "action_label", ledger_action_from_name(an, &act) == ERR_OK ? flow[act].zh : an);
        jw_kstr(w, "from", dbrows_get(&r, i, 4));
        jw_kstr(w, "to", dbrows_get(&r, i, 5));
        jw_kstr(w, "note", dbrows_get(&r, i, 6));
        jw_key(w, "data");
        jw_raw(w, data != NULL && data[0] == '{' ? data : "{}"); /* written by us as JSON */
        jw_kstr(w, "prev_hash", dbrows_get(&r, i, 8));
        jw_kstr(w, "hash", dbrows_get(&r, i, 9));
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}

static void content_problem(struct audit_report *out, int64_t id, const char *what)
{
    out->bad++;
    if (out->first_problem[0] == '\0')
        snprintf(out->first_problem, sizeof(out->first_problem), "ledger entry %lld: %s",
                 (long long)id, what);
}

/* Each approved entry as it stands against the content its last approval put in the chain
 * (the chain itself is checked by timeline_chain_verify). */
static int verify_content(struct db *db, struct audit_report *out, struct err *e)
{
    int64_t after = 0;
    for (;;) {
        struct arena a;
        struct dbrows r;
        arena_init(&a, 0);
        int rc = db_query(db, &a, &r, e,
                          "SELECT id, place_code, entry_date, kind, category, amount, "
                          "counterparty, voucher_no, attachments, note, coalesce(reverses, 0), "
                          "(SELECT v.data FROM ledger_events v WHERE v.entry_id = le.id AND "
                          "v.action = 'approve' ORDER BY v.seq DESC LIMIT 1) FROM ledger_entries "
                          "le WHERE status = 'approved' AND id > ? ORDER BY id LIMIT 500",
                          DB_ARGS(DBI(after)));
        if (rc != ERR_OK || r.nrows == 0) {
            arena_free(&a);
            return rc;
        }
        for (int i = 0; i < r.nrows; i++) {
            int64_t id = dbrows_int(&r, i, 0);
            const char *held = dbrows_get(&r, i, 11);
            const char *now =
                ledger_content(&a, dbrows_get(&r, i, 1), dbrows_get(&r, i, 2), dbrows_get(&r, i, 3),
                               dbrows_get(&r, i, 4), dbrows_int(&r, i, 5), dbrows_get(&r, i, 6),
                               dbrows_get(&r, i, 7), dbrows_get(&r, i, 8), dbrows_get(&r, i, 9),
                               dbrows_int(&r, i, 10));
            if (held == NULL) {
                content_problem(out, id, "approved, but no approval is in its chain");
                continue;
            }
            json_t *j = json_loads(held, 0, NULL);
            char *canon = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
            if (canon == NULL || strcmp(canon, now) != 0)
                content_problem(out, id, "its content differs from the approved content");
            free(canon);
            json_decref(j);
        }
        after = dbrows_int(&r, r.nrows - 1, 0);
        arena_free(&a);
    }
}

int ledger_audit_verify(struct db *db, struct audit_report *out, struct err *e)
{
    int rc = timeline_chain_verify(db, &chain, out, e);
    return rc == ERR_OK ? verify_content(db, out, e) : rc;
}
