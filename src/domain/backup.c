/* backup.c - backup and restore of a SQLite database and its photos (see backup.h). */
#include "domain/backup.h"
#include "domain/photo.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* What a gridgov database holds, read from db: its newest migration, its cases and the files
 * its records refer to, case photos and ledger vouchers (rows into a, sha256 in column 0). */
static int describe(struct db *db, struct arena *a, struct dbrows *photos, struct backup_report *r,
                    struct err *e)
{
    struct dbrows m, c;
    if (db_query(db, a, &m, e, "SELECT name FROM schema_migrations ORDER BY version DESC LIMIT 1",
                 DB_NOARGS) != ERR_OK ||
        m.nrows != 1)
        return err_set(e, ERR_INVALID, "file", "not a gridgov database (no migrations)");
    snprintf(r->migration, sizeof(r->migration), "%s", dbrows_get(&m, 0, 0));
    int rc = db_query(db, a, &c, e, "SELECT count(*) FROM cases", DB_NOARGS);
    if (rc != ERR_OK)
        return rc;
    r->cases = dbrows_int(&c, 0, 0);
    rc = db_query(db, a, photos, e,
                  "SELECT sha256 FROM case_photos UNION SELECT j.value FROM ledger_entries, "
                  "json_each(ledger_entries.attachments) j ORDER BY 1",
                  DB_NOARGS);
    r->photos = rc == ERR_OK ? photos->nrows : 0;
    return rc;
}

static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || st.st_size > PHOTO_MAX_BYTES) {
        close(fd);
        errno = EFBIG;
        return NULL;
    }
    char *buf = xmalloc((size_t)st.st_size + 1);
    size_t n = 0;
    while (n < (size_t)st.st_size) {
        ssize_t got = read(fd, buf + n, (size_t)st.st_size - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    *len = n;
    return buf;
}

static void missing(struct backup_report *r, const char *hex)
{
    if (r->photos_missing++ == 0)
        snprintf(r->first_missing, sizeof(r->first_missing), "%s", hex);
}

/* Photo hex of data_dir into the backup's folder dir (DIR/ab/cdef...), unless already there. */
static int copy_out(const char *data_dir, const char *dir, const char *hex, struct backup_report *r,
                    struct err *e)
{
    char from[700], to[700], sub[700];
    size_t len;
    if (photo_path(data_dir, hex, from, sizeof(from)) != 0)
        return ERR_OK; /* not a photo name: nothing to copy */
    snprintf(to, sizeof(to), "%s/%.2s/%s", dir, hex, hex + 2);
    if (access(to, F_OK) == 0)
        return ERR_OK;
    char *data = slurp(from, &len);
    if (data == NULL && errno != ENOENT)
        return err_set(e, ERR_INTERNAL, "file", "cannot read %s: %s", from, strerror(errno));
    if (data == NULL) {
        missing(r, hex);
        return ERR_OK;
    }
    snprintf(sub, sizeof(sub), "%s/%.2s", dir, hex);
    int rc = ERR_OK;
    FILE *f = NULL;
    if ((mkdir(sub, 0750) != 0 && errno != EEXIST) || (f = fopen(to, "wb")) == NULL ||
        fwrite(data, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0)
        rc = err_set(e, ERR_INTERNAL, "file", "cannot write %s: %s", to, strerror(errno));
    if (f != NULL && fclose(f) != 0 && rc == ERR_OK)
        rc = err_set(e, ERR_INTERNAL, "file", "cannot write %s: %s", to, strerror(errno));
    if (rc != ERR_OK)
        unlink(to);
    else
        r->photos_copied++;
    free(data);
    return rc;
}

/* Leases belong to the processes that held them, not to the data: a copy keeps none, so that a
 * server on it takes the background work at once instead of waiting for a stranger's lease. */
static int drop_leases(struct db *db, struct err *e)
{
    int rc = db_exec(db, e, "DELETE FROM leases", DB_NOARGS);
    return rc < 0 ? rc : ERR_OK;
}

int backup_run(const char *dsn, const char *data_dir, const char *path, struct backup_report *r,
               struct err *e)
{
    char tmp[600], tmp_dsn[620], dir[620];
    struct arena a;
    struct dbrows photos;
    int rc;

    memset(r, 0, sizeof(*r));
    if (access(path, F_OK) == 0)
        return err_set(e, ERR_CONFLICT, "file", "%s exists: a backup never overwrites a file",
                       path);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    snprintf(tmp_dsn, sizeof(tmp_dsn), "sqlite:%s", tmp);
    snprintf(dir, sizeof(dir), "%s.photos", path);
    struct db *src = store_file_open(dsn, 1, e);
    if (src == NULL)
        return e->code;
    unlink(tmp);
    struct db *dst = store_file_open(tmp_dsn, 0, e);
    if (dst == NULL) {
        store_file_close(src);
        return e->code;
    }
    rc = store_file_copy(src, dst, 1, e);
    store_file_close(src);
    arena_init(&a, 0);
    if (rc == ERR_OK)
        rc = describe(dst, &a, &photos, r, e);
    if (rc == ERR_OK)
        rc = drop_leases(dst, e);
    if (rc == ERR_OK && mkdir(dir, 0750) != 0 && errno != EEXIST)
        rc = err_set(e, ERR_INTERNAL, "file", "cannot create %s: %s", dir, strerror(errno));
    for (int i = 0; rc == ERR_OK && i < photos.nrows; i++)
        rc = copy_out(data_dir, dir, dbrows_get(&photos, i, 0), r, e);
    arena_free(&a);
    store_file_close(dst);
    if (rc == ERR_OK && rename(tmp, path) != 0)
        rc = err_set(e, ERR_INTERNAL, "file", "cannot rename %s: %s", tmp, strerror(errno));
    if (rc != ERR_OK)
        unlink(tmp);
    return rc;
}

/* Is the target in use? It holds a gridgov database (any migration recorded), or a server
 * holds one of its leases (the scheduler's, the webhooks'). 1, 0 or a negative ERR_*. */
static int live(struct db *db, struct arena *a, struct backup_report *r, struct err *e)
{
    struct dbrows t, m, l;
    int found = 0;
    int rc = db_query(db, a, &t, e,
                      "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                      "('schema_migrations', 'leases')",
                      DB_NOARGS);
    if (rc != ERR_OK)
        return rc;
    if (dbrows_int(&t, 0, 0) < 2) /* a new file, or not gridgov's */
        return 0;
    if ((rc = db_query(db, a, &m, e, "SELECT count(*) FROM schema_migrations", DB_NOARGS)) != 0)
        return rc;
    found = dbrows_int(&m, 0, 0) > 0;
    rc = db_query(db, a, &l, e,
                  "SELECT holder FROM leases WHERE expires_at > ? ORDER BY expires_at DESC",
                  DB_ARGS(DBI(time(NULL))));
    if (rc != ERR_OK)
        return rc;
    if (l.nrows > 0) {
        snprintf(r->holder, sizeof(r->holder), "%s", dbrows_get(&l, 0, 0));
        found = 1;
    }
    return found;
}

/* Photo hex from the backup's folder into data_dir, checked: its bytes must hash to its name. */
static int copy_in(const char *data_dir, const char *dir, const char *hex, struct backup_report *r,
                   struct err *e)
{
    char from[700], have[700], got[65];
    const char *mime;
    size_t len;
    if (photo_path(data_dir, hex, have, sizeof(have)) != 0 || access(have, F_OK) == 0)
        return ERR_OK;
    snprintf(from, sizeof(from), "%s/%.2s/%s", dir, hex, hex + 2);
    char *data = slurp(from, &len);
    if (data == NULL && errno != ENOENT)
        return err_set(e, ERR_INTERNAL, "file", "cannot read %s: %s", from, strerror(errno));
    if (data == NULL) {
        missing(r, hex);
        return ERR_OK;
    }
    int rc = photo_store(data_dir, PHOTO_DOCUMENT, data, len, got, &mime, e);
    free(data);
    if (rc == ERR_OK && strcmp(got, hex) != 0)
        return err_set(e, ERR_INVALID, "file", "%s is damaged: its bytes do not hash to its name",
                       from);
    if (rc == ERR_OK)
        r->photos_copied++;
    return rc;
}

int restore_run(const char *dsn, const char *data_dir, const char *path, int force,
                struct backup_report *r, struct err *e)
{
    char src_dsn[620], dir[620];
    struct arena a;
    struct dbrows photos;
    struct backup_report target = {0};

    memset(r, 0, sizeof(*r));
    snprintf(src_dsn, sizeof(src_dsn), "sqlite:%s", path);
    snprintf(dir, sizeof(dir), "%s.photos", path);
    struct db *src = store_file_open(src_dsn, 1, e);
    if (src == NULL)
        return e->code;
    arena_init(&a, 0);
    int rc = store_file_check(src, e);
    if (rc == ERR_OK)
        rc = describe(src, &a, &photos, r, e);
    struct db *dst = rc == ERR_OK ? store_file_open(dsn, 0, e) : NULL;
    if (rc == ERR_OK && dst == NULL)
        rc = e->code;
    int in_use = rc == ERR_OK && !force ? live(dst, &a, &target, e) : 0;
    if (in_use < 0)
        rc = in_use;
    else if (in_use) {
        snprintf(r->holder, sizeof(r->holder), "%s", target.holder);
        rc = err_set(e, ERR_CONFLICT, "db",
                     "%s already holds a gridgov database%s%s; stop its server and add --force "
                     "to replace it",
                     dsn, target.holder[0] ? " served by " : "", target.holder);
    }
    if (rc == ERR_OK && photos.nrows > 0)
        mkdir(data_dir, 0750); /* photo_store makes photos/ under it */
    for (int i = 0; rc == ERR_OK && i < photos.nrows; i++)
        rc = copy_in(data_dir, dir, dbrows_get(&photos, i, 0), r, e);
    if (rc == ERR_OK)
        rc = store_file_copy(src, dst, 0, e);
    if (rc == ERR_OK)
        rc = drop_leases(dst, e);
    arena_free(&a);
    store_file_close(dst);
    store_file_close(src);
    return rc;
}
