/* session_cache.c - live sessions remembered for a few seconds, so an authenticated request
 * does not look its token up in the store every time (measured: the lookup was about a fifth
 * of an authenticated place read). A logout, a password change, disabling a user or changing
 * their roles through this process forgets the user's entries at once; a change made by another
 * process (a second instance, the command line) takes effect within SESSION_CACHE_TTL. A hit
 * never outlives the session: its expires_at is checked against the clock on every hit. */
#include "domain/user.h"
#include "core/arena.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SLOTS 1024
#define STRIPES 16

struct slot {
    char token_hash[65];
    int64_t until;      /* 0 = empty */
    int64_t expires_at; /* the session's own end: a hit at or past it is a miss */
    int64_t user_id;
    char *blob; /* username \0 display_name \0 then per role: role \0 scope \0 place \0 compound,
                 * then the enterprises served */
    size_t bloblen;
    int nroles, nenterprises;
    int disabled;
};

static struct slot slots[SLOTS];
static pthread_mutex_t stripes[STRIPES] = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER};

static unsigned slot_of(const char *token_hash)
{
    /* the hash is already uniform: its first hex digits pick the slot */
    return (unsigned)strtoul((char[]){token_hash[0], token_hash[1], token_hash[2], 0}, NULL, 16) %
           SLOTS;
}

static void slot_clear(struct slot *s)
{
    free(s->blob);
    memset(s, 0, sizeof(*s));
}

static void put_str(char **p, const char *s)
{
    size_t n = strlen(s) + 1;
    memcpy(*p, s, n);
    *p += n;
}

static const char *get_str(struct arena *a, const char **p)
{
    const char *s = arena_strdup(a, *p);
    *p += strlen(*p) + 1;
    return s;
}

int session_user_cached(struct db *db, struct arena *a, const char *token_hash, struct user *out,
                        struct err *e)
{
    int64_t now = time(NULL);
    unsigned i = slot_of(token_hash);
    pthread_mutex_t *mu = &stripes[i % STRIPES];
    struct slot *s = &slots[i];

    pthread_mutex_lock(mu);
    if (s->until > now && s->expires_at > now && strcmp(s->token_hash, token_hash) == 0) {
        const char *p = s->blob;
        out->id = s->user_id;
        out->expires_at = s->expires_at;
        out->disabled = s->disabled;
        out->username = get_str(a, &p);
        out->display_name = get_str(a, &p);
        out->nroles = s->nroles;
        out->roles = arena_alloc(a, sizeof(struct role_grant) * (size_t)(s->nroles + 1));
        for (int r = 0; r < s->nroles; r++) {
            struct role_grant *g = &out->roles[r];
            role_from_name(get_str(a, &p), &g->role);
            g->scope = get_str(a, &p);
            g->place = get_str(a, &p);
            memcpy(&g->compound, p, sizeof(g->compound));
            p += sizeof(g->compound);
        }
        int64_t *ents = arena_alloc(a, sizeof(int64_t) * (size_t)(s->nenterprises + 1));
        memcpy(ents, p, sizeof(int64_t) * (size_t)s->nenterprises);
        out->enterprises = ents;
        out->nenterprises = s->nenterprises;
        pthread_mutex_unlock(mu);
        return ERR_OK;
    }
    pthread_mutex_unlock(mu);

    int rc = session_user(db, a, token_hash, out, e);
    if (rc != ERR_OK)
        return rc;
    size_t n = strlen(out->username) + strlen(out->display_name) + 2;
    for (int r = 0; r < out->nroles; r++)
        n += strlen(role_name(out->roles[r].role)) + strlen(out->roles[r].scope) +
             strlen(out->roles[r].place) + 3 + sizeof(int64_t);
    n += sizeof(int64_t) * (size_t)out->nenterprises;
    char *blob = xmalloc(n), *p = blob;
    put_str(&p, out->username);
    put_str(&p, out->display_name);
    for (int r = 0; r < out->nroles; r++) {
        put_str(&p, role_name(out->roles[r].role));
        put_str(&p, out->roles[r].scope);
        put_str(&p, out->roles[r].place);
        memcpy(p, &out->roles[r].compound, sizeof(int64_t));
        p += sizeof(int64_t);
    }
    if (out->nenterprises > 0)
        memcpy(p, out->enterprises, sizeof(int64_t) * (size_t)out->nenterprises);
    pthread_mutex_lock(mu);
    slot_clear(s);
    memcpy(s->token_hash, token_hash, 65);
    s->until = now + SESSION_CACHE_TTL;
    s->expires_at = out->expires_at;
    s->user_id = out->id;
    s->disabled = out->disabled;
    s->blob = blob;
    s->bloblen = n;
    s->nroles = out->nroles;
    s->nenterprises = out->nenterprises;
    pthread_mutex_unlock(mu);
    return ERR_OK;
}

void session_cache_forget_user(int64_t user_id)
{
    for (unsigned i = 0; i < SLOTS; i++) {
        pthread_mutex_lock(&stripes[i % STRIPES]);
        if (slots[i].until && slots[i].user_id == user_id)
            slot_clear(&slots[i]);
        pthread_mutex_unlock(&stripes[i % STRIPES]);
    }
}

void session_cache_clear(void)
{
    for (unsigned i = 0; i < SLOTS; i++) {
        pthread_mutex_lock(&stripes[i % STRIPES]);
        slot_clear(&slots[i]);
        pthread_mutex_unlock(&stripes[i % STRIPES]);
    }
}
