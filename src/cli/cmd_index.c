/* cmd_index.c - `gridgov index rebuild [--from YYYY-MM] [--check]`: recompute the counters kept
 * with every write (domain/counters.h) from the records, in one write transaction, and replace
 * the kept ones; with --check only compare them and fail when they differ. */
#include "cli/cli.h"
#include "core/util.h"
#include "domain/govindex.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

struct rebuild {
    const char *from;
    int check;
    int64_t ndiff;
};

static int rebuild_fn(struct db *db, void *ctx, struct err *e)
{
    struct rebuild *rb = ctx;
    struct arena a;
    arena_init(&a, 0);
    int rc = govindex_counters_rebuild(db, &a, rb->from, rb->check, &rb->ndiff, e);
    arena_free(&a);
    return rc;
}

int cmd_index(struct cli *c)
{
    struct err e = {0};
    if (c->argc != 1 || strcmp(c->argv[0], "rebuild") != 0 ||
        (c->from != NULL && !month_valid(c->from))) {
        fprintf(stderr, "usage: gridgov index rebuild [--from YYYY-MM] [--check]\n");
        return EXIT_USAGE;
    }
    struct store *s = cli_store_open(c);
    if (s == NULL)
        return EXIT_FAIL;
    struct rebuild rb = {.from = c->from, .check = c->check};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = store_write(s, rebuild_fn, &rb, &e);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    store_close(s);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (rc != ERR_OK) {
        fprintf(stderr, "gridgov index rebuild: %s\n", e.msg);
        return EXIT_FAIL;
    }
    if (c->check) {
        if (rb.ndiff) {
            printf("counters differ from the records: %lld row%s (%.2f s)\n", (long long)rb.ndiff,
                   rb.ndiff == 1 ? "" : "s", secs);
            return EXIT_FAIL;
        }
        printf("counters equal to the records (%.2f s)\n", secs);
        return EXIT_OK;
    }
    printf("counters rebuilt from the records%s%s: %lld row%s changed (%.2f s)\n",
           c->from ? " from " : "", c->from ? c->from : "", (long long)rb.ndiff,
           rb.ndiff == 1 ? "" : "s", secs);
    return EXIT_OK;
}
