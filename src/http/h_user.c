/* h_user.c - user and role administration inside the administrator's scope. */
#include "http/http.h"
#include "core/json.h"
#include "domain/user.h"

#include <stdlib.h>
#include <string.h>

int roles_h(struct req *rq)
{
    json_t *items = json_array();
    for (int r = 0; r < ROLE__COUNT; r++) {
        int len = role_scope_len((enum role)r);
        const char *scope = r == ROLE_COMMISSIONER   ? "compound:ID"
                            : r == ROLE_DEPT_HANDLER ? "dept:CODE"
                            : len == 6               ? "district"
                            : len == 9               ? "town"
                            : len == 12              ? "community"
                                                     : "grid";
        json_array_append_new(items,
                              json_pack("{s:s, s:s, s:s}", "role", role_name((enum role)r), "label",
                                        role_label_zh((enum role)r), "scope", scope));
    }
    return reply_json(rq, 200, json_pack("{s:o}", "items", items));
}

int user_list_h(struct req *rq)
{
    struct err e = {0};
    struct user *us;
    int n;
    if (user_list(req_db(rq), &rq->arena, &us, &n, &e) != ERR_OK)
        return reply_err(rq, &e);
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        if (authz_manages(rq->user, &us[i], AUTHZ_SEE))
            json_array_append_new(items, user_json(&us[i]));
    }
    return reply_json(rq, 200, json_pack("{s:o}", "items", items));
}

int user_get_h(struct req *rq)
{
    struct err e = {0};
    struct user u;
    int64_t id;
    if (req_param_id(rq, 0, &id) != ERR_OK)
        return -1;
    if (user_get(req_db(rq), &rq->arena, id, &u, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (u.id != rq->user->id && !authz_manages(rq->user, &u, AUTHZ_SEE))
        return reply_code(rq, ERR_FORBIDDEN, NULL, "outside your scope");
    return reply_json(rq, 200, user_json(&u));
}

/* Parse "roles": [{"role","scope"}] and check the caller may grant each one. */
static int grants_from_json(struct req *rq, struct user_input *in, struct err *e)
{
    json_t *roles = json_object_get(rq->json, "roles");
    if (roles == NULL)
        return ERR_OK;
    if (!json_is_array(roles) || json_array_size(roles) > 16)
        return err_set(e, ERR_INVALID, "roles", "'roles' must be a list of {role, scope}");
    in->ngrants = (int)json_array_size(roles);
    in->grants = arena_alloc(&rq->arena, sizeof(struct grant_input) * (size_t)(in->ngrants + 1));
    for (int i = 0; i < in->ngrants; i++) {
        static const char *const keys[] = {"role", "scope", NULL};
        json_t *g = json_array_get(roles, (size_t)i);
        const char *role = NULL, *scope = NULL, *place;
        int64_t compound;
        if (!json_is_object(g))
            return err_set(e, ERR_INVALID, "roles", "'roles' must be a list of {role, scope}");
        if (json_only_keys(g, keys, e) || json_get_str(g, "role", 1, 32, &role, e) ||
            json_get_str(g, "scope", 1, 40, &scope, e))
            return e->code;
        if (role_from_name(role, &in->grants[i].role) != ERR_OK)
            return err_set(e, ERR_INVALID, "role", "unknown role '%.32s'", role);
        in->grants[i].scope = scope;
        if (grant_resolve(req_db(rq), &rq->arena, in->grants[i].role, scope, &place, &compound,
                          e) != ERR_OK)
            return e->code;
        if (!authz_may_grant(rq->user, in->grants[i].role, place))
            return err_set(e, ERR_FORBIDDEN, "roles", "you may not grant %s at %s", role, scope);
    }
    return ERR_OK;
}

struct user_write {
    struct user_input in;
    int64_t id;
    const char *password;
};

static int user_insert_fn(struct db *db, void *arg, struct err *e)
{
    struct user_write *w = arg;
    return user_insert(db, &w->in, &w->id, e);
}

static int user_update_fn(struct db *db, void *arg, struct err *e)
{
    struct user_write *w = arg;
    int rc = user_update(db, w->id, &w->in, e);
    if (rc == ERR_OK && w->password != NULL)
        rc = user_set_password(db, w->in.username, w->in.pw_hash, e);
    return rc;
}

static int reply_user(struct req *rq, int status, int64_t id)
{
    struct err e = {0};
    struct user u;
    if (user_get(req_db(rq), &rq->arena, id, &u, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, status, user_json(&u));
}

/* POST /api/v1/users {username, display_name, password, phone, roles} */
int user_create_h(struct req *rq)
{
    static const char *const keys[] = {"username", "display_name", "password",
                                       "phone",    "roles",        NULL};
    struct err e = {0};
    struct user_write w = {0};
    const char *pw = NULL;

    if (json_only_keys(rq->json, keys, &e) ||
        json_get_str(rq->json, "username", 1, 32, &w.in.username, &e) ||
        username_check(w.in.username, &e) ||
        json_get_str(rq->json, "display_name", 1, 40, &w.in.display_name, &e) ||
        json_get_str(rq->json, "password", 1, 128, &pw, &e) || password_check(pw, &e) ||
        json_get_str(rq->json, "phone", 0, 20, &w.in.phone, &e) || grants_from_json(rq, &w.in, &e))
        return reply_err(rq, &e);
    if (w.in.ngrants == 0)
        return reply_code(rq, ERR_INVALID, "roles", "a user needs at least one role");
    if (password_hash(pw, w.in.pw_hash, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (req_write(rq, user_insert_fn, &w, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_user(rq, 201, w.id);
}

/* PATCH /api/v1/users/{id} {display_name, phone, disabled, roles, password} */
int user_update_h(struct req *rq)
{
    static const char *const keys[] = {"display_name", "phone",    "disabled",
                                       "roles",        "password", NULL};
    struct err e = {0};
    struct user_write w = {.in = {.disabled = -1}};
    struct user u;

    if (req_param_id(rq, 0, &w.id) != ERR_OK)
        return -1;
    if (user_get(req_db(rq), &rq->arena, w.id, &u, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (!authz_manages(rq->user, &u, AUTHZ_CHANGE))
        return reply_code(rq, ERR_FORBIDDEN, NULL, "outside your scope");
    w.in.username = u.username;
    if (json_only_keys(rq->json, keys, &e) ||
        json_get_str(rq->json, "display_name", 0, 40, &w.in.display_name, &e) ||
        json_get_str(rq->json, "phone", 0, 20, &w.in.phone, &e) ||
        json_get_bool(rq->json, "disabled", 0, &w.in.disabled, &e) ||
        json_get_str(rq->json, "password", 0, 128, &w.password, &e) ||
        (w.password && password_check(w.password, &e)) || grants_from_json(rq, &w.in, &e))
        return reply_err(rq, &e);
    if (w.in.grants != NULL && w.in.ngrants == 0)
        return reply_code(rq, ERR_INVALID, "roles", "a user needs at least one role");
    if (w.id == rq->user->id && w.in.disabled == 1)
        return reply_code(rq, ERR_INVALID, "disabled", "you cannot disable yourself");
    if (w.password && password_hash(w.password, w.in.pw_hash, &e) != ERR_OK)
        return reply_err(rq, &e);
    if (req_write(rq, user_update_fn, &w, &e) != ERR_OK)
        return reply_err(rq, &e);
    session_cache_forget_user(w.id); /* a disabled user, a new password or new roles */
    return reply_user(rq, 200, w.id);
}
