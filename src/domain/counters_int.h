/* counters_int.h - what counters.c shares with counter_acc.c: a row to add to and the upsert
 * that writes them. Only those two include this. */
#ifndef GG_COUNTERS_INT_H
#define GG_COUNTERS_INT_H

#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"

/* One row to add to: table 0 months (counters_month), 1 days (counters_day). */
struct counter_row {
    int table;
    char place[24];
    char period[11];
    const char *metric;
    int64_t delta;
};

/* Add delta to up to 16 rows of one table in one statement (created when absent). */
int counters_upsert(struct db *db, struct arena *a, int table,
                    const struct counter_row *const *rows, int n, struct err *e);

#endif
