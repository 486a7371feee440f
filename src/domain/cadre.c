/* cadre.c - cadres (a person of the residents registry or a user, with unit, post, rank and
 * birth year, the age group derived on read), their frontline postings (village, demolition
 * site, major project site) and their training (camps, classes, education upgrades); the
 * summary of who was posted where in a period; and the small helpers the other registries of
 * issue 11 share (a place inherited from a parent record, periods). */
#include "domain/cadre.h"
#include "core/util.h"
#include "domain/place.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RWIE (V_READ | V_WRITE | V_IMPORT | V_EXPORT)

int cadre_check_period(const char *in, char *out, size_t outsz, const char *field, struct err *e)
{
    int y, n;
    char tail;
    size_t len = strlen(in);
    int ok = 0;
    if (len == 4 && sscanf(in, "%4d%c", &y, &tail) == 1)
        ok = y >= 1990 && y <= 2100;
    else if (len == 7 && in[4] == '-' && in[5] == 'Q' &&
             sscanf(in, "%4d-Q%1d%c", &y, &n, &tail) == 2)
        ok = y >= 1990 && y <= 2100 && n >= 1 && n <= 4;
    else if (len == 7 && in[4] == '-' && sscanf(in, "%4d-%2d%c", &y, &n, &tail) == 2)
        ok = y >= 1990 && y <= 2100 && n >= 1 && n <= 12 && in[5] >= '0' && in[5] <= '1';
    if (!ok)
        return err_set(e, ERR_INVALID, field, "期间（%s）须为 YYYY、YYYY-Qn 或 YYYY-MM", field);
    snprintf(out, outsz, "%s", in);
    return ERR_OK;
}

void cadre_period_days(const char *period, char from[11], char to[11])
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = atoi(period), m1 = 1, m2 = 12;
    if (strlen(period) == 7 && period[5] == 'Q') {
        m1 = (period[6] - '1') * 3 + 1;
        m2 = m1 + 2;
    } else if (strlen(period) == 7) {
        m1 = m2 = atoi(period + 5);
    }
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    unsigned yy = (unsigned)y % 10000u, d2 = (unsigned)(mdays[m2 - 1] + (m2 == 2 && leap)) % 100u;
    snprintf(from, 11, "%04u-%02u-01", yy, (unsigned)m1 % 100u);
    snprintf(to, 11, "%04u-%02u-%02u", yy, (unsigned)m2 % 100u, d2);
}

/* ---- cadres ---- */

static const struct reg_option ranks[] = {{"clerk", "科员"},      {"deputy_section", "副科级"},
                                          {"section", "正科级"},  {"deputy_division", "副处级"},
                                          {"division", "正处级"}, {"village", "村社干部"},
                                          {"other", "其他"},      {NULL, NULL}};

static const struct reg_field cadre_fields[] = {
    [KD_NAME] = {.name = "name",
                 .label = "姓名",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST | F_SEARCH,
                 .max = 40},
    [KD_RESIDENT] = {.name = "resident",
                     .column = "resident_id",
                     .label = "居民编号",
                     .label_en = "Resident",
                     .type = FT_REF,
                     .flags = F_FILTER,
                     .ref = "residents"},
    [KD_USER] = {.name = "user",
                 .column = "user_id",
                 .label = "用户编号",
                 .label_en = "User",
                 .type = FT_INT,
                 .flags = F_FILTER,
                 .min = 1,
                 .max = INT64_MAX},
    [KD_UNIT] = {.name = "unit",
                 .label = "工作单位",
                 .label_en = "Unit",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST | F_SEARCH,
                 .max = 60},
    [KD_POST] = {.name = "post",
                 .label = "职务",
                 .label_en = "Post",
                 .type = FT_TEXT,
                 .flags = F_LIST | F_SEARCH,
                 .max = 40},
    [KD_RANK] = {.name = "rank",
                 .column = "rank_level",
                 .label = "职级",
                 .label_en = "Rank",
                 .type = FT_ENUM,
                 .flags = F_FILTER,
                 .options = ranks},
    [KD_BIRTH_YEAR] = {.name = "birth_year",
                       .label = "出生年份",
                       .label_en = "Birth year",
                       .type = FT_INT,
                       .min = 1940,
                       .max = 2010},
    [KD_AGE_GROUP] = {.name = "age_group",
                      .label = "年龄段",
                      .label_en = "Age group",
                      .type = FT_TEXT,
                      .flags = F_READONLY | F_LIST | F_NOCSV,
                      .expr = "CASE WHEN cadres.birth_year IS NULL THEN NULL WHEN "
                              "cadres.birth_year >= 2000 THEN '00后' WHEN cadres.birth_year >= "
                              "1990 THEN '90后' WHEN cadres.birth_year >= 1980 THEN '80后' WHEN "
                              "cadres.birth_year >= 1970 THEN '70后' ELSE '70前' END"},
    [KD_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "所属区域",
                  .label_en = "Place",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_LIST,
                  .levels = PLACE_LEVELS_ANY},
    [KD_TAGS] = {.name = "tags",
                 .label = "标签",
                 .label_en = "Tags",
                 .type = FT_TAGS,
                 .flags = F_FILTER,
                 .max = 10,
                 .dflt = "[]"},
    [KD_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

/* A user named as the cadre exists. */
static int cadre_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                       struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    (void)r, (void)old;
    if (rec->v[KD_USER] == NULL)
        return ERR_OK;
    int rc = db_query(db, c->a, &rows, e, "SELECT 1 FROM users WHERE id = ?",
                      DB_ARGS(DBI(strtoll(rec->v[KD_USER], NULL, 10))));
    if (rc == ERR_OK && rows.nrows == 0)
        rc = err_set(e, ERR_INVALID, "user", "没有编号 %s 的用户", rec->v[KD_USER]);
    return rc;
}

/* district administrators and the party offices manage cadres; offices read their own */
#define CADRE_GRANTS                                                                               \
    {                                                                                              \
        [ROLE_DISTRICT_ADMIN] = RWIE, [ROLE_PARTY_OFFICE] = RWIE,                                  \
        [ROLE_STREET_OFFICE] = V_READ | V_EXPORT, [ROLE_COMMUNITY_OFFICE] = V_READ,                \
    }

const struct registry reg_cadres = {
    .id = REG_CADRES,
    .name = "cadres",
    .label = "干部",
    .label_en = "Cadres",
    .table = "cadres",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = cadre_fields,
    .nfields = KD__COUNT,
    .grants = CADRE_GRANTS,
    .rules = cadre_rules,
};

/* ---- frontline postings ---- */

static const struct reg_option posting_kinds[] = {{"village", "农村一线"},
                                                  {"demolition", "拆迁地"},
                                                  {"project_site", "重大项目工地"},
                                                  {NULL, NULL}};
static const struct reg_option evaluations[] = {{"excellent", "优秀"},
                                                {"competent", "称职"},
                                                {"basic", "基本称职"},
                                                {"incompetent", "不称职"},
                                                {NULL, NULL}};

static const struct reg_field deployment_fields[] = {
    [DP_CADRE] = {.name = "cadre",
                  .column = "cadre_id",
                  .label = "干部编号",
                  .label_en = "Cadre",
                  .type = FT_REF,
                  .flags = F_REQ | F_LIST | F_FILTER,
                  .ref = "cadres"},
    [DP_NAME] = {.name = "name",
                 .label = "姓名",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_READONLY | F_LIST | F_NOCSV,
                 .expr = "SELECT k.name FROM cadres k WHERE k.id = deployments.cadre_id"},
    [DP_KIND] = {.name = "kind",
                 .label = "一线类型",
                 .label_en = "Kind",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_LIST | F_FILTER,
                 .options = posting_kinds},
    [DP_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "派驻地点",
                  .label_en = "Place",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_LIST,
                  .levels = PLACE_LEVELS_ANY},
    [DP_PROJECT] = {.name = "project",
                    .column = "project_id",
                    .label = "项目",
                    .label_en = "Project",
                    .type = FT_REF,
                    .flags = F_FILTER,
                    .ref = "projects"},
    [DP_PROJECT_NAME] = {.name = "project_name",
                         .label = "项目名称",
                         .label_en = "Project name",
                         .type = FT_TEXT,
                         .flags = F_LIST | F_SEARCH,
                         .max = 100},
    [DP_FROM] = {.name = "from",
                 .column = "from_date",
                 .label = "开始日期",
                 .label_en = "From",
                 .type = FT_DATE,
                 .flags = F_REQ | F_LIST},
    [DP_TO] = {.name = "to",
               .column = "to_date",
               .label = "结束日期",
               .label_en = "To",
               .type = FT_DATE,
               .flags = F_LIST},
    [DP_TASKS] = {.name = "tasks",
                  .label = "任务",
                  .label_en = "Tasks",
                  .type = FT_TEXT,
                  .flags = F_SEARCH,
                  .max = 500},
    [DP_EVALUATION] = {.name = "evaluation",
                       .label = "考评",
                       .label_en = "Evaluation",
                       .type = FT_ENUM,
                       .flags = F_LIST | F_FILTER,
                       .options = evaluations},
    [DP_EVALUATION_NOTE] = {.name = "evaluation_note",
                            .label = "考评意见",
                            .label_en = "Evaluation note",
                            .type = FT_TEXT,
                            .max = 500},
};

static int dates_in_order(const char *from, const char *to, const char *field, struct err *e)
{
    if (from != NULL && to != NULL && strcmp(to, from) < 0)
        return err_set(e, ERR_INVALID, field, "结束日期 %s 早于开始日期 %s", to, from);
    return ERR_OK;
}

/* A posting at a project site names a project of the projects registry (a posting written
 * before it, with the project's name as text only, stays as it is until its kind or project
 * changes); its name is kept beside it. */
static int deployment_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                            struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    int site = strcmp(rec->v[DP_KIND], "project_site") == 0;
    int touched =
        old == NULL || rec->given[DP_KIND] || rec->given[DP_PROJECT] || rec->given[DP_PROJECT_NAME];
    int rc = reg_ref_by_name(db, c, r, rec, DP_PROJECT, DP_PROJECT_NAME, site && touched, e);
    if (rc != ERR_OK)
        return rc;
    return dates_in_order(rec->v[DP_FROM], rec->v[DP_TO], "to", e);
}

const struct registry reg_deployments = {
    .id = REG_DEPLOYMENTS,
    .name = "deployments",
    .label = "一线历练",
    .label_en = "Frontline postings",
    .table = "deployments",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = deployment_fields,
    .nfields = DP__COUNT,
    .grants = CADRE_GRANTS,
    .rules = deployment_rules,
};

/* ---- training ---- */

static const struct reg_option training_kinds[] = {
    {"camp", "训练营"}, {"class", "培训班"}, {"education", "学历提升"}, {NULL, NULL}};
static const struct reg_option training_results[] = {{"ongoing", "在训"},
                                                     {"passed", "结业"},
                                                     {"excellent", "优秀学员"},
                                                     {"failed", "未结业"},
                                                     {NULL, NULL}};

static const struct reg_field training_fields[] = {
    [TR_CADRE] = {.name = "cadre",
                  .column = "cadre_id",
                  .label = "干部编号",
                  .label_en = "Cadre",
                  .type = FT_REF,
                  .flags = F_REQ | F_LIST | F_FILTER,
                  .ref = "cadres"},
    [TR_NAME] = {.name = "name",
                 .label = "姓名",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_READONLY | F_LIST | F_NOCSV,
                 .expr = "SELECT k.name FROM cadres k WHERE k.id = trainings.cadre_id"},
    [TR_KIND] = {.name = "kind",
                 .label = "类型",
                 .label_en = "Kind",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_LIST | F_FILTER,
                 .options = training_kinds},
    [TR_TITLE] = {.name = "title",
                  .label = "名称",
                  .label_en = "Title",
                  .type = FT_TEXT,
                  .flags = F_REQ | F_LIST | F_SEARCH | F_FILTER,
                  .max = 60},
    [TR_FROM] = {.name = "from",
                 .column = "from_date",
                 .label = "开始日期",
                 .label_en = "From",
                 .type = FT_DATE,
                 .flags = F_REQ | F_LIST},
    [TR_TO] =
        {.name = "to", .column = "to_date", .label = "结束日期", .label_en = "To", .type = FT_DATE},
    [TR_ATTENDANCE] = {.name = "attendance",
                       .label = "出勤率（%）",
                       .label_en = "Attendance (%)",
                       .type = FT_INT,
                       .flags = F_LIST,
                       .min = 0,
                       .max = 100},
    [TR_RESULT] = {.name = "result",
                   .label = "结果",
                   .label_en = "Result",
                   .type = FT_ENUM,
                   .flags = F_LIST | F_FILTER,
                   .options = training_results,
                   .dflt = "ongoing"},
    [TR_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "所属区域",
                  .label_en = "Place",
                  .type = FT_PLACE,
                  .flags = F_READONLY | F_SCOPE,
                  .levels = PLACE_LEVELS_ANY},
    [TR_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

/* A training belongs where its cadre does. */
static int training_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                          struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)r, (void)old;
    int rc = reg_copy_from(db, c, rec, TR_PLACE, TR_CADRE, "cadres", "place_code", 0, e);
    if (rc != ERR_OK)
        return rc;
    return dates_in_order(rec->v[TR_FROM], rec->v[TR_TO], "to", e);
}

const struct registry reg_trainings = {
    .id = REG_TRAININGS,
    .name = "trainings",
    .label = "教育培训",
    .label_en = "Training",
    .table = "trainings",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = training_fields,
    .nfields = TR__COUNT,
    .grants = CADRE_GRANTS,
    .rules = training_rules,
};

/* ---- who was on the front line ---- */

int deployment_summary(struct db *db, struct reg_ctx *c, const char *place, const char *from,
                       const char *to, struct jsonw *w, struct err *e)
{
    struct reg_rec *recs;
    const char *next = NULL;
    int n = 0, rc;
    int64_t counts[ARRAY_LEN(posting_kinds) - 1] = {0};
    jw_obj(w);
    jw_kstr(w, "place", place);
    jw_kstr(w, "from", from);
    jw_kstr(w, "to", to);
    jw_key(w, "items");
    jw_arr(w);
    /* the engine's scoped list, page by page; postings that overlap the period */
    do {
        struct reg_query q = {.place = place, .limit = 1000, .cursor = next};
        if ((rc = reg_list(db, c, &reg_deployments, &q, &recs, &n, &next, e)) != ERR_OK)
            return rc;
        for (int i = 0; i < n; i++) {
            const char *f = recs[i].v[DP_FROM], *t = recs[i].v[DP_TO];
            if (strcmp(f, to) > 0 || (t != NULL && strcmp(t, from) < 0))
                continue;
            for (size_t k = 0; k < ARRAY_LEN(counts); k++)
                counts[k] += strcmp(recs[i].v[DP_KIND], posting_kinds[k].value) == 0;
            reg_write_json(w, c, &reg_deployments, &recs[i]);
        }
    } while (next != NULL);
    jw_end_arr(w);
    jw_key(w, "by_kind");
    jw_arr(w);
    int64_t total = 0;
    for (size_t k = 0; k < ARRAY_LEN(counts); k++) {
        jw_obj(w);
        jw_kstr(w, "kind", posting_kinds[k].value);
        jw_kstr(w, "label", posting_kinds[k].label);
        jw_kint(w, "count", counts[k]);
        jw_end_obj(w);
        total += counts[k];
    }
    jw_end_arr(w);
    jw_kint(w, "total", total);
    jw_end_obj(w);
    return ERR_OK;
}
