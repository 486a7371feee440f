/* counters.c - counters kept with every write, rolled up the place tree (counters.h). Writes are
 * multi-row upserts (SQLite 3.24+ and PostgreSQL share ON CONFLICT ... DO UPDATE), at most one
 * statement per table and sixteen rows, so a case's step costs one or two statements. */
#include "domain/counters.h"
#include "domain/counters_int.h"
#include "core/log.h"
#include "core/util.h"
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

#define MAX_ROWS (2 * COUNTER_FACTS_MAX * 2 * 5)

static void expand(const struct counter_facts *f, int sign, struct counter_row *rows, int *n)
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
                struct counter_row *r = NULL;
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

int counters_upsert(struct db *db, struct arena *a, int table,
                    const struct counter_row *const *rows, int n, struct err *e)
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

/* Add delta to up to 16 running totals (counters_total: every month of a metric at a place). */
static int totals_upsert(struct db *db, struct arena *a, const struct counter_row *const *rows,
                         int n, struct err *e)
{
    struct sqlq q;
    sqlq_init(&q, a, db);
    sqlq_add(&q, "INSERT INTO counters_total (metric, depth, place_code, value) VALUES ");
    for (int i = 0; i < n; i++) {
        sqlq_add(&q, i ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)");
        sqlq_param(&q, DBS(rows[i]->metric));
        sqlq_param(&q, DBI((int64_t)strlen(rows[i]->place)));
        sqlq_param(&q, DBS(rows[i]->place));
        sqlq_param(&q, DBI(rows[i]->delta));
    }
    sqlq_add(&q, " ON CONFLICT (metric, depth, place_code) DO UPDATE SET value = "
                 "counters_total.value + excluded.value");
    int rc = q.overflow ? err_set(e, ERR_INTERNAL, NULL, "counter statement too long")
                        : db_exec(db, e, q.sql.data, q.p, q.np);
    sqlq_free(&q);
    return rc < 0 ? rc : ERR_OK;
}

/* The month rows' deltas summed per place and metric (months differ when a record's date
 * changes), for the running totals: the ones that do not cancel. */
static int totals_of(const struct counter_row *rows, int n, struct counter_row *out)
{
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (rows[i].table != 0 || rows[i].delta == 0)
            continue;
        int k = 0;
        while (k < m &&
               (strcmp(out[k].place, rows[i].place) != 0 || strcmp(out[k].metric, rows[i].metric)))
            k++;
        if (k == m) {
            out[m] = rows[i];
            out[m++].delta = 0;
        }
        out[k].delta += rows[i].delta;
    }
    return m;
}

/* Places for the index's change log (index_epoch_bump). */
struct place_set {
    const char **v;
    int n, cap;
};

static void place_set_add(struct place_set *ps, const char *place)
{
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? 2 * ps->cap : 16;
        ps->v = xrealloc(ps->v, sizeof(*ps->v) * (size_t)ps->cap);
    }
    ps->v[ps->n++] = place;
}

/* ---- a group commit's rows, merged (store_batch_hooks) ----
 * Inside a batch of SQLite's writer, counters_move keeps its rows here instead of writing them:
 * the batch's cases share the district's and their town's rows (and, under load, their grid's),
 * so each row is written once per batch, not once per case. A job's rows follow the rows of the
 * jobs before it; a job rolled back drops its own. Before COMMIT they are sorted, summed per key
 * and written. A job that reads counters in its transaction (the rebuild's compare) writes the
 * rows so far first (counters_pending_write). */
struct pend_row {
    int table;
    char place[24];
    char period[11];
    char metric[COUNTER_METRIC_MAX];
    int64_t delta;
};

#define PEND_JOB_MAX 4096 /* a job with more rows (an import) writes them as it goes */

/* rows [0, job_from) are the earlier jobs', [job_from, npend) the running job's; a job that
 * wrote some of them (counters_pending_write) keeps them until it ends: the earlier jobs' all
 * (early_written), its own first job_written */
static __thread struct pend_row *pend;
static __thread size_t npend, cappend, job_from, job_written;
static __thread int early_written;

static int pend_cmp(const void *x, const void *y)
{
    const struct pend_row *a = x, *b = y;
    int c = a->table - b->table;
    if (c == 0)
        c = strcmp(a->place, b->place);
    if (c == 0)
        c = strcmp(a->period, b->period);
    return c ? c : strcmp(a->metric, b->metric);
}

/* Write up to 16 summed rows of one table, and a month row's delta to its running total too
 * (the rows of one call differ in place, period or metric; a place's metric in two months
 * adds to its total twice, which SQLite's upsert does row by row). */
static int pend_upsert(struct db *db, struct arena *a, int table,
                       const struct counter_row *const *rows, int n, struct err *e)
{
    int rc = counters_upsert(db, a, table, rows, n, e);
    return rc == ERR_OK && table == 0 ? totals_upsert(db, a, rows, n, e) : rc;
}

/* Sort rows [from, to), sum equal keys and write them; the rows stay in place (the caller
 * drops them). */
static int pend_write(struct db *db, size_t from, size_t to, struct err *e)
{
    if (to <= from)
        return ERR_OK;
    qsort(pend + from, to - from, sizeof(*pend), pend_cmp);
    struct arena a;
    arena_init(&a, 0);
    struct counter_row rows[16];
    const struct counter_row *batch[16];
    int nb = 0, rc = ERR_OK, wrote = 0;
    for (int t = 0; t < 2 && rc == ERR_OK; t++) {
        for (size_t i = from; i < to && rc == ERR_OK;) {
            size_t k = i;
            int64_t delta = 0;
            for (; k < to && pend_cmp(&pend[i], &pend[k]) == 0; k++)
                delta += pend[k].delta;
            const struct pend_row *p = &pend[i];
            i = k;
            if (p->table != t || delta == 0)
                continue;
            struct counter_row *r = &rows[nb];
            r->table = t;
            memcpy(r->place, p->place, sizeof(r->place));
            memcpy(r->period, p->period, sizeof(r->period));
            r->metric = p->metric;
            r->delta = delta;
            batch[nb] = r;
            if (++nb == 16) {
                rc = pend_upsert(db, &a, t, batch, nb, e);
                nb = 0;
                wrote = 1;
            }
        }
        if (nb && rc == ERR_OK)
            rc = pend_upsert(db, &a, t, batch, nb, e);
        if (nb)
            wrote = 1;
        nb = 0;
    }
    arena_free(&a);
    if (rc != ERR_OK || !wrote)
        return rc;
    /* the places whose rows moved, for the epoch's log (sorted: rows are in place order per
     * table) */
    struct place_set ps = {0};
    for (size_t i = from; i < to; i++)
        if (ps.n == 0 || strcmp(ps.v[ps.n - 1], pend[i].place) != 0)
            place_set_add(&ps, pend[i].place);
    rc = index_epoch_bump(db, (const char *const *)ps.v, ps.n, e);
    free(ps.v);
    return rc;
}

static void pend_job_end(int ok)
{
    if (!ok) {
        /* rolled back: its rows go; what it wrote of the earlier jobs' is undone, they stay */
        npend = job_from;
    } else {
        size_t keep_from = job_from + job_written, n = npend - keep_from;
        size_t to = early_written ? 0 : job_from;
        if (n > 0 && to != keep_from)
            memmove(pend + to, pend + keep_from, n * sizeof(*pend));
        npend = to + n;
    }
    job_from = npend;
    job_written = 0;
    early_written = 0;
}

static int pend_flush(struct db *db, struct err *e)
{
    int rc = pend_write(db, 0, npend, e);
    npend = job_from = job_written = 0;
    early_written = 0;
    return rc;
}

static void pend_thread_end(void)
{
    free(pend);
    pend = NULL;
    npend = cappend = job_from = job_written = 0;
}

static const struct store_batch_hooks pend_hooks = {pend_job_end, pend_flush, pend_thread_end};

void counters_batch_install(void)
{
    store_batch_hooks_set(&pend_hooks);
}

/* The running job's rows not yet written, written now (they are in its savepoint). */
static int pend_write_job(struct db *db, struct err *e)
{
    int rc = pend_write(db, job_from + job_written, npend, e);
    job_written = npend - job_from;
    return rc;
}

int counters_pending_write(struct db *db, struct err *e)
{
    if (!store_in_batch())
        return ERR_OK;
    int rc = ERR_OK;
    if (!early_written && job_from > 0) {
        rc = pend_write(db, 0, job_from, e);
        early_written = 1;
    }
    return rc == ERR_OK ? pend_write_job(db, e) : rc;
}

static void pend_add(const struct counter_row *r)
{
    if (npend == cappend) {
        cappend = cappend ? cappend * 2 : 256;
        pend = xrealloc(pend, cappend * sizeof(*pend));
    }
    struct pend_row *p = &pend[npend++];
    p->table = r->table;
    memcpy(p->place, r->place, sizeof(p->place));
    memcpy(p->period, r->period, sizeof(p->period));
    snprintf(p->metric, sizeof(p->metric), "%s", r->metric);
    p->delta = r->delta;
}

/* Write the rows of table (-1: the running totals) that move a value, 16 to a statement. */
static int upsert_each(struct db *db, struct arena *a, int table, const struct counter_row *rows,
                       int n, struct err *e)
{
    const struct counter_row *batch[16];
    int nb = 0, rc = ERR_OK;
    for (int i = 0; i <= n && rc == ERR_OK; i++) {
        if (i < n && (rows[i].delta == 0 || (table >= 0 && rows[i].table != table)))
            continue;
        if (i < n)
            batch[nb++] = &rows[i];
        if (nb == 16 || (i == n && nb > 0)) {
            rc = table < 0 ? totals_upsert(db, a, batch, nb, e)
                           : counters_upsert(db, a, table, batch, nb, e);
            nb = 0;
        }
    }
    return rc;
}

int counters_move(struct db *db, const struct counter_facts *old, const struct counter_facts *now,
                  struct err *e)
{
    static __thread struct counter_row rows[MAX_ROWS], totals[MAX_ROWS];
    int n = 0;
    expand(old, -1, rows, &n);
    expand(now, +1, rows, &n);
#ifdef GRIDGOV_BENCH_NO_COUNTERS
    /* build/bench-gridgov-nocounters only, for bench/intake.sh's comparison: the rows are
     * made but never written, so the index and the dashboards are wrong. Never a production
     * build. */
    (void)db, (void)e;
    return n >= 0 ? ERR_OK : ERR_INTERNAL;
#endif
    if (store_in_batch()) {
        for (int i = 0; i < n; i++)
            if (rows[i].delta != 0)
                pend_add(&rows[i]);
        /* a long job (an import) writes its own rows as it goes */
        return npend - job_from - job_written > PEND_JOB_MAX ? pend_write_job(db, e) : ERR_OK;
    }
    int nt = totals_of(rows, n, totals), moved = 0;
    for (int i = 0; i < n && !moved; i++)
        moved = rows[i].delta != 0;
    struct arena a;
    arena_init(&a, 0);
    int rc = upsert_each(db, &a, -1, totals, nt, e);
    for (int t = 0; t < 2 && rc == ERR_OK; t++)
        rc = upsert_each(db, &a, t, rows, n, e);
    arena_free(&a);
    if (rc != ERR_OK || !moved)
        return rc;
    const char *places[2];
    int np = 0;
    if (old != NULL && old->place != NULL)
        places[np++] = old->place;
    if (now != NULL && now->place != NULL)
        places[np++] = now->place;
    return index_epoch_bump(db, places, np, e);
}

/* ---- the index's epoch ---- */

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Sort places and keep the deepest: a place whose descendant is also there goes (its
 * descendants sort right after it), and so do duplicates. Returns how many are left. */
static int deepest_places(const char **v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), str_cmp);
    int k = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(v[i]);
        if (i + 1 < n && strncmp(v[i], v[i + 1], len) == 0)
            continue;
        v[k++] = v[i];
    }
    return k;
}

int index_epoch_bump(struct db *db, const char *const *places, int n, struct err *e)
{
    const char **v = NULL;
    if (places != NULL && n > 0) {
        v = xmalloc(sizeof(*v) * (size_t)n);
        memcpy(v, places, sizeof(*v) * (size_t)n);
        n = deepest_places(v, n);
    }
    if (places == NULL || n > INDEX_CHANGES_MAX) {
        free(v);
        int rc = db_exec(db, e, "UPDATE index_epoch SET n = n + 1, all_at = n + 1", DB_NOARGS);
        return rc < 0 ? rc : ERR_OK;
    }
    struct arena a;
    arena_init(&a, 0);
    struct dbrows r;
    int rc = db_query(db, &a, &r, e, "UPDATE index_epoch SET n = n + 1 RETURNING n", DB_NOARGS);
    int64_t epoch = rc == ERR_OK && r.nrows ? dbrows_int(&r, 0, 0) : 0;
    for (int i = 0; i < n && rc == ERR_OK; i += 16) {
        struct sqlq q;
        sqlq_init(&q, &a, db);
        sqlq_add(&q, "INSERT INTO index_changes (epoch, place_code) VALUES ");
        for (int k = i; k < n && k < i + 16; k++) {
            sqlq_add(&q, k > i ? ", (?, ?)" : "(?, ?)");
            sqlq_param(&q, DBI(epoch));
            sqlq_param(&q, DBS(v[k]));
        }
        rc = q.overflow ? err_set(e, ERR_INTERNAL, NULL, "change statement too long")
                        : db_exec(db, e, q.sql.data, q.p, q.np);
        rc = rc < 0 ? rc : ERR_OK;
        sqlq_free(&q);
    }
    arena_free(&a);
    free(v);
    return rc;
}

int index_epoch_read(struct db *db, struct arena *a, struct index_epoch *out, struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e, "SELECT n, all_at, logged_after FROM index_epoch", DB_NOARGS);
    memset(out, 0, sizeof(*out));
    if (rc == ERR_OK && r.nrows) {
        out->n = dbrows_int(&r, 0, 0);
        out->all_at = dbrows_int(&r, 0, 1);
        out->logged_after = dbrows_int(&r, 0, 2);
    }
    return rc;
}

int index_changes_since(struct db *db, struct arena *a, int64_t epoch, size_t len, int max,
                        struct dbrows *out, struct err *e)
{
    return db_query(
        db, a, out, e,
        "SELECT DISTINCT substr(place_code, 1, ?) FROM index_changes WHERE epoch > ? "
        "AND length(place_code) >= ? LIMIT ?",
        DB_ARGS(DBI((int64_t)len), DBI(epoch), DBI((int64_t)len), DBI((int64_t)max + 1)));
}

int index_changes_prune(struct db *db, int64_t keep, int64_t *deleted, struct err *e)
{
    int rc =
        db_exec(db, e, "UPDATE index_epoch SET logged_after = n - ? WHERE logged_after < n - ?",
                DB_ARGS(DBI(keep), DBI(keep)));
    if (rc < 0)
        return rc;
    rc = db_exec(db, e,
                 "DELETE FROM index_changes WHERE epoch <= (SELECT logged_after FROM index_epoch)",
                 DB_NOARGS);
    if (rc < 0)
        return rc;
    *deleted = rc;
    return ERR_OK;
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

void counter_month_after(const char *m, char out[8])
{
    int y = 0, mo = 0;
    sscanf(m, "%d-%d", &y, &mo);
    if (++mo > 12)
        mo = 1, y++;
    snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)mo % 100u);
}

/* "'2025-01','2025-02',..." for the months [from, to) ("YYYY-MM"), NULL past max months */
static const char *month_list(struct arena *a, const char *from, const char *to, int max)
{
    char *out = arena_alloc(a, (size_t)max * 10 + 1), *o = out;
    char m[8];
    int n = 0;
    snprintf(m, sizeof(m), "%s", from);
    for (; strcmp(m, to) < 0; counter_month_after(m, m)) {
        if (n++ == max)
            return NULL;
        o += sprintf(o, "%s'%s'", n > 1 ? "," : "", m);
    }
    return n ? out : NULL;
}

int counters_each_child(struct db *db, struct arena *a, const char *place, const char *lo,
                        const char *hi, const char *from, const char *to, db_row_fn fn, void *ctx,
                        struct err *e)
{
    /* Over some months: the children through places_parent, then each child's rows by its
     * primary key (place, period, metric), one seek per month to the metrics asked: the months
     * are listed, so the rows of other metrics (a place's categories, channels, registries:
     * most of them) are never stepped over. No GROUP BY (its sort was most of /api/v1/stats):
     * the caller sums the months. A child's months are among its parent's (rolled up). */
    struct dbrows r;
    enum place_level lv = place_level_of(place);
    if (from == NULL && to == NULL && lv != PL_NONE && lv < PL_MICROGRID) {
        /* every month: the children's running totals instead, one seek per metric the place
         * holds (its own months list them), a row per child and metric (/api/v1/stats's
         * default: 7 ms of month rows on 1M cases, 0.4 ms of totals) */
        return db_each(db, e,
                       "SELECT place_code, metric, value FROM counters_total WHERE metric IN "
                       "(SELECT DISTINCT metric FROM counters_month WHERE place_code = ? AND "
                       "metric >= ? AND metric < ?) AND depth = ? AND place_code >= ? AND "
                       "place_code < ?",
                       DB_ARGS(DBS(place), DBS(lo), DBS(hi),
                               DBI((int64_t)place_code_len((enum place_level)(lv + 1))), DBS(place),
                               DBS(arena_printf(a, "%s;", place))),
                       fn, ctx);
    }
    int rc = db_query(db, a, &r, e,
                      "SELECT min(period), max(period) FROM counters_month WHERE place_code = ?",
                      DB_ARGS(DBS(place)));
    if (rc != ERR_OK)
        return rc;
    const char *first = dbrows_get(&r, 0, 0), *last = dbrows_get(&r, 0, 1), *months = NULL;
    if (first == NULL || last == NULL)
        return ERR_OK; /* nothing counted under place */
    char after_last[8];
    counter_month_after(last, after_last);
    if (from == NULL || strcmp(from, first) < 0)
        from = first;
    if (to == NULL || strcmp(to, after_last) > 0)
        to = after_last;
    if (strcmp(from, to) >= 0)
        return ERR_OK;
    months = month_list(a, from, to, 240);
    if (months == NULL) /* a long history: the range, stepping over the other metrics */
        return db_each(db, e,
                       "SELECT c.place_code, c.metric, c.value FROM places p JOIN counters_month "
                       "c ON c.place_code = p.code WHERE p.parent_code = ? AND c.metric >= ? AND "
                       "c.metric < ? AND c.period >= ? AND c.period < ?",
                       DB_ARGS(DBS(place), DBS(lo), DBS(hi), DBS(from), DBS(to)), fn, ctx);
    return db_each(db, e,
                   arena_printf(a,
                                "SELECT c.place_code, c.metric, c.value FROM places p JOIN "
                                "counters_month c ON c.place_code = p.code WHERE p.parent_code = "
                                "? AND c.period IN (%s) AND c.metric >= ? AND c.metric < ?",
                                months),
                   DB_ARGS(DBS(place), DBS(lo), DBS(hi)), fn, ctx);
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

/* ---- a level's rows and running totals ---- */

struct level_scan {
    counter_level_fn fn;
    void *ctx;
    int total;
};

static int level_row(const struct dbrow *row, void *ctx, struct err *e)
{
    struct level_scan *ls = ctx;
    size_t len;
    const char *place = dbrow_text(row, 0, &len);
    (void)e;
    if (place == NULL)
        return ERR_OK;
    return ls->fn(place, len, ls->total ? NULL : dbrow_text(row, 2, NULL), dbrow_int(row, 1),
                  ls->ctx);
}

int counters_level_each(struct db *db, struct arena *a, const char *metric, size_t depth,
                        const char *under, int totals, const char *from, const char *to,
                        counter_level_fn fn, void *ctx, struct err *e)
{
    const char *end = arena_printf(a, "%s;", under);
    struct level_scan ls = {fn, ctx, 1};
    int rc = ERR_OK;
    if (totals)
        rc = db_each(db, e,
                     "SELECT place_code, value FROM counters_total WHERE metric = ? AND depth = ? "
                     "AND place_code >= ? AND place_code < ?",
                     DB_ARGS(DBS(metric), DBI((int64_t)depth), DBS(under), DBS(end)), level_row,
                     &ls);
    ls.total = 0;
    if (rc == ERR_OK && from != NULL)
        rc = db_each(db, e,
                     "SELECT place_code, value, period FROM counters_month WHERE metric = ? AND "
                     "length(place_code) = ? AND period >= ? AND period <= ? AND place_code >= ? "
                     "AND place_code < ?",
                     DB_ARGS(DBS(metric), DBI((int64_t)depth), DBS(from), DBS(to ? to : "9999"),
                             DBS(under), DBS(end)),
                     level_row, &ls);
    return rc;
}

struct stock_sum {
    const char *month;
    int64_t v;
};

static int stock_row(const char *place, size_t len, const char *period, int64_t value, void *ctx)
{
    struct stock_sum *s = ctx;
    (void)place, (void)len;
    if (period == NULL)
        s->v += value; /* the running total */
    else if (strcmp(period, s->month) > 0)
        s->v -= value; /* a month after: not yet in the stock */
    return ERR_OK;
}

int counters_stock(struct db *db, struct arena *a, const char *place, const char *metric,
                   const char *month, int64_t *out, struct err *e)
{
    struct stock_sum s = {month, 0};
    char after[8];
    int y = atoi(month), mo = atoi(month + 5) + 1;
    if (mo > 12)
        mo = 1, y++;
    snprintf(after, sizeof(after), "%04u-%02u", (unsigned)y % 10000u, (unsigned)mo % 100u);
    int rc =
        counters_level_each(db, a, metric, strlen(place), place, 1, after, NULL, stock_row, &s, e);
    *out = s.v;
    return rc;
}

/* The running totals against the month rows: a hash of (place, metric) holding the kept total
 * and the sum of the months (no SQL sort: a GROUP BY of the 2.1M month rows of the 1M-case
 * dataset cost 2.8 s of CPU in SQLite's sorter). The sums come from one pass over the month rows
 * (counters_totals_sync) or from the rebuild's recomputed rows (counter_acc.c). */
struct tot_ent {
    const char *place, *metric;
    uint64_t hash;
    int64_t kept, sum;
};

struct counter_totals {
    struct tot_ent *v;
    size_t n, cap; /* cap a power of two */
    struct arena a;
};

static uint64_t tot_hash(const char *p, size_t np, const char *m, size_t nm)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < np; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    h = (h ^ 0x1f) * 1099511628211ull;
    for (size_t i = 0; i < nm; i++)
        h = (h ^ (unsigned char)m[i]) * 1099511628211ull;
    return h ? h : 1;
}

static struct tot_ent *tot_get(struct counter_totals *t, const char *p, size_t np, const char *m,
                               size_t nm)
{
    if (2 * (t->n + 1) > t->cap) { /* grow at half full */
        struct tot_ent *old = t->v;
        size_t ocap = t->cap;
        t->cap = ocap ? 2 * ocap : 1u << 16;
        t->v = xcalloc(t->cap, sizeof(*t->v));
        for (size_t i = 0; i < ocap; i++) {
            if (old[i].hash == 0)
                continue;
            size_t j = old[i].hash & (t->cap - 1);
            while (t->v[j].hash)
                j = (j + 1) & (t->cap - 1);
            t->v[j] = old[i];
        }
        free(old);
    }
    uint64_t h = tot_hash(p, np, m, nm);
    size_t j = h & (t->cap - 1);
    for (; t->v[j].hash; j = (j + 1) & (t->cap - 1)) {
        struct tot_ent *x = &t->v[j];
        if (x->hash == h && strncmp(x->place, p, np) == 0 && x->place[np] == '\0' &&
            strncmp(x->metric, m, nm) == 0 && x->metric[nm] == '\0')
            return x;
    }
    struct tot_ent *x = &t->v[j];
    char *ps = arena_alloc(&t->a, np + nm + 2);
    memcpy(ps, p, np);
    ps[np] = '\0';
    memcpy(ps + np + 1, m, nm);
    ps[np + 1 + nm] = '\0';
    x->place = ps;
    x->metric = ps + np + 1;
    x->hash = h;
    t->n++;
    return x;
}

struct counter_totals *counter_totals_new(void)
{
    struct counter_totals *t = xcalloc(1, sizeof(*t));
    arena_init(&t->a, 0);
    return t;
}

void counter_totals_free(struct counter_totals *t)
{
    if (t == NULL)
        return;
    free(t->v);
    arena_free(&t->a);
    free(t);
}

void counter_totals_add_month(struct counter_totals *t, const char *place, size_t np,
                              const char *metric, size_t nm, int64_t value)
{
    if (value != 0)
        tot_get(t, place, np, metric, nm)->sum += value;
}

struct tot_kept {
    struct counter_totals *t;
    const char *const *prefixes;
};

static int tot_kept_row(const struct dbrow *row, void *ctx, struct err *e)
{
    struct tot_kept *k = ctx;
    size_t np, nm;
    const char *p = dbrow_text(row, 0, &np), *m = dbrow_text(row, 1, &nm);
    (void)e;
    if (p == NULL || m == NULL)
        return ERR_OK;
    int in = k->prefixes == NULL;
    for (const char *const *x = k->prefixes; x && *x && !in; x++)
        in = strncmp(m, *x, strlen(*x)) == 0;
    if (in)
        tot_get(k->t, p, np, m, nm)->kept += dbrow_int(row, 2);
    return ERR_OK;
}

static int tot_month_row(const struct dbrow *row, void *ctx, struct err *e)
{
    size_t np, nm;
    const char *p = dbrow_text(row, 0, &np), *m = dbrow_text(row, 1, &nm);
    (void)e;
    if (p != NULL && m != NULL)
        counter_totals_add_month(ctx, p, np, m, nm, dbrow_int(row, 2));
    return ERR_OK;
}

int counter_totals_settle(struct db *db, struct counter_totals *t, const char *const *prefixes,
                          int write, int64_t *ndiff, struct err *e)
{
    struct tot_kept k = {t, prefixes};
    *ndiff = 0;
    int rc = db_each(db, e, "SELECT place_code, metric, value FROM counters_total WHERE value <> 0",
                     DB_NOARGS, tot_kept_row, &k);
    struct counter_row rows[16];
    const struct counter_row *batch[16];
    int nb = 0;
    for (size_t i = 0; i < t->cap && rc == ERR_OK; i++) {
        const struct tot_ent *x = &t->v[i];
        if (x->hash == 0 || x->kept == x->sum)
            continue;
        if (!write && *ndiff < 10)
            log_warn("counter counters_total %s %s: kept %lld, months sum to %lld", x->place,
                     x->metric, (long long)x->kept, (long long)x->sum);
        (*ndiff)++;
        if (!write)
            continue;
        struct counter_row *r = &rows[nb];
        snprintf(r->place, sizeof(r->place), "%s", x->place);
        r->metric = x->metric;
        r->delta = x->sum - x->kept;
        batch[nb] = r;
        if (++nb == 16) {
            rc = totals_upsert(db, &t->a, batch, nb, e);
            nb = 0;
        }
    }
    if (nb && rc == ERR_OK)
        rc = totals_upsert(db, &t->a, batch, nb, e);
    return rc;
}

int counters_totals_sync(struct db *db, int write, int64_t *ndiff, struct err *e)
{
    struct counter_totals *t = counter_totals_new();
    int rc = db_each(db, e, "SELECT place_code, metric, value FROM counters_month WHERE value <> 0",
                     DB_NOARGS, tot_month_row, t);
    if (rc == ERR_OK)
        rc = counter_totals_settle(db, t, NULL, write, ndiff, e);
    counter_totals_free(t);
    return rc;
}
