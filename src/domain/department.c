/* department.c - departments as a registry: district-wide reference data that every role reads
 * and the district's administrators write. A department belongs to the district or a town. */
#include "domain/department.h"
#include "core/util.h"
#include "domain/place.h"

#include <stdio.h>
#include <string.h>

enum { D_CODE, D_NAME, D_PLACE };

static int dept_code_check(const char *in, char *out, size_t outsz, const char *field,
                           struct err *e)
{
    size_t n = strlen(in);
    if (n < 2 || n > 32 || strspn(in, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
        return err_set(e, ERR_INVALID, field,
                       "a department code has 2 to 32 characters of a-z, 0-9 and -");
    snprintf(out, outsz, "%s", in);
    return ERR_OK;
}

static const struct reg_field fields[] = {
    [D_CODE] = {.name = "code",
                .label = "部门代码",
                .label_en = "Code",
                .type = FT_TEXT,
                .flags = F_REQ | F_IMMUTABLE | F_LIST | F_SEARCH | F_PUBLIC,
                .max = 32,
                .check = dept_code_check},
    [D_NAME] = {.name = "name",
                .label = "部门名称",
                .label_en = "Name",
                .type = FT_TEXT,
                .flags = F_REQ | F_LIST | F_SEARCH | F_PUBLIC,
                .max = 64},
    [D_PLACE] = {.name = "place_code",
                 .label = "所属区划",
                 .label_en = "Place",
                 .type = FT_PLACE,
                 .flags = F_REQ | F_LIST | F_FILTER,
                 .levels = PLACE_LEVEL_BIT(PL_DISTRICT) | PLACE_LEVEL_BIT(PL_TOWN)},
};

/* handlers scoped to the department ("dept:CODE") cover the place it belongs to */
static int department_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                            struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)r;
    if (old == NULL || strcmp(old->v[D_PLACE], rec->v[D_PLACE]) == 0)
        return ERR_OK;
    int rc =
        db_exec(db, e, "UPDATE user_roles SET place_code = ? WHERE scope = ?",
                DB_ARGS(DBS(rec->v[D_PLACE]), DBS(arena_printf(c->a, "dept:%s", rec->v[D_CODE]))));
    return rc < 0 ? rc : ERR_OK;
}

const struct registry reg_departments = {
    .id = REG_DEPARTMENTS,
    .name = "departments",
    .label = "部门",
    .label_en = "Departments",
    .table = "departments",
    .key = "code",
    .key_text = 1,
    .scope = RS_GLOBAL,
    .fields = fields,
    .nfields = (int)ARRAY_LEN(fields),
    .grants =
        {
            [ROLE_DISTRICT_ADMIN] = V_READ | V_WRITE | V_IMPORT | V_EXPORT,
            [ROLE_STREET_OFFICE] = V_READ | V_EXPORT,
            [ROLE_COMMUNITY_OFFICE] = V_READ,
            [ROLE_GRID_LEADER] = V_READ,
            [ROLE_GRID_WORKER] = V_READ,
            [ROLE_COMMISSIONER] = V_READ,
            [ROLE_DEPT_HANDLER] = V_READ,
            [ROLE_ENTERPRISE_CADRE] = V_READ,
            [ROLE_PARTY_OFFICE] = V_READ,
        },
    .conflict_field = "code",
    .rules = department_rules,
};

static void from_rec(const struct reg_rec *rec, struct department *d)
{
    d->code = rec->v[D_CODE];
    d->name = rec->v[D_NAME];
    d->place_code = rec->v[D_PLACE];
}

int department_get(struct db *db, struct arena *a, const char *code, struct department *out,
                   struct err *e)
{
    struct reg_ctx c = {.a = a};
    struct reg_rec rec;
    int rc = reg_get(db, &c, &reg_departments, code, &rec, e);
    if (rc == ERR_OK)
        from_rec(&rec, out);
    return rc;
}

int department_list(struct db *db, struct arena *a, struct department **out, int *n, struct err *e)
{
    struct reg_ctx c = {.a = a};
    struct reg_query q = {.limit = 1000, .all_scope = 1};
    struct reg_rec *recs;
    const char *next;
    int rc = reg_list(db, &c, &reg_departments, &q, &recs, n, &next, e);
    if (rc != ERR_OK)
        return rc;
    *out = arena_alloc(a, sizeof(**out) * (size_t)(*n + 1));
    for (int i = 0; i < *n; i++)
        from_rec(&recs[i], &(*out)[i]);
    return ERR_OK;
}

int department_put(struct db *db, const struct department *d, struct err *e)
{
    struct arena a;
    struct reg_ctx c;
    struct reg_rec rec, old;
    arena_init(&a, 0);
    c = (struct reg_ctx){.a = &a};
    reg_rec_init(&reg_departments, &a, &rec);
    rec.v[D_CODE] = d->code;
    rec.v[D_NAME] = d->name;
    rec.v[D_PLACE] = d->place_code;
    memset(rec.given, 1, (size_t)reg_departments.nfields);
    int rc = reg_get(db, &c, &reg_departments, d->code ? d->code : "", &old, e);
    if (rc == ERR_NOT_FOUND) {
        rc = reg_check(&reg_departments, &a, &rec, 1, e);
        if (rc == ERR_OK)
            rc = reg_insert(db, &c, &reg_departments, &rec, e);
    } else if (rc == ERR_OK) {
        rec.given[D_CODE] = 0;
        rc = reg_check(&reg_departments, &a, &rec, 0, e);
        if (rc == ERR_OK)
            rc = reg_update(db, &c, &reg_departments, d->code, &rec, e);
    }
    arena_free(&a);
    return rc;
}

json_t *department_json(const struct department *d)
{
    return json_pack("{s:s, s:s, s:s}", "code", d->code, "name", d->name, "place_code",
                     d->place_code);
}

int department_handlers(struct db *db, const char *code, int64_t *n, struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc = db_query(db, &a, &r, e,
                      "SELECT count(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id "
                      "WHERE ur.role = 'dept_handler' AND ur.scope = ? AND u.disabled = 0",
                      DB_ARGS(DBS(arena_printf(&a, "dept:%s", code))));
    if (rc == ERR_OK)
        *n = dbrows_int(&r, 0, 0);
    arena_free(&a);
    return rc;
}
