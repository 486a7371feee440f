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
    int64_t value;
};

struct counter_acc {
    struct slot *slots;
    size_t cap, used;
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
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static struct slot *acc_slot(struct counter_acc *acc, const char *key, int create)
{
    if (create && (acc->used + 1) * 4 > acc->cap * 3) {
        size_t cap = acc->cap * 2;
        struct slot *s = calloc(cap, sizeof(*s));
        if (s == NULL)
            return NULL;
        for (size_t i = 0; i < acc->cap; i++) {
            if (acc->slots[i].key == NULL)
                continue;
            size_t j = hash_key(acc->slots[i].key) & (cap - 1);
            while (s[j].key != NULL)
                j = (j + 1) & (cap - 1);
            s[j] = acc->slots[i];
        }
        free(acc->slots);
        acc->slots = s;
        acc->cap = cap;
    }
    size_t j = hash_key(key) & (acc->cap - 1);
    while (acc->slots[j].key != NULL) {
        if (strcmp(acc->slots[j].key, key) == 0)
            return &acc->slots[j];
        j = (j + 1) & (acc->cap - 1);
    }
    if (!create)
        return NULL;
    if ((acc->slots[j].key = strdup(key)) == NULL)
        return NULL;
    acc->slots[j].value = 0;
    acc->used++;
    return &acc->slots[j];
}

static int acc_put(struct counter_acc *acc, int table, const char *place, const char *period,
                   const char *metric, int64_t value)
{
    char key[24 + 11 + COUNTER_METRIC_MAX + 8];
    snprintf(key, sizeof(key), "%d|%s|%s|%s", table, place, period, metric);
    struct slot *s = acc_slot(acc, key, 1);
    if (s == NULL)
        return -1;
    s->value += value;
    return 0;
}

int counter_acc_add(struct counter_acc *acc, const struct counter_facts *f, int64_t weight)
{
    static __thread struct row rows[MAX_ROWS];
    int n = 0;
    expand(f, 1, rows, &n);
    for (int i = 0; i < n; i++) {
        if (acc_put(acc, rows[i].table, rows[i].place, rows[i].period, rows[i].metric,
                    rows[i].delta * weight) != 0)
            return -1;
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

int counters_replace(struct db *db, struct counter_acc *acc, const char *prefix,
                     const char *from_month, struct err *e)
{
    struct arena a;
    arena_init(&a, 0);
    int rc = ERR_OK;
    for (int t = 0; t < 2 && rc == ERR_OK; t++) {
        char *sql = arena_printf(
            &a, "DELETE FROM %s WHERE metric >= ? AND metric < ? AND period >= ?", table_name[t]);
        int n = db_exec(db, e, sql,
                        DB_ARGS(DBS(prefix), DBS(prefix_end(&a, prefix)),
                                DBS(from_month ? from_month : "0000")));
        rc = n < 0 ? n : ERR_OK;
    }
    /* plain inserts, sixteen rows a statement */
    for (int t = 0; t < 2 && rc == ERR_OK; t++) {
        struct row batch[16];
        const struct row *bp[16];
        int nb = 0;
        for (size_t i = 0; i < acc->cap && rc == ERR_OK; i++) {
            struct slot *s = &acc->slots[i];
            if (s->key == NULL || s->value == 0 || s->key[0] - '0' != t)
                continue;
            char key[24 + 11 + COUNTER_METRIC_MAX + 8], *place, *period, *metric;
            int table;
            snprintf(key, sizeof(key), "%s", s->key);
            split_key(key, &table, &place, &period, &metric);
            if (!in_range(metric, period, prefix, from_month))
                continue;
            struct row *r = &batch[nb];
            r->table = t;
            snprintf(r->place, sizeof(r->place), "%.23s", place);
            snprintf(r->period, sizeof(r->period), "%.10s", period);
            r->metric = arena_strdup(&a, metric);
            r->delta = s->value;
            bp[nb] = r;
            if (++nb == 16) {
                rc = upsert(db, &a, t, bp, nb, e);
                nb = 0;
                arena_reset(&a);
            }
        }
        if (nb && rc == ERR_OK)
            rc = upsert(db, &a, t, bp, nb, e);
    }
    arena_free(&a);
    return rc;
}

int counters_compare(struct db *db, struct arena *a, struct counter_acc *acc, const char *prefix,
                     const char *from_month, int64_t *ndiff, struct err *e)
{
    struct counter_acc *stored = counter_acc_new();
    int rc = stored ? ERR_OK : err_set(e, ERR_INTERNAL, NULL, "out of memory");
    *ndiff = 0;
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
    /* every non-zero value of one side must be the other's */
    for (int side = 0; side < 2 && rc == ERR_OK; side++) {
        struct counter_acc *x = side ? stored : acc, *y = side ? acc : stored;
        for (size_t i = 0; i < x->cap; i++) {
            struct slot *s = &x->slots[i];
            if (s->key == NULL || s->value == 0)
                continue;
            char key[24 + 11 + COUNTER_METRIC_MAX + 8], *place, *period, *metric;
            int table;
            snprintf(key, sizeof(key), "%s", s->key);
            split_key(key, &table, &place, &period, &metric);
            if (!in_range(metric, period, prefix, from_month))
                continue;
            struct slot *o = acc_slot(y, s->key, 0);
            int64_t other = o ? o->value : 0;
            if (other == s->value || (side == 1 && other != 0))
                continue; /* equal, or a difference already counted from the first side */
            if (*ndiff < 10)
                log_warn("counter %s %s %s %s: kept %lld, recomputed %lld", table_name[table],
                         place, period, metric, (long long)(side ? s->value : other),
                         (long long)(side ? other : s->value));
            (*ndiff)++;
        }
    }
    counter_acc_free(stored);
    return rc;
}
