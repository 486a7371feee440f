/* ledger.h - village and community accounts kept under the street's approval (社账街管).
 *
 * Three registries (ledger.c): the district's catalogue of categories (ledger-categories: which
 * are income, which expense, which count as operating income 经营性收入), the entries of a
 * village or community (ledger-entries: date, income or expense, category, amount in fen,
 * counterparty, voucher number, attachments, note) and the district's thresholds of collective
 * income per year (income-thresholds: villages whose operating income stays below weak_below
 * are weak villages to help).
 *
 * An entry's approval is one rules table (ledger_flow.c): the community submits a draft (or a
 * rejected entry it corrected), the street's office approves or rejects it with a reason; the
 * submitter never decides, and community offices never do. An approved entry is locked (409 on
 * edit or delete): a correction is a new entry that reverses it. Each step is a row of the
 * entry's hash chain (ledger_events, the shape of case_events, verified with the cases'
 * mechanism, timeline_chain_verify), and the approved content is held in the chain too, so an
 * amount edited in the database is found by `gridgov audit verify`.
 *
 * Sums (ledger_summary.c) count approved entries only; a reversing entry counts negative. */
#ifndef GG_LEDGER_H
#define GG_LEDGER_H

#include <stdint.h>

#include "core/jsonw.h"
#include "domain/case.h"
#include "domain/registry.h"

/* Field order of reg_ledger_entries. */
enum {
    LE_PLACE,
    LE_PLACE_NAME,
    LE_DATE,
    LE_KIND,
    LE_CATEGORY,
    LE_CATEGORY_NAME,
    LE_AMOUNT,
    LE_COUNTERPARTY,
    LE_VOUCHER,
    LE_ATTACHMENTS,
    LE_NOTE,
    LE_REVERSES,
    LE_STATUS,
    LE_REASON,
    LE__COUNT
};

/* Field order of reg_ledger_categories and reg_income_thresholds. */
enum { LC_CODE, LC_NAME, LC_KIND, LC_OPERATING, LC_SORT, LC__COUNT };
enum { IT_YEAR, IT_WEAK_BELOW, IT_NOTE, IT__COUNT };

/* 10亿元 in fen: no entry is larger. */
#define LEDGER_AMOUNT_MAX 100000000000LL
/* The weak-village line when the district set none for a year (50万元). */
#define LEDGER_WEAK_DEFAULT 50000000LL
#define LEDGER_ATTACH_MAX 9

/* ---- approval (ledger_flow.c) ---- */

enum ledger_status { LS_DRAFT, LS_SUBMITTED, LS_APPROVED, LS_REJECTED, LS__COUNT };
enum ledger_action { LA_SUBMIT, LA_APPROVE, LA_REJECT, LA_DELETE, LA__COUNT };

const char *ledger_status_name(enum ledger_status s);
int ledger_status_from_name(const char *name, enum ledger_status *out);
const char *ledger_action_name(enum ledger_action a);
int ledger_action_from_name(const char *name, enum ledger_action *out);

/* May u take action a on an entry at place in status s, submitted by submitter_id (0: never
 * submitted)? ERR_OK, or ERR_CONFLICT (not from this status) or ERR_FORBIDDEN with the reason. */
int ledger_flow_check(const struct user *u, enum ledger_action a, enum ledger_status s,
                      const char *place, int64_t submitter_id, struct err *e);
/* The actions u may take now, as a JSON array (for the page and 409 replies). */
void ledger_flow_allowed(struct jsonw *w, const struct user *u, enum ledger_status s,
                         const char *place, int64_t submitter_id);

/* One step on entry id in its own write transaction: check, move the status (only if it is
 * still the one read), append the chain row. reason is required by reject. */
int ledger_step(struct store *s, struct arena *a, const struct user *u, int64_t id,
                enum ledger_action act, const char *reason, struct err *e);
/* Attach stored photos (their SHA-256) to a draft or rejected entry, in its own write
 * transaction. */
int ledger_attach(struct store *s, struct arena *a, const struct user *u, int64_t id,
                  const char *const *sha256, int n, struct err *e);
/* The entry's submitter (the actor of its last submit), 0 when never submitted. */
int ledger_submitter(struct db *db, struct arena *a, int64_t id, int64_t *out, struct err *e);
/* The entry's chain {"items":[{seq, at, actor, action, from, to, note, data, prev_hash, hash}]}
 * and the actions u may take. */
int ledger_timeline(struct db *db, struct arena *a, const struct user *u, int64_t id,
                    struct jsonw *w, struct err *e);
/* The registry's delete hook: only drafts and rejected entries, and a row on the chain of an
 * entry that has one. */
int ledger_may_delete(struct db *db, struct reg_ctx *c, const struct registry *r,
                      const struct reg_rec *old, struct err *e);
/* Every entry's chain, and each approved entry's content against the content its approval
 * put in the chain; adds to out. */
int ledger_audit_verify(struct db *db, struct audit_report *out, struct err *e);
/* ---- decisions on time (ledger_counters.c) ---- */

/* The street decides (approves or rejects) a submitted entry within this many working days:
 * the setting ledger_decide_days (1-365), set once at start. */
#define LEDGER_DECIDE_DAYS 5
void ledger_set_decide_days(int days);
int ledger_decide_days(void);
struct calendar;
struct counter_facts;
struct counter_acc;
/* 1 when a decision at decided answers a submission at submitted within days working days (by
 * 24:00 of the days-th working day after the day of submission, on cal). */
int ledger_decided_on_time(const struct calendar *cal, int64_t submitted, int64_t decided,
                           int days);
/* What a decision counts for: ledger.decided, and ledger.decided_on_time when on time, at
 * place in the month of decided. */
void ledger_decision_facts(const struct calendar *cal, const char *place, int64_t submitted,
                           int64_t decided, struct counter_facts *f);
/* In the decision's transaction, after its chain row seq was appended at decided. */
int ledger_counted_decision(struct db *db, struct arena *a, int64_t entry, int64_t seq,
                            const char *place, int64_t decided, struct err *e);
/* Every decision from from_month on (NULL: all), into acc. */
int ledger_counters_recount(struct db *db, struct arena *a, struct counter_acc *acc,
                            const char *from_month, struct err *e);

/* The canonical text of an entry's content, hashed into the chain at submit and approve. */
const char *ledger_content(struct arena *a, const char *place, const char *date, const char *kind,
                           const char *category, int64_t amount, const char *counterparty,
                           const char *voucher, const char *attachments, const char *note,
                           int64_t reverses);

/* ---- sums (ledger_summary.c) ---- */

/* Balances and income of a year under place: totals, per category, per month, and per child
 * place (communities of a town, towns of the district) whose sums add up to the totals. */
int ledger_summary(struct db *db, struct arena *a, const char *place, int year, struct jsonw *w,
                   struct err *e);
/* Collective income: per village or community under place with entries, per year from..to,
 * operating income against the year's threshold (weak when below) and the trend. */
/* The income of the approved entries under place dated from..to ("2026-01-01".."2026-12-31"),
 * reversals negative: all of it, and the operating income (经营性收入) within it. */
int ledger_income_sum(struct db *db, struct arena *a, const char *place, const char *from,
                      const char *to, int64_t *income, int64_t *operating, struct err *e);
int ledger_income(struct db *db, struct arena *a, const char *place, int from, int to,
                  struct jsonw *w, struct err *e);
/* The weak-village line of a year: the district's for that year or the latest before it, else
 * LEDGER_WEAK_DEFAULT. */
int ledger_threshold(struct db *db, struct arena *a, int year, int64_t *out, struct err *e);

#endif
