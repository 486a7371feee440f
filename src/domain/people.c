/* people.c - residents, households and new-resident registrations as registries. A grid worker
 * reads and writes the people of its grid; community and street offices their subtree; the
 * district's administrators and the offices may see identity and phone numbers unmasked, each
 * such read audited. */
#include "domain/people.h"
#include "core/util.h"
#include "domain/idnum.h"
#include "domain/pii_fields.h"
#include "domain/place.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct reg_option genders[] = {{"male", "男"}, {"female", "女"}, {NULL, NULL}};
static const struct reg_option kinds[] = {{"local", "户籍居民"}, {"new", "新居民"}, {NULL, NULL}};

/* people's roles: offices everything, grid staff their grid, no one else */
#define PEOPLE_GRANTS                                                                              \
    {                                                                                              \
        [ROLE_DISTRICT_ADMIN] = V_ALL, [ROLE_STREET_OFFICE] = V_ALL,                               \
        [ROLE_COMMUNITY_OFFICE] = V_ALL, [ROLE_GRID_LEADER] = V_READ | V_WRITE | V_IMPORT,         \
        [ROLE_GRID_WORKER] = V_READ | V_WRITE,                                                     \
    }

/* ---- residents ---- */

static const struct reg_field resident_fields[] = {
    [RES_NAME] = {.name = "name",
                  .label = "姓名",
                  .label_en = "Name",
                  .type = FT_TEXT,
                  .flags = F_REQ | F_LIST | F_SEARCH,
                  .max = 40},
    [RES_ID_NUMBER] = FIELD_ID_NUMBER,
    [RES_GENDER] = {.name = "gender",
                    .label = "性别",
                    .label_en = "Gender",
                    .type = FT_ENUM,
                    .flags = F_READONLY | F_LIST | F_FILTER | F_NOCSV,
                    .options = genders},
    [RES_BIRTH_DATE] = {.name = "birth_date",
                        .label = "出生日期",
                        .label_en = "Birth date",
                        .type = FT_DATE,
                        .flags = F_READONLY | F_NOCSV},
    [RES_PHONE] = FIELD_PHONE,
    [RES_PLACE] = {.name = "place",
                   .column = "place_code",
                   .label = "网格",
                   .label_en = "Grid",
                   .type = FT_PLACE,
                   .flags = F_REQ | F_SCOPE | F_LIST,
                   .levels = PLACE_LEVELS_LOCAL},
    [RES_COMPOUND] = {.name = "compound",
                      .column = "compound_id",
                      .label = "小区",
                      .label_en = "Compound",
                      .type = FT_REF,
                      .flags = F_FILTER,
                      .ref = "compounds"},
    [RES_HOUSEHOLD] = {.name = "household",
                       .column = "household_id",
                       .label = "户",
                       .label_en = "Household",
                       .type = FT_REF,
                       .flags = F_FILTER,
                       .ref = "households"},
    [RES_ADDRESS] = {.name = "address",
                     .label = "住址",
                     .label_en = "Address",
                     .type = FT_TEXT,
                     .flags = F_LIST | F_SEARCH,
                     .max = 200},
    [RES_KIND] = {.name = "kind",
                  .label = "类别",
                  .label_en = "Kind",
                  .type = FT_ENUM,
                  .flags = F_LIST | F_FILTER | F_COUNT,
                  .options = kinds,
                  .dflt = "local"},
    [RES_TAGS] = {.name = "tags",
                  .label = "标签",
                  .label_en = "Tags",
                  .type = FT_TAGS,
                  .flags = F_FILTER | F_COUNT,
                  .max = 10,
                  .dflt = "[]"},
    [RES_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

/* Gender and birth date follow the identity number; a compound lies in the resident's
 * community. */
static int resident_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                          struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    const char *id = rec->v[RES_ID_NUMBER];
    (void)r, (void)old;
    if (id != NULL) {
        char *birth = arena_alloc(c->a, 11);
        idcard_birth(id, birth);
        rec->v[RES_BIRTH_DATE] = birth;
        rec->v[RES_GENDER] = idcard_gender(id);
    } else {
        rec->v[RES_BIRTH_DATE] = rec->v[RES_GENDER] = NULL;
    }
    if (rec->v[RES_COMPOUND] != NULL && (rec->given[RES_COMPOUND] || rec->given[RES_PLACE])) {
        struct dbrows rows;
        int rc = db_query(db, c->a, &rows, e, "SELECT community_code FROM compounds WHERE id = ?",
                          DB_ARGS(DBI(strtoll(rec->v[RES_COMPOUND], NULL, 10))));
        if (rc != ERR_OK)
            return rc;
        if (rows.nrows == 1 && strncmp(rec->v[RES_PLACE], dbrows_get(&rows, 0, 0), 12) != 0)
            return err_set(e, ERR_INVALID, "compound", "小区 %s 不在该居民所在社区",
                           rec->v[RES_COMPOUND]);
    }
    return ERR_OK;
}

_Static_assert(sizeof(resident_fields) / sizeof(resident_fields[0]) == RES__COUNT, "fields");

const struct registry reg_residents = {
    .id = REG_RESIDENTS,
    .name = "residents",
    .label = "居民",
    .label_en = "Residents",
    .table = "residents",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = resident_fields,
    .nfields = RES__COUNT,
    .grants = PEOPLE_GRANTS,
    .conflict_field = "id_number",
    .rules = resident_rules,
};

/* ---- households ---- */

static const struct reg_field household_fields[] = {
    [HH_NUMBER] = {.name = "number",
                   .label = "户号",
                   .label_en = "Household number",
                   .type = FT_TEXT,
                   .flags = F_REQ | F_UNIQUE | F_LIST | F_SEARCH,
                   .max = 32},
    [HH_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "网格",
                  .label_en = "Grid",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_LIST,
                  .levels = PLACE_LEVELS_LOCAL},
    [HH_ADDRESS] = {.name = "address",
                    .label = "住址",
                    .label_en = "Address",
                    .type = FT_TEXT,
                    .flags = F_LIST | F_SEARCH,
                    .max = 200,
                    .dflt = ""},
    [HH_HEAD] = {.name = "head",
                 .column = "head_id",
                 .label = "户主",
                 .label_en = "Head",
                 .type = FT_REF,
                 .flags = F_LIST | F_FILTER,
                 .ref = "residents"},
    [HH_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

_Static_assert(sizeof(household_fields) / sizeof(household_fields[0]) == HH__COUNT, "fields");

const struct registry reg_households = {
    .id = REG_HOUSEHOLDS,
    .name = "households",
    .label = "户籍户",
    .label_en = "Households",
    .table = "households",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = household_fields,
    .nfields = HH__COUNT,
    .grants = PEOPLE_GRANTS,
    .conflict_field = "number",
};

/* ---- new-resident registrations ---- */

static const struct reg_field registration_fields[] = {
    [RG_RESIDENT] = {.name = "resident",
                     .column = "resident_id",
                     .label = "居民",
                     .label_en = "Resident",
                     .type = FT_REF,
                     .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                     .ref = "residents"},
    [RG_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "网格",
                  .label_en = "Grid",
                  .type = FT_PLACE,
                  .flags = F_SCOPE | F_LIST,
                  .levels = PLACE_LEVELS_LOCAL},
    [RG_REGISTERED_ON] = {.name = "registered_on",
                          .label = "登记日期",
                          .label_en = "Registered on",
                          .type = FT_DATE,
                          .flags = F_REQ | F_LIST},
    [RG_ORIGIN] = {.name = "origin",
                   .label = "户籍地",
                   .label_en = "Place of origin",
                   .type = FT_TEXT,
                   .flags = F_LIST | F_SEARCH,
                   .max = 100},
    [RG_ORIGIN_CODE] = {.name = "origin_code",
                        .label = "户籍地区划代码",
                        .label_en = "Origin division code",
                        .type = FT_TEXT,
                        .flags = F_FILTER,
                        .max = 12,
                        .check = field_check_division},
    [RG_WORKPLACE] = {.name = "workplace",
                      .label = "工作单位",
                      .label_en = "Workplace",
                      .type = FT_TEXT,
                      .flags = F_LIST | F_SEARCH,
                      .max = 100},
    [RG_LANDLORD] = {.name = "landlord",
                     .label = "房东",
                     .label_en = "Landlord",
                     .type = FT_TEXT,
                     .flags = F_SEARCH,
                     .max = 40},
    [RG_EXPECTED_MONTHS] = {.name = "expected_months",
                            .label = "预计居住月数",
                            .label_en = "Expected stay (months)",
                            .type = FT_INT,
                            .min = 0,
                            .max = 600},
    [RG_LEFT_ON] = {.name = "left_on",
                    .label = "离开日期",
                    .label_en = "Left on",
                    .type = FT_DATE,
                    .flags = F_LIST},
    [RG_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

/* A registration is of a new resident, at the resident's place unless another is given, and
 * one does not leave before arriving. */
static int registration_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                              struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    (void)r, (void)old;
    int rc = db_query(db, c->a, &rows, e, "SELECT kind, place_code FROM residents WHERE id = ?",
                      DB_ARGS(DBI(strtoll(rec->v[RG_RESIDENT], NULL, 10))));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows == 1 && strcmp(dbrows_get(&rows, 0, 0), "new") != 0)
        return err_set(e, ERR_INVALID, "resident", "居民 %s 是户籍居民，不是新居民",
                       rec->v[RG_RESIDENT]);
    if (rec->v[RG_PLACE] == NULL && rows.nrows == 1)
        rec->v[RG_PLACE] = dbrows_get(&rows, 0, 1);
    if (rec->v[RG_LEFT_ON] != NULL && rec->v[RG_REGISTERED_ON] != NULL &&
        strcmp(rec->v[RG_LEFT_ON], rec->v[RG_REGISTERED_ON]) < 0)
        return err_set(e, ERR_INVALID, "left_on", "离开日期早于登记日期");
    return ERR_OK;
}

_Static_assert(sizeof(registration_fields) / sizeof(registration_fields[0]) == RG__COUNT, "fields");

const struct registry reg_registrations = {
    .id = REG_REGISTRATIONS,
    .name = "registrations",
    .label = "新居民登记",
    .label_en = "New-resident registrations",
    .table = "registrations",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = registration_fields,
    .nfields = RG__COUNT,
    .grants = PEOPLE_GRANTS,
    .rules = registration_rules,
};

/* ---- a person's rights ---- */

int resident_export(struct db *db, struct reg_ctx *c, const char *id, struct jsonw *w,
                    struct err *e)
{
    struct reg_rec rec;
    struct reg_query q = {.archived = 1, .limit = 1000, .all_scope = 1};
    struct reg_rec *regs;
    const char *next;
    const char *names[] = {"resident"};
    const char *values[] = {id};
    int n, rc = reg_get(db, c, &reg_residents, id, &rec, e);
    if (rc != ERR_OK)
        return rc;
    q.filter_names = names;
    q.filter_values = values;
    q.nfilters = 1;
    if ((rc = reg_list(db, c, &reg_registrations, &q, &regs, &n, &next, e)) != ERR_OK)
        return rc;
    jw_obj(w);
    jw_key(w, "resident");
    reg_write_json(w, c, &reg_residents, &rec);
    jw_key(w, "registrations");
    jw_arr(w);
    for (int i = 0; i < n; i++)
        reg_write_json(w, c, &reg_registrations, &regs[i]);
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}

int resident_erase(struct db *db, struct reg_ctx *c, const char *id, struct err *e)
{
    struct reg_rec rec;
    int rc = reg_get(db, c, &reg_residents, id, &rec, e);
    if (rc != ERR_OK)
        return rc;
    if (c->enforce && !reg_allows(c->user, &reg_residents, V_WRITE | V_PII, &rec))
        return err_set(e, ERR_FORBIDDEN, NULL, "erasing a person's data needs the pii verb");
    int64_t now = time(NULL);
    rc = db_exec(db, e,
                 "UPDATE residents SET name = '（已删除）', id_number = NULL, id_number_hash = "
                 "NULL, gender = NULL, birth_date = NULL, phone = NULL, phone_hash = NULL, "
                 "address = NULL, note = NULL, tags = '[]', household_id = NULL, archived_at = "
                 "COALESCE(archived_at, ?), updated_at = ? WHERE id = ?",
                 DB_ARGS(DBI(now), DBI(now), DBI(rec.id)));
    if (rc < 0 || (rc = reg_counters_changed(db, c, &reg_residents, &rec, rec.key, e)) != ERR_OK)
        return rc;
    rc = db_exec(db, e,
                 "UPDATE registrations SET landlord = NULL, workplace = NULL, note = NULL, "
                 "updated_at = ? WHERE resident_id = ?",
                 DB_ARGS(DBI(now), DBI(rec.id)));
    if (rc < 0)
        return rc;
    return reg_audit_unmasked(db, c, &reg_residents, &rec, 1, "pii.erase", e);
}
