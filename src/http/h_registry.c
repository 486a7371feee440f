/* h_registry.c - every registry over HTTP: the generic routes router.c generates from
 * registries.def (list, create, get, update, delete, import, export), the schema the web page
 * reads, the access log of personal data, and the custom actions of registries. Handlers only
 * parse, call the engine once and render: scope, masking and checks live in the engine. */
#include "core/csv.h"
#include "core/json.h"
#include "core/jsonw.h"
#include "core/util.h"
#include "domain/compound.h"
#include "domain/department.h"
#include "domain/people.h"
#include "http/http.h"
#include "http/multipart.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct registry *route_reg(struct req *rq)
{
    return registry_get(rq->route->reg);
}

static void ctx_init(struct req *rq, struct reg_ctx *c)
{
    *c = (struct reg_ctx){.a = &rq->arena, .user = rq->user, .enforce = 1};
    c->user_id = rq->user ? rq->user->id : 0;
}

/* ?purpose=: personal fields unmasked, for callers with the registry's pii verb. */
static int unmask_or_reply(struct req *rq, const struct registry *r, struct reg_ctx *c,
                           int required)
{
    const char *p;
    if (req_query_text(rq, "purpose", 200, &p) != 0)
        return -1;
    if (p != NULL && p[strspn(p, " \t\r\n")] == '\0')
        p = NULL; /* blanks say nothing */
    if (p == NULL) {
        if (!required)
            return 0;
        reply_code(rq, ERR_INVALID, "purpose", "say why with ?purpose= (it is logged)");
        return -1;
    }
    if (!reg_unmask_allowed(rq->user, r, p)) {
        reply_code(rq, ERR_FORBIDDEN, "purpose",
                   "your roles do not allow reading personal data unmasked");
        return -1;
    }
    c->unmask = 1;
    c->purpose = p;
    return 0;
}

struct audit_write {
    struct reg_ctx *c;
    const struct registry *r;
    const struct reg_rec *recs;
    int n;
    const char *action;
};

static int audit_fn(struct db *db, void *arg, struct err *e)
{
    struct audit_write *w = arg;
    return reg_audit_unmasked(db, w->c, w->r, w->recs, w->n, w->action, e);
}

/* Each unmasked read is logged before the data leaves: no log, no data. */
static int audit_or_reply(struct req *rq, struct reg_ctx *c, const struct registry *r,
                          const struct reg_rec *recs, int n, const char *action)
{
    struct err e = {0};
    struct audit_write w = {c, r, recs, n, action};
    if (!c->unmask || n == 0)
        return 0;
    if (req_write(rq, audit_fn, &w, &e) != ERR_OK) {
        reply_err(rq, &e);
        return -1;
    }
    return 0;
}

/* Registries whose records only their own actions make (a matching run, a decision). */
static int writable_or_reply(struct req *rq, const struct registry *r)
{
    if (!(r->opts & RO_NO_WRITE))
        return 0;
    reply_code(
        rq, ERR_METHOD, NULL,
        arena_printf(&rq->arena, "%s records are made and changed by their actions only", r->name));
    return -1;
}

static int reply_rec(struct req *rq, int status, struct reg_ctx *c, const struct registry *r,
                     const struct reg_rec *rec)
{
    struct jsonw w;
    jw_init(&w, 1 << 20);
    reg_write_json(&w, c, r, rec);
    return reply_jw(rq, status, &w);
}

int reg_list_h(struct req *rq);

/* GET /api/v1/registries: the registries the caller may read, with their fields; and, counted
 * on the route table rather than on this list, how many registries are served (total: every
 * row of registries.def has its list route) and how many of their list routes the dispatcher
 * lets the caller call (readable), which the list must match. */
int registries_h(struct req *rq)
{
    struct jsonw w;
    int total = 0, readable = 0;
    for (int i = 0; i < http_routes_count; i++) {
        if (http_routes[i].handler != reg_list_h)
            continue;
        total++;
        readable += router_permits(rq->user, &http_routes[i]);
    }
    jw_init(&w, 1 << 20);
    jw_obj(&w);
    jw_kint(&w, "total", total);
    jw_kint(&w, "readable", readable);
    jw_key(&w, "items");
    jw_arr(&w);
    for (int i = REG_NONE + 1; i < REG__COUNT; i++) {
        const struct registry *r = registry_get(i);
        unsigned verbs = 0;
        for (unsigned v = V_READ; v <= V_PII; v <<= 1)
            verbs |= reg_may(rq->user, r, v) ? v : 0;
        if (verbs & V_READ)
            reg_write_schema(&w, r, verbs);
    }
    jw_end_arr(&w);
    jw_end_obj(&w);
    return reply_jw(rq, 200, &w);
}

/* The list query of a request: place, q, cursor, limit, archived and the registry's filters. */
static int query_or_reply(struct req *rq, const struct registry *r, struct reg_query *q)
{
    int64_t limit = 100;
    const char **names = arena_alloc(&rq->arena, sizeof(char *) * (size_t)r->nfields);
    const char **values = arena_alloc(&rq->arena, sizeof(char *) * (size_t)r->nfields);
    memset(q, 0, sizeof(*q));
    if (req_query_int(rq, "limit", 1, 1000, &limit) != 0 ||
        req_query_text(rq, "q", 40, &q->q) != 0 || req_query_text(rq, "cursor", 64, &q->cursor) ||
        req_query_text(rq, "place", 17, &q->place) != 0 ||
        req_query_bool(rq, "archived", &q->archived) != 0)
        return -1;
    if (q->place != NULL && (strspn(q->place, "0123456789") != strlen(q->place) ||
                             place_level_of(q->place) == PL_NONE)) {
        reply_code(rq, ERR_INVALID, "place", "'place' is a place code");
        return -1;
    }
    q->limit = (int)limit;
    static const char *const reserved[] = {"place", "q", "cursor", "limit", "archived", "purpose"};
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        const char *v = rq->query(rq, f->name);
        int taken = 0;
        for (size_t k = 0; k < sizeof(reserved) / sizeof(reserved[0]); k++)
            taken |= strcmp(f->name, reserved[k]) == 0; /* ?place= means "under", not "at" */
        if (v == NULL || taken || !(f->flags & (F_FILTER | F_PII)))
            continue;
        names[q->nfilters] = f->name;
        values[q->nfilters++] = v;
    }
    q->filter_names = names;
    q->filter_values = values;
    if (r->params != NULL) { /* the registry's own list parameters (?min_investment=) */
        int np = 0;
        while (r->params[np].name != NULL)
            np++;
        const char **pv = arena_alloc(&rq->arena, sizeof(char *) * (size_t)(np ? np : 1));
        for (int i = 0; i < np; i++)
            pv[i] = rq->query(rq, r->params[i].name);
        q->params = pv;
    }
    return 0;
}

/* GET /api/v1/{registry} */
int reg_list_h(struct req *rq)
{
    const struct registry *r = route_reg(rq);
    struct reg_ctx c;
    struct reg_query q;
    struct reg_rec *recs;
    struct err e = {0};
    const char *next;
    int n;

    ctx_init(rq, &c);
    if (query_or_reply(rq, r, &q) != 0 || unmask_or_reply(rq, r, &c, 0) != 0)
        return -1;
    if (reg_list(req_db(rq), &c, r, &q, &recs, &n, &next, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (audit_or_reply(rq, &c, r, recs, n, "pii.read") != 0)
        return -1;
    struct jsonw w;
    jw_init(&w, 16 << 20);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    for (int i = 0; i < n; i++)
        reg_write_json(&w, &c, r, &recs[i]);
    jw_end_arr(&w);
    jw_kstr(&w, "next_cursor", next);
    jw_end_obj(&w);
    return reply_jw(rq, 200, &w);
}

/* GET /api/v1/{registry}/{id} */
int reg_get_h(struct req *rq)
{
    const struct registry *r = route_reg(rq);
    struct reg_ctx c;
    struct reg_rec rec;
    struct err e = {0};
    ctx_init(rq, &c);
    if (unmask_or_reply(rq, r, &c, 0) != 0)
        return -1;
    if (reg_get(req_db(rq), &c, r, req_param(rq, 0), &rec, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (audit_or_reply(rq, &c, r, &rec, 1, "pii.read") != 0)
        return -1;
    return reply_rec(rq, 200, &c, r, &rec);
}

struct rec_write {
    struct reg_ctx *c;
    const struct registry *r;
    struct reg_rec *rec;
    const char *key;
    int created;
};

static int insert_fn(struct db *db, void *arg, struct err *e)
{
    struct rec_write *w = arg;
    return reg_insert(db, w->c, w->r, w->rec, e);
}

static int update_fn(struct db *db, void *arg, struct err *e)
{
    struct rec_write *w = arg;
    return reg_update(db, w->c, w->r, w->key, w->rec, e);
}

static int delete_fn(struct db *db, void *arg, struct err *e)
{
    struct rec_write *w = arg;
    return reg_delete(db, w->c, w->r, w->key, e);
}

/* POST /api/v1/{registry} */
int reg_create_h(struct req *rq)
{
    const struct registry *r = route_reg(rq);
    if (writable_or_reply(rq, r) != 0)
        return -1;
    struct reg_ctx c;
    struct reg_rec rec;
    struct err e = {0};
    struct rec_write w = {&c, r, &rec, NULL, 0};
    ctx_init(rq, &c);
    reg_rec_init(r, &rq->arena, &rec);
    if (reg_from_json(r, &rq->arena, rq->json, &rec, &e) != ERR_OK ||
        reg_check(r, &rq->arena, &rec, 1, &e) != ERR_OK ||
        req_write(rq, insert_fn, &w, &e) != ERR_OK ||
        reg_get(req_db(rq), &c, r, rec.key, &rec, &e) != ERR_OK) /* as stored, counts too */
        return reply_err(rq, &e);
    return reply_rec(rq, 201, &c, r, &rec);
}

/* PATCH /api/v1/{registry}/{id} */
int reg_update_h(struct req *rq)
{
    const struct registry *r = route_reg(rq);
    if (writable_or_reply(rq, r) != 0)
        return -1;
    struct reg_ctx c;
    struct reg_rec patch, rec;
    struct err e = {0};
    struct rec_write w = {&c, r, &patch, req_param(rq, 0), 0};
    ctx_init(rq, &c);
    reg_rec_init(r, &rq->arena, &patch);
    /* the record first: 404 and 403 before any complaint about the body */
    if (reg_get(req_db(rq), &c, r, w.key, &rec, &e) != ERR_OK ||
        reg_from_json(r, &rq->arena, rq->json, &patch, &e) != ERR_OK ||
        reg_check(r, &rq->arena, &patch, 0, &e) != ERR_OK ||
        req_write(rq, update_fn, &w, &e) != ERR_OK ||
        reg_get(req_db(rq), &c, r, w.key, &rec, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_rec(rq, 200, &c, r, &rec);
}

/* DELETE /api/v1/{registry}/{id}: archived where the registry keeps history, else deleted. */
int reg_delete_h(struct req *rq)
{
    const struct registry *r = route_reg(rq);
    if (writable_or_reply(rq, r) != 0)
        return -1;
    struct reg_ctx c;
    struct err e = {0};
    struct rec_write w = {&c, r, NULL, req_param(rq, 0), 0};
    ctx_init(rq, &c);
    if (req_write(rq, delete_fn, &w, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_text(rq, 204, "text/plain; charset=utf-8", "", 0);
}

/* POST /api/v1/{registry}/import?dry_run=&valid_only=&encoding=: the body is the CSV file
 * (text/csv), or a multipart/form-data 'file' part. */
int reg_import_h(struct req *rq)
{
    const struct registry *r = route_reg(rq);
    if (writable_or_reply(rq, r) != 0)
        return -1;
    struct reg_ctx c;
    struct err e = {0};
    struct reg_import_report rep;
    int dry = 0, valid_only = 0;
    const char *enc_name = NULL;
    enum csv_enc enc = CSV_ENC_AUTO;
    const char *data = rq->body.data ? rq->body.data : "";
    size_t len = rq->body.len;

    ctx_init(rq, &c);
    if (req_query_bool(rq, "dry_run", &dry) != 0 ||
        req_query_bool(rq, "valid_only", &valid_only) != 0 ||
        req_query_text(rq, "encoding", 16, &enc_name) != 0)
        return -1;
    if (enc_name != NULL) {
        if (strcasecmp(enc_name, "utf-8") == 0 || strcasecmp(enc_name, "utf8") == 0)
            enc = CSV_ENC_UTF8;
        else if (strcasecmp(enc_name, "gbk") == 0 || strcasecmp(enc_name, "gb18030") == 0)
            enc = CSV_ENC_GBK;
        else
            return reply_code(rq, ERR_INVALID, "encoding", "'encoding' is utf-8 or gbk");
    }
    const char *boundary = multipart_boundary(&rq->arena, rq->header(rq, "Content-Type"));
    if (boundary != NULL) {
        struct mpart parts[MULTIPART_MAX_PARTS];
        int np = 0, found = 0;
        if (multipart_parse(&rq->arena, data, len, boundary, parts, &np, &e) != ERR_OK)
            return reply_err(rq, &e);
        for (int i = 0; i < np && !found; i++) {
            if (strcmp(parts[i].name, "file") == 0) {
                data = parts[i].data;
                len = parts[i].len;
                found = 1;
            }
        }
        if (!found)
            return reply_code(rq, ERR_INVALID, "file", "send the CSV file as the 'file' part");
    }
    if (len == 0)
        return reply_code(rq, ERR_INVALID, "file", "the CSV file is empty");
    struct csv_reader *csv = csv_open_mem(data, len, enc, &e);
    if (csv == NULL)
        return reply_err(rq, &e);
    store_release(rq->app->store, rq->db);
    rq->db = NULL;
    /* ?FIELD=VALUE fills that field in every row that leaves it empty (?origin=...) */
    const char **dn = arena_alloc(&rq->arena, sizeof(char *) * (size_t)r->nfields);
    const char **dv = arena_alloc(&rq->arena, sizeof(char *) * (size_t)r->nfields);
    struct reg_defaults defaults = {dn, dv, 0};
    for (int i = 0; i < r->nfields; i++) {
        const char *v = rq->query(rq, r->fields[i].name);
        if (v != NULL && *v != '\0' && !(r->fields[i].flags & F_READONLY)) {
            dn[defaults.n] = r->fields[i].name;
            dv[defaults.n++] = v;
        }
    }
    int rc = reg_import(rq->app->store, &c, r, csv,
                        (dry ? IMPORT_DRY_RUN : 0) | (valid_only ? IMPORT_VALID_ONLY : 0),
                        &defaults, &rep, NULL, NULL, &e);
    csv_close(csv);
    struct jsonw w;
    jw_init(&w, 4 << 20);
    if (rc != ERR_OK && rep.rows == 0 && rep.error_count == 0)
        return reply_err(rq, &e);
    if (rc != ERR_OK) {
        /* nothing stored: the error and the whole report */
        jw_obj(&w);
        jw_key(&w, "error");
        jw_obj(&w);
        jw_kstr(&w, "code", err_code_name(e.code));
        jw_kstr(&w, "message", e.msg);
        jw_end_obj(&w);
        jw_key(&w, "report");
        reg_write_report(&w, &rep, dry);
        jw_end_obj(&w);
        reply_jw(rq, err_http_status(e.code), &w);
        return -1;
    }
    reg_write_report(&w, &rep, dry);
    return reply_jw(rq, 200, &w);
}

/* GET /api/v1/{registry}/export?format=csv|xlsx&place=: a download, masked without pii. */
int reg_export_h(struct req *rq)
{
    const struct registry *r = route_reg(rq);
    struct reg_ctx c;
    struct err e = {0};
    const char *format = rq->query(rq, "format"), *place;
    enum sheet_fmt fmt;
    long rows = 0;
    char path[32];

    ctx_init(rq, &c);
    if (sheet_fmt_parse(format, &fmt) != 0)
        return reply_code(rq, ERR_INVALID, "format", "'format' is csv or xlsx");
    if (req_query_text(rq, "place", 17, &place) != 0 || unmask_or_reply(rq, r, &c, 0) != 0)
        return -1;
    if (place != NULL &&
        (strspn(place, "0123456789") != strlen(place) || place_level_of(place) == PL_NONE))
        return reply_code(rq, ERR_INVALID, "place", "'place' is a place code");
    if (download_tmp(rq, path) != ERR_OK)
        return -1;
    store_release(rq->app->store, rq->db);
    rq->db = NULL;
    if (reg_export(rq->app->store, &c, r, place, fmt, path, &rows, &e) != ERR_OK) {
        unlink(path);
        return reply_err(rq, &e);
    }
    return reply_download(rq, path, sheet_content_type(fmt),
                          arena_printf(&rq->arena, "%s.%s", r->name, sheet_ext(fmt)));
}

/* GET /api/v1/access-log?object=residents:12&limit=: who read which personal data, why. */
int access_log_h(struct req *rq)
{
    const char *object;
    int64_t limit = 100;
    struct err e = {0};
    struct jsonw w;
    if (req_query_text(rq, "object", 80, &object) != 0 ||
        req_query_int(rq, "limit", 1, 1000, &limit) != 0)
        return -1;
    jw_init(&w, 4 << 20);
    if (reg_access_log(req_db(rq), &rq->arena, object, (int)limit, &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}

/* GET /api/v1/places/{code}/compounds: the compounds under a place, in the caller's scope. */
int compound_list_h(struct req *rq)
{
    struct reg_ctx c;
    struct reg_query q = {.limit = 1000};
    struct reg_rec *recs;
    struct err e = {0};
    const char *next;
    int n;
    ctx_init(rq, &c);
    q.place = req_param(rq, 0);
    if (strspn(q.place, "0123456789") != strlen(q.place) || place_level_of(q.place) == PL_NONE)
        return reply_code(rq, ERR_NOT_FOUND, "code", "no such place");
    if (reg_list(req_db(rq), &c, &reg_compounds, &q, &recs, &n, &next, &e) != ERR_OK)
        return reply_err(rq, &e);
    struct target t = {.place = q.place};
    if (n == 0 && !authz_verb_allow(rq->user, reg_compounds.grants, V_READ, &t))
        return reply_code(rq, ERR_FORBIDDEN, NULL, "outside your scope");
    struct jsonw w;
    jw_init(&w, 16 << 20);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    for (int i = 0; i < n; i++)
        reg_write_json(&w, &c, &reg_compounds, &recs[i]);
    jw_end_arr(&w);
    jw_end_obj(&w);
    return reply_jw(rq, 200, &w);
}

/* GET /api/v1/public/places/{code}/compounds: names and grids for the public's report form
 * (the fields marked public: no household counts or companies). */
int public_compound_list_h(struct req *rq)
{
    struct reg_ctx c;
    struct reg_query q = {.limit = 1000, .all_scope = 1};
    struct reg_rec *recs;
    struct err e = {0};
    const char *next;
    int n;
    ctx_init(rq, &c);
    c.enforce = 0;
    q.place = req_param(rq, 0);
    if (strspn(q.place, "0123456789") != strlen(q.place) || place_level_of(q.place) < PL_COMMUNITY)
        return reply_code(rq, ERR_INVALID, "code", "a community, grid or micro-grid");
    if (reg_list(req_db(rq), &c, &reg_compounds, &q, &recs, &n, &next, &e) != ERR_OK)
        return reply_err(rq, &e);
    struct jsonw w;
    jw_init(&w, 1 << 20);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    for (int i = 0; i < n; i++)
        reg_write_public(&w, &reg_compounds, &recs[i]);
    jw_end_arr(&w);
    jw_end_obj(&w);
    return reply_jw(rq, 200, &w);
}

static int put_fn(struct db *db, void *arg, struct err *e)
{
    struct rec_write *w = arg;
    struct reg_rec old;
    int rc = reg_get(db, w->c, w->r, w->key, &old, e);
    if (rc == ERR_NOT_FOUND) {
        w->created = 1;
        return reg_check(w->r, w->c->a, w->rec, 1, e) ? e->code
                                                      : reg_insert(db, w->c, w->r, w->rec, e);
    }
    if (rc != ERR_OK)
        return rc;
    w->rec->given[0] = 0; /* the code is the key */
    return reg_check(w->r, w->c->a, w->rec, 0, e) ? e->code
                                                  : reg_update(db, w->c, w->r, w->key, w->rec, e);
}

/* PUT /api/v1/departments/{code} {"name", "place_code"}: create (201) or replace (200). */
int department_put_h(struct req *rq)
{
    const struct registry *r = &reg_departments;
    struct reg_ctx c;
    struct reg_rec rec;
    struct err e = {0};
    struct rec_write w = {&c, r, &rec, req_param(rq, 0), 0};
    ctx_init(rq, &c);
    reg_rec_init(r, &rq->arena, &rec);
    if (reg_from_json(r, &rq->arena, rq->json, &rec, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (rec.given[0] && (rec.v[0] == NULL || strcmp(rec.v[0], w.key) != 0))
        return reply_code(rq, ERR_INVALID, "code", "'code' in the body must match the path");
    if (!rec.given[1] || !rec.given[2])
        return reply_code(rq, ERR_INVALID, rec.given[1] ? "place_code" : "name",
                          "'name' and 'place_code' are required");
    rec.v[0] = w.key;
    rec.given[0] = 1;
    if (req_write(rq, put_fn, &w, &e) != ERR_OK ||
        reg_get(req_db(rq), &c, r, w.key, &rec, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_rec(rq, w.created ? 201 : 200, &c, r, &rec);
}

struct person_write {
    struct reg_ctx *c;
    const char *id;
};

static int erase_fn(struct db *db, void *arg, struct err *e)
{
    struct person_write *w = arg;
    return resident_erase(db, w->c, w->id, e);
}

/* GET /api/v1/residents/{id}/export?purpose=: a person's data in full (the right of access). */
int resident_export_h(struct req *rq)
{
    struct reg_ctx c;
    struct reg_rec rec;
    struct err e = {0};
    struct jsonw w;
    ctx_init(rq, &c);
    if (unmask_or_reply(rq, &reg_residents, &c, 1) != 0)
        return -1;
    if (reg_get(req_db(rq), &c, &reg_residents, req_param(rq, 0), &rec, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (audit_or_reply(rq, &c, &reg_residents, &rec, 1, "pii.export") != 0)
        return -1;
    jw_init(&w, 4 << 20);
    if (resident_export(req_db(rq), &c, req_param(rq, 0), &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}

/* POST /api/v1/residents/{id}/erase {"reason"}: erase a person's data on request. */
int resident_erase_h(struct req *rq)
{
    static const char *const keys[] = {"reason", NULL};
    struct reg_ctx c;
    struct reg_rec rec;
    struct err e = {0};
    struct person_write w = {&c, req_param(rq, 0)};
    ctx_init(rq, &c);
    if (json_only_keys(rq->json, keys, &e) ||
        json_get_str(rq->json, "reason", JSON_REQUIRED, 200, &c.purpose, &e) ||
        req_write(rq, erase_fn, &w, &e) != ERR_OK ||
        reg_get(req_db(rq), &c, &reg_residents, w.id, &rec, &e) != ERR_OK)
        return reply_err(rq, &e);
    c.unmask = 0;
    return reply_rec(rq, 200, &c, &reg_residents, &rec);
}
