/* test_geo.c - points and boundaries (src/domain/geo.c) and placement by a point
 * (place_locate in src/domain/place.c): a point on an edge is inside, a hole is outside, a
 * boundary lies within another only if no vertex, midpoint or edge leaves it; placement descends
 * from the district only through places whose boundary holds the point, so a stray boundary
 * below a place without one (issue 13 item 10) claims nothing; a point no boundary holds lands
 * at the district inside the service area and is refused outside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/geo.h"
#include "domain/place.h"
#include "testdb.h"

static json_t *poly(const char *coords)
{
    char text[1024];
    snprintf(text, sizeof(text), "{\"type\":\"Polygon\",\"coordinates\":%s}", coords);
    json_t *g = json_loads(text, 0, NULL);
    assert_non_null(g);
    return g;
}

#define SQUARE "[[[0,0],[10,0],[10,10],[0,10],[0,0]]]"

static void test_contains(void **state)
{
    (void)state;
    json_t *sq = poly(SQUARE);
    json_t *holed = poly("[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]");
    assert_true(geo_contains(sq, 5, 5));
    assert_true(geo_contains(sq, 0, 5));   /* on an edge */
    assert_true(geo_contains(sq, 10, 10)); /* a corner */
    assert_false(geo_contains(sq, 5, 10.0001));
    assert_false(geo_contains(holed, 5, 5)); /* in the hole */
    assert_true(geo_contains(holed, 2, 2));
    assert_true(geo_contains(holed, 4, 5)); /* on the hole's edge */
    json_decref(sq);
    json_decref(holed);
}

static void test_within(void **state)
{
    (void)state;
    json_t *sq = poly(SQUARE);
    json_t *inner = poly("[[[1,1],[9,1],[9,9],[1,9],[1,1]]]");
    json_t *shared = poly("[[[0,0],[5,0],[5,5],[0,5],[0,0]]]"); /* two edges on the parent's */
    json_t *same = poly(SQUARE);
    json_t *out = poly("[[[5,5],[15,5],[15,15],[5,15],[5,5]]]");
    json_t *china = poly("[[[-100,-50],[100,-50],[100,50],[-100,50],[-100,-50]]]");
    /* an L-shaped parent and a child whose corners are all inside but whose edge cuts the notch */
    json_t *ell = poly("[[[0,0],[10,0],[10,4],[4,4],[4,10],[0,10],[0,0]]]");
    json_t *chord = poly("[[[1,1],[9,1],[9,3],[3,9],[1,9],[1,1]]]");
    json_t *holed = poly("[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]");
    json_t *over_hole = poly("[[[3,3],[7,3],[7,7],[3,7],[3,3]]]");
    assert_true(geo_within(inner, sq));
    assert_true(geo_within(shared, sq));
    assert_true(geo_within(same, sq));
    assert_false(geo_within(out, sq));
    assert_false(geo_within(china, sq));
    assert_false(geo_within(sq, inner));
    assert_false(geo_within(chord, ell));
    assert_false(geo_within(over_hole, holed));
    json_t *multi = json_loads("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[1,1],[2,1],[2,2],"
                               "[1,2],[1,1]]],[[[20,20],[21,20],[21,21],[20,21],[20,20]]]]}",
                               0, NULL);
    assert_false(geo_within(multi, sq)); /* one of its polygons is outside */
    json_t *bad = json_loads("{\"type\":\"Point\",\"coordinates\":[1,1]}", 0, NULL);
    assert_false(geo_within(bad, sq));
    json_t *all[] = {sq, inner, shared, same, out, china, ell, chord, holed, over_hole, multi, bad};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        json_decref(all[i]);
}

static void test_box(void **state)
{
    struct geo_box b;
    (void)state;
    assert_int_equal(geo_box_parse("120.55,29.65,121.15,30.40", &b), 0);
    assert_true(geo_box_has(&b, 30.03, 120.88));
    assert_false(geo_box_has(&b, 31, 120.88));
    assert_int_equal(geo_box_parse(" 1 , 2 , 3 , 4 ", &b), 0);
    assert_int_equal(geo_box_parse("1,2,3", &b), -1);
    assert_int_equal(geo_box_parse("1,2,3,4,5", &b), -1);
    assert_int_equal(geo_box_parse("3,2,1,4", &b), -1); /* min past max */
    assert_int_equal(geo_box_parse("1,2,300,4", &b), -1);
    assert_int_equal(geo_box_parse("", &b), -1);
    assert_int_equal(geo_box_parse("120.55,29.65,121.15,30.40", &b), 0);
    json_t *p = geo_box_polygon(&b);
    assert_true(geo_contains(p, 30, 121));
    assert_false(geo_contains(p, 30, 122));
    json_decref(p);
}

/* ---- placement on a store ---- */

static char dir[64];

static struct store *open_store(void)
{
    struct err e = {0};
    char dsn[128];
    snprintf(dir, sizeof(dir), "/tmp/gridgov-test-geo.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(dsn, sizeof(dsn), "sqlite:%s/t.db", dir);
    struct store_config cfg = {.dsn = dsn, .readers = 2};
    struct store *s = store_open(&cfg, &e);
    if (s == NULL)
        fail_msg("store_open: %s", e.msg);
    return s;
}

static void place_row(struct store *s, const char *code, const char *parent, const char *level)
{
    char p[32];
    snprintf(p, sizeof(p), parent ? "'%s'" : "NULL", parent);
    sql(s,
        "INSERT INTO places (code, parent_code, level, kind, name, county, created_at, "
        "updated_at) VALUES ('%s', %s, '%s', '%s', '%s', '330604', 0, 0)",
        code, p, level, level, code);
}

/* A boundary as it may lie in a database written before the rule: no check at all. */
static void raw_boundary(struct store *s, const char *code, double x0, double y0, double x1,
                         double y1)
{
    sql(s,
        "INSERT INTO place_boundaries VALUES ('%s', %f, %f, %f, %f, '{\"type\":\"Polygon\","
        "\"coordinates\":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}', 0)",
        code, y0, y1, x0, x1, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
}

static const char *locate(struct store *s, struct arena *a, double lat, double lon, int *rc)
{
    struct err e = {0};
    const char *code = NULL;
    struct db *db = store_acquire(s);
    *rc = place_locate(db, a, lat, lon, &code, &e);
    store_release(s, db);
    return code;
}

static void test_locate(void **state)
{
    struct arena a;
    struct geo_box area = {120.55, 29.65, 121.15, 30.40};
    int rc;
    char cmd[128];
    (void)state;
    struct store *s = open_store();
    arena_init(&a, 0);
    place_row(s, "330604", NULL, "district");
    place_row(s, "330604001", "330604", "town");
    place_row(s, "330604002", "330604", "town");
    place_row(s, "330604001001", "330604001", "community");
    place_row(s, "330604001001001", "330604001001", "grid");
    place_row(s, "330604002001", "330604002", "community");
    place_row(s, "330604002001001", "330604002001", "grid");
    place_row(s, "33060400200100101", "330604002001001", "microgrid");
    /* town 1 drawn down to its grid; in town 2 only a stray micro-grid over all of China */
    raw_boundary(s, "330604001", 120.8, 30.0, 120.9, 30.1);
    raw_boundary(s, "330604001001", 120.8, 30.0, 120.85, 30.05);
    raw_boundary(s, "330604001001001", 120.8, 30.0, 120.82, 30.02);
    raw_boundary(s, "33060400200100101", 73, 18, 135, 54);

    place_set_service_area(&area);
    assert_string_equal(locate(s, &a, 30.01, 120.81, &rc), "330604001001001");
    assert_string_equal(locate(s, &a, 30.03, 120.84, &rc), "330604001001");
    assert_string_equal(locate(s, &a, 30.07, 120.88, &rc), "330604001");
    /* the stray micro-grid is never reached: its grid, community and town have no boundary */
    assert_string_equal(locate(s, &a, 30.2, 121.0, &rc), "330604");
    assert_int_equal(rc, ERR_OK);
    locate(s, &a, 39.9, 116.4, &rc); /* Beijing */
    assert_int_equal(rc, ERR_NOT_FOUND);
    place_set_service_area(NULL);
    locate(s, &a, 30.2, 121.0, &rc);
    assert_int_equal(rc, ERR_NOT_FOUND);
    assert_string_equal(locate(s, &a, 30.01, 120.81, &rc), "330604001001001");
    /* a district boundary is the service area */
    raw_boundary(s, "330604", 120.7, 29.9, 121.1, 30.3);
    assert_string_equal(locate(s, &a, 30.2, 121.0, &rc), "330604");
    locate(s, &a, 30.35, 121.0, &rc);
    assert_int_equal(rc, ERR_NOT_FOUND);

    /* writes: a grid's boundary needs its community's; the district's lies in the service area */
    struct err e = {0};
    json_t *g = poly("[[[121.0,30.2],[121.01,30.2],[121.01,30.21],[121.0,30.21],[121.0,30.2]]]");
    assert_int_equal(place_boundary_set(s, "330604002001001", g, &e), ERR_INVALID);
    assert_string_equal(e.field, "geometry");
    assert_int_equal(place_boundary_set(s, "330604002", g, &e), ERR_OK);
    assert_int_equal(place_boundary_set(s, "330604002001", g, &e), ERR_OK);
    json_t *big = poly("[[[73,18],[135,18],[135,54],[73,54],[73,18]]]");
    assert_int_equal(place_boundary_set(s, "330604002001001", big, &e), ERR_INVALID);
    /* the district cannot shrink away from a town drawn inside it */
    json_t *small =
        poly("[[[120.7,29.9],[120.75,29.9],[120.75,29.95],[120.7,29.95],[120.7,29.9]]]");
    assert_int_equal(place_boundary_set(s, "330604", small, &e), ERR_CONFLICT);
    place_set_service_area(&area);
    assert_int_equal(place_boundary_set(s, "330604", big, &e), ERR_INVALID);
    /* refused writes left nothing behind; the town and community were stored */
    assert_int_equal(qint(s, "SELECT count(*) FROM place_boundaries"), 7);
    char *stored = qtext(s, "SELECT geometry FROM place_boundaries WHERE place_code = "
                            "'330604002001'");
    assert_non_null(strstr(stored, "Polygon"));
    free(stored);
    json_decref(g);
    json_decref(big);
    json_decref(small);

    arena_free(&a);
    store_close(s);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contains),
        cmocka_unit_test(test_within),
        cmocka_unit_test(test_box),
        cmocka_unit_test(test_locate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
