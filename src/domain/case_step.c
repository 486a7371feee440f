/* case_step.c - one workflow step: parse it, check it against the rules, apply it with its
 * timeline row, meeting, extension or photos, all in the caller's write transaction. The case
 * row is updated only if its version is still the one read, so of two concurrent steps exactly
 * one wins. */
#include "domain/case_int.h"
#include "domain/counters.h"
#include "core/json.h"
#include "core/util.h"
#include "domain/place.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Which body fields each action needs; "reason" and "note" both carry the step's text. */
static int needs_reason(enum case_action a)
{
    return a == CA_REJECT || a == CA_RETURN || a == CA_EXTEND || a == CA_VERIFY_FAIL ||
           a == CA_DENY_EXTENSION || a == CA_REOPEN;
}

static int needs_note(enum case_action a)
{
    return a == CA_RESOLVE || a == CA_COMMENT || a == CA_NOTE;
}

int case_step_from_json(json_t *j, struct arena *a, struct case_step *out, struct err *e)
{
    static const char *const keys[] = {
        "action", "reason",       "note",   "department", "to_grid", "deadline", "into",
        "days",   "extension_id", "rating", "version",    "meeting", "place",    NULL};
    const char *action = NULL, *reason = NULL, *note = NULL;
    (void)a;
    memset(out, 0, sizeof(*out));
    if (json_only_keys(j, keys, e) || json_get_str(j, "action", 1, 32, &action, e) ||
        json_get_str(j, "reason", 0, 1000, &reason, e) ||
        json_get_str(j, "note", 0, 2000, &note, e) ||
        json_get_str(j, "department", 0, 32, &out->department, e) ||
        json_get_bool(j, "to_grid", 0, &out->to_grid, e) ||
        json_get_str(j, "deadline", 0, 8, &out->deadline, e) ||
        json_get_str(j, "place", 0, 17, &out->place, e) ||
        json_get_int(j, "into", 0, 1, INT64_MAX, &out->merge_into, e) ||
        json_get_int(j, "days", 0, 1, 30, &out->extension_days, e) ||
        json_get_int(j, "extension_id", 0, 1, INT64_MAX, &out->extension_id, e) ||
        json_get_int(j, "rating", 0, 1, 5, &out->rating, e) ||
        json_get_int(j, "version", 0, 1, INT64_MAX, &out->expect_version, e))
        return e->code;
    if (case_action_from_name(action, &out->action) != ERR_OK)
        return err_set(e, ERR_INVALID, "action", "unknown action '%.32s'", action);
    enum case_action act = out->action;
    out->note = reason ? reason : note;
    if (needs_reason(act) && (reason == NULL || reason[0] == '\0'))
        return err_set(e, ERR_INVALID, "reason", "'%s' needs a reason", action);
    if (needs_note(act) && (out->note == NULL || out->note[0] == '\0'))
        return err_set(e, ERR_INVALID, "note", "'%s' needs a note", action);
    if (act == CA_DISPATCH && (out->department == NULL) == !out->to_grid)
        return err_set(e, ERR_INVALID, "department",
                       "dispatch to a 'department' or back to the grid ('to_grid': true)");
    if (out->deadline != NULL) {
        struct sla s;
        if (act != CA_DISPATCH)
            return err_set(e, ERR_INVALID, "deadline", "only dispatch sets a deadline");
        if (sla_parse(out->deadline, &s, "deadline", e) != ERR_OK)
            return e->code;
    }
    if (act == CA_MERGE && out->merge_into == 0)
        return err_set(e, ERR_INVALID, "into", "merge needs 'into': the surviving case's id");
    if (act == CA_EXTEND && out->extension_days == 0)
        return err_set(e, ERR_INVALID, "days", "an extension needs 'days' (1-30 working days)");
    if ((act == CA_APPROVE_EXTENSION || act == CA_DENY_EXTENSION) && out->extension_id == 0)
        return err_set(e, ERR_INVALID, "extension_id", "which extension: 'extension_id'");
    if (act == CA_PLACE &&
        (out->place == NULL || place_code_check(out->place, "place", e) != ERR_OK ||
         strlen(out->place) < 12))
        return err_set(e, ERR_INVALID, "place",
                       "'place' is the code of a community, grid or micro-grid");
    if (act != CA_PLACE && out->place != NULL)
        return err_set(e, ERR_INVALID, "place", "'place' belongs to the place action");
    if (act == CA_CONFIRM && out->rating == 0)
        return err_set(e, ERR_INVALID, "rating", "confirming needs a 'rating' from 1 to 5");
    json_t *m = json_object_get(j, "meeting");
    if (act == CA_MEETING) {
        if (!json_is_object(m))
            return err_set(e, ERR_INVALID, "meeting", "a joint meeting needs its 'meeting' record");
        out->meeting = m;
    } else if (m != NULL) {
        return err_set(e, ERR_INVALID, "meeting", "'meeting' belongs to the meeting action");
    }
    return ERR_OK;
}

/* ---- joint meetings ---- */

int meeting_check(json_t *m, struct err *e)
{
    static const char *const keys[] = {"held_at",   "location",     "topic", "decisions",
                                       "follow_up", "participants", NULL};
    const char *held = NULL, *s = NULL;
    int64_t t;
    if (json_only_keys(m, keys, e) || json_get_str(m, "held_at", 1, 40, &held, e) ||
        json_get_str(m, "location", 1, 100, &s, e) || json_get_str(m, "topic", 1, 200, &s, e) ||
        json_get_str(m, "decisions", 1, 2000, &s, e) || json_get_str(m, "follow_up", 0, 500, &s, e))
        return e->code;
    if (time_parse_iso(held, &t, NULL) != 0)
        return err_set(e, ERR_INVALID, "held_at", "'held_at' is an ISO 8601 date and time");
    json_t *ps = json_object_get(m, "participants");
    if (!json_is_array(ps) || json_array_size(ps) == 0 || json_array_size(ps) > 50)
        return err_set(e, ERR_INVALID, "participants",
                       "list 1 to 50 participants as {role, org, name}");
    size_t i;
    json_t *p;
    json_array_foreach(ps, i, p)
    {
        static const char *const pkeys[] = {"role", "org", "name", NULL};
        if (!json_is_object(p) || json_only_keys(p, pkeys, e) ||
            json_get_str(p, "role", 1, 40, &s, e) || json_get_str(p, "org", 1, 100, &s, e) ||
            json_get_str(p, "name", 0, 40, &s, e))
            return e->code ? e->code
                           : err_set(e, ERR_INVALID, "participants", "a participant is an object");
    }
    return ERR_OK;
}

int meeting_insert(struct db *db, struct arena *a, json_t *m, const char *place, int64_t by,
                   int64_t *id, struct err *e)
{
    struct dbrows r;
    int64_t held = 0;
    char county[8];
    time_parse_iso(json_string_value(json_object_get(m, "held_at")), &held, NULL);
    snprintf(county, sizeof(county), "%.6s", place);
    const char *follow = json_string_value(json_object_get(m, "follow_up"));
    int rc = db_query(db, a, &r, e,
                      "INSERT INTO meetings (county, place_code, held_at, location, topic, "
                      "decisions, follow_up, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                      "?, ?) RETURNING id",
                      DB_ARGS(DBS(county), DBS(place), DBI(held),
                              DBS(json_string_value(json_object_get(m, "location"))),
                              DBS(json_string_value(json_object_get(m, "topic"))),
                              DBS(json_string_value(json_object_get(m, "decisions"))),
                              DBS(follow ? follow : ""), DBI(by), DBI(time(NULL))));
    if (rc != ERR_OK)
        return rc;
    *id = dbrows_int(&r, 0, 0);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(m, "participants"), i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        rc = db_exec(db, e,
                     "INSERT INTO meeting_participants (meeting_id, ord, role, org, name) VALUES "
                     "(?, ?, ?, ?, ?)",
                     DB_ARGS(DBI(*id), DBI((int64_t)i + 1),
                             DBS(json_string_value(json_object_get(p, "role"))),
                             DBS(json_string_value(json_object_get(p, "org"))),
                             DBS(name ? name : "")));
        if (rc < 0)
            return rc;
    }
    return ERR_OK;
}

/* ---- apply ---- */

static int64_t stage_due(const struct calendar *cal, const struct category *cat,
                         enum sla_stage stage, int64_t now)
{
    return calendar_due(cal, now, cat->sla[stage]);
}

/* The place step: the new place lies below the case's and inside the clerk's office scope. */
static int case_place_assign(struct db *db, struct arena *a, struct case_rec *cs, const char *code,
                             const struct actor *who, struct err *e)
{
    struct place p;
    struct target t = {.place = code};
    int rc = place_get(db, a, code, &p, e);
    if (rc == ERR_NOT_FOUND)
        return err_set(e, ERR_INVALID, "place", "no place %.20s", code);
    if (rc != ERR_OK)
        return rc;
    if (strncmp(code, cs->place_code, strlen(cs->place_code)) != 0 ||
        !authz_allow(who->user, PERM_CASE_OFFICE, &t))
        return err_set(e, ERR_INVALID, "place", "%.20s is not a place your office may assign",
                       code);
    cs->place_code = p.code;
    cs->grid_code = strlen(code) >= 15 ? arena_strndup(a, code, 15) : NULL;
    rc = db_exec(db, e, "UPDATE cases SET place_code = ?, grid_code = ? WHERE id = ?",
                 DB_ARGS(DBS(cs->place_code), DBS(cs->grid_code), DBI(cs->id)));
    return rc < 0 ? rc : ERR_OK;
}

/* Record the merge on the surviving case's own timeline. */
static int merge_target(struct db *db, struct arena *a, const struct case_rec *src, int64_t into,
                        const struct actor *who, int64_t now, struct err *e)
{
    struct case_rec t;
    int rc = case_get(db, a, into, &t, e);
    if (rc == ERR_NOT_FOUND)
        return err_set(e, ERR_INVALID, "into", "no case %lld to merge into", (long long)into);
    if (rc != ERR_OK)
        return rc;
    if (t.id == src->id)
        return err_set(e, ERR_INVALID, "into", "a case cannot be merged into itself");
    /* the surviving case's timeline is written too: the office must be over it as well */
    struct target tt = {.place = t.place_code};
    if (!who->scheduler && (who->user == NULL || !authz_allow(who->user, PERM_CASE_OFFICE, &tt)))
        return err_set(e, ERR_FORBIDDEN, "into", "case %s is outside your scope", t.case_no);
    if (t.status == CS_MERGED || t.status == CS_REJECTED || t.status == CS_CLOSED)
        return err_set(e, ERR_INVALID, "into", "case %s is %s; merge into an open case", t.case_no,
                       case_status_name(t.status));
    char *data = arena_printf(a, "{\"merged_from\":%lld,\"merged_case_no\":\"%s\"}",
                              (long long)src->id, src->case_no);
    rc = case_timeline_append(db, a, &t, now, who, CA_MERGE, t.status, t.status,
                              arena_printf(a, "合并重复诉求 %s", src->case_no), data, 1, e);
    if (rc != ERR_OK)
        return rc;
    rc = db_exec(
        db, e,
        "UPDATE cases SET timeline_seq = ?, timeline_head = ?, updated_at = ?, version = "
        "version + 1 WHERE id = ? AND version = ?",
        DB_ARGS(DBI(t.timeline_seq), DBS(t.timeline_head), DBI(now), DBI(t.id), DBI(t.version)));
    if (rc == 0)
        return err_set(e, ERR_CONFLICT, "into", "the surviving case changed meanwhile; retry");
    return rc < 0 ? rc : ERR_OK;
}

int case_apply(struct db *db, struct arena *a, int64_t id, const struct case_step *st,
               const struct actor *who_in, const struct calendar *cal, struct case_rec *cs_out,
               struct err *e)
{
    struct case_rec cs;
    struct category cat;
    struct actor who = *who_in;
    int64_t now = time(NULL);
    json_t *data = json_object();
    const char *note = st->note;
    int public_ = 1;
    int rc;

    if ((rc = case_get(db, a, id, &cs, e)) != ERR_OK)
        goto out;
    *cs_out = cs;
    struct counter_facts before, after;
    case_counter_facts(&cs, &before);
    if (case_is_reporter(&cs, who.user))
        who.reporter = 1;
    if (st->expect_version && st->expect_version != cs.version) {
        rc = err_set(e, ERR_CONFLICT, "version",
                     "the case changed (version %lld, not %lld); reload it", (long long)cs.version,
                     (long long)st->expect_version);
        goto out;
    }
    if ((rc = case_flow_check(&cs, st->action, &who, now, e)) != ERR_OK)
        goto out;
    if ((rc = category_get(db, a, cs.category, &cat, e)) != ERR_OK)
        goto out;

    enum case_status from = cs.status, to = case_flow_target(&cs, st->action);
    /* a step taken after the deadline of a stage the staff owned makes the case late; the
     * reporter's confirmation window does not count */
    if (cs.stage_due_at && now > cs.stage_due_at && from != CS_VERIFIED && from != CS_CLOSED)
        cs.late = 1;
    switch (st->action) {
    case CA_ACCEPT:
        cs.stage_due_at = stage_due(cal, &cat, SLA_DISPATCH, now);
        break;
    case CA_REJECT:
        cs.stage_due_at = 0;
        cs.closed_at = now;
        break;
    case CA_MERGE:
        if ((rc = merge_target(db, a, &cs, st->merge_into, &who, now, e)) != ERR_OK)
            goto out;
        cs.merged_into = st->merge_into;
        cs.stage_due_at = 0;
        cs.closed_at = now;
        json_object_set_new(data, "into", json_integer(st->merge_into));
        break;
    case CA_DISPATCH:
        if (st->to_grid) {
            if (cs.grid_code == NULL) {
                rc = err_set(e, ERR_INVALID, "to_grid", "the case has no grid to go back to");
                goto out;
            }
            cs.to_grid = 1;
            cs.department = NULL;
            json_object_set_new(data, "to_grid", json_string(cs.grid_code));
        } else {
            struct department d;
            rc = department_get(db, a, st->department, &d, e);
            if (rc == ERR_NOT_FOUND)
                rc = err_set(e, ERR_INVALID, "department", "no department '%.32s'", st->department);
            if (rc != ERR_OK)
                goto out;
            int64_t handlers = 0;
            if ((rc = department_handlers(db, d.code, &handlers, e)) != ERR_OK)
                goto out;
            if (handlers == 0) {
                rc = err_set(e, ERR_INVALID, "department",
                             "%s has no active handler to take the case: give someone the role "
                             "dept_handler for dept:%s first, or dispatch elsewhere",
                             d.name, d.code);
                goto out;
            }
            cs.to_grid = 0;
            cs.department = st->department;
            json_object_set_new(data, "department", json_string(d.code));
            json_object_set_new(data, "department_name", json_string(d.name));
        }
        if (st->deadline) {
            struct sla s;
            sla_parse(st->deadline, &s, "deadline", e);
            cs.stage_due_at = calendar_due(cal, now, s);
            json_object_set_new(data, "deadline", json_string(st->deadline));
        } else {
            cs.stage_due_at = stage_due(cal, &cat, SLA_RESOLVE, now);
        }
        break;
    case CA_RETURN:
        json_object_set_new(data, "department", json_string(cs.department));
        cs.department = NULL;
        cs.stage_due_at = stage_due(cal, &cat, SLA_DISPATCH, now);
        break;
    case CA_START:
        break;
    case CA_MEETING: {
        int64_t mid = st->meeting_id;
        if (mid == 0) {
            if ((rc = meeting_check(st->meeting, e)) != ERR_OK ||
                (rc = meeting_insert(db, a, st->meeting, cs.place_code, who.user->id, &mid, e)) !=
                    ERR_OK)
                goto out;
            json_object_set_new(data, "meeting", json_deep_copy(st->meeting));
            if (note == NULL)
                note = json_string_value(json_object_get(st->meeting, "topic"));
        }
        rc = db_exec(db, e, "INSERT INTO meeting_cases (meeting_id, case_id) VALUES (?, ?)",
                     DB_ARGS(DBI(mid), DBI(cs.id)));
        if (rc == ERR_INVALID)
            rc = err_set(e, ERR_INVALID, "meeting_id", "no meeting %lld", (long long)mid);
        if (rc < 0)
            goto out;
        json_object_set_new(data, "meeting_id", json_integer(mid));
        break;
    }
    case CA_EXTEND: {
        struct dbrows r;
        rc = db_query(db, a, &r, e,
                      "INSERT INTO extensions (case_id, requested_by, days, reason, created_at) "
                      "VALUES (?, ?, ?, ?, ?) RETURNING id",
                      DB_ARGS(DBI(cs.id), DBI(who.user->id), DBI(st->extension_days), DBS(st->note),
                              DBI(now)));
        if (rc != ERR_OK)
            goto out;
        json_object_set_new(data, "extension_id", json_integer(dbrows_int(&r, 0, 0)));
        json_object_set_new(data, "days", json_integer(st->extension_days));
        break;
    }
    case CA_APPROVE_EXTENSION:
    case CA_DENY_EXTENSION: {
        struct dbrows r;
        rc = db_query(db, a, &r, e,
                      "SELECT days FROM extensions WHERE id = ? AND case_id = ? AND status = "
                      "'pending'",
                      DB_ARGS(DBI(st->extension_id), DBI(cs.id)));
        if (rc != ERR_OK)
            goto out;
        if (r.nrows == 0) {
            rc = err_set(e, ERR_INVALID, "extension_id", "no pending extension %lld on this case",
                         (long long)st->extension_id);
            goto out;
        }
        int approve = st->action == CA_APPROVE_EXTENSION;
        rc = db_exec(db, e,
                     "UPDATE extensions SET status = ?, decided_by = ?, decided_at = ? WHERE id "
                     "= ?",
                     DB_ARGS(DBS(approve ? "approved" : "rejected"), DBI(who.user->id), DBI(now),
                             DBI(st->extension_id)));
        if (rc < 0)
            goto out;
        if (approve) {
            struct sla s = {.amount = (int)dbrows_int(&r, 0, 0), .unit = 'd'};
            cs.stage_due_at =
                calendar_extend(cal, cs.stage_due_at > now ? cs.stage_due_at : now, s);
        }
        json_object_set_new(data, "extension_id", json_integer(st->extension_id));
        break;
    }
    case CA_RESOLVE:
        if (st->nphotos && (rc = case_photos_insert(db, cs.id, st->photos, st->nphotos, "evidence",
                                                    now, e)) != ERR_OK)
            goto out;
        cs.stage_due_at = stage_due(cal, &cat, SLA_VERIFY, now);
        break;
    case CA_VERIFY:
        cs.stage_due_at = now + CASE_CONFIRM_DAYS * 86400;
        break;
    case CA_VERIFY_FAIL:
        cs.rework_count++;
        cs.stage_due_at = stage_due(cal, &cat, SLA_RESOLVE, now);
        break;
    case CA_CONFIRM:
        cs.confirmed = 1;
        cs.rating = st->rating;
        json_object_set_new(data, "rating", json_integer(st->rating));
        break;
    case CA_CLOSE:
        cs.closed_at = now;
        cs.on_time = !cs.late && cs.escalations == 0;
        cs.stage_due_at = 0;
        json_object_set_new(data, "on_time", json_boolean(cs.on_time));
        break;
    case CA_REOPEN:
        cs.reopen_count++;
        cs.confirmed = 0;
        cs.rating = 0;
        cs.closed_at = 0;
        cs.on_time = -1;
        cs.stage_due_at = stage_due(cal, &cat, SLA_RESOLVE, now);
        break;
    case CA_ESCALATE:
        cs.escalations++;
        /* supervision: the next escalation comes a working day later if nothing moves */
        cs.stage_due_at = calendar_due(cal, now, (struct sla){1, 'd'});
        json_object_set_new(data, "level", json_integer(cs.escalations));
        break;
    case CA_COMMENT:
        break;
    case CA_NOTE:
        public_ = 0;
        break;
    case CA_PLACE:
        if ((rc = case_place_assign(db, a, &cs, st->place, &who, e)) != ERR_OK)
            goto out;
        json_object_set_new(data, "place", json_string(cs.place_code));
        break;
    default:
        rc = err_set(e, ERR_INVALID, "action", "unknown action");
        goto out;
    }
    cs.status = to;
    char *data_text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
    rc = case_timeline_append(db, a, &cs, now, &who, st->action, from, to, note, data_text, public_,
                              e);
    free(data_text);
    if (rc != ERR_OK)
        goto out;
    rc = db_exec(db, e,
                 "UPDATE cases SET status = ?, department_code = ?, to_grid = ?, stage_due_at = ?, "
                 "escalations = ?, merged_into = ?, confirmed = ?, rating = ?, reopen_count = ?, "
                 "rework_count = ?, on_time = ?, late = ?, closed_at = ?, timeline_seq = ?, "
                 "timeline_head = ?, updated_at = ?, version = version + 1 WHERE id = ? AND "
                 "version = ?",
                 DB_ARGS(DBS(case_status_name(cs.status)), DBS(cs.department), DBI(cs.to_grid),
                         cs.stage_due_at ? DBI(cs.stage_due_at) : DBNULL, DBI(cs.escalations),
                         cs.merged_into ? DBI(cs.merged_into) : DBNULL, DBI(cs.confirmed),
                         cs.rating ? DBI(cs.rating) : DBNULL, DBI(cs.reopen_count),
                         DBI(cs.rework_count), cs.on_time >= 0 ? DBI(cs.on_time) : DBNULL,
                         DBI(cs.late), cs.closed_at ? DBI(cs.closed_at) : DBNULL,
                         DBI(cs.timeline_seq), DBS(cs.timeline_head), DBI(now), DBI(cs.id),
                         DBI(cs.version)));
    if (rc == 0) {
        rc = err_set(e, ERR_CONFLICT, "version", "the case changed meanwhile; reload it");
        goto out;
    }
    if (rc < 0)
        goto out;
    cs.version++;
    cs.updated_at = now;
    *cs_out = cs;
    case_counter_facts(&cs, &after);
    rc = counters_move(db, &before, &after, e);
out:
    json_decref(data);
    return rc;
}

/* ---- steps and meetings as one call ---- */

int case_extensions_pending_json(struct db *db, struct arena *a, int64_t id, json_t **out,
                                 struct err *e)
{
    struct dbrows r;
    *out = NULL;
    int rc = db_query(db, a, &r, e,
                      "SELECT id, days, reason FROM extensions WHERE case_id = ? AND status = "
                      "'pending' ORDER BY id",
                      DB_ARGS(DBI(id)));
    if (rc != ERR_OK)
        return rc;
    *out = json_array();
    for (int i = 0; i < r.nrows; i++)
        json_array_append_new(
            *out, json_pack("{s:I, s:I, s:s}", "id", (json_int_t)dbrows_int(&r, i, 0), "days",
                            (json_int_t)dbrows_int(&r, i, 1), "reason", dbrows_get(&r, i, 2)));
    return ERR_OK;
}

/* The calendar's snapshot, read on a connection of its own. */
static const struct calendar *calendar_now(struct store *s, struct err *e)
{
    struct db *db = store_acquire(s);
    const struct calendar *cal = calendar_cached(db, e);
    store_release(s, db);
    return cal;
}

struct step_ctx {
    int64_t id;
    const struct case_step *st;
    const struct actor *who;
    const struct calendar *cal;
    struct arena *a;
    struct case_rec *cs;
};

static int step_fn(struct db *db, void *arg, struct err *e)
{
    struct step_ctx *c = arg;
    return case_apply(db, c->a, c->id, c->st, c->who, c->cal, c->cs, e);
}

int case_step_run(struct store *s, struct arena *a, const char *data_dir, int64_t id,
                  const struct case_step *st, const struct actor *who, struct case_rec *cs_out,
                  struct err *e)
{
    struct step_ctx c = {.id = id, .st = st, .who = who, .a = a, .cs = cs_out};
    if ((c.cal = calendar_now(s, e)) == NULL)
        return e->code;
    if (case_photos_store(data_dir, st->photos, st->nphotos, e) != ERR_OK)
        return e->code;
    return store_write(s, step_fn, &c, e);
}

struct meeting_ctx {
    json_t *record;
    const int64_t *ids;
    int n;
    const struct actor *who;
    const struct calendar *cal;
    struct arena *a;
    struct case_rec *cs;
    int64_t meeting_id;
};

/* One meeting record: the first case creates it, the others are linked to it. */
static int meeting_fn(struct db *db, void *arg, struct err *e)
{
    struct meeting_ctx *c = arg;
    c->meeting_id = 0;
    for (int i = 0; i < c->n; i++) {
        struct case_step st = {
            .action = CA_MEETING, .meeting = c->record, .meeting_id = c->meeting_id};
        int rc = case_apply(db, c->a, c->ids[i], &st, c->who, c->cal, c->cs, e);
        if (rc != ERR_OK)
            return rc;
        if (i == 0) {
            struct dbrows r;
            rc = db_query(db, c->a, &r, e,
                          "SELECT max(meeting_id) FROM meeting_cases WHERE case_id = ?",
                          DB_ARGS(DBI(c->ids[0])));
            if (rc != ERR_OK)
                return rc;
            c->meeting_id = dbrows_int(&r, 0, 0);
        }
    }
    return ERR_OK;
}

int meeting_record(struct store *s, struct arena *a, json_t *record, const int64_t *ids, int n,
                   const struct actor *who, struct case_rec *cs_out, int64_t *meeting_id,
                   struct err *e)
{
    struct meeting_ctx c = {.record = record, .ids = ids, .n = n, .who = who, .a = a, .cs = cs_out};
    if ((c.cal = calendar_now(s, e)) == NULL)
        return e->code;
    int rc = store_write(s, meeting_fn, &c, e);
    if (rc == ERR_OK)
        *meeting_id = c.meeting_id;
    return rc;
}
