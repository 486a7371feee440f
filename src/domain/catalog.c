/* catalog.c - the service catalogue and the departments: validation of categories and their
 * Open311 attributes, reads, upserts (portable INSERT ... ON CONFLICT), the Open311-friendly JSON
 * form, and the check of a case's attribute values against its category. */
#include "domain/catalog.h"
#include "core/json.h"
#include "core/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NAME_MAX_CHARS 40
#define GROUP_MAX_CHARS 40
#define DESC_MAX_CHARS 200
#define KEYWORDS_MAX_CHARS 200
#define ATTRS_MAX 50
#define VALUES_MAX 100
#define VALUE_KEY_MAX_CHARS 64
#define VALUE_NAME_MAX_CHARS 100
#define ATTR_STRING_MAX_CHARS 200
#define ATTR_TEXT_MAX_CHARS 2000

static const char *const sla_keys[SLA__COUNT] = {"accept", "dispatch", "resolve", "verify"};
static const char *const levels[] = {"community", "town", "district", NULL};
static const char *const datatypes[] = {"string",          "number",         "datetime", "text",
                                        "singlevaluelist", "multivaluelist", NULL};

static int one_of(const char *s, const char *const *list)
{
    for (; *list; list++) {
        if (strcmp(s, *list) == 0)
            return 1;
    }
    return 0;
}

static int is_list_type(const char *datatype)
{
    return strcmp(datatype, "singlevaluelist") == 0 || strcmp(datatype, "multivaluelist") == 0;
}

/* s has min..max characters, each a lower-case letter, a digit or one of extra. */
static int code_ok(const char *s, size_t min, size_t max, const char *extra)
{
    size_t n = s != NULL ? strlen(s) : 0;
    if (n < min || n > max)
        return 0;
    for (const char *p = s; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr(extra, *p)))
            return 0;
    }
    return 1;
}

static int category_code_ok(const char *code)
{
    return code_ok(code, 2, 32, "_-");
}

/* A text of at most max characters (valid UTF-8); required texts must not be empty. */
static int text_check(const char *s, const char *field, int required, size_t max, struct err *e)
{
    if (s == NULL || s[0] == '\0') {
        if (required)
            return err_set(e, ERR_INVALID, field, "'%s' is required", field);
        return ERR_OK;
    }
    long n = utf8_chars(s);
    if (n < 0)
        return err_set(e, ERR_INVALID, field, "'%s' is not valid UTF-8", field);
    if ((size_t)n > max)
        return err_set(e, ERR_INVALID, field, "'%s' is longer than %zu characters", field, max);
    return ERR_OK;
}

/* ---- validation of a category (from JSON or built in C) ---- */

/* Check an attribute's values: an array of {key, name} with unique keys, non-empty for the list
 * types and empty for the others. */
static int values_check(const struct category_attr *at, const char *field, struct err *e)
{
    json_error_t je;
    json_t *v = json_loads(at->values_json != NULL ? at->values_json : "[]", 0, &je);
    int rc = ERR_OK;

    if (v == NULL || !json_is_array(v)) {
        rc = err_set(e, ERR_INVALID, field, "'%s' must be a list of {\"key\", \"name\"}", field);
        goto out;
    }
    size_t n = json_array_size(v);
    if (!is_list_type(at->datatype)) {
        if (n != 0)
            rc = err_set(e, ERR_INVALID, field, "'%s' is only allowed for the list datatypes",
                         field);
        goto out;
    }
    if (n == 0) {
        rc = err_set(e, ERR_INVALID, field, "a %s needs at least one value", at->datatype);
        goto out;
    }
    if (n > VALUES_MAX) {
        rc = err_set(e, ERR_INVALID, field, "'%s' has more than %d values", field, VALUES_MAX);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_array_get(v, i), *val;
        json_t *key = json_object_get(it, "key"), *name = json_object_get(it, "name");
        const char *k;
        if (!json_is_object(it) || !json_is_string(key) || !json_is_string(name)) {
            rc = err_set(e, ERR_INVALID, field,
                         "value %zu must be {\"key\": \"...\", \"name\": \"...\"} with strings", i);
            goto out;
        }
        json_object_foreach(it, k, val)
        {
            if (strcmp(k, "key") != 0 && strcmp(k, "name") != 0) {
                rc = err_set(e, ERR_INVALID, field, "unknown field '%.40s' in value %zu", k, i);
                goto out;
            }
        }
        const char *ks = json_string_value(key), *ns = json_string_value(name);
        long kn = utf8_chars(ks), nn = utf8_chars(ns);
        if (kn < 1 || kn > VALUE_KEY_MAX_CHARS || strlen(ks) != json_string_length(key)) {
            rc = err_set(e, ERR_INVALID, field, "the key of value %zu must have 1 to %d characters",
                         i, VALUE_KEY_MAX_CHARS);
            goto out;
        }
        if (nn < 1 || nn > VALUE_NAME_MAX_CHARS || strlen(ns) != json_string_length(name)) {
            rc =
                err_set(e, ERR_INVALID, field, "the name of value %zu must have 1 to %d characters",
                        i, VALUE_NAME_MAX_CHARS);
            goto out;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(ks, json_string_value(json_object_get(json_array_get(v, j), "key"))) == 0) {
                rc = err_set(e, ERR_INVALID, field, "the key '%.64s' is given twice", ks);
                goto out;
            }
        }
    }
out:
    json_decref(v);
    return rc;
}

static int attr_check(const struct category_attr *at, int i, struct err *e)
{
    char f[48];
#define AF(name) (snprintf(f, sizeof(f), "attributes[%d].%s", i, name), f)
    if (!code_ok(at->code, 1, 32, "_"))
        return err_set(e, ERR_INVALID, AF("code"),
                       "an attribute code has 1 to 32 characters of a-z, 0-9 and _");
    if (at->datatype == NULL || !one_of(at->datatype, datatypes))
        return err_set(e, ERR_INVALID, AF("datatype"),
                       "'datatype' must be one of string, number, datetime, text, "
                       "singlevaluelist, multivaluelist");
    if (text_check(at->description, AF("description"), 1, DESC_MAX_CHARS, e) ||
        text_check(at->datatype_description, AF("datatype_description"), 0, DESC_MAX_CHARS, e))
        return e->code;
    if (at->ord < 0 || at->ord > 10000)
        return err_set(e, ERR_INVALID, AF("order"), "'order' must be between 0 and 10000");
    return values_check(at, AF("values"), e);
#undef AF
}

/* Validate every field of c (formats, lengths, enums, SLA texts, attributes); sla receives the
 * parsed deadlines. Nothing here touches the store. */
static int category_check(const struct category *c, struct sla sla[SLA__COUNT], struct err *e)
{
    if (!category_code_ok(c->code))
        return err_set(e, ERR_INVALID, "code",
                       "a category code has 2 to 32 characters of a-z, 0-9, _ and -");
    if (text_check(c->name, "name", 1, NAME_MAX_CHARS, e) ||
        text_check(c->group, "group", 1, GROUP_MAX_CHARS, e) ||
        text_check(c->description, "description", 0, DESC_MAX_CHARS, e) ||
        text_check(c->keywords, "keywords", 0, KEYWORDS_MAX_CHARS, e))
        return e->code;
    if (c->department != NULL && !code_ok(c->department, 2, 32, "-"))
        return err_set(e, ERR_INVALID, "department",
                       "a department code has 2 to 32 characters of a-z, 0-9 and -");
    if (c->handling_level == NULL || !one_of(c->handling_level, levels))
        return err_set(e, ERR_INVALID, "handling_level",
                       "'handling_level' must be community, town or district");
    for (int s = 0; s < SLA__COUNT; s++) {
        char f[24];
        snprintf(f, sizeof(f), "sla.%s", sla_keys[s]);
        if (c->sla_text[s] == NULL || c->sla_text[s][0] == '\0')
            return err_set(e, ERR_INVALID, f, "'%s' is required", f);
        if (sla_parse(c->sla_text[s], &sla[s], f, e) != ERR_OK)
            return e->code;
    }
    if (c->nattrs < 0 || c->nattrs > ATTRS_MAX)
        return err_set(e, ERR_INVALID, "attributes", "at most %d attributes", ATTRS_MAX);
    for (int i = 0; i < c->nattrs; i++) {
        if (attr_check(&c->attrs[i], i, e) != ERR_OK)
            return e->code;
        for (int j = 0; j < i; j++) {
            if (strcmp(c->attrs[i].code, c->attrs[j].code) == 0) {
                char f[48];
                snprintf(f, sizeof(f), "attributes[%d].code", i);
                return err_set(e, ERR_INVALID, f, "the attribute code '%s' is given twice",
                               c->attrs[i].code);
            }
        }
    }
    return ERR_OK;
}

/* ---- JSON input ---- */

/* Like json_only_keys, naming the field under a prefix ("sla.", "attributes[2]."). */
static int only_keys(json_t *obj, const char *const *allowed, const char *prefix, struct err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (!one_of(key, allowed)) {
            char f[48];
            snprintf(f, sizeof(f), "%s%.32s", prefix, key);
            return err_set(e, ERR_INVALID, f, "unknown field '%s'", f);
        }
    }
    return ERR_OK;
}

/* An optional string field: absent or null leaves *out unchanged; copied into the arena. */
static int str_field(json_t *obj, const char *key, const char *field, struct arena *a,
                     const char **out, struct err *e)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v))
        return ERR_OK;
    if (!json_is_string(v))
        return err_set(e, ERR_INVALID, field, "'%s' must be a string", field);
    if (strlen(json_string_value(v)) != json_string_length(v))
        return err_set(e, ERR_INVALID, field, "'%s' must not contain NUL characters", field);
    *out = arena_strdup(a, json_string_value(v));
    return ERR_OK;
}

static int bool_field(json_t *obj, const char *key, const char *field, int *out, struct err *e)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v))
        return ERR_OK;
    if (!json_is_boolean(v))
        return err_set(e, ERR_INVALID, field, "'%s' must be true or false", field);
    *out = json_is_true(v);
    return ERR_OK;
}

/* The values of an attribute as canonical JSON text; integer keys (as in Open311 examples)
 * become strings. The shape is checked later by values_check. */
static int values_from_json(json_t *v, const char *field, struct arena *a, const char **out,
                            struct err *e)
{
    if (v == NULL || json_is_null(v)) {
        *out = "[]";
        return ERR_OK;
    }
    if (!json_is_array(v))
        return err_set(e, ERR_INVALID, field, "'%s' must be a list of {\"key\", \"name\"}", field);
    json_t *copy = json_deep_copy(v);
    size_t i;
    json_t *it;
    json_array_foreach(copy, i, it)
    {
        json_t *k = json_object_get(it, "key");
        if (json_is_integer(k))
            json_object_set_new(
                it, "key", json_string(arena_printf(a, "%lld", (long long)json_integer_value(k))));
    }
    char *s = json_dumps(copy, JSON_COMPACT);
    json_decref(copy);
    if (s == NULL)
        return err_set(e, ERR_INVALID, field, "'%s' cannot be encoded", field);
    *out = arena_strdup(a, s);
    free(s);
    return ERR_OK;
}

static int attr_from_json(json_t *j, int i, struct arena *a, struct category_attr *at,
                          struct err *e)
{
    static const char *const keys[] = {
        "code",  "datatype", "required", "description", "datatype_description",
        "order", "values",   "variable", NULL};
    char prefix[24], f[48];
#define AF(name) (snprintf(f, sizeof(f), "attributes[%d].%s", i, name), f)
    snprintf(prefix, sizeof(prefix), "attributes[%d].", i);
    if (!json_is_object(j)) {
        snprintf(f, sizeof(f), "attributes[%d]", i);
        return err_set(e, ERR_INVALID, f, "attribute %d must be an object", i);
    }
    if (only_keys(j, keys, prefix, e) != ERR_OK)
        return e->code;
    int variable = 1;
    json_t *order = json_object_get(j, "order");
    at->ord = i + 1;
    at->datatype_description = "";
    if (str_field(j, "code", AF("code"), a, &at->code, e) ||
        str_field(j, "datatype", AF("datatype"), a, &at->datatype, e) ||
        bool_field(j, "required", AF("required"), &at->required, e) ||
        str_field(j, "description", AF("description"), a, &at->description, e) ||
        str_field(j, "datatype_description", AF("datatype_description"), a,
                  &at->datatype_description, e) ||
        bool_field(j, "variable", AF("variable"), &variable, e))
        return e->code;
    if (!variable)
        return err_set(e, ERR_INVALID, AF("variable"),
                       "only attributes that take input (variable: true) are supported");
    if (order != NULL && !json_is_null(order)) {
        if (!json_is_integer(order) || json_integer_value(order) < 0 ||
            json_integer_value(order) > 10000)
            return err_set(e, ERR_INVALID, AF("order"),
                           "'order' must be an integer between 0 and 10000");
        at->ord = (int)json_integer_value(order);
    }
    if (at->code == NULL)
        return err_set(e, ERR_INVALID, AF("code"), "'%s' is required", f);
    if (at->datatype == NULL)
        return err_set(e, ERR_INVALID, AF("datatype"), "'%s' is required", f);
    return values_from_json(json_object_get(j, "values"), AF("values"), a, &at->values_json, e);
#undef AF
}

int category_from_json(json_t *j, struct arena *a, const char *code, struct category *out,
                       struct err *e)
{
    static const char *const keys[] = {
        "code",           "name", "group",  "description", "keywords", "department",
        "handling_level", "sla",  "active", "attributes",  NULL};
    static const char *const sla_only[] = {"accept", "dispatch", "resolve", "verify", NULL};

    memset(out, 0, sizeof(*out));
    out->code = code;
    out->description = "";
    out->keywords = "";
    out->active = 1;
    if (!category_code_ok(code))
        return err_set(e, ERR_INVALID, "code",
                       "a category code has 2 to 32 characters of a-z, 0-9, _ and -");
    if (!json_is_object(j))
        return err_set(e, ERR_INVALID, NULL, "a JSON object expected");
    if (only_keys(j, keys, "", e) != ERR_OK)
        return e->code;
    json_t *bc = json_object_get(j, "code");
    if (bc != NULL && !(json_is_string(bc) && strcmp(json_string_value(bc), code) == 0))
        return err_set(e, ERR_INVALID, "code", "'code' in the body must match the path");
    if (json_get_str(j, "name", JSON_REQUIRED, NAME_MAX_CHARS, &out->name, e) ||
        json_get_str(j, "group", JSON_REQUIRED, GROUP_MAX_CHARS, &out->group, e) ||
        json_get_str(j, "description", JSON_OPTIONAL, DESC_MAX_CHARS, &out->description, e) ||
        json_get_str(j, "keywords", JSON_OPTIONAL, KEYWORDS_MAX_CHARS, &out->keywords, e) ||
        json_get_str(j, "department", JSON_OPTIONAL, 32, &out->department, e) ||
        json_get_str(j, "handling_level", JSON_REQUIRED, 16, &out->handling_level, e) ||
        json_get_bool(j, "active", JSON_OPTIONAL, &out->active, e))
        return e->code;
    out->name = arena_strdup(a, out->name);
    out->group = arena_strdup(a, out->group);
    out->description = arena_strdup(a, out->description);
    out->keywords = arena_strdup(a, out->keywords);
    out->handling_level = arena_strdup(a, out->handling_level);
    if (out->department != NULL)
        out->department = out->department[0] ? arena_strdup(a, out->department) : NULL;

    json_t *sla = json_object_get(j, "sla");
    if (sla == NULL || json_is_null(sla))
        return err_set(e, ERR_INVALID, "sla",
                       "'sla' is required: {\"accept\", \"dispatch\", \"resolve\", \"verify\"}");
    if (!json_is_object(sla))
        return err_set(e, ERR_INVALID, "sla",
                       "'sla' must be an object like {\"accept\": \"4h\", \"dispatch\": \"1d\", "
                       "\"resolve\": \"5d\", \"verify\": \"1d\"}");
    if (only_keys(sla, sla_only, "sla.", e) != ERR_OK)
        return e->code;
    for (int s = 0; s < SLA__COUNT; s++) {
        char f[24];
        snprintf(f, sizeof(f), "sla.%s", sla_keys[s]);
        if (str_field(sla, sla_keys[s], f, a, &out->sla_text[s], e) != ERR_OK)
            return e->code;
    }

    json_t *attrs = json_object_get(j, "attributes");
    if (attrs != NULL && !json_is_null(attrs)) {
        if (!json_is_array(attrs))
            return err_set(e, ERR_INVALID, "attributes", "'attributes' must be a list");
        if (json_array_size(attrs) > ATTRS_MAX)
            return err_set(e, ERR_INVALID, "attributes", "at most %d attributes", ATTRS_MAX);
        out->nattrs = (int)json_array_size(attrs);
        out->attrs = arena_alloc(a, sizeof(*out->attrs) * (size_t)(out->nattrs + 1));
        for (int i = 0; i < out->nattrs; i++) {
            if (attr_from_json(json_array_get(attrs, (size_t)i), i, a, &out->attrs[i], e) != ERR_OK)
                return e->code;
        }
    }
    return category_check(out, out->sla, e);
}

/* ---- reads ---- */

#define CATEGORY_COLS                                                                              \
    "code, name, group_name, description, keywords, department_code, handling_level, "             \
    "sla_accept, sla_dispatch, sla_resolve, sla_verify, active"
#define ATTR_COLS                                                                                  \
    "category_code, code, datatype, required, description, datatype_description, ord, vals"

static int category_from_row(const struct dbrows *r, int i, struct category *c, struct err *e)
{
    memset(c, 0, sizeof(*c));
    c->code = dbrows_get(r, i, 0);
    c->name = dbrows_get(r, i, 1);
    c->group = dbrows_get(r, i, 2);
    c->description = dbrows_get(r, i, 3);
    c->keywords = dbrows_get(r, i, 4);
    c->department = dbrows_get(r, i, 5);
    c->handling_level = dbrows_get(r, i, 6);
    for (int s = 0; s < SLA__COUNT; s++) {
        struct err pe = {0};
        c->sla_text[s] = dbrows_get(r, i, 7 + s);
        if (sla_parse(c->sla_text[s], &c->sla[s], sla_keys[s], &pe) != ERR_OK)
            return err_set(e, ERR_STORE, NULL,
                           "category %.32s has an invalid stored %s SLA '%.16s'", c->code,
                           sla_keys[s], c->sla_text[s]);
    }
    c->active = (int)dbrows_int(r, i, 11);
    return ERR_OK;
}

static void attr_from_row(const struct dbrows *r, int i, struct category_attr *at)
{
    at->code = dbrows_get(r, i, 1);
    at->datatype = dbrows_get(r, i, 2);
    at->required = (int)dbrows_int(r, i, 3);
    at->description = dbrows_get(r, i, 4);
    at->datatype_description = dbrows_get(r, i, 5);
    at->ord = (int)dbrows_int(r, i, 6);
    at->values_json = dbrows_get(r, i, 7);
}

/* Hand the attribute rows (ordered by category, then ord) out to the categories they belong to. */
static void attrs_distribute(const struct dbrows *r, struct arena *a, struct category *cs, int n)
{
    struct category_attr *all = arena_alloc(a, sizeof(*all) * (size_t)(r->nrows + 1));
    for (int i = 0; i < r->nrows; i++)
        attr_from_row(r, i, &all[i]);
    for (int i = 0; i < r->nrows;) {
        const char *cat = dbrows_get(r, i, 0);
        int j = i;
        while (j < r->nrows && strcmp(dbrows_get(r, j, 0), cat) == 0)
            j++;
        for (int k = 0; k < n; k++) {
            if (strcmp(cs[k].code, cat) == 0) {
                cs[k].attrs = &all[i];
                cs[k].nattrs = j - i;
                break;
            }
        }
        i = j;
    }
}

int category_get(struct db *db, struct arena *a, const char *code, struct category *out,
                 struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e, "SELECT " CATEGORY_COLS " FROM categories WHERE code = ?",
                      DB_ARGS(DBS(code)));
    if (rc != ERR_OK)
        return rc;
    if (r.nrows == 0)
        return err_set(e, ERR_NOT_FOUND, "code", "no category %.32s", code);
    if ((rc = category_from_row(&r, 0, out, e)) != ERR_OK)
        return rc;
    rc = db_query(db, a, &r, e,
                  "SELECT " ATTR_COLS
                  " FROM category_attributes WHERE category_code = ? ORDER BY ord, code",
                  DB_ARGS(DBS(code)));
    if (rc != ERR_OK)
        return rc;
    attrs_distribute(&r, a, out, 1);
    return ERR_OK;
}

int category_list(struct db *db, struct arena *a, int active_only, struct category **out, int *n,
                  struct err *e)
{
    struct dbrows r;
    int rc;
    if (active_only)
        rc = db_query(db, a, &r, e,
                      "SELECT " CATEGORY_COLS
                      " FROM categories WHERE active = 1 ORDER BY group_name, code",
                      DB_NOARGS);
    else
        rc = db_query(db, a, &r, e,
                      "SELECT " CATEGORY_COLS " FROM categories ORDER BY group_name, code",
                      DB_NOARGS);
    if (rc != ERR_OK)
        return rc;
    *out = arena_alloc(a, sizeof(**out) * (size_t)(r.nrows + 1));
    *n = r.nrows;
    for (int i = 0; i < r.nrows; i++) {
        if ((rc = category_from_row(&r, i, &(*out)[i], e)) != ERR_OK)
            return rc;
    }
    rc = db_query(db, a, &r, e,
                  "SELECT " ATTR_COLS " FROM category_attributes ORDER BY category_code, ord, code",
                  DB_NOARGS);
    if (rc != ERR_OK)
        return rc;
    attrs_distribute(&r, a, *out, *n);
    return ERR_OK;
}

/* ---- writes ---- */

int category_put(struct db *db, const struct category *c, struct err *e)
{
    struct sla sla[SLA__COUNT];
    struct arena a;
    struct dbrows r;
    int64_t now = time(NULL);
    int rc;

    if ((rc = category_check(c, sla, e)) != ERR_OK)
        return rc;
    arena_init(&a, 0);
    if (c->department != NULL) {
        rc = db_query(db, &a, &r, e, "SELECT code FROM departments WHERE code = ?",
                      DB_ARGS(DBS(c->department)));
        if (rc != ERR_OK)
            goto out;
        if (r.nrows == 0) {
            rc = err_set(e, ERR_INVALID, "department", "no department %.32s", c->department);
            goto out;
        }
    }
    rc = db_exec(db, e,
                 "INSERT INTO categories (code, name, group_name, description, keywords, "
                 "department_code, handling_level, sla_accept, sla_dispatch, sla_resolve, "
                 "sla_verify, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                 "?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name, "
                 "group_name = excluded.group_name, description = excluded.description, keywords "
                 "= excluded.keywords, department_code = excluded.department_code, "
                 "handling_level = excluded.handling_level, sla_accept = excluded.sla_accept, "
                 "sla_dispatch = excluded.sla_dispatch, sla_resolve = excluded.sla_resolve, "
                 "sla_verify = excluded.sla_verify, active = excluded.active, updated_at = "
                 "excluded.updated_at",
                 DB_ARGS(DBS(c->code), DBS(c->name), DBS(c->group),
                         DBS(c->description ? c->description : ""),
                         DBS(c->keywords ? c->keywords : ""), DBS(c->department),
                         DBS(c->handling_level), DBS(c->sla_text[SLA_ACCEPT]),
                         DBS(c->sla_text[SLA_DISPATCH]), DBS(c->sla_text[SLA_RESOLVE]),
                         DBS(c->sla_text[SLA_VERIFY]), DBI(c->active ? 1 : 0), DBI(now), DBI(now)));
    if (rc < 0)
        goto out;
    rc = db_exec(db, e, "DELETE FROM category_attributes WHERE category_code = ?",
                 DB_ARGS(DBS(c->code)));
    if (rc < 0)
        goto out;
    for (int i = 0; i < c->nattrs; i++) {
        const struct category_attr *at = &c->attrs[i];
        rc = db_exec(db, e,
                     "INSERT INTO category_attributes (category_code, code, datatype, required, "
                     "description, datatype_description, ord, vals) VALUES (?, ?, ?, ?, ?, ?, ?, "
                     "?)",
                     DB_ARGS(DBS(c->code), DBS(at->code), DBS(at->datatype),
                             DBI(at->required ? 1 : 0), DBS(at->description),
                             DBS(at->datatype_description ? at->datatype_description : ""),
                             DBI(at->ord), DBS(at->values_json ? at->values_json : "[]")));
        if (rc < 0)
            goto out;
    }
    rc = ERR_OK;
out:
    arena_free(&a);
    return rc;
}

/* ---- JSON output ---- */

static json_t *values_json(const char *text)
{
    json_t *v = json_loads(text != NULL ? text : "[]", 0, NULL);
    if (v == NULL || !json_is_array(v)) {
        json_decref(v);
        return json_array();
    }
    return v;
}

json_t *category_json(const struct category *c, int with_attrs)
{
    json_t *sla = json_object();
    for (int s = 0; s < SLA__COUNT; s++)
        json_object_set_new(sla, sla_keys[s], json_string(c->sla_text[s] ? c->sla_text[s] : ""));
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:o, s:b}", "code", c->code, "name",
                  c->name, "group", c->group, "description", c->description ? c->description : "",
                  "keywords", c->keywords ? c->keywords : "", "department", c->department,
                  "handling_level", c->handling_level, "sla", sla, "active", c->active ? 1 : 0);
    if (with_attrs) {
        json_t *attrs = json_array();
        for (int i = 0; i < c->nattrs; i++) {
            const struct category_attr *at = &c->attrs[i];
            json_array_append_new(
                attrs, json_pack("{s:b, s:s, s:s, s:b, s:s, s:i, s:s, s:o}", "variable", 1, "code",
                                 at->code, "datatype", at->datatype, "required",
                                 at->required ? 1 : 0, "datatype_description",
                                 at->datatype_description ? at->datatype_description : "", "order",
                                 at->ord, "description", at->description, "values",
                                 values_json(at->values_json)));
        }
        json_object_set_new(j, "attributes", attrs);
    }
    return j;
}

/* ---- attribute values of a case ---- */

/* A decimal number: JSON number, or a string like "-12", "3.5". */
static json_t *number_value(json_t *v)
{
    if (json_is_integer(v))
        return json_integer(json_integer_value(v));
    if (json_is_real(v))
        return isfinite(json_real_value(v)) ? json_real(json_real_value(v)) : NULL;
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v), *p = s;
    if (json_string_length(v) == 0 || json_string_length(v) > 32)
        return NULL;
    if (*p == '-' || *p == '+')
        p++;
    if (*p < '0' || *p > '9')
        return NULL;
    while (*p >= '0' && *p <= '9')
        p++;
    int frac = 0;
    if (*p == '.') {
        p++;
        frac = 1;
        if (*p < '0' || *p > '9')
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p != '\0')
        return NULL;
    if (!frac) {
        errno = 0;
        long long i = strtoll(s, NULL, 10);
        if (errno == 0)
            return json_integer(i);
    }
    double d = strtod(s, NULL);
    return isfinite(d) ? json_real(d) : NULL;
}

/* A list key: a string, or an integer given for a numeric key. */
static const char *key_of(json_t *v, char buf[32])
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(buf, 32, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    return NULL;
}

static int key_known(json_t *values, const char *k)
{
    size_t i;
    json_t *it;
    json_array_foreach(values, i, it)
    {
        const char *vk = json_string_value(json_object_get(it, "key"));
        if (vk != NULL && strcmp(vk, k) == 0)
            return 1;
    }
    return 0;
}

static int empty_value(json_t *v)
{
    return v == NULL || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

/* Check one value against its attribute; *norm receives the normalized value. */
static int attr_value_check(const struct category_attr *at, json_t *v, json_t **norm,
                            const char *field, struct err *e)
{
    const char *dt = at->datatype;
    char kb[32];
    *norm = NULL;
    if (strcmp(dt, "string") == 0 || strcmp(dt, "text") == 0) {
        size_t max = dt[0] == 's' ? ATTR_STRING_MAX_CHARS : ATTR_TEXT_MAX_CHARS;
        if (!json_is_string(v))
            return err_set(e, ERR_INVALID, field, "%s (%.60s) must be a string", field,
                           at->description);
        long n = utf8_chars(json_string_value(v));
        if (n < 0 || strlen(json_string_value(v)) != json_string_length(v))
            return err_set(e, ERR_INVALID, field, "%s is not valid text", field);
        if ((size_t)n > max)
            return err_set(e, ERR_INVALID, field, "%s (%.60s) is longer than %zu characters", field,
                           at->description, max);
        *norm = json_string(json_string_value(v));
    } else if (strcmp(dt, "number") == 0) {
        if ((*norm = number_value(v)) == NULL)
            return err_set(e, ERR_INVALID, field, "%s (%.60s) must be a number", field,
                           at->description);
    } else if (strcmp(dt, "datetime") == 0) {
        int64_t t;
        int has_offset = 0;
        char iso[32];
        /* a datetime attribute names its offset: without one the instant would be ambiguous */
        const char *text = json_string_value(v);
        if (text == NULL || strlen(text) < 16 || (text[10] != 'T' && text[10] != 't') ||
            time_parse_iso(text, &t, &has_offset) != 0 || !has_offset)
            return err_set(e, ERR_INVALID, field,
                           "%s (%.60s) must be a date and time like 2026-05-01T09:30:00+08:00",
                           field, at->description);
        time_iso_cst((time_t)t, iso);
        *norm = json_string(iso);
    } else {
        json_t *values = values_json(at->values_json);
        int multi = strcmp(dt, "multivaluelist") == 0;
        int rc = ERR_OK;
        if (!multi || !json_is_array(v)) {
            const char *k = key_of(v, kb);
            if (k == NULL)
                rc = err_set(e, ERR_INVALID, field, "%s (%.60s) must be %s", field, at->description,
                             multi ? "a list of keys" : "one of the keys");
            else if (!key_known(values, k))
                rc = err_set(e, ERR_INVALID, field, "'%.64s' is not a value of %s (%.60s)", k,
                             field, at->description);
            else
                *norm = multi ? json_pack("[s]", k) : json_string(k);
        } else {
            json_t *list = json_array();
            size_t i;
            json_t *it;
            json_array_foreach(v, i, it)
            {
                const char *k = key_of(it, kb);
                if (k == NULL || !key_known(values, k)) {
                    rc = err_set(e, ERR_INVALID, field, "'%.64s' is not a value of %s (%.60s)",
                                 k ? k : "?", field, at->description);
                    break;
                }
                int dup = 0;
                for (size_t j = 0; j < json_array_size(list); j++)
                    dup |= strcmp(json_string_value(json_array_get(list, j)), k) == 0;
                if (!dup)
                    json_array_append_new(list, json_string(k));
            }
            if (rc == ERR_OK)
                *norm = list;
            else
                json_decref(list);
        }
        json_decref(values);
        return rc;
    }
    return ERR_OK;
}

int category_attrs_check(const struct category *c, json_t *in, json_t **out, struct err *e)
{
    const char *key;
    json_t *v;
    char f[48];

    *out = NULL;
    if (in != NULL && !json_is_null(in) && !json_is_object(in))
        return err_set(e, ERR_INVALID, "attributes", "'attributes' must be an object");
    if (in != NULL && json_is_object(in)) {
        json_object_foreach(in, key, v)
        {
            int known = 0;
            for (int i = 0; i < c->nattrs && !known; i++)
                known = strcmp(c->attrs[i].code, key) == 0;
            if (!known) {
                snprintf(f, sizeof(f), "attribute[%.32s]", key);
                return err_set(e, ERR_INVALID, f, "category %s has no attribute '%.32s'", c->code,
                               key);
            }
        }
    }
    json_t *res = json_object();
    for (int i = 0; i < c->nattrs; i++) {
        const struct category_attr *at = &c->attrs[i];
        json_t *norm;
        v = json_is_object(in) ? json_object_get(in, at->code) : NULL;
        snprintf(f, sizeof(f), "attribute[%s]", at->code);
        if (empty_value(v)) {
            if (!at->required)
                continue;
            json_decref(res);
            return err_set(e, ERR_INVALID, f, "%s (%.60s) is required", f, at->description);
        }
        if (attr_value_check(at, v, &norm, f, e) != ERR_OK) {
            json_decref(res);
            return e->code;
        }
        json_object_set_new(res, at->code, norm);
    }
    *out = res;
    return ERR_OK;
}

struct category_write {
    const struct category *c;
    int created;
};

static int category_save_fn(struct db *db, void *arg, struct err *e)
{
    struct category_write *w = arg;
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc = db_query(db, &a, &r, e, "SELECT code FROM categories WHERE code = ?",
                      DB_ARGS(DBS(w->c->code)));
    if (rc == ERR_OK) {
        w->created = r.nrows == 0;
        rc = category_put(db, w->c, e);
    }
    arena_free(&a);
    return rc;
}

int category_save(struct store *s, const struct category *c, int *created, struct err *e)
{
    struct category_write w = {.c = c};
    int rc = store_write(s, category_save_fn, &w, e);
    if (rc == ERR_OK)
        *created = w.created;
    return rc;
}

int category_changeset(struct db *db, int64_t *out, struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc =
        db_query(db, &a, &r, e, "SELECT coalesce(max(updated_at), 0) FROM categories", DB_NOARGS);
    if (rc == ERR_OK)
        *out = dbrows_int(&r, 0, 0);
    arena_free(&a);
    return rc;
}
