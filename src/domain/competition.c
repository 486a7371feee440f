/* competition.c - the registries of competitions: a round of a campaign (a series such as
 * 领雁争先赛 keeps one round per month, quarter or year), its criteria with weights and scoring
 * rules, its entries (people, places or projects) and its judges (users). Criteria, entries
 * and judges belong to the round's place, and none of them changes once the round is
 * published. Scores, the ranking and publication are actions (competition_flow.c). */
#include "domain/competition.h"
#include "core/util.h"
#include "domain/place.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RWE (V_READ | V_WRITE | V_EXPORT)

/* district administrators and the party offices run competitions; offices read their own */
#define COMP_GRANTS                                                                                \
    {                                                                                              \
        [ROLE_DISTRICT_ADMIN] = RWE, [ROLE_PARTY_OFFICE] = RWE,                                    \
        [ROLE_STREET_OFFICE] = V_READ | V_EXPORT, [ROLE_COMMUNITY_OFFICE] = V_READ,                \
    }

int competition_draft(struct db *db, struct arena *a, const char *id, const char *field,
                      struct err *e)
{
    struct dbrows rows;
    int rc = db_query(db, a, &rows, e, "SELECT status FROM competitions WHERE id = ?",
                      DB_ARGS(DBI(strtoll(id, NULL, 10))));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows == 1 && strcmp(dbrows_get(&rows, 0, 0), "published") == 0)
        return err_set(e, ERR_CONFLICT, field, "评比 %s 已发布，评分和设置均已冻结", id);
    return ERR_OK;
}

/* ---- rounds ---- */

static const struct reg_option entry_kinds[] = {
    {"person", "个人"}, {"place", "村社/地点"}, {"project", "项目"}, {NULL, NULL}};
static const struct reg_option comp_statuses[] = {
    {"draft", "评分中"}, {"published", "已发布"}, {NULL, NULL}};

static const struct reg_field comp_fields[] = {
    [CO_NAME] = {.name = "name",
                 .label = "评比名称",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST | F_SEARCH,
                 .max = 60},
    [CO_SERIES] = {.name = "series",
                   .label = "系列",
                   .label_en = "Series",
                   .type = FT_TEXT,
                   .flags = F_LIST | F_SEARCH | F_FILTER,
                   .max = 60},
    [CO_PERIOD] = {.name = "period",
                   .label = "期次",
                   .label_en = "Period",
                   .type = FT_TEXT,
                   .flags = F_REQ | F_LIST | F_FILTER,
                   .max = 7,
                   .check = cadre_check_period},
    [CO_ENTRY_KIND] = {.name = "entry_kind",
                       .label = "参评对象",
                       .label_en = "Entries are",
                       .type = FT_ENUM,
                       .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                       .options = entry_kinds},
    [CO_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "组织区域",
                  .label_en = "Place",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_IMMUTABLE | F_LIST,
                  .levels = PLACE_LEVELS_ANY},
    [CO_STATUS] = {.name = "status",
                   .label = "状态",
                   .label_en = "Status",
                   .type = FT_ENUM,
                   .flags = F_READONLY | F_LIST | F_FILTER,
                   .options = comp_statuses},
    [CO_PUBLISHED_AT] = {.name = "published_at",
                         .label = "发布时间",
                         .label_en = "Published at",
                         .type = FT_INT,
                         .flags = F_READONLY | F_NOCSV},
    [CO_NOTE] = {.name = "note", .label = "说明", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

static int comp_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                      struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)db, (void)c, (void)r;
    if (old == NULL) {
        rec->v[CO_STATUS] = "draft";
        return ERR_OK;
    }
    if (strcmp(old->v[CO_STATUS], "published") == 0)
        return err_set(e, ERR_CONFLICT, "status", "评比 %s 已发布，不能修改", old->key);
    return ERR_OK;
}

static int comp_may_delete(struct db *db, struct reg_ctx *c, const struct registry *r,
                           const struct reg_rec *old, struct err *e)
{
    (void)db, (void)c, (void)r;
    if (strcmp(old->v[CO_STATUS], "published") == 0)
        return err_set(e, ERR_CONFLICT, "status", "评比 %s 已发布，不能删除", old->key);
    return ERR_OK;
}

const struct registry reg_competitions = {
    .id = REG_COMPETITIONS,
    .name = "competitions",
    .label = "评比竞赛",
    .label_en = "Competitions",
    .table = "competitions",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = comp_fields,
    .nfields = CO__COUNT,
    .grants = COMP_GRANTS,
    .conflict_field = "period",
    .rules = comp_rules,
    .may_delete = comp_may_delete,
};

/* ---- what belongs to a round: criteria, entries, judges ---- */

#define COMPETITION_FIELD(label_)                                                                  \
    {                                                                                              \
        .name = "competition", .column = "competition_id", .label = label_,                        \
        .label_en = "Competition", .type = FT_REF,                                                 \
        .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER, .ref = "competitions"                    \
    }
#define ROUND_PLACE_FIELD                                                                          \
    {                                                                                              \
        .name = "place", .column = "place_code", .label = "组织区域", .label_en = "Place",         \
        .type = FT_PLACE, .flags = F_READONLY | F_SCOPE, .levels = PLACE_LEVELS_ANY                \
    }

/* The part takes the round's place; the round must still be a draft. */
static int part_of_round(struct db *db, struct reg_ctx *c, struct reg_rec *rec, int comp_i,
                         int place_i, struct err *e)
{
    int rc = reg_copy_from(db, c, rec, place_i, comp_i, "competitions", "place_code", 0, e);
    if (rc != ERR_OK)
        return rc;
    return competition_draft(db, c->a, rec->v[comp_i], "competition", e);
}

static const struct reg_option rules[] = {{"judges", "评委打分（去掉最高分和最低分取平均）"},
                                          {"ontime_closure", "按期结案率（村社诉求）"},
                                          {NULL, NULL}};

static const struct reg_field criterion_fields[] = {
    [CC_COMPETITION] = COMPETITION_FIELD("评比编号"),
    [CC_NAME] = {.name = "name",
                 .label = "指标",
                 .label_en = "Criterion",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST,
                 .max = 40},
    [CC_WEIGHT] = {.name = "weight",
                   .label = "权重",
                   .label_en = "Weight",
                   .type = FT_INT,
                   .flags = F_REQ | F_LIST,
                   .min = 1,
                   .max = 100},
    [CC_RULE] = {.name = "rule",
                 .label = "计分方式",
                 .label_en = "Rule",
                 .type = FT_ENUM,
                 .flags = F_LIST,
                 .options = rules,
                 .dflt = "judges"},
    [CC_PLACE] = ROUND_PLACE_FIELD,
    [CC_NOTE] = {.name = "note", .label = "说明", .label_en = "Note", .type = FT_TEXT, .max = 200},
};

/* Weights of a round never pass 100 (publication needs exactly 100); figures from cases
 * describe places. */
static int criterion_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                           struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    (void)r;
    int rc = part_of_round(db, c, rec, CC_COMPETITION, CC_PLACE, e);
    if (rc != ERR_OK)
        return rc;
    rc = db_query(db, c->a, &rows, e,
                  "SELECT coalesce(sum(weight), 0), (SELECT entry_kind FROM competitions WHERE id "
                  "= ?) FROM competition_criteria WHERE competition_id = ? AND id <> ?",
                  DB_ARGS(DBI(strtoll(rec->v[CC_COMPETITION], NULL, 10)),
                          DBI(strtoll(rec->v[CC_COMPETITION], NULL, 10)),
                          DBI(old != NULL ? old->id : 0)));
    if (rc != ERR_OK)
        return rc;
    int64_t others = dbrows_int(&rows, 0, 0), w = strtoll(rec->v[CC_WEIGHT], NULL, 10);
    if (others + w > 100)
        return err_set(e, ERR_INVALID, "weight",
                       "各指标权重之和须为 100：其他指标已占 %lld，本指标最多 %lld",
                       (long long)others, (long long)(100 - others));
    const char *kind = dbrows_get(&rows, 0, 1);
    if (strcmp(rec->v[CC_RULE], "ontime_closure") == 0 && kind != NULL &&
        strcmp(kind, "place") != 0)
        return err_set(e, ERR_INVALID, "rule", "按期结案率只适用于以村社参评的评比");
    return ERR_OK;
}

static int part_may_delete(struct db *db, struct reg_ctx *c, const struct registry *r,
                           const struct reg_rec *old, struct err *e)
{
    int i = registry_field_index(r, "competition");
    int rc = competition_draft(db, c->a, old->v[i], "competition", e);
    if (rc != ERR_OK)
        return rc;
    /* scores go with the entry, criterion or judge they were given to or by */
    const char *col = r->id == REG_COMPETITION_ENTRIES    ? "entry_id"
                      : r->id == REG_COMPETITION_CRITERIA ? "criterion_id"
                                                          : NULL;
    if (col != NULL)
        rc = db_exec(db, e, arena_printf(c->a, "DELETE FROM competition_scores WHERE %s = ?", col),
                     DB_ARGS(DBI(old->id)));
    else
        rc = db_exec(db, e,
                     "DELETE FROM competition_scores WHERE competition_id = ? AND judge_user_id = "
                     "(SELECT user_id FROM competition_judges WHERE id = ?)",
                     DB_ARGS(DBI(strtoll(old->v[i], NULL, 10)), DBI(old->id)));
    return rc < 0 ? rc : ERR_OK;
}

const struct registry reg_competition_criteria = {
    .id = REG_COMPETITION_CRITERIA,
    .name = "competition-criteria",
    .label = "评比指标",
    .label_en = "Competition criteria",
    .table = "competition_criteria",
    .key = "id",
    .scope = RS_PLACE,
    .fields = criterion_fields,
    .nfields = CC__COUNT,
    .grants = COMP_GRANTS,
    .conflict_field = "name",
    .rules = criterion_rules,
    .may_delete = part_may_delete,
};

static const struct reg_field entry_fields[] = {
    [CE_COMPETITION] = COMPETITION_FIELD("评比编号"),
    [CE_NAME] = {.name = "name",
                 .label = "参评对象",
                 .label_en = "Entry",
                 .type = FT_TEXT,
                 .flags = F_LIST | F_SEARCH,
                 .max = 60},
    [CE_CADRE] = {.name = "cadre",
                  .column = "cadre_id",
                  .label = "干部编号",
                  .label_en = "Cadre",
                  .type = FT_REF,
                  .flags = F_LIST | F_FILTER,
                  .ref = "cadres"},
    [CE_ENTRY_PLACE] = {.name = "entry_place",
                        .column = "entry_place",
                        .label = "参评村社",
                        .label_en = "Entry place",
                        .type = FT_PLACE,
                        .flags = F_LIST,
                        .levels = PLACE_LEVELS_ANY},
    [CE_PROJECT] = {.name = "project",
                    .column = "project_id",
                    .label = "项目",
                    .label_en = "Project",
                    .type = FT_REF,
                    .flags = F_FILTER,
                    .ref = "projects"},
    [CE_PROJECT_NAME] = {.name = "project_name",
                         .label = "项目名称",
                         .label_en = "Project name",
                         .type = FT_TEXT,
                         .max = 100},
    [CE_PLACE] = ROUND_PLACE_FIELD,
    [CE_NOTE] = {.name = "note", .label = "说明", .label_en = "Note", .type = FT_TEXT, .max = 200},
};

/* An entry is what the round ranks: a cadre, a place or a project, named after it. */
static int entry_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                       struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    int rc = part_of_round(db, c, rec, CE_COMPETITION, CE_PLACE, e);
    if (rc != ERR_OK)
        return rc;
    rc = db_query(db, c->a, &rows, e, "SELECT entry_kind FROM competitions WHERE id = ?",
                  DB_ARGS(DBI(strtoll(rec->v[CE_COMPETITION], NULL, 10))));
    if (rc != ERR_OK || rows.nrows != 1)
        return rc;
    const char *kind = dbrows_get(&rows, 0, 0);
    if (strcmp(kind, "person") == 0) {
        if (rec->v[CE_CADRE] == NULL)
            return err_set(e, ERR_INVALID, "cadre", "个人参评须填写干部编号（cadre）");
        if (rec->v[CE_NAME] == NULL)
            rc = reg_copy_from(db, c, rec, CE_NAME, CE_CADRE, "cadres", "name", 0, e);
    } else if (strcmp(kind, "place") == 0) {
        if (rec->v[CE_ENTRY_PLACE] == NULL)
            return err_set(e, ERR_INVALID, "entry_place", "村社参评须填写参评村社（entry_place）");
        if (rec->v[CE_NAME] == NULL) {
            rc = db_query(db, c->a, &rows, e, "SELECT name FROM places WHERE code = ?",
                          DB_ARGS(DBS(rec->v[CE_ENTRY_PLACE])));
            if (rc == ERR_OK && rows.nrows == 1)
                rec->v[CE_NAME] = dbrows_get(&rows, 0, 0);
        }
    } else {
        /* a project of the registry (an entry written before it, named by text only, stays) */
        int touched = old == NULL || rec->given[CE_PROJECT] || rec->given[CE_PROJECT_NAME];
        rc = reg_ref_by_name(db, c, r, rec, CE_PROJECT, CE_PROJECT_NAME, touched, e);
        if (rc != ERR_OK)
            return rc;
        if (rec->v[CE_NAME] == NULL)
            rec->v[CE_NAME] = rec->v[CE_PROJECT_NAME];
    }
    if (rc == ERR_OK && rec->v[CE_NAME] == NULL)
        rc = err_set(e, ERR_INVALID, "name", "参评对象（name）必填");
    return rc;
}

const struct registry reg_competition_entries = {
    .id = REG_COMPETITION_ENTRIES,
    .name = "competition-entries",
    .label = "参评对象",
    .label_en = "Competition entries",
    .table = "competition_entries",
    .key = "id",
    .scope = RS_PLACE,
    .fields = entry_fields,
    .nfields = CE__COUNT,
    .grants = COMP_GRANTS,
    .conflict_field = "name",
    .rules = entry_rules,
    .may_delete = part_may_delete,
};

static const struct reg_field judge_fields[] = {
    [CJ_COMPETITION] = COMPETITION_FIELD("评比编号"),
    [CJ_USER] = {.name = "user",
                 .column = "user_id",
                 .label = "评委（用户编号）",
                 .label_en = "Judge (user)",
                 .type = FT_INT,
                 .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                 .min = 1,
                 .max = INT64_MAX},
    [CJ_NAME] = {.name = "name",
                 .label = "评委",
                 .label_en = "Judge",
                 .type = FT_TEXT,
                 .flags = F_READONLY | F_LIST | F_NOCSV,
                 .expr = "SELECT u.display_name FROM users u WHERE u.id = "
                         "competition_judges.user_id"},
    [CJ_PLACE] = ROUND_PLACE_FIELD,
    [CJ_NOTE] = {.name = "note", .label = "说明", .label_en = "Note", .type = FT_TEXT, .max = 200},
};

static int judge_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                       struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    (void)r, (void)old;
    int rc = part_of_round(db, c, rec, CJ_COMPETITION, CJ_PLACE, e);
    if (rc != ERR_OK)
        return rc;
    rc = db_query(db, c->a, &rows, e, "SELECT 1 FROM users WHERE id = ? AND disabled = 0",
                  DB_ARGS(DBI(strtoll(rec->v[CJ_USER], NULL, 10))));
    if (rc == ERR_OK && rows.nrows == 0)
        rc = err_set(e, ERR_INVALID, "user", "没有编号 %s 的在用用户", rec->v[CJ_USER]);
    return rc;
}

const struct registry reg_competition_judges = {
    .id = REG_COMPETITION_JUDGES,
    .name = "competition-judges",
    .label = "评委",
    .label_en = "Competition judges",
    .table = "competition_judges",
    .key = "id",
    .scope = RS_PLACE,
    .fields = judge_fields,
    .nfields = CJ__COUNT,
    .grants = COMP_GRANTS,
    .conflict_field = "user",
    .rules = judge_rules,
    .may_delete = part_may_delete,
};
