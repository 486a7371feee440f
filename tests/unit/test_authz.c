/* test_authz.c - roles, permissions and the scope rule (src/domain/authz.c): what each role may
 * do, where (its subtree; the path above it for reading only; a commissioner's one compound),
 * who may grant what, and that no user or a NULL user gets nothing but PERM_PUBLIC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "domain/authz.h"
#include "domain/compound.h"

/* The places used below: one district, two streets, communities, grids and a micro-grid. */
#define DISTRICT "330604"
#define OTHER_DISTRICT "330602"
#define STREET "330604002"
#define STREET2 "330604003"
#define COMMUNITY "330604002007"
#define COMMUNITY2 "330604002008"
#define COMMUNITY_ELSEWHERE "330604003001"
#define GRID "330604002007001"
#define GRID2 "330604002007002"
#define MICROGRID "33060400200700101"
#define COMPOUND 12
#define COMPOUND_OTHER 13
#define DEPT "zjj"

/* A rule src/ once broke: kept as a regression test. */
static void regression(int ok, const char *what)
{
    if (!ok)
        fail_msg("regression: %s", what);
}

/* One user holding one grant; the grant is what user_load would build from user_roles.
 * home is a target right at the grant's scope. */
struct one {
    struct role_grant g;
    struct user u;
    struct target home;
};

static void one_init(struct one *o, enum role r, const char *scope, const char *place,
                     int64_t compound)
{
    memset(o, 0, sizeof(*o));
    o->g.role = r;
    o->g.scope = scope;
    o->g.place = place;
    o->g.compound = compound;
    o->u.id = 1;
    o->u.username = "tester";
    o->u.display_name = "tester";
    o->u.roles = &o->g;
    o->u.nroles = 1;
    o->home.place = place;
    o->home.compound = compound;
}

/* The enterprises a cadre of the tests serves (ascending, as the session loads them). */
#define ENTERPRISE 7
static const int64_t serves[] = {3, ENTERPRISE, 11, 40};

/* The usual grant of each role in the test tree. */
static void one_of_role(struct one *o, enum role r)
{
    switch (r) {
    case ROLE_DISTRICT_ADMIN:
        one_init(o, r, DISTRICT, DISTRICT, 0);
        break;
    case ROLE_STREET_OFFICE:
    case ROLE_PARTY_OFFICE:
        one_init(o, r, STREET, STREET, 0);
        break;
    case ROLE_ENTERPRISE_CADRE:
        /* its place bounds its enterprises; its scope is the enterprises it serves */
        one_init(o, r, STREET, STREET, 0);
        o->u.enterprises = serves;
        o->u.nenterprises = (int)ARRAY_LEN(serves);
        o->home.enterprise = ENTERPRISE;
        break;
    case ROLE_COMMUNITY_OFFICE:
        one_init(o, r, COMMUNITY, COMMUNITY, 0);
        break;
    case ROLE_GRID_LEADER:
    case ROLE_GRID_WORKER:
        one_init(o, r, GRID, GRID, 0);
        break;
    case ROLE_COMMISSIONER:
        one_init(o, r, "compound:12", COMMUNITY, COMPOUND);
        break;
    case ROLE_DEPT_HANDLER:
        one_init(o, r, "dept:" DEPT, DISTRICT, 0);
        o->home.dept = DEPT;
        break;
    default:
        fail_msg("unknown role %d", (int)r);
    }
}

/* Compounds are a registry: reading and writing one are the registry's verbs, checked by
 * authz_verb_allow with the registry's grants (these two stand for them in the tables below). */
#define PERM_COMPOUND_READ ((enum perm)(PERM__COUNT + 1))
#define PERM_COMPOUND_WRITE ((enum perm)(PERM__COUNT + 2))

static int allow(const struct user *u, enum perm p, const char *place, int64_t compound)
{
    struct target t = {.place = place, .compound = compound};
    if (p == PERM_COMPOUND_READ || p == PERM_COMPOUND_WRITE)
        return authz_verb_allow(u, reg_compounds.grants, p == PERM_COMPOUND_READ ? V_READ : V_WRITE,
                                &t);
    return authz_allow(u, p, &t);
}

static int allow_dept(const struct user *u, enum perm p, const char *place, const char *dept)
{
    struct target t = {.place = place, .dept = dept};
    return authz_allow(u, p, &t);
}

#define L (1u << PERM_LOGIN)
#define PR (1u << PERM_PLACE_READ)
#define PW (1u << PERM_PLACE_WRITE)
#define CR 0u /* compounds: the registry's verbs, see test_compound_verbs */
#define CW 0u
#define UA (1u << PERM_USER_ADMIN)
#define OPS (1u << PERM_OPS)
#define KR (1u << PERM_CASE_READ)
#define KS (1u << PERM_CASE_SUBMIT)
#define KO (1u << PERM_CASE_OFFICE)
#define KH (1u << PERM_CASE_HANDLE)
#define KV (1u << PERM_CASE_VERIFY)
#define PII (1u << PERM_PII_READ)

/* The permission table, written out independently of authz.c: everyone reads places,
 * compounds and cases in scope and may report a case; offices administer and may read personal
 * data unmasked; only the district runs operations; grid leaders and department handlers
 * handle; grids verify, and enterprise cadres verify their enterprises' problems. */
static const unsigned expected_perms[ROLE__COUNT] = {
    [ROLE_DISTRICT_ADMIN] = L | PR | CR | KR | KS | PW | CW | UA | KO | PII | OPS,
    [ROLE_STREET_OFFICE] = L | PR | CR | KR | KS | PW | CW | UA | KO | PII,
    [ROLE_COMMUNITY_OFFICE] = L | PR | CR | KR | KS | PW | CW | UA | KO | PII,
    [ROLE_GRID_LEADER] = L | PR | CR | KR | KS | PW | KH | KV,
    [ROLE_GRID_WORKER] = L | PR | CR | KR | KS | KV,
    [ROLE_COMMISSIONER] = L | PR | CR | KR | KS,
    [ROLE_DEPT_HANDLER] = L | PR | CR | KR | KS | KH,
    [ROLE_ENTERPRISE_CADRE] = L | PR | CR | KR | KS | KV,
    [ROLE_PARTY_OFFICE] = L | PR | CR | KR | KS,
};

/* Permissions that need no target: they hold everywhere once the role has them. */
static int unscoped(enum perm p)
{
    return p == PERM_PUBLIC || p == PERM_LOGIN || p == PERM_OPS || p == PERM_CASE_SUBMIT;
}

static void test_role_names(void **state)
{
    (void)state;
    static const struct {
        enum role r;
        const char *name;
        int scope_len;
    } want[] = {
        {ROLE_DISTRICT_ADMIN, "district_admin", 6},
        {ROLE_STREET_OFFICE, "street_office", 9},
        {ROLE_COMMUNITY_OFFICE, "community_office", 12},
        {ROLE_GRID_LEADER, "grid_leader", 15},
        {ROLE_GRID_WORKER, "grid_worker", 15},
        {ROLE_COMMISSIONER, "commissioner", 0},
        {ROLE_DEPT_HANDLER, "dept_handler", 0},
        {ROLE_ENTERPRISE_CADRE, "enterprise_cadre", 9},
        {ROLE_PARTY_OFFICE, "party_office", 9},
    };
    assert_int_equal(ARRAY_LEN(want), ROLE__COUNT);
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        enum role r;
        assert_string_equal(role_name(want[i].r), want[i].name);
        assert_int_equal(role_from_name(want[i].name, &r), ERR_OK);
        assert_int_equal(r, want[i].r);
        assert_int_equal(role_scope_len(want[i].r), want[i].scope_len);
        assert_true(strlen(role_label_zh(want[i].r)) > 0);
    }
    enum role r = ROLE_GRID_WORKER;
    assert_int_equal(role_from_name("root", &r), ERR_INVALID);
    assert_int_equal(role_from_name("", &r), ERR_INVALID);
    assert_int_equal(role_from_name("District_Admin", &r), ERR_INVALID);
    assert_int_equal(r, ROLE_GRID_WORKER);
    assert_string_equal(role_name(ROLE__COUNT), "");
    assert_string_equal(role_label_zh(ROLE__COUNT), "");
}

/* authz_has is exactly the table; authz_allow at the role's own scope agrees with it. */
static void test_every_role_permissions(void **state)
{
    (void)state;
    for (int r = 0; r < ROLE__COUNT; r++) {
        struct one o;
        one_of_role(&o, (enum role)r);
        for (int p = 0; p < PERM__COUNT; p++) {
            int want = p == PERM_PUBLIC || (expected_perms[r] & (1u << p)) != 0;
            if (authz_has(&o.u, (enum perm)p) != want)
                fail_msg("authz_has(%s, perm %d) = %d, want %d", role_name((enum role)r), p, !want,
                         want);
            if (authz_allow(&o.u, (enum perm)p, &o.home) != want)
                fail_msg("authz_allow(%s, perm %d, own scope) = %d, want %d",
                         role_name((enum role)r), p, !want, want);
        }
    }
}

static void test_unscoped_permissions(void **state)
{
    (void)state;
    for (int r = 0; r < ROLE__COUNT; r++) {
        struct one o;
        one_of_role(&o, (enum role)r);
        /* PERM_OPS, PERM_LOGIN and PERM_CASE_SUBMIT need no target; only the district has OPS */
        struct target none = {.place = NULL};
        assert_int_equal(authz_allow(&o.u, PERM_OPS, NULL), r == ROLE_DISTRICT_ADMIN);
        assert_int_equal(authz_allow(&o.u, PERM_OPS, &none), r == ROLE_DISTRICT_ADMIN);
        assert_true(authz_allow(&o.u, PERM_LOGIN, NULL));
        assert_true(authz_allow(&o.u, PERM_CASE_SUBMIT, NULL));
        /* and hold outside the scope too */
        assert_true(allow(&o.u, PERM_CASE_SUBMIT, OTHER_DISTRICT, 0));
    }
}

static void test_null_and_empty_user(void **state)
{
    (void)state;
    struct user nobody = {.id = 2, .username = "nobody", .roles = NULL, .nroles = 0};
    const char *scopes[4];
    for (int p = 0; p < PERM__COUNT; p++) {
        int want = p == PERM_PUBLIC;
        assert_int_equal(authz_has(NULL, (enum perm)p), want);
        assert_int_equal(allow(NULL, (enum perm)p, DISTRICT, 0), want);
        assert_int_equal(authz_has(&nobody, (enum perm)p), want);
        assert_int_equal(allow(&nobody, (enum perm)p, DISTRICT, 0), want);
        assert_int_equal(authz_scopes(NULL, (enum perm)p, scopes, 4), 0);
        assert_int_equal(authz_scopes(&nobody, (enum perm)p, scopes, 4), 0);
    }
    /* public needs neither user nor target */
    assert_true(authz_allow(NULL, PERM_PUBLIC, NULL));
    assert_true(authz_has(NULL, PERM_PUBLIC));
}

static void test_target_required_for_place_perms(void **state)
{
    (void)state;
    struct one o;
    one_of_role(&o, ROLE_DISTRICT_ADMIN);
    struct target none = {.place = NULL};
    for (int p = 0; p < PERM__COUNT; p++) {
        if (unscoped((enum perm)p))
            continue;
        if (authz_allow(&o.u, (enum perm)p, NULL) || authz_allow(&o.u, (enum perm)p, &none))
            fail_msg("perm %d allowed without a target place", p);
    }
}

/* The compounds registry's verbs per role: offices write, everyone reads in scope. */
static void test_compound_verbs(void **state)
{
    (void)state;
    for (int r = 0; r < ROLE__COUNT; r++) {
        int office =
            r == ROLE_DISTRICT_ADMIN || r == ROLE_STREET_OFFICE || r == ROLE_COMMUNITY_OFFICE;
        assert_true(reg_compounds.grants[r] & V_READ);
        assert_int_equal((reg_compounds.grants[r] & V_WRITE) != 0, office);
        assert_false(reg_compounds.grants[r] & V_PII);
    }
}

static void test_scope_subtree(void **state)
{
    (void)state;
    static const enum perm scoped[] = {PERM_PLACE_READ,     PERM_PLACE_WRITE, PERM_COMPOUND_READ,
                                       PERM_COMPOUND_WRITE, PERM_USER_ADMIN,  PERM_CASE_READ,
                                       PERM_CASE_OFFICE};
    static const char *const inside[] = {STREET, COMMUNITY, COMMUNITY2, GRID, MICROGRID};
    static const char *const outside[] = {STREET2,        COMMUNITY_ELSEWHERE, "330604003001001",
                                          OTHER_DISTRICT, "330602002",         "330602002007"};
    struct one o;
    one_of_role(&o, ROLE_STREET_OFFICE);
    for (size_t i = 0; i < ARRAY_LEN(scoped); i++) {
        for (size_t k = 0; k < ARRAY_LEN(inside); k++) {
            if (!allow(&o.u, scoped[i], inside[k], 0))
                fail_msg("street office denied perm %d at %s inside its subtree", scoped[i],
                         inside[k]);
        }
        /* siblings and other districts: nothing, not even reading */
        for (size_t k = 0; k < ARRAY_LEN(outside); k++) {
            if (allow(&o.u, scoped[i], outside[k], 0))
                fail_msg("street office allowed perm %d at %s outside its subtree", scoped[i],
                         outside[k]);
        }
    }
    /* compounds inside the subtree, and not in a sibling street */
    assert_true(allow(&o.u, PERM_COMPOUND_READ, COMMUNITY, 99));
    assert_true(allow(&o.u, PERM_COMPOUND_WRITE, COMMUNITY, 99));
    assert_false(allow(&o.u, PERM_COMPOUND_READ, COMMUNITY_ELSEWHERE, 99));
    assert_false(allow(&o.u, PERM_COMPOUND_WRITE, COMMUNITY_ELSEWHERE, 99));
}

static void test_scope_ancestors_read_only(void **state)
{
    (void)state;
    struct one o;
    one_of_role(&o, ROLE_STREET_OFFICE);
    /* the district above the street: readable, nothing else */
    assert_true(allow(&o.u, PERM_PLACE_READ, DISTRICT, 0));
    assert_false(allow(&o.u, PERM_PLACE_WRITE, DISTRICT, 0));
    assert_false(allow(&o.u, PERM_COMPOUND_READ, DISTRICT, 0));
    assert_false(allow(&o.u, PERM_COMPOUND_WRITE, DISTRICT, 0));
    assert_false(allow(&o.u, PERM_USER_ADMIN, DISTRICT, 0));
    assert_false(allow(&o.u, PERM_CASE_READ, DISTRICT, 0));
    assert_false(allow(&o.u, PERM_CASE_OFFICE, DISTRICT, 0));
    /* a compound is never reached through the path up */
    assert_false(allow(&o.u, PERM_PLACE_READ, DISTRICT, 5));

    /* a grid worker reads its community, street and district, not its sibling grid */
    one_of_role(&o, ROLE_GRID_WORKER);
    assert_true(allow(&o.u, PERM_PLACE_READ, GRID, 0));
    assert_true(allow(&o.u, PERM_PLACE_READ, MICROGRID, 0));
    assert_true(allow(&o.u, PERM_PLACE_READ, COMMUNITY, 0));
    assert_true(allow(&o.u, PERM_PLACE_READ, STREET, 0));
    assert_true(allow(&o.u, PERM_PLACE_READ, DISTRICT, 0));
    assert_false(allow(&o.u, PERM_PLACE_READ, GRID2, 0));
    assert_false(allow(&o.u, PERM_PLACE_READ, COMMUNITY2, 0));
    assert_false(allow(&o.u, PERM_COMPOUND_READ, COMMUNITY, 0));
    assert_false(allow(&o.u, PERM_COMPOUND_READ, COMMUNITY, 7));
    /* a grid worker writes nothing, even in its own grid */
    assert_false(allow(&o.u, PERM_PLACE_WRITE, GRID, 0));
    assert_false(allow(&o.u, PERM_PLACE_WRITE, MICROGRID, 0));
    /* it verifies cases in its grid, not in the community above or the grid beside */
    assert_true(allow(&o.u, PERM_CASE_VERIFY, GRID, 0));
    assert_true(allow(&o.u, PERM_CASE_READ, MICROGRID, 0));
    assert_false(allow(&o.u, PERM_CASE_VERIFY, COMMUNITY, 0));
    assert_false(allow(&o.u, PERM_CASE_READ, COMMUNITY, 0));
    assert_false(allow(&o.u, PERM_CASE_VERIFY, GRID2, 0));
    assert_false(allow(&o.u, PERM_CASE_HANDLE, GRID, 0));

    /* a grid leader may write its grid and below, not the community above */
    one_of_role(&o, ROLE_GRID_LEADER);
    assert_true(allow(&o.u, PERM_PLACE_WRITE, GRID, 0));
    assert_true(allow(&o.u, PERM_PLACE_WRITE, MICROGRID, 0));
    assert_false(allow(&o.u, PERM_PLACE_WRITE, COMMUNITY, 0));
    assert_false(allow(&o.u, PERM_PLACE_WRITE, GRID2, 0));
}

static void test_scope_commissioner(void **state)
{
    (void)state;
    struct one o;
    one_of_role(&o, ROLE_COMMISSIONER);
    /* its compound: yes */
    assert_true(allow(&o.u, PERM_COMPOUND_READ, COMMUNITY, COMPOUND));
    assert_true(allow(&o.u, PERM_PLACE_READ, COMMUNITY, COMPOUND));
    assert_true(allow(&o.u, PERM_CASE_READ, COMMUNITY, COMPOUND));
    assert_false(allow(&o.u, PERM_COMPOUND_WRITE, COMMUNITY, COMPOUND));
    assert_false(allow(&o.u, PERM_USER_ADMIN, COMMUNITY, COMPOUND));
    assert_false(allow(&o.u, PERM_CASE_OFFICE, COMMUNITY, COMPOUND));
    /* another compound, in the same community or elsewhere: no */
    assert_false(allow(&o.u, PERM_COMPOUND_READ, COMMUNITY, COMPOUND_OTHER));
    assert_false(allow(&o.u, PERM_PLACE_READ, COMMUNITY, COMPOUND_OTHER));
    assert_false(allow(&o.u, PERM_COMPOUND_READ, COMMUNITY2, COMPOUND_OTHER));
    /* the places on the path up to the compound: readable only */
    assert_true(allow(&o.u, PERM_PLACE_READ, COMMUNITY, 0));
    assert_true(allow(&o.u, PERM_PLACE_READ, STREET, 0));
    assert_true(allow(&o.u, PERM_PLACE_READ, DISTRICT, 0));
    assert_false(allow(&o.u, PERM_COMPOUND_READ, COMMUNITY, 0));
    assert_false(allow(&o.u, PERM_CASE_READ, COMMUNITY, 0));
    assert_false(allow(&o.u, PERM_PLACE_WRITE, COMMUNITY, 0));
    /* not the rest of the community, nor siblings */
    assert_false(allow(&o.u, PERM_PLACE_READ, GRID, 0));
    assert_false(allow(&o.u, PERM_PLACE_READ, MICROGRID, 0));
    assert_false(allow(&o.u, PERM_PLACE_READ, COMMUNITY2, 0));
    assert_false(allow(&o.u, PERM_PLACE_READ, STREET2, 0));
    assert_false(allow(&o.u, PERM_PLACE_READ, OTHER_DISTRICT, 0));
}

static void test_scope_department(void **state)
{
    (void)state;
    struct one o;
    one_of_role(&o, ROLE_DEPT_HANDLER);
    /* cases: its department's, wherever they are, and no others */
    assert_true(allow_dept(&o.u, PERM_CASE_READ, GRID, DEPT));
    assert_true(allow_dept(&o.u, PERM_CASE_HANDLE, GRID, DEPT));
    assert_true(allow_dept(&o.u, PERM_CASE_HANDLE, NULL, DEPT));
    assert_false(allow_dept(&o.u, PERM_CASE_READ, GRID, "jtj"));
    assert_false(allow_dept(&o.u, PERM_CASE_HANDLE, GRID, "jtj"));
    assert_false(allow_dept(&o.u, PERM_CASE_READ, GRID, NULL));
    assert_false(allow_dept(&o.u, PERM_CASE_HANDLE, DISTRICT, NULL));
    /* "zjj" is not a prefix match for "zjjx" */
    assert_false(allow_dept(&o.u, PERM_CASE_READ, GRID, "zjjx"));
    assert_false(allow_dept(&o.u, PERM_CASE_READ, GRID, "zj"));
    /* it processes nothing as an office and verifies nothing */
    assert_false(allow_dept(&o.u, PERM_CASE_OFFICE, GRID, DEPT));
    assert_false(allow_dept(&o.u, PERM_CASE_VERIFY, GRID, DEPT));
    /* places in the department's area are readable, not writable */
    assert_true(allow(&o.u, PERM_PLACE_READ, GRID, 0));
    assert_false(allow(&o.u, PERM_PLACE_WRITE, GRID, 0));
    assert_false(allow(&o.u, PERM_PLACE_READ, OTHER_DISTRICT, 0));

    /* a department on a target does not widen anyone else's scope */
    struct one so;
    one_of_role(&so, ROLE_STREET_OFFICE);
    assert_false(allow_dept(&so.u, PERM_CASE_READ, STREET2, DEPT));
    assert_true(allow_dept(&so.u, PERM_CASE_READ, COMMUNITY, DEPT));
    /* and a grid leader handles only cases sent to its grid */
    struct one gl;
    one_of_role(&gl, ROLE_GRID_LEADER);
    assert_true(allow(&gl.u, PERM_CASE_HANDLE, GRID, 0));
    assert_true(allow(&gl.u, PERM_CASE_HANDLE, MICROGRID, 0));
    assert_false(allow(&gl.u, PERM_CASE_HANDLE, GRID2, 0));
    assert_false(allow(&gl.u, PERM_CASE_HANDLE, COMMUNITY, 0));
}

static void test_roles_combine(void **state)
{
    (void)state;
    /* a grid worker in one street and a community office in another: the union, per place */
    struct role_grant g[2] = {
        {.role = ROLE_GRID_WORKER, .scope = GRID, .place = GRID},
        {.role = ROLE_COMMUNITY_OFFICE, .scope = COMMUNITY_ELSEWHERE, .place = COMMUNITY_ELSEWHERE},
    };
    struct user u = {.id = 3, .username = "two", .roles = g, .nroles = 2};
    assert_true(authz_has(&u, PERM_USER_ADMIN));
    assert_true(allow(&u, PERM_PLACE_WRITE, COMMUNITY_ELSEWHERE, 0));
    assert_true(allow(&u, PERM_USER_ADMIN, "330604003001004", 0));
    assert_true(allow(&u, PERM_PLACE_READ, GRID, 0));
    /* the community office power does not spread to the grid worker's grid */
    assert_false(allow(&u, PERM_PLACE_WRITE, GRID, 0));
    assert_false(allow(&u, PERM_USER_ADMIN, GRID, 0));
    assert_false(allow(&u, PERM_OPS, NULL, 0));
}

static void test_may_grant(void **state)
{
    (void)state;
    struct one da, so, co, gl, gw, cm;
    one_of_role(&da, ROLE_DISTRICT_ADMIN);
    one_of_role(&so, ROLE_STREET_OFFICE);
    one_of_role(&co, ROLE_COMMUNITY_OFFICE);
    one_of_role(&gl, ROLE_GRID_LEADER);
    one_of_role(&gw, ROLE_GRID_WORKER);
    one_of_role(&cm, ROLE_COMMISSIONER);

    /* a district admin grants anything in its district, nothing in another */
    assert_true(authz_may_grant(&da.u, ROLE_DISTRICT_ADMIN, DISTRICT));
    assert_true(authz_may_grant(&da.u, ROLE_STREET_OFFICE, STREET));
    assert_true(authz_may_grant(&da.u, ROLE_GRID_WORKER, GRID));
    assert_false(authz_may_grant(&da.u, ROLE_DISTRICT_ADMIN, OTHER_DISTRICT));
    assert_false(authz_may_grant(&da.u, ROLE_STREET_OFFICE, "330602002"));

    /* a street office never makes district admins, not even at its own street */
    assert_false(authz_may_grant(&so.u, ROLE_DISTRICT_ADMIN, DISTRICT));
    assert_false(authz_may_grant(&so.u, ROLE_DISTRICT_ADMIN, STREET));
    /* inside its subtree it grants the lower roles */
    assert_true(authz_may_grant(&so.u, ROLE_STREET_OFFICE, STREET));
    assert_true(authz_may_grant(&so.u, ROLE_COMMUNITY_OFFICE, COMMUNITY));
    assert_true(authz_may_grant(&so.u, ROLE_GRID_WORKER, GRID));
    assert_true(authz_may_grant(&so.u, ROLE_COMMISSIONER, COMMUNITY));
    /* outside its subtree (sibling, above, other district) it grants nothing */
    assert_false(authz_may_grant(&so.u, ROLE_STREET_OFFICE, STREET2));
    assert_false(authz_may_grant(&so.u, ROLE_COMMUNITY_OFFICE, COMMUNITY_ELSEWHERE));
    assert_false(authz_may_grant(&so.u, ROLE_GRID_WORKER, "330604003001001"));
    assert_false(authz_may_grant(&so.u, ROLE_DEPT_HANDLER, DISTRICT));
    assert_false(authz_may_grant(&so.u, ROLE_GRID_WORKER, "330602002007001"));

    /* a community office cannot reach the street above it */
    assert_false(authz_may_grant(&co.u, ROLE_STREET_OFFICE, STREET));
    assert_true(authz_may_grant(&co.u, ROLE_GRID_LEADER, GRID));
    assert_false(authz_may_grant(&co.u, ROLE_GRID_LEADER, "330604002008001"));

    /* roles without USER_ADMIN grant nothing, even in their own scope */
    assert_false(authz_may_grant(&gl.u, ROLE_GRID_WORKER, GRID));
    assert_false(authz_may_grant(&gw.u, ROLE_GRID_WORKER, GRID));
    assert_false(authz_may_grant(&cm.u, ROLE_COMMISSIONER, COMMUNITY));
}

/* A user holding the given grants (at most 4). */
struct multi {
    struct role_grant g[4];
    struct user u;
};

static void multi_init(struct multi *m, int n, const enum role *roles, const char *const *places)
{
    memset(m, 0, sizeof(*m));
    for (int i = 0; i < n; i++) {
        m->g[i].role = roles[i];
        m->g[i].scope = places[i];
        m->g[i].place = places[i];
    }
    m->u.id = 2;
    m->u.username = "managed";
    m->u.roles = m->g;
    m->u.nroles = n;
}

static void test_manages(void **state)
{
    (void)state;
    struct one da, so, co, gl;
    struct multi worker, mixed, streetwide, outside, nobody, above;
    one_of_role(&da, ROLE_DISTRICT_ADMIN);
    one_of_role(&so, ROLE_STREET_OFFICE);
    one_of_role(&co, ROLE_COMMUNITY_OFFICE);
    one_of_role(&gl, ROLE_GRID_LEADER);

    multi_init(&worker, 1, (enum role[]){ROLE_GRID_WORKER}, (const char *[]){GRID});
    /* one role in the community, one in the next street */
    multi_init(&mixed, 2, (enum role[]){ROLE_GRID_WORKER, ROLE_GRID_WORKER},
               (const char *[]){GRID, "330604003001001"});
    multi_init(&streetwide, 1, (enum role[]){ROLE_STREET_OFFICE}, (const char *[]){STREET});
    multi_init(&outside, 1, (enum role[]){ROLE_GRID_WORKER}, (const char *[]){"330602002007001"});
    multi_init(&nobody, 0, NULL, NULL);
    multi_init(&above, 2, (enum role[]){ROLE_GRID_WORKER, ROLE_DISTRICT_ADMIN},
               (const char *[]){GRID, DISTRICT});

    /* a role inside the scope: seen and changed */
    assert_true(authz_manages(&co.u, &worker.u, AUTHZ_SEE));
    assert_true(authz_manages(&co.u, &worker.u, AUTHZ_CHANGE));
    assert_true(authz_manages(&so.u, &worker.u, AUTHZ_CHANGE));
    assert_true(authz_manages(&da.u, &worker.u, AUTHZ_CHANGE));
    /* one role inside, one outside: seen, not changed */
    assert_true(authz_manages(&co.u, &mixed.u, AUTHZ_SEE));
    assert_false(authz_manages(&co.u, &mixed.u, AUTHZ_CHANGE));
    assert_true(authz_manages(&da.u, &mixed.u, AUTHZ_CHANGE));
    /* a role above the administrator's scope: neither */
    assert_false(authz_manages(&co.u, &streetwide.u, AUTHZ_SEE));
    assert_false(authz_manages(&co.u, &streetwide.u, AUTHZ_CHANGE));
    /* at the administrator's own level: a street office manages another street office */
    assert_true(authz_manages(&so.u, &streetwide.u, AUTHZ_CHANGE));
    /* another district: nobody here */
    assert_false(authz_manages(&so.u, &outside.u, AUTHZ_SEE));
    assert_false(authz_manages(&da.u, &outside.u, AUTHZ_SEE));
    /* a role the administrator may see but not grant (a district admin's) blocks changes */
    assert_true(authz_manages(&so.u, &above.u, AUTHZ_SEE));
    assert_false(authz_manages(&so.u, &above.u, AUTHZ_CHANGE));
    assert_true(authz_manages(&da.u, &above.u, AUTHZ_CHANGE));
    /* a user without roles: district administrators only */
    assert_true(authz_manages(&da.u, &nobody.u, AUTHZ_SEE));
    assert_true(authz_manages(&da.u, &nobody.u, AUTHZ_CHANGE));
    assert_false(authz_manages(&so.u, &nobody.u, AUTHZ_SEE));
    assert_false(authz_manages(&co.u, &nobody.u, AUTHZ_CHANGE));
    /* roles without user administration manage no one, not even in their own grid */
    assert_false(authz_manages(&gl.u, &worker.u, AUTHZ_SEE));
    assert_false(authz_manages(&gl.u, &worker.u, AUTHZ_CHANGE));
    /* no administrator, no user */
    assert_false(authz_manages(NULL, &worker.u, AUTHZ_SEE));
    assert_false(authz_manages(&da.u, NULL, AUTHZ_SEE));
}

static void test_scopes(void **state)
{
    (void)state;
    const char *out[8];
    struct one da;
    one_of_role(&da, ROLE_DISTRICT_ADMIN);
    assert_int_equal(authz_scopes(&da.u, PERM_PLACE_READ, out, 8), 1);
    assert_string_equal(out[0], DISTRICT);
    assert_int_equal(authz_scopes(&da.u, PERM_OPS, out, 8), 1);

    struct role_grant g[3] = {
        {.role = ROLE_GRID_WORKER, .scope = GRID, .place = GRID},
        {.role = ROLE_COMMUNITY_OFFICE, .scope = COMMUNITY_ELSEWHERE, .place = COMMUNITY_ELSEWHERE},
        {.role = ROLE_GRID_LEADER, .scope = "330604002008001", .place = "330604002008001"},
    };
    struct user u = {.id = 4, .username = "three", .roles = g, .nroles = 3};
    /* only the grants that carry the permission, in grant order */
    assert_int_equal(authz_scopes(&u, PERM_PLACE_READ, out, 8), 3);
    assert_string_equal(out[0], GRID);
    assert_string_equal(out[1], COMMUNITY_ELSEWHERE);
    assert_string_equal(out[2], "330604002008001");
    assert_int_equal(authz_scopes(&u, PERM_PLACE_WRITE, out, 8), 2);
    assert_string_equal(out[0], COMMUNITY_ELSEWHERE);
    assert_string_equal(out[1], "330604002008001");
    assert_int_equal(authz_scopes(&u, PERM_USER_ADMIN, out, 8), 1);
    assert_string_equal(out[0], COMMUNITY_ELSEWHERE);
    assert_int_equal(authz_scopes(&u, PERM_OPS, out, 8), 0);
    /* never more than max */
    out[1] = "untouched";
    assert_int_equal(authz_scopes(&u, PERM_PLACE_READ, out, 1), 1);
    assert_string_equal(out[0], GRID);
    assert_string_equal(out[1], "untouched");
    assert_int_equal(authz_scopes(&u, PERM_PLACE_READ, out, 0), 0);
}

/* Search filters by authz_scopes (h_place.c place_search_h); every place in a returned subtree
 * must then pass authz_allow, or search lists places that GET forbids. */
static void test_scopes_agree_with_allow(void **state)
{
    (void)state;
    static const char *const below[] = {"", "001", "00101"};
    for (int r = 0; r < ROLE__COUNT; r++) {
        struct one o;
        const char *out[4];
        one_of_role(&o, (enum role)r);
        int n = authz_scopes(&o.u, PERM_PLACE_READ, out, 4);
        for (int i = 0; i < n; i++) {
            for (size_t k = 0; k < ARRAY_LEN(below); k++) {
                char code[32];
                snprintf(code, sizeof(code), "%s%s", out[i], below[k]);
                if (strlen(code) > 17)
                    continue;
                if (!allow(&o.u, PERM_PLACE_READ, code, 0)) {
                    char what[200];
                    snprintf(what, sizeof(what),
                             "authz_scopes(%s, PERM_PLACE_READ) gives %s but authz_allow denies "
                             "%s in it",
                             role_name((enum role)r), out[i], code);
                    regression(0, what);
                }
            }
        }
    }
}

/* A cadre's scope is a set of enterprises (authz_by_enterprise): it reads and verifies the
 * cases of the enterprises it serves and nothing by place, not even in its own street, while it
 * reads places as a street role does; registries reach it through their enterprise. */
static void test_scope_enterprises(void **state)
{
    (void)state;
    struct one o;
    one_of_role(&o, ROLE_ENTERPRISE_CADRE);
    assert_true(authz_by_enterprise(&o.g));
    for (int r = 0; r < ROLE__COUNT; r++) {
        struct one x;
        one_of_role(&x, (enum role)r);
        assert_int_equal(authz_by_enterprise(&x.g), r == ROLE_ENTERPRISE_CADRE);
    }
    /* authz_serves: a binary search over the ascending set */
    static const int64_t yes[] = {3, 7, 11, 40}, no[] = {0, -1, 1, 4, 8, 12, 39, 41, 1000};
    for (size_t i = 0; i < ARRAY_LEN(yes); i++)
        assert_true(authz_serves(&o.u, yes[i]));
    for (size_t i = 0; i < ARRAY_LEN(no); i++)
        assert_false(authz_serves(&o.u, no[i]));
    assert_false(authz_serves(NULL, ENTERPRISE));
    struct one none;
    one_of_role(&none, ROLE_ENTERPRISE_CADRE);
    none.u.nenterprises = 0;
    none.u.enterprises = NULL;
    assert_false(authz_serves(&none.u, ENTERPRISE));

    static const enum perm by_ent[] = {PERM_CASE_READ, PERM_CASE_VERIFY};
    for (size_t i = 0; i < ARRAY_LEN(by_ent); i++) {
        struct target t = {.place = STREET, .enterprise = ENTERPRISE};
        assert_true(authz_allow(&o.u, by_ent[i], &t));
        t.place = STREET2; /* the enterprise decides, wherever the case lies */
        assert_true(authz_allow(&o.u, by_ent[i], &t));
        t.place = NULL;
        assert_true(authz_allow(&o.u, by_ent[i], &t));
        t.enterprise = 8;
        t.place = STREET;
        assert_false(authz_allow(&o.u, by_ent[i], &t));
        /* a case of its street with no enterprise is not its case */
        t.enterprise = 0;
        assert_false(authz_allow(&o.u, by_ent[i], &t));
        t.place = COMMUNITY;
        assert_false(authz_allow(&o.u, by_ent[i], &t));
        assert_false(authz_allow(&none.u, by_ent[i], &(struct target){.enterprise = ENTERPRISE}));
    }
    /* places as a street role: its subtree and the path above */
    assert_true(allow(&o.u, PERM_PLACE_READ, STREET, 0));
    assert_true(allow(&o.u, PERM_PLACE_READ, GRID, 0));
    assert_true(allow(&o.u, PERM_PLACE_READ, DISTRICT, 0));
    assert_false(allow(&o.u, PERM_PLACE_READ, STREET2, 0));
    /* never an office's or a handler's step */
    struct target t = {.place = STREET, .enterprise = ENTERPRISE};
    assert_false(authz_allow(&o.u, PERM_CASE_OFFICE, &t));
    assert_false(authz_allow(&o.u, PERM_CASE_HANDLE, &t));
    assert_false(authz_allow(&o.u, PERM_PII_READ, &t));
    /* registries: by the record's enterprise, never by place */
    static const uint8_t grants[ROLE__COUNT] = {
        [ROLE_ENTERPRISE_CADRE] = V_READ, [ROLE_STREET_OFFICE] = V_READ | V_WRITE};
    assert_true(authz_verb_allow(&o.u, grants, V_READ, &t));
    assert_false(authz_verb_allow(&o.u, grants, V_WRITE, &t));
    assert_false(authz_verb_allow(&o.u, grants, V_READ, &(struct target){.place = STREET}));
    assert_false(
        authz_verb_allow(&o.u, grants, V_READ, &(struct target){.place = STREET, .enterprise = 8}));
    /* a street office reaches the same record by its place */
    struct one so;
    one_of_role(&so, ROLE_STREET_OFFICE);
    assert_true(authz_verb_allow(&so.u, grants, V_WRITE, &t));
    assert_true(authz_allow(&so.u, PERM_CASE_READ, &t));
    assert_false(authz_allow(&so.u, PERM_CASE_READ, &(struct target){.enterprise = ENTERPRISE}));
    /* list filters: a cadre's cases are found by enterprise, not by a subtree */
    const char *out[4];
    assert_int_equal(authz_scopes(&o.u, PERM_CASE_READ, out, 4), 0);
    assert_int_equal(authz_scopes(&o.u, PERM_CASE_VERIFY, out, 4), 0);
    assert_int_equal(authz_scopes(&o.u, PERM_PLACE_READ, out, 4), 1);
    assert_string_equal(out[0], STREET);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_every_role_permissions),
        cmocka_unit_test(test_unscoped_permissions),
        cmocka_unit_test(test_null_and_empty_user),
        cmocka_unit_test(test_target_required_for_place_perms),
        cmocka_unit_test(test_compound_verbs),
        cmocka_unit_test(test_scope_subtree),
        cmocka_unit_test(test_scope_ancestors_read_only),
        cmocka_unit_test(test_scope_commissioner),
        cmocka_unit_test(test_scope_department),
        cmocka_unit_test(test_roles_combine),
        cmocka_unit_test(test_may_grant),
        cmocka_unit_test(test_manages),
        cmocka_unit_test(test_scopes),
        cmocka_unit_test(test_scopes_agree_with_allow),
        cmocka_unit_test(test_scope_enterprises),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
