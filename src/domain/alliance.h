/* alliance.h - party-building alliances across places (党建联建: 覆卮山先行片, 1+3+N platforms)
 * and the figures they report (alliance.c). */
#ifndef GG_ALLIANCE_H
#define GG_ALLIANCE_H

#include "domain/cadre.h"

/* An alliance's figures between two periods (YYYY-MM, YYYY-Qn or YYYY, inclusive; NULL: open):
 * per metric and unit, the periods, the total per period and each member's split. */
int alliance_figures(struct db *db, struct reg_ctx *c, const char *id, const char *from,
                     const char *to, struct jsonw *w, struct err *e);

#endif
