/* fuzz_request.c - libFuzzer target for the whole request path without the network: routing,
 * authentication, permission checks, JSON body parsing, every handler and the SQLite store.
 *
 * An input reads like a bare HTTP request:
 *
 *     METHOD PATH[?QUERY] [anything]
 *     Name: value
 *     ...
 *     <empty line>
 *     body
 *
 * Lines end with LF or CRLF. The path and query are percent-decoded like libmicrohttpd does ('+'
 * is a space in the query). A header value containing $ADMIN or $WORKER gets that word replaced
 * by a live bearer token of the demo district administrator ("admin") or of a grid worker
 * ("gridworker"), so the fuzzer reaches handlers behind a login, in and out of scope.
 *
 * On the first call the target creates a temporary directory, opens a SQLite store in it, fills
 * it with the demo district and logs both users in through http_dispatch. Writes go to that
 * database and accumulate over the run; if an input revokes a token, changes a password or
 * takes a role away from one of the two users, the target restores the grant and opens a new
 * session for it directly in the store, so later inputs keep their authentication.
 *
 * Each reply must satisfy: status in 200..599, a body and a content type, valid JSON when the
 * content type says so, the error shape {"error":{"code":...}} for 4xx/5xx JSON replies, Allow on
 * 405 and Retry-After on 429. A 5xx reply aborts too, since nothing an input can send should
 * make a healthy local database fail; set GRIDGOV_FUZZ_ALLOW_5XX=1 to accept them.
 * GRIDGOV_FUZZ_VERBOSE=1 prints every request line with its status and reply. */
#include <ctype.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"
#include "domain/demo.h"
#include "domain/user.h"
#include "http/http.h"
#include "http/metrics.h"

#define MAX_HEADERS 32
#define MAX_ARGS 32
#define CLIENT "127.0.0.1"

/* Make UBSan reports fatal, so libFuzzer keeps the reproducer (the Makefile does not pass
 * -fno-sanitize-recover for the fuzz build). */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

struct kv {
    const char *name, *value;
};

struct transport {
    struct kv headers[MAX_HEADERS];
    int nheaders;
    struct kv args[MAX_ARGS];
    int nargs;
};

/* A demo user the fuzzer can act as, and the role it must keep for that to stay useful. */
struct ident {
    const char *word, *username, *password, *role, *scope;
    int64_t user_id;
    char token[48];
    char hash[65];
    int64_t expires;
};

static struct ident idents[] = {
    {"$ADMIN", "admin", "fuzz-admin-pw", "district_admin", "330604"},
    {"$WORKER", "gridworker", "fuzz-users-pw", "grid_worker", "330604002007001"},
};
#define NIDENTS ((int)(sizeof(idents) / sizeof(idents[0])))

static struct app app;
static char tmpdir[256];
static char dbpath[300];
static int allow_5xx, verbose;

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_request: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* ---- struct req transport ---- */

static const char *fuzz_header(struct req *rq, const char *name)
{
    struct transport *t = rq->transport;
    for (int i = 0; i < t->nheaders; i++) {
        if (strcasecmp(t->headers[i].name, name) == 0) return t->headers[i].value;
    }
    return NULL;
}

static const char *fuzz_query(struct req *rq, const char *name)
{
    struct transport *t = rq->transport;
    for (int i = 0; i < t->nargs; i++) {
        if (strcmp(t->args[i].name, name) == 0) return t->args[i].value;
    }
    return NULL;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decode s in place ('+' becomes a space when plus is set); a bad escape stays as is. A
 * decoded %00 ends the string, as it does for a C string handed over by libmicrohttpd. */
static void unescape(char *s, int plus)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        int hi, lo;
        if (*r == '%' && (hi = hexval((unsigned char)r[1])) >= 0 &&
            (lo = hexval((unsigned char)r[2])) >= 0) {
            *w++ = (char)(hi << 4 | lo);
            r += 2;
        } else if (*r == '+' && plus) {
            *w++ = ' ';
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

/* Split "a=1&b=2&flag" into t->args; a key without '=' has no value (NULL), as in MHD. */
static void parse_query(struct transport *t, char *q)
{
    while (q != NULL && t->nargs < MAX_ARGS) {
        char *next = strchr(q, '&');
        if (next) *next++ = '\0';
        if (*q) {
            char *eq = strchr(q, '=');
            if (eq) *eq++ = '\0';
            unescape(q, 1);
            if (eq) unescape(eq, 1);
            t->args[t->nargs++] = (struct kv){q, eq};
        }
        q = next;
    }
}

/* Cut the next line off *p (LF or CRLF); NULL at the end of the text. */
static char *next_line(char **p, char *end)
{
    if (*p >= end) return NULL;
    char *line = *p, *nl = memchr(line, '\n', (size_t)(end - line));
    if (nl) {
        *p = nl + 1;
        *nl = '\0';
    } else {
        *p = end;
        *end = '\0';
        nl = end;
    }
    if (nl > line && nl[-1] == '\r') nl[-1] = '\0';
    return line;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Replace $ADMIN / $WORKER in a header value by the live token; returns 1 if one was. */
static int substitute(struct req *rq, const char **value)
{
    for (int i = 0; i < NIDENTS; i++) {
        const char *at = strstr(*value, idents[i].word);
        if (at == NULL) continue;
        *value = arena_printf(&rq->arena, "%.*s%s%s", (int)(at - *value), *value, idents[i].token,
                              at + strlen(idents[i].word));
        return 1;
    }
    return 0;
}

/* ---- the checks ---- */

static void check_reply(const struct req *rq)
{
    char what[160];
    snprintf(what, sizeof(what), "%.20s %.100s answered %d", rq->method_str, rq->path, rq->status);
    if (rq->status < 200 || rq->status > 599) die("status out of range", what);
    if (rq->reply == NULL || rq->content_type == NULL)
        die("reply without body or content type", what);
    if (rq->status == 405 && rq->allow == NULL) die("405 without an Allow header", what);
    if (rq->status == 429 && rq->retry_after == NULL) die("429 without a Retry-After header", what);
    if (rq->status >= 500 && !allow_5xx) {
        fprintf(stderr, "fuzz_request: reply: %.400s\n", rq->reply);
        die("server error (GRIDGOV_FUZZ_ALLOW_5XX=1 accepts it)", what);
    }
    if (strncasecmp(rq->content_type, "application/json", 16) != 0) return;
    json_error_t je;
    json_t *doc = json_loadb(rq->reply, rq->reply_len, JSON_DECODE_ANY, &je);
    if (doc == NULL) {
        fprintf(stderr, "fuzz_request: %s at line %d column %d; reply: %.400s\n", je.text, je.line,
                je.column, rq->reply);
        die("reply is not valid JSON", what);
    }
    if (strlen(rq->reply) != rq->reply_len) die("reply_len does not match the JSON text", what);
    if (rq->status >= 400) {
        json_t *err = json_object_get(doc, "error");
        if (!json_is_object(err) || !json_is_string(json_object_get(err, "code")))
            die("error reply without {\"error\":{\"code\":...}}", what);
    }
    json_decref(doc);
}

/* ---- keeping the two identities usable ---- */

struct restore_ctx {
    struct ident *id;
    struct grant_input grant;
    char hash[65];
    int64_t expires;
};

static int restore_fn(struct db *db, void *arg, struct err *e)
{
    struct restore_ctx *c = arg;
    struct user_input in = {.grants = &c->grant, .ngrants = 1, .disabled = 0};
    int rc = user_update(db, c->id->user_id, &in, e);
    if (rc == ERR_OK) rc = session_insert(db, c->id->user_id, c->hash, c->expires, e);
    return rc;
}

/* 1 if the token still resolves to the user with exactly its original role. */
static int ident_intact(struct ident *id)
{
    struct arena a;
    struct err e = {0};
    struct user u;
    int ok = 0;
    if (time(NULL) + 300 >= id->expires) return 0;
    arena_init(&a, 0);
    struct db *db = store_acquire(app.store);
    if (session_user(db, &a, id->hash, &u, &e) == ERR_OK && u.id == id->user_id && u.nroles == 1 &&
        strcmp(role_name(u.roles[0].role), id->role) == 0 && u.roles[0].scope != NULL &&
        strcmp(u.roles[0].scope, id->scope) == 0)
        ok = 1;
    store_release(app.store, db);
    arena_free(&a);
    return ok;
}

static void ident_restore(struct ident *id)
{
    struct restore_ctx c = {.id = id, .grant = {.scope = id->scope}};
    struct err e = {0};
    char token[48];
    if (role_from_name(id->role, &c.grant.role) != ERR_OK) die("unknown role", id->role);
    token_new(token);
    hash_hex(token, c.hash);
    c.expires = (int64_t)time(NULL) + app.session_ttl;
    if (store_write(app.store, restore_fn, &c, &e) != ERR_OK)
        die("cannot restore a fuzz identity", e.msg);
    memcpy(id->token, token, sizeof(id->token));
    memcpy(id->hash, c.hash, sizeof(id->hash));
    id->expires = c.expires;
}

/* ---- setup ---- */

static const char *null_lookup(struct req *rq, const char *name)
{
    (void)rq;
    (void)name;
    return NULL;
}

/* Log in through the real handler and keep the token. */
static void login(struct ident *id)
{
    struct req rq;
    char body[160];
    int n = snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", id->username,
                     id->password);
    req_init(&rq, &app, "POST", "/api/v1/session");
    rq.header = null_lookup;
    rq.query = null_lookup;
    rq.client = "fuzz-setup";
    if (buf_add(&rq.body, body, (size_t)n) != 0) die("login body too large", NULL);
    http_dispatch(&rq);
    if (rq.status != 201 || rq.reply == NULL) die("setup login failed", rq.reply);
    json_error_t je;
    json_t *doc = json_loadb(rq.reply, rq.reply_len, 0, &je);
    const char *token = json_string_value(json_object_get(doc, "token"));
    json_t *uid = json_object_get(json_object_get(doc, "user"), "id");
    if (token == NULL || strlen(token) >= sizeof(id->token) || !json_is_integer(uid))
        die("setup login reply without token or user id", rq.reply);
    snprintf(id->token, sizeof(id->token), "%s", token);
    hash_hex(id->token, id->hash);
    id->user_id = (int64_t)json_integer_value(uid);
    id->expires = (int64_t)time(NULL) + app.session_ttl;
    json_decref(doc);
    req_finish(&rq);
}

static void cleanup(void)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    store_close(app.store);
    app.store = NULL;
    metrics_free();
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char p[320];
        snprintf(p, sizeof(p), "%s%s", dbpath, suffixes[i]);
        unlink(p);
    }
    rmdir(tmpdir);
}

static void setup(void)
{
    struct err e = {0};
    const char *td = getenv("TMPDIR");
    const char *v = getenv("GRIDGOV_FUZZ_ALLOW_5XX");
    allow_5xx = v != NULL && *v != '\0' && strcmp(v, "0") != 0;
    v = getenv("GRIDGOV_FUZZ_VERBOSE");
    verbose = v != NULL && *v != '\0' && strcmp(v, "0") != 0;
    log_set_level(LOG_ERROR);
    if (crypto_init() != 0) die("libsodium cannot start", NULL);
    snprintf(tmpdir, sizeof(tmpdir), "%s/gridgov-fuzz-XXXXXX", td && *td ? td : "/tmp");
    if (mkdtemp(tmpdir) == NULL) die("cannot create a temporary directory", tmpdir);
    snprintf(dbpath, sizeof(dbpath), "%s/fuzz.db", tmpdir);

    char dsn[320];
    snprintf(dsn, sizeof(dsn), "sqlite:%s", dbpath);
    struct store_config sc = {.dsn = dsn, .readers = 2};
    struct store *s = store_open(&sc, &e);
    if (s == NULL) die("cannot open the store", e.msg);
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull == NULL) die("cannot open /dev/null", NULL);
    if (demo_populate(s, "fuzz-admin-pw", "fuzz-users-pw", devnull, &e) != ERR_OK)
        die("cannot populate the demo data", e.msg);
    fclose(devnull);

    app = (struct app){
        .store = s,
        .body_max = 1 << 20,
        .session_ttl = 3600,
        .version = "fuzz",
        .started = mono(),
    };
    metrics_init(http_routes_count);
    fprintf(stderr, "fuzz_request: database %s (left behind if the run crashes)\n", dbpath);
    for (int i = 0; i < NIDENTS; i++)
        login(&idents[i]);
    atexit(cleanup);
}

/* ---- one input ---- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        setup();
        ready = 1;
    }

    char *text = malloc(size + 1);
    if (text == NULL) abort();
    memcpy(text, data, size);
    text[size] = '\0';
    char *p = text, *end = text + size;

    /* request line: METHOD SP TARGET [SP VERSION] */
    char *line = next_line(&p, end);
    if (line == NULL) {
        free(text);
        return 0;
    }
    char root[] = "/";
    char *method = line, *target = strchr(line, ' ');
    if (target) {
        *target++ = '\0';
        char *sp = strchr(target, ' ');
        if (sp) *sp = '\0';
    } else {
        target = root;
    }
    char *qs = strchr(target, '?');
    if (qs) *qs++ = '\0';
    unescape(target, 0);

    struct transport t = {0};
    struct req rq;
    double t0 = mono();
    req_init(&rq, &app, method, target);
    rq.transport = &t;
    rq.header = fuzz_header;
    rq.query = fuzz_query;
    rq.client = CLIENT;
    parse_query(&t, qs);

    /* headers until an empty line; lines without ':' are skipped */
    int used_token = 0;
    while ((line = next_line(&p, end)) != NULL && *line != '\0') {
        char *colon = strchr(line, ':');
        if (colon == NULL || t.nheaders == MAX_HEADERS) continue;
        *colon = '\0';
        const char *value = trim(colon + 1);
        used_token |= substitute(&rq, &value);
        t.headers[t.nheaders++] = (struct kv){trim(line), value};
    }

    /* the body is the rest, byte for byte (it may hold NULs) */
    const char *cl = fuzz_header(&rq, "Content-Length");
    if (cl != NULL && strtoull(cl, NULL, 10) > app.body_max) rq.body_too_large = 1;
    if (p < end && !rq.body_too_large && buf_add(&rq.body, data + (p - text), (size_t)(end - p)))
        rq.body_too_large = 1;

    http_dispatch(&rq);
    if (verbose)
        fprintf(stderr, "fuzz_request: %s %s -> %d %.300s\n", rq.method_str, rq.path, rq.status,
                rq.reply ? rq.reply : "(no reply)");
    check_reply(&rq);
    metrics_observe(rq.route_index < 0 ? http_routes_count : rq.route_index, rq.status,
                    mono() - t0);
    int wrote = rq.method != HTTP_GET && rq.method != HTTP_HEAD && rq.status < 300;
    req_finish(&rq);
    free(text);

    for (int i = 0; i < NIDENTS; i++) {
        if ((used_token && wrote) || time(NULL) + 300 >= idents[i].expires) {
            if (!ident_intact(&idents[i])) ident_restore(&idents[i]);
        }
    }
    return 0;
}
