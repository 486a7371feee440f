/* test_catalog.c - the service catalogue (src/domain/catalog.c, catalog_demo.c): every field of
 * category_from_json refused with its name, the JSON round trip, the check of a case's attribute
 * values (required, number, datetime with offset, list keys, lengths, unknown codes), departments,
 * and put/get/list and the demonstration catalogue on a temporary SQLite store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/catalog.h"
#include "domain/demo.h"
#include "domain/pii.h"
#include "domain/secret.h"

/* A valid category with two attributes; the cases below break one field at a time. */
static const char *const base_json =
    "{\"name\":\"电动车停放与充电\",\"group\":\"小区治理\",\"description\":\"楼道充电\","
    "\"keywords\":\"电动车 充电\",\"department\":\"zfj\",\"handling_level\":\"community\","
    "\"sla\":{\"accept\":\"4h\",\"dispatch\":\"1d\",\"resolve\":\"3d\",\"verify\":\"1d\"},"
    "\"active\":true,\"attributes\":["
    "{\"code\":\"building\",\"datatype\":\"string\",\"required\":true,\"description\":\"楼栋号\","
    "\"order\":1},"
    "{\"code\":\"charging\",\"datatype\":\"singlevaluelist\",\"required\":false,"
    "\"description\":\"是否在楼道充电\",\"order\":2,\"values\":[{\"key\":\"yes\",\"name\":\"是\"},"
    "{\"key\":\"no\",\"name\":\"否\"}]}]}";

static json_t *base(void)
{
    json_t *j = json_loads(base_json, 0, NULL);
    assert_non_null(j);
    return j;
}

static json_t *attr(json_t *j, size_t i)
{
    return json_array_get(json_object_get(j, "attributes"), i);
}

/* Parse j (stealing it) and expect 422 naming field (NULL: expect success). */
static void expect_field(json_t *j, const char *code, const char *field)
{
    struct arena a;
    struct category c;
    struct err e = {0};
    arena_init(&a, 0);
    int rc = category_from_json(j, &a, code, &c, &e);
    if (field == NULL) {
        if (rc != ERR_OK)
            fail_msg("unexpected error on %s: %s", e.field, e.msg);
    } else {
        if (rc != ERR_INVALID)
            fail_msg("expected 422 on %s, got %d", field, rc);
        if (strcmp(e.field, field) != 0)
            fail_msg("expected field %s, got %s (%s)", field, e.field, e.msg);
        assert_true(e.msg[0] != '\0');
    }
    json_decref(j);
    arena_free(&a);
}

static void test_from_json_valid(void **state)
{
    struct arena a;
    struct category c;
    struct err e = {0};
    (void)state;
    arena_init(&a, 0);
    json_t *j = base();
    assert_int_equal(category_from_json(j, &a, "ebike", &c, &e), ERR_OK);
    json_decref(j); /* the category must not borrow from the JSON */
    assert_string_equal(c.code, "ebike");
    assert_string_equal(c.name, "电动车停放与充电");
    assert_string_equal(c.group, "小区治理");
    assert_string_equal(c.department, "zfj");
    assert_string_equal(c.handling_level, "community");
    assert_int_equal(c.sla[SLA_ACCEPT].amount, 4);
    assert_int_equal(c.sla[SLA_ACCEPT].unit, 'h');
    assert_int_equal(c.sla[SLA_RESOLVE].amount, 3);
    assert_int_equal(c.sla[SLA_RESOLVE].unit, 'd');
    assert_string_equal(c.sla_text[SLA_VERIFY], "1d");
    assert_int_equal(c.active, 1);
    assert_int_equal(c.nattrs, 2);
    assert_string_equal(c.attrs[0].code, "building");
    assert_int_equal(c.attrs[0].required, 1);
    assert_string_equal(c.attrs[0].values_json, "[]");
    assert_string_equal(c.attrs[1].datatype, "singlevaluelist");
    assert_int_equal(c.attrs[1].ord, 2);
    assert_non_null(strstr(c.attrs[1].values_json, "\"yes\""));
    arena_free(&a);
}

static void test_from_json_defaults(void **state)
{
    struct arena a;
    struct category c;
    struct err e = {0};
    (void)state;
    arena_init(&a, 0);
    json_t *j = json_loads("{\"name\":\"停车\",\"group\":\"小区治理\",\"handling_level\":\"town\","
                           "\"sla\":{\"accept\":\"1d\",\"dispatch\":\"1d\",\"resolve\":\"5d\","
                           "\"verify\":\"2d\"},\"attributes\":[{\"code\":\"n\",\"datatype\":"
                           "\"number\",\"description\":\"数量\"},{\"code\":\"k\",\"datatype\":"
                           "\"singlevaluelist\",\"description\":\"类型\",\"values\":[{\"key\":"
                           "123,\"name\":\"福特\"}]}]}",
                           0, NULL);
    assert_int_equal(category_from_json(j, &a, "parking", &c, &e), ERR_OK);
    assert_null(c.department);
    assert_string_equal(c.description, "");
    assert_string_equal(c.keywords, "");
    assert_int_equal(c.active, 1);
    assert_int_equal(c.attrs[0].required, 0);
    assert_int_equal(c.attrs[0].ord, 1); /* default order: position, from 1 */
    assert_int_equal(c.attrs[1].ord, 2);
    assert_string_equal(c.attrs[0].datatype_description, "");
    /* an Open311-style numeric key is kept as a string */
    assert_string_equal(c.attrs[1].values_json, "[{\"key\":\"123\",\"name\":\"福特\"}]");
    json_decref(j);
    arena_free(&a);
}

static void test_from_json_errors(void **state)
{
    (void)state;
    json_t *j;
    char long41[41 * 3 + 1] = "", long201[202] = "";

    for (int i = 0; i < 41; i++)
        strcat(long41, "长");
    memset(long201, 'x', 201);

    /* the code from the path */
    expect_field(base(), "E", "code");
    expect_field(base(), "x", "code");
    expect_field(base(), "a-b_c", NULL);
    expect_field(base(), "abcdefghijklmnopqrstuvwxyz0123456", "code");
    expect_field(base(), "ab cd", "code");
    j = base();
    json_object_set_new(j, "code", json_string("other"));
    expect_field(j, "ebike", "code");
    j = base();
    json_object_set_new(j, "code", json_string("ebike"));
    expect_field(j, "ebike", NULL);

    /* unknown fields, at every level */
    j = base();
    json_object_set_new(j, "colour", json_string("red"));
    expect_field(j, "ebike", "colour");
    j = base();
    json_object_set_new(json_object_get(j, "sla"), "close", json_string("1d"));
    expect_field(j, "ebike", "sla.close");
    j = base();
    json_object_set_new(attr(j, 1), "hint", json_string("?"));
    expect_field(j, "ebike", "attributes[1].hint");

    /* name, group, description, keywords */
    j = base();
    json_object_del(j, "name");
    expect_field(j, "ebike", "name");
    j = base();
    json_object_set_new(j, "name", json_string(""));
    expect_field(j, "ebike", "name");
    j = base();
    json_object_set_new(j, "name", json_string(long41));
    expect_field(j, "ebike", "name");
    j = base();
    json_object_set_new(j, "name", json_string(long41 + 3)); /* 40 characters */
    expect_field(j, "ebike", NULL);
    j = base();
    json_object_set_new(j, "name", json_integer(5));
    expect_field(j, "ebike", "name");
    j = base();
    json_object_del(j, "group");
    expect_field(j, "ebike", "group");
    j = base();
    json_object_set_new(j, "description", json_string(long201));
    expect_field(j, "ebike", "description");
    j = base();
    json_object_set_new(j, "keywords", json_string(long201));
    expect_field(j, "ebike", "keywords");

    /* department (existence is checked by category_put), handling level */
    j = base();
    json_object_set_new(j, "department", json_string("ZFJ!"));
    expect_field(j, "ebike", "department");
    j = base();
    json_object_set_new(j, "department", json_null());
    expect_field(j, "ebike", NULL);
    j = base();
    json_object_set_new(j, "handling_level", json_string("city"));
    expect_field(j, "ebike", "handling_level");
    j = base();
    json_object_del(j, "handling_level");
    expect_field(j, "ebike", "handling_level");

    /* sla */
    j = base();
    json_object_del(j, "sla");
    expect_field(j, "ebike", "sla");
    j = base();
    json_object_set_new(j, "sla", json_string("4h"));
    expect_field(j, "ebike", "sla");
    j = base();
    json_object_del(json_object_get(j, "sla"), "resolve");
    expect_field(j, "ebike", "sla.resolve");
    j = base();
    json_object_set_new(json_object_get(j, "sla"), "accept", json_string("4 hours"));
    expect_field(j, "ebike", "sla.accept");
    j = base();
    json_object_set_new(json_object_get(j, "sla"), "dispatch", json_string("0d"));
    expect_field(j, "ebike", "sla.dispatch");
    j = base();
    json_object_set_new(json_object_get(j, "sla"), "verify", json_integer(2));
    expect_field(j, "ebike", "sla.verify");

    /* active */
    j = base();
    json_object_set_new(j, "active", json_string("yes"));
    expect_field(j, "ebike", "active");

    /* attributes */
    j = base();
    json_object_set_new(j, "attributes", json_object());
    expect_field(j, "ebike", "attributes");
    j = base();
    json_array_append_new(json_object_get(j, "attributes"), json_string("x"));
    expect_field(j, "ebike", "attributes[2]");
    j = base();
    json_object_set_new(attr(j, 0), "code", json_string("Building"));
    expect_field(j, "ebike", "attributes[0].code");
    j = base();
    json_object_set_new(attr(j, 0), "code", json_string("abcdefghijklmnopqrstuvwxyz0123456"));
    expect_field(j, "ebike", "attributes[0].code");
    j = base();
    json_object_set_new(attr(j, 0), "code", json_string("bldg-no")); /* no '-' in attributes */
    expect_field(j, "ebike", "attributes[0].code");
    j = base();
    json_object_del(attr(j, 0), "code");
    expect_field(j, "ebike", "attributes[0].code");
    j = base();
    json_object_set_new(attr(j, 1), "code", json_string("building"));
    expect_field(j, "ebike", "attributes[1].code");
    j = base();
    json_object_set_new(attr(j, 0), "datatype", json_string("integer"));
    expect_field(j, "ebike", "attributes[0].datatype");
    j = base();
    json_object_del(attr(j, 0), "datatype");
    expect_field(j, "ebike", "attributes[0].datatype");
    j = base();
    json_object_set_new(attr(j, 0), "required", json_string("true"));
    expect_field(j, "ebike", "attributes[0].required");
    j = base();
    json_object_del(attr(j, 0), "description");
    expect_field(j, "ebike", "attributes[0].description");
    j = base();
    json_object_set_new(attr(j, 0), "description", json_string(long201));
    expect_field(j, "ebike", "attributes[0].description");
    j = base();
    json_object_set_new(attr(j, 0), "datatype_description", json_string(long201));
    expect_field(j, "ebike", "attributes[0].datatype_description");
    j = base();
    json_object_set_new(attr(j, 0), "order", json_string("1"));
    expect_field(j, "ebike", "attributes[0].order");
    j = base();
    json_object_set_new(attr(j, 0), "order", json_integer(-1));
    expect_field(j, "ebike", "attributes[0].order");
    j = base();
    json_object_set_new(attr(j, 0), "variable", json_false());
    expect_field(j, "ebike", "attributes[0].variable");
    j = base();
    json_object_set_new(attr(j, 0), "variable", json_true());
    expect_field(j, "ebike", NULL);

    /* values: required for list types, forbidden otherwise, well-formed, unique keys */
    j = base();
    json_object_set_new(attr(j, 0), "values",
                        json_loads("[{\"key\":\"a\",\"name\":\"A\"}]", 0, NULL));
    expect_field(j, "ebike", "attributes[0].values");
    j = base();
    json_object_set_new(attr(j, 0), "values", json_array()); /* empty is fine for a string */
    expect_field(j, "ebike", NULL);
    j = base();
    json_object_del(attr(j, 1), "values");
    expect_field(j, "ebike", "attributes[1].values");
    j = base();
    json_object_set_new(attr(j, 1), "values", json_array());
    expect_field(j, "ebike", "attributes[1].values");
    j = base();
    json_object_set_new(attr(j, 1), "values", json_string("yes,no"));
    expect_field(j, "ebike", "attributes[1].values");
    j = base();
    json_object_set_new(attr(j, 1), "values",
                        json_loads("[{\"key\":\"yes\",\"name\":\"是\"},{\"key\":\"yes\",\"name\":"
                                   "\"对\"}]",
                                   0, NULL));
    expect_field(j, "ebike", "attributes[1].values");
    j = base();
    json_object_set_new(attr(j, 1), "values", json_loads("[{\"key\":\"yes\"}]", 0, NULL));
    expect_field(j, "ebike", "attributes[1].values");
    j = base();
    json_object_set_new(attr(j, 1), "values",
                        json_loads("[{\"key\":\"\",\"name\":\"空\"}]", 0, NULL));
    expect_field(j, "ebike", "attributes[1].values");
    j = base();
    json_object_set_new(attr(j, 1), "values",
                        json_loads("[{\"key\":\"y\",\"name\":\"是\",\"x\":1}]", 0, NULL));
    expect_field(j, "ebike", "attributes[1].values");
    j = base();
    json_object_set_new(attr(j, 1), "values", json_loads("[\"yes\"]", 0, NULL));
    expect_field(j, "ebike", "attributes[1].values");

    /* the body must be an object */
    expect_field(json_array(), "ebike", "");
}

/* category_json's output is accepted back by category_from_json unchanged. */
static void test_json_round_trip(void **state)
{
    struct arena a;
    struct category c, c2;
    struct err e = {0};
    (void)state;
    arena_init(&a, 0);
    json_t *j = base();
    assert_int_equal(category_from_json(j, &a, "ebike", &c, &e), ERR_OK);
    json_t *out = category_json(&c, 1);
    assert_non_null(out);
    assert_string_equal(json_string_value(json_object_get(out, "code")), "ebike");
    assert_string_equal(json_string_value(json_object_get(out, "group")), "小区治理");
    assert_string_equal(json_string_value(json_object_get(json_object_get(out, "sla"), "resolve")),
                        "3d");
    json_t *a1 = json_array_get(json_object_get(out, "attributes"), 1);
    assert_true(json_is_true(json_object_get(a1, "variable")));
    assert_int_equal(json_integer_value(json_object_get(a1, "order")), 2);
    assert_int_equal(json_array_size(json_object_get(a1, "values")), 2);
    assert_int_equal(category_from_json(out, &a, "ebike", &c2, &e), ERR_OK);
    json_t *again = category_json(&c2, 1);
    assert_true(json_equal(out, again));
    json_t *brief = category_json(&c, 0);
    assert_null(json_object_get(brief, "attributes"));
    json_decref(brief);
    json_decref(again);
    json_decref(out);
    json_decref(j);
    arena_free(&a);
}

/* ---- attribute values of a case ---- */

static const char *const check_json =
    "{\"name\":\"测试\",\"group\":\"测试\",\"handling_level\":\"district\",\"sla\":{\"accept\":"
    "\"4h\",\"dispatch\":\"1d\",\"resolve\":\"3d\",\"verify\":\"1d\"},\"attributes\":["
    "{\"code\":\"building\",\"datatype\":\"string\",\"required\":true,\"description\":\"楼栋号\"},"
    "{\"code\":\"area\",\"datatype\":\"number\",\"description\":\"面积\"},"
    "{\"code\":\"found_at\",\"datatype\":\"datetime\",\"description\":\"发现时间\"},"
    "{\"code\":\"detail\",\"datatype\":\"text\",\"description\":\"详情\"},"
    "{\"code\":\"charging\",\"datatype\":\"singlevaluelist\",\"description\":\"是否充电\","
    "\"values\":[{\"key\":\"yes\",\"name\":\"是\"},{\"key\":\"no\",\"name\":\"否\"},{\"key\":\"7\","
    "\"name\":\"七\"}]},"
    "{\"code\":\"kinds\",\"datatype\":\"multivaluelist\",\"description\":\"类型\",\"values\":["
    "{\"key\":\"garbage\",\"name\":\"垃圾\"},{\"key\":\"sewage\",\"name\":\"污水\"}]}]}";

struct checker {
    struct arena a;
    struct category c;
    json_t *def;
};

static int checker_setup(void **state)
{
    struct checker *k = calloc(1, sizeof(*k));
    struct err e = {0};
    arena_init(&k->a, 0);
    k->def = json_loads(check_json, 0, NULL);
    if (k->def == NULL || category_from_json(k->def, &k->a, "check", &k->c, &e) != ERR_OK) {
        fprintf(stderr, "checker setup: %s %s\n", e.field, e.msg);
        return -1;
    }
    *state = k;
    return 0;
}

static int checker_teardown(void **state)
{
    struct checker *k = *state;
    json_decref(k->def);
    arena_free(&k->a);
    free(k);
    return 0;
}

/* Check the attribute values in text; on success return the normalized object (caller frees),
 * on failure assert the field and return NULL. */
static json_t *check(struct checker *k, const char *text, const char *field)
{
    struct err e = {0};
    json_t *in = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL, *out = NULL;
    if (text)
        assert_non_null(in);
    int rc = category_attrs_check(&k->c, in, &out, &e);
    json_decref(in);
    if (field == NULL) {
        if (rc != ERR_OK)
            fail_msg("%s: unexpected error on %s: %s", text, e.field, e.msg);
        assert_non_null(out);
        return out;
    }
    if (rc != ERR_INVALID)
        fail_msg("%s: expected 422 on %s, got %d", text, field, rc);
    if (strcmp(e.field, field) != 0)
        fail_msg("%s: expected %s, got %s", text, field, e.field);
    assert_null(out);
    return NULL;
}

static void check_ok(struct checker *k, const char *text, const char *expect)
{
    json_t *out = check(k, text, NULL);
    json_t *want = json_loads(expect, 0, NULL);
    assert_non_null(want);
    if (!json_equal(out, want)) {
        char *s = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
        fail_msg("%s: got %s, want %s", text, s, expect);
    }
    json_decref(want);
    json_decref(out);
}

static void test_attrs_required(void **state)
{
    struct checker *k = *state;
    check(k, NULL, "attribute[building]");
    check(k, "{}", "attribute[building]");
    check(k, "{\"building\":\"\"}", "attribute[building]");
    check(k, "{\"building\":null}", "attribute[building]");
    check_ok(k, "{\"building\":\"12幢\"}", "{\"building\":\"12幢\"}");
    /* optional ones left empty are dropped */
    check_ok(k, "{\"building\":\"1\",\"area\":\"\",\"kinds\":[],\"charging\":null}",
             "{\"building\":\"1\"}");
    check(k, "[]", "attributes");
    check(k, "\"x\"", "attributes");
}

static void test_attrs_unknown(void **state)
{
    struct checker *k = *state;
    check(k, "{\"building\":\"1\",\"colour\":\"red\"}", "attribute[colour]");
    check(k, "{\"Building\":\"1\"}", "attribute[Building]");
}

static void test_attrs_string_text(void **state)
{
    struct checker *k = *state;
    char buf[2100 * 3 + 64];
    check(k, "{\"building\":12}", "attribute[building]");
    check(k, "{\"building\":[\"a\"]}", "attribute[building]");
    /* 200 characters of Chinese pass, 201 do not */
    strcpy(buf, "{\"building\":\"");
    for (int i = 0; i < 200; i++)
        strcat(buf, "楼");
    strcat(buf, "\"}");
    json_decref(check(k, buf, NULL));
    strcpy(buf + strlen(buf) - 2, "楼\"}");
    check(k, buf, "attribute[building]");
    /* text: 2000 characters */
    int n = sprintf(buf, "{\"building\":\"1\",\"detail\":\"");
    memset(buf + n, 'x', 2000);
    strcpy(buf + n + 2000, "\"}");
    json_decref(check(k, buf, NULL));
    strcpy(buf + n + 2000, "x\"}");
    check(k, buf, "attribute[detail]");
}

static void test_attrs_number(void **state)
{
    struct checker *k = *state;
    check_ok(k, "{\"building\":\"1\",\"area\":12}", "{\"building\":\"1\",\"area\":12}");
    check_ok(k, "{\"building\":\"1\",\"area\":\"12\"}", "{\"building\":\"1\",\"area\":12}");
    check_ok(k, "{\"building\":\"1\",\"area\":\"-3.5\"}", "{\"building\":\"1\",\"area\":-3.5}");
    check_ok(k, "{\"building\":\"1\",\"area\":2.25}", "{\"building\":\"1\",\"area\":2.25}");
    const char *bad[] = {"\"12a\"", "\"1e5\"", "\".5\"", "\"5.\"", "\"NaN\"",
                         "\"-\"",   "\" 5\"",  "true",   "[1]",    "\"0x10\""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char t[64];
        snprintf(t, sizeof(t), "{\"building\":\"1\",\"area\":%s}", bad[i]);
        check(k, t, "attribute[area]");
    }
}

static void test_attrs_datetime(void **state)
{
    struct checker *k = *state;
    check_ok(k, "{\"building\":\"1\",\"found_at\":\"2026-05-01T09:30:00+08:00\"}",
             "{\"building\":\"1\",\"found_at\":\"2026-05-01T09:30:00+08:00\"}");
    /* normalized to Asia/Shanghai */
    check_ok(k, "{\"building\":\"1\",\"found_at\":\"2026-05-01T01:30:00Z\"}",
             "{\"building\":\"1\",\"found_at\":\"2026-05-01T09:30:00+08:00\"}");
    check_ok(k, "{\"building\":\"1\",\"found_at\":\"2026-12-31T20:00:00.123-05:00\"}",
             "{\"building\":\"1\",\"found_at\":\"2027-01-01T09:00:00+08:00\"}");
    /* the basic-format offset (+0800) is read as well */
    check_ok(k, "{\"building\":\"1\",\"found_at\":\"2026-05-01T09:30:00+0800\"}",
             "{\"building\":\"1\",\"found_at\":\"2026-05-01T09:30:00+08:00\"}");
    check_ok(k, "{\"building\":\"1\",\"found_at\":\"2028-02-29T10:15+08:00\"}",
             "{\"building\":\"1\",\"found_at\":\"2028-02-29T10:15:00+08:00\"}");
    const char *bad[] = {"2026-05-01T09:30:00",        "2026-05-01",
                         "2026-02-29T10:00:00+08:00",  "2026-13-01T10:00:00+08:00",
                         "2026-05-01 09:30:00+08:00",  "2026-05-01T24:00:00+08:00",
                         "2026-05-01T09:30:00+08:00x", "26-05-01T09:30:00+08:00",
                         "2026-05-01T09:60:00+08:00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char t[96];
        snprintf(t, sizeof(t), "{\"building\":\"1\",\"found_at\":\"%s\"}", bad[i]);
        check(k, t, "attribute[found_at]");
    }
    check(k, "{\"building\":\"1\",\"found_at\":1700000000}", "attribute[found_at]");
}

static void test_attrs_lists(void **state)
{
    struct checker *k = *state;
    check_ok(k, "{\"building\":\"1\",\"charging\":\"yes\"}",
             "{\"building\":\"1\",\"charging\":\"yes\"}");
    check_ok(k, "{\"building\":\"1\",\"charging\":7}", "{\"building\":\"1\",\"charging\":\"7\"}");
    check(k, "{\"building\":\"1\",\"charging\":\"是\"}", "attribute[charging]");
    check(k, "{\"building\":\"1\",\"charging\":[\"yes\"]}", "attribute[charging]");
    check(k, "{\"building\":\"1\",\"charging\":true}", "attribute[charging]");
    check_ok(k, "{\"building\":\"1\",\"kinds\":[\"sewage\",\"garbage\",\"sewage\"]}",
             "{\"building\":\"1\",\"kinds\":[\"sewage\",\"garbage\"]}");
    check_ok(k, "{\"building\":\"1\",\"kinds\":\"garbage\"}",
             "{\"building\":\"1\",\"kinds\":[\"garbage\"]}");
    check(k, "{\"building\":\"1\",\"kinds\":[\"garbage\",\"noise\"]}", "attribute[kinds]");
    check(k, "{\"building\":\"1\",\"kinds\":[\"garbage\",3.5]}", "attribute[kinds]");
    check(k, "{\"building\":\"1\",\"kinds\":{\"garbage\":true}}", "attribute[kinds]");
}

/* ---- on a store ---- */

struct fixture {
    char dir[64];
    struct store *s;
};

static struct store *open_store(struct fixture *f, const char *name)
{
    struct err e = {0};
    char dsn[128];
    snprintf(dsn, sizeof(dsn), "sqlite:%s/%s", f->dir, name);
    struct store_config cfg = {.dsn = dsn, .readers = 2};
    struct store *s = store_open(&cfg, &e);
    if (s == NULL)
        fail_msg("store_open %s: %s", dsn, e.msg);
    return s;
}

static int store_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/gridgov-test-catalog.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    *state = f;
    return 0;
}

static int store_teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    if (f->s)
        store_close(f->s);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", f->dir);
    free(f);
    return 0;
}

static int places_fn(struct db *db, void *arg, struct err *e)
{
    (void)arg;
    static const char *const sql[] = {
        "INSERT INTO places (code, parent_code, level, kind, name, county, created_at, "
        "updated_at) VALUES ('330604', NULL, 'district', 'district', '上虞区', '330604', 0, 0)",
        "INSERT INTO places (code, parent_code, level, kind, name, county, created_at, "
        "updated_at) VALUES ('330604002', '330604', 'town', 'street', '曹娥街道', '330604', 0, "
        "0)",
        "INSERT INTO places (code, parent_code, level, kind, name, county, created_at, "
        "updated_at) VALUES ('330604002007', '330604002', 'community', 'community', '博文社区', "
        "'330604', 0, 0)",
        "INSERT INTO departments (code, name, place_code, created_at) VALUES ('zfj', "
        "'区综合行政执法局', '330604', 0)",
    };
    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
        int rc = db_exec(db, e, sql[i], DB_NOARGS);
        if (rc < 0)
            return rc;
    }
    return ERR_OK;
}

struct put_ctx {
    struct category *c;
    struct department *d;
};

static int put_fn(struct db *db, void *arg, struct err *e)
{
    struct put_ctx *p = arg;
    if (p->d != NULL)
        return department_put(db, p->d, e);
    return category_put(db, p->c, e);
}

static int put(struct store *s, struct category *c, struct department *d, struct err *e)
{
    struct put_ctx p = {c, d};
    return store_write(s, put_fn, &p, e);
}

static void test_store_round_trip(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct arena a;
    struct category c, got, *list;
    int n;

    f->s = open_store(f, "rt.db");
    assert_int_equal(store_write(f->s, places_fn, NULL, &e), ERR_OK);
    arena_init(&a, 0);
    json_t *j = base();
    /* attributes given out of order come back ordered by "order" */
    json_object_set_new(attr(j, 0), "order", json_integer(5));
    assert_int_equal(category_from_json(j, &a, "ebike", &c, &e), ERR_OK);
    assert_int_equal(put(f->s, &c, NULL, &e), ERR_OK);

    struct db *db = store_acquire(f->s);
    assert_int_equal(category_get(db, &a, "ebike", &got, &e), ERR_OK);
    assert_string_equal(got.name, "电动车停放与充电");
    assert_string_equal(got.department, "zfj");
    assert_int_equal(got.sla[SLA_ACCEPT].amount, 4);
    assert_int_equal(got.sla[SLA_ACCEPT].unit, 'h');
    assert_int_equal(got.nattrs, 2);
    assert_string_equal(got.attrs[0].code, "charging");
    assert_string_equal(got.attrs[1].code, "building");
    assert_int_equal(got.attrs[1].ord, 5);
    json_t *x = category_json(&c, 1), *y = category_json(&got, 1);
    json_array_remove(json_object_get(x, "attributes"), 0); /* reorder x like y */
    json_array_append(json_object_get(x, "attributes"),
                      json_array_get(json_object_get(y, "attributes"), 1));
    assert_true(json_equal(x, y));
    json_decref(x);
    json_decref(y);
    assert_int_equal(category_get(db, &a, "nosuch", &got, &e), ERR_NOT_FOUND);
    assert_string_equal(e.field, "code");
    store_release(f->s, db);

    /* replace: attributes are replaced, fields updated, inactive hides it from the list */
    json_object_set_new(j, "name", json_string("电动车"));
    json_object_set_new(j, "active", json_false());
    json_object_set_new(j, "department", json_null());
    json_array_remove(json_object_get(j, "attributes"), 1);
    assert_int_equal(category_from_json(j, &a, "ebike", &c, &e), ERR_OK);
    assert_int_equal(put(f->s, &c, NULL, &e), ERR_OK);
    db = store_acquire(f->s);
    assert_int_equal(category_get(db, &a, "ebike", &got, &e), ERR_OK);
    assert_string_equal(got.name, "电动车");
    assert_null(got.department);
    assert_int_equal(got.active, 0);
    assert_int_equal(got.nattrs, 1);
    assert_int_equal(category_list(db, &a, 1, &list, &n, &e), ERR_OK);
    assert_int_equal(n, 0);
    assert_int_equal(category_list(db, &a, 0, &list, &n, &e), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].nattrs, 1);
    store_release(f->s, db);

    /* an unknown department is refused by category_put, naming the field */
    json_object_set_new(j, "department", json_string("nosuch"));
    assert_int_equal(category_from_json(j, &a, "ebike", &c, &e), ERR_OK);
    assert_int_equal(put(f->s, &c, NULL, &e), ERR_INVALID);
    assert_string_equal(e.field, "department");

    /* category_put validates structs built in C too */
    c.department = NULL;
    c.sla_text[SLA_VERIFY] = "1w";
    assert_int_equal(put(f->s, &c, NULL, &e), ERR_INVALID);
    assert_string_equal(e.field, "sla.verify");
    c.sla_text[SLA_VERIFY] = "1d";
    c.handling_level = "grid";
    assert_int_equal(put(f->s, &c, NULL, &e), ERR_INVALID);
    assert_string_equal(e.field, "handling_level");

    json_decref(j);
    arena_free(&a);
}

static void test_store_departments(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct arena a;
    struct department d, *ds;
    int n;

    f->s = open_store(f, "dept.db");
    assert_int_equal(store_write(f->s, places_fn, NULL, &e), ERR_OK);
    arena_init(&a, 0);

    d = (struct department){"ce-cjb", "曹娥街道城建办", "330604002"};
    assert_int_equal(put(f->s, NULL, &d, &e), ERR_OK);
    d = (struct department){"ce-cjb", "曹娥街道城建办公室", "330604002"};
    assert_int_equal(put(f->s, NULL, &d, &e), ERR_OK); /* an update */

    struct db *db = store_acquire(f->s);
    assert_int_equal(department_get(db, &a, "ce-cjb", &d, &e), ERR_OK);
    assert_string_equal(d.name, "曹娥街道城建办公室");
    assert_string_equal(d.place_code, "330604002");
    assert_int_equal(department_get(db, &a, "nope", &d, &e), ERR_NOT_FOUND);
    assert_int_equal(department_list(db, &a, &ds, &n, &e), ERR_OK);
    assert_int_equal(n, 2);
    assert_string_equal(ds[0].code, "ce-cjb"); /* ordered by code, the registry's key */
    json_t *j = department_json(&ds[0]);
    assert_string_equal(json_string_value(json_object_get(j, "place_code")), "330604002");
    json_decref(j);
    store_release(f->s, db);

    static const struct {
        struct department d;
        const char *field;
    } bad[] = {
        {{"X", "名称", "330604"}, "code"},
        {{"a_b", "名称", "330604"}, "code"},
        {{"abcdefghijklmnopqrstuvwxyz0123456", "名称", "330604"}, "code"},
        {{"ok", "", "330604"}, "name"},
        {{"ok", NULL, "330604"}, "name"},
        {{"ok", "名称", "330604002007"}, "place_code"}, /* a community */
        {{"ok", "名称", "33060"}, "place_code"},
        {{"ok", "名称", "33060a"}, "place_code"},
        {{"ok", "名称", "330602"}, "place_code"}, /* no such place */
        {{"ok", "名称", NULL}, "place_code"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        d = bad[i].d;
        memset(&e, 0, sizeof(e));
        if (put(f->s, NULL, &d, &e) != ERR_INVALID || strcmp(e.field, bad[i].field) != 0)
            fail_msg("department case %zu: expected %s, got %s (%s)", i, bad[i].field, e.field,
                     e.msg);
    }
    arena_free(&a);
}

static int seed_fn(struct db *db, void *arg, struct err *e)
{
    (void)arg;
    return catalog_demo_seed(db, e);
}

static void test_demo_seed(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    struct arena a;
    struct category *cs, c;
    int n;
    FILE *devnull = fopen("/dev/null", "w");

    static const unsigned char key[32] = {3};
    pii_init_fixed(key);    /* the demo's residents are personal data */
    secret_init_fixed(key); /* its enterprise problems, competitions and ledger are signed */
    f->s = open_store(f, "demo.db");
    assert_int_equal(demo_populate(f->s, "adminpass1", "userpass1", devnull, &e), ERR_OK);
    fclose(devnull);
    if (store_write(f->s, seed_fn, NULL, &e) != ERR_OK)
        fail_msg("seed: %s %s", e.field, e.msg);
    /* seeding twice changes nothing */
    assert_int_equal(store_write(f->s, seed_fn, NULL, &e), ERR_OK);

    arena_init(&a, 0);
    struct db *db = store_acquire(f->s);
    assert_int_equal(category_list(db, &a, 1, &cs, &n, &e), ERR_OK);
    assert_true(n >= 12);
    const char *groups[] = {"小区治理", "市容环境", "公共设施", "平安建设", "企业诉求", "民生服务"};
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        int found = 0;
        for (int i = 0; i < n; i++)
            found += strcmp(cs[i].group, groups[g]) == 0;
        if (!found)
            fail_msg("no category in group %s", groups[g]);
    }
    for (int i = 0; i < n; i++) {
        assert_true(cs[i].nattrs > 0);
        if (strncmp(cs[i].code, "ent_", 4) == 0)
            assert_string_equal(cs[i].handling_level, "district");
        assert_true(cs[i].sla[SLA_RESOLVE].unit == 'd' && cs[i].sla[SLA_RESOLVE].amount >= 3 &&
                    cs[i].sla[SLA_RESOLVE].amount <= 15);
    }
    assert_int_equal(category_get(db, &a, "ebike", &c, &e), ERR_OK);
    assert_string_equal(c.handling_level, "community");
    assert_string_equal(c.attrs[0].code, "building");
    assert_int_equal(c.attrs[0].required, 1);
    assert_string_equal(c.attrs[1].datatype, "singlevaluelist");
    json_t *in = json_loads("{\"building\":\"12幢\",\"stairwell_charging\":\"yes\"}", 0, NULL),
           *out = NULL;
    assert_int_equal(category_attrs_check(&c, in, &out, &e), ERR_OK);
    json_decref(in);
    json_decref(out);
    assert_int_equal(category_get(db, &a, "pole", &c, &e), ERR_OK);
    assert_string_equal(c.department, "gdj");
    assert_string_equal(c.handling_level, "district");
    struct department d;
    assert_int_equal(category_get(db, &a, "ent_customs", &c, &e), ERR_OK);
    assert_int_equal(department_get(db, &a, c.department, &d, &e), ERR_OK);
    store_release(f->s, db);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_from_json_valid),
        cmocka_unit_test(test_from_json_defaults),
        cmocka_unit_test(test_from_json_errors),
        cmocka_unit_test(test_json_round_trip),
    };
    const struct CMUnitTest attrs[] = {
        cmocka_unit_test_setup_teardown(test_attrs_required, checker_setup, checker_teardown),
        cmocka_unit_test_setup_teardown(test_attrs_unknown, checker_setup, checker_teardown),
        cmocka_unit_test_setup_teardown(test_attrs_string_text, checker_setup, checker_teardown),
        cmocka_unit_test_setup_teardown(test_attrs_number, checker_setup, checker_teardown),
        cmocka_unit_test_setup_teardown(test_attrs_datetime, checker_setup, checker_teardown),
        cmocka_unit_test_setup_teardown(test_attrs_lists, checker_setup, checker_teardown),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test_setup_teardown(test_store_round_trip, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_store_departments, store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_demo_seed, store_setup, store_teardown),
    };
    int failed = cmocka_run_group_tests_name("catalog: category_from_json", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("catalog: category_attrs_check", attrs, NULL, NULL);
    failed += cmocka_run_group_tests_name("catalog: store", stored, NULL, NULL);
    return failed != 0;
}
