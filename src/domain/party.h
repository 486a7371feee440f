/* party.h - the party's registries (party.c): organisations on the map (支部建在网格上),
 * members, rosters of members who left other places, the candidates matching finds among
 * new residents (party_match.c), activities, volunteer service and care visits. */
#ifndef GG_PARTY_H
#define GG_PARTY_H

#include "domain/registry.h"

/* Field order of the registries, for rules, actions, the demo and tests. */
enum {
    PO_NAME,
    PO_KIND,
    PO_PARENT,
    PO_PLACE,
    PO_ATTACH_KIND,
    PO_ATTACH_ID,
    PO_SECRETARY,
    PO_SECRETARY_RESIDENT,
    PO_FOUNDED_ON,
    PO_MEMBERS,
    PO_NOTE,
    PO__COUNT
};
enum {
    PM_RESIDENT,
    PM_NAME,
    PM_ORG,
    PM_PLACE,
    PM_JOINED_ON,
    PM_STATUS,
    PM_ORIGIN_ORG,
    PM_NOTE,
    PM__COUNT
};
enum {
    PR_NAME,
    PR_ID_NUMBER,
    PR_BIRTH_DATE,
    PR_PHONE,
    PR_ORIGIN_ORG,
    PR_ORIGIN,
    PR_ORIGIN_CODE,
    PR_NOTE,
    PR__COUNT
};
enum {
    MM_REGISTRATION,
    MM_ROSTER,
    MM_NAME,
    MM_ROSTER_NAME,
    MM_PLACE,
    MM_SCORE,
    MM_REASONS,
    MM_STATUS,
    MM_DECISION,
    MM_MEMBER,
    MM_BIRTH_DATE, /* side by side for the decision: the new resident's ... */
    MM_ORIGIN,
    MM_ROSTER_BIRTH_DATE, /* ... and the roster's */
    MM_ROSTER_ORIGIN_ORG,
    MM_ROSTER_ORIGIN,
    MM__COUNT
};

/* Grids under place (a district, town or community) and whether a party organisation is
 * attached to each: {"place", "grids", "covered", "uncovered": [...], "by_community": [...]},
 * and the major projects and those without a branch ("projects", project.h). Only the grids and
 * projects in the caller's scope count (u NULL: all). */
int party_coverage(struct db *db, struct arena *a, const struct user *u, const char *place,
                   struct jsonw *w, struct err *e);
/* Per organisation under place (in u's scope) between two dates (YYYY-MM-DD, inclusive): its
 * members, activities held and their attendees, care visits to its members, and the volunteer
 * minutes served in its activities; with totals. */
int party_activity_summary(struct db *db, struct arena *a, const struct user *u, const char *place,
                           const char *from, const char *to, struct jsonw *w, struct err *e);
/* A grid's party page: its organisations and secretaries, the members living in it, the mobile
 * members found there and its volunteers with their hours. */
int party_grid(struct db *db, struct reg_ctx *c, const char *grid, struct jsonw *w, struct err *e);

#endif
