/* h_figures.c - the district's figures (domain/figures.c) for the caller's place or one inside
 * it, over a range of months, as JSON or as a CSV or XLSX download. */
#include "http/http.h"
#include "core/util.h"
#include "domain/figures.h"
#include "domain/place.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int figures_export(struct req *rq, const char *format, const struct place *p,
                          const char *from, const char *to, const struct figure *f, int n)
{
    struct err e = {0};
    enum sheet_fmt fmt;
    char path[32];
    if (sheet_fmt_parse(format, &fmt) != 0 || download_tmp(rq, path) != ERR_OK)
        return -1;
    struct sheet *s = sheet_open(fmt, path, "数据一览", &e);
    int rc = s ? figures_write_sheet(s, p->name, from, to, f, n, &e) : e.code;
    if (s != NULL)
        rc = sheet_close(s, rc, &e);
    if (rc != ERR_OK) {
        unlink(path);
        return reply_err(rq, &e);
    }
    return reply_download(
        rq, path, sheet_content_type(fmt),
        arena_printf(&rq->arena, "figures-%s-%s-%s.%s", p->code, from, to, sheet_ext(fmt)));
}

/* GET /api/v1/figures?place=&from=YYYY-MM&to=YYYY-MM&format=json|csv|xlsx */
int figures_h(struct req *rq)
{
    struct err e = {0};
    struct place p;
    struct figure f[FIGURES_MAX];
    struct jsonw w;
    enum sheet_fmt fmt;
    const char *place, *from = rq->query(rq, "from"), *to = rq->query(rq, "to");
    const char *format = rq->query(rq, "format");
    char now[8], first[8];
    int n;
    if (format != NULL && strcmp(format, "json") == 0)
        format = NULL;
    if (format != NULL && sheet_fmt_parse(format, &fmt) != 0)
        return reply_code(rq, ERR_INVALID, "format", "'format' is json, csv or xlsx");
    if (req_report_place(rq, &place) != ERR_OK)
        return -1;
    if (from && !month_valid(from))
        return reply_code(rq, ERR_INVALID, "from", "'from' is a month, YYYY-MM (2026-01)");
    if (to && !month_valid(to))
        return reply_code(rq, ERR_INVALID, "to", "'to' is a month, YYYY-MM (2026-12)");
    /* by default from January of to's year up to this month (or up to from, if later) */
    month_now(now);
    if (to == NULL)
        to = from && strcmp(from, now) > 0 ? from : now;
    if (from == NULL) {
        snprintf(first, sizeof(first), "%.4s-01", to);
        from = first;
    }
    if (strcmp(from, to) > 0)
        return reply_code(rq, ERR_INVALID, "to", "'to' is before 'from'");
    if (place_get(req_db(rq), &rq->arena, place, &p, &e) != ERR_OK ||
        figures_read(req_db(rq), &rq->arena, place, from, to, f, &n, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (format != NULL)
        return figures_export(rq, format, &p, from, to, f, n);
    jw_init(&w, 1u << 20);
    figures_write_json(&w, place, p.name, from, to, f, n);
    return reply_jw(rq, 200, &w);
}
