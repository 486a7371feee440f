/* test_form.c - the application/x-www-form-urlencoded parser (src/http/form.c): decoding ('%XX',
 * '+'), repeated keys, Open311's attribute[CODE] and attribute[CODE][] keys, the limits, and the
 * refusal of bad escapes, NUL, invalid UTF-8 and control characters in keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"

static struct arena arena;

static int setup(void **state)
{
    (void)state;
    arena_init(&arena, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(&arena);
    return 0;
}

/* Parse len bytes copied to an exact-size buffer (no NUL after them, so ASan sees overreads). */
static int parse_n(const char *text, size_t len, struct form *f, struct err *e)
{
    char *copy = malloc(len ? len : 1);
    memcpy(copy, text, len);
    memset(e, 0, sizeof(*e));
    int rc = form_parse(&arena, copy, len, f, e);
    free(copy);
    return rc;
}

static void parse_ok(const char *text, struct form *f)
{
    struct err e;
    if (parse_n(text, strlen(text), f, &e) != ERR_OK)
        fail_msg("'%s' refused: %s (field '%s')", text, e.msg, e.field);
}

static void parse_bad(const char *text, size_t len, const char *msg_part)
{
    struct form f;
    struct err e;
    int rc = parse_n(text, len, &f, &e);
    if (rc != ERR_BAD_REQUEST)
        fail_msg("'%.*s' gave %d, want ERR_BAD_REQUEST", (int)len, text, rc);
    assert_int_equal(e.code, ERR_BAD_REQUEST);
    if (msg_part && strstr(e.msg, msg_part) == NULL)
        fail_msg("'%.*s': message '%s' lacks '%s'", (int)len, text, e.msg, msg_part);
    /* every message must itself be valid UTF-8 (it is sent back to the client) */
    assert_true(form_utf8_ok(e.msg, strlen(e.msg)));
    assert_true(form_utf8_ok(e.field, strlen(e.field)));
}

static void bad(const char *text, const char *msg_part)
{
    parse_bad(text, strlen(text), msg_part);
}

/* A string of n copies of c. */
static char *fill(char c, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* ---- decoding ---- */

static void test_basic(void **state)
{
    (void)state;
    struct form f;
    parse_ok("a=1&b=two&c=", &f);
    assert_int_equal(f.nfields, 3);
    assert_string_equal(f.fields[0].key, "a");
    assert_string_equal(f.fields[0].value, "1");
    assert_string_equal(form_get(&f, "b"), "two");
    assert_string_equal(form_get(&f, "c"), "");
    assert_null(form_get(&f, "d"));
    assert_int_equal(f.nattrs, 0);
}

static void test_empty(void **state)
{
    (void)state;
    struct form f;
    parse_ok("", &f);
    assert_int_equal(f.nfields, 0);
    parse_ok("&&&", &f);
    assert_int_equal(f.nfields, 0);
    assert_null(form_get(&f, "a"));
}

static void test_percent_and_plus(void **state)
{
    (void)state;
    struct form f;
    parse_ok("d=%E7%94%B5%E5%8A%A8%E8%BD%A6+%E5%85%85%E7%94%B5&p=1%2B1%3D2&k%20ey=x+y+z"
             "&amp=%26&eq=a%3Db&lower=%e4%b8%ad&nl=line1%0D%0Aline2",
             &f);
    assert_string_equal(form_get(&f, "d"), "电动车 充电");
    assert_string_equal(form_get(&f, "p"), "1+1=2");
    assert_string_equal(form_get(&f, "k ey"), "x y z");
    assert_string_equal(form_get(&f, "amp"), "&");
    assert_string_equal(form_get(&f, "eq"), "a=b");
    assert_string_equal(form_get(&f, "lower"), "中");
    assert_string_equal(form_get(&f, "nl"), "line1\r\nline2"); /* values may hold line breaks */
}

static void test_raw_utf8(void **state)
{
    (void)state;
    struct form f;
    parse_ok("description=楼道里停了电动车&名字=王芳", &f);
    assert_string_equal(form_get(&f, "description"), "楼道里停了电动车");
    assert_string_equal(form_get(&f, "名字"), "王芳");
}

static void test_key_without_value(void **state)
{
    (void)state;
    struct form f;
    parse_ok("flag&a=1&other", &f);
    assert_int_equal(f.nfields, 3);
    assert_string_equal(form_get(&f, "flag"), "");
    assert_string_equal(form_get(&f, "other"), "");
    /* only the first '=' splits */
    parse_ok("a==b=", &f);
    assert_string_equal(form_get(&f, "a"), "=b=");
}

static void test_repeated_keys(void **state)
{
    (void)state;
    struct form f;
    parse_ok("a=1&b=2&a=3&a=", &f);
    assert_int_equal(f.nfields, 4);
    assert_int_equal(form_count(&f, "a"), 3);
    assert_int_equal(form_count(&f, "b"), 1);
    assert_int_equal(form_count(&f, "c"), 0);
    assert_string_equal(form_get(&f, "a"), "1"); /* the first wins */
    assert_string_equal(f.fields[2].value, "3");
    assert_string_equal(f.fields[3].value, "");
}

static void test_query_string(void **state)
{
    (void)state;
    struct form f;
    parse_ok("service_code=ebike,noise&status=open&start_date=2026-05-01T00%3A00%3A00%2B08%3A00",
             &f);
    assert_string_equal(form_get(&f, "service_code"), "ebike,noise");
    assert_string_equal(form_get(&f, "start_date"), "2026-05-01T00:00:00+08:00");
}

static void test_length_respected(void **state)
{
    (void)state;
    struct form f;
    struct err e;
    const char *text = "a=1&b=2";
    assert_int_equal(parse_n(text, 3, &f, &e), ERR_OK);
    assert_int_equal(f.nfields, 1);
    assert_string_equal(form_get(&f, "a"), "1");
    assert_null(form_get(&f, "b"));
    /* an escape cut by the end of the input is refused, not read past */
    parse_bad("a=%4", 4, "percent");
    parse_bad("a=%41", 4, "percent");
}

/* ---- attributes ---- */

static void test_attributes(void **state)
{
    (void)state;
    struct form f;
    parse_ok("attribute[building]=12%E5%B9%A2&attribute%5Bkind%5D%5B%5D=garbage&x=1"
             "&attribute[kind][]=sewage&attribute[stairwell_charging]=yes&attribute[kind][]=",
             &f);
    assert_int_equal(f.nfields, 6);
    assert_int_equal(f.nattrs, 3);
    const struct form_attr *a = form_attr_get(&f, "building");
    assert_non_null(a);
    assert_int_equal(a->list, 0);
    assert_int_equal(a->nvalues, 1);
    assert_string_equal(a->values[0], "12幢");
    a = form_attr_get(&f, "kind");
    assert_non_null(a);
    assert_int_equal(a->list, 1);
    assert_int_equal(a->nvalues, 3);
    assert_string_equal(a->values[0], "garbage");
    assert_string_equal(a->values[1], "sewage");
    assert_string_equal(a->values[2], "");
    assert_string_equal(f.attrs[0].code, "building"); /* order of first appearance */
    assert_string_equal(f.attrs[1].code, "kind");
    assert_string_equal(f.attrs[2].code, "stairwell_charging");
    assert_null(form_attr_get(&f, "x"));
    assert_string_equal(form_get(&f, "attribute[building]"), "12幢");
    /* "attribute" alone, or another prefix, is an ordinary field */
    parse_ok("attribute=1&attributes[a]=2&xattribute[a]=3", &f);
    assert_int_equal(f.nattrs, 0);
    assert_int_equal(f.nfields, 3);
}

static void test_attribute_list_of_one(void **state)
{
    (void)state;
    struct form f;
    parse_ok("attribute[impact][]=parking", &f);
    assert_int_equal(f.nattrs, 1);
    assert_int_equal(f.attrs[0].list, 1);
    assert_int_equal(f.attrs[0].nvalues, 1);
}

static void test_attribute_malformed(void **state)
{
    (void)state;
    bad("attribute[=1", "attribute[CODE]");
    bad("attribute[]=1", "attribute[CODE]");
    bad("attribute[]]=1", "attribute[CODE]");
    bad("attribute[a]b=1", "attribute[CODE]");
    bad("attribute[a][b]=1", "attribute[CODE]");
    bad("attribute[a][=1", "attribute[CODE]");
    bad("attribute[a[b]=1", "attribute[CODE]");
    bad("attribute[a][][]=1", "attribute[CODE]");
    bad("attribute%5Ba=1", "attribute[CODE]");
}

static void test_attribute_twice(void **state)
{
    (void)state;
    bad("attribute[a]=1&attribute[a]=2", "twice");
    bad("attribute[a]=1&attribute[a][]=2", "both");
    bad("attribute[a][]=1&attribute[a]=2", "both");
}

/* ---- refusals ---- */

static void test_bad_escapes(void **state)
{
    (void)state;
    bad("a=%", "percent");
    bad("a=%4", "percent");
    bad("a=%zz", "percent");
    bad("a=%G1", "percent");
    bad("a=%1G", "percent");
    bad("a=%%41", "percent");
    bad("%=1", "percent");
    bad("a%2=1", "percent");
}

static void test_nul(void **state)
{
    (void)state;
    bad("a=x%00y", "NUL");
    bad("a%00=1", NULL);
    parse_bad("a=x\0y", 5, "NUL");
    parse_bad("a\0=1", 4, NULL);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char *const values[] = {
        "a=%FF",               /* never valid */
        "a=%C0%AF",            /* overlong '/' */
        "a=%C1%BF",            /* overlong */
        "a=%E0%80%AF",         /* overlong, 3 bytes */
        "a=%F0%80%80%AF",      /* overlong, 4 bytes */
        "a=%ED%A0%80",         /* surrogate U+D800 */
        "a=%ED%BF%BF",         /* surrogate U+DFFF */
        "a=%F4%90%80%80",      /* above U+10FFFF */
        "a=%F5%80%80%80",      /* lead byte past F4 */
        "a=%E4%B8",            /* truncated */
        "a=%E4%B8%41",         /* bad continuation */
        "a=%80",               /* lone continuation */
        "%FF=1",               /* in a key */
        "attribute[%E4%B8]=1", /* in an attribute code */
    };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
        bad(values[i], NULL);
    parse_bad("a=\xff", 3, "UTF-8");
    parse_bad("a=\xe4\xb8", 4, "UTF-8");
    /* the largest code point and the ones around the surrogates are fine */
    struct form f;
    parse_ok("a=%F4%8F%BF%BF&b=%ED%9F%BF&c=%EE%80%80&d=%C2%80", &f);
    assert_int_equal(f.nfields, 4);
}

static void test_control_in_key(void **state)
{
    (void)state;
    bad("a%01=1", "control");
    bad("a%0A=1", "control");
    bad("a%7F=1", "control");
    bad("%09=1", "control");
    struct form f;
    parse_ok("a=%01%09%7F", &f); /* values may hold them; the domain decides */
    assert_string_equal(form_get(&f, "a"), "\x01\t\x7f");
}

static void test_empty_key(void **state)
{
    (void)state;
    bad("=1", "no name");
    bad("a=1&=2", "no name");
}

/* ---- limits ---- */

static void test_limit_fields(void **state)
{
    (void)state;
    struct form f;
    struct err e;
    char *text = malloc(FORM_MAX_FIELDS * 4 + 8);
    size_t n = 0;
    for (int i = 0; i < FORM_MAX_FIELDS; i++)
        n += (size_t)sprintf(text + n, "%sa=", i ? "&" : "");
    assert_int_equal(parse_n(text, n, &f, &e), ERR_OK);
    assert_int_equal(f.nfields, FORM_MAX_FIELDS);
    assert_int_equal(form_count(&f, "a"), FORM_MAX_FIELDS);
    n += (size_t)sprintf(text + n, "&a=");
    parse_bad(text, n, "more than");
    /* empty pairs do not count */
    n = 0;
    for (int i = 0; i < FORM_MAX_FIELDS * 2; i++)
        n += (size_t)sprintf(text + n, "&");
    n += (size_t)sprintf(text + n, "a=1");
    assert_int_equal(parse_n(text, n, &f, &e), ERR_OK);
    assert_int_equal(f.nfields, 1);
    free(text);
}

static void test_limit_sizes(void **state)
{
    (void)state;
    struct form f;
    char *k = fill('k', FORM_MAX_KEY), *v = fill('v', FORM_MAX_VALUE);
    char *text = malloc(FORM_MAX_KEY + 3 * FORM_MAX_VALUE + 16);
    sprintf(text, "%s=%s", k, v);
    parse_ok(text, &f);
    assert_int_equal(strlen(f.fields[0].key), FORM_MAX_KEY);
    assert_int_equal(strlen(f.fields[0].value), FORM_MAX_VALUE);
    sprintf(text, "%sk=1", k);
    bad(text, "longer than");
    sprintf(text, "a=%sv", v);
    bad(text, "longer than");
    /* the limit is on decoded bytes: %41 counts once */
    size_t n = (size_t)sprintf(text, "a=");
    for (int i = 0; i < FORM_MAX_VALUE; i++)
        n += (size_t)sprintf(text + n, "%%41");
    struct err e;
    assert_int_equal(parse_n(text, n, &f, &e), ERR_OK);
    assert_int_equal(strlen(f.fields[0].value), FORM_MAX_VALUE);
    free(k);
    free(v);
    free(text);
}

static void test_limit_attr_code(void **state)
{
    (void)state;
    struct form f;
    char *code = fill('c', FORM_MAX_ATTR_CODE);
    char text[FORM_MAX_ATTR_CODE + 32];
    sprintf(text, "attribute[%s]=1", code);
    parse_ok(text, &f);
    assert_int_equal(f.nattrs, 1);
    sprintf(text, "attribute[%sc]=1", code);
    bad(text, "attribute[CODE]");
    free(code);
}

/* ---- helpers ---- */

static void test_utf8_ok(void **state)
{
    (void)state;
    assert_true(form_utf8_ok("", 0));
    assert_true(form_utf8_ok("abc", 3));
    assert_true(form_utf8_ok("上虞", strlen("上虞")));
    assert_true(form_utf8_ok("\xf0\x9f\x98\x80", 4)); /* emoji */
    assert_false(form_utf8_ok("a\0b", 3));
    assert_false(form_utf8_ok("\xe4\xb8\xad", 2)); /* cut by n */
    assert_false(form_utf8_ok("\xc2", 1));
    assert_false(form_utf8_ok("\xfe", 1));
}

static void test_excerpt(void **state)
{
    (void)state;
    assert_string_equal(form_excerpt(&arena, "short", 10), "short");
    assert_string_equal(form_excerpt(&arena, "abcdefghij", 8), "abcde...");
    /* never cut inside a character: 中 is 3 bytes */
    const char *s = form_excerpt(&arena, "中文中文中文", 8);
    assert_true(form_utf8_ok(s, strlen(s)));
    assert_true(strlen(s) <= 8);
    assert_string_equal(s, "中...");
    for (size_t max = 0; max < 20; max++) {
        const char *x = form_excerpt(&arena, "a中b文c", max);
        assert_true(form_utf8_ok(x, strlen(x)));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_basic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_percent_and_plus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_without_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeated_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_string, setup, teardown),
        cmocka_unit_test_setup_teardown(test_length_respected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attributes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attribute_list_of_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attribute_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attribute_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control_in_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limit_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limit_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limit_attr_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_utf8_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_excerpt, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
