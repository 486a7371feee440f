/* project.c - projects and their milestones as registries. A project lies in a town or community
 * (its scope), belongs to an owner enterprise and perhaps a platform, and carries its investment
 * in fen. Its progress is the mean of its milestones'; its party branch is the party organisation
 * attached to it (party-orgs with attach_kind "project"), read, never copied, so attaching a
 * branch takes the project off the list of major projects without one at once. */
#include "domain/project.h"
#include "core/util.h"
#include "domain/place.h"

#include <stdlib.h>
#include <string.h>

#define RWIE (V_READ | V_WRITE | V_IMPORT | V_EXPORT)

static const struct reg_option statuses[] = {{"planned", "谋划中"},
                                             {"building", "在建"},
                                             {"completed", "已竣工"},
                                             {"suspended", "暂停"},
                                             {NULL, NULL}};

static const struct reg_field fields[] = {
    [PJ_NAME] = {.name = "name",
                 .label = "项目名称",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST | F_SEARCH,
                 .max = 100},
    [PJ_OWNER] = {.name = "owner",
                  .column = "owner_id",
                  .label = "业主企业",
                  .label_en = "Owner enterprise",
                  .type = FT_REF,
                  .flags = F_FILTER,
                  .ref = "enterprises"},
    [PJ_OWNER_NAME] = {.name = "owner_name",
                       .label = "业主企业名称",
                       .label_en = "Owner",
                       .type = FT_TEXT,
                       .flags = F_READONLY | F_LIST | F_NOCSV,
                       .expr = "SELECT x.name FROM enterprises x WHERE x.id = projects.owner_id"},
    [PJ_INVESTMENT] = {.name = "investment",
                       .label = "总投资（分）",
                       .label_en = "Investment (fen)",
                       .type = FT_MONEY,
                       .flags = F_REQ | F_LIST,
                       .min = 0,
                       .max = 100000000000000000LL}, /* 1万亿元 */
    [PJ_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "所在镇街或社区",
                  .label_en = "Town or community",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_LIST,
                  .levels = PLACE_LEVEL_BIT(PL_TOWN) | PLACE_LEVEL_BIT(PL_COMMUNITY)},
    [PJ_PLATFORM] = {.name = "platform",
                     .column = "platform_id",
                     .label = "所属平台",
                     .label_en = "Platform",
                     .type = FT_REF,
                     .flags = F_FILTER,
                     .ref = "platforms"},
    [PJ_START_ON] = {.name = "start_on",
                     .label = "开工日期",
                     .label_en = "Start",
                     .type = FT_DATE,
                     .flags = F_LIST},
    [PJ_PLANNED_END] = {.name = "planned_end",
                        .label = "计划竣工日期",
                        .label_en = "Planned end",
                        .type = FT_DATE,
                        .flags = F_LIST},
    [PJ_STATUS] = {.name = "status",
                   .label = "状态",
                   .label_en = "Status",
                   .type = FT_ENUM,
                   .flags = F_LIST | F_FILTER,
                   .options = statuses,
                   .dflt = "planned"},
    [PJ_PROGRESS] =
        {.name = "progress",
         .label = "进度（%）",
         .label_en = "Progress (%)",
         .type = FT_INT,
         .flags = F_READONLY | F_LIST | F_NOCSV,
         .expr = "SELECT CASE WHEN count(*) = 0 THEN 0 ELSE CAST(sum(m.progress) AS BIGINT) / "
                 "count(*) "
                 "END FROM project_milestones m WHERE m.project_id = projects.id AND "
                 "m.archived_at IS NULL"},
    [PJ_MAJOR] = {.name = "major",
                  .label = "亿元以上",
                  .label_en = "1亿元 or more",
                  .type = FT_BOOL,
                  .flags = F_READONLY | F_NOCSV,
                  .expr = "CASE WHEN projects.investment >= 10000000000 THEN 1 ELSE 0 END"},
    [PJ_PARTY_ORG] = {.name = "party_org",
                      .label = "项目党支部",
                      .label_en = "Party branch",
                      .type = FT_REF,
                      .flags = F_READONLY | F_NOCSV,
                      .ref = "party-orgs",
                      .expr = "SELECT min(o.id) FROM party_orgs o WHERE o.attach_kind = 'project' "
                              "AND o.attach_id = projects.id AND o.archived_at IS NULL"},
    [PJ_PARTY_ORG_NAME] = {.name = "party_org_name",
                           .label = "项目党支部名称",
                           .label_en = "Party branch name",
                           .type = FT_TEXT,
                           .flags = F_READONLY | F_LIST | F_NOCSV,
                           .expr = "SELECT min(o.name) FROM party_orgs o WHERE o.attach_kind = "
                                   "'project' AND o.attach_id = projects.id AND o.archived_at IS "
                                   "NULL"},
    [PJ_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

_Static_assert(sizeof(fields) / sizeof(fields[0]) == PJ__COUNT, "project fields");
_Static_assert(PROJECT_MAJOR_FEN == 10000000000LL, "the major-project expression says 1亿元");

/* Dates in order; a project lies where its owner may be served (no check: an owner elsewhere in
 * the district builds here too). */
static int project_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                         struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)db, (void)c, (void)r, (void)old;
    const char *s = rec->v[PJ_START_ON], *end = rec->v[PJ_PLANNED_END];
    if (s != NULL && end != NULL && strcmp(end, s) < 0)
        return err_set(e, ERR_INVALID, "planned_end", "计划竣工日期 %s 早于开工日期 %s", end, s);
    return ERR_OK;
}

static const struct reg_param params[] = {
    {.name = "min_investment",
     .label = "总投资不少于（分）",
     .label_en = "Investment at least (fen)",
     .type = FT_MONEY,
     .sql = "projects.investment >= ?"},
    {.name = "without_party_org",
     .label = "尚无项目党组织",
     .label_en = "Without a party organisation",
     .type = FT_BOOL,
     .sql = "NOT " PROJECT_HAS_PARTY_ORG},
    {NULL},
};

#define PROJECT_GRANTS                                                                             \
    {                                                                                              \
        [ROLE_DISTRICT_ADMIN] = RWIE, [ROLE_STREET_OFFICE] = RWIE,                                 \
        [ROLE_COMMUNITY_OFFICE] = V_READ | V_WRITE | V_EXPORT,                                     \
        [ROLE_PARTY_OFFICE] = V_READ | V_EXPORT, [ROLE_ENTERPRISE_CADRE] = V_READ,                 \
    }

const struct registry reg_projects = {
    .id = REG_PROJECTS,
    .name = "projects",
    .label = "项目",
    .label_en = "Projects",
    .table = "projects",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = fields,
    .nfields = PJ__COUNT,
    .grants = PROJECT_GRANTS,
    .enterprise_field = "owner", /* a cadre reads the projects of the enterprises it serves */
    .rules = project_rules,
    .params = params,
};

/* ---- milestones ---- */

static const struct reg_field ms_fields[] = {
    [MS_PROJECT] = {.name = "project",
                    .column = "project_id",
                    .label = "项目",
                    .label_en = "Project",
                    .type = FT_REF,
                    .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                    .ref = "projects"},
    [MS_NAME] = {.name = "name",
                 .label = "节点",
                 .label_en = "Milestone",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST | F_SEARCH,
                 .max = 100},
    [MS_DUE_ON] = {.name = "due_on",
                   .label = "计划完成日期",
                   .label_en = "Due",
                   .type = FT_DATE,
                   .flags = F_LIST},
    [MS_DONE_ON] = {.name = "done_on",
                    .label = "实际完成日期",
                    .label_en = "Done",
                    .type = FT_DATE,
                    .flags = F_LIST},
    [MS_PROGRESS] = {.name = "progress",
                     .label = "进度（%）",
                     .label_en = "Progress (%)",
                     .type = FT_INT,
                     .flags = F_LIST,
                     .min = 0,
                     .max = 100}, /* 0, or 100 when done: milestone_rules */
    [MS_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "所在镇街或社区",
                  .label_en = "Town or community",
                  .type = FT_PLACE,
                  .flags = F_READONLY | F_SCOPE | F_LIST,
                  .levels = PLACE_LEVEL_BIT(PL_TOWN) | PLACE_LEVEL_BIT(PL_COMMUNITY)},
    [MS_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

_Static_assert(sizeof(ms_fields) / sizeof(ms_fields[0]) == MS__COUNT, "milestone fields");

/* A milestone lies where its project does; one done is at 100%. */
static int milestone_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                           struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)r, (void)old;
    int rc = reg_copy_from(db, c, rec, MS_PLACE, MS_PROJECT, "projects", "place_code", 0, e);
    if (rc != ERR_OK)
        return rc;
    if (rec->v[MS_DONE_ON] != NULL &&
        (rec->v[MS_PROGRESS] == NULL || strcmp(rec->v[MS_PROGRESS], "100") != 0)) {
        if (rec->given[MS_PROGRESS] && rec->v[MS_PROGRESS] != NULL)
            return err_set(e, ERR_INVALID, "progress", "已完成（done_on）的节点进度须为 100");
        rec->v[MS_PROGRESS] = "100";
    }
    if (rec->v[MS_PROGRESS] == NULL)
        rec->v[MS_PROGRESS] = "0";
    return ERR_OK;
}

const struct registry reg_project_milestones = {
    .id = REG_PROJECT_MILESTONES,
    .name = "project-milestones",
    .label = "项目节点",
    .label_en = "Project milestones",
    .table = "project_milestones",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = ms_fields,
    .nfields = MS__COUNT,
    .grants = PROJECT_GRANTS,
    .rules = milestone_rules,
};

/* ---- the party coverage of major projects ---- */

int project_coverage(struct db *db, struct arena *a, const struct user *u, const char *place,
                     struct jsonw *w, struct err *e)
{
    struct dbrows rows;
    int rc =
        db_query(db, a, &rows, e,
                 "SELECT projects.id, projects.name, projects.investment, projects.place_code, "
                 "(SELECT x.name FROM enterprises x WHERE x.id = projects.owner_id), CASE "
                 "WHEN " PROJECT_HAS_PARTY_ORG
                 " THEN 1 ELSE 0 END FROM projects WHERE projects.archived_at IS NULL AND "
                 "projects.investment >= ? AND projects.place_code LIKE ? ORDER BY "
                 "projects.id",
                 DB_ARGS(DBI(PROJECT_MAJOR_FEN), DBS(arena_printf(a, "%s%%", place))));
    if (rc != ERR_OK)
        return rc;
    int major = 0, covered = 0;
    jw_key(w, "projects");
    jw_obj(w);
    jw_kint(w, "threshold", PROJECT_MAJOR_FEN);
    jw_key(w, "uncovered");
    jw_arr(w);
    for (int i = 0; i < rows.nrows; i++) {
        struct target t = {.place = dbrows_get(&rows, i, 3)};
        if (u != NULL && !authz_verb_allow(u, reg_projects.grants, V_READ, &t))
            continue;
        major++;
        if (dbrows_int(&rows, i, 5)) {
            covered++;
            continue;
        }
        jw_obj(w);
        jw_kint(w, "id", dbrows_int(&rows, i, 0));
        jw_kstr(w, "name", dbrows_get(&rows, i, 1));
        jw_kint(w, "investment", dbrows_int(&rows, i, 2));
        jw_kstr(w, "place", t.place);
        jw_kstr(w, "owner_name", dbrows_get(&rows, i, 4));
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_kint(w, "major", major);
    jw_kint(w, "covered", covered);
    jw_end_obj(w);
    return ERR_OK;
}
