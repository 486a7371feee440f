/* demo_patrols.c - the demonstration's patrol log (巡查日志): 李明 (博文社区第一网格) walks his
 * grid every working day of last month and this month so far; 陈静 (第二网格, newly in post, the
 * standards' s03 note) every other working day, so the two grids' patrols per grid worker
 * differ. Both are taken as in post since last month began (their roles' grant), so last
 * month's figure applies. Routes follow 春江花城's e-bike sheds from the article. */
#include "core/util.h"
#include "domain/calendar.h"
#include "domain/demo.h"
#include "domain/grid_counters.h"
#include "domain/patrols.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct {
    const char *username, *grid, *route, *findings[3];
    int every; /* a patrol every N-th working day */
    int last;  /* last month: only its last N working days (0: every one) */
} walkers[] = {
    {"gridworker",
     "330604002007001",
     "江扬路—春江花城 1-8 幢—电动车充电棚—沿街商铺",
     {"", "春江花城 3 幢楼道堆放杂物，已劝离", "充电棚一处插座松动，已报物业"},
     1,
     0},
    {"gridworker2",
     "330604002007002",
     "春江花城 9-16 幢—地下车库—小区东门",
     {"", "2 幢楼道有电动车充电，已劝导", ""},
     2,
     6},
};

static int seed_fn(struct db *db, void *arg, struct err *e)
{
    struct arena a;
    arena_init(&a, 0);
    struct reg_ctx c = {.a = &a};
    const struct calendar *cal = calendar_cached(db, e);
    int rc = cal ? ERR_OK : e->code;
    (void)arg;
    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&now, &tm);
    int y = tm.tm_year + 1900, m = tm.tm_mon;
    if (m == 0)
        m = 12, y--;
    /* the first day of last month, local */
    int64_t first = days_from_civil(y, (unsigned)m, 1), last = (int64_t)(now / 86400);
    for (size_t w = 0; rc == ERR_OK && w < ARRAY_LEN(walkers); w++) {
        /* in post since last month began: the grant dates the grid-worker counter */
        struct dbrows u;
        rc = db_query(db, &a, &u, e, "SELECT id, display_name FROM users WHERE username = ?",
                      DB_ARGS(DBS(walkers[w].username)));
        if (rc != ERR_OK || u.nrows == 0)
            continue;
        int64_t uid = dbrows_int(&u, 0, 0);
        if ((rc = grid_counted_workers(db, uid, -1, e)) != ERR_OK ||
            (rc = db_exec(db, e,
                          "UPDATE user_roles SET granted_at = ? WHERE user_id = ? AND role = "
                          "'grid_worker'",
                          DB_ARGS(DBI(first * 86400 - 28800), DBI(uid)))) < 0 ||
            (rc = grid_counted_workers(db, uid, +1, e)) != ERR_OK)
            break;
        /* last month's working days, to start its last N of them */
        int64_t this_month = days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1, 1);
        int left = 0, nth = 0;
        for (int64_t d = first; d < this_month; d++)
            left += calendar_is_workday(cal, calendar_ymd_from_days(d));
        for (int64_t d = first; rc == ERR_OK && d <= last; d++) {
            int ymd = calendar_ymd_from_days(d);
            if (!calendar_is_workday(cal, ymd))
                continue;
            if (d < this_month) {
                if (walkers[w].last && left-- > walkers[w].last)
                    continue;
            } else if (nth++ % walkers[w].every != 0) {
                continue;
            }
            char date[11];
            snprintf(date, sizeof(date), "%04u-%02u-%02u", (unsigned)(ymd / 10000) % 10000u,
                     (unsigned)(ymd / 100 % 100), (unsigned)(ymd % 100));
            json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s}", "grid", walkers[w].grid,
                                  "date", date, "start_time", "08:30", "end_time", "10:00", "route",
                                  walkers[w].route, "points", 12 + (int)(d % 5), "findings",
                                  walkers[w].findings[d % 3]);
            struct reg_rec rec; /* written by the worker: the log names them */
            reg_rec_init(&reg_patrols, &a, &rec);
            if ((rc = reg_from_json(&reg_patrols, &a, o, &rec, e)) == ERR_OK &&
                (rc = reg_check(&reg_patrols, &a, &rec, 1, e)) == ERR_OK) {
                rec.v[PT_WORKER] = dbrows_get(&u, 0, 1);
                rc = reg_insert(db, &c, &reg_patrols, &rec, e);
            }
            json_decref(o);
        }
    }
    arena_free(&a);
    return rc < 0 ? rc : ERR_OK;
}

int demo_patrols_seed(struct store *s, struct err *e)
{
    return store_write(s, seed_fn, NULL, e);
}
