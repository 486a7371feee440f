/* demo.h - the demonstration district: Shangyu's real divisions, grids and micro-grids for a few
 * communities, compounds, departments and one user per role. */
#ifndef GG_DEMO_H
#define GG_DEMO_H

#include <stdio.h>

#include "store/store.h"

/* Populate an empty, migrated store. Passwords NULL = random; every account is printed to out.
 * Needs the personal-data and audit keys (pii_init, secret_init): residents are sealed and the
 * ledger's entries are approved on their hash chains. */
int demo_populate(struct store *s, const char *admin_pw, const char *users_pw, FILE *out,
                  struct err *e);
/* Households, residents and new-resident registrations on every demo grid (demo_people.c). */
int demo_people_seed(struct store *s, struct err *e);
/* Party organisations, members, a roster from another county in which some of 盖北镇's new
 * residents hide, activities, volunteer hours and care visits (demo_party.c). */
int demo_party_seed(struct store *s, struct err *e);
/* 杭州湾上虞经济技术开发区 with its sub-domains and joint committee, member enterprises, listings
 * that match, short boards, and three projects, one of 1亿元 or more without a branch
 * (demo_platform.c). */
int demo_platform_seed(struct store *s, struct err *e);
/* Enterprises, service teams, cadres' assignments and visits, and the customs problem of
 * 扬帆新材料 raised on a visit and solved (demo_enterprise.c). */
int demo_enterprise_seed(struct store *s, struct err *e);
/* 舜源村's 共富工坊 with participants and monthly income, 崧厦街道's 强社公司 and the district's
 * task board of 4 areas and 42 tasks with progress (demo_workshop.c). */
int demo_workshop_seed(struct store *s, struct err *e);
/* Cadres posted to the front line and trained, a 领雁争先赛 round scored and published, mentors,
 * the re-election review and 覆卮山先行片 with a year of figures (demo_cadres.c). */
int demo_cadres_seed(struct store *s, struct err *e);
/* 舜源村's accounts: a year of entries approved by 崧厦街道, some waiting, one rejected, one
 * reversed; two years before; the district's thresholds (demo_ledger.c). */
int demo_ledger_seed(struct store *s, struct err *e);
/* Cases of this month on the demo grids, closed, reworked or still open, so that the grid index
 * tells the grids apart (demo_index.c). */
int demo_index_seed(struct store *s, struct err *e);
/* 博文社区's and 舜源村's grids ticked against the ten grid-management standards for the last
 * three months, one grid slipping last month (demo_standards.c). */
int demo_standards_seed(struct store *s, struct err *e);
/* demo_patrols.c: a month of patrols of 博文社区's first two grids */
int demo_patrols_seed(struct store *s, struct err *e);
/* 1 if the store holds a demo database (or nothing at all), 0 if it holds real data. */
int demo_replaceable(struct store *s, struct err *e);

#endif
