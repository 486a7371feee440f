/* sqlq.h - building one SQL statement and its parameters piece by piece (lists with optional
 * filters, scopes and cursors), in the portable dialect of store.h. */
#ifndef GG_SQLQ_H
#define GG_SQLQ_H

#include "core/buf.h"
#include "store/store.h"

#define SQLQ_MAXP 64

struct sqlq {
    struct buf sql;
    struct dbv p[SQLQ_MAXP];
    int np;
    int overflow; /* too long or too many parameters: the statement must not run */
    struct arena *a;
    int pg;      /* PostgreSQL: a few fragments differ */
    int by_time; /* the caller's hint: the list is read newest first */
};

void sqlq_init(struct sqlq *q, struct arena *a, struct db *db);
void sqlq_free(struct sqlq *q);
void sqlq_add(struct sqlq *q, const char *text);
void sqlq_param(struct sqlq *q, struct dbv v);
/* col lies in the subtree of a place code: a range on the code, which can use an index. */
void sqlq_prefix(struct sqlq *q, const char *col, const char *code);
/* s with LIKE's wildcards and the escape character escaped (use with ESCAPE '\'). */
const char *sqlq_like_escape(struct arena *a, const char *s);

#endif
