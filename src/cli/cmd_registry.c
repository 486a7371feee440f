/* cmd_registry.c - `gridgov import REGISTRY FILE.csv` and `gridgov export REGISTRY FILE`: a
 * registry's rows in and out through the same engine as the API, as the system (no user scope;
 * whoever runs the command holds the database and its keys). */
#include "cli/cli.h"
#include "core/csv.h"
#include "core/util.h"
#include "domain/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct progress {
    double start;
    long total_bytes;
    int tty;
};

/* rows, rows/s and, for a file of known size, the share read and the time left, on one line */
static void progress_show(void *arg, long rows, long bytes)
{
    struct progress *p = arg;
    double t = time_mono() - p->start;
    double rate = t > 0 ? (double)rows / t : 0;
    if (!p->tty)
        return;
    if (bytes < 0) {
        fprintf(stderr, "\r%ld rows  %.0f rows/s  %.1f s%20s\n", rows, rate, t, "");
        return;
    }
    if (p->total_bytes > 0 && bytes > 0) {
        double share = (double)bytes / (double)p->total_bytes;
        double left = share > 0 ? t / share - t : 0;
        int w = (int)(share * 30);
        fprintf(stderr, "\r[%.*s%*s] %3.0f%%  %ld rows  %.0f rows/s  ETA %.0f s ", w,
                "##############################", 30 - w, "", share * 100, rows, rate,
                left > 0 ? left : 0);
    } else {
        fprintf(stderr, "\r%ld rows  %.0f rows/s  %.1f s", rows, rate, t);
    }
    fflush(stderr);
}

static void report_print(const struct registry *r, const struct reg_import_report *rep, int dry)
{
    for (int i = 0; i < rep->nerrors; i++) {
        const struct reg_import_error *x = &rep->errors[i];
        fprintf(stderr, "row %ld%s%s: %s\n", x->row, x->column ? ", " : "",
                x->column ? x->column : "", x->message);
    }
    if (rep->error_count > rep->nerrors)
        fprintf(stderr, "... and %ld more bad rows\n", rep->error_count - rep->nerrors);
    printf("%s: %ld rows read (%s), %ld valid, %ld bad, %ld stored%s\n", r->name, rep->rows,
           rep->encoding, rep->valid, rep->error_count, rep->stored,
           dry ? " (dry run: nothing stored)" : "");
}

int cli_registry_import(struct cli *c, const struct registry *r, const char *path)
{
    struct err e = {0};
    enum csv_enc enc = CSV_ENC_AUTO;
    if (c->encoding != NULL) {
        if (strcasecmp(c->encoding, "utf-8") == 0 || strcasecmp(c->encoding, "utf8") == 0)
            enc = CSV_ENC_UTF8;
        else if (strcasecmp(c->encoding, "gbk") == 0 || strcasecmp(c->encoding, "gb18030") == 0)
            enc = CSV_ENC_GBK;
        else {
            fprintf(stderr, "gridgov import: --encoding is utf-8 or gbk\n");
            return EXIT_USAGE;
        }
    }
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "gridgov import: cannot read %s\n", path);
        return EXIT_FAIL;
    }
    struct csv_reader *csv = csv_open(f, enc, &e);
    if (csv == NULL) {
        fprintf(stderr, "gridgov import: %s: %s\n", path, e.msg);
        fclose(f);
        return EXIT_FAIL;
    }
    if (cli_data_dir(c) != EXIT_OK)
        return EXIT_FAIL;
    struct store *s = cli_store_open(c);
    if (s == NULL) {
        csv_close(csv);
        fclose(f);
        return EXIT_FAIL;
    }
    struct arena a;
    struct reg_import_report rep;
    struct stat st;
    struct progress p = {time_mono(), 0, isatty(fileno(stderr))};
    if (f != stdin && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
        p.total_bytes = (long)st.st_size;
    arena_init(&a, 0);
    struct reg_ctx ctx = {.a = &a};
    unsigned how = (c->dry_run ? IMPORT_DRY_RUN : 0) | (c->valid_only ? IMPORT_VALID_ONLY : 0);
    const char *dn[] = {"origin"}, *dv[] = {c->origin};
    struct reg_defaults defaults = {dn, dv, c->origin != NULL};
    int rc = reg_import(s, &ctx, r, csv, how, &defaults, &rep, progress_show, &p, &e);
    csv_close(csv);
    if (f != stdin)
        fclose(f);
    report_print(r, &rep, c->dry_run);
    double t = time_mono() - p.start;
    if (t > 0 && rep.rows > 0)
        printf("%.2f s, %.0f rows/s\n", t, (double)rep.rows / t);
    if (rc != ERR_OK)
        fprintf(stderr, "gridgov import: %s\n", e.msg);
    arena_free(&a);
    store_close(s);
    if (rc != ERR_OK)
        return EXIT_FAIL;
    return rep.error_count > 0 && !c->valid_only ? EXIT_FAIL : EXIT_OK;
}

int cmd_export(struct cli *c)
{
    struct err e = {0};
    const struct registry *r = c->argc == 2 ? registry_find(c->argv[0]) : NULL;
    if (r == NULL) {
        fprintf(stderr, "usage: gridgov export REGISTRY FILE.csv|FILE.xlsx [--place CODE] "
                        "[--purpose TEXT]\n");
        return EXIT_USAGE;
    }
    const char *path = c->argv[1], *dot = strrchr(path, '.');
    enum sheet_fmt fmt = dot != NULL && strcasecmp(dot, ".xlsx") == 0 ? SHEET_XLSX : SHEET_CSV;
    if (cli_data_dir(c) != EXIT_OK)
        return EXIT_FAIL;
    struct store *s = cli_store_open(c);
    if (s == NULL)
        return EXIT_FAIL;
    struct arena a;
    long rows = 0;
    double start = time_mono();
    arena_init(&a, 0);
    struct reg_ctx ctx = {.a = &a, .unmask = c->purpose != NULL, .purpose = c->purpose};
    int rc = reg_export(s, &ctx, r, c->place, fmt, path, &rows, &e);
    arena_free(&a);
    store_close(s);
    if (rc != ERR_OK) {
        fprintf(stderr, "gridgov export: %s\n", e.msg);
        return EXIT_FAIL;
    }
    printf("%s: %ld rows written to %s (%s) in %.2f s\n", r->name, rows, path,
           c->purpose ? "unmasked, logged" : "personal data masked", time_mono() - start);
    return EXIT_OK;
}
