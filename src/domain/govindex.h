/* govindex.h - the grid smart-governance index (党建统领网格智治指数). Indicators are data (table
 * indicators, edited by the district): a ratio or a count over the counters (counters.h) with a
 * target, a direction, a weight and the levels it applies to. A place's score is 0-100, the
 * weighted achievement of the indicators that apply to it (an indicator without a denominator
 * for the place does not count, its weight shared by the others), with a grade (A >= 90, B >= 75,
 * C >= 60, D >= 40, E below); places of a level are ranked; a breakdown explains every point
 * lost down to the records behind it. Everything is read from counters: O(places), never the
 * records, except the few records a drill-down lists. */
#ifndef GG_GOVINDEX_H
#define GG_GOVINDEX_H

#include <jansson.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/jsonw.h"
#include "core/sheet.h"
#include "domain/authz.h"
#include "store/store.h"

#define GOVINDEX_MAX_INDICATORS 32

struct indicator {
    const char *code, *name, *numerator, *denominator, *basis, *direction, *levels, *drill, *source;
    double target;
    int64_t weight, position, version, updated_at;
};

int indicators_load(struct db *db, struct arena *a, struct indicator *out, int max, int *n,
                    struct err *e);
void indicator_write_json(struct jsonw *w, const struct indicator *ind);
/* Check a formula ("case.status.closed", "case.received - case.status.rejected",
 * "5 * case.rated"): terms of known metrics with optional integer factors. */
int indicator_formula_check(const char *f, const char *field, int allow_empty, struct err *e);
/* Create or change an indicator from a JSON definition (every field but code); the previous
 * definition is kept in indicator_versions. In a write transaction. */
int indicator_put(struct db *db, struct arena *a, const char *code, json_t *def, int64_t user_id,
                  struct err *e);
/* The same in its own write transaction (the HTTP handler's call). */
int indicator_save(struct store *s, const char *code, json_t *def, int64_t user_id, struct err *e);
int indicator_versions_json(struct db *db, struct arena *a, const char *code, struct jsonw *w,
                            struct err *e);

/* A period of the index: a month "2026-11", a quarter "2026-Q4" or a year "2026". Flow
 * indicators (basis period) sum its months; stocks are taken at the end of its last month. */
struct govindex_period {
    char label[8];          /* "2026-11", "2026-Q4", "2026" */
    char first[8], last[8]; /* its first and last month */
    int kind;               /* 'M', 'Q' or 'Y' */
    int year, index;        /* index: month 1-12, quarter 1-4, 0 for a year */
};
/* What a bad period is told (422, field period). */
#define GOVINDEX_PERIOD_WHY "期间为月（2026-11）、季度（2026-Q4）或年（2026）"
/* 0, or -1 when s is none of the three (or before 1970). */
int govindex_period_parse(const char *s, struct govindex_period *out);
/* The period step periods after p (before it when negative), of the same kind. */
void govindex_period_step(const struct govindex_period *p, int step, struct govindex_period *out);

/* The ranking of the places of level ("grid", "community", "town") under place for period (a
 * month, quarter or year: govindex_period_parse; else ERR_INVALID on field period), best first,
 * with the period before's score and the change; total is how many places are ranked, items
 * those from offset on, at most limit of them (limit 0: all). A place with nothing recorded
 * (every counter the indicators read is zero) has no score (null), ranked last. */
int govindex_ranking(struct db *db, struct arena *a, const char *place, const char *level,
                     const char *period, int64_t offset, int64_t limit, struct jsonw *w,
                     struct err *e);
/* The same ranking as rows of a sheet (CSV or XLSX) with Chinese headers. */
int govindex_ranking_sheet(struct db *db, struct arena *a, const char *place, const char *level,
                           const char *period, struct sheet *out, struct err *e);
/* One place's score for period: each indicator's value, numerator, denominator, weight, points
 * and points lost, the records that cost points (drill-down), its rank in its level under
 * rank_root, the period before's score, and the trend of the last six periods. */
int govindex_breakdown(struct db *db, struct arena *a, const char *place, const char *rank_root,
                       const char *period, struct jsonw *w, struct err *e);
/* Recompute every counter (cases and registries) from the records, from from_month on (NULL:
 * all), or with check only compare: *ndiff gets the rows that differ (or were changed). */
int govindex_counters_rebuild(struct db *db, struct arena *a, const char *from_month, int check,
                              int64_t *ndiff, struct err *e);
/* A store_fn: when no counter is kept yet (a new database, or one made before counters
 * existed, just migrated), compute them from the records. */
int govindex_counters_seed_fn(struct db *db, void *unused, struct err *e);

/* Early warning: a score that fell GOVINDEX_WARN_DROP points or more against the period before
 * (the change rounded to one decimal, as the ranking shows it); never without both scores. */
#define GOVINDEX_WARN_DROP 5.0
int govindex_fell(double score, double previous);

/* The places of level under root (a code prefix; "" for all) whose score for period fell
 * (govindex_fell) against the period before, in ranking order. */
struct govindex_fall {
    const char *code, *name;
    double score, previous, change; /* rounded to one decimal */
};
int govindex_falls(struct db *db, struct arena *a, const char *root, const char *level,
                   const char *period, struct govindex_fall **out, int *n, struct err *e);

/* "A".."E" for a score. */
const char *govindex_grade(double score);

#endif
