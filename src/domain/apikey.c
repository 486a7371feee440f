/* apikey.c - Open311 API keys: creation (random key, stored hashed), lookup by key, revocation
 * and the list, on the api_keys table of migration 002. */
#include "domain/apikey.h"
#include "core/json.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define KEY_MAX_LEN 64 /* longer input is no key of ours: refused before hashing */

int apikey_name_check(const char *name, struct err *e)
{
    if (name == NULL || name[0] == '\0')
        return err_set(e, ERR_INVALID, "name", "'name' is required");
    long n = utf8_chars(name);
    json_t *probe = json_string(name); /* jansson's check is strict: no overlong forms */
    int valid = n >= 0 && probe != NULL;
    json_decref(probe);
    if (!valid)
        return err_set(e, ERR_INVALID, "name", "'name' is not valid UTF-8");
    if (n > APIKEY_NAME_MAX)
        return err_set(e, ERR_INVALID, "name", "'name' has at most %d characters", APIKEY_NAME_MAX);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return err_set(e, ERR_INVALID, "name", "'name' contains a control character");
    }
    return ERR_OK;
}

int apikey_create(struct db *db, const char *name, int64_t *id, char key[48], struct err *e)
{
    struct arena a;
    struct dbrows r;
    char h[65];
    int rc;

    if ((rc = apikey_name_check(name, e)) != ERR_OK)
        return rc;
    token_new(key);
    hash_hex(key, h);
    arena_init(&a, 0);
    rc = db_query(db, &a, &r, e,
                  "INSERT INTO api_keys (name, key_hash, created_at) VALUES (?, ?, ?) RETURNING id",
                  DB_ARGS(DBS(name), DBS(h), DBI(time(NULL))));
    if (rc == ERR_CONFLICT)
        rc = err_set(e, ERR_CONFLICT, "name",
                     "an API key named '%.64s' exists (revoked keys keep their names)", name);
    if (rc == ERR_OK)
        *id = dbrows_int(&r, 0, 0);
    else
        memset(key, 0, 48);
    arena_free(&a);
    return rc;
}

int apikey_lookup(struct db *db, const char *key, int64_t *id, struct err *e)
{
    struct arena a;
    struct dbrows r;
    char h[65];
    int rc;
    size_t n = key ? strlen(key) : 0;

    if (n == 0 || n > KEY_MAX_LEN)
        return err_set(e, ERR_FORBIDDEN, "api_key", "invalid api_key");
    hash_hex(key, h);
    arena_init(&a, 0);
    rc = db_query(db, &a, &r, e, "SELECT id FROM api_keys WHERE key_hash = ? AND revoked = 0",
                  DB_ARGS(DBS(h)));
    if (rc == ERR_OK && r.nrows == 0)
        rc = err_set(e, ERR_FORBIDDEN, "api_key", "invalid or revoked api_key");
    if (rc == ERR_OK)
        *id = dbrows_int(&r, 0, 0);
    arena_free(&a);
    return rc;
}

#define KEY_COLUMNS "id, name, created_at, revoked"

static void key_from_row(const struct dbrows *r, int i, struct apikey *k)
{
    k->id = dbrows_int(r, i, 0);
    k->name = dbrows_get(r, i, 1);
    k->created_at = dbrows_int(r, i, 2);
    k->revoked = dbrows_int(r, i, 3) != 0;
}

/* Revoke the key matched by "id = ?" or "name = ?". */
static int revoke_where(struct db *db, struct arena *a, const char *where, struct dbv arg,
                        struct apikey *out, struct err *e)
{
    struct dbrows r;
    char sql[160];
    snprintf(sql, sizeof(sql), "UPDATE api_keys SET revoked = 1 WHERE %s RETURNING " KEY_COLUMNS,
             where);
    int rc = db_query(db, a, &r, e, sql, &arg, 1);
    if (rc != ERR_OK)
        return rc;
    if (r.nrows == 0)
        return err_set(e, ERR_NOT_FOUND, where[0] == 'i' ? "id" : "name", "no such API key");
    if (out != NULL)
        key_from_row(&r, 0, out);
    return ERR_OK;
}

int apikey_revoke(struct db *db, struct arena *a, int64_t id, struct apikey *out, struct err *e)
{
    return revoke_where(db, a, "id = ?", DBI(id), out, e);
}

int apikey_revoke_name(struct db *db, struct arena *a, const char *name, struct apikey *out,
                       struct err *e)
{
    return revoke_where(db, a, "name = ?", DBS(name), out, e);
}

int apikey_list(struct db *db, struct arena *a, struct apikey **out, int *n, struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e, "SELECT " KEY_COLUMNS " FROM api_keys ORDER BY id", DB_NOARGS);
    if (rc != ERR_OK)
        return rc;
    *out = arena_alloc(a, sizeof(**out) * (size_t)(r.nrows + 1));
    for (int i = 0; i < r.nrows; i++)
        key_from_row(&r, i, &(*out)[i]);
    *n = r.nrows;
    return ERR_OK;
}

json_t *apikey_json(const struct apikey *k)
{
    char created[32];
    time_iso_cst((time_t)k->created_at, created);
    return json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)k->id, "name", k->name, "created_at",
                     created, "revoked", k->revoked);
}

struct key_write {
    const char *name;
    int64_t id;
    char *key;
    struct arena *a;
    struct apikey *out;
};

static int issue_fn(struct db *db, void *arg, struct err *e)
{
    struct key_write *w = arg;
    return apikey_create(db, w->name, &w->id, w->key, e);
}

int apikey_issue(struct store *s, const char *name, int64_t *id, char key[48], struct err *e)
{
    struct key_write w = {.name = name, .key = key};
    int rc = store_write(s, issue_fn, &w, e);
    if (rc == ERR_OK)
        *id = w.id;
    return rc;
}

static int withdraw_fn(struct db *db, void *arg, struct err *e)
{
    struct key_write *w = arg;
    return w->name ? apikey_revoke_name(db, w->a, w->name, w->out, e)
                   : apikey_revoke(db, w->a, w->id, w->out, e);
}

int apikey_withdraw(struct store *s, struct arena *a, int64_t id, const char *name,
                    struct apikey *out, struct err *e)
{
    struct key_write w = {.name = name, .id = id, .a = a, .out = out};
    return store_write(s, withdraw_fn, &w, e);
}
