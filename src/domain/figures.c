/* figures.c - the district's figures (figures.h), declared as data: a figure is a counter
 * metric summed over the months asked (period), a counter metric standing at the end of the
 * last month (stock), or one query over the records. */
#include "domain/figures.h"
#include "core/util.h"
#include "domain/counters.h"
#include "domain/ledger.h"
#include "store/sqlq.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fsrc {
    FS_PERIOD,
    FS_STOCK,
    FS_VISITS,
    FS_SERVED,
    FS_CADRES,
    FS_INCOME,
    FS_OPERATING,
    FS_WORKSHOP
};

static const struct figure_def {
    const char *code, *name, *unit, *definition;
    enum fsrc src;
    const char *metric;
} defs[] = {
    {"cases_received", "受理诉求", "件", "期间内登记的群众诉求（事件）数，含不予受理和合并的",
     FS_PERIOD, "case.received"},
    {"cases_closed", "办结诉求", "件", "期间内登记的诉求中已结案的件数（按登记月份统计）",
     FS_PERIOD, "case.status.closed"},
    {"cases_closed_on_time", "按期办结", "件",
     "期间内登记的诉求中已结案且各环节均在期限内办结的件数", FS_PERIOD, "case.on_time"},
    {"enterprises_served", "服务企业", "家",
     "期间内驻企服务员走访过的企业数（同一企业只计一次，按走访日期）", FS_SERVED, NULL},
    {"visits", "走访企业", "次", "期间内驻企服务员的走访记录数（按走访日期）", FS_VISITS, NULL},
    {"problems_raised", "企业反映问题", "个", "期间内走访中企业反映并转为诉求办理的问题数",
     FS_PERIOD, "case.channel.enterprise_visit"},
    {"problems_solved", "解决企业问题", "个", "期间内企业反映的问题中已办结的个数", FS_PERIOD,
     "case.channel.enterprise_visit.closed"},
    {"cadres_assigned", "驻企服务员", "名", "派驻辖区企业的驻企服务员人数（同一人只计一次）",
     FS_CADRES, NULL},
    {"new_residents_registered", "新居民登记", "人", "期间内新登记的新居民居住登记数", FS_PERIOD,
     "reg.registrations"},
    {"mobile_members_found", "排查流动党员", "人",
     "期间内比对新居民登记与党员名册、经核实确认的流动党员人数", FS_PERIOD,
     "reg.mobile-matches.status.confirmed"},
    {"compounds_without_property", "无物业小区", "个", "期末未登记物业服务企业的小区数", FS_STOCK,
     "reg.compounds.property_company.empty"},
    {"collective_income", "村级集体经济收入", "分",
     "期间内经街道审核通过的村社收入分录金额合计（按记账日期，冲销分录计负数）", FS_INCOME, NULL},
    {"operating_income", "其中：经营性收入", "分", "集体经济收入中计入经营性收入科目的部分",
     FS_OPERATING, NULL},
    {"workshop_income", "共富工坊带动增收", "分", "期间内共富工坊参与群众的劳务收入合计",
     FS_WORKSHOP, NULL},
};

_Static_assert(ARRAY_LEN(defs) <= FIGURES_MAX, "figures");

/* YYYY-MM of the month after m */
static void month_after(const char *m, char out[8])
{
    int y = atoi(m), mo = atoi(m + 5) + 1;
    if (mo > 12)
        mo = 1, y++;
    snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)mo % 100u);
}

/* One count or sum under place (sqlq_prefix on col), after the query's head. */
static int query_one(struct db *db, struct arena *a, const char *head, const char *col,
                     const char *place, const char *tail, const struct dbv *p, int np, int64_t *out,
                     struct err *e)
{
    struct sqlq q;
    struct dbrows r;
    sqlq_init(&q, a, db);
    sqlq_add(&q, head);
    sqlq_prefix(&q, col, place);
    sqlq_add(&q, tail);
    for (int i = 0; i < np; i++)
        sqlq_param(&q, p[i]);
    int rc = q.overflow ? err_set(e, ERR_INTERNAL, NULL, "figures query too long")
                        : db_query(db, a, &r, e, q.sql.data, q.p, q.np);
    sqlq_free(&q);
    if (rc == ERR_OK)
        *out = r.nrows > 0 ? dbrows_int(&r, 0, 0) : 0;
    return rc;
}

int figures_read(struct db *db, struct arena *a, const char *place, const char *from,
                 const char *to, struct figure *out, int *n, struct err *e)
{
    struct dbrows period, stock;
    char to_x[8];
    month_after(to, to_x);
    const char *day_from = arena_printf(a, "%s-01", from), *day_to = arena_printf(a, "%s-31", to);
    int64_t visits = 0, served = 0, cadres = 0, income = 0, operating = 0, workshop = 0;
    struct dbv days[2] = {DBS(day_from), DBS(day_to)}, months[2] = {DBS(from), DBS(to)};
    int rc;
    if ((rc = counters_sum_months(db, a, place, "", from, to_x, &period, e)) != ERR_OK ||
        (rc = counters_sum_months(db, a, place, "reg.compounds.", NULL, to_x, &stock, e)) !=
            ERR_OK ||
        (rc = query_one(db, a, "SELECT count(*) FROM visits WHERE archived_at IS NULL AND ",
                        "place_code", place, " AND visited_on >= ? AND visited_on <= ?", days, 2,
                        &visits, e)) != ERR_OK ||
        (rc = query_one(db, a,
                        "SELECT count(DISTINCT enterprise_id) FROM visits WHERE archived_at IS "
                        "NULL AND ",
                        "place_code", place, " AND visited_on >= ? AND visited_on <= ?", days, 2,
                        &served, e)) != ERR_OK ||
        (rc = query_one(db, a, "SELECT count(DISTINCT user_id) FROM cadre_assignments WHERE ",
                        "place_code", place, "", NULL, 0, &cadres, e)) != ERR_OK ||
        (rc = query_one(db, a, "SELECT coalesce(sum(amount), 0) FROM workshop_incomes WHERE ",
                        "place_code", place, " AND period >= ? AND period <= ?", months, 2,
                        &workshop, e)) != ERR_OK ||
        (rc = ledger_income_sum(db, a, place, day_from, day_to, &income, &operating, e)) != ERR_OK)
        return rc;
    *n = 0;
    for (size_t i = 0; i < ARRAY_LEN(defs); i++) {
        const struct figure_def *d = &defs[i];
        struct figure *f = &out[(*n)++];
        const struct dbrows *r = d->src == FS_STOCK ? &stock : &period;
        *f = (struct figure){.code = d->code,
                             .name = d->name,
                             .unit = d->unit,
                             .definition = d->definition,
                             .source = d->metric ? "counters" : "records",
                             .money = strcmp(d->unit, "分") == 0};
        switch (d->src) {
        case FS_PERIOD:
        case FS_STOCK:
            for (int k = 0; k < r->nrows; k++)
                if (strcmp(dbrows_get(r, k, 0), d->metric) == 0)
                    f->value = dbrows_int(r, k, 1);
            break;
        case FS_VISITS:
            f->value = visits;
            break;
        case FS_SERVED:
            f->value = served;
            break;
        case FS_CADRES:
            f->value = cadres;
            break;
        case FS_INCOME:
            f->value = income;
            break;
        case FS_OPERATING:
            f->value = operating;
            break;
        case FS_WORKSHOP:
            f->value = workshop;
            break;
        }
    }
    return ERR_OK;
}

void figures_write_json(struct jsonw *w, const char *place, const char *name, const char *from,
                        const char *to, const struct figure *f, int n)
{
    jw_obj(w);
    jw_kstr(w, "place", place);
    jw_kstr(w, "name", name);
    jw_kstr(w, "from", from);
    jw_kstr(w, "to", to);
    jw_key(w, "items");
    jw_arr(w);
    for (int i = 0; i < n; i++) {
        jw_obj(w);
        jw_kstr(w, "code", f[i].code);
        jw_kstr(w, "name", f[i].name);
        jw_kint(w, "value", f[i].value);
        jw_kstr(w, "unit", f[i].unit);
        jw_kstr(w, "definition", f[i].definition);
        jw_kstr(w, "source", f[i].source);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
}

int figures_write_sheet(struct sheet *s, const char *place_name, const char *from, const char *to,
                        const struct figure *f, int n, struct err *e)
{
    static const char *const head[] = {"地区", "期间", "指标", "数值", "单位", "定义"};
    char period[24], value[32];
    snprintf(period, sizeof(period), "%s至%s", from, to);
    int rc = sheet_row(s, head, (int)ARRAY_LEN(head), 1, e);
    for (int i = 0; i < n && rc == ERR_OK; i++) {
        int64_t v = f[i].value, av = v < 0 ? -v : v;
        if (f[i].money)
            snprintf(value, sizeof(value), "%s%" PRId64 ".%02" PRId64, v < 0 ? "-" : "", av / 100,
                     av % 100);
        else
            snprintf(value, sizeof(value), "%" PRId64, v);
        const char *row[] = {
            place_name, period, f[i].name, value, f[i].money ? "元" : f[i].unit, f[i].definition};
        rc = sheet_row(s, row, (int)ARRAY_LEN(row), 0, e);
    }
    return rc;
}
