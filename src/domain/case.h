/* case.h - cases (诉求/事件): intake, the workflow of DESIGN.md section 3, the hash-chained
 * timeline, queues and lists. `case` is a C keyword: records are struct case_rec, variables cs. */
#ifndef GG_CASE_H
#define GG_CASE_H

#include <jansson.h>
#include <stdint.h>

#include "domain/authz.h"
#include "domain/calendar.h"
#include "domain/catalog.h"
#include "store/store.h"

#define CASE_STATUS_MAP(X)                                                                         \
    X(SUBMITTED, "submitted", "待受理")                                                            \
    X(ACCEPTED, "accepted", "已受理")                                                              \
    X(DISPATCHED, "dispatched", "已派遣")                                                          \
    X(IN_PROGRESS, "in_progress", "处置中")                                                        \
    X(RESOLVED, "resolved", "已处置")                                                              \
    X(VERIFIED, "verified", "已核查")                                                              \
    X(CLOSED, "closed", "已办结")                                                                  \
    X(REJECTED, "rejected", "不予受理")                                                            \
    X(MERGED, "merged", "已合并")

enum case_status {
#define X(id, name, zh) CS_##id,
    CASE_STATUS_MAP(X)
#undef X
        CS__COUNT
};

#define CASE_ACTION_MAP(X)                                                                         \
    X(ACCEPT, "accept", "受理")                                                                    \
    X(REJECT, "reject", "不予受理")                                                                \
    X(MERGE, "merge", "合并")                                                                      \
    X(DISPATCH, "dispatch", "派遣")                                                                \
    X(RETURN, "return", "回退")                                                                    \
    X(START, "start", "开始处置")                                                                  \
    X(MEETING, "meeting", "联席会议")                                                              \
    X(EXTEND, "extend", "申请延期")                                                                \
    X(APPROVE_EXTENSION, "approve_extension", "批准延期")                                          \
    X(DENY_EXTENSION, "deny_extension", "驳回延期")                                                \
    X(RESOLVE, "resolve", "处置完成")                                                              \
    X(VERIFY, "verify", "核查通过")                                                                \
    X(VERIFY_FAIL, "verify_fail", "核查不通过(返工)")                                              \
    X(CONFIRM, "confirm", "确认评价")                                                              \
    X(CLOSE, "close", "结案")                                                                      \
    X(REOPEN, "reopen", "重新打开")                                                                \
    X(ESCALATE, "escalate", "督办")                                                                \
    X(COMMENT, "comment", "留言")                                                                  \
    X(NOTE, "note", "内部备注")                                                                    \
    X(PLACE, "place", "指定网格")

enum case_action {
#define X(id, name, zh) CA_##id,
    CASE_ACTION_MAP(X)
#undef X
        CA__COUNT,
    CA_SUBMIT = CA__COUNT /* the first timeline row; not an action one can take */
};

#define CASE_CHANNELS                                                                              \
    "resident", "commissioner", "grid_patrol", "enterprise_visit", "hotline", "open311"

/* Days a reporter has to confirm before the scheduler closes, and to reopen after closing. */
#define CASE_CONFIRM_DAYS 7
#define CASE_REOPEN_DAYS 30

struct case_rec {
    int64_t id;
    const char *county, *case_no, *category, *description, *channel;
    enum case_status status;
    const char *place_code, *grid_code, *address, *attributes, *department;
    int64_t compound_id;
    int has_point;
    double lat, lon;
    int64_t reporter_user_id;
    const char *reporter_name, *reporter_phone, *reporter_email;
    int64_t api_key_id;
    int to_grid;
    int64_t stage_due_at; /* 0 = none */
    int64_t escalations, merged_into, confirmed, rating, reopen_count, rework_count;
    int64_t on_time; /* -1 unknown */
    int64_t timeline_seq, version, created_at, updated_at, closed_at;
    const char *timeline_head, *token_box;
    const char *category_name, *place_name, *department_name; /* joined for display */
    int64_t pending_extensions;
    int64_t late; /* some staff stage passed its deadline: the case cannot close on time */
    const char *compound_name;
    int64_t enterprise_id, visit_id; /* a problem raised on a cadre's visit (0 = none) */
    const char *enterprise_name;
    int relayed; /* logged by staff for someone else (a hotline call, a commissioner's relay):
                  * the person with the tracking token is the reporter, not the staff member */
};

/* Who acts. A public reporter has no user; proven by the tracking token of the case. */
struct actor {
    const struct user *user;
    int reporter;  /* proved to be this case's reporter (token, or reporter_user_id) */
    int scheduler; /* the background scheduler */
    int64_t api_key_id;
};

const char *case_status_name(enum case_status s);
const char *case_status_zh(enum case_status s);
int case_status_from_name(const char *s, enum case_status *out);
const char *case_action_name(enum case_action a);
const char *case_action_zh(enum case_action a);
int case_action_from_name(const char *s, enum case_action *out);
/* Open311 status: "closed" for closed, rejected and merged, else "open". */
const char *case_open311_status(enum case_status s);

/* ---- the workflow rules (case_flow.c) ---- */

/* May actor take action on cs now? ERR_OK, ERR_CONFLICT (wrong state) or ERR_FORBIDDEN. */
int case_flow_check(const struct case_rec *cs, enum case_action a, const struct actor *who,
                    int64_t now, struct err *e);
/* The actions actor may take on cs now, as a JSON array of names (for 409 replies and the UI). */
json_t *case_flow_allowed(const struct case_rec *cs, const struct actor *who, int64_t now);
/* The status an action leads to (the same status for steps that do not move the case). */
enum case_status case_flow_target(const struct case_rec *cs, enum case_action a);
/* Did u report cs through their own account (a patrol, a visit; not a hotline call they
 * logged for someone else)? */
int case_is_reporter(const struct case_rec *cs, const struct user *u);
/* The authorisation target of a case: its place, compound and assigned department. */
struct target case_target(const struct case_rec *cs);
/* May u read the case (and so take steps on it)? PERM_CASE_READ on its target, or a verifier of
 * it (a case with no grid is verified by the grids under its place: they read it too), or the
 * staff member who submitted it. */
int case_may_read(const struct case_rec *cs, const struct user *u);

/* ---- intake ---- */

/* What intake works out before its write transaction (case_prepare): the checks and text work,
 * kept out of the writer thread so the group commit's transaction only writes. */
struct case_prep {
    int done;
    const char *place, *grid; /* where the case is */
    const char *attrs_text;   /* the attributes, checked and normalised (JSON) */
    const char *grams;        /* the description's bigrams, for search */
    struct sla accept;        /* the category's deadline to accept */
};

struct case_input {
    const char *category, *description, *channel;
    const char *place_code, *address;
    int64_t compound_id;
    int has_point;
    double lat, lon;
    json_t *attributes; /* borrowed; normalised by the category's rules */
    const char *reporter_name, *reporter_phone, *reporter_email;
    int relay;            /* staff relay the report of the person named (name and phone): that
                           * person gets the tracking token and is the reporter */
    const char *idem_key; /* already scoped to the submitter */
    struct photo_ref *photos;
    int nphotos;
    int64_t enterprise_id, visit_id; /* raised on a visit (visit.c): the case is the
                                      * enterprise's, and may lie at its town */
    struct case_prep prep;
};

/* A photo of a report or of evidence. As received it holds its bytes (data); once stored
 * (case_photos_store) data is NULL and sha256 and mime are known. */
struct photo_ref {
    char sha256[65];
    const char *mime;
    int64_t bytes;
    const void *data;
};

struct case_created {
    int64_t id;
    char case_no[24];
    char token[48]; /* public tracking token; empty for staff submissions */
    int replayed;   /* an earlier submission with the same Idempotency-Key */
};

/* Validate an intake request without touching the store. */
int case_input_check(struct case_input *in, const struct actor *who, struct err *e);
/* On a read connection, before the write: check the category and its attributes, find the
 * place, compute the search text (strings in a). case_insert does it itself when not done. */
int case_prepare(struct db *db, struct arena *a, struct case_input *in, struct err *e);
/* In a write transaction: number the case, insert it with its first timeline row and outbox
 * entries. */
int case_insert(struct db *db, const struct case_input *in, const struct actor *who,
                const struct calendar *cal, struct case_created *out, struct err *e);

/* The idempotency of a submission: the client's Idempotency-Key header and what the request
 * carried, to which a key of the public is bound. */
struct case_idem {
    const char *key;  /* the client's key as sent, or NULL */
    json_t *json;     /* the request's JSON, or NULL (an Open311 form) */
    const char *body; /* the raw body, read when json is NULL */
};

/* Intake in full, for staff, the public and Open311 clients alike: check the input, scope the
 * Idempotency-Key to the submitter, prepare on a read connection (checks and text work stay out
 * of the group commit), insert in a write transaction, and answer a replay (the same key, raced
 * on another connection) with its case. in is updated: its scoped key and its preparation. */
int case_submit(struct store *s, struct arena *a, const char *data_dir, struct case_input *in,
                const struct actor *who, const struct case_idem *idem, struct case_created *out,
                struct err *e);
/* Check and store received photos under data_dir (photo.h), once their request is valid. */
int case_photos_store(const char *data_dir, struct photo_ref *p, int n, struct err *e);

/* ---- reads ---- */

int case_get(struct db *db, struct arena *a, int64_t id, struct case_rec *out, struct err *e);
/* The case numbered case_no ("20261129-0001"); ERR_NOT_FOUND naming case_no otherwise. */
int case_get_by_no(struct db *db, struct arena *a, const char *case_no, struct case_rec *out,
                   struct err *e);
/* 1 if s has the shape of a case number: YYYYMMDD-NNNN (4 to 6 digits after the dash). */
int case_no_shaped(const char *s);
int case_by_token(struct db *db, struct arena *a, const char *token, struct case_rec *out,
                  struct err *e);
/* Staff view (full) or public view (no contact details, no internal notes). */
json_t *case_json(const struct case_rec *cs, int public_view);
/* The timeline: TIMELINE_STAFF in full (staff in the case's scope), TIMELINE_PUBLIC the public
 * rows with the public fields, TIMELINE_NO_INTERNAL the public rows with the staff fields (staff
 * outside the scope who reported or logged the case: never the internal notes). */
enum { TIMELINE_STAFF = 0, TIMELINE_PUBLIC = 1, TIMELINE_NO_INTERNAL = 2 };
int case_timeline_json(struct db *db, struct arena *a, int64_t id, int view, json_t **out,
                       struct err *e);
int case_photos_json(struct db *db, struct arena *a, int64_t id, json_t **out, struct err *e);
/* The extensions requested and not yet decided: [{id, days, reason}], oldest first. */
int case_extensions_pending_json(struct db *db, struct arena *a, int64_t id, json_t **out,
                                 struct err *e);

/* ---- workflow steps ---- */

struct case_step {
    enum case_action action;
    const char *note;         /* reason, evidence text, comment */
    const char *department;   /* dispatch */
    int to_grid;              /* dispatch to the case's grid */
    const char *deadline;     /* dispatch: "5d" overrides the category's resolve deadline */
    const char *place;        /* place: the community, grid or micro-grid a clerk assigns */
    int64_t merge_into;       /* merge */
    int64_t extension_days;   /* extend */
    int64_t extension_id;     /* approve/deny_extension */
    int64_t rating;           /* confirm: 1-5 */
    int64_t expect_version;   /* 0 = any */
    json_t *meeting;          /* meeting: the record to create */
    int64_t meeting_id;       /* meeting: or an existing record to link the case to */
    struct photo_ref *photos; /* resolve evidence */
    int nphotos;
};

/* In a write transaction: load the case, check the rule, apply, append the timeline row and the
 * outbox entries. ERR_CONFLICT leaves e->msg naming the state and cs_out filled with the case
 * as it is, so the caller can answer with the allowed actions. */
int case_apply(struct db *db, struct arena *a, int64_t id, const struct case_step *st,
               const struct actor *who, const struct calendar *cal, struct case_rec *cs_out,
               struct err *e);

/* case_apply in its own write transaction, on the calendar's snapshot (read first); the step's
 * photos are stored under data_dir first. */
int case_step_run(struct store *s, struct arena *a, const char *data_dir, int64_t id,
                  const struct case_step *st, const struct actor *who, struct case_rec *cs_out,
                  struct err *e);

/* A joint meeting over the n cases ids in one write transaction: the first case creates the
 * record, the others are linked to it, and each gets its timeline row; each must allow a meeting
 * now, or nothing is recorded (ERR_CONFLICT with cs_out the case that refused). */
int meeting_record(struct store *s, struct arena *a, json_t *record, const int64_t *ids, int n,
                   const struct actor *who, struct case_rec *cs_out, int64_t *meeting_id,
                   struct err *e);

/* Parse a step from JSON {"action", "note", ...}; validates fields per action. */
int case_step_from_json(json_t *j, struct arena *a, struct case_step *out, struct err *e);

/* ---- timeline integrity ---- */

/* ---- counters (case_counters.c) ---- */
/* Add the case counters (counters.h, metrics "case.*") of the cases created from from_month
 * ("2026-11"; NULL: every case) to acc, reading each case once. */
struct counter_acc;
int case_counters_recount(struct db *db, struct counter_acc *acc, const char *from_month,
                          struct err *e);

struct audit_report {
    int64_t cases, rows, bad;
    char first_problem[200];
};
/* Recompute every chain: edited, inserted or deleted rows and heads that do not match. */
int case_audit_verify(struct db *db, struct audit_report *out, struct err *e);

/* The keyed MAC of one row of a hash-chained history: cases' timelines, and the histories of
 * other records kept the same way (competitions), whose owner id takes case_id's place. */
void case_event_mac(const char *prev, int64_t case_id, int64_t seq, int64_t at, int64_t actor_id,
                    const char *actor, const char *action, const char *from, const char *to,
                    const char *note, const char *data, int64_t public_, char out[65]);
/* A kind of chain: owner table (with timeline_seq, timeline_head), its events table (the
 * columns of case_events) and the events' owner column; what names an owner in problems. */
struct chain_def {
    const char *owner, *events, *fk, *what;
};
/* Verify every chain of one kind, adding to out (owners counted in out->cases). */
int timeline_chain_verify(struct db *db, const struct chain_def *d, struct audit_report *out,
                          struct err *e);

/* ---- lists and queues ---- */

struct case_filter {
    const char *status, *category, *place, *department, *channel, *q, *queue;
    int64_t enterprise, visit; /* raised for this enterprise, on this visit (0 = any) */
    int64_t from, to;          /* created_at range, 0 = open */
    int overdue;
    int due_within;   /* open and due within this many working hours (0 = no filter) */
    const char *sort; /* created | -created | due */
    const char *cursor;
    int limit;
};

int case_list(struct db *db, struct arena *a, const struct user *u, const struct case_filter *f,
              int64_t now, json_t **out, struct err *e);
int case_queues(struct db *db, struct arena *a, const struct user *u, int64_t now, json_t **out,
                struct err *e);
/* The queue due_soon (即将到期, the early warning): open cases due within N working hours (the
 * setting warn_due_hours, 8 by default; set once at start). */
#define CASE_WARN_DUE_HOURS_MAX 720
void case_set_warn_due_hours(int hours);
int case_warn_due_hours(void);
/* The latest deadline still within hours working hours of now on cal: a stage due at or before
 * it has at most that many working hours left. */
int64_t case_due_cutoff(const struct calendar *cal, int64_t now, int hours);

/* ---- pages of cases for Open311 (public fields only) ---- */

struct case_page_filter {
    const int64_t *ids; /* these cases (at most 200), overriding every other filter */
    int nids;
    const char *const *codes; /* categories (at most 50) */
    int ncodes;
    int open, closed;   /* status groups: one of them, or both or neither for all */
    int64_t start, end; /* created_at range, inclusive */
    int64_t limit, offset;
};
#define CASE_PAGE_IDS_MAX 200
#define CASE_PAGE_CODES_MAX 50

/* Newest first. */
int case_page(struct db *db, struct arena *a, const struct case_page_filter *f,
              struct case_rec **out, int *n, struct err *e);

/* What a page of cases shows besides the cases: every category, the names of the cases'
 * communities and compounds, and the public timeline rows (by case, then in order). */
struct case_public_event {
    int64_t case_id, at;
    const char *action, *from, *to, *note;
};
struct case_page_extras {
    struct category *cats;
    int ncats;
    const char **community_codes, **community_names;
    int ncommunities;
    int64_t *compound_ids;
    const char **compound_names;
    int ncompounds;
    struct case_public_event *events;
    int nevents;
};
int case_page_extras_load(struct db *db, struct arena *a, const struct case_rec *cs, int n,
                          struct case_page_extras *x, struct err *e);
const struct category *case_page_category(const struct case_page_extras *x, const char *code);
/* The name of the community place lies in, or NULL. */
const char *case_page_community(const struct case_page_extras *x, const char *place);
const char *case_page_compound(const struct case_page_extras *x, int64_t id);

/* ---- duplicates ---- */

/* Open cases of the same category within 50 m or in the same compound, with similar text,
 * among those u may read. */
int case_duplicates(struct db *db, struct arena *a, const struct case_rec *cs, const struct user *u,
                    json_t **out, struct err *e);
/* Character-bigram text for the search index ("电动 动车 车停 ..."), arena-allocated. */
char *case_grams(struct arena *a, const char *text);
/* Dice similarity of the bigram sets of two texts, 0..1. */
double case_similarity(const char *a, const char *b);

#endif
