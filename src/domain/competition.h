/* competition.h - competitions that rank people, places and projects (六比六争先, 领雁争先赛):
 * the ranking rules (competition_rank.c, pure and unit-tested), and the actions on a round
 * (competition_flow.c): judges' scores, the live ranking, publication, the hash-chained
 * history. The registries (competitions and their criteria, entries, judges) are declared in
 * competition.c with their field order in cadre.h. */
#ifndef GG_COMPETITION_H
#define GG_COMPETITION_H

#include <stdint.h>

#include "domain/cadre.h"
#include "domain/case.h"

/* ---- the rules of a ranking ---- */

enum comp_rule {
    CR_JUDGES, /* judges' scores 0-100, the highest and the lowest dropped, the rest averaged */
    CR_ONTIME, /* a place's on-time closure of cases in the round's period, in per cent */
};
struct comp_criterion {
    int64_t id;
    const char *name;
    int weight; /* 1..100; a competition's weights sum to 100 */
    enum comp_rule rule;
};
struct comp_score {
    int64_t entry, criterion, judge;
    int tenths; /* 0..1000: a score of 0-100 with one decimal */
};
/* Values are in ten-thousandths of a point (1,000,000 = 100 points), so that ties are exact. */
#define COMP_SCALE 10000
struct comp_result {
    int64_t entry;
    int64_t *value; /* per criterion */
    int *nscores;   /* per criterion: scores given (judges' criteria) */
    int64_t total;  /* sum of weight x value / 100 */
    int complete;   /* every judge scored every judges' criterion */
    int rank;       /* 1-based; equal entries share a rank (1, 2, 2, 4) */
};

/* The sum of the weights. */
int comp_weight_sum(const struct comp_criterion *cr, int n);
/* The mean of n scores (tenths) with the highest and the lowest dropped when there are three
 * or more, in COMP_SCALE units; 0 when n is 0. */
int64_t comp_trimmed_mean(const int *tenths, int n);
/* Rank the entries: out[i] for entries[i] (value and nscores arrays allocated from a).
 * figures[e * ncr + k] gives criterion k's value for entry e when its rule is not CR_JUDGES
 * (COMP_SCALE units; NULL: 0). The order: total, higher first; equal totals by the value of
 * the criteria in order of weight (heavier first, then as listed); entries still equal share a
 * rank. out is left sorted in ranking order. */
void comp_rank(struct arena *a, const struct comp_criterion *cr, int ncr, const int64_t *entries,
               int nen, const struct comp_score *sc, int nsc, int njudges, const int64_t *figures,
               struct comp_result *out);
/* The tie-break rule in Chinese, as the ranking states it. */
extern const char comp_tie_rule[];
/* A score as text ("92.5") from tenths. */
const char *comp_tenths_text(struct arena *a, int tenths);
/* A value in COMP_SCALE units as text with two decimals ("91.67"). */
const char *comp_value_text(struct arena *a, int64_t v);

/* ---- actions on a round ---- */

/* A judge's scores: [{"entry": ID, "criterion": ID, "score": 0-100}], each replacing the
 * judge's earlier score of the pair, on the competition's history. 403 for one who is not its
 * judge, 409 once published, 422 for a score outside 0-100 or a pair not of this round. */
int competition_score(struct store *s, struct reg_ctx *c, const char *id, const json_t *scores,
                      struct err *e);
/* Freeze the round: weights must sum to 100 and every judge must have scored every entry on
 * every judges' criterion; the ranking is written to the history. 409 when already published
 * or incomplete. */
int competition_publish(struct store *s, struct reg_ctx *c, const char *id, const char *note,
                        struct err *e);
/* The ranking as the server computes it (live before publication), to organisers in scope and,
 * once published, to the round's judges. */
int competition_ranking(struct db *db, struct reg_ctx *c, const char *id, struct jsonw *w,
                        struct err *e);
/* A judge's sheet: criteria, entries and the judge's own scores. */
int competition_sheet(struct db *db, struct reg_ctx *c, const char *id, struct jsonw *w,
                      struct err *e);
/* The hash-chained history (organisers in scope). */
int competition_history(struct db *db, struct reg_ctx *c, const char *id, struct jsonw *w,
                        struct err *e);
/* Verify every competition's chain (gridgov audit verify) into out. */
int competition_audit_verify(struct db *db, struct audit_report *out, struct err *e);

/* Is the competition (id as text) still a draft? ERR_CONFLICT naming field once published. */
int competition_draft(struct db *db, struct arena *a, const char *id, const char *field,
                      struct err *e);

#endif
