/* photo_gc.c - collecting orphan files: files under DATA_DIR/photos that no record references
 * (a case's photo, a ledger entry's voucher attachment): a report refused after its photos were
 * stored, a server stopped between storing and committing, and temporary files left by an
 * interrupted write. A file younger than the grace period is never touched: its record may still
 * be on its way to the commit (photo_store refreshes the time of a file it finds already there for
 * the same reason). */
#include "domain/photo.h"
#include "core/log.h"
#include "domain/scheduler.h"
#include "store/store.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int hex_name(const char *s, size_t n)
{
    return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

/* The attachments of every ledger entry, read once per collection (a district's vouchers are
 * thousands, its case photos millions: those are looked up one by one on their index). */
struct attached {
    char (*sha)[65];
    size_t n;
};

static int cmp_sha(const void *a, const void *b)
{
    return strcmp(a, b);
}

static int attached_load(struct db *db, struct attached *out, struct err *e)
{
    struct arena a;
    struct dbrows r;
    size_t cap = 0;
    arena_init(&a, 0);
    memset(out, 0, sizeof(*out));
    int rc =
        db_query(db, &a, &r, e, "SELECT attachments FROM ledger_entries WHERE attachments <> '[]'",
                 DB_NOARGS);
    for (int i = 0; rc == ERR_OK && i < r.nrows; i++) {
        json_t *list = json_loads(dbrows_get(&r, i, 0), 0, NULL), *x;
        size_t k;
        json_array_foreach(list, k, x)
        {
            const char *sha = json_string_value(x);
            if (sha == NULL || !hex_name(sha, 64))
                continue;
            if (out->n == cap) {
                cap = cap ? cap * 2 : 64;
                out->sha = xrealloc(out->sha, cap * sizeof(*out->sha));
            }
            memcpy(out->sha[out->n++], sha, 65);
        }
        json_decref(list);
    }
    arena_free(&a);
    if (out->n > 1)
        qsort(out->sha, out->n, sizeof(*out->sha), cmp_sha);
    return rc;
}

/* Is the file sha referenced by a case photo or a ledger attachment? -1 on a store error. */
static int referenced(struct db *db, const struct attached *att, const char *sha, struct err *e)
{
    if (att->n > 0 && bsearch(sha, att->sha, att->n, sizeof(*att->sha), cmp_sha) != NULL)
        return 1;
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc = db_query(db, &a, &r, e, "SELECT 1 FROM case_photos WHERE sha256 = ? LIMIT 1",
                      DB_ARGS(DBS(sha)));
    int found = rc == ERR_OK ? r.nrows > 0 : -1;
    arena_free(&a);
    return found;
}

/* One directory photos/ab/: its orphans and stale temporary files. */
static int collect_dir(struct db *db, const struct attached *att, const char *dir,
                       const char *prefix, int64_t now, int64_t grace, struct photo_gc_report *out,
                       struct err *e)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    if (d == NULL)
        return ERR_OK;
    while ((de = readdir(d)) != NULL) {
        char path[1024], sha[65];
        struct stat st;
        size_t len = strlen(de->d_name);
        int tmp = len > 4 && strcmp(de->d_name + len - 4, ".tmp") == 0;
        if (!tmp && !hex_name(de->d_name, 62))
            continue;
        int n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (n < 0 || (size_t)n >= sizeof(path))
            continue; /* no photo path is that long */
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || now - (int64_t)st.st_mtime < grace)
            continue;
        if (!tmp) {
            snprintf(sha, sizeof(sha), "%s%s", prefix, de->d_name);
            int ref = referenced(db, att, sha, e);
            if (ref < 0) {
                closedir(d);
                return e->code;
            }
            if (ref) {
                out->kept++;
                continue;
            }
        }
        if (unlink(path) == 0) {
            out->removed++;
            out->bytes += (int64_t)st.st_size;
        }
    }
    closedir(d);
    return ERR_OK;
}

int photo_collect(struct store *s, const char *data_dir, int64_t now, int64_t grace,
                  struct photo_gc_report *out, struct err *e)
{
    char root[700];
    DIR *d;
    struct dirent *de;
    int rc = ERR_OK;
    memset(out, 0, sizeof(*out));
    snprintf(root, sizeof(root), "%s/photos", data_dir);
    if ((d = opendir(root)) == NULL)
        return ERR_OK; /* no photo yet */
    struct db *db = store_acquire(s);
    struct attached att;
    rc = attached_load(db, &att, e);
    while (rc == ERR_OK && (de = readdir(d)) != NULL) {
        char dir[800];
        if (!hex_name(de->d_name, 2))
            continue;
        snprintf(dir, sizeof(dir), "%s/%s", root, de->d_name);
        rc = collect_dir(db, &att, dir, de->d_name, now, grace, out, e);
    }
    free(att.sha);
    store_release(s, db);
    closedir(d);
    return rc;
}

static void collector_job(struct store *s, struct backoffice *bo, void *ctx)
{
    struct photo_gc_report r;
    struct err e = {0};
    (void)bo;
    if (photo_collect(s, ctx, time(NULL), PHOTO_GC_GRACE, &r, &e) != ERR_OK)
        log_warn("photos: cannot collect orphans: %s", e.msg);
    else if (r.removed > 0)
        log_info("photos: removed %d orphan files (%lld bytes), %d kept", r.removed,
                 (long long)r.bytes, r.kept);
}

struct backoffice *photo_collector_start(struct store *s, const char *data_dir)
{
    return backoffice_start(s, "photos", PHOTO_GC_INTERVAL * 1000, PHOTO_GC_INTERVAL * 2,
                            collector_job, (void *)data_dir);
}
