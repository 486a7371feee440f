/* cmd_backup.c - `gridgov backup FILE` and `gridgov restore FILE [--force]` of a SQLite
 * database and its photos (domain/backup.c); PostgreSQL uses pg_dump and pg_restore. */
#include "cli/cli.h"
#include "core/util.h"
#include "domain/backup.h"

#include <stdio.h>
#include <string.h>

static void photos_line(const char *verb, const struct backup_report *r)
{
    printf("photos: %lld referred to, %lld %s", (long long)r->photos, (long long)r->photos_copied,
           verb);
    if (r->photos_missing > 0)
        printf(", %lld missing (the first: %s)", (long long)r->photos_missing, r->first_missing);
    printf("\n");
}

/* COMMAND: backup FILE - a consistent copy of the live database, while the server writes. */
int cmd_backup(struct cli *c)
{
    struct err e = {0};
    struct backup_report r;
    if (c->argc != 1) {
        fprintf(stderr, "usage: gridgov backup FILE\n");
        return EXIT_USAGE;
    }
    double t0 = time_mono();
    if (backup_run(c->cfg.db, c->cfg.data_dir, c->argv[0], &r, &e) != ERR_OK) {
        fprintf(stderr, "gridgov backup: %s\n", e.msg);
        return e.code == ERR_INVALID && strcmp(e.field, "db") == 0 ? EXIT_USAGE : EXIT_FAIL;
    }
    printf("backup of %s written to %s in %.2f s: %lld cases, schema up to %s\n", c->cfg.db,
           c->argv[0], time_mono() - t0, (long long)r.cases, r.migration);
    photos_line("copied to FILE.photos/", &r);
    printf("the keys (secret.key, pii.key) are not in it: keep copies of them apart\n");
    return EXIT_OK;
}

/* COMMAND: restore FILE [--force] - put a backup back (refusing a live database). */
int cmd_restore(struct cli *c)
{
    struct err e = {0};
    struct backup_report r;
    if (c->argc != 1) {
        fprintf(stderr, "usage: gridgov restore FILE [--force]\n");
        return EXIT_USAGE;
    }
    if (restore_run(c->cfg.db, c->cfg.data_dir, c->argv[0], c->force, &r, &e) != ERR_OK) {
        fprintf(stderr, "gridgov restore: %s\n", e.msg);
        return e.code == ERR_INVALID && strcmp(e.field, "db") == 0 ? EXIT_USAGE : EXIT_FAIL;
    }
    printf("restored %s into %s: %lld cases, schema up to %s\n", c->argv[0], c->cfg.db,
           (long long)r.cases, r.migration);
    photos_line("put back", &r);
    printf("check it: gridgov audit verify (with the server's keys); the next start migrates it\n");
    return r.photos_missing > 0 ? EXIT_FAIL : EXIT_OK;
}
