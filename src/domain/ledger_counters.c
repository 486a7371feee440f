/* ledger_counters.c - the street's decisions on ledger entries as counters: each approval or
 * rejection of a submitted entry counts at the entry's village or community, in the month of the
 * decision, as ledger.decided and, when it came within ledger_decide_days working days of the
 * submission it answers (the latest submit before it in the entry's chain), as
 * ledger.decided_on_time. The decision step counts it in its transaction; `index rebuild` reads
 * the same pairs from ledger_events through the same facts. */
#include "domain/ledger.h"
#include "core/util.h"
#include "domain/calendar.h"
#include "domain/counters.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_int decide_days = LEDGER_DECIDE_DAYS;

void ledger_set_decide_days(int days)
{
    atomic_store(&decide_days, days < 1 ? 1 : days > 365 ? 365 : days);
}

int ledger_decide_days(void)
{
    return atomic_load(&decide_days);
}

int ledger_decided_on_time(const struct calendar *cal, int64_t submitted, int64_t decided, int days)
{
    return decided <= calendar_due(cal, submitted, (struct sla){days, 'd'});
}

void ledger_decision_facts(const struct calendar *cal, const char *place, int64_t submitted,
                           int64_t decided, struct counter_facts *f)
{
    counter_facts_init(f, place, decided);
    counter_fact_add(f, 1, 0, "ledger.decided");
    if (ledger_decided_on_time(cal, submitted, decided, ledger_decide_days()))
        counter_fact_add(f, 1, 0, "ledger.decided_on_time");
}

/* The submission a decision answers: the latest submit before seq (none: the decision itself). */
#define SUBMITTED_SQL                                                                              \
    "coalesce((SELECT s.at FROM ledger_events s WHERE s.entry_id = %s AND s.action = 'submit' "    \
    "AND s.seq < %s ORDER BY s.seq DESC LIMIT 1), %s)"

int ledger_counted_decision(struct db *db, struct arena *a, int64_t entry, int64_t seq,
                            const char *place, int64_t decided, struct err *e)
{
    struct dbrows r;
    const struct calendar *cal = calendar_cached(db, e);
    if (cal == NULL)
        return e->code;
    int rc = db_query(db, a, &r, e, arena_printf(a, "SELECT " SUBMITTED_SQL, "?", "?", "?"),
                      DB_ARGS(DBI(entry), DBI(seq), DBI(decided)));
    if (rc != ERR_OK)
        return rc;
    struct counter_facts f;
    ledger_decision_facts(cal, place, dbrows_int(&r, 0, 0), decided, &f);
    return counters_move(db, NULL, &f, e);
}

int ledger_counters_recount(struct db *db, struct arena *a, struct counter_acc *acc,
                            const char *from_month, struct err *e)
{
    int64_t from = 0;
    if (from_month != NULL)
        from = days_from_civil(atoi(from_month), (unsigned)atoi(from_month + 5), 1) * 86400 - 28800;
    const struct calendar *cal = calendar_cached(db, e);
    if (cal == NULL)
        return e->code;
    struct dbrows r;
    int rc = db_query(
        db, a, &r, e,
        arena_printf(a,
                     "SELECT le.place_code, d.at, " SUBMITTED_SQL
                     " FROM ledger_events d JOIN ledger_entries le ON le.id = d.entry_id WHERE "
                     "d.action IN ('approve', 'reject') AND d.at >= ?",
                     "d.entry_id", "d.seq", "d.at"),
        DB_ARGS(DBI(from)));
    for (int i = 0; rc == ERR_OK && i < r.nrows; i++) {
        struct counter_facts f;
        ledger_decision_facts(cal, dbrows_get(&r, i, 0), dbrows_int(&r, i, 2), dbrows_int(&r, i, 1),
                              &f);
        if (counter_acc_add(acc, &f, 1) != 0)
            rc = err_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    return rc;
}
