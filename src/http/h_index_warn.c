/* h_index_warn.c - the index's early warnings (domain/index_warn.c): the list of warnings raised
 * under a place, and a run for a month, quarter or year on demand (the scheduler runs the last
 * completed ones each hour). */
#include "http/http.h"
#include "core/util.h"
#include "domain/govindex.h"
#include "domain/index_warn.h"

#include <string.h>
#include <time.h>

/* GET /api/v1/index-warnings?place=&period= */
int index_warn_list_h(struct req *rq)
{
    struct err e = {0};
    const char *place, *period = rq->query(rq, "period");
    json_t *items;
    int64_t limit = 200;
    if (req_report_place(rq, &place) != ERR_OK || req_query_int(rq, "limit", 1, 1000, &limit) != 0)
        return -1;
    struct govindex_period p;
    if (period && govindex_period_parse(period, &p) != 0)
        return reply_code(rq, ERR_INVALID, "period", GOVINDEX_PERIOD_WHY);
    if (index_warn_list(req_db(rq), &rq->arena, &place, 1, period, (int)limit, &items, &e) !=
        ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, json_pack("{s:s, s:o}", "place", place, "items", items));
}

/* POST /api/v1/index-warnings/run {"period":"2026-11"|"2026-Q4"|"2026"} (default the last
 * completed month) */
int index_warn_run_h(struct req *rq)
{
    struct err e = {0};
    struct index_warn_report r;
    const char *k;
    json_t *v;
    char period[8];
    json_object_foreach(rq->json, k, v)
    {
        if (strcmp(k, "period") != 0)
            return reply_code(rq, ERR_INVALID, k, "unknown field; only 'period' is taken");
    }
    json_t *jp = json_object_get(rq->json, "period");
    struct govindex_period p;
    if (jp == NULL) {
        index_warn_last_month(time(NULL), period);
    } else if (!json_is_string(jp) || govindex_period_parse(json_string_value(jp), &p) != 0) {
        return reply_code(rq, ERR_INVALID, "period", GOVINDEX_PERIOD_WHY);
    } else {
        char now_month[8];
        month_now(now_month);
        if (strcmp(p.first, now_month) > 0)
            return reply_code(rq, ERR_INVALID, "period", "'period' has not begun yet");
        snprintf(period, sizeof(period), "%s", p.label);
    }
    if (index_warn_run(req_store(rq), period, time(NULL), rq->user->username, 1, &r, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200,
                      json_pack("{s:s, s:i, s:i, s:o}", "period", period, "checked", r.checked,
                                "raised", r.raised, "items", r.items));
}
