/* test_router.c - the route table (src/http/routes.def) and path matching (src/http/router.c):
 * the table is well formed and unambiguous, every route is reachable, parameters are captured
 * whole and never empty, a wrong method gives 405 with Allow, and HEAD is served by GET. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "http/http.h"

static const char *mname(enum http_method m)
{
    return http_method_name(m);
}

/* The pattern with every {name} reduced to {}: two routes that match the same paths. */
static void shape(const char *pattern, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 3 < n; p++) {
        out[o++] = *p;
        if (*p == '{') {
            out[o++] = '}';
            p = strchr(p, '}');
            if (p == NULL)
                break;
        }
    }
    out[o] = '\0';
}

/* A concrete path for the pattern: {name} becomes "v<i>". */
static void sample_path(const char *pattern, char *out, size_t n)
{
    size_t o = 0;
    int k = 0;
    for (const char *p = pattern; *p && o + 8 < n; p++) {
        if (*p == '{') {
            o += (size_t)snprintf(out + o, n - o, "v%d", k++);
            p = strchr(p, '}');
            continue;
        }
        out[o++] = *p;
    }
    out[o] = '\0';
}

/* Does pattern match path? Written apart from router.c: segment by segment, {name} taking any
 * non-empty segment. */
static int covers(const char *pattern, const char *path)
{
    const char *p = pattern, *s = path;
    while (*p && *s) {
        size_t pl = strcspn(p, "/"), sl = strcspn(s, "/");
        if (p[0] == '{') {
            if (sl == 0)
                return 0;
        } else if (pl != sl || strncmp(p, s, pl) != 0) {
            return 0;
        }
        p += pl;
        s += sl;
        if (*p != *s)
            return 0;
        if (*p == '/') {
            p++;
            s++;
        }
    }
    return *p == '\0' && *s == '\0';
}

static int route_index(enum http_method m, const char *pattern)
{
    for (int i = 0; i < http_routes_count; i++) {
        if (http_routes[i].method == m && strcmp(http_routes[i].pattern, pattern) == 0)
            return i;
    }
    fail_msg("no route %s %s", mname(m), pattern);
    return -1;
}

struct match {
    int idx;
    int nparams;
    const char *params[REQ_MAX_PARAMS];
    const char *allow;
};

static struct match match(struct arena *a, enum http_method m, const char *path)
{
    struct match r = {.nparams = -1};
    r.idx = router_match(mname(m), m, path, r.params, &r.nparams, a, &r.allow);
    return r;
}

/* ---- the table ---- */

static void test_table_no_duplicates(void **state)
{
    (void)state;
    assert_true(http_routes_count > 0);
    for (int i = 0; i < http_routes_count; i++) {
        char si[256], sk[256];
        shape(http_routes[i].pattern, si, sizeof(si));
        for (int k = i + 1; k < http_routes_count; k++) {
            shape(http_routes[k].pattern, sk, sizeof(sk));
            if (http_routes[i].method == http_routes[k].method && strcmp(si, sk) == 0)
                fail_msg("routes %d and %d are both %s %s / %s", i, k, mname(http_routes[i].method),
                         http_routes[i].pattern, http_routes[k].pattern);
        }
    }
}

static void test_table_patterns_well_formed(void **state)
{
    (void)state;
    for (int i = 0; i < http_routes_count; i++) {
        const struct route *rt = &http_routes[i];
        const char *p = rt->pattern;
        int nparams = 0;
        assert_non_null(p);
        if (p[0] != '/')
            fail_msg("route %d pattern '%s' does not start with '/'", i, p);
        if (strstr(p, "//") != NULL)
            fail_msg("route %d pattern '%s' has an empty segment", i, p);
        if (strlen(p) > 1 && p[strlen(p) - 1] == '/')
            fail_msg("route %d pattern '%s' ends with '/'", i, p);
        if (strchr(p, '?') != NULL || strchr(p, '#') != NULL || strchr(p, ' ') != NULL)
            fail_msg("route %d pattern '%s' has a query, fragment or space", i, p);
        /* a parameter is a whole segment: /{name}/ or /{name} at the end, name [a-z][a-z0-9_]* */
        for (const char *b = strchr(p, '{'); b; b = strchr(b + 1, '{')) {
            const char *close = strchr(b, '}');
            if (close == NULL || b[-1] != '/' || (close[1] != '/' && close[1] != '\0') ||
                close == b + 1)
                fail_msg("route %d pattern '%s': a parameter must be a whole, named segment", i, p);
            /* {*} takes the rest of the path, so it can only end a pattern */
            if (strncmp(b, "{*}", 3) == 0) {
                if (close[1] != '\0')
                    fail_msg("route %d pattern '%s': {*} must end the pattern", i, p);
                continue;
            }
            for (const char *c = b + 1; c < close; c++) {
                if (!((*c >= 'a' && *c <= 'z') || *c == '_' ||
                      (c > b + 1 && *c >= '0' && *c <= '9')))
                    fail_msg("route %d pattern '%s': bad parameter name", i, p);
            }
            nparams++;
        }
        if (strchr(p, '}') != NULL && strchr(p, '{') == NULL)
            fail_msg("route %d pattern '%s': unbalanced '}'", i, p);
        assert_true(nparams <= REQ_MAX_PARAMS);
        assert_non_null(rt->handler);
        assert_non_null(rt->name);
        assert_string_equal(rt->name, rt->pattern);
        /* HEAD is answered by GET routes; OTHER is not a method */
        if (rt->method == HTTP_HEAD || rt->method == HTTP_OTHER)
            fail_msg("route %d %s: declare GET, HEAD follows it", i, p);
        /* a JSON body only where a body is sent */
        if ((rt->flags & R_JSON) && rt->method != HTTP_POST && rt->method != HTTP_PUT &&
            rt->method != HTTP_PATCH)
            fail_msg("route %d %s %s takes a JSON body", i, mname(rt->method), p);
        assert_true(rt->perm >= PERM_PUBLIC && rt->perm < PERM__COUNT);
    }
}

/* Every route is reached by its own pattern: no earlier route shadows it. */
static void test_table_every_route_reachable(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    for (int i = 0; i < http_routes_count; i++) {
        const struct route *rt = &http_routes[i];
        char path[256];
        sample_path(rt->pattern, path, sizeof(path));
        struct match r = match(&a, rt->method, path);
        if (r.idx != i)
            fail_msg("%s %s (route %d) is matched by route %d", mname(rt->method), path, i, r.idx);
        for (int k = 0; k < r.nparams; k++) {
            char want[16];
            snprintf(want, sizeof(want), "v%d", k);
            assert_string_equal(r.params[k], want);
        }
    }
    arena_free(&a);
}

/* ---- matching ---- */

static void test_match_params(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct match r = match(&a, HTTP_GET, "/api/v1/places/330604/children");
    assert_int_equal(r.idx, route_index(HTTP_GET, "/api/v1/places/{code}/children"));
    assert_int_equal(r.nparams, 1);
    assert_string_equal(r.params[0], "330604");

    r = match(&a, HTTP_GET, "/api/v1/places/330604002007");
    assert_int_equal(r.idx, route_index(HTTP_GET, "/api/v1/places/{code}"));
    assert_int_equal(r.nparams, 1);
    assert_string_equal(r.params[0], "330604002007");

    r = match(&a, HTTP_PATCH, "/api/v1/places/330604002");
    assert_int_equal(r.idx, route_index(HTTP_PATCH, "/api/v1/places/{code}"));
    assert_string_equal(r.params[0], "330604002");

    r = match(&a, HTTP_GET, "/api/v1/places");
    assert_int_equal(r.idx, route_index(HTTP_GET, "/api/v1/places"));
    assert_int_equal(r.nparams, 0);

    /* a parameter is taken verbatim (the router does not judge it) */
    r = match(&a, HTTP_GET, "/api/v1/places/children");
    assert_int_equal(r.idx, route_index(HTTP_GET, "/api/v1/places/{code}"));
    assert_string_equal(r.params[0], "children");
    r = match(&a, HTTP_GET, "/api/v1/places/%2F..%2F");
    assert_string_equal(r.params[0], "%2F..%2F");
    arena_free(&a);
}

static void test_match_unknown(void **state)
{
    (void)state;
    static const char *const paths[] = {
        "/nope",
        "",
        "/ui",
        "/api",
        "/api/v1/",
        "/api/v2/places",
        "/api/v1/placesx",
        "/API/v1/places",
        "/healthz/",
        "/healthzz",
        "/api/v1/places/330604/children/",
        "/api/v1/places/330604/children/extra",
        "/api/v1/places/330604/unknown",
        "/api/v1/places/33/06/children", /* {code} never spans a '/' */
    };
    struct arena a;
    arena_init(&a, 0);
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        for (int m = HTTP_GET; m <= HTTP_OTHER; m++) {
            struct match r = match(&a, (enum http_method)m, paths[i]);
            if (r.idx != -1)
                fail_msg("%s '%s' gave %d, want -1", mname((enum http_method)m), paths[i], r.idx);
        }
    }
    arena_free(&a);
}

static void test_match_empty_segment(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    /* {code} is never empty */
    assert_int_equal(match(&a, HTTP_GET, "/api/v1/places//children").idx, -1);
    assert_int_equal(match(&a, HTTP_GET, "/api/v1/places/").idx, -1);
    assert_int_equal(match(&a, HTTP_PATCH, "/api/v1/places/").idx, -1);
    assert_int_equal(match(&a, HTTP_GET, "/api/v1/compounds/").idx, -1);
    assert_int_equal(match(&a, HTTP_GET, "/api/v1/users//").idx, -1);
    arena_free(&a);
}

static void test_match_wrong_method(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct match r = match(&a, HTTP_DELETE, "/api/v1/places/330604");
    assert_int_equal(r.idx, -2);
    assert_non_null(r.allow);
    assert_non_null(strstr(r.allow, "GET"));
    assert_non_null(strstr(r.allow, "PATCH"));
    assert_null(strstr(r.allow, "POST"));
    assert_null(strstr(r.allow, "DELETE"));

    r = match(&a, HTTP_PUT, "/api/v1/places");
    assert_int_equal(r.idx, -2);
    assert_string_equal(r.allow, "GET, POST");

    r = match(&a, HTTP_POST, "/healthz");
    assert_int_equal(r.idx, -2);
    assert_string_equal(r.allow, "GET");

    r = match(&a, HTTP_PUT, "/api/v1/session");
    assert_int_equal(r.idx, -2);
    assert_non_null(strstr(r.allow, "POST"));
    assert_non_null(strstr(r.allow, "GET"));
    assert_non_null(strstr(r.allow, "DELETE"));

    /* an unknown method on a known path is 405 as well */
    r = match(&a, HTTP_OTHER, "/api/v1/places/330604/children");
    assert_int_equal(r.idx, -2);
    assert_string_equal(r.allow, "GET");

    /* HEAD where there is no GET */
    r = match(&a, HTTP_HEAD, "/api/v1/meetings");
    assert_int_equal(r.idx, -2);
    assert_string_equal(r.allow, "POST");

    /* every path of the table: a method it lacks gives 405 naming the ones it has */
    for (int i = 0; i < http_routes_count; i++) {
        char path[256];
        sample_path(http_routes[i].pattern, path, sizeof(path));
        for (int m = HTTP_GET; m <= HTTP_OTHER; m++) {
            int has = 0;
            for (int k = 0; k < http_routes_count; k++) {
                if (covers(http_routes[k].pattern, path) &&
                    (http_routes[k].method == (enum http_method)m ||
                     (m == HTTP_HEAD && http_routes[k].method == HTTP_GET)))
                    has = 1;
            }
            r = match(&a, (enum http_method)m, path);
            if (has ? r.idx < 0 : r.idx != -2)
                fail_msg("%s %s gave %d", mname((enum http_method)m), path, r.idx);
            if (!has && strstr(r.allow, mname(http_routes[i].method)) == NULL)
                fail_msg("%s %s: Allow '%s' lacks %s", mname((enum http_method)m), path, r.allow,
                         mname(http_routes[i].method));
        }
    }
    arena_free(&a);
}

static void test_match_head_is_get(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    for (int i = 0; i < http_routes_count; i++) {
        if (http_routes[i].method != HTTP_GET)
            continue;
        char path[256];
        sample_path(http_routes[i].pattern, path, sizeof(path));
        struct match g = match(&a, HTTP_GET, path), h = match(&a, HTTP_HEAD, path);
        assert_int_equal(h.idx, g.idx);
        assert_int_equal(h.nparams, g.nparams);
    }
    struct match h = match(&a, HTTP_HEAD, "/api/v1/places/330604/children");
    assert_int_equal(h.idx, route_index(HTTP_GET, "/api/v1/places/{code}/children"));
    assert_string_equal(h.params[0], "330604");
    arena_free(&a);
}

static void test_method_of(void **state)
{
    (void)state;
    assert_int_equal(http_method_of("GET"), HTTP_GET);
    assert_int_equal(http_method_of("POST"), HTTP_POST);
    assert_int_equal(http_method_of("PUT"), HTTP_PUT);
    assert_int_equal(http_method_of("PATCH"), HTTP_PATCH);
    assert_int_equal(http_method_of("DELETE"), HTTP_DELETE);
    assert_int_equal(http_method_of("HEAD"), HTTP_HEAD);
    /* methods are case-sensitive (RFC 9110) */
    assert_int_equal(http_method_of("get"), HTTP_OTHER);
    assert_int_equal(http_method_of("OPTIONS"), HTTP_OTHER);
    assert_int_equal(http_method_of("GETX"), HTTP_OTHER);
    assert_int_equal(http_method_of(""), HTTP_OTHER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_no_duplicates),
        cmocka_unit_test(test_table_patterns_well_formed),
        cmocka_unit_test(test_table_every_route_reachable),
        cmocka_unit_test(test_match_params),
        cmocka_unit_test(test_match_unknown),
        cmocka_unit_test(test_match_empty_segment),
        cmocka_unit_test(test_match_wrong_method),
        cmocka_unit_test(test_match_head_is_get),
        cmocka_unit_test(test_method_of),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
