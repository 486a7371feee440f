/* counters.h - figures kept with every write. A record (a case, a registry record) contributes a
 * list of metrics at its place and date: its facts. Every write that changes a record takes back
 * the facts it had and adds the facts it has, in the same transaction, at the record's place and
 * every ancestor (grid, community, street, district), for the month of its date and, for the
 * daily metrics, the day. Dashboards and the index then read O(places) rows, never the records.
 *
 * `gridgov index rebuild` recomputes the counters from the records through the same facts
 * (counter_acc), so what is kept and what is recomputed cannot differ in definition; `--check`
 * compares the two without writing.
 *
 * Periods are Asia/Shanghai calendar months ("2026-11") and days ("2026-11-29"); quarters and
 * years are sums of months. */
#ifndef GG_COUNTERS_H
#define GG_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"

#define COUNTER_METRIC_MAX 48
#define COUNTER_FACTS_MAX 16

struct counter_fact {
    char metric[COUNTER_METRIC_MAX];
    int64_t value;
    int daily; /* kept per day as well as per month */
};

/* What one record counts for: place NULL counts nowhere (an archived record). */
struct counter_facts {
    const char *place;
    int64_t at; /* the instant that dates the record (its creation), UTC seconds */
    int n;
    struct counter_fact m[COUNTER_FACTS_MAX];
};

void counter_facts_init(struct counter_facts *f, const char *place, int64_t at);
/* Add a metric (printf-style name); names longer than COUNTER_METRIC_MAX-1 are cut. */
void counter_fact_add(struct counter_facts *f, int64_t value, int daily, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* In a write transaction: take back old's facts and add new's (either may be NULL). Facts
 * present in both at the same place and period cancel and are not written. */
int counters_move(struct db *db, const struct counter_facts *old, const struct counter_facts *now,
                  struct err *e);
/* Inside a group commit (store_batch_hooks), counters_move's rows are merged over the batch and
 * written before COMMIT: install that once, before a store opens (main). A job that reads the
 * counters in its own transaction calls counters_pending_write first (the earlier jobs' rows). */
void counters_batch_install(void);
int counters_pending_write(struct db *db, struct err *e);

/* The month ("2026-11") and day ("2026-11-29") of an instant in Asia/Shanghai. */
void counter_month(int64_t at, char out[8]);
void counter_day(int64_t at, char out[11]);
/* The month after m ("2026-12" -> "2027-01"). */
void counter_month_after(const char *m, char out[8]);
/* SQL expressions for the same of an integer column of UTC seconds, per backend. */
const char *counter_month_sql(struct db *db, const char *col);
const char *counter_day_sql(struct db *db, const char *col);

/* ---- reading ---- */

/* Sums of the metrics starting with prefix at place over the months [from, to) ("2026-01",
 * NULL = open), one row per metric: (metric, sum). */
int counters_sum_months(struct db *db, struct arena *a, const char *place, const char *prefix,
                        const char *from, const char *to, struct dbrows *out, struct err *e);
/* The month rows of the children of place, metrics in [lo, hi), months [from, to), streamed
 * to fn unsummed and in no set order: (place_code, metric, value). With neither from nor to,
 * each child's running total instead (one row per child and metric: every month summed). */
int counters_each_child(struct db *db, struct arena *a, const char *place, const char *lo,
                        const char *hi, const char *from, const char *to, db_row_fn fn, void *ctx,
                        struct err *e);
/* The same per month: rows (period, metric, sum). */
int counters_by_month(struct db *db, struct arena *a, const char *place, const char *prefix,
                      const char *from, const char *to, struct dbrows *out, struct err *e);
/* One daily metric per day over [from, to) days: rows (period, value). */
int counters_by_day(struct db *db, struct arena *a, const char *place, const char *metric,
                    const char *from, const char *to, struct dbrows *out, struct err *e);

/* ---- a level's rows and running totals (counters_total, 020) ---- */

/* counters_total keeps, per metric and place, the sum of all its months (with every write): a
 * stock at the end of month P is that total less the months after P. */
typedef int (*counter_level_fn)(const char *place, size_t len, const char *period, int64_t value,
                                void *ctx);
/* metric's rows at the places of code length depth under the code prefix under: with totals,
 * each place's running total (period NULL); with from, its months in [from, to] (to NULL:
 * open). fn's return other than ERR_OK stops the scan. */
int counters_level_each(struct db *db, struct arena *a, const char *metric, size_t depth,
                        const char *under, int totals, const char *from, const char *to,
                        counter_level_fn fn, void *ctx, struct err *e);
/* The stock of metric at place at the end of month ("2026-11"): everything up to it. */
int counters_stock(struct db *db, struct arena *a, const char *place, const char *metric,
                   const char *month, int64_t *out, struct err *e);
/* Compare the running totals with the sum of the month rows (*ndiff: how many differ), or with
 * write make them equal (*ndiff: how many changed). One statement: after the rebuild. */
int counters_totals_sync(struct db *db, int write, int64_t *ndiff, struct err *e);

/* ---- the index's epoch (index_epoch, 024) and its change log (index_changes, 025) ---- */

/* The number that versions everything a ranking reads: every write transaction that changes
 * counters moves it once per transaction or batch of counter rows, and logs under it the places
 * of the records it changed; places, indicators (by triggers) and a rebuild move every score
 * (all_at). A server's kept scores (govindex_cache.c) are served while n holds, and brought up
 * to date from the log when only a few places changed. */
struct index_epoch {
    int64_t n;
    int64_t all_at;       /* the last epoch that moved every score */
    int64_t logged_after; /* index_changes holds every change after this epoch (pruned before) */
};
#define INDEX_CHANGES_MAX 256 /* a transaction that changes more places moves every score */
/* Move the epoch and log places (n of them, only the deepest of each line kept); places NULL
 * or more than INDEX_CHANGES_MAX: every score moves. */
int index_epoch_bump(struct db *db, const char *const *places, int n, struct err *e);
int index_epoch_read(struct db *db, struct arena *a, struct index_epoch *out, struct err *e);
/* The places of code length len under the changes after epoch (each change's code cut to
 * len; changes at shorter codes leave out), in no set order: at most max + 1 (more than max,
 * the caller computes the scores again whole). */
int index_changes_since(struct db *db, struct arena *a, int64_t epoch, size_t len, int max,
                        struct dbrows *out, struct err *e);
/* Keep the log of the last keep epochs (*deleted: the rows that went). */
int index_changes_prune(struct db *db, int64_t keep, int64_t *deleted, struct err *e);

/* ---- recomputing ---- */

/* Counters recomputed in memory (counter_acc.c): add the facts of every record (times weight: a
 * group of records with the same facts), then compare or write. */
struct counter_acc;
struct counter_acc *counter_acc_new(void);
/* The same with a cache of 2^hot_bits sums (default 18): tests make it tiny to force evictions. */
struct counter_acc *counter_acc_new_sized(int hot_bits);
void counter_acc_free(struct counter_acc *acc);
/* 0, or -1 when the record cannot be counted (dated before 1970 or after 4840, or more than 4
 * million places or 2 million metric names). A place that is not a place code counts nowhere. */
int counter_acc_add(struct counter_acc *acc, const struct counter_facts *f, int64_t weight);

/* The same for a stream of records, without formatting or interning per record: a record's
 * metrics as a template (made once per set of facts), its place as an id. */
struct counter_tmpl {
    int n;
    uint32_t metric[COUNTER_FACTS_MAX];
    int64_t value[COUNTER_FACTS_MAX];
    unsigned char daily[COUNTER_FACTS_MAX];
};
int counter_acc_tmpl(struct counter_acc *acc, const struct counter_facts *f,
                     struct counter_tmpl *t);
/* The id of code[0..len), or -1 when it is not a place code. */
int32_t counter_acc_place(struct counter_acc *acc, const char *code, size_t len);
int counter_acc_add_tmpl(struct counter_acc *acc, const struct counter_tmpl *t, int32_t place,
                         int64_t at, int64_t weight);

/* Make the kept counters whose metric starts with one of prefixes (a NULL-terminated list;
 * months >= from_month, NULL: all) equal to acc's, writing only the rows that differ
 * (*nchanged of them), in key order. */
int counters_replace(struct db *db, struct arena *a, struct counter_acc *acc,
                     const char *const *prefixes, const char *from_month, int64_t *nchanged,
                     struct err *e);
/* Compare them without writing; *ndiff gets the number of rows that differ (zero rows count as
 * absent), and the first few are logged. */
int counters_compare(struct db *db, struct arena *a, struct counter_acc *acc,
                     const char *const *prefixes, const char *from_month, int64_t *ndiff,
                     struct err *e);
/* After a compare (write 0) or a replace (write 1) of every month (from_month NULL), in the
 * same transaction and while a's strings live: the running totals of those metrics against the
 * month rows as it left them, from its own sums instead of reading the month rows again (else
 * counters_totals_sync). *ndiff: the totals that differ (or were mended). */
int counters_totals_after(struct db *db, struct counter_acc *acc, int write, int64_t *ndiff,
                          struct err *e);

#endif
