/* user.h - staff accounts, argon2id passwords, role grants, bearer-token sessions and login
 * throttling. Passwords are hashed outside write transactions (argon2id is slow on purpose). */
#ifndef GG_USER_H
#define GG_USER_H

#include <jansson.h>
#include <sodium.h>

#include "domain/authz.h"
#include "store/store.h"

#define PASSWORD_MIN 8
#define LOGIN_WINDOW 900 /* seconds over which failures are counted */
#define LOGIN_MAX_USER 5 /* failures per username in the window before 429 */
#define LOGIN_MAX_IP 30  /* failures per client address in the window before 429 */

struct grant_input {
    enum role role;
    const char *scope;
};

struct user_input {
    const char *username, *display_name, *phone;
    char pw_hash[crypto_pwhash_STRBYTES];
    struct grant_input *grants;
    int ngrants;
    int disabled; /* -1 = unchanged on update */
};

int password_check(const char *pw, struct err *e);
int password_hash(const char *pw, char out[crypto_pwhash_STRBYTES], struct err *e);
int password_verify(const char *hash, const char *pw);
/* Was hash made with other parameters than password_hash's (an older, larger one)? */
int password_needs_rehash(const char *hash);
/* Usernames: 3-32 of [a-z0-9_.-], starting with a letter. */
int username_check(const char *name, struct err *e);

/* Resolve a scope string for a role to the place it covers (and compound id); validates. */
int grant_resolve(struct db *db, struct arena *a, enum role r, const char *scope,
                  const char **place, int64_t *compound, struct err *e);

int user_insert(struct db *db, struct user_input *in, int64_t *id, struct err *e);
int user_set_password(struct db *db, const char *username, const char *pw_hash, struct err *e);
/* The same password hashed again (password_needs_rehash), unless it changed meanwhile: no
 * session ends, updated_at stays. */
int user_rehash_password(struct db *db, int64_t id, const char *old_hash, const char *new_hash,
                         struct err *e);
/* Replace the grants (when in->grants != NULL) and flags of a user. */
int user_update(struct db *db, int64_t id, struct user_input *in, struct err *e);
int user_get(struct db *db, struct arena *a, int64_t id, struct user *out, struct err *e);
int user_list(struct db *db, struct arena *a, struct user **out, int *n, struct err *e);
int user_pw_hash(struct db *db, struct arena *a, const char *username, int64_t *id,
                 const char **hash, struct err *e);
json_t *user_json(const struct user *u);

/* Sessions: the token is returned to the client once; only its hash is stored. */
int session_insert(struct db *db, int64_t user_id, const char *token_hash, int64_t expires_at,
                   struct err *e);
int session_revoke(struct db *db, const char *token_hash, struct err *e);
/* Load the user of a live session with its roles, in one query; ERR_UNAUTHORIZED if none. */
/* session_user through a cache of a few seconds (session_cache.c); forget_user drops a user's
 * entries after a change to the account, clear drops all (at shutdown). */
#define SESSION_CACHE_TTL 5
int session_user_cached(struct db *db, struct arena *a, const char *token_hash, struct user *out,
                        struct err *e);
void session_cache_forget_user(int64_t user_id);
void session_cache_clear(void);
int session_user(struct db *db, struct arena *a, const char *token_hash, struct user *out,
                 struct err *e);

/* Login attempts are counted before the password is verified, in one write transaction per
 * attempt (the count and the insert atomic: parallel wrong passwords cannot pass the limit).
 * keys[0] is the username's key, keys[1] the client address's. reserve is a store_fn: it answers
 * ERR_THROTTLED when either key is at its limit, otherwise records a failure for each key (ids
 * set). succeeded (a store_fn too) takes the address's reservation back and clears the
 * username's failures. */
struct login_attempt {
    const char *keys[2];
    int64_t ids[2];
};
int login_attempt_reserve(struct db *db, void *attempt, struct err *e);
int login_attempt_succeeded(struct db *db, void *attempt, struct err *e);

int login_failures(struct db *db, const char *key, int64_t *count, struct err *e);
int login_failures_clear(struct db *db, const char *key, struct err *e);

#endif
