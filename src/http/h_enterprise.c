/* h_enterprise.c - the service of enterprises over HTTP: a cadre's visit recorded with the
 * problems it raised, a visit's cases, and the enterprise figures of a place and period. */
#include "core/jsonw.h"
#include "domain/place.h"
#include "domain/service.h"
#include "http/http.h"

#include <stdio.h>
#include <string.h>

static void ctx_init(struct req *rq, struct reg_ctx *c)
{
    *c = (struct reg_ctx){.a = &rq->arena, .user = rq->user, .enforce = 1};
    c->user_id = rq->user ? rq->user->id : 0;
}

/* POST /api/v1/enterprises/{id}/visits {"visited_on", "kind", "notes", "outcome", "problems":
 * [{"category", "description", "attributes"}]}: the visit and its cases, in one transaction. */
int visit_report_h(struct req *rq)
{
    struct reg_ctx c;
    struct reg_rec visit;
    struct err e = {0};
    struct jsonw w;
    ctx_init(rq, &c);
    if (visit_report(req_store(rq), &c, req_param(rq, 0), rq->json, &visit, &e) != ERR_OK)
        return reply_err(rq, &e);
    jw_init(&w, 1 << 20);
    if (visit_cases(req_db(rq), &c, visit.key, &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 201, &w);
}

/* GET /api/v1/visits/{id}/cases: the visit and the cases it raised, with their states. */
int visit_cases_h(struct req *rq)
{
    struct reg_ctx c;
    struct err e = {0};
    struct jsonw w;
    ctx_init(rq, &c);
    jw_init(&w, 1 << 20);
    if (visit_cases(req_db(rq), &c, req_param(rq, 0), &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}

static int date_or_reply(struct req *rq, const char *name, const char *dflt, const char **out)
{
    const char *v = rq->query(rq, name);
    int y, m, d;
    char tail;
    if (v == NULL || *v == '\0') {
        *out = dflt;
        return 0;
    }
    if (strlen(v) != 10 || sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 ||
        m < 1 || m > 12 || d < 1 || d > 31) {
        reply_code(rq, ERR_INVALID, name, "a date YYYY-MM-DD");
        return -1;
    }
    *out = v;
    return 0;
}

/* GET /api/v1/enterprise-figures?place=&from=&to= */
int enterprise_figures_h(struct req *rq)
{
    struct err e = {0};
    struct jsonw w;
    const char *place = rq->query(rq, "place"), *from, *to;
    if (place == NULL && req_report_place(rq, &place) != ERR_OK)
        return -1; /* the caller's widest place by default */
    if (strspn(place, "0123456789") != strlen(place) || place_level_of(place) == PL_NONE)
        return reply_code(rq, ERR_INVALID, "place", "'place' is a place code");
    if (date_or_reply(rq, "from", "1970-01-01", &from) != 0 ||
        date_or_reply(rq, "to", "9999-12-31", &to) != 0)
        return -1;
    jw_init(&w, 1 << 20);
    if (enterprise_figures(req_db(rq), &rq->arena, rq->user, place, from, to, &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}
