/* catalog.h - the service catalogue (categories of cases with their department, handling level,
 * stage deadlines and Open311 attributes) and the departments that handle cases. */
#ifndef GG_CATALOG_H
#define GG_CATALOG_H

#include <jansson.h>

#include "domain/calendar.h"
#include "domain/department.h"
#include "store/store.h"

enum sla_stage { SLA_ACCEPT, SLA_DISPATCH, SLA_RESOLVE, SLA_VERIFY, SLA__COUNT };

struct category_attr {
    const char *code, *datatype, *description, *datatype_description;
    int required, ord;
    const char *values_json; /* '[{"key":"...","name":"..."}]' for list types, else "[]" */
};

struct category {
    const char *code, *name, *group, *description, *keywords;
    const char *department;     /* default department code, may be NULL */
    const char *handling_level; /* community | town | district */
    const char *sla_text[SLA__COUNT];
    struct sla sla[SLA__COUNT];
    int active;
    struct category_attr *attrs;
    int nattrs;
};

/* Reads; strings live in the arena; category_get and category_list fill attrs. */
int category_get(struct db *db, struct arena *a, const char *code, struct category *out,
                 struct err *e);
int category_list(struct db *db, struct arena *a, int active_only, struct category **out, int *n,
                  struct err *e);
/* Parse a category (with "attributes") from JSON, validating every field (422 naming it). */
int category_from_json(json_t *j, struct arena *a, const char *code, struct category *out,
                       struct err *e);
/* Insert or replace a category and its attributes (write transaction). */
int category_put(struct db *db, const struct category *c, struct err *e);
/* category_put in its own write transaction; *created tells a new category from a replaced one. */
int category_save(struct store *s, const struct category *c, int *created, struct err *e);
/* When the catalogue last changed (UTC seconds; 0 when empty): Open311's changeset. */
int category_changeset(struct db *db, int64_t *out, struct err *e);
json_t *category_json(const struct category *c, int with_attrs);

/* Validate a case's attribute values against the category: required ones present, datatypes
 * (number, datetime ISO 8601, list keys), unknown codes refused. *out is a new normalized
 * object {code: value}; field of errors is "attribute[CODE]". */
int category_attrs_check(const struct category *c, json_t *in, json_t **out, struct err *e);

/* The demonstration catalogue (Chinese categories from the Shangyu practice). */
int catalog_demo_seed(struct db *db, struct err *e);

#endif
