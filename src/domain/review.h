/* review.h - the re-election review (换届回头看, review.c). */
#ifndef GG_REVIEW_H
#define GG_REVIEW_H

#include "domain/cadre.h"

/* Reviews of a round under place per street, in the caller's scope: how many are open,
 * rectifying and done, their findings, open follow-ups and those past their due date (before
 * today, YYYY-MM-DD). */
int review_rollup(struct db *db, struct reg_ctx *c, const char *place, const char *round,
                  const char *today, struct jsonw *w, struct err *e);

#endif
