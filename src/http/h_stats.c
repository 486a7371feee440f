/* h_stats.c - the dashboard's figures and map, for the caller's place (or one inside it). */
#include "http/http.h"
#include "core/util.h"
#include "domain/place.h"
#include "domain/stats.h"

#include <string.h>
#include <time.h>

int req_report_place(struct req *rq, const char **place)
{
    struct err e = {0};
    const char *scopes[16];
    const char *p = rq->query(rq, "place");
    if (p != NULL) {
        if (place_code_check(p, "place", &e) != ERR_OK)
            return reply_err(rq, &e);
        if (req_allow_or_reply(rq, PERM_CASE_READ, p, 0))
            return -1;
        *place = p;
        return ERR_OK;
    }
    int n = authz_scopes(rq->user, PERM_CASE_READ, scopes, 16);
    if (n == 0)
        return reply_code(rq, ERR_FORBIDDEN, "place", "no place in your scope");
    *place = scopes[0];
    for (int i = 1; i < n; i++) {
        if (strlen(scopes[i]) < strlen(*place))
            *place = scopes[i];
    }
    return ERR_OK;
}

int stats_h(struct req *rq)
{
    struct err e = {0};
    const char *place, *from = rq->query(rq, "from"), *to = rq->query(rq, "to");
    json_t *out;
    if (req_report_place(rq, &place) != ERR_OK)
        return -1;
    if (from && !month_valid(from))
        return reply_code(rq, ERR_INVALID, "from", "'from' is a month, YYYY-MM (2026-01)");
    if (to && !month_valid(to))
        return reply_code(rq, ERR_INVALID, "to", "'to' is a month, YYYY-MM (2026-12)");
    if (from && to && strcmp(from, to) > 0)
        return reply_code(rq, ERR_INVALID, "to", "'to' is before 'from'");
    if (stats_cases(req_db(rq), &rq->arena, place, from, to, time(NULL), &out, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, out);
}

int stats_map_h(struct req *rq)
{
    struct err e = {0};
    const char *place;
    json_t *out;
    if (req_report_place(rq, &place) != ERR_OK)
        return -1;
    if (stats_map(req_db(rq), &rq->arena, place, &out, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, out);
}
