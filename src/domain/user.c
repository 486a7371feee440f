/* user.c - accounts, grants, sessions and login throttling. */
#include "domain/user.h"
#include "domain/place.h"
#include "domain/grid_counters.h"
#include "core/json.h"
#include "core/util.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int password_check(const char *pw, struct err *e)
{
    long n = utf8_chars(pw);
    if (n < PASSWORD_MIN)
        return err_set(e, ERR_INVALID, "password", "the password needs at least %d characters",
                       PASSWORD_MIN);
    if (n > 128)
        return err_set(e, ERR_INVALID, "password", "the password is longer than 128 characters");
    return ERR_OK;
}

/* Argon2id with OWASP's 19 MiB and two passes (libsodium's "interactive" takes 64 MiB, more
 * than the whole server otherwise holds), and at most PW_SLOTS hashes at once, so a burst of
 * logins costs PW_SLOTS x 19 MiB at most (docs/decisions.md, "Passwords take 19 MiB"). */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT ((size_t)19 << 20)
#define PW_SLOTS 2

static sem_t pw_slots;
static pthread_once_t pw_once = PTHREAD_ONCE_INIT;

static void pw_slots_init(void)
{
    sem_init(&pw_slots, 0, PW_SLOTS);
}

static void pw_enter(void)
{
    pthread_once(&pw_once, pw_slots_init);
    while (sem_wait(&pw_slots) != 0 && errno == EINTR)
        ;
}

int password_hash(const char *pw, char out[crypto_pwhash_STRBYTES], struct err *e)
{
    pw_enter();
    int rc = crypto_pwhash_str(out, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT);
    sem_post(&pw_slots);
    if (rc != 0)
        return err_set(e, ERR_INTERNAL, NULL, "password hashing failed (out of memory)");
    return ERR_OK;
}

int password_verify(const char *hash, const char *pw)
{
    pw_enter();
    int rc = crypto_pwhash_str_verify(hash, pw, strlen(pw));
    sem_post(&pw_slots);
    return rc == 0;
}

int password_needs_rehash(const char *hash)
{
    return crypto_pwhash_str_needs_rehash(hash, PW_OPSLIMIT, PW_MEMLIMIT) != 0;
}

int username_check(const char *name, struct err *e)
{
    size_t n = strlen(name);
    if (n < 3 || n > 32 || name[0] < 'a' || name[0] > 'z')
        return err_set(e, ERR_INVALID, "username",
                       "a username has 3 to 32 characters and starts with a letter a-z");
    for (const char *p = name; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
              *p == '-'))
            return err_set(e, ERR_INVALID, "username",
                           "a username uses only a-z, 0-9, '_', '.' and '-'");
    }
    return ERR_OK;
}

int grant_resolve(struct db *db, struct arena *a, enum role r, const char *scope,
                  const char **place, int64_t *compound, struct err *e)
{
    struct dbrows rows;
    int rc;
    *compound = 0;
    if (r == ROLE_COMMISSIONER) {
        char *end;
        if (strncmp(scope, "compound:", 9) != 0 || (strtoll(scope + 9, &end, 10), *end) ||
            scope[9] == '\0')
            return err_set(e, ERR_INVALID, "scope", "a commissioner's scope is compound:ID");
        *compound = strtoll(scope + 9, NULL, 10);
        rc = db_query(db, a, &rows, e, "SELECT community_code FROM compounds WHERE id = ?",
                      DB_ARGS(DBI(*compound)));
        if (rc != ERR_OK)
            return rc;
        if (rows.nrows == 0)
            return err_set(e, ERR_INVALID, "scope", "no compound %lld", (long long)*compound);
        *place = dbrows_get(&rows, 0, 0);
        return ERR_OK;
    }
    if (r == ROLE_DEPT_HANDLER) {
        if (strncmp(scope, "dept:", 5) != 0)
            return err_set(e, ERR_INVALID, "scope", "a department handler's scope is dept:CODE");
        rc = db_query(db, a, &rows, e, "SELECT place_code FROM departments WHERE code = ?",
                      DB_ARGS(DBS(scope + 5)));
        if (rc != ERR_OK)
            return rc;
        if (rows.nrows == 0)
            return err_set(e, ERR_INVALID, "scope", "no department %.40s", scope + 5);
        *place = dbrows_get(&rows, 0, 0);
        return ERR_OK;
    }
    if (place_code_check(scope, "scope", e) != ERR_OK)
        return e->code;
    size_t want = (size_t)role_scope_len(r);
    if (r == ROLE_ENTERPRISE_CADRE || r == ROLE_PARTY_OFFICE ? strlen(scope) > want
                                                             : strlen(scope) != want)
        return err_set(e, ERR_INVALID, "scope", "a %s's scope is a place code of %zu digits",
                       role_name(r), want);
    rc = db_query(db, a, &rows, e, "SELECT code FROM places WHERE code = ?", DB_ARGS(DBS(scope)));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows == 0)
        return err_set(e, ERR_INVALID, "scope", "no place %.20s", scope);
    *place = scope;
    return ERR_OK;
}

/* When the role was granted: kept for a grant the account had already (the grid workers of a
 * grid are counted from their grant), now for a new one. */
static int64_t granted_at(const struct dbrows *old, const char *role, const char *scope,
                          int64_t now)
{
    for (int i = 0; i < old->nrows; i++)
        if (strcmp(dbrows_get(old, i, 0), role) == 0 && strcmp(dbrows_get(old, i, 1), scope) == 0)
            return dbrows_int(old, i, 2);
    return now;
}

static int grants_store(struct db *db, int64_t id, const struct user_input *in, struct err *e)
{
    struct arena a;
    struct dbrows old;
    int64_t now = time(NULL);
    arena_init(&a, 0);
    int rc = db_query(db, &a, &old, e,
                      "SELECT role, scope, granted_at FROM user_roles WHERE user_id = ?",
                      DB_ARGS(DBI(id)));
    if (rc == ERR_OK)
        rc = db_exec(db, e, "DELETE FROM user_roles WHERE user_id = ?", DB_ARGS(DBI(id)));
    if (rc < 0) {
        arena_free(&a);
        return rc;
    }
    for (int i = 0; i < in->ngrants; i++) {
        const char *place;
        int64_t compound;
        rc = grant_resolve(db, &a, in->grants[i].role, in->grants[i].scope, &place, &compound, e);
        if (rc != ERR_OK)
            break;
        const char *role = role_name(in->grants[i].role);
        rc = db_exec(db, e,
                     "INSERT INTO user_roles (user_id, role, scope, place_code, compound_id, "
                     "granted_at) VALUES (?, ?, ?, ?, ?, ?)",
                     DB_ARGS(DBI(id), DBS(role), DBS(in->grants[i].scope), DBS(place),
                             compound ? DBI(compound) : DBNULL,
                             DBI(granted_at(&old, role, in->grants[i].scope, now))));
        if (rc == ERR_CONFLICT)
            rc = err_set(e, ERR_INVALID, "roles", "role %s at %s is given twice",
                         role_name(in->grants[i].role), in->grants[i].scope);
        if (rc < 0)
            break;
        rc = ERR_OK;
    }
    arena_free(&a);
    return rc;
}

int user_insert(struct db *db, struct user_input *in, int64_t *id, struct err *e)
{
    struct arena a;
    struct dbrows r;
    int64_t now = time(NULL);
    arena_init(&a, 0);
    int rc = db_query(db, &a, &r, e,
                      "INSERT INTO users (username, display_name, pw_hash, phone, disabled, "
                      "created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?) RETURNING id",
                      DB_ARGS(DBS(in->username), DBS(in->display_name), DBS(in->pw_hash),
                              DBS(in->phone ? in->phone : ""), DBI(now), DBI(now)));
    if (rc == ERR_CONFLICT)
        err_set(e, ERR_CONFLICT, "username", "user %s already exists", in->username);
    if (rc == ERR_OK) {
        *id = dbrows_int(&r, 0, 0);
        rc = grants_store(db, *id, in, e);
    }
    if (rc == ERR_OK)
        rc = grid_counted_workers(db, *id, +1, e);
    arena_free(&a);
    return rc;
}

int user_rehash_password(struct db *db, int64_t id, const char *old_hash, const char *new_hash,
                         struct err *e)
{
    int rc = db_exec(db, e, "UPDATE users SET pw_hash = ? WHERE id = ? AND pw_hash = ?",
                     DB_ARGS(DBS(new_hash), DBI(id), DBS(old_hash)));
    return rc < 0 ? rc : ERR_OK;
}

int user_set_password(struct db *db, const char *username, const char *pw_hash, struct err *e)
{
    int rc = db_exec(db, e, "UPDATE users SET pw_hash = ?, updated_at = ? WHERE username = ?",
                     DB_ARGS(DBS(pw_hash), DBI(time(NULL)), DBS(username)));
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "username", "no user %.40s", username);
    if (rc < 0)
        return rc;
    /* a new password ends every session of the account */
    rc = db_exec(db, e,
                 "UPDATE sessions SET revoked = 1 WHERE user_id = (SELECT id FROM users WHERE "
                 "username = ?)",
                 DB_ARGS(DBS(username)));
    return rc < 0 ? rc : ERR_OK;
}

int user_update(struct db *db, int64_t id, struct user_input *in, struct err *e)
{
    /* the grid-worker roles as counted: taken back here, added again as they end up */
    int rc = grid_counted_workers(db, id, -1, e);
    if (rc != ERR_OK)
        return rc;
    rc = db_exec(db, e,
                 "UPDATE users SET display_name = coalesce(?, display_name), phone = "
                 "coalesce(?, phone), disabled = CASE WHEN ? < 0 THEN disabled ELSE ? END, "
                 "updated_at = ? WHERE id = ?",
                 DB_ARGS(DBS(in->display_name), DBS(in->phone), DBI(in->disabled),
                         DBI(in->disabled), DBI(time(NULL)), DBI(id)));
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "id", "no user %lld", (long long)id);
    if (rc < 0)
        return rc;
    if (in->disabled == 1) {
        rc = db_exec(db, e, "UPDATE sessions SET revoked = 1 WHERE user_id = ?", DB_ARGS(DBI(id)));
        if (rc < 0)
            return rc;
    }
    if (in->grants && (rc = grants_store(db, id, in, e)) != ERR_OK)
        return rc;
    return grid_counted_workers(db, id, +1, e);
}

/* The enterprises u serves when a role of u reaches enterprises, not places (authz.h). */
static int served_load(struct db *db, struct arena *a, struct user *u, struct err *e)
{
    struct dbrows r;
    int any = 0;
    u->enterprises = NULL;
    u->nenterprises = 0;
    for (int i = 0; i < u->nroles; i++)
        any |= authz_by_enterprise(&u->roles[i]);
    if (!any)
        return ERR_OK;
    int rc = db_query(db, a, &r, e,
                      "SELECT enterprise_id FROM cadre_assignments WHERE user_id = ? ORDER BY "
                      "enterprise_id",
                      DB_ARGS(DBI(u->id)));
    if (rc != ERR_OK)
        return rc;
    int64_t *ids = arena_alloc(a, sizeof(int64_t) * (size_t)(r.nrows + 1));
    for (int i = 0; i < r.nrows; i++)
        ids[i] = dbrows_int(&r, i, 0);
    u->enterprises = ids;
    u->nenterprises = r.nrows;
    return ERR_OK;
}

static int roles_load(struct db *db, struct arena *a, struct user *u, struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e,
                      "SELECT role, scope, place_code, compound_id FROM user_roles WHERE user_id "
                      "= ? ORDER BY role, scope",
                      DB_ARGS(DBI(u->id)));
    if (rc != ERR_OK)
        return rc;
    u->roles = arena_alloc(a, sizeof(struct role_grant) * (size_t)(r.nrows + 1));
    u->nroles = 0;
    for (int i = 0; i < r.nrows; i++) {
        struct role_grant *g = &u->roles[u->nroles];
        if (role_from_name(dbrows_get(&r, i, 0), &g->role) != ERR_OK)
            continue;
        g->scope = dbrows_get(&r, i, 1);
        g->place = dbrows_get(&r, i, 2);
        g->compound = dbrows_int(&r, i, 3);
        u->nroles++;
    }
    return served_load(db, a, u, e);
}

int user_get(struct db *db, struct arena *a, int64_t id, struct user *out, struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e,
                      "SELECT id, username, display_name, disabled FROM users WHERE id = ?",
                      DB_ARGS(DBI(id)));
    if (rc != ERR_OK)
        return rc;
    if (r.nrows == 0)
        return err_set(e, ERR_NOT_FOUND, "id", "no user %lld", (long long)id);
    out->id = id;
    out->username = dbrows_get(&r, 0, 1);
    out->display_name = dbrows_get(&r, 0, 2);
    out->disabled = (int)dbrows_int(&r, 0, 3);
    return roles_load(db, a, out, e);
}

int user_list(struct db *db, struct arena *a, struct user **out, int *n, struct err *e)
{
    struct dbrows r;
    int rc =
        db_query(db, a, &r, e, "SELECT id, username, display_name, disabled FROM users ORDER BY id",
                 DB_NOARGS);
    if (rc != ERR_OK)
        return rc;
    *out = arena_alloc(a, sizeof(struct user) * (size_t)(r.nrows + 1));
    for (int i = 0; i < r.nrows; i++) {
        struct user *u = &(*out)[i];
        u->id = dbrows_int(&r, i, 0);
        u->username = dbrows_get(&r, i, 1);
        u->display_name = dbrows_get(&r, i, 2);
        u->disabled = (int)dbrows_int(&r, i, 3);
        if ((rc = roles_load(db, a, u, e)) != ERR_OK)
            return rc;
    }
    *n = r.nrows;
    return ERR_OK;
}

int user_pw_hash(struct db *db, struct arena *a, const char *username, int64_t *id,
                 const char **hash, struct err *e)
{
    struct dbrows r;
    int rc =
        db_query(db, a, &r, e, "SELECT id, pw_hash FROM users WHERE username = ? AND disabled = 0",
                 DB_ARGS(DBS(username)));
    if (rc != ERR_OK)
        return rc;
    if (r.nrows == 0)
        return err_set(e, ERR_NOT_FOUND, "username", "no such user");
    *id = dbrows_int(&r, 0, 0);
    *hash = dbrows_get(&r, 0, 1);
    return ERR_OK;
}

json_t *user_json(const struct user *u)
{
    json_t *roles = json_array();
    for (int i = 0; i < u->nroles; i++)
        json_array_append_new(roles,
                              json_pack("{s:s, s:s, s:s, s:s}", "role", role_name(u->roles[i].role),
                                        "label", role_label_zh(u->roles[i].role), "scope",
                                        u->roles[i].scope, "place", u->roles[i].place));
    return json_pack("{s:I, s:s, s:s, s:b, s:o}", "id", (json_int_t)u->id, "username", u->username,
                     "display_name", u->display_name, "disabled", u->disabled, "roles", roles);
}

int session_insert(struct db *db, int64_t user_id, const char *token_hash, int64_t expires_at,
                   struct err *e)
{
    int rc = db_exec(db, e,
                     "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES "
                     "(?, ?, ?, ?)",
                     DB_ARGS(DBS(token_hash), DBI(user_id), DBI(time(NULL)), DBI(expires_at)));
    return rc < 0 ? rc : ERR_OK;
}

int session_revoke(struct db *db, const char *token_hash, struct err *e)
{
    int rc = db_exec(db, e, "UPDATE sessions SET revoked = 1 WHERE token_hash = ? AND revoked = 0",
                     DB_ARGS(DBS(token_hash)));
    if (rc == 0)
        return err_set(e, ERR_UNAUTHORIZED, NULL, "the session has already ended");
    return rc < 0 ? rc : ERR_OK;
}

int session_user(struct db *db, struct arena *a, const char *token_hash, struct user *out,
                 struct err *e)
{
    struct dbrows r;
    int rc = db_query(
        db, a, &r, e,
        "SELECT u.id, u.username, u.display_name, r.role, r.scope, r.place_code, "
        "r.compound_id, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN "
        "user_roles r ON r.user_id = u.id WHERE s.token_hash = ? AND s.revoked = 0 "
        "AND s.expires_at > ? AND u.disabled = 0 ORDER BY r.role, r.scope",
        DB_ARGS(DBS(token_hash), DBI(time(NULL))));
    if (rc != ERR_OK)
        return rc;
    if (r.nrows == 0)
        return err_set(e, ERR_UNAUTHORIZED, NULL, "the token is unknown, expired or revoked");
    out->id = dbrows_int(&r, 0, 0);
    out->username = dbrows_get(&r, 0, 1);
    out->display_name = dbrows_get(&r, 0, 2);
    out->expires_at = dbrows_int(&r, 0, 7);
    out->disabled = 0; /* the query takes enabled users only; the caller's struct is not cleared */
    out->roles = arena_alloc(a, sizeof(struct role_grant) * (size_t)r.nrows);
    out->nroles = 0;
    for (int i = 0; i < r.nrows; i++) {
        const char *role = dbrows_get(&r, i, 3);
        struct role_grant *g = &out->roles[out->nroles];
        if (role == NULL || role_from_name(role, &g->role) != ERR_OK)
            continue;
        g->scope = dbrows_get(&r, i, 4);
        g->place = dbrows_get(&r, i, 5);
        g->compound = dbrows_int(&r, i, 6);
        out->nroles++;
    }
    return served_load(db, a, out, e);
}

int login_failures(struct db *db, const char *key, int64_t *count, struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc = db_query(db, &a, &r, e, "SELECT count(*) FROM login_failures WHERE key = ? AND at > ?",
                      DB_ARGS(DBS(key), DBI(time(NULL) - LOGIN_WINDOW)));
    if (rc == ERR_OK)
        *count = dbrows_int(&r, 0, 0);
    arena_free(&a);
    return rc;
}

int login_failures_clear(struct db *db, const char *key, struct err *e)
{
    int rc = db_exec(db, e, "DELETE FROM login_failures WHERE key = ?", DB_ARGS(DBS(key)));
    return rc < 0 ? rc : ERR_OK;
}

int login_attempt_reserve(struct db *db, void *attempt, struct err *e)
{
    struct login_attempt *at = attempt;
    int64_t now = time(NULL);
    int pg = strcmp(db_backend(db), "postgres") == 0;
    struct arena a;
    arena_init(&a, 0);
    int rc = ERR_OK;
    for (int i = 0; i < 2 && rc == ERR_OK; i++) {
        struct dbrows r;
        /* SQLite: the write transaction is BEGIN IMMEDIATE, writers are serialised already.
         * PostgreSQL: a transaction lock per key (taken in the same order by everyone). */
        if (pg)
            rc = db_query(db, &a, &r, e,
                          "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(?)))"
                          " l",
                          DB_ARGS(DBS(at->keys[i])));
        if (rc == ERR_OK)
            rc = login_failures(db, at->keys[i], &at->ids[i], e);
        if (rc == ERR_OK && at->ids[i] >= (i == 0 ? LOGIN_MAX_USER : LOGIN_MAX_IP))
            rc = err_set(e, ERR_THROTTLED, NULL, "too many failed logins; try again in 15 minutes");
    }
    for (int i = 0; i < 2 && rc == ERR_OK; i++) {
        struct dbrows r;
        rc = db_exec(db, e, "DELETE FROM login_failures WHERE key = ? AND at <= ?",
                     DB_ARGS(DBS(at->keys[i]), DBI(now - LOGIN_WINDOW)));
        if (rc >= 0)
            rc = db_query(db, &a, &r, e,
                          "INSERT INTO login_failures (key, at) VALUES (?, ?) RETURNING id",
                          DB_ARGS(DBS(at->keys[i]), DBI(now)));
        if (rc == ERR_OK)
            at->ids[i] = dbrows_int(&r, 0, 0);
    }
    arena_free(&a);
    return rc < 0 ? rc : ERR_OK;
}

int login_attempt_succeeded(struct db *db, void *attempt, struct err *e)
{
    struct login_attempt *at = attempt;
    int rc = db_exec(db, e, "DELETE FROM login_failures WHERE id = ?", DB_ARGS(DBI(at->ids[1])));
    if (rc >= 0)
        rc = login_failures_clear(db, at->keys[0], e);
    return rc < 0 ? rc : ERR_OK;
}
