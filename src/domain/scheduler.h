/* scheduler.h - the back office (after Fossil's backoffice.c): background threads that each
 * run a pass every few seconds while holding a lease row in `leases`, so that of several
 * gridgov instances on one database only one does the work; and the scheduler's own pass,
 * which escalates overdue cases (督办) and closes verified cases nobody confirmed in time. */
#ifndef GG_SCHEDULER_H
#define GG_SCHEDULER_H

#include <stdint.h>

#include "store/store.h"

/* ---- leases ---- */

#define LEASE_HOLDER_MAX 160

/* This process as a lease holder: "hostname:pid". */
void lease_holder_self(char out[LEASE_HOLDER_MAX]);
/* Take or renew the lease name for holder until now + ttl, in its own write transaction.
 * Returns 1 if holder has it now, 0 if another holder's lease has not expired yet, or a
 * negative ERR_*. */
int lease_take(struct store *s, const char *name, const char *holder, int64_t now, int ttl,
               struct err *e);
/* Give the lease up (only if holder has it), so another instance may take it at once. */
int lease_release(struct store *s, const char *name, const char *holder, struct err *e);

/* ---- background threads ---- */

struct backoffice;
/* One pass of a background job; runs only while the thread holds its lease. */
typedef void (*backoffice_fn)(struct store *s, struct backoffice *bo, void *ctx);

/* Start a thread that, every interval_ms, takes or renews the lease `name` (ttl seconds) and,
 * holding it, runs fn. Returns NULL (logged) if the thread cannot start. */
struct backoffice *backoffice_start(struct store *s, const char *name, int interval_ms, int ttl,
                                    backoffice_fn fn, void *ctx);
/* Ask the thread to stop, wait for it (an HTTP delivery in flight is aborted), release the
 * lease and free everything. NULL is ignored. */
void backoffice_stop(struct backoffice *bo);
/* 1 once backoffice_stop was called: a long pass should return soon. */
int backoffice_stopping(struct backoffice *bo);
/* 1 if the thread still holds its lease for at least need more seconds, renewing it if less
 * remains; 0 if another instance has it (the pass should stop). */
int backoffice_hold(struct backoffice *bo, int need);

/* ---- the scheduler ---- */

#define SCHEDULER_INTERVAL 30 /* seconds between passes */
#define SCHEDULER_LEASE_TTL 90

struct scheduler_report {
    int escalated; /* overdue open cases escalated */
    int closed;    /* verified cases closed after the confirmation window */
    int skipped;   /* changed meanwhile (another step or instance came first) */
    int failed;    /* errors, logged */
};

/* One pass at time now: every open case (submitted .. resolved) with stage_due_at < now gets
 * an `escalate` step, every verified case with stage_due_at < now a `close` step, each by the
 * scheduler in its own write transaction; then the index's change log is pruned to its last
 * 10,000 epochs (counters.h). Returns ERR_OK, or the error that stopped the pass (logged);
 * per-case errors only count in failed. */
int scheduler_run_once(struct store *s, int64_t now, struct scheduler_report *out);

/* The scheduler thread of `gridgov serve` (lease 'scheduler', every 30 s); each hour it also
 * raises the index's early warnings of the last completed month (index_warn_tick). */
struct backoffice *scheduler_start(struct store *s);
void scheduler_stop(struct backoffice *bo);

#endif
