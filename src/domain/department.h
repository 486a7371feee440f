/* department.h - the departments that handle cases (住建局, 综合执法局, the power utility ...), a
 * registry (reg_departments in department.c) keyed by a short code. */
#ifndef GG_DEPARTMENT_H
#define GG_DEPARTMENT_H

#include <jansson.h>

#include "domain/registry.h"

struct department {
    const char *code, *name, *place_code;
};

int department_get(struct db *db, struct arena *a, const char *code, struct department *out,
                   struct err *e);
int department_list(struct db *db, struct arena *a, struct department **out, int *n, struct err *e);
/* Create or replace (write transaction); handlers scoped to it follow its place. */
int department_put(struct db *db, const struct department *d, struct err *e);
/* How many enabled users hold the department handler role of department code. */
int department_handlers(struct db *db, const char *code, int64_t *n, struct err *e);
json_t *department_json(const struct department *d);

#endif
