/* enterprise_figures.c - the figures officials quote about the service of enterprises, per
 * place and period: enterprises on the register, enterprises served (visited in the period),
 * visits, problems raised and solved (cases of the channel enterprise_visit created, and
 * closed, in the period), cadres assigned. Each figure is a query grouped by the place itself
 * (the total) and one grouped by its direct children. */
#include "domain/place.h"
#include "domain/service.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

enum { FG_ENTERPRISES, FG_SERVED, FG_VISITS, FG_RAISED, FG_SOLVED, FG_CADRES, FG__COUNT };

static const char *const names[FG__COUNT] = {"enterprises",     "enterprises_served", "visits",
                                             "problems_raised", "problems_solved",    "cadres"};

/* Each query gives (the code of the child place the row lies under, the count); the
 * parameters are: the child code length, the place's prefix, then the period's bounds. */
static const char *const sql[FG__COUNT] = {
    [FG_ENTERPRISES] = "SELECT substr(place_code, 1, ?), count(*) FROM enterprises WHERE "
                       "place_code LIKE ? AND archived_at IS NULL GROUP BY 1",
    [FG_SERVED] = "SELECT substr(place_code, 1, ?), count(DISTINCT enterprise_id) FROM visits "
                  "WHERE place_code LIKE ? AND archived_at IS NULL AND visited_on BETWEEN ? AND ? "
                  "GROUP BY 1",
    [FG_VISITS] = "SELECT substr(place_code, 1, ?), count(*) FROM visits WHERE place_code LIKE ? "
                  "AND archived_at IS NULL AND visited_on BETWEEN ? AND ? GROUP BY 1",
    [FG_RAISED] = "SELECT substr(place_code, 1, ?), count(*) FROM cases WHERE place_code LIKE ? "
                  "AND channel = 'enterprise_visit' AND created_at BETWEEN ? AND ? GROUP BY 1",
    [FG_SOLVED] = "SELECT substr(place_code, 1, ?), count(*) FROM cases WHERE place_code LIKE ? "
                  "AND channel = 'enterprise_visit' AND status = 'closed' AND closed_at BETWEEN ? "
                  "AND ? GROUP BY 1",
    [FG_CADRES] = "SELECT substr(place_code, 1, ?), count(DISTINCT user_id) FROM "
                  "cadre_assignments WHERE place_code LIKE ? GROUP BY 1",
};

/* Seconds of the day's start (Asia/Shanghai), or -1. */
static int64_t day_start(const char *date)
{
    int y, m, d;
    char tail;
    if (sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    return (int64_t)timegm(&tm) - 8 * 3600;
}

int enterprise_figures(struct db *db, struct arena *a, const struct user *u, const char *place,
                       const char *from, const char *to, struct jsonw *w, struct err *e)
{
    struct target t = {.place = place};
    struct dbrows kids, rows;
    if (!authz_verb_allow(u, reg_enterprises.grants, V_READ, &t))
        return err_set(e, ERR_FORBIDDEN, "place", "地点 %s 不在您的管辖范围内", place);
    if (strcmp(from, to) > 0)
        return err_set(e, ERR_INVALID, "to", "'to' comes on or after 'from'");
    int rc = db_query(db, a, &kids, e,
                      "SELECT code, name FROM places WHERE parent_code = ? ORDER BY code",
                      DB_ARGS(DBS(place)));
    if (rc != ERR_OK)
        return rc;
    struct dbrows self;
    if ((rc = db_query(db, a, &self, e, "SELECT name FROM places WHERE code = ?",
                       DB_ARGS(DBS(place)))) != ERR_OK)
        return rc;
    if (self.nrows == 0)
        return err_set(e, ERR_NOT_FOUND, "place", "no place %s", place);
    int nk = kids.nrows;
    int64_t *count = arena_alloc(a, sizeof(int64_t) * (size_t)(nk + 1) * FG__COUNT);
    memset(count, 0, sizeof(int64_t) * (size_t)(nk + 1) * FG__COUNT);
    int64_t klen = nk ? (int64_t)strlen(dbrows_get(&kids, 0, 0)) : 0;
    int64_t t0 = day_start(from), t1 = day_start(to) + 86400 - 1;
    const char *like = arena_printf(a, "%s%%", place);
    for (int f = 0; f < FG__COUNT; f++) {
        int dated = f != FG_ENTERPRISES && f != FG_CADRES;
        int by_time = f == FG_RAISED || f == FG_SOLVED;
        /* pass 0 groups by the place itself (the total: enterprises and cadres counted once
         * even where they lie under several children), pass 1 by its children */
        for (int pass = 0; pass < (nk ? 2 : 1); pass++) {
            struct dbv args[4] = {DBI(pass ? klen : (int64_t)strlen(place)), DBS(like),
                                  by_time ? DBI(t0) : DBS(from), by_time ? DBI(t1) : DBS(to)};
            if ((rc = db_query(db, a, &rows, e, sql[f], args, dated ? 4 : 2)) != ERR_OK)
                return rc;
            for (int i = 0; i < rows.nrows; i++) {
                const char *code = dbrows_get(&rows, i, 0);
                int64_t n = dbrows_int(&rows, i, 1);
                for (int k = 0; k <= nk; k++) {
                    const char *at = k ? dbrows_get(&kids, k - 1, 0) : place;
                    if ((k > 0) == pass && strcmp(code, at) == 0)
                        count[(size_t)k * FG__COUNT + (size_t)f] += n;
                }
            }
        }
    }
    jw_obj(w);
    jw_kstr(w, "place", place);
    jw_kstr(w, "name", dbrows_get(&self, 0, 0));
    jw_kstr(w, "from", from);
    jw_kstr(w, "to", to);
    jw_key(w, "totals");
    jw_obj(w);
    for (int f = 0; f < FG__COUNT; f++)
        jw_kint(w, names[f], count[f]);
    jw_end_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    for (int k = 0; k < nk; k++) {
        jw_obj(w);
        jw_kstr(w, "place", dbrows_get(&kids, k, 0));
        jw_kstr(w, "name", dbrows_get(&kids, k, 1));
        for (int f = 0; f < FG__COUNT; f++)
            jw_kint(w, names[f], count[(size_t)(k + 1) * FG__COUNT + (size_t)f]);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}
