/* visit.c - the visits of enterprise-service cadres (走访) as a registry, a visit recorded with
 * the problems it raised in one transaction (each a case of the channel enterprise_visit, born
 * linked to the enterprise and the visit), and a visit's cases with their states. */
#include "core/json.h"
#include "core/util.h"
#include "domain/case.h"
#include "domain/enterprise.h"
#include "domain/place.h"
#include "domain/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct reg_option visit_kinds[] = {
    {"on_site", "上门走访"}, {"phone", "电话联系"}, {"online", "线上对接"}, {NULL, NULL}};

static const struct reg_field fields[] = {
    [VI_ENTERPRISE] = {.name = "enterprise",
                       .column = "enterprise_id",
                       .label = "企业编号",
                       .label_en = "Enterprise",
                       .type = FT_REF,
                       .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                       .ref = "enterprises"},
    [VI_ENTERPRISE_NAME] = {.name = "enterprise_name",
                            .label = "企业名称",
                            .label_en = "Enterprise name",
                            .type = FT_TEXT,
                            .flags = F_READONLY | F_LIST | F_NOCSV,
                            .expr = "SELECT x.name FROM enterprises x WHERE x.id = "
                                    "visits.enterprise_id"},
    [VI_CADRE] = {.name = "cadre",
                  .column = "cadre_id",
                  .label = "驻企服务员（用户编号）",
                  .label_en = "Cadre (user id)",
                  .type = FT_INT,
                  .flags = F_IMMUTABLE | F_LIST | F_FILTER,
                  .min = 1},
    [VI_CADRE_NAME] = {.name = "cadre_name",
                       .label = "驻企服务员",
                       .label_en = "Cadre",
                       .type = FT_TEXT,
                       .flags = F_READONLY | F_LIST | F_NOCSV,
                       .expr = "SELECT u.display_name FROM users u WHERE u.id = visits.cadre_id"},
    [VI_VISITED_ON] = {.name = "visited_on",
                       .label = "走访日期",
                       .label_en = "Visited on",
                       .type = FT_DATE,
                       .flags = F_REQ | F_LIST},
    [VI_KIND] = {.name = "kind",
                 .label = "走访方式",
                 .label_en = "Kind",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_LIST | F_FILTER,
                 .options = visit_kinds},
    [VI_NOTES] = {.name = "notes",
                  .label = "走访情况",
                  .label_en = "Notes",
                  .type = FT_TEXT,
                  .flags = F_SEARCH,
                  .max = 2000},
    [VI_OUTCOME] = {.name = "outcome",
                    .label = "走访成效",
                    .label_en = "Outcome",
                    .type = FT_TEXT,
                    .flags = F_LIST | F_SEARCH,
                    .max = 500},
    [VI_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "企业所在镇街或社区",
                  .label_en = "Town or community",
                  .type = FT_PLACE,
                  .flags = F_READONLY | F_SCOPE | F_LIST | F_NOCSV},
    [VI_PROBLEMS] = {.name = "problems",
                     .label = "反映问题",
                     .label_en = "Problems raised",
                     .type = FT_INT,
                     .flags = F_READONLY | F_LIST | F_NOCSV,
                     .expr = "SELECT count(*) FROM cases c WHERE c.visit_id = visits.id"},
    [VI_SOLVED] = {.name = "solved",
                   .label = "已解决",
                   .label_en = "Solved",
                   .type = FT_INT,
                   .flags = F_READONLY | F_LIST | F_NOCSV,
                   .expr = "SELECT count(*) FROM cases c WHERE c.visit_id = visits.id AND "
                           "c.status = 'closed'"},
};

_Static_assert(sizeof(fields) / sizeof(fields[0]) == VI__COUNT, "fields");

int service_enterprise_place(struct db *db, struct arena *a, const char *enterprise,
                             const char *field, const char **place, struct err *e)
{
    struct dbrows rows;
    int rc = db_query(db, a, &rows, e,
                      "SELECT place_code FROM enterprises WHERE id = ? AND archived_at IS NULL",
                      DB_ARGS(DBI(strtoll(enterprise, NULL, 10))));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows == 0)
        return err_set(e, ERR_INVALID, field, "企业（%s）：没有编号 %s 的企业", field, enterprise);
    *place = dbrows_get(&rows, 0, 0);
    return ERR_OK;
}

static int is_cadre(const struct user *u)
{
    for (int i = 0; u != NULL && i < u->nroles; i++) {
        if (authz_by_enterprise(&u->roles[i]))
            return 1;
    }
    return 0;
}

/* A visit is the enterprise's, made by a cadre who serves it, on a day not yet to come. A cadre
 * records its own visits; an office (or the system) names the cadre. */
static int visit_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                       struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    const char *place;
    char today[16];
    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    int rc;
    (void)r;
    gmtime_r(&now, &tm);
    strftime(today, sizeof(today), "%Y-%m-%d", &tm);
    if (strcmp(rec->v[VI_VISITED_ON], today) > 0)
        return err_set(e, ERR_INVALID, "visited_on", "走访日期（visited_on）不能晚于今天");
    if ((rc = service_enterprise_place(db, c->a, rec->v[VI_ENTERPRISE], "enterprise", &place, e)) !=
        ERR_OK)
        return rc;
    rec->v[VI_PLACE] = place;
    rec->given[VI_PLACE] = 1;
    if (old != NULL)
        return ERR_OK; /* enterprise and cadre are set once */
    if (is_cadre(c->user)) {
        const char *self = arena_printf(c->a, "%lld", (long long)c->user_id);
        if (rec->v[VI_CADRE] != NULL && strcmp(rec->v[VI_CADRE], self) != 0)
            return err_set(e, ERR_INVALID, "cadre", "驻企服务员只能登记本人的走访（cadre）");
        rec->v[VI_CADRE] = self;
        rec->given[VI_CADRE] = 1;
    }
    if (rec->v[VI_CADRE] == NULL)
        return err_set(e, ERR_INVALID, "cadre", "驻企服务员（cadre）必填");
    rc = db_query(db, c->a, &rows, e,
                  "SELECT 1 FROM cadre_assignments WHERE user_id = ? AND enterprise_id = ?",
                  DB_ARGS(DBI(strtoll(rec->v[VI_CADRE], NULL, 10)),
                          DBI(strtoll(rec->v[VI_ENTERPRISE], NULL, 10))));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows == 0)
        return err_set(e, ERR_INVALID, "cadre", "驻企服务员 %s 未结对该企业（cadre）",
                       rec->v[VI_CADRE]);
    return ERR_OK;
}

const struct registry reg_visits = {
    .id = REG_VISITS,
    .name = "visits",
    .label = "企业走访",
    .label_en = "Enterprise visits",
    .table = "visits",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = fields,
    .nfields = VI__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = V_READ | V_WRITE | V_IMPORT | V_EXPORT,
               [ROLE_STREET_OFFICE] = V_READ | V_WRITE | V_IMPORT | V_EXPORT,
               [ROLE_COMMUNITY_OFFICE] = V_READ | V_WRITE | V_EXPORT,
               [ROLE_ENTERPRISE_CADRE] = V_READ | V_WRITE,
               [ROLE_PARTY_OFFICE] = V_READ},
    .enterprise_field = "enterprise",
    .rules = visit_rules,
};

/* ---- a visit with its problems ---- */

struct report {
    struct reg_ctx *c;
    struct reg_rec *visit;
    struct case_input *in;
    int n;
    const struct actor *who;
    const struct calendar *cal;
};

static int report_fn(struct db *db, void *arg, struct err *e)
{
    struct report *r = arg;
    int rc = reg_insert(db, r->c, &reg_visits, r->visit, e);
    for (int i = 0; i < r->n && rc == ERR_OK; i++) {
        struct case_created out;
        r->in[i].visit_id = r->visit->id;
        rc = case_insert(db, &r->in[i], r->who, r->cal, &out, e);
    }
    return rc;
}

/* e's field as problems[i].field, so the clerk sees which problem. */
static int problem_err(struct err *e, int i)
{
    char f[sizeof(e->field)];
    snprintf(f, sizeof(f), "problems[%d].%.12s", i, e->field);
    snprintf(e->field, sizeof(e->field), "%s", f);
    return e->code;
}

/* Read problem i into in: a category of the catalogue, a description and its attributes, the
 * enterprise's name and credit code filled where the category asks for them. */
static int problem_read(struct db *db, struct arena *a, const json_t *p, int i,
                        const struct reg_rec *ent, const struct actor *who, struct case_input *in,
                        struct err *e)
{
    static const char *const keys[] = {"category", "description", "attributes", NULL};
    struct category cat;
    if (!json_is_object(p))
        return err_set(e, ERR_INVALID, arena_printf(a, "problems[%d]", i),
                       "每个问题是一个对象 {category, description}");
    memset(in, 0, sizeof(*in));
    if (json_only_keys(p, keys, e) != ERR_OK ||
        json_get_str(p, "category", JSON_REQUIRED, 40, &in->category, e) != ERR_OK ||
        json_get_str(p, "description", JSON_REQUIRED, 4000, &in->description, e) != ERR_OK)
        return problem_err(e, i);
    const json_t *attrs = json_object_get(p, "attributes");
    if (attrs != NULL && !json_is_object(attrs))
        return err_set(e, ERR_INVALID, arena_printf(a, "problems[%d].attributes", i),
                       "attributes 是一个对象");
    int rc = category_get(db, a, in->category, &cat, e);
    if (rc == ERR_NOT_FOUND)
        return err_set(e, ERR_INVALID, arena_printf(a, "problems[%d].category", i),
                       "没有问题类型“%.40s”", in->category);
    if (rc != ERR_OK)
        return rc;
    json_t *filled = attrs ? json_deep_copy(attrs) : json_object();
    for (int k = 0; k < cat.nattrs; k++) {
        const char *code = cat.attrs[k].code;
        const char *v = strcmp(code, "company_name") == 0 ? ent->v[ENT_NAME]
                        : strcmp(code, "uscc") == 0       ? ent->v[ENT_CREDIT_CODE]
                                                          : NULL;
        if (v != NULL && json_object_get(filled, code) == NULL)
            json_object_set_new(filled, code, json_string(v));
    }
    in->attributes = filled; /* freed by the caller */
    in->channel = "enterprise_visit";
    in->place_code = ent->v[ENT_PLACE];
    in->enterprise_id = ent->id;
    if ((rc = case_input_check(in, who, e)) != ERR_OK ||
        (rc = case_prepare(db, a, in, e)) != ERR_OK)
        return problem_err(e, i);
    return ERR_OK;
}

int visit_report(struct store *s, struct reg_ctx *c, const char *enterprise, const json_t *body,
                 struct reg_rec *visit, struct err *e)
{
    static const char *const keys[] = {"visited_on", "kind",     "notes", "outcome",
                                       "cadre",      "problems", NULL};
    struct actor who = {.user = c->user};
    struct reg_rec ent;
    struct case_input in[VISIT_PROBLEMS_MAX];
    int n = 0, rc;

    if (json_only_keys(body, keys, e) != ERR_OK)
        return e->code;
    const json_t *problems = json_object_get(body, "problems");
    if (problems != NULL &&
        (!json_is_array(problems) || json_array_size(problems) > VISIT_PROBLEMS_MAX))
        return err_set(e, ERR_INVALID, "problems", "problems 是至多 %d 个问题的列表",
                       VISIT_PROBLEMS_MAX);
    /* the visit as the registry reads it */
    json_t *v = json_deep_copy(body);
    json_object_del(v, "problems");
    json_object_set_new(v, "enterprise", json_integer(strtoll(enterprise, NULL, 10)));
    reg_rec_init(&reg_visits, c->a, visit);
    rc = reg_from_json(&reg_visits, c->a, v, visit, e);
    if (rc == ERR_OK)
        rc = reg_check(&reg_visits, c->a, visit, 1, e);
    json_decref(v);
    if (rc != ERR_OK)
        return rc;

    /* the enterprise (in the caller's scope) and the problems, read before the write */
    struct db *db = store_acquire(s);
    const struct calendar *cal = NULL;
    rc = reg_get(db, c, &reg_enterprises, enterprise, &ent, e);
    if (rc == ERR_OK && ent.archived_at != 0)
        rc = err_set(e, ERR_NOT_FOUND, "id", "企业 %s 已归档", enterprise);
    if (rc == ERR_OK && (cal = calendar_cached(db, e)) == NULL)
        rc = e->code;
    for (size_t i = 0; rc == ERR_OK && problems != NULL && i < json_array_size(problems); i++) {
        memset(&in[n], 0, sizeof(in[n])); /* a refused problem leaves nothing to free */
        rc = problem_read(db, c->a, json_array_get(problems, i), (int)i, &ent, &who, &in[n], e);
        if (in[n].attributes != NULL)
            n++;
    }
    store_release(s, db);
    if (rc == ERR_OK) {
        struct report r = {c, visit, in, n, &who, cal};
        rc = store_write(s, report_fn, &r, e);
    }
    for (int i = 0; i < n; i++)
        json_decref(in[i].attributes);
    if (rc != ERR_OK)
        return rc;
    db = store_acquire(s);
    rc = reg_get(db, c, &reg_visits, visit->key, visit, e); /* as stored, with its counts */
    store_release(s, db);
    return rc;
}

int visit_cases(struct db *db, struct reg_ctx *c, const char *key, struct jsonw *w, struct err *e)
{
    struct reg_rec visit;
    struct dbrows rows;
    char t[32];
    int rc = reg_get(db, c, &reg_visits, key, &visit, e);
    if (rc != ERR_OK)
        return rc;
    rc = db_query(db, c->a, &rows, e,
                  "SELECT c.id, c.case_no, c.category_code, cat.name, c.description, c.status, "
                  "coalesce(c.closed_at, 0) FROM cases c JOIN categories cat ON cat.code = "
                  "c.category_code WHERE c.visit_id = ? ORDER BY c.id",
                  DB_ARGS(DBI(visit.id)));
    if (rc != ERR_OK)
        return rc;
    jw_obj(w);
    jw_key(w, "visit");
    reg_write_json(w, c, &reg_visits, &visit);
    jw_key(w, "items");
    jw_arr(w);
    for (int i = 0; i < rows.nrows; i++) {
        enum case_status st = CS_SUBMITTED;
        case_status_from_name(dbrows_get(&rows, i, 5), &st);
        jw_obj(w);
        jw_kint(w, "id", dbrows_int(&rows, i, 0));
        jw_kstr(w, "case_no", dbrows_get(&rows, i, 1));
        jw_kstr(w, "category", dbrows_get(&rows, i, 2));
        jw_kstr(w, "category_name", dbrows_get(&rows, i, 3));
        jw_kstr(w, "description", dbrows_get(&rows, i, 4));
        jw_kstr(w, "status", case_status_name(st));
        jw_kstr(w, "status_label", case_status_zh(st));
        jw_key(w, "solved");
        jw_bool(w, st == CS_CLOSED);
        jw_key(w, "closed_at");
        if (dbrows_int(&rows, i, 6)) {
            time_iso_cst((time_t)dbrows_int(&rows, i, 6), t);
            jw_str(w, t);
        } else {
            jw_null(w);
        }
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}
