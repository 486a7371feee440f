/* index_warn.h - early warning on the index (issue 12 item 5): places whose score fell 5 points
 * or more against the period before (govindex_fell: a month against the month before, a quarter
 * against the quarter before, a year against the year before) are raised once per place and
 * period: a row of index_warnings, a message to the group chats subscribed to index_warning at
 * or above the place (notify_index_warning) and an `index.warning` event to every signed
 * webhook, all in one write transaction, so a second run or a restart sends nothing twice. The
 * scheduler's thread runs it for the last completed month, quarter and year at most once an
 * hour; offices see the warnings of their places on their queue. */
#ifndef GG_INDEX_WARN_H
#define GG_INDEX_WARN_H

#include <jansson.h>
#include <stdint.h>

#include "core/arena.h"
#include "domain/authz.h"
#include "store/store.h"

#define INDEX_WARN_EVENT "index.warning" /* the signed webhooks' event name */
#define INDEX_WARN_EVERY 3600            /* seconds between the scheduler's runs */

struct index_warn_report {
    int checked;   /* places scored at the three levels */
    int raised;    /* warnings raised now (not before) */
    json_t *items; /* the warnings raised now (index_warn_run with want_items) */
};

/* Score every town, community and grid for period (a month "2026-11", a quarter "2026-Q4" or a
 * year "2026": govindex_period_parse) and raise what fell and was not raised yet, at now, by
 * `by` ("scheduler" or a user name). With want_items, out->items gets the raised warnings (the
 * caller decrefs). */
int index_warn_run(struct store *s, const char *period, int64_t now, const char *by, int want_items,
                   struct index_warn_report *out, struct err *e);

/* The month before the month of now in Asia/Shanghai: the last completed one. */
void index_warn_last_month(int64_t now, char out[8]);
/* The last completed month, quarter and year at now, in that order ("2026-11", "2026-Q3",
 * "2025" on 2026-12-02). */
void index_warn_last_periods(int64_t now, char out[3][8]);

/* The scheduler's part: run for the last completed month, quarter and year when
 * INDEX_WARN_EVERY seconds have passed since this process last did (0 when it did nothing, else
 * the first failed run's return). */
int index_warn_tick(struct store *s, int64_t now);

/* The warnings under any of places (code prefixes), newest period first and the largest fall
 * first; period NULL for every period. {"items":[{place, name, level, period, score, previous,
 * change, raised_at, raised_by}]} as a JSON array in *out. */
int index_warn_list(struct db *db, struct arena *a, const char *const *places, int nplaces,
                    const char *period, int limit, json_t **out, struct err *e);

/* The warnings of the places a user's offices cover (grants with PERM_CASE_OFFICE, not a
 * compound's), for the queue screen: at most limit, an empty array for anyone else. */
int index_warn_for_user(struct db *db, struct arena *a, const struct user *u, int limit,
                        json_t **out, struct err *e);

#endif
