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

/* ---- Chinese messages (issue 13 item 8) ---- */

static const char *const rows[][2] = {
#define ERR_ZH(en, zh) {en, zh},
#include "core/err_zh.def"
#undef ERR_ZH
};

/* The conversion specifications of a format, one after another ("%s|%.20s|%lld|"). */
static void specs(const char *f, char *out, size_t len)
{
    size_t n = 0;
    out[0] = '\0';
    for (; *f; f++) {
        if (*f != '%')
            continue;
        if (f[1] == '%') {
            f++;
            continue;
        }
        const char *start = f++;
        while (*f && strchr("-+ #0123456789.*hlzjtL", *f))
            f++;
        if (*f == '\0')
            break;
        if (strchr("diouxXeEfgGcsp", *f) == NULL)
            continue; /* not a conversion: a fixed text such as "(%00)" */
        n += (size_t)snprintf(out + n, len - n, "%.*s|", (int)(f - start + 1), start);
        if (n >= len)
            break;
    }
}

static void test_zh_rows_match(void **state)
{
    char a[256], b[256];
    (void)state;
    assert_true(sizeof(rows) / sizeof(rows[0]) > 300);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        specs(rows[i][0], a, sizeof(a));
        specs(rows[i][1], b, sizeof(b));
        if (strcmp(a, b) != 0)
            fail_msg("row %zu '%s': conversions %s differ from the Chinese %s", i, rows[i][0], a,
                     b);
        assert_string_equal(err_zh(rows[i][0]), rows[i][1]); /* no English text twice */
    }
    assert_null(err_zh("no such message at all"));
}

static void test_zh_messages(void **state)
{
    struct err e = {0};
    char buf[300];
    (void)state;
    err_set(&e, ERR_INVALID, "description", "'description' is longer than %d characters", 4000);
    assert_string_equal(e.msg, "'description' is longer than 4000 characters");
    assert_string_equal(e.msg_zh, "问题描述超过 4000 个字");
    assert_string_equal(err_text(&e, 1, buf, sizeof(buf)), "问题描述超过 4000 个字");
    assert_string_equal(err_text(&e, 0, buf, sizeof(buf)), e.msg);
    assert_string_equal(e.field, "description");
    /* the default message of a code */
    err_set(&e, ERR_NOT_FOUND, NULL, NULL);
    assert_string_equal(err_text(&e, 1, buf, sizeof(buf)), "未找到");
    /* a message without a row: the code's Chinese default, then the English */
    err_set(&e, ERR_CONFLICT, "x", "t0 a message nobody translated (%d)", 7);
    assert_string_equal(e.msg_zh, "");
    assert_string_equal(err_text(&e, 1, buf, sizeof(buf)),
                        "冲突：t0 a message nobody translated (7)");
    /* a message written in Chinese is Chinese in both */
    err_set(&e, ERR_INVALID, "org", "没有编号 %s 的党组织，或不在您的管辖范围内", "12");
    assert_string_equal(err_text(&e, 1, buf, sizeof(buf)), e.msg);
    /* %% and quoted client text */
    err_set(&e, ERR_BAD_REQUEST, NULL,
            "bad percent escape in %s: '%%' must be followed by two hex digits", "名称");
    assert_string_equal(e.msg_zh, "名称 中的百分号编码有误：“%”后须为两位十六进制数字");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statuses),
        cmocka_unit_test(test_quoted_bytes_stay_utf8),
        cmocka_unit_test(test_long_message_cut_whole),
        cmocka_unit_test(test_zh_rows_match),
        cmocka_unit_test(test_zh_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
