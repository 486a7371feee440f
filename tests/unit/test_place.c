/* test_place.c - the place code rules (src/domain/place.c): level by code length, the code
 * format, the kind guessed from an NBS name, and every branch of place_input_check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "domain/place.h"

static void test_level_of(void **state)
{
    (void)state;
    assert_int_equal(place_level_of("330604"), PL_DISTRICT);
    assert_int_equal(place_level_of("330604002"), PL_TOWN);
    assert_int_equal(place_level_of("330604002007"), PL_COMMUNITY);
    assert_int_equal(place_level_of("330604002007001"), PL_GRID);
    assert_int_equal(place_level_of("33060400200700101"), PL_MICROGRID);
    /* every other length has no level */
    static const char digits[] = "123456789012345678901234";
    for (size_t n = 0; n < sizeof(digits); n++) {
        char code[32];
        snprintf(code, sizeof(code), "%.*s", (int)n, digits);
        enum place_level want = n == 6    ? PL_DISTRICT
                                : n == 9  ? PL_TOWN
                                : n == 12 ? PL_COMMUNITY
                                : n == 15 ? PL_GRID
                                : n == 17 ? PL_MICROGRID
                                          : PL_NONE;
        assert_int_equal(place_level_of(code), want);
    }
}

static void test_level_names(void **state)
{
    (void)state;
    static const struct {
        enum place_level l;
        const char *name;
        size_t len;
    } want[] = {{PL_DISTRICT, "district", 6},
                {PL_TOWN, "town", 9},
                {PL_COMMUNITY, "community", 12},
                {PL_GRID, "grid", 15},
                {PL_MICROGRID, "microgrid", 17}};
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        assert_string_equal(place_level_name(want[i].l), want[i].name);
        assert_int_equal(place_code_len(want[i].l), want[i].len);
    }
    assert_string_equal(place_level_name(PL_NONE), "");
    assert_int_equal(place_code_len(PL_NONE), 0);
    assert_string_equal(place_level_name((enum place_level)5), "");
}

static void test_code_check(void **state)
{
    (void)state;
    static const char *const good[] = {"330604",          "330604002",         "330604002007",
                                       "330604002007001", "33060400200700101", "000000"};
    for (size_t i = 0; i < ARRAY_LEN(good); i++) {
        struct err e = {0};
        assert_int_equal(place_code_check(good[i], "code", &e), ERR_OK);
    }
    /* letters, signs, spaces, full-width digits: not digits */
    static const char *const not_digits[] = {"33060a",    "3306O4",      "-30604",       "+30604",
                                             "33060 4",   "330604002 ",  "３３０６０４", "33.604",
                                             "330604\n2", "abcdefghijkl"};
    for (size_t i = 0; i < ARRAY_LEN(not_digits); i++) {
        struct err e = {0};
        assert_int_equal(place_code_check(not_digits[i], "parent", &e), ERR_INVALID);
        assert_int_equal(e.code, ERR_INVALID);
        assert_string_equal(e.field, "parent");
        assert_non_null(strstr(e.msg, "only digits"));
    }
    /* digits of a length that is no level */
    static const char *const bad_len[] = {"",
                                          "3",
                                          "33060",
                                          "3306040",
                                          "33060400",
                                          "3306040020",
                                          "3306040020070010",
                                          "330604002007001011",
                                          "330604002007001010101"};
    for (size_t i = 0; i < ARRAY_LEN(bad_len); i++) {
        struct err e = {0};
        assert_int_equal(place_code_check(bad_len[i], "scope", &e), ERR_INVALID);
        assert_string_equal(e.field, "scope");
        assert_non_null(strstr(e.msg, "digits"));
    }
}

static void test_kind_guess(void **state)
{
    (void)state;
    assert_string_equal(place_kind_guess(PL_DISTRICT, "上虞区"), "district");
    /* towns: 街道 street, 镇 town, 乡 township (also 民族乡) */
    assert_string_equal(place_kind_guess(PL_TOWN, "曹娥街道"), "street");
    assert_string_equal(place_kind_guess(PL_TOWN, "章镇镇"), "town");
    assert_string_equal(place_kind_guess(PL_TOWN, "长塘镇"), "town");
    assert_string_equal(place_kind_guess(PL_TOWN, "岭南乡"), "township");
    assert_string_equal(place_kind_guess(PL_TOWN, "景宁畲族自治县某民族乡"), "township");
    /* a name only containing the word is judged by its ending */
    assert_string_equal(place_kind_guess(PL_TOWN, "街道口镇"), "town");
    assert_string_equal(place_kind_guess(PL_TOWN, "乡下街道"), "street");
    /* communities: 社区 / 居委会 community, 村 village */
    assert_string_equal(place_kind_guess(PL_COMMUNITY, "江西社区"), "community");
    assert_string_equal(place_kind_guess(PL_COMMUNITY, "江西社区居委会"), "community");
    assert_string_equal(place_kind_guess(PL_COMMUNITY, "城南居委会"), "community");
    assert_string_equal(place_kind_guess(PL_COMMUNITY, "曹娥村"), "village");
    assert_string_equal(place_kind_guess(PL_COMMUNITY, "曹娥村民委员会"), "village");
    assert_string_equal(place_kind_guess(PL_GRID, "第一网格"), "grid");
    assert_string_equal(place_kind_guess(PL_MICROGRID, "1号楼"), "microgrid");
    assert_string_equal(place_kind_guess(PL_NONE, "x"), "");
}

/* ---- place_input_check ---- */

static int check(struct place_input *in, struct err *e)
{
    memset(e, 0, sizeof(*e));
    return place_input_check(in, e);
}

static void expect_invalid(struct place_input in, const char *field, const char *msg_part)
{
    struct err e;
    int rc = check(&in, &e);
    if (rc != ERR_INVALID)
        fail_msg("code=%s parent=%s level=%s: rc %d, want ERR_INVALID", in.code ? in.code : "-",
                 in.parent ? in.parent : "-", in.level ? in.level : "-", rc);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, field);
    if (strstr(e.msg, msg_part) == NULL)
        fail_msg("message '%s' lacks '%s'", e.msg, msg_part);
}

static void test_input_ok(void **state)
{
    (void)state;
    struct err e;
    /* a town by code: level and kind filled in */
    struct place_input in = {.code = "330604002", .name = "曹娥街道"};
    assert_int_equal(check(&in, &e), ERR_OK);
    assert_string_equal(in.level, "town");
    assert_string_equal(in.kind, "street");

    /* a district, no parent */
    in = (struct place_input){.code = "330604", .name = "上虞区"};
    assert_int_equal(check(&in, &e), ERR_OK);
    assert_string_equal(in.level, "district");

    /* code, parent and level that agree */
    in = (struct place_input){
        .code = "330604002007", .parent = "330604002", .level = "community", .name = "江西社区"};
    assert_int_equal(check(&in, &e), ERR_OK);
    assert_string_equal(in.level, "community");
    assert_string_equal(in.kind, "community");

    /* a grid without code takes its level from the parent */
    in = (struct place_input){.parent = "330604002007", .name = "第九网格"};
    assert_int_equal(check(&in, &e), ERR_OK);
    assert_string_equal(in.level, "grid");
    assert_string_equal(in.kind, "grid");

    /* a micro-grid without code, level given */
    in = (struct place_input){.parent = "330604002007001", .level = "microgrid", .name = "1号楼"};
    assert_int_equal(check(&in, &e), ERR_OK);
    assert_string_equal(in.level, "microgrid");

    /* a given kind is kept */
    in = (struct place_input){.code = "330604101", .kind = "town", .name = "长塘街道"};
    assert_int_equal(check(&in, &e), ERR_OK);
    assert_string_equal(in.kind, "town");
}

static void test_input_level(void **state)
{
    (void)state;
    expect_invalid((struct place_input){.code = "330604", .level = "county", .name = "x"}, "level",
                   "'level' must be one of");
    expect_invalid((struct place_input){.code = "330604", .level = "", .name = "x"}, "level",
                   "'level' must be one of");
    expect_invalid((struct place_input){.code = "330604", .level = "Town", .name = "x"}, "level",
                   "'level' must be one of");
}

static void test_input_code_format(void **state)
{
    (void)state;
    expect_invalid((struct place_input){.code = "33060a002", .name = "x"}, "code", "only digits");
    expect_invalid((struct place_input){.code = "3306040", .name = "x"}, "code", "digits");
    expect_invalid((struct place_input){.code = "", .name = "x"}, "code", "digits");
    expect_invalid((struct place_input){.parent = "33060x", .name = "x"}, "parent", "only digits");
    expect_invalid((struct place_input){.parent = "3306040", .name = "x"}, "parent", "digits");
}

static void test_input_level_code_mismatch(void **state)
{
    (void)state;
    /* the level says one thing, the code's length another */
    expect_invalid((struct place_input){.code = "330604002", .level = "community", .name = "x"},
                   "code", "a community code has 12 digits");
    expect_invalid((struct place_input){.code = "330604002007001", .level = "town", .name = "x"},
                   "code", "a town code has 9 digits");
    expect_invalid((struct place_input){.code = "330604", .level = "microgrid", .name = "x"},
                   "code", "a microgrid code has 17 digits");
}

static void test_input_parent_prefix(void **state)
{
    (void)state;
    /* the code must extend its parent's code */
    expect_invalid((struct place_input){.code = "330604002007", .parent = "330604003", .name = "x"},
                   "parent", "must start with its parent's code");
    expect_invalid((struct place_input){.code = "330604002", .parent = "330602", .name = "x"},
                   "parent", "must start with its parent's code");
    /* a parent as long as the code, or longer */
    expect_invalid((struct place_input){.code = "330604002", .parent = "330604002", .name = "x"},
                   "parent", "must start with its parent's code");
    expect_invalid((struct place_input){.code = "330604002", .parent = "330604002007", .name = "x"},
                   "parent", "must start with its parent's code");
}

static void test_input_parent_level(void **state)
{
    (void)state;
    /* a parent two levels up (prefix right, level wrong) */
    expect_invalid((struct place_input){.code = "330604002007", .parent = "330604", .name = "x"},
                   "parent", "the parent of a community must be a town");
    expect_invalid(
        (struct place_input){.code = "330604002007001", .parent = "330604002", .name = "x"},
        "parent", "the parent of a grid must be a community");
    /* no code: the level given does not sit below the parent */
    expect_invalid((struct place_input){.parent = "330604002", .level = "grid", .name = "x"},
                   "parent", "the parent of a grid must be a community");
    expect_invalid(
        (struct place_input){.parent = "330604002007", .level = "microgrid", .name = "x"}, "parent",
        "the parent of a microgrid must be a grid");
    /* a district has no parent at all */
    expect_invalid((struct place_input){.parent = "330604", .level = "district", .name = "x"},
                   "parent", "the parent of a district");
}

static void test_input_microgrid_parent(void **state)
{
    (void)state;
    expect_invalid((struct place_input){.parent = "33060400200700101", .name = "x"}, "parent",
                   "a micro-grid has no children");
    expect_invalid(
        (struct place_input){.parent = "33060400200700101", .level = "microgrid", .name = "x"},
        "parent", "a micro-grid has no children");
}

static void test_input_code_required(void **state)
{
    (void)state;
    /* only grids and micro-grids get a code assigned */
    expect_invalid((struct place_input){.parent = "330604", .name = "某街道"}, "code",
                   "'code' is required except for grids and micro-grids");
    expect_invalid((struct place_input){.parent = "330604", .level = "town", .name = "某街道"},
                   "code", "'code' is required except for grids and micro-grids");
    expect_invalid((struct place_input){.parent = "330604002", .name = "某社区"}, "code",
                   "'code' is required except for grids and micro-grids");
    expect_invalid((struct place_input){.level = "district", .name = "x"}, "code",
                   "'code' is required except for grids and micro-grids");
    expect_invalid((struct place_input){.name = "x"}, "code",
                   "'code' is required except for grids and micro-grids");
}

static void test_input_grid_needs_parent(void **state)
{
    (void)state;
    expect_invalid((struct place_input){.level = "grid", .name = "x"}, "parent",
                   "'parent' is required without a code");
    expect_invalid((struct place_input){.level = "microgrid", .name = "x"}, "parent",
                   "'parent' is required without a code");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_of),
        cmocka_unit_test(test_level_names),
        cmocka_unit_test(test_code_check),
        cmocka_unit_test(test_kind_guess),
        cmocka_unit_test(test_input_ok),
        cmocka_unit_test(test_input_level),
        cmocka_unit_test(test_input_code_format),
        cmocka_unit_test(test_input_level_code_mismatch),
        cmocka_unit_test(test_input_parent_prefix),
        cmocka_unit_test(test_input_parent_level),
        cmocka_unit_test(test_input_microgrid_parent),
        cmocka_unit_test(test_input_code_required),
        cmocka_unit_test(test_input_grid_needs_parent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
