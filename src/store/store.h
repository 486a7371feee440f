/* store.h - the storage interface: connections, portable SQL, reads and group-committed writes.
 *
 * Domain code writes one SQL dialect (the common subset of SQLite 3.40 and PostgreSQL 15, with
 * `?` placeholders) and calls db_exec/db_query on a connection. The backend (store_sqlite.c,
 * store_pg.c) behind an ops table translates placeholders, caches prepared statements and maps
 * its own error codes (SQLITE_CONSTRAINT_UNIQUE, SQLSTATE 23505 ...) to ERR_* codes, so no SQL
 * error code ever reaches domain code.
 *
 * Writes go through store_write(): the callback runs inside a transaction and the call returns
 * only after that transaction has committed. On SQLite one writer thread batches concurrent
 * callers into one transaction (group commit), each caller in its own savepoint. */
#ifndef GG_STORE_H
#define GG_STORE_H

#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct store;
struct db;

enum dbt { DB_NULL, DB_INT, DB_TEXT, DB_REAL };

/* One bound parameter. */
struct dbv {
    enum dbt t;
    int64_t i;
    const char *s;
    double d;
};

/* A text parameter, NULL as SQL NULL; a function so that its argument is evaluated once. */
static inline struct dbv db_text(const char *s)
{
    return (struct dbv){s != NULL ? DB_TEXT : DB_NULL, 0, s, 0};
}

#define DBI(x) ((struct dbv){DB_INT, (int64_t)(x), NULL, 0})
#define DBS(x) db_text(x)
#define DBR(x) ((struct dbv){DB_REAL, 0, NULL, (double)(x)})
#define DBNULL ((struct dbv){DB_NULL, 0, NULL, 0})

/* A result set: every value as text (NULL for SQL NULL), allocated from the caller's arena. */
struct dbrows {
    int nrows, ncols;
    const char **names;
    const char **vals; /* nrows * ncols */
};

static inline const char *dbrows_get(const struct dbrows *r, int row, int col)
{
    return r->vals[row * r->ncols + col];
}
int64_t dbrows_int(const struct dbrows *r, int row, int col);

/* Run a statement; returns the number of changed rows (>= 0) or a negative ERR_*. */
int db_exec(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np);
/* Run a query; out receives all rows. Returns ERR_OK or a negative ERR_*. */
int db_query(struct db *db, struct arena *a, struct dbrows *out, struct err *e, const char *sql,
             const struct dbv *p, int np);
/* Stream a query's rows to fn, one at a time, without keeping them: for scans of a whole table
 * (the counters' rebuild). A row is valid during the call only; fn's error stops the scan and is
 * returned. Values are read typed, so integers are never formatted as text. */
struct dbrow;
typedef int (*db_row_fn)(const struct dbrow *row, void *ctx, struct err *e);
int db_each(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np,
            db_row_fn fn, void *ctx);
/* A column of a db_each row: text (NULL for SQL NULL; *len its length when len is not NULL),
 * an integer (0 for NULL), or whether it is NULL. */
const char *dbrow_text(const struct dbrow *r, int col, size_t *len);
int64_t dbrow_int(const struct dbrow *r, int col);
int dbrow_null(const struct dbrow *r, int col);
/* Run an INSERT into a table keyed by an integer column `id`: *id gets the new row's id (the
 * last-insert rowid on SQLite, RETURNING id on PostgreSQL). Returns ERR_OK or a negative ERR_*. */
int db_insert(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np,
              int64_t *id);
/* Run a script of several statements without parameters (migrations). */
int db_script(struct db *db, struct err *e, const char *sql);
/* Does the database answer a trivial query? ERR_OK or a negative ERR_* (for /healthz). */
int db_ping(struct db *db, struct err *e);
/* Which backend: "sqlite" or "postgres" (for the rare statement that must differ). */
const char *db_backend(const struct db *db);

#define DB_ARGS(...)                                                                               \
    ((const struct dbv[]){__VA_ARGS__}),                                                           \
        (int)(sizeof((const struct dbv[]){__VA_ARGS__}) / sizeof(struct dbv))
#define DB_NOARGS NULL, 0

struct store_config {
    const char *dsn; /* sqlite:PATH | postgres://... */
    int readers;     /* read connections in the pool */
    int sync_full;   /* SQLite synchronous=FULL instead of NORMAL */
    int batch_max;   /* most write jobs in one SQLite transaction */
};

/* Open (and migrate) the store. Returns NULL with e filled on failure. */
struct store *store_open(const struct store_config *cfg, struct err *e);
void store_close(struct store *s);
const char *store_backend(const struct store *s);

/* Borrow a read connection (blocks while all are in use); give it back with store_release. */
struct db *store_acquire(struct store *s);
void store_release(struct store *s, struct db *db);

typedef int (*store_fn)(struct db *db, void *ctx, struct err *e);
/* Run fn in a write transaction; return after commit. fn's error rolls back its own work only. */
int store_write(struct store *s, store_fn fn, void *ctx, struct err *e);

/* Work the jobs of one group-commit batch (SQLite's writer thread) leave to its end, so that
 * what they share is written once (domain/counters.c): job_end(ok) after each job, before its
 * savepoint is released (!ok: it was rolled back, forget its share); flush(db) before COMMIT,
 * its error fails the batch. Set once, before any store is opened. store_in_batch() tells a job
 * it runs in such a batch: never on PostgreSQL (a transaction per write) or without hooks. */
struct store_batch_hooks {
    void (*job_end)(int ok);
    int (*flush)(struct db *db, struct err *e);
    void (*thread_end)(void); /* the writer thread ends: free what it kept for its batches */
};
void store_batch_hooks_set(const struct store_batch_hooks *h);
int store_in_batch(void);

/* Drop every table (used by `gridgov demo` on a database marked as a demo, and by tests). */
int store_wipe(struct store *s, struct err *e);

/* SQLite files outside a store, for backup and restore (in store_sqlite.c). store_file_open opens
 * "sqlite:PATH" without migrating it: read_only for a file that must exist and is only read,
 * else for writing (created if missing). On a PostgreSQL DSN it fails with ERR_INVALID: its
 * backups are pg_dump and pg_restore. */
struct db *store_file_open(const char *dsn, int read_only, struct err *e);
void store_file_close(struct db *db);
/* PRAGMA quick_check: ERR_OK, or ERR_INVALID naming the first problem. */
int store_file_check(struct db *db, struct err *e);
/* Replace dst's whole content with src's through SQLite's online backup API, in one step: src
 * is read in one read transaction, a consistent snapshot while other connections keep writing
 * to it. single_file: then leave dst in rollback-journal mode, one self-contained file (a server
 * that opens it sets WAL again). */
int store_file_copy(struct db *src, struct db *dst, int single_file, struct err *e);

/* Timings for /metrics: cumulative counts and seconds per kind. */
struct store_stats {
    uint64_t reads, writes, commits, batched_jobs;
    double write_wait_seconds, commit_seconds;
};
void store_stats_get(struct store *s, struct store_stats *out);

#endif
