/* grid_counters.h - stock counters of the grids themselves (grid_counters.c), kept in the same
 * transaction as the writes that move them and recomputed by `gridgov index rebuild`:
 *
 *   place.grids            one per grid, at the grid, dated by its creation: grids under a place
 *   place.grids.branch     one per grid with at least one standing party branch on it (or on a
 *                          micro-grid of it), dated by the first of them: grids covered
 *   user.role.grid_worker  one per grid-worker role of an enabled account, at its grid, dated by
 *                          the grant: grid workers per grid
 *
 * The index's party_branch_coverage (place.grids.branch / place.grids) and patrols_per_worker
 * (reg.patrols / user.role.grid_worker) read them. */
#ifndef GG_GRID_COUNTERS_H
#define GG_GRID_COUNTERS_H

#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"

struct reg_rec;
struct reg_ctx;
struct registry;
struct counter_acc;

/* After a place was inserted: a grid counts under its ancestors from created_at. */
int grid_counted_place(struct db *db, const char *code, const char *level, int64_t created_at,
                       struct err *e);
/* The party-orgs registry's `counted` hook: after a write of an organisation (old NULL on
 * create, now NULL on delete or archive), move the coverage of the grids it was and is on. */
int grid_counted_branch(struct db *db, struct reg_ctx *c, const struct registry *r,
                        const struct reg_rec *old, const struct reg_rec *now, struct err *e);
/* Take back (sign -1) or add (+1) the grid-worker roles of user_id as they stand now: -1 before
 * the account's roles or its disabled flag change, +1 after. */
int grid_counted_workers(struct db *db, int64_t user_id, int sign, struct err *e);
/* Add the three metrics recomputed from places, party_orgs and user_roles (facts dated from
 * from_month on; NULL: all) to acc. */
int grid_counters_recount(struct db *db, struct arena *a, struct counter_acc *acc,
                          const char *from_month, struct err *e);

#endif
