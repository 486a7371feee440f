/* stats.c - the dashboard's figures, read from the counters kept with every case write
 * (counters.h, case_counters.c): O(places x months) rows whatever the number of cases. Only
 * `overdue`, which depends on the clock, is counted over the open cases (an index on status and
 * deadline). */
#include "domain/stats.h"
#include "domain/counters.h"
#include "domain/place.h"

#include <stdio.h>
#include <string.h>

#define OPEN_SQL                                                                                   \
    "status IN ('submitted','accepted','dispatched','in_progress','resolved','verified')"

static const char *const open_statuses[] = {"submitted",   "accepted", "dispatched",
                                            "in_progress", "resolved", "verified"};

/* The case metrics of one place, period or child, summed. */
struct tally {
    int64_t received, closed, on_time, rework, rated, rating_sum, rejected, merged, open;
};

static void tally_add(struct tally *t, const char *metric, int64_t v)
{
    const char *m = metric + 5; /* after "case." */
    if (strcmp(m, "received") == 0)
        t->received += v;
    else if (strcmp(m, "on_time") == 0)
        t->on_time += v;
    else if (strcmp(m, "rework") == 0)
        t->rework += v;
    else if (strcmp(m, "rated") == 0)
        t->rated += v;
    else if (strcmp(m, "rating_sum") == 0)
        t->rating_sum += v;
    else if (strncmp(m, "status.", 7) == 0) {
        const char *st = m + 7;
        if (strcmp(st, "closed") == 0)
            t->closed += v;
        else if (strcmp(st, "rejected") == 0)
            t->rejected += v;
        else if (strcmp(st, "merged") == 0)
            t->merged += v;
        else {
            for (size_t i = 0; i < sizeof(open_statuses) / sizeof(open_statuses[0]); i++)
                if (strcmp(st, open_statuses[i]) == 0)
                    t->open += v;
        }
    }
}

/* The GB/T 30428 ratios over the cases that should be closed (应结案: rejected and merged left
 * out), and the satisfaction of closed cases (null without a rating). */
static json_t *ratios_json(const struct tally *t, const char *key)
{
    int64_t cases = t->received - t->rejected - t->merged;
    double n = (double)cases;
    json_t *j =
        json_pack("{s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:o}", "received", (json_int_t)t->received,
                  "cases", (json_int_t)cases, "closed", (json_int_t)t->closed, "on_time",
                  (json_int_t)t->on_time, "closure_rate", n ? t->closed / n : 0.0, "on_time_rate",
                  n ? t->on_time / n : 0.0, "rework_rate", n ? t->rework / n : 0.0, "satisfaction",
                  t->rated ? json_real((double)t->rating_sum / t->rated) : json_null());
    if (key != NULL)
        json_object_set_new(j, "key", json_string(key));
    return j;
}

/* The children of a place, a tally each, summed from their month rows as they stream in. */
struct children {
    struct place *p; /* in code order */
    struct tally *t;
    int n, last;
};

static int child_find(const struct children *c, const char *code)
{
    int lo = 0, hi = c->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, cmp = strcmp(c->p[mid].code, code);
        if (cmp == 0)
            return mid;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int child_row(const struct dbrow *row, void *ctx, struct err *e)
{
    (void)e;
    struct children *c = ctx;
    const char *code = dbrow_text(row, 0, NULL), *metric = dbrow_text(row, 1, NULL);
    if (code == NULL || metric == NULL)
        return ERR_OK;
    /* a child's rows come together */
    if (c->last < 0 || strcmp(c->p[c->last].code, code) != 0)
        c->last = child_find(c, code);
    if (c->last >= 0)
        tally_add(&c->t[c->last], metric, dbrow_int(row, 2));
    return ERR_OK;
}

/* The tallies of place's children over the months [from, to) of the metrics in [lo, hi). */
static int children_tally(struct db *db, struct arena *a, const char *place, const char *lo,
                          const char *hi, const char *from, const char *to, struct children *c,
                          struct err *e)
{
    int rc = place_children(db, a, place, &c->p, &c->n, e);
    if (rc != ERR_OK)
        return rc;
    c->t = arena_alloc(a, (size_t)(c->n ? c->n : 1) * sizeof(*c->t));
    memset(c->t, 0, (size_t)(c->n ? c->n : 1) * sizeof(*c->t));
    c->last = -1;
    return counters_each_child(db, a, place, lo, hi, from, to, child_row, c, e);
}

/* The metrics a child's ratios and open count read (tally_add), from case.on_time to the
 * statuses in metric order: the category and channel rows, most of a place's, stay unread. */
#define TALLY_LO "case.on_time"
#define TALLY_HI "case.status/"

int stats_cases(struct db *db, struct arena *a, const char *place, const char *from, const char *to,
                int64_t now, json_t **out, struct err *e)
{
    struct dbrows r;
    char to_excl[8], month_from[8], day_from[11];
    const char *to_x = NULL;
    if (to != NULL) {
        counter_month_after(to, to_excl);
        to_x = to_excl;
    }
    struct tally all = {0};
    json_t *by_status = json_object(), *by_category = json_object(), *by_place = json_array();
    json_t *open_by_place = json_object(), *by_day = json_object(), *by_month = json_array();
    int rc;

    /* the place's own figures over the months asked */
    if ((rc = counters_sum_months(db, a, place, "case.", from, to_x, &r, e)) != ERR_OK)
        goto fail;
    for (int i = 0; i < r.nrows; i++) {
        const char *m = dbrows_get(&r, i, 0);
        int64_t v = dbrows_int(&r, i, 1);
        tally_add(&all, m, v);
        if (v == 0)
            continue;
        if (strncmp(m, "case.status.", 12) == 0)
            json_object_set_new(by_status, m + 12, json_integer(v));
        else if (strncmp(m, "case.category.", 14) == 0)
            json_object_set_new(by_category, m + 14, json_integer(v));
    }
    /* per child place: ratios, and the open cases for the map and the bar chart */
    struct children ch;
    if ((rc = children_tally(db, a, place, TALLY_LO, TALLY_HI, from, to_x, &ch, e)) != ERR_OK)
        goto fail;
    for (int i = 0; i < ch.n; i++) {
        const struct tally *t = &ch.t[i];
        if (t->open)
            json_object_set_new(open_by_place, ch.p[i].code, json_integer(t->open));
        if (t->received - t->rejected - t->merged <= 0)
            continue;
        json_t *row = ratios_json(t, ch.p[i].code);
        json_object_set_new(row, "name", json_string(ch.p[i].name));
        json_array_append_new(by_place, row);
    }
    /* per month: the last twelve unless asked */
    int default_range = from == NULL;
    if (default_range) {
        counter_month(now - 335 * 86400, month_from);
        from = month_from;
    }
    if ((rc = counters_by_month(db, a, place, "case.", from, to_x, &r, e)) != ERR_OK)
        goto fail;
    for (int i = 0; i < r.nrows;) {
        const char *period = dbrows_get(&r, i, 0);
        struct tally t = {0};
        for (; i < r.nrows && strcmp(dbrows_get(&r, i, 0), period) == 0; i++)
            tally_add(&t, dbrows_get(&r, i, 1), dbrows_int(&r, i, 2));
        if (t.received - t.rejected - t.merged > 0)
            json_array_append_new(by_month, ratios_json(&t, period));
    }
    /* per day: cases received, over the months asked or the last 30 days */
    if (default_range)
        counter_day(now - 29 * 86400, day_from);
    else
        snprintf(day_from, sizeof(day_from), "%s", from);
    if ((rc = counters_by_day(db, a, place, "case.received", day_from, to_x, &r, e)) != ERR_OK)
        goto fail;
    for (int i = 0; i < r.nrows; i++)
        json_object_set_new(by_day, dbrows_get(&r, i, 0), json_integer(dbrows_int(&r, i, 1)));
    /* open cases whatever the months, and those past their stage's deadline now */
    if ((rc = counters_sum_months(db, a, place, "case.status.", NULL, NULL, &r, e)) != ERR_OK)
        goto fail;
    struct tally now_t = {0};
    for (int i = 0; i < r.nrows; i++)
        tally_add(&now_t, dbrows_get(&r, i, 0), dbrows_int(&r, i, 1));
    rc = db_query(db, a, &r, e,
                  strcmp(db_backend(db), "postgres") == 0
                      ? "SELECT count(*) FROM cases WHERE " OPEN_SQL " AND stage_due_at < ? AND "
                        "place_code COLLATE \"C\" >= ? AND place_code COLLATE \"C\" < ?"
                      : "SELECT count(*) FROM cases WHERE " OPEN_SQL " AND stage_due_at < ? AND "
                        "place_code >= ? AND place_code < ?",
                  DB_ARGS(DBI(now), DBS(place), DBS(arena_printf(a, "%s;", place))));
    if (rc != ERR_OK)
        goto fail;
    json_t *summary = ratios_json(&all, NULL);
    /* received counts every case, rejected and merged too (given apart); cases, the ones
     * that should be closed, is the ratios' denominator */
    json_object_set_new(summary, "rejected", json_integer(all.rejected));
    json_object_set_new(summary, "merged", json_integer(all.merged));
    json_object_set_new(summary, "open", json_integer(now_t.open));
    json_object_set_new(summary, "overdue", json_integer(dbrows_int(&r, 0, 0)));
    *out = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "place", place, "summary", summary,
                     "by_status", by_status, "by_category", by_category, "open_by_place",
                     open_by_place, "by_day", by_day, "by_place", by_place, "by_month", by_month);
    return ERR_OK;
fail:
    json_decref(by_status);
    json_decref(by_category);
    json_decref(by_place);
    json_decref(open_by_place);
    json_decref(by_day);
    json_decref(by_month);
    return rc;
}

int stats_map(struct db *db, struct arena *a, const char *place, json_t **out, struct err *e)
{
    struct dbrows r;
    struct children ch;
    int rc = db_query(db, a, &r, e,
                      "SELECT p.code, p.name, b.geometry FROM places p JOIN place_boundaries b ON "
                      "b.place_code = p.code WHERE p.parent_code = ? ORDER BY p.code",
                      DB_ARGS(DBS(place)));
    if (rc != ERR_OK || (rc = children_tally(db, a, place, "case.status.", "case.status/", NULL,
                                             NULL, &ch, e)) != ERR_OK)
        return rc;
    json_t *features = json_array();
    for (int i = 0; i < r.nrows; i++) {
        int k = child_find(&ch, dbrows_get(&r, i, 0));
        json_t *g = json_loads(dbrows_get(&r, i, 2), 0, NULL);
        json_array_append_new(features,
                              json_pack("{s:s, s:o, s:{s:s, s:s, s:I}}", "type", "Feature",
                                        "geometry", g ? g : json_null(), "properties", "code",
                                        dbrows_get(&r, i, 0), "name", dbrows_get(&r, i, 1), "open",
                                        (json_int_t)(k >= 0 ? ch.t[k].open : 0)));
    }
    *out = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
    return ERR_OK;
}
