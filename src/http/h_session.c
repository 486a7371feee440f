/* h_session.c - login (POST /api/v1/session), whoami (GET) and logout (DELETE), with login
 * throttling per username and per client address. */
#include "http/http.h"
#include "core/json.h"
#include "core/util.h"
#include "domain/user.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct login_ctx {
    struct login_attempt at;
    int64_t user_id;
    const char *token_hash;
    int64_t expires_at;
    const char *old_hash, *new_hash; /* a hash made with older parameters, and its successor */
};

static int login_ok_fn(struct db *db, void *arg, struct err *e)
{
    struct login_ctx *c = arg;
    int rc = session_insert(db, c->user_id, c->token_hash, c->expires_at, e);
    if (rc == ERR_OK)
        rc = login_attempt_succeeded(db, &c->at, e);
    if (rc == ERR_OK && c->new_hash != NULL)
        rc = user_rehash_password(db, c->user_id, c->old_hash, c->new_hash, e);
    return rc;
}

/* A hash to verify against when the user does not exist, so timing does not tell. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void dummy_init(void)
{
    struct err e;
    password_hash("not-a-real-password", dummy_hash, &e);
}

int session_create_h(struct req *rq)
{
    static const char *const keys[] = {"username", "password", NULL};
    struct err e = {0};
    const char *username = NULL, *password = NULL, *hash = NULL;
    struct login_ctx c = {0};

    if (json_only_keys(rq->json, keys, &e) ||
        json_get_str(rq->json, "username", 1, 64, &username, &e) ||
        json_get_str(rq->json, "password", 1, 256, &password, &e))
        return reply_err(rq, &e);
    c.at.keys[0] = arena_printf(&rq->arena, "u:%s", username);
    c.at.keys[1] = arena_printf(&rq->arena, "ip:%s", rq->client ? rq->client : "-");
    /* the attempt counts as a failure before the password is verified, atomically with the
     * check of the limit: parallel attempts cannot all see a count below it */
    if (req_write(rq, login_attempt_reserve, &c.at, &e) != ERR_OK) {
        if (e.code == ERR_THROTTLED)
            rq->retry_after = "900";
        return reply_err(rq, &e);
    }
    int rc = user_pw_hash(req_db(rq), &rq->arena, username, &c.user_id, &hash, &e);
    if (rc != ERR_OK && rc != ERR_NOT_FOUND)
        return reply_err(rq, &e);
    if (rc == ERR_NOT_FOUND) {
        pthread_once(&dummy_once, dummy_init);
        password_verify(dummy_hash, password);
    }
    if (rc == ERR_NOT_FOUND || !password_verify(hash, password))
        return reply_code(rq, ERR_UNAUTHORIZED, NULL, "wrong username or password");
    char token[48], th[65], exp[32], new_hash[crypto_pwhash_STRBYTES];
    if (password_needs_rehash(hash) && password_hash(password, new_hash, &e) == ERR_OK) {
        c.old_hash = hash;
        c.new_hash = new_hash;
    }
    token_new(token);
    hash_hex(token, th);
    c.token_hash = th;
    c.expires_at = time(NULL) + rq->app->session_ttl;
    if (req_write(rq, login_ok_fn, &c, &e) != ERR_OK)
        return reply_err(rq, &e);
    struct user u;
    if (session_user(req_db(rq), &rq->arena, th, &u, &e) != ERR_OK)
        return reply_err(rq, &e);
    time_iso_cst((time_t)c.expires_at, exp);
    return reply_json(
        rq, 201,
        json_pack("{s:s, s:s, s:o}", "token", token, "expires_at", exp, "user", user_json(&u)));
}

int session_get_h(struct req *rq)
{
    return reply_json(rq, 200, json_pack("{s:o}", "user", user_json(rq->user)));
}

static int logout_fn(struct db *db, void *arg, struct err *e)
{
    return session_revoke(db, arg, e);
}

int session_delete_h(struct req *rq)
{
    struct err e = {0};
    if (req_write(rq, logout_fn, rq->token_hash, &e) != ERR_OK)
        return reply_err(rq, &e);
    session_cache_forget_user(rq->user->id);
    return reply_json(rq, 200, json_pack("{s:b}", "logged_out", 1));
}
