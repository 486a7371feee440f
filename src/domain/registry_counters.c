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

/* The facts of one set of counted values, made once (the values' text is the key). */
struct memo_ent {
    char *key;
    struct counter_tmpl t;
};

struct recount {
    const struct registry *r;
    struct counter_acc *acc;
    struct reg_rec rec;
    int pf, df, idx[32], n; /* the place field, the dating field, the fields read */
    int dcol;               /* the dating field's column in a row, -1 none */
    struct memo_ent *memo;  /* open addressing, cap a power of two */
    size_t nmemo, cap;
};

static uint64_t memo_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static void memo_grow(struct recount *c)
{
    size_t cap = c->cap ? c->cap * 2 : 64;
    struct memo_ent *m = xcalloc(cap, sizeof(*m));
    for (size_t i = 0; i < c->cap; i++) {
        if (c->memo[i].key == NULL)
            continue;
        size_t j = memo_hash(c->memo[i].key, strlen(c->memo[i].key)) & (cap - 1);
        while (m[j].key != NULL)
            j = (j + 1) & (cap - 1);
        m[j] = c->memo[i];
    }
    free(c->memo);
    c->memo = m;
    c->cap = cap;
}

/* One record: its place's id (records come roughly in place order), the template of its counted
 * values (made through reg_counter_facts the first time they are seen), added at its date. */
static int recount_rec(const struct dbrow *row, void *ctx, struct err *e)
{
    struct recount *c = ctx;
    size_t plen;
    const char *place = dbrow_text(row, 0, &plen);
    if (place == NULL)
        return ERR_OK;
    int32_t pid = counter_acc_place(c->acc, place, plen);
    if (pid < 0)
        return ERR_OK; /* not a place code: counted nowhere, as counters_move does */
    /* the key: each counted value as it counts (a text only as set or empty), NULL apart from
     * ""; the dating field is not part of it */
    char key[1024];
    size_t klen = 0;
    int memo = 1; /* values too long for the key: their facts are made for this record alone */
    for (int k = 0; k < c->n && memo; k++) {
        const struct reg_field *fl = &c->r->fields[c->idx[k]];
        size_t vl;
        const char *v = dbrow_text(row, 1 + k, &vl);
        if (!(fl->flags & F_COUNT))
            continue;
        if (fl->type == FT_TEXT)
            v = v && *v ? "s" : "", vl = strlen(v);
        if (klen + vl + 2 >= sizeof(key)) {
            memo = 0;
            break;
        }
        key[klen++] = v ? '\x1f' : '\x1e';
        if (v) {
            memcpy(key + klen, v, vl);
            klen += vl;
        }
    }
    key[klen] = '\0';
    struct memo_ent one = {0}, *m = &one;
    if (memo) {
        if (2 * (c->nmemo + 1) > c->cap)
            memo_grow(c);
        size_t j = memo_hash(key, klen) & (c->cap - 1);
        while (c->memo[j].key != NULL && strcmp(c->memo[j].key, key) != 0)
            j = (j + 1) & (c->cap - 1);
        m = &c->memo[j];
    }
    c->rec.created_at = dbrow_int(row, 1 + c->n);
    if (m->key == NULL) {
        struct counter_facts f;
        c->rec.v[c->pf] = place;
        for (int k = 0; k < c->n; k++)
            c->rec.v[c->idx[k]] = dbrow_text(row, 1 + k, NULL);
        reg_counter_facts(c->r, &c->rec, &f);
        if (counter_acc_tmpl(c->acc, &f, &m->t) != 0)
            return err_set(e, ERR_INTERNAL, NULL, "too many counter metrics");
        if (memo) {
            m->key = xstrdup(key);
            c->nmemo++;
        }
    }
    /* the date that counts: the dating field's month, else the creation */
    int64_t at = c->rec.created_at;
    if (c->dcol >= 0)
        at = month_start(dbrow_text(row, c->dcol, NULL), at);
    if (counter_acc_add_tmpl(c->acc, &m->t, pid, at, 1) != 0)
        return err_set(e, ERR_INTERNAL, NULL, "%s record dated out of range", c->r->name);
    return ERR_OK;
}

/* One registry: every record not archived, streamed in table order (no GROUP BY: sorting 1.25M
 * patrols by grid and day took 4 s at 10M cases), from the month of from on (by the dating
 * field's index; for all of them no condition, or SQLite walks that index and fetches every
 * row through it: 5 s for those patrols against 0.5 s in table order). */
static int recount_one(struct db *db, struct arena *a, const struct registry *r, int64_t from,
                       struct counter_acc *acc, struct err *e)
{
    struct recount c = {.r = r, .acc = acc, .pf = place_field(r), .dcol = -1};
    if (c.pf < 0)
        return ERR_OK;
    c.df = r->dated_by ? registry_field_index(r, r->dated_by) : -1;
    char *cols = arena_printf(a, "%s", column(&r->fields[c.pf]));
    for (int i = 0; i < r->nfields && c.n < 32; i++) {
        if (((r->fields[i].flags & F_COUNT) || i == c.df) && r->fields[i].expr == NULL) {
            if (i == c.df)
                c.dcol = 1 + c.n;
            c.idx[c.n++] = i;
            cols = arena_printf(a, "%s, %s", cols, column(&r->fields[i]));
        }
    }
    /* dated by a field: its month, from the month of from on ("2026-11" <= "2026-11-05") */
    char from_month[8];
    counter_month(from, from_month);
    char *sql = arena_printf(a, "SELECT %s, created_at FROM %s WHERE %s >= ?%s", cols, r->table,
                             c.df >= 0 ? column(&r->fields[c.df]) : "created_at",
                             (r->opts & RO_ARCHIVE) ? " AND archived_at IS NULL" : "");
    reg_rec_init(r, a, &c.rec);
    int rc;
    if (from == 0)
        rc = db_each(db, e,
                     arena_printf(a, "SELECT %s, created_at FROM %s%s", cols, r->table,
                                  (r->opts & RO_ARCHIVE) ? " WHERE archived_at IS NULL" : ""),
                     DB_NOARGS, recount_rec, &c);
    else if (c.df >= 0)
        rc = db_each(db, e, sql, DB_ARGS(DBS(from_month)), recount_rec, &c);
    else
        rc = db_each(db, e, sql, DB_ARGS(DBI(from)), recount_rec, &c);
    for (size_t i = 0; i < c.cap; i++)
        free(c.memo[i].key);
    free(c.memo);
    return rc;
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
