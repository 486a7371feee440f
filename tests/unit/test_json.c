/* test_json.c - request JSON (src/core/json.c): only well-formed objects without duplicate keys
 * are accepted, unknown keys are named, and typed field access checks presence, type, range and
 * length in characters (not bytes). utf8_chars must reject every invalid UTF-8 sequence. The
 * writer's numbers (src/core/jsonw.c) are written by hand: checked against printf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/jsonw.h"

/* A rule src/ once broke: kept as a regression test. */
static void regression(int ok, const char *what)
{
    if (!ok)
        fail_msg("regression: %s", what);
}

static json_t *parse_ok(const char *text)
{
    json_t *j = (json_t *)(uintptr_t)1;
    struct err e = {0};
    int rc = json_parse_object(text, strlen(text), &j, &e);
    if (rc != ERR_OK)
        fail_msg("'%s' rejected: %s", text, e.msg);
    assert_non_null(j);
    return j;
}

static void parse_bad(const char *text, size_t len, const char *msg_part)
{
    json_t *j = (json_t *)(uintptr_t)1;
    struct err e = {0};
    int rc = json_parse_object(text, len, &j, &e);
    if (rc != ERR_BAD_REQUEST)
        fail_msg("'%.*s' gave %d, want ERR_BAD_REQUEST", (int)len, text, rc);
    assert_int_equal(e.code, ERR_BAD_REQUEST);
    assert_null(j);
    if (msg_part && strstr(e.msg, msg_part) == NULL)
        fail_msg("'%.*s': message '%s' lacks '%s'", (int)len, text, e.msg, msg_part);
}

/* n copies of s */
static char *repeat(const char *s, int n)
{
    size_t len = strlen(s);
    char *out = malloc(len * (size_t)n + 1);
    for (int i = 0; i < n; i++)
        memcpy(out + len * (size_t)i, s, len);
    out[len * (size_t)n] = '\0';
    return out;
}

/* ---- json_parse_object ---- */

static void test_parse_ok(void **state)
{
    (void)state;
    json_t *j = parse_ok("{}");
    assert_int_equal(json_object_size(j), 0);
    json_decref(j);
    j = parse_ok(" \n{ \"name\" : \"曹娥街道\", \"n\": 3, \"o\": {\"a\": [1, 2]} }\n ");
    assert_string_equal(json_string_value(json_object_get(j, "name")), "曹娥街道");
    json_decref(j);
    /* only len bytes are parsed */
    struct err e = {0};
    const char *text = "{\"a\":1}garbage";
    assert_int_equal(json_parse_object(text, 7, &j, &e), ERR_OK);
    assert_int_equal(json_integer_value(json_object_get(j, "a")), 1);
    json_decref(j);
}

static void test_parse_empty(void **state)
{
    (void)state;
    parse_bad("", 0, "empty");
    parse_bad("{}", 0, "empty");
    parse_bad(" ", 1, "malformed JSON");
    parse_bad("\n\n", 2, "malformed JSON");
}

static void test_parse_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{",
        "}",
        "{\"a\":}",
        "{\"a\" 1}",
        "{'a':1}",
        "{a:1}",
        "{\"a\":1,}",
        "{\"a\":01}",
        "{\"a\":\"unterminated}",
        "{\"a\":\"\\x41\"}",
        "{\"a\":tru}",
        "{\"a\":NaN}",
        "{} x",
        "{}{}",
        "{\"a\":1}}",
        "{\"a\":99999999999999999999999}", /* does not fit int64 */
        "{\"a\":\"\xff\"}",                /* invalid UTF-8 */
        "{\"a\":\"\xc0\x80\"}",            /* overlong NUL */
        "{\"a\":\"x\\u0000y\"}",           /* escaped NUL */
        "\xef\xbb\xbf{}",                  /* BOM */
        "/* comment */ {}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        parse_bad(bad[i], strlen(bad[i]), "malformed JSON at line");
    /* the position is reported */
    parse_bad("{\n  \"a\": ]\n}", 12, "line 2");
    /* a NUL byte inside the body */
    parse_bad("{}\0", 3, NULL);
    parse_bad("{\"a\":\"x\0y\"}", 11, NULL);
}

static void test_parse_not_object(void **state)
{
    (void)state;
    static const char *const arrays[] = {"[]", "[{}]", "[1, 2]"};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
        parse_bad(arrays[i], strlen(arrays[i]), "a JSON object expected");
    /* scalars are refused by the parser already (no JSON_DECODE_ANY) */
    static const char *const scalars[] = {"\"x\"", "1", "-1.5", "null", "true", "false"};
    for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
        parse_bad(scalars[i], strlen(scalars[i]), NULL);
}

static void test_parse_duplicate_keys(void **state)
{
    (void)state;
    const char *dup = "{\"name\":\"a\",\"name\":\"b\"}";
    parse_bad(dup, strlen(dup), "duplicate");
    const char *nested = "{\"o\":{\"x\":1,\"x\":2}}";
    parse_bad(nested, strlen(nested), "duplicate");
    /* the same key in different objects is fine */
    json_t *j = parse_ok("{\"x\":{\"x\":1},\"y\":{\"x\":2}}");
    json_decref(j);
}

static void test_parse_deep_nesting(void **state)
{
    (void)state;
    /* far deeper than any request: an error, not a stack overflow */
    char *open = repeat("[", 100000);
    char *text = malloc(strlen(open) + 16);
    snprintf(text, strlen(open) + 16, "{\"a\":%s", open);
    parse_bad(text, strlen(text), NULL);
    free(text);
    free(open);
}

/* ---- json_only_keys ---- */

static void test_only_keys(void **state)
{
    (void)state;
    static const char *const allowed[] = {"name", "code", NULL};
    static const char *const none[] = {NULL};
    struct err e = {0};
    json_t *j = parse_ok("{\"name\":\"x\",\"code\":\"330604\"}");
    assert_int_equal(json_only_keys(j, allowed, &e), ERR_OK);
    json_decref(j);

    j = parse_ok("{}");
    assert_int_equal(json_only_keys(j, allowed, &e), ERR_OK);
    assert_int_equal(json_only_keys(j, none, &e), ERR_OK);
    json_decref(j);

    j = parse_ok("{\"name\":\"x\",\"parent\":\"330604\"}");
    assert_int_equal(json_only_keys(j, allowed, &e), ERR_INVALID);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "parent");
    assert_non_null(strstr(e.msg, "unknown field 'parent'"));
    json_decref(j);

    /* keys are case-sensitive */
    memset(&e, 0, sizeof(e));
    j = parse_ok("{\"Name\":\"x\"}");
    assert_int_equal(json_only_keys(j, allowed, &e), ERR_INVALID);
    assert_string_equal(e.field, "Name");
    json_decref(j);

    /* a very long unknown key is named, truncated to fit */
    memset(&e, 0, sizeof(e));
    char *key = repeat("k", 500);
    j = json_pack("{s:i}", key, 1);
    assert_int_equal(json_only_keys(j, allowed, &e), ERR_INVALID);
    assert_int_equal(strncmp(e.field, key, strlen(e.field)), 0);
    assert_true(strlen(e.field) < sizeof(e.field));
    json_decref(j);
    free(key);

    j = parse_ok("{\"name\":\"x\"}");
    assert_int_equal(json_only_keys(j, none, &e), ERR_INVALID);
    json_decref(j);
}

/* ---- json_get_str ---- */

static void test_get_str_presence(void **state)
{
    (void)state;
    struct err e = {0};
    const char *s = "unchanged";
    json_t *j = parse_ok("{\"a\":\"x\",\"n\":null,\"empty\":\"\"}");

    assert_int_equal(json_get_str(j, "a", JSON_REQUIRED, 0, &s, &e), ERR_OK);
    assert_string_equal(s, "x");

    /* absent or null: optional leaves *out alone, required is an error naming the key */
    s = "unchanged";
    assert_int_equal(json_get_str(j, "missing", JSON_OPTIONAL, 0, &s, &e), ERR_OK);
    assert_string_equal(s, "unchanged");
    assert_int_equal(json_get_str(j, "n", JSON_OPTIONAL, 0, &s, &e), ERR_OK);
    assert_string_equal(s, "unchanged");
    assert_int_equal(json_get_str(j, "missing", JSON_REQUIRED, 0, &s, &e), ERR_INVALID);
    assert_string_equal(e.field, "missing");
    assert_non_null(strstr(e.msg, "'missing' is required"));
    assert_int_equal(json_get_str(j, "n", JSON_REQUIRED, 0, &s, &e), ERR_INVALID);
    assert_string_equal(e.field, "n");
    assert_string_equal(s, "unchanged");

    /* empty: an error when required, an empty string when optional */
    assert_int_equal(json_get_str(j, "empty", JSON_REQUIRED, 10, &s, &e), ERR_INVALID);
    assert_string_equal(e.field, "empty");
    assert_non_null(strstr(e.msg, "must not be empty"));
    assert_string_equal(s, "unchanged");
    assert_int_equal(json_get_str(j, "empty", JSON_OPTIONAL, 10, &s, &e), ERR_OK);
    assert_string_equal(s, "");
    json_decref(j);
}

static void test_get_str_type(void **state)
{
    (void)state;
    static const char *const keys[] = {"i", "r", "t", "f", "arr", "obj"};
    json_t *j = parse_ok("{\"i\":1,\"r\":1.5,\"t\":true,\"f\":false,\"arr\":[\"x\"],\"obj\":{}}");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        struct err e = {0};
        const char *s = "unchanged";
        assert_int_equal(json_get_str(j, keys[i], JSON_OPTIONAL, 0, &s, &e), ERR_INVALID);
        assert_string_equal(e.field, keys[i]);
        assert_non_null(strstr(e.msg, "must be a string"));
        assert_string_equal(s, "unchanged");
    }
    json_decref(j);

    /* a string with an embedded NUL (possible from jansson's API, not from parsing) */
    struct err e = {0};
    const char *s = NULL;
    j = json_object();
    json_object_set_new(j, "nul", json_stringn("a\0b", 3));
    assert_int_equal(json_get_str(j, "nul", JSON_OPTIONAL, 0, &s, &e), ERR_INVALID);
    assert_string_equal(e.field, "nul");
    assert_null(s);
    json_decref(j);
}

static void expect_len(const char *unit, int n, size_t max, int ok)
{
    char *v = repeat(unit, n);
    json_t *j = json_pack("{s:s}", "name", v);
    struct err e = {0};
    const char *s = NULL;
    int rc = json_get_str(j, "name", JSON_REQUIRED, max, &s, &e);
    if (ok && rc != ERR_OK)
        fail_msg("%d x '%s' with max %zu rejected: %s", n, unit, max, e.msg);
    if (!ok) {
        if (rc != ERR_INVALID)
            fail_msg("%d x '%s' with max %zu accepted", n, unit, max);
        assert_string_equal(e.field, "name");
        assert_non_null(strstr(e.msg, "longer than"));
        assert_null(s);
    }
    json_decref(j);
    free(v);
}

static void test_get_str_max_chars(void **state)
{
    (void)state;
    /* counted in characters: 64 Chinese characters (192 bytes) fit a limit of 64 */
    expect_len("网", 64, 64, 1);
    expect_len("网", 65, 64, 0);
    expect_len("a", 64, 64, 1);
    expect_len("a", 65, 64, 0);
    expect_len("é", 64, 64, 1);
    expect_len("é", 65, 64, 0);
    expect_len("😀", 64, 64, 1); /* 4 bytes each */
    expect_len("😀", 65, 64, 0);
    expect_len("网a", 32, 64, 1);
    expect_len("网a", 33, 64, 0);
    expect_len("x", 1, 1, 1);
    expect_len("x", 2, 1, 0);
    /* 0 = no limit */
    expect_len("网", 10000, 0, 1);
}

/* ---- json_get_int ---- */

static void test_get_int(void **state)
{
    (void)state;
    struct err e = {0};
    int64_t v = -7;
    json_t *j = parse_ok("{\"zero\":0,\"max\":1000000,\"over\":1000001,\"neg\":-1,\"n\":null,"
                         "\"big\":9223372036854775807,\"small\":-9223372036854775808}");
    assert_int_equal(json_get_int(j, "zero", JSON_REQUIRED, 0, 1000000, &v, &e), ERR_OK);
    assert_int_equal(v, 0);
    assert_int_equal(json_get_int(j, "max", JSON_REQUIRED, 0, 1000000, &v, &e), ERR_OK);
    assert_int_equal(v, 1000000);

    /* bounds are inclusive, one past either is an error naming the key and the range */
    v = -7;
    assert_int_equal(json_get_int(j, "over", JSON_REQUIRED, 0, 1000000, &v, &e), ERR_INVALID);
    assert_string_equal(e.field, "over");
    assert_non_null(strstr(e.msg, "between 0 and 1000000"));
    assert_int_equal(v, -7);
    assert_int_equal(json_get_int(j, "neg", JSON_OPTIONAL, 0, 1000000, &v, &e), ERR_INVALID);
    assert_string_equal(e.field, "neg");
    assert_int_equal(v, -7);
    assert_int_equal(json_get_int(j, "neg", JSON_OPTIONAL, -1, -1, &v, &e), ERR_OK);
    assert_int_equal(v, -1);

    /* the int64 extremes */
    assert_int_equal(json_get_int(j, "big", 1, INT64_MIN, INT64_MAX, &v, &e), ERR_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(json_get_int(j, "small", 1, INT64_MIN, INT64_MAX, &v, &e), ERR_OK);
    assert_true(v == INT64_MIN);
    assert_int_equal(json_get_int(j, "big", 1, 0, INT64_MAX - 1, &v, &e), ERR_INVALID);

    /* absent or null */
    v = -7;
    assert_int_equal(json_get_int(j, "missing", JSON_OPTIONAL, 0, 10, &v, &e), ERR_OK);
    assert_int_equal(json_get_int(j, "n", JSON_OPTIONAL, 0, 10, &v, &e), ERR_OK);
    assert_int_equal(v, -7);
    assert_int_equal(json_get_int(j, "missing", JSON_REQUIRED, 0, 10, &v, &e), ERR_INVALID);
    assert_string_equal(e.field, "missing");
    assert_non_null(strstr(e.msg, "is required"));
    assert_int_equal(json_get_int(j, "n", JSON_REQUIRED, 0, 10, &v, &e), ERR_INVALID);
    json_decref(j);
}

static void test_get_int_types(void **state)
{
    (void)state;
    static const char *const keys[] = {"real", "whole_real", "exp", "str", "t", "arr", "obj"};
    json_t *j = parse_ok("{\"real\":1.5,\"whole_real\":3.0,\"exp\":1e3,\"str\":\"3\",\"t\":true,"
                         "\"arr\":[3],\"obj\":{}}");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        struct err e = {0};
        int64_t v = -7;
        assert_int_equal(json_get_int(j, keys[i], JSON_OPTIONAL, INT64_MIN, INT64_MAX, &v, &e),
                         ERR_INVALID);
        assert_string_equal(e.field, keys[i]);
        assert_non_null(strstr(e.msg, "must be an integer"));
        assert_int_equal(v, -7);
    }
    json_decref(j);
}

/* ---- json_get_bool ---- */

static void test_get_bool(void **state)
{
    (void)state;
    struct err e = {0};
    int v = 7;
    json_t *j = parse_ok(
        "{\"t\":true,\"f\":false,\"n\":null,\"one\":1,\"zero\":0,\"s\":\"true\",\"arr\":[]}");
    assert_int_equal(json_get_bool(j, "t", JSON_REQUIRED, &v, &e), ERR_OK);
    assert_int_equal(v, 1);
    assert_int_equal(json_get_bool(j, "f", JSON_REQUIRED, &v, &e), ERR_OK);
    assert_int_equal(v, 0);
    v = 7;
    assert_int_equal(json_get_bool(j, "missing", JSON_OPTIONAL, &v, &e), ERR_OK);
    assert_int_equal(json_get_bool(j, "n", JSON_OPTIONAL, &v, &e), ERR_OK);
    assert_int_equal(v, 7);
    assert_int_equal(json_get_bool(j, "missing", JSON_REQUIRED, &v, &e), ERR_INVALID);
    assert_string_equal(e.field, "missing");
    assert_int_equal(json_get_bool(j, "n", JSON_REQUIRED, &v, &e), ERR_INVALID);
    static const char *const bad[] = {"one", "zero", "s", "arr"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&e, 0, sizeof(e));
        assert_int_equal(json_get_bool(j, bad[i], JSON_OPTIONAL, &v, &e), ERR_INVALID);
        assert_string_equal(e.field, bad[i]);
        assert_non_null(strstr(e.msg, "must be true or false"));
        assert_int_equal(v, 7);
    }
    json_decref(j);
}

/* ---- utf8_chars ---- */

static void test_utf8_valid(void **state)
{
    (void)state;
    assert_int_equal(utf8_chars(""), 0);
    assert_int_equal(utf8_chars("abc"), 3);
    assert_int_equal(utf8_chars("网格"), 2);
    assert_int_equal(utf8_chars("\xc2\x80"), 1);         /* U+0080, smallest 2-byte */
    assert_int_equal(utf8_chars("\xdf\xbf"), 1);         /* U+07FF */
    assert_int_equal(utf8_chars("\xe0\xa0\x80"), 1);     /* U+0800, smallest 3-byte */
    assert_int_equal(utf8_chars("\xef\xbf\xbf"), 1);     /* U+FFFF */
    assert_int_equal(utf8_chars("\xed\x9f\xbf"), 1);     /* U+D7FF, just below surrogates */
    assert_int_equal(utf8_chars("\xf0\x90\x80\x80"), 1); /* U+10000 */
    assert_int_equal(utf8_chars("\xf4\x8f\xbf\xbf"), 1); /* U+10FFFF, the last */
    assert_int_equal(utf8_chars("a网😀é"), 4);
}

static void test_utf8_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\x80", /* lone continuation byte */
        "a\xbf"
        "b",                    /* continuation in the middle */
        "\xc3",                 /* truncated 2-byte */
        "\xc3(",                /* bad continuation */
        "\xe4\xb8",             /* truncated 3-byte */
        "\xe4\xb8(",            /* bad continuation */
        "\xe4(\x80",            /* bad continuation */
        "\xf0\x9f\x98",         /* truncated 4-byte */
        "\xf0\x9f\x98(",        /* bad continuation */
        "\xc0\x80",             /* overlong NUL (2-byte) */
        "\xc1\xbf",             /* overlong U+007F */
        "\xf5\x80\x80\x80",     /* lead byte past U+10FFFF */
        "\xf8\x88\x80\x80\x80", /* 5-byte form */
        "\xfe",
        "\xff",
        "网格\xff",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (utf8_chars(bad[i]) != -1)
            fail_msg("invalid UTF-8 #%zu counted as %ld characters", i, utf8_chars(bad[i]));
    }
}

static void test_utf8_invalid_overlong_surrogate(void **state)
{
    (void)state;
    /* RFC 3629: overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid;
     * the 2-byte overlongs (C0, C1) are already rejected, these are not */
    static const struct {
        const char *s, *what;
    } bad[] = {
        {"\xe0\x80\x80", "overlong NUL in 3 bytes (E0 80 80)"},
        {"\xe0\x9f\xbf", "overlong U+07FF in 3 bytes (E0 9F BF)"},
        {"\xed\xa0\x80", "surrogate U+D800 (ED A0 80)"},
        {"\xed\xbf\xbf", "surrogate U+DFFF (ED BF BF)"},
        {"\xf0\x80\x80\x80", "overlong NUL in 4 bytes (F0 80 80 80)"},
        {"\xf0\x8f\xbf\xbf", "overlong U+FFFF in 4 bytes (F0 8F BF BF)"},
        {"\xf4\x90\x80\x80", "U+110000, past the last code point (F4 90 80 80)"},
    };
    char what[512] = "";
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (utf8_chars(bad[i].s) != -1) {
            size_t off = strlen(what);
            snprintf(what + off, sizeof(what) - off, "%s%s", off ? ", " : "utf8_chars accepts ",
                     bad[i].what);
        }
    }
    regression(what[0] == '\0', what);
}

/* jw_int as %lld; jw_dec1 as %.10g of round(v * 10) / 10, but never "-0" */
static void test_writer_numbers(void **state)
{
    (void)state;
    static const int64_t ints[] = {0, 7, -7, 10, 100, -100, 1234567890123LL, INT64_MAX, INT64_MIN};
    static const double decs[] = {0,    0.04,  0.05,      71.94,     71.95,     100,       99.96,
                                  -5.3, -5.25, 33.333333, 66.666667, 1e6 + 0.1, 12345678.9};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        struct jsonw w;
        char want[32];
        jw_init(&w, 64);
        jw_int(&w, ints[i]);
        snprintf(want, sizeof(want), "%lld", (long long)ints[i]);
        assert_string_equal(w.b.data, want);
        buf_free(&w.b);
    }
    for (size_t i = 0; i < sizeof(decs) / sizeof(decs[0]); i++) {
        struct jsonw w;
        char want[32];
        jw_init(&w, 64);
        jw_dec1(&w, decs[i]);
        snprintf(want, sizeof(want), "%.10g", round(decs[i] * 10) / 10);
        assert_string_equal(w.b.data, want);
        buf_free(&w.b);
    }
    struct jsonw w;
    jw_init(&w, 64);
    jw_arr(&w);
    jw_dec1(&w, -0.04); /* rounds to zero: no sign */
    jw_dec1(&w, 1.0 / 0.0);
    jw_dec1(&w, 0.0 / 0.0);
    jw_end_arr(&w);
    assert_string_equal(w.b.data, "[0,null,null]");
    buf_free(&w.b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_parse_empty),
        cmocka_unit_test(test_parse_malformed),
        cmocka_unit_test(test_parse_not_object),
        cmocka_unit_test(test_parse_duplicate_keys),
        cmocka_unit_test(test_parse_deep_nesting),
        cmocka_unit_test(test_only_keys),
        cmocka_unit_test(test_get_str_presence),
        cmocka_unit_test(test_get_str_type),
        cmocka_unit_test(test_get_str_max_chars),
        cmocka_unit_test(test_get_int),
        cmocka_unit_test(test_get_int_types),
        cmocka_unit_test(test_get_bool),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_utf8_invalid_overlong_surrogate),
        cmocka_unit_test(test_writer_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
