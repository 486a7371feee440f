/* testdb.h - SQL shorthands for unit tests that set up or inspect a store directly:
 * sql() runs a statement in a write transaction, qint() and qtext() read one value. Each test
 * file includes it once; failures end the test with the statement and the store's message. */
#ifndef GG_TESTDB_H
#define GG_TESTDB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"

static int sql_fn(struct db *db, void *arg, struct err *e)
{
    int rc = db_exec(db, e, arg, DB_NOARGS);
    return rc < 0 ? rc : ERR_OK;
}

static void sql(struct store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sql(struct store *s, const char *fmt, ...)
{
    char text[1024];
    struct err e = {0};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (store_write(s, sql_fn, text, &e) != ERR_OK)
        fail_msg("%s: %s", text, e.msg);
}

static int64_t qint(struct store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int64_t qint(struct store *s, const char *fmt, ...)
{
    char text[1024];
    struct arena a;
    struct dbrows r;
    struct err e = {0};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    arena_init(&a, 0);
    struct db *db = store_acquire(s);
    if (db_query(db, &a, &r, &e, text, DB_NOARGS) != ERR_OK)
        fail_msg("%s: %s", text, e.msg);
    int64_t v = r.nrows > 0 ? dbrows_int(&r, 0, 0) : 0;
    store_release(s, db);
    arena_free(&a);
    return v;
}

static char *qtext(struct store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *qtext(struct store *s, const char *fmt, ...)
{
    char text[1024];
    struct arena a;
    struct dbrows r;
    struct err e = {0};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    arena_init(&a, 0);
    struct db *db = store_acquire(s);
    if (db_query(db, &a, &r, &e, text, DB_NOARGS) != ERR_OK)
        fail_msg("%s: %s", text, e.msg);
    char *v = strdup(r.nrows > 0 && dbrows_get(&r, 0, 0) ? dbrows_get(&r, 0, 0) : "");
    store_release(s, db);
    arena_free(&a);
    return v;
}

#endif
