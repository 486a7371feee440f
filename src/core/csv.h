/* csv.h - streaming CSV reader (RFC 4180, UTF-8 or GB18030 as Chinese Excel saves it) and a
 * CSV row writer that quotes as RFC 4180 asks and guards against formula injection (OWASP). */
#ifndef GG_CSV_H
#define GG_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/err.h"

/* A UTF-8 byte order mark: Excel needs it to read a UTF-8 CSV file as UTF-8. */
#define CSV_BOM "\xEF\xBB\xBF"

#define CSV_MAX_FIELDS 256   /* fields per row */
#define CSV_MAX_RECORD 65536 /* bytes of field text (UTF-8) per row */

enum csv_enc {
    /* A UTF-8 BOM: UTF-8. Otherwise the first 64 KiB decide (or, if they are all ASCII, the
     * 64 KiB from the first non-ASCII byte, since up to it both read the same): valid UTF-8,
     * a character cut at the end allowed, is UTF-8; anything else GB18030. */
    CSV_ENC_AUTO,
    CSV_ENC_UTF8,
    CSV_ENC_GBK, /* read as GB18030, the superset of GBK and GB2312 */
};

struct csv_reader;

/* One record. The strings are NUL-terminated UTF-8, owned by the reader and valid until the
 * next csv_next or csv_close. */
struct csv_row {
    int n;                /* fields, 1..CSV_MAX_FIELDS */
    long line;            /* 1-based physical line where the record starts */
    const char *const *f; /* f[0..n-1] */
};

/* Open a reader on f (read from its current position; the caller closes f after csv_close),
 * or on len bytes at data (not copied: they must outlive the reader). The first 64 KiB are read
 * here to choose the encoding (see CSV_ENC_AUTO); a UTF-8 BOM is skipped in every mode and, with
 * CSV_ENC_AUTO, UTF-16 text (Excel's "Unicode text") is refused. Returns NULL with e filled on
 * failure. */
struct csv_reader *csv_open(FILE *f, enum csv_enc enc, struct err *e);
struct csv_reader *csv_open_mem(const char *data, size_t len, enum csv_enc enc, struct err *e);
void csv_close(struct csv_reader *r);

/* Bytes of input read so far (read ahead in chunks of up to 64 KiB): for progress bars. */
long long csv_bytes_read(const struct csv_reader *r);

/* "utf-8" or "gb18030": the encoding being read. With CSV_ENC_AUTO and a file whose first
 * 64 KiB are ASCII, "utf-8" until csv_next reaches non-ASCII text that is not. */
const char *csv_encoding(const struct csv_reader *r);

/* Read the next record: 1 with *row filled, 0 at the end, or a negative ERR_* with e filled
 * (ERR_INVALID for bad input, naming its line; ERR_INTERNAL for a read error). Blank lines are
 * skipped. Fields are returned exactly as written: quotes removed, "" made ", nothing trimmed;
 * a quote inside an unquoted field, or text after a closing quote, is kept as data, as Excel
 * reads it. Errors are final: every later call returns the same one. */
int csv_next(struct csv_reader *r, struct csv_row *row, struct err *e);

/* Append one CRLF-terminated row of n fields (NULL is an empty field). A field is quoted when
 * it holds ',', '"', CR or LF or starts with a space, and so is the field of a one-field row
 * that is empty (an empty line would be skipped as blank). A field Excel would take for a
 * formula gets a leading apostrophe (OWASP's CSV injection advice): one starting with '=', '@',
 * TAB or CR, or with '+' or '-' unless it is a plain decimal number such as "-12",
 * "+8613800001111" or "-1.5e3". Returns 0, or ERR_TOO_LARGE when the row would pass b's cap:
 * then nothing of it is appended. */
int csv_write_row(struct buf *b, const char *const *fields, int n);

#endif
