/* h_platform.c - platforms and listings over HTTP beyond the registry engine's generic routes: a
 * platform's page and the candidates matching finds for a listing. Handlers parse, call the
 * domain once and render. */
#include "core/jsonw.h"
#include "domain/listing.h"
#include "domain/platform.h"
#include "http/http.h"

static void ctx_of(struct req *rq, struct reg_ctx *c)
{
    *c = (struct reg_ctx){.a = &rq->arena, .user = rq->user, .enforce = 1};
    c->user_id = rq->user ? rq->user->id : 0;
}

/* GET /api/v1/platforms/{id}/page: the platform with its committee, sub-domains, members,
 * listings and short boards. */
int platform_page_h(struct req *rq)
{
    struct err e = {0};
    struct reg_ctx c;
    struct jsonw w;
    int64_t id;
    if (req_param_id(rq, 0, &id) != 0)
        return -1;
    ctx_of(rq, &c);
    jw_init(&w, 8 << 20);
    if (platform_page(req_db(rq), &c, req_param(rq, 0), &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}

/* GET /api/v1/listings/{id}/matches: the other side's candidates, best first, with reasons. */
int listing_matches_h(struct req *rq)
{
    struct err e = {0};
    struct reg_ctx c;
    struct jsonw w;
    int64_t id;
    if (req_param_id(rq, 0, &id) != 0)
        return -1;
    ctx_of(rq, &c);
    jw_init(&w, 8 << 20);
    if (listing_matches(req_db(rq), &c, req_param(rq, 0), &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}
