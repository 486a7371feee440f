/* metrics.c - lock-free counters per route and status class, latency histograms, and the
 * storage timings, rendered in the Prometheus text exposition format. */
#include "http/metrics.h"
#include "http/http.h"
#include "core/arena.h"
#include "domain/govindex_cache.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define NB (sizeof(bounds) / sizeof(bounds[0]))

struct route_metrics {
    _Atomic uint64_t by_class[6]; /* 1xx..5xx at 1..5 */
    _Atomic uint64_t buckets[NB + 1];
    _Atomic uint64_t sum_ns;
};

static struct route_metrics *rm;
static int nroutes;

void metrics_init(int n)
{
    if (rm != NULL)
        return;
    nroutes = n;
    rm = xcalloc((size_t)n + 1, sizeof(*rm));
}

void metrics_free(void)
{
    free(rm);
    rm = NULL;
}

void metrics_observe(int route, int status, double seconds)
{
    if (rm == NULL || route < 0 || route > nroutes)
        return;
    struct route_metrics *m = &rm[route];
    int cls = status / 100;
    if (cls >= 1 && cls <= 5)
        atomic_fetch_add_explicit(&m->by_class[cls], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < NB && seconds > bounds[b])
        b++;
    atomic_fetch_add_explicit(&m->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->sum_ns, (uint64_t)(seconds * 1e9), memory_order_relaxed);
}

static const char *route_label(int i)
{
    return i < nroutes ? http_routes[i].pattern : "unmatched";
}

static const char *route_method(int i)
{
    return i < nroutes ? http_method_name(http_routes[i].method) : "ANY";
}

int metrics_render(struct buf *out, struct store *s, double uptime)
{
    int rc = 0;
    rc |= buf_puts(out, "# HELP gridgov_http_requests_total HTTP requests by route and status "
                        "class.\n# TYPE gridgov_http_requests_total counter\n");
    for (int i = 0; rm && i <= nroutes; i++) {
        for (int c = 1; c <= 5; c++) {
            uint64_t v = atomic_load(&rm[i].by_class[c]);
            if (v)
                rc |= buf_printf(out,
                                 "gridgov_http_requests_total{method=\"%s\",route=\"%s\","
                                 "code=\"%dxx\"} %llu\n",
                                 route_method(i), route_label(i), c, (unsigned long long)v);
        }
    }
    rc |= buf_puts(out, "# HELP gridgov_http_request_duration_seconds Time from the request's "
                        "arrival to its reply.\n# TYPE gridgov_http_request_duration_seconds "
                        "histogram\n");
    for (int i = 0; rm && i <= nroutes; i++) {
        uint64_t cum = 0, total = 0;
        for (size_t b = 0; b <= NB; b++)
            total += atomic_load(&rm[i].buckets[b]);
        if (total == 0)
            continue;
        for (size_t b = 0; b < NB; b++) {
            cum += atomic_load(&rm[i].buckets[b]);
            rc |= buf_printf(out,
                             "gridgov_http_request_duration_seconds_bucket{method=\"%s\",route="
                             "\"%s\",le=\"%g\"} %llu\n",
                             route_method(i), route_label(i), bounds[b], (unsigned long long)cum);
        }
        rc |= buf_printf(out,
                         "gridgov_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                         "le=\"+Inf\"} %llu\n"
                         "gridgov_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} "
                         "%.6f\n"
                         "gridgov_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} "
                         "%llu\n",
                         route_method(i), route_label(i), (unsigned long long)total,
                         route_method(i), route_label(i), (double)atomic_load(&rm[i].sum_ns) / 1e9,
                         route_method(i), route_label(i), (unsigned long long)total);
    }
    struct store_stats st;
    store_stats_get(s, &st);
    rc |= buf_printf(out,
                     "# HELP gridgov_store_reads_total Read connections taken from the pool.\n"
                     "# TYPE gridgov_store_reads_total counter\ngridgov_store_reads_total %llu\n"
                     "# HELP gridgov_store_writes_total Write transactions requested.\n"
                     "# TYPE gridgov_store_writes_total counter\ngridgov_store_writes_total %llu\n"
                     "# HELP gridgov_store_commits_total Commits (one per group-commit batch).\n"
                     "# TYPE gridgov_store_commits_total counter\ngridgov_store_commits_total "
                     "%llu\n"
                     "# HELP gridgov_store_batched_writes_total Writes carried by those commits.\n"
                     "# TYPE gridgov_store_batched_writes_total counter\n"
                     "gridgov_store_batched_writes_total %llu\n"
                     "# HELP gridgov_store_write_seconds_total Time writers waited for their "
                     "commit.\n# TYPE gridgov_store_write_seconds_total counter\n"
                     "gridgov_store_write_seconds_total %.6f\n"
                     "# HELP gridgov_store_commit_seconds_total Time spent in COMMIT.\n"
                     "# TYPE gridgov_store_commit_seconds_total counter\n"
                     "gridgov_store_commit_seconds_total %.6f\n"
                     "# HELP gridgov_uptime_seconds Seconds since start.\n"
                     "# TYPE gridgov_uptime_seconds gauge\ngridgov_uptime_seconds %.0f\n",
                     (unsigned long long)st.reads, (unsigned long long)st.writes,
                     (unsigned long long)st.commits, (unsigned long long)st.batched_jobs,
                     st.write_wait_seconds, st.commit_seconds, uptime);
    static const char *const how[GI_HOW_N] = {"kept", "updated", "computed"};
    rc |= buf_puts(out, "# HELP gridgov_index_scores_total A level's scores for a ranking: "
                        "served as kept, brought up to date from the change log, computed "
                        "whole.\n# TYPE gridgov_index_scores_total counter\n");
    for (int i = 0; i < GI_HOW_N; i++)
        rc |= buf_printf(out, "gridgov_index_scores_total{how=\"%s\"} %llu\n", how[i],
                         (unsigned long long)govindex_cache_counted((enum govindex_how)i));
    return rc ? -1 : 0;
}
