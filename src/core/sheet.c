/* sheet.c - CSV or XLSX, the same rows (sheet.h): csv_write_row per row into a file that starts
 * with a BOM, or xlsx_row into a constant-memory workbook. */
#include "core/sheet.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sheet {
    enum sheet_fmt fmt;
    const char *path;
    FILE *f;
    struct buf b;
    struct xlsx *x;
};

int sheet_fmt_parse(const char *s, enum sheet_fmt *fmt)
{
    if (s == NULL || strcmp(s, "csv") == 0)
        *fmt = SHEET_CSV;
    else if (strcmp(s, "xlsx") == 0)
        *fmt = SHEET_XLSX;
    else
        return -1;
    return 0;
}

const char *sheet_ext(enum sheet_fmt fmt)
{
    return fmt == SHEET_XLSX ? "xlsx" : "csv";
}

const char *sheet_content_type(enum sheet_fmt fmt)
{
    return fmt == SHEET_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                             : "text/csv; charset=utf-8";
}

struct sheet *sheet_open(enum sheet_fmt fmt, const char *path, const char *name, struct err *e)
{
    struct sheet *s = xcalloc(1, sizeof(*s));
    s->fmt = fmt;
    s->path = path;
    if (fmt == SHEET_XLSX) {
        if ((s->x = xlsx_open(path, name, e)) == NULL) {
            free(s);
            return NULL;
        }
        return s;
    }
    if ((s->f = fopen(path, "wb")) == NULL) {
        err_set(e, ERR_INVALID, "file", "cannot write %s", path);
        free(s);
        return NULL;
    }
    buf_init(&s->b, CSV_MAX_RECORD * 4);
    fputs(CSV_BOM, s->f);
    return s;
}

int sheet_row(struct sheet *s, const char *const *cells, int n, int header, struct err *e)
{
    if (s->fmt == SHEET_XLSX)
        return xlsx_row(s->x, cells, n, header) == 0
                   ? ERR_OK
                   : err_set(e, ERR_INTERNAL, NULL, "cannot write the workbook");
    s->b.len = 0;
    if (csv_write_row(&s->b, cells, n) != 0 || fwrite(s->b.data, 1, s->b.len, s->f) != s->b.len)
        return err_set(e, ERR_INTERNAL, NULL, "cannot write the CSV file");
    return ERR_OK;
}

int sheet_close(struct sheet *s, int rc, struct err *e)
{
    if (s->fmt == SHEET_XLSX) {
        struct err ce = {0};
        if (xlsx_close(s->x, &ce) != 0 && rc == ERR_OK)
            rc = err_set(e, ce.code ? ce.code : ERR_INTERNAL, NULL, "%s", ce.msg);
    } else {
        buf_free(&s->b);
        if (fclose(s->f) != 0 && rc == ERR_OK)
            rc = err_set(e, ERR_INTERNAL, "file", "cannot write %s", s->path);
    }
    free(s);
    return rc;
}
