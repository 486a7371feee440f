/* case_counters.c - what a case counts for (counters.h): one received case on the day and month
 * it was created, at its place and every place above; its current status, category and channel
 * (and its channel again when closed: the enterprise problems solved); when
 * closed, whether on time and its rating; whether it needed rework. These are the cohort figures
 * of GB/T 30428 (结案率 = 结案/应结案, 按期结案率, 返工率) and the dashboard's counts: a case
 * created in November counts for November whenever it closes. */
#include "domain/case_int.h"
#include "core/util.h"
#include "core/arena.h"
#include "domain/counters.h"

#include <stdlib.h>
#include <string.h>

void case_counter_facts(const struct case_rec *cs, struct counter_facts *f)
{
    counter_facts_init(f, cs->place_code, cs->created_at);
    counter_fact_add(f, 1, 1, "case.received");
    counter_fact_add(f, 1, 0, "case.status.%s", case_status_name(cs->status));
    counter_fact_add(f, 1, 0, "case.category.%s", cs->category ? cs->category : "");
    counter_fact_add(f, 1, 0, "case.channel.%s", cs->channel ? cs->channel : "");
    if (cs->status == CS_CLOSED)
        counter_fact_add(f, 1, 0, "case.channel.%s.closed", cs->channel ? cs->channel : "");
    if (cs->status == CS_CLOSED && cs->on_time == 1)
        counter_fact_add(f, 1, 0, "case.on_time");
    if (cs->status == CS_CLOSED && cs->rating > 0) {
        counter_fact_add(f, 1, 0, "case.rated");
        counter_fact_add(f, cs->rating, 0, "case.rating_sum");
    }
    if (cs->rework_count > 0 && cs->status != CS_REJECTED && cs->status != CS_MERGED)
        counter_fact_add(f, 1, 0, "case.rework");
}

/* The rebuild reads every case once, from cases_place (019: it holds the counted columns, in
 * place then creation order), and never formats a metric name per case:
 * the facts depend on the place and date only through where and when they count, so they are
 * made once per (category, channel, status, on time, rework, rating) with case_counter_facts, kept
 * as a template, and added at each case's place and date. */
#define MEMO_CATS 256
#define MEMO_CHANNELS 16
#define MEMO_RATINGS 8

struct recount {
    struct counter_acc *acc;
    char *cat[MEMO_CATS]; /* category codes seen, by id ("" for none) */
    int ncat;
    char *chan[MEMO_CHANNELS]; /* channels seen, by id */
    int nchan;
    int32_t *memo; /* per memo key: template index + 1, or 0 */
    struct counter_tmpl *tmpl;
    size_t ntmpl, captmpl;
};

/* The id of code among the n seen so far in seen (at most max), -1 past that. */
static int intern(char **seen, int *n, int max, const char *code)
{
    for (int i = 0; i < *n; i++)
        if (seen[i][0] == code[0] && strcmp(seen[i], code) == 0)
            return i;
    if (*n == max)
        return -1;
    seen[*n] = xstrdup(code);
    return (*n)++;
}

static int recount_row(const struct dbrow *row, void *ctx, struct err *e)
{
    struct recount *r = ctx;
    size_t plen;
    const char *place = dbrow_text(row, 0, &plen), *cat = dbrow_text(row, 2, NULL),
               *status = dbrow_text(row, 3, NULL), *chan = dbrow_text(row, 7, NULL);
    struct case_rec cs = {.place_code = place,
                          .created_at = dbrow_int(row, 1),
                          .category = cat ? cat : "",
                          .on_time = dbrow_null(row, 4) ? -1 : dbrow_int(row, 4),
                          .rework_count = dbrow_int(row, 5) > 0,
                          .rating = dbrow_int(row, 6),
                          .channel = chan ? chan : ""};
    if (place == NULL)
        return ERR_OK;
    if (status == NULL || case_status_from_name(status, &cs.status) != 0)
        return err_set(e, ERR_INTERNAL, NULL, "unknown case status %s", status ? status : "NULL");
    int32_t pid = counter_acc_place(r->acc, place, plen);
    if (pid < 0)
        return ERR_OK; /* not a place code: counted nowhere, as counters_move does */
    int c = intern(r->cat, &r->ncat, MEMO_CATS, cs.category);
    int ch = intern(r->chan, &r->nchan, MEMO_CHANNELS, cs.channel);
    int64_t on = cs.on_time == 1 ? 2 : cs.on_time == 0 ? 1 : 0;
    int64_t key = -1;
    if (c >= 0 && ch >= 0 && cs.rating >= 0 && cs.rating < MEMO_RATINGS)
        key = ((((c * (int64_t)MEMO_CHANNELS + ch) * CS__COUNT + cs.status) * 3 + on) * 2 +
               cs.rework_count) *
                  MEMO_RATINGS +
              cs.rating;
    struct counter_tmpl one, *t = &one;
    if (key >= 0 && r->memo[key] > 0) {
        t = &r->tmpl[r->memo[key] - 1];
    } else {
        struct counter_facts f;
        case_counter_facts(&cs, &f);
        if (key >= 0) {
            if (r->ntmpl == r->captmpl) {
                r->captmpl = r->captmpl ? r->captmpl * 2 : 64;
                r->tmpl = xrealloc(r->tmpl, r->captmpl * sizeof(*r->tmpl));
            }
            t = &r->tmpl[r->ntmpl++];
            r->memo[key] = (int32_t)r->ntmpl;
        }
        if (counter_acc_tmpl(r->acc, &f, t) != 0)
            return err_set(e, ERR_INTERNAL, NULL, "too many counter metrics");
    }
    if (counter_acc_add_tmpl(r->acc, t, pid, cs.created_at, 1) != 0)
        return err_set(e, ERR_INTERNAL, NULL, "case dated out of range: %lld",
                       (long long)cs.created_at);
    return ERR_OK;
}

int case_counters_recount(struct db *db, struct counter_acc *acc, const char *from_month,
                          struct err *e)
{
    int64_t from = 0;
    if (from_month != NULL) {
        /* the first instant of the month in Asia/Shanghai */
        int y = atoi(from_month), m = atoi(from_month + 5);
        from = days_from_civil(y, (unsigned)m, 1) * 86400 - 28800;
    }
    struct recount r = {.acc = acc};
    r.memo = xcalloc((size_t)MEMO_CATS * MEMO_CHANNELS * CS__COUNT * 3 * 2 * MEMO_RATINGS,
                     sizeof(*r.memo));
    /* every case in table order (no index, no sort); from a month on, the created_at index */
    int rc = from_month == NULL
                 ? db_each(db, e,
                           "SELECT place_code, created_at, category_code, status, on_time, "
                           "rework_count, rating, channel FROM cases",
                           DB_NOARGS, recount_row, &r)
                 : db_each(db, e,
                           "SELECT place_code, created_at, category_code, status, on_time, "
                           "rework_count, rating, channel FROM cases WHERE created_at >= ?",
                           DB_ARGS(DBI(from)), recount_row, &r);
    for (int i = 0; i < r.ncat; i++)
        free(r.cat[i]);
    for (int i = 0; i < r.nchan; i++)
        free(r.chan[i]);
    free(r.memo);
    free(r.tmpl);
    return rc;
}
