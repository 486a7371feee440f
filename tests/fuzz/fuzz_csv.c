/* fuzz_csv.c - libFuzzer target for the CSV reader and writer (src/core/csv.c), which read a
 * clerk's uploaded registry file.
 *
 * The input is the file, byte for byte, in a buffer of exactly its size (ASan catches any read
 * past the end), read with csv_open_mem and CSV_ENC_AUTO to the end or the first error. It must
 * satisfy:
 *   - on failure: ERR_INVALID (memory input cannot fail to read), with a message that is valid
 *     UTF-8, and the same error again from the next csv_next;
 *   - for every row: 1..CSV_MAX_FIELDS fields of valid UTF-8 text without NUL, at most
 *     CSV_MAX_RECORD bytes in all, and a line number that never goes down;
 *   - the encoding is "utf-8" or "gb18030";
 *   - round trip: the rows written again with csv_write_row (after CSV_BOM, as for Excel) read
 *     back as the same fields, except that a field csv_write_row guarded against formula
 *     injection comes back with its leading apostrophe; a field starting with '=', '@', TAB or
 *     CR is always guarded. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_csv: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* Strict UTF-8 (RFC 3629): no overlongs, surrogates or code points past U+10FFFF. */
static int utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int len = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (*p < 0x80)
            len = 1;
        else if (*p >= 0xC2 && *p <= 0xDF)
            len = 2;
        else if (*p >= 0xE0 && *p <= 0xEF) {
            len = 3;
            lo = *p == 0xE0 ? 0xA0 : 0x80;
            hi = *p == 0xED ? 0x9F : 0xBF;
        } else if (*p >= 0xF0 && *p <= 0xF4) {
            len = 4;
            lo = *p == 0xF0 ? 0x90 : 0x80;
            hi = *p == 0xF4 ? 0x8F : 0xBF;
        } else {
            return 0;
        }
        for (int i = 1; i < len; i++) {
            if (i == 1 ? (p[1] < lo || p[1] > hi) : (p[i] & 0xC0) != 0x80)
                return 0;
        }
        p += len;
    }
    return 1;
}

/* The fields of every row read, in order, each NUL-terminated; the rows' field counts. */
struct rows {
    struct buf text;
    int *counts;
    size_t nrows;
};

static void rows_add(struct rows *rs, const struct csv_row *row)
{
    rs->counts = realloc(rs->counts, sizeof(int) * (rs->nrows + 1));
    if (rs->counts == NULL)
        abort();
    rs->counts[rs->nrows++] = row->n;
    for (int i = 0; i < row->n; i++) {
        if (buf_add(&rs->text, row->f[i], strlen(row->f[i]) + 1) != 0)
            die("buffer cap", NULL);
    }
}

/* Read everything; return csv_next's last result. */
static int read_all(const char *data, size_t size, enum csv_enc enc, struct rows *rs,
                    size_t *max_record)
{
    struct err e = {0};
    struct csv_row row;
    struct csv_reader *r = csv_open_mem(data, size, enc, &e);
    int rc;
    long line = 0;
    if (r == NULL) {
        if (e.code != ERR_INVALID || e.msg[0] == '\0' || !utf8_ok(e.msg))
            die("csv_open failed without a proper error", e.msg);
        return e.code;
    }
    const char *name = csv_encoding(r);
    if (strcmp(name, "utf-8") != 0 && strcmp(name, "gb18030") != 0)
        die("unknown encoding", name);
    while ((rc = csv_next(r, &row, &e)) == 1) {
        size_t total = 0;
        if (row.n < 1 || row.n > CSV_MAX_FIELDS)
            die("field count out of range", NULL);
        if (row.line < 1 || row.line < line)
            die("line number goes down", NULL);
        line = row.line;
        for (int i = 0; i < row.n; i++) {
            if (!utf8_ok(row.f[i]))
                die("invalid UTF-8 in a field", NULL);
            total += strlen(row.f[i]);
        }
        if (total > CSV_MAX_RECORD)
            die("record over CSV_MAX_RECORD", NULL);
        if (total > *max_record)
            *max_record = total;
        rows_add(rs, &row);
    }
    if (rc < 0) {
        struct err e2 = {0};
        if (rc != ERR_INVALID || e.code != rc || e.msg[0] == '\0' || !utf8_ok(e.msg))
            die("unexpected error", e.msg);
        if (csv_next(r, &row, &e2) != rc || strcmp(e2.msg, e.msg) != 0)
            die("the error is not final", e.msg);
    } else if (rc != 0) {
        die("csv_next returned neither 1, 0 nor an error", NULL);
    }
    csv_close(r);
    return rc;
}

static void round_trip(const struct rows *rs)
{
    struct buf out;
    struct rows back = {0};
    const char *fields[CSV_MAX_FIELDS];
    const char *p = rs->text.data;
    size_t max_record = 0;
    buf_init(&out, 64u << 20);
    buf_init(&back.text, 64u << 20);
    buf_puts(&out, CSV_BOM);
    for (size_t i = 0; i < rs->nrows; i++) {
        for (int k = 0; k < rs->counts[i]; k++) {
            fields[k] = p;
            p += strlen(p) + 1;
        }
        if (csv_write_row(&out, fields, rs->counts[i]) != 0)
            die("csv_write_row failed", NULL);
    }
    if (read_all(out.data, out.len, CSV_ENC_UTF8, &back, &max_record) != 0)
        die("the written rows do not read back", NULL);
    if (back.nrows != rs->nrows)
        die("round trip changed the row count", NULL);
    const char *a = rs->text.data, *b = back.text.data;
    for (size_t i = 0; i < rs->nrows; i++) {
        if (back.counts[i] != rs->counts[i])
            die("round trip changed a field count", NULL);
        for (int k = 0; k < rs->counts[i]; k++) {
            int guarded = b[0] == '\'' && a[0] && strchr("=@\t\r+-", a[0]) && strcmp(a, b + 1) == 0;
            if (strcmp(a, b) != 0 && !guarded)
                die("round trip changed a field", a);
            if (a[0] && strchr("=@\t\r", a[0]) && !guarded)
                die("a formula was not guarded", a);
            a += strlen(a) + 1;
            b += strlen(b) + 1;
        }
    }
    free(back.counts);
    buf_free(&back.text);
    buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rows rs = {0};
    size_t max_record = 0;
    char *copy = malloc(size ? size : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, data, size);
    buf_init(&rs.text, 64u << 20);
    read_all(copy, size, CSV_ENC_AUTO, &rs, &max_record);
    free(copy); /* nothing read may point into the input */
    /* the rows read before any error, if the apostrophes of guarded fields leave them within the
     * record limit */
    if (rs.nrows > 0 && max_record <= CSV_MAX_RECORD - CSV_MAX_FIELDS)
        round_trip(&rs);
    free(rs.counts);
    buf_free(&rs.text);
    return 0;
}
