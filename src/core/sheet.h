/* sheet.h - a table written to a file as CSV (UTF-8 with a BOM, as Excel reads it) or as a
 * one-sheet XLSX workbook, row by row: the one writer behind every export (registries, index
 * rankings, district figures). */
#ifndef GG_SHEET_H
#define GG_SHEET_H

#include "core/err.h"

enum sheet_fmt { SHEET_CSV, SHEET_XLSX };

struct sheet;

/* "csv" or "xlsx" (NULL: csv) into *fmt; -1 for anything else. */
int sheet_fmt_parse(const char *s, enum sheet_fmt *fmt);
const char *sheet_ext(enum sheet_fmt fmt);          /* "csv", "xlsx" */
const char *sheet_content_type(enum sheet_fmt fmt); /* the download's MIME type */

/* Start writing path; name is the workbook's sheet name (see xlsx_open; unused for CSV).
 * Returns NULL with e filled on failure. */
struct sheet *sheet_open(enum sheet_fmt fmt, const char *path, const char *name, struct err *e);
/* Append a row of n cells (NULL: empty); header rows are bold in a workbook. */
int sheet_row(struct sheet *s, const char *const *cells, int n, int header, struct err *e);
/* Finish the file and free s; rc is the caller's result so far: the first error wins. */
int sheet_close(struct sheet *s, int rc, struct err *e);

#endif
