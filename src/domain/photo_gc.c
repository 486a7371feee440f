/* photo_gc.c - collecting orphan photos: files under DATA_DIR/photos that no case references
 * (a report refused after its photos were stored, a server stopped between storing and
 * committing) and temporary files left by an interrupted write. A file younger than the grace
 * period is never touched: its report may still be on its way to the commit (photo_store
 * refreshes the time of a file it finds already there for the same reason). */
#include "domain/photo.h"
#include "core/log.h"
#include "domain/scheduler.h"
#include "store/store.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int hex_name(const char *s, size_t n)
{
    return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

/* Is the photo sha referenced by any case? -1 on a store error. */
static int referenced(struct db *db, const char *sha, struct err *e)
{
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
static int collect_dir(struct db *db, const char *dir, const char *prefix, int64_t now,
                       int64_t grace, struct photo_gc_report *out, struct err *e)
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
            int ref = referenced(db, sha, e);
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
    while (rc == ERR_OK && (de = readdir(d)) != NULL) {
        char dir[800];
        if (!hex_name(de->d_name, 2))
            continue;
        snprintf(dir, sizeof(dir), "%s/%s", root, de->d_name);
        rc = collect_dir(db, dir, de->d_name, now, grace, out, e);
    }
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
