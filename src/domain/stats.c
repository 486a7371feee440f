/* stats.c - dashboard aggregates, each one GROUP BY over the cases in a place's subtree. */
#include "domain/stats.h"
#include "domain/place.h"

#include <stdio.h>
#include <string.h>

#define OPEN_SQL                                                                                   \
    "status IN ('submitted','accepted','dispatched','in_progress','resolved','verified')"

/* The subtree condition on place_code with its two parameters (an index range). */
static const char *subtree(struct db *db)
{
    return strcmp(db_backend(db), "postgres") == 0
               ? "place_code COLLATE \"C\" >= ? AND place_code COLLATE \"C\" < ?"
               : "place_code >= ? AND place_code < ?";
}

static int group_counts(struct db *db, struct arena *a, const char *select_key, const char *place,
                        int64_t from, int64_t to, const char *extra, json_t **out, struct err *e)
{
    struct dbrows r;
    char *sql = arena_printf(a,
                             "SELECT %s AS k, count(*) FROM cases WHERE %s AND created_at >= ? "
                             "AND created_at < ?%s GROUP BY k ORDER BY k",
                             select_key, subtree(db), extra ? extra : "");
    int rc = db_query(db, a, &r, e, sql,
                      DB_ARGS(DBS(place), DBS(arena_printf(a, "%s;", place)), DBI(from),
                              DBI(to ? to : INT64_MAX)));
    if (rc != ERR_OK)
        return rc;
    *out = json_object();
    for (int i = 0; i < r.nrows; i++) {
        const char *k = dbrows_get(&r, i, 0);
        json_object_set_new(*out, k ? k : "", json_integer(dbrows_int(&r, i, 1)));
    }
    return ERR_OK;
}

/* Ratios per key: 应结案 (closed, rejected excluded), 按期, 返工 (cases with rework). */
static int ratios(struct db *db, struct arena *a, const char *select_key, const char *place,
                  int64_t from, int64_t to, json_t **out, struct err *e)
{
    struct dbrows r;
    char *sql = arena_printf(
        a,
        "SELECT %s AS k, count(*), sum(CASE WHEN status = 'closed' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN status = 'closed' AND on_time = 1 THEN 1 ELSE 0 END), "
        "sum(CASE WHEN rework_count > 0 THEN 1 ELSE 0 END), "
        "sum(CASE WHEN status = 'closed' THEN coalesce(rating, 0) ELSE 0 END), "
        "sum(CASE WHEN status = 'closed' AND rating IS NOT NULL THEN 1 ELSE 0 END) "
        "FROM cases WHERE %s AND created_at >= ? AND created_at < ? AND status NOT IN "
        "('rejected', 'merged') GROUP BY k ORDER BY k",
        select_key, subtree(db));
    int rc = db_query(db, a, &r, e, sql,
                      DB_ARGS(DBS(place), DBS(arena_printf(a, "%s;", place)), DBI(from),
                              DBI(to ? to : INT64_MAX)));
    if (rc != ERR_OK)
        return rc;
    *out = json_array();
    for (int i = 0; i < r.nrows; i++) {
        double total = (double)dbrows_int(&r, i, 1), closed = (double)dbrows_int(&r, i, 2);
        double rated = (double)dbrows_int(&r, i, 6);
        json_array_append_new(
            *out,
            json_pack("{s:s, s:I, s:I, s:I, s:f, s:f, s:f, s:o}", "key",
                      dbrows_get(&r, i, 0) ? dbrows_get(&r, i, 0) : "", "cases", (json_int_t)total,
                      "closed", (json_int_t)closed, "on_time", (json_int_t)dbrows_int(&r, i, 3),
                      "closure_rate", total ? closed / total : 0.0, "on_time_rate",
                      total ? (double)dbrows_int(&r, i, 3) / total : 0.0, "rework_rate",
                      total ? (double)dbrows_int(&r, i, 4) / total : 0.0, "satisfaction",
                      rated ? json_real((double)dbrows_int(&r, i, 5) / rated) : json_null()));
    }
    return ERR_OK;
}

/* Attach names to keys that are place codes. */
static int name_places(struct db *db, struct arena *a, json_t *items, struct err *e)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        struct place p;
        const char *k = json_string_value(json_object_get(it, "key"));
        if (k && place_get(db, a, k, &p, e) == ERR_OK)
            json_object_set_new(it, "name", json_string(p.name));
    }
    return ERR_OK;
}

int stats_cases(struct db *db, struct arena *a, const char *place, int64_t from, int64_t to,
                int64_t now, json_t **out, struct err *e)
{
    json_t *by_status = NULL, *by_category = NULL, *by_place = NULL, *by_day = NULL;
    json_t *places = NULL, *months = NULL, *overall = NULL;
    struct dbrows r;
    /* the next level down: town 9, community 12, grid 15, micro-grid 17 digits */
    enum place_level below = place_level_of(place) + 1;
    size_t child_len = place_code_len(below > PL_MICROGRID ? PL_MICROGRID : below);
    char *child = arena_printf(a, "substr(place_code, 1, %zu)", child_len);
    /* months in Asia/Shanghai: created_at + 8 h, as YYYY-MM */
    const char *month = strcmp(db_backend(db), "postgres") == 0
                            ? "to_char(to_timestamp(created_at + 28800) AT TIME ZONE 'UTC', "
                              "'YYYY-MM')"
                            : "strftime('%Y-%m', created_at + 28800, 'unixepoch')";
    const char *day = strcmp(db_backend(db), "postgres") == 0
                          ? "to_char(to_timestamp(created_at + 28800) AT TIME ZONE 'UTC', "
                            "'YYYY-MM-DD')"
                          : "strftime('%Y-%m-%d', created_at + 28800, 'unixepoch')";
    int rc;

    if ((rc = group_counts(db, a, "status", place, from, to, NULL, &by_status, e)) ||
        (rc = group_counts(db, a, "category_code", place, from, to, NULL, &by_category, e)) ||
        (rc = group_counts(db, a, child, place, from, to, " AND " OPEN_SQL, &by_place, e)) ||
        (rc = group_counts(db, a, day, place, from ? from : now - 30 * 86400, to, NULL, &by_day,
                           e)) ||
        (rc = ratios(db, a, child, place, from, to, &places, e)) ||
        (rc = ratios(db, a, month, place, from ? from : now - 365 * 86400, to, &months, e)) ||
        (rc = ratios(db, a, "'all'", place, from, to, &overall, e)) ||
        (rc = name_places(db, a, places, e)))
        goto fail;
    char *sql = arena_printf(a,
                             "SELECT count(*), sum(CASE WHEN stage_due_at < ? THEN 1 ELSE 0 END) "
                             "FROM cases WHERE %s AND " OPEN_SQL,
                             subtree(db));
    rc = db_query(db, a, &r, e, sql,
                  DB_ARGS(DBI(now), DBS(place), DBS(arena_printf(a, "%s;", place))));
    if (rc != ERR_OK)
        goto fail;
    /* no case yet: the same figures, all zero */
    json_t *summary = json_array_size(overall)
                          ? json_deep_copy(json_array_get(overall, 0))
                          : json_pack("{s:i, s:i, s:i, s:f, s:f, s:f, s:n}", "cases", 0, "closed",
                                      0, "on_time", 0, "closure_rate", 0.0, "on_time_rate", 0.0,
                                      "rework_rate", 0.0, "satisfaction");
    json_decref(overall);
    json_object_del(summary, "key");
    json_object_set_new(summary, "open", json_integer(dbrows_int(&r, 0, 0)));
    json_object_set_new(summary, "overdue", json_integer(dbrows_int(&r, 0, 1)));
    *out = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "place", place, "summary", summary,
                     "by_status", by_status, "by_category", by_category, "open_by_place", by_place,
                     "by_day", by_day, "by_place", places, "by_month", months);
    return ERR_OK;
fail:
    json_decref(by_status);
    json_decref(by_category);
    json_decref(by_place);
    json_decref(by_day);
    json_decref(places);
    json_decref(months);
    json_decref(overall);
    return rc;
}

int stats_map(struct db *db, struct arena *a, const char *place, json_t **out, struct err *e)
{
    struct dbrows r;
    int rc = db_query(
        db, a, &r, e,
        "SELECT p.code, p.name, b.geometry, (SELECT count(*) FROM cases c WHERE "
        "substr(c.place_code, 1, length(p.code)) = p.code AND c.status IN ('submitted', "
        "'accepted', 'dispatched', 'in_progress', 'resolved', 'verified')) FROM places p JOIN "
        "place_boundaries b ON b.place_code = p.code WHERE p.parent_code = ? ORDER BY p.code",
        DB_ARGS(DBS(place)));
    if (rc != ERR_OK)
        return rc;
    json_t *features = json_array();
    for (int i = 0; i < r.nrows; i++) {
        json_t *g = json_loads(dbrows_get(&r, i, 2), 0, NULL);
        json_array_append_new(features,
                              json_pack("{s:s, s:o, s:{s:s, s:s, s:I}}", "type", "Feature",
                                        "geometry", g ? g : json_null(), "properties", "code",
                                        dbrows_get(&r, i, 0), "name", dbrows_get(&r, i, 1), "open",
                                        (json_int_t)dbrows_int(&r, i, 3)));
    }
    *out = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
    return ERR_OK;
}
