/* xlsx.h - write a one-sheet Excel workbook of text cells, row by row (libxlsxwriter in its
 * constant-memory mode: rows go to a temporary file as they come, not into memory). */
#ifndef GG_XLSX_H
#define GG_XLSX_H

#include "core/err.h"

struct xlsx;

/* Start a workbook to be written to path at xlsx_close, with one sheet named sheet_name (NULL:
 * "Sheet1"; at most 31 characters, none of []:*?/\). Temporary files go to $TMPDIR, else /tmp.
 * Returns NULL with e filled on failure. */
struct xlsx *xlsx_open(const char *path, const char *sheet_name, struct err *e);

/* Append the next row: n cells of UTF-8 text (NULL is an empty cell), stored as text, never as
 * formulas. A header row is bold, and when it is the first row it stays frozen at the top.
 * Returns 0, ERR_INVALID (invalid UTF-8, a cell over 32767 characters, more than 16384 cells or
 * 1048576 rows) or ERR_INTERNAL; the first failure is also reported again by xlsx_close. */
int xlsx_row(struct xlsx *x, const char *const *cells, int n, int header);

/* Set the column widths from the longest cell of each column, write the file and free x.
 * Returns 0, or a negative ERR_* with e filled: the first xlsx_row failure, or libxlsxwriter's
 * (the file could not be written). */
int xlsx_close(struct xlsx *x, struct err *e);

#endif
