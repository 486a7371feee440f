/* webhook.h - outgoing webhooks: the subscriptions district operators manage, and the delivery
 * of the outbox (rows written with every timeline row, one per active webhook) as signed JSON
 * POSTs, at least once and in order per case and webhook, by one worker thread across all
 * instances (lease 'webhooks'). */
#ifndef GG_WEBHOOK_H
#define GG_WEBHOOK_H

#include <jansson.h>
#include <stdint.h>

#include "domain/scheduler.h"
#include "store/store.h"

#define WEBHOOK_URL_MAX 500
#define WEBHOOK_SECRET_MIN 16
#define WEBHOOK_SECRET_MAX 200
#define WEBHOOK_BATCH 50          /* rows per pass */
#define WEBHOOK_POLL_MS 1000      /* between passes */
#define WEBHOOK_LEASE_TTL 30      /* seconds */
#define WEBHOOK_CONNECT_TIMEOUT 5 /* seconds */
#define WEBHOOK_TIMEOUT 10        /* seconds for the whole request */
#define WEBHOOK_BACKOFF_BASE 10   /* seconds after the first failure, doubling */
#define WEBHOOK_BACKOFF_MAX 3600
#define WEBHOOK_KEEP_DAYS 7     /* delivered rows are pruned after this */
#define WEBHOOK_MAX_ATTEMPTS 12 /* then a dead letter (after about 3.4 hours) */

/* ---- subscriptions (each write function runs inside a store_write callback) ---- */

/* An absolute http:// or https:// URL with a host, at most WEBHOOK_URL_MAX characters, without
 * user:password@, and (unless private targets are allowed) whose host is not localhost nor a
 * loopback, private, link-local, unspecified, multicast or reserved address in any spelling. */
int webhook_url_check(const char *url, struct err *e);
/* The setting webhook_allow_private (off by default): allow private targets at creation and at
 * delivery. Set once at start (serve, demo) or by a test. */
void webhook_set_allow_private(int on);
int webhook_allow_private(void);
/* The setting outbox_max_attempts: after this many failures a row is a dead letter (not
 * retried, no longer holding back later rows of its case) until webhook_outbox_retry. */
void webhook_set_max_attempts(int n);
/* 1 when a socket address (IPv4 or IPv6) is one webhooks must not reach. */
struct sockaddr;
int webhook_addr_private(const struct sockaddr *sa);
/* 16-200 printable ASCII characters. */
int webhook_secret_check(const char *secret, struct err *e);
/* A new random secret (43 URL-safe characters). */
void webhook_secret_new(char out[48]);
int webhook_insert(struct db *db, const char *url, const char *secret, int64_t now, int64_t *id,
                   struct err *e);
/* Delete a webhook and its outbox rows; ERR_NOT_FOUND if there is none. */
int webhook_delete(struct db *db, int64_t id, struct err *e);
/* [{id, url, active, created_at, pending, failing}], never the secrets. */
int webhook_list_json(struct db *db, struct arena *a, json_t **out, struct err *e);
/* The outbox at a glance: counts, the worker's lease, the latest errors; with pending_only 1 the
 * oldest undelivered rows, 2 the dead letters (newest first), else the most recent rows. */
int webhook_outbox_json(struct db *db, struct arena *a, int64_t now, int pending_only, json_t **out,
                        struct err *e);

/* ---- delivery ---- */

/* "sha256=" + hex HMAC-SHA256 of body keyed with secret (the X-Gridgov-Signature header). */
#define WEBHOOK_SIGNATURE_LEN (7 + 64)
void webhook_sign(const char *secret, const void *body, size_t n,
                  char out[WEBHOOK_SIGNATURE_LEN + 1]);
/* Seconds to wait after a failure when attempts failures came before it: 10 s, 20 s, 40 s ...
 * at most an hour. */
int64_t webhook_backoff(int64_t attempts);

struct outbox_item {
    int64_t id, webhook_id, case_id, attempts;
    const char *event, *payload, *url, *secret;
    int kind; /* enum wh_kind (notify.h): how to post it */
};

/* The undelivered rows due at now (next_at <= now), oldest first, at most limit, leaving out
 * every row of a case and webhook behind an earlier undelivered row still waiting for its retry:
 * whatever is returned may be sent in order. */
int webhook_due(struct db *db, struct arena *a, int64_t now, int limit, struct outbox_item **out,
                int *n, struct err *e);

/* POST one row. Returns 1 on a 2xx answer, 0 on any other outcome (err describes it: "HTTP
 * 500", "Timeout was reached" ...), -1 if aborted because bo is stopping. */
int webhook_post(const struct outbox_item *it, struct backoffice *bo, char *err, size_t errlen);

struct webhook_report {
    int delivered, failed;
    int dead;     /* of the failed: now dead letters */
    int deferred; /* behind a row that failed in the same pass */
};

/* One pass at time now: take the due rows, POST each in order, mark delivered or schedule the
 * retry (attempts + 1, last_error, next_at = now + backoff). With bo (the worker thread), stops
 * when bo stops or loses its lease; tests pass NULL. */
int webhook_run_once(struct store *s, int64_t now, struct backoffice *bo,
                     struct webhook_report *out, struct err *e);

/* One pass now (POST /api/v1/outbox/run), under the lease 'webhooks' (ERR_CONFLICT when another
 * instance holds it); serialised with the worker's passes. */
int webhook_run_now(struct store *s, struct webhook_report *out, struct err *e);
/* A dead letter back into the queue: due now, attempts from 0. ERR_NOT_FOUND, or ERR_CONFLICT
 * when the row is not a dead letter. */
int webhook_outbox_retry(struct db *db, int64_t id, int64_t now, struct err *e);

/* The delivery thread of `gridgov serve`; call from the main thread (initialises libcurl). */
struct backoffice *webhook_worker_start(struct store *s);
void webhook_worker_stop(struct backoffice *bo);

#endif
