/* index_warn.c - early warning on the index (index_warn.h). The scores are read on a read
 * connection (O(places) counter rows per level); only the warnings not raised yet are written,
 * each with its messages, in one write transaction. */
#include "domain/index_warn.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/govindex.h"
#include "domain/notify.h"
#include "store/sqlq.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const levels[] = {"town", "community", "grid"};

struct fall {
    const char *level;
    struct govindex_fall f;
};

struct raise_ctx {
    const char *period, *by;
    const char *before; /* 上月, 上季度 or 上年 */
    int64_t now;
    struct fall *falls;
    int nfalls;
    int raised;
    json_t *items; /* NULL: not wanted */
};

static int raise_fn(struct db *db, void *arg, struct err *e)
{
    struct raise_ctx *c = arg;
    c->raised = 0; /* from scratch, should the writer run this again */
    if (c->items)
        json_array_clear(c->items);
    for (int i = 0; i < c->nfalls; i++) {
        const struct fall *f = &c->falls[i];
        char county[8];
        snprintf(county, sizeof(county), "%.6s", f->f.code);
        int rc = db_exec(db, e,
                         "INSERT INTO index_warnings (county, place_code, level, period, score, "
                         "previous, change, raised_at, raised_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                         "?) ON CONFLICT (place_code, period) DO NOTHING",
                         DB_ARGS(DBS(county), DBS(f->f.code), DBS(f->level), DBS(c->period),
                                 DBR(f->f.score), DBR(f->f.previous), DBR(f->f.change), DBI(c->now),
                                 DBS(c->by)));
        if (rc < 0)
            return rc;
        if (rc == 0)
            continue; /* raised before: sent then */
        char text[200];
        snprintf(text, sizeof(text), "党建统领网格智治指数 %.1f 分（%s），较%s %.1f 分下降 %.1f 分",
                 f->f.score, govindex_grade(f->f.score), c->before, f->f.previous, -f->f.change);
        if ((rc = notify_index_warning(db, f->f.code, f->f.name, c->period, text, c->now, e)) !=
            ERR_OK)
            return rc;
        char when[32];
        time_iso_cst((time_t)c->now, when);
        json_t *ev =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:s, s:f, s:f, s:s}", "event",
                      INDEX_WARN_EVENT, "place", f->f.code, "name", f->f.name, "level", f->level,
                      "period", c->period, "score", f->f.score, "grade", govindex_grade(f->f.score),
                      "previous", f->f.previous, "change", f->f.change, "at", when);
        char *payload = json_dumps(ev, JSON_COMPACT | JSON_REAL_PRECISION(10));
        rc =
            db_exec(db, e,
                    "INSERT INTO outbox (case_id, webhook_id, event, payload, created_at, next_at) "
                    "SELECT 0, id, ?, ?, ?, ? FROM webhooks WHERE active = 1 AND kind = 'signed'",
                    DB_ARGS(DBS(INDEX_WARN_EVENT), DBS(payload), DBI(c->now), DBI(c->now)));
        free(payload);
        if (rc < 0) {
            json_decref(ev);
            return rc;
        }
        c->raised++;
        if (c->items)
            json_array_append(c->items, ev);
        json_decref(ev);
    }
    return ERR_OK;
}

int index_warn_run(struct store *s, const char *period, int64_t now, const char *by, int want_items,
                   struct index_warn_report *out, struct err *e)
{
    struct arena a;
    struct fall *falls = NULL;
    int nfalls = 0, cap = 0, rc = ERR_OK;
    struct govindex_period p;
    memset(out, 0, sizeof(*out));
    if (govindex_period_parse(period, &p) != 0)
        return err_set(e, ERR_INVALID, "period", GOVINDEX_PERIOD_WHY);
    arena_init(&a, 0);
    struct db *db = store_acquire(s);
    for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]) && rc == ERR_OK; l++) {
        struct govindex_fall *f;
        int n;
        struct dbrows r;
        rc = govindex_falls(db, &a, "", levels[l], period, &f, &n, e);
        if (rc == ERR_OK)
            rc = db_query(db, &a, &r, e, "SELECT count(*) FROM places WHERE level = ?",
                          DB_ARGS(DBS(levels[l])));
        if (rc != ERR_OK)
            break;
        out->checked += (int)dbrows_int(&r, 0, 0);
        for (int i = 0; i < n; i++) {
            if (nfalls == cap) {
                cap = cap ? cap * 2 : 16;
                struct fall *g = arena_alloc(&a, sizeof(*g) * (size_t)cap);
                if (nfalls)
                    memcpy(g, falls, sizeof(*g) * (size_t)nfalls);
                falls = g;
            }
            falls[nfalls].level = levels[l];
            falls[nfalls++].f = f[i];
        }
    }
    store_release(s, db);
    if (rc == ERR_OK) {
        struct raise_ctx c = {.period = period,
                              .by = by,
                              .before = p.kind == 'M'   ? "上月"
                                        : p.kind == 'Q' ? "上季度"
                                                        : "上年",
                              .now = now,
                              .falls = falls,
                              .nfalls = nfalls,
                              .items = want_items ? json_array() : NULL};
        rc = nfalls ? store_write(s, raise_fn, &c, e) : ERR_OK;
        out->raised = rc == ERR_OK ? c.raised : 0;
        out->items = c.items;
        if (rc != ERR_OK && c.items) {
            json_decref(c.items);
            out->items = NULL;
        }
    }
    arena_free(&a);
    if (rc == ERR_OK && out->raised > 0)
        log_info("index warnings: %d places fell 5 points or more in %s", out->raised, period);
    return rc;
}

void index_warn_last_month(int64_t now, char out[8])
{
    time_t t = (time_t)now + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    int y = tm.tm_year + 1900, m = tm.tm_mon; /* tm_mon is 0-based: the month before */
    if (m == 0)
        m = 12, y--;
    snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
}

void index_warn_last_periods(int64_t now, char out[3][8])
{
    index_warn_last_month(now, out[0]);
    int y = atoi(out[0]), mo = atoi(out[0] + 5);
    /* the quarters and the year that ended by that month's end */
    int q = mo / 3, qy = q ? y : y - 1;
    snprintf(out[1], 8, "%04u-Q%u", (unsigned)qy % 10000u, (unsigned)(q ? q : 4) % 10u);
    snprintf(out[2], 8, "%04u", (unsigned)(mo == 12 ? y : y - 1) % 10000u);
}

static _Atomic int64_t last_tick;

int index_warn_tick(struct store *s, int64_t now)
{
    int64_t last = atomic_load(&last_tick);
    if (last != 0 && now - last < INDEX_WARN_EVERY)
        return 0;
    atomic_store(&last_tick, now);
    char periods[3][8];
    int first_rc = ERR_OK;
    index_warn_last_periods(now, periods);
    for (int i = 0; i < 3; i++) {
        struct index_warn_report r;
        struct err e = {0};
        int rc = index_warn_run(s, periods[i], now, "scheduler", 0, &r, &e);
        if (rc != ERR_OK) {
            log_warn("index warnings: cannot run for %s: %s", periods[i], e.msg);
            if (first_rc == ERR_OK)
                first_rc = rc;
        }
    }
    return first_rc;
}

int index_warn_list(struct db *db, struct arena *a, const char *const *places, int nplaces,
                    const char *period, int limit, json_t **out, struct err *e)
{
    struct sqlq q;
    struct dbrows r;
    *out = json_array();
    if (nplaces == 0)
        return ERR_OK;
    sqlq_init(&q, a, db);
    sqlq_add(&q, "SELECT w.place_code, p.name, w.level, w.period, w.score, w.previous, w.change, "
                 "w.raised_at, w.raised_by FROM index_warnings w JOIN places p ON p.code = "
                 "w.place_code WHERE (");
    for (int i = 0; i < nplaces; i++) {
        if (i)
            sqlq_add(&q, " OR ");
        sqlq_prefix(&q, "w.place_code", places[i]);
    }
    sqlq_add(&q, ")");
    if (period) {
        sqlq_add(&q, " AND w.period = ?");
        sqlq_param(&q, DBS(period));
    }
    sqlq_add(&q, " ORDER BY w.period DESC, w.change, w.place_code LIMIT ?");
    sqlq_param(&q, DBI(limit));
    int rc = q.overflow ? err_set(e, ERR_INVALID, NULL, "too many places")
                        : db_query(db, a, &r, e, q.sql.data, q.p, q.np);
    sqlq_free(&q);
    if (rc != ERR_OK)
        return rc;
    for (int i = 0; i < r.nrows; i++) {
        char t[32];
        double score = strtod(dbrows_get(&r, i, 4), NULL);
        time_iso_cst((time_t)dbrows_int(&r, i, 7), t);
        json_array_append_new(*out, json_pack("{s:s, s:s, s:s, s:s, s:f, s:s, s:f, s:f, s:s, s:s}",
                                              "place", dbrows_get(&r, i, 0), "name",
                                              dbrows_get(&r, i, 1), "level", dbrows_get(&r, i, 2),
                                              "period", dbrows_get(&r, i, 3), "score", score,
                                              "grade", govindex_grade(score), "previous",
                                              strtod(dbrows_get(&r, i, 5), NULL), "change",
                                              strtod(dbrows_get(&r, i, 6), NULL), "raised_at", t,
                                              "raised_by", dbrows_get(&r, i, 8)));
    }
    return ERR_OK;
}

int index_warn_for_user(struct db *db, struct arena *a, const struct user *u, int limit,
                        json_t **out, struct err *e)
{
    const char *places[16];
    int n = 0;
    for (int i = 0; u && i < u->nroles && n < 16; i++)
        if (authz_grant_has(&u->roles[i], PERM_CASE_OFFICE) && u->roles[i].compound == 0)
            places[n++] = u->roles[i].place;
    return index_warn_list(db, a, places, n, NULL, limit, out, e);
}
