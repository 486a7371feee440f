/* h_calendar.c - the working-day calendar over HTTP: a year's exceptions, their edits by
 * district admins, and deadline computation for the UI and tests. */
#include "http/http.h"
#include "core/json.h"
#include "core/util.h"
#include "domain/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int day_param(struct req *rq, const char **day)
{
    struct err e = {0};
    int ymd;
    *day = req_param(rq, 0);
    if (calendar_date_parse(*day, &ymd, "day", &e) != ERR_OK)
        return reply_err(rq, &e);
    return ERR_OK;
}

/* GET /api/v1/calendar?year=2026: every exception of the year and its number of working days. */
int calendar_list_h(struct req *rq)
{
    struct err e = {0};
    json_t *out;
    int64_t year = calendar_ymd_from_days((time(NULL) + 8 * 3600) / 86400) / 10000;

    if (req_query_int(rq, "year", CAL_YEAR_MIN, CAL_YEAR_MAX, &year) != 0)
        return -1;
    if (calendar_year_json(req_db(rq), &rq->arena, (int)year, &out, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, out);
}

/* PUT /api/v1/calendar/{day} {"kind":"holiday"|"workday","name":"..."}: set an exception. */
int calendar_put_h(struct req *rq)
{
    static const char *const keys[] = {"kind", "name", NULL};
    struct err e = {0};
    const char *day, *kind, *name = "";
    int created;

    if (day_param(rq, &day) != ERR_OK)
        return -1;
    if (json_only_keys(rq->json, keys, &e) || json_get_str(rq->json, "kind", 1, 16, &kind, &e) ||
        json_get_str(rq->json, "name", 0, 40, &name, &e) ||
        calendar_day_put(req_store(rq), day, kind, name, &created, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, created ? 201 : 200,
                      json_pack("{s:s, s:s, s:s, s:s}", "day", day, "kind", kind, "name", name,
                                "source", "admin"));
}

/* DELETE /api/v1/calendar/{day}: back to the weekday rule for that day. */
int calendar_delete_h(struct req *rq)
{
    struct err e = {0};
    const char *day;

    if (day_param(rq, &day) != ERR_OK)
        return -1;
    if (calendar_day_delete(req_store(rq), day, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, json_pack("{s:s, s:b}", "day", day, "deleted", 1));
}

/* GET /api/v1/calendar/due?start=ISO8601&sla=3d: when a stage started at start is due
 * (start defaults to now). */
int calendar_due_h(struct req *rq)
{
    struct err e = {0};
    struct sla sla;
    const char *sl = rq->query(rq, "sla");
    int64_t start = time(NULL);
    char sbuf[32], dbuf[32], day[16];

    if (sla_parse(sl, &sla, "sla", &e) != ERR_OK)
        return reply_err(rq, &e);
    if (req_query_time(rq, "start", &start) != 0)
        return -1;
    const struct calendar *cal = calendar_cached(req_db(rq), &e);
    if (cal == NULL)
        return reply_err(rq, &e);
    int64_t due = calendar_due(cal, start, sla);
    time_iso_cst((time_t)start, sbuf);
    time_iso_cst((time_t)due, dbuf);
    return reply_json(rq, 200,
                      json_pack("{s:s, s:s, s:s, s:s?, s:I}", "start", sbuf, "sla", sl, "due", dbuf,
                                "due_date", calendar_due_date(due, day) ? day : NULL,
                                "working_seconds",
                                (json_int_t)calendar_working_seconds(cal, start, due)));
}
