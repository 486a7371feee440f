/* case_int.h - what the case_*.c files share and nothing else includes. */
#ifndef GG_CASE_INT_H
#define GG_CASE_INT_H

#include "domain/case.h"

const char *actor_label(struct arena *a, const struct actor *who);
/* Append a timeline row (and its outbox entries); updates cs->timeline_seq/head in memory. */
int case_timeline_append(struct db *db, struct arena *a, struct case_rec *cs, int64_t at,
                         const struct actor *who, enum case_action action, enum case_status from,
                         enum case_status to, const char *note, const char *data, int public_,
                         struct err *e);
/* The columns case_get selects, and filling a case_rec from one row of them. */
extern const char case_select_sql[];
void case_from_row(const struct dbrows *r, int i, struct case_rec *cs);
int case_photos_insert(struct db *db, int64_t case_id, const struct photo_ref *p, int n,
                       const char *stage, int64_t now, struct err *e);

/* What a case counts for on the dashboards and the index (case_counters.c). */
struct counter_facts;
void case_counter_facts(const struct case_rec *cs, struct counter_facts *f);

/* Joint meetings: validate the record; insert it with its participants. */
int meeting_check(json_t *m, struct err *e);
int meeting_insert(struct db *db, struct arena *a, json_t *m, const char *place, int64_t by,
                   int64_t *id, struct err *e);

#endif
