/* h_match.c - mobile party members found among new residents over HTTP: a matching run under a
 * place, and the office's decision on each candidate (confirm into a local organisation, or
 * reject with a reason). Handlers only parse, call party_match.c once and render. */
#include "core/json.h"
#include "core/jsonw.h"
#include "domain/party_match.h"
#include "domain/place.h"
#include "http/http.h"

#include <stdio.h>
#include <string.h>

static void ctx_init(struct req *rq, struct reg_ctx *c)
{
    *c = (struct reg_ctx){.a = &rq->arena, .user = rq->user, .enforce = 1};
    c->user_id = rq->user ? rq->user->id : 0;
}

/* The match after a decision, as the caller may see it. */
static int reply_match(struct req *rq, struct reg_ctx *c, const char *id)
{
    struct reg_rec rec;
    struct err e = {0};
    struct jsonw w;
    if (reg_get(req_db(rq), c, &reg_mobile_matches, id, &rec, &e) != ERR_OK)
        return reply_err(rq, &e);
    jw_init(&w, 1 << 20);
    reg_write_json(&w, c, &reg_mobile_matches, &rec);
    return reply_jw(rq, 200, &w);
}

/* POST /api/v1/mobile-matches/run?place=CODE: compare the new residents under place with every
 * roster; replies the run's figures. */
int mobile_match_run_h(struct req *rq)
{
    struct reg_ctx c;
    struct match_stats st;
    struct err e = {0};
    const char *place;
    ctx_init(rq, &c);
    if (req_query_text(rq, "place", 17, &place) != 0)
        return -1;
    if (place == NULL)
        return reply_code(rq, ERR_INVALID, "place", "'place' is required: a place code");
    if (match_run(req_store(rq), &c, place, &st, &e) != ERR_OK)
        return reply_err(rq, &e);
    struct jsonw w;
    jw_init(&w, 1 << 16);
    match_stats_json(&w, place, &st);
    return reply_jw(rq, 200, &w);
}

/* POST /api/v1/mobile-matches/{id}/confirm {"org": ID, "note": "..."} */
int mobile_match_confirm_h(struct req *rq)
{
    static const char *const keys[] = {"org", "note", NULL};
    struct reg_ctx c;
    struct err e = {0};
    const char *note = NULL, *org = NULL;
    int64_t org_id = 0;
    ctx_init(rq, &c);
    if (json_only_keys(rq->json, keys, &e) != ERR_OK ||
        json_get_str(rq->json, "note", JSON_OPTIONAL, 200, &note, &e) != ERR_OK)
        return reply_err(rq, &e);
    /* the organisation's id as a number, or as a string of digits */
    const json_t *o = json_object_get(rq->json, "org");
    if (json_is_string(o)) {
        org = json_string_value(o);
        if (*org == '\0' || strspn(org, "0123456789") != strlen(org) || strlen(org) > 18)
            return reply_code(rq, ERR_INVALID, "org", "'org' is a party organisation's id");
    } else {
        if (json_get_int(rq->json, "org", JSON_REQUIRED, 1, INT64_MAX, &org_id, &e) != ERR_OK)
            return reply_err(rq, &e);
        org = arena_printf(&rq->arena, "%lld", (long long)org_id);
    }
    if (match_confirm(req_store(rq), &c, req_param(rq, 0), org, note, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_match(rq, &c, req_param(rq, 0));
}

/* POST /api/v1/mobile-matches/{id}/reject {"reason": "..."} */
int mobile_match_reject_h(struct req *rq)
{
    static const char *const keys[] = {"reason", NULL};
    struct reg_ctx c;
    struct err e = {0};
    const char *reason = NULL;
    ctx_init(rq, &c);
    if (json_only_keys(rq->json, keys, &e) != ERR_OK ||
        json_get_str(rq->json, "reason", JSON_REQUIRED, 200, &reason, &e) != ERR_OK ||
        match_reject(req_store(rq), &c, req_param(rq, 0), reason, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_match(rq, &c, req_param(rq, 0));
}
