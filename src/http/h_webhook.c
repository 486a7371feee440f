/* h_webhook.c - outgoing webhooks over HTTP (district operations, PERM_OPS): subscribe a URL,
 * list and delete subscriptions, and a small status view of the outbox. Secrets are shown once,
 * in the answer to the POST that made them. */
#include "http/http.h"
#include "core/json.h"
#include "domain/webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct webhook_ctx {
    const char *url, *secret;
    int64_t id;
};

static int webhook_create_fn(struct db *db, void *arg, struct err *e)
{
    struct webhook_ctx *c = arg;
    return webhook_insert(db, c->url, c->secret, time(NULL), &c->id, e);
}

/* POST /api/v1/webhooks {"url": "https://...", "secret": "..."}: 201 {id, url, secret}. */
int webhook_create_h(struct req *rq)
{
    static const char *const keys[] = {"url", "secret", NULL};
    struct err e = {0};
    struct webhook_ctx c = {0};
    char fresh[48];

    if (json_only_keys(rq->json, keys, &e) ||
        json_get_str(rq->json, "url", 1, WEBHOOK_URL_MAX, &c.url, &e) ||
        json_get_str(rq->json, "secret", 0, WEBHOOK_SECRET_MAX, &c.secret, &e))
        return reply_err(rq, &e);
    if (webhook_url_check(c.url, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (c.secret == NULL) {
        webhook_secret_new(fresh);
        c.secret = fresh;
    } else if (webhook_secret_check(c.secret, &e) != ERR_OK) {
        return reply_err(rq, &e);
    }
    if (req_write(rq, webhook_create_fn, &c, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 201,
                      json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)c.id, "url", c.url,
                                "secret", c.secret, "active", 1));
}

/* GET /api/v1/webhooks: every subscription with its backlog, never the secrets. */
int webhook_list_h(struct req *rq)
{
    struct err e = {0};
    json_t *out;
    if (webhook_list_json(req_db(rq), &rq->arena, &out, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, out);
}

static int webhook_delete_fn(struct db *db, void *arg, struct err *e)
{
    const int64_t *id = arg;
    return webhook_delete(db, *id, e);
}

/* DELETE /api/v1/webhooks/{id}: the subscription and its undelivered rows go. */
int webhook_delete_h(struct req *rq)
{
    struct err e = {0};
    int64_t id;
    if (req_param_id(rq, 0, &id) != 0)
        return -1;
    if (req_write(rq, webhook_delete_fn, &id, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
}

/* GET /api/v1/outbox[?pending=1]: counts, the worker's lease, the latest errors, and the oldest
 * undelivered rows (pending=1) or the most recent rows. */
int outbox_status_h(struct req *rq)
{
    struct err e = {0};
    json_t *out;
    int pending = 0;
    if (req_query_bool(rq, "pending", &pending) != 0)
        return -1;
    if (webhook_outbox_json(req_db(rq), &rq->arena, time(NULL), pending, &out, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, out);
}
