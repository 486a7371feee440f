/* test_case_text.c - the text side of cases (src/domain/case_dedup.c): case_grams, the
 * character bigrams indexed for Chinese search ("电动车停放" -> "电动 动车 车停 停放"; a lone
 * character kept; ASCII words lower-cased; punctuation, ASCII or fullwidth, separates), and
 * case_similarity, the Dice coefficient of two texts' bigram sets used for duplicates.
 *
 * Invalid UTF-8 must neither crash nor hang and counts as a separator; those inputs run in a
 * child process with an alarm, so that a hang fails the test instead of stalling the suite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/json.h"
#include "core/util.h"
#include "domain/case.h"

static void expect_grams(const char *text, const char *want)
{
    struct arena a;
    arena_init(&a, 0);
    const char *got = case_grams(&a, text);
    assert_non_null(got);
    if (strcmp(got, want) != 0)
        fail_msg("case_grams(\"%s\") = \"%s\", want \"%s\"", text, got, want);
    arena_free(&a);
}

/* ---- bigrams ---- */

static void test_grams_chinese_runs(void **state)
{
    (void)state;
    expect_grams("电动车停放", "电动 动车 车停 停放");
    expect_grams("停车", "停车");
    expect_grams("楼道里停满电动车", "楼道 道里 里停 停满 满电 电动 动车");
    /* each run on its own: no bigram across a separator */
    expect_grams("电动车 停放", "电动 动车 停放");
    expect_grams("电动车,停放", "电动 动车 停放");
    /* repeated bigrams are all listed (the index does not care) */
    expect_grams("电动电动", "电动 动电 电动");
}

static void test_grams_lone_character(void **state)
{
    (void)state;
    expect_grams("车", "车");
    expect_grams("，车，", "车");
    expect_grams("车，电动车。", "车 电动 动车");
    expect_grams("电动车，好", "电动 动车 好");
    expect_grams("电动车，好，停放", "电动 动车 好 停放");
    expect_grams("(车)", "车");
}

static void test_grams_ascii(void **state)
{
    (void)state;
    expect_grams("Hello World", "hello world");
    expect_grams("EBike", "ebike");
    expect_grams("EBike电动车", "ebike 电动 动车");
    expect_grams("电动车EBike", "电动 动车 ebike");
    expect_grams("A车B", "a 车 b");
    expect_grams("3幢楼道", "3 幢楼 楼道");
    expect_grams("12幢2单元", "12 幢 2 单元");
    expect_grams("浙D12345", "浙 d12345");
    expect_grams("wifi-6 & 5G!", "wifi 6 5g");
}

static void test_grams_fullwidth_punctuation(void **state)
{
    (void)state;
    /* （，。！？、） each separate runs */
    expect_grams("（电动车）停放，楼道。充电！飞线？消防、安全",
                 "电动 动车 停放 楼道 充电 飞线 消防 安全");
    expect_grams("楼道（充电）", "楼道 充电");
    expect_grams("“飞线”充电：危险；", "飞线 充电 危险");
    expect_grams("【消防】《通知》", "消防 通知");
    expect_grams("张三·李四", "张三 李四");
    expect_grams("电动车\xe3\x80\x80停放", "电动 动车 停放"); /* U+3000 ideographic space */
    expect_grams("电动车…停放—", "电动 动车 停放");           /* U+2026, U+2014 */
}

static void test_grams_empty(void **state)
{
    (void)state;
    expect_grams("", "");
    expect_grams("   ", "");
    expect_grams("，。！？、（）", "");
    expect_grams("...!!!", "");
}

/* Other scripts' letters are letters: accented Latin, emoji-free kana. */
static void test_grams_other_scripts(void **state)
{
    (void)state;
    expect_grams("café", "caf é");
    expect_grams("カメラ", "カメ メラ");
}

/* ---- invalid UTF-8, in a child with an alarm ---- */

/* Run case_grams(text) in a child; 0 and out filled if it returned within 2 s, -1 on a hang,
 * -2 on a crash. */
static int grams_guarded(const char *text, char *out, size_t cap)
{
    int fd[2];
    if (pipe(fd) != 0)
        fail_msg("pipe");
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork");
    if (pid == 0) {
        close(fd[0]);
        alarm(2);
        struct arena a;
        arena_init(&a, 0);
        const char *g = case_grams(&a, text);
        double sim = case_similarity(text, "电动车");
        size_t n = strlen(g);
        if (write(fd[1], g, n) != (ssize_t)n || sim < 0 || sim > 1)
            _exit(3);
        _exit(0);
    }
    close(fd[1]);
    size_t n = 0;
    ssize_t k;
    while (n + 1 < cap && (k = read(fd[0], out + n, cap - 1 - n)) > 0)
        n += (size_t)k;
    out[n] = '\0';
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
        return -1;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return -2;
    return 0;
}

static void hex(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 5 < cap; p++)
        n += (size_t)snprintf(out + n, cap - n, *p >= 0x20 && *p < 0x7f ? "%c" : "\\x%02x", *p);
}

/* The invalid bytes act as a separator: the grams are those of the text with them replaced by
 * a space, and are valid UTF-8. */
static int check_invalid(const char *text, const char *want, char *why, size_t cap)
{
    char got[4096], shown[512];
    int rc = grams_guarded(text, got, sizeof(got));
    hex(text, shown, sizeof(shown));
    if (rc == -1)
        snprintf(why, cap, "case_grams(\"%s\") does not return (killed after 2 s)", shown);
    else if (rc == -2)
        snprintf(why, cap, "case_grams(\"%s\") crashed", shown);
    else if (utf8_chars(got) < 0)
        snprintf(why, cap, "case_grams(\"%s\") returned invalid UTF-8", shown);
    else if (strcmp(got, want) != 0)
        snprintf(why, cap, "case_grams(\"%.200s\") = \"%.200s\", want \"%.100s\"", shown, got,
                 want);
    else
        return 0;
    return -1;
}

static void run_invalid(const char *const (*cases)[2], size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        char why[600];
        if (check_invalid(cases[i][0], cases[i][1], why, sizeof(why)) != 0) {
            print_message("%s\n", why);
            bad++;
        }
    }
    if (bad)
        fail_msg("%d of %zu invalid UTF-8 inputs mishandled", bad, n);
}

static void test_grams_invalid_bytes(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"电动\xff车", "电动 车"},                 /* a byte that is never UTF-8 */
        {"\x80\x80电动车", "电动 动车"},           /* stray continuation bytes */
        {"电动车\xe5\x8a", "电动 动车"},           /* truncated at the end */
        {"电动车\xe5", "电动 动车"},               /* a lead byte, then the end */
        {"\xc3", ""},                              /* nothing else */
        {"\xf0\x9f", ""},                          /* half a 4-byte sequence */
        {"电\xe5\x8a动车", "电 动车"},             /* truncated in the middle */
        {"电动\xf8\x88\x80\x80\x80车", "电动 车"}, /* 5-byte forms are gone */
        {"ab\xfe"
         "cd",
         "ab cd"}, /* between ASCII letters */
    };
    run_invalid(cases, ARRAY_LEN(cases));
}

/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid UTF-8 too
 * (RFC 3629): separators, never letters, never a hang. */
static void test_grams_overlong_and_surrogates(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"电动\xc1\x81车", "电动 车"}, /* overlong 'A' */
        {"电动\xc0\xb1车", "电动 车"}, /* overlong '1' */
        {"\xe0\x81\x81", ""},          /* 3-byte overlong 'A' */
        {"ab\xc1\xa1"
         "cd",
         "ab cd"},                             /* overlong 'a' inside a word */
        {"电动\xc0\xa0车", "电动 车"},         /* overlong ' ' */
        {"电动\xed\xa0\x80车", "电动 车"},     /* U+D800, a surrogate */
        {"电动\xf4\x90\x80\x80车", "电动 车"}, /* U+110000 */
    };
    run_invalid(cases, ARRAY_LEN(cases));
}

/* Random bytes: the child must return, with valid UTF-8, for every one. */
static void test_grams_random_bytes(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    int bad = 0;
    for (int round = 0; round < 200; round++) {
        char text[64], got[4096];
        size_t n = 1 + round % 60;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned char c = (unsigned char)(seed >> 16);
            text[i] = (char)(c ? c : 0xe7);
        }
        text[n] = '\0';
        int rc = grams_guarded(text, got, sizeof(got));
        if (rc != 0 || utf8_chars(got) < 0) {
            char shown[512];
            hex(text, shown, sizeof(shown));
            if (bad++ < 5)
                print_message("random input \"%s\": %s\n", shown,
                              rc == -1   ? "hangs"
                              : rc == -2 ? "crashes"
                                         : "gives invalid UTF-8");
        }
    }
    if (bad)
        fail_msg("%d of 200 random inputs mishandled", bad);
}

/* ---- similarity ---- */

static void test_similarity_bounds(void **state)
{
    (void)state;
    const char *t = "楼道里停满电动车";
    assert_float_equal(case_similarity(t, t), 1.0, 1e-12);
    assert_float_equal(case_similarity("车", "车"), 1.0, 1e-12);
    /* punctuation and case do not matter */
    assert_float_equal(case_similarity("EBike 电动车！", "ebike，电动车"), 1.0, 1e-12);
    /* nothing in common */
    assert_float_equal(case_similarity("电动车", "物业费"), 0.0, 1e-12);
    assert_float_equal(case_similarity("电动车", "parking"), 0.0, 1e-12);
    /* empty texts: nothing to compare */
    assert_float_equal(case_similarity("", ""), 0.0, 1e-12);
    assert_float_equal(case_similarity("电动车", ""), 0.0, 1e-12);
    assert_float_equal(case_similarity("，。", "！"), 0.0, 1e-12);
}

static void test_similarity_ebike_pair(void **state)
{
    (void)state;
    /* 楼道 电动 动车 shared; 7 distinct bigrams each: 2 * 3 / 14 */
    double s = case_similarity("楼道里停满电动车", "电动车在楼道充电");
    assert_true(s > 0.25);
    assert_float_equal(s, 6.0 / 14.0, 1e-9);
    /* a different complaint in the same words is less similar than a rephrasing */
    double other = case_similarity("楼道里停满电动车", "小区门口乱停车");
    assert_true(other < s);
    assert_true(other < 0.25);
}

static void test_similarity_sets(void **state)
{
    (void)state;
    /* bigrams count once: {电动, 动电} vs {电动} */
    assert_float_equal(case_similarity("电动电动电动", "电动"), 2.0 / 3.0, 1e-9);
    /* ASCII words are terms: {ebike} vs {ebike, 电动, 动车} */
    assert_float_equal(case_similarity("EBIKE", "ebike 电动车"), 2.0 / 4.0, 1e-9);
}

static void test_similarity_symmetric(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "楼道里停满电动车",
        "电动车在楼道充电",
        "3幢楼道有人飞线充电",
        "小区门口乱停车",
        "物业费收费不合理",
        "EBike 电动车",
        "车",
        "",
        "，。！",
        "电动车电动车电动车",
        "浙D12345占用消防通道",
    };
    for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
        for (size_t j = 0; j < ARRAY_LEN(texts); j++) {
            double x = case_similarity(texts[i], texts[j]);
            double y = case_similarity(texts[j], texts[i]);
            if (x != y)
                fail_msg("similarity(\"%s\", \"%s\") = %f but reversed %f", texts[i], texts[j], x,
                         y);
            assert_true(x >= 0.0 && x <= 1.0);
            if (i == j && texts[i][0] && strcmp(texts[i], "，。！") != 0)
                assert_float_equal(x, 1.0, 1e-12);
        }
    }
}

/* A long description: the grams fit, and similarity stays in range. */
static void test_long_text(void **state)
{
    (void)state;
    struct arena a;
    char *text = malloc(4000 * 3 + 1);
    assert_non_null(text);
    for (int i = 0; i < 4000; i++)
        memcpy(text + i * 3, i % 2 ? "车" : "电", 3);
    text[4000 * 3] = '\0';
    arena_init(&a, 0);
    const char *g = case_grams(&a, text);
    /* 3999 bigrams of 6 bytes and 3998 spaces */
    assert_int_equal(strlen(g), 3999 * 6 + 3998);
    assert_float_equal(case_similarity(text, "电车"), 2.0 * 1 / 3, 1e-9);
    arena_free(&a);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grams_chinese_runs),
        cmocka_unit_test(test_grams_lone_character),
        cmocka_unit_test(test_grams_ascii),
        cmocka_unit_test(test_grams_fullwidth_punctuation),
        cmocka_unit_test(test_grams_empty),
        cmocka_unit_test(test_grams_other_scripts),
        cmocka_unit_test(test_grams_invalid_bytes),
        cmocka_unit_test(test_grams_overlong_and_surrogates),
        cmocka_unit_test(test_grams_random_bytes),
        cmocka_unit_test(test_similarity_bounds),
        cmocka_unit_test(test_similarity_ebike_pair),
        cmocka_unit_test(test_similarity_sets),
        cmocka_unit_test(test_similarity_symmetric),
        cmocka_unit_test(test_long_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
