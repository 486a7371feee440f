/* h_notify.c - group-chat notifications over HTTP (district operations, PERM_OPS): channels
 * (DingTalk and WeCom robots, generic JSON receivers) subscribed per place and event; the dead
 * letters of the outbox, retried by hand; a delivery pass now. */
#include "http/http.h"
#include "core/json.h"
#include "domain/notify.h"
#include "domain/webhook.h"

#include <string.h>
#include <time.h>

struct channel_ctx {
    struct notify_channel ch;
    int64_t id;
};

static int channel_create_fn(struct db *db, void *arg, struct err *e)
{
    struct channel_ctx *c = arg;
    int rc = notify_channel_check(db, &c->ch, e);
    return rc != ERR_OK ? rc : notify_channel_insert(db, &c->ch, time(NULL), &c->id, e);
}

/* POST /api/v1/notify-channels {"kind", "name", "url", "secret"?, "place", "department"?,
 * "events": [...]}: 201 {id, ...}; the secret and URL are never shown again. */
int notify_channel_create_h(struct req *rq)
{
    static const char *const keys[] = {"kind",  "name",       "url",    "secret",
                                       "place", "department", "events", NULL};
    struct err e = {0};
    struct channel_ctx c = {0};
    const char *kind = NULL;

    if (json_only_keys(rq->json, keys, &e) || json_get_str(rq->json, "kind", 1, 16, &kind, &e) ||
        json_get_str(rq->json, "name", 1, NOTIFY_NAME_MAX, &c.ch.name, &e) ||
        json_get_str(rq->json, "url", 1, WEBHOOK_URL_MAX, &c.ch.url, &e) ||
        json_get_str(rq->json, "secret", 0, NOTIFY_SECRET_MAX, &c.ch.secret, &e) ||
        json_get_str(rq->json, "place", 1, 20, &c.ch.place, &e) ||
        json_get_str(rq->json, "department", 0, 32, &c.ch.department, &e))
        return reply_err(rq, &e);
    int k = wh_kind_from_name(kind);
    if (k <= WH_SIGNED) {
        err_set(&e, ERR_INVALID, "kind", "kind 为 dingtalk（钉钉）、wecom（企业微信）或 json");
        return reply_err(rq, &e);
    }
    c.ch.kind = (enum wh_kind)k;
    if (notify_events_parse(json_object_get(rq->json, "events"), &c.ch.events, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (req_write(rq, channel_create_fn, &c, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 201,
                      json_pack("{s:I, s:s, s:s, s:s, s:O, s:b, s:b}", "id", (json_int_t)c.id,
                                "kind", kind, "name", c.ch.name, "place", c.ch.place, "events",
                                json_object_get(rq->json, "events"), "signed", c.ch.secret != NULL,
                                "active", 1));
}

/* GET /api/v1/notify-channels */
int notify_channel_list_h(struct req *rq)
{
    struct err e = {0};
    json_t *out;
    if (notify_channel_list_json(req_db(rq), &rq->arena, &out, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, out);
}

static int channel_delete_fn(struct db *db, void *arg, struct err *e)
{
    const int64_t *id = arg;
    return notify_channel_delete(db, *id, e);
}

/* DELETE /api/v1/notify-channels/{id}: the channel and its undelivered messages. */
int notify_channel_delete_h(struct req *rq)
{
    struct err e = {0};
    int64_t id;
    if (req_param_id(rq, 0, &id) != 0)
        return -1;
    if (req_write(rq, channel_delete_fn, &id, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
}

/* GET /api/v1/outbox/dead: the dead letters, newest first, with the counts. */
int outbox_dead_h(struct req *rq)
{
    struct err e = {0};
    json_t *out;
    if (webhook_outbox_json(req_db(rq), &rq->arena, time(NULL), 2, &out, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, out);
}

static int retry_fn(struct db *db, void *arg, struct err *e)
{
    const int64_t *id = arg;
    return webhook_outbox_retry(db, *id, time(NULL), e);
}

/* POST /api/v1/outbox/{id}/retry: a dead letter back into the queue, due now. */
int outbox_retry_h(struct req *rq)
{
    struct err e = {0};
    int64_t id;
    if (req_param_id(rq, 0, &id) != 0)
        return -1;
    if (req_write(rq, retry_fn, &id, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "queued", 1));
}

/* POST /api/v1/outbox/run: one delivery pass now (after fixing a receiver, or with workers =
 * off); 409 while another instance holds the lease. */
int outbox_run_h(struct req *rq)
{
    struct err e = {0};
    struct webhook_report r;
    if (webhook_run_now(req_store(rq), &r, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200,
                      json_pack("{s:i, s:i, s:i, s:i}", "delivered", r.delivered, "failed",
                                r.failed, "dead", r.dead, "deferred", r.deferred));
}
