/* h_case.c - cases over HTTP: intake (staff and public), reading, the workflow actions, the
 * timeline, work queues, duplicates, joint meetings, and the public tracking token. */
#include "http/http.h"
#include "core/json.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/case.h"
#include "domain/index_warn.h"
#include "domain/photo.h"
#include "domain/place.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static struct actor req_actor(struct req *rq)
{
    struct actor a = {.user = rq->user};
    return a;
}

/* Reply 409 with the case as it is and what the caller may do now. */
static int reply_conflict(struct req *rq, const struct err *e, const struct case_rec *cs,
                          const struct actor *actor)
{
    struct actor me = *actor;
    if (case_is_reporter(cs, me.user))
        me.reporter = 1;
    const struct actor *who = &me;
    json_t *err = json_pack("{s:s, s:s}", "code", err_code_name(ERR_CONFLICT), "message", e->msg);
    if (e->field[0])
        json_object_set_new(err, "field", json_string(e->field));
    json_t *body = json_pack("{s:o}", "error", err);
    if (cs->id) {
        json_object_set_new(body, "case",
                            json_pack("{s:I, s:s, s:I, s:o}", "id", (json_int_t)cs->id, "status",
                                      case_status_name(cs->status), "version",
                                      (json_int_t)cs->version, "allowed_actions",
                                      case_flow_allowed(cs, who, time(NULL))));
    }
    return reply_json(rq, 409, body);
}

/* ---- intake ---- */

/* Fill a case_input from the JSON body. Shared with Open311 through case_input_check. */
static int intake_from_json(struct req *rq, json_t *j, struct case_input *in, struct err *e)
{
    static const char *const keys[] = {
        "category", "description", "channel", "place", "compound", "address", "lat",
        "lon",      "attributes",  "name",    "phone", "email",    "relay",   NULL};
    json_t *lat = json_object_get(j, "lat"), *lon = json_object_get(j, "lon");
    (void)rq;
    if (json_only_keys(j, keys, e) || json_get_str(j, "category", 1, 32, &in->category, e) ||
        json_get_str(j, "description", 1, 0, &in->description, e) ||
        json_get_str(j, "channel", 0, 20, &in->channel, e) ||
        json_get_str(j, "place", 0, 17, &in->place_code, e) ||
        json_get_int(j, "compound", 0, 1, INT64_MAX, &in->compound_id, e) ||
        json_get_str(j, "address", 0, 200, &in->address, e) ||
        json_get_str(j, "name", 0, 40, &in->reporter_name, e) ||
        json_get_str(j, "phone", 0, 20, &in->reporter_phone, e) ||
        json_get_str(j, "email", 0, 100, &in->reporter_email, e) ||
        json_get_bool(j, "relay", 0, &in->relay, e))
        return e->code;
    if ((lat != NULL) != (lon != NULL))
        return err_set(e, ERR_INVALID, lat ? "lon" : "lat", "give both 'lat' and 'lon'");
    if (lat != NULL) {
        if (!json_is_number(lat))
            return err_set(e, ERR_INVALID, "lat", "'lat' must be a number");
        if (!json_is_number(lon))
            return err_set(e, ERR_INVALID, "lon", "'lon' must be a number");
        in->has_point = 1;
        in->lat = json_number_value(lat);
        in->lon = json_number_value(lon);
    }
    json_t *attrs = json_object_get(j, "attributes");
    if (attrs != NULL && !json_is_object(attrs))
        return err_set(e, ERR_INVALID, "attributes", "'attributes' is an object {code: value}");
    in->attributes = attrs;
    return ERR_OK;
}

/* POST /api/v1/cases: staff with a token, or the public without one. */
int case_create_h(struct req *rq)
{
    struct err e = {0};
    struct case_input in = {0};
    struct case_created out;
    struct actor who = req_actor(rq);
    struct case_idem idem = {rq->header(rq, "Idempotency-Key"), NULL, rq->body.data};

    if (rq->user != NULL && !authz_has(rq->user, PERM_CASE_SUBMIT))
        return reply_code(rq, ERR_FORBIDDEN, NULL, "your roles do not report cases");
    if (req_json_and_photos(rq, &in.photos, &in.nphotos, &e) != ERR_OK)
        return reply_err(rq, &e);
    idem.json = rq->json;
    if (intake_from_json(rq, rq->json, &in, &e) != ERR_OK ||
        case_submit(req_store(rq), &rq->arena, rq->app->data_dir, &in, &who, &idem, &out, &e) !=
            ERR_OK)
        return reply_err(rq, &e);
    json_t *j = json_pack("{s:I, s:s, s:b}", "id", (json_int_t)out.id, "case_no", out.case_no,
                          "replayed", out.replayed);
    if (out.token[0])
        json_object_set_new(j, "token", json_string(out.token));
    if (!out.replayed && who.user != NULL) {
        struct case_rec cs;
        json_t *dups = NULL;
        if (case_get(req_db(rq), &rq->arena, out.id, &cs, &e) == ERR_OK &&
            case_duplicates(req_db(rq), &rq->arena, &cs, rq->user, &dups, &e) == ERR_OK)
            json_object_set_new(j, "possible_duplicates", dups);
    }
    return reply_json(rq, out.replayed ? 200 : 201, j);
}

/* ---- reads ---- */

static int load_case(struct req *rq, int64_t id, struct case_rec *cs)
{
    struct err e = {0};
    if (case_get(req_db(rq), &rq->arena, id, cs, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (!case_may_read(cs, rq->user))
        return reply_code(rq, ERR_FORBIDDEN, NULL, "outside your scope");
    return ERR_OK;
}

/* The case as GET /cases/{id} and /cases/by-number/{case_no} show it, its scope checked. */
static int reply_case(struct req *rq, struct case_rec *loaded)
{
    struct err e = {0};
    struct case_rec cs = *loaded;
    struct actor who = req_actor(rq);
    json_t *photos;
    int64_t id = cs.id;
    if (!case_may_read(&cs, rq->user))
        return reply_code(rq, ERR_FORBIDDEN, NULL, "outside your scope");
    if (case_photos_json(req_db(rq), &rq->arena, id, &photos, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (case_is_reporter(&cs, rq->user))
        who.reporter = 1;
    json_t *j = case_json(&cs, 0);
    json_object_set_new(j, "photos", photos);
    json_object_set_new(j, "allowed_actions", case_flow_allowed(&cs, &who, time(NULL)));
    json_t *ext = NULL;
    struct target t = case_target(&cs);
    /* a reporter outside the case's scope does not read the staff's reasons for an extension */
    if (!authz_allow(rq->user, PERM_CASE_READ, &t))
        ext = json_array();
    else if (case_extensions_pending_json(req_db(rq), &rq->arena, id, &ext, &e) != ERR_OK) {
        json_decref(j);
        return reply_err(rq, &e);
    }
    json_object_set_new(j, "pending_extensions", ext);
    return reply_json(rq, 200, j);
}

int case_get_h(struct req *rq)
{
    struct err e = {0};
    struct case_rec cs;
    int64_t id;
    if (req_param_id(rq, 0, &id) != ERR_OK)
        return -1;
    if (case_get(req_db(rq), &rq->arena, id, &cs, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_case(rq, &cs);
}

int case_by_number_h(struct req *rq)
{
    struct err e = {0};
    struct case_rec cs;
    if (case_get_by_no(req_db(rq), &rq->arena, req_param(rq, 0), &cs, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_case(rq, &cs);
}

int case_timeline_h(struct req *rq)
{
    struct err e = {0};
    struct case_rec cs;
    json_t *items;
    int64_t id;
    if (req_param_id(rq, 0, &id) != ERR_OK || load_case(rq, id, &cs) != ERR_OK)
        return -1;
    struct target t = case_target(&cs);
    /* internal notes only for staff in the case's scope, not for one who merely reported or
     * logged it (issue 13, item 17) */
    int view = authz_allow(rq->user, PERM_CASE_READ, &t) ? TIMELINE_STAFF : TIMELINE_NO_INTERNAL;
    if (case_timeline_json(req_db(rq), &rq->arena, id, view, &items, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200,
                      json_pack("{s:I, s:s, s:s, s:o}", "case_id", (json_int_t)id, "case_no",
                                cs.case_no, "head", cs.timeline_head, "items", items));
}

int case_duplicates_h(struct req *rq)
{
    struct err e = {0};
    struct case_rec cs;
    json_t *items;
    int64_t id;
    if (req_param_id(rq, 0, &id) != ERR_OK || load_case(rq, id, &cs) != ERR_OK)
        return -1;
    if (case_duplicates(req_db(rq), &rq->arena, &cs, rq->user, &items, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, json_pack("{s:o}", "items", items));
}

int case_list_h(struct req *rq)
{
    struct err e = {0};
    struct case_filter f = {0};
    json_t *out;
    int64_t limit = 0, due_within = 0;
    f.status = rq->query(rq, "status");
    f.category = rq->query(rq, "category");
    f.place = rq->query(rq, "place");
    f.department = rq->query(rq, "department");
    f.channel = rq->query(rq, "channel");
    f.q = rq->query(rq, "q");
    f.queue = rq->query(rq, "queue");
    f.sort = rq->query(rq, "sort");
    f.cursor = rq->query(rq, "cursor");
    if (f.place && place_code_check(f.place, "place", &e) != ERR_OK)
        return reply_err(rq, &e);
    if (f.q && (utf8_chars(f.q) < 0 || utf8_chars(f.q) > 50))
        return reply_code(rq, ERR_INVALID, "q", "'q' has at most 50 characters");
    if (req_query_int(rq, "limit", 1, 200, &limit) != 0 ||
        req_query_bool(rq, "overdue", &f.overdue) != 0 ||
        req_query_int(rq, "enterprise", 1, INT64_MAX, &f.enterprise) != 0 ||
        req_query_int(rq, "visit", 1, INT64_MAX, &f.visit) != 0 ||
        req_query_int(rq, "due_within", 1, CASE_WARN_DUE_HOURS_MAX, &due_within) != 0 ||
        req_query_time(rq, "from", &f.from) != 0 || req_query_time(rq, "to", &f.to) != 0)
        return -1;
    f.limit = (int)limit;
    f.due_within = (int)due_within;
    if (case_list(req_db(rq), &rq->arena, rq->user, &f, time(NULL), &out, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, out);
}

int queues_h(struct req *rq)
{
    struct err e = {0};
    json_t *out;
    json_t *warnings;
    if (case_queues(req_db(rq), &rq->arena, rq->user, time(NULL), &out, &e) != ERR_OK)
        return reply_err(rq, &e);
    /* the index's early warnings of the places the caller's offices cover */
    if (index_warn_for_user(req_db(rq), &rq->arena, rq->user, 20, &warnings, &e) != ERR_OK) {
        json_decref(out);
        return reply_err(rq, &e);
    }
    json_object_set_new(out, "warnings", warnings);
    return reply_json(rq, 200, out);
}

/* ---- actions ---- */

static int run_step(struct req *rq, int64_t id, json_t *body, struct actor who, int public_view,
                    struct photo_ref *photos, int nphotos)
{
    struct err e = {0};
    struct case_step st;
    struct case_rec cs = {0};
    if (case_step_from_json(body, &rq->arena, &st, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (nphotos && st.action != CA_RESOLVE)
        return reply_code(rq, ERR_INVALID, "photo", "photos go with 'resolve' (evidence)");
    st.photos = photos;
    st.nphotos = nphotos;
    int rc = case_step_run(req_store(rq), &rq->arena, rq->app->data_dir, id, &st, &who, &cs, &e);
    if (rc == ERR_CONFLICT)
        return reply_conflict(rq, &e, &cs, &who);
    if (rc != ERR_OK)
        return reply_err(rq, &e);
    /* read the case back: names of what the step assigned, pending requests */
    if (case_get(req_db(rq), &rq->arena, id, &cs, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (case_is_reporter(&cs, who.user))
        who.reporter = 1;
    json_t *j = case_json(&cs, public_view);
    json_object_set_new(j, "allowed_actions", case_flow_allowed(&cs, &who, time(NULL)));
    return reply_json(rq, 200, j);
}

/* POST /api/v1/cases/{id}/actions {"action": ..., ...} */
int case_action_h(struct req *rq)
{
    int64_t id;
    struct case_rec cs;
    struct err e = {0};
    struct photo_ref *photos;
    int nphotos;
    if (req_param_id(rq, 0, &id) != ERR_OK || load_case(rq, id, &cs) != ERR_OK)
        return -1;
    if (req_json_and_photos(rq, &photos, &nphotos, &e) != ERR_OK)
        return reply_err(rq, &e);
    return run_step(rq, id, rq->json, req_actor(rq), 0, photos, nphotos);
}

/* ---- the public, by tracking token ---- */

static int token_case(struct req *rq, struct case_rec *cs)
{
    struct err e = {0};
    const char *token = req_param(rq, 0);
    if (strlen(token) < 20 || strlen(token) > 64)
        return reply_code(rq, ERR_NOT_FOUND, "token", "no case has this tracking token");
    if (case_by_token(req_db(rq), &rq->arena, token, cs, &e) != ERR_OK)
        return reply_err(rq, &e);
    return ERR_OK;
}

int track_get_h(struct req *rq)
{
    struct err e = {0};
    struct case_rec cs;
    struct actor who = {.reporter = 1};
    json_t *timeline, *photos;
    if (token_case(rq, &cs) != ERR_OK)
        return -1;
    if (case_timeline_json(req_db(rq), &rq->arena, cs.id, 1, &timeline, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (case_photos_json(req_db(rq), &rq->arena, cs.id, &photos, &e) != ERR_OK) {
        json_decref(timeline);
        return reply_err(rq, &e);
    }
    json_t *j = case_json(&cs, 1);
    json_object_set_new(j, "timeline", timeline);
    json_object_set_new(j, "photos", photos);
    json_object_set_new(j, "allowed_actions", case_flow_allowed(&cs, &who, time(NULL)));
    return reply_json(rq, 200, j);
}

int track_action_h(struct req *rq)
{
    struct case_rec cs;
    struct actor who = {.reporter = 1};
    const char *action = json_string_value(json_object_get(rq->json, "action"));
    if (token_case(rq, &cs) != ERR_OK)
        return -1;
    if (action && strcmp(action, "confirm") && strcmp(action, "reopen") &&
        strcmp(action, "comment"))
        return reply_code(rq, ERR_FORBIDDEN, "action",
                          "with a tracking token you may confirm, reopen or comment");
    return run_step(rq, cs.id, rq->json, who, 1, NULL, 0);
}

/* ---- joint meetings over several cases ---- */

/* POST /api/v1/meetings {held_at, location, topic, participants, decisions, follow_up, cases} */
int meeting_create_h(struct req *rq)
{
    struct err e = {0};
    json_t *cases = json_object_get(rq->json, "cases");
    struct actor who = req_actor(rq);
    struct case_rec cs = {0};
    int64_t meeting_id = 0;
    if (!json_is_array(cases) || json_array_size(cases) == 0 || json_array_size(cases) > 50)
        return reply_code(rq, ERR_INVALID, "cases", "list the ids of 1 to 50 cases");
    int n = (int)json_array_size(cases);
    int64_t *ids = arena_alloc(&rq->arena, sizeof(int64_t) * (size_t)n);
    for (int i = 0; i < n; i++) {
        json_t *v = json_array_get(cases, (size_t)i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            return reply_code(rq, ERR_INVALID, "cases", "'cases' holds case ids");
        ids[i] = json_integer_value(v);
    }
    json_t *record = json_deep_copy(rq->json);
    json_object_del(record, "cases");
    int rc = meeting_record(req_store(rq), &rq->arena, record, ids, n, &who, &cs, &meeting_id, &e);
    json_decref(record);
    if (rc == ERR_CONFLICT)
        return reply_conflict(rq, &e, &cs, &who);
    if (rc != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 201,
                      json_pack("{s:I, s:O}", "id", (json_int_t)meeting_id, "cases", cases));
}

/* GET /api/v1/photos/{sha256}: a stored photo or document, by its content hash. */
int photo_get_h(struct req *rq)
{
    char path[700];
    const char *hex = req_param(rq, 0);
    if (photo_path(rq->app->data_dir, hex, path, sizeof(path)) != 0)
        return reply_code(rq, ERR_NOT_FOUND, NULL, "no such photo");
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return reply_code(rq, ERR_NOT_FOUND, NULL, "no such photo");
    struct buf b;
    char chunk[65536];
    size_t n;
    int rc = 0;
    buf_init(&b, (size_t)PHOTO_MAX_BYTES + 1);
    while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = buf_add(&b, chunk, n);
    fclose(f);
    const char *mime = b.len ? photo_sniff_document(b.data, b.len) : NULL;
    if (rc != 0 || mime == NULL) {
        buf_free(&b);
        return reply_code(rq, ERR_INTERNAL, NULL, "the stored photo is damaged");
    }
    rq->status = 200;
    rq->content_type = mime;
    /* a document (a voucher's PDF) is downloaded, never shown inside the page's origin */
    if (strcmp(mime, "application/pdf") == 0)
        rq->disposition = arena_printf(&rq->arena, "attachment; filename=\"%.16s.pdf\"", hex);
    rq->reply_len = b.len;
    rq->reply = buf_steal(&b);
    return ERR_OK;
}

/* GET /api/v1/cases/{id}/contact: the reporter's unmasked contact, for offices with pii:read in
 * the case's scope; every read is written to the audit log before the answer. */
int case_contact_h(struct req *rq)
{
    struct err e = {0};
    struct case_rec cs;
    int64_t id;
    if (req_param_id(rq, 0, &id) != ERR_OK || load_case(rq, id, &cs) != ERR_OK)
        return -1;
    struct target t = case_target(&cs);
    if (!authz_allow(rq->user, PERM_PII_READ, &t))
        return reply_code(rq, ERR_FORBIDDEN, NULL, "reading contact details needs pii:read here");
    if (audit_pii_read(req_store(rq), rq->user->id,
                       arena_printf(&rq->arena, "case:%lld", (long long)id), "reporter contact",
                       &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200,
                      json_pack("{s:I, s:s, s:s, s:s}", "case_id", (json_int_t)id, "name",
                                cs.reporter_name, "phone", cs.reporter_phone, "email",
                                cs.reporter_email));
}
