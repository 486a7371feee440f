/* case_query.c - lists of cases with filters, scope, full-text search and cursor pagination,
 * and each role's work queues with their counts. The scope of every list comes from the user's
 * grants through the same permissions authz_allow checks for single cases. */
#include "domain/case_int.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/util.h"
#include "store/sqlq.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The case lies under place. A district, town or community holds many cases: a list read
 * newest first should walk them by time and filter, not gather them all by place and sort
 * (measured on 1M cases: 1 ms against 6.5 s), so SQLite is kept off the place index there
 * ('+'); a grid's few cases are best found by place. */
static void q_place(struct sqlq *q, const char *place)
{
    int walk = q->by_time && !q->pg && strlen(place) <= 12;
    sqlq_prefix(q, walk ? "+c.place_code" : "c.place_code", place);
}

/* OR over the user's grants that carry p; "1 = 0" when none does. */
static void q_scope(struct sqlq *q, const struct user *u, enum perm p)
{
    int n = 0;
    sqlq_add(q, "(");
    for (int i = 0; u && i < u->nroles; i++) {
        const struct role_grant *g = &u->roles[i];
        if (!authz_grant_has(g, p))
            continue;
        if (n++)
            sqlq_add(q, " OR ");
        if (authz_by_enterprise(g) && p != PERM_PLACE_READ) {
            /* cadres: the problems of the enterprises they serve (authz_serves) */
            sqlq_add(q, "c.enterprise_id IN (SELECT enterprise_id FROM cadre_assignments WHERE "
                        "user_id = ?)");
            sqlq_param(q, DBI(u->id));
        } else if (g->role == ROLE_DEPT_HANDLER && p != PERM_PLACE_READ) {
            sqlq_add(q, p == PERM_CASE_HANDLE ? "(c.department_code = ? AND c.to_grid = 0)"
                                              : "c.department_code = ?");
            sqlq_param(q, DBS(g->scope + 5));
        } else if (g->compound) {
            sqlq_add(q, "c.compound_id = ?");
            sqlq_param(q, DBI(g->compound));
        } else if (p == PERM_CASE_HANDLE) {
            sqlq_add(q, "(c.to_grid = 1 AND ");
            sqlq_prefix(q, "c.grid_code", g->place);
            sqlq_add(q, ")");
        } else if (p == PERM_CASE_VERIFY) {
            /* the grid's cases, and those known only by the grid's community: found by place
             * (SQLite: '+', never through the enterprise index, where nearly every case is
             * NULL; PostgreSQL: in the place index's collation, or the OR uses no index) */
            sqlq_add(q, "(");
            sqlq_prefix(q, "c.grid_code", g->place);
            sqlq_add(q, q->pg ? " OR (c.grid_code IS NULL AND c.enterprise_id IS NULL AND "
                                "c.place_code COLLATE \"C\" = ?))"
                              : " OR (c.grid_code IS NULL AND +c.enterprise_id IS NULL AND "
                                "c.place_code = ?))");
            sqlq_param(q, DBS(arena_printf(q->a, "%.12s", g->place)));
        } else if (p == PERM_CASE_READ && authz_grant_has(g, PERM_CASE_VERIFY)) {
            /* grid staff read the cases they verify: also those with no grid at a place above
             * them (case_may_read) */
            sqlq_add(q, "(");
            q_place(q, g->place);
            sqlq_add(q, q->pg ? " OR (c.grid_code IS NULL AND c.enterprise_id IS NULL AND "
                                "c.place_code COLLATE \"C\" IN (?, ?, ?)))"
                              : " OR (c.grid_code IS NULL AND +c.enterprise_id IS NULL AND "
                                "c.place_code IN (?, ?, ?)))");
            sqlq_param(q, DBS(arena_printf(q->a, "%.6s", g->place)));
            sqlq_param(q, DBS(arena_printf(q->a, "%.9s", g->place)));
            sqlq_param(q, DBS(arena_printf(q->a, "%.12s", g->place)));
        } else {
            q_place(q, g->place);
        }
    }
    if (n == 0)
        sqlq_add(q, "1 = 0");
    sqlq_add(q, ")");
}

#define OPEN_SQL                                                                                   \
    "c.status IN ('submitted','accepted','dispatched','in_progress','resolved','verified')"

/* due_soon and ?due_within=: open and due from now to the cutoff (case_due_cutoff) */
#define DUE_WITHIN_SQL OPEN_SQL " AND c.stage_due_at >= ? AND c.stage_due_at <= ?"

static const struct queue {
    const char *name, *label;
    enum perm perm;
    const char *where; /* may use parameters: now (uses_now times), then the due cutoff */
    int uses_now;
    int upper;  /* only for offices of a town or the district (places above communities) */
    int cutoff; /* takes now and the due_within cutoff */
} queues[] = {
    {"to_accept", "待受理", PERM_CASE_OFFICE, "c.status = 'submitted'", 0},
    /* reports known only by their town or district (a point no boundary below holds) */
    {"to_place", "待定位", PERM_CASE_OFFICE,
     "c.status IN ('submitted','accepted') AND length(c.place_code) < 12", 0, 1},
    {"to_dispatch", "待派遣", PERM_CASE_OFFICE, "c.status = 'accepted'", 0},
    {"in_hand", "待处置", PERM_CASE_HANDLE, "c.status IN ('dispatched','in_progress')", 0},
    {"to_verify", "待核查", PERM_CASE_VERIFY, "c.status = 'resolved'", 0},
    {"to_close", "待结案", PERM_CASE_OFFICE,
     "c.status = 'verified' AND (c.confirmed = 1 OR c.stage_due_at < ?)", 1},
    {"overdue", "已超期", PERM_CASE_READ, OPEN_SQL " AND c.stage_due_at < ?", 1},
    /* early warning: open and at most warn_due_hours working hours left */
    {"due_soon", "即将到期", PERM_CASE_READ, DUE_WITHIN_SQL, 0, 0, 1},
};

static atomic_int warn_due_hours = 8;

void case_set_warn_due_hours(int hours)
{
    atomic_store(&warn_due_hours, hours < 1                         ? 1
                                  : hours > CASE_WARN_DUE_HOURS_MAX ? CASE_WARN_DUE_HOURS_MAX
                                                                    : hours);
}

int case_warn_due_hours(void)
{
    return atomic_load(&warn_due_hours);
}

int64_t case_due_cutoff(const struct calendar *cal, int64_t now, int hours)
{
    /* the instant hours working hours ahead, then on to where the next working hour starts: a
     * deadline in the gap between (17:00 to 09:00, a weekend) has no more working time left */
    int64_t end = calendar_due(cal, now, (struct sla){hours, 'h'});
    return calendar_due(cal, end, (struct sla){1, 'h'}) - 3600;
}

static const struct queue *queue_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(queues); i++) {
        if (strcmp(queues[i].name, name) == 0)
            return &queues[i];
    }
    return NULL;
}

static void q_queue(struct sqlq *q, const struct queue *qu, const struct user *u, int64_t now,
                    int64_t cutoff)
{
    sqlq_add(q, " AND ");
    sqlq_add(q, qu->where);
    for (int i = 0; i < qu->uses_now; i++)
        sqlq_param(q, DBI(now));
    if (qu->cutoff) {
        sqlq_param(q, DBI(now));
        sqlq_param(q, DBI(cutoff));
    }
    sqlq_add(q, " AND ");
    q_scope(q, u, qu->perm);
}

/* ---- full-text search ----
 * Every term of the query must match. Bigrams and words go to the index (FTS5 on SQLite, a
 * tsvector on PostgreSQL); a lone ideograph has no bigram of its own, so it is found in the
 * text itself (LIKE), as the index holds it only inside bigrams. */
struct search {
    const char *match;  /* the index's query: FTS5 '"t1" AND "t2"', tsquery words; NULL if none */
    const char **chars; /* lone ideographs */
    int nchars;
};

static int search_parse(struct arena *a, int pg, const char *text, struct search *s, struct err *e)
{
    char *grams = case_grams(a, text);
    struct buf m;
    char *save = NULL;

    memset(s, 0, sizeof(*s));
    if (grams[0] == '\0')
        return err_set(e, ERR_INVALID, "q", "search for at least one letter or character");
    s->chars = arena_alloc(a, sizeof(char *) * (strlen(grams) / 2 + 1));
    buf_init(&m, 8192);
    for (char *t = strtok_r(grams, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if ((unsigned char)t[0] >= 0x80 && utf8_chars(t) == 1) {
            s->chars[s->nchars++] = arena_printf(a, "%%%s%%", t);
            continue;
        }
        /* FTS5 wants "t1" AND "t2"; plainto_tsquery takes the words as they are (terms hold
         * no quotes or spaces) */
        if (pg)
            buf_printf(&m, "%s%s", m.len ? " " : "", t);
        else
            buf_printf(&m, "%s\"%s\"", m.len ? " AND " : "", t);
    }
    if (m.len > 0)
        s->match = arena_strdup(a, m.data);
    buf_free(&m);
    return ERR_OK;
}

static void q_chars(struct sqlq *q, const struct search *s)
{
    for (int i = 0; i < s->nchars; i++) {
        sqlq_add(q, " AND c.description LIKE ?");
        sqlq_param(q, DBS(s->chars[i]));
    }
}

/* On SQLite the FTS5 rowid of a case is its place in the list's order, created_at * 2^31 + id
 * (015_search.sqlite.sql): the index hands out matches newest first. A search is planned here,
 * as SQLite without statistics cannot weigh the index against the filters (costs measured on
 * 1M cases, docs/performance.md):
 *  - walk: read the matches in the list's order, each case by id checked against scope and
 *    filters, until the page is full (a few us a match; a page of a common term reads ~400);
 *  - probe: read the cases in scope and filters by their index and look each up in the
 *    full-text index (20-30 us a case): for a grid's or a compound's few hundred cases;
 *  - set: the same, with every match gathered once into a set (about 0.3 us a match): when the
 *    first SEARCH_WALK_MAX matches did not fill the page, the filters are selective and an
 *    index of theirs drives (not for category or channel, which have none: the walk goes on);
 *  - ids: every match read by id and sorted, for the 'due' order. */
#define FTS_SHIFT 2147483648LL
#define FTS_ID "(cases_fts.rowid % 2147483648)"
/* Matches a walk reads before it asks whether the filters are too selective for it. */
#define SEARCH_WALK_MAX 4000

enum search_plan { SP_WALK, SP_PROBE, SP_SET, SP_IDS };

/* The match in a query whose rows are cases c (SQLite: probe, set, ids; PostgreSQL plans its
 * own, pg_search). */
static void q_match(struct sqlq *q, const struct search *s, enum search_plan plan)
{
    if (plan == SP_PROBE)
        sqlq_add(q, " AND EXISTS (SELECT 1 FROM cases_fts WHERE cases_fts MATCH ? AND "
                    "cases_fts.rowid = c.created_at * 2147483648 + c.id)");
    else if (plan == SP_SET)
        sqlq_add(q, " AND c.created_at * 2147483648 + c.id IN (SELECT rowid FROM cases_fts "
                    "WHERE cases_fts MATCH ?)");
    else
        sqlq_add(q, " AND c.id IN (SELECT " FTS_ID " FROM cases_fts WHERE cases_fts MATCH ?)");
    sqlq_param(q, DBS(s->match));
}

/* Are the cases in the user's scope, or under the filters, a grid's or fewer? */
static int search_narrow(const struct user *u, const struct case_filter *f)
{
    if ((f->place && strlen(f->place) >= 15) || f->enterprise || f->visit)
        return 1;
    int n = 0;
    for (int i = 0; u && i < u->nroles; i++) {
        const struct role_grant *g = &u->roles[i];
        if (!authz_grant_has(g, PERM_CASE_READ))
            continue;
        if (!g->compound &&
            (strlen(g->place) < 15 || authz_by_enterprise(g) || g->role == ROLE_DEPT_HANDLER))
            return 0;
        n++;
    }
    return n > 0;
}

static int csv_has(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

/* The scope and filters of a list: everything but search, cursor and order. */
static int q_filters(struct sqlq *q, const struct user *u, const struct case_filter *f, int64_t now,
                     int64_t cutoff, struct err *e)
{
    /* a place filter lies within the scope: its index should drive, not the scope's range */
    int by_time = q->by_time;
    q->by_time |= f->place != NULL;
    q_scope(q, u, PERM_CASE_READ);
    q->by_time = by_time;
    if (f->queue) {
        const struct queue *qu = queue_find(f->queue);
        if (qu == NULL)
            return err_set(e, ERR_INVALID, "queue", "unknown queue '%.32s'", f->queue);
        q_queue(q, qu, u, now, cutoff);
    }
    if (f->due_within > 0) {
        sqlq_add(q, " AND " DUE_WITHIN_SQL);
        sqlq_param(q, DBI(now));
        sqlq_param(q, DBI(cutoff));
    }
    if (f->status) {
        int n = 0;
        sqlq_add(q, " AND c.status IN (");
        for (int s = 0; s < CS__COUNT; s++) {
            if (csv_has(f->status, case_status_name((enum case_status)s))) {
                sqlq_add(q, n++ ? ", ?" : "?");
                sqlq_param(q, DBS(case_status_name((enum case_status)s)));
            }
        }
        if (n == 0)
            return err_set(e, ERR_INVALID, "status", "unknown status '%.40s'", f->status);
        sqlq_add(q, ")");
    }
    if (f->category) {
        sqlq_add(q, " AND c.category_code = ?");
        sqlq_param(q, DBS(f->category));
    }
    if (f->place) {
        sqlq_add(q, " AND ");
        q_place(q, f->place);
    }
    if (f->department) {
        sqlq_add(q, " AND c.department_code = ?");
        sqlq_param(q, DBS(f->department));
    }
    if (f->channel) {
        sqlq_add(q, " AND c.channel = ?");
        sqlq_param(q, DBS(f->channel));
    }
    if (f->enterprise) {
        sqlq_add(q, " AND c.enterprise_id = ?");
        sqlq_param(q, DBI(f->enterprise));
    }
    if (f->visit) {
        sqlq_add(q, " AND c.visit_id = ?");
        sqlq_param(q, DBI(f->visit));
    }
    if (f->from) {
        sqlq_add(q, " AND c.created_at >= ?");
        sqlq_param(q, DBI(f->from));
    }
    if (f->to) {
        sqlq_add(q, " AND c.created_at < ?");
        sqlq_param(q, DBI(f->to));
    }
    if (f->overdue) {
        sqlq_add(q, " AND " OPEN_SQL " AND c.stage_due_at < ?");
        sqlq_param(q, DBI(now));
    }
    return ERR_OK;
}

struct list_cursor {
    int set;
    long long kv, id;
};

/* ORDER BY and LIMIT of a list, and its cursor condition. */
static void q_order(struct sqlq *q, const char *key, int desc, const struct list_cursor *cur,
                    int limit)
{
    if (cur->set) {
        sqlq_add(q, arena_printf(q->a, " AND (%s %s ? OR (%s = ? AND c.id %s ?))", key,
                                 desc ? "<" : ">", key, desc ? "<" : ">"));
        sqlq_param(q, DBI(cur->kv));
        sqlq_param(q, DBI(cur->kv));
        sqlq_param(q, DBI(cur->id));
    }
    sqlq_add(q, arena_printf(q->a, " ORDER BY %s %s, c.id %s LIMIT ?", key, desc ? "DESC" : "ASC",
                             desc ? "DESC" : "ASC"));
    sqlq_param(q, DBI(limit + 1));
}

static int run(struct db *db, struct arena *a, struct sqlq *q, struct dbrows *r, struct err *e)
{
    if (q->overflow)
        return err_set(e, ERR_INVALID, NULL, "too many filters");
    return db_query(db, a, r, e, q->sql.data, q->p, q->np);
}

/* SQLite, the walk: the FTS5 index drives, newest (or oldest) match first, each case checked
 * against scope and filters as it is read, until the page is full - among the first max
 * matches when max > 0 (*capped: there are more). */
static int search_walk(struct db *db, struct arena *a, const struct user *u,
                       const struct case_filter *f, int64_t now, int64_t cutoff,
                       const struct search *s, int desc, const struct list_cursor *cur, int limit,
                       int max, struct dbrows *r, int *capped, struct err *e)
{
    struct sqlq q;
    struct dbrows last = {0};
    const char *cmp = desc ? "<" : ">", *dir = desc ? "DESC" : "ASC";
    int rc;

    *capped = 0;
    if (max > 0) {
        /* the key of the max-th match, from the index alone: the walk stops there */
        sqlq_init(&q, a, db);
        sqlq_add(&q, "SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?");
        sqlq_param(&q, DBS(s->match));
        if (cur->set) {
            sqlq_add(&q, arena_printf(a, " AND rowid %s ?", cmp));
            sqlq_param(&q, DBI(cur->kv * FTS_SHIFT + cur->id));
        }
        sqlq_add(&q, arena_printf(a, " ORDER BY rowid %s LIMIT 1 OFFSET ?", dir));
        sqlq_param(&q, DBI(max - 1));
        rc = run(db, a, &q, &last, e);
        buf_free(&q.sql);
        if (rc != ERR_OK)
            return rc;
        *capped = last.nrows > 0;
    }
    sqlq_init(&q, a, db);
    q.by_time = 1; /* cases are read by id here, never by place */
    sqlq_add(&q, case_select_sql);
    sqlq_add(&q, "WHERE c.id IN (SELECT " FTS_ID " FROM cases_fts CROSS JOIN cases c WHERE "
                 "cases_fts MATCH ?");
    sqlq_param(&q, DBS(s->match));
    if (cur->set) {
        sqlq_add(&q, arena_printf(a, " AND cases_fts.rowid %s ?", cmp));
        sqlq_param(&q, DBI(cur->kv * FTS_SHIFT + cur->id));
    }
    if (*capped) {
        sqlq_add(&q, arena_printf(a, " AND cases_fts.rowid %s= ?", desc ? ">" : "<"));
        sqlq_param(&q, DBI(dbrows_int(&last, 0, 0)));
    }
    sqlq_add(&q, " AND c.id = " FTS_ID " AND ");
    if ((rc = q_filters(&q, u, f, now, cutoff, e)) != ERR_OK)
        goto out;
    q_chars(&q, s);
    sqlq_add(&q, arena_printf(a, " ORDER BY cases_fts.rowid %s LIMIT ?)", dir));
    sqlq_param(&q, DBI(limit + 1));
    q_order(&q, "c.created_at", desc, &(struct list_cursor){0}, limit);
    rc = run(db, a, &q, r, e);
out:
    buf_free(&q.sql);
    return rc;
}

/* SQLite: run the walk when it is the plan (*done = 1), or say which plan the caller runs. */
static int search_plan(struct db *db, struct arena *a, const struct user *u,
                       const struct case_filter *f, int64_t now, int64_t cutoff,
                       const struct search *s, int desc, const struct list_cursor *cur, int limit,
                       struct dbrows *r, enum search_plan *plan, int *done, struct err *e)
{
    int capped, rc;
    *done = 0;
    *plan = SP_PROBE;
    if (search_narrow(u, f))
        return ERR_OK;
    *plan = SP_WALK;
    rc = search_walk(db, a, u, f, now, cutoff, s, desc, cur, limit, SEARCH_WALK_MAX, r, &capped, e);
    if (rc != ERR_OK || r->nrows > limit || !capped)
        return *done = 1, rc;
    /* the page is not full after SEARCH_WALK_MAX matches, and there are more */
    if (f->category || f->channel) {
        *done = 1;
        return search_walk(db, a, u, f, now, cutoff, s, desc, cur, limit, 0, r, &capped, e);
    }
    *plan = SP_SET;
    return ERR_OK;
}

/* PostgreSQL plans a search's first page from statistics that take its words and the scope as
 * independent, and the bigrams of one Chinese word as independent of each other: a term common
 * overall but never in a department's cases made it walk every case newest first (2.9 s on 1M
 * cases), one a grid holds often made it gather every match through the GIN index (150,000 for
 * 电动车) to keep the grid's 400, and 'due' sorted every match (1-3 s). The plan is chosen here
 * instead, as on SQLite (costs measured on 1M cases, docs/performance.md, 2026-12-02):
 *  - probe: a grid's or a compound's few hundred cases (search_narrow) are read by the scope's
 *    index and each checked (the tsvector wrapped, so that the GIN index cannot drive);
 *  - walk: the cases in scope in the list's order (cases_created, or 023's cases_due), the
 *    stored tsvector checked on each, until the page is full or a bound is read: when the
 *    page costs fewer cases read than a gather, estimated from the share of cases holding the
 *    query's rarest word (pg_word_share) and the planner's count of the cases in scope;
 *  - gather: every match (the GIN index and the scope's index together), the page sorted from
 *    them; for rarer words, and after a walk that read its bound without filling the page (the
 *    order key plus 0 keeps the planner off that walk);
 *  - after such a walk, when the scope has under an eighth as many cases as the GIN index has
 *    matches (an enterprise cadre searching a word common elsewhere), the probe over the
 *    scope's cases instead: the walk showed the word rare in them, so a gather would read every
 *    match to keep almost none.
 * Every plan selects the page's ids first and joins the names to those alone. */
#define PG_PROBE_COST 8 /* a case probed against a match gathered */
#define PG_WALK_MIN 1000
#define PG_WALK_MAX 20000

/* The share of cases holding the query's rarest word and the number of cases, from the
 * planner's statistics (ANALYZE, autovacuum): 0 for a word not among the commonest, or before
 * any statistics. */
static int pg_word_share(struct db *db, struct arena *a, const struct search *s, double *share,
                         double *cases, struct err *e)
{
    struct dbrows r;
    int rc = db_query(
        db, a, &r, e,
        "SELECT coalesce(min(x.f), 0), (SELECT reltuples FROM pg_class WHERE oid = "
        "'cases'::regclass) FROM (SELECT coalesce((SELECT s.most_common_elem_freqs["
        "array_position(s.most_common_elems::text::text[], w.word)] FROM pg_stats s WHERE "
        "s.schemaname = current_schema() AND s.tablename = 'cases' AND s.attname = "
        "'search_tsv'), 0) AS f FROM unnest(tsvector_to_array(to_tsvector('simple', ?))) AS "
        "w(word)) x",
        DB_ARGS(DBS(s->match)));
    if (rc != ERR_OK)
        return rc;
    *share = r.nrows ? strtod(dbrows_get(&r, 0, 0) ? dbrows_get(&r, 0, 0) : "0", NULL) : 0;
    *cases = r.nrows ? strtod(dbrows_get(&r, 0, 1) ? dbrows_get(&r, 0, 1) : "0", NULL) : 0;
    return ERR_OK;
}

/* The planner's estimate of the cases in scope and filters. */
static int pg_scope_rows(struct db *db, struct arena *a, const struct user *u,
                         const struct case_filter *f, int64_t now, int64_t cutoff, double *rows,
                         struct err *e)
{
    struct sqlq q;
    struct dbrows r;
    sqlq_init(&q, a, db);
    sqlq_add(&q, "EXPLAIN (FORMAT JSON) SELECT 1 FROM cases c WHERE ");
    int rc = q_filters(&q, u, f, now, cutoff, e);
    if (rc == ERR_OK)
        rc = run(db, a, &q, &r, e);
    buf_free(&q.sql);
    if (rc != ERR_OK)
        return rc;
    const char *plan = r.nrows ? dbrows_get(&r, 0, 0) : NULL;
    const char *at = plan ? strstr(plan, "\"Plan Rows\":") : NULL;
    *rows = at ? strtod(at + strlen("\"Plan Rows\":"), NULL) : 0;
    return ERR_OK;
}

/* The page: the cases whose ids are in the query q holds after "c.id IN (", in the list's
 * order. */
static int pg_page(struct db *db, struct arena *a, struct sqlq *q, const char *key, int desc,
                   int limit, struct dbrows *r, struct err *e)
{
    sqlq_add(q, ")");
    q_order(q, key, desc, &(struct list_cursor){0}, limit);
    return run(db, a, q, r, e);
}

/* The walk; *done = 0 when it read max cases in scope without filling the page. */
static int pg_walk(struct db *db, struct arena *a, const struct user *u,
                   const struct case_filter *f, int64_t now, int64_t cutoff, const struct search *s,
                   const char *key, int desc, const struct list_cursor *cur, int limit, int max,
                   struct dbrows *r, int *done, struct err *e)
{
    struct sqlq q;
    struct dbrows w;
    int rc;

    /* ids of the matches, and the max-th case in scope if it was read */
    sqlq_init(&q, a, db);
    sqlq_add(&q, "SELECT w.id, w.hit, w.rn FROM (SELECT v.id, v.hit, row_number() OVER () AS rn "
                 "FROM (SELECT c.id, CASE WHEN c.search_tsv @@ plainto_tsquery('simple', ?)");
    sqlq_param(&q, DBS(s->match));
    q_chars(&q, s);
    sqlq_add(&q, " THEN 1 ELSE 0 END AS hit FROM cases c WHERE ");
    if ((rc = q_filters(&q, u, f, now, cutoff, e)) == ERR_OK) {
        q_order(&q, key, desc, cur, max - 1);
        sqlq_add(&q, ") v) w WHERE w.hit = 1 OR w.rn = ? LIMIT ?");
        sqlq_param(&q, DBI(max));
        sqlq_param(&q, DBI(limit + 2));
        rc = run(db, a, &q, &w, e);
    }
    buf_free(&q.sql);
    if (rc != ERR_OK)
        return rc;
    int hits = 0, bound = 0;
    for (int i = 0; i < w.nrows; i++) {
        hits += dbrows_int(&w, i, 1) == 1;
        bound |= dbrows_int(&w, i, 2) == max;
    }
    /* a full page, or every case in scope read: the page is the walk's */
    *done = hits > limit || !bound;
    if (!*done)
        return ERR_OK;
    sqlq_init(&q, a, db);
    sqlq_add(&q, case_select_sql);
    sqlq_add(&q, "WHERE c.id IN (");
    if (hits == 0)
        sqlq_add(&q, "NULL");
    for (int i = 0, n = 0; i < w.nrows; i++) {
        if (dbrows_int(&w, i, 1) != 1)
            continue;
        sqlq_add(&q, n++ ? ", ?" : "?");
        sqlq_param(&q, DBI(dbrows_int(&w, i, 0)));
    }
    rc = pg_page(db, a, &q, key, desc, limit, r, e);
    buf_free(&q.sql);
    return rc;
}

static int pg_search(struct db *db, struct arena *a, const struct user *u,
                     const struct case_filter *f, int64_t now, int64_t cutoff,
                     const struct search *s, const char *key, int desc,
                     const struct list_cursor *cur, int limit, struct dbrows *r, struct err *e)
{
    struct sqlq q;
    int narrow = search_narrow(u, f), rc;

    int probe = narrow;
    if (!narrow) {
        double share, cases, scope;
        if ((rc = pg_word_share(db, a, s, &share, &cases, e)) != ERR_OK ||
            (rc = pg_scope_rows(db, a, u, f, now, cutoff, &scope, e)) != ERR_OK)
            return rc;
        /* cases read: a walk fills the page after (limit + 1) / (share x scope / cases) cases
         * in the list's order, or reads the scope once by its index; a gather reads the matches
         * in scope, after a tenth of a read for each match in the GIN index and a quarter for
         * each case in the scope's index (when the scope is not most cases; its entries carry
         * the counted columns, 019) */
        double walk = share > 0 && scope > 0 ? (limit + 1) * cases / (share * scope) : 0;
        double gather = share * scope + share * cases / 10 + (scope < cases / 2 ? scope / 4 : 0);
        if (walk > scope)
            walk = scope;
        if (share > 0 && walk < gather) {
            double want = 3.0 * (limit + 1) / share;
            int max = want < PG_WALK_MIN   ? PG_WALK_MIN
                      : want > PG_WALK_MAX ? PG_WALK_MAX
                                           : (int)want;
            int done;
            rc = pg_walk(db, a, u, f, now, cutoff, s, key, desc, cur, limit, max, r, &done, e);
            if (rc != ERR_OK || done)
                return rc;
            /* the walk found the word rarer in scope than overall (an enterprise cadre's
             * cases never hold it): reading the scope's cases one by one from the table (about
             * 3.4 us each on 1M, measured) costs less than taking every match from the GIN
             * index's bitmap (about 0.5 us each) when the scope is an eighth of those */
            probe = scope * PG_PROBE_COST < share * cases;
        }
    }
    /* gather or probe */
    sqlq_init(&q, a, db);
    sqlq_add(&q, case_select_sql);
    sqlq_add(&q, "WHERE c.id IN (SELECT c.id FROM cases c WHERE ");
    if ((rc = q_filters(&q, u, f, now, cutoff, e)) == ERR_OK) {
        q_chars(&q, s);
        sqlq_add(&q, probe ? " AND coalesce(c.search_tsv, '') @@ plainto_tsquery('simple', ?)"
                           : " AND c.search_tsv @@ plainto_tsquery('simple', ?)");
        sqlq_param(&q, DBS(s->match));
        q_order(&q, narrow ? key : arena_printf(a, "(%s + 0)", key), desc, cur, limit);
        rc = pg_page(db, a, &q, key, desc, limit, r, e);
    }
    buf_free(&q.sql);
    return rc;
}

int case_list(struct db *db, struct arena *a, const struct user *u, const struct case_filter *f,
              int64_t now, json_t **out, struct err *e)
{
    struct sqlq q;
    struct dbrows r;
    struct search s = {0};
    struct list_cursor cur = {0};
    int limit = f->limit > 0 && f->limit <= 200 ? f->limit : 50;
    const char *sort = f->sort ? f->sort : "-created";
    int by_due = strcmp(sort, "due") == 0, desc = sort[0] == '-', number = 0, rc;
    int pg = strcmp(db_backend(db), "postgres") == 0;

    if (strcmp(sort, "-created") && strcmp(sort, "created") && !by_due)
        return err_set(e, ERR_INVALID, "sort", "'sort' is -created, created or due");
    if (f->cursor) {
        char tail;
        /* the server's own cursors: a time (or the 'due' sort's 4000000000) and an id */
        if (sscanf(f->cursor, "%lld.%lld%c", &cur.kv, &cur.id, &tail) != 2 || cur.kv < 0 ||
            cur.kv > 4000000000LL || cur.id < 0 || cur.id >= FTS_SHIFT)
            return err_set(e, ERR_INVALID, "cursor", "use the 'next' value of the previous page");
        cur.set = 1;
    }
    if (f->q && case_no_shaped(f->q))
        number = 1;
    else if (f->q && (rc = search_parse(a, pg, f->q, &s, e)) != ERR_OK)
        return rc;

    /* the end of the due-soon window: ?due_within=N working hours, or the queue's setting */
    int64_t cutoff = 0;
    if (f->due_within > 0 || (f->queue && strcmp(f->queue, "due_soon") == 0)) {
        const struct calendar *cal = calendar_cached(db, e);
        if (cal == NULL)
            return e->code;
        cutoff =
            case_due_cutoff(cal, now, f->due_within > 0 ? f->due_within : case_warn_due_hours());
    }
    enum search_plan plan = SP_IDS;
    if (s.match && pg) {
        rc = pg_search(db, a, u, f, now, cutoff, &s,
                       by_due ? "coalesce(c.stage_due_at, 4000000000)" : "c.created_at", desc, &cur,
                       limit, &r, e);
        if (rc != ERR_OK)
            return rc;
        goto rows;
    }
    if (s.match && !pg && !by_due) {
        int done;
        rc = search_plan(db, a, u, f, now, cutoff, &s, desc, &cur, limit, &r, &plan, &done, e);
        if (rc != ERR_OK)
            return rc;
        if (done)
            goto rows;
    }
    sqlq_init(&q, a, db);
    q.by_time = !by_due && f->q == NULL;
    sqlq_add(&q, case_select_sql);
    sqlq_add(&q, "WHERE ");
    if ((rc = q_filters(&q, u, f, now, cutoff, e)) != ERR_OK)
        goto out;
    if (number) {
        /* a case number finds that case exactly */
        sqlq_add(&q, " AND c.case_no = ?");
        sqlq_param(&q, DBS(f->q));
    }
    q_chars(&q, &s);
    if (s.match)
        q_match(&q, &s, plan);
    q_order(&q, by_due ? "coalesce(c.stage_due_at, 4000000000)" : "c.created_at", desc, &cur,
            limit);
    rc = run(db, a, &q, &r, e);
    buf_free(&q.sql);
    if (rc != ERR_OK)
        return rc;
rows:;
    json_t *items = json_array();
    struct case_rec cs;
    for (int i = 0; i < r.nrows && i < limit; i++) {
        case_from_row(&r, i, &cs);
        json_array_append_new(items, case_json(&cs, 0));
    }
    json_t *next = json_null();
    if (r.nrows > limit) {
        case_from_row(&r, limit - 1, &cs);
        long long kv = by_due ? (cs.stage_due_at ? cs.stage_due_at : 4000000000LL) : cs.created_at;
        next = json_string(arena_printf(a, "%lld.%lld", kv, (long long)cs.id));
    }
    *out = json_pack("{s:o, s:o}", "items", items, "next", next);
    return ERR_OK;
out:
    buf_free(&q.sql);
    return rc;
}

/* Does u hold an office above the communities (a town's or the district's)? */
static int upper_office(const struct user *u)
{
    for (int i = 0; i < u->nroles; i++) {
        if (authz_grant_has(&u->roles[i], PERM_CASE_OFFICE) && u->roles[i].compound == 0 &&
            strlen(u->roles[i].place) < 12)
            return 1;
    }
    return 0;
}

int case_queues(struct db *db, struct arena *a, const struct user *u, int64_t now, json_t **out,
                struct err *e)
{
    const struct calendar *cal = calendar_cached(db, e);
    if (cal == NULL)
        return e->code;
    int hours = case_warn_due_hours();
    int64_t cutoff = case_due_cutoff(cal, now, hours);
    json_t *items = json_array();
    for (size_t i = 0; i < ARRAY_LEN(queues); i++) {
        struct sqlq q;
        struct dbrows r;
        if (!authz_has(u, queues[i].perm) || (queues[i].upper && !upper_office(u)))
            continue;
        sqlq_init(&q, a, db);
        sqlq_add(&q, "SELECT count(*) FROM cases c WHERE ");
        q_scope(&q, u, PERM_CASE_READ);
        q_queue(&q, &queues[i], u, now, cutoff);
        int rc = db_query(db, a, &r, e, q.sql.data, q.p, q.np);
        buf_free(&q.sql);
        if (rc != ERR_OK) {
            json_decref(items);
            return rc;
        }
        json_t *it = json_pack("{s:s, s:s, s:I}", "queue", queues[i].name, "label", queues[i].label,
                               "count", (json_int_t)dbrows_int(&r, 0, 0));
        if (queues[i].cutoff)
            json_object_set_new(it, "hours", json_integer(hours));
        json_array_append_new(items, it);
    }
    *out = json_pack("{s:o}", "items", items);
    return ERR_OK;
}

/* ---- pages of cases for Open311 ---- */

/* "(?, ?, ...)" for n parameters. */
static const char *placeholders(struct arena *a, int n)
{
    char *s = arena_alloc(a, (size_t)n * 3 + 3), *w = s;
    *w++ = '(';
    for (int i = 0; i < n; i++) {
        if (i)
            *w++ = ',';
        *w++ = '?';
    }
    *w++ = ')';
    *w = '\0';
    return s;
}

int case_page(struct db *db, struct arena *a, const struct case_page_filter *f,
              struct case_rec **out, int *n, struct err *e)
{
    struct buf sql;
    struct dbv p[CASE_PAGE_IDS_MAX + CASE_PAGE_CODES_MAX + 8];
    struct dbrows r;
    int np = 0;
    *out = NULL;
    *n = 0;
    if (f->nids > CASE_PAGE_IDS_MAX || f->ncodes > CASE_PAGE_CODES_MAX)
        return err_set(e, ERR_INVALID, f->nids > CASE_PAGE_IDS_MAX ? "ids" : "codes",
                       "too many ids or codes");
    buf_init(&sql, 1 << 16);
    buf_puts(&sql, case_select_sql);
    buf_puts(&sql, "WHERE 1 = 1");
    if (f->nids > 0) {
        buf_printf(&sql, " AND c.id IN %s", placeholders(a, f->nids));
        for (int i = 0; i < f->nids; i++)
            p[np++] = DBI(f->ids[i]);
    } else {
        if (f->ncodes > 0) {
            buf_printf(&sql, " AND c.category_code IN %s", placeholders(a, f->ncodes));
            for (int i = 0; i < f->ncodes; i++)
                p[np++] = DBS(f->codes[i]);
        }
        if (f->open != f->closed)
            buf_printf(&sql, " AND c.status %sIN ('closed', 'rejected', 'merged')",
                       f->open ? "NOT " : "");
        buf_puts(&sql, " AND c.created_at >= ? AND c.created_at <= ?");
        p[np++] = DBI(f->start);
        p[np++] = DBI(f->end);
    }
    buf_puts(&sql, " ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?");
    p[np++] = DBI(f->limit);
    p[np++] = DBI(f->offset);
    int rc = db_query(db, a, &r, e, sql.data, p, np);
    buf_free(&sql);
    if (rc != ERR_OK)
        return rc;
    struct case_rec *cs = arena_alloc(a, sizeof(*cs) * (size_t)(r.nrows + 1));
    for (int i = 0; i < r.nrows; i++)
        case_from_row(&r, i, &cs[i]);
    *out = cs;
    *n = r.nrows;
    return ERR_OK;
}

int case_page_extras_load(struct db *db, struct arena *a, const struct case_rec *cs, int n,
                          struct case_page_extras *x, struct err *e)
{
    struct dbv *ids = arena_alloc(a, sizeof(*ids) * (size_t)(n + 1));
    struct dbv *comm = arena_alloc(a, sizeof(*comm) * (size_t)(n + 1));
    struct dbv *cpd = arena_alloc(a, sizeof(*cpd) * (size_t)(n + 1));
    struct dbrows r;
    int ncomm = 0, ncpd = 0, rc;

    memset(x, 0, sizeof(*x));
    if ((rc = category_list(db, a, 0, &x->cats, &x->ncats, e)) != ERR_OK)
        return rc;
    if (n == 0)
        return ERR_OK;
    for (int i = 0; i < n; i++) {
        const char *code = arena_strndup(a, cs[i].place_code, 12);
        int seen = 0;
        for (int k = 0; k < ncomm && !seen; k++)
            seen = strcmp(comm[k].s, code) == 0;
        if (!seen)
            comm[ncomm++] = DBS(code);
        ids[i] = DBI(cs[i].id);
        if (cs[i].compound_id)
            cpd[ncpd++] = DBI(cs[i].compound_id);
    }
    if (ncpd > 0) {
        rc = db_query(
            db, a, &r, e,
            arena_printf(a, "SELECT id, name FROM compounds WHERE id IN %s", placeholders(a, ncpd)),
            cpd, ncpd);
        if (rc != ERR_OK)
            return rc;
        x->ncompounds = r.nrows;
        x->compound_ids = arena_alloc(a, sizeof(int64_t) * (size_t)(r.nrows + 1));
        x->compound_names = arena_alloc(a, sizeof(char *) * (size_t)(r.nrows + 1));
        for (int i = 0; i < r.nrows; i++) {
            x->compound_ids[i] = dbrows_int(&r, i, 0);
            x->compound_names[i] = dbrows_get(&r, i, 1);
        }
    }
    rc = db_query(
        db, a, &r, e,
        arena_printf(a, "SELECT code, name FROM places WHERE code IN %s", placeholders(a, ncomm)),
        comm, ncomm);
    if (rc != ERR_OK)
        return rc;
    x->ncommunities = r.nrows;
    x->community_codes = arena_alloc(a, sizeof(char *) * (size_t)(r.nrows + 1));
    x->community_names = arena_alloc(a, sizeof(char *) * (size_t)(r.nrows + 1));
    for (int i = 0; i < r.nrows; i++) {
        x->community_codes[i] = dbrows_get(&r, i, 0);
        x->community_names[i] = dbrows_get(&r, i, 1);
    }
    rc = db_query(db, a, &r, e,
                  arena_printf(a,
                               "SELECT case_id, at, action, from_status, to_status, note FROM "
                               "case_events WHERE public = 1 AND case_id IN %s ORDER BY "
                               "case_id, seq",
                               placeholders(a, n)),
                  ids, n);
    if (rc != ERR_OK)
        return rc;
    x->nevents = r.nrows;
    x->events = arena_alloc(a, sizeof(*x->events) * (size_t)(r.nrows + 1));
    for (int i = 0; i < r.nrows; i++) {
        struct case_public_event *ev = &x->events[i];
        ev->case_id = dbrows_int(&r, i, 0);
        ev->at = dbrows_int(&r, i, 1);
        ev->action = dbrows_get(&r, i, 2);
        ev->from = dbrows_get(&r, i, 3);
        ev->to = dbrows_get(&r, i, 4);
        ev->note = dbrows_get(&r, i, 5);
    }
    return ERR_OK;
}

const struct category *case_page_category(const struct case_page_extras *x, const char *code)
{
    for (int i = 0; i < x->ncats; i++) {
        if (strcmp(x->cats[i].code, code) == 0)
            return &x->cats[i];
    }
    return NULL;
}

const char *case_page_community(const struct case_page_extras *x, const char *place)
{
    for (int i = 0; i < x->ncommunities; i++) {
        if (strncmp(x->community_codes[i], place, 12) == 0)
            return x->community_names[i];
    }
    return NULL;
}

const char *case_page_compound(const struct case_page_extras *x, int64_t id)
{
    for (int i = 0; i < x->ncompounds; i++) {
        if (x->compound_ids[i] == id)
            return x->compound_names[i];
    }
    return NULL;
}
