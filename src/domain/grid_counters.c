/* grid_counters.c - the grids' stock counters (grid_counters.h): grids under a place, grids with
 * a party branch, grid workers per grid. Each is kept by the write that moves it, from the
 * records as they stand in the transaction, and recomputed from the same tables by the same
 * facts, so `index rebuild --check` agrees with what was kept. */
#include "domain/grid_counters.h"
#include "core/util.h"
#include "domain/counters.h"
#include "domain/party.h"
#include "domain/place.h"
#include "domain/registry.h"

#include <stdlib.h>
#include <string.h>

#define M_GRIDS "place.grids"
#define M_COVERED "place.grids.branch"
#define M_WORKERS "user.role.grid_worker"

static void one_fact(struct counter_facts *f, const char *place, int64_t at, const char *metric)
{
    counter_facts_init(f, place, at);
    counter_fact_add(f, 1, 0, "%s", metric);
}

/* The first instant (UTC) of from_month in Asia/Shanghai; 0 for NULL. */
static int64_t month_instant(const char *from_month)
{
    if (from_month == NULL)
        return 0;
    return days_from_civil(atoi(from_month), (unsigned)atoi(from_month + 5), 1) * 86400 - 28800;
}

/* ---- grids ---- */

int grid_counted_place(struct db *db, const char *code, const char *level, int64_t created_at,
                       struct err *e)
{
    if (level == NULL || strcmp(level, "grid") != 0)
        return ERR_OK;
    struct counter_facts f;
    one_fact(&f, code, created_at, M_GRIDS);
    return counters_move(db, NULL, &f, e);
}

/* ---- grids covered by a party branch ---- */

/* The grid a standing party branch is on (its place, or its micro-grid's grid), else NULL. */
static const char *branch_grid(const struct reg_rec *rec, char out[24])
{
    size_t len = place_code_len(PL_GRID);
    if (rec == NULL || rec->archived_at != 0 || rec->v[PO_KIND] == NULL ||
        strcmp(rec->v[PO_KIND], "branch") != 0 || rec->v[PO_PLACE] == NULL ||
        strlen(rec->v[PO_PLACE]) < len)
        return NULL;
    memcpy(out, rec->v[PO_PLACE], len);
    out[len] = '\0';
    return out;
}

/* The coverage of grid before and after a write of the organisation id: the other branches
 * standing on it (read now, the organisation left out) with the organisation as it was and is. */
static int coverage_move(struct db *db, struct arena *a, const char *grid, int64_t id,
                         const struct reg_rec *old, const struct reg_rec *now, struct err *e)
{
    struct dbrows r;
    char g[24];
    int rc = db_query(db, a, &r, e,
                      "SELECT count(*), min(created_at) FROM party_orgs WHERE place_code LIKE ? "
                      "AND kind = 'branch' AND archived_at IS NULL AND id <> ?",
                      DB_ARGS(DBS(arena_printf(a, "%s%%", grid)), DBI(id)));
    if (rc != ERR_OK)
        return rc;
    int64_t n0 = dbrows_int(&r, 0, 0), min0 = n0 ? dbrows_int(&r, 0, 1) : INT64_MAX;
    struct counter_facts f[2];
    const struct reg_rec *side[2] = {old, now};
    int has[2];
    for (int s = 0; s < 2; s++) {
        int64_t n = n0, at = min0;
        const char *bg = branch_grid(side[s], g);
        if (bg != NULL && strcmp(bg, grid) == 0) {
            n++;
            if (side[s]->created_at < at)
                at = side[s]->created_at;
        }
        has[s] = n > 0;
        if (has[s])
            one_fact(&f[s], grid, at, M_COVERED);
    }
    return counters_move(db, has[0] ? &f[0] : NULL, has[1] ? &f[1] : NULL, e);
}

int grid_counted_branch(struct db *db, struct reg_ctx *c, const struct registry *r,
                        const struct reg_rec *old, const struct reg_rec *now, struct err *e)
{
    char g1[24], g2[24];
    (void)r;
    const char *before = branch_grid(old, g1), *after = branch_grid(now, g2);
    int64_t id = now ? now->id : old ? old->id : 0;
    int rc = ERR_OK;
    if (before != NULL)
        rc = coverage_move(db, c->a, before, id, old, now, e);
    if (rc == ERR_OK && after != NULL && (before == NULL || strcmp(before, after) != 0))
        rc = coverage_move(db, c->a, after, id, old, now, e);
    return rc;
}

/* ---- grid workers ---- */

int grid_counted_workers(struct db *db, int64_t user_id, int sign, struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc = db_query(db, &a, &r, e,
                      "SELECT r.place_code, r.granted_at FROM user_roles r JOIN users u ON u.id = "
                      "r.user_id WHERE r.user_id = ? AND r.role = 'grid_worker' AND u.disabled = 0",
                      DB_ARGS(DBI(user_id)));
    for (int i = 0; rc == ERR_OK && i < r.nrows; i++) {
        struct counter_facts f;
        one_fact(&f, dbrows_get(&r, i, 0), dbrows_int(&r, i, 1), M_WORKERS);
        rc = sign < 0 ? counters_move(db, &f, NULL, e) : counters_move(db, NULL, &f, e);
    }
    arena_free(&a);
    return rc;
}

/* ---- recomputing ---- */

/* rows of (place, instant, count): one fact of metric each, weighted by the count */
static int add_rows(struct counter_acc *acc, const struct dbrows *r, int64_t from,
                    const char *metric, struct err *e)
{
    for (int i = 0; i < r->nrows; i++) {
        struct counter_facts f;
        int64_t at = dbrows_int(r, i, 1);
        if (at < from)
            continue;
        one_fact(&f, dbrows_get(r, i, 0), at, metric);
        if (counter_acc_add(acc, &f, dbrows_int(r, i, 2)) != 0)
            return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    return ERR_OK;
}

int grid_counters_recount(struct db *db, struct arena *a, struct counter_acc *acc,
                          const char *from_month, struct err *e)
{
    int64_t from = month_instant(from_month);
    int glen = (int)place_code_len(PL_GRID);
    struct dbrows r;
    int rc = db_query(db, a, &r, e,
                      "SELECT code, created_at, 1 FROM places WHERE level = 'grid' AND "
                      "created_at >= ?",
                      DB_ARGS(DBI(from)));
    if (rc == ERR_OK)
        rc = add_rows(acc, &r, from, M_GRIDS, e);
    /* a grid is covered from its first standing branch on: the minimum over the grid */
    if (rc == ERR_OK)
        rc = db_query(db, a, &r, e,
                      arena_printf(a,
                                   "SELECT substr(place_code, 1, %d), min(created_at), 1 FROM "
                                   "party_orgs WHERE kind = 'branch' AND archived_at IS NULL AND "
                                   "length(place_code) >= %d GROUP BY substr(place_code, 1, %d)",
                                   glen, glen, glen),
                      DB_NOARGS);
    if (rc == ERR_OK)
        rc = add_rows(acc, &r, from, M_COVERED, e);
    if (rc == ERR_OK)
        rc = db_query(db, a, &r, e,
                      "SELECT r.place_code, r.granted_at, count(*) FROM user_roles r JOIN users u "
                      "ON u.id = r.user_id WHERE r.role = 'grid_worker' AND u.disabled = 0 AND "
                      "r.granted_at >= ? GROUP BY r.place_code, r.granted_at",
                      DB_ARGS(DBI(from)));
    if (rc == ERR_OK)
        rc = add_rows(acc, &r, from, M_WORKERS, e);
    return rc;
}
