/* tasks.c - the micro-governance task boards: areas and templates (the district's, read by every
 * office), tasks (an office's, due in working days from their start), and targets (compounds or
 * communities) whose progress moves by the table below. A target is seen by the offices above
 * its community and by the task's owner; a compound commissioner sees and updates the targets
 * of the compound. The board and the overdue queue read across them. */
#include "domain/tasks.h"
#include "core/util.h"
#include "domain/compound.h"
#include "domain/place.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RWIE (V_READ | V_WRITE | V_IMPORT | V_EXPORT)

/* ---- progress: the rules table ---- */

enum { MV_EVIDENCE = 1 << 0, MV_OWNER = 1 << 1 };

static const struct task_move {
    const char *from, *to;
    unsigned needs;
} task_moves[] = {
    {"not_started", "in_progress", 0},    {"not_started", "done", MV_EVIDENCE},
    {"in_progress", "done", MV_EVIDENCE}, {"in_progress", "not_started", 0},
    {"done", "in_progress", MV_OWNER}, /* reopened by the task's owner */
};

static const struct reg_option statuses[] = {
    {"not_started", "未开始"}, {"in_progress", "推进中"}, {"done", "已完成"}, {NULL, NULL}};

static const char *status_label(const char *s)
{
    for (const struct reg_option *o = statuses; o->value; o++) {
        if (strcmp(o->value, s) == 0)
            return o->label;
    }
    return s;
}

int task_move_check(const char *from, const char *to, int has_evidence, int is_owner, struct err *e)
{
    if (strcmp(from, to) == 0)
        return ERR_OK;
    for (size_t i = 0; i < ARRAY_LEN(task_moves); i++) {
        const struct task_move *m = &task_moves[i];
        if (strcmp(m->from, from) != 0 || strcmp(m->to, to) != 0)
            continue;
        if ((m->needs & MV_EVIDENCE) && !has_evidence)
            return err_set(e, ERR_INVALID, "evidence", "标记完成须填写完成佐证（evidence）");
        if ((m->needs & MV_OWNER) && !is_owner)
            return err_set(e, ERR_FORBIDDEN, "status", "已完成的目标只能由任务承办单位重新打开");
        return ERR_OK;
    }
    return err_set(e, ERR_CONFLICT, "status", "目标进度不能从“%s”改为“%s”", status_label(from),
                   status_label(to));
}

/* ---- dates ---- */

#define CST (8 * 3600)

static void ymd_text(int ymd, char out[11])
{
    unsigned u = (unsigned)ymd;
    snprintf(out, 11, "%04u-%02u-%02u", u / 10000 % 10000, u / 100 % 100, u % 100);
}

void task_today(char out[11])
{
    ymd_text(calendar_ymd_from_days(((int64_t)time(NULL) + CST) / 86400), out);
}

int task_due_on(const struct calendar *cal, const char *starts_on, int days, char out[11],
                struct err *e)
{
    int ymd;
    if (calendar_date_parse(starts_on, &ymd, "starts_on", e) != ERR_OK)
        return e->code;
    if (days < 1 || days > 365)
        return err_set(e, ERR_INVALID, "days", "工作日数（days）须在 1 到 365 之间");
    int64_t start = calendar_days_from_ymd(ymd) * 86400 - CST;
    int64_t due = calendar_due(cal, start, (struct sla){days, 'd'});
    ymd_text(calendar_ymd_from_days((due - 1 + CST) / 86400), out);
    return ERR_OK;
}

/* ---- areas and templates (the district's) ---- */

#define CATALOGUE_GRANTS                                                                           \
    {                                                                                              \
        [ROLE_DISTRICT_ADMIN] = RWIE, [ROLE_STREET_OFFICE] = V_READ,                               \
        [ROLE_COMMUNITY_OFFICE] = V_READ, [ROLE_COMMISSIONER] = V_READ,                            \
    }

static const struct reg_field area_fields[] = {
    [TA_NAME] = {.name = "name",
                 .label = "任务领域",
                 .label_en = "Area",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_UNIQUE | F_LIST | F_SEARCH,
                 .max = 40},
    [TA_SORT] = {.name = "sort",
                 .label = "排序",
                 .label_en = "Order",
                 .type = FT_INT,
                 .flags = F_LIST,
                 .min = 0,
                 .max = 10000,
                 .dflt = "0"},
    [TA_DESCRIPTION] = {.name = "description",
                        .label = "说明",
                        .label_en = "Description",
                        .type = FT_TEXT,
                        .max = 500},
    [TA_TEMPLATES] = {.name = "templates",
                      .label = "任务模板数",
                      .label_en = "Templates",
                      .type = FT_INT,
                      .flags = F_READONLY | F_LIST | F_NOCSV,
                      .expr = "SELECT count(*) FROM task_templates x WHERE x.area_id = "
                              "task_areas.id"},
};

const struct registry reg_task_areas = {
    .id = REG_TASK_AREAS,
    .name = "task-areas",
    .label = "微治任务领域",
    .label_en = "Task areas",
    .table = "task_areas",
    .key = "id",
    .scope = RS_GLOBAL,
    .fields = area_fields,
    .nfields = TA__COUNT,
    .grants = CATALOGUE_GRANTS,
    .conflict_field = "name",
};

static const struct reg_option target_kinds[] = {
    {"compound", "小区"}, {"community", "村社"}, {NULL, NULL}};
static const struct reg_option effects[] = {
    {"none", "无"}, {"owners_committee", "完成后标记小区已成立业委会"}, {NULL, NULL}};

static const struct reg_field template_fields[] = {
    [TT_AREA] = {.name = "area",
                 .column = "area_id",
                 .label = "任务领域",
                 .label_en = "Area",
                 .type = FT_REF,
                 .flags = F_REQ | F_LIST | F_FILTER,
                 .ref = "task-areas"},
    [TT_AREA_NAME] = {.name = "area_name",
                      .label = "领域名称",
                      .label_en = "Area name",
                      .type = FT_TEXT,
                      .flags = F_READONLY | F_LIST | F_NOCSV,
                      .expr =
                          "SELECT a.name FROM task_areas a WHERE a.id = task_templates.area_id"},
    [TT_TITLE] = {.name = "title",
                  .label = "任务名称",
                  .label_en = "Title",
                  .type = FT_TEXT,
                  .flags = F_REQ | F_LIST | F_SEARCH,
                  .max = 100},
    [TT_TARGET_KIND] = {.name = "target_kind",
                        .label = "目标类型",
                        .label_en = "Targets are",
                        .type = FT_ENUM,
                        .flags = F_REQ | F_LIST | F_FILTER,
                        .options = target_kinds},
    [TT_DAYS] = {.name = "days",
                 .label = "办理时限（工作日）",
                 .label_en = "Working days",
                 .type = FT_INT,
                 .flags = F_REQ | F_LIST,
                 .min = 1,
                 .max = 365},
    [TT_EFFECT] = {.name = "effect",
                   .label = "完成后联动",
                   .label_en = "Effect when done",
                   .type = FT_ENUM,
                   .options = effects,
                   .dflt = "none"},
    [TT_SORT] = {.name = "sort",
                 .label = "排序",
                 .label_en = "Order",
                 .type = FT_INT,
                 .min = 0,
                 .max = 10000,
                 .dflt = "0"},
    [TT_DESCRIPTION] = {.name = "description",
                        .label = "说明",
                        .label_en = "Description",
                        .type = FT_TEXT,
                        .max = 500},
};

const struct registry reg_task_templates = {
    .id = REG_TASK_TEMPLATES,
    .name = "task-templates",
    .label = "微治任务模板",
    .label_en = "Task templates",
    .table = "task_templates",
    .key = "id",
    .scope = RS_GLOBAL,
    .fields = template_fields,
    .nfields = TT__COUNT,
    .grants = CATALOGUE_GRANTS,
    .conflict_field = "title",
};

/* ---- tasks ---- */

static const struct reg_field task_fields[] = {
    [TK_TITLE] = {.name = "title",
                  .label = "任务名称",
                  .label_en = "Title",
                  .type = FT_TEXT,
                  .flags = F_LIST | F_SEARCH,
                  .max = 100},
    [TK_AREA] = {.name = "area",
                 .column = "area_id",
                 .label = "任务领域",
                 .label_en = "Area",
                 .type = FT_REF,
                 .flags = F_IMMUTABLE | F_FILTER,
                 .ref = "task-areas"},
    [TK_AREA_NAME] = {.name = "area_name",
                      .label = "领域",
                      .label_en = "Area name",
                      .type = FT_TEXT,
                      .flags = F_READONLY | F_LIST | F_NOCSV,
                      .expr = "SELECT a.name FROM task_areas a WHERE a.id = tasks.area_id"},
    [TK_TEMPLATE] = {.name = "template",
                     .column = "template_id",
                     .label = "任务模板",
                     .label_en = "Template",
                     .type = FT_REF,
                     .flags = F_IMMUTABLE | F_FILTER,
                     .ref = "task-templates"},
    [TK_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "承办单位（微治办所在地）",
                  .label_en = "Owner office (its place)",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_IMMUTABLE | F_SCOPE | F_LIST,
                  .levels = PLACE_LEVEL_BIT(PL_DISTRICT) | PLACE_LEVEL_BIT(PL_TOWN) |
                            PLACE_LEVEL_BIT(PL_COMMUNITY)},
    [TK_OWNER_USER] = {.name = "owner_user",
                       .column = "owner_user_id",
                       .label = "责任人（用户编号）",
                       .label_en = "Owner (user id)",
                       .type = FT_INT,
                       .min = 1,
                       .max = INT64_MAX},
    [TK_OWNER_NAME] = {.name = "owner_name",
                       .label = "责任人",
                       .label_en = "Owner",
                       .type = FT_TEXT,
                       .flags = F_READONLY | F_LIST | F_NOCSV,
                       .expr =
                           "SELECT u.display_name FROM users u WHERE u.id = tasks.owner_user_id"},
    [TK_TARGET_KIND] = {.name = "target_kind",
                        .label = "目标类型",
                        .label_en = "Targets are",
                        .type = FT_ENUM,
                        .flags = F_IMMUTABLE | F_FILTER,
                        .options = target_kinds},
    [TK_EFFECT] = {.name = "effect",
                   .label = "完成后联动",
                   .label_en = "Effect when done",
                   .type = FT_ENUM,
                   .flags = F_IMMUTABLE,
                   .options = effects},
    [TK_STARTS_ON] = {.name = "starts_on",
                      .label = "开始日期",
                      .label_en = "Starts on",
                      .type = FT_DATE},
    [TK_DAYS] = {.name = "days",
                 .label = "办理时限（工作日）",
                 .label_en = "Working days",
                 .type = FT_INT,
                 .min = 1,
                 .max = 365},
    [TK_DUE_ON] = {.name = "due_on",
                   .label = "截止日期",
                   .label_en = "Due on",
                   .type = FT_DATE,
                   .flags = F_READONLY | F_LIST | F_NOCSV},
    [TK_TARGETS] = {.name = "targets",
                    .label = "目标数",
                    .label_en = "Targets",
                    .type = FT_INT,
                    .flags = F_READONLY | F_LIST | F_NOCSV,
                    .expr = "SELECT count(*) FROM task_targets x WHERE x.task_id = tasks.id"},
    [TK_DONE] = {.name = "done",
                 .label = "已完成",
                 .label_en = "Done",
                 .type = FT_INT,
                 .flags = F_READONLY | F_LIST | F_NOCSV,
                 .expr = "SELECT count(*) FROM task_targets x WHERE x.task_id = tasks.id AND "
                         "x.status = 'done'"},
    [TK_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

/* A template fills what the task leaves out; the due date follows the start and the days. */
static int task_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                      struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    int rc;
    (void)r;
    if (old == NULL && rec->v[TK_TEMPLATE] != NULL) {
        rc = db_query(db, c->a, &rows, e,
                      "SELECT area_id, title, target_kind, days, effect FROM task_templates "
                      "WHERE id = ?",
                      DB_ARGS(DBI(strtoll(rec->v[TK_TEMPLATE], NULL, 10))));
        if (rc != ERR_OK)
            return rc;
        static const int fill[] = {TK_AREA, TK_TITLE, TK_TARGET_KIND, TK_DAYS, TK_EFFECT};
        for (size_t i = 0; i < ARRAY_LEN(fill) && rows.nrows == 1; i++) {
            if (rec->v[fill[i]] == NULL)
                rec->v[fill[i]] = dbrows_get(&rows, 0, (int)i);
        }
    }
    if (rec->v[TK_EFFECT] == NULL)
        rec->v[TK_EFFECT] = "none";
    static const int need[] = {TK_TITLE, TK_AREA, TK_TARGET_KIND, TK_DAYS};
    for (size_t i = 0; i < ARRAY_LEN(need); i++) {
        const struct reg_field *f = &task_fields[need[i]];
        if (rec->v[need[i]] == NULL)
            return err_set(e, ERR_INVALID, f->name, "%s（%s）必填，或选择任务模板（template）",
                           f->label, f->name);
    }
    if (rec->v[TK_OWNER_USER] != NULL) {
        rc = db_query(db, c->a, &rows, e, "SELECT id FROM users WHERE id = ?",
                      DB_ARGS(DBI(strtoll(rec->v[TK_OWNER_USER], NULL, 10))));
        if (rc != ERR_OK)
            return rc;
        if (rows.nrows == 0)
            return err_set(e, ERR_INVALID, "owner_user", "没有编号 %s 的用户",
                           rec->v[TK_OWNER_USER]);
    }
    if (rec->v[TK_STARTS_ON] == NULL) {
        char *today = arena_alloc(c->a, 11);
        task_today(today);
        rec->v[TK_STARTS_ON] = today;
    }
    const struct calendar *cal = calendar_cached(db, e);
    if (cal == NULL)
        return e->code ? e->code : err_set(e, ERR_INTERNAL, NULL, "no working-day calendar");
    char *due = arena_alloc(c->a, 11);
    if ((rc = task_due_on(cal, rec->v[TK_STARTS_ON], (int)strtol(rec->v[TK_DAYS], NULL, 10), due,
                          e)) != ERR_OK)
        return rc;
    rec->v[TK_DUE_ON] = due;
    return ERR_OK;
}

const struct registry reg_tasks = {
    .id = REG_TASKS,
    .name = "tasks",
    .label = "微治任务",
    .label_en = "Tasks",
    .table = "tasks",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = task_fields,
    .nfields = TK__COUNT,
    .grants =
        {
            [ROLE_DISTRICT_ADMIN] = RWIE,
            [ROLE_STREET_OFFICE] = RWIE,
            [ROLE_COMMUNITY_OFFICE] = V_READ | V_WRITE | V_EXPORT,
        },
    .rules = task_rules,
};

/* ---- targets ---- */

static const struct reg_field target_fields[] = {
    [TG_TASK] = {.name = "task",
                 .column = "task_id",
                 .label = "任务编号",
                 .label_en = "Task",
                 .type = FT_REF,
                 .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                 .ref = "tasks"},
    [TG_TITLE] = {.name = "title",
                  .label = "任务名称",
                  .label_en = "Title",
                  .type = FT_TEXT,
                  .flags = F_READONLY | F_LIST | F_NOCSV,
                  .expr = "SELECT t.title FROM tasks t WHERE t.id = task_targets.task_id"},
    [TG_COMPOUND] = {.name = "compound",
                     .column = "compound_id",
                     .label = "目标小区",
                     .label_en = "Compound",
                     .type = FT_REF,
                     .flags = F_IMMUTABLE | F_FILTER,
                     .ref = "compounds"},
    [TG_COMMUNITY] = {.name = "community",
                      .column = "community_code",
                      .label = "目标村社",
                      .label_en = "Community",
                      .type = FT_PLACE,
                      .flags = F_IMMUTABLE | F_SCOPE | F_LIST | F_FILTER,
                      .levels = PLACE_LEVEL_BIT(PL_COMMUNITY)},
    [TG_TARGET_NAME] = {.name = "target_name",
                        .label = "目标",
                        .label_en = "Target",
                        .type = FT_TEXT,
                        .flags = F_READONLY | F_LIST | F_NOCSV,
                        .expr = "SELECT coalesce((SELECT m.name FROM compounds m WHERE m.id = "
                                "task_targets.compound_id), (SELECT p.name FROM places p WHERE "
                                "p.code = task_targets.community_code))"},
    [TG_TASK_PLACE] = {.name = "task_place",
                       .label = "承办单位所在地",
                       .label_en = "Owner office's place",
                       .type = FT_PLACE,
                       .flags = F_READONLY | F_SCOPE | F_NOCSV},
    [TG_STATUS] = {.name = "status",
                   .label = "进度",
                   .label_en = "Progress",
                   .type = FT_ENUM,
                   .flags = F_LIST | F_FILTER | F_COUNT,
                   .options = statuses,
                   .dflt = "not_started"},
    [TG_EVIDENCE] = {.name = "evidence",
                     .label = "完成佐证",
                     .label_en = "Evidence",
                     .type = FT_TEXT,
                     .max = 500},
    [TG_DONE_ON] = {.name = "done_on",
                    .label = "完成日期",
                    .label_en = "Done on",
                    .type = FT_DATE,
                    .flags = F_READONLY | F_LIST | F_NOCSV},
    [TG_DUE_ON] = {.name = "due_on",
                   .label = "截止日期",
                   .label_en = "Due on",
                   .type = FT_DATE,
                   .flags = F_READONLY | F_LIST | F_NOCSV,
                   .expr = "SELECT t.due_on FROM tasks t WHERE t.id = task_targets.task_id"},
    [TG_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

static int owns_task(const struct reg_ctx *c, const char *task_place)
{
    struct target t = {.place = task_place};
    return !c->enforce || authz_verb_allow(c->user, reg_tasks.grants, V_WRITE, &t);
}

/* The compound's owners' committee is formed: marked, and the counters that count compounds by
 * their committee moved (a write outside the engine). */
static int committee_formed(struct db *db, struct reg_ctx *c, int64_t compound, struct err *e)
{
    struct reg_ctx sys = {.a = c->a, .user_id = c->user_id};
    struct reg_rec before;
    const char *key = arena_printf(c->a, "%lld", (long long)compound);
    int i = registry_field_index(&reg_compounds, "owners_committee");
    int rc = reg_get(db, &sys, &reg_compounds, key, &before, e);
    if (rc != ERR_OK || i < 0 || (before.v[i] != NULL && strcmp(before.v[i], "1") == 0))
        return rc;
    rc = db_exec(db, e, "UPDATE compounds SET owners_committee = 1, updated_at = ? WHERE id = ?",
                 DB_ARGS(DBI(time(NULL)), DBI(compound)));
    if (rc < 0)
        return rc;
    return reg_counters_changed(db, &sys, &reg_compounds, &before, key, e);
}

/* Where the target lies and whose it is; its progress moves by the table; an owners'
 * committee formed marks the compound. */
static int target_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                        struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows task, rows;
    (void)r;
    int rc = db_query(db, c->a, &task, e,
                      "SELECT place_code, target_kind, effect, archived_at FROM tasks WHERE id = ?",
                      DB_ARGS(DBI(strtoll(rec->v[TG_TASK], NULL, 10))));
    if (rc != ERR_OK)
        return rc;
    if (task.nrows == 0)
        return err_set(e, ERR_INVALID, "task", "没有编号 %s 的任务", rec->v[TG_TASK]);
    if (dbrows_get(&task, 0, 3) != NULL)
        return err_set(e, ERR_CONFLICT, "task", "任务 %s 已归档", rec->v[TG_TASK]);
    const char *tplace = dbrows_get(&task, 0, 0), *kind = dbrows_get(&task, 0, 1);
    int owner = owns_task(c, tplace);
    if (old == NULL && !owner)
        return err_set(e, ERR_FORBIDDEN, "task", "只有任务的承办单位可以添加目标");
    rec->v[TG_TASK_PLACE] = tplace;
    rec->given[TG_TASK_PLACE] = 1;

    if (strcmp(kind, "compound") == 0) {
        if (rec->v[TG_COMPOUND] == NULL)
            return err_set(e, ERR_INVALID, "compound",
                           "该任务的目标是小区：请填写小区编号（compound）");
        rc = db_query(db, c->a, &rows, e, "SELECT community_code FROM compounds WHERE id = ?",
                      DB_ARGS(DBI(strtoll(rec->v[TG_COMPOUND], NULL, 10))));
        if (rc != ERR_OK)
            return rc;
        const char *cc = rows.nrows ? dbrows_get(&rows, 0, 0) : "";
        if (rec->v[TG_COMMUNITY] != NULL && strcmp(rec->v[TG_COMMUNITY], cc) != 0)
            return err_set(e, ERR_INVALID, "community", "小区 %s 不在村社 %s", rec->v[TG_COMPOUND],
                           rec->v[TG_COMMUNITY]);
        rec->v[TG_COMMUNITY] = cc;
    } else {
        if (rec->v[TG_COMPOUND] != NULL)
            return err_set(e, ERR_INVALID, "compound", "该任务的目标是村社，不填小区");
        if (rec->v[TG_COMMUNITY] == NULL)
            return err_set(e, ERR_INVALID, "community",
                           "该任务的目标是村社：请填写村社（community）");
    }
    const char *community = rec->v[TG_COMMUNITY];
    if (strncmp(community, tplace, strlen(tplace)) != 0)
        return err_set(e, ERR_INVALID, "community", "目标 %s 不在任务承办单位的辖区 %s 内",
                       community, tplace);
    int64_t compound = rec->v[TG_COMPOUND] ? strtoll(rec->v[TG_COMPOUND], NULL, 10) : 0;
    rc = db_query(db, c->a, &rows, e,
                  "SELECT id FROM task_targets WHERE task_id = ? AND community_code = ? AND "
                  "coalesce(compound_id, 0) = ? AND id <> ?",
                  DB_ARGS(DBI(strtoll(rec->v[TG_TASK], NULL, 10)), DBS(community), DBI(compound),
                          DBI(old ? old->id : 0)));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows > 0)
        return err_set(e, ERR_CONFLICT, compound ? "compound" : "community",
                       "任务 %s 已有这一目标（目标 %s）", rec->v[TG_TASK], dbrows_get(&rows, 0, 0));

    const char *from = old ? old->v[TG_STATUS] : "not_started";
    const char *to = rec->v[TG_STATUS] ? rec->v[TG_STATUS] : "not_started";
    const char *ev = rec->v[TG_EVIDENCE];
    if ((rc = task_move_check(from, to, ev != NULL && ev[strspn(ev, " \t\r\n")] != '\0', owner,
                              e)) != ERR_OK)
        return rc;
    if (strcmp(to, "done") != 0) {
        rec->v[TG_DONE_ON] = NULL;
    } else if (strcmp(from, "done") != 0) {
        char *today = arena_alloc(c->a, 11);
        task_today(today);
        rec->v[TG_DONE_ON] = today;
        if (compound && strcmp(dbrows_get(&task, 0, 2), "owners_committee") == 0 &&
            (rc = committee_formed(db, c, compound, e)) != ERR_OK)
            return rc;
    }
    rec->given[TG_DONE_ON] = 1;
    return ERR_OK;
}

const struct registry reg_task_targets = {
    .id = REG_TASK_TARGETS,
    .name = "task-targets",
    .label = "微治任务目标",
    .label_en = "Task targets",
    .table = "task_targets",
    .key = "id",
    .scope = RS_PLACE,
    .fields = target_fields,
    .nfields = TG__COUNT,
    .grants =
        {
            [ROLE_DISTRICT_ADMIN] = RWIE,
            [ROLE_STREET_OFFICE] = RWIE,
            [ROLE_COMMUNITY_OFFICE] = V_READ | V_WRITE | V_EXPORT,
            [ROLE_COMMISSIONER] = V_READ | V_WRITE,
        },
    .compound_field = "compound",
    .rules = target_rules,
};

_Static_assert(sizeof(area_fields) / sizeof(area_fields[0]) == TA__COUNT, "fields");
_Static_assert(sizeof(template_fields) / sizeof(template_fields[0]) == TT__COUNT, "fields");
_Static_assert(sizeof(task_fields) / sizeof(task_fields[0]) == TK__COUNT, "fields");
_Static_assert(sizeof(target_fields) / sizeof(target_fields[0]) == TG__COUNT, "fields");

/* ---- the board, the roll-up and the overdue queue ---- */

enum {
    Q_ID,
    Q_TASK,
    Q_COMMUNITY,
    Q_TASK_PLACE,
    Q_COMPOUND,
    Q_STATUS,
    Q_TITLE,
    Q_AREA,
    Q_AREA_NAME,
    Q_DUE_ON,
    Q_PLACE,
    Q_OWNER,
    Q_COMMUNITY_NAME,
    Q_TOWN,
    Q_TOWN_NAME,
    Q_TARGET_NAME,
};

/* The targets under place that the caller may read; overdue_only: not done, due before today. */
static int load_targets(struct db *db, struct reg_ctx *c, const char *place, int64_t area_id,
                        int64_t task_id, const char *today, struct dbrows *rows, int **keep,
                        struct err *e)
{
    const char *sql =
        "SELECT x.id, x.task_id, x.community_code, x.task_place, coalesce(x.compound_id, 0), "
        "x.status, t.title, t.area_id, a.name, t.due_on, t.place_code, (SELECT u.display_name "
        "FROM users u WHERE u.id = t.owner_user_id), c.name, s.code, s.name, coalesce((SELECT "
        "m.name FROM compounds m WHERE m.id = x.compound_id), c.name) FROM task_targets x JOIN "
        "tasks t ON t.id = x.task_id JOIN task_areas a ON a.id = t.area_id JOIN places c ON "
        "c.code = x.community_code JOIN places s ON s.code = c.parent_code WHERE t.archived_at "
        "IS NULL AND x.community_code LIKE ? AND (? = 0 OR t.area_id = ?) AND (? = 0 OR t.id = "
        "?) AND (? = '' OR (x.status <> 'done' AND t.due_on < ?)) ";
    int rc = db_query(
        db, c->a, rows, e,
        arena_printf(c->a, "%s%s", sql,
                     today[0] ? "ORDER BY t.due_on, x.id" : "ORDER BY a.sort, a.id, t.id, x.id"),
        DB_ARGS(DBS(arena_printf(c->a, "%s%%", place)), DBI(area_id), DBI(area_id), DBI(task_id),
                DBI(task_id), DBS(today), DBS(today)));
    if (rc != ERR_OK)
        return rc;
    *keep = arena_alloc(c->a, sizeof(int) * (size_t)(rows->nrows + 1));
    for (int i = 0; i < rows->nrows; i++) {
        struct target by_target = {.place = dbrows_get(rows, i, Q_COMMUNITY),
                                   .compound = dbrows_int(rows, i, Q_COMPOUND)};
        struct target by_owner = {.place = dbrows_get(rows, i, Q_TASK_PLACE)};
        const uint8_t *g = reg_task_targets.grants;
        (*keep)[i] = !c->enforce || authz_verb_allow(c->user, g, V_READ, &by_target) ||
                     authz_verb_allow(c->user, g, V_READ, &by_owner);
    }
    return ERR_OK;
}

struct counts {
    int64_t targets, done, in_progress, not_started, overdue;
};

static void count(struct counts *k, const struct dbrows *rows, int i, const char *today)
{
    const char *s = dbrows_get(rows, i, Q_STATUS);
    k->targets++;
    if (strcmp(s, "done") == 0)
        k->done++;
    else if (strcmp(s, "in_progress") == 0)
        k->in_progress++;
    else
        k->not_started++;
    if (strcmp(s, "done") != 0 && strcmp(dbrows_get(rows, i, Q_DUE_ON), today) < 0)
        k->overdue++;
}

static void write_counts(struct jsonw *w, const struct counts *k)
{
    jw_kint(w, "targets", k->targets);
    jw_kint(w, "done", k->done);
    jw_kint(w, "in_progress", k->in_progress);
    jw_kint(w, "not_started", k->not_started);
    jw_kint(w, "overdue", k->overdue);
    jw_kint(w, "completion", k->targets ? (k->done * 200 + k->targets) / (2 * k->targets) : 0);
}

struct group {
    const char *code, *name;
    struct counts k;
};

/* The group of code among n (added at the end when new). */
static struct group *group_of(struct group *g, int *n, const char *code, const char *name)
{
    for (int i = 0; i < *n; i++) {
        if (strcmp(g[i].code, code) == 0)
            return &g[i];
    }
    g[*n] = (struct group){.code = code, .name = name};
    return &g[(*n)++];
}

static void write_groups(struct jsonw *w, const char *key, const struct group *g, int n)
{
    jw_key(w, key);
    jw_arr(w);
    for (int i = 0; i < n; i++) {
        jw_obj(w);
        jw_kstr(w, "code", g[i].code);
        jw_kstr(w, "name", g[i].name);
        write_counts(w, &g[i].k);
        jw_end_obj(w);
    }
    jw_end_arr(w);
}

int task_board(struct db *db, struct reg_ctx *c, const char *place, int64_t area_id,
               int64_t task_id, const char *today, struct jsonw *w, struct err *e)
{
    struct dbrows rows;
    int *keep;
    int rc = load_targets(db, c, place, area_id, task_id, "", &rows, &keep, e);
    if (rc != ERR_OK)
        return rc;
    size_t cap = sizeof(struct group) * (size_t)(rows.nrows + 1);
    struct group *towns = arena_alloc(c->a, cap), *comms = arena_alloc(c->a, cap);
    int ntowns = 0, ncomms = 0;
    struct counts total = {0};

    jw_obj(w);
    jw_kstr(w, "place", place);
    jw_kstr(w, "today", today);
    jw_key(w, "areas");
    jw_arr(w);
    for (int i = 0; i < rows.nrows;) {
        /* one area: its rows run from i to end */
        int64_t area = dbrows_int(&rows, i, Q_AREA);
        int end = i;
        while (end < rows.nrows && dbrows_int(&rows, end, Q_AREA) == area)
            end++;
        struct counts ak = {0};
        int shown = 0;
        for (int k = i; k < end; k++)
            shown += keep[k];
        if (shown == 0) {
            i = end;
            continue;
        }
        jw_obj(w);
        jw_kint(w, "id", area);
        jw_kstr(w, "name", dbrows_get(&rows, i, Q_AREA_NAME));
        jw_key(w, "tasks");
        jw_arr(w);
        for (int k = i; k < end;) {
            int64_t task = dbrows_int(&rows, k, Q_TASK);
            int tend = k;
            struct counts tk = {0};
            for (; tend < end && dbrows_int(&rows, tend, Q_TASK) == task; tend++) {
                if (!keep[tend])
                    continue;
                count(&tk, &rows, tend, today);
                count(&ak, &rows, tend, today);
                count(&total, &rows, tend, today);
                const char *cc = dbrows_get(&rows, tend, Q_COMMUNITY);
                count(&group_of(towns, &ntowns, dbrows_get(&rows, tend, Q_TOWN),
                                dbrows_get(&rows, tend, Q_TOWN_NAME))
                           ->k,
                      &rows, tend, today);
                count(&group_of(comms, &ncomms, cc, dbrows_get(&rows, tend, Q_COMMUNITY_NAME))->k,
                      &rows, tend, today);
            }
            if (tk.targets > 0) {
                jw_obj(w);
                jw_kint(w, "id", task);
                jw_kstr(w, "title", dbrows_get(&rows, k, Q_TITLE));
                jw_kstr(w, "place", dbrows_get(&rows, k, Q_PLACE));
                jw_kstr(w, "owner", dbrows_get(&rows, k, Q_OWNER));
                jw_kstr(w, "due_on", dbrows_get(&rows, k, Q_DUE_ON));
                write_counts(w, &tk);
                jw_end_obj(w);
            }
            k = tend;
        }
        jw_end_arr(w);
        write_counts(w, &ak);
        jw_end_obj(w);
        i = end;
    }
    jw_end_arr(w);
    jw_key(w, "rollup");
    jw_obj(w);
    jw_key(w, "total");
    jw_obj(w);
    jw_kstr(w, "code", place);
    write_counts(w, &total);
    jw_end_obj(w);
    write_groups(w, "towns", towns, ntowns);
    write_groups(w, "communities", comms, ncomms);
    jw_end_obj(w);
    jw_end_obj(w);
    return ERR_OK;
}

int task_overdue(struct db *db, struct reg_ctx *c, const char *place, const char *today,
                 struct jsonw *w, struct err *e)
{
    struct dbrows rows;
    int *keep, n = 0;
    int ty;
    struct err ignore = {0};
    int rc = load_targets(db, c, place, 0, 0, today, &rows, &keep, e);
    if (rc != ERR_OK)
        return rc;
    if (calendar_date_parse(today, &ty, "today", &ignore) != ERR_OK)
        return err_set(e, ERR_INVALID, "today", "not a date");
    jw_obj(w);
    jw_kstr(w, "place", place);
    jw_kstr(w, "today", today);
    jw_key(w, "items");
    jw_arr(w);
    for (int i = 0; i < rows.nrows; i++) {
        int dy;
        if (!keep[i])
            continue;
        n++;
        jw_obj(w);
        jw_kint(w, "id", dbrows_int(&rows, i, Q_ID));
        jw_kint(w, "task", dbrows_int(&rows, i, Q_TASK));
        jw_kstr(w, "title", dbrows_get(&rows, i, Q_TITLE));
        jw_kstr(w, "area_name", dbrows_get(&rows, i, Q_AREA_NAME));
        jw_kstr(w, "target_name", dbrows_get(&rows, i, Q_TARGET_NAME));
        jw_kstr(w, "community", dbrows_get(&rows, i, Q_COMMUNITY));
        jw_kstr(w, "community_name", dbrows_get(&rows, i, Q_COMMUNITY_NAME));
        jw_kstr(w, "town_name", dbrows_get(&rows, i, Q_TOWN_NAME));
        jw_kstr(w, "task_place", dbrows_get(&rows, i, Q_TASK_PLACE));
        jw_kstr(w, "owner", dbrows_get(&rows, i, Q_OWNER));
        jw_kstr(w, "status", dbrows_get(&rows, i, Q_STATUS));
        jw_kstr(w, "due_on", dbrows_get(&rows, i, Q_DUE_ON));
        if (calendar_date_parse(dbrows_get(&rows, i, Q_DUE_ON), &dy, "due_on", &ignore) == ERR_OK)
            jw_kint(w, "days_late", calendar_days_from_ymd(ty) - calendar_days_from_ymd(dy));
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_kint(w, "count", n);
    jw_end_obj(w);
    return ERR_OK;
}
