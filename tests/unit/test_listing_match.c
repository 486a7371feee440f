/* test_listing_match.c - matching supply with demand (src/domain/listing_match.c): the same chain
 * matches, similar words match (the character bigrams of case search), regions must overlap,
 * only the other side of another enterprise, both open and valid; the score, its cap and its
 * reasons; and the rule is symmetric, so both sides list each other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/util.h"
#include "domain/case.h"
#include "domain/listing.h"

#define TODAY "2026-12-01"

static struct listing_side supply(void)
{
    return (struct listing_side){.id = 1,
                                 .enterprise = 10,
                                 .side = "supply",
                                 .chain = "氟材料",
                                 .region = "330604",
                                 .title = "电子级氢氟酸",
                                 .detail = "纯度 UP-SSS 级，年产 3 万吨",
                                 .status = "open",
                                 .valid_until = "2027-06-30"};
}

static struct listing_side demand(void)
{
    return (struct listing_side){.id = 2,
                                 .enterprise = 20,
                                 .side = "demand",
                                 .chain = "氟材料",
                                 .region = "330604002",
                                 .title = "采购六氟磷酸锂原料",
                                 .detail = NULL,
                                 .status = "open",
                                 .valid_until = "2026-12-31"};
}

static int match(const struct listing_side *x, const struct listing_side *y,
                 struct listing_match *m, struct arena *a)
{
    return listing_match(a, x, y, TODAY, m);
}

static void test_same_chain_matches(void **state)
{
    (void)state;
    struct arena a;
    struct listing_match m;
    arena_init(&a, 0);
    struct listing_side s = supply(), d = demand();
    assert_int_equal(match(&s, &d, &m, &a), 1);
    assert_true(m.same_chain);
    assert_true(m.score >= LISTING_CHAIN_POINTS && m.score <= 100);
    assert_string_equal(m.reasons[0], "同属产业链“氟材料”");
    /* the region reason names the wider region and the narrower one */
    int found = 0;
    for (int i = 0; i < 3 && m.reasons[i]; i++)
        found |= strcmp(m.reasons[i], "地区相符（330604 含 330604002）") == 0;
    assert_true(found);
    arena_free(&a);
}

static void test_words_alone_match(void **state)
{
    (void)state;
    struct arena a;
    struct listing_match m;
    arena_init(&a, 0);
    struct listing_side s = supply(), d = demand();
    s.chain = "";
    d.chain = "半导体材料";
    d.title = "求购电子级氢氟酸";
    d.detail = "纯度 UP-SSS 级";
    assert_int_equal(match(&s, &d, &m, &a), 1);
    assert_false(m.same_chain);
    double sim = case_similarity("电子级氢氟酸 纯度 UP-SSS 级，年产 3 万吨",
                                 "求购电子级氢氟酸 纯度 UP-SSS 级");
    assert_float_equal(m.similarity, sim, 1e-9);
    int words = (int)lround(100 * sim);
    assert_int_equal(m.score, words > LISTING_WORD_POINTS ? LISTING_WORD_POINTS : words);
    /* the shared terms come in the supply's order */
    assert_non_null(strstr(m.common, "电子、子级、级氢、氢氟、氟酸"));
    assert_non_null(strstr(m.reasons[0], "关键词相近：电子"));
    arena_free(&a);
}

static void test_unrelated_do_not_match(void **state)
{
    (void)state;
    struct arena a;
    struct listing_match m;
    arena_init(&a, 0);
    struct listing_side s = supply(), d = demand();
    d.chain = "新能源材料";
    d.title = "招聘叉车司机";
    d.detail = "两班倒";
    assert_int_equal(match(&s, &d, &m, &a), 0);
    /* words alike but under the threshold, and no chain: no candidate */
    d.title = "电子秤";
    d.detail = NULL;
    assert_int_equal(match(&s, &d, &m, &a), 0);
    assert_true(m.score < LISTING_MATCH_MIN);
    arena_free(&a);
}

static void test_only_the_other_side_of_another_enterprise(void **state)
{
    (void)state;
    struct arena a;
    struct listing_match m;
    arena_init(&a, 0);
    struct listing_side s = supply(), d = demand();
    d.side = "supply";
    assert_int_equal(match(&s, &d, &m, &a), 0);
    d = demand();
    d.enterprise = s.enterprise;
    assert_int_equal(match(&s, &d, &m, &a), 0);
    arena_free(&a);
}

static void test_open_and_valid_only(void **state)
{
    (void)state;
    struct arena a;
    struct listing_match m;
    arena_init(&a, 0);
    struct listing_side s = supply(), d = demand();
    d.valid_until = "2026-11-30"; /* yesterday */
    assert_int_equal(match(&s, &d, &m, &a), 0);
    d.valid_until = TODAY; /* the last day still counts */
    assert_int_equal(match(&s, &d, &m, &a), 1);
    d.status = "matched";
    assert_int_equal(match(&s, &d, &m, &a), 0);
    d.status = "open";
    s.status = "closed";
    assert_int_equal(match(&s, &d, &m, &a), 0);
    arena_free(&a);
}

static void test_regions_overlap(void **state)
{
    (void)state;
    struct arena a;
    struct listing_match m;
    arena_init(&a, 0);
    struct listing_side s = supply(), d = demand();
    s.region = "330604007"; /* 崧厦街道 against 曹娥街道 */
    assert_int_equal(match(&s, &d, &m, &a), 0);
    s.region = "330604002";
    assert_int_equal(match(&s, &d, &m, &a), 1);
    int same = 0;
    for (int i = 0; i < 3 && m.reasons[i]; i++)
        same |= strcmp(m.reasons[i], "地区相同（330604002）") == 0;
    assert_true(same);
    s.region = "330604002007"; /* a community inside the demand's town */
    assert_int_equal(match(&s, &d, &m, &a), 1);
    s.region = "330604001014"; /* a community of 百官街道 against 曹娥街道 */
    assert_int_equal(match(&s, &d, &m, &a), 0);
    arena_free(&a);
}

static void test_score_capped(void **state)
{
    (void)state;
    struct arena a;
    struct listing_match m;
    arena_init(&a, 0);
    struct listing_side s = supply(), d = demand();
    d.title = s.title;
    d.detail = s.detail;
    assert_int_equal(match(&s, &d, &m, &a), 1);
    assert_float_equal(m.similarity, 1.0, 1e-12);
    assert_int_equal(m.score, 100);
    arena_free(&a);
}

/* Every pair: x matches y exactly when y matches x, with the same score and reasons. */
static void test_symmetric(void **state)
{
    (void)state;
    static const char *const titles[] = {"电子级氢氟酸", "求购电子级氢氟酸",     "六氟磷酸锂",
                                         "光引发剂",     "光引发剂出口报关服务", "叉车司机"};
    static const char *const chains[] = {"氟材料", "", "新能源材料", "氟材料"};
    static const char *const regions[] = {"330604", "330604002", "330604007", "330604002007"};
    static const char *const sides[] = {"supply", "demand"};
    struct listing_side all[48];
    int n = 0;
    for (int t = 0; t < 6; t++)
        for (int k = 0; k < 4; k++)
            for (int sd = 0; sd < 2; sd++, n++)
                all[n] = (struct listing_side){.id = n + 1,
                                               .enterprise = n % 5,
                                               .side = sides[sd],
                                               .chain = chains[(t + k) % 4],
                                               .region = regions[k],
                                               .title = titles[t],
                                               .status = "open",
                                               .valid_until = "2027-01-01"};
    int matches = 0;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            struct arena a;
            struct listing_match mx, my;
            arena_init(&a, 0);
            int x = listing_match(&a, &all[i], &all[j], TODAY, &mx);
            int y = listing_match(&a, &all[j], &all[i], TODAY, &my);
            if (x != y)
                fail_msg("%d/%d: %d one way, %d the other", i, j, x, y);
            if (x) {
                matches++;
                assert_int_equal(mx.score, my.score);
                for (int r = 0; r < 3; r++) {
                    if ((mx.reasons[r] == NULL) != (my.reasons[r] == NULL) ||
                        (mx.reasons[r] && strcmp(mx.reasons[r], my.reasons[r]) != 0))
                        fail_msg("%d/%d: reason %d differs", i, j, r);
                }
            }
            arena_free(&a);
        }
    }
    assert_true(matches > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_chain_matches),
        cmocka_unit_test(test_words_alone_match),
        cmocka_unit_test(test_unrelated_do_not_match),
        cmocka_unit_test(test_only_the_other_side_of_another_enterprise),
        cmocka_unit_test(test_open_and_valid_only),
        cmocka_unit_test(test_regions_overlap),
        cmocka_unit_test(test_score_capped),
        cmocka_unit_test(test_symmetric),
    };
    return cmocka_run_group_tests_name("listing_match", tests, NULL, NULL);
}
