/* counters.c - counters kept with every write, rolled up the place tree (counters.h). Writes are
 * multi-row upserts (SQLite 3.24+ and PostgreSQL share ON CONFLICT ... DO UPDATE), at most one
 * statement per table and sixteen rows, so a case's step costs one or two statements. */
#include "domain/counters.h"
#include "core/log.h"
#include "domain/place.h"
#include "store/sqlq.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CST_OFFSET 28800 /* Asia/Shanghai, UTC+8, no daylight saving */

void counter_facts_init(struct counter_facts *f, const char *place, int64_t at)
{
    f->place = place;
    f->at = at;
    f->n = 0;
}

void counter_fact_add(struct counter_facts *f, int64_t value, int daily, const char *fmt, ...)
{
    if (f->n >= COUNTER_FACTS_MAX || value == 0)
        return;
    struct counter_fact *m = &f->m[f->n++];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->metric, sizeof(m->metric), fmt, ap);
    va_end(ap);
    m->value = value;
    m->daily = daily;
}

static void local_tm(int64_t at, struct tm *tm)
{
    time_t t = (time_t)(at + CST_OFFSET);
    gmtime_r(&t, tm);
}

void counter_month(int64_t at, char out[8])
{
    struct tm tm;
    local_tm(at, &tm);
    snprintf(out, 8, "%04u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u);
}

void counter_day(int64_t at, char out[11])
{
    struct tm tm;
    local_tm(at, &tm);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

static int is_pg(struct db *db)
{
    return strcmp(db_backend(db), "postgres") == 0;
}

static const char *period_sql(struct db *db, const char *col, const char *pg_fmt,
                              const char *sqlite_fmt)
{
    static __thread char buf[2][160];
    static __thread int next;
    char *out = buf[next++ & 1];
    if (is_pg(db))
        snprintf(out, sizeof(buf[0]), "to_char(to_timestamp(%s + %d) AT TIME ZONE 'UTC', '%s')",
                 col, CST_OFFSET, pg_fmt);
    else
        snprintf(out, sizeof(buf[0]), "strftime('%s', %s + %d, 'unixepoch')", sqlite_fmt, col,
                 CST_OFFSET);
    return out;
}

const char *counter_month_sql(struct db *db, const char *col)
{
    return period_sql(db, col, "YYYY-MM", "%Y-%m");
}

const char *counter_day_sql(struct db *db, const char *col)
{
    return period_sql(db, col, "YYYY-MM-DD", "%Y-%m-%d");
}

/* ---- writing ---- */

/* One row to add to: table 0 months, 1 days. */
struct row {
    int table;
    char place[24];
    char period[11];
    const char *metric;
    int64_t delta;
};

#define MAX_ROWS (2 * COUNTER_FACTS_MAX * 2 * 5)

static void expand(const struct counter_facts *f, int sign, struct row *rows, int *n)
{
    if (f == NULL || f->place == NULL)
        return;
    enum place_level lv = place_level_of(f->place);
    if (lv == PL_NONE)
        return;
    char month[8], day[11];
    counter_month(f->at, month);
    counter_day(f->at, day);
    for (int i = 0; i < f->n; i++) {
        for (int t = 0; t <= f->m[i].daily; t++) {
            for (int l = PL_DISTRICT; l <= (int)lv; l++) {
                size_t len = place_code_len((enum place_level)l);
                struct row *r = NULL;
                /* the same row again (the old and new place share ancestors): add to it */
                for (int k = 0; k < *n; k++) {
                    if (rows[k].table == t && strncmp(rows[k].place, f->place, len) == 0 &&
                        rows[k].place[len] == '\0' &&
                        strcmp(rows[k].period, t ? day : month) == 0 &&
                        strcmp(rows[k].metric, f->m[i].metric) == 0) {
                        r = &rows[k];
                        break;
                    }
                }
                if (r == NULL) {
                    if (*n >= MAX_ROWS)
                        return;
                    r = &rows[(*n)++];
                    r->table = t;
                    snprintf(r->place, sizeof(r->place), "%.*s", (int)len, f->place);
                    snprintf(r->period, sizeof(r->period), "%s", t ? day : month);
                    r->metric = f->m[i].metric;
                    r->delta = 0;
                }
                r->delta += sign * f->m[i].value;
            }
        }
    }
}

static const char *const table_name[2] = {"counters_month", "counters_day"};

/* Upsert up to 16 rows of one table in one statement. */
static int upsert(struct db *db, struct arena *a, int table, const struct row *const *rows, int n,
                  struct err *e)
{
    struct sqlq q;
    sqlq_init(&q, a, db);
    sqlq_add(&q, "INSERT INTO ");
    sqlq_add(&q, table_name[table]);
    sqlq_add(&q, " (place_code, period, metric, value) VALUES ");
    for (int i = 0; i < n; i++) {
        sqlq_add(&q, i ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)");
        sqlq_param(&q, DBS(rows[i]->place));
        sqlq_param(&q, DBS(rows[i]->period));
        sqlq_param(&q, DBS(rows[i]->metric));
        sqlq_param(&q, DBI(rows[i]->delta));
    }
    sqlq_add(&q, " ON CONFLICT (place_code, period, metric) DO UPDATE SET value = ");
    sqlq_add(&q, table_name[table]);
    sqlq_add(&q, ".value + excluded.value");
    int rc = q.overflow ? err_set(e, ERR_INTERNAL, NULL, "counter statement too long")
                        : db_exec(db, e, q.sql.data, q.p, q.np);
    sqlq_free(&q);
    return rc < 0 ? rc : ERR_OK;
}

int counters_move(struct db *db, const struct counter_facts *old, const struct counter_facts *now,
                  struct err *e)
{
    static __thread struct row rows[MAX_ROWS];
    int n = 0;
    expand(old, -1, rows, &n);
    expand(now, +1, rows, &n);
    struct arena a;
    arena_init(&a, 0);
    int rc = ERR_OK;
    for (int t = 0; t < 2 && rc == ERR_OK; t++) {
        const struct row *batch[16];
        int nb = 0;
        for (int i = 0; i < n && rc == ERR_OK; i++) {
            if (rows[i].table != t || rows[i].delta == 0)
                continue;
            batch[nb++] = &rows[i];
            if (nb == 16) {
                rc = upsert(db, &a, t, batch, nb, e);
                nb = 0;
            }
        }
        if (nb && rc == ERR_OK)
            rc = upsert(db, &a, t, batch, nb, e);
    }
    arena_free(&a);
    return rc;
}

/* ---- reading ---- */

/* [prefix, prefix with its last byte + 1): the metrics that start with prefix, as a range */
static const char *prefix_end(struct arena *a, const char *prefix)
{
    size_t n = strlen(prefix);
    char *s = arena_strdup(a, prefix);
    if (n > 0)
        s[n - 1]++;
    else
        s = arena_strdup(a, "\x7f");
    return s;
}

#define RANGE_SQL "metric >= ? AND metric < ? AND period >= ? AND period < ?"
#define RANGE_ARGS(a, prefix, from, to)                                                            \
    DBS(prefix), DBS(prefix_end(a, prefix)), DBS(from ? from : "0000"), DBS(to ? to : "9999")

int counters_sum_months(struct db *db, struct arena *a, const char *place, const char *prefix,
                        const char *from, const char *to, struct dbrows *out, struct err *e)
{
    return db_query(db, a, out, e,
                    "SELECT metric, sum(value) FROM counters_month WHERE place_code = ? "
                    "AND " RANGE_SQL " GROUP BY metric ORDER BY metric",
                    DB_ARGS(DBS(place), RANGE_ARGS(a, prefix, from, to)));
}

int counters_sum_children(struct db *db, struct arena *a, const char *place, const char *prefix,
                          const char *from, const char *to, struct dbrows *out, struct err *e)
{
    return db_query(db, a, out, e,
                    "SELECT c.place_code, c.metric, sum(c.value) FROM places p JOIN "
                    "counters_month c ON c.place_code = p.code WHERE p.parent_code = ? AND "
                    "c.metric >= ? AND c.metric < ? AND c.period >= ? AND c.period < ? "
                    "GROUP BY c.place_code, c.metric ORDER BY c.place_code, c.metric",
                    DB_ARGS(DBS(place), RANGE_ARGS(a, prefix, from, to)));
}

int counters_by_month(struct db *db, struct arena *a, const char *place, const char *prefix,
                      const char *from, const char *to, struct dbrows *out, struct err *e)
{
    return db_query(db, a, out, e,
                    "SELECT period, metric, value FROM counters_month WHERE place_code = ? "
                    "AND " RANGE_SQL " ORDER BY period, metric",
                    DB_ARGS(DBS(place), RANGE_ARGS(a, prefix, from, to)));
}

int counters_by_day(struct db *db, struct arena *a, const char *place, const char *metric,
                    const char *from, const char *to, struct dbrows *out, struct err *e)
{
    return db_query(
        db, a, out, e,
        "SELECT period, value FROM counters_day WHERE place_code = ? AND metric = ? "
        "AND period >= ? AND period < ? AND value <> 0 ORDER BY period",
        DB_ARGS(DBS(place), DBS(metric), DBS(from ? from : "0000"), DBS(to ? to : "9999")));
}

/* ---- recomputing ---- */

/* An open-addressing map from "table|place|period|metric" to a value. */
struct slot {
    char *key;
    uint64_t hash;
    int64_t value;
};

/* Records add their facts at their own place only; counters_replace and counters_compare roll
 * the sums up to every ancestor once (rolled), which is far cheaper than expanding each record. */
struct counter_acc {
    struct slot *slots;
    size_t cap, used;
    int rolled;
    int64_t last_at; /* the periods of the last instant seen */
    char month[8], day[11];
};

struct counter_acc *counter_acc_new(void)
{
    struct counter_acc *acc = calloc(1, sizeof(*acc));
    if (acc == NULL)
        return NULL;
    acc->cap = 1024;
    acc->slots = calloc(acc->cap, sizeof(struct slot));
    if (acc->slots == NULL) {
        free(acc);
        return NULL;
    }
    return acc;
}

void counter_acc_free(struct counter_acc *acc)
{
    if (acc == NULL)
        return;
    for (size_t i = 0; i < acc->cap; i++)
        free(acc->slots[i].key);
    free(acc->slots);
    free(acc);
}

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a, then MurmurHash3's finaliser */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

/* Linear probing at most half full; the hash is kept to skip most key comparisons. */
static struct slot *acc_slot(struct counter_acc *acc, const char *key, int create)
{
    if (create && (acc->used + 1) * 2 > acc->cap) {
        size_t cap = acc->cap * 2;
        struct slot *s = xcalloc(cap, sizeof(*s));
        for (size_t i = 0; i < acc->cap; i++) {
            if (acc->slots[i].key == NULL)
                continue;
            size_t j = acc->slots[i].hash & (cap - 1);
            while (s[j].key != NULL)
                j = (j + 1) & (cap - 1);
            s[j] = acc->slots[i];
        }
        free(acc->slots);
        acc->slots = s;
        acc->cap = cap;
    }
    uint64_t h = hash_key(key);
    size_t j = h & (acc->cap - 1);
    while (acc->slots[j].key != NULL) {
        if (acc->slots[j].hash == h && strcmp(acc->slots[j].key, key) == 0)
            return &acc->slots[j];
        j = (j + 1) & (acc->cap - 1);
    }
    if (!create)
        return NULL;
    acc->slots[j].key = xstrdup(key);
    acc->slots[j].hash = h;
    acc->slots[j].value = 0;
    acc->used++;
    return &acc->slots[j];
}

#define KEY_MAX (24 + 11 + COUNTER_METRIC_MAX + 8)

static int acc_put(struct counter_acc *acc, int table, const char *place, const char *period,
                   const char *metric, int64_t value)
{
    char key[KEY_MAX];
    size_t np = strnlen(place, 23), nd = strnlen(period, 10),
           nm = strnlen(metric, COUNTER_METRIC_MAX - 1);
    key[0] = (char)('0' + table);
    key[1] = '|';
    memcpy(key + 2, place, np);
    key[2 + np] = '|';
    memcpy(key + 3 + np, period, nd);
    key[3 + np + nd] = '|';
    memcpy(key + 4 + np + nd, metric, nm);
    key[4 + np + nd + nm] = '\0';
    struct slot *s = acc_slot(acc, key, 1);
    if (s == NULL)
        return -1;
    s->value += value;
    return 0;
}

int counter_acc_add(struct counter_acc *acc, const struct counter_facts *f, int64_t weight)
{
    if (f->place == NULL || place_level_of(f->place) == PL_NONE)
        return 0;
    if (f->at != acc->last_at || acc->month[0] == '\0') {
        counter_month(f->at, acc->month);
        counter_day(f->at, acc->day);
        acc->last_at = f->at;
    }
    /* before the roll-up, at the record's place only; after it, at every level */
    enum place_level lv = place_level_of(f->place);
    for (int l = acc->rolled ? PL_DISTRICT : (int)lv; l <= (int)lv; l++) {
        char up[24];
        snprintf(up, sizeof(up), "%.*s", (int)place_code_len((enum place_level)l), f->place);
        for (int i = 0; i < f->n; i++) {
            int64_t v = f->m[i].value * weight;
            if (acc_put(acc, 0, up, acc->month, f->m[i].metric, v) != 0 ||
                (f->m[i].daily && acc_put(acc, 1, up, acc->day, f->m[i].metric, v) != 0))
                return -1;
        }
    }
    return 0;
}

/* Split "t|place|period|metric" in place. */
static void split_key(char *key, int *table, char **place, char **period, char **metric)
{
    *table = key[0] - '0';
    *place = key + 2;
    *period = strchr(*place, '|');
    **period = '\0';
    (*period)++;
    *metric = strchr(*period, '|');
    **metric = '\0';
    (*metric)++;
}

static int in_range(const char *metric, const char *period, const char *prefix,
                    const char *from_month)
{
    return strncmp(metric, prefix, strlen(prefix)) == 0 &&
           (from_month == NULL || strcmp(period, from_month) >= 0);
}

/* Add every place's sums to each of its ancestors, once. */
static int acc_rollup(struct counter_acc *acc)
{
    if (acc->rolled)
        return 0;
    acc->rolled = 1;
    size_t n = 0, cap = acc->used;
    char **keys = xcalloc(cap ? cap : 1, sizeof(*keys));
    int64_t *vals = xcalloc(cap ? cap : 1, sizeof(*vals));
    for (size_t i = 0; i < acc->cap && n < cap; i++) {
        if (acc->slots[i].key != NULL && acc->slots[i].value != 0) {
            keys[n] = xstrdup(acc->slots[i].key);
            vals[n++] = acc->slots[i].value;
        }
    }
    int rc = 0;
    for (size_t k = 0; k < n; k++) {
        char *place, *period, *metric;
        int table;
        split_key(keys[k], &table, &place, &period, &metric);
        enum place_level lv = place_level_of(place);
        for (int l = PL_DISTRICT; rc == 0 && lv != PL_NONE && l < (int)lv; l++) {
            char up[24];
            snprintf(up, sizeof(up), "%.*s", (int)place_code_len((enum place_level)l), place);
            rc = acc_put(acc, table, up, period, metric, vals[k]);
        }
        free(keys[k]);
    }
    free(keys);
    free(vals);
    return rc;
}

/* A difference between kept and recomputed: the key ("t|place|period|metric") and what to add
 * to the kept value. */
struct delta {
    const char *key;
    int64_t add;
};

static int delta_cmp(const void *x, const void *y)
{
    return strcmp(((const struct delta *)x)->key, ((const struct delta *)y)->key);
}

/* The rows where the kept counters (metric starting with prefix, months >= from_month) differ
 * from acc's, in key order (the primary keys' order: writing them is a sequential walk). */
static int diff(struct db *db, struct arena *a, struct counter_acc *acc, const char *prefix,
                const char *from_month, int verbose, struct delta **out, size_t *nout,
                struct err *e)
{
    struct counter_acc *stored = counter_acc_new();
    *out = NULL;
    *nout = 0;
    if (stored == NULL || acc_rollup(acc) != 0) {
        counter_acc_free(stored);
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    stored->rolled = 1; /* read back as kept: every level is there already */
    int rc = ERR_OK;
    for (int t = 0; t < 2 && rc == ERR_OK; t++) {
        struct dbrows r;
        char *sql = arena_printf(a,
                                 "SELECT place_code, period, metric, value FROM %s WHERE metric "
                                 ">= ? AND metric < ? AND period >= ? AND value <> 0",
                                 table_name[t]);
        rc = db_query(db, a, &r, e, sql,
                      DB_ARGS(DBS(prefix), DBS(prefix_end(a, prefix)),
                              DBS(from_month ? from_month : "0000")));
        for (int i = 0; rc == ERR_OK && i < r.nrows; i++) {
            if (acc_put(stored, t, dbrows_get(&r, i, 0), dbrows_get(&r, i, 1), dbrows_get(&r, i, 2),
                        dbrows_int(&r, i, 3)) != 0)
                rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
        }
    }
    size_t cap = 0;
    /* recomputed values that differ from the kept ones, then kept values with no recomputed one */
    for (int side = 0; side < 2 && rc == ERR_OK; side++) {
        struct counter_acc *x = side ? stored : acc, *y = side ? acc : stored;
        for (size_t i = 0; i < x->cap; i++) {
            struct slot *sl = &x->slots[i];
            if (sl->key == NULL || sl->value == 0)
                continue;
            char key[KEY_MAX], *place, *period, *metric;
            int table;
            snprintf(key, sizeof(key), "%s", sl->key);
            split_key(key, &table, &place, &period, &metric);
            if (!in_range(metric, period, prefix, from_month))
                continue;
            struct slot *o = acc_slot(y, sl->key, 0);
            int64_t other = o ? o->value : 0;
            if (other == sl->value || (side == 1 && other != 0))
                continue; /* equal, or a difference already found from the first side */
            int64_t kept = side ? sl->value : other, recomputed = side ? other : sl->value;
            if (verbose && *nout < 10)
                log_warn("counter %s %s %s %s: kept %lld, recomputed %lld", table_name[table],
                         place, period, metric, (long long)kept, (long long)recomputed);
            if (*nout == cap) {
                cap = cap ? cap * 2 : 256;
                *out = xrealloc(*out, cap * sizeof(**out));
            }
            (*out)[(*nout)++] = (struct delta){arena_strdup(a, sl->key), recomputed - kept};
        }
    }
    counter_acc_free(stored);
    if (rc == ERR_OK && *nout > 1)
        qsort(*out, *nout, sizeof(**out), delta_cmp);
    return rc;
}

int counters_replace(struct db *db, struct arena *a, struct counter_acc *acc, const char *prefix,
                     const char *from_month, int64_t *nchanged, struct err *e)
{
    struct delta *d;
    size_t n;
    int rc = diff(db, a, acc, prefix, from_month, 0, &d, &n, e);
    *nchanged = (int64_t)n;
    struct arena b;
    arena_init(&b, 0);
    /* sixteen rows a statement, in key order, per table */
    for (int t = 0; t < 2 && rc == ERR_OK; t++) {
        struct row batch[16];
        const struct row *bp[16];
        int nb = 0;
        for (size_t i = 0; i < n && rc == ERR_OK; i++) {
            char key[KEY_MAX], *place, *period, *metric;
            int table;
            if (d[i].key[0] - '0' != t)
                continue;
            snprintf(key, sizeof(key), "%s", d[i].key);
            split_key(key, &table, &place, &period, &metric);
            struct row *r = &batch[nb];
            r->table = t;
            snprintf(r->place, sizeof(r->place), "%.23s", place);
            snprintf(r->period, sizeof(r->period), "%.10s", period);
            r->metric = arena_strdup(&b, metric);
            r->delta = d[i].add;
            bp[nb] = r;
            if (++nb == 16) {
                rc = upsert(db, &b, t, bp, nb, e);
                nb = 0;
                arena_reset(&b);
            }
        }
        if (nb && rc == ERR_OK)
            rc = upsert(db, &b, t, bp, nb, e);
    }
    arena_free(&b);
    free(d);
    return rc;
}

int counters_compare(struct db *db, struct arena *a, struct counter_acc *acc, const char *prefix,
                     const char *from_month, int64_t *ndiff, struct err *e)
{
    struct delta *d;
    size_t n;
    int rc = diff(db, a, acc, prefix, from_month, 1, &d, &n, e);
    *ndiff = (int64_t)n;
    free(d);
    return rc;
}
