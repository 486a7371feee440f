/* test_webhook.c - outgoing webhooks (src/domain/webhook.c) and the leases they run under
 * (src/domain/scheduler.c): the HMAC signature against RFC 4231, the backoff schedule, URL and
 * secret checks, the in-order selection of due outbox rows, delivery end to end to a small HTTP
 * receiver on 127.0.0.1 (signature, headers, rows marked delivered), retries after a 500 or a
 * refused connection, leases across instances, and the worker thread started and stopped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "domain/scheduler.h"
#include "domain/webhook.h"
#include "testdb.h"

/* ---- pure functions ---- */

static void test_sign_rfc4231(void **state)
{
    char sig[WEBHOOK_SIGNATURE_LEN + 1];
    char key1[21], key6[132];
    (void)state;
    /* RFC 4231 test case 2: a short key */
    const char *data = "what do ya want for nothing?";
    webhook_sign("Jefe", data, strlen(data), sig);
    assert_string_equal(sig,
                        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    /* test case 1: 20 bytes of 0x0b */
    memset(key1, 0x0b, 20);
    key1[20] = '\0';
    webhook_sign(key1, "Hi There", 8, sig);
    assert_string_equal(sig,
                        "sha256=b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    /* test case 6: a key longer than the block size is hashed first */
    memset(key6, 0xaa, 131);
    key6[131] = '\0';
    data = "Test Using Larger Than Block-Size Key - Hash Key First";
    webhook_sign(key6, data, strlen(data), sig);
    assert_string_equal(sig,
                        "sha256=60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    assert_int_equal(strlen(sig), WEBHOOK_SIGNATURE_LEN);
}

static void test_backoff(void **state)
{
    (void)state;
    assert_int_equal(webhook_backoff(0), 10); /* after the first failure */
    assert_int_equal(webhook_backoff(1), 20);
    assert_int_equal(webhook_backoff(2), 40);
    assert_int_equal(webhook_backoff(5), 320);
    assert_int_equal(webhook_backoff(8), 2560);
    assert_int_equal(webhook_backoff(9), 3600); /* 5120 capped at an hour */
    assert_int_equal(webhook_backoff(62), 3600);
    assert_int_equal(webhook_backoff(INT64_MAX), 3600);
    assert_int_equal(webhook_backoff(-1), 10);
    for (int64_t a = 0; a < 20; a++)
        assert_true(webhook_backoff(a + 1) >= webhook_backoff(a));
}

static void expect_url(const char *url, int ok)
{
    struct err e = {0};
    int rc = webhook_url_check(url, &e);
    if (ok && rc != ERR_OK)
        fail_msg("%s refused: %s", url, e.msg);
    if (!ok) {
        if (rc != ERR_INVALID)
            fail_msg("%s accepted", url);
        assert_string_equal(e.field, "url");
    }
}

static void test_url_and_secret_check(void **state)
{
    struct err e = {0};
    char long_url[600];
    (void)state;
    webhook_set_allow_private(0);
    expect_url("https://hooks.example.com/gridgov", 1);
    expect_url("https://hooks.example.com/in?from=gridgov@example.com", 1); /* '@' in the query */
    expect_url("http://8.8.8.8/in", 1);
    expect_url("http://[2001:db8::1]/in", 1);
    expect_url("HTTPS://EXAMPLE.COM", 1);
    /* private targets, in every spelling (issue 13, item 15) */
    static const char *const private[] = {"http://127.0.0.1:8080/in?x=1",
                                          "http://127.1/",
                                          "http://0x7f000001/",
                                          "http://2130706433/",
                                          "http://017700000001/",
                                          "http://0177.0.0.1/",
                                          "http://0/",
                                          "http://0.0.0.0:80/",
                                          "http://10.1.2.3/",
                                          "http://172.16.0.1/",
                                          "http://172.31.255.255/",
                                          "http://192.168.1.1/",
                                          "http://169.254.169.254/latest/meta-data",
                                          "http://100.64.0.1/",
                                          "http://255.255.255.255/",
                                          "http://[::1]:9000/hook",
                                          "http://[::]/",
                                          "http://[fe80::1]/",
                                          "http://[fe80::1%25eth0]/",
                                          "http://[fc00::1]/",
                                          "http://[fd12:3456::1]/",
                                          "http://[::ffff:127.0.0.1]/",
                                          "http://[::ffff:7f00:1]/",
                                          "http://[::ffff:10.0.0.1]/",
                                          "http://localhost/",
                                          "http://LOCALHOST:8080/",
                                          "http://localhost./",
                                          "http://api.localhost/",
                                          "https://user:pass@hooks.example.com/",
                                          "https://user@hooks.example.com/",
                                          "https://hooks.example.com@127.0.0.1/"};
    for (size_t i = 0; i < sizeof(private) / sizeof(private[0]); i++)
        expect_url(private[i], 0);
    /* the setting lets a test or a closed network reach them, never with credentials */
    webhook_set_allow_private(1);
    expect_url("http://127.0.0.1:8080/in?x=1", 1);
    expect_url("http://[::1]:9000/hook", 1);
    expect_url("http://localhost/", 1);
    expect_url("https://user:pass@hooks.example.com/", 0);
    webhook_set_allow_private(0);
    expect_url("", 0);
    expect_url(NULL, 0);
    expect_url("ftp://example.com/", 0);
    expect_url("file:///etc/passwd", 0);
    expect_url("javascript:alert(1)", 0);
    expect_url("example.com/hook", 0);
    expect_url("http://", 0);
    expect_url("http:///path", 0);
    expect_url("https://exa mple.com/", 0);
    expect_url("https://example.com/\n", 0);
    expect_url("https://例子.中国/", 0);
    snprintf(long_url, sizeof(long_url), "https://example.com/%0480d", 0);
    assert_int_equal(strlen(long_url), 500);
    expect_url(long_url, 1);
    strcat(long_url, "1");
    expect_url(long_url, 0);

    assert_int_equal(webhook_secret_check("0123456789abcdef", &e), ERR_OK);
    assert_int_equal(webhook_secret_check("short", &e), ERR_INVALID);
    assert_string_equal(e.field, "secret");
    assert_int_equal(webhook_secret_check("0123456789 abcdef", &e), ERR_INVALID);
    char fresh[48];
    webhook_secret_new(fresh);
    assert_int_equal(strlen(fresh), 43);
    assert_int_equal(webhook_secret_check(fresh, &e), ERR_OK);
}

/* ---- a temporary store ---- */

struct fixture {
    char dir[64];
    struct store *s;
};

static int store_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct err e = {0};
    webhook_set_allow_private(1); /* the receivers of these tests listen on 127.0.0.1 */
    char dsn[128];
    snprintf(f->dir, sizeof(f->dir), "/tmp/gridgov-test-webhook.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(dsn, sizeof(dsn), "sqlite:%s/t.db", f->dir);
    struct store_config cfg = {.dsn = dsn, .readers = 3};
    if ((f->s = store_open(&cfg, &e)) == NULL) {
        fprintf(stderr, "store_open: %s\n", e.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int store_teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    store_close(f->s);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", f->dir);
    free(f);
    return 0;
}

struct hook_ctx {
    const char *url, *secret;
    int64_t id;
};

static int hook_fn(struct db *db, void *arg, struct err *e)
{
    struct hook_ctx *h = arg;
    return webhook_insert(db, h->url, h->secret, time(NULL), &h->id, e);
}

static int64_t add_hook(struct store *s, const char *url, const char *secret)
{
    struct err e = {0};
    struct hook_ctx h = {url, secret, 0};
    if (store_write(s, hook_fn, &h, &e) != ERR_OK)
        fail_msg("webhook_insert: %s", e.msg);
    return h.id;
}

/* An outbox row as case_timeline_append writes it. */
static void add_row(struct store *s, int64_t id, int64_t hook, int64_t case_id, const char *event,
                    int64_t next_at, int64_t attempts, int delivered)
{
    sql(s,
        "INSERT INTO outbox (id, case_id, webhook_id, event, payload, created_at, attempts, "
        "next_at, delivered_at) VALUES (%lld, %lld, %lld, '%s', '{\"event\":\"%s\",\"case_id\":"
        "%lld,\"seq\":%lld}', %lld, %lld, %lld, %s)",
        (long long)id, (long long)case_id, (long long)hook, event, event, (long long)case_id,
        (long long)id, (long long)next_at, (long long)attempts, (long long)next_at,
        delivered ? "1" : "NULL");
}

static void test_due_in_order(void **state)
{
    struct fixture *f = *state;
    struct arena a;
    struct err e = {0};
    struct outbox_item *it;
    int n;
    int64_t now = 1800000000;
    int64_t wa = add_hook(f->s, "http://127.0.0.1:1/a", "secret-a-secret-a");
    int64_t wb = add_hook(f->s, "http://127.0.0.1:1/b", "secret-b-secret-b");
    int64_t wc = add_hook(f->s, "http://127.0.0.1:1/c", "secret-c-secret-c");
    sql(f->s, "UPDATE webhooks SET active = 0 WHERE id = %lld", (long long)wc);

    add_row(f->s, 1, wa, 1, "submit", now - 10, 2, 0);  /* due retry */
    add_row(f->s, 2, wa, 1, "accept", now - 5, 0, 0);   /* due, after 1 */
    add_row(f->s, 3, wa, 2, "submit", now + 100, 1, 0); /* waits for its retry */
    add_row(f->s, 4, wa, 2, "accept", now - 1, 0, 0);   /* due, but behind 3 */
    add_row(f->s, 5, wb, 2, "submit", now, 0, 0);       /* same case, another webhook */
    add_row(f->s, 6, wa, 3, "submit", now - 50, 0, 1);  /* delivered */
    add_row(f->s, 7, wa, 3, "accept", now, 0, 0);       /* due: the earlier row is delivered */
    add_row(f->s, 8, wa, 2, "dispatch", now - 1, 0, 0); /* behind 3 as well */
    add_row(f->s, 9, wc, 4, "submit", now - 1, 0, 0);   /* inactive webhook */
    add_row(f->s, 10, wa, 5, "submit", now + 1, 0, 0);  /* not due yet */

    arena_init(&a, 0);
    struct db *db = store_acquire(f->s);
    assert_int_equal(webhook_due(db, &a, now, 50, &it, &n, &e), ERR_OK);
    int64_t want[] = {1, 2, 5, 7};
    assert_int_equal(n, 4);
    for (int i = 0; i < n; i++)
        assert_int_equal(it[i].id, want[i]);
    assert_int_equal(it[0].webhook_id, wa);
    assert_int_equal(it[0].case_id, 1);
    assert_int_equal(it[0].attempts, 2);
    assert_string_equal(it[0].event, "submit");
    assert_string_equal(it[0].url, "http://127.0.0.1:1/a");
    assert_string_equal(it[0].secret, "secret-a-secret-a");
    assert_string_equal(it[1].payload, "{\"event\":\"accept\",\"case_id\":1,\"seq\":2}");
    assert_int_equal(it[2].webhook_id, wb);

    /* the limit cuts from the end: a row never comes without the earlier rows of its case */
    assert_int_equal(webhook_due(db, &a, now, 1, &it, &n, &e), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(it[0].id, 1);

    /* once row 3 is due as well, 3, 4 and 8 come in order; once delivered, 10 joins later */
    assert_int_equal(webhook_due(db, &a, now + 100, 50, &it, &n, &e), ERR_OK);
    int64_t want2[] = {1, 2, 3, 4, 5, 7, 8, 10};
    assert_int_equal(n, 8);
    for (int i = 0; i < n; i++)
        assert_int_equal(it[i].id, want2[i]);
    store_release(f->s, db);
    arena_free(&a);
}

/* ---- a tiny HTTP receiver on 127.0.0.1 ---- */

#define MAX_HITS 32

struct hit {
    char event[64], delivery[32], signature[96], ctype[64];
    char body[1024];
};

struct receiver {
    int fd, port;
    atomic_int status, stop;
    pthread_t thread;
    pthread_mutex_t mu;
    struct hit hits[MAX_HITS];
    int nhits;
};

static void header_value(const char *head, const char *name, char *out, size_t n)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\r\n%s:", name);
    const char *p = strcasestr(head, pat);
    out[0] = '\0';
    if (p == NULL)
        return;
    p += strlen(pat);
    while (*p == ' ')
        p++;
    size_t k = strcspn(p, "\r\n");
    snprintf(out, n, "%.*s", (int)k, p);
}

static void serve_one(struct receiver *rv, int c)
{
    char buf[8192], len[16];
    size_t n = 0;
    char *end = NULL;
    struct timeval tv = {2, 0};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while (end == NULL && n < sizeof(buf) - 1) {
        ssize_t k = recv(c, buf + n, sizeof(buf) - 1 - n, 0);
        if (k <= 0)
            return;
        n += (size_t)k;
        buf[n] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    if (end == NULL)
        return;
    size_t head = (size_t)(end + 4 - buf);
    *end = '\0';
    header_value(buf, "Content-Length", len, sizeof(len));
    size_t want = head + (size_t)atol(len);
    while (n < want && n < sizeof(buf) - 1) {
        ssize_t k = recv(c, buf + n, sizeof(buf) - 1 - n, 0);
        if (k <= 0)
            return;
        n += (size_t)k;
    }
    buf[n] = '\0';
    pthread_mutex_lock(&rv->mu);
    if (rv->nhits < MAX_HITS) {
        struct hit *h = &rv->hits[rv->nhits++];
        header_value(buf, "X-Gridgov-Event", h->event, sizeof(h->event));
        header_value(buf, "X-Gridgov-Delivery", h->delivery, sizeof(h->delivery));
        header_value(buf, "X-Gridgov-Signature", h->signature, sizeof(h->signature));
        header_value(buf, "Content-Type", h->ctype, sizeof(h->ctype));
        snprintf(h->body, sizeof(h->body), "%s", buf + head);
    }
    pthread_mutex_unlock(&rv->mu);
    char reply[128];
    int m = snprintf(reply, sizeof(reply),
                     "HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                     atomic_load(&rv->status));
    if (send(c, reply, (size_t)m, MSG_NOSIGNAL) < 0)
        return;
}

static void *receiver_main(void *arg)
{
    struct receiver *rv = arg;
    while (!atomic_load(&rv->stop)) {
        struct pollfd p = {rv->fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int c = accept(rv->fd, NULL, NULL);
        if (c < 0)
            continue;
        serve_one(rv, c);
        close(c);
    }
    return NULL;
}

/* Listen on 127.0.0.1 at a free port; with start, answer every request with status. */
static int listen_any(int *port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    socklen_t sl = sizeof(sa);
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 16), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

static struct receiver *receiver_start(int status)
{
    struct receiver *rv = calloc(1, sizeof(*rv));
    rv->fd = listen_any(&rv->port);
    atomic_init(&rv->status, status);
    atomic_init(&rv->stop, 0);
    pthread_mutex_init(&rv->mu, NULL);
    assert_int_equal(pthread_create(&rv->thread, NULL, receiver_main, rv), 0);
    return rv;
}

static void receiver_stop(struct receiver *rv)
{
    atomic_store(&rv->stop, 1);
    pthread_join(rv->thread, NULL);
    close(rv->fd);
    pthread_mutex_destroy(&rv->mu);
    free(rv);
}

static int hits(struct receiver *rv)
{
    pthread_mutex_lock(&rv->mu);
    int n = rv->nhits;
    pthread_mutex_unlock(&rv->mu);
    return n;
}

static char *hook_url(struct receiver *rv, char *buf, size_t n)
{
    snprintf(buf, n, "http://127.0.0.1:%d/hook", rv->port);
    return buf;
}

/* What a receiver does: recompute the HMAC of the raw body with the shared secret. */
static void check_signature(const struct hit *h, const char *secret)
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES];
    size_t len = 0;
    assert_memory_equal(h->signature, "sha256=", 7);
    assert_int_equal(sodium_hex2bin(got, sizeof(got), h->signature + 7, strlen(h->signature + 7),
                                    NULL, &len, NULL),
                     0);
    assert_int_equal(len, sizeof(got));
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)h->body, strlen(h->body));
    crypto_auth_hmacsha256_final(&st, mac);
    assert_int_equal(sodium_memcmp(mac, got, sizeof(mac)), 0);
}

static void test_deliver_end_to_end(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct webhook_report r;
    char url[64];
    const char *secret = "s3cret-s3cret-s3cret";
    int64_t now = time(NULL);
    struct receiver *rv = receiver_start(200);
    int64_t w = add_hook(f->s, hook_url(rv, url, sizeof(url)), secret);

    add_row(f->s, 101, w, 10, "submit", now - 3, 0, 0);
    add_row(f->s, 102, w, 11, "submit", now - 2, 0, 0);
    add_row(f->s, 103, w, 10, "accept", now - 1, 0, 0);
    add_row(f->s, 104, w, 10, "dispatch", now, 0, 0);
    assert_int_equal(webhook_run_once(f->s, now, NULL, &r, &e), ERR_OK);
    assert_int_equal(r.delivered, 4);
    assert_int_equal(r.failed, 0);
    assert_int_equal(hits(rv), 4);

    const char *events[] = {"submit", "submit", "accept", "dispatch"};
    for (int i = 0; i < 4; i++) {
        const struct hit *h = &rv->hits[i];
        char id[16], *payload;
        snprintf(id, sizeof(id), "%d", 101 + i);
        assert_string_equal(h->event, events[i]);
        assert_string_equal(h->delivery, id);
        assert_string_equal(h->ctype, "application/json");
        payload = qtext(f->s, "SELECT payload FROM outbox WHERE id = %s", id);
        assert_string_equal(h->body, payload);
        free(payload);
        check_signature(h, secret);
        /* a tampered body or another secret does not verify */
        struct hit bad = *h;
        bad.body[0] = ' ';
        char sig[WEBHOOK_SIGNATURE_LEN + 1];
        webhook_sign(secret, bad.body, strlen(bad.body), sig);
        assert_string_not_equal(sig, h->signature);
        webhook_sign("another-secret-xyz", h->body, strlen(h->body), sig);
        assert_string_not_equal(sig, h->signature);
    }
    assert_int_equal(qint(f->s,
                          "SELECT count(*) FROM outbox WHERE webhook_id = %lld AND delivered_at "
                          ">= %lld AND attempts = 1",
                          (long long)w, (long long)now),
                     4);

    /* nothing left: a second pass sends nothing */
    assert_int_equal(webhook_run_once(f->s, now + 60, NULL, &r, &e), ERR_OK);
    assert_int_equal(r.delivered + r.failed, 0);
    assert_int_equal(hits(rv), 4);
    receiver_stop(rv);
}

static void test_retry_after_500(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct webhook_report r;
    char url[64];
    int64_t now = time(NULL);
    struct receiver *rv = receiver_start(500);
    int64_t w = add_hook(f->s, hook_url(rv, url, sizeof(url)), "retry-secret-0123");

    add_row(f->s, 201, w, 20, "submit", now - 2, 0, 0);
    add_row(f->s, 202, w, 20, "accept", now - 1, 0, 0);
    add_row(f->s, 203, w, 21, "submit", now - 1, 0, 0);
    assert_int_equal(webhook_run_once(f->s, now, NULL, &r, &e), ERR_OK);
    assert_int_equal(r.delivered, 0);
    assert_int_equal(r.failed, 2);   /* 201 and 203 */
    assert_int_equal(r.deferred, 1); /* 202 waits behind 201 */
    assert_int_equal(hits(rv), 2);
    assert_string_equal(rv->hits[0].delivery, "201");
    assert_string_equal(rv->hits[1].delivery, "203");

    assert_int_equal(qint(f->s, "SELECT attempts FROM outbox WHERE id = 201"), 1);
    assert_true(qint(f->s, "SELECT next_at FROM outbox WHERE id = 201") >= now + 10);
    assert_true(qint(f->s, "SELECT next_at FROM outbox WHERE id = 201") <= time(NULL) + 10);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM outbox WHERE id = 201 AND delivered_at IS "
                                "NULL AND last_error = 'http 5xx'"),
                     1);
    assert_int_equal(qint(f->s, "SELECT attempts FROM outbox WHERE id = 202"), 0);
    assert_int_equal(qint(f->s, "SELECT next_at FROM outbox WHERE id = 202"), now - 1);

    /* before the retry is due nothing goes out, not even the later row of the case */
    assert_int_equal(webhook_run_once(f->s, now + 1, NULL, &r, &e), ERR_OK);
    assert_int_equal(r.delivered + r.failed, 0);
    assert_int_equal(hits(rv), 2);

    /* the second failure doubles the wait */
    int64_t due = qint(f->s, "SELECT next_at FROM outbox WHERE id = 201");
    assert_int_equal(webhook_run_once(f->s, due, NULL, &r, &e), ERR_OK);
    assert_int_equal(r.failed, 2);
    assert_int_equal(qint(f->s, "SELECT attempts FROM outbox WHERE id = 201"), 2);
    assert_true(qint(f->s, "SELECT next_at FROM outbox WHERE id = 201") >= due + 20);

    /* the receiver recovers: the rows go out in order */
    atomic_store(&rv->status, 204);
    due = qint(f->s, "SELECT max(next_at) FROM outbox WHERE webhook_id = %lld", (long long)w);
    assert_int_equal(webhook_run_once(f->s, due, NULL, &r, &e), ERR_OK);
    assert_int_equal(r.delivered, 3);
    assert_int_equal(hits(rv), 7);
    assert_string_equal(rv->hits[4].delivery, "201");
    assert_string_equal(rv->hits[5].delivery, "202");
    assert_string_equal(rv->hits[6].delivery, "203");
    assert_int_equal(qint(f->s,
                          "SELECT count(*) FROM outbox WHERE webhook_id = %lld AND delivered_at "
                          "IS NULL",
                          (long long)w),
                     0);
    receiver_stop(rv);
}

static void test_retry_refused(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct webhook_report r;
    char url[64];
    int port, fd = listen_any(&port);
    close(fd); /* nothing listens there now */
    int64_t now = time(NULL);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", port);
    int64_t w = add_hook(f->s, url, "refused-secret-01");
    add_row(f->s, 301, w, 30, "submit", now, 0, 0);
    assert_int_equal(webhook_run_once(f->s, now, NULL, &r, &e), ERR_OK);
    assert_int_equal(r.failed, 1);
    char *err = qtext(f->s, "SELECT last_error FROM outbox WHERE id = 301");
    assert_string_equal(err, "connect failed"); /* a class, not libcurl's message */
    free(err);
    assert_int_equal(qint(f->s, "SELECT attempts FROM outbox WHERE id = 301"), 1);
    assert_true(qint(f->s, "SELECT next_at FROM outbox WHERE id = 301") > now);
}

/* ---- administration ---- */

struct del_ctx {
    int64_t id;
};

static int del_fn(struct db *db, void *arg, struct err *e)
{
    struct del_ctx *d = arg;
    return webhook_delete(db, d->id, e);
}

static void test_admin(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct arena a;
    json_t *out;
    int64_t now = time(NULL);
    int64_t w1 = add_hook(f->s, "https://one.example/h", "secret-one-secret");
    int64_t w2 = add_hook(f->s, "https://two.example/h", "secret-two-secret");
    add_row(f->s, 401, w1, 40, "submit", now - 10, 0, 1);
    add_row(f->s, 402, w1, 40, "accept", now - 5, 2, 0);
    sql(f->s, "UPDATE outbox SET last_error = 'http 5xx' WHERE id = 402");
    add_row(f->s, 403, w2, 40, "accept", now + 50, 0, 0);

    arena_init(&a, 0);
    struct db *db = store_acquire(f->s);
    assert_int_equal(webhook_list_json(db, &a, &out, &e), ERR_OK);
    char *text = json_dumps(out, JSON_COMPACT);
    assert_null(strstr(text, "secret")); /* never shown again */
    free(text);
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(items), 2);
    json_t *one = json_array_get(items, 0);
    assert_int_equal(json_integer_value(json_object_get(one, "id")), w1);
    assert_string_equal(json_string_value(json_object_get(one, "url")), "https://one.example/h");
    assert_int_equal(json_integer_value(json_object_get(one, "pending")), 1);
    assert_int_equal(json_integer_value(json_object_get(one, "failing")), 1);
    assert_true(json_is_string(json_object_get(one, "last_delivered_at")));
    assert_true(json_is_null(json_object_get(json_array_get(items, 1), "last_delivered_at")));
    json_decref(out);

    assert_int_equal(webhook_outbox_json(db, &a, now, 1, &out, &e), ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "pending")), 2);
    assert_int_equal(json_integer_value(json_object_get(out, "due")), 1);
    assert_int_equal(json_integer_value(json_object_get(out, "failing")), 1);
    assert_int_equal(json_integer_value(json_object_get(out, "delivered")), 1);
    assert_true(json_is_string(json_object_get(out, "oldest_pending_at")));
    assert_true(json_is_null(json_object_get(out, "worker")));
    json_t *errs = json_object_get(out, "last_errors");
    assert_int_equal(json_array_size(errs), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(errs, 0), "last_error")),
                        "http 5xx");
    assert_int_equal(json_array_size(json_object_get(out, "items")), 2);
    json_decref(out);
    assert_int_equal(webhook_outbox_json(db, &a, now, 0, &out, &e), ERR_OK);
    assert_int_equal(json_array_size(json_object_get(out, "items")), 3);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(json_object_get(out, "items"), 0), "id")),
        403); /* the most recent first */
    json_decref(out);
    store_release(f->s, db);

    struct del_ctx d = {w1};
    assert_int_equal(store_write(f->s, del_fn, &d, &e), ERR_OK);
    assert_int_equal(
        qint(f->s, "SELECT count(*) FROM outbox WHERE webhook_id = %lld", (long long)w1), 0);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM webhooks"), 1);
    assert_int_equal(store_write(f->s, del_fn, &d, &e), ERR_NOT_FOUND);
    assert_string_equal(e.field, "id");
    arena_free(&a);
}

/* A name that resolves to a private address at delivery (a URL stored when it resolved
 * elsewhere, DNS rebinding) is refused at connect time, and so is a literal address stored
 * before the check existed: nothing reaches the receiver, last_error says why. */
static void test_delivery_refuses_private(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct webhook_report r;
    char url[64], named[64];
    int64_t now = time(NULL);
    struct receiver *rv = receiver_start(200);
    int64_t w1 = add_hook(f->s, hook_url(rv, url, sizeof(url)), "private-secret-0123");
    snprintf(named, sizeof(named), "http://localhost:%d/hook", rv->port);
    int64_t w2 = add_hook(f->s, named, "private-secret-4567");
    add_row(f->s, 601, w1, 60, "submit", now, 0, 0);
    add_row(f->s, 602, w2, 61, "submit", now, 0, 0);

    webhook_set_allow_private(0);
    assert_int_equal(webhook_run_once(f->s, now, NULL, &r, &e), ERR_OK);
    webhook_set_allow_private(1);
    assert_int_equal(r.delivered, 0);
    assert_int_equal(r.failed, 2);
    assert_int_equal(hits(rv), 0);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM outbox WHERE last_error = 'refused: private "
                                "address' AND delivered_at IS NULL"),
                     2);

    /* allowed again (the setting on): they go out */
    int64_t due = qint(f->s, "SELECT max(next_at) FROM outbox");
    assert_int_equal(webhook_run_once(f->s, due, NULL, &r, &e), ERR_OK);
    assert_int_equal(r.delivered, 2);
    assert_int_equal(hits(rv), 2);
    receiver_stop(rv);

    /* the address classes themselves */
    struct sockaddr_in s4 = {.sin_family = AF_INET};
    struct sockaddr_in6 s6 = {.sin6_family = AF_INET6};
    static const char *const v4_bad[] = {"127.0.0.1",   "10.0.0.1", "172.20.1.1",  "192.168.0.1",
                                         "169.254.1.1", "0.0.0.0",  "100.100.1.1", "224.0.0.1"};
    for (size_t i = 0; i < sizeof(v4_bad) / sizeof(v4_bad[0]); i++) {
        assert_int_equal(inet_pton(AF_INET, v4_bad[i], &s4.sin_addr), 1);
        assert_true(webhook_addr_private((struct sockaddr *)&s4));
    }
    inet_pton(AF_INET, "93.184.216.34", &s4.sin_addr);
    assert_false(webhook_addr_private((struct sockaddr *)&s4));
    static const char *const v6_bad[] = {
        "::1",    "::", "fe80::1", "fc00::1", "fdff::1", "::ffff:127.0.0.1", "::ffff:192.168.1.1",
        "ff02::1"};
    for (size_t i = 0; i < sizeof(v6_bad) / sizeof(v6_bad[0]); i++) {
        assert_int_equal(inet_pton(AF_INET6, v6_bad[i], &s6.sin6_addr), 1);
        assert_true(webhook_addr_private((struct sockaddr *)&s6));
    }
    inet_pton(AF_INET6, "2606:2800:220:1::1", &s6.sin6_addr);
    assert_false(webhook_addr_private((struct sockaddr *)&s6));
}

/* ---- leases and the worker thread ---- */

static void test_lease(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    int64_t now = 1800000000;
    assert_int_equal(lease_take(f->s, "job", "a:1", now, 30, &e), 1);
    assert_int_equal(lease_take(f->s, "job", "b:2", now + 1, 30, &e), 0);
    assert_int_equal(lease_take(f->s, "job", "a:1", now + 20, 30, &e), 1); /* renewed to +50 */
    assert_int_equal(lease_take(f->s, "job", "b:2", now + 45, 30, &e), 0);
    assert_int_equal(lease_take(f->s, "job", "b:2", now + 51, 30, &e), 1); /* a's expired */
    assert_int_equal(lease_take(f->s, "job", "a:1", now + 52, 30, &e), 0);
    assert_int_equal(lease_take(f->s, "other", "a:1", now + 52, 30, &e), 1); /* independent */
    char *holder = qtext(f->s, "SELECT holder FROM leases WHERE name = 'job'");
    assert_string_equal(holder, "b:2");
    free(holder);
    assert_int_equal(qint(f->s, "SELECT expires_at FROM leases WHERE name = 'job'"), now + 81);
    /* only the holder releases */
    assert_int_equal(lease_release(f->s, "job", "a:1", &e), ERR_OK);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM leases WHERE name = 'job'"), 1);
    assert_int_equal(lease_release(f->s, "job", "b:2", &e), ERR_OK);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM leases WHERE name = 'job'"), 0);

    char self[LEASE_HOLDER_MAX], pid[32];
    lease_holder_self(self);
    snprintf(pid, sizeof(pid), ":%ld", (long)getpid());
    assert_true(strlen(self) > strlen(pid));
    assert_string_equal(self + strlen(self) - strlen(pid), pid);
}

static int wait_for(struct store *s, const char *query, int64_t want, int ms)
{
    for (int t = 0; t < ms; t += 50) {
        if (qint(s, "%s", query) == want)
            return 1;
        usleep(50 * 1000);
    }
    return 0;
}

static void test_worker_thread(void **state)
{
    struct fixture *f = *state;
    char url[64], self[LEASE_HOLDER_MAX], *holder;
    int64_t now = time(NULL);
    struct receiver *rv = receiver_start(200);
    int64_t w = add_hook(f->s, hook_url(rv, url, sizeof(url)), "worker-secret-0123");
    add_row(f->s, 501, w, 50, "submit", now, 0, 0);
    add_row(f->s, 502, w, 50, "accept", now, 0, 0);

    /* another instance holds the lease: this one waits */
    sql(f->s, "INSERT INTO leases (name, holder, expires_at) VALUES ('webhooks', 'other:1', %lld)",
        (long long)now + 3600);
    struct backoffice *bo = webhook_worker_start(f->s);
    assert_non_null(bo);
    usleep(1500 * 1000);
    assert_int_equal(hits(rv), 0);

    /* its lease runs out: this instance takes over and delivers */
    sql(f->s, "UPDATE leases SET expires_at = 0 WHERE name = 'webhooks'");
    assert_true(wait_for(f->s, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL", 0, 5000));
    assert_int_equal(hits(rv), 2);
    assert_string_equal(rv->hits[0].delivery, "501");
    assert_string_equal(rv->hits[1].delivery, "502");
    lease_holder_self(self);
    holder = qtext(f->s, "SELECT holder FROM leases WHERE name = 'webhooks'");
    assert_string_equal(holder, self);
    free(holder);
    assert_true(qint(f->s, "SELECT expires_at FROM leases WHERE name = 'webhooks'") >
                time(NULL) + WEBHOOK_LEASE_TTL / 2 - 2);

    /* rows written while it runs go out within a poll or two */
    add_row(f->s, 503, w, 50, "dispatch", time(NULL), 0, 0);
    assert_true(wait_for(f->s, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL", 0, 5000));

    /* a clean stop is prompt and gives the lease back */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    webhook_worker_stop(bo);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec < 2);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM leases WHERE name = 'webhooks'"), 0);
    receiver_stop(rv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_rfc4231),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_url_and_secret_check),
        cmocka_unit_test_setup_teardown(test_due_in_order, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_deliver_end_to_end, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_retry_after_500, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_retry_refused, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_admin, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_delivery_refuses_private, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_lease, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_worker_thread, store_setup, store_teardown),
    };
    if (crypto_init() != 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    /* the receiver is local: keep any proxy of the environment out of it */
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
