/* alliance.c - party-building alliances: several places (or a platform's member units) that
 * share a brand, themes and joint projects, their members (a place with its organisation and
 * brand), and the figures the alliance reports per period (visitors, tourism revenue, output,
 * jobs) for a member or for the whole, with their trend and per-member split. A figure's unit
 * is one of a fixed list, a metric keeps one unit, and a period is reported once per place. */
#include "domain/alliance.h"
#include "core/util.h"
#include "domain/place.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RWIE (V_READ | V_WRITE | V_IMPORT | V_EXPORT)

/* the district and the party offices set alliances up; the lead town's office reports */
#define ALLIANCE_GRANTS                                                                            \
    {                                                                                              \
        [ROLE_DISTRICT_ADMIN] = RWIE, [ROLE_PARTY_OFFICE] = RWIE, [ROLE_STREET_OFFICE] = RWIE,     \
        [ROLE_COMMUNITY_OFFICE] = V_READ | V_EXPORT,                                               \
    }

static const struct reg_option alliance_kinds[] = {
    {"area", "片区联建"}, {"platform", "平台联建"}, {NULL, NULL}};

static const struct reg_field alliance_fields[] = {
    [AL_NAME] = {.name = "name",
                 .label = "联建名称",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_UNIQUE | F_LIST | F_SEARCH,
                 .max = 60},
    [AL_KIND] = {.name = "kind",
                 .label = "类型",
                 .label_en = "Kind",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_LIST | F_FILTER,
                 .options = alliance_kinds},
    [AL_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "牵头区域",
                  .label_en = "Lead place",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_IMMUTABLE | F_LIST,
                  .levels = PLACE_LEVELS_ANY},
    [AL_BRAND] = {.name = "brand",
                  .label = "品牌",
                  .label_en = "Brand",
                  .type = FT_TEXT,
                  .flags = F_LIST | F_SEARCH,
                  .max = 60},
    [AL_THEMES] = {.name = "themes",
                   .label = "主题",
                   .label_en = "Themes",
                   .type = FT_TAGS,
                   .max = 10,
                   .dflt = "[]"},
    [AL_PROJECTS] = {.name = "projects",
                     .label = "联建项目",
                     .label_en = "Joint projects",
                     .type = FT_TAGS,
                     .max = 20,
                     .dflt = "[]"},
    [AL_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

const struct registry reg_alliances = {
    .id = REG_ALLIANCES,
    .name = "alliances",
    .label = "党建联建",
    .label_en = "Alliances",
    .table = "alliances",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = alliance_fields,
    .nfields = AL__COUNT,
    .grants = ALLIANCE_GRANTS,
    .conflict_field = "name",
};

#define ALLIANCE_FIELD                                                                             \
    {                                                                                              \
        .name = "alliance", .column = "alliance_id", .label = "联建编号", .label_en = "Alliance",  \
        .type = FT_REF, .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER, .ref = "alliances"       \
    }
#define ALLIANCE_PLACE_FIELD                                                                       \
    {                                                                                              \
        .name = "alliance_place", .label = "牵头区域", .label_en = "Lead place", .type = FT_PLACE, \
        .flags = F_READONLY | F_SCOPE, .levels = PLACE_LEVELS_ANY                                  \
    }

static const struct reg_field member_fields[] = {
    [AM_ALLIANCE] = ALLIANCE_FIELD,
    [AM_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "成员村社",
                  .label_en = "Member place",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_IMMUTABLE | F_LIST,
                  .levels = PLACE_LEVELS_ANY},
    [AM_NAME] = {.name = "name",
                 .label = "名称",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_READONLY | F_LIST | F_NOCSV,
                 .expr = "SELECT p.name FROM places p WHERE p.code = alliance_members.place_code"},
    [AM_ORG] = {.name = "org",
                .column = "org_id",
                .label = "成员党组织",
                .label_en = "Organisation",
                .type = FT_REF,
                .flags = F_LIST,
                .ref = "party-orgs"},
    [AM_BRAND] = {.name = "brand",
                  .label = "品牌",
                  .label_en = "Brand",
                  .type = FT_TEXT,
                  .flags = F_LIST | F_SEARCH,
                  .max = 60},
    [AM_ALLIANCE_PLACE] = ALLIANCE_PLACE_FIELD,
    [AM_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 200},
};

static int member_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                        struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)r, (void)old;
    return reg_copy_from(db, c, rec, AM_ALLIANCE_PLACE, AM_ALLIANCE, "alliances", "place_code", 0,
                         e);
}

const struct registry reg_alliance_members = {
    .id = REG_ALLIANCE_MEMBERS,
    .name = "alliance-members",
    .label = "联建成员",
    .label_en = "Alliance members",
    .table = "alliance_members",
    .key = "id",
    .scope = RS_PLACE,
    .fields = member_fields,
    .nfields = AM__COUNT,
    .grants = ALLIANCE_GRANTS,
    .conflict_field = "place",
    .rules = member_rules,
};

/* Units a figure may be reported in; money is in yuan as the page shows it, stored in fen. */
static const struct reg_option units[] = {
    {"person_time", "人次"}, {"person", "人"}, {"yuan", "元"}, {"job", "个岗位"},
    {"household", "户"},     {"item", "个"},   {NULL, NULL}};

static const struct reg_field figure_fields[] = {
    [AF_ALLIANCE] = ALLIANCE_FIELD,
    [AF_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "村社（或联建整体）",
                  .label_en = "Place (or the whole)",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_LIST | F_FILTER,
                  .levels = PLACE_LEVELS_ANY},
    [AF_METRIC] = {.name = "metric",
                   .label = "指标",
                   .label_en = "Metric",
                   .type = FT_TEXT,
                   .flags = F_REQ | F_LIST | F_FILTER,
                   .max = 30},
    [AF_UNIT] = {.name = "unit",
                 .label = "单位",
                 .label_en = "Unit",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_LIST,
                 .options = units},
    [AF_PERIOD] = {.name = "period",
                   .label = "期间",
                   .label_en = "Period",
                   .type = FT_TEXT,
                   .flags = F_REQ | F_LIST | F_FILTER,
                   .max = 7,
                   .check = cadre_check_period},
    [AF_VALUE] = {.name = "value",
                  .label = "数值（金额以分计）",
                  .label_en = "Value (money in fen)",
                  .type = FT_INT,
                  .flags = F_REQ | F_LIST,
                  .min = 0,
                  .max = INT64_MAX / 4},
    [AF_ALLIANCE_PLACE] = ALLIANCE_PLACE_FIELD,
    [AF_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 200},
};

/* A figure is the whole alliance's (its lead place) or a member's; a metric keeps its unit. */
static int figure_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                        struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    (void)r;
    int64_t alliance = strtoll(rec->v[AF_ALLIANCE], NULL, 10);
    int rc =
        reg_copy_from(db, c, rec, AF_ALLIANCE_PLACE, AF_ALLIANCE, "alliances", "place_code", 0, e);
    if (rc != ERR_OK)
        return rc;
    if (strcmp(rec->v[AF_PLACE], rec->v[AF_ALLIANCE_PLACE]) != 0) {
        rc = db_query(db, c->a, &rows, e,
                      "SELECT 1 FROM alliance_members WHERE alliance_id = ? AND place_code = ?",
                      DB_ARGS(DBI(alliance), DBS(rec->v[AF_PLACE])));
        if (rc != ERR_OK)
            return rc;
        if (rows.nrows == 0)
            return err_set(e, ERR_INVALID, "place", "%s 不是该联建的成员，也不是其牵头区域 %s",
                           rec->v[AF_PLACE], rec->v[AF_ALLIANCE_PLACE]);
    }
    rc = db_query(db, c->a, &rows, e,
                  "SELECT unit FROM alliance_figures WHERE alliance_id = ? AND metric = ? AND id "
                  "<> ? AND unit <> ? LIMIT 1",
                  DB_ARGS(DBI(alliance), DBS(rec->v[AF_METRIC]), DBI(old ? old->id : 0),
                          DBS(rec->v[AF_UNIT])));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows > 0)
        return err_set(e, ERR_INVALID, "unit", "指标“%s”已按单位 %s 填报，单位须一致",
                       rec->v[AF_METRIC], dbrows_get(&rows, 0, 0));
    return ERR_OK;
}

const struct registry reg_alliance_figures = {
    .id = REG_ALLIANCE_FIGURES,
    .name = "alliance-figures",
    .label = "联建成效数据",
    .label_en = "Alliance figures",
    .table = "alliance_figures",
    .key = "id",
    .scope = RS_PLACE,
    .fields = figure_fields,
    .nfields = AF__COUNT,
    .grants = ALLIANCE_GRANTS,
    .conflict_field = "period",
    .rules = figure_rules,
};

/* ---- the figures of one alliance ---- */

int alliance_figures(struct db *db, struct reg_ctx *c, const char *id, const char *from,
                     const char *to, struct jsonw *w, struct err *e)
{
    struct reg_rec al;
    struct dbrows mem, fig;
    int rc = reg_get(db, c, &reg_alliances, id, &al, e);
    if (rc != ERR_OK)
        return rc;
    if (al.archived_at != 0)
        return err_set(e, ERR_NOT_FOUND, "id", "联建 %s 已归档", id);
    rc = db_query(db, c->a, &mem, e,
                  "SELECT m.place_code, p.name, m.brand FROM alliance_members m JOIN places p ON "
                  "p.code = m.place_code WHERE m.alliance_id = ? ORDER BY m.place_code",
                  DB_ARGS(DBI(al.id)));
    if (rc != ERR_OK)
        return rc;
    /* periods compare as text within one form; a range bound of another form is cut to it */
    rc = db_query(
        db, c->a, &fig, e,
        "SELECT metric, unit, period, place_code, value FROM alliance_figures WHERE "
        "alliance_id = ? AND period >= ? AND period <= ? ORDER BY metric, period, "
        "place_code",
        DB_ARGS(DBI(al.id), DBS(from ? from : ""), DBS(to ? arena_printf(c->a, "%s~", to) : "~")));
    if (rc != ERR_OK)
        return rc;
    jw_obj(w);
    jw_key(w, "alliance");
    reg_write_json(w, c, &reg_alliances, &al);
    jw_kstr(w, "from", from);
    jw_kstr(w, "to", to);
    jw_key(w, "members");
    jw_arr(w);
    for (int i = 0; i < mem.nrows; i++) {
        jw_obj(w);
        jw_kstr(w, "place", dbrows_get(&mem, i, 0));
        jw_kstr(w, "name", dbrows_get(&mem, i, 1));
        jw_kstr(w, "brand", dbrows_get(&mem, i, 2));
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_key(w, "metrics");
    jw_arr(w);
    const char *lead = al.v[AL_PLACE];
    for (int i = 0; i < fig.nrows;) {
        const char *metric = dbrows_get(&fig, i, 0);
        int end = i;
        while (end < fig.nrows && strcmp(dbrows_get(&fig, end, 0), metric) == 0)
            end++;
        jw_obj(w);
        jw_kstr(w, "metric", metric);
        jw_kstr(w, "unit", dbrows_get(&fig, i, 1));
        /* the periods, and per period the total: the whole's own figure if reported, else the
         * members' sum */
        jw_key(w, "periods");
        jw_arr(w);
        for (int k = i; k < end; k++) {
            if (k == i || strcmp(dbrows_get(&fig, k, 2), dbrows_get(&fig, k - 1, 2)) != 0)
                jw_str(w, dbrows_get(&fig, k, 2));
        }
        jw_end_arr(w);
        jw_key(w, "total");
        jw_arr(w);
        for (int k = i; k < end;) {
            const char *period = dbrows_get(&fig, k, 2);
            int64_t sum = 0, whole = -1;
            for (; k < end && strcmp(dbrows_get(&fig, k, 2), period) == 0; k++) {
                if (strcmp(dbrows_get(&fig, k, 3), lead) == 0)
                    whole = dbrows_int(&fig, k, 4);
                else
                    sum += dbrows_int(&fig, k, 4);
            }
            jw_int(w, whole >= 0 ? whole : sum);
        }
        jw_end_arr(w);
        jw_key(w, "by_member");
        jw_arr(w);
        for (int m = 0; m < mem.nrows; m++) {
            const char *place = dbrows_get(&mem, m, 0);
            jw_obj(w);
            jw_kstr(w, "place", place);
            jw_kstr(w, "name", dbrows_get(&mem, m, 1));
            jw_key(w, "values");
            jw_arr(w);
            for (int k = i; k < end;) {
                const char *period = dbrows_get(&fig, k, 2);
                const char *v = NULL;
                for (; k < end && strcmp(dbrows_get(&fig, k, 2), period) == 0; k++) {
                    if (strcmp(dbrows_get(&fig, k, 3), place) == 0)
                        v = dbrows_get(&fig, k, 4);
                }
                if (v != NULL)
                    jw_raw(w, v);
                else
                    jw_null(w);
            }
            jw_end_arr(w);
            jw_end_obj(w);
        }
        jw_end_arr(w);
        jw_end_obj(w);
        i = end;
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}
