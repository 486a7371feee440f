/* fuzz_request.c - libFuzzer target for the whole request path without the network: routing,
 * authentication, permission checks, body parsing (JSON, forms, multipart), every handler and
 * the SQLite store.
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
 * is a space in the query). Before parsing, these words are replaced anywhere in the input by
 * live credentials made at start, so the fuzzer reaches what sits behind them:
 *   $ADMIN   bearer token of "admin" (district_admin at 330604)
 *   $WORKER  bearer token of "gridworker" (grid_worker at 330604002007001)
 *   $OFFICE  bearer token of "bowen" (community_office at 330604002007)
 *   $APIKEY  an Open311 API key
 *   $TRACK   the tracking token of a case filed by the public
 *
 * LLVMFuzzerInitialize creates a temporary directory (database and photos), opens a SQLite
 * store in it, fills it with the demo district, then logs the three users in, creates the API
 * key and files the case, all through http_dispatch. Writes accumulate over the run. If an input
 * revokes a token or the key, changes a password, disables one of the three users or changes
 * their roles, the target puts things back directly in the store, so later inputs keep their
 * credentials.
 *
 * Each reply must have: a status in 200..599; a body and a content type; valid UTF-8 for text
 * and JSON; valid JSON when the content type says so; the error shape {"error":{"code":...}}
 * (Open311: [{"code":N,"description":...}]) for 4xx/5xx JSON replies; Allow on 405; and
 * Retry-After on 429. A 5xx reply aborts too, since nothing an input can send should make a
 * healthy local database fail. Set GRIDGOV_FUZZ_ALLOW_5XX=1 to accept 5xx replies.
 * GRIDGOV_FUZZ_VERBOSE=1 prints every request line with its status and reply. */
#include <ftw.h>
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
#include "domain/apikey.h"
#include "domain/calendar.h"
#include "domain/demo.h"
#include "domain/pii.h"
#include "domain/secret.h"
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
    {"$OFFICE", "bowen", "fuzz-users-pw", "community_office", "330604002007"},
};
#define NIDENTS ((int)(sizeof(idents) / sizeof(idents[0])))

static char apikey[48];   /* $APIKEY */
static char track[80];    /* $TRACK */
static int apikey_serial; /* names of replacement keys */

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
        if (strcasecmp(t->headers[i].name, name) == 0)
            return t->headers[i].value;
    }
    return NULL;
}

static const char *fuzz_query(struct req *rq, const char *name)
{
    struct transport *t = rq->transport;
    for (int i = 0; i < t->nargs; i++) {
        if (strcmp(t->args[i].name, name) == 0)
            return t->args[i].value;
    }
    return NULL;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
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
        if (next)
            *next++ = '\0';
        if (*q) {
            char *eq = strchr(q, '=');
            if (eq)
                *eq++ = '\0';
            unescape(q, 1);
            if (eq)
                unescape(eq, 1);
            t->args[t->nargs++] = (struct kv){q, eq};
        }
        q = next;
    }
}

/* Cut the next line off *p (LF or CRLF); NULL at the end of the text. */
static char *next_line(char **p, char *end)
{
    if (*p >= end)
        return NULL;
    char *line = *p, *nl = memchr(line, '\n', (size_t)(end - line));
    if (nl) {
        *p = nl + 1;
        *nl = '\0';
    } else {
        *p = end;
        *end = '\0';
        nl = end;
    }
    if (nl > line && nl[-1] == '\r')
        nl[-1] = '\0';
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

/* The credential a $WORD stands for, or NULL. */
static const char *word_value(const char *word, size_t n)
{
    for (int i = 0; i < NIDENTS; i++) {
        if (strlen(idents[i].word) == n && memcmp(idents[i].word, word, n) == 0)
            return idents[i].token;
    }
    if (n == 7 && memcmp(word, "$APIKEY", 7) == 0)
        return apikey;
    if (n == 6 && memcmp(word, "$TRACK", 6) == 0)
        return track;
    return NULL;
}

/* Copy data with every $WORD replaced (malloc'd, NUL-terminated; *n is the new length).
 * *used is set when a bearer token or the API key went in. */
static char *expand(const uint8_t *data, size_t size, size_t *n, int *used)
{
    struct buf b;
    buf_init(&b, size * 16 + 64); /* a word of 6 bytes becomes at most 79 */
    size_t i = 0;
    while (i < size) {
        const uint8_t *d = memchr(data + i, '$', size - i);
        size_t upto = d ? (size_t)(d - data) : size;
        if (upto > i && buf_add(&b, data + i, upto - i) != 0)
            abort();
        i = upto;
        if (d == NULL)
            break;
        size_t w = 1;
        while (i + w < size && data[i + w] >= 'A' && data[i + w] <= 'Z')
            w++;
        const char *v = word_value((const char *)data + i, w);
        if (v != NULL) {
            if (buf_puts(&b, v) != 0)
                abort();
            *used |= v != track;
        } else if (buf_add(&b, data + i, w) != 0) {
            abort();
        }
        i += w;
    }
    *n = b.len;
    if (b.data == NULL)
        return calloc(1, 1);
    return buf_steal(&b);
}

/* ---- the checks ---- */

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, min = 0x10000, c &= 0x07;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            c = c << 6 | (s[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* Errors are {"error":{"code":...}}; under /open311/ (handlers and router alike) they are
 * [{"code":N,"description":...}]. */
static void check_error_shape(const struct req *rq, json_t *doc, const char *what)
{
    if (strncmp(rq->path, "/open311/", 9) == 0) {
        json_t *first = json_array_get(doc, 0);
        if (!json_is_array(doc) || !json_is_integer(json_object_get(first, "code")) ||
            !json_is_string(json_object_get(first, "description")))
            die("Open311 error reply without [{\"code\":N,\"description\":...}]", what);
        return;
    }
    json_t *err = json_object_get(doc, "error");
    if (!json_is_object(err) || !json_is_string(json_object_get(err, "code")))
        die("error reply without {\"error\":{\"code\":...}}", what);
}

static void check_reply(const struct req *rq)
{
    char what[160];
    snprintf(what, sizeof(what), "%.20s %.100s answered %d", rq->method_str, rq->path, rq->status);
    if (rq->status < 200 || rq->status > 599)
        die("status out of range", what);
    if (rq->reply == NULL || rq->content_type == NULL)
        die("reply without body or content type", what);
    if (rq->status == 405 && rq->allow == NULL)
        die("405 without an Allow header", what);
    if (rq->status == 429 && rq->retry_after == NULL)
        die("429 without a Retry-After header", what);
    if (rq->status >= 500 && !allow_5xx) {
        fprintf(stderr, "fuzz_request: reply: %.400s\n", rq->reply);
        die("server error (GRIDGOV_FUZZ_ALLOW_5XX=1 accepts it)", what);
    }
    int json = strncasecmp(rq->content_type, "application/json", 16) == 0;
    if ((json || strncasecmp(rq->content_type, "text/", 5) == 0) &&
        !utf8_valid((const unsigned char *)rq->reply, rq->reply_len))
        die("text reply is not valid UTF-8", what);
    if (!json)
        return;
    json_error_t je;
    json_t *doc = json_loadb(rq->reply, rq->reply_len, JSON_DECODE_ANY, &je);
    if (doc == NULL) {
        fprintf(stderr, "fuzz_request: %s at line %d column %d; reply: %.400s\n", je.text, je.line,
                je.column, rq->reply);
        die("reply is not valid JSON", what);
    }
    if (strlen(rq->reply) != rq->reply_len)
        die("reply_len does not match the JSON text", what);
    if (rq->status >= 400)
        check_error_shape(rq, doc, what);
    json_decref(doc);
}

/* ---- keeping the credentials usable ---- */

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
    if (rc == ERR_OK)
        rc = session_insert(db, c->id->user_id, c->hash, c->expires, e);
    return rc;
}

/* 1 if the token still resolves to the user with exactly its original role. */
static int ident_intact(struct ident *id)
{
    struct arena a;
    struct err e = {0};
    struct user u;
    int ok = 0;
    if (time(NULL) + 300 >= id->expires)
        return 0;
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

/* Give the user back its role and open a new session directly in the store (a login could be
 * throttled by the fuzzer's failed attempts). */
static void ident_restore(struct ident *id)
{
    struct restore_ctx c = {.id = id, .grant = {.scope = id->scope}};
    struct err e = {0};
    char token[48];
    if (role_from_name(id->role, &c.grant.role) != ERR_OK)
        die("unknown role", id->role);
    token_new(token);
    hash_hex(token, c.hash);
    c.expires = (int64_t)time(NULL) + app.session_ttl;
    if (store_write(app.store, restore_fn, &c, &e) != ERR_OK)
        die("cannot restore a fuzz identity", e.msg);
    memcpy(id->token, token, sizeof(id->token));
    memcpy(id->hash, c.hash, sizeof(id->hash));
    id->expires = c.expires;
}

static int apikey_intact(void)
{
    struct err e = {0};
    int64_t id;
    struct db *db = store_acquire(app.store);
    int rc = apikey_lookup(db, apikey, &id, &e);
    store_release(app.store, db);
    return rc == ERR_OK;
}

struct key_ctx {
    char name[32];
    int64_t id;
    char key[48];
};

static int key_fn(struct db *db, void *arg, struct err *e)
{
    struct key_ctx *c = arg;
    return apikey_create(db, c->name, &c->id, c->key, e);
}

/* A new key under a name the fuzzer has not taken yet. */
static void apikey_restore(void)
{
    for (int tries = 0; tries < 100; tries++) {
        struct key_ctx c = {0};
        struct err e = {0};
        snprintf(c.name, sizeof(c.name), "fuzz-key-%d", ++apikey_serial);
        int rc = store_write(app.store, key_fn, &c, &e);
        if (rc == ERR_OK) {
            memcpy(apikey, c.key, sizeof(apikey));
            return;
        }
        if (rc != ERR_CONFLICT)
            die("cannot create a replacement API key", e.msg);
    }
    die("cannot create a replacement API key", "every name taken");
}

/* ---- setup ---- */

static const char *null_lookup(struct req *rq, const char *name)
{
    (void)rq;
    (void)name;
    return NULL;
}

/* Run one JSON request through http_dispatch and return the parsed reply (the caller frees). */
static json_t *setup_request(const char *method, const char *path, const char *bearer,
                             const char *body, int want_status)
{
    struct transport t = {0};
    struct req rq;
    req_init(&rq, &app, method, path);
    rq.transport = &t;
    rq.header = fuzz_header;
    rq.query = null_lookup;
    rq.client = "fuzz-setup";
    t.headers[t.nheaders++] = (struct kv){"Content-Type", "application/json"};
    if (bearer != NULL)
        t.headers[t.nheaders++] =
            (struct kv){"Authorization", arena_printf(&rq.arena, "Bearer %s", bearer)};
    if (buf_puts(&rq.body, body) != 0)
        die("setup body too large", path);
    http_dispatch(&rq);
    if (rq.status != want_status || rq.reply == NULL) {
        fprintf(stderr, "fuzz_request: setup %s %s answered %d: %s\n", method, path, rq.status,
                rq.reply ? rq.reply : "");
        die("setup request failed", path);
    }
    json_error_t je;
    json_t *doc = json_loadb(rq.reply, rq.reply_len, 0, &je);
    if (doc == NULL)
        die("setup reply is not JSON", rq.reply);
    req_finish(&rq);
    return doc;
}

static void copy_str(char *out, size_t n, json_t *v, const char *what)
{
    const char *s = json_string_value(v);
    if (s == NULL || strlen(s) >= n)
        die("setup reply without", what);
    memcpy(out, s, strlen(s) + 1);
}

/* Log in through the real handler and keep the token. */
static void login(struct ident *id)
{
    char body[160];
    snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", id->username,
             id->password);
    json_t *doc = setup_request("POST", "/api/v1/session", NULL, body, 201);
    json_t *uid = json_object_get(json_object_get(doc, "user"), "id");
    copy_str(id->token, sizeof(id->token), json_object_get(doc, "token"), "token");
    if (!json_is_integer(uid))
        die("setup login reply without user id", id->username);
    hash_hex(id->token, id->hash);
    id->user_id = (int64_t)json_integer_value(uid);
    id->expires = (int64_t)time(NULL) + app.session_ttl;
    json_decref(doc);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    store_close(app.store);
    app.store = NULL;
    metrics_free();
    calendar_cache_free();
    nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const unsigned char key[32] = "gridgov fuzz_request secret key";
    struct err e = {0};
    const char *td = getenv("TMPDIR");
    const char *v = getenv("GRIDGOV_FUZZ_ALLOW_5XX");
    (void)argc;
    (void)argv;
    allow_5xx = v != NULL && *v != '\0' && strcmp(v, "0") != 0;
    v = getenv("GRIDGOV_FUZZ_VERBOSE");
    verbose = v != NULL && *v != '\0' && strcmp(v, "0") != 0;
    log_set_level(LOG_ERROR);
    if (crypto_init() != 0)
        die("libsodium cannot start", NULL);
    secret_init_fixed(key);
    pii_init_fixed(key);
    snprintf(tmpdir, sizeof(tmpdir), "%s/gridgov-fuzz-XXXXXX", td && *td ? td : "/tmp");
    if (mkdtemp(tmpdir) == NULL)
        die("cannot create a temporary directory", tmpdir);
    snprintf(dbpath, sizeof(dbpath), "%s/fuzz.db", tmpdir);

    char dsn[320];
    snprintf(dsn, sizeof(dsn), "sqlite:%s", dbpath);
    struct store_config sc = {.dsn = dsn, .readers = 2};
    struct store *s = store_open(&sc, &e);
    if (s == NULL)
        die("cannot open the store", e.msg);
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull == NULL)
        die("cannot open /dev/null", NULL);
    if (demo_populate(s, "fuzz-admin-pw", "fuzz-users-pw", devnull, &e) != ERR_OK)
        die("cannot populate the demo data", e.msg);
    fclose(devnull);

    app = (struct app){
        .store = s,
        .body_max = 1 << 20,
        .upload_max = 1 << 20,
        .data_dir = tmpdir,
        .session_ttl = 3600,
        .version = "fuzz",
        .started = mono(),
    };
    metrics_init(http_routes_count);
    atexit(cleanup);
    fprintf(stderr, "fuzz_request: data in %s (left behind if the run crashes)\n", tmpdir);
    for (int i = 0; i < NIDENTS; i++)
        login(&idents[i]);
    json_t *doc =
        setup_request("POST", "/api/v1/apikeys", idents[0].token, "{\"name\":\"fuzz-key\"}", 201);
    copy_str(apikey, sizeof(apikey), json_object_get(doc, "key"), "key");
    json_decref(doc);
    doc = setup_request("POST", "/api/v1/cases", NULL,
                        "{\"category\":\"ebike\",\"description\":\"fuzz 楼道里停了电动车\","
                        "\"compound\":1,\"attributes\":{\"building\":\"5幢\","
                        "\"stairwell_charging\":\"yes\"},\"name\":\"fuzz\","
                        "\"phone\":\"13800000000\"}",
                        201);
    copy_str(track, sizeof(track), json_object_get(doc, "token"), "token");
    json_decref(doc);
    return 0;
}

/* ---- one input ---- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int used = 0;
    size_t n;
    char *text = expand(data, size, &n, &used);
    char *p = text, *end = text + n;

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
        if (sp)
            *sp = '\0';
    } else {
        target = root;
    }
    char *qs = strchr(target, '?');
    if (qs)
        *qs++ = '\0';
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
    while ((line = next_line(&p, end)) != NULL && *line != '\0') {
        char *colon = strchr(line, ':');
        if (colon == NULL || t.nheaders == MAX_HEADERS)
            continue;
        *colon = '\0';
        t.headers[t.nheaders++] = (struct kv){trim(line), trim(colon + 1)};
    }

    /* the body is the rest, byte for byte (it may hold NULs); the caps as in server.c */
    const char *cl = fuzz_header(&rq, "Content-Length");
    if (cl != NULL && strtoull(cl, NULL, 10) + 1 > rq.body.max)
        rq.body_too_large = 1;
    if (p < end && !rq.body_too_large && buf_add(&rq.body, p, (size_t)(end - p)) != 0)
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
        if ((used && wrote) || time(NULL) + 300 >= idents[i].expires) {
            if (!ident_intact(&idents[i]))
                ident_restore(&idents[i]);
        }
    }
    if (used && wrote && !apikey_intact())
        apikey_restore();
    return 0;
}
