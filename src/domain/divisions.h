/* divisions.h - import of the National Bureau of Statistics division codes (GB/T 2260 and the
 * NBS village codes) from CSV whose first two columns are code and name. */
#ifndef GG_DIVISIONS_H
#define GG_DIVISIONS_H

#include "store/store.h"

struct division_counts {
    int read, kept, added, renamed, unchanged;
    int by_level[3]; /* district, town, community rows kept */
};

/* Import rows whose code starts with prefix; idempotent (a second run changes nothing).
 * Rows are applied shortest code first so parents precede children. */
int divisions_import(struct store *s, const char *csv, size_t len, const char *prefix,
                     struct division_counts *out, struct err *e);

/* The Shangyu (330604) extract shipped inside the binary (data/divisions/330604.csv). */
const char *divisions_builtin(size_t *len);

#endif
