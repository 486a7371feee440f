/* case_counters.c - what a case counts for (counters.h): one received case on the day and month
 * it was created, at its place and every place above; its current status, category and channel
 * (and its channel again when closed: the enterprise problems solved); when
 * closed, whether on time and its rating; whether it needed rework. These are the cohort figures
 * of GB/T 30428 (结案率 = 结案/应结案, 按期结案率, 返工率) and the dashboard's counts: a case
 * created in November counts for November whenever it closes. */
#include "domain/case_int.h"
#include "core/util.h"
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

int case_counters_rebuild(struct db *db, struct arena *a, const char *from_month, int check,
                          int64_t *ndiff, struct err *e)
{
    struct dbrows r;
    int64_t from = 0;
    if (from_month != NULL) {
        /* the first instant of the month in Asia/Shanghai */
        int y = atoi(from_month), m = atoi(from_month + 5);
        from = days_from_civil(y, (unsigned)m, 1) * 86400 - 28800;
    }
    /* one row per set of cases with the same facts: the local day (an integer) dates them */
    const char *sql =
        "SELECT place_code, min(created_at), category_code, status, coalesce(on_time, -1), "
        "CASE WHEN rework_count > 0 THEN 1 ELSE 0 END, coalesce(rating, 0), count(*), channel "
        "FROM cases WHERE created_at >= ? GROUP BY place_code, (created_at + 28800) / 86400, "
        "category_code, status, on_time, CASE WHEN rework_count > 0 THEN 1 ELSE 0 END, rating, "
        "channel";
    int rc = db_query(db, a, &r, e, sql, DB_ARGS(DBI(from)));
    if (rc != ERR_OK)
        return rc;
    struct counter_acc *acc = counter_acc_new();
    if (acc == NULL)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    for (int i = 0; i < r.nrows && rc == ERR_OK; i++) {
        struct case_rec cs = {.place_code = dbrows_get(&r, i, 0),
                              .created_at = dbrows_int(&r, i, 1),
                              .category = dbrows_get(&r, i, 2),
                              .on_time = dbrows_int(&r, i, 4),
                              .rework_count = dbrows_int(&r, i, 5),
                              .rating = dbrows_int(&r, i, 6),
                              .channel = dbrows_get(&r, i, 8)};
        struct counter_facts f;
        if (case_status_from_name(dbrows_get(&r, i, 3), &cs.status) != 0) {
            rc = err_set(e, ERR_INTERNAL, NULL, "unknown case status %s", dbrows_get(&r, i, 3));
            break;
        }
        case_counter_facts(&cs, &f);
        if (counter_acc_add(acc, &f, dbrows_int(&r, i, 7)) != 0)
            rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    if (rc == ERR_OK)
        rc = check ? counters_compare(db, a, acc, "case.", from_month, ndiff, e)
                   : counters_replace(db, a, acc, "case.", from_month, ndiff, e);
    counter_acc_free(acc);
    return rc;
}
