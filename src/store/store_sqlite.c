/* store_sqlite.c - the embedded backend: SQLite 3 in WAL mode with foreign keys, a prepared
 * statement cache per connection, and SQLite result codes mapped to ERR_* here only. */
#include "store/store_int.h"
#include "core/log.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE 128

struct stmt_slot {
    char *sql;
    sqlite3_stmt *st;
};

struct sqlite_db {
    struct db base;
    sqlite3 *h;
    struct stmt_slot cache[STMT_CACHE];
};

static int map_rc(sqlite3 *h, int rc, struct err *e)
{
    const char *msg = sqlite3_errmsg(h);
    int ext = sqlite3_extended_errcode(h);
    switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: {
        const char *dot = strrchr(msg, '.');
        return err_set(e, ERR_CONFLICT, dot ? dot + 1 : NULL, "already exists");
    }
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return err_set(e, ERR_INVALID, NULL, "refers to a record that does not exist");
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_DATATYPE:
        return err_set(e, ERR_INVALID, NULL, "%s", msg);
    default:
        break;
    }
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return err_set(e, ERR_UNAVAILABLE, NULL, "database busy");
    log_error("sqlite: %s (%d)", msg, ext);
    return err_set(e, ERR_STORE, NULL, "sqlite: %s", msg);
}

static unsigned hash_str(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int prepare(struct sqlite_db *d, const char *sql, sqlite3_stmt **out, struct err *e)
{
    struct stmt_slot *slot = &d->cache[hash_str(sql) % STMT_CACHE];
    if (slot->sql && strcmp(slot->sql, sql) == 0) {
        *out = slot->st;
        return ERR_OK;
    }
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK)
        return map_rc(d->h, rc, e);
    if (slot->st) {
        sqlite3_finalize(slot->st);
        free(slot->sql);
    }
    slot->sql = xstrdup(sql);
    slot->st = st;
    *out = st;
    return ERR_OK;
}

static int bind_all(struct sqlite_db *d, sqlite3_stmt *st, const struct dbv *p, int np,
                    struct err *e)
{
    if (np != sqlite3_bind_parameter_count(st))
        return err_set(e, ERR_INTERNAL, NULL, "statement has %d parameters, %d given",
                       sqlite3_bind_parameter_count(st), np);
    for (int i = 0; i < np; i++) {
        int rc;
        switch (p[i].t) {
        case DB_INT:
            rc = sqlite3_bind_int64(st, i + 1, p[i].i);
            break;
        case DB_TEXT:
            rc = sqlite3_bind_text(st, i + 1, p[i].s, -1, SQLITE_STATIC);
            break;
        case DB_REAL:
            rc = sqlite3_bind_double(st, i + 1, p[i].d);
            break;
        default:
            rc = sqlite3_bind_null(st, i + 1);
            break;
        }
        if (rc != SQLITE_OK)
            return map_rc(d->h, rc, e);
    }
    return ERR_OK;
}

static int sq_exec(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    sqlite3_stmt *st;
    int rc = prepare(d, sql, &st, e);
    if (rc != ERR_OK)
        return rc;
    if ((rc = bind_all(d, st, p, np, e)) != ERR_OK)
        goto out;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE) {
        rc = map_rc(d->h, rc, e);
        goto out;
    }
    rc = sqlite3_changes(d->h);
out:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int sq_insert(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np,
                     int64_t *id)
{
    int rc = sq_exec(db, e, sql, p, np);
    if (rc < 0)
        return rc;
    *id = sqlite3_last_insert_rowid(((struct sqlite_db *)db)->h);
    return ERR_OK;
}

static int sq_query(struct db *db, struct arena *a, struct dbrows *out, struct err *e,
                    const char *sql, const struct dbv *p, int np)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    sqlite3_stmt *st;
    int rc = prepare(d, sql, &st, e);
    memset(out, 0, sizeof(*out));
    if (rc != ERR_OK)
        return rc;
    if ((rc = bind_all(d, st, p, np, e)) != ERR_OK)
        goto out;
    int nc = sqlite3_column_count(st);
    out->ncols = nc;
    out->names = arena_alloc(a, sizeof(char *) * (size_t)(nc ? nc : 1));
    for (int c = 0; c < nc; c++)
        out->names[c] = arena_strdup(a, sqlite3_column_name(st, c));
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((size_t)out->nrows == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            const char **nv = arena_alloc(a, sizeof(char *) * ncap * (size_t)nc + 1);
            if (nv == NULL) {
                rc = err_set(e, ERR_TOO_LARGE, NULL, "result too large");
                goto out;
            }
            if (cap)
                memcpy(nv, out->vals, sizeof(char *) * cap * (size_t)nc);
            out->vals = nv;
            cap = ncap;
        }
        for (int c = 0; c < nc; c++) {
            const unsigned char *v = sqlite3_column_text(st, c);
            out->vals[out->nrows * nc + c] =
                v ? arena_strndup(a, (const char *)v, (size_t)sqlite3_column_bytes(st, c)) : NULL;
        }
        out->nrows++;
    }
    if (rc != SQLITE_DONE) {
        rc = map_rc(d->h, rc, e);
        goto out;
    }
    rc = ERR_OK;
out:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int sq_each(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np,
                   db_row_fn fn, void *ctx)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    sqlite3_stmt *st;
    int rc = prepare(d, sql, &st, e);
    if (rc != ERR_OK)
        return rc;
    if ((rc = bind_all(d, st, p, np, e)) != ERR_OK)
        goto out;
    struct dbrow row = {&store_sqlite_ops, st, 0};
    int fr = ERR_OK;
    while (fr == ERR_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        fr = fn(&row, ctx, e);
    if (fr != ERR_OK)
        rc = fr;
    else if (rc != SQLITE_DONE)
        rc = map_rc(d->h, rc, e);
    else
        rc = ERR_OK;
out:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static const char *sq_row_text(const struct dbrow *r, int col, size_t *len)
{
    const char *v = (const char *)sqlite3_column_text(r->h, col);
    if (len != NULL)
        *len = v ? (size_t)sqlite3_column_bytes(r->h, col) : 0;
    return v;
}

static int64_t sq_row_int(const struct dbrow *r, int col)
{
    return sqlite3_column_int64(r->h, col);
}

static int sq_row_null(const struct dbrow *r, int col)
{
    return sqlite3_column_type(r->h, col) == SQLITE_NULL;
}

static int sq_script(struct db *db, struct err *e, const char *sql)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    char *msg = NULL;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        rc = map_rc(d->h, rc, e);
        sqlite3_free(msg);
        return rc;
    }
    return ERR_OK;
}

static void sq_disconnect(struct db *db)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    for (int i = 0; i < STMT_CACHE; i++) {
        if (d->cache[i].st) {
            sqlite3_finalize(d->cache[i].st);
            free(d->cache[i].sql);
        }
    }
    sqlite3_close(d->h);
    free(d);
}

static struct db *sq_connect(const struct store_config *cfg, enum db_role role, struct err *e)
{
    const char *path = cfg->dsn + strlen("sqlite:");
    struct sqlite_db *d = xcalloc(1, sizeof(*d));
    d->base.ops = &store_sqlite_ops;
    int rc = sqlite3_open_v2(
        path, &d->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        err_set(e, ERR_STORE, "db", "cannot open %s: %s", path,
                d->h ? sqlite3_errmsg(d->h) : "out of memory");
        sq_disconnect(&d->base);
        return NULL;
    }
    sqlite3_busy_timeout(d->h, 10000);
    char pragmas[256];
    snprintf(pragmas, sizeof(pragmas),
             "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=%s;%s",
             cfg->sync_full ? "FULL" : "NORMAL",
             /* readers are many (one per busy thread) and share the OS page cache: a small
              * cache each; the writer keeps a large one and leaves checkpoints (and their
              * fsync) to the checkpoint thread */
             role == DB_READER ? " PRAGMA query_only=1; PRAGMA cache_size=-2000;"
                               : " PRAGMA wal_autocheckpoint=0; PRAGMA cache_size=-16000;");
    if (sq_script(&d->base, e, pragmas) != ERR_OK) {
        sq_disconnect(&d->base);
        return NULL;
    }
    return &d->base;
}

static int sq_wipe(struct db *db, struct err *e)
{
    struct arena a;
    struct dbrows r;
    int rc;
    arena_init(&a, 0);
    /* Drop in reverse order of creation, children first. That order is not enough once a later
     * migration made an older table refer to a newer one (018: postings name projects), and a
     * DROP deletes the rows first, which checks the references: defer the checks to the
     * commit, when no table is left to check (foreign_keys itself cannot change inside the
     * transaction). */
    rc = sq_script(db, e, "PRAGMA defer_foreign_keys = ON");
    if (rc == ERR_OK)
        rc = sq_query(db, &a, &r, e,
                      "SELECT s.name FROM sqlite_schema s JOIN pragma_table_list t ON t.name = "
                      "s.name AND t.schema = 'main' WHERE s.type = 'table' AND t.type IN ('table', "
                      "'virtual') AND s.name NOT LIKE 'sqlite_%' ORDER BY s.rowid DESC",
                      NULL, 0);
    for (int i = 0; rc == ERR_OK && i < r.nrows; i++) {
        char *sql = arena_printf(&a, "DROP TABLE \"%s\"", dbrows_get(&r, i, 0));
        rc = sq_script(db, e, sql);
    }
    arena_free(&a);
    return rc;
}

/* ---- files outside a store: backup and restore ---- */

struct db *store_file_open(const char *dsn, int read_only, struct err *e)
{
    if (strncmp(dsn, "sqlite:", 7) != 0) {
        err_set(e, ERR_INVALID, "db",
                "only a SQLite database is copied by gridgov; back up PostgreSQL with pg_dump "
                "and restore it with pg_restore (docs/operations.md)");
        return NULL;
    }
    struct sqlite_db *d = xcalloc(1, sizeof(*d));
    d->base.ops = &store_sqlite_ops;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (read_only ? 0 : SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(dsn + 7, &d->h, flags, NULL);
    if (rc != SQLITE_OK) {
        err_set(e, ERR_NOT_FOUND, "db", "cannot open %s: %s", dsn + 7,
                d->h ? sqlite3_errmsg(d->h) : "out of memory");
        sq_disconnect(&d->base);
        return NULL;
    }
    sqlite3_busy_timeout(d->h, 10000);
    if (read_only && sq_script(&d->base, e, "PRAGMA query_only=1") != ERR_OK) {
        sq_disconnect(&d->base);
        return NULL;
    }
    return &d->base;
}

void store_file_close(struct db *db)
{
    if (db != NULL)
        sq_disconnect(db);
}

int store_file_check(struct db *db, struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc = sq_query(db, &a, &r, e, "PRAGMA quick_check", NULL, 0);
    if (rc == ERR_OK && (r.nrows != 1 || strcmp(dbrows_get(&r, 0, 0), "ok") != 0))
        rc = err_set(e, ERR_INVALID, "file", "the database is damaged: %s",
                     r.nrows > 0 ? dbrows_get(&r, 0, 0) : "no answer");
    else if (rc != ERR_OK) {
        char why[sizeof(e->msg)];
        snprintf(why, sizeof(why), "%s", e->msg);
        rc = err_set(e, ERR_INVALID, "file", "not a usable SQLite database (%s)", why);
    }
    arena_free(&a);
    return rc;
}

int store_file_copy(struct db *src, struct db *dst, int single_file, struct err *e)
{
    sqlite3 *to = ((struct sqlite_db *)dst)->h;
    sqlite3_backup *b = sqlite3_backup_init(to, "main", ((struct sqlite_db *)src)->h, "main");
    if (b == NULL)
        return err_set(e, ERR_STORE, "db", "cannot start the copy: %s", sqlite3_errmsg(to));
    /* -1: every page in one step, so the source is read in a single read transaction; in
     * steps, each write by another connection would restart the copy */
    int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return err_set(e, ERR_UNAVAILABLE, "db", "the database is locked: try again");
    if (rc != SQLITE_DONE)
        return err_set(e, ERR_STORE, "db", "the copy failed: %s", sqlite3_errstr(rc));
    return single_file ? sq_script(dst, e, "PRAGMA journal_mode=DELETE") : ERR_OK;
}

const struct store_ops store_sqlite_ops = {
    .name = "sqlite",
    .group_commit = 1,
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .exec = sq_exec,
    .query = sq_query,
    .each = sq_each,
    .row_text = sq_row_text,
    .row_int = sq_row_int,
    .row_null = sq_row_null,
    .script = sq_script,
    .insert = sq_insert,
    .migrate_lock_sql = "",
    .wipe = sq_wipe,
    .begin_write_sql = "BEGIN IMMEDIATE",
    .checkpoint_sql = "PRAGMA wal_checkpoint(PASSIVE)",
};
