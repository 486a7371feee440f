/* notify.h - group-chat notifications (群通知): DingTalk custom robots, WeCom group robots and
 * generic JSON receivers, subscribed per place and event. A channel is a row of `webhooks` with
 * another kind, so its messages go through the same outbox, worker, private-address rules,
 * retries and dead letters as the signed webhooks (webhook.c); only the rows written and the
 * way each is posted differ. */
#ifndef GG_NOTIFY_H
#define GG_NOTIFY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"

struct case_rec;

/* The kinds of a webhooks row. WH_SIGNED is the plain signed webhook (every event, gridgov's
 * own JSON); the others are notification channels. */
enum wh_kind { WH_SIGNED, WH_DINGTALK, WH_WECOM, WH_JSON };

const char *wh_kind_name(enum wh_kind k);
/* -1 when name is no kind. */
int wh_kind_from_name(const char *name);

/* The events a channel may subscribe to: name, Chinese label, bit. */
#define NOTIFY_EVENTS(X)                                                                           \
    X(NEW_CASE, "new_case", "新诉求")                                                              \
    X(DISPATCHED, "dispatched", "已派遣")                                                          \
    X(OVERDUE, "overdue", "超期督办")                                                              \
    X(ESCALATED, "escalated", "上级督办")                                                          \
    X(INDEX_WARNING, "index_warning", "指数预警")

enum notify_event {
#define X(id, name, zh) NE_##id,
    NOTIFY_EVENTS(X)
#undef X
        NE__COUNT
};

const char *notify_event_name(enum notify_event ev);
const char *notify_event_zh(enum notify_event ev);

#define NOTIFY_NAME_MAX 60
#define NOTIFY_SECRET_MAX 200

/* The base of links in messages ("https://gridgov.example.cn"; the setting public_url). Set
 * once at start. Without it messages name the case without a link. */
void notify_set_public_url(const char *url);

/* ---- channels ---- */

struct notify_channel {
    enum wh_kind kind;
    const char *name, *url, *secret; /* secret: DingTalk's SEC..., or the JSON HMAC key */
    const char *place, *department;  /* department may be NULL */
    unsigned events;                 /* 1u << NE_* */
};

/* Parse a JSON array of event names into bits. */
int notify_events_parse(const json_t *arr, unsigned *out, struct err *e);
/* Check a channel before it is stored: kind, name, URL (webhook_url_check: no private target
 * unless allowed), secret, events, the place and the department exist. */
int notify_channel_check(struct db *db, const struct notify_channel *ch, struct err *e);
int notify_channel_insert(struct db *db, const struct notify_channel *ch, int64_t now, int64_t *id,
                          struct err *e);
/* Delete a channel and its outbox rows; ERR_NOT_FOUND if there is none. */
int notify_channel_delete(struct db *db, int64_t id, struct err *e);
/* {items: [{id, kind, name, url (query hidden), place, department, events, active, pending,
 * dead, last_delivered_at}]}, never a secret. */
int notify_channel_list_json(struct db *db, struct arena *a, json_t **out, struct err *e);

/* ---- events into the outbox (inside the caller's write transaction) ---- */

/* A step of case cs was recorded (action, by the scheduler or not): write one outbox row per
 * active channel subscribed to the event under the case's place. */
int notify_case_step(struct db *db, struct arena *a, const struct case_rec *cs, int64_t at,
                     const char *action, int by_scheduler, struct err *e);
/* The hook for the index: a warning about place (period YYYY-MM, Chinese text) for the
 * channels subscribed to index_warning at or above it. No caller yet. */
int notify_index_warning(struct db *db, const char *place, const char *place_name,
                         const char *period, const char *text, int64_t at, struct err *e);

/* ---- rendering and delivery (pure) ---- */

struct notify_msg {
    enum notify_event event;
    int64_t case_id; /* 0 for none */
    const char *case_no, *category, *place, *department, *description, *status, *when;
    const char *text; /* extra line (an index warning) */
};

/* The body to POST for kind (malloc'd JSON text): DingTalk and WeCom markdown, or gridgov's
 * generic JSON. */
char *notify_render(enum wh_kind kind, const struct notify_msg *m);
/* DingTalk's signed mode: URL-encoded base64 of HMAC-SHA256(secret, "TIMESTAMP\nSECRET"). */
void notify_dingtalk_sign(const char *secret, int64_t ts_ms, char *out, size_t n);
/* url with &timestamp=..&sign=.. appended (or ?timestamp=..). 0, or -1 if out is too small. */
int notify_dingtalk_url(const char *url, const char *secret, int64_t ts_ms, char *out, size_t n);
/* A robot's answer: 1 when it is JSON with errcode 0, as both DingTalk and WeCom answer. */
int notify_robot_ok(const char *body);

#endif
