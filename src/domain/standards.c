/* standards.c - the grid-management standards (网格管理十条标准) as two registries: the
 * district's checklist (grid-standards, archived rather than deleted so past months keep their
 * items) and the monthly checks of each grid (standard-checks: one row per grid, month and item,
 * met or not, with a note and the evidence). A check counts in the counters for the month it
 * checks (dated_by), whenever it was ticked, so `index rebuild` recomputes the same figures. */
#include "domain/standards.h"
#include "core/util.h"
#include "domain/place.h"
#include "domain/workshop.h" /* field_check_month */

#include <stdio.h>
#include <string.h>
#include <time.h>

static int check_code(const char *in, char *out, size_t outsz, const char *field, struct err *e)
{
    size_t n = strlen(in);
    if (n == 0 || n > 20 || strspn(in, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
        return err_set(e, ERR_INVALID, field, "%s 为 1-20 个小写字母、数字、- 或 _", field);
    snprintf(out, outsz, "%s", in);
    return ERR_OK;
}

static const struct reg_field standard_fields[] = {
    [GS_CODE] = {.name = "code",
                 .label = "编号",
                 .label_en = "Code",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_UNIQUE | F_IMMUTABLE | F_LIST | F_FILTER,
                 .max = 20,
                 .check = check_code},
    [GS_NAME] = {.name = "name",
                 .label = "标准",
                 .label_en = "Standard",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST | F_SEARCH,
                 .max = 60},
    [GS_REQUIREMENT] = {.name = "requirement",
                        .label = "要求",
                        .label_en = "Requirement",
                        .type = FT_TEXT,
                        .flags = F_LIST | F_SEARCH,
                        .max = 500,
                        .dflt = ""},
    [GS_EVIDENCE] = {.name = "evidence",
                     .label = "佐证材料",
                     .label_en = "Evidence expected",
                     .type = FT_TEXT,
                     .max = 200,
                     .dflt = ""},
    [GS_SORT] = {.name = "sort_order",
                 .label = "顺序",
                 .label_en = "Order",
                 .type = FT_INT,
                 .flags = F_LIST,
                 .min = 0,
                 .max = 9999,
                 .dflt = "0"},
};

/* the district edits the checklist; the offices and grids that are checked read it */
const struct registry reg_grid_standards = {
    .id = REG_GRID_STANDARDS,
    .name = "grid-standards",
    .label = "网格管理标准",
    .label_en = "Grid-management standards",
    .table = "grid_standards",
    .key = "id",
    .scope = RS_GLOBAL,
    .opts = RO_ARCHIVE,
    .fields = standard_fields,
    .nfields = GS__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = V_READ | V_WRITE | V_IMPORT | V_EXPORT,
               [ROLE_STREET_OFFICE] = V_READ,
               [ROLE_COMMUNITY_OFFICE] = V_READ,
               [ROLE_GRID_LEADER] = V_READ,
               [ROLE_GRID_WORKER] = V_READ,
               [ROLE_PARTY_OFFICE] = V_READ},
    .conflict_field = "code",
};

static const struct reg_field check_fields[] = {
    [SC_GRID] = {.name = "grid",
                 .column = "grid_code",
                 .label = "网格",
                 .label_en = "Grid",
                 .type = FT_PLACE,
                 .flags = F_REQ | F_SCOPE | F_IMMUTABLE | F_LIST | F_FILTER,
                 .levels = PLACE_LEVEL_BIT(PL_GRID)},
    [SC_MONTH] = {.name = "month",
                  .label = "考评月份",
                  .label_en = "Month",
                  .type = FT_TEXT,
                  .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                  .max = 7,
                  .check = field_check_month},
    [SC_STANDARD] = {.name = "standard",
                     .column = "standard_id",
                     .label = "标准编号",
                     .label_en = "Standard",
                     .type = FT_REF,
                     .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                     .ref = "grid-standards"},
    [SC_MET] = {.name = "met",
                .label = "达标",
                .label_en = "Met",
                .type = FT_BOOL,
                .flags = F_REQ | F_LIST | F_FILTER | F_COUNT},
    [SC_NOTE] = {.name = "note",
                 .label = "说明",
                 .label_en = "Note",
                 .type = FT_TEXT,
                 .flags = F_LIST | F_SEARCH,
                 .max = 500,
                 .dflt = ""},
    [SC_EVIDENCE] = {.name = "evidence",
                     .label = "佐证",
                     .label_en = "Evidence",
                     .type = FT_TEXT,
                     .max = 500,
                     .dflt = ""},
    [SC_CHECKED_BY] = {.name = "checked_by",
                       .label = "考评人",
                       .label_en = "Checked by",
                       .type = FT_TEXT,
                       .flags = F_READONLY | F_LIST | F_NOCSV,
                       .max = 60},
    [SC_NAME] = {.name = "standard_name",
                 .label = "标准",
                 .label_en = "Standard",
                 .type = FT_TEXT,
                 .flags = F_READONLY | F_LIST | F_NOCSV,
                 .expr = "SELECT s.name FROM grid_standards s WHERE s.id = "
                         "standard_checks.standard_id"},
};

int standards_month_open(const char *month, int64_t now)
{
    char cur[8];
    time_t t = (time_t)now + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(cur, sizeof(cur), "%04u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u);
    return strlen(month) == 7 && strcmp(month, cur) <= 0;
}

/* A month that has begun, an item still on the checklist (when created), and who ticked it. */
static int check_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                       struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)r;
    if (old == NULL && !standards_month_open(rec->v[SC_MONTH], time(NULL)))
        return err_set(e, ERR_INVALID, "month", "不能考评尚未开始的月份 %s", rec->v[SC_MONTH]);
    if (old == NULL) {
        struct dbrows s;
        int rc = db_query(db, c->a, &s, e, "SELECT archived_at FROM grid_standards WHERE id = ?",
                          DB_ARGS(DBS(rec->v[SC_STANDARD])));
        if (rc != ERR_OK)
            return rc;
        if (s.nrows == 1 && dbrows_get(&s, 0, 0) != NULL)
            return err_set(e, ERR_INVALID, "standard", "标准 %s 已停用，不再考评",
                           rec->v[SC_STANDARD]);
    }
    rec->v[SC_CHECKED_BY] =
        c->user ? (c->user->display_name ? c->user->display_name : c->user->username) : "系统";
    return ERR_OK;
}

const struct registry reg_standard_checks = {
    .id = REG_STANDARD_CHECKS,
    .name = "standard-checks",
    .label = "网格标准考评",
    .label_en = "Standard checks",
    .table = "standard_checks",
    .key = "id",
    .scope = RS_PLACE,
    .fields = check_fields,
    .nfields = SC__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = V_READ | V_WRITE | V_IMPORT | V_EXPORT,
               [ROLE_STREET_OFFICE] = V_READ | V_WRITE | V_IMPORT | V_EXPORT,
               [ROLE_COMMUNITY_OFFICE] = V_READ | V_WRITE | V_IMPORT | V_EXPORT,
               [ROLE_GRID_LEADER] = V_READ | V_EXPORT,
               [ROLE_GRID_WORKER] = V_READ,
               [ROLE_PARTY_OFFICE] = V_READ},
    .conflict_field = "standard",
    .rules = check_rules,
    .dated_by = "month",
};
