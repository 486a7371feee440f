/* test_govindex_period.c - the index's periods (domain/govindex.c): months, quarters and years
 * parsed and checked, their first and last months, and stepping back across years. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "domain/govindex.h"

static void check(const char *s, const char *label, const char *first, const char *last)
{
    struct govindex_period p;
    assert_int_equal(govindex_period_parse(s, &p), 0);
    assert_string_equal(p.label, label);
    assert_string_equal(p.first, first);
    assert_string_equal(p.last, last);
}

static void test_parse(void **state)
{
    (void)state;
    check("2026-11", "2026-11", "2026-11", "2026-11");
    check("2026-01", "2026-01", "2026-01", "2026-01");
    check("2026-Q4", "2026-Q4", "2026-10", "2026-12");
    check("2026-Q1", "2026-Q1", "2026-01", "2026-03");
    check("2026", "2026", "2026-01", "2026-12");
}

static void test_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {"",        "2026-13", "2026-00", "2026-Q0", "2026-Q5",
                                      "2026-q4", "26",      "20261",   "2026-1",  "2026-11-01",
                                      "1969",    "abcd",    "2026-Q",  "2026/11", " 2026"};
    struct govindex_period p;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (govindex_period_parse(bad[i], &p) != -1)
            fail_msg("'%s' accepted", bad[i]);
    assert_int_equal(govindex_period_parse(NULL, &p), -1);
}

static void step(const char *s, int k, const char *label)
{
    struct govindex_period p, q;
    assert_int_equal(govindex_period_parse(s, &p), 0);
    govindex_period_step(&p, k, &q);
    assert_string_equal(q.label, label);
}

static void test_step(void **state)
{
    (void)state;
    step("2026-01", -1, "2025-12");
    step("2026-12", 1, "2027-01");
    step("2026-11", -5, "2026-06");
    step("2026-03", -15, "2024-12");
    step("2026-Q1", -1, "2025-Q4");
    step("2026-Q4", -5, "2025-Q3");
    step("2026-Q4", 1, "2027-Q1");
    step("2026", -1, "2025");
    step("2026", -5, "2021");
    struct govindex_period p, q;
    govindex_period_parse("2026-Q1", &p);
    govindex_period_step(&p, -1, &q);
    assert_string_equal(q.first, "2025-10");
    assert_string_equal(q.last, "2025-12");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
