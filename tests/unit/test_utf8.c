/* test_utf8.c - the one UTF-8 decoder: what it accepts, what it refuses (overlongs, surrogates,
 * code points past U+10FFFF, truncated and broken sequences), and its users agreeing with it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/json.h"
#include "core/utf8.h"
#include "http/form.h"

/* Decode all of s (its strlen, or n bytes), expecting one character of length len and code cp. */
static void one(const char *s, size_t n, int len, uint32_t cp)
{
    uint32_t got = 0xDEADBEEF;
    assert_int_equal(utf8_decode(s, n, &got), len);
    if (len > 0)
        assert_int_equal(got, cp);
}

static void test_valid(void **state)
{
    (void)state;
    one("A", 1, 1, 'A');
    one("", 1, 1, 0); /* the NUL of a string */
    one("\x7f", 1, 1, 0x7F);
    one("\xc2\x80", 2, 2, 0x80);
    one("\xc3\xa9", 2, 2, 0xE9); /* é */
    one("\xdf\xbf", 2, 2, 0x7FF);
    one("\xe0\xa0\x80", 3, 3, 0x800);
    one("\xe5\x8d\x9a", 3, 3, 0x535A); /* 博 */
    one("\xed\x9f\xbf", 3, 3, 0xD7FF); /* just below the surrogates */
    one("\xee\x80\x80", 3, 3, 0xE000); /* just above them */
    one("\xef\xbf\xbf", 3, 3, 0xFFFF);
    one("\xf0\x90\x80\x80", 4, 4, 0x10000);
    one("\xf0\x9f\x98\x80", 4, 4, 0x1F600); /* an emoji */
    one("\xf4\x8f\xbf\xbf", 4, 4, 0x10FFFF);
    /* only the first character is decoded; n may be larger than it */
    one("\xe5\x8d\x9a\xe6\x96\x87", 6, 3, 0x535A);
}

static void test_overlongs(void **state)
{
    (void)state;
    one("\xc0\x80", 2, -1, 0);         /* U+0000 in two bytes */
    one("\xc1\xbf", 2, -1, 0);         /* U+007F in two bytes */
    one("\xe0\x80\x80", 3, -1, 0);     /* U+0000 in three */
    one("\xe0\x9f\xbf", 3, -1, 0);     /* U+07FF in three */
    one("\xf0\x80\x80\x80", 4, -1, 0); /* U+0000 in four */
    one("\xf0\x8f\xbf\xbf", 4, -1, 0); /* U+FFFF in four */
}

static void test_surrogates(void **state)
{
    (void)state;
    one("\xed\xa0\x80", 3, -1, 0); /* U+D800 */
    one("\xed\xaf\xbf", 3, -1, 0); /* U+DBFF */
    one("\xed\xb0\x80", 3, -1, 0); /* U+DC00 */
    one("\xed\xbf\xbf", 3, -1, 0); /* U+DFFF */
}

static void test_past_max(void **state)
{
    (void)state;
    one("\xf4\x90\x80\x80", 4, -1, 0); /* U+110000 */
    one("\xf5\x80\x80\x80", 4, -1, 0);
    one("\xf7\xbf\xbf\xbf", 4, -1, 0);     /* U+1FFFFF */
    one("\xf8\x88\x80\x80\x80", 5, -1, 0); /* old five-byte forms */
    one("\xfc\x84\x80\x80\x80\x80", 6, -1, 0);
    one("\xfe", 1, -1, 0);
    one("\xff", 1, -1, 0);
}

static void test_truncated(void **state)
{
    (void)state;
    /* cut by n */
    one("\xc3\xa9", 1, -1, 0);
    one("\xe5\x8d\x9a", 1, -1, 0);
    one("\xe5\x8d\x9a", 2, -1, 0);
    one("\xf0\x9f\x98\x80", 3, -1, 0);
    one("A", 0, -1, 0);
    /* cut by the end of a string: the NUL is not a continuation byte */
    one("\xc3", 4, -1, 0);
    one("\xe5\x8d", 4, -1, 0);
    one("\xf0\x9f\x98", 4, -1, 0);
    /* broken by a byte that is not a continuation */
    one("\xe5"
        "A\x9a",
        3, -1, 0);
    one("\xe5\x8d"
        "A",
        3, -1, 0);
    one("\xf0\x9f\x98"
        "A",
        4, -1, 0);
    /* a continuation byte on its own */
    one("\x80", 1, -1, 0);
    one("\xbf", 1, -1, 0);
}

static void test_users_agree(void **state)
{
    (void)state;
    assert_int_equal(utf8_chars("博文社区 ok"), 7);
    assert_int_equal(utf8_chars(""), 0);
    assert_int_equal(utf8_chars("ab\xed\xa0\x80"), -1);
    assert_int_equal(utf8_chars("ab\xe5\x8d"), -1);
    assert_int_equal(utf8_chars("\xc0\xaf"), -1);
    assert_true(form_utf8_ok("博文", 6));
    assert_false(form_utf8_ok("博文", 5)); /* cut inside a character */
    assert_false(form_utf8_ok("a\0b", 3)); /* NUL bytes are refused in forms */
    assert_false(form_utf8_ok("\xf4\x90\x80\x80", 4));
    assert_true(form_utf8_ok("", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),      cmocka_unit_test(test_overlongs),
        cmocka_unit_test(test_surrogates), cmocka_unit_test(test_past_max),
        cmocka_unit_test(test_truncated),  cmocka_unit_test(test_users_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
