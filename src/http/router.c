/* router.c - the route table built from routes.def, path matching, and the one dispatcher that
 * checks every route's permission and flags before its handler runs (Redis processCommand). */
#include "http/http.h"
#include "core/json.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/user.h"

#include <string.h>
#include <strings.h>

#define ROUTE(m, p, h, perm, f) int h(struct req *rq);
#define RROUTE(m, p, h, reg, verb, f) int h(struct req *rq);
#include "http/routes.def"
#undef RROUTE
#undef ROUTE
int reg_list_h(struct req *rq);
int reg_create_h(struct req *rq);
int reg_get_h(struct req *rq);
int reg_update_h(struct req *rq);
int reg_delete_h(struct req *rq);
int reg_import_h(struct req *rq);
int reg_export_h(struct req *rq);

#define REG_ROUTE(m, p, h, ID, verb, f)                                                            \
    {                                                                                              \
        HTTP_##m, p, h, PERM_LOGIN, f, p, REG_##ID, verb                                           \
    }
const struct route http_routes[] = {
#define ROUTE(m, p, h, perm, f) {HTTP_##m, p, h, perm, f, p, REG_NONE, 0},
#define RROUTE(m, p, h, ID, verb, f) REG_ROUTE(m, p, h, ID, verb, f),
#include "http/routes.def"
#undef RROUTE
#undef ROUTE
/* every registry's generic routes; literal segments before {id} */
#define REGISTRY(ID, sym, path)                                                                    \
    REG_ROUTE(GET, "/api/v1/" path, reg_list_h, ID, V_READ, 0),                                    \
        REG_ROUTE(POST, "/api/v1/" path, reg_create_h, ID, V_WRITE, R_JSON),                       \
        REG_ROUTE(POST, "/api/v1/" path "/import", reg_import_h, ID, V_IMPORT, R_UPLOAD),          \
        REG_ROUTE(GET, "/api/v1/" path "/export", reg_export_h, ID, V_EXPORT, 0),                  \
        REG_ROUTE(GET, "/api/v1/" path "/{id}", reg_get_h, ID, V_READ, 0),                         \
        REG_ROUTE(PATCH, "/api/v1/" path "/{id}", reg_update_h, ID, V_WRITE, R_JSON),              \
        REG_ROUTE(DELETE, "/api/v1/" path "/{id}", reg_delete_h, ID, V_WRITE, 0),
#include "domain/registries.def"
#undef REGISTRY
};
const int http_routes_count = (int)ARRAY_LEN(http_routes);

static const char *const method_names[] = {
#define X(m) #m,
    HTTP_METHOD_MAP(X)
#undef X
        "OTHER"};

enum http_method http_method_of(const char *s)
{
    for (int i = 0; i < HTTP_OTHER; i++) {
        if (strcmp(s, method_names[i]) == 0)
            return (enum http_method)i;
    }
    return HTTP_OTHER;
}

const char *http_method_name(enum http_method m)
{
    return m >= HTTP_GET && m <= HTTP_OTHER ? method_names[m] : "OTHER";
}

/* Match path against pattern; captures {name} segments (never empty, never containing '/'). */
static int path_match(const char *pattern, const char *path, const char **params, int *nparams,
                      struct arena *a)
{
    const char *p = pattern, *s = path;
    int n = 0;
    while (*p && *s) {
        if (strcmp(p, "{*}") == 0) {
            /* the rest of the path, slashes and all (static files) */
            if (*s == '\0' || n == REQ_MAX_PARAMS)
                return 0;
            if (params)
                params[n] = arena_strdup(a, s);
            n++;
            s += strlen(s);
            p += 3;
            continue;
        }
        if (*p == '{') {
            const char *end = strchr(s, '/');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            if (len == 0 || n == REQ_MAX_PARAMS)
                return 0;
            if (params)
                params[n] = arena_strndup(a, s, len);
            n++;
            s += len;
            p = strchr(p, '}') + 1;
            continue;
        }
        if (*p != *s)
            return 0;
        p++;
        s++;
    }
    if (*p || *s)
        return 0;
    if (nparams)
        *nparams = n;
    return 1;
}

const char *http_log_path(const char *path, struct arena *a)
{
    const char *params[REQ_MAX_PARAMS];
    int n = 0;
    for (int i = 0; i < http_routes_count; i++) {
        const struct route *rt = &http_routes[i];
        if (!(rt->flags & R_SECRET) || !path_match(rt->pattern, path, params, &n, a))
            continue;
        struct buf b;
        int k = 0;
        buf_init(&b, 4096);
        for (const char *p = rt->pattern; *p; p++) {
            if (*p != '{') {
                buf_add(&b, p, 1);
                continue;
            }
            const char *v = k < n ? params[k++] : "";
            const char *dot = strrchr(v, '.');
            char h[65];
            hash_hex(dot ? arena_strndup(a, v, (size_t)(dot - v)) : v, h);
            buf_printf(&b, "#%.12s%s", h, dot ? dot : "");
            p = strchr(p, '}');
        }
        const char *out = arena_strdup(a, b.data ? b.data : "");
        buf_free(&b);
        return out;
    }
    return path;
}

int router_match(const char *method_str, enum http_method m, const char *path, const char **params,
                 int *nparams, struct arena *a, const char **allow)
{
    char allowed[64] = "";
    (void)method_str;
    for (int i = 0; i < http_routes_count; i++) {
        const struct route *rt = &http_routes[i];
        if (!path_match(rt->pattern, path, NULL, NULL, a))
            continue;
        if (rt->method == m || (m == HTTP_HEAD && rt->method == HTTP_GET)) {
            path_match(rt->pattern, path, params, nparams, a);
            return i;
        }
        size_t off = strlen(allowed);
        snprintf(allowed + off, sizeof(allowed) - off, "%s%s", off ? ", " : "",
                 http_method_name(rt->method));
    }
    if (allowed[0]) {
        *allow = arena_strdup(a, allowed);
        return -2;
    }
    return -1;
}

/* Resolve the bearer token, if any, to rq->user. 401 for a bad token. */
static int authenticate(struct req *rq)
{
    const char *h = rq->header(rq, "Authorization");
    if (h == NULL)
        return ERR_OK;
    if (strncasecmp(h, "Bearer ", 7) != 0 || h[7] == '\0')
        return reply_code(rq, ERR_UNAUTHORIZED, NULL, "use 'Authorization: Bearer TOKEN'");
    struct err e = {0};
    struct user *u = arena_alloc(&rq->arena, sizeof(*u));
    hash_hex(h + 7, rq->token_hash);
    if (session_user_cached(req_db(rq), &rq->arena, rq->token_hash, u, &e) != ERR_OK)
        return reply_err(rq, &e);
    rq->user = u;
    return ERR_OK;
}

int router_permits(const struct user *u, const struct route *rt)
{
    if (rt->perm == PERM_PUBLIC)
        return 1;
    if (u == NULL)
        return 0;
    return rt->reg != REG_NONE ? reg_may(u, registry_get(rt->reg), rt->verb)
                               : authz_has(u, rt->perm);
}

void http_dispatch(struct req *rq)
{
    int i = rq->match;
    if (i == -1) {
        reply_code(rq, ERR_NOT_FOUND, NULL, "no such resource");
        return;
    }
    if (i == -2) {
        reply_code(rq, ERR_METHOD, NULL, "method not allowed here");
        return;
    }
    const struct route *rt = &http_routes[i];
    rq->route = rt;
    if (rq->body_too_large) {
        reply_code(rq, ERR_TOO_LARGE, NULL,
                   arena_printf(&rq->arena, "the request body is larger than %zu bytes",
                                rq->body.max - 1));
        return;
    }
    if (!(rt->flags & R_NOAUTH) && authenticate(rq) != ERR_OK)
        return;
    if (rt->perm != PERM_PUBLIC) {
        if (rq->user == NULL) {
            reply_code(rq, ERR_UNAUTHORIZED, NULL, "login required");
            return;
        }
        if (!router_permits(rq->user, rt)) {
            reply_code(rq, ERR_FORBIDDEN, NULL, "your roles do not allow this");
            return;
        }
    }
    if (rt->flags & R_JSON) {
        struct err e = {0};
        const char *ct = rq->header(rq, "Content-Type");
        if (ct != NULL && strncasecmp(ct, "application/json", 16) != 0) {
            reply_code(rq, ERR_UNSUPPORTED, NULL, "send the body as application/json");
            return;
        }
        if (json_parse_object(rq->body.data ? rq->body.data : "", rq->body.len, &rq->json, &e) !=
            ERR_OK) {
            reply_err(rq, &e);
            return;
        }
    }
    rt->handler(rq);
    if (rq->status == 0) {
        log_error("handler for %s %s gave no reply", http_method_name(rt->method), rt->pattern);
        reply_code(rq, ERR_INTERNAL, NULL, NULL);
    }
}
