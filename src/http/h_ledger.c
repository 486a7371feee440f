/* h_ledger.c - the ledger over HTTP beyond the registry's generic routes: an entry's approval
 * steps, its hash-chained history, its attachments (photos of the voucher, checked and stored as
 * case photos are), and the sums: a year's summary and collective income. Handlers parse, call
 * the domain (ledger*.c) and render. */
#include "core/jsonw.h"
#include "core/util.h"
#include "domain/ledger.h"
#include "domain/photo.h"
#include "domain/place.h"
#include "http/http.h"
#include "http/multipart.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int reply_entry(struct req *rq, int64_t id)
{
    struct reg_ctx c = {.a = &rq->arena, .user = rq->user, .enforce = 1};
    struct reg_rec rec;
    struct err e = {0};
    struct jsonw w;
    c.user_id = rq->user ? rq->user->id : 0;
    if (reg_get(req_db(rq), &c, &reg_ledger_entries,
                arena_printf(&rq->arena, "%lld", (long long)id), &rec, &e) != ERR_OK)
        return reply_err(rq, &e);
    jw_init(&w, 1 << 20);
    reg_write_json(&w, &c, &reg_ledger_entries, &rec);
    return reply_jw(rq, 200, &w);
}

/* POST /api/v1/ledger-entries/{id}/actions {"action":"submit|approve|reject","reason":"..."} */
int ledger_action_h(struct req *rq)
{
    struct err e = {0};
    int64_t id;
    enum ledger_action act;
    if (req_param_id(rq, 0, &id) != 0)
        return -1;
    json_t *ja = json_object_get(rq->json, "action");
    json_t *jr = json_object_get(rq->json, "reason");
    const char *key;
    json_t *v;
    json_object_foreach(rq->json, key, v)
    {
        if (strcmp(key, "action") != 0 && strcmp(key, "reason") != 0)
            return reply_code(rq, ERR_INVALID, key,
                              arena_printf(&rq->arena, "unknown field '%.40s'", key));
    }
    if (!json_is_string(ja) || ledger_action_from_name(json_string_value(ja), &act) != ERR_OK ||
        act == LA_DELETE)
        return reply_code(rq, ERR_INVALID, "action", "action 为 submit、approve 或 reject");
    if (jr != NULL && !json_is_null(jr) && !json_is_string(jr))
        return reply_code(rq, ERR_INVALID, "reason", "reason 须为文字");
    if (ledger_step(req_store(rq), &rq->arena, rq->user, id, act,
                    json_is_string(jr) ? json_string_value(jr) : NULL, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_entry(rq, id);
}

/* GET /api/v1/ledger-entries/{id}/timeline: the chain and the caller's allowed actions. */
int ledger_timeline_h(struct req *rq)
{
    struct err e = {0};
    struct jsonw w;
    int64_t id;
    if (req_param_id(rq, 0, &id) != 0)
        return -1;
    jw_init(&w, 4 << 20);
    if (ledger_timeline(req_db(rq), &rq->arena, rq->user, id, &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}

/* POST /api/v1/ledger-entries/{id}/attachments: multipart/form-data, one or more 'file' parts
 * (vouchers: JPEG, PNG or WebP photos or PDF documents, at most 10 MB each), stored as case photos
 * are and served by GET /api/v1/photos/{sha256}. */
int ledger_attach_h(struct req *rq)
{
    struct err e = {0};
    int64_t id;
    struct mpart parts[MULTIPART_MAX_PARTS];
    const char *sha[LEDGER_ATTACH_MAX];
    int np = 0, n = 0;
    if (req_param_id(rq, 0, &id) != 0)
        return -1;
    const char *boundary = multipart_boundary(&rq->arena, rq->header(rq, "Content-Type"));
    if (boundary == NULL)
        return reply_code(rq, ERR_UNSUPPORTED, "file",
                          "send multipart/form-data with the photos as 'file' parts");
    if (multipart_parse(&rq->arena, rq->body.data ? rq->body.data : "", rq->body.len, boundary,
                        parts, &np, &e) != ERR_OK)
        return reply_err(rq, &e);
    for (int i = 0; i < np; i++) {
        if (strcmp(parts[i].name, "file") != 0)
            return reply_code(rq, ERR_INVALID, parts[i].name,
                              arena_printf(&rq->arena, "unknown part '%.40s'", parts[i].name));
        if (n == LEDGER_ATTACH_MAX)
            return reply_code(rq, ERR_INVALID, "file", "一笔分录最多 9 个附件");
        if (photo_sniff_document(parts[i].data, parts[i].len) == NULL)
            return reply_code(rq, ERR_UNSUPPORTED, "file",
                              "attachments are JPEG, PNG or WebP images or whole PDF files");
        sha[n++] = NULL;
    }
    if (n == 0)
        return reply_code(rq, ERR_INVALID, "file", "没有附件：请用 'file' 部分上传");
    /* every part is checked before any is stored; storing is idempotent (content-addressed) */
    for (int i = 0; i < n; i++) {
        char *hex = arena_alloc(&rq->arena, 65);
        const char *mime;
        if (photo_store(rq->app->data_dir, PHOTO_DOCUMENT, parts[i].data, parts[i].len, hex, &mime,
                        &e) != ERR_OK)
            return reply_err(rq, &e);
        sha[i] = hex;
    }
    if (ledger_attach(req_store(rq), &rq->arena, rq->user, id, sha, n, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_entry(rq, id);
}

/* ?place=: a village, community, town or the district the caller may read; by default the place
 * of the caller's first role that reads ledgers. */
static int place_or_reply(struct req *rq, const char **out)
{
    const char *p = rq->query(rq, "place");
    for (int i = 0; p == NULL && rq->user != NULL && i < rq->user->nroles; i++) {
        const struct role_grant *g = &rq->user->roles[i];
        if ((reg_ledger_entries.grants[g->role] & V_READ) && g->compound == 0 &&
            strncmp(g->scope, "dept:", 5) != 0)
            p = g->place;
    }
    if (p == NULL || strspn(p, "0123456789") != strlen(p) || place_level_of(p) == PL_NONE) {
        reply_code(rq, ERR_INVALID, "place", "'place' is a place code");
        return -1;
    }
    if (!authz_verb_allow(rq->user, reg_ledger_entries.grants, V_READ,
                          &(struct target){.place = p})) {
        reply_code(rq, ERR_FORBIDDEN, "place", "该地点不在您的管辖范围内");
        return -1;
    }
    *out = p;
    return 0;
}

static int this_year(void)
{
    time_t now = time(NULL) + 8 * 3600; /* the district's year */
    struct tm tm;
    gmtime_r(&now, &tm);
    return tm.tm_year + 1900;
}

/* GET /api/v1/ledgers/summary?place=&year= */
int ledger_summary_h(struct req *rq)
{
    struct err e = {0};
    struct jsonw w;
    const char *place;
    int64_t year = this_year();
    if (place_or_reply(rq, &place) != 0 || req_query_int(rq, "year", 2000, 2100, &year) != 0)
        return -1;
    jw_init(&w, 4 << 20);
    if (ledger_summary(req_db(rq), &rq->arena, place, (int)year, &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}

/* GET /api/v1/ledgers/income?place=&from=&to= (years; default the last three) */
int ledger_income_h(struct req *rq)
{
    struct err e = {0};
    struct jsonw w;
    const char *place;
    int64_t to = this_year(), from;
    if (place_or_reply(rq, &place) != 0 || req_query_int(rq, "to", 2000, 2100, &to) != 0)
        return -1;
    from = to - 2;
    if (req_query_int(rq, "from", 2000, 2100, &from) != 0)
        return -1;
    jw_init(&w, 8 << 20);
    if (ledger_income(req_db(rq), &rq->arena, place, (int)from, (int)to, &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}
