/* case_timeline.c - the append-only, hash-chained history of every case, the outbox entries
 * written with each row, and the verification that finds edited, inserted or deleted rows.
 *
 * hash(n) = keyed BLAKE2b(audit key, hash(n-1) | case | seq | at | actor id | actor | action |
 * from | to | note | data | public), each field as "LENGTH:VALUE" so no text can move from one
 * field into the next; hash(0) is the empty string.
 * The case row keeps the head hash and the row count, so a deleted tail is found too. */
#include "domain/case_int.h"
#include "core/buf.h"
#include "core/util.h"
#include "domain/notify.h"
#include "domain/secret.h"

#include <stdio.h>
#include <string.h>

void case_event_mac(const char *prev, int64_t case_id, int64_t seq, int64_t at, int64_t actor_id,
                    const char *actor, const char *action, const char *from, const char *to,
                    const char *note, const char *data, int64_t public_, char out[65])
{
    struct buf b;
    buf_init(&b, 1 << 24);
    const char *texts[] = {prev, actor, action, from, to, note, data};
    buf_printf(&b, "%zu:%s|%lld|%lld|%lld|%lld|", strlen(prev), prev, (long long)case_id,
               (long long)seq, (long long)at, (long long)actor_id);
    for (size_t i = 1; i < sizeof(texts) / sizeof(texts[0]); i++)
        buf_printf(&b, "%zu:%s|", strlen(texts[i]), texts[i]);
    buf_printf(&b, "%lld", (long long)public_);
    secret_audit_mac(b.data, b.len, out);
    buf_free(&b);
}

const char *actor_label(struct arena *a, const struct actor *who)
{
    if (who->scheduler)
        return "scheduler";
    if (who->user != NULL)
        return who->user->username;
    if (who->api_key_id)
        return arena_printf(a, "open311:%lld", (long long)who->api_key_id);
    return "reporter";
}

int case_timeline_append(struct db *db, struct arena *a, struct case_rec *cs, int64_t at,
                         const struct actor *who, enum case_action action, enum case_status from,
                         enum case_status to, const char *note, const char *data, int public_,
                         struct err *e)
{
    char hash[65];
    int64_t seq = cs->timeline_seq + 1;
    int64_t actor_id = who->user ? who->user->id : 0;
    const char *actor = actor_label(a, who);
    const char *act = case_action_name(action);
    const char *fs = action == CA_SUBMIT ? "" : case_status_name(from);
    const char *ts = case_status_name(to);
    if (note == NULL)
        note = "";
    if (data == NULL)
        data = "{}";
    case_event_mac(cs->timeline_head ? cs->timeline_head : "", cs->id, seq, at, actor_id, actor,
                   act, fs, ts, note, data, public_, hash);
    int rc = db_exec(db, e,
                     "INSERT INTO case_events (county, case_id, seq, at, actor_user_id, actor, "
                     "action, from_status, to_status, note, data, public, prev_hash, hash) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     DB_ARGS(DBS(cs->county), DBI(cs->id), DBI(seq), DBI(at),
                             actor_id ? DBI(actor_id) : DBNULL, DBS(actor), DBS(act), DBS(fs),
                             DBS(ts), DBS(note), DBS(data), DBI(public_),
                             DBS(cs->timeline_head ? cs->timeline_head : ""), DBS(hash)));
    if (rc < 0)
        return rc;
    cs->timeline_seq = seq;
    cs->timeline_head = arena_strdup(a, hash);

    /* one outbox entry per active webhook, in the same transaction */
    json_t *payload = json_pack("{s:s, s:I, s:s, s:s, s:s, s:I, s:s}", "event", act, "case_id",
                                (json_int_t)cs->id, "case_no", cs->case_no, "status", ts,
                                "category", cs->category, "seq", (json_int_t)seq, "at", "");
    char when[32];
    time_iso_cst((time_t)at, when);
    json_object_set_new(payload, "at", json_string(when));
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    rc = db_exec(db, e,
                 "INSERT INTO outbox (case_id, webhook_id, event, payload, created_at, next_at) "
                 "SELECT ?, id, ?, ?, ?, ? FROM webhooks WHERE active = 1 AND kind = 'signed'",
                 DB_ARGS(DBI(cs->id), DBS(act), DBS(text), DBI(at), DBI(at)));
    free(text);
    if (rc < 0)
        return rc;
    /* and the group chats subscribed to this step under the case's place */
    return notify_case_step(db, a, cs, at, act, who->scheduler, e);
}

int case_timeline_json(struct db *db, struct arena *a, int64_t id, int view, json_t **out,
                       struct err *e)
{
    int public_view = view == TIMELINE_PUBLIC;
    struct dbrows r;
    int rc = db_query(db, a, &r, e,
                      "SELECT seq, at, actor, action, from_status, to_status, note, data, public, "
                      "prev_hash, hash FROM case_events WHERE case_id = ? ORDER BY seq",
                      DB_ARGS(DBI(id)));
    if (rc != ERR_OK)
        return rc;
    json_t *items = json_array();
    for (int i = 0; i < r.nrows; i++) {
        int pub = (int)dbrows_int(&r, i, 8);
        if (view != TIMELINE_STAFF && !pub)
            continue;
        char when[32];
        enum case_action act;
        const char *an = dbrows_get(&r, i, 3);
        time_iso_cst((time_t)dbrows_int(&r, i, 1), when);
        json_t *ev = json_pack(
            "{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "seq", (json_int_t)dbrows_int(&r, i, 0), "at",
            when, "action", an, "action_label",
            case_action_from_name(an, &act) == ERR_OK ? case_action_zh(act) : "上报", "from",
            dbrows_get(&r, i, 4), "to", dbrows_get(&r, i, 5), "note", dbrows_get(&r, i, 6));
        if (!public_view) {
            json_t *data = json_loads(dbrows_get(&r, i, 7), 0, NULL);
            json_object_set_new(ev, "actor", json_string(dbrows_get(&r, i, 2)));
            json_object_set_new(ev, "data", data ? data : json_object());
            json_object_set_new(ev, "public", json_boolean(pub));
            json_object_set_new(ev, "prev_hash", json_string(dbrows_get(&r, i, 9)));
            json_object_set_new(ev, "hash", json_string(dbrows_get(&r, i, 10)));
        }
        json_array_append_new(items, ev);
    }
    *out = items;
    return ERR_OK;
}

static void problem(struct audit_report *out, const char *what, const char *fmt, long long a,
                    long long b)
{
    out->bad++;
    if (out->first_problem[0] == '\0') {
        char msg[160];
        snprintf(msg, sizeof(msg), fmt, a, b);
        snprintf(out->first_problem, sizeof(out->first_problem), "%s %s", what, msg);
    }
}

/* Every chain of one kind of owner (cases, competitions): owner rows keep timeline_seq and
 * timeline_head, event rows (d->events, owner id in d->fk) carry the hashed fields. Counts are
 * added to out. */
int timeline_chain_verify(struct db *db, const struct chain_def *d, struct audit_report *out,
                          struct err *e)
{
    int64_t after = 0;
    int rc = ERR_OK;
    char owners_sql[200], events_sql[400], orphans_sql[300];
    snprintf(owners_sql, sizeof(owners_sql),
             "SELECT id, timeline_seq, timeline_head FROM %s WHERE id > ? ORDER BY id LIMIT 500",
             d->owner);
    snprintf(events_sql, sizeof(events_sql),
             "SELECT %s, seq, at, coalesce(actor_user_id, 0), actor, action, from_status, "
             "to_status, note, data, public, prev_hash, hash FROM %s WHERE %s BETWEEN ? AND ? "
             "ORDER BY %s, seq",
             d->fk, d->events, d->fk, d->fk);
    snprintf(orphans_sql, sizeof(orphans_sql),
             "SELECT %s, seq FROM %s ev WHERE NOT EXISTS (SELECT 1 FROM %s c WHERE c.id = "
             "ev.%s) ORDER BY %s, seq LIMIT 100",
             d->fk, d->events, d->owner, d->fk, d->fk);
    for (;;) {
        struct arena a;
        struct dbrows owners, ev;
        arena_init(&a, 0);
        rc = db_query(db, &a, &owners, e, owners_sql, DB_ARGS(DBI(after)));
        if (rc != ERR_OK || owners.nrows == 0) {
            arena_free(&a);
            break;
        }
        int64_t first = dbrows_int(&owners, 0, 0);
        int64_t last = dbrows_int(&owners, owners.nrows - 1, 0);
        rc = db_query(db, &a, &ev, e, events_sql, DB_ARGS(DBI(first), DBI(last)));
        if (rc != ERR_OK) {
            arena_free(&a);
            break;
        }
        int j = 0;
        for (int i = 0; i < owners.nrows; i++) {
            int64_t id = dbrows_int(&owners, i, 0);
            int64_t want_seq = dbrows_int(&owners, i, 1);
            const char *prev = "";
            int64_t seq = 0;
            out->cases++;
            while (j < ev.nrows && dbrows_int(&ev, j, 0) < id)
                j++; /* rows of no owner: reported once, by the query after the loop */
            for (; j < ev.nrows && dbrows_int(&ev, j, 0) == id; j++) {
                char h[65];
                out->rows++;
                seq++;
                if (dbrows_int(&ev, j, 1) != seq)
                    problem(out, d->what, "%lld: timeline row %lld is missing or out of order", id,
                            seq);
                case_event_mac(prev, id, dbrows_int(&ev, j, 1), dbrows_int(&ev, j, 2),
                               dbrows_int(&ev, j, 3), dbrows_get(&ev, j, 4), dbrows_get(&ev, j, 5),
                               dbrows_get(&ev, j, 6), dbrows_get(&ev, j, 7), dbrows_get(&ev, j, 8),
                               dbrows_get(&ev, j, 9), dbrows_int(&ev, j, 10), h);
                if (strcmp(dbrows_get(&ev, j, 11), prev) != 0 ||
                    strcmp(dbrows_get(&ev, j, 12), h) != 0)
                    problem(out, d->what, "%lld: timeline row %lld was edited or inserted", id,
                            dbrows_int(&ev, j, 1));
                prev = dbrows_get(&ev, j, 12);
                seq = dbrows_int(&ev, j, 1);
            }
            if (seq != want_seq || strcmp(prev, dbrows_get(&owners, i, 2)) != 0)
                problem(out, d->what, "%lld: the timeline ends at row %lld, not where it says", id,
                        seq);
        }
        after = last;
        arena_free(&a);
    }
    if (rc == ERR_OK) {
        /* rows of no owner at all, before the first one or after the last one */
        struct arena a;
        struct dbrows r;
        arena_init(&a, 0);
        char fmt[100];
        snprintf(fmt, sizeof(fmt), "%%lld: timeline row %%lld belongs to no %s", d->what);
        rc = db_query(db, &a, &r, e, orphans_sql, DB_NOARGS);
        for (int i = 0; rc == ERR_OK && i < r.nrows; i++)
            problem(out, d->what, fmt, dbrows_int(&r, i, 0), dbrows_int(&r, i, 1));
        arena_free(&a);
    }
    return rc;
}

int case_audit_verify(struct db *db, struct audit_report *out, struct err *e)
{
    static const struct chain_def cases = {"cases", "case_events", "case_id", "case"};
    memset(out, 0, sizeof(*out));
    return timeline_chain_verify(db, &cases, out, e);
}
