/* workshop.c - common-prosperity workshops (共富工坊): the workshop (its community's offices keep
 * it), its participants and their income per month. A participant is a resident, so the name
 * and the tags (elderly, disabled ...) are the resident's and never copied; participants and
 * incomes take the workshop's community, so they are seen where the workshop is, and only those
 * who may write the workshop change them. The enterprises are named by their credit codes
 * (immutable and unique), each checked against the enterprises registry. */
#include "domain/workshop.h"
#include "core/util.h"
#include "domain/pii_fields.h"
#include "domain/place.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RWIE (V_READ | V_WRITE | V_IMPORT | V_EXPORT)
#define WORKSHOP_GRANTS                                                                            \
    {                                                                                              \
        [ROLE_DISTRICT_ADMIN] = RWIE, [ROLE_STREET_OFFICE] = RWIE, [ROLE_COMMUNITY_OFFICE] = RWIE, \
        [ROLE_PARTY_OFFICE] = V_READ | V_EXPORT, [ROLE_ENTERPRISE_CADRE] = V_READ,                 \
    }

static const struct reg_option modes[] = {{"processing", "来料加工"},
                                          {"ecommerce", "电商直播"},
                                          {"agriculture", "农产品"},
                                          {"handicraft", "手工艺"},
                                          {"service", "家政服务"},
                                          {"other", "其他"},
                                          {NULL, NULL}};

static const struct reg_field workshop_fields[] = {
    [WS_NAME] = {.name = "name",
                 .label = "工坊名称",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST | F_SEARCH,
                 .max = 100},
    [WS_COMMUNITY] = {.name = "community",
                      .column = "community_code",
                      .label = "所在村社",
                      .label_en = "Community",
                      .type = FT_PLACE,
                      .flags = F_REQ | F_IMMUTABLE | F_SCOPE | F_LIST | F_FILTER,
                      .levels = PLACE_LEVEL_BIT(PL_COMMUNITY)},
    [WS_PARTY_ORG] = {.name = "party_org",
                      .column = "party_org_id",
                      .label = "牵头党组织",
                      .label_en = "Party organisation",
                      .type = FT_REF,
                      .flags = F_FILTER,
                      .ref = "party-orgs"},
    [WS_PARTY_ORG_NAME] = {.name = "party_org_name",
                           .label = "党组织名称",
                           .label_en = "Party organisation name",
                           .type = FT_TEXT,
                           .flags = F_READONLY | F_LIST | F_NOCSV,
                           .expr = "SELECT o.name FROM party_orgs o WHERE o.id = "
                                   "workshops.party_org_id"},
    [WS_ENTERPRISES] = {.name = "enterprises",
                        .label = "入驻企业（统一社会信用代码）",
                        .label_en = "Enterprises (credit codes)",
                        .type = FT_TAGS,
                        .flags = F_FILTER,
                        .max = 50,
                        .dflt = "[]"},
    [WS_PRODUCTS] = {.name = "products",
                     .label = "加工产品",
                     .label_en = "What is made",
                     .type = FT_TEXT,
                     .flags = F_LIST | F_SEARCH,
                     .max = 200,
                     .dflt = ""},
    [WS_MODE] = {.name = "mode",
                 .label = "运行模式",
                 .label_en = "Mode",
                 .type = FT_ENUM,
                 .flags = F_LIST | F_FILTER,
                 .options = modes,
                 .dflt = "processing"},
    [WS_OPENED_ON] = {.name = "opened_on",
                      .label = "建成日期",
                      .label_en = "Opened on",
                      .type = FT_DATE},
    [WS_ADDRESS] = {.name = "address",
                    .label = "地址",
                    .label_en = "Address",
                    .type = FT_TEXT,
                    .flags = F_SEARCH,
                    .max = 200,
                    .dflt = ""},
    [WS_PARTICIPANTS] = {.name = "participants",
                         .label = "在册人数",
                         .label_en = "Participants",
                         .type = FT_INT,
                         .flags = F_READONLY | F_LIST | F_NOCSV,
                         .expr = "SELECT count(*) FROM workshop_participants p WHERE "
                                 "p.workshop_id = workshops.id AND p.status = 'active'"},
    [WS_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

/* Each enterprise is a registered one, by its credit code (normalised, listed once); the party
 * organisation is on the workshop's line (at or above its community, or inside it). */
static int workshop_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                          struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    int rc = ERR_OK;
    (void)r, (void)old;
    if (rec->given[WS_ENTERPRISES] && rec->v[WS_ENTERPRISES] != NULL) {
        json_t *list = json_loads(rec->v[WS_ENTERPRISES], 0, NULL), *out = json_array();
        size_t k;
        json_t *x;
        json_array_foreach(list, k, x)
        {
            char code[32];
            if (field_check_credit_code(json_string_value(x), code, sizeof(code), "enterprises",
                                        e) != ERR_OK) {
                rc = e->code;
                break;
            }
            if ((rc = db_query(db, c->a, &rows, e,
                               "SELECT id FROM enterprises WHERE credit_code = ? AND archived_at "
                               "IS NULL",
                               DB_ARGS(DBS(code)))) != ERR_OK)
                break;
            if (rows.nrows == 0) {
                rc = err_set(e, ERR_INVALID, "enterprises",
                             "企业库中没有统一社会信用代码为 %s 的企业", code);
                break;
            }
            int dup = 0;
            size_t j;
            json_t *y;
            json_array_foreach(out, j, y) dup |= strcmp(json_string_value(y), code) == 0;
            if (!dup)
                json_array_append_new(out, json_string(code));
        }
        if (rc == ERR_OK) {
            char *s = json_dumps(out, JSON_COMPACT);
            rec->v[WS_ENTERPRISES] = arena_strdup(c->a, s);
            free(s);
        }
        json_decref(list);
        json_decref(out);
        if (rc != ERR_OK)
            return rc;
    }
    if (rec->v[WS_PARTY_ORG] != NULL) {
        rc = db_query(db, c->a, &rows, e, "SELECT place_code FROM party_orgs WHERE id = ?",
                      DB_ARGS(DBI(strtoll(rec->v[WS_PARTY_ORG], NULL, 10))));
        if (rc != ERR_OK)
            return rc;
        const char *op = rows.nrows ? dbrows_get(&rows, 0, 0) : "";
        const char *cp = rec->v[WS_COMMUNITY];
        if (strncmp(cp, op, strlen(op)) != 0 && strncmp(op, cp, strlen(cp)) != 0)
            return err_set(e, ERR_INVALID, "party_org",
                           "党组织所在区域 %s 与工坊所在村社 %s 无隶属关系", op, cp);
    }
    return ERR_OK;
}

const struct registry reg_workshops = {
    .id = REG_WORKSHOPS,
    .name = "workshops",
    .label = "共富工坊",
    .label_en = "Common-prosperity workshops",
    .table = "workshops",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = workshop_fields,
    .nfields = WS__COUNT,
    .grants = WORKSHOP_GRANTS,
    .conflict_field = "name",
    .rules = workshop_rules,
};

/* A part of a workshop (a participant, an income) takes the workshop's community, and only
 * those who may write the workshop change it. ws gets the workshop. */
static int workshop_part(struct db *db, struct reg_ctx *c, const char *id, struct reg_rec *ws,
                         struct err *e)
{
    struct reg_ctx sys = {.a = c->a};
    int rc = reg_get(db, &sys, &reg_workshops, id, ws, e);
    if (rc == ERR_NOT_FOUND)
        return err_set(e, ERR_INVALID, "workshop", "没有编号 %s 的共富工坊", id);
    if (rc != ERR_OK)
        return rc;
    if (ws->archived_at != 0)
        return err_set(e, ERR_CONFLICT, "workshop", "共富工坊 %s 已归档", id);
    if (c->enforce && !reg_allows(c->user, &reg_workshops, V_WRITE, ws))
        return err_set(e, ERR_FORBIDDEN, "workshop", "共富工坊 %s 不在您的管辖范围内", id);
    return ERR_OK;
}

static const struct reg_option participant_statuses[] = {
    {"active", "在册"}, {"left", "已退出"}, {NULL, NULL}};

static const struct reg_field participant_fields[] = {
    [WP_WORKSHOP] = {.name = "workshop",
                     .column = "workshop_id",
                     .label = "共富工坊",
                     .label_en = "Workshop",
                     .type = FT_REF,
                     .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                     .ref = "workshops"},
    [WP_RESIDENT] = {.name = "resident",
                     .column = "resident_id",
                     .label = "居民编号",
                     .label_en = "Resident",
                     .type = FT_REF,
                     .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                     .ref = "residents"},
    [WP_NAME] = {.name = "name",
                 .label = "姓名",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_READONLY | F_LIST | F_NOCSV,
                 .expr = "SELECT r.name FROM residents r WHERE r.id = "
                         "workshop_participants.resident_id"},
    [WP_TAGS] = {.name = "tags",
                 .label = "标签",
                 .label_en = "Tags",
                 .type = FT_TAGS,
                 .flags = F_READONLY | F_LIST | F_NOCSV,
                 .expr = "SELECT r.tags FROM residents r WHERE r.id = "
                         "workshop_participants.resident_id"},
    [WP_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "工坊所在村社",
                  .label_en = "Workshop's community",
                  .type = FT_PLACE,
                  .flags = F_READONLY | F_SCOPE | F_NOCSV},
    [WP_JOINED_ON] = {.name = "joined_on",
                      .label = "加入日期",
                      .label_en = "Joined on",
                      .type = FT_DATE,
                      .flags = F_LIST},
    [WP_STATUS] = {.name = "status",
                   .label = "状态",
                   .label_en = "Status",
                   .type = FT_ENUM,
                   .flags = F_LIST | F_FILTER,
                   .options = participant_statuses,
                   .dflt = "active"},
    [WP_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

static int participant_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                             struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct reg_rec ws;
    (void)r, (void)old;
    int rc = workshop_part(db, c, rec->v[WP_WORKSHOP], &ws, e);
    if (rc != ERR_OK)
        return rc;
    rec->v[WP_PLACE] = ws.v[WS_COMMUNITY];
    rec->given[WP_PLACE] = 1;
    return ERR_OK;
}

const struct registry reg_workshop_participants = {
    .id = REG_WORKSHOP_PARTICIPANTS,
    .name = "workshop-participants",
    .label = "工坊参与人员",
    .label_en = "Workshop participants",
    .table = "workshop_participants",
    .key = "id",
    .scope = RS_PLACE,
    .fields = participant_fields,
    .nfields = WP__COUNT,
    .grants = WORKSHOP_GRANTS,
    .conflict_field = "resident",
    .rules = participant_rules,
};

int field_check_month(const char *in, char *out, size_t outsz, const char *field, struct err *e)
{
    int y, m, n = 0;
    char sep;
    if (sscanf(in, "%4d%c%2d%n", &y, &sep, &m, &n) != 3 || in[n] != '\0' ||
        (sep != '-' && sep != '/' && sep != '.') || y < 2000 || y > 2100 || m < 1 || m > 12)
        return err_set(e, ERR_INVALID, field, "%s 须为月份 YYYY-MM（如 2026-05）", field);
    snprintf(out, outsz, "%04d-%02d", y, m);
    return ERR_OK;
}

static const struct reg_option units[] = {{"hours", "计时"}, {"pieces", "计件"}, {NULL, NULL}};

static const struct reg_field income_fields[] = {
    [WI_PARTICIPANT] = {.name = "participant",
                        .column = "participant_id",
                        .label = "参与人员编号",
                        .label_en = "Participant",
                        .type = FT_REF,
                        .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                        .ref = "workshop-participants"},
    [WI_NAME] = {.name = "name",
                 .label = "姓名",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_READONLY | F_LIST | F_NOCSV,
                 .expr = "SELECT r.name FROM workshop_participants p JOIN residents r ON r.id = "
                         "p.resident_id WHERE p.id = workshop_incomes.participant_id"},
    [WI_WORKSHOP] = {.name = "workshop",
                     .column = "workshop_id",
                     .label = "共富工坊",
                     .label_en = "Workshop",
                     .type = FT_REF,
                     .flags = F_READONLY | F_FILTER | F_NOCSV,
                     .ref = "workshops"},
    [WI_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "工坊所在村社",
                  .label_en = "Workshop's community",
                  .type = FT_PLACE,
                  .flags = F_READONLY | F_SCOPE | F_NOCSV},
    [WI_PERIOD] = {.name = "period",
                   .label = "月份",
                   .label_en = "Month",
                   .type = FT_TEXT,
                   .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                   .max = 7,
                   .check = field_check_month},
    [WI_UNIT] = {.name = "unit",
                 .label = "计酬方式",
                 .label_en = "Paid by",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                 .options = units},
    [WI_QUANTITY] = {.name = "quantity",
                     .label = "工时或件数",
                     .label_en = "Hours or pieces",
                     .type = FT_INT,
                     .flags = F_LIST,
                     .min = 0,
                     .max = 10000000,
                     .dflt = "0"},
    [WI_AMOUNT] = {.name = "amount",
                   .label = "收入（分）",
                   .label_en = "Income (fen)",
                   .type = FT_MONEY,
                   .flags = F_REQ | F_LIST,
                   .min = 0,
                   .max = WORKSHOP_INCOME_MAX},
    [WI_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

static int income_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                        struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    struct reg_rec ws;
    (void)r, (void)old;
    int rc =
        db_query(db, c->a, &rows, e, "SELECT workshop_id FROM workshop_participants WHERE id = ?",
                 DB_ARGS(DBI(strtoll(rec->v[WI_PARTICIPANT], NULL, 10))));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows == 0)
        return err_set(e, ERR_INVALID, "participant", "没有编号 %s 的工坊参与人员",
                       rec->v[WI_PARTICIPANT]);
    if ((rc = workshop_part(db, c, dbrows_get(&rows, 0, 0), &ws, e)) != ERR_OK)
        return rc;
    rec->v[WI_WORKSHOP] = ws.key;
    rec->v[WI_PLACE] = ws.v[WS_COMMUNITY];
    rec->given[WI_WORKSHOP] = rec->given[WI_PLACE] = 1;
    return ERR_OK;
}

const struct registry reg_workshop_incomes = {
    .id = REG_WORKSHOP_INCOMES,
    .name = "workshop-incomes",
    .label = "工坊务工收入",
    .label_en = "Workshop income",
    .table = "workshop_incomes",
    .key = "id",
    .scope = RS_PLACE,
    .fields = income_fields,
    .nfields = WI__COUNT,
    .grants = WORKSHOP_GRANTS,
    .conflict_field = "period",
    .rules = income_rules,
};

_Static_assert(sizeof(workshop_fields) / sizeof(workshop_fields[0]) == WS__COUNT, "fields");
_Static_assert(sizeof(participant_fields) / sizeof(participant_fields[0]) == WP__COUNT, "fields");
_Static_assert(sizeof(income_fields) / sizeof(income_fields[0]) == WI__COUNT, "fields");

/* ---- income per head ---- */

int64_t per_head(int64_t amount, int64_t n)
{
    if (n <= 0)
        return 0;
    return amount >= 0 ? (2 * amount + n) / (2 * n) : -((-2 * amount + n) / (2 * n));
}

static void sums(struct jsonw *w, int64_t amount, int64_t hours, int64_t pieces)
{
    jw_kint(w, "amount", amount);
    jw_kint(w, "hours", hours);
    jw_kint(w, "pieces", pieces);
}

int workshop_income(struct db *db, struct reg_ctx *c, const char *id, const char *from,
                    const char *to, struct jsonw *w, struct err *e)
{
    struct reg_rec ws;
    struct dbrows months, people, cells;
    int rc = reg_get(db, c, &reg_workshops, id, &ws, e);
    if (rc != ERR_OK)
        return rc;
    static const char *const cols = "sum(i.amount), sum(CASE WHEN i.unit = 'hours' THEN "
                                    "i.quantity ELSE 0 END), sum(CASE WHEN i.unit = 'pieces' "
                                    "THEN i.quantity ELSE 0 END)";
    rc = db_query(db, c->a, &months, e,
                  arena_printf(c->a,
                               "SELECT i.period, count(DISTINCT i.participant_id), %s FROM "
                               "workshop_incomes i WHERE i.workshop_id = ? AND i.period >= ? AND "
                               "i.period <= ? GROUP BY i.period ORDER BY i.period",
                               cols),
                  DB_ARGS(DBI(ws.id), DBS(from), DBS(to)));
    if (rc == ERR_OK)
        rc = db_query(db, c->a, &people, e,
                      "SELECT p.id, p.resident_id, r.name, r.tags, p.status FROM "
                      "workshop_participants p JOIN residents r ON r.id = p.resident_id WHERE "
                      "p.workshop_id = ? ORDER BY p.id",
                      DB_ARGS(DBI(ws.id)));
    if (rc == ERR_OK)
        rc = db_query(db, c->a, &cells, e,
                      arena_printf(c->a,
                                   "SELECT i.participant_id, i.period, %s FROM workshop_incomes i "
                                   "WHERE i.workshop_id = ? AND i.period >= ? AND i.period <= ? "
                                   "GROUP BY i.participant_id, i.period ORDER BY "
                                   "i.participant_id, i.period",
                                   cols),
                      DB_ARGS(DBI(ws.id), DBS(from), DBS(to)));
    if (rc != ERR_OK)
        return rc;

    int64_t amount = 0, hours = 0, pieces = 0, person_months = 0;
    jw_obj(w);
    jw_key(w, "workshop");
    reg_write_json(w, c, &reg_workshops, &ws);
    jw_kstr(w, "from", from);
    jw_kstr(w, "to", to);
    jw_key(w, "months");
    jw_arr(w);
    for (int i = 0; i < months.nrows; i++) {
        int64_t n = dbrows_int(&months, i, 1), a = dbrows_int(&months, i, 2);
        jw_obj(w);
        jw_kstr(w, "period", dbrows_get(&months, i, 0));
        jw_kint(w, "participants", n);
        sums(w, a, dbrows_int(&months, i, 3), dbrows_int(&months, i, 4));
        jw_kint(w, "per_head", per_head(a, n));
        jw_end_obj(w);
        person_months += n;
        amount += a;
        hours += dbrows_int(&months, i, 3);
        pieces += dbrows_int(&months, i, 4);
    }
    jw_end_arr(w);

    /* per participant, each month paid; and how many carry each tag */
    json_t *tags = json_object();
    int paid = 0;
    jw_key(w, "participants");
    jw_arr(w);
    for (int p = 0, k = 0; p < people.nrows; p++) {
        int64_t pid = dbrows_int(&people, p, 0), pa = 0, ph = 0, pp = 0;
        int nm = 0;
        const char *tagtext = dbrows_get(&people, p, 3);
        json_t *list = tagtext ? json_loads(tagtext, 0, NULL) : NULL;
        size_t j;
        json_t *x;
        jw_obj(w);
        jw_kint(w, "id", pid);
        jw_kint(w, "resident", dbrows_int(&people, p, 1));
        jw_kstr(w, "name", dbrows_get(&people, p, 2));
        jw_key(w, "tags");
        jw_raw(w, json_is_array(list) ? tagtext : "[]");
        jw_kstr(w, "status", dbrows_get(&people, p, 4));
        jw_key(w, "months");
        jw_arr(w);
        while (k < cells.nrows && dbrows_int(&cells, k, 0) < pid)
            k++;
        for (; k < cells.nrows && dbrows_int(&cells, k, 0) == pid; k++, nm++) {
            jw_obj(w);
            jw_kstr(w, "period", dbrows_get(&cells, k, 1));
            sums(w, dbrows_int(&cells, k, 2), dbrows_int(&cells, k, 3), dbrows_int(&cells, k, 4));
            jw_end_obj(w);
            pa += dbrows_int(&cells, k, 2);
            ph += dbrows_int(&cells, k, 3);
            pp += dbrows_int(&cells, k, 4);
        }
        jw_end_arr(w);
        sums(w, pa, ph, pp);
        jw_kint(w, "months_paid", nm);
        jw_kint(w, "per_month", per_head(pa, nm));
        jw_end_obj(w);
        paid += nm > 0;
        json_array_foreach(list, j, x)
        {
            const char *t = json_string_value(x);
            if (t != NULL)
                json_object_set_new(tags, t,
                                    json_integer(json_integer_value(json_object_get(tags, t)) + 1));
        }
        json_decref(list);
    }
    jw_end_arr(w);
    jw_key(w, "tags");
    jw_arr(w);
    const char *tk;
    json_t *tv;
    json_object_foreach(tags, tk, tv)
    {
        jw_obj(w);
        jw_kstr(w, "tag", tk);
        jw_kint(w, "participants", json_integer_value(tv));
        jw_end_obj(w);
    }
    jw_end_arr(w);
    json_decref(tags);

    jw_key(w, "totals");
    jw_obj(w);
    jw_kint(w, "participants", people.nrows);
    jw_kint(w, "paid", paid);
    jw_kint(w, "months", months.nrows);
    jw_kint(w, "person_months", person_months);
    sums(w, amount, hours, pieces);
    jw_kint(w, "per_head_per_month", per_head(amount, person_months));
    jw_end_obj(w);
    jw_end_obj(w);
    return ERR_OK;
}
