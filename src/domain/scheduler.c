/* scheduler.c - the back office: lease rows, the background threads that run under them, and
 * the scheduler's pass over overdue and unconfirmed cases.
 *
 * A lease is one row of `leases` (name, holder, expires_at), taken or renewed with one portable
 * upsert that only succeeds if the row is free, expired or already ours. A thread renews its
 * lease well before it runs out and runs its pass only while holding it; on a clean stop it
 * deletes the row so another instance can take over at once, and after a crash the row simply
 * expires. Every write goes through store_write. */
#include "domain/scheduler.h"
#include "core/log.h"
#include "domain/calendar.h"
#include "domain/case.h"
#include "domain/counters.h"
#include "domain/index_warn.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- leases ---- */

void lease_holder_self(char out[LEASE_HOLDER_MAX])
{
    char host[128];
    if (gethostname(host, sizeof(host)) != 0)
        snprintf(host, sizeof(host), "unknown");
    host[sizeof(host) - 1] = '\0';
    snprintf(out, LEASE_HOLDER_MAX, "%s:%ld", host, (long)getpid());
}

struct lease_ctx {
    const char *name, *holder;
    int64_t now;
    int ttl;
    int got;
};

static int lease_take_fn(struct db *db, void *arg, struct err *e)
{
    struct lease_ctx *c = arg;
    int rc = db_exec(
        db, e,
        "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT "
        "(name) DO UPDATE SET holder = excluded.holder, expires_at = "
        "excluded.expires_at WHERE leases.expires_at < ? OR leases.holder = ?",
        DB_ARGS(DBS(c->name), DBS(c->holder), DBI(c->now + c->ttl), DBI(c->now), DBS(c->holder)));
    if (rc < 0)
        return rc;
    c->got = rc > 0;
    return ERR_OK;
}

int lease_take(struct store *s, const char *name, const char *holder, int64_t now, int ttl,
               struct err *e)
{
    struct lease_ctx c = {name, holder, now, ttl, 0};
    int rc = store_write(s, lease_take_fn, &c, e);
    return rc != ERR_OK ? rc : c.got;
}

static int lease_release_fn(struct db *db, void *arg, struct err *e)
{
    struct lease_ctx *c = arg;
    int rc = db_exec(db, e, "DELETE FROM leases WHERE name = ? AND holder = ?",
                     DB_ARGS(DBS(c->name), DBS(c->holder)));
    return rc < 0 ? rc : ERR_OK;
}

int lease_release(struct store *s, const char *name, const char *holder, struct err *e)
{
    struct lease_ctx c = {name, holder, 0, 0, 0};
    return store_write(s, lease_release_fn, &c, e);
}

/* ---- background threads ---- */

struct backoffice {
    struct store *s;
    char name[32];
    char holder[LEASE_HOLDER_MAX];
    int interval_ms, ttl;
    backoffice_fn fn;
    void *ctx;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_int stop;
    int held; /* this thread only */
    int64_t held_until;
};

int backoffice_stopping(struct backoffice *bo)
{
    return bo != NULL && atomic_load(&bo->stop);
}

int backoffice_hold(struct backoffice *bo, int need)
{
    struct err e = {0};
    int64_t now = time(NULL);
    if (bo->held && bo->held_until - now >= need)
        return 1;
    int rc = lease_take(bo->s, bo->name, bo->holder, now, bo->ttl, &e);
    if (rc < 0) {
        log_warn("%s: cannot renew the lease: %s", bo->name, e.msg);
        return 0; /* try again next time; a lease we had still runs until held_until */
    }
    if (rc == 1) {
        if (!bo->held)
            log_info("%s: this instance (%s) does the work now", bo->name, bo->holder);
        bo->held = 1;
        bo->held_until = now + bo->ttl;
        return 1;
    }
    if (bo->held)
        log_warn("%s: another instance took over the lease", bo->name);
    bo->held = 0;
    return 0;
}

static void *backoffice_main(void *arg)
{
    struct backoffice *bo = arg;
    while (!atomic_load(&bo->stop)) {
        if (backoffice_hold(bo, bo->ttl / 2))
            bo->fn(bo->s, bo, bo->ctx);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += bo->interval_ms / 1000;
        until.tv_nsec += (long)(bo->interval_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&bo->mu);
        while (!atomic_load(&bo->stop) &&
               pthread_cond_timedwait(&bo->cv, &bo->mu, &until) != ETIMEDOUT)
            ;
        pthread_mutex_unlock(&bo->mu);
    }
    if (bo->held) {
        struct err e = {0};
        if (lease_release(bo->s, bo->name, bo->holder, &e) != ERR_OK)
            log_warn("%s: cannot release the lease: %s", bo->name, e.msg);
    }
    return NULL;
}

struct backoffice *backoffice_start(struct store *s, const char *name, int interval_ms, int ttl,
                                    backoffice_fn fn, void *ctx)
{
    struct backoffice *bo = calloc(1, sizeof(*bo));
    pthread_condattr_t ca;
    if (bo == NULL)
        return NULL;
    bo->s = s;
    snprintf(bo->name, sizeof(bo->name), "%s", name);
    lease_holder_self(bo->holder);
    bo->interval_ms = interval_ms;
    bo->ttl = ttl;
    bo->fn = fn;
    bo->ctx = ctx;
    atomic_init(&bo->stop, 0);
    pthread_mutex_init(&bo->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&bo->cv, &ca);
    pthread_condattr_destroy(&ca);
    int rc = pthread_create(&bo->thread, NULL, backoffice_main, bo);
    if (rc != 0) {
        log_error("%s: cannot start the thread: %s", name, strerror(rc));
        pthread_cond_destroy(&bo->cv);
        pthread_mutex_destroy(&bo->mu);
        free(bo);
        return NULL;
    }
    return bo;
}

void backoffice_stop(struct backoffice *bo)
{
    if (bo == NULL)
        return;
    pthread_mutex_lock(&bo->mu);
    atomic_store(&bo->stop, 1);
    pthread_cond_signal(&bo->cv);
    pthread_mutex_unlock(&bo->mu);
    pthread_join(bo->thread, NULL);
    pthread_cond_destroy(&bo->cv);
    pthread_mutex_destroy(&bo->mu);
    free(bo);
}

/* ---- the scheduler ---- */

struct sched_step {
    int64_t id;
    enum case_action action;
    const struct calendar *cal;
    struct arena *a;
};

static int sched_step_fn(struct db *db, void *arg, struct err *e)
{
    struct sched_step *c = arg;
    struct case_step st = {
        .action = c->action,
        .note =
            c->action == CA_ESCALATE ? "办理超期，系统自动督办" : "确认期满未评价，系统自动结案",
    };
    struct actor who = {.scheduler = 1};
    struct case_rec cs;
    return case_apply(db, c->a, c->id, &st, &who, c->cal, &cs, e);
}

/* The index's change log (index_changes) holds the last INDEX_CHANGES_KEEP epochs: a server
 * whose kept scores are older computes them again whole. */
#define INDEX_CHANGES_KEEP 10000

static int prune_fn(struct db *db, void *arg, struct err *e)
{
    return index_changes_prune(db, INDEX_CHANGES_KEEP, arg, e);
}

static void changes_prune(struct store *s)
{
    struct err e = {0};
    int64_t deleted = 0;
    if (store_write(s, prune_fn, &deleted, &e) != ERR_OK)
        log_warn("scheduler: cannot prune the index's change log: %s", e.msg);
    else if (deleted > 0)
        log_debug("scheduler: %lld index changes pruned", (long long)deleted);
}

static int scheduler_pass(struct store *s, int64_t now, struct backoffice *bo,
                          struct scheduler_report *out)
{
    struct err e = {0};
    struct db *db = store_acquire(s);
    const struct calendar *cal = calendar_cached(db, &e);
    int64_t after = 0;
    int rc = ERR_OK;

    memset(out, 0, sizeof(*out));
    if (cal == NULL) {
        store_release(s, db);
        log_warn("scheduler: cannot load the calendar: %s", e.msg);
        return e.code;
    }
    while (!backoffice_stopping(bo)) {
        struct arena a;
        struct dbrows r;
        arena_init(&a, 0);
        rc = db_query(db, &a, &r, &e,
                      "SELECT id, status FROM cases WHERE status IN ('submitted', 'accepted', "
                      "'dispatched', 'in_progress', 'resolved', 'verified') AND stage_due_at < ? "
                      "AND id > ? ORDER BY id LIMIT 200",
                      DB_ARGS(DBI(now), DBI(after)));
        if (rc != ERR_OK || r.nrows == 0) {
            arena_free(&a);
            break;
        }
        /* give the read connection back while writing */
        store_release(s, db);
        for (int i = 0; i < r.nrows && !backoffice_stopping(bo); i++) {
            struct arena sa;
            struct err se = {0};
            struct sched_step st = {
                .id = dbrows_int(&r, i, 0),
                .action = strcmp(dbrows_get(&r, i, 1), "verified") == 0 ? CA_CLOSE : CA_ESCALATE,
                .cal = cal,
                .a = &sa,
            };
            arena_init(&sa, 0);
            int src = store_write(s, sched_step_fn, &st, &se);
            arena_free(&sa);
            if (src == ERR_OK && st.action == CA_CLOSE) {
                out->closed++;
            } else if (src == ERR_OK) {
                out->escalated++;
            } else if (src == ERR_CONFLICT) {
                out->skipped++;
                log_debug("scheduler: case %lld changed meanwhile: %s", (long long)st.id, se.msg);
            } else {
                out->failed++;
                log_warn("scheduler: cannot %s case %lld: %s", case_action_name(st.action),
                         (long long)st.id, se.msg);
            }
        }
        after = dbrows_int(&r, r.nrows - 1, 0);
        arena_free(&a);
        db = store_acquire(s);
    }
    store_release(s, db);
    if (rc != ERR_OK)
        log_warn("scheduler: cannot list overdue cases: %s", e.msg);
    if (out->escalated || out->closed || out->failed)
        log_info("scheduler: escalated %d overdue cases, closed %d unconfirmed cases (%d "
                 "skipped, %d failed)",
                 out->escalated, out->closed, out->skipped, out->failed);
    changes_prune(s);
    return rc;
}

int scheduler_run_once(struct store *s, int64_t now, struct scheduler_report *out)
{
    return scheduler_pass(s, now, NULL, out);
}

static void scheduler_job(struct store *s, struct backoffice *bo, void *ctx)
{
    struct scheduler_report r;
    (void)ctx;
    scheduler_pass(s, time(NULL), bo, &r);
    if (!backoffice_stopping(bo))
        index_warn_tick(s, time(NULL)); /* the index's early warning, hourly */
}

struct backoffice *scheduler_start(struct store *s)
{
    return backoffice_start(s, "scheduler", SCHEDULER_INTERVAL * 1000, SCHEDULER_LEASE_TTL,
                            scheduler_job, NULL);
}

void scheduler_stop(struct backoffice *bo)
{
    backoffice_stop(bo);
}
