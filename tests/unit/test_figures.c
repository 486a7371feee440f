/* test_figures.c - the district's figures and their exports: cases count by channel (and by
 * channel again when closed) so the enterprise problems raised and solved are counters; the
 * index's formulas know those metrics; figures_read sums counters over the months asked and
 * stock figures up to the last one, money in fen, every figure with its definition; a sheet
 * writes CSV with a BOM and Chinese headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/sheet.h"
#include "domain/case_int.h"
#include "domain/counters.h"
#include "domain/figures.h"
#include "domain/govindex.h"
#include "store/store.h"

struct fixture {
    char dir[64];
    struct store *s;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct err e = {0};
    char dsn[128];
    snprintf(f->dir, sizeof(f->dir), "/tmp/gridgov-test-figures.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(dsn, sizeof(dsn), "sqlite:%s/t.db", f->dir);
    struct store_config cfg = {.dsn = dsn, .readers = 2};
    if ((f->s = store_open(&cfg, &e)) == NULL)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    store_close(f->s);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static int has_metric(const struct counter_facts *f, const char *m)
{
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->m[i].metric, m) == 0)
            return 1;
    return 0;
}

/* 2026-11-30T16:30:00Z is 2026-12-01 00:30 in Shanghai */
#define T_DEC1 1796056200
#define T_NOV30 (T_DEC1 - 86400)

static void test_case_channel_facts(void **state)
{
    (void)state;
    struct counter_facts f;
    struct case_rec cs = {.place_code = "330604002007001",
                          .created_at = T_DEC1,
                          .category = "ebike",
                          .channel = "enterprise_visit",
                          .status = CS_IN_PROGRESS,
                          .on_time = -1};
    case_counter_facts(&cs, &f);
    assert_true(has_metric(&f, "case.channel.enterprise_visit"));
    assert_false(has_metric(&f, "case.channel.enterprise_visit.closed"));
    cs.status = CS_CLOSED;
    case_counter_facts(&cs, &f);
    assert_true(has_metric(&f, "case.channel.enterprise_visit"));
    assert_true(has_metric(&f, "case.channel.enterprise_visit.closed"));
    cs.channel = "resident";
    case_counter_facts(&cs, &f);
    assert_true(has_metric(&f, "case.channel.resident.closed"));
    assert_false(has_metric(&f, "case.channel.enterprise_visit"));
}

static void test_formula_channels(void **state)
{
    (void)state;
    struct err e = {0};
    assert_int_equal(
        indicator_formula_check("case.channel.enterprise_visit.closed", "numerator", 0, &e),
        ERR_OK);
    assert_int_equal(indicator_formula_check("case.channel.grid_patrol", "numerator", 0, &e),
                     ERR_OK);
    assert_int_equal(indicator_formula_check("case.channel.fax", "numerator", 0, &e), ERR_INVALID);
    assert_int_equal(
        indicator_formula_check("case.channel.enterprise_visit.open", "numerator", 0, &e),
        ERR_INVALID);
    assert_int_equal(indicator_formula_check("case.channel.", "numerator", 0, &e), ERR_INVALID);
    /* the registries' metrics the new default indicators read */
    assert_int_equal(indicator_formula_check("reg.task-targets.status.done", "numerator", 0, &e),
                     ERR_OK);
    assert_int_equal(indicator_formula_check("reg.ledger-entries.status.submitted + "
                                             "reg.ledger-entries.status.approved",
                                             "denominator", 1, &e),
                     ERR_OK);
    assert_int_equal(indicator_formula_check("reg.party-orgs.kind.branch", "numerator", 0, &e),
                     ERR_OK);
}

struct move {
    const struct counter_facts *now;
};

static int move_fn(struct db *db, void *arg, struct err *e)
{
    return counters_move(db, NULL, ((struct move *)arg)->now, e);
}

static void move(struct store *s, const struct counter_facts *now)
{
    struct err e = {0};
    struct move m = {now};
    assert_int_equal(store_write(s, move_fn, &m, &e), ERR_OK);
}

static const struct figure *find(const struct figure *f, int n, const char *code)
{
    for (int i = 0; i < n; i++)
        if (strcmp(f[i].code, code) == 0)
            return &f[i];
    fail_msg("no figure %s", code);
    return NULL;
}

static void test_figures_from_counters(void **state)
{
    struct fixture *fx = *state;
    struct err e = {0};
    struct arena a;
    struct figure f[FIGURES_MAX];
    int n;
    /* a closed enterprise problem in November, a resident's case in December; a compound
     * without a property company created in November */
    struct case_rec c1 = {.place_code = "330604002007001",
                          .created_at = T_NOV30,
                          .category = "ebike",
                          .channel = "enterprise_visit",
                          .status = CS_CLOSED,
                          .on_time = 1};
    struct case_rec c2 = {.place_code = "330604002007002",
                          .created_at = T_DEC1,
                          .category = "noise",
                          .channel = "resident",
                          .status = CS_SUBMITTED,
                          .on_time = -1};
    struct counter_facts f1, f2, f3;
    case_counter_facts(&c1, &f1);
    case_counter_facts(&c2, &f2);
    counter_facts_init(&f3, "330604002007", T_NOV30);
    counter_fact_add(&f3, 1, 0, "reg.compounds");
    counter_fact_add(&f3, 1, 0, "reg.compounds.property_company.empty");
    move(fx->s, &f1);
    move(fx->s, &f2);
    move(fx->s, &f3);

    arena_init(&a, 0);
    struct db *db = store_acquire(fx->s);
    assert_int_equal(figures_read(db, &a, "330604002", "2026-11", "2026-12", f, &n, &e), ERR_OK);
    assert_true(n >= 12);
    for (int i = 0; i < n; i++) {
        assert_non_null(f[i].definition);
        assert_true(strlen(f[i].definition) > 0);
        assert_true(strlen(f[i].unit) > 0);
    }
    assert_int_equal(find(f, n, "cases_received")->value, 2);
    assert_int_equal(find(f, n, "cases_closed")->value, 1);
    assert_int_equal(find(f, n, "cases_closed_on_time")->value, 1);
    assert_int_equal(find(f, n, "problems_raised")->value, 1);
    assert_int_equal(find(f, n, "problems_solved")->value, 1);
    assert_int_equal(find(f, n, "compounds_without_property")->value, 1);
    assert_int_equal(find(f, n, "collective_income")->value, 0);
    assert_true(find(f, n, "collective_income")->money);
    assert_false(find(f, n, "visits")->money);
    /* December alone: one case, no problem; the compound still stands (a stock) */
    assert_int_equal(figures_read(db, &a, "330604002", "2026-12", "2026-12", f, &n, &e), ERR_OK);
    assert_int_equal(find(f, n, "cases_received")->value, 1);
    assert_int_equal(find(f, n, "problems_raised")->value, 0);
    assert_int_equal(find(f, n, "compounds_without_property")->value, 1);
    /* October: nothing yet, not even the compound */
    assert_int_equal(figures_read(db, &a, "330604002", "2026-10", "2026-10", f, &n, &e), ERR_OK);
    assert_int_equal(find(f, n, "cases_received")->value, 0);
    assert_int_equal(find(f, n, "compounds_without_property")->value, 0);
    /* another street sees none of it */
    assert_int_equal(figures_read(db, &a, "330604007", "2026-01", "2026-12", f, &n, &e), ERR_OK);
    assert_int_equal(find(f, n, "cases_received")->value, 0);
    store_release(fx->s, db);
    arena_free(&a);
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void test_sheet_csv(void **state)
{
    struct fixture *fx = *state;
    struct err e = {0};
    enum sheet_fmt fmt;
    char path[128];
    assert_int_equal(sheet_fmt_parse(NULL, &fmt), 0);
    assert_int_equal(fmt, SHEET_CSV);
    assert_int_equal(sheet_fmt_parse("xlsx", &fmt), 0);
    assert_int_equal(fmt, SHEET_XLSX);
    assert_int_equal(sheet_fmt_parse("pdf", &fmt), -1);
    assert_string_equal(sheet_ext(SHEET_XLSX), "xlsx");

    struct figure f[2] = {
        {.code = "collective_income",
         .name = "村级集体经济收入",
         .unit = "分",
         .definition = "定义",
         .money = 1,
         .value = -123405},
        {.code = "visits", .name = "走访企业", .unit = "次", .definition = "=公式", .value = 7},
    };
    snprintf(path, sizeof(path), "%s/f.csv", fx->dir);
    struct sheet *s = sheet_open(SHEET_CSV, path, "数据一览", &e);
    assert_non_null(s);
    int rc = figures_write_sheet(s, "上虞区", "2026-01", "2026-11", f, 2, &e);
    assert_int_equal(sheet_close(s, rc, &e), ERR_OK);
    assert_string_equal(slurp(path), "\xEF\xBB\xBF"
                                     "地区,期间,指标,数值,单位,定义\r\n"
                                     "上虞区,2026-01至2026-11,村级集体经济收入,"
                                     "-1234.05,元,定义\r\n"
                                     "上虞区,2026-01至2026-11,走访企业,7,次,'=公式\r\n");
    snprintf(path, sizeof(path), "%s/f.xlsx", fx->dir);
    s = sheet_open(SHEET_XLSX, path, "数据一览", &e);
    assert_non_null(s);
    rc = figures_write_sheet(s, "上虞区", "2026-01", "2026-11", f, 2, &e);
    assert_int_equal(sheet_close(s, rc, &e), ERR_OK);
    assert_memory_equal(slurp(path), "PK", 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_channel_facts),
        cmocka_unit_test(test_formula_channels),
        cmocka_unit_test_setup_teardown(test_figures_from_counters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sheet_csv, setup, teardown),
    };
    return cmocka_run_group_tests_name("figures", tests, NULL, NULL);
}
