/* govindex_cache.h - a level's scores kept between requests (govindex.c's rankings and the
 * rank of a breakdown), valid while the index's epoch (counters.h, table index_epoch) holds:
 * every write that changes counters, places or indicators moves it in its own transaction, on
 * any server of the database, so a reader that reads the epoch before the scores it keeps never
 * serves scores older than what that epoch saw. Kept scores of an earlier epoch are a base:
 * govindex.c scores again only the places the epoch's change log names since. */
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
/* 1 with the whole level's scores for period as last kept, when kept at an epoch in [from,
 * before), and that epoch (to be brought up to date from the epoch's change log); else 0,
 * nothing copied. */
int govindex_cache_latest(const char *level, const char *period, int64_t from, int64_t before,
                          struct arena *a, int64_t *epoch, struct place_score **out, int *n);
/* Keep the level's scores for period computed at epoch, in place of the same level and period
 * kept at another epoch. */
void govindex_cache_put(int64_t epoch, const char *level, const char *period,
                        const struct place_score *items, int n);

/* How a level's scores were had, counted since start (gridgov_index_scores_total in /metrics):
 * served as kept, brought up to date from the change log, computed whole. */
enum govindex_how { GI_KEPT, GI_UPDATED, GI_COMPUTED, GI_HOW_N };
void govindex_cache_count(enum govindex_how how);
uint64_t govindex_cache_counted(enum govindex_how how);

#endif
