/* req.c - the request's life (init, lazy read connection, finish) and the reply helpers that
 * write the JSON error format: {"error":{"code","message","field"}}. */
#include "http/http.h"
#include "core/json.h"
#include "core/jsonw.h"
#include "core/util.h"
#include "domain/case.h"
#include "domain/photo.h"
#include "http/multipart.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void req_init(struct req *rq, struct app *app, const char *method, const char *path)
{
    memset(rq, 0, sizeof(*rq));
    arena_init(&rq->arena, 0);
    rq->app = app;
    rq->method_str = method;
    rq->method = http_method_of(method);
    rq->path = path;
    /* route once, as the headers arrive: the route's flags set the body cap */
    rq->match =
        router_match(method, rq->method, path, rq->params, &rq->nparams, &rq->arena, &rq->allow);
    rq->route_index = rq->match >= 0 ? rq->match : http_routes_count;
    size_t cap = rq->match >= 0 && (http_routes[rq->match].flags & R_UPLOAD) ? app->upload_max
                                                                             : app->body_max;
    buf_init(&rq->body, cap + 1);
}

void req_headers_in(struct req *rq)
{
    if (rq->match < 0)
        return;
    const struct route *rt = &http_routes[rq->match];
    const char *ct = rq->header(rq, "Content-Type");
    if (!(rt->flags & R_INTAKE) || rq->body.max <= ANON_BODY_MAX + 1)
        return;
    if (ct != NULL && strncasecmp(ct, "multipart/form-data", 19) == 0)
        return;
    buf_free(&rq->body);
    buf_init(&rq->body, ANON_BODY_MAX + 1);
}

void req_finish(struct req *rq)
{
    if (rq->db != NULL)
        store_release(rq->app->store, rq->db);
    rq->db = NULL;
    if (rq->json != NULL)
        json_decref(rq->json);
    rq->json = NULL;
    free(rq->reply);
    rq->reply = NULL;
    buf_free(&rq->body);
    arena_free(&rq->arena);
}

struct db *req_db(struct req *rq)
{
    if (rq->db == NULL)
        rq->db = store_acquire(rq->app->store);
    return rq->db;
}

struct store *req_store(struct req *rq)
{
    /* give the read connection back first: a pooled backend may need it for the write */
    store_release(rq->app->store, rq->db);
    rq->db = NULL;
    return rq->app->store;
}

int req_write(struct req *rq, store_fn fn, void *ctx, struct err *e)
{
    return store_write(req_store(rq), fn, ctx, e);
}

const char *req_param(struct req *rq, int i)
{
    return i < rq->nparams ? rq->params[i] : "";
}

static void set_reply(struct req *rq, int status, const char *ctype, char *body, size_t n)
{
    free(rq->reply);
    rq->status = status;
    rq->content_type = ctype;
    rq->reply = body;
    rq->reply_len = n;
}

int reply_json(struct req *rq, int status, json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(body);
    if (s == NULL)
        return reply_code(rq, ERR_INTERNAL, NULL, "cannot encode the reply");
    set_reply(rq, status, "application/json; charset=utf-8", s, strlen(s));
    return status < 400 ? ERR_OK : -1;
}

int reply_jw(struct req *rq, int status, struct jsonw *w)
{
    if (w->err) {
        buf_free(&w->b);
        return reply_code(rq, ERR_TOO_LARGE, NULL, "the reply is too large; narrow the request");
    }
    size_t n = w->b.len;
    set_reply(rq, status, "application/json; charset=utf-8", buf_steal(&w->b), n);
    return status < 400 ? ERR_OK : -1;
}

int req_wants_english(struct req *rq)
{
    /* the first language named decides: "en", "en-US", "en;q=0.9" */
    const char *v = rq->header ? rq->header(rq, "Accept-Language") : NULL;
    if (v == NULL)
        return 0;
    while (*v == ' ' || *v == '\t')
        v++;
    return strncasecmp(v, "en", 2) == 0 &&
           (v[2] == '\0' || v[2] == '-' || v[2] == ',' || v[2] == ';' || v[2] == ' ');
}

/* Open311 clients get English: the specification and its clients speak it. */
static int answer_zh(struct req *rq)
{
    return strncmp(rq->path ? rq->path : "", "/open311/", 9) != 0 && !req_wants_english(rq);
}

static int reply_error_text(struct req *rq, enum err_code code, const char *field, const char *msg)
{
    /* JSON strings are UTF-8: text that is not (a client's bytes) gives way to the default */
    if (msg == NULL || *msg == '\0' || utf8_chars(msg) < 0)
        msg = err_default_msg(code);
    if (field != NULL && utf8_chars(field) < 0)
        field = NULL;
    if (strncmp(rq->path ? rq->path : "", "/open311/", 9) == 0) {
        /* Open311 clients read errors as [{"code", "description"}], even a router's 404 */
        json_t *list = json_pack("[{s:i, s:s}]", "code", err_http_status(code), "description", msg);
        char *s = json_dumps(list, JSON_COMPACT);
        json_decref(list);
        set_reply(rq, err_http_status(code), "application/json; charset=utf-8", s, strlen(s));
        return -1;
    }
    json_t *err = json_pack("{s:s, s:s}", "code", err_code_name(code), "message", msg);
    if (field && *field)
        json_object_set_new(err, "field", json_string(field));
    json_t *doc = json_pack("{s:o}", "error", err);
    char *s = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    set_reply(rq, err_http_status(code), "application/json; charset=utf-8", s, strlen(s));
    return -1;
}

int reply_code(struct req *rq, enum err_code code, const char *field, const char *msg)
{
    struct err e = {.code = code};
    char buf[sizeof(e.msg) + 64];
    if (msg == NULL || *msg == '\0')
        msg = err_default_msg(code);
    snprintf(e.msg, sizeof(e.msg), "%s", msg);
    /* msg is a fixed text here (its own row in err_zh.def), or already Chinese */
    const char *zh = err_zh(msg);
    int ascii = 1;
    for (const char *p = msg; *p; p++)
        ascii &= (unsigned char)*p < 0x80;
    snprintf(e.msg_zh, sizeof(e.msg_zh), "%s", zh ? zh : ascii ? "" : msg);
    return reply_error_text(rq, code, field, err_text(&e, answer_zh(rq), buf, sizeof(buf)));
}

int reply_err(struct req *rq, const struct err *e)
{
    char buf[sizeof(e->msg) + 64];
    if (e->code == ERR_THROTTLED && rq->retry_after == NULL)
        rq->retry_after = "900";
    return reply_error_text(rq, e->code == ERR_OK ? ERR_INTERNAL : e->code, e->field,
                            err_text(e, answer_zh(rq), buf, sizeof(buf)));
}

int reply_text(struct req *rq, int status, const char *content_type, const char *text, size_t n)
{
    char *copy = malloc(n + 1);
    if (copy == NULL)
        abort();
    memcpy(copy, text, n);
    copy[n] = '\0';
    set_reply(rq, status, content_type, copy, n);
    return ERR_OK;
}

int req_allow_or_reply(struct req *rq, enum perm p, const char *place, int64_t compound)
{
    struct target t = {.place = place, .compound = compound};
    if (authz_allow(rq->user, p, &t))
        return 0;
    reply_code(rq, ERR_FORBIDDEN, NULL, "outside your scope");
    return -1;
}

int req_json_and_photos(struct req *rq, struct photo_ref **photos, int *nphotos, struct err *e)
{
    const char *ct = rq->header(rq, "Content-Type");
    const char *boundary = multipart_boundary(&rq->arena, ct);
    struct mpart parts[MULTIPART_MAX_PARTS];
    const char *body = rq->body.data ? rq->body.data : "";
    int n = 0;

    *photos = NULL;
    *nphotos = 0;
    if (boundary == NULL) {
        if (ct != NULL && strncasecmp(ct, "application/json", 16) != 0)
            return err_set(e, ERR_UNSUPPORTED, NULL,
                           "send application/json, or multipart/form-data with photos");
        return json_parse_object(body, rq->body.len, &rq->json, e);
    }
    if (multipart_parse(&rq->arena, body, rq->body.len, boundary, parts, &n, e) != ERR_OK)
        return e->code;
    *photos = arena_alloc(&rq->arena, sizeof(struct photo_ref) * PHOTO_MAX_COUNT);
    for (int i = 0; i < n; i++) {
        if (strcmp(parts[i].name, "data") == 0) {
            if (rq->json != NULL)
                return err_set(e, ERR_BAD_REQUEST, "data", "one 'data' part, please");
            if (json_parse_object(parts[i].data, parts[i].len, &rq->json, e) != ERR_OK)
                return e->code;
        } else if (strcmp(parts[i].name, "photo") == 0) {
            struct photo_ref *p = &(*photos)[*nphotos];
            if (*nphotos == PHOTO_MAX_COUNT)
                return err_set(e, ERR_INVALID, "photo", "at most %d photos", PHOTO_MAX_COUNT);
            memset(p, 0, sizeof(*p));
            p->data = parts[i].data; /* checked and stored by the domain once all is valid */
            p->bytes = (int64_t)parts[i].len;
            (*nphotos)++;
        } else {
            return err_set(e, ERR_INVALID, parts[i].name, "unknown part '%.40s'", parts[i].name);
        }
    }
    if (rq->json == NULL)
        return err_set(e, ERR_BAD_REQUEST, "data", "the 'data' part (JSON) is missing");
    return ERR_OK;
}

int req_param_id(struct req *rq, int i, int64_t *id)
{
    if (parse_id(req_param(rq, i), id) != 0)
        return reply_code(rq, ERR_NOT_FOUND, "id", "no such id: ids are whole numbers from 1");
    return 0;
}

int req_query_int(struct req *rq, const char *name, int64_t min, int64_t max, int64_t *out)
{
    const char *v = rq->query(rq, name);
    if (v == NULL)
        return 0;
    if (parse_int_range(v, min, max, out) != 0) {
        reply_code(rq, ERR_INVALID, name,
                   arena_printf(&rq->arena, "'%s' must be an integer from %lld to %lld", name,
                                (long long)min, (long long)max));
        return -1;
    }
    return 0;
}

int req_query_time(struct req *rq, const char *name, int64_t *out)
{
    const char *v = rq->query(rq, name);
    if (v == NULL)
        return 0;
    if (time_parse_iso(v, out, NULL) != 0) {
        reply_code(rq, ERR_INVALID, name,
                   arena_printf(&rq->arena,
                                "'%s' must be an ISO 8601 date or time like "
                                "2026-02-13T10:00:00+08:00",
                                name));
        return -1;
    }
    return 0;
}

int req_query_bool(struct req *rq, const char *name, int *out)
{
    const char *v = rq->query(rq, name);
    if (v == NULL)
        return 0;
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = 0;
    else {
        reply_code(rq, ERR_INVALID, name,
                   arena_printf(&rq->arena, "'%s' must be true or false", name));
        return -1;
    }
    return 0;
}

int req_query_text(struct req *rq, const char *name, long maxchars, const char **out)
{
    const char *v = rq->query(rq, name);
    *out = NULL;
    if (v == NULL || *v == '\0')
        return 0;
    long n = utf8_chars(v);
    if (n < 0 || n > maxchars) {
        reply_code(
            rq, ERR_INVALID, name,
            arena_printf(&rq->arena, "'%s' must be 1 to %ld characters of UTF-8", name, maxchars));
        return -1;
    }
    *out = v;
    return 0;
}
