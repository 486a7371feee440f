/* test_err.c - the error list and err_set: messages stay valid UTF-8 whatever they quote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/json.h"

static void test_statuses(void **state)
{
    (void)state;
    assert_int_equal(err_http_status(ERR_OK), 200);
    assert_int_equal(err_http_status(ERR_INVALID), 422);
    assert_int_equal(err_http_status(ERR_TOO_LARGE), 413);
    assert_string_equal(err_code_name(ERR_THROTTLED), "too_many_requests");
}

static void test_quoted_bytes_stay_utf8(void **state)
{
    (void)state;
    struct err e;
    /* a client's invalid byte quoted in the message and as the field */
    err_set(&e, ERR_INVALID, "\xff", "unknown part '%s'", "a\xffz");
    assert_true(utf8_chars(e.msg) >= 0);
    assert_true(utf8_chars(e.field) >= 0);
    assert_string_equal(e.msg, "unknown part 'a?z'");
    /* a precision that cuts a character in half: 19 bytes of code, then "é" (2 bytes) */
    err_set(&e, ERR_INVALID, "grids", "grid %.20s does not exist", "3306040020070010000\xc3\xa9");
    assert_true(utf8_chars(e.msg) >= 0);
    assert_string_equal(e.msg, "grid 3306040020070010000? does not exist");
    /* whole characters pass untouched */
    err_set(&e, ERR_INVALID, "名称", "'%s' 不存在", "博文社区");
    assert_string_equal(e.msg, "'博文社区' 不存在");
    assert_string_equal(e.field, "名称");
}

static void test_long_message_cut_whole(void **state)
{
    (void)state;
    struct err e;
    char big[400] = "";
    for (int i = 0; i < 100; i++)
        strcat(big, "网"); /* 300 bytes: the 200-byte message ends inside a character */
    err_set(&e, ERR_INVALID, NULL, "%s", big);
    assert_true(utf8_chars(e.msg) >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statuses),
        cmocka_unit_test(test_quoted_bytes_stay_utf8),
        cmocka_unit_test(test_long_message_cut_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
