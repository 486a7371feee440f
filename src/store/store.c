/* store.c - backend choice, the read-connection pool, migrations, and the write path:
 * group commit through one writer thread (SQLite) or a pooled transaction (PostgreSQL). */
#include "store/store_int.h"
#include "core/log.h"
#include "core/util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct write_job {
    store_fn fn;
    void *ctx;
    struct err *e;
    int rc;
    int done;
    struct write_job *next;
};

struct store {
    const struct store_ops *ops;
    struct store_config cfg;
    char *dsn;

    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv;
    struct db *free_list;
    int pool_size;
    struct db **all; /* every pool connection, for store_close */
    int nall, cap_all;
    uint64_t id; /* tells this store's parked connections from an older one's */
    _Atomic uint64_t reads;
    struct err grow_err; /* the last failure to grow the pool (under pool_mu) */

    /* group commit */
    pthread_t writer;
    int writer_running, stopping;

    /* WAL checkpoints, off the writer thread so commits do not wait for their fsync */
    pthread_t checkpointer;
    int checkpointer_running, checkpointer_stop;
    struct db *cdb;
    pthread_mutex_t c_mu;
    pthread_cond_t c_cv;
    struct db *wdb;
    pthread_mutex_t q_mu;
    pthread_cond_t q_cv;    /* jobs queued / stop */
    pthread_cond_t done_cv; /* a batch committed */
    struct write_job *q_head, *q_tail;

    pthread_mutex_t stats_mu;
    struct store_stats stats;
};

int64_t dbrows_int(const struct dbrows *r, int row, int col)
{
    const char *v = dbrows_get(r, row, col);
    return v ? strtoll(v, NULL, 10) : 0;
}

int db_exec(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np)
{
    return db->ops->exec(db, e, sql, p, np);
}

int db_query(struct db *db, struct arena *a, struct dbrows *out, struct err *e, const char *sql,
             const struct dbv *p, int np)
{
    return db->ops->query(db, a, out, e, sql, p, np);
}

int db_each(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np,
            db_row_fn fn, void *ctx)
{
    return db->ops->each(db, e, sql, p, np, fn, ctx);
}

const char *dbrow_text(const struct dbrow *r, int col, size_t *len)
{
    return r->ops->row_text(r, col, len);
}

int64_t dbrow_int(const struct dbrow *r, int col)
{
    return r->ops->row_int(r, col);
}

int dbrow_null(const struct dbrow *r, int col)
{
    return r->ops->row_null(r, col);
}

int db_insert(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np,
              int64_t *id)
{
    return db->ops->insert(db, e, sql, p, np, id);
}

int db_script(struct db *db, struct err *e, const char *sql)
{
    return db->ops->script(db, e, sql);
}

int db_ping(struct db *db, struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc = db_query(db, &a, &r, e, "SELECT 1", DB_NOARGS);
    arena_free(&a);
    return rc;
}

const char *db_backend(const struct db *db)
{
    return db->ops->name;
}

const char *store_backend(const struct store *s)
{
    return s->ops->name;
}

/* ---- migrations ---- */

static int suffix_is(const char *name, const char *suffix)
{
    size_t n = strlen(name), m = strlen(suffix);
    return n >= m && strcmp(name + n - m, suffix) == 0;
}

static int migrate(struct store *s, struct db *db, struct err *e)
{
    const char *suffix = strcmp(s->ops->name, "sqlite") == 0 ? ".sqlite.sql" : ".pg.sql";
    struct arena a;
    int rc;

    arena_init(&a, 0);
    rc = db_script(db, e,
                   "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                   "name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    if (rc != ERR_OK)
        goto out;
    for (int i = 0; i < schema_files_count; i++) {
        const struct embedded_file *f = &schema_files[i];
        const char *base = strrchr(f->name, '/');
        base = base ? base + 1 : f->name;
        if (!suffix_is(base, suffix))
            continue;
        long version = strtol(base, NULL, 10);
        struct dbrows r;
        if ((rc = db_script(db, e, s->ops->begin_write_sql)) != ERR_OK)
            goto out;
        if (s->ops->migrate_lock_sql[0] && (rc = db_script(db, e, s->ops->migrate_lock_sql)) != 0)
            goto rollback;
        rc = db_query(db, &a, &r, e, "SELECT 1 FROM schema_migrations WHERE version = ?",
                      DB_ARGS(DBI(version)));
        if (rc != ERR_OK)
            goto rollback;
        if (r.nrows == 0) {
            if ((rc = db_script(db, e, f->data)) != ERR_OK) {
                log_error("migration %s failed: %s", base, e->msg);
                goto rollback;
            }
            rc = db_exec(db, e,
                         "INSERT INTO schema_migrations (version, name, applied_at) "
                         "VALUES (?, ?, ?)",
                         DB_ARGS(DBI(version), DBS(base), DBI(time(NULL))));
            if (rc < 0)
                goto rollback;
            log_info("applied migration %s", base);
        }
        if ((rc = db_script(db, e, "COMMIT")) != ERR_OK)
            goto out;
        continue;
    rollback:
        db_script(db, NULL, "ROLLBACK");
        goto out;
    }
    rc = ERR_OK;
out:
    arena_free(&a);
    return rc;
}

/* ---- the writer thread ---- */

static const struct store_batch_hooks *batch_hooks;
static __thread int in_batch;

void store_batch_hooks_set(const struct store_batch_hooks *h)
{
    batch_hooks = h;
}

int store_in_batch(void)
{
    return in_batch;
}

static void run_batch(struct store *s, struct write_job *jobs)
{
    struct db *db = s->wdb;
    struct err ce = {0};
    int n = 0, rc;
    rc = db_script(db, &ce, s->ops->begin_write_sql);
    if (rc == ERR_OK) {
        in_batch = batch_hooks != NULL;
        for (struct write_job *j = jobs; j; j = j->next, n++) {
            if (db_script(db, j->e, "SAVEPOINT job") != ERR_OK) {
                j->rc = ERR_STORE;
                continue;
            }
            j->rc = j->fn(db, j->ctx, j->e);
            if (j->rc != ERR_OK)
                db_script(db, NULL, "ROLLBACK TO job");
            if (in_batch)
                batch_hooks->job_end(j->rc == ERR_OK);
            db_script(db, NULL, "RELEASE job");
        }
        if (in_batch && (rc = batch_hooks->flush(db, &ce)) != ERR_OK)
            db_script(db, NULL, "ROLLBACK");
        in_batch = 0;
    }
    if (rc == ERR_OK) {
        double t1 = time_mono();
        rc = db_script(db, &ce, "COMMIT");
        pthread_mutex_lock(&s->stats_mu);
        s->stats.commits++;
        s->stats.batched_jobs += (uint64_t)n;
        s->stats.commit_seconds += time_mono() - t1;
        pthread_mutex_unlock(&s->stats_mu);
        if (rc != ERR_OK)
            db_script(db, NULL, "ROLLBACK");
    }
    if (rc != ERR_OK) {
        log_error("write batch failed: %s", ce.msg);
        for (struct write_job *j = jobs; j; j = j->next) {
            if (j->rc == ERR_OK)
                j->rc = err_set(j->e, ERR_STORE, NULL, "transaction failed: %s", ce.msg);
        }
    }
    pthread_mutex_lock(&s->q_mu);
    for (struct write_job *j = jobs; j; j = j->next)
        j->done = 1;
    pthread_cond_broadcast(&s->done_cv);
    pthread_mutex_unlock(&s->q_mu);
}

static void *writer_main(void *arg)
{
    struct store *s = arg;
    pthread_mutex_lock(&s->q_mu);
    for (;;) {
        while (s->q_head == NULL && !s->stopping)
            pthread_cond_wait(&s->q_cv, &s->q_mu);
        if (s->q_head == NULL && s->stopping)
            break;
        /* take up to batch_max jobs */
        struct write_job *first = s->q_head, *last = first;
        int n = 1;
        while (last->next && n < s->cfg.batch_max) {
            last = last->next;
            n++;
        }
        s->q_head = last->next;
        if (s->q_head == NULL)
            s->q_tail = NULL;
        last->next = NULL; /* the batch is private to the writer from here */
        pthread_mutex_unlock(&s->q_mu);
        run_batch(s, first);
        pthread_mutex_lock(&s->q_mu);
    }
    pthread_mutex_unlock(&s->q_mu);
    if (batch_hooks != NULL)
        batch_hooks->thread_end();
    return NULL;
}

int store_write(struct store *s, store_fn fn, void *ctx, struct err *e)
{
    double t0 = time_mono();
    int rc;

    if (s->ops->group_commit) {
        /* the job waits in the queue until the writer thread has committed its batch */
        struct write_job *job = xcalloc(1, sizeof(*job));
        job->fn = fn;
        job->ctx = ctx;
        job->e = e;
        pthread_mutex_lock(&s->q_mu);
        if (s->q_tail)
            s->q_tail->next = job;
        else
            s->q_head = job;
        s->q_tail = job;
        pthread_cond_signal(&s->q_cv);
        while (!job->done)
            pthread_cond_wait(&s->done_cv, &s->q_mu);
        pthread_mutex_unlock(&s->q_mu);
        rc = job->rc;
        free(job);
    } else {
        struct db *db = store_acquire(s);
        rc = db_script(db, e, s->ops->begin_write_sql);
        if (rc == ERR_OK) {
            rc = fn(db, ctx, e);
            if (rc == ERR_OK) {
                double t1 = time_mono();
                rc = db_script(db, e, "COMMIT");
                pthread_mutex_lock(&s->stats_mu);
                s->stats.commits++;
                s->stats.batched_jobs++;
                s->stats.commit_seconds += time_mono() - t1;
                pthread_mutex_unlock(&s->stats_mu);
            }
            if (rc != ERR_OK)
                db_script(db, NULL, "ROLLBACK");
        }
        store_release(s, db);
    }
    pthread_mutex_lock(&s->stats_mu);
    s->stats.writes++;
    s->stats.write_wait_seconds += time_mono() - t0;
    pthread_mutex_unlock(&s->stats_mu);
    return rc;
}

/* ---- checkpoints ---- */

#define CHECKPOINT_MS 250

static void *checkpointer_main(void *arg)
{
    struct store *s = arg;
    pthread_mutex_lock(&s->c_mu);
    while (!s->checkpointer_stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += CHECKPOINT_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->c_cv, &s->c_mu, &until);
        if (s->checkpointer_stop)
            break;
        pthread_mutex_unlock(&s->c_mu);
        struct err e = {0};
        if (db_script(s->cdb, &e, s->ops->checkpoint_sql) != ERR_OK)
            log_warn("checkpoint: %s", e.msg);
        pthread_mutex_lock(&s->c_mu);
    }
    pthread_mutex_unlock(&s->c_mu);
    return NULL;
}

/* ---- pool ---- */

/* Each thread parks the connection it last released and takes it back next time, without
 * the pool's lock: request threads then never contend for connections (measured: the pool
 * mutex was most of the futex calls of a read). When the pool runs dry because connections
 * are parked, it grows, up to POOL_GROW_MAX connections beyond its configured size. */
#define POOL_GROW_MAX 256

static _Atomic uint64_t store_ids = 1;

/* A thread's parked connection. When the thread ends (a connection's thread, say) the
 * connection goes back to its store's pool, if that store is still open. */
struct parking {
    uint64_t store_id;
    struct db *db;
};

static pthread_key_t park_key;
static pthread_once_t park_once = PTHREAD_ONCE_INIT;
static _Thread_local struct parking *mine;

/* the open stores, so a thread's end can find its parked connection's store */
#define LIVE_MAX 64
static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;
static struct store *live[LIVE_MAX];

static void pool_put(struct store *s, struct db *db)
{
    pthread_mutex_lock(&s->pool_mu);
    db->next_free = s->free_list;
    s->free_list = db;
    pthread_cond_signal(&s->pool_cv);
    pthread_mutex_unlock(&s->pool_mu);
}

static void unpark(void *arg)
{
    struct parking *p = arg;
    if (p->db != NULL) {
        pthread_mutex_lock(&live_mu);
        for (int i = 0; i < LIVE_MAX; i++) {
            if (live[i] != NULL && live[i]->id == p->store_id) {
                pool_put(live[i], p->db);
                break;
            }
        }
        pthread_mutex_unlock(&live_mu);
    }
    free(p);
}

static void park_key_init(void)
{
    pthread_key_create(&park_key, unpark);
}

static void live_set(struct store *s, int add)
{
    pthread_mutex_lock(&live_mu);
    for (int i = 0; i < LIVE_MAX; i++) {
        if (add ? live[i] == NULL : live[i] == s) {
            live[i] = add ? s : NULL;
            break;
        }
    }
    pthread_mutex_unlock(&live_mu);
}

static void pool_track(struct store *s, struct db *db)
{
    if (s->nall == s->cap_all) {
        s->cap_all = s->cap_all ? s->cap_all * 2 : 16;
        s->all = xrealloc(s->all, sizeof(*s->all) * (size_t)s->cap_all);
    }
    s->all[s->nall++] = db;
}

/* A new connection for the pool, while it may grow; NULL otherwise. Caller holds pool_mu. */
static struct db *pool_grow(struct store *s)
{
    if (s->pool_size >= s->cfg.readers + POOL_GROW_MAX)
        return NULL;
    struct db *db = s->ops->connect(&s->cfg, DB_READER, &s->grow_err);
    if (db == NULL) {
        log_warn("cannot open another database connection: %s", s->grow_err.msg);
        return NULL;
    }
    s->pool_size++;
    pool_track(s, db);
    return db;
}

struct db *store_acquire(struct store *s)
{
    atomic_fetch_add_explicit(&s->reads, 1, memory_order_relaxed);
    if (mine != NULL && mine->db != NULL && mine->store_id == s->id) {
        struct db *db = mine->db;
        mine->db = NULL;
        return db;
    }
    pthread_mutex_lock(&s->pool_mu);
    while (s->free_list == NULL) {
        struct db *db = pool_grow(s);
        if (db != NULL) {
            pthread_mutex_unlock(&s->pool_mu);
            return db;
        }
        pthread_cond_wait(&s->pool_cv, &s->pool_mu);
    }
    struct db *db = s->free_list;
    s->free_list = db->next_free;
    pthread_mutex_unlock(&s->pool_mu);
    return db;
}

void store_release(struct store *s, struct db *db)
{
    if (db == NULL)
        return;
    if (mine == NULL) {
        pthread_once(&park_once, park_key_init);
        mine = xcalloc(1, sizeof(*mine));
        pthread_setspecific(park_key, mine);
    }
    if (mine->db == NULL) {
        mine->db = db;
        mine->store_id = s->id;
        return;
    }
    pool_put(s, db);
}

void store_stats_get(struct store *s, struct store_stats *out)
{
    pthread_mutex_lock(&s->stats_mu);
    *out = s->stats;
    pthread_mutex_unlock(&s->stats_mu);
    out->reads = atomic_load(&s->reads);
}

/* ---- open / close ---- */

struct store *store_open(const struct store_config *cfg, struct err *e)
{
    const struct store_ops *ops;
    if (strncmp(cfg->dsn, "sqlite:", 7) == 0)
        ops = &store_sqlite_ops;
    else if (strncmp(cfg->dsn, "postgres://", 11) == 0 ||
             strncmp(cfg->dsn, "postgresql://", 13) == 0)
        ops = &store_pg_ops;
    else {
        err_set(e, ERR_INVALID, "db", "unknown database '%s': use sqlite:PATH or postgres://...",
                cfg->dsn);
        return NULL;
    }

    struct store *s = xcalloc(1, sizeof(*s));
    s->id = atomic_fetch_add(&store_ids, 1);
    s->ops = ops;
    s->cfg = *cfg;
    s->dsn = xstrdup(cfg->dsn);
    s->cfg.dsn = s->dsn;
    if (s->cfg.readers <= 0)
        s->cfg.readers = 4;
    if (s->cfg.batch_max <= 0)
        s->cfg.batch_max = 512;
    pthread_mutex_init(&s->pool_mu, NULL);
    pthread_cond_init(&s->pool_cv, NULL);
    pthread_mutex_init(&s->q_mu, NULL);
    pthread_cond_init(&s->q_cv, NULL);
    pthread_cond_init(&s->done_cv, NULL);
    pthread_mutex_init(&s->stats_mu, NULL);
    pthread_mutex_init(&s->c_mu, NULL);
    pthread_cond_init(&s->c_cv, NULL);

    /* The migrating connection: the writer on SQLite, the first pool connection otherwise. */
    struct db *first = ops->connect(&s->cfg, ops->group_commit ? DB_WRITER : DB_READER, e);
    if (first == NULL)
        goto fail;
    if (migrate(s, first, e) != ERR_OK) {
        ops->disconnect(first);
        goto fail;
    }
    if (ops->group_commit) {
        s->wdb = first;
    } else {
        first->next_free = s->free_list;
        s->free_list = first;
        s->pool_size++;
        pool_track(s, first);
    }
    while (s->pool_size < s->cfg.readers) {
        struct db *db = ops->connect(&s->cfg, DB_READER, e);
        if (db == NULL)
            goto fail;
        db->next_free = s->free_list;
        s->free_list = db;
        s->pool_size++;
        pool_track(s, db);
    }
    if (ops->group_commit) {
        if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
            err_set(e, ERR_INTERNAL, NULL, "cannot start the writer thread");
            goto fail;
        }
        s->writer_running = 1;
    }
    if (ops->checkpoint_sql != NULL) {
        if ((s->cdb = ops->connect(&s->cfg, DB_WRITER, e)) == NULL)
            goto fail;
        if (pthread_create(&s->checkpointer, NULL, checkpointer_main, s) != 0) {
            err_set(e, ERR_INTERNAL, NULL, "cannot start the checkpoint thread");
            goto fail;
        }
        s->checkpointer_running = 1;
    }
    live_set(s, 1);
    return s;
fail:
    store_close(s);
    return NULL;
}

void store_close(struct store *s)
{
    if (s == NULL)
        return;
    live_set(s, 0); /* threads that end from now on keep their parked connection to themselves */
    if (s->writer_running) {
        pthread_mutex_lock(&s->q_mu);
        s->stopping = 1;
        pthread_cond_signal(&s->q_cv);
        pthread_mutex_unlock(&s->q_mu);
        pthread_join(s->writer, NULL);
    }
    if (s->checkpointer_running) {
        pthread_mutex_lock(&s->c_mu);
        s->checkpointer_stop = 1;
        pthread_cond_signal(&s->c_cv);
        pthread_mutex_unlock(&s->c_mu);
        pthread_join(s->checkpointer, NULL);
    }
    if (s->cdb) {
        /* a last full checkpoint leaves a small WAL behind */
        db_script(s->cdb, NULL, "PRAGMA wal_checkpoint(TRUNCATE)");
        s->ops->disconnect(s->cdb);
    }
    if (s->wdb)
        s->ops->disconnect(s->wdb);
    /* every pool connection, free or parked by a thread (whose store id no longer matches) */
    for (int i = 0; i < s->nall; i++)
        s->ops->disconnect(s->all[i]);
    free(s->all);
    if (mine != NULL && mine->store_id == s->id)
        mine->db = NULL;
    pthread_mutex_destroy(&s->pool_mu);
    pthread_cond_destroy(&s->pool_cv);
    pthread_mutex_destroy(&s->q_mu);
    pthread_cond_destroy(&s->q_cv);
    pthread_cond_destroy(&s->done_cv);
    pthread_mutex_destroy(&s->stats_mu);
    pthread_mutex_destroy(&s->c_mu);
    pthread_cond_destroy(&s->c_cv);
    free(s->dsn);
    free(s);
}

static int wipe_fn(struct db *db, void *ctx, struct err *e)
{
    (void)ctx;
    return db->ops->wipe(db, e);
}

int store_wipe(struct store *s, struct err *e)
{
    return store_write(s, wipe_fn, NULL, e);
}
