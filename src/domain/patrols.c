/* patrols.c - the grid worker's patrol log (巡查日志) as a registry: a grid worker (or the grid
 * leader) records each patrol of their own grid, the date, when it began and ended, the route,
 * the points visited, what was found and the cases reported on the way; the offices above read
 * them. A patrol counts for the month of its date (dated_by), however late it was written, so
 * the index's patrols per grid worker (reg.patrols / user.role.grid_worker) follows the month
 * the patrols were walked. */
#include "domain/patrols.h"
#include "core/util.h"
#include "domain/counters.h"
#include "domain/place.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int patrol_check_time(const char *in, char *out, size_t outsz, const char *field, struct err *e)
{
    int h, m, n = 0;
    if (sscanf(in, "%2d:%2d%n", &h, &m, &n) != 2 || in[n] != '\0' || h < 0 || h > 23 || m < 0 ||
        m > 59 || strlen(in) < 4)
        return err_set(e, ERR_INVALID, field, "%s 须为时间 HH:MM（如 08:30）", field);
    snprintf(out, outsz, "%02d:%02d", h, m);
    return ERR_OK;
}

static const struct reg_field patrol_fields[] = {
    [PT_GRID] = {.name = "grid",
                 .column = "grid_code",
                 .label = "网格",
                 .label_en = "Grid",
                 .type = FT_PLACE,
                 .flags = F_REQ | F_SCOPE | F_IMMUTABLE | F_LIST | F_FILTER,
                 .levels = PLACE_LEVEL_BIT(PL_GRID)},
    [PT_DATE] = {.name = "date",
                 .label = "巡查日期",
                 .label_en = "Date",
                 .type = FT_DATE,
                 .flags = F_REQ | F_LIST | F_FILTER},
    [PT_START] = {.name = "start_time",
                  .label = "开始时间",
                  .label_en = "Start",
                  .type = FT_TEXT,
                  .flags = F_REQ | F_LIST,
                  .max = 5,
                  .check = patrol_check_time},
    [PT_END] = {.name = "end_time",
                .label = "结束时间",
                .label_en = "End",
                .type = FT_TEXT,
                .flags = F_REQ | F_LIST,
                .max = 5,
                .check = patrol_check_time},
    [PT_ROUTE] = {.name = "route",
                  .label = "巡查路线",
                  .label_en = "Route",
                  .type = FT_TEXT,
                  .flags = F_LIST | F_SEARCH,
                  .max = 500,
                  .dflt = ""},
    [PT_POINTS] = {.name = "points",
                   .label = "巡查点位数",
                   .label_en = "Points visited",
                   .type = FT_INT,
                   .flags = F_LIST,
                   .min = 0,
                   .max = 500,
                   .dflt = "0"},
    [PT_FINDINGS] = {.name = "findings",
                     .label = "发现情况",
                     .label_en = "Findings",
                     .type = FT_TEXT,
                     .flags = F_LIST | F_SEARCH,
                     .max = 1000,
                     .dflt = ""},
    [PT_CASES] = {.name = "cases",
                  .label = "上报事件编号",
                  .label_en = "Cases reported",
                  .type = FT_TAGS,
                  .max = 20,
                  .dflt = "[]"},
    [PT_WORKER] = {.name = "worker",
                   .label = "巡查人",
                   .label_en = "Patrolled by",
                   .type = FT_TEXT,
                   .flags = F_READONLY | F_LIST | F_NOCSV,
                   .max = 60},
};

/* A patrol already walked (not a future date), ending after it began, naming cases that exist;
 * the worker is who wrote it. */
static int patrol_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                        struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    char now[11];
    (void)r;
    counter_day(time(NULL), now); /* today in Asia/Shanghai */
    if (strcmp(rec->v[PT_DATE], now) > 0)
        return err_set(e, ERR_INVALID, "date", "巡查日期 %s 晚于今天，请在巡查后填写",
                       rec->v[PT_DATE]);
    if (strcmp(rec->v[PT_END], rec->v[PT_START]) <= 0)
        return err_set(e, ERR_INVALID, "end_time", "结束时间 %s 须晚于开始时间 %s", rec->v[PT_END],
                       rec->v[PT_START]);
    json_t *list = json_loads(rec->v[PT_CASES] ? rec->v[PT_CASES] : "[]", 0, NULL);
    size_t k;
    json_t *x;
    int rc = ERR_OK;
    json_array_foreach(list, k, x)
    {
        const char *id = json_string_value(x);
        struct dbrows rows;
        if (id == NULL || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18) {
            rc = err_set(e, ERR_INVALID, "cases", "上报事件编号须为事件的数字编号：“%.20s”",
                         id ? id : "");
            break;
        }
        if ((rc = db_query(db, c->a, &rows, e, "SELECT 1 FROM cases WHERE id = ?",
                           DB_ARGS(DBI(strtoll(id, NULL, 10))))) != ERR_OK)
            break;
        if (rows.nrows == 0) {
            rc = err_set(e, ERR_INVALID, "cases", "没有编号为 %s 的事件", id);
            break;
        }
    }
    json_decref(list);
    if (rc != ERR_OK)
        return rc;
    if (c->user != NULL)
        rec->v[PT_WORKER] = c->user->display_name ? c->user->display_name : c->user->username;
    else if (rec->v[PT_WORKER] == NULL)
        rec->v[PT_WORKER] = old && old->v[PT_WORKER] ? old->v[PT_WORKER] : "系统";
    return ERR_OK;
}

/* grid workers and leaders write their own grid's; the offices above read and export them */
const struct registry reg_patrols = {
    .id = REG_PATROLS,
    .name = "patrols",
    .label = "巡查日志",
    .label_en = "Patrol log",
    .table = "patrols",
    .key = "id",
    .scope = RS_PLACE,
    .fields = patrol_fields,
    .nfields = PT__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = V_READ | V_WRITE | V_IMPORT | V_EXPORT,
               [ROLE_STREET_OFFICE] = V_READ | V_EXPORT,
               [ROLE_COMMUNITY_OFFICE] = V_READ | V_EXPORT,
               [ROLE_GRID_LEADER] = V_READ | V_WRITE | V_EXPORT,
               [ROLE_GRID_WORKER] = V_READ | V_WRITE,
               [ROLE_PARTY_OFFICE] = V_READ},
    .rules = patrol_rules,
    .dated_by = "date",
};
