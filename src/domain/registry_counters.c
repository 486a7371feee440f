/* registry_counters.c - what a registry's records count for (counters.h): every write of the
 * engine (create, update, archive or delete) takes back the facts the record had and adds those
 * it has, in the same transaction; `gridgov index rebuild` recomputes them from the tables
 * through the same function. Registries declare what they count with F_COUNT on a field. */
#include "core/util.h"
#include "domain/counters.h"
#include "domain/registry.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int place_field(const struct registry *r)
{
    for (int i = 0; i < r->nfields; i++)
        if ((r->fields[i].flags & F_SCOPE) && r->fields[i].type == FT_PLACE)
            return i;
    return -1;
}

/* The first instant (UTC) of the month a "YYYY-MM" or "YYYY-MM-DD" value names, in Asia/Shanghai;
 * fallback when it names none. */
static int64_t month_start(const char *v, int64_t fallback)
{
    if (v == NULL || strlen(v) < 7 || v[4] != '-')
        return fallback;
    int y = atoi(v), m = atoi(v + 5);
    if (y < 1970 || m < 1 || m > 12)
        return fallback;
    return days_from_civil(y, (unsigned)m, 1) * 86400 - 28800;
}

void reg_counter_facts(const struct registry *r, const struct reg_rec *rec, struct counter_facts *f)
{
    int pf = place_field(r), df = r->dated_by ? registry_field_index(r, r->dated_by) : -1;
    counter_facts_init(f, NULL,
                       df >= 0 ? month_start(rec->v[df], rec->created_at) : rec->created_at);
    if (pf < 0 || rec->v[pf] == NULL || rec->archived_at != 0)
        return;
    f->place = rec->v[pf];
    counter_fact_add(f, 1, 0, "reg.%s", r->name);
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *fl = &r->fields[i];
        const char *v = rec->v[i];
        if (!(fl->flags & F_COUNT))
            continue;
        if (fl->type == FT_TAGS) {
            json_t *tags = v ? json_loads(v, 0, NULL) : NULL;
            size_t k;
            json_t *t;
            json_array_foreach(tags, k, t)
            {
                if (json_is_string(t))
                    counter_fact_add(f, 1, 0, "reg.%s.%s.%s", r->name, fl->name,
                                     json_string_value(t));
            }
            json_decref(tags);
        } else if (fl->type == FT_TEXT) {
            counter_fact_add(f, 1, 0, "reg.%s.%s.%s", r->name, fl->name, v && *v ? "set" : "empty");
        } else if (v != NULL) {
            counter_fact_add(f, 1, 0, "reg.%s.%s.%s", r->name, fl->name, v);
        }
    }
}

int reg_counters_changed(struct db *db, struct reg_ctx *c, const struct registry *r,
                         const struct reg_rec *before, const char *key, struct err *e)
{
    struct reg_rec now;
    struct counter_facts fb, fa;
    int rc = reg_get(db, c, r, key, &now, e);
    if (rc != ERR_OK)
        return rc;
    if (before != NULL)
        reg_counter_facts(r, before, &fb);
    reg_counter_facts(r, &now, &fa);
    if ((rc = counters_move(db, before ? &fb : NULL, &fa, e)) != ERR_OK)
        return rc;
    return r->counted ? r->counted(db, c, r, before, now.archived_at ? NULL : &now, e) : ERR_OK;
}

static const char *column(const struct reg_field *f)
{
    return f->column ? f->column : f->name;
}

/* One registry: its records grouped by place, month of creation and counted values. */
static int recount_one(struct db *db, struct arena *a, const struct registry *r, int64_t from,
                       struct counter_acc *acc, struct err *e)
{
    int pf = place_field(r);
    if (pf < 0)
        return ERR_OK;
    int idx[32], n = 0, df = r->dated_by ? registry_field_index(r, r->dated_by) : -1;
    char *cols = arena_printf(a, "%s", column(&r->fields[pf]));
    for (int i = 0; i < r->nfields && n < 32; i++) {
        if (((r->fields[i].flags & F_COUNT) || i == df) && r->fields[i].expr == NULL) {
            idx[n++] = i;
            cols = arena_printf(a, "%s, %s", cols, column(&r->fields[i]));
        }
    }
    /* dated by a field: its month, from the month of from on ("2026-11" <= "2026-11-05") */
    char from_month[8];
    counter_month(from, from_month);
    char *sql = arena_printf(
        a, "SELECT %s, min(created_at), count(*) FROM %s WHERE %s >= ?%s GROUP BY %s%s%s", cols,
        r->table, df >= 0 ? column(&r->fields[df]) : "created_at",
        (r->opts & RO_ARCHIVE) ? " AND archived_at IS NULL" : "", cols, df >= 0 ? "" : ", ",
        df >= 0 ? "" : counter_month_sql(db, "created_at"));
    struct dbrows rows;
    int rc = df >= 0 ? db_query(db, a, &rows, e, sql, DB_ARGS(DBS(from ? from_month : "")))
                     : db_query(db, a, &rows, e, sql, DB_ARGS(DBI(from)));
    if (rc != ERR_OK)
        return rc;
    struct reg_rec rec;
    reg_rec_init(r, a, &rec);
    for (int i = 0; i < rows.nrows; i++) {
        rec.v[pf] = dbrows_get(&rows, i, 0);
        for (int k = 0; k < n; k++)
            rec.v[idx[k]] = dbrows_get(&rows, i, 1 + k);
        rec.created_at = dbrows_int(&rows, i, 1 + n);
        struct counter_facts f;
        reg_counter_facts(r, &rec, &f);
        if (counter_acc_add(acc, &f, dbrows_int(&rows, i, 2 + n)) != 0)
            return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    return ERR_OK;
}

int reg_counters_recount(struct db *db, struct arena *a, struct counter_acc *acc,
                         const char *from_month, struct err *e)
{
    int64_t from = 0;
    if (from_month != NULL) /* the first instant of the month in Asia/Shanghai */
        from = days_from_civil(atoi(from_month), (unsigned)atoi(from_month + 5), 1) * 86400 - 28800;
    int rc = ERR_OK;
    for (int id = REG_NONE + 1; id < REG__COUNT && rc == ERR_OK; id++)
        rc = recount_one(db, a, registry_get(id), from, acc, e);
    return rc;
}
