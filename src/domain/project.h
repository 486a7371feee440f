/* project.h - projects (项目) as a registry: name, owner enterprise, investment in fen, place,
 * platform, start and planned end, status, milestones with their progress, and the party branch
 * attached to the project (红领项目: every project of 1亿元 or more has one). */
#ifndef GG_PROJECT_H
#define GG_PROJECT_H

#include "domain/registry.h"

/* 1亿元 in fen: a major project (重大项目), which the seed's rule gives a party branch. */
#define PROJECT_MAJOR_FEN 10000000000LL

/* The condition "a live party organisation is attached to the project", over the table
 * projects: the list's ?without_party_org= and the party coverage ask the same. */
#define PROJECT_HAS_PARTY_ORG                                                                      \
    "EXISTS (SELECT 1 FROM party_orgs o WHERE o.attach_kind = 'project' AND o.attach_id = "        \
    "projects.id AND o.archived_at IS NULL)"

/* Field order of reg_projects and reg_project_milestones (for rules, the demo and tests). */
enum {
    PJ_NAME,
    PJ_OWNER,
    PJ_OWNER_NAME,
    PJ_INVESTMENT,
    PJ_PLACE,
    PJ_PLATFORM,
    PJ_START_ON,
    PJ_PLANNED_END,
    PJ_STATUS,
    PJ_PROGRESS,
    PJ_MAJOR,
    PJ_PARTY_ORG,
    PJ_PARTY_ORG_NAME,
    PJ_NOTE,
    PJ__COUNT
};
enum { MS_PROJECT, MS_NAME, MS_DUE_ON, MS_DONE_ON, MS_PROGRESS, MS_PLACE, MS_NOTE, MS__COUNT };

/* The major projects (PROJECT_MAJOR_FEN or more) under place that u may read (u NULL: all), and
 * those without a party organisation: "projects": {"major", "covered", "uncovered": [{id, name,
 * investment, place, owner_name}]}, written as one key of an object being written. */
int project_coverage(struct db *db, struct arena *a, const struct user *u, const char *place,
                     struct jsonw *w, struct err *e);

#endif
