/* authz.h - roles, permissions and scope: the one place that decides who may do what where.
 * Deny by default: a role grants a permission only inside the subtree of its scope node. */
#ifndef GG_AUTHZ_H
#define GG_AUTHZ_H

#include <stdint.h>

#include "core/err.h"

#define ROLE_MAP(X)                                                                                \
    X(DISTRICT_ADMIN, "district_admin", "区管理员", 6)                                             \
    X(STREET_OFFICE, "street_office", "街道微治办", 9)                                             \
    X(COMMUNITY_OFFICE, "community_office", "社区微治办", 12)                                      \
    X(GRID_LEADER, "grid_leader", "网格长", 15)                                                    \
    X(GRID_WORKER, "grid_worker", "网格员", 15)                                                    \
    X(COMMISSIONER, "commissioner", "小区专员", 0)                                                 \
    X(DEPT_HANDLER, "dept_handler", "部门承办人", 0)                                               \
    X(ENTERPRISE_CADRE, "enterprise_cadre", "驻企服务员", 9)                                       \
    X(PARTY_OFFICE, "party_office", "党建办", 9)

enum role {
#define X(id, name, zh, scope_len) ROLE_##id,
    ROLE_MAP(X)
#undef X
        ROLE__COUNT
};

enum perm {
    PERM_PUBLIC,      /* no login needed */
    PERM_LOGIN,       /* any logged-in user */
    PERM_PLACE_READ,  /* places and their path */
    PERM_PLACE_WRITE, /* create and rename places below the scope */
    PERM_USER_ADMIN,  /* users and role grants inside the scope */
    PERM_OPS,         /* catalogue, calendar, API keys, webhooks: district operations */
    PERM_CASE_READ,   /* cases at places in scope (department handlers: their department's) */
    PERM_CASE_SUBMIT, /* report a case as staff */
    PERM_CASE_OFFICE, /* 微治办: accept, reject, merge, dispatch, approve, close */
    PERM_CASE_HANDLE, /* department handler, or the grid leader for cases sent to the grid */
    PERM_CASE_VERIFY, /* on-site check by the case's grid */
    PERM_PII_READ,    /* unmasked identity-card and phone numbers (each read is audited) */
    PERM__COUNT
};

/* A grant's scope is a place subtree, a compound ("compound:ID") or a department ("dept:CODE"),
 * except for the roles whose reach is a set of enterprises (authz_by_enterprise): the
 * enterprise-service cadre reads and verifies only the enterprises assigned to it
 * (user->enterprises, loaded with the session) and the cases raised for them; its place bounds
 * which enterprises it may be assigned and which places it reads. */
struct role_grant {
    enum role role;
    const char *scope; /* as granted: place code, "compound:ID", "dept:CODE" */
    const char *place; /* the place the scope covers */
    int64_t compound;  /* compound scope, else 0 */
};

struct user {
    int64_t id;
    const char *username, *display_name;
    int disabled;
    struct role_grant *roles;
    int nroles;
    const int64_t *enterprises; /* served as an enterprise-service cadre, ascending */
    int nenterprises;
    int64_t expires_at; /* of the session it was loaded through (session_user), else 0 */
};

/* What a request touches: a place, a compound when the object is one, and the department a
 * case is assigned to (department handlers act on cases only through their department). */
struct target {
    const char *place;
    int64_t compound;
    const char *dept;
    int64_t enterprise; /* the enterprise the object belongs to (a visit, a case raised for it) */
};

int role_from_name(const char *name, enum role *out);
const char *role_name(enum role r);
const char *role_label_zh(enum role r);
/* Required scope for a role: the code length of its place, or 0 for compound/dept scopes. */
int role_scope_len(enum role r);

/* Is g's scope a set of enterprises rather than a place (enterprise-service cadres)? */
int authz_by_enterprise(const struct role_grant *g);
/* Is enterprise among the ones u serves? */
int authz_serves(const struct user *u, int64_t enterprise);

/* Does this one grant carry permission p (anywhere in its scope)? */
int authz_grant_has(const struct role_grant *g, enum perm p);
/* Does any role of u grant p somewhere? (the route-level check) */
int authz_has(const struct user *u, enum perm p);
/* May u do p on t? The scoped check every handler makes before it reads or writes. */
int authz_allow(const struct user *u, enum perm p, const struct target *t);
/* May granter give role r at place? (no one grants above their own scope or power) */
int authz_may_grant(const struct user *granter, enum role r, const char *place);
/* An administrator sees a user when one of the user's roles lies in the administrator's
 * user-admin scope, and changes a user only when every role does and each could be granted by
 * the administrator, so no one takes over an account that holds more than they may give. A user
 * without roles is seen and changed by district administrators only. */
enum authz_how { AUTHZ_SEE, AUTHZ_CHANGE };
int authz_manages(const struct user *admin, const struct user *u, enum authz_how how);
/* Registries (registry.h): a permission is a registry and a verb; grants is the registry's row of
 * verbs per role, so registries add no permission bits here. A grant scoped to a department
 * reaches no registry record by place; one scoped to a compound reaches t->compound only. */
int authz_verb_has(const struct user *u, const uint8_t grants[ROLE__COUNT], unsigned verb);
int authz_verb_allow(const struct user *u, const uint8_t grants[ROLE__COUNT], unsigned verb,
                     const struct target *t);

/* The place codes whose subtrees u may list with p (for search filters); returns count. */
int authz_scopes(const struct user *u, enum perm p, const char **out, int max);

#endif
