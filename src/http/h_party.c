/* h_party.c - the party's reads across registries over HTTP: the coverage of grids by
 * organisations and a grid's party page. The matching run and its decisions are in h_match.c. */
#include "core/jsonw.h"
#include "domain/party.h"
#include "domain/place.h"
#include "http/http.h"

#include <stdio.h>
#include <string.h>

static int place_param_or_reply(struct req *rq, const char *p, const char **out)
{
    if (p == NULL || strspn(p, "0123456789") != strlen(p) || place_level_of(p) == PL_NONE) {
        reply_code(rq, ERR_INVALID, "place", "'place' is a place code");
        return -1;
    }
    *out = p;
    return 0;
}

/* GET /api/v1/party-orgs/coverage?place=CODE: grids without an organisation, counts per level. */
int party_coverage_h(struct req *rq)
{
    struct err e = {0};
    struct jsonw w;
    const char *place;
    if (place_param_or_reply(rq, rq->query(rq, "place"), &place) != 0)
        return -1;
    jw_init(&w, 8 << 20);
    if (party_coverage(req_db(rq), &rq->arena, rq->user, place, &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}

/* GET /api/v1/places/{code}/party: a grid's party page. */
int party_grid_h(struct req *rq)
{
    struct err e = {0};
    struct jsonw w;
    const char *grid;
    if (place_param_or_reply(rq, req_param(rq, 0), &grid) != 0)
        return -1;
    struct reg_ctx c = {.a = &rq->arena, .user = rq->user, .enforce = 1};
    c.user_id = rq->user ? rq->user->id : 0;
    jw_init(&w, 8 << 20);
    if (party_grid(req_db(rq), &c, grid, &w, &e) != ERR_OK) {
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
    if (strlen(v) != 10 || sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
        d < 1 || d > 31) {
        reply_code(rq, ERR_INVALID, name, "a date YYYY-MM-DD");
        return -1;
    }
    *out = v;
    return 0;
}

/* GET /api/v1/party-orgs/activity?place=&from=&to=: counts per organisation and period. */
int party_activity_h(struct req *rq)
{
    struct err e = {0};
    struct jsonw w;
    const char *place, *from, *to;
    if (place_param_or_reply(rq, rq->query(rq, "place"), &place) != 0 ||
        date_or_reply(rq, "from", "0000-01-01", &from) != 0 ||
        date_or_reply(rq, "to", "9999-12-31", &to) != 0)
        return -1;
    jw_init(&w, 8 << 20);
    if (party_activity_summary(req_db(rq), &rq->arena, rq->user, place, from, to, &w, &e) !=
        ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}
