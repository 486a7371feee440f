/* h_meta.c - /healthz, /metrics and the API index. */
#include "http/http.h"
#include "http/metrics.h"
#include "core/util.h"

#include <time.h>

/* GET /healthz: 200 when the store answers, 503 otherwise. */
int healthz_h(struct req *rq)
{
    struct err e = {0};
    if (db_ping(req_db(rq), &e) != ERR_OK)
        return reply_code(rq, ERR_UNAVAILABLE, NULL, "the database does not answer");
    return reply_json(rq, 200,
                      json_pack("{s:s, s:s, s:s}", "status", "ok", "backend",
                                store_backend(rq->app->store), "version", rq->app->version));
}

/* GET /metrics: Prometheus text format. */
int metrics_h(struct req *rq)
{
    struct buf b;
    buf_init(&b, 4 << 20);
    if (metrics_render(&b, rq->app->store, time_mono() - rq->app->started) != 0) {
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
