/* govindex_cache.h - a level's scores kept between requests (govindex.c's rankings and the
 * rank of a breakdown), valid while the index's epoch (counters.h, table index_epoch) holds:
 * every write that changes counters, places or indicators moves it in its own transaction, on
 * any server of the database, so a reader that reads the epoch before the scores it keeps never
 * serves scores older than what that epoch saw. */
#ifndef GG_GOVINDEX_CACHE_H
#define GG_GOVINDEX_CACHE_H

#include <stdint.h>

#include "core/arena.h"

/* One place's score for a period and the period before (-1: no data), for a ranking. */
struct place_score {
    const char *code, *name;
    double score, previous;
};

/* 1 with the scores of the level's places under root (a code prefix, "" for all) for period,
 * ranked and copied into a, when they were kept at epoch; else 0. */
int govindex_cache_get(int64_t epoch, const char *level, const char *period, const char *root,
                       struct arena *a, struct place_score **out, int *n);
/* Keep the level's scores for period computed at epoch (entries of other epochs are dropped:
 * they can no longer be served). */
void govindex_cache_put(int64_t epoch, const char *level, const char *period,
                        const struct place_score *items, int n);

#endif
