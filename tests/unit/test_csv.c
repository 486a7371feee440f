/* test_csv.c - CSV import and export (src/core/csv.c) and XLSX export (src/core/xlsx.c): RFC 4180
 * quoting with every line ending, the encodings a district clerk's Excel saves (UTF-8 with or
 * without a BOM, GB18030) read in 64 KiB chunks with characters cut at chunk ends, errors that
 * name their line, bounded memory for unterminated quotes, the writer's quoting and formula
 * guard, and a small workbook written through libxlsxwriter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/xlsx.h"

/* The clerk's header row, and the rows that go under it. */
#define HEADER_ZH "姓名,身份证号,手机号,网格,住址,类别"

/* All rows as text: "LINE[f1][f2]...\n" per row; *rc is csv_next's last return. */
static char *dump(struct csv_reader *r, int *rc, struct err *e)
{
    struct buf b;
    struct csv_row row;
    buf_init(&b, 64u << 20);
    while ((*rc = csv_next(r, &row, e)) == 1) {
        buf_printf(&b, "%ld", row.line);
        for (int i = 0; i < row.n; i++)
            buf_printf(&b, "[%s]", row.f[i]);
        buf_puts(&b, "\n");
    }
    return buf_steal(&b);
}

/* Read text (len bytes) from memory and compare its dump with want. */
static void read_ok(const char *text, size_t len, enum csv_enc enc, const char *want)
{
    struct err e = {0};
    int rc;
    struct csv_reader *r = csv_open_mem(text, len, enc, &e);
    if (r == NULL)
        fail_msg("open: %s", e.msg);
    char *got = dump(r, &rc, &e);
    if (rc != 0)
        fail_msg("'%s': error %d: %s", text, rc, e.msg);
    if (strcmp(got, want) != 0)
        fail_msg("read '%s'\n got:\n%s want:\n%s", text, got, want);
    free(got);
    csv_close(r);
}

/* Read text; it must fail with ERR_INVALID and a message holding msg_part. */
static void read_bad(const char *text, size_t len, enum csv_enc enc, const char *msg_part)
{
    struct err e = {0};
    int rc;
    struct csv_reader *r = csv_open_mem(text, len, enc, &e);
    if (r == NULL)
        fail_msg("open: %s", e.msg);
    free(dump(r, &rc, &e));
    if (rc != ERR_INVALID)
        fail_msg("'%s' gave %d, want ERR_INVALID", text, rc);
    assert_int_equal(e.code, ERR_INVALID);
    if (strstr(e.msg, msg_part) == NULL)
        fail_msg("'%s': message '%s' lacks '%s'", text, e.msg, msg_part);
    /* the error is final */
    struct csv_row row;
    struct err e2 = {0};
    assert_int_equal(csv_next(r, &row, &e2), ERR_INVALID);
    assert_string_equal(e2.msg, e.msg);
    csv_close(r);
}

#define READ_OK(text, want) read_ok(text, sizeof(text) - 1, CSV_ENC_AUTO, want)
#define READ_BAD(text, part) read_bad(text, sizeof(text) - 1, CSV_ENC_AUTO, part)

/* UTF-8 to GB18030 with iconv(3); *len gets the size. */
static char *to_gb(const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inleft = strlen(utf8), cap = inleft * 2 + 16, outleft = cap;
    char *out = malloc(cap), *in = (char *)utf8, *o = out;
    assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
    assert_int_equal(inleft, 0);
    iconv_close(cd);
    *len = cap - outleft;
    return out;
}

/* A temporary file holding len bytes, at its start. */
static FILE *tmp_with(const char *data, size_t len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    rewind(f);
    return f;
}

/* ---- the reader ---- */

static void test_quoted(void **state)
{
    (void)state;
    READ_OK("a,\"b,c\",\"d\"\"e\",\"f\r\ng\",\"\"\n", "1[a][b,c][d\"e][f\r\ng][]\n");
    /* a quoted field may span lines; the next record's line counts them */
    READ_OK("\"x\ny\nz\",1\nnext\n", "1[x\ny\nz][1]\n4[next]\n");
    READ_OK("\"a\rb\",c\rd\n", "1[a\rb][c]\n3[d]\n");
    /* nothing is trimmed */
    READ_OK(" a , b ,\" c \"\n", "1[ a ][ b ][ c ]\n");
    /* lenient like Excel: a stray quote in an unquoted field, text after a closing quote */
    READ_OK("ab\"c,5\" 6\n", "1[ab\"c][5\" 6]\n");
    READ_OK("\"abc\"def,\"x\"\"\"y\n", "1[abcdef][x\"y]\n");
    /* empty fields */
    READ_OK(",,\n", "1[][][]\n");
    READ_OK("\"\"\n", "1[]\n");
    READ_OK("中文,\"引号，逗号\"\n", "1[中文][引号，逗号]\n");
}

static void test_line_endings(void **state)
{
    (void)state;
    READ_OK("a,b\r\nc,d\ne,f\rg,h", "1[a][b]\n2[c][d]\n3[e][f]\n4[g][h]\n");
    /* CR, then CRLF: two line ends */
    READ_OK("x\r\r\ny\n", "1[x]\n3[y]\n");
    /* LF, then CR: two line ends as well */
    READ_OK("x\n\ry\n", "1[x]\n3[y]\n");
    READ_OK("a\r\n", "1[a]\n");
}

static void test_blank_lines_and_end(void **state)
{
    (void)state;
    READ_OK("\n\r\n\na\n\n\nb\r\n\r\n", "4[a]\n7[b]\n");
    READ_OK("", "");
    READ_OK("\r\n\n\r", "");
    /* a final line without a line end, and one ending in a separator */
    READ_OK("a,b\nc", "1[a][b]\n2[c]\n");
    READ_OK("a,b\nc,", "1[a][b]\n2[c][]\n");
    READ_OK("a,\"b\"", "1[a][b]\n");
    /* a line of spaces is not blank */
    READ_OK("a\n \nb\n", "1[a]\n2[ ]\n3[b]\n");
}

static void test_bom(void **state)
{
    (void)state;
    static const char text[] = CSV_BOM HEADER_ZH "\r\n1,2\r\n";
    const char *want = "1[姓名][身份证号][手机号][网格][住址][类别]\n2[1][2]\n";
    read_ok(text, sizeof(text) - 1, CSV_ENC_AUTO, want);
    read_ok(text, sizeof(text) - 1, CSV_ENC_UTF8, want);
    /* only the first BOM is skipped; a BOM alone is an empty file */
    READ_OK(CSV_BOM CSV_BOM "a\n", "1[" CSV_BOM "a]\n");
    READ_OK(CSV_BOM, "");
    struct err e = {0};
    struct csv_reader *r = csv_open_mem(text, sizeof(text) - 1, CSV_ENC_AUTO, &e);
    assert_non_null(r);
    assert_string_equal(csv_encoding(r), "utf-8");
    csv_close(r);
    /* UTF-16 (Excel's "Unicode text") is refused with advice */
    r = csv_open_mem("\xFF\xFE"
                     "a\0,\0",
                     6, CSV_ENC_AUTO, &e);
    assert_null(r);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.msg, "UTF-16"));
}

static void test_field_limit(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1u << 20);
    buf_puts(&b, "h\n");
    for (int i = 0; i < CSV_MAX_FIELDS; i++)
        buf_puts(&b, i ? ",x" : "x");
    buf_puts(&b, "\n");
    struct err e = {0};
    struct csv_row row;
    struct csv_reader *r = csv_open_mem(b.data, b.len, CSV_ENC_AUTO, &e);
    assert_int_equal(csv_next(r, &row, &e), 1);
    assert_int_equal(csv_next(r, &row, &e), 1);
    assert_int_equal(row.n, CSV_MAX_FIELDS);
    assert_int_equal(row.line, 2);
    assert_string_equal(row.f[CSV_MAX_FIELDS - 1], "x");
    assert_int_equal(csv_next(r, &row, &e), 0);
    csv_close(r);
    /* one more field, in the middle of the file and at its end */
    b.len -= 1;
    buf_puts(&b, ",x\nlater\n");
    read_bad(b.data, b.len, CSV_ENC_AUTO, "the row starting on line 2 has more than 256 fields");
    b.len -= 7;
    read_bad(b.data, b.len, CSV_ENC_AUTO, "line 2 has more than 256 fields");
    b.len -= 1; /* "...,x," */
    read_bad(b.data, b.len, CSV_ENC_AUTO, "line 2 has more than 256 fields");
    buf_free(&b);
}

static void test_record_limit(void **state)
{
    (void)state;
    size_t n = CSV_MAX_RECORD;
    char *text = malloc(n + 16);
    /* a row of exactly CSV_MAX_RECORD bytes of text, over two fields and quoted */
    text[0] = '"';
    memset(text + 1, 'a', n - 1);
    memcpy(text + n, "\",b\nc\n", 6);
    struct err e = {0};
    struct csv_row row;
    struct csv_reader *r = csv_open_mem(text, n + 6, CSV_ENC_AUTO, &e);
    assert_int_equal(csv_next(r, &row, &e), 1);
    assert_int_equal(row.n, 2);
    assert_int_equal(strlen(row.f[0]), n - 1);
    assert_int_equal(csv_next(r, &row, &e), 1);
    assert_string_equal(row.f[0], "c");
    csv_close(r);
    /* one byte more */
    memcpy(text + n, "\",bb\nc\n", 7);
    read_bad(text, n + 7, CSV_ENC_AUTO, "the row starting on line 1 is longer than 65536 bytes");
    memset(text, 'a', n + 1);
    read_bad(text, n + 1, CSV_ENC_AUTO, "line 1 is longer than 65536 bytes");
    free(text);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    READ_BAD("a,b\nc,\"d\ne\n", "unterminated quoted field starting on line 2");
    READ_BAD("\"", "unterminated quoted field starting on line 1");
    READ_BAD("a\r\n\r\nb,\"c\"\"\n", "unterminated quoted field starting on line 3");
    /* 8 MiB after an open quote: the reader stops at CSV_MAX_RECORD, not at the end of the file */
    size_t big = 8u << 20;
    char *text = malloc(big);
    memset(text, 'x', big);
    memcpy(text, "id,name\n1,\"open", 15);
    for (size_t i = 1000; i < big; i += 1000)
        text[i] = '\n';
    FILE *f = tmp_with(text, big);
    struct err e = {0};
    struct csv_row row;
    struct csv_reader *r = csv_open(f, CSV_ENC_AUTO, &e);
    assert_int_equal(csv_next(r, &row, &e), 1);
    assert_int_equal(csv_next(r, &row, &e), ERR_INVALID);
    assert_non_null(strstr(e.msg, "unterminated quoted field starting on line 2"));
    long read = ftell(f);
    if (read > 3 * 65536)
        fail_msg("read %ld bytes of the file before giving up", read);
    csv_close(r);
    fclose(f);
    /* the same from memory */
    read_bad(text, big, CSV_ENC_AUTO, "unterminated quoted field starting on line 2");
    free(text);
}

static void test_nul_and_invalid_utf8(void **state)
{
    (void)state;
    static const char nul[] = "a,b\nc,d\0e\n";
    read_bad(nul, sizeof(nul) - 1, CSV_ENC_AUTO, "line 2 holds a NUL byte");
    read_bad("a,b\nc,\xFF\n", 9, CSV_ENC_UTF8, "line 2 is not valid UTF-8 (byte 0xFF)");
    /* overlong, surrogate, past U+10FFFF */
    read_bad("\xC0\xAF", 2, CSV_ENC_UTF8, "line 1 is not valid UTF-8");
    read_bad("x\n\xED\xA0\x80", 5, CSV_ENC_UTF8, "line 2 is not valid UTF-8");
    read_bad("\"a\nb\",\xF4\x90\x80\x80", 10, CSV_ENC_UTF8, "line 2 is not valid UTF-8");
    read_bad("a\n\xE4\xB8", 4, CSV_ENC_UTF8, "line 2 ends in an incomplete UTF-8 character");
    /* detected as UTF-8 from the first 64 KiB, invalid further on */
    struct buf b;
    buf_init(&b, 1u << 20);
    buf_puts(&b, HEADER_ZH "\n");
    for (int i = 0; i < 5000; i++)
        buf_printf(&b, "张三,%d,13800001111\n", i);
    buf_puts(&b, "李四,\xB2\xE2\n");
    assert_true(b.len > 65536);
    read_bad(b.data, b.len, CSV_ENC_AUTO, "line 5002 is not valid UTF-8 (byte 0xB2)");
    buf_free(&b);
}

static const char zh_utf8[] =
    HEADER_ZH "\r\n"
              "张三,330604199001011234,13800001111,百官街道龙山社区第一网格,"
              "\"上虞区百官街道市民大道1号,2幢\",户籍人口\r\n"
              "李𠮷,33060420000229002X,+86 138 0000 2222,曹娥街道,\"\"\"老\"\"街\","
              "流动人口\r\n";

static void test_gbk(void **state)
{
    (void)state;
    size_t len;
    char *gb = to_gb(zh_utf8, &len);
    assert_true(len < strlen(zh_utf8));
    const char *want = "1[姓名][身份证号][手机号][网格][住址][类别]\n"
                       "2[张三][330604199001011234][13800001111][百官街道龙山社区第一网格]"
                       "[上虞区百官街道市民大道1号,2幢][户籍人口]\n"
                       "3[李𠮷][33060420000229002X][+86 138 0000 2222][曹娥街道][\"老\"街]"
                       "[流动人口]\n";
    read_ok(zh_utf8, strlen(zh_utf8), CSV_ENC_AUTO, want);
    read_ok(gb, len, CSV_ENC_AUTO, want);
    read_ok(gb, len, CSV_ENC_GBK, want);
    struct err e = {0};
    struct csv_reader *r = csv_open_mem(gb, len, CSV_ENC_AUTO, &e);
    assert_string_equal(csv_encoding(r), "gb18030");
    csv_close(r);
    r = csv_open_mem(zh_utf8, strlen(zh_utf8), CSV_ENC_GBK, &e);
    assert_string_equal(csv_encoding(r), "gb18030");
    csv_close(r);
    /* from a file */
    FILE *f = tmp_with(gb, len);
    int rc;
    r = csv_open(f, CSV_ENC_AUTO, &e);
    char *got = dump(r, &rc, &e);
    assert_int_equal(rc, 0);
    assert_string_equal(got, want);
    free(got);
    csv_close(r);
    fclose(f);
    /* GB18030's own BOM (U+FEFF) is skipped too */
    size_t blen;
    char *bom = to_gb("\xEF\xBB\xBF"
                      "甲,乙\n",
                      &blen);
    assert_int_equal((unsigned char)bom[0], 0x84);
    read_ok(bom, blen, CSV_ENC_GBK, "1[甲][乙]\n");
    free(bom);
    free(gb);
}

static void test_gbk_invalid(void **state)
{
    (void)state;
    read_bad("a\nb\n\x81\x20\n", 7, CSV_ENC_GBK, "line 3 is not valid GB18030 (byte 0x81)");
    read_bad("a\n\xD6", 3, CSV_ENC_GBK, "line 2 ends in an incomplete GB18030 character");
    read_bad("a\n\"\xFF\"", 5, CSV_ENC_GBK, "line 2 is not valid GB18030 (byte 0xFF)");
    /* AUTO: not UTF-8, so GB18030, and then invalid */
    read_bad("\xD6\xD0,\xCE\xC4\n\x80\n", 8, CSV_ENC_AUTO, "line 2 is not valid GB18030");
}

/* The rows of a file of over 64 KiB whose characters fall across chunk ends: pad shifts them. */
static char *big_text(int pad, int rows)
{
    struct buf b;
    buf_init(&b, 64u << 20);
    buf_printf(&b, "%.*s\r\n" HEADER_ZH "\r\n", pad + 1, "xxxxxxxxxxxxxxxxxxxxxxxx");
    for (int i = 0; i < rows; i++)
        buf_printf(&b,
                   "张三𠮷%d,3306041990%08d,138%08d,\"百官街道,第%d网格\",\"中𠮷中𠮷 "
                   "\"\"号\"\"\",户籍\r\n",
                   i, i, i, i % 97);
    return buf_steal(&b);
}

/* Check the rows read from r against big_text's. */
static void check_big(struct csv_reader *r, int pad, int rows)
{
    struct err e = {0};
    struct csv_row row;
    char want[6][128];
    assert_int_equal(csv_next(r, &row, &e), 1);
    assert_int_equal(row.n, 1);
    assert_int_equal(strlen(row.f[0]), (size_t)pad + 1);
    assert_int_equal(csv_next(r, &row, &e), 1);
    assert_string_equal(row.f[0], "姓名");
    assert_string_equal(row.f[5], "类别");
    for (int i = 0; i < rows; i++) {
        int rc = csv_next(r, &row, &e);
        if (rc != 1)
            fail_msg("pad %d, row %d: %d %s", pad, i, rc, e.msg);
        snprintf(want[0], sizeof(want[0]), "张三𠮷%d", i);
        snprintf(want[1], sizeof(want[1]), "3306041990%08d", i);
        snprintf(want[2], sizeof(want[2]), "138%08d", i);
        snprintf(want[3], sizeof(want[3]), "百官街道,第%d网格", i % 97);
        snprintf(want[4], sizeof(want[4]), "中𠮷中𠮷 \"号\"");
        snprintf(want[5], sizeof(want[5]), "户籍");
        assert_int_equal(row.n, 6);
        assert_int_equal(row.line, i + 3);
        for (int k = 0; k < 6; k++) {
            if (strcmp(row.f[k], want[k]) != 0)
                fail_msg("pad %d, row %d, field %d: '%s', want '%s'", pad, i, k, row.f[k], want[k]);
        }
    }
    assert_int_equal(csv_next(r, &row, &e), 0);
}

/* How many bytes of a character cut at 64 KiB fall before the cut (0: none is cut). */
static size_t gb_cut_at_64k(const char *gb)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    char *in = (char *)gb, *out = malloc(4 * 65536), *o = out;
    size_t inleft = 65536, outleft = 4 * 65536;
    size_t rc = iconv(cd, &in, &inleft, &o, &outleft);
    iconv_close(cd);
    free(out);
    return rc == (size_t)-1 ? inleft : 0;
}

static void test_chunk_boundaries(void **state)
{
    (void)state;
    int rows = 3000, seen[4] = {0};
    for (int pad = 0; pad < 12; pad++) {
        char *utf8 = big_text(pad, rows);
        size_t len;
        char *gb = to_gb(utf8, &len);
        assert_true(len > 3 * 65536);
        seen[gb_cut_at_64k(gb)]++;
        struct err e = {0};
        /* GB18030, from a file (AUTO and declared) and from memory */
        for (int k = 0; k < 3; k++) {
            FILE *f = k < 2 ? tmp_with(gb, len) : NULL;
            enum csv_enc enc = k == 1 ? CSV_ENC_GBK : CSV_ENC_AUTO;
            struct csv_reader *r = f ? csv_open(f, enc, &e) : csv_open_mem(gb, len, enc, &e);
            assert_non_null(r);
            assert_string_equal(csv_encoding(r), "gb18030");
            check_big(r, pad, rows);
            csv_close(r);
            if (f)
                fclose(f);
        }
        /* UTF-8, whose 3- and 4-byte characters are cut as well */
        FILE *f = tmp_with(utf8, strlen(utf8));
        struct csv_reader *r = csv_open(f, CSV_ENC_AUTO, &e);
        assert_string_equal(csv_encoding(r), "utf-8");
        check_big(r, pad, rows);
        csv_close(r);
        fclose(f);
        free(gb);
        free(utf8);
    }
    /* the pads cut 2-byte characters after their first byte and 4-byte ones after each */
    assert_true(seen[1] > 0 && seen[2] > 0 && seen[3] > 0);
}

/* Over 64 KiB of ASCII first: the encoding is settled by the first non-ASCII text. */
static void test_late_detection(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1u << 20);
    buf_puts(&b, "id,name\n");
    for (int i = 0; b.len < 100000; i++)
        buf_printf(&b, "%d,zhang san\n", i);
    size_t ascii = b.len;
    long lines = 0;
    for (size_t i = 0; i < ascii; i++)
        lines += b.data[i] == '\n';
    size_t len;
    char *gb = to_gb("9999,张三\n", &len);
    buf_add(&b, gb, len);
    free(gb);
    struct err e = {0};
    struct csv_row row;
    struct csv_reader *r = csv_open_mem(b.data, b.len, CSV_ENC_AUTO, &e);
    int rc;
    long n = 0;
    while ((rc = csv_next(r, &row, &e)) == 1)
        n++;
    assert_int_equal(rc, 0);
    assert_int_equal(n, lines + 1);
    assert_string_equal(row.f[1], "张三");
    assert_string_equal(csv_encoding(r), "gb18030");
    csv_close(r);
    /* and a late UTF-8 character stays UTF-8 */
    b.len = ascii;
    buf_puts(&b, "9999,张三\n");
    r = csv_open_mem(b.data, b.len, CSV_ENC_AUTO, &e);
    while ((rc = csv_next(r, &row, &e)) == 1)
        n++;
    assert_int_equal(rc, 0);
    assert_string_equal(row.f[1], "张三");
    assert_string_equal(csv_encoding(r), "utf-8");
    csv_close(r);
    buf_free(&b);
}

/* ---- the writer ---- */

static void write_is(const char *const *fields, int n, const char *want)
{
    struct buf b;
    buf_init(&b, 1u << 20);
    assert_int_equal(csv_write_row(&b, fields, n), 0);
    assert_string_equal(b.data, want);
    buf_free(&b);
}

static void test_write_quoting(void **state)
{
    (void)state;
    const char *plain[] = {"a", "张三", "", NULL, "x y"};
    write_is(plain, 5, "a,张三,,,x y\r\n");
    const char *q[] = {"a,b", "say \"hi\"", "two\nlines", "cr\rhere", " lead", "trail ", "\"\""};
    write_is(q, 7,
             "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",\" lead\",trail ,"
             "\"\"\"\"\"\"\r\n");
    write_is(NULL, 0, "\r\n");
    /* one empty field is not a blank line */
    const char *empty[] = {NULL};
    write_is(empty, 1, "\"\"\r\n");
    write_is(plain + 2, 2, ",\r\n");
    /* what it writes reads back the same */
    struct buf b;
    buf_init(&b, 1u << 20);
    csv_write_row(&b, q, 7);
    csv_write_row(&b, plain, 5);
    struct err e = {0};
    struct csv_row row;
    struct csv_reader *r = csv_open_mem(b.data, b.len, CSV_ENC_AUTO, &e);
    assert_int_equal(csv_next(r, &row, &e), 1);
    assert_int_equal(row.n, 7);
    for (int i = 0; i < 7; i++)
        assert_string_equal(row.f[i], q[i]);
    assert_int_equal(csv_next(r, &row, &e), 1);
    assert_int_equal(row.line, 4); /* after the LF and the CR inside quotes */
    assert_string_equal(row.f[1], "张三");
    csv_close(r);
    buf_free(&b);
}

static void test_write_formula_guard(void **state)
{
    (void)state;
    const char *f[] = {"=1+1", "@SUM(A1)",         "\tx", "+cmd|' /C calc'!A0",
                       "-2+3", "=HYPERLINK(\"x\")"};
    write_is(f, 6, "'=1+1,'@SUM(A1),'\tx,'+cmd|' /C calc'!A0,'-2+3,\"'=HYPERLINK(\"\"x\"\")\"\r\n");
    const char *cr[] = {"\rx"};
    write_is(cr, 1, "\"'\rx\"\r\n");
    /* numbers stay numbers */
    const char *n[] = {"-12", "+8613800001111", "-1.5", "+.5", "-1e5", "3", "1-2"};
    write_is(n, 7, "-12,+8613800001111,-1.5,+.5,-1e5,3,1-2\r\n");
    /* but not what only looks like one */
    const char *nn[] = {"+86 138 0000 1111", "-", "+", "-1e", "-.", "-1.2.3", "- 1"};
    write_is(nn, 7, "'+86 138 0000 1111,'-,'+,'-1e,'-.,'-1.2.3,'- 1\r\n");
    /* only the first character counts */
    const char *mid[] = {"a=1", "中=1"};
    write_is(mid, 2, "a=1,中=1\r\n");
}

static void test_write_cap(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 16);
    const char *f[] = {"abc", "def"};
    assert_int_equal(csv_write_row(&b, f, 2), 0);
    assert_int_equal(b.len, 9);
    /* the second row would pass the cap: nothing of it is appended */
    assert_int_equal(csv_write_row(&b, f, 2), ERR_TOO_LARGE);
    assert_int_equal(b.len, 9);
    assert_string_equal(b.data, "abc,def\r\n");
    buf_free(&b);
}

/* ---- XLSX ---- */

static char *tmp_path(const char *name)
{
    const char *dir = getenv("TMPDIR");
    char *p = malloc(512);
    snprintf(p, 512, "%s/gridgov-test-%ld-%s", dir && *dir ? dir : "/tmp", (long)getpid(), name);
    return p;
}

static void test_xlsx(void **state)
{
    (void)state;
    char *path = tmp_path("t.xlsx");
    struct err e = {0};
    struct xlsx *x = xlsx_open(path, "居民", &e);
    if (x == NULL)
        fail_msg("xlsx_open: %s", e.msg);
    const char *head[] = {"姓名", "身份证号", "手机号", "网格", "住址", "类别"};
    const char *r1[] = {"张三",
                        "330604199001011234",
                        "13800001111",
                        "百官街道龙山社区第一网格",
                        "上虞区百官街道市民大道1号",
                        "户籍人口"};
    const char *r2[] = {"=1+1", "a\nb", NULL, "", "<&>\"'"};
    assert_int_equal(xlsx_row(x, head, 6, 1), 0);
    assert_int_equal(xlsx_row(x, r1, 6, 0), 0);
    assert_int_equal(xlsx_row(x, r2, 5, 0), 0);
    assert_int_equal(xlsx_close(x, &e), 0);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char magic[4];
    assert_int_equal(fread(magic, 1, 4, f), 4);
    assert_memory_equal(magic, "PK\x03\x04", 4);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    if (size < 2000 || size > 100000)
        fail_msg("workbook of %ld bytes", size);
    /* read it back where openpyxl is installed (it is not a test dependency) */
    if (system("python3 -c 'import openpyxl' >/dev/null 2>&1") == 0) {
        char cmd[1024];
        snprintf(cmd, sizeof(cmd),
                 "python3 -c 'import openpyxl,sys; ws=openpyxl.load_workbook(sys.argv[1]).active;"
                 " r=list(ws.values); assert ws.title==\"居民\" and r[0][0]==\"姓名\" and"
                 " r[1][5]==\"户籍人口\" and r[2][0]==\"=1+1\" and r[2][1]==\"a\\nb\", r' %s",
                 path);
        assert_int_equal(system(cmd), 0);
    }
    unlink(path);
    free(path);
}

static void test_xlsx_errors(void **state)
{
    (void)state;
    char *path = tmp_path("bad.xlsx");
    struct err e = {0};
    /* a sheet name Excel refuses */
    assert_null(xlsx_open(path, "a/b", &e));
    assert_int_equal(e.code, ERR_INVALID);
    assert_null(xlsx_open(path, "a sheet name longer than thirty-one", &e));
    /* invalid UTF-8: the row fails, close reports it and leaves no file */
    struct xlsx *x = xlsx_open(path, NULL, &e);
    assert_non_null(x);
    const char *ok[] = {"a"}, *bad[] = {"ok", "\xE4\xB8"};
    assert_int_equal(xlsx_row(x, ok, 1, 1), 0);
    assert_int_equal(xlsx_row(x, bad, 2, 0), ERR_INVALID);
    assert_int_equal(xlsx_row(x, ok, 1, 0), ERR_INVALID);
    assert_int_equal(xlsx_close(x, &e), ERR_INVALID);
    assert_non_null(strstr(e.msg, "row 2 holds invalid UTF-8"));
    assert_int_equal(access(path, F_OK), -1);
    /* a file that cannot be written */
    x = xlsx_open("/nonexistent-dir/x.xlsx", "s", &e);
    assert_non_null(x);
    assert_int_equal(xlsx_row(x, ok, 1, 0), 0);
    assert_int_equal(xlsx_close(x, &e), ERR_INTERNAL);
    assert_non_null(strstr(e.msg, "/nonexistent-dir/x.xlsx"));
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_blank_lines_and_end),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_field_limit),
        cmocka_unit_test(test_record_limit),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_nul_and_invalid_utf8),
        cmocka_unit_test(test_gbk),
        cmocka_unit_test(test_gbk_invalid),
        cmocka_unit_test(test_chunk_boundaries),
        cmocka_unit_test(test_late_detection),
        cmocka_unit_test(test_write_quoting),
        cmocka_unit_test(test_write_formula_guard),
        cmocka_unit_test(test_write_cap),
        cmocka_unit_test(test_xlsx),
        cmocka_unit_test(test_xlsx_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
