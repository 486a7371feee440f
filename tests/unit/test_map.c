/* test_map.c - the settings of the map's base layer and of notifications (src/core/config.c:
 * map_tiles, map_tile_dir, public_url, outbox_max_attempts) and the page's CSP origin for a
 * remote tile server (map_img_src in src/http/h_map.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/config.h"
#include "http/http.h"

static void expect_set(const char *key, const char *value, int ok)
{
    struct config c;
    struct err e = {0};
    config_defaults(&c);
    int rc = config_set(&c, key, value, &e);
    if (ok && rc != ERR_OK)
        fail_msg("%s = %s refused: %s", key, value, e.msg);
    if (!ok && rc == ERR_OK)
        fail_msg("%s = %s accepted", key, value);
    if (!ok)
        assert_string_equal(e.field, key);
}

static void test_settings(void **state)
{
    struct config c;
    (void)state;
    config_defaults(&c);
    assert_int_equal(c.outbox_max_attempts, 12);
    assert_string_equal(c.map_tiles, "");
    assert_string_equal(c.public_url, "");
    const char *tdt =
        "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION="
        "1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&"
        "TILEROW={y}&TILECOL={x}&tk=0123456789abcdef";
    expect_set("map_tiles", tdt, 1);
    expect_set("map_tiles", "local", 1);
    expect_set("map_tiles", "", 1);
    expect_set("map_tiles", "https://tiles.example.cn/{z}/{x}.png", 0); /* no {y} */
    expect_set("map_tiles", "ftp://tiles.example.cn/{z}/{x}/{y}.png", 0);
    expect_set("map_tiles", "https://x.cn/{z}/{x}/{y}.png'; script-src *", 0);
    expect_set("map_tiles", "https://x.cn/{z}/{x}/{y}.png data:", 0);
    expect_set("map_tile_dir", "/var/lib/gridgov/tiles", 1);
    expect_set("public_url", "https://gridgov.shangyu.gov.cn", 1);
    expect_set("public_url", "gridgov.shangyu.gov.cn", 0);
    expect_set("outbox_max_attempts", "1", 1);
    expect_set("outbox_max_attempts", "0", 0);
    expect_set("outbox_max_attempts", "101", 0);
}

static void test_img_src(void **state)
{
    char out[300];
    (void)state;
    assert_string_equal(
        map_img_src(
            "https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}", out,
            sizeof(out)),
        "https://*.tianditu.gov.cn");
    assert_string_equal(map_img_src("http://10.1.2.3:8081/tiles/{z}/{x}/{y}.png", out, sizeof(out)),
                        "http://10.1.2.3:8081");
    assert_null(map_img_src("local", out, sizeof(out)));
    assert_null(map_img_src("", out, sizeof(out)));
    assert_null(map_img_src(NULL, out, sizeof(out)));
    /* {s} in the path leaves the origin as it is; in a later label of the host it is refused */
    assert_string_equal(
        map_img_src("https://tiles.example.cn/{s}/{z}/{x}/{y}.png", out, sizeof(out)),
        "https://tiles.example.cn");
    assert_null(map_img_src("https://a.t{s}.example.cn/{z}/{x}/{y}.png", out, sizeof(out)));
    assert_null(map_img_src("https://tiles.example.cn/{z}/{x}/{y}.png", out, 10));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_img_src),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
