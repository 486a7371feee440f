/* compound.h - residential compounds (小区), a registry (reg_compounds in compound.c), and the
 * little that cases need of one: its community and grids. */
#ifndef GG_COMPOUND_H
#define GG_COMPOUND_H

#include "domain/place.h"
#include "domain/registry.h"

struct compound {
    int64_t id;
    const char *community_code, *name;
    const char **grids;
    int ngrids;
};

int compound_get(struct db *db, struct arena *a, int64_t id, struct compound *out, struct err *e);
/* Compounds whose searchable fields (the name: 春江花城) hold q, anywhere in the district, at most
 * limit of them, for the public's report form: the name, community and grids only. */
int compound_search(struct db *db, struct arena *a, const char *q, int limit, struct compound **out,
                    int *n, struct err *e);

#endif
