/* csv.c - streaming CSV reader and CSV row writer.
 *
 * The reader holds one 64 KiB input chunk, its UTF-8 text and the current record, never the
 * file. Input bytes go through two stages: the raw chunk (raw[rstart..rend)), then UTF-8 text
 * (buf[pos..len)) that the record parser consumes. For UTF-8 input the text is the raw chunk
 * itself, validated up to the last whole character; for GB18030 iconv(3) writes it into dec.
 * A character cut at the chunk's end stays in raw and is completed by the next read. An invalid
 * byte is reported only when the parser reaches it, so the error names the line it is on. */
#include "core/csv.h"
#include "core/arena.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef CSV_CHUNK /* a fuzzing build may shrink it to cut characters more often */
#define CSV_CHUNK 65536
#endif
/* GB18030 text grows by half at most as UTF-8: 1 -> 1, 2 -> 3, 4 -> 3 or 4 bytes */
#define CSV_DEC_CAP (CSV_CHUNK / 2 * 3 + 16)

struct csv_reader {
    FILE *f;
    const unsigned char *mem; /* csv_open_mem's input */
    size_t mem_len, mem_pos;
    int gb;        /* reading GB18030 */
    int in_eof;    /* the input is exhausted */
    int bom;       /* a BOM at the start of the text has yet to be looked for */
    int undecided; /* CSV_ENC_AUTO, no non-ASCII byte seen yet */
    iconv_t cd;
    unsigned char raw[CSV_CHUNK];
    size_t rstart, rend;
    unsigned char *dec; /* GB18030 only */
    const unsigned char *buf;
    size_t pos, len;
    long line;    /* physical line of the next byte */
    int after_cr; /* the last byte was CR: an LF now ends no further line */
    char *rec;    /* field text, each field NUL-terminated */
    size_t rec_len;
    const char *fields[CSV_MAX_FIELDS];
    int failed;
    struct err err;     /* the final error, when failed */
    long long consumed; /* bytes of input read so far (for progress) */
};

/* ---- input ---- */

static int csv_read_more(struct csv_reader *r, struct err *e)
{
    if (r->rstart > 0) {
        memmove(r->raw, r->raw + r->rstart, r->rend - r->rstart);
        r->rend -= r->rstart;
        r->rstart = 0;
    }
    if (!r->gb)
        r->pos = r->len = 0;
    size_t want = sizeof(r->raw) - r->rend, n;
    if (want == 0)
        return err_set(e, ERR_INTERNAL, "file", "CSV input buffer full on line %ld", r->line);
    if (r->f) {
        n = fread(r->raw + r->rend, 1, want, r->f);
        if (n < want && ferror(r->f))
            return err_set(e, ERR_INTERNAL, "file", "cannot read the CSV file on line %ld: %s",
                           r->line, strerror(errno));
    } else {
        n = r->mem_len - r->mem_pos < want ? r->mem_len - r->mem_pos : want;
        if (n > 0)
            memcpy(r->raw + r->rend, r->mem + r->mem_pos, n);
        r->mem_pos += n;
    }
    if (n < want)
        r->in_eof = 1;
    r->rend += n;
    r->consumed += (long long)n;
    return 0;
}

long long csv_bytes_read(const struct csv_reader *r)
{
    return r->consumed;
}

/* Scan UTF-8: return 0 if s[0..n) is valid, 1 if it is valid up to a character cut at its end,
 * -1 if it holds an invalid sequence; *end is where the last whole valid character ends. The
 * second byte's range rules out overlongs, surrogates and code points past U+10FFFF (RFC 3629,
 * section 4). */
static int csv_utf8_scan(const unsigned char *s, size_t n, size_t *end)
{
    size_t i = 0;
    while (i < n) {
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            *end = i;
            return -1;
        }
        for (size_t k = 1; k < len; k++) {
            if (i + k >= n) {
                *end = i;
                return 1;
            }
            unsigned char t = s[i + k];
            if (k == 1 ? (t < lo || t > hi) : (t & 0xC0) != 0x80) {
                *end = i;
                return -1;
            }
        }
        i += len;
    }
    *end = n;
    return 0;
}

/* Bytes before the first non-ASCII one. */
static size_t csv_ascii_len(const unsigned char *s, size_t n)
{
    size_t i = 0;
    for (uint64_t w; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ull)
            break;
    }
    while (i < n && s[i] < 0x80)
        i++;
    return i;
}

static int csv_use_gb18030(struct csv_reader *r, struct err *e)
{
    r->cd = iconv_open("UTF-8", "GB18030");
    if (r->cd == (iconv_t)-1)
        return err_set(e, ERR_INTERNAL, "file", "cannot convert from GB18030: %s", strerror(errno));
    r->gb = 1;
    r->dec = xmalloc(CSV_DEC_CAP);
    return 0;
}

/* CSV_ENC_AUTO without a BOM, at the first non-ASCII byte (raw[rstart]; before it both
 * encodings read the same): UTF-8 if the buffered chunk from there is valid UTF-8, a character
 * cut at its end allowed; GB18030 otherwise. */
static int csv_decide(struct csv_reader *r, struct err *e)
{
    size_t end;
    r->undecided = 0;
    if (csv_utf8_scan(r->raw + r->rstart, r->rend - r->rstart, &end) < 0)
        return csv_use_gb18030(r, e);
    return 0;
}

static int csv_bad_byte(struct csv_reader *r, struct err *e, const char *enc)
{
    return err_set(e, ERR_INVALID, "file", "line %ld is not valid %s (byte 0x%02X)", r->line, enc,
                   r->raw[r->rstart]);
}

/* Make text available at buf[pos..len): 1 when there is some, 0 at the end, or an error. */
static int csv_fill(struct csv_reader *r, struct err *e)
{
    for (;;) {
        if (r->rstart < r->rend && !r->gb) {
            const unsigned char *s = r->raw + r->rstart;
            size_t n = r->rend - r->rstart, end;
            int rc = 0;
            if (r->undecided) {
                end = csv_ascii_len(s, n);
                if (end == 0 && r->rstart > 0 && !r->in_eof) {
                    rc = csv_read_more(r, e); /* a whole chunk to decide on */
                    if (rc < 0)
                        return rc;
                    continue;
                }
                if (end == 0) {
                    rc = csv_decide(r, e);
                    if (rc < 0)
                        return rc;
                    continue;
                }
            } else {
                rc = csv_utf8_scan(s, n, &end);
            }
            if (end > 0) {
                r->buf = r->raw;
                r->pos = r->rstart;
                r->len = r->rstart + end;
                r->rstart = r->len; /* consumed once the parser has read it */
            } else if (rc < 0) {
                return csv_bad_byte(r, e, "UTF-8");
            } else if (r->in_eof) {
                return err_set(e, ERR_INVALID, "file",
                               "line %ld ends in an incomplete UTF-8 character", r->line);
            }
        } else if (r->rstart < r->rend) {
            char *in = (char *)r->raw + r->rstart, *out = (char *)r->dec;
            size_t inleft = r->rend - r->rstart, outleft = CSV_DEC_CAP;
            size_t rc = iconv(r->cd, &in, &inleft, &out, &outleft);
            int err = rc == (size_t)-1 ? errno : 0;
            r->rstart = r->rend - inleft;
            r->buf = r->dec;
            r->pos = 0;
            r->len = CSV_DEC_CAP - outleft;
            if (r->len == 0) {
                if (err == EILSEQ)
                    return csv_bad_byte(r, e, "GB18030");
                if (err == EINVAL && r->in_eof)
                    return err_set(e, ERR_INVALID, "file",
                                   "line %ld ends in an incomplete GB18030 character", r->line);
                if (err != EINVAL && err != 0)
                    return err_set(e, ERR_INTERNAL, "file", "cannot convert GB18030: %s",
                                   strerror(err));
            }
        }
        if (r->len > r->pos && r->bom) {
            r->bom = 0;
            if (r->len - r->pos >= 3 && memcmp(r->buf + r->pos, CSV_BOM, 3) == 0)
                r->pos += 3;
        }
        if (r->len > r->pos)
            return 1;
        /* nothing whole left in the chunk: read more, unless there is no more */
        if (r->in_eof) {
            if (r->rstart < r->rend)
                continue; /* reports the cut character */
            return 0;
        }
        int rc = csv_read_more(r, e);
        if (rc < 0)
            return rc;
    }
}

static struct csv_reader *csv_start(struct csv_reader *r, enum csv_enc enc, struct err *e)
{
    const unsigned char *p = r->raw;
    r->line = 1;
    r->bom = 1;
    r->cd = (iconv_t)-1;
    r->rec = xmalloc(CSV_MAX_RECORD + CSV_MAX_FIELDS + 1);
    if (csv_read_more(r, e) < 0)
        goto fail;
    if (enc == CSV_ENC_AUTO) {
        if (r->rend >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
            err_set(e, ERR_INVALID, "file",
                    "the file is UTF-16 text: save it as CSV (UTF-8, or the Chinese default)");
            goto fail;
        }
        if (r->rend >= 3 && memcmp(p, CSV_BOM, 3) == 0)
            return r;
        /* the first chunk decides; if it is all ASCII, the first chunk that is not */
        r->undecided = 1;
        if (csv_ascii_len(p, r->rend) < r->rend && csv_decide(r, e) < 0)
            goto fail;
    } else if (enc == CSV_ENC_GBK) {
        if (csv_use_gb18030(r, e) < 0)
            goto fail;
    } else if (enc != CSV_ENC_UTF8) {
        err_set(e, ERR_INTERNAL, "file", "unknown CSV encoding %d", (int)enc);
        goto fail;
    }
    return r;
fail:
    csv_close(r);
    return NULL;
}

struct csv_reader *csv_open(FILE *f, enum csv_enc enc, struct err *e)
{
    struct csv_reader *r = xcalloc(1, sizeof(*r));
    r->f = f;
    return csv_start(r, enc, e);
}

struct csv_reader *csv_open_mem(const char *data, size_t len, enum csv_enc enc, struct err *e)
{
    struct csv_reader *r = xcalloc(1, sizeof(*r));
    r->mem = (const unsigned char *)data;
    r->mem_len = data ? len : 0;
    return csv_start(r, enc, e);
}

void csv_close(struct csv_reader *r)
{
    if (r == NULL)
        return;
    if (r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    free(r->dec);
    free(r->rec);
    free(r);
}

const char *csv_encoding(const struct csv_reader *r)
{
    return r->gb ? "gb18030" : "utf-8";
}

/* ---- records ---- */

enum {
    CSV_T_UNQUOTED = 1, /* ends an unquoted field: NUL, CR, LF, ',' */
    CSV_T_QUOTED = 2,   /* ends a run inside quotes: NUL, CR, LF, '"' */
};

static const unsigned char csv_stop[256] = {
    [0] = 3, ['\r'] = 3, ['\n'] = 3, [','] = CSV_T_UNQUOTED, ['"'] = CSV_T_QUOTED,
};

enum csv_state { ST_RECORD, ST_FIELD, ST_UNQUOTED, ST_QUOTED, ST_QUOTE };

int csv_next(struct csv_reader *r, struct csv_row *row, struct err *e)
{
    enum csv_state st = ST_RECORD;
    long rec_line = r->line, quote_line = 0;
    int nf = 0, rc = 0;
    size_t fstart = 0; /* where the current field's text starts in rec */
    struct err tmp;
    if (e == NULL)
        e = &tmp;
    if (r->failed) {
        *e = r->err;
        return r->err.code;
    }
    r->rec_len = 0;
    for (;;) {
        if (r->pos == r->len) {
            rc = csv_fill(r, e);
            if (rc < 0)
                goto out;
            if (rc == 0)
                break;
        }
        if (st == ST_UNQUOTED || st == ST_QUOTED) {
            /* the common case: copy a run of plain bytes at once */
            unsigned mask = st == ST_QUOTED ? CSV_T_QUOTED : CSV_T_UNQUOTED;
            const unsigned char *s = r->buf + r->pos, *p = s, *end = r->buf + r->len;
            while (p < end && !(csv_stop[*p] & mask))
                p++;
            size_t n = (size_t)(p - s);
            if (n > 0) {
                if (r->rec_len - (size_t)nf + n > CSV_MAX_RECORD)
                    goto too_long;
                memcpy(r->rec + r->rec_len, s, n);
                r->rec_len += n;
                r->after_cr = 0;
                r->pos += n;
                if (r->pos == r->len)
                    continue;
            }
        }
        unsigned char c = r->buf[r->pos++];
        if (c == '\0') {
            rc = err_set(e, ERR_INVALID, "file", "line %ld holds a NUL byte", r->line);
            goto out;
        }
        int eol = c == '\r' || c == '\n';
        if (c == '\r')
            r->line++;
        else if (c == '\n' && !r->after_cr)
            r->line++;
        r->after_cr = c == '\r';
        int data = 0, end_field = 0;
        switch (st) {
        case ST_RECORD:
            if (eol)
                continue; /* a blank line, or the LF of a CRLF */
            rec_line = r->line;
            /* fall through */
        case ST_FIELD:
            if (c == '"') {
                st = ST_QUOTED;
                quote_line = r->line;
            } else if (c == ',' || eol) {
                end_field = 1;
            } else {
                data = 1;
                st = ST_UNQUOTED;
            }
            break;
        case ST_UNQUOTED:
            if (c == ',' || eol)
                end_field = 1;
            else
                data = 1; /* a stray quote */
            break;
        case ST_QUOTED:
            if (c == '"')
                st = ST_QUOTE;
            else
                data = 1;
            break;
        case ST_QUOTE:
            if (c == '"') {
                data = 1;
                st = ST_QUOTED;
            } else if (c == ',' || eol) {
                end_field = 1;
            } else {
                data = 1; /* text after the closing quote */
                st = ST_UNQUOTED;
            }
            break;
        }
        if (data) {
            if (r->rec_len - (size_t)nf + 1 > CSV_MAX_RECORD)
                goto too_long;
            r->rec[r->rec_len++] = (char)c;
        }
        if (end_field) {
            if (nf == CSV_MAX_FIELDS) {
                rc = err_set(e, ERR_INVALID, "file",
                             "the row starting on line %ld has more than %d fields", rec_line,
                             CSV_MAX_FIELDS);
                goto out;
            }
            r->rec[r->rec_len++] = '\0';
            r->fields[nf++] = r->rec + fstart;
            fstart = r->rec_len;
            st = ST_FIELD;
            if (eol)
                goto done;
        }
    }
    /* the end of the input */
    if (st == ST_RECORD) {
        rc = 0;
        goto out;
    }
    if (st == ST_QUOTED) {
        rc = err_set(e, ERR_INVALID, "file", "unterminated quoted field starting on line %ld",
                     quote_line);
        goto out;
    }
    if (nf == CSV_MAX_FIELDS) {
        rc = err_set(e, ERR_INVALID, "file", "the row starting on line %ld has more than %d fields",
                     rec_line, CSV_MAX_FIELDS);
        goto out;
    }
    r->rec[r->rec_len++] = '\0';
    r->fields[nf++] = r->rec + fstart;
done:
    row->n = nf;
    row->line = rec_line;
    row->f = r->fields;
    rc = 1;
    goto out;
too_long:
    if (st == ST_QUOTED)
        rc = err_set(e, ERR_INVALID, "file",
                     "unterminated quoted field starting on line %ld (no closing quote within "
                     "%d bytes)",
                     quote_line, CSV_MAX_RECORD);
    else
        rc = err_set(e, ERR_INVALID, "file", "the row starting on line %ld is longer than %d bytes",
                     rec_line, CSV_MAX_RECORD);
out:
    if (rc < 0) {
        r->failed = 1;
        r->err = *e;
    }
    return rc;
}

/* ---- writer ---- */

/* A plain decimal number: [+-]?(digits[.digits*]|.digits)([eE][+-]?digits)? */
static int csv_is_number(const char *s)
{
    int digits = 0;
    if (*s == '+' || *s == '-')
        s++;
    while (*s >= '0' && *s <= '9')
        s++, digits++;
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9')
            s++, digits++;
    }
    if (digits == 0)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

int csv_write_row(struct buf *b, const char *const *fields, int n)
{
    size_t start = b->len;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        const char *s = fields[i] ? fields[i] : "";
        int guard = strchr("=@\t\r", *s) != NULL && *s != '\0';
        if ((*s == '+' || *s == '-') && !csv_is_number(s))
            guard = 1;
        int quote = *s == ' ' || strpbrk(s, ",\"\r\n") != NULL;
        if (i > 0)
            rc |= buf_add(b, ",", 1);
        if (n == 1 && *s == '\0') {
            rc |= buf_add(b, "\"\"", 2); /* not a blank line, which readers skip */
            continue;
        }
        if (quote)
            rc |= buf_add(b, "\"", 1);
        if (guard)
            rc |= buf_add(b, "'", 1);
        if (!quote) {
            rc |= buf_puts(b, s);
            continue;
        }
        /* each quote doubled */
        for (const char *q; rc == 0 && (q = strchr(s, '"')) != NULL; s = q + 1) {
            rc |= buf_add(b, s, (size_t)(q - s + 1));
            rc |= buf_add(b, "\"", 1);
        }
        rc |= buf_puts(b, s);
        rc |= buf_add(b, "\"", 1);
    }
    rc |= buf_add(b, "\r\n", 2);
    if (rc != 0) {
        b->len = start;
        if (b->data)
            b->data[start] = '\0';
        return ERR_TOO_LARGE;
    }
    return 0;
}
