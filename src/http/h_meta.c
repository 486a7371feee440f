/* h_meta.c - /healthz, /metrics and the API index. */
#include "http/http.h"
#include "http/metrics.h"
#include "core/util.h"
#include "domain/calendar.h"

#include <time.h>

/* The calendar's horizon as /healthz shows it. */
static json_t *horizon_json(struct arena *a, const struct cal_horizon *h)
{
    json_t *j = json_pack("{s:s?, s:I, s:b}", "covered_through",
                          h->covered_through[0] ? h->covered_through : NULL, "days_left",
                          (json_int_t)h->days_left, "ok", h->ok);
    if (!h->ok)
        json_object_set_new(
            j, "warning",
            json_string(h->covered_through[0]
                            ? arena_printf(a,
                                           "the holiday calendar ends on %s, less than %d "
                                           "days ahead: import the State Council's notice "
                                           "of the next year (gridgov calendar import FILE)",
                                           h->covered_through, CAL_HORIZON_DAYS)
                            : "the holiday calendar is empty"));
    return j;
}

/* GET /healthz: 200 when the store answers, 503 otherwise; the calendar's horizon as detail (a
 * calendar running out is a warning, not a failure). */
int healthz_h(struct req *rq)
{
    struct err e = {0};
    struct cal_horizon hz;
    if (db_ping(req_db(rq), &e) != ERR_OK)
        return reply_code(rq, ERR_UNAVAILABLE, NULL, "the database does not answer");
    if (calendar_horizon(req_db(rq), time(NULL), &hz, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200,
                      json_pack("{s:s, s:s, s:s, s:o}", "status", "ok", "backend",
                                store_backend(rq->app->store), "version", rq->app->version,
                                "calendar", horizon_json(&rq->arena, &hz)));
}

/* GET /metrics: Prometheus text format. */
int metrics_h(struct req *rq)
{
    struct buf b;
    struct err e = {0};
    struct cal_horizon hz;
    if (calendar_horizon(req_db(rq), time(NULL), &hz, &e) != ERR_OK)
        return reply_err(rq, &e);
    buf_init(&b, 4 << 20);
    if (metrics_render(&b, rq->app->store, time_mono() - rq->app->started) != 0 ||
        buf_printf(&b,
                   "# HELP gridgov_calendar_horizon_days Days from today to the end of the last "
                   "year the holiday calendar covers (warn below %d).\n"
                   "# TYPE gridgov_calendar_horizon_days gauge\n"
                   "gridgov_calendar_horizon_days %lld\n",
                   CAL_HORIZON_DAYS, (long long)hz.days_left) != 0) {
        buf_free(&b);
        return reply_code(rq, ERR_INTERNAL, NULL, "metrics too large");
    }
    rq->status = 200;
    rq->content_type = "text/plain; version=0.0.4; charset=utf-8";
    rq->reply_len = b.len;
    rq->reply = buf_steal(&b);
    return ERR_OK;
}

/* GET /api/v1: the routes, for people exploring the API. */
int api_index_h(struct req *rq)
{
    json_t *routes = json_array();
    for (int i = 0; i < http_routes_count; i++)
        json_array_append_new(routes, json_pack("{s:s, s:s}", "method",
                                                http_method_name(http_routes[i].method), "path",
                                                http_routes[i].pattern));
    return reply_json(rq, 200,
                      json_pack("{s:s, s:s, s:o}", "name", "gridgov", "version", rq->app->version,
                                "routes", routes));
}
