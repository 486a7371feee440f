/* standards.h - the district's grid-management standards (网格管理十条标准, standards.c): the
 * checklist the district edits (registry grid-standards, a default of ten) and a community
 * office's monthly tick of each grid's items (registry standard-checks), counted for the month
 * ticked so that the index's standards_met is met items / items checked. */
#ifndef GG_STANDARDS_H
#define GG_STANDARDS_H

#include "domain/registry.h"

enum grid_standard_field { GS_CODE, GS_NAME, GS_REQUIREMENT, GS_EVIDENCE, GS_SORT, GS__COUNT };

enum standard_check_field {
    SC_GRID,
    SC_MONTH,
    SC_STANDARD,
    SC_MET,
    SC_NOTE,
    SC_EVIDENCE,
    SC_CHECKED_BY,
    SC_NAME,
    SC__COUNT
};

/* A month "YYYY-MM" no later than now's month: 1, else 0 (checks of future months are refused). */
int standards_month_open(const char *month, int64_t now);

#endif
