/* govindex_cache.c - a level's scores kept between requests (govindex_cache.h). A ranking of
 * 3,000 grids reads about 30 metrics' rows for every grid and scores each (33-55 ms on the 1M
 * dataset); served again from here it is a copy, and after a write it is brought up to date
 * from there (govindex.c). An entry is kept at one epoch and replaced by the same level and
 * period at a later one. Up to CACHE_ENTRIES levels and periods and
 * CACHE_BYTES in all (the scheduler's hourly warnings alone score nine), the least recently used
 * dropped first, each one block: the scores then the codes and names. */
#include "domain/govindex_cache.h"
#include "core/arena.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_ENTRIES 16
#define CACHE_BYTES ((size_t)32 << 20) /* 3,000 grids take 0.2 MB, 50,000 take 3.4 MB */

struct entry {
    int64_t epoch;
    char level[12], period[8];
    uint64_t used; /* 0: empty */
    int n;
    size_t size;
    struct place_score *items; /* n scores, then their strings: one allocation */
};

static struct entry entries[CACHE_ENTRIES];
static atomic_uint_fast64_t counted[GI_HOW_N];
static uint64_t clock_tick;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void entry_clear(struct entry *en)
{
    free(en->items);
    memset(en, 0, sizeof(*en));
}

/* A copy of n scores and their strings in one block of *size bytes at dst (NULL: measure). */
static size_t block_copy(char *dst, const struct place_score *items, int n)
{
    size_t off = sizeof(*items) * (size_t)n;
    for (int i = 0; i < n; i++) {
        const char *s[2] = {items[i].code, items[i].name ? items[i].name : ""};
        const char **d[2] = {NULL, NULL};
        if (dst != NULL) {
            struct place_score *o = (struct place_score *)dst + i;
            *o = items[i];
            d[0] = &o->code, d[1] = &o->name;
        }
        for (int k = 0; k < 2; k++) {
            size_t len = strlen(s[k]) + 1;
            if (dst != NULL) {
                memcpy(dst + off, s[k], len);
                *d[k] = dst + off;
            }
            off += len;
        }
    }
    return off;
}

/* The entry of level and period kept at epoch (any epoch: -1), or NULL; with mu held. */
static struct entry *entry_find(int64_t epoch, const char *level, const char *period)
{
    for (int i = 0; i < CACHE_ENTRIES; i++) {
        struct entry *en = &entries[i];
        if (en->used != 0 && (epoch < 0 || en->epoch == epoch) && strcmp(en->level, level) == 0 &&
            strcmp(en->period, period) == 0)
            return en;
    }
    return NULL;
}

/* The entry's places under root copied into a: 0 past a's limit. */
static int entry_copy(const struct entry *en, const char *root, struct arena *a,
                      struct place_score **out, int *n)
{
    size_t rootlen = strlen(root);
    /* the whole level moves as one block, its strings at the same offsets in the copy; a
     * scope's places one by one */
    const char *base = (const char *)en->items;
    if (rootlen == 0) {
        char *copy = arena_alloc(a, en->size ? en->size : 1);
        if (copy == NULL)
            return 0; /* past the request's limit: computed again, it fails there */
        memcpy(copy, base, en->size);
        struct place_score *it = (struct place_score *)copy;
        for (int k = 0; k < en->n; k++) {
            it[k].code = copy + (en->items[k].code - base);
            it[k].name = copy + (en->items[k].name - base);
        }
        *out = it;
        *n = en->n;
        return 1;
    }
    int m = 0;
    for (int k = 0; k < en->n; k++)
        m += strncmp(en->items[k].code, root, rootlen) == 0;
    struct place_score *it = arena_alloc(a, sizeof(*it) * (size_t)(m ? m : 1));
    if (it == NULL)
        return 0;
    m = 0;
    for (int k = 0; k < en->n; k++) {
        if (strncmp(en->items[k].code, root, rootlen) != 0)
            continue;
        it[m] = en->items[k];
        it[m].code = arena_strdup(a, en->items[k].code);
        it[m++].name = arena_strdup(a, en->items[k].name);
    }
    *out = it;
    *n = m;
    return 1;
}

int govindex_cache_get(int64_t epoch, const char *level, const char *period, const char *root,
                       struct arena *a, struct place_score **out, int *n)
{
    pthread_mutex_lock(&mu);
    struct entry *en = entry_find(epoch, level, period);
    int hit = en != NULL && entry_copy(en, root, a, out, n);
    if (hit)
        en->used = ++clock_tick;
    pthread_mutex_unlock(&mu);
    return hit;
}

int govindex_cache_latest(const char *level, const char *period, int64_t from, int64_t before,
                          struct arena *a, int64_t *epoch, struct place_score **out, int *n)
{
    pthread_mutex_lock(&mu);
    struct entry *en = entry_find(-1, level, period);
    int hit =
        en != NULL && en->epoch >= from && en->epoch < before && entry_copy(en, "", a, out, n);
    if (hit)
        *epoch = en->epoch;
    pthread_mutex_unlock(&mu);
    return hit;
}

void govindex_cache_put(int64_t epoch, const char *level, const char *period,
                        const struct place_score *items, int n)
{
    size_t size = block_copy(NULL, items, n), total = 0;
    char *block = xmalloc(size ? size : 1);
    block_copy(block, items, n);
    pthread_mutex_lock(&mu);
    for (int i = 0; i < CACHE_ENTRIES; i++) {
        struct entry *en = &entries[i];
        if (en->used != 0 && strcmp(en->level, level) == 0 && strcmp(en->period, period) == 0)
            entry_clear(en); /* the same scores at an earlier epoch (or again) */
        total += en->size;
    }
    /* an empty entry, and room within CACHE_BYTES: the least recently used go first */
    struct entry *slot;
    for (;;) {
        struct entry *lru = NULL;
        slot = NULL;
        for (int i = 0; i < CACHE_ENTRIES; i++) {
            struct entry *en = &entries[i];
            if (en->used == 0)
                slot = en;
            else if (lru == NULL || en->used < lru->used)
                lru = en;
        }
        if (lru == NULL || (slot != NULL && total + size <= CACHE_BYTES))
            break;
        total -= lru->size;
        entry_clear(lru);
    }
    slot->epoch = epoch;
    snprintf(slot->level, sizeof(slot->level), "%s", level);
    snprintf(slot->period, sizeof(slot->period), "%s", period);
    slot->used = ++clock_tick;
    slot->n = n;
    slot->size = size;
    slot->items = (struct place_score *)block;
    pthread_mutex_unlock(&mu);
}

void govindex_cache_count(enum govindex_how how)
{
    atomic_fetch_add(&counted[how], 1);
}

uint64_t govindex_cache_counted(enum govindex_how how)
{
    return atomic_load(&counted[how]);
}
