/* sqlq.c - a statement and its parameters built piece by piece. */
#include "store/sqlq.h"

#include <string.h>

void sqlq_init(struct sqlq *q, struct arena *a, struct db *db)
{
    buf_init(&q->sql, 1 << 16);
    q->np = 0;
    q->overflow = 0;
    q->a = a;
    q->pg = strcmp(db_backend(db), "postgres") == 0;
    q->by_time = 0;
}

void sqlq_free(struct sqlq *q)
{
    buf_free(&q->sql);
}

void sqlq_add(struct sqlq *q, const char *text)
{
    if (buf_puts(&q->sql, text) != 0)
        q->overflow = 1;
}

void sqlq_param(struct sqlq *q, struct dbv v)
{
    if (q->np == SQLQ_MAXP) {
        q->overflow = 1;
        return;
    }
    q->p[q->np++] = v;
}

void sqlq_prefix(struct sqlq *q, const char *col, const char *code)
{
    const char *coll = q->pg ? " COLLATE \"C\"" : "";
    char *frag = arena_printf(q->a, "(%s%s >= ? AND %s%s < ?)", col, coll, col, coll);
    sqlq_add(q, frag);
    sqlq_param(q, DBS(code));
    sqlq_param(q, DBS(arena_printf(q->a, "%s;", code))); /* ';' sorts right after the digits */
}

const char *sqlq_like_escape(struct arena *a, const char *s)
{
    char *out = arena_alloc(a, strlen(s) * 2 + 1), *o = out;
    for (const char *c = s; *c; c++) {
        if (*c == '%' || *c == '_' || *c == '\\')
            *o++ = '\\';
        *o++ = *c;
    }
    *o = '\0';
    return out;
}
