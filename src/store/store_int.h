/* store_int.h - what the backends implement: the ops table (after SQLite's VFS) and the base
 * connection struct every backend connection starts with. Only store*.c include this. */
#ifndef GG_STORE_INT_H
#define GG_STORE_INT_H

#include "core/embed.h"
#include "store/store.h"

enum db_role { DB_READER, DB_WRITER };

struct store_ops {
    const char *name; /* "sqlite", "postgres" */
    int group_commit; /* 1: one writer thread batches all writes */
    struct db *(*connect)(const struct store_config *cfg, enum db_role role, struct err *e);
    void (*disconnect)(struct db *db);
    int (*exec)(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np);
    int (*query)(struct db *db, struct arena *a, struct dbrows *out, struct err *e, const char *sql,
                 const struct dbv *p, int np);
    int (*script)(struct db *db, struct err *e, const char *sql);
    /* db_each: stream the rows; the row accessors read the row the backend passes to fn. */
    int (*each)(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np,
                db_row_fn fn, void *ctx);
    const char *(*row_text)(const struct dbrow *r, int col, size_t *len);
    int64_t (*row_int)(const struct dbrow *r, int col);
    int (*row_null)(const struct dbrow *r, int col);
    /* An INSERT into a table keyed by an integer column `id`; *id gets the new row's. */
    int (*insert)(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np,
                  int64_t *id);
    /* SQL that takes the migration lock inside a transaction ("" when the file lock suffices). */
    const char *migrate_lock_sql;
    /* Drop every table, inside a write transaction. */
    int (*wipe)(struct db *db, struct err *e);
    const char *begin_write_sql; /* BEGIN IMMEDIATE / BEGIN */
    const char *checkpoint_sql;  /* run by the checkpoint thread; NULL = the backend needs none */
};

struct db {
    const struct store_ops *ops;
    struct db *next_free; /* pool link */
};

/* One row of db_each: the backend's handle (a statement, a result) and the row in it. */
struct dbrow {
    const struct store_ops *ops;
    void *h;
    int i;
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

#endif
