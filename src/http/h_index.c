/* h_index.c - the grid smart-governance index (domain/govindex.c): rankings per level, a
 * place's breakdown with its drill-down, and the indicators the district edits. */
#include "http/http.h"
#include "core/util.h"
#include "domain/govindex.h"
#include "domain/place.h"

#include <string.h>
#include <unistd.h>

/* ?period=YYYY-MM, YYYY-Qn or YYYY; default this month in Asia/Shanghai */
static int period_param(struct req *rq, char out[8])
{
    const char *p = rq->query(rq, "period");
    struct govindex_period gp;
    if (p == NULL) {
        month_now(out);
        return ERR_OK;
    }
    if (govindex_period_parse(p, &gp) != 0) {
        reply_code(rq, ERR_INVALID, "period", GOVINDEX_PERIOD_WHY);
        return -1;
    }
    snprintf(out, 8, "%s", gp.label);
    return ERR_OK;
}

/* ?format=csv|xlsx: the ranking as a download */
static int index_ranking_export(struct req *rq, const char *place, const char *level,
                                const char *period)
{
    struct err e = {0};
    enum sheet_fmt fmt;
    char path[32];
    if (sheet_fmt_parse(rq->query(rq, "format"), &fmt) != 0)
        return reply_code(rq, ERR_INVALID, "format", "'format' is json, csv or xlsx");
    if (download_tmp(rq, path) != ERR_OK)
        return -1;
    struct sheet *s = sheet_open(fmt, path, "指数排名", &e);
    int rc =
        s ? govindex_ranking_sheet(req_db(rq), &rq->arena, place, level, period, s, &e) : e.code;
    if (s != NULL)
        rc = sheet_close(s, rc, &e);
    if (rc != ERR_OK) {
        unlink(path);
        return reply_err(rq, &e);
    }
    return reply_download(
        rq, path, sheet_content_type(fmt),
        arena_printf(&rq->arena, "index-%s-%s-%s.%s", level, place, period, sheet_ext(fmt)));
}

/* GET /api/v1/index?level=grid|community|town&period=&place=&offset=&limit=&format=json|csv|xlsx
 * (offset and limit page the JSON; an export has every place) */
int index_ranking_h(struct req *rq)
{
    struct err e = {0};
    struct jsonw w;
    const char *place, *level = rq->query(rq, "level");
    char period[8];
    if (level == NULL)
        level = "grid";
    if (strcmp(level, "grid") != 0 && strcmp(level, "community") != 0 && strcmp(level, "town") != 0)
        return reply_code(rq, ERR_INVALID, "level", "'level' is grid, community or town");
    int64_t offset = 0, limit = 0;
    if (req_report_place(rq, &place) != ERR_OK || period_param(rq, period) != ERR_OK ||
        req_query_int(rq, "offset", 0, 10000000, &offset) != 0 ||
        req_query_int(rq, "limit", 1, 10000000, &limit) != 0)
        return -1;
    const char *format = rq->query(rq, "format");
    if (format != NULL && strcmp(format, "json") != 0)
        return index_ranking_export(rq, place, level, period);
    jw_init(&w, 16u << 20);
    if (govindex_ranking(req_db(rq), &rq->arena, place, level, period, offset, limit, &w, &e) !=
        ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}

/* GET /api/v1/index/{place}?period= : the breakdown, ranked among the caller's widest place */
int index_place_h(struct req *rq)
{
    struct err e = {0};
    struct jsonw w;
    const char *place = req_param(rq, 0), *root;
    char period[8];
    if (place_code_check(place, "place", &e) != ERR_OK)
        return reply_err(rq, &e);
    if (req_allow_or_reply(rq, PERM_CASE_READ, place, 0) || period_param(rq, period) != ERR_OK ||
        req_report_place(rq, &root) != ERR_OK)
        return -1;
    if (strncmp(place, root, strlen(root)) != 0)
        root = place; /* a place outside the widest scope's subtree is ranked alone */
    jw_init(&w, 1u << 20);
    if (govindex_breakdown(req_db(rq), &rq->arena, place, root, period, &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}

/* GET /api/v1/indicators */
int indicator_list_h(struct req *rq)
{
    struct err e = {0};
    struct indicator ind[GOVINDEX_MAX_INDICATORS];
    struct jsonw w;
    int n;
    if (indicators_load(req_db(rq), &rq->arena, ind, GOVINDEX_MAX_INDICATORS, &n, &e) != ERR_OK)
        return reply_err(rq, &e);
    int64_t total = 0;
    jw_init(&w, 1u << 20);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    for (int i = 0; i < n; i++) {
        indicator_write_json(&w, &ind[i]);
        total += ind[i].weight;
    }
    jw_end_arr(&w);
    jw_kint(&w, "total_weight", total);
    jw_end_obj(&w);
    return reply_jw(rq, 200, &w);
}

/* PUT /api/v1/indicators/{code} */
int indicator_put_h(struct req *rq)
{
    struct err e = {0};
    const char *code = req_param(rq, 0);
    if (indicator_save(req_store(rq), code, rq->json, rq->user->id, &e) != ERR_OK)
        return reply_err(rq, &e);
    return indicator_list_h(rq);
}

/* GET /api/v1/indicators/{code}/versions */
int indicator_versions_h(struct req *rq)
{
    struct err e = {0};
    struct jsonw w;
    jw_init(&w, 1u << 20);
    if (indicator_versions_json(req_db(rq), &rq->arena, req_param(rq, 0), &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}
