/* webhook.c - outgoing webhooks: subscriptions, signing, and the outbox delivery worker.
 *
 * case_timeline_append writes one outbox row per active webhook in the same transaction as the
 * timeline row, so an event is announced if and only if it happened. The worker (one thread,
 * under the lease 'webhooks') takes the due rows, POSTs each with libcurl outside any
 * transaction, then records the outcome in a write of its own: delivered, or a retry after an
 * exponential backoff. Delivery is at least once (a crash between the POST and the write sends
 * the row again; receivers deduplicate by X-Gridgov-Delivery) and in order per case and
 * webhook: a row is never sent while an earlier row of its case and webhook is undelivered. */
#include "domain/webhook.h"
#include "core/log.h"
#include "domain/notify.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sodium.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "version.h" /* build/gen/version.h: GRIDGOV_VERSION */

/* ---- private targets ---- */

static atomic_int allow_private;
static pthread_mutex_t pass_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_int max_attempts = WEBHOOK_MAX_ATTEMPTS;

void webhook_set_max_attempts(int n)
{
    atomic_store(&max_attempts, n < 1 ? 1 : n);
}

void webhook_set_allow_private(int on)
{
    atomic_store(&allow_private, on != 0);
}

int webhook_allow_private(void)
{
    return atomic_load(&allow_private);
}

static int v4_private(uint32_t a) /* host byte order */
{
    return (a >> 24) == 0 ||                 /* 0.0.0.0/8 "this network", unspecified */
           (a >> 24) == 10 ||                /* 10/8 */
           (a >> 24) == 127 ||               /* loopback */
           (a >> 22) == (100u << 2 | 1) ||   /* 100.64/10 shared (CGNAT) */
           (a >> 16) == (169u << 8 | 254) || /* link-local */
           (a >> 20) == (172u << 4 | 1) ||   /* 172.16/12 */
           (a >> 16) == (192u << 8 | 168) || /* 192.168/16 */
           (a >> 8) == (192u << 16) ||       /* 192.0.0/24 IETF protocol assignments */
           (a >> 17) == (198u << 7 | 9) ||   /* 198.18/15 benchmarking */
           (a >> 28) >= 14;                  /* multicast, reserved, broadcast */
}

static int v6_private(const unsigned char *b)
{
    static const unsigned char zero[16];
    if (memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1)) /* :: and ::1 */
        return 1;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* fe80::/10 link-local */
        return 1;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) /* fec0::/10 site-local (deprecated) */
        return 1;
    if ((b[0] & 0xfe) == 0xfc) /* fc00::/7 unique local */
        return 1;
    if (b[0] == 0xff) /* multicast */
        return 1;
    /* an IPv4 address inside: mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96 */
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b};
    if (memcmp(b, mapped, 12) == 0 || memcmp(b, zero, 12) == 0 || memcmp(b, nat64, 12) == 0)
        return v4_private((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 |
                          b[15]);
    return 0;
}

int webhook_addr_private(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return v4_private(ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr));
    if (sa->sa_family == AF_INET6)
        return v6_private(((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr);
    return 1; /* anything else (a Unix socket) is not a public web address */
}

/* A host as written in a URL: localhost, or an address literal (IPv4 in any spelling inet_aton
 * takes: 127.1, 0x7f000001, 2130706433, 017700000001; [IPv6]) that is private. A name is
 * checked when it is resolved, at delivery. */
static int host_private(const char *host)
{
    char h[256];
    size_t n = strlen(host);
    if (n == 0 || n >= sizeof(h))
        return 1;
    memcpy(h, host, n + 1);
    while (n > 0 && h[n - 1] == '.') /* "localhost." is localhost */
        h[--n] = '\0';
    if (strcasecmp(h, "localhost") == 0 || (n > 10 && strcasecmp(h + n - 10, ".localhost") == 0))
        return 1;
    if (h[0] == '[') {
        struct sockaddr_in6 s6 = {.sin6_family = AF_INET6};
        char *close = strchr(h, ']');
        char *pct = strchr(h, '%'); /* a zone id: fe80::1%eth0 */
        if (close == NULL)
            return 1;
        *(pct != NULL && pct < close ? pct : close) = '\0';
        if (inet_pton(AF_INET6, h + 1, &s6.sin6_addr) != 1)
            return 1;
        return webhook_addr_private((struct sockaddr *)&s6);
    }
    struct sockaddr_in s4 = {.sin_family = AF_INET};
    if (inet_aton(h, &s4.sin_addr) != 0)
        return webhook_addr_private((struct sockaddr *)&s4);
    return 0;
}

/* ---- subscriptions ---- */

int webhook_url_check(const char *url, struct err *e)
{
    if (url == NULL || url[0] == '\0')
        return err_set(e, ERR_INVALID, "url", "'url' is required");
    if (strlen(url) > WEBHOOK_URL_MAX)
        return err_set(e, ERR_INVALID, "url", "'url' has at most %d characters", WEBHOOK_URL_MAX);
    for (const char *p = url; *p; p++) {
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
            return err_set(e, ERR_INVALID, "url",
                           "'url' is ASCII without spaces (percent-encode the rest)");
    }
    if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
        return err_set(e, ERR_INVALID, "url", "'url' must start with http:// or https://");
    const char *rest = strstr(url, "://") + 3;
    if (*rest == '\0' || *rest == '/') /* libcurl would read "http:///x" as host x */
        return err_set(e, ERR_INVALID, "url", "'url' has no host");
    CURLU *h = curl_url();
    char *host = NULL, *user = NULL, *pw = NULL;
    int ok = h != NULL && curl_url_set(h, CURLUPART_URL, url, 0) == CURLUE_OK &&
             curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK && host != NULL &&
             host[0] != '\0';
    int creds = ok && (curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_OK ||
                       curl_url_get(h, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK);
    /* the host as written too: the parser may have normalised "127.1" already, or not */
    int priv = ok && !webhook_allow_private() && host_private(host);
    curl_free(host);
    curl_free(user);
    curl_free(pw);
    curl_url_cleanup(h);
    if (!ok)
        return err_set(e, ERR_INVALID, "url", "'url' is not a valid URL with a host");
    size_t authority = strcspn(rest, "/?#");
    if (creds || memchr(rest, '@', authority) != NULL)
        return err_set(e, ERR_INVALID, "url",
                       "'url' has no user name or password (sign with the secret instead)");
    if (priv)
        return err_set(e, ERR_INVALID, "url",
                       "'url' is a loopback, private or link-local address, which webhooks may "
                       "not reach (the setting webhook_allow_private allows it)");
    return ERR_OK;
}

int webhook_secret_check(const char *secret, struct err *e)
{
    size_t n = strlen(secret);
    if (n < WEBHOOK_SECRET_MIN || n > WEBHOOK_SECRET_MAX)
        return err_set(e, ERR_INVALID, "secret", "'secret' has %d to %d characters",
                       WEBHOOK_SECRET_MIN, WEBHOOK_SECRET_MAX);
    for (const char *p = secret; *p; p++) {
        if (*p < 0x21 || *p > 0x7e)
            return err_set(e, ERR_INVALID, "secret", "'secret' is printable ASCII");
    }
    return ERR_OK;
}

void webhook_secret_new(char out[48])
{
    token_new(out);
}

int webhook_insert(struct db *db, const char *url, const char *secret, int64_t now, int64_t *id,
                   struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc = db_query(db, &a, &r, e,
                      "INSERT INTO webhooks (url, secret, active, created_at) VALUES (?, ?, 1, ?) "
                      "RETURNING id",
                      DB_ARGS(DBS(url), DBS(secret), DBI(now)));
    if (rc == ERR_OK)
        *id = dbrows_int(&r, 0, 0);
    arena_free(&a);
    return rc;
}

int webhook_delete(struct db *db, int64_t id, struct err *e)
{
    int rc = db_exec(db, e,
                     "DELETE FROM outbox WHERE webhook_id IN (SELECT id FROM webhooks WHERE id = ? "
                     "AND kind = 'signed')",
                     DB_ARGS(DBI(id)));
    if (rc < 0)
        return rc;
    rc = db_exec(db, e, "DELETE FROM webhooks WHERE id = ? AND kind = 'signed'", DB_ARGS(DBI(id)));
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "id", "no webhook %lld", (long long)id);
    return rc < 0 ? rc : ERR_OK;
}

/* An instant as the API shows it, or JSON null for a NULL column. */
static json_t *when_json(const char *v)
{
    char buf[32];
    if (v == NULL)
        return json_null();
    time_iso_cst((time_t)strtoll(v, NULL, 10), buf);
    return json_string(buf);
}

int webhook_list_json(struct db *db, struct arena *a, json_t **out, struct err *e)
{
    struct dbrows r;
    int rc =
        db_query(db, a, &r, e,
                 "SELECT w.id, w.url, w.active, w.created_at, (SELECT count(*) FROM outbox o "
                 "WHERE o.webhook_id = w.id AND o.delivered_at IS NULL AND o.dead_at IS NULL), "
                 "(SELECT count(*) FROM outbox o WHERE o.webhook_id = w.id AND "
                 "o.delivered_at IS NULL AND o.attempts > 0), (SELECT max(o.delivered_at) "
                 "FROM outbox o WHERE o.webhook_id = w.id) FROM webhooks w WHERE w.kind = "
                 "'signed' ORDER BY w.id",
                 DB_NOARGS);
    if (rc != ERR_OK)
        return rc;
    json_t *items = json_array();
    for (int i = 0; i < r.nrows; i++)
        json_array_append_new(
            items,
            json_pack("{s:I, s:s, s:b, s:o, s:I, s:I, s:o}", "id", (json_int_t)dbrows_int(&r, i, 0),
                      "url", dbrows_get(&r, i, 1), "active", (int)dbrows_int(&r, i, 2),
                      "created_at", when_json(dbrows_get(&r, i, 3)), "pending",
                      (json_int_t)dbrows_int(&r, i, 4), "failing", (json_int_t)dbrows_int(&r, i, 5),
                      "last_delivered_at", when_json(dbrows_get(&r, i, 6))));
    *out = json_pack("{s:o}", "items", items);
    return ERR_OK;
}

static json_t *outbox_rows_json(const struct dbrows *r)
{
    json_t *items = json_array();
    for (int i = 0; i < r->nrows; i++)
        json_array_append_new(
            items,
            json_pack("{s:I, s:I, s:I, s:s, s:I, s:o, s:o, s:o, s:s, s:o, s:s}", "id",
                      (json_int_t)dbrows_int(r, i, 0), "webhook_id",
                      (json_int_t)dbrows_int(r, i, 1), "case_id", (json_int_t)dbrows_int(r, i, 2),
                      "event", dbrows_get(r, i, 3), "attempts", (json_int_t)dbrows_int(r, i, 4),
                      "created_at", when_json(dbrows_get(r, i, 5)), "next_at",
                      when_json(dbrows_get(r, i, 6)), "delivered_at",
                      when_json(dbrows_get(r, i, 7)), "last_error", dbrows_get(r, i, 8), "dead_at",
                      when_json(dbrows_get(r, i, 9)), "kind",
                      dbrows_get(r, i, 10) ? dbrows_get(r, i, 10) : "signed"));
    return items;
}

#define OUTBOX_COLS                                                                                \
    "SELECT id, webhook_id, case_id, event, attempts, created_at, next_at, delivered_at, "         \
    "last_error, dead_at, (SELECT kind FROM webhooks w WHERE w.id = webhook_id) FROM outbox "

int webhook_outbox_json(struct db *db, struct arena *a, int64_t now, int pending_only, json_t **out,
                        struct err *e)
{
    struct dbrows c, l, errs, items;
    const char *lease = "webhooks";
    int rc = db_query(db, a, &c, e,
                      "SELECT coalesce(sum(CASE WHEN delivered_at IS NULL AND dead_at IS NULL "
                      "THEN 1 ELSE 0 END), 0), coalesce(sum(CASE WHEN delivered_at IS NULL AND "
                      "dead_at IS NULL AND next_at <= ? THEN 1 ELSE 0 END), 0), "
                      "coalesce(sum(CASE WHEN delivered_at IS NULL AND dead_at IS NULL AND "
                      "attempts > 0 THEN 1 ELSE 0 END), 0), coalesce(sum(CASE WHEN delivered_at "
                      "IS NOT NULL THEN 1 ELSE 0 END), 0), min(CASE WHEN delivered_at IS NULL "
                      "AND dead_at IS NULL THEN created_at END), coalesce(sum(CASE WHEN "
                      "delivered_at IS NULL AND dead_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM "
                      "outbox",
                      DB_ARGS(DBI(now)));
    if (rc != ERR_OK ||
        (rc = db_query(db, a, &l, e, "SELECT holder, expires_at FROM leases WHERE name = ?",
                       DB_ARGS(DBS(lease)))) != ERR_OK ||
        (rc = db_query(db, a, &errs, e,
                       OUTBOX_COLS "WHERE delivered_at IS NULL AND dead_at IS NULL AND attempts "
                                   "> 0 ORDER BY id DESC LIMIT 10",
                       DB_NOARGS)) != ERR_OK)
        return rc;
    if (pending_only == 2)
        rc = db_query(db, a, &items, e,
                      OUTBOX_COLS "WHERE delivered_at IS NULL AND dead_at IS NOT NULL ORDER BY id "
                                  "DESC LIMIT 50",
                      DB_NOARGS);
    else if (pending_only)
        rc = db_query(db, a, &items, e,
                      OUTBOX_COLS "WHERE delivered_at IS NULL AND dead_at IS NULL ORDER BY id "
                                  "LIMIT 50",
                      DB_NOARGS);
    else
        rc = db_query(db, a, &items, e, OUTBOX_COLS "ORDER BY id DESC LIMIT 50", DB_NOARGS);
    if (rc != ERR_OK)
        return rc;
    json_t *worker = json_null();
    if (l.nrows == 1)
        worker = json_pack("{s:s, s:o, s:b}", "holder", dbrows_get(&l, 0, 0), "expires_at",
                           when_json(dbrows_get(&l, 0, 1)), "active", dbrows_int(&l, 0, 1) >= now);
    *out = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}", "dead", (json_int_t)dbrows_int(&c, 0, 5),
        "pending", (json_int_t)dbrows_int(&c, 0, 0), "due", (json_int_t)dbrows_int(&c, 0, 1),
        "failing", (json_int_t)dbrows_int(&c, 0, 2), "delivered", (json_int_t)dbrows_int(&c, 0, 3),
        "oldest_pending_at", when_json(dbrows_get(&c, 0, 4)), "worker", worker, "last_errors",
        outbox_rows_json(&errs), "items", outbox_rows_json(&items));
    return ERR_OK;
}

/* ---- signing and backoff ---- */

void webhook_sign(const char *secret, const void *body, size_t n,
                  char out[WEBHOOK_SIGNATURE_LEN + 1])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    /* any key length: HMAC as in RFC 2104, what receivers compute with the secret's bytes */
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, body, n);
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, 65, mac, sizeof(mac));
}

int64_t webhook_backoff(int64_t attempts)
{
    if (attempts < 0)
        attempts = 0;
    if (attempts >= 9) /* 10 s << 9 already passes the cap */
        return WEBHOOK_BACKOFF_MAX;
    int64_t d = (int64_t)WEBHOOK_BACKOFF_BASE << attempts;
    return d > WEBHOOK_BACKOFF_MAX ? WEBHOOK_BACKOFF_MAX : d;
}

/* ---- selection ---- */

int webhook_due(struct db *db, struct arena *a, int64_t now, int limit, struct outbox_item **out,
                int *n, struct err *e)
{
    struct dbrows r;
    /* An earlier undelivered row of the same case and webhook is either due too (then it has a
     * smaller id and comes first in this list, within the limit) or waits for its retry (then
     * this row waits as well). */
    int rc = db_query(db, a, &r, e,
                      "SELECT o.id, o.webhook_id, o.case_id, o.attempts, o.event, o.payload, "
                      "w.url, w.secret, w.kind FROM outbox o JOIN webhooks w ON w.id = "
                      "o.webhook_id WHERE o.delivered_at IS NULL AND o.dead_at IS NULL AND "
                      "o.next_at <= ? AND w.active = 1 AND NOT EXISTS (SELECT 1 FROM outbox p "
                      "WHERE p.webhook_id = o.webhook_id AND p.case_id = o.case_id AND p.id < "
                      "o.id AND p.delivered_at IS NULL AND p.dead_at IS NULL AND p.next_at > ?) "
                      "ORDER BY o.id LIMIT ?",
                      DB_ARGS(DBI(now), DBI(now), DBI(limit)));
    if (rc != ERR_OK)
        return rc;
    struct outbox_item *items =
        arena_alloc(a, sizeof(*items) * (size_t)(r.nrows > 0 ? r.nrows : 1));
    for (int i = 0; i < r.nrows; i++) {
        items[i].id = dbrows_int(&r, i, 0);
        items[i].webhook_id = dbrows_int(&r, i, 1);
        items[i].case_id = dbrows_int(&r, i, 2);
        items[i].attempts = dbrows_int(&r, i, 3);
        items[i].event = dbrows_get(&r, i, 4);
        items[i].payload = dbrows_get(&r, i, 5);
        items[i].url = dbrows_get(&r, i, 6);
        items[i].secret = dbrows_get(&r, i, 7);
        int k = wh_kind_from_name(dbrows_get(&r, i, 8));
        items[i].kind = k < 0 ? WH_SIGNED : k;
    }
    *out = items;
    *n = r.nrows;
    return ERR_OK;
}

/* ---- delivery ---- */

/* The first KiB of the answer: a robot says in it whether it took the message. */
struct answer {
    char buf[1024];
    size_t n;
};

static size_t keep_answer(char *p, size_t size, size_t nmemb, void *ud)
{
    struct answer *b = ud;
    size_t k = size * nmemb, room = sizeof(b->buf) - 1 - b->n;
    size_t c = k < room ? k : room;
    memcpy(b->buf + b->n, p, c);
    b->n += c;
    b->buf[b->n] = '\0';
    return k;
}

static int abort_if_stopping(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                             curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return backoffice_stopping(ud);
}

/* Every connection libcurl opens goes through here, after name resolution: an address
 * webhooks must not reach is refused, whatever the name resolved to this time (DNS
 * rebinding). */
struct sock_guard {
    int refused;
};

static curl_socket_t open_public_socket(void *ud, curlsocktype purpose,
                                        struct curl_sockaddr *address)
{
    struct sock_guard *g = ud;
    (void)purpose;
    if (!webhook_allow_private() && webhook_addr_private(&address->addr)) {
        g->refused = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

/* last_error holds a class, never a message that could carry what the target said or where
 * it is: the details go to the debug log. */
static const char *curl_class(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return "resolve failed";
    case CURLE_COULDNT_CONNECT:
        return "connect failed";
    case CURLE_OPERATION_TIMEDOUT:
        return "timeout";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return "tls failed";
    default:
        return "transfer failed";
    }
}

static long long robot_errcode(const char *body)
{
    json_t *j = json_loads(body, 0, NULL);
    long long c = json_integer_value(json_object_get(j, "errcode"));
    json_decref(j);
    return c;
}

/* POST it on h (reset first, so one handle's connections serve a whole pass). */
static int post(CURL *h, const struct outbox_item *it, struct backoffice *bo, char *err,
                size_t errlen)
{
    char ebuf[CURL_ERROR_SIZE] = "";
    char sig[WEBHOOK_SIGNATURE_LEN + 1];
    char line[160], url[WEBHOOK_URL_MAX + 160];
    struct answer ans = {.n = 0};
    int robot = it->kind == WH_DINGTALK || it->kind == WH_WECOM;
    struct curl_slist *hs = NULL, *t;
    size_t n = strlen(it->payload);
    int result = 0;
    long status = 0;
    struct sock_guard guard = {0};

    snprintf(url, sizeof(url), "%s", it->url);
    if (it->kind == WH_DINGTALK && it->secret[0] != '\0') {
        /* the signed mode: timestamp and sign in the query, made now (valid for an hour) */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        if (notify_dingtalk_url(it->url, it->secret,
                                (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, url,
                                sizeof(url)) != 0) {
            snprintf(err, errlen, "url too long");
            return 0;
        }
    }
    webhook_sign(it->secret, it->payload, n, sig);
    static const char *const fixed[] = {"Content-Type: application/json", "Expect:"};
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++) {
        if ((t = curl_slist_append(hs, fixed[i])) == NULL)
            goto nomem;
        hs = t;
    }
    snprintf(line, sizeof(line), "X-Gridgov-Event: %.100s", it->event);
    if ((t = curl_slist_append(hs, line)) == NULL)
        goto nomem;
    hs = t;
    snprintf(line, sizeof(line), "X-Gridgov-Delivery: %lld", (long long)it->id);
    if ((t = curl_slist_append(hs, line)) == NULL)
        goto nomem;
    hs = t;
    if (!robot && it->secret[0] != '\0') { /* gridgov's own JSON, signed with the secret */
        snprintf(line, sizeof(line), "X-Gridgov-Signature: %s", sig);
        if ((t = curl_slist_append(hs, line)) == NULL)
            goto nomem;
        hs = t;
    }

    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, it->payload);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)n);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "gridgov/" GRIDGOV_VERSION);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)WEBHOOK_CONNECT_TIMEOUT);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)WEBHOOK_TIMEOUT);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_answer);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &ans);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    /* connect directly, so the address checked is the receiver's, not a proxy's */
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_public_socket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &guard);
    if (bo != NULL) {
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, abort_if_stopping);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, bo);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    }
    CURLcode cc = curl_easy_perform(h);
    if (cc == CURLE_ABORTED_BY_CALLBACK) {
        snprintf(err, errlen, "stopped");
        result = -1;
    } else if (guard.refused) {
        snprintf(err, errlen, "refused: private address");
    } else if (cc != CURLE_OK) {
        snprintf(err, errlen, "%s", curl_class(cc));
        log_debug("webhooks: outbox row %lld: %s", (long long)it->id,
                  ebuf[0] ? ebuf : curl_easy_strerror(cc));
    } else {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status <= 299 && (!robot || notify_robot_ok(ans.buf)))
            result = 1;
        else if (status >= 200 && status <= 299) /* a robot answers 200 {"errcode":N,...} */
            snprintf(err, errlen, "robot errcode %lld", robot_errcode(ans.buf));
        else
            snprintf(err, errlen, "http %ldxx", status >= 100 && status <= 599 ? status / 100 : 0);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hs);
    return result;
nomem:
    curl_slist_free_all(hs);
    snprintf(err, errlen, "out of memory");
    return 0;
}

int webhook_post(const struct outbox_item *it, struct backoffice *bo, char *err, size_t errlen)
{
    CURL *h = curl_easy_init();
    if (h == NULL) {
        snprintf(err, errlen, "cannot start libcurl");
        return 0;
    }
    int rc = post(h, it, bo, err, errlen);
    curl_easy_cleanup(h);
    return rc;
}

struct mark_ctx {
    int64_t id, at, next_at;
    int ok, dead;
    const char *error;
};

static int mark_fn(struct db *db, void *arg, struct err *e)
{
    struct mark_ctx *m = arg;
    int rc;
    if (m->ok)
        rc = db_exec(db, e,
                     "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ? AND "
                     "delivered_at IS NULL",
                     DB_ARGS(DBI(m->at), DBI(m->id)));
    else
        rc = db_exec(
            db, e,
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_at = ?, "
            "dead_at = ? WHERE id = ? AND delivered_at IS NULL",
            DB_ARGS(DBS(m->error), DBI(m->next_at), m->dead ? DBI(m->at) : DBNULL, DBI(m->id)));
    return rc < 0 ? rc : ERR_OK;
}

int webhook_run_once(struct store *s, int64_t now, struct backoffice *bo,
                     struct webhook_report *out, struct err *e)
{
    struct arena a;
    struct outbox_item *items;
    int n, rc;
    struct {
        int64_t webhook_id, case_id;
    } failed[WEBHOOK_BATCH];
    int nfailed = 0;

    memset(out, 0, sizeof(*out));
    arena_init(&a, 0);
    pthread_mutex_lock(&pass_mu); /* the worker and POST /outbox/run: one pass at a time */
    struct db *db = store_acquire(s);
    rc = webhook_due(db, &a, now, WEBHOOK_BATCH, &items, &n, e);
    store_release(s, db);
    if (rc != ERR_OK || n == 0) {
        pthread_mutex_unlock(&pass_mu);
        arena_free(&a);
        return rc;
    }
    CURL *h = curl_easy_init();
    if (h == NULL) {
        pthread_mutex_unlock(&pass_mu);
        arena_free(&a);
        return err_set(e, ERR_INTERNAL, NULL, "cannot start libcurl");
    }
    for (int i = 0; i < n; i++) {
        const struct outbox_item *it = &items[i];
        int blocked = 0;
        for (int k = 0; k < nfailed && !blocked; k++)
            blocked = failed[k].webhook_id == it->webhook_id && failed[k].case_id == it->case_id;
        if (blocked) {
            out->deferred++;
            continue;
        }
        /* never send without the lease: it must outlast this request */
        if (backoffice_stopping(bo) || (bo != NULL && !backoffice_hold(bo, WEBHOOK_TIMEOUT + 5)))
            break;
        char error[CURL_ERROR_SIZE + 16] = "";
        int ok = post(h, it, bo, error, sizeof(error));
        if (ok < 0)
            break;
        int64_t t = time(NULL);
        struct mark_ctx m = {.id = it->id, .at = t > now ? t : now, .ok = ok, .error = error};
        m.next_at = m.at + webhook_backoff(it->attempts);
        m.dead = !ok && it->attempts + 1 >= atomic_load(&max_attempts);
        if (ok) {
            out->delivered++;
            log_debug("webhooks: delivered outbox row %lld (case %lld, %s) to webhook %lld",
                      (long long)it->id, (long long)it->case_id, it->event,
                      (long long)it->webhook_id);
        } else {
            out->failed++;
            failed[nfailed].webhook_id = it->webhook_id;
            failed[nfailed++].case_id = it->case_id;
            if (m.dead) {
                out->dead++;
                log_warn("webhooks: outbox row %lld (case %lld, %s) to webhook %lld failed "
                         "%lld times (%s): a dead letter now",
                         (long long)it->id, (long long)it->case_id, it->event,
                         (long long)it->webhook_id, (long long)it->attempts + 1, error);
            } else
                log_warn(
                    "webhooks: outbox row %lld (case %lld, %s) to webhook %lld failed (attempt "
                    "%lld): %s; retrying in %lld s",
                    (long long)it->id, (long long)it->case_id, it->event, (long long)it->webhook_id,
                    (long long)it->attempts + 1, error, (long long)(m.next_at - m.at));
        }
        struct err me = {0};
        if (store_write(s, mark_fn, &m, &me) != ERR_OK) {
            /* the row will be sent again: at least once */
            log_warn("webhooks: cannot record outbox row %lld: %s", (long long)it->id, me.msg);
            rc = err_set(e, me.code, me.field, "%s", me.msg);
            break;
        }
    }
    curl_easy_cleanup(h);
    pthread_mutex_unlock(&pass_mu);
    arena_free(&a);
    return rc;
}

/* ---- by hand: a pass now, and dead letters back into the queue ---- */

static atomic_int local_worker;

int webhook_run_now(struct store *s, struct webhook_report *out, struct err *e)
{
    char holder[LEASE_HOLDER_MAX];
    int64_t now = time(NULL);
    lease_holder_self(holder);
    int got = lease_take(s, "webhooks", holder, now, WEBHOOK_LEASE_TTL, e);
    if (got < 0)
        return got;
    if (got == 0)
        return err_set(e, ERR_CONFLICT, NULL,
                       "另一台服务器持有发送租约（webhooks），由它发送；请稍后再试");
    curl_global_init(CURL_GLOBAL_DEFAULT); /* counted, thread-safe since libcurl 7.84 */
    int rc = webhook_run_once(s, now, NULL, out, e);
    curl_global_cleanup();
    if (!atomic_load(&local_worker)) {
        struct err e2 = {0};
        lease_release(s, "webhooks", holder, &e2);
    }
    return rc;
}

int webhook_outbox_retry(struct db *db, int64_t id, int64_t now, struct err *e)
{
    struct arena a;
    struct dbrows r;
    int rc = db_exec(db, e,
                     "UPDATE outbox SET dead_at = NULL, attempts = 0, last_error = '', next_at = ? "
                     "WHERE id = ? AND dead_at IS NOT NULL AND delivered_at IS NULL",
                     DB_ARGS(DBI(now), DBI(id)));
    if (rc != 0)
        return rc < 0 ? rc : ERR_OK;
    arena_init(&a, 0);
    rc = db_query(db, &a, &r, e, "SELECT count(*) FROM outbox WHERE id = ?", DB_ARGS(DBI(id)));
    if (rc == ERR_OK)
        rc = dbrows_int(&r, 0, 0) == 0
                 ? err_set(e, ERR_NOT_FOUND, "id", "没有编号为 %lld 的待发消息", (long long)id)
                 : err_set(e, ERR_CONFLICT, "id", "消息 %lld 不在死信列表中", (long long)id);
    arena_free(&a);
    return rc;
}

/* ---- the worker thread ---- */

struct prune_ctx {
    int64_t before;
    int deleted;
};

static int prune_fn(struct db *db, void *arg, struct err *e)
{
    struct prune_ctx *p = arg;
    int rc = db_exec(db, e,
                     "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE delivered_at < "
                     "? ORDER BY id LIMIT 1000)",
                     DB_ARGS(DBI(p->before)));
    if (rc < 0)
        return rc;
    p->deleted = rc;
    return ERR_OK;
}

static void webhook_job(struct store *s, struct backoffice *bo, void *ctx)
{
    static int64_t last_prune; /* one worker per process; only its thread touches this */
    struct webhook_report r;
    struct err e = {0};
    int64_t now = time(NULL);
    (void)ctx;
    if (webhook_run_once(s, now, bo, &r, &e) != ERR_OK)
        log_warn("webhooks: %s", e.msg);
    if (now - last_prune < 3600 || backoffice_stopping(bo))
        return;
    last_prune = now;
    struct prune_ctx p = {.before = now - WEBHOOK_KEEP_DAYS * 86400};
    int rc = ERR_OK;
    do {
        p.deleted = 0;
        rc = store_write(s, prune_fn, &p, &e);
    } while (rc == ERR_OK && p.deleted == 1000 && !backoffice_stopping(bo));
    if (rc != ERR_OK)
        log_warn("webhooks: cannot prune delivered outbox rows: %s", e.msg);
}

struct backoffice *webhook_worker_start(struct store *s)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct backoffice *bo =
        backoffice_start(s, "webhooks", WEBHOOK_POLL_MS, WEBHOOK_LEASE_TTL, webhook_job, NULL);
    if (bo == NULL)
        curl_global_cleanup();
    atomic_store(&local_worker, bo != NULL);
    return bo;
}

void webhook_worker_stop(struct backoffice *bo)
{
    if (bo == NULL)
        return;
    backoffice_stop(bo);
    atomic_store(&local_worker, 0);
    curl_global_cleanup();
}
