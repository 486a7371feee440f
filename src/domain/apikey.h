/* apikey.h - API keys of Open311 clients (apps and partner systems that submit cases). A key is
 * a random token shown once when it is created; only its hash (hash_hex) is stored. Revoked keys
 * stay in the table, so the cases they submitted keep naming them and their names stay taken. */
#ifndef GG_APIKEY_H
#define GG_APIKEY_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

#define APIKEY_NAME_MAX 64 /* characters */

struct apikey {
    int64_t id;
    const char *name;
    int64_t created_at;
    int revoked;
};

/* A name: 1 to APIKEY_NAME_MAX characters of valid UTF-8, no control characters. */
int apikey_name_check(const char *name, struct err *e);
/* In a write transaction: create a key named name; key receives the key itself (43 URL-safe
 * characters), the only time it is ever available. ERR_CONFLICT if the name is taken. */
int apikey_create(struct db *db, const char *name, int64_t *id, char key[48], struct err *e);
/* The id of the live (not revoked) key; ERR_FORBIDDEN for an unknown or revoked one. */
int apikey_lookup(struct db *db, const char *key, int64_t *id, struct err *e);
/* In a write transaction: revoke by id or by name; ERR_NOT_FOUND if there is no such key.
 * Revoking a revoked key succeeds. out (may be NULL) receives the key's row. */
int apikey_revoke(struct db *db, struct arena *a, int64_t id, struct apikey *out, struct err *e);
int apikey_revoke_name(struct db *db, struct arena *a, const char *name, struct apikey *out,
                       struct err *e);
/* apikey_create in its own write transaction (the API and `gridgov apikey add` share it). */
int apikey_issue(struct store *s, const char *name, int64_t *id, char key[48], struct err *e);
/* Revoke in its own write transaction: by name when name is not NULL, else by id. */
int apikey_withdraw(struct store *s, struct arena *a, int64_t id, const char *name,
                    struct apikey *out, struct err *e);
/* Every key, oldest first (never the key itself: it is not stored). */
int apikey_list(struct db *db, struct arena *a, struct apikey **out, int *n, struct err *e);
json_t *apikey_json(const struct apikey *k);

#endif
