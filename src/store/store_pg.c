/* store_pg.c - the scale-out backend: PostgreSQL 15 through libpq. `?` placeholders become $n,
 * statements are prepared once per connection, and SQLSTATEs map to ERR_* here only. */
#include "store/store_int.h"
#include "core/log.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE 128

struct pg_slot {
    char *sql;
    char name[16];
};

struct pg_db {
    struct db base;
    PGconn *conn;
    struct pg_slot cache[STMT_CACHE];
    unsigned next_name;
};

static int map_result(struct pg_db *d, PGresult *res, struct err *e)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(d->conn);
    char field[48] = "";
    if (state == NULL) {
        log_error("postgres: %s", msg);
        return err_set(e, ERR_STORE, NULL, "postgres: %.150s", msg);
    }
    if (strcmp(state, "23505") == 0) {
        /* DETAIL: Key (code)=(330604) already exists. */
        const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
        if (detail && strncmp(detail, "Key (", 5) == 0)
            snprintf(field, sizeof(field), "%.*s", (int)strcspn(detail + 5, ",)"), detail + 5);
        return err_set(e, ERR_CONFLICT, field, "already exists");
    }
    if (strcmp(state, "23503") == 0)
        return err_set(e, ERR_INVALID, NULL, "refers to a record that does not exist");
    if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
        return err_set(e, ERR_INVALID, NULL, "%.150s", msg);
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
        return err_set(e, ERR_UNAVAILABLE, NULL, "database busy, try again");
    log_error("postgres: %s (%s)", msg, state);
    return err_set(e, ERR_STORE, NULL, "postgres: %.150s", msg);
}

static unsigned hash_str(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Rewrite `?` as $1, $2 ... outside quoted strings. */
static char *translate(const char *sql)
{
    size_t n = strlen(sql);
    char *out = xmalloc(n * 4 + 1), *o = out;
    int k = 0, quote = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'')
            quote = !quote;
        if (*p == '?' && !quote)
            o += sprintf(o, "$%d", ++k);
        else
            *o++ = *p;
    }
    *o = '\0';
    return out;
}

static int prepare(struct pg_db *d, const char *sql, const char **name, struct err *e)
{
    struct pg_slot *slot = &d->cache[hash_str(sql) % STMT_CACHE];
    if (slot->sql && strcmp(slot->sql, sql) == 0) {
        *name = slot->name;
        return ERR_OK;
    }
    if (slot->sql) {
        char dealloc[48];
        snprintf(dealloc, sizeof(dealloc), "DEALLOCATE %s", slot->name);
        PQclear(PQexec(d->conn, dealloc));
        free(slot->sql);
        slot->sql = NULL;
    }
    char *pgsql = translate(sql);
    snprintf(slot->name, sizeof(slot->name), "s%u", d->next_name++);
    PGresult *res = PQprepare(d->conn, slot->name, pgsql, 0, NULL);
    free(pgsql);
    int rc = ERR_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = map_result(d, res, e);
    else
        slot->sql = xstrdup(sql);
    PQclear(res);
    *name = slot->name;
    return rc;
}

/* The parameters as text for libpq: vals points into ints for numbers. */
static int params(const struct dbv *p, int np, const char *vals[64], char ints[64][32],
                  struct err *e)
{
    if (np > 64)
        return err_set(e, ERR_INTERNAL, NULL, "too many parameters");
    for (int i = 0; i < np; i++) {
        switch (p[i].t) {
        case DB_INT:
            snprintf(ints[i], sizeof(ints[i]), "%lld", (long long)p[i].i);
            vals[i] = ints[i];
            break;
        case DB_TEXT:
            vals[i] = p[i].s;
            break;
        case DB_REAL:
            snprintf(ints[i], sizeof(ints[i]), "%.17g", p[i].d);
            vals[i] = ints[i];
            break;
        default:
            vals[i] = NULL;
            break;
        }
    }
    return ERR_OK;
}

static PGresult *run(struct pg_db *d, const char *sql, const struct dbv *p, int np, struct err *e,
                     int *rc)
{
    const char *name;
    const char *vals[64];
    char ints[64][32];
    if ((*rc = params(p, np, vals, ints, e)) != ERR_OK ||
        (*rc = prepare(d, sql, &name, e)) != ERR_OK)
        return NULL;
    PGresult *res = PQexecPrepared(d->conn, name, np, vals, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        *rc = map_result(d, res, e);
        PQclear(res);
        return NULL;
    }
    *rc = ERR_OK;
    return res;
}

static int pg_exec(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np)
{
    int rc;
    PGresult *res = run((struct pg_db *)db, sql, p, np, e, &rc);
    if (res == NULL)
        return rc;
    const char *n = PQcmdTuples(res);
    rc = n && *n ? atoi(n) : 0;
    PQclear(res);
    return rc;
}

static int pg_insert(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np,
                     int64_t *id)
{
    int rc;
    size_t n = strlen(sql);
    char *with = xmalloc(n + sizeof(" RETURNING id"));
    memcpy(with, sql, n);
    memcpy(with + n, " RETURNING id", sizeof(" RETURNING id"));
    PGresult *res = run((struct pg_db *)db, with, p, np, e, &rc);
    free(with);
    if (res == NULL)
        return rc;
    rc = PQntuples(res) == 1 ? ERR_OK : err_set(e, ERR_STORE, NULL, "INSERT returned no id");
    if (rc == ERR_OK)
        *id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return rc;
}

static int pg_query(struct db *db, struct arena *a, struct dbrows *out, struct err *e,
                    const char *sql, const struct dbv *p, int np)
{
    int rc;
    memset(out, 0, sizeof(*out));
    PGresult *res = run((struct pg_db *)db, sql, p, np, e, &rc);
    if (res == NULL)
        return rc;
    int nr = PQntuples(res), nc = PQnfields(res);
    out->nrows = nr;
    out->ncols = nc;
    out->names = arena_alloc(a, sizeof(char *) * (size_t)(nc ? nc : 1));
    out->vals = arena_alloc(a, sizeof(char *) * (size_t)(nr * nc + 1));
    if (out->names == NULL || out->vals == NULL) {
        PQclear(res);
        return err_set(e, ERR_TOO_LARGE, NULL, "result too large");
    }
    for (int c = 0; c < nc; c++)
        out->names[c] = arena_strdup(a, PQfname(res, c));
    for (int r = 0; r < nr; r++) {
        for (int c = 0; c < nc; c++) {
            out->vals[r * nc + c] =
                PQgetisnull(res, r, c)
                    ? NULL
                    : arena_strndup(a, PQgetvalue(res, r, c), (size_t)PQgetlength(res, r, c));
        }
    }
    PQclear(res);
    return ERR_OK;
}

/* libpq's single-row mode: each row arrives as its own result, so a scan of a large table never
 * holds it all. After an error (the query's or fn's) the remaining results are drained so the
 * connection stays usable. */
static int pg_each(struct db *db, struct err *e, const char *sql, const struct dbv *p, int np,
                   db_row_fn fn, void *ctx)
{
    struct pg_db *d = (struct pg_db *)db;
    const char *name;
    const char *vals[64];
    char ints[64][32];
    int rc;
    if ((rc = params(p, np, vals, ints, e)) != ERR_OK || (rc = prepare(d, sql, &name, e)) != ERR_OK)
        return rc;
    if (!PQsendQueryPrepared(d->conn, name, np, vals, NULL, NULL, 0) ||
        !PQsetSingleRowMode(d->conn))
        return map_result(d, NULL, e);
    PGresult *res;
    while ((res = PQgetResult(d->conn)) != NULL) {
        ExecStatusType st = PQresultStatus(res);
        if (rc == ERR_OK && st == PGRES_SINGLE_TUPLE) {
            struct dbrow row = {&store_pg_ops, res, 0};
            rc = fn(&row, ctx, e);
        } else if (rc == ERR_OK && st != PGRES_TUPLES_OK) {
            rc = map_result(d, res, e);
        }
        PQclear(res);
    }
    return rc;
}

static const char *pg_row_text(const struct dbrow *r, int col, size_t *len)
{
    int null = PQgetisnull(r->h, r->i, col);
    if (len != NULL)
        *len = null ? 0 : (size_t)PQgetlength(r->h, r->i, col);
    return null ? NULL : PQgetvalue(r->h, r->i, col);
}

static int64_t pg_row_int(const struct dbrow *r, int col)
{
    return PQgetisnull(r->h, r->i, col) ? 0 : strtoll(PQgetvalue(r->h, r->i, col), NULL, 10);
}

static int pg_row_null(const struct dbrow *r, int col)
{
    return PQgetisnull(r->h, r->i, col);
}

static int pg_script(struct db *db, struct err *e, const char *sql)
{
    struct pg_db *d = (struct pg_db *)db;
    PGresult *res = PQexec(d->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = ERR_OK;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = map_result(d, res, e);
    PQclear(res);
    return rc;
}

static void pg_disconnect(struct db *db)
{
    struct pg_db *d = (struct pg_db *)db;
    for (int i = 0; i < STMT_CACHE; i++)
        free(d->cache[i].sql);
    PQfinish(d->conn);
    free(d);
}

static struct db *pg_connect(const struct store_config *cfg, enum db_role role, struct err *e)
{
    struct pg_db *d = xcalloc(1, sizeof(*d));
    (void)role;
    d->base.ops = &store_pg_ops;
    d->conn = PQconnectdb(cfg->dsn);
    if (PQstatus(d->conn) != CONNECTION_OK) {
        err_set(e, ERR_STORE, "db", "cannot connect to PostgreSQL: %.150s",
                PQerrorMessage(d->conn));
        pg_disconnect(&d->base);
        return NULL;
    }
    /* work_mem at least 32 MB (never lowered): a search gathering a common term's matches
     * (150,000 of 1M cases) keeps its bitmaps exact instead of rechecking 25,000 heap pages
     * (case_query.c pg_search; docs/performance.md, 2026-12-02) */
    if (pg_script(&d->base, e,
                  "SET client_encoding = 'UTF8'; SET client_min_messages = warning; "
                  "SELECT set_config('work_mem', '32MB', false) WHERE "
                  "pg_size_bytes(current_setting('work_mem')) < pg_size_bytes('32MB')") != ERR_OK) {
        pg_disconnect(&d->base);
        return NULL;
    }
    return &d->base;
}

static int pg_wipe(struct db *db, struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc =
        pg_query(db, &a, &r, e,
                 "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()", NULL, 0);
    for (int i = 0; rc == ERR_OK && i < r.nrows; i++)
        rc = pg_script(
            db, e, arena_printf(&a, "DROP TABLE IF EXISTS \"%s\" CASCADE", dbrows_get(&r, i, 0)));
    arena_free(&a);
    return rc;
}

const struct store_ops store_pg_ops = {
    .name = "postgres",
    .group_commit = 0,
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .exec = pg_exec,
    .query = pg_query,
    .each = pg_each,
    .row_text = pg_row_text,
    .row_int = pg_row_int,
    .row_null = pg_row_null,
    .script = pg_script,
    .insert = pg_insert,
    .migrate_lock_sql = "SELECT pg_advisory_xact_lock(7270424)",
    .wipe = pg_wipe,
    .begin_write_sql = "BEGIN",
};
