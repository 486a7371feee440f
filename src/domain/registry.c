/* registry.c - the registry engine: input, checks, storage, scope, lists and output for every
 * registry declared in registries.def, driven by its field table (registry.h). Import and
 * export live in registry_io.c. */
#include "domain/registry.h"
#include "core/json.h"
#include "core/util.h"
#include "domain/counters.h"
#include "domain/pii.h"
#include "domain/place.h"
#include "store/sqlq.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct registry *const all[REG__COUNT] = {
#define REGISTRY(ID, sym, path) [REG_##ID] = &reg_##sym,
#include "domain/registries.def"
#undef REGISTRY
};

const struct registry *registry_get(int id)
{
    return id > REG_NONE && id < REG__COUNT ? all[id] : NULL;
}

const struct registry *registry_find(const char *name)
{
    for (int i = REG_NONE + 1; i < REG__COUNT; i++) {
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    }
    return NULL;
}

int registry_field_index(const struct registry *r, const char *name)
{
    for (int i = 0; i < r->nfields; i++) {
        if (strcmp(r->fields[i].name, name) == 0)
            return i;
    }
    return -1;
}

const char *reg_verb_name(unsigned verb)
{
#define X(v, name)                                                                                 \
    if (verb == (v))                                                                               \
        return name;
    REG_VERB_MAP(X)
#undef X
    return "";
}

static const char *col(const struct reg_field *f)
{
    return f->column ? f->column : f->name;
}

/* ---- scope ---- */

int reg_may(const struct user *u, const struct registry *r, unsigned verb)
{
    return authz_verb_has(u, r->grants, verb);
}

int reg_unmask_allowed(const struct user *u, const struct registry *r, const char *purpose)
{
    if (purpose == NULL || purpose[strspn(purpose, " \t\r\n")] == '\0')
        return 0; /* a purpose says something */
    return reg_may(u, r, V_PII);
}

/* Each place a record is scoped by: its F_SCOPE place fields and the codes of F_SCOPE lists. */
static int scope_places(const struct registry *r, struct arena *a, const struct reg_rec *rec,
                        const char **out, int max)
{
    int n = 0;
    for (int i = 0; i < r->nfields && n < max; i++) {
        const struct reg_field *f = &r->fields[i];
        const char *v = rec->v[i];
        if (!(f->flags & F_SCOPE) || v == NULL)
            continue;
        if (f->type != FT_CODES) {
            out[n++] = v;
            continue;
        }
        json_t *list = json_loads(v, 0, NULL);
        size_t k;
        json_t *x;
        json_array_foreach(list, k, x)
        {
            if (json_is_string(x) && n < max)
                out[n++] = arena_strdup(a, json_string_value(x));
        }
        json_decref(list);
    }
    return n;
}

/* The id the record's field names ("id": the record's own), or 0. */
static int64_t id_of(const struct registry *r, const char *field, const struct reg_rec *rec)
{
    if (field == NULL)
        return 0;
    if (strcmp(field, r->key) == 0)
        return rec->id;
    int i = registry_field_index(r, field);
    return i >= 0 && rec->v[i] ? strtoll(rec->v[i], NULL, 10) : 0;
}

int reg_allows(const struct user *u, const struct registry *r, unsigned verb,
               const struct reg_rec *rec)
{
    if (r->scope == RS_GLOBAL)
        return reg_may(u, r, verb);
    struct arena a;
    const char *places[64];
    arena_init(&a, 0);
    int n = scope_places(r, &a, rec, places, 64);
    struct target t = {.compound = id_of(r, r->compound_field, rec),
                       .enterprise = id_of(r, r->enterprise_field, rec)};
    int ok = (t.compound != 0 || t.enterprise != 0) && authz_verb_allow(u, r->grants, verb, &t);
    for (int i = 0; i < n && !ok; i++) {
        t.place = places[i];
        ok = authz_verb_allow(u, r->grants, verb, &t);
    }
    arena_free(&a);
    return ok;
}

/* ---- input ---- */

void reg_rec_init(const struct registry *r, struct arena *a, struct reg_rec *rec)
{
    memset(rec, 0, sizeof(*rec));
    rec->v = arena_alloc(a, sizeof(char *) * (size_t)r->nfields);
    rec->given = arena_alloc(a, (size_t)r->nfields);
    memset(rec->v, 0, sizeof(char *) * (size_t)r->nfields);
    memset(rec->given, 0, (size_t)r->nfields);
}

static const char *type_name(enum fld_type t)
{
    static const char *const names[] = {"text", "int",  "bool", "date",  "place",
                                        "ref",  "enum", "tags", "codes", "money"};
    return names[t];
}

int reg_from_json(const struct registry *r, struct arena *a, const json_t *obj, struct reg_rec *rec,
                  struct err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        int i = registry_field_index(r, key);
        if (i < 0)
            return err_set(e, ERR_INVALID, key, "unknown field '%.40s'", key);
        const struct reg_field *f = &r->fields[i];
        if (f->flags & F_READONLY)
            return err_set(e, ERR_INVALID, key, "'%s' is kept by the server and cannot be set",
                           key);
        rec->given[i] = 1;
        if (json_is_null(v)) {
            rec->v[i] = NULL;
            continue;
        }
        switch (f->type) {
        case FT_INT:
        case FT_REF:
        case FT_MONEY:
            if (!json_is_integer(v) && f->type == FT_MONEY)
                return err_set(e, ERR_INVALID, key, "%s（%s）须为整数，单位为分，不能有小数",
                               f->label, key);
            if (!json_is_integer(v))
                return err_set(e, ERR_INVALID, key, "'%s' must be an integer", key);
            rec->v[i] = arena_printf(a, "%lld", (long long)json_integer_value(v));
            break;
        case FT_BOOL:
            if (!json_is_boolean(v))
                return err_set(e, ERR_INVALID, key, "'%s' must be true or false", key);
            rec->v[i] = json_is_true(v) ? "1" : "0";
            break;
        case FT_TAGS:
        case FT_CODES: {
            size_t k;
            json_t *x;
            if (!json_is_array(v))
                return err_set(e, ERR_INVALID, key, "'%s' must be a list of strings", key);
            json_array_foreach(v, k, x)
            {
                if (!json_is_string(x))
                    return err_set(e, ERR_INVALID, key, "'%s' must be a list of strings", key);
            }
            char *s = json_dumps(v, JSON_COMPACT);
            rec->v[i] = arena_strdup(a, s);
            free(s);
            break;
        }
        default:
            if (!json_is_string(v))
                return err_set(e, ERR_INVALID, key, "'%s' must be a string (%s)", key,
                               type_name(f->type));
            rec->v[i] = json_string_value(v);
        }
    }
    return ERR_OK;
}

static const char *trim(struct arena *a, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return arena_strndup(a, s, n);
}

static int all_digits(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
    }
    return 1;
}

/* YYYY-MM-DD, also YYYY/M/D and YYYY-M-D as Excel writes them, normalised. */
static int date_norm(struct arena *a, const char *s, const char **out)
{
    int y, m, d;
    char sep1, sep2, tail;
    if (sscanf(s, "%4d%c%2d%c%2d%c", &y, &sep1, &m, &sep2, &d, &tail) != 5 || sep1 != sep2 ||
        (sep1 != '-' && sep1 != '/' && sep1 != '.'))
        return -1;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
        return -1;
    *out = arena_printf(a, "%04d-%02d-%02d", y, m, d);
    return 0;
}

static int int_norm(struct arena *a, const char *s, int64_t *out)
{
    char *end;
    if (*s == '\0')
        return -1;
    long long v = strtoll(s, &end, 10);
    if (*end != '\0')
        return -1;
    *out = v;
    (void)a;
    return 0;
}

/* Money in yuan with up to two decimals ("12.5") or integer fen from JSON: stored as fen. */
static int check_value(const struct registry *r, struct arena *a, int i, struct reg_rec *rec,
                       struct err *e)
{
    const struct reg_field *f = &r->fields[i];
    const char *v = rec->v[i];
    int64_t n;
    (void)r;
    switch (f->type) {
    case FT_TEXT: {
        v = trim(a, v);
        long chars = utf8_chars(v);
        if (chars < 0)
            return err_set(e, ERR_INVALID, f->name, "'%s' is not valid UTF-8", f->name);
        if (f->max > 0 && chars > f->max)
            return err_set(e, ERR_INVALID, f->name, "%s（%s）最多 %lld 个字", f->label, f->name,
                           (long long)f->max);
        if (f->check != NULL && *v != '\0') {
            char buf[256];
            if (f->check(v, buf, sizeof(buf), f->name, e) != ERR_OK)
                return e->code;
            v = arena_strdup(a, buf);
        }
        break;
    }
    case FT_INT:
    case FT_MONEY:
    case FT_REF:
        if (int_norm(a, trim(a, v), &n) != 0)
            return err_set(e, ERR_INVALID, f->name, "%s（%s）须为整数", f->label, f->name);
        if (f->type == FT_REF && n <= 0)
            return err_set(e, ERR_INVALID, f->name, "%s（%s）须为记录编号", f->label, f->name);
        if (f->type == FT_MONEY && n < 0 && f->min >= 0)
            return err_set(e, ERR_INVALID, f->name, "%s（%s）不能为负数", f->label, f->name);
        if (f->type == FT_MONEY && f->max > f->min && n > f->max)
            return err_set(e, ERR_INVALID, f->name, "%s（%s）不能超过 %lld 元（%lld 分）", f->label,
                           f->name, (long long)(f->max / 100), (long long)f->max);
        if (f->type != FT_REF && (n < f->min || (f->max > f->min && n > f->max)))
            return err_set(e, ERR_INVALID, f->name, "%s（%s）须在 %lld 到 %lld 之间", f->label,
                           f->name, (long long)f->min, (long long)f->max);
        v = arena_printf(a, "%lld", (long long)n);
        break;
    case FT_BOOL: {
        static const char *const yes[] = {"1", "true", "TRUE", "True", "是", "有", "yes", "Y", "y"};
        static const char *const no[] = {"0",  "false", "FALSE", "False", "否",
                                         "无", "no",    "N",     "n"};
        const char *t = trim(a, v);
        const char *got = NULL;
        for (size_t k = 0; k < ARRAY_LEN(yes) && !got; k++)
            got = strcmp(t, yes[k]) == 0 ? "1" : strcmp(t, no[k]) == 0 ? "0" : NULL;
        if (got == NULL)
            return err_set(e, ERR_INVALID, f->name, "%s（%s）须为“是”或“否”", f->label, f->name);
        v = got;
        break;
    }
    case FT_DATE:
        if (date_norm(a, trim(a, v), &v) != 0)
            return err_set(e, ERR_INVALID, f->name, "%s（%s）须为日期 YYYY-MM-DD", f->label,
                           f->name);
        break;
    case FT_PLACE: {
        v = trim(a, v);
        enum place_level l = all_digits(v) ? place_level_of(v) : PL_NONE;
        if (l == PL_NONE || (f->levels && !(f->levels & (1u << l))))
            return err_set(e, ERR_INVALID, f->name, "%s（%s）不是有效的%s编码", f->label, f->name,
                           f->levels == (1u << PL_COMMUNITY) ? "社区" : "地点");
        break;
    }
    case FT_ENUM: {
        const char *t = trim(a, v), *got = NULL;
        for (const struct reg_option *o = f->options; o->value && !got; o++) {
            if (strcmp(t, o->value) == 0 || strcmp(t, o->label) == 0)
                got = o->value;
        }
        if (got == NULL)
            return err_set(e, ERR_INVALID, f->name, "%s（%s）的取值“%.40s”不在可选范围内", f->label,
                           f->name, t);
        v = got;
        break;
    }
    case FT_TAGS:
    case FT_CODES: {
        json_t *list = json_loads(v, 0, NULL);
        size_t k;
        json_t *x;
        int bad = !json_is_array(list) || (f->max > 0 && (int64_t)json_array_size(list) > f->max);
        json_array_foreach(list, k, x)
        {
            const char *s = json_string_value(x);
            if (s == NULL || utf8_chars(s) < 1 || utf8_chars(s) > 40)
                bad = 1;
            else if (f->type == FT_CODES &&
                     (!all_digits(s) || place_level_of(s) == PL_NONE ||
                      (f->levels && !(f->levels & (1u << place_level_of(s))))))
                bad = 1;
        }
        json_decref(list);
        if (bad)
            return err_set(e, ERR_INVALID, f->name, "%s（%s）须为%s列表%s", f->label, f->name,
                           f->type == FT_CODES ? "地点编码" : "标签",
                           f->max > 0 ? arena_printf(a, "，最多 %lld 项", (long long)f->max) : "");
        break;
    }
    }
    rec->v[i] = v;
    return ERR_OK;
}

int reg_check(const struct registry *r, struct arena *a, struct reg_rec *rec, int creating,
              struct err *e)
{
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        if (!rec->given[i] && creating && f->dflt != NULL && !(f->flags & F_READONLY)) {
            rec->v[i] = f->dflt;
            rec->given[i] = 1;
        }
        if (!rec->given[i])
            continue;
        if (!creating && (f->flags & F_IMMUTABLE))
            return err_set(e, ERR_INVALID, f->name, "%s（%s）创建后不能修改", f->label, f->name);
        if (rec->v[i] != NULL && check_value(r, a, i, rec, e) != ERR_OK)
            return e->code;
        /* an empty text is absent, except where a default says "" */
        if (rec->v[i] != NULL && rec->v[i][0] == '\0' && f->type == FT_TEXT && f->dflt == NULL)
            rec->v[i] = NULL;
        if (rec->v[i] == NULL && f->dflt != NULL)
            rec->v[i] = f->dflt; /* null clears to the default (NOT NULL columns) */
        if ((f->flags & F_REQ) && (rec->v[i] == NULL || rec->v[i][0] == '\0'))
            return err_set(e, ERR_INVALID, f->name, "%s（%s）必填", f->label, f->name);
    }
    if (creating) {
        for (int i = 0; i < r->nfields; i++) {
            const struct reg_field *f = &r->fields[i];
            if ((f->flags & F_REQ) && !(f->flags & F_READONLY) && !rec->given[i])
                return err_set(e, ERR_INVALID, f->name, "%s（%s）必填", f->label, f->name);
        }
    }
    return ERR_OK;
}

/* ---- reading rows ---- */

/* The columns of a SELECT: key, each stored field (PII sealed), times. */
static const char *select_cols(const struct registry *r, struct arena *a)
{
    char *s = arena_printf(a, "%s.%s", r->table, r->key);
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        if (f->type == FT_CODES || strcmp(col(f), r->key) == 0)
            continue;
        if (f->expr != NULL)
            s = arena_printf(a, "%s, (%s)", s, f->expr);
        else
            s = arena_printf(a, "%s, %s.%s", s, r->table, col(f));
    }
    return arena_printf(a, "%s, %s.created_at, %s.updated_at%s%s", s, r->table, r->table,
                        (r->opts & RO_ARCHIVE) ? ", " : "",
                        (r->opts & RO_ARCHIVE) ? arena_printf(a, "%s.archived_at", r->table) : "");
}

static void rec_from_row(const struct registry *r, struct reg_ctx *c, const struct dbrows *rows,
                         int row, struct reg_rec *rec)
{
    int k = 0;
    reg_rec_init(r, c->a, rec);
    rec->key = dbrows_get(rows, row, k++);
    rec->id = r->key_text ? 0 : strtoll(rec->key, NULL, 10);
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        if (f->type == FT_CODES)
            continue;
        if (strcmp(col(f), r->key) == 0) {
            rec->v[i] = rec->key;
            continue;
        }
        const char *v = dbrows_get(rows, row, k++);
        if (v != NULL && (f->flags & F_PII))
            v = pii_open(c->a, v);
        rec->v[i] = v;
    }
    rec->created_at = dbrows_int(rows, row, k++);
    rec->updated_at = dbrows_int(rows, row, k++);
    if (r->opts & RO_ARCHIVE) {
        const char *v = dbrows_get(rows, row, k++);
        rec->archived_at = v ? strtoll(v, NULL, 10) : 0;
    }
}

/* Fill the FT_CODES lists of n records from their link tables, one query per list field. */
static int load_links(struct db *db, struct reg_ctx *c, const struct registry *r,
                      struct reg_rec *recs, int n, struct err *e)
{
    for (int i = 0; i < r->nfields && n > 0; i++) {
        const struct reg_field *f = &r->fields[i];
        if (f->type != FT_CODES)
            continue;
        struct sqlq q;
        struct dbrows rows;
        sqlq_init(&q, c->a, db);
        sqlq_add(&q, arena_printf(c->a, "SELECT %s, %s FROM %s WHERE %s IN (", f->link_owner,
                                  f->link_col, f->link_table, f->link_owner));
        for (int k = 0; k < n; k++) {
            sqlq_add(&q, k ? ", ?" : "?");
            sqlq_param(&q, DBI(recs[k].id));
        }
        sqlq_add(&q, arena_printf(c->a, ") ORDER BY %s, %s", f->link_owner, f->link_col));
        int rc = q.overflow ? err_set(e, ERR_INTERNAL, NULL, "list query too long")
                            : db_query(db, c->a, &rows, e, q.sql.data, q.p, q.np);
        sqlq_free(&q);
        if (rc != ERR_OK)
            return rc;
        for (int k = 0; k < n; k++) {
            char *list = "[";
            int m = 0;
            for (int j = 0; j < rows.nrows; j++) {
                if (dbrows_int(&rows, j, 0) != recs[k].id)
                    continue;
                list =
                    arena_printf(c->a, "%s%s\"%s\"", list, m++ ? "," : "", dbrows_get(&rows, j, 1));
            }
            recs[k].v[i] = arena_printf(c->a, "%s]", list);
        }
    }
    return ERR_OK;
}

/* The one scoped check of every record a request reads or writes. */
static int in_scope(const struct reg_ctx *c, const struct registry *r, unsigned verb,
                    const struct reg_rec *rec, struct err *e)
{
    if (!c->enforce || reg_allows(c->user, r, verb, rec))
        return ERR_OK;
    const char *field = NULL;
    for (int i = 0; i < r->nfields && field == NULL; i++)
        field = (r->fields[i].flags & F_SCOPE) ? r->fields[i].name : NULL;
    return err_set(e, ERR_FORBIDDEN, field, "该%s记录不在您的管辖范围内", r->label);
}

static struct dbv key_dbv(const struct registry *r, const char *key)
{
    return r->key_text ? DBS(key) : DBI(strtoll(key, NULL, 10));
}

int reg_get(struct db *db, struct reg_ctx *c, const struct registry *r, const char *key,
            struct reg_rec *out, struct err *e)
{
    struct dbrows rows;
    char *end;
    if (!r->key_text && (strtoll(key, &end, 10) <= 0 || *end != '\0' || !all_digits(key)))
        return err_set(e, ERR_NOT_FOUND, r->key, "no such record in %s", r->name);
    const char *sql = arena_printf(c->a, "SELECT %s FROM %s WHERE %s = ?", select_cols(r, c->a),
                                   r->table, r->key);
    int rc = db_query(db, c->a, &rows, e, sql, (struct dbv[]){key_dbv(r, key)}, 1);
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows == 0)
        return err_set(e, ERR_NOT_FOUND, r->key, "%s has no record %.40s", r->name, key);
    rec_from_row(r, c, &rows, 0, out);
    if ((rc = load_links(db, c, r, out, 1, e)) != ERR_OK)
        return rc;
    return in_scope(c, r, V_READ, out, e);
}

/* ---- writing ---- */

static int place_known(const struct reg_cache *k, const char *code)
{
    for (int i = 0; k != NULL && i < (int)ARRAY_LEN(k->places); i++) {
        if (strcmp(k->places[i], code) == 0)
            return 1;
    }
    return 0;
}

static void place_remember(struct reg_cache *k, const char *code)
{
    if (k == NULL || strlen(code) >= sizeof(k->places[0]))
        return;
    snprintf(k->places[k->next], sizeof(k->places[0]), "%s", code);
    k->next = (k->next + 1) % (int)ARRAY_LEN(k->places);
}

/* Every given place and reference exists; unique fields are free (409 names the holder). */
static int check_refs(struct db *db, struct reg_ctx *c, const struct registry *r,
                      const struct reg_rec *rec, struct err *e)
{
    struct dbrows rows;
    int rc;
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        const char *v = rec->v[i];
        if (!rec->given[i] || v == NULL)
            continue;
        if (f->type == FT_PLACE) {
            if (place_known(c->cache, v))
                continue;
            rc = db_query(db, c->a, &rows, e, "SELECT level FROM places WHERE code = ?",
                          DB_ARGS(DBS(v)));
            if (rc != ERR_OK)
                return rc;
            if (rows.nrows == 0)
                return err_set(e, ERR_INVALID, f->name, "%s（%s）%s 不存在", f->label, f->name, v);
            place_remember(c->cache, v);
        } else if (f->type == FT_CODES) {
            json_t *list = json_loads(v, 0, NULL);
            size_t k;
            json_t *x;
            rc = ERR_OK;
            json_array_foreach(list, k, x)
            {
                rc = db_query(db, c->a, &rows, e, "SELECT level FROM places WHERE code = ?",
                              DB_ARGS(DBS(json_string_value(x))));
                if (rc == ERR_OK && rows.nrows == 0)
                    rc = err_set(e, ERR_INVALID, f->name, "%s（%s）%s 不存在", f->label, f->name,
                                 json_string_value(x));
                if (rc != ERR_OK)
                    break;
            }
            json_decref(list);
            if (rc != ERR_OK)
                return rc;
        } else if (f->type == FT_REF) {
            const struct registry *to = registry_find(f->ref);
            struct reg_rec target;
            struct err te = {0};
            /* a record outside the caller's scope is as good as absent: no hint it exists */
            rc = reg_get(db, c, to, v, &target, &te);
            if (rc == ERR_OK && target.archived_at != 0)
                rc = ERR_NOT_FOUND;
            if (rc == ERR_NOT_FOUND || rc == ERR_FORBIDDEN)
                return err_set(e, ERR_INVALID, f->name, "%s（%s）：%s 中没有编号 %s 的记录",
                               f->label, f->name, to->label, v);
            if (rc != ERR_OK) {
                *e = te;
                return rc;
            }
        }
    }
    return ERR_OK;
}

/* Unique fields are free; 409 names the record that holds the value (the caller may write
 * there: asked only after the scope check) or the earlier row of the same import. */
static int check_unique(struct db *db, struct reg_ctx *c, const struct registry *r,
                        const struct reg_rec *rec, struct err *e)
{
    struct dbrows rows;
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        const char *v = rec->v[i];
        if (!(f->flags & F_UNIQUE) || !rec->given[i] || v == NULL)
            continue;
        char h[65];
        const char *lookup = v;
        if (f->flags & F_PII) {
            pii_hash(v, h);
            lookup = h;
        }
        int rc = db_query(db, c->a, &rows, e,
                          arena_printf(c->a, "SELECT %s FROM %s WHERE %s%s = ?", r->key, r->table,
                                       col(f), (f->flags & F_PII) ? "_hash" : ""),
                          DB_ARGS(DBS(lookup)));
        if (rc != ERR_OK)
            return rc;
        if (rows.nrows == 0 || (rec->key != NULL && strcmp(rec->key, dbrows_get(&rows, 0, 0)) == 0))
            continue;
        const char *holder = dbrows_get(&rows, 0, 0);
        if (c->run_first_id > 0 && !r->key_text && strtoll(holder, NULL, 10) >= c->run_first_id)
            return err_set(e, ERR_CONFLICT, f->name, "%s（%s）与本次导入中前面的一行重复", f->label,
                           f->name);
        return err_set(e, ERR_CONFLICT, f->name, "%s（%s）已登记：%s 记录 %s", f->label, f->name,
                       r->label, holder);
    }
    return ERR_OK;
}

/* Bind field i's value for the store: integers as integers, personal text sealed. */
static struct dbv bind(struct reg_ctx *c, const struct reg_field *f, const char *v)
{
    if (v == NULL)
        return DBNULL;
    switch (f->type) {
    case FT_INT:
    case FT_REF:
    case FT_MONEY:
    case FT_BOOL:
        return DBI(strtoll(v, NULL, 10));
    default:
        return DBS((f->flags & F_PII) ? pii_seal(c->a, v) : v);
    }
}

static int store_links(struct db *db, const struct registry *r, const struct reg_rec *rec,
                       struct err *e)
{
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        if (f->type != FT_CODES || !rec->given[i])
            continue;
        struct arena a;
        arena_init(&a, 0);
        int rc = db_exec(
            db, e, arena_printf(&a, "DELETE FROM %s WHERE %s = ?", f->link_table, f->link_owner),
            DB_ARGS(DBI(rec->id)));
        json_t *list = rec->v[i] ? json_loads(rec->v[i], 0, NULL) : NULL;
        size_t k;
        json_t *x;
        json_array_foreach(list, k, x)
        {
            if (rc < 0)
                break;
            rc = db_exec(db, e,
                         arena_printf(&a, "INSERT INTO %s (%s, %s) VALUES (?, ?)", f->link_table,
                                      f->link_owner, f->link_col),
                         DB_ARGS(DBI(rec->id), DBS(json_string_value(x))));
            if (rc == ERR_CONFLICT)
                rc = 0; /* listed twice: once is enough */
        }
        json_decref(list);
        arena_free(&a);
        if (rc < 0)
            return rc;
    }
    return ERR_OK;
}

static const char *county_of(const struct registry *r, const struct reg_rec *rec, char out[8])
{
    out[0] = '\0';
    for (int i = 0; i < r->nfields; i++) {
        if ((r->fields[i].flags & F_SCOPE) && r->fields[i].type == FT_PLACE && rec->v[i]) {
            snprintf(out, 8, "%.6s", rec->v[i]);
            break;
        }
    }
    return out;
}

static int conflict(const struct registry *r, int rc, struct err *e)
{
    if (rc == ERR_CONFLICT) {
        const char *field = r->conflict_field ? r->conflict_field : r->key;
        int i = registry_field_index(r, field);
        return err_set(e, ERR_CONFLICT, field, "%s中已有相同%s的记录", r->label,
                       i >= 0 ? r->fields[i].label : field);
    }
    return rc;
}

int reg_insert(struct db *db, struct reg_ctx *c, const struct registry *r, struct reg_rec *rec,
               struct err *e)
{
    int rc;
    int64_t now = time(NULL);
    char county[8];

    rec->key = NULL;
    if ((rc = check_refs(db, c, r, rec, e)) != ERR_OK)
        return rc;
    if (r->rules != NULL && (rc = r->rules(db, c, r, rec, NULL, e)) != ERR_OK)
        return rc;
    if ((rc = in_scope(c, r, V_WRITE, rec, e)) != ERR_OK ||
        (rc = check_unique(db, c, r, rec, e)) != ERR_OK)
        return rc;
    struct sqlq q, vals;
    sqlq_init(&q, c->a, db);
    sqlq_init(&vals, c->a, db);
    sqlq_add(&q, arena_printf(c->a, "INSERT INTO %s (created_at, updated_at", r->table));
    sqlq_add(&vals, "?, ?");
    sqlq_param(&q, DBI(now));
    sqlq_param(&q, DBI(now));
    if (r->scope == RS_PLACE) {
        sqlq_add(&q, ", county");
        sqlq_add(&vals, ", ?");
        sqlq_param(&q, DBS(county_of(r, rec, county)));
    }
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        if (f->type == FT_CODES || f->expr != NULL || rec->v[i] == NULL)
            continue;
        sqlq_add(&q, ", ");
        sqlq_add(&q, col(f));
        sqlq_add(&vals, ", ?");
        sqlq_param(&q, bind(c, f, rec->v[i]));
        if (f->flags & F_PII) {
            char *h = arena_alloc(c->a, 65);
            pii_hash(rec->v[i], h);
            sqlq_add(&q, arena_printf(c->a, ", %s_hash", col(f)));
            sqlq_add(&vals, ", ?");
            sqlq_param(&q, DBS(h));
        }
    }
    sqlq_add(&q, ") VALUES (");
    sqlq_add(&q, vals.sql.data);
    sqlq_add(&q, ")");
    int64_t id = 0;
    if (q.overflow)
        rc = err_set(e, ERR_INTERNAL, NULL, "insert too long");
    else if (r->key_text) /* the key is a field the client gave */
        rc = db_exec(db, e, q.sql.data, q.p, q.np);
    else /* integer keys are named id (registry_sound in the unit tests) */
        rc = db_insert(db, e, q.sql.data, q.p, q.np, &id);
    sqlq_free(&q);
    sqlq_free(&vals);
    if (rc < 0)
        return conflict(r, rc, e);
    rec->id = id;
    rec->key = r->key_text ? rec->v[registry_field_index(r, r->key)]
                           : arena_printf(c->a, "%lld", (long long)id);
    rec->created_at = rec->updated_at = now;
    if ((rc = store_links(db, r, rec, e)) != ERR_OK)
        return rc;
    struct counter_facts facts;
    reg_counter_facts(r, rec, &facts);
    if ((rc = counters_move(db, NULL, &facts, e)) != ERR_OK)
        return rc;
    return r->counted ? r->counted(db, c, r, NULL, rec, e) : ERR_OK;
}

int reg_create_json(struct db *db, struct reg_ctx *c, const struct registry *r, const json_t *obj,
                    struct reg_rec *rec, struct err *e)
{
    reg_rec_init(r, c->a, rec);
    if (reg_from_json(r, c->a, obj, rec, e) != ERR_OK || reg_check(r, c->a, rec, 1, e) != ERR_OK)
        return e->code;
    return reg_insert(db, c, r, rec, e);
}

int reg_update(struct db *db, struct reg_ctx *c, const struct registry *r, const char *key,
               struct reg_rec *patch, struct err *e)
{
    struct reg_rec old, rec;
    int rc = reg_get(db, c, r, key, &old, e);
    if (rc != ERR_OK)
        return rc;
    if ((rc = in_scope(c, r, V_WRITE, &old, e)) != ERR_OK)
        return rc;
    if (old.archived_at != 0)
        return err_set(e, ERR_CONFLICT, r->key, "%s记录 %s 已归档，不能修改", r->label, key);
    /* the merged record: old values, the patch's where given */
    reg_rec_init(r, c->a, &rec);
    rec.id = old.id;
    rec.key = old.key;
    for (int i = 0; i < r->nfields; i++) {
        rec.v[i] = patch->given[i] ? patch->v[i] : old.v[i];
        rec.given[i] = patch->given[i];
    }
    if ((rc = check_refs(db, c, r, &rec, e)) != ERR_OK)
        return rc;
    if (r->rules != NULL && (rc = r->rules(db, c, r, &rec, &old, e)) != ERR_OK)
        return rc;
    if ((rc = in_scope(c, r, V_WRITE, &rec, e)) != ERR_OK ||
        (rc = check_unique(db, c, r, &rec, e)) != ERR_OK)
        return rc;
    struct sqlq q;
    sqlq_init(&q, c->a, db);
    sqlq_add(&q, arena_printf(c->a, "UPDATE %s SET updated_at = ?", r->table));
    sqlq_param(&q, DBI(time(NULL)));
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        if (f->type == FT_CODES || f->expr != NULL || strcmp(col(f), r->key) == 0)
            continue;
        sqlq_add(&q, arena_printf(c->a, ", %s = ?", col(f)));
        sqlq_param(&q, bind(c, f, rec.v[i]));
        if (f->flags & F_PII) {
            char *h = NULL;
            if (rec.v[i] != NULL) {
                h = arena_alloc(c->a, 65);
                pii_hash(rec.v[i], h);
            }
            sqlq_add(&q, arena_printf(c->a, ", %s_hash = ?", col(f)));
            sqlq_param(&q, DBS(h));
        }
    }
    sqlq_add(&q, arena_printf(c->a, " WHERE %s = ?", r->key));
    sqlq_param(&q, key_dbv(r, key));
    rc = q.overflow ? err_set(e, ERR_INTERNAL, NULL, "update too long")
                    : db_exec(db, e, q.sql.data, q.p, q.np);
    sqlq_free(&q);
    if (rc < 0)
        return conflict(r, rc, e);
    if ((rc = store_links(db, r, &rec, e)) != ERR_OK)
        return rc;
    struct counter_facts before, after;
    rec.created_at = old.created_at;
    reg_counter_facts(r, &old, &before);
    reg_counter_facts(r, &rec, &after);
    if ((rc = counters_move(db, &before, &after, e)) != ERR_OK)
        return rc;
    return r->counted ? r->counted(db, c, r, &old, &rec, e) : ERR_OK;
}

int reg_copy_from(struct db *db, struct reg_ctx *c, struct reg_rec *rec, int dst, int ref,
                  const char *table, const char *column, int keep_given, struct err *e)
{
    struct dbrows rows;
    if (rec->v[ref] == NULL || (keep_given && rec->v[dst] != NULL))
        return ERR_OK;
    int rc = db_query(db, c->a, &rows, e,
                      arena_printf(c->a, "SELECT %s FROM %s WHERE id = ?", column, table),
                      DB_ARGS(DBI(strtoll(rec->v[ref], NULL, 10))));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows == 1)
        rec->v[dst] = dbrows_get(&rows, 0, 0);
    return ERR_OK;
}

/* The referenced registry has an integer key and a field "name" (reg_copy_from reads by id). */
int reg_ref_by_name(struct db *db, struct reg_ctx *c, const struct registry *r, struct reg_rec *rec,
                    int ref, int name, int required, struct err *e)
{
    const struct reg_field *f = &r->fields[ref];
    const struct registry *to = registry_find(f->ref);
    int tn = to != NULL ? registry_field_index(to, "name") : -1;
    if (tn < 0)
        return err_set(e, ERR_INTERNAL, f->name, "%s names no record by name", r->name);
    const char *tcol = col(&to->fields[tn]);
    if (!rec->given[ref] && rec->given[name] && rec->v[name] != NULL) {
        /* by name: the live records of that name the caller may read */
        struct dbrows rows;
        int rc = db_query(
            db, c->a, &rows, e,
            arena_printf(c->a, "SELECT %s FROM %s WHERE %s = ?%s ORDER BY %s LIMIT 20", to->key,
                         to->table, tcol, (to->opts & RO_ARCHIVE) ? " AND archived_at IS NULL" : "",
                         to->key),
            DB_ARGS(DBS(rec->v[name])));
        if (rc != ERR_OK)
            return rc;
        const char *found = NULL;
        int n = 0;
        for (int i = 0; i < rows.nrows; i++) {
            struct reg_rec t;
            struct err te = {0};
            if (reg_get(db, c, to, dbrows_get(&rows, i, 0), &t, &te) == ERR_OK) {
                found = dbrows_get(&rows, i, 0);
                n++;
            }
        }
        if (n > 1 && required)
            return err_set(e, ERR_INVALID, f->name,
                           "%s中有 %d 条名为“%s”的记录，请按编号选择%s（%s）", to->label, n,
                           rec->v[name], f->label, f->name);
        rec->v[ref] = n == 1 ? found : NULL;
    }
    if (rec->v[ref] == NULL) {
        if (!required)
            return ERR_OK;
        if (rec->v[name] != NULL && !rec->given[ref])
            return err_set(e, ERR_INVALID, f->name, "%s中没有名为“%s”的记录，请选择%s（%s）",
                           to->label, rec->v[name], f->label, f->name);
        return err_set(e, ERR_INVALID, f->name, "请选择%s（%s）", f->label, f->name);
    }
    return reg_copy_from(db, c, rec, name, ref, to->table, tcol, 0, e);
}

int reg_delete(struct db *db, struct reg_ctx *c, const struct registry *r, const char *key,
               struct err *e)
{
    struct reg_rec old;
    int rc = reg_get(db, c, r, key, &old, e);
    if (rc != ERR_OK || (rc = in_scope(c, r, V_WRITE, &old, e)) != ERR_OK)
        return rc;
    if (r->may_delete != NULL && (rc = r->may_delete(db, c, r, &old, e)) != ERR_OK)
        return rc;
    if (r->opts & RO_ARCHIVE)
        rc = db_exec(db, e,
                     arena_printf(c->a,
                                  "UPDATE %s SET archived_at = ?, updated_at = ? WHERE %s = ? AND "
                                  "archived_at IS NULL",
                                  r->table, r->key),
                     DB_ARGS(DBI(time(NULL)), DBI(time(NULL)), key_dbv(r, key)));
    else
        rc = db_exec(db, e, arena_printf(c->a, "DELETE FROM %s WHERE %s = ?", r->table, r->key),
                     DB_ARGS(key_dbv(r, key)));
    if (rc == ERR_INVALID || rc == ERR_CONFLICT)
        return err_set(e, ERR_CONFLICT, r->key, "%s记录 %s 仍被其他记录引用，不能删除", r->label,
                       key);
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, r->key, "%s has no record %.40s", r->name, key);
    if (rc < 0)
        return rc;
    struct counter_facts before;
    reg_counter_facts(r, &old, &before);
    if ((rc = counters_move(db, &before, NULL, e)) != ERR_OK)
        return rc;
    return r->counted ? r->counted(db, c, r, &old, NULL, e) : ERR_OK;
}

/* ---- lists ---- */

/* The record lies under place: one of its scope fields, or a code of its scope lists. */
static void where_under(struct sqlq *q, const struct registry *r, const char *place)
{
    int n = 0;
    sqlq_add(q, "(");
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        if (!(f->flags & F_SCOPE))
            continue;
        if (n++)
            sqlq_add(q, " OR ");
        if (f->type == FT_CODES) {
            sqlq_add(q, arena_printf(q->a, "%s IN (SELECT %s FROM %s WHERE ", r->key, f->link_owner,
                                     f->link_table));
            sqlq_prefix(q, f->link_col, place);
            sqlq_add(q, ")");
        } else {
            sqlq_prefix(q, col(f), place);
        }
    }
    if (n == 0)
        sqlq_add(q, "1 = 0");
    sqlq_add(q, ")");
}

/* OR over the user's grants that carry V_READ; "1 = 0" when none reaches a record. */
static void where_scope(struct sqlq *q, const struct registry *r, const struct user *u)
{
    int n = 0;
    sqlq_add(q, "(");
    for (int i = 0; u != NULL && i < u->nroles; i++) {
        const struct role_grant *g = &u->roles[i];
        if (!(r->grants[g->role] & V_READ) || strncmp(g->scope, "dept:", 5) == 0)
            continue;
        if (authz_by_enterprise(g)) {
            /* the enterprises the user serves (authz_serves on one record) */
            if (r->enterprise_field == NULL)
                continue;
            int fi = registry_field_index(r, r->enterprise_field);
            if (n++)
                sqlq_add(q, " OR ");
            sqlq_add(q, arena_printf(q->a,
                                     "%s.%s IN (SELECT enterprise_id FROM cadre_assignments "
                                     "WHERE user_id = ?)",
                                     r->table, fi >= 0 ? col(&r->fields[fi]) : r->key));
            sqlq_param(q, DBI(u->id));
            continue;
        }
        if (g->compound != 0) {
            if (r->compound_field == NULL)
                continue;
            int fi = registry_field_index(r, r->compound_field);
            if (n++)
                sqlq_add(q, " OR ");
            sqlq_add(q, arena_printf(q->a, "%s = ?", fi >= 0 ? col(&r->fields[fi]) : r->key));
            sqlq_param(q, DBI(g->compound));
            continue;
        }
        if (n++)
            sqlq_add(q, " OR ");
        where_under(q, r, g->place);
    }
    if (n == 0)
        sqlq_add(q, "1 = 0");
    sqlq_add(q, ")");
}

static int add_filter(struct sqlq *q, struct reg_ctx *c, const struct registry *r, const char *name,
                      const char *value, struct err *e)
{
    int i = registry_field_index(r, name);
    const struct reg_field *f = i >= 0 ? &r->fields[i] : NULL;
    if (f == NULL || !(f->flags & (F_FILTER | F_PII)) || f->type == FT_CODES)
        return err_set(e, ERR_INVALID, name, "'%s' is not a filter of %s", name, r->name);
    struct reg_rec one;
    reg_rec_init(r, c->a, &one);
    one.v[i] = value;
    one.given[i] = 1;
    if (f->type == FT_TAGS) {
        if (utf8_chars(value) < 1 || utf8_chars(value) > 40)
            return err_set(e, ERR_INVALID, name, "a tag is 1 to 40 characters");
        sqlq_add(q, arena_printf(c->a, " AND %s LIKE ? ESCAPE '\\'", col(f)));
        json_t *s = json_string(value);
        char *quoted = json_dumps(s, JSON_ENCODE_ANY);
        sqlq_param(q, DBS(arena_printf(c->a, "%%%s%%", sqlq_like_escape(c->a, quoted))));
        free(quoted);
        json_decref(s);
        return ERR_OK;
    }
    if (check_value(r, c->a, i, &one, e) != ERR_OK)
        return e->code;
    if (f->flags & F_PII) {
        char *h = arena_alloc(c->a, 65);
        pii_hash(one.v[i], h);
        sqlq_add(q, arena_printf(c->a, " AND %s_hash = ?", col(f)));
        sqlq_param(q, DBS(h));
    } else {
        sqlq_add(q, arena_printf(c->a, " AND %s = ?", col(f)));
        sqlq_param(q, bind(c, f, one.v[i]));
    }
    return ERR_OK;
}

/* One of the registry's own list parameters, checked by its type. */
static int add_param(struct sqlq *q, struct reg_ctx *c, const struct reg_param *p,
                     const char *value, struct err *e)
{
    int64_t n;
    if (p->type == FT_BOOL) {
        int yes = strcmp(value, "true") == 0 || strcmp(value, "1") == 0;
        if (!yes && strcmp(value, "false") != 0 && strcmp(value, "0") != 0)
            return err_set(e, ERR_INVALID, p->name, "%s（%s）须为 true 或 false", p->label,
                           p->name);
        sqlq_add(q, arena_printf(c->a, yes ? " AND (%s)" : " AND NOT (%s)", p->sql));
        return ERR_OK;
    }
    if (int_norm(c->a, value, &n) != 0)
        return err_set(e, ERR_INVALID, p->name, "%s（%s）须为整数", p->label, p->name);
    sqlq_add(q, arena_printf(c->a, " AND (%s)", p->sql));
    sqlq_param(q, DBI(n));
    return ERR_OK;
}

int reg_list(struct db *db, struct reg_ctx *c, const struct registry *r, const struct reg_query *qy,
             struct reg_rec **out, int *n, const char **next, struct err *e)
{
    struct sqlq q;
    struct dbrows rows;
    int limit = qy->limit > 0 && qy->limit <= 1000 ? qy->limit : 100;
    int rc = ERR_OK;

    *n = 0;
    *next = NULL;
    sqlq_init(&q, c->a, db);
    sqlq_add(&q,
             arena_printf(c->a, "SELECT %s FROM %s WHERE 1 = 1", select_cols(r, c->a), r->table));
    if (r->scope == RS_PLACE && !qy->all_scope) {
        sqlq_add(&q, " AND ");
        where_scope(&q, r, c->user);
    }
    if (qy->place != NULL && r->scope == RS_PLACE) {
        sqlq_add(&q, " AND ");
        where_under(&q, r, qy->place);
    }
    if ((r->opts & RO_ARCHIVE) && !qy->archived)
        sqlq_add(&q, " AND archived_at IS NULL");
    if (qy->q != NULL && *qy->q) {
        const char *like = arena_printf(c->a, "%%%s%%", sqlq_like_escape(c->a, qy->q));
        int m = 0;
        sqlq_add(&q, " AND (");
        for (int i = 0; i < r->nfields; i++) {
            if (!(r->fields[i].flags & F_SEARCH))
                continue;
            sqlq_add(&q, arena_printf(c->a, "%s%s LIKE ? ESCAPE '\\'", m++ ? " OR " : "",
                                      col(&r->fields[i])));
            sqlq_param(&q, DBS(like));
        }
        sqlq_add(&q, m ? ")" : "1 = 0)");
    }
    for (int i = 0; i < qy->nfilters && rc == ERR_OK; i++)
        rc = add_filter(&q, c, r, qy->filter_names[i], qy->filter_values[i], e);
    for (int i = 0; r->params != NULL && r->params[i].name != NULL && rc == ERR_OK; i++) {
        if (qy->params != NULL && qy->params[i] != NULL)
            rc = add_param(&q, c, &r->params[i], qy->params[i], e);
    }
    if (rc == ERR_OK && qy->cursor != NULL) {
        if (!r->key_text && !all_digits(qy->cursor))
            rc = err_set(e, ERR_INVALID, "cursor", "not a cursor of this list");
        sqlq_add(&q, arena_printf(c->a, " AND %s > ?", r->key));
        sqlq_param(&q, key_dbv(r, qy->cursor));
    }
    sqlq_add(&q, arena_printf(c->a, " ORDER BY %s LIMIT %d", r->key, limit + 1));
    if (rc == ERR_OK)
        rc = q.overflow ? err_set(e, ERR_INVALID, NULL, "too many scopes or filters")
                        : db_query(db, c->a, &rows, e, q.sql.data, q.p, q.np);
    sqlq_free(&q);
    if (rc != ERR_OK)
        return rc;
    int m = rows.nrows > limit ? limit : rows.nrows;
    *out = arena_alloc(c->a, sizeof(struct reg_rec) * (size_t)(m ? m : 1));
    for (int i = 0; i < m; i++)
        rec_from_row(r, c, &rows, i, &(*out)[i]);
    *n = m;
    if (rows.nrows > limit)
        *next = (*out)[m - 1].key;
    return load_links(db, c, r, *out, m, e);
}

/* ---- output ---- */

const char *reg_value_text(const struct reg_ctx *c, const struct registry *r, int i,
                           const struct reg_rec *rec)
{
    const struct reg_field *f = &r->fields[i];
    const char *v = rec->v[i];
    if (v == NULL)
        return "";
    if ((f->flags & F_PII) && !c->unmask) {
        char *m = arena_alloc(c->a, 64);
        if (f->mask)
            f->mask(v, m, 64);
        else
            snprintf(m, 64, "***");
        return m;
    }
    switch (f->type) {
    case FT_BOOL:
        return strcmp(v, "1") == 0 ? "是" : "否";
    case FT_ENUM:
        for (const struct reg_option *o = f->options; o->value; o++) {
            if (strcmp(o->value, v) == 0)
                return o->label;
        }
        return v;
    case FT_MONEY:
        return arena_printf(c->a, "%lld.%02lld", (long long)(strtoll(v, NULL, 10) / 100),
                            (long long)llabs(strtoll(v, NULL, 10) % 100));
    case FT_TAGS:
    case FT_CODES: {
        json_t *list = json_loads(v, 0, NULL);
        size_t k;
        json_t *x;
        char *s = "";
        json_array_foreach(list, k, x)
        {
            s = arena_printf(c->a, "%s%s%s", s, k ? ";" : "", json_string_value(x));
        }
        json_decref(list);
        return s;
    }
    default:
        return v;
    }
}

void reg_write_json(struct jsonw *w, const struct reg_ctx *c, const struct registry *r,
                    const struct reg_rec *rec)
{
    char t[32];
    jw_obj(w);
    if (r->key_text)
        jw_kstr(w, r->key, rec->key);
    else
        jw_kint(w, r->key, rec->id);
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        const char *v = rec->v[i];
        if (strcmp(f->name, r->key) == 0)
            continue;
        jw_key(w, f->name);
        if (v == NULL) {
            if (f->type == FT_TAGS || f->type == FT_CODES)
                jw_raw(w, "[]");
            else
                jw_null(w);
            continue;
        }
        if (f->flags & F_PII) {
            jw_str(w, reg_value_text(c, r, i, rec));
            continue;
        }
        switch (f->type) {
        case FT_INT:
        case FT_REF:
        case FT_MONEY:
            jw_int(w, strtoll(v, NULL, 10));
            break;
        case FT_BOOL:
            jw_bool(w, strcmp(v, "1") == 0);
            break;
        case FT_TAGS:
        case FT_CODES:
            jw_raw(w, v[0] == '[' ? v : "[]");
            break;
        default:
            jw_str(w, v);
        }
    }
    if ((r->opts & RO_ARCHIVE) && rec->archived_at) {
        time_iso_cst((time_t)rec->archived_at, t);
        jw_kstr(w, "archived_at", t);
    }
    time_iso_cst((time_t)rec->created_at, t);
    jw_kstr(w, "created_at", t);
    time_iso_cst((time_t)rec->updated_at, t);
    jw_kstr(w, "updated_at", t);
    jw_end_obj(w);
}

void reg_write_schema(struct jsonw *w, const struct registry *r, unsigned verbs)
{
    jw_obj(w);
    jw_kstr(w, "name", r->name);
    jw_kstr(w, "label", r->label);
    jw_kstr(w, "label_en", r->label_en);
    jw_kstr(w, "key", r->key);
    jw_kstr(w, "scope", r->scope == RS_PLACE ? "place" : "district");
    jw_key(w, "archive");
    jw_bool(w, (r->opts & RO_ARCHIVE) != 0);
    jw_key(w, "verbs");
    jw_arr(w);
#define X(v, name)                                                                                 \
    if (verbs & (v))                                                                               \
        jw_str(w, name);
    REG_VERB_MAP(X)
#undef X
    jw_end_arr(w);
    jw_key(w, "fields");
    jw_arr(w);
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        jw_obj(w);
        jw_kstr(w, "name", f->name);
        jw_kstr(w, "label", f->label);
        jw_kstr(w, "label_en", f->label_en);
        jw_kstr(w, "type", type_name(f->type));
        jw_key(w, "required");
        jw_bool(w, (f->flags & F_REQ) != 0);
        jw_key(w, "unique");
        jw_bool(w, (f->flags & F_UNIQUE) != 0);
        jw_key(w, "personal");
        jw_bool(w, (f->flags & F_PII) != 0);
        jw_key(w, "readonly");
        jw_bool(w, (f->flags & F_READONLY) != 0);
        jw_key(w, "immutable");
        jw_bool(w, (f->flags & F_IMMUTABLE) != 0);
        jw_key(w, "list");
        jw_bool(w, (f->flags & F_LIST) != 0);
        jw_key(w, "scope");
        jw_bool(w, (f->flags & F_SCOPE) != 0);
        jw_key(w, "filter");
        jw_bool(w, (f->flags & (F_FILTER | F_PII)) != 0);
        jw_key(w, "csv");
        jw_bool(w, !(f->flags & F_NOCSV));
        if (f->type == FT_TEXT || f->type == FT_TAGS)
            jw_kint(w, "max", f->max);
        if ((f->type == FT_INT || f->type == FT_MONEY) && f->max > f->min) {
            jw_kint(w, "min", f->min);
            jw_kint(w, "max", f->max);
        }
        jw_kstr(w, "ref", f->ref);
        jw_key(w, "options");
        if (f->options == NULL) {
            jw_null(w);
        } else {
            jw_arr(w);
            for (const struct reg_option *o = f->options; o->value; o++) {
                jw_obj(w);
                jw_kstr(w, "value", o->value);
                jw_kstr(w, "label", o->label);
                jw_end_obj(w);
            }
            jw_end_arr(w);
        }
        jw_end_obj(w);
    }
    jw_end_arr(w);
    if (r->params != NULL) {
        jw_key(w, "params");
        jw_arr(w);
        for (const struct reg_param *p = r->params; p->name != NULL; p++) {
            jw_obj(w);
            jw_kstr(w, "name", p->name);
            jw_kstr(w, "label", p->label);
            jw_kstr(w, "label_en", p->label_en);
            jw_kstr(w, "type", type_name(p->type));
            jw_end_obj(w);
        }
        jw_end_arr(w);
    }
    jw_end_obj(w);
}

int reg_audit_unmasked(struct db *db, const struct reg_ctx *c, const struct registry *r,
                       const struct reg_rec *recs, int n, const char *action, struct err *e)
{
    int64_t now = time(NULL);
    json_t *d = json_pack("{s:s}", "purpose", c->purpose ? c->purpose : "");
    char *detail = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    int rc = 0;
    for (int i = 0; i < n && rc >= 0; i++)
        rc = db_exec(db, e,
                     "INSERT INTO audit_log (at, user_id, action, object, detail) VALUES (?, ?, ?, "
                     "?, ?)",
                     DB_ARGS(DBI(now), c->user_id ? DBI(c->user_id) : DBNULL, DBS(action),
                             DBS(arena_printf(c->a, "%s:%s", r->name, recs[i].key)), DBS(detail)));
    free(detail);
    return rc < 0 ? rc : ERR_OK;
}

void reg_write_public(struct jsonw *w, const struct registry *r, const struct reg_rec *rec)
{
    jw_obj(w);
    if (r->key_text)
        jw_kstr(w, r->key, rec->key);
    else
        jw_kint(w, r->key, rec->id);
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        if (!(f->flags & F_PUBLIC) || (f->flags & F_PII) || strcmp(f->name, r->key) == 0)
            continue;
        jw_key(w, f->name);
        if (rec->v[i] == NULL)
            jw_null(w);
        else if (f->type == FT_TAGS || f->type == FT_CODES)
            jw_raw(w, rec->v[i][0] == '[' ? rec->v[i] : "[]");
        else
            jw_str(w, rec->v[i]);
    }
    jw_end_obj(w);
}

int reg_access_log(struct db *db, struct arena *a, const char *object, int limit, struct jsonw *w,
                   struct err *e)
{
    struct dbrows rows;
    char t[32];
    int rc;
    if (object != NULL)
        rc = db_query(db, a, &rows, e,
                      "SELECT l.at, u.username, l.action, l.object, l.detail FROM audit_log l "
                      "LEFT JOIN users u ON u.id = l.user_id WHERE l.action LIKE 'pii.%' AND "
                      "l.object = ? ORDER BY l.id DESC LIMIT ?",
                      DB_ARGS(DBS(object), DBI(limit)));
    else
        rc = db_query(db, a, &rows, e,
                      "SELECT l.at, u.username, l.action, l.object, l.detail FROM audit_log l "
                      "LEFT JOIN users u ON u.id = l.user_id WHERE l.action LIKE 'pii.%' ORDER "
                      "BY l.id DESC LIMIT ?",
                      DB_ARGS(DBI(limit)));
    if (rc != ERR_OK)
        return rc;
    jw_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    for (int i = 0; i < rows.nrows; i++) {
        const char *detail = dbrows_get(&rows, i, 4);
        jw_obj(w);
        time_iso_cst((time_t)dbrows_int(&rows, i, 0), t);
        jw_kstr(w, "at", t);
        jw_kstr(w, "user", dbrows_get(&rows, i, 1));
        jw_kstr(w, "action", dbrows_get(&rows, i, 2));
        jw_kstr(w, "object", dbrows_get(&rows, i, 3));
        jw_key(w, "detail");
        if (detail != NULL && detail[0] == '{')
            jw_raw(w, detail); /* written by us as JSON */
        else
            jw_str(w, detail);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}
