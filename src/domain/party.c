/* party.c - the party's registries: organisations attached to places (a branch on every grid),
 * members (people stay in the residents registry, so identity data is protected in one place),
 * rosters of other places' members who left (protected: the party offices only), the
 * candidates matching finds among new residents (made and decided by party_match.c's actions),
 * and activities, volunteer service and care visits. The grid's party page and the coverage of
 * grids by organisations are read here too. */
#include "domain/party.h"
#include "domain/grid_counters.h"
#include "core/util.h"
#include "domain/idnum.h"
#include "domain/pii_fields.h"
#include "domain/people.h"
#include "domain/place.h"
#include "domain/project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RWIE (V_READ | V_WRITE | V_IMPORT | V_EXPORT)

/* ---- organisations ---- */

static const struct reg_option org_kinds[] = {
    {"committee", "党委"}, {"general_branch", "党总支"}, {"branch", "党支部"}, {NULL, NULL}};
static const struct reg_option attach_kinds[] = {{"place", "区域"},    {"compound", "小区"},
                                                 {"project", "项目"},  {"enterprise", "企业"},
                                                 {"platform", "平台"}, {NULL, NULL}};

static const struct reg_field org_fields[] = {
    [PO_NAME] = {.name = "name",
                 .label = "组织名称",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST | F_SEARCH,
                 .max = 60},
    [PO_KIND] = {.name = "kind",
                 .label = "类型",
                 .label_en = "Kind",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_LIST | F_FILTER | F_COUNT,
                 .options = org_kinds},
    [PO_PARENT] = {.name = "parent",
                   .column = "parent_id",
                   .label = "上级组织",
                   .label_en = "Parent",
                   .type = FT_REF,
                   .flags = F_LIST | F_FILTER,
                   .ref = "party-orgs"},
    [PO_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "所在区域",
                  .label_en = "Place",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_LIST | F_FILTER,
                  .levels = PLACE_LEVELS_ANY},
    [PO_ATTACH_KIND] = {.name = "attach_kind",
                        .label = "建在",
                        .label_en = "Attached to",
                        .type = FT_ENUM,
                        .flags = F_FILTER,
                        .options = attach_kinds,
                        .dflt = "place"},
    [PO_ATTACH_ID] = {.name = "attach_id",
                      .label = "所建对象编号",
                      .label_en = "Attached id",
                      .type = FT_INT,
                      .min = 1,
                      .max = INT64_MAX},
    [PO_SECRETARY] = {.name = "secretary",
                      .label = "书记",
                      .label_en = "Secretary",
                      .type = FT_TEXT,
                      .flags = F_LIST | F_SEARCH,
                      .max = 40},
    [PO_SECRETARY_RESIDENT] = {.name = "secretary_resident",
                               .label = "书记（居民编号）",
                               .label_en = "Secretary (resident)",
                               .type = FT_REF,
                               .ref = "residents"},
    [PO_FOUNDED_ON] = {.name = "founded_on",
                       .label = "成立日期",
                       .label_en = "Founded on",
                       .type = FT_DATE},
    [PO_MEMBERS] = {.name = "members",
                    .label = "党员数",
                    .label_en = "Members",
                    .type = FT_INT,
                    .flags = F_READONLY | F_LIST | F_NOCSV,
                    .expr = "SELECT count(*) FROM party_members m WHERE m.org_id = party_orgs.id "
                            "AND m.status IN ('active', 'mobile_in') AND m.archived_at IS NULL"},
    [PO_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

static int kind_rank(const char *kind)
{
    return strcmp(kind, "committee") == 0 ? 3 : strcmp(kind, "general_branch") == 0 ? 2 : 1;
}

/* A parent is a higher organisation at or above the place; an attachment names its object. */
static int org_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                     struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    (void)r;
    if (rec->v[PO_PARENT] != NULL) {
        int rc =
            db_query(db, c->a, &rows, e, "SELECT kind, place_code FROM party_orgs WHERE id = ?",
                     DB_ARGS(DBI(strtoll(rec->v[PO_PARENT], NULL, 10))));
        if (rc != ERR_OK)
            return rc;
        if (old != NULL && strcmp(rec->v[PO_PARENT], old->key) == 0)
            return err_set(e, ERR_INVALID, "parent", "组织不能是自己的上级");
        if (rows.nrows == 1) {
            const char *pk = dbrows_get(&rows, 0, 0), *pp = dbrows_get(&rows, 0, 1);
            if (kind_rank(pk) <= kind_rank(rec->v[PO_KIND]) && kind_rank(pk) < 3)
                return err_set(e, ERR_INVALID, "parent", "上级组织的层级须高于本组织");
            if (strncmp(rec->v[PO_PLACE], pp, strlen(pp)) != 0)
                return err_set(e, ERR_INVALID, "parent", "上级组织所在区域 %s 不包含 %s", pp,
                               rec->v[PO_PLACE]);
        }
    }
    const char *ak = rec->v[PO_ATTACH_KIND] ? rec->v[PO_ATTACH_KIND] : "place";
    if (strcmp(ak, "place") != 0 && rec->v[PO_ATTACH_ID] == NULL)
        return err_set(e, ERR_INVALID, "attach_id", "建在%s上的组织须写明其编号", ak);
    /* what an organisation sits on exists (and is not archived) */
    static const struct {
        const char *kind, *sql, *label;
    } objects[] = {
        {"compound", "SELECT id FROM compounds WHERE id = ?", "小区"},
        {"project", "SELECT id FROM projects WHERE id = ? AND archived_at IS NULL", "项目"},
        {"platform", "SELECT id FROM platforms WHERE id = ? AND archived_at IS NULL", "平台"},
        {"enterprise", "SELECT id FROM enterprises WHERE id = ? AND archived_at IS NULL", "企业"},
    };
    for (size_t i = 0; i < ARRAY_LEN(objects); i++) {
        if (strcmp(ak, objects[i].kind) != 0)
            continue;
        int rc = db_query(db, c->a, &rows, e, objects[i].sql,
                          DB_ARGS(DBI(strtoll(rec->v[PO_ATTACH_ID], NULL, 10))));
        if (rc != ERR_OK)
            return rc;
        if (rows.nrows == 0)
            return err_set(e, ERR_INVALID, "attach_id", "没有编号 %s 的%s", rec->v[PO_ATTACH_ID],
                           objects[i].label);
    }
    return ERR_OK;
}

#define ORG_GRANTS                                                                                 \
    {                                                                                              \
        [ROLE_DISTRICT_ADMIN] = RWIE, [ROLE_PARTY_OFFICE] = RWIE, [ROLE_STREET_OFFICE] = RWIE,     \
        [ROLE_COMMUNITY_OFFICE] = V_READ | V_WRITE | V_EXPORT, [ROLE_GRID_LEADER] = V_READ,        \
        [ROLE_GRID_WORKER] = V_READ, [ROLE_ENTERPRISE_CADRE] = V_READ,                             \
    }

const struct registry reg_party_orgs = {
    .id = REG_PARTY_ORGS,
    .name = "party-orgs",
    .label = "党组织",
    .label_en = "Party organisations",
    .table = "party_orgs",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = org_fields,
    .nfields = PO__COUNT,
    .grants = ORG_GRANTS,
    .conflict_field = "name",
    .rules = org_rules,
    .counted = grid_counted_branch,
};

/* ---- members ---- */

static const struct reg_option member_statuses[] = {{"active", "正式在册"}, {"mobile_out", "流出"},
                                                    {"mobile_in", "流入"},  {"transferred", "转出"},
                                                    {"deceased", "去世"},   {NULL, NULL}};

static const struct reg_field member_fields[] = {
    [PM_RESIDENT] = {.name = "resident",
                     .column = "resident_id",
                     .label = "居民编号",
                     .label_en = "Resident",
                     .type = FT_REF,
                     .flags = F_REQ | F_UNIQUE | F_IMMUTABLE | F_LIST | F_FILTER,
                     .ref = "residents"},
    [PM_NAME] = {.name = "name",
                 .label = "姓名",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_READONLY | F_LIST | F_NOCSV,
                 .expr = "SELECT r.name FROM residents r WHERE r.id = party_members.resident_id"},
    [PM_ORG] = {.name = "org",
                .column = "org_id",
                .label = "所在组织",
                .label_en = "Organisation",
                .type = FT_REF,
                .flags = F_REQ | F_LIST | F_FILTER,
                .ref = "party-orgs"},
    [PM_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "联系网格",
                  .label_en = "Contact grid",
                  .type = FT_PLACE,
                  .flags = F_SCOPE | F_LIST,
                  .levels = PLACE_LEVELS_LOCAL},
    [PM_JOINED_ON] = {.name = "joined_on",
                      .label = "入党日期",
                      .label_en = "Joined on",
                      .type = FT_DATE},
    [PM_STATUS] = {.name = "status",
                   .label = "状态",
                   .label_en = "Status",
                   .type = FT_ENUM,
                   .flags = F_LIST | F_FILTER | F_COUNT,
                   .options = member_statuses,
                   .dflt = "active"},
    [PM_ORIGIN_ORG] = {.name = "origin_org",
                       .label = "原所在组织",
                       .label_en = "Origin organisation",
                       .type = FT_TEXT,
                       .flags = F_SEARCH,
                       .max = 100},
    [PM_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

static int member_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                        struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)r, (void)old;
    int rc = reg_copy_from(db, c, rec, PM_PLACE, PM_RESIDENT, "residents", "place_code", 1, e);
    if (rc == ERR_OK && rec->v[PM_PLACE] == NULL)
        rc = err_set(e, ERR_INVALID, "place", "联系网格（place）必填");
    return rc;
}

const struct registry reg_party_members = {
    .id = REG_PARTY_MEMBERS,
    .name = "party-members",
    .label = "党员",
    .label_en = "Party members",
    .table = "party_members",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = member_fields,
    .nfields = PM__COUNT,
    .grants =
        {
            [ROLE_DISTRICT_ADMIN] = RWIE,
            [ROLE_PARTY_OFFICE] = RWIE,
            [ROLE_STREET_OFFICE] = V_READ | V_WRITE | V_EXPORT,
            [ROLE_COMMUNITY_OFFICE] = V_READ | V_WRITE | V_EXPORT,
            [ROLE_GRID_LEADER] = V_READ,
            [ROLE_GRID_WORKER] = V_READ,
        },
    .conflict_field = "resident",
    .rules = member_rules,
};

/* ---- rosters from elsewhere ---- */

static const struct reg_field roster_fields[] = {
    [PR_NAME] = {.name = "name",
                 .label = "姓名",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST | F_SEARCH,
                 .max = 40},
    [PR_ID_NUMBER] = FIELD_ID_NUMBER,
    [PR_BIRTH_DATE] = {.name = "birth_date",
                       .label = "出生日期",
                       .label_en = "Birth date",
                       .type = FT_DATE,
                       .flags = F_LIST},
    [PR_PHONE] = FIELD_PHONE,
    [PR_ORIGIN_ORG] = {.name = "origin_org",
                       .label = "原所在组织",
                       .label_en = "Origin organisation",
                       .type = FT_TEXT,
                       .flags = F_LIST | F_SEARCH,
                       .max = 100},
    [PR_ORIGIN] = {.name = "origin",
                   .label = "名单来源",
                   .label_en = "Roster from",
                   .type = FT_TEXT,
                   .flags = F_REQ | F_LIST | F_SEARCH | F_FILTER,
                   .max = 100},
    [PR_ORIGIN_CODE] = {.name = "origin_code",
                        .label = "来源地区划代码",
                        .label_en = "Origin division code",
                        .type = FT_TEXT,
                        .flags = F_FILTER,
                        .max = 12,
                        .check = field_check_division},
    [PR_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

/* The birth date follows the identity number when there is one. */
static int roster_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                        struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)db, (void)r, (void)old;
    const char *id = rec->v[PR_ID_NUMBER];
    if (id == NULL)
        return ERR_OK;
    char *birth = arena_alloc(c->a, 11);
    idcard_birth(id, birth);
    if (rec->given[PR_BIRTH_DATE] && rec->v[PR_BIRTH_DATE] != NULL &&
        strcmp(rec->v[PR_BIRTH_DATE], birth) != 0)
        return err_set(e, ERR_INVALID, "birth_date", "出生日期 %s 与身份证号不符（%s）",
                       rec->v[PR_BIRTH_DATE], birth);
    rec->v[PR_BIRTH_DATE] = birth;
    return ERR_OK;
}

const struct registry reg_party_rosters = {
    .id = REG_PARTY_ROSTERS,
    .name = "party-rosters",
    .label = "流出党员名单",
    .label_en = "Rosters from elsewhere",
    .table = "party_rosters",
    .key = "id",
    .scope = RS_GLOBAL,
    .opts = RO_ARCHIVE,
    .fields = roster_fields,
    .nfields = PR__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = V_ALL, [ROLE_PARTY_OFFICE] = V_ALL},
    .conflict_field = "id_number",
    .rules = roster_rules,
};

/* ---- match candidates (made by runs, decided by actions: party_match.c) ---- */

static const struct reg_option match_statuses[] = {
    {"candidate", "待确认"}, {"confirmed", "已确认"}, {"rejected", "已排除"}, {NULL, NULL}};

static const struct reg_field match_fields[] = {
    [MM_REGISTRATION] = {.name = "registration",
                         .column = "registration_id",
                         .label = "新居民登记",
                         .label_en = "Registration",
                         .type = FT_REF,
                         .flags = F_READONLY | F_LIST | F_FILTER,
                         .ref = "registrations"},
    [MM_ROSTER] = {.name = "roster",
                   .column = "roster_id",
                   .label = "名单记录",
                   .label_en = "Roster entry",
                   .type = FT_REF,
                   .flags = F_READONLY | F_LIST | F_FILTER,
                   .ref = "party-rosters"},
    [MM_NAME] = {.name = "name",
                 .label = "新居民姓名",
                 .label_en = "New resident",
                 .type = FT_TEXT,
                 .flags = F_READONLY | F_LIST | F_NOCSV,
                 .expr = "SELECT r.name FROM registrations g JOIN residents r ON r.id = "
                         "g.resident_id WHERE g.id = mobile_matches.registration_id"},
    [MM_ROSTER_NAME] = {.name = "roster_name",
                        .label = "名单姓名",
                        .label_en = "Roster name",
                        .type = FT_TEXT,
                        .flags = F_READONLY | F_LIST | F_NOCSV,
                        .expr = "SELECT p.name FROM party_rosters p WHERE p.id = "
                                "mobile_matches.roster_id"},
    [MM_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "网格",
                  .label_en = "Grid",
                  .type = FT_PLACE,
                  .flags = F_READONLY | F_SCOPE | F_LIST,
                  .levels = PLACE_LEVELS_LOCAL},
    [MM_SCORE] = {.name = "score",
                  .label = "匹配分",
                  .label_en = "Score",
                  .type = FT_INT,
                  .flags = F_READONLY | F_LIST,
                  .min = 0,
                  .max = 100},
    [MM_REASONS] = {.name = "reasons",
                    .label = "依据",
                    .label_en = "Reasons",
                    .type = FT_TAGS,
                    .flags = F_READONLY,
                    .max = 10},
    [MM_STATUS] = {.name = "status",
                   .label = "状态",
                   .label_en = "Status",
                   .type = FT_ENUM,
                   .flags = F_READONLY | F_LIST | F_FILTER | F_COUNT,
                   .options = match_statuses},
    [MM_DECISION] = {.name = "decision",
                     .label = "处理意见",
                     .label_en = "Decision",
                     .type = FT_TEXT,
                     .flags = F_READONLY,
                     .max = 200},
    [MM_MEMBER] = {.name = "member",
                   .column = "member_id",
                   .label = "党员编号",
                   .label_en = "Member",
                   .type = FT_REF,
                   .flags = F_READONLY,
                   .ref = "party-members"},
    /* side by side for the decision: the new resident's birth date and origin, the roster's */
    [MM_BIRTH_DATE] = {.name = "birth_date",
                       .label = "新居民出生日期",
                       .label_en = "Birth date",
                       .type = FT_DATE,
                       .flags = F_READONLY | F_NOCSV,
                       .expr = "SELECT r.birth_date FROM registrations g JOIN residents r ON r.id "
                               "= g.resident_id WHERE g.id = mobile_matches.registration_id"},
    [MM_ORIGIN] = {.name = "origin",
                   .label = "新居民户籍地",
                   .label_en = "Origin",
                   .type = FT_TEXT,
                   .flags = F_READONLY | F_NOCSV,
                   .expr = "SELECT g.origin FROM registrations g WHERE g.id = "
                           "mobile_matches.registration_id"},
    [MM_ROSTER_BIRTH_DATE] = {.name = "roster_birth_date",
                              .label = "名单出生日期",
                              .label_en = "Roster birth date",
                              .type = FT_DATE,
                              .flags = F_READONLY | F_NOCSV,
                              .expr = "SELECT p.birth_date FROM party_rosters p WHERE p.id = "
                                      "mobile_matches.roster_id"},
    [MM_ROSTER_ORIGIN_ORG] = {.name = "roster_origin_org",
                              .label = "名单原所在组织",
                              .label_en = "Roster organisation",
                              .type = FT_TEXT,
                              .flags = F_READONLY | F_NOCSV,
                              .expr = "SELECT p.origin_org FROM party_rosters p WHERE p.id = "
                                      "mobile_matches.roster_id"},
    [MM_ROSTER_ORIGIN] = {.name = "roster_origin",
                          .label = "名单来源",
                          .label_en = "Roster from",
                          .type = FT_TEXT,
                          .flags = F_READONLY | F_NOCSV,
                          .expr = "SELECT p.origin FROM party_rosters p WHERE p.id = "
                                  "mobile_matches.roster_id"},
};

/* every field of a registry's table is declared: the engine reads them by index */
_Static_assert(sizeof(match_fields) / sizeof(match_fields[0]) == MM__COUNT, "match fields");
_Static_assert(sizeof(org_fields) / sizeof(org_fields[0]) == PO__COUNT, "org fields");
_Static_assert(sizeof(member_fields) / sizeof(member_fields[0]) == PM__COUNT, "member fields");
_Static_assert(sizeof(roster_fields) / sizeof(roster_fields[0]) == PR__COUNT, "roster fields");

const struct registry reg_mobile_matches = {
    .id = REG_MOBILE_MATCHES,
    .name = "mobile-matches",
    .label = "流动党员排查",
    .label_en = "Mobile member matches",
    .table = "mobile_matches",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_NO_WRITE,
    .fields = match_fields,
    .nfields = MM__COUNT,
    .grants =
        {
            [ROLE_DISTRICT_ADMIN] = V_READ | V_WRITE | V_EXPORT,
            [ROLE_PARTY_OFFICE] = V_READ | V_WRITE | V_EXPORT,
            [ROLE_STREET_OFFICE] = V_READ | V_WRITE,
            [ROLE_COMMUNITY_OFFICE] = V_READ | V_WRITE,
        },
};

/* ---- activities, volunteer service, care visits ---- */

enum { PA_TITLE, PA_KIND, PA_HELD_ON, PA_ORG, PA_PLACE, PA_ATTENDEES, PA_NOTE, PA__COUNT };

static const struct reg_option activity_kinds[] = {{"feature_class", "特色课堂"},
                                                   {"model_class", "榜样课堂"},
                                                   {"cloud_class", "云端课堂"},
                                                   {"theme_day", "主题党日"},
                                                   {"volunteer", "志愿服务"},
                                                   {"other", "其他"},
                                                   {NULL, NULL}};

static const struct reg_field activity_fields[] = {
    [PA_TITLE] = {.name = "title",
                  .label = "活动名称",
                  .label_en = "Title",
                  .type = FT_TEXT,
                  .flags = F_REQ | F_LIST | F_SEARCH,
                  .max = 100},
    [PA_KIND] = {.name = "kind",
                 .label = "类型",
                 .label_en = "Kind",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_LIST | F_FILTER,
                 .options = activity_kinds},
    [PA_HELD_ON] = {.name = "held_on",
                    .label = "日期",
                    .label_en = "Held on",
                    .type = FT_DATE,
                    .flags = F_REQ | F_LIST},
    [PA_ORG] = {.name = "org",
                .column = "org_id",
                .label = "组织",
                .label_en = "Organisation",
                .type = FT_REF,
                .flags = F_REQ | F_LIST | F_FILTER,
                .ref = "party-orgs"},
    [PA_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "区域",
                  .label_en = "Place",
                  .type = FT_PLACE,
                  .flags = F_SCOPE | F_LIST,
                  .levels = PLACE_LEVELS_ANY},
    [PA_ATTENDEES] = {.name = "attendees",
                      .label = "参加人数",
                      .label_en = "Attendees",
                      .type = FT_INT,
                      .flags = F_LIST,
                      .min = 0,
                      .max = 100000,
                      .dflt = "0"},
    [PA_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

static int activity_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                          struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)r, (void)old;
    return reg_copy_from(db, c, rec, PA_PLACE, PA_ORG, "party_orgs", "place_code", 1, e);
}

#define SERVICE_GRANTS                                                                             \
    {                                                                                              \
        [ROLE_DISTRICT_ADMIN] = RWIE, [ROLE_PARTY_OFFICE] = RWIE, [ROLE_STREET_OFFICE] = RWIE,     \
        [ROLE_COMMUNITY_OFFICE] = RWIE, [ROLE_GRID_LEADER] = V_READ | V_WRITE,                     \
        [ROLE_GRID_WORKER] = V_READ | V_WRITE,                                                     \
    }

const struct registry reg_party_activities = {
    .id = REG_PARTY_ACTIVITIES,
    .name = "party-activities",
    .label = "党建活动",
    .label_en = "Party activities",
    .table = "party_activities",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = activity_fields,
    .nfields = PA__COUNT,
    .grants = SERVICE_GRANTS,
    .rules = activity_rules,
};

enum {
    VH_RESIDENT,
    VH_NAME,
    VH_TEAM,
    VH_SERVED_ON,
    VH_MINUTES,
    VH_ACTIVITY,
    VH_PLACE,
    VH_NOTE,
    VH__COUNT
};

static const struct reg_field volunteer_fields[] = {
    [VH_RESIDENT] = {.name = "resident",
                     .column = "resident_id",
                     .label = "志愿者（居民编号）",
                     .label_en = "Volunteer (resident)",
                     .type = FT_REF,
                     .flags = F_REQ | F_LIST | F_FILTER,
                     .ref = "residents"},
    [VH_NAME] = {.name = "name",
                 .label = "姓名",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_READONLY | F_LIST | F_NOCSV,
                 .expr = "SELECT r.name FROM residents r WHERE r.id = volunteer_hours.resident_id"},
    [VH_TEAM] = {.name = "team",
                 .label = "志愿队伍",
                 .label_en = "Team",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST | F_SEARCH | F_FILTER,
                 .max = 60},
    [VH_SERVED_ON] = {.name = "served_on",
                      .label = "服务日期",
                      .label_en = "Served on",
                      .type = FT_DATE,
                      .flags = F_REQ | F_LIST},
    [VH_MINUTES] = {.name = "minutes",
                    .label = "服务时长（分钟）",
                    .label_en = "Minutes",
                    .type = FT_INT,
                    .flags = F_REQ | F_LIST,
                    .min = 1,
                    .max = 1440},
    [VH_ACTIVITY] = {.name = "activity",
                     .column = "activity_id",
                     .label = "活动",
                     .label_en = "Activity",
                     .type = FT_REF,
                     .flags = F_FILTER,
                     .ref = "party-activities"},
    [VH_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "网格",
                  .label_en = "Grid",
                  .type = FT_PLACE,
                  .flags = F_SCOPE | F_LIST,
                  .levels = PLACE_LEVELS_LOCAL},
    [VH_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

static int volunteer_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                           struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)r, (void)old;
    return reg_copy_from(db, c, rec, VH_PLACE, VH_RESIDENT, "residents", "place_code", 1, e);
}

const struct registry reg_volunteer_hours = {
    .id = REG_VOLUNTEER_HOURS,
    .name = "volunteer-hours",
    .label = "志愿服务时长",
    .label_en = "Volunteer service",
    .table = "volunteer_hours",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = volunteer_fields,
    .nfields = VH__COUNT,
    .grants = SERVICE_GRANTS,
    .rules = volunteer_rules,
};

enum { CV_MEMBER, CV_NAME, CV_VISITED_ON, CV_KIND, CV_VISITOR, CV_PLACE, CV_NOTE, CV__COUNT };

static const struct reg_option care_kinds[] = {{"elderly", "高龄党员"},
                                               {"difficulty", "困难党员"},
                                               {"illness", "患病党员"},
                                               {"other", "其他"},
                                               {NULL, NULL}};

static const struct reg_field care_fields[] = {
    [CV_MEMBER] = {.name = "member",
                   .column = "member_id",
                   .label = "党员编号",
                   .label_en = "Member",
                   .type = FT_REF,
                   .flags = F_REQ | F_LIST | F_FILTER,
                   .ref = "party-members"},
    [CV_NAME] = {.name = "name",
                 .label = "姓名",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_READONLY | F_LIST | F_NOCSV,
                 .expr = "SELECT r.name FROM party_members m JOIN residents r ON r.id = "
                         "m.resident_id WHERE m.id = care_visits.member_id"},
    [CV_VISITED_ON] = {.name = "visited_on",
                       .label = "走访日期",
                       .label_en = "Visited on",
                       .type = FT_DATE,
                       .flags = F_REQ | F_LIST},
    [CV_KIND] = {.name = "kind",
                 .label = "类型",
                 .label_en = "Kind",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_LIST | F_FILTER,
                 .options = care_kinds},
    [CV_VISITOR] = {.name = "visitor",
                    .label = "走访人",
                    .label_en = "Visitor",
                    .type = FT_TEXT,
                    .flags = F_REQ | F_LIST | F_SEARCH,
                    .max = 40},
    [CV_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "网格",
                  .label_en = "Grid",
                  .type = FT_PLACE,
                  .flags = F_SCOPE | F_LIST,
                  .levels = PLACE_LEVELS_LOCAL},
    [CV_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

static int care_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                      struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)r, (void)old;
    return reg_copy_from(db, c, rec, CV_PLACE, CV_MEMBER, "party_members", "place_code", 1, e);
}

const struct registry reg_care_visits = {
    .id = REG_CARE_VISITS,
    .name = "care-visits",
    .label = "关爱走访",
    .label_en = "Care visits",
    .table = "care_visits",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = care_fields,
    .nfields = CV__COUNT,
    .grants = SERVICE_GRANTS,
    .rules = care_rules,
};

/* ---- reads across the registries ---- */

int party_coverage(struct db *db, struct arena *a, const struct user *u, const char *place,
                   struct jsonw *w, struct err *e)
{
    struct dbrows rows;
    int rc = db_query(db, a, &rows, e,
                      "SELECT g.code, g.name, g.parent_code, c.name, (SELECT count(*) FROM "
                      "party_orgs o WHERE o.archived_at IS NULL AND o.place_code LIKE g.code || "
                      "'%'), t.name FROM places g JOIN places c ON c.code = g.parent_code JOIN "
                      "places t ON t.code = c.parent_code WHERE g.level = 'grid' AND g.code LIKE ? "
                      "ORDER BY g.code",
                      DB_ARGS(DBS(arena_printf(a, "%s%%", place))));
    if (rc != ERR_OK)
        return rc;
    int total = 0, covered = 0;
    jw_obj(w);
    jw_kstr(w, "place", place);
    jw_key(w, "uncovered");
    jw_arr(w);
    for (int i = 0; i < rows.nrows; i++) {
        struct target t = {.place = dbrows_get(&rows, i, 0)};
        if (u != NULL && !authz_verb_allow(u, reg_party_orgs.grants, V_READ, &t))
            continue;
        total++;
        if (dbrows_int(&rows, i, 4) > 0) {
            covered++;
            continue;
        }
        jw_obj(w);
        jw_kstr(w, "code", t.place);
        jw_kstr(w, "name", dbrows_get(&rows, i, 1));
        jw_kstr(w, "community", dbrows_get(&rows, i, 2));
        jw_kstr(w, "community_name", dbrows_get(&rows, i, 3));
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_kint(w, "grids", total);
    jw_kint(w, "covered", covered);
    /* per community and per town: grids and those with an organisation */
    static const struct {
        const char *key;
        int len;
    } levels[] = {{"by_community", 12}, {"by_town", 9}};
    for (size_t l = 0; l < ARRAY_LEN(levels); l++) {
        jw_key(w, levels[l].key);
        jw_arr(w);
        for (int i = 0; i < rows.nrows;) {
            const char *code = dbrows_get(&rows, i, 0);
            int n = 0, with = 0, k = i;
            for (; k < rows.nrows &&
                   strncmp(dbrows_get(&rows, k, 0), code, (size_t)levels[l].len) == 0;
                 k++) {
                struct target t = {.place = dbrows_get(&rows, k, 0)};
                if (u != NULL && !authz_verb_allow(u, reg_party_orgs.grants, V_READ, &t))
                    continue;
                n++;
                with += dbrows_int(&rows, k, 4) > 0;
            }
            if (n > 0) {
                jw_obj(w);
                jw_kstr(w, "code", arena_printf(a, "%.*s", levels[l].len, code));
                jw_kstr(w, "name", dbrows_get(&rows, i, levels[l].len == 12 ? 3 : 5));
                jw_kint(w, "grids", n);
                jw_kint(w, "covered", with);
                jw_end_obj(w);
            }
            i = k;
        }
        jw_end_arr(w);
    }
    /* every major project (1亿元 or more) has a branch: those without one (红领项目) */
    if ((rc = project_coverage(db, a, u, place, w, e)) != ERR_OK)
        return rc;
    jw_end_obj(w);
    return ERR_OK;
}

int party_activity_summary(struct db *db, struct arena *a, const struct user *u, const char *place,
                           const char *from, const char *to, struct jsonw *w, struct err *e)
{
    struct dbrows rows;
    int rc = db_query(
        db, a, &rows, e,
        "SELECT o.id, o.name, o.kind, o.place_code, "
        "(SELECT count(*) FROM party_members m WHERE m.org_id = o.id AND m.archived_at IS NULL "
        "AND m.status IN ('active', 'mobile_in')), "
        "(SELECT count(*) FROM party_activities x WHERE x.org_id = o.id AND x.archived_at IS NULL "
        "AND x.held_on BETWEEN ? AND ?), "
        "(SELECT coalesce(sum(x.attendees), 0) FROM party_activities x WHERE x.org_id = o.id AND "
        "x.archived_at IS NULL AND x.held_on BETWEEN ? AND ?), "
        "(SELECT count(*) FROM care_visits v JOIN party_members m ON m.id = v.member_id WHERE "
        "m.org_id = o.id AND v.archived_at IS NULL AND v.visited_on BETWEEN ? AND ?), "
        "(SELECT coalesce(sum(h.minutes), 0) FROM volunteer_hours h JOIN party_activities x ON "
        "x.id = h.activity_id WHERE x.org_id = o.id AND h.archived_at IS NULL AND h.served_on "
        "BETWEEN ? AND ?) "
        "FROM party_orgs o WHERE o.archived_at IS NULL AND o.place_code LIKE ? ORDER BY "
        "o.place_code, o.id",
        DB_ARGS(DBS(from), DBS(to), DBS(from), DBS(to), DBS(from), DBS(to), DBS(from), DBS(to),
                DBS(arena_printf(a, "%s%%", place))));
    if (rc != ERR_OK)
        return rc;
    static const char *const counts[] = {"members", "activities", "attendees", "care_visits",
                                         "volunteer_minutes"};
    int64_t total[5] = {0};
    jw_obj(w);
    jw_kstr(w, "place", place);
    jw_kstr(w, "from", from);
    jw_kstr(w, "to", to);
    jw_key(w, "items");
    jw_arr(w);
    for (int i = 0; i < rows.nrows; i++) {
        struct target t = {.place = dbrows_get(&rows, i, 3)};
        if (u != NULL && !authz_verb_allow(u, reg_party_orgs.grants, V_READ, &t))
            continue;
        jw_obj(w);
        jw_kint(w, "id", dbrows_int(&rows, i, 0));
        jw_kstr(w, "name", dbrows_get(&rows, i, 1));
        jw_kstr(w, "kind", dbrows_get(&rows, i, 2));
        jw_kstr(w, "place", t.place);
        for (int k = 0; k < 5; k++) {
            jw_kint(w, counts[k], dbrows_int(&rows, i, 4 + k));
            total[k] += dbrows_int(&rows, i, 4 + k);
        }
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_key(w, "totals");
    jw_obj(w);
    for (int k = 0; k < 5; k++)
        jw_kint(w, counts[k], total[k]);
    jw_end_obj(w);
    jw_end_obj(w);
    return ERR_OK;
}

/* One registry's records under grid, into the page (masked as the caller may see them). */
static int list_under(struct db *db, struct reg_ctx *c, const struct registry *r, const char *grid,
                      const char *fname, const char *fvalue, const char *key, struct jsonw *w,
                      struct reg_rec **out, int *n, struct err *e)
{
    const char *names[] = {fname}, *values[] = {fvalue};
    struct reg_query q = {.place = grid,
                          .limit = 1000,
                          .filter_names = names,
                          .filter_values = values,
                          .nfilters = fname != NULL};
    const char *next;
    int rc = reg_list(db, c, r, &q, out, n, &next, e);
    if (rc != ERR_OK)
        return rc;
    jw_key(w, key);
    jw_arr(w);
    for (int i = 0; i < *n; i++)
        reg_write_json(w, c, r, &(*out)[i]);
    jw_end_arr(w);
    return ERR_OK;
}

int party_grid(struct db *db, struct reg_ctx *c, const char *grid, struct jsonw *w, struct err *e)
{
    struct place p;
    struct reg_rec *recs;
    struct dbrows rows;
    int n, rc = place_get(db, c->a, grid, &p, e);
    if (rc != ERR_OK)
        return rc;
    struct target t = {.place = grid};
    if (c->enforce && !authz_verb_allow(c->user, reg_party_orgs.grants, V_READ, &t))
        return err_set(e, ERR_FORBIDDEN, NULL, "该网格不在您的管辖范围内");
    jw_obj(w);
    jw_key(w, "place");
    place_write(w, &p, 0);
    /* the organisations attached to the grid */
    if ((rc = list_under(db, c, &reg_party_orgs, grid, NULL, NULL, "orgs", w, &recs, &n, e)))
        goto out;
    /* and those above it on the way up: names, kinds and secretaries, which any sign shows */
    rc = db_query(db, c->a, &rows, e,
                  "SELECT id, name, kind, place_code, secretary FROM party_orgs WHERE "
                  "archived_at IS NULL AND place_code IN (?, ?, ?) ORDER BY length(place_code), id",
                  DB_ARGS(DBS(arena_printf(c->a, "%.6s", grid)),
                          DBS(arena_printf(c->a, "%.9s", grid)),
                          DBS(arena_printf(c->a, "%.12s", grid))));
    if (rc != ERR_OK)
        goto out;
    jw_key(w, "orgs_above");
    jw_arr(w);
    for (int i = 0; i < rows.nrows; i++) {
        jw_obj(w);
        jw_kint(w, "id", dbrows_int(&rows, i, 0));
        jw_kstr(w, "name", dbrows_get(&rows, i, 1));
        jw_kstr(w, "kind", dbrows_get(&rows, i, 2));
        jw_kstr(w, "place", dbrows_get(&rows, i, 3));
        jw_kstr(w, "secretary", dbrows_get(&rows, i, 4));
        jw_end_obj(w);
    }
    jw_end_arr(w);
    if ((rc = list_under(db, c, &reg_party_members, grid, NULL, NULL, "members", w, &recs, &n, e)))
        goto out;
    if (reg_may(c->user, &reg_mobile_matches, V_READ) || !c->enforce) {
        rc = list_under(db, c, &reg_mobile_matches, grid, "status", "confirmed", "mobile_found", w,
                        &recs, &n, e);
        if (rc != ERR_OK)
            goto out;
    }
    if ((rc = list_under(db, c, &reg_residents, grid, "tags", "志愿者", "volunteers", w, &recs, &n,
                         e)))
        goto out;
    rc = db_query(db, c->a, &rows, e,
                  "SELECT resident_id, sum(minutes) FROM volunteer_hours WHERE archived_at IS NULL "
                  "AND place_code LIKE ? GROUP BY resident_id ORDER BY resident_id",
                  DB_ARGS(DBS(arena_printf(c->a, "%s%%", grid))));
    if (rc != ERR_OK)
        goto out;
    jw_key(w, "volunteer_minutes");
    jw_obj(w);
    for (int i = 0; i < rows.nrows; i++)
        jw_kint(w, dbrows_get(&rows, i, 0), dbrows_int(&rows, i, 1));
    jw_end_obj(w);
    jw_end_obj(w);
out:
    return rc;
}
