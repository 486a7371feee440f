/* service_team.c - service teams (助企专家服务团 of the district, 驻企片区服务团 of an area) and
 * the assignments of enterprise-service cadres to enterprises. An assignment names a cadre (a
 * user holding the enterprise_cadre role), an enterprise inside that role's place, and the team
 * it serves in; the enterprises assigned to a cadre are its scope (authz.h), loaded with its
 * session. A team's members and enterprises are those of its assignments. */
#include "domain/place.h"
#include "domain/service.h"
#include "domain/user.h"

#include <stdlib.h>
#include <string.h>

#define RWIE (V_READ | V_WRITE | V_IMPORT | V_EXPORT)

/* ---- teams ---- */

enum { ST_NAME, ST_KIND, ST_PLACE, ST_LEADER, ST_MEMBERS, ST_ENTERPRISES, ST_NOTE, ST__COUNT };

static const struct reg_option team_kinds[] = {
    {"expert", "助企专家服务团"}, {"area", "驻企片区服务团"}, {NULL, NULL}};

static const struct reg_field team_fields[] = {
    [ST_NAME] = {.name = "name",
                 .label = "服务团名称",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_UNIQUE | F_LIST | F_SEARCH,
                 .max = 60},
    [ST_KIND] = {.name = "kind",
                 .label = "类型",
                 .label_en = "Kind",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_LIST | F_FILTER,
                 .options = team_kinds},
    [ST_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "所属区或镇街",
                  .label_en = "District or town",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_LIST,
                  .levels = PLACE_LEVEL_BIT(PL_DISTRICT) | PLACE_LEVEL_BIT(PL_TOWN)},
    [ST_LEADER] = {.name = "leader",
                   .label = "团长",
                   .label_en = "Leader",
                   .type = FT_TEXT,
                   .flags = F_LIST | F_SEARCH,
                   .max = 40},
    [ST_MEMBERS] = {.name = "members",
                    .label = "服务员人数",
                    .label_en = "Cadres",
                    .type = FT_INT,
                    .flags = F_READONLY | F_LIST | F_NOCSV,
                    .expr = "SELECT count(DISTINCT a.user_id) FROM cadre_assignments a WHERE "
                            "a.team_id = service_teams.id"},
    [ST_ENTERPRISES] = {.name = "enterprises",
                        .label = "服务企业数",
                        .label_en = "Enterprises",
                        .type = FT_INT,
                        .flags = F_READONLY | F_LIST | F_NOCSV,
                        .expr = "SELECT count(DISTINCT a.enterprise_id) FROM cadre_assignments a "
                                "WHERE a.team_id = service_teams.id"},
    [ST_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

const struct registry reg_service_teams = {
    .id = REG_SERVICE_TEAMS,
    .name = "service-teams",
    .label = "助企服务团",
    .label_en = "Service teams",
    .table = "service_teams",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = team_fields,
    .nfields = ST__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = RWIE,
               [ROLE_STREET_OFFICE] = RWIE,
               [ROLE_COMMUNITY_OFFICE] = V_READ,
               [ROLE_PARTY_OFFICE] = V_READ},
    .conflict_field = "name",
};

/* ---- assignments ---- */

enum {
    AS_TEAM,
    AS_TEAM_NAME,
    AS_CADRE,
    AS_CADRE_NAME,
    AS_ENTERPRISE,
    AS_ENTERPRISE_NAME,
    AS_PLACE,
    AS_SINCE,
    AS_NOTE,
    AS__COUNT
};

static const struct reg_field assignment_fields[] = {
    [AS_TEAM] = {.name = "team",
                 .column = "team_id",
                 .label = "服务团",
                 .label_en = "Team",
                 .type = FT_REF,
                 .flags = F_LIST | F_FILTER,
                 .ref = "service-teams"},
    [AS_TEAM_NAME] = {.name = "team_name",
                      .label = "服务团名称",
                      .label_en = "Team name",
                      .type = FT_TEXT,
                      .flags = F_READONLY | F_LIST | F_NOCSV,
                      .expr = "SELECT t.name FROM service_teams t WHERE t.id = "
                              "cadre_assignments.team_id"},
    [AS_CADRE] = {.name = "cadre",
                  .column = "user_id",
                  .label = "驻企服务员（用户编号）",
                  .label_en = "Cadre (user id)",
                  .type = FT_INT,
                  .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                  .min = 1},
    [AS_CADRE_NAME] = {.name = "cadre_name",
                       .label = "驻企服务员",
                       .label_en = "Cadre",
                       .type = FT_TEXT,
                       .flags = F_READONLY | F_LIST | F_NOCSV,
                       .expr = "SELECT u.display_name FROM users u WHERE u.id = "
                               "cadre_assignments.user_id"},
    [AS_ENTERPRISE] = {.name = "enterprise",
                       .column = "enterprise_id",
                       .label = "企业编号",
                       .label_en = "Enterprise",
                       .type = FT_REF,
                       .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                       .ref = "enterprises"},
    [AS_ENTERPRISE_NAME] = {.name = "enterprise_name",
                            .label = "企业名称",
                            .label_en = "Enterprise name",
                            .type = FT_TEXT,
                            .flags = F_READONLY | F_LIST | F_NOCSV,
                            .expr = "SELECT x.name FROM enterprises x WHERE x.id = "
                                    "cadre_assignments.enterprise_id"},
    [AS_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "企业所在镇街或社区",
                  .label_en = "Town or community",
                  .type = FT_PLACE,
                  .flags = F_READONLY | F_SCOPE | F_LIST | F_NOCSV},
    [AS_SINCE] = {.name = "since",
                  .label = "结对日期",
                  .label_en = "Since",
                  .type = FT_DATE,
                  .flags = F_LIST},
    [AS_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 200},
};

static int assignment_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                            struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    const char *place;
    int rc;
    (void)r;
    if ((rc = service_enterprise_place(db, c->a, rec->v[AS_ENTERPRISE], "enterprise", &place, e)) !=
        ERR_OK)
        return rc;
    rec->v[AS_PLACE] = place;
    rec->given[AS_PLACE] = 1;
    /* the cadre holds the role, at a place the enterprise lies under */
    rc = db_query(db, c->a, &rows, e,
                  "SELECT place_code FROM user_roles WHERE user_id = ? AND role = "
                  "'enterprise_cadre'",
                  DB_ARGS(DBI(strtoll(rec->v[AS_CADRE], NULL, 10))));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows == 0)
        return err_set(e, ERR_INVALID, "cadre", "用户 %s 不是驻企服务员（cadre）",
                       rec->v[AS_CADRE]);
    int covered = 0;
    for (int i = 0; i < rows.nrows && !covered; i++) {
        const char *rp = dbrows_get(&rows, i, 0);
        covered = strncmp(place, rp, strlen(rp)) == 0;
    }
    if (!covered)
        return err_set(e, ERR_INVALID, "enterprise", "该企业不在驻企服务员 %s 的服务范围（镇街）内",
                       rec->v[AS_CADRE]);
    /* the team covers the enterprise's place too */
    if (rec->v[AS_TEAM] != NULL) {
        rc = db_query(db, c->a, &rows, e, "SELECT place_code FROM service_teams WHERE id = ?",
                      DB_ARGS(DBI(strtoll(rec->v[AS_TEAM], NULL, 10))));
        if (rc != ERR_OK)
            return rc;
        const char *tp = rows.nrows ? dbrows_get(&rows, 0, 0) : "-";
        if (strncmp(place, tp, strlen(tp)) != 0)
            return err_set(e, ERR_INVALID, "team", "该企业不在服务团（team）的区域内");
    }
    (void)old;
    /* the cadre's scope changes: its cached sessions reload it */
    session_cache_forget_user(strtoll(rec->v[AS_CADRE], NULL, 10));
    return ERR_OK;
}

const struct registry reg_cadre_assignments = {
    .id = REG_CADRE_ASSIGNMENTS,
    .name = "cadre-assignments",
    .label = "驻企结对",
    .label_en = "Cadre assignments",
    .table = "cadre_assignments",
    .key = "id",
    .scope = RS_PLACE,
    .fields = assignment_fields,
    .nfields = AS__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = RWIE,
               [ROLE_STREET_OFFICE] = RWIE,
               [ROLE_COMMUNITY_OFFICE] = V_READ,
               [ROLE_ENTERPRISE_CADRE] = V_READ,
               [ROLE_PARTY_OFFICE] = V_READ},
    .enterprise_field = "enterprise",
    .conflict_field = "enterprise",
    .rules = assignment_rules,
};
