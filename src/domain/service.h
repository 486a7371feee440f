/* service.h - the service of enterprises by their cadres (驻企服务员): service teams
 * (助企专家服务团, 驻企片区服务团), the assignments of cadres to enterprises (a cadre's enterprises
 * are its role's scope: authz.h), the cadres' visits, the problems a visit raises as cases of the
 * channel enterprise_visit, and the figures officials quote per place and period. */
#ifndef GG_SERVICE_H
#define GG_SERVICE_H

#include "core/jsonw.h"
#include "domain/registry.h"

/* Field order of reg_visits (for the demo and tests). */
enum {
    VI_ENTERPRISE,
    VI_ENTERPRISE_NAME,
    VI_CADRE,
    VI_CADRE_NAME,
    VI_VISITED_ON,
    VI_KIND,
    VI_NOTES,
    VI_OUTCOME,
    VI_PLACE,
    VI_PROBLEMS,
    VI_SOLVED,
    VI__COUNT
};

#define VISIT_PROBLEMS_MAX 10

/* The place of the enterprise whose id is enterprise (not archived), or 422 naming field. */
int service_enterprise_place(struct db *db, struct arena *a, const char *enterprise,
                             const char *field, const char **place, struct err *e);

/* A visit to the enterprise `enterprise` (its id) recorded with the problems it raised, in one
 * write transaction: body is {"visited_on", "kind", "notes", "outcome", "cadre", "problems":
 * [{"category", "description", "attributes"}]}; each problem becomes a case of the channel
 * enterprise_visit at the enterprise's place, linked to the enterprise and the visit, reported
 * by the cadre (who later checks the fix). The enterprise's name and credit code fill the
 * category's attributes company_name and uscc when absent. visit gets the stored visit. */
int visit_report(struct store *s, struct reg_ctx *c, const char *enterprise, const json_t *body,
                 struct reg_rec *visit, struct err *e);

/* {"visit": {...}, "items": [the visit's cases: id, case_no, category, description, status,
 * status_label, closed_at]} for a visit the caller may read. */
int visit_cases(struct db *db, struct reg_ctx *c, const char *visit, struct jsonw *w,
                struct err *e);

/* The enterprise figures under place for the days from..to (YYYY-MM-DD, Asia/Shanghai), in
 * total and per direct child place: enterprises on the register, enterprises served (visited),
 * visits, problems raised and solved (cases of the channel enterprise_visit created, and
 * closed, in the period), cadres assigned. 403 unless u reads enterprises at place. */
int enterprise_figures(struct db *db, struct arena *a, const struct user *u, const char *place,
                       const char *from, const char *to, struct jsonw *w, struct err *e);

#endif
