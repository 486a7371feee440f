/* demo_standards.c - the demonstration's grid-management standards (网格管理十条标准): 博文社区's
 * three grids and 舜源村's two ticked by their offices for the last three months. 博文社区第二网格
 * slipped last month (patrols, the e-bike charging hazard of 春江花城 left open, the daily log),
 * so the index's early warning names it; the notes follow the article's practice. */
#include "core/util.h"
#include "domain/demo.h"
#include "domain/standards.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* months: 0 = two months ago, 1 = last month, 2 = this month; unmet items with their note */
static const struct {
    const char *grid;
    int month;
    const char *unmet[4], *notes[4];
} sheets[] = {
    {"330604002007001", 0, {NULL}, {NULL}},
    {"330604002007001", 1, {NULL}, {NULL}},
    {"330604002007001", 2, {"s06"}, {"春江花城新建充电棚验收中，楼道充电隐患待复查"}},
    {"330604002007002", 0, {NULL}, {NULL}},
    {"330604002007002",
     1,
     {"s03", "s06", "s08"},
     {"网格员调整，困难家庭走访完成 6 户中的 3 户", "春江花城 2 幢楼道电动车充电隐患未整改闭环",
      "民情日志缺 5 天"}},
    {"330604002007002", 2, {"s08"}, {"民情日志本月起每日补记"}},
    {"330604002007003", 0, {"s09"}, {"网格员调整后公示牌未更新"}},
    {"330604002007003", 1, {"s09"}, {"公示牌制作中"}},
    {"330604002007003", 2, {NULL}, {NULL}},
    {"330604007317001", 1, {NULL}, {NULL}},
    {"330604007317001", 2, {NULL}, {NULL}},
    {"330604007317002", 1, {"s05"}, {"一起宅基地边界纠纷调解中"}},
    {"330604007317002", 2, {NULL}, {NULL}},
};

static void month_back(int back, char out[8])
{
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    int y = tm.tm_year + 1900, m = tm.tm_mon + 1 - back;
    while (m < 1)
        m += 12, y--;
    snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
}

static int seed_fn(struct db *db, void *arg, struct err *e)
{
    struct arena a;
    struct dbrows s;
    (void)arg;
    arena_init(&a, 0);
    struct reg_ctx c = {.a = &a};
    int rc = db_query(db, &a, &s, e,
                      "SELECT id, code FROM grid_standards WHERE archived_at IS NULL ORDER BY "
                      "sort_order, id",
                      DB_NOARGS);
    for (size_t i = 0; rc == ERR_OK && i < ARRAY_LEN(sheets); i++) {
        char month[8];
        month_back(2 - sheets[i].month, month);
        for (int k = 0; rc == ERR_OK && k < s.nrows; k++) {
            const char *code = dbrows_get(&s, k, 1), *note = "";
            int met = 1;
            for (int u = 0; u < 4 && sheets[i].unmet[u]; u++)
                if (strcmp(sheets[i].unmet[u], code) == 0)
                    met = 0, note = sheets[i].notes[u];
            json_t *o =
                json_pack("{s:s, s:s, s:I, s:b, s:s}", "grid", sheets[i].grid, "month", month,
                          "standard", (json_int_t)dbrows_int(&s, k, 0), "met", met, "note", note);
            struct reg_rec rec;
            rc = reg_create_json(db, &c, &reg_standard_checks, o, &rec, e);
            json_decref(o);
        }
    }
    arena_free(&a);
    return rc;
}

int demo_standards_seed(struct store *s, struct err *e)
{
    return store_write(s, seed_fn, NULL, e);
}
