/* figures.h - the district's figures (区里常引用的数字) in one call: each a value over a place and
 * a range of months, with its unit and its definition. Most are read from the counters kept
 * with every write (counters.h); the few the counters cannot hold (distinct enterprises and
 * cadres, visits by the day they were made, sums of money) are one indexed query each. */
#ifndef GG_FIGURES_H
#define GG_FIGURES_H

#include <stdint.h>

#include "core/jsonw.h"
#include "core/sheet.h"
#include "store/store.h"

#define FIGURES_MAX 16

struct figure {
    const char *code, *name, *unit, *definition;
    const char *source; /* "counters" or "records" */
    int money;          /* value in fen */
    int64_t value;
};

/* The figures of place over the months from..to ("2026-01".."2026-03", both included, checked
 * by the caller); *n gets their number. */
int figures_read(struct db *db, struct arena *a, const char *place, const char *from,
                 const char *to, struct figure *out, int *n, struct err *e);
void figures_write_json(struct jsonw *w, const char *place, const char *name, const char *from,
                        const char *to, const struct figure *f, int n);
/* The same as rows of a sheet with Chinese headers; money in yuan (元, two decimals). */
int figures_write_sheet(struct sheet *s, const char *place_name, const char *from, const char *to,
                        const struct figure *f, int n, struct err *e);

#endif
