/* authz.c - the permission table per role and the scope rule, deny by default. */
#include "domain/authz.h"
#include "core/util.h"

#include <string.h>

#define P(x) (1u << PERM_##x)
#define BASE (P(LOGIN) | P(PLACE_READ) | P(CASE_READ) | P(CASE_SUBMIT))
#define OFFICE (BASE | P(PLACE_WRITE) | P(USER_ADMIN) | P(CASE_OFFICE) | P(PII_READ))

static const unsigned role_perms[ROLE__COUNT] = {
    [ROLE_DISTRICT_ADMIN] = OFFICE | P(OPS),
    [ROLE_STREET_OFFICE] = OFFICE,
    [ROLE_COMMUNITY_OFFICE] = OFFICE,
    [ROLE_GRID_LEADER] = BASE | P(PLACE_WRITE) | P(CASE_HANDLE) | P(CASE_VERIFY),
    [ROLE_GRID_WORKER] = BASE | P(CASE_VERIFY),
    [ROLE_COMMISSIONER] = BASE,
    [ROLE_DEPT_HANDLER] = BASE | P(CASE_HANDLE),
    [ROLE_ENTERPRISE_CADRE] = BASE | P(CASE_VERIFY), /* of its enterprises' problems only */
    [ROLE_PARTY_OFFICE] = BASE, /* its power is over the party's registries (party.c) */
};

static const struct {
    const char *name, *zh;
    int scope_len;
} roles[ROLE__COUNT] = {
#define X(id, name, zh, scope_len) [ROLE_##id] = {name, zh, scope_len},
    ROLE_MAP(X)
#undef X
};

int role_from_name(const char *name, enum role *out)
{
    for (int i = 0; i < ROLE__COUNT; i++) {
        if (strcmp(roles[i].name, name) == 0) {
            *out = (enum role)i;
            return ERR_OK;
        }
    }
    return ERR_INVALID;
}

const char *role_name(enum role r)
{
    return r < ROLE__COUNT ? roles[r].name : "";
}

const char *role_label_zh(enum role r)
{
    return r < ROLE__COUNT ? roles[r].zh : "";
}

int role_scope_len(enum role r)
{
    return r < ROLE__COUNT ? roles[r].scope_len : 0;
}

/* a is b or inside b's subtree (codes are prefixes of their descendants) */
static int within(const char *a, const char *b)
{
    return strncmp(a, b, strlen(b)) == 0;
}

int authz_by_enterprise(const struct role_grant *g)
{
    return g->role == ROLE_ENTERPRISE_CADRE;
}

int authz_serves(const struct user *u, int64_t enterprise)
{
    int lo = 0, hi = u != NULL ? u->nenterprises - 1 : -1;
    while (enterprise > 0 && lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (u->enterprises[mid] == enterprise)
            return 1;
        if (u->enterprises[mid] < enterprise)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

int authz_grant_has(const struct role_grant *g, enum perm p)
{
    return (role_perms[g->role] & (1u << p)) != 0;
}

int authz_has(const struct user *u, enum perm p)
{
    if (p == PERM_PUBLIC)
        return 1;
    if (u == NULL)
        return 0;
    for (int i = 0; i < u->nroles; i++) {
        if (role_perms[u->roles[i].role] & (1u << p))
            return 1;
    }
    return 0;
}

static int grant_allows(const struct user *u, const struct role_grant *g, enum perm p,
                        const struct target *t)
{
    if (!(role_perms[g->role] & (1u << p)))
        return 0;
    if (p == PERM_LOGIN || p == PERM_OPS || p == PERM_CASE_SUBMIT)
        return 1;
    if (t == NULL)
        return 0;
    if (authz_by_enterprise(g) && p != PERM_PLACE_READ)
        /* cadres reach cases through the enterprises they serve, nothing by place */
        return authz_serves(u, t->enterprise);
    if (g->role == ROLE_DEPT_HANDLER && (p == PERM_CASE_READ || p == PERM_CASE_HANDLE))
        /* department handlers reach cases only through their department */
        return t->dept != NULL && strncmp(g->scope, "dept:", 5) == 0 &&
               strcmp(g->scope + 5, t->dept) == 0;
    if (t->place == NULL)
        return 0;
    if (g->compound != 0) {
        /* a compound scope: that compound, and the places on the way up to it */
        if (t->compound != 0)
            return t->compound == g->compound;
        return p == PERM_PLACE_READ && within(g->place, t->place);
    }
    if (within(t->place, g->place))
        return 1;
    /* reading the path above one's own scope is allowed (a grid worker sees its community) */
    return p == PERM_PLACE_READ && t->compound == 0 && within(g->place, t->place);
}

int authz_allow(const struct user *u, enum perm p, const struct target *t)
{
    if (p == PERM_PUBLIC)
        return 1;
    if (u == NULL)
        return 0;
    for (int i = 0; i < u->nroles; i++) {
        if (grant_allows(u, &u->roles[i], p, t))
            return 1;
    }
    return 0;
}

int authz_may_grant(const struct user *granter, enum role r, const char *place)
{
    if (granter == NULL)
        return 0;
    /* only district admins make district admins; others grant inside their own subtree */
    if (r == ROLE_DISTRICT_ADMIN) {
        for (int i = 0; i < granter->nroles; i++) {
            if (granter->roles[i].role == ROLE_DISTRICT_ADMIN &&
                within(place, granter->roles[i].place))
                return 1;
        }
        return 0;
    }
    struct target t = {.place = place};
    return authz_allow(granter, PERM_USER_ADMIN, &t);
}

int authz_manages(const struct user *admin, const struct user *u, enum authz_how how)
{
    int in_scope = 0;
    if (admin == NULL || u == NULL)
        return 0;
    for (int i = 0; i < u->nroles; i++) {
        struct target t = {.place = u->roles[i].place};
        int ok = authz_allow(admin, PERM_USER_ADMIN, &t) &&
                 (how == AUTHZ_SEE || authz_may_grant(admin, u->roles[i].role, u->roles[i].place));
        if (ok && how == AUTHZ_SEE)
            return 1;
        if (!ok && how == AUTHZ_CHANGE)
            return 0;
        in_scope += ok;
    }
    if (in_scope > 0)
        return 1;
    /* a user without roles is managed by district administrators only */
    for (int i = 0; u->nroles == 0 && i < admin->nroles; i++) {
        if (admin->roles[i].role == ROLE_DISTRICT_ADMIN)
            return 1;
    }
    return 0;
}

int authz_scopes(const struct user *u, enum perm p, const char **out, int max)
{
    int n = 0;
    for (int i = 0; u != NULL && i < u->nroles && n < max; i++) {
        const struct role_grant *g = &u->roles[i];
        if (!(role_perms[g->role] & (1u << p)))
            continue;
        /* compound scopes cover no subtree; department handlers reach cases by department,
         * cadres by enterprise */
        if (g->compound != 0 || (authz_by_enterprise(g) && p != PERM_PLACE_READ) ||
            (g->role == ROLE_DEPT_HANDLER && (p == PERM_CASE_READ || p == PERM_CASE_HANDLE)))
            continue;
        out[n++] = g->place;
    }
    return n;
}

int authz_verb_has(const struct user *u, const uint8_t grants[ROLE__COUNT], unsigned verb)
{
    for (int i = 0; u != NULL && i < u->nroles; i++) {
        if ((grants[u->roles[i].role] & verb) == verb)
            return 1;
    }
    return 0;
}

int authz_verb_allow(const struct user *u, const uint8_t grants[ROLE__COUNT], unsigned verb,
                     const struct target *t)
{
    for (int i = 0; u != NULL && t != NULL && i < u->nroles; i++) {
        const struct role_grant *g = &u->roles[i];
        if ((grants[g->role] & verb) != verb || strncmp(g->scope, "dept:", 5) == 0)
            continue;
        if (authz_by_enterprise(g)) {
            if (authz_serves(u, t->enterprise))
                return 1;
            continue;
        }
        if (g->compound != 0) {
            if (t->compound != 0 && t->compound == g->compound)
                return 1;
            continue;
        }
        if (t->place != NULL && within(t->place, g->place))
            return 1;
    }
    return 0;
}
