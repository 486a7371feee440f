/* patrols.h - the grid worker's patrol log (巡查日志, registry patrols, patrols.c): one record per
 * patrol of a grid, counted per grid and month of its date (reg.patrols) for the index's
 * patrols_per_worker. */
#ifndef GG_PATROLS_H
#define GG_PATROLS_H

#include "domain/registry.h"

enum patrol_field {
    PT_GRID,
    PT_DATE,
    PT_START,
    PT_END,
    PT_ROUTE,
    PT_POINTS,
    PT_FINDINGS,
    PT_CASES,
    PT_WORKER,
    PT__COUNT
};

/* "HH:MM" (or "H:MM") of a day, 00:00-23:59, normalised to "HH:MM"; ERR_INVALID naming field. */
int patrol_check_time(const char *in, char *out, size_t outsz, const char *field, struct err *e);

#endif
