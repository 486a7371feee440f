/* backup.h - `gridgov backup` and `gridgov restore` of a SQLite database while it serves: a
 * consistent copy through SQLite's online backup API, and the case photos it refers to beside
 * it (FILE.photos/ab/cdef..., content-addressed as in DATA_DIR/photos). PostgreSQL is backed up
 * with pg_dump and restored with pg_restore (docs/operations.md). The keys are never copied. */
#ifndef GG_BACKUP_H
#define GG_BACKUP_H

#include <stdint.h>

#include "core/err.h"

struct backup_report {
    int64_t cases;          /* cases in the copy */
    int64_t photos;         /* photos the copy refers to */
    int64_t photos_copied;  /* of those, copied now (the others were there already) */
    int64_t photos_missing; /* found nowhere; first_missing names the first */
    char first_missing[65];
    char migration[64]; /* the copy's newest migration, e.g. "004_party.sqlite.sql" */
    char holder[160];   /* restore: the server that held a lease on the target, if any */
};

/* Copy the database named by dsn to path (never overwritten: ERR_CONFLICT if it exists) and its
 * photos from data_dir to path.photos/. The copy is written to path.tmp and renamed when whole. */
int backup_run(const char *dsn, const char *data_dir, const char *path, struct backup_report *r,
               struct err *e);
/* Replace the database named by dsn with the backup at path, and put its photos back into
 * data_dir (each checked against its SHA-256). Refuses with ERR_CONFLICT, unless force, when the
 * target already holds a gridgov database or a server holds a lease on it. */
int restore_run(const char *dsn, const char *data_dir, const char *path, int force,
                struct backup_report *r, struct err *e);

#endif
