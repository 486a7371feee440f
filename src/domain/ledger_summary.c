/* ledger_summary.c - what the approved entries add up to: a year's income, expenses and balance
 * of a village or community, a street or the district, per category, per month and per place
 * below (each sum is over the same rows grouped by a shorter code, so the parts add up to the
 * whole); and collective income per village and year (operating income, 经营性收入, from the
 * categories the district counts as operating) against the district's weak-village line.
 * A reversing entry counts negative. */
#include "domain/ledger.h"
#include "core/util.h"
#include "domain/place.h"
#include "store/sqlq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIGNED "CASE WHEN le.reverses IS NULL THEN le.amount ELSE -le.amount END"

/* SELECT <group>, le.kind, sum(signed), sum(signed operating) over the approved entries under
 * place dated from..to, grouped by <group> and kind. */
static int sums(struct db *db, struct arena *a, const char *group, const char *place,
                const char *from, const char *to, struct dbrows *out, struct err *e)
{
    struct sqlq q;
    sqlq_init(&q, a, db);
    sqlq_add(&q, arena_printf(a,
                              "SELECT %s, le.kind, sum(" SIGNED "), sum(CASE WHEN lc.operating = 1 "
                              "THEN " SIGNED " ELSE 0 END) FROM ledger_entries le JOIN "
                              "ledger_categories lc ON lc.code = le.category WHERE le.status = "
                              "'approved' AND le.archived_at IS NULL AND ",
                              group));
    sqlq_prefix(&q, "le.place_code", place);
    sqlq_add(&q, " AND le.entry_date >= ? AND le.entry_date <= ?");
    sqlq_param(&q, DBS(from));
    sqlq_param(&q, DBS(to));
    sqlq_add(&q, arena_printf(a, " GROUP BY %s, le.kind ORDER BY 1", group));
    int rc = q.overflow ? err_set(e, ERR_INTERNAL, NULL, "summary query too long")
                        : db_query(db, a, out, e, q.sql.data, q.p, q.np);
    sqlq_free(&q);
    return rc;
}

static int place_or_reply(struct db *db, struct arena *a, const char *code, struct place *p,
                          struct err *e)
{
    int rc = place_get(db, a, code, p, e);
    if (rc == ERR_NOT_FOUND)
        return err_set(e, ERR_INVALID, "place", "地点 %.20s 不存在", code);
    return rc;
}

static void write_place(struct jsonw *w, const struct place *p)
{
    jw_key(w, "place");
    jw_obj(w);
    jw_kstr(w, "code", p->code);
    jw_kstr(w, "name", p->name);
    jw_kstr(w, "level", p->level);
    jw_end_obj(w);
}

struct child {
    const char *code, *name;
    int64_t income, expense, operating, pending;
};

int ledger_summary(struct db *db, struct arena *a, const char *place, int year, struct jsonw *w,
                   struct err *e)
{
    struct place p;
    struct dbrows cat, mon, kids, bal, cats, pend;
    const char *from = arena_printf(a, "%04d-01-01", year);
    const char *to = arena_printf(a, "%04d-12-31", year);
    enum place_level lv = place_level_of(place);
    int rc = place_or_reply(db, a, place, &p, e);
    if (rc != ERR_OK)
        return rc;
    if (lv != PL_DISTRICT && lv != PL_TOWN && lv != PL_COMMUNITY)
        return err_set(e, ERR_INVALID, "place", "账目按村（社区）、街道（镇）或全区汇总");
    int kid_len = lv == PL_DISTRICT ? 9 : lv == PL_TOWN ? 12 : 0;
    if ((rc = sums(db, a, "le.category", place, from, to, &cat, e)) != ERR_OK ||
        (rc = sums(db, a, "substr(le.entry_date, 6, 2)", place, from, to, &mon, e)) != ERR_OK ||
        (rc = sums(db, a, arena_printf(a, "substr(le.place_code, 1, %zu)", strlen(place)), place,
                   "0000-01-01", to, &bal, e)) != ERR_OK)
        return rc;
    if (kid_len && (rc = sums(db, a, arena_printf(a, "substr(le.place_code, 1, %d)", kid_len),
                              place, from, to, &kids, e)) != ERR_OK)
        return rc;
    rc = db_query(db, a, &cats, e,
                  "SELECT code, name, kind, operating FROM ledger_categories ORDER BY sort, code",
                  DB_NOARGS);
    if (rc != ERR_OK)
        return rc;
    /* entries not yet approved, by status and by the place below */
    struct sqlq q;
    sqlq_init(&q, a, db);
    sqlq_add(&q, arena_printf(a,
                              "SELECT %s, status, count(*) FROM ledger_entries WHERE "
                              "status <> 'approved' AND archived_at IS NULL AND ",
                              kid_len ? arena_printf(a, "substr(place_code, 1, %d)", kid_len)
                                      : "place_code"));
    sqlq_prefix(&q, "place_code", place);
    sqlq_add(&q, " AND entry_date >= ? AND entry_date <= ? GROUP BY 1, status ORDER BY 1");
    sqlq_param(&q, DBS(from));
    sqlq_param(&q, DBS(to));
    rc = q.overflow ? err_set(e, ERR_INTERNAL, NULL, "summary query too long")
                    : db_query(db, a, &pend, e, q.sql.data, q.p, q.np);
    sqlq_free(&q);
    if (rc != ERR_OK)
        return rc;

    int64_t income = 0, expense = 0, operating = 0, closing = 0;
    for (int i = 0; i < cat.nrows; i++) {
        int inc = strcmp(dbrows_get(&cat, i, 1), "income") == 0;
        income += inc ? dbrows_int(&cat, i, 2) : 0;
        expense += inc ? 0 : dbrows_int(&cat, i, 2);
        operating += dbrows_int(&cat, i, 3);
    }
    for (int i = 0; i < bal.nrows; i++)
        closing +=
            (strcmp(dbrows_get(&bal, i, 1), "income") == 0 ? 1 : -1) * dbrows_int(&bal, i, 2);

    jw_obj(w);
    write_place(w, &p);
    jw_kint(w, "year", year);
    jw_kint(w, "income", income);
    jw_kint(w, "expense", expense);
    jw_kint(w, "balance", income - expense);
    jw_kint(w, "operating_income", operating);
    jw_kint(w, "closing_balance", closing);
    jw_key(w, "pending");
    jw_obj(w);
    static const char *const waiting[] = {"draft", "submitted", "rejected"};
    for (size_t k = 0; k < ARRAY_LEN(waiting); k++) {
        int64_t n = 0;
        for (int i = 0; i < pend.nrows; i++)
            n += strcmp(dbrows_get(&pend, i, 1), waiting[k]) == 0 ? dbrows_int(&pend, i, 2) : 0;
        jw_kint(w, waiting[k], n);
    }
    jw_end_obj(w);

    jw_key(w, "by_category");
    jw_arr(w);
    for (int c = 0; c < cats.nrows; c++) {
        int64_t amount = 0;
        for (int i = 0; i < cat.nrows; i++)
            amount += strcmp(dbrows_get(&cat, i, 0), dbrows_get(&cats, c, 0)) == 0
                          ? dbrows_int(&cat, i, 2)
                          : 0;
        jw_obj(w);
        jw_kstr(w, "category", dbrows_get(&cats, c, 0));
        jw_kstr(w, "name", dbrows_get(&cats, c, 1));
        jw_kstr(w, "kind", dbrows_get(&cats, c, 2));
        jw_key(w, "operating");
        jw_bool(w, dbrows_int(&cats, c, 3) != 0);
        jw_kint(w, "amount", amount);
        jw_end_obj(w);
    }
    jw_end_arr(w);

    jw_key(w, "by_month");
    jw_arr(w);
    for (int m = 1; m <= 12; m++) {
        char mm[3];
        int64_t in = 0, out = 0;
        snprintf(mm, sizeof(mm), "%02d", m);
        for (int i = 0; i < mon.nrows; i++) {
            if (strcmp(dbrows_get(&mon, i, 0), mm) != 0)
                continue;
            if (strcmp(dbrows_get(&mon, i, 1), "income") == 0)
                in += dbrows_int(&mon, i, 2);
            else
                out += dbrows_int(&mon, i, 2);
        }
        jw_obj(w);
        jw_kstr(w, "month", arena_printf(a, "%04d-%s", year, mm));
        jw_kint(w, "income", in);
        jw_kint(w, "expense", out);
        jw_kint(w, "balance", in - out);
        jw_end_obj(w);
    }
    jw_end_arr(w);

    /* the places below with approved or waiting entries, in code order */
    jw_key(w, "children");
    jw_arr(w);
    if (kid_len) {
        struct child *ch =
            arena_alloc(a, sizeof(struct child) * (size_t)(kids.nrows + pend.nrows + 1));
        int n = 0;
        for (int pass = 0; pass < 2; pass++) {
            const struct dbrows *src = pass == 0 ? &kids : &pend;
            for (int i = 0; i < src->nrows; i++) {
                const char *code = dbrows_get(src, i, 0);
                int k = 0;
                while (k < n && strcmp(ch[k].code, code) != 0)
                    k++;
                if (k == n)
                    ch[n++] = (struct child){.code = code};
                if (pass == 1) {
                    ch[k].pending += dbrows_int(src, i, 2);
                } else if (strcmp(dbrows_get(src, i, 1), "income") == 0) {
                    ch[k].income += dbrows_int(src, i, 2);
                    ch[k].operating += dbrows_int(src, i, 3);
                } else {
                    ch[k].expense += dbrows_int(src, i, 2);
                }
            }
        }
        for (int i = 1; i < n; i++) /* insertion sort by code: a few dozen places */
            for (int k = i; k > 0 && strcmp(ch[k - 1].code, ch[k].code) > 0; k--) {
                struct child t = ch[k];
                ch[k] = ch[k - 1];
                ch[k - 1] = t;
            }
        for (int i = 0; i < n; i++) {
            struct place kp;
            struct err ke = {0};
            jw_obj(w);
            jw_kstr(w, "code", ch[i].code);
            jw_kstr(w, "name",
                    place_get(db, a, ch[i].code, &kp, &ke) == ERR_OK ? kp.name : ch[i].code);
            jw_kint(w, "income", ch[i].income);
            jw_kint(w, "expense", ch[i].expense);
            jw_kint(w, "balance", ch[i].income - ch[i].expense);
            jw_kint(w, "operating_income", ch[i].operating);
            jw_kint(w, "pending", ch[i].pending);
            jw_end_obj(w);
        }
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}

int ledger_threshold(struct db *db, struct arena *a, int year, int64_t *out, struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e,
                      "SELECT weak_below FROM income_thresholds WHERE year <= ? ORDER BY year DESC "
                      "LIMIT 1",
                      DB_ARGS(DBI(year)));
    *out = rc == ERR_OK && r.nrows > 0 ? dbrows_int(&r, 0, 0) : LEDGER_WEAK_DEFAULT;
    return rc;
}

int ledger_income_sum(struct db *db, struct arena *a, const char *place, const char *from,
                      const char *to, int64_t *income, int64_t *operating, struct err *e)
{
    struct dbrows r;
    int rc = sums(db, a, arena_printf(a, "substr(le.place_code, 1, %zu)", strlen(place)), place,
                  from, to, &r, e);
    *income = *operating = 0;
    for (int i = 0; rc == ERR_OK && i < r.nrows; i++) {
        if (strcmp(dbrows_get(&r, i, 1), "income") != 0)
            continue;
        *income += dbrows_int(&r, i, 2);
        *operating += dbrows_int(&r, i, 3);
    }
    return rc;
}

int ledger_income(struct db *db, struct arena *a, const char *place, int from, int to,
                  struct jsonw *w, struct err *e)
{
    struct place p;
    struct dbrows vil, sum;
    int rc = place_or_reply(db, a, place, &p, e);
    if (rc != ERR_OK)
        return rc;
    if (from > to || to - from > 20)
        return err_set(e, ERR_INVALID, "from", "年份范围 from..to 最多 20 年");
    int ny = to - from + 1;
    int64_t *line = arena_alloc(a, sizeof(int64_t) * (size_t)ny);
    for (int y = 0; y < ny; y++)
        if ((rc = ledger_threshold(db, a, from + y, &line[y], e)) != ERR_OK)
            return rc;
    /* the villages and communities that keep entries */
    struct sqlq q;
    sqlq_init(&q, a, db);
    sqlq_add(&q, "SELECT DISTINCT le.place_code, p.name FROM ledger_entries le JOIN places p ON "
                 "p.code = le.place_code WHERE le.archived_at IS NULL AND ");
    sqlq_prefix(&q, "le.place_code", place);
    sqlq_add(&q, " ORDER BY 1");
    rc = q.overflow ? err_set(e, ERR_INTERNAL, NULL, "income query too long")
                    : db_query(db, a, &vil, e, q.sql.data, q.p, q.np);
    sqlq_free(&q);
    if (rc != ERR_OK || (rc = sums(db, a, "le.place_code, substr(le.entry_date, 1, 4)", place,
                                   arena_printf(a, "%04d-01-01", from),
                                   arena_printf(a, "%04d-12-31", to), &sum, e)) != ERR_OK)
        return rc;
    int *weak = arena_alloc(a, sizeof(int) * (size_t)ny);
    memset(weak, 0, sizeof(int) * (size_t)ny);

    jw_obj(w);
    write_place(w, &p);
    jw_kint(w, "from", from);
    jw_kint(w, "to", to);
    jw_key(w, "thresholds");
    jw_arr(w);
    for (int y = 0; y < ny; y++) {
        jw_obj(w);
        jw_kint(w, "year", from + y);
        jw_kint(w, "weak_below", line[y]);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_key(w, "items");
    jw_arr(w);
    for (int v = 0; v < vil.nrows; v++) {
        const char *code = dbrows_get(&vil, v, 0);
        int64_t prev = 0, last = 0;
        jw_obj(w);
        jw_kstr(w, "code", code);
        jw_kstr(w, "name", dbrows_get(&vil, v, 1));
        jw_key(w, "years");
        jw_arr(w);
        for (int y = 0; y < ny; y++) {
            char yy[8];
            int64_t op = 0, in = 0;
            snprintf(yy, sizeof(yy), "%04d", from + y);
            /* rows of sum: place, year, kind, amount, operating */
            for (int i = 0; i < sum.nrows; i++) {
                if (strcmp(dbrows_get(&sum, i, 0), code) != 0 ||
                    strcmp(dbrows_get(&sum, i, 1), yy) != 0 ||
                    strcmp(dbrows_get(&sum, i, 2), "income") != 0)
                    continue;
                in += dbrows_int(&sum, i, 3);
                op += dbrows_int(&sum, i, 4);
            }
            int is_weak = op < line[y];
            weak[y] += is_weak;
            jw_obj(w);
            jw_kint(w, "year", from + y);
            jw_kint(w, "operating_income", op);
            jw_kint(w, "income", in);
            jw_kint(w, "weak_below", line[y]);
            jw_key(w, "weak");
            jw_bool(w, is_weak);
            jw_end_obj(w);
            prev = last;
            last = op;
        }
        jw_end_arr(w);
        jw_kstr(w, "trend", ny < 2 ? "flat" : last > prev ? "up" : last < prev ? "down" : "flat");
        jw_key(w, "growth");
        if (ny < 2 || prev <= 0)
            jw_null(w);
        else /* percent of the year before, one decimal */
            jw_raw(w, arena_printf(a, "%.1f", 100.0 * (double)(last - prev) / (double)prev));
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_key(w, "weak");
    jw_arr(w);
    for (int y = 0; y < ny; y++) {
        jw_obj(w);
        jw_kint(w, "year", from + y);
        jw_kint(w, "count", weak[y]);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}
