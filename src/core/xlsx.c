/* xlsx.c - one-sheet workbooks of text cells over libxlsxwriter, in constant-memory mode.
 *
 * libxlsxwriter writes the rows to a temporary file as they come and assembles the .xlsx (a
 * ZIP archive) at workbook_close; the column widths and the frozen header are written then
 * too, so they can be set last, from every row seen. */
#include "core/xlsx.h"
#include "core/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define XLSX_WIDTH_MIN 8.43 /* Excel's default */
#define XLSX_WIDTH_MAX 60
#define XLSX_CELL_MAX 32767 /* characters in a cell (Excel) */

struct xlsx {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold;
    char *tmpdir;
    char *path;
    lxw_row_t row; /* the next row */
    int frozen;
    int *width; /* widest cell of each column, in Excel character widths */
    int ncols;
    int failed;
    struct err err; /* the first failure */
};

/* Display width of UTF-8 text: East Asian wide characters count 2; the widest line counts.
 * Returns -1 for invalid UTF-8 (RFC 3629: no overlongs, surrogates or code points past
 * U+10FFFF). */
static int xlsx_text_width(const char *s, long *chars)
{
    const unsigned char *p = (const unsigned char *)s;
    int w = 0, line = 0;
    long n = 0;
    while (*p) {
        uint32_t cp;
        int len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (*p < 0x80) {
            cp = *p;
            len = 1;
        } else if (*p >= 0xC2 && *p <= 0xDF) {
            cp = *p & 0x1F;
            len = 2;
        } else if (*p >= 0xE0 && *p <= 0xEF) {
            cp = *p & 0x0F;
            len = 3;
            lo = *p == 0xE0 ? 0xA0 : 0x80;
            hi = *p == 0xED ? 0x9F : 0xBF;
        } else if (*p >= 0xF0 && *p <= 0xF4) {
            cp = *p & 0x07;
            len = 4;
            lo = *p == 0xF0 ? 0x90 : 0x80;
            hi = *p == 0xF4 ? 0x8F : 0xBF;
        } else {
            return -1;
        }
        for (int i = 1; i < len; i++) {
            if (i == 1 ? (p[1] < lo || p[1] > hi) : (p[i] & 0xC0) != 0x80)
                return -1;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        p += len;
        n++;
        if (cp == '\n') {
            line = 0;
            continue;
        }
        int wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                   (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                   (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                   (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
        line += wide ? 2 : 1;
        if (line > w)
            w = line;
        if (w > XLSX_WIDTH_MAX)
            w = line = XLSX_WIDTH_MAX;
    }
    *chars = n;
    return w;
}

/* Keep the first failure (xlsx_close reports it) and return its code. */
static int xlsx_fail(struct xlsx *x, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int xlsx_fail(struct xlsx *x, enum err_code code, const char *fmt, ...)
{
    if (!x->failed) {
        char msg[sizeof(x->err.msg)];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        x->failed = 1;
        err_set(&x->err, code, "xlsx", "%s", msg);
    }
    return x->err.code;
}

struct xlsx *xlsx_open(const char *path, const char *sheet_name, struct err *e)
{
    struct xlsx *x = xcalloc(1, sizeof(*x));
    const char *tmp = getenv("TMPDIR");
    lxw_error le;
    x->tmpdir = xstrdup(tmp && *tmp ? tmp : "/tmp");
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = x->tmpdir};
    if (path == NULL || *path == '\0') {
        err_set(e, ERR_INTERNAL, "xlsx", "no file name for the workbook");
        goto fail;
    }
    x->path = xstrdup(path);
    x->wb = workbook_new_opt(path, &opt);
    if (x->wb == NULL) {
        err_set(e, ERR_INTERNAL, "xlsx", "cannot start a workbook for %s", path);
        goto fail;
    }
    if (sheet_name && (le = workbook_validate_sheet_name(x->wb, sheet_name)) != LXW_NO_ERROR) {
        err_set(e, ERR_INVALID, "xlsx", "sheet name '%s': %s", sheet_name, lxw_strerror(le));
        goto fail;
    }
    x->ws = workbook_add_worksheet(x->wb, sheet_name);
    x->bold = workbook_add_format(x->wb);
    if (x->ws == NULL || x->bold == NULL) {
        err_set(e, ERR_INTERNAL, "xlsx", "cannot add a worksheet (temporary files in %s)",
                x->tmpdir);
        goto fail;
    }
    format_set_bold(x->bold);
    return x;
fail:
    if (x->wb)
        lxw_workbook_free(x->wb);
    free(x->path);
    free(x->tmpdir);
    free(x);
    return NULL;
}

int xlsx_row(struct xlsx *x, const char *const *cells, int n, int header)
{
    if (x->failed)
        return x->err.code;
    if (x->row >= LXW_ROW_MAX)
        return xlsx_fail(x, ERR_INVALID, "a sheet holds at most %ld rows", (long)LXW_ROW_MAX);
    if (n > LXW_COL_MAX)
        return xlsx_fail(x, ERR_INVALID, "a row holds at most %ld cells", (long)LXW_COL_MAX);
    if (n > x->ncols) {
        x->width = xrealloc(x->width, sizeof(*x->width) * (size_t)n);
        memset(x->width + x->ncols, 0, sizeof(*x->width) * (size_t)(n - x->ncols));
        x->ncols = n;
    }
    for (int i = 0; i < n; i++) {
        const char *s = cells[i];
        long chars = 0;
        if (s == NULL || *s == '\0')
            continue;
        int w = xlsx_text_width(s, &chars);
        if (w < 0)
            return xlsx_fail(x, ERR_INVALID, "row %ld holds invalid UTF-8", (long)x->row + 1);
        if (chars > XLSX_CELL_MAX)
            return xlsx_fail(x, ERR_INVALID, "row %ld has a cell over %d characters",
                             (long)x->row + 1, XLSX_CELL_MAX);
        if (w > x->width[i])
            x->width[i] = w;
        lxw_error le =
            worksheet_write_string(x->ws, x->row, (lxw_col_t)i, s, header ? x->bold : NULL);
        if (le != LXW_NO_ERROR)
            return xlsx_fail(x, ERR_INTERNAL, "cannot write a cell: %s (row %ld)", lxw_strerror(le),
                             (long)x->row + 1);
    }
    if (header && x->row == 0 && !x->frozen) {
        worksheet_freeze_panes(x->ws, 1, 0);
        x->frozen = 1;
    }
    x->row++;
    return 0;
}

int xlsx_close(struct xlsx *x, struct err *e)
{
    int rc = 0;
    if (x == NULL)
        return 0;
    for (int i = 0; i < x->ncols; i++) {
        double w = x->width[i] + 2;
        if (w < XLSX_WIDTH_MIN)
            w = XLSX_WIDTH_MIN;
        worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL);
    }
    /* workbook_close frees the workbook whatever it returns (and its temporary files) */
    lxw_error le = workbook_close(x->wb);
    if (x->failed) {
        if (e)
            *e = x->err;
        rc = x->err.code;
        unlink(x->path); /* no workbook with rows missing */
        goto out;
    }
    if (le != LXW_NO_ERROR) {
        rc = err_set(e, ERR_INTERNAL, "xlsx", "cannot write %s: %s", x->path, lxw_strerror(le));
        unlink(x->path);
        goto out;
    }
out:
    free(x->path);
    free(x->width);
    free(x->tmpdir);
    free(x);
    return rc;
}
