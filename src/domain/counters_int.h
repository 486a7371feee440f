/* counters_int.h - what counters.c shares with counter_acc.c: a row to add to and the upsert
 * that writes them, and the running totals' check. Only those two include this. */
#ifndef GG_COUNTERS_INT_H
#define GG_COUNTERS_INT_H

#include <stddef.h>
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

/* The running totals against sums of month rows: add each month row's value (any order), then
 * settle: read the kept totals (of the metrics starting with one of prefixes, a NULL-terminated
 * list; NULL: all), count (*ndiff) the (place, metric) pairs whose total differs from its
 * months' sum and, with write, make them equal. */
struct counter_totals;
struct counter_totals *counter_totals_new(void);
void counter_totals_free(struct counter_totals *t);
void counter_totals_add_month(struct counter_totals *t, const char *place, size_t np,
                              const char *metric, size_t nm, int64_t value);
int counter_totals_settle(struct db *db, struct counter_totals *t, const char *const *prefixes,
                          int write, int64_t *ndiff, struct err *e);

#endif
