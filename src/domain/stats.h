/* stats.h - the figures of the dashboard over the cases under a place, from the counters kept
 * with every write: counts by status, category, child place and day; the GB/T 30428 ratios (结案率,
 * 按期结案率, 返工率) by child place and month; overdue cases; and the open cases per child place
 * for the map. */
#ifndef GG_STATS_H
#define GG_STATS_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

/* Cases created in the months from..to ("2026-01".."2026-03", both included; NULL = open),
 * from the counters. */
int stats_cases(struct db *db, struct arena *a, const char *place, const char *from, const char *to,
                int64_t now, json_t **out, struct err *e);
/* GeoJSON FeatureCollection of the children of place that have boundaries, each with its
 * open-case count in properties. */
int stats_map(struct db *db, struct arena *a, const char *place, json_t **out, struct err *e);

#endif
