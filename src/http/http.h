/* http.h - the request as handlers see it, the route table's shape, and the reply helpers.
 * Nothing here depends on libmicrohttpd: server.c adapts MHD to struct req, and unit tests and
 * fuzz targets drive http_dispatch() directly. */
#ifndef GG_HTTP_H
#define GG_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "domain/authz.h"
#include "domain/registry.h"
#include "store/store.h"

/* The methods routes may name: one list for the enum, parsing and every printed name. */
#define HTTP_METHOD_MAP(X) X(GET) X(POST) X(PUT) X(PATCH) X(DELETE) X(HEAD)

enum http_method {
#define X(m) HTTP_##m,
    HTTP_METHOD_MAP(X)
#undef X
        HTTP_OTHER /* any other method: no route has it */
};

/* Route flags, enforced by http_dispatch before any handler runs. */
enum {
    R_JSON = 1 << 0,   /* the body must be a JSON object: rq->json */
    R_NOAUTH = 1 << 1, /* ignore any Authorization header (login itself) */
    R_UPLOAD = 1 << 2, /* the body may carry photos: upload_max instead of body_max */
    R_SECRET = 1 << 3, /* the path's parameters are secrets (tracking tokens): never logged */
    R_INTAKE = 1 << 4, /* the public reports here: a body that is not multipart is capped at
                          ANON_BODY_MAX */
};

struct app {
    struct store *store;
    size_t body_max;      /* bytes, 413 past it */
    size_t upload_max;    /* bytes, for R_UPLOAD routes */
    const char *data_dir; /* photos live here */
    int session_ttl;      /* seconds */
    const char *version;
    double started;              /* monotonic seconds at start */
    const char *jurisdiction_id; /* Open311: a domain accepted beside the division code */
    const char *map_tiles;       /* base-map tile URL template, "local", or "" (none) */
    const char *map_tile_dir;    /* the tiles of "local": DIR/z/x/y.png */
    const char *img_src;         /* extra img-src of the page's CSP (the tile server), or NULL */
};

struct req;
typedef int (*handler_fn)(struct req *rq);

struct route {
    enum http_method method;
    const char *pattern; /* "/api/v1/places/{code}" */
    handler_fn handler;
    enum perm perm; /* what the caller needs somewhere; scope is checked by the handler */
    unsigned flags;
    const char *name; /* for metrics and logs: the pattern */
    int reg;          /* a registry's route (enum reg_id): the caller needs verb somewhere */
    unsigned verb;
};

#define REQ_MAX_PARAMS 4

struct req {
    struct arena arena;
    struct app *app;
    enum http_method method;
    const char *method_str;
    const char *path;
    const char *client;
    /* header and query-argument lookup, provided by the transport */
    const char *(*header)(struct req *rq, const char *name);
    const char *(*query)(struct req *rq, const char *name);
    void *transport;

    struct buf body;
    int body_too_large;

    const struct route *route;
    int match;       /* router_match's answer, made in req_init */
    int route_index; /* for metrics: the route, or http_routes_count when none matched */
    const char *params[REQ_MAX_PARAMS];
    int nparams;
    json_t *json;
    struct user *user;
    char token_hash[65];
    struct db *db; /* read connection, taken on first use, given back at the end */

    /* the reply */
    int status;
    const char *content_type;
    char *reply; /* malloc'd; the transport takes it */
    size_t reply_len;
    const char *allow;       /* Allow header for 405 */
    const char *retry_after; /* Retry-After header for 429 */
    const char *disposition; /* Content-Disposition header of a download */
};

void req_init(struct req *rq, struct app *app, const char *method, const char *path);
/* Once the headers are in (rq->header set): a body for an R_INTAKE route (where the public
 * reports without a login) that is not multipart/form-data is capped at ANON_BODY_MAX, whoever
 * sends it, since the caller is not known yet and a made-up Authorization header must not lift
 * it; photos come as multipart and keep the upload cap. */
#define ANON_BODY_MAX (64 * 1024)
void req_headers_in(struct req *rq);
void req_finish(struct req *rq); /* releases the connection, JSON and arena */
struct db *req_db(struct req *rq);
const char *req_param(struct req *rq, int i);
/* Run a write transaction for the request (returns after commit). */
int req_write(struct req *rq, store_fn fn, void *ctx, struct err *e);
/* The store, for a domain call that runs its own write transaction: the request's read
 * connection is given back first (a pooled backend may need it for the write). */
struct store *req_store(struct req *rq);

/* Route, authenticate, authorise, parse, call the handler; the reply is left in rq. */
void http_dispatch(struct req *rq);

int reply_json(struct req *rq, int status, json_t *body); /* steals body */
struct jsonw;
int reply_jw(struct req *rq, int status, struct jsonw *w); /* takes the writer's buffer */
/* Error replies speak Chinese unless the request's Accept-Language starts with English (en);
 * Open311's always English. The code and field are the same in both. */
int req_wants_english(struct req *rq);
int reply_err(struct req *rq, const struct err *e);
int reply_code(struct req *rq, enum err_code code, const char *field, const char *msg);
int reply_text(struct req *rq, int status, const char *content_type, const char *text, size_t n);
/* A download (download.c): a temporary file for an export (path holds its name, the file is
 * created empty), then the file as the reply with Content-Disposition filename; the file is
 * removed either way. */
int download_tmp(struct req *rq, char path[32]);
int reply_download(struct req *rq, const char *path, const char *content_type,
                   const char *filename);

/* The path parameter i as an id (digits only, above 0); anything else replies 404 and returns
 * -1, so a handler returns at once. */
int req_param_id(struct req *rq, int i, int64_t *id);
/* Query arguments, checked: absent leaves *out as it is; a bad value replies 422 naming the
 * argument and returns -1. */
int req_query_int(struct req *rq, const char *name, int64_t min, int64_t max, int64_t *out);
/* An ISO 8601 date or time (time_parse_iso), as UTC seconds. */
int req_query_time(struct req *rq, const char *name, int64_t *out);
int req_query_bool(struct req *rq, const char *name, int *out);
/* A text argument of 1..maxchars characters of UTF-8 (NULL when absent). */
int req_query_text(struct req *rq, const char *name, long maxchars, const char **out);

/* The scoped check every handler makes: 0 if allowed, else replies 403 and returns -1. */
int req_allow_or_reply(struct req *rq, enum perm p, const char *place, int64_t compound);
/* The place a report (stats, the index) is about: ?place=CODE inside the caller's case-reading
 * scope, else the caller's widest place; replies and returns -1 when there is none. */
int req_report_place(struct req *rq, const char **place);

/* The route table (routes.def) and its size, for metrics and tests. */
extern const struct route http_routes[];
extern const int http_routes_count;
/* May user u call route rt at all (the dispatcher's check before any handler: the route's
 * permission, or a registry's verb; scope is the handler's)? */
int router_permits(const struct user *u, const struct route *rt);
/* Match method and path; returns the route index, -1 (404) or -2 (405, *allow set). */
int router_match(const char *method_str, enum http_method m, const char *path, const char **params,
                 int *nparams, struct arena *a, const char **allow);

/* Open311's XML text content (h_open311.c): s escaped, with every character XML 1.0 does not
 * allow dropped (C0 controls) or replaced by U+FFFD (U+FFFE, U+FFFF, bytes that are not
 * UTF-8). */
struct buf;
void o311_xml_text(struct buf *b, const char *s);

/* The path as the access log shows it: a parameter of an R_SECRET route (whatever the method)
 * becomes "#" and the first 12 hex digits of its BLAKE2b hash (hash_hex, as the database keeps
 * tracking tokens), an extension such as ".json" kept; any other path is returned as it is. */
const char *http_log_path(const char *path, struct arena *a);

enum http_method http_method_of(const char *s);
/* "GET", "POST" ...; "OTHER" for HTTP_OTHER. */
const char *http_method_name(enum http_method m);

/* The JSON of a request that may also carry photos: application/json, or multipart/form-data
 * with a "data" part (JSON) and up to 9 "photo" parts, whose bytes the photo_refs point to
 * (the domain checks and stores them once the request is valid). The JSON is kept in rq->json. */
struct photo_ref;
int req_json_and_photos(struct req *rq, struct photo_ref **photos, int *nphotos, struct err *e);

/* Start and stop the libmicrohttpd listener. */
struct server;
/* The img-src of the page's CSP for a remote tile template: its origin, with the first label
 * made a wildcard when it holds {s} (t{s}.tianditu.gov.cn); NULL for none (h_map.c). */
const char *map_img_src(const char *tiles, char *out, size_t n);
struct server *server_start(struct app *app, const char *host, int port, int threads,
                            struct err *e);
void server_stop(struct server *s);

#endif
