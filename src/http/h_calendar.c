/* h_calendar.c - the working-day calendar over HTTP: a year's exceptions, their edits by
 * district admins, and deadline computation for the UI and tests. */
#include "http/http.h"
#include "core/json.h"
#include "core/util.h"
#include "domain/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct day_write {
    const char *day, *kind, *name;
    int created;
};

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
    struct dbrows r;
    int64_t year = calendar_ymd_from_days((time(NULL) + 8 * 3600) / 86400) / 10000;

    if (req_query_int(rq, "year", CAL_YEAR_MIN, CAL_YEAR_MAX, &year) != 0)
        return -1;
    char from[16], to[16];
    snprintf(from, sizeof(from), "%04ld-01-01", year);
    snprintf(to, sizeof(to), "%04ld-12-31", year);
    if (db_query(req_db(rq), &rq->arena, &r, &e,
                 "SELECT day, kind, name, source FROM calendar_days WHERE day >= ? AND day <= ? "
                 "ORDER BY day",
                 DB_ARGS(DBS(from), DBS(to))) != ERR_OK)
        return reply_err(rq, &e);

    /* count working days on exactly the rows shown, not on the cached snapshot */
    struct calendar cal = {arena_alloc(&rq->arena, sizeof(struct cal_day) * (size_t)(r.nrows + 1)),
                           0};
    json_t *items = json_array();
    for (int i = 0; i < r.nrows; i++) {
        const char *kind = dbrows_get(&r, i, 1);
        int ymd;
        struct err ignored = {0};
        if (calendar_date_parse(dbrows_get(&r, i, 0), &ymd, "day", &ignored) == ERR_OK) {
            cal.days[cal.ndays].ymd = ymd;
            cal.days[cal.ndays++].kind = strcmp(kind, "holiday") == 0 ? 'h' : 'w';
        }
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}", "day", dbrows_get(&r, i, 0),
                                               "kind", kind, "name", dbrows_get(&r, i, 2), "source",
                                               dbrows_get(&r, i, 3)));
    }
    int64_t first = calendar_days_from_ymd((int)year * 10000 + 101);
    int64_t last = calendar_days_from_ymd((int)year * 10000 + 1231);
    int workdays = 0;
    for (int64_t d = first; d <= last; d++)
        workdays += calendar_is_workday(&cal, calendar_ymd_from_days(d));
    return reply_json(rq, 200,
                      json_pack("{s:I, s:i, s:i, s:o}", "year", (json_int_t)year, "days",
                                (int)(last - first + 1), "workdays", workdays, "items", items));
}

static int day_put_fn(struct db *db, void *arg, struct err *e)
{
    struct day_write *w = arg;
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc =
        db_query(db, &a, &r, e, "SELECT 1 FROM calendar_days WHERE day = ?", DB_ARGS(DBS(w->day)));
    if (rc == ERR_OK) {
        w->created = r.nrows == 0;
        rc =
            db_exec(db, e,
                    "INSERT INTO calendar_days (day, kind, name, source) VALUES (?, ?, ?, 'admin') "
                    "ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, "
                    "source = 'admin'",
                    DB_ARGS(DBS(w->day), DBS(w->kind), DBS(w->name)));
        if (rc > 0)
            rc = ERR_OK;
    }
    arena_free(&a);
    return rc;
}

/* PUT /api/v1/calendar/{day} {"kind":"holiday"|"workday","name":"..."}: set an exception. */
int calendar_put_h(struct req *rq)
{
    static const char *const keys[] = {"kind", "name", NULL};
    struct err e = {0};
    struct day_write w = {.name = ""};

    if (day_param(rq, &w.day) != ERR_OK)
        return -1;
    if (json_only_keys(rq->json, keys, &e) || json_get_str(rq->json, "kind", 1, 16, &w.kind, &e) ||
        json_get_str(rq->json, "name", 0, 40, &w.name, &e))
        return reply_err(rq, &e);
    if (strcmp(w.kind, "holiday") != 0 && strcmp(w.kind, "workday") != 0)
        return reply_code(rq, ERR_INVALID, "kind", "'kind' must be 'holiday' or 'workday'");
    if (req_write(rq, day_put_fn, &w, &e) != ERR_OK)
        return reply_err(rq, &e);
    calendar_invalidate();
    return reply_json(rq, w.created ? 201 : 200,
                      json_pack("{s:s, s:s, s:s, s:s}", "day", w.day, "kind", w.kind, "name",
                                w.name, "source", "admin"));
}

static int day_delete_fn(struct db *db, void *arg, struct err *e)
{
    const char *day = arg;
    int rc = db_exec(db, e, "DELETE FROM calendar_days WHERE day = ?", DB_ARGS(DBS(day)));
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "day", "no calendar exception on %s", day);
    return rc < 0 ? rc : ERR_OK;
}

/* DELETE /api/v1/calendar/{day}: back to the weekday rule for that day. */
int calendar_delete_h(struct req *rq)
{
    struct err e = {0};
    const char *day;

    if (day_param(rq, &day) != ERR_OK)
        return -1;
    if (req_write(rq, day_delete_fn, (void *)day, &e) != ERR_OK)
        return reply_err(rq, &e);
    calendar_invalidate();
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
    char sbuf[32], dbuf[32];

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
                      json_pack("{s:s, s:s, s:s, s:I}", "start", sbuf, "sla", sl, "due", dbuf,
                                "working_seconds",
                                (json_int_t)calendar_working_seconds(cal, start, due)));
}
