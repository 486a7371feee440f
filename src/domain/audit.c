/* audit.c - rows of the access log (audit_log) for reads of personal data. */
#include "domain/audit.h"

#include <time.h>

struct audit_row {
    int64_t user_id;
    const char *action, *object, *detail;
};

static int audit_fn(struct db *db, void *arg, struct err *e)
{
    const struct audit_row *row = arg;
    int rc = db_exec(db, e,
                     "INSERT INTO audit_log (at, user_id, action, object, detail) VALUES (?, ?, ?, "
                     "?, ?)",
                     DB_ARGS(DBI(time(NULL)), DBI(row->user_id), DBS(row->action), DBS(row->object),
                             DBS(row->detail)));
    return rc < 0 ? rc : ERR_OK;
}

int audit_pii_read(struct store *s, int64_t user_id, const char *object, const char *detail,
                   struct err *e)
{
    struct audit_row row = {user_id, "pii_read", object, detail};
    return store_write(s, audit_fn, &row, e);
}
