/* idnum.c - identity numbers: GB 11643-1999 citizen identity numbers (region prefix, birth date,
 * ISO 7064 MOD 11-2), mainland mobile and fixed-line phone numbers, GB 32100-2015 unified social
 * credit codes with their GB 11714 organisation codes, and the display masks of the first two. */
#include "domain/idnum.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DIGITS "0123456789"
/* GB 32100-2015: the 31 characters of a credit code, in the order of their values 0-30 */
static const char cc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* s without surrounding whitespace: the start, its length in *n */
static const char *trim(const char *s, size_t *n)
{
    while (is_space(*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && is_space(s[len - 1]))
        len--;
    *n = len;
    return s;
}

/* UTF-8 characters among the first n bytes (every byte but continuation bytes counts) */
static size_t chars_in(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static int upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[m - 1];
}

/* today in China (UTC+8, no daylight saving time) as YYYYMMDD */
static long today_ymd(void)
{
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* ---- citizen identity numbers (GB 11643-1999) ---- */

/* Province-level codes of GB/T 2260 (71 Taiwan, 81 Hong Kong, 82 Macau) and 83, the prefix of
 * the residence permits of Taiwan residents. */
static int region_known(int p)
{
    return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
           (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
           p == 81 || p == 82 || p == 83;
}

char idcard_check_char(const char body17[17])
{
    /* ISO 7064 MOD 11-2: weight of position i (1-17) is 2^(18-i) mod 11 */
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (body17[i] < '0' || body17[i] > '9')
            return 0;
        sum += (body17[i] - '0') * w[i];
    }
    int c = (12 - sum % 11) % 11;
    return c == 10 ? 'X' : (char)('0' + c);
}

int idcard_check(const char *in, char out[19], struct err *e, const char *field)
{
    size_t n = 0;
    char id[19];
    if (field == NULL)
        field = "id_number";
    out[0] = '\0';
    const char *s = in ? trim(in, &n) : "";
    if (n == 0)
        return err_set(e, ERR_INVALID, field, "'%s' is required", field);
    size_t len = chars_in(s, n);
    if (len != 18)
        return err_set(e, ERR_INVALID, field,
                       "'%s' must have 18 characters (17 digits and a check character), not %zu",
                       field, len);
    /* 18 characters take at least 18 bytes */
    for (size_t i = 0; i < 18; i++) {
        char c = s[i];
        if (i == 17 && (c == 'x' || c == 'X'))
            c = 'X';
        else if (c < '0' || c > '9')
            return err_set(e, ERR_INVALID, field,
                           i == 17 ? "'%s' must end in a digit or X (character %zu is neither)"
                                   : "'%s' must begin with 17 digits (character %zu is no digit)",
                           field, i + 1);
        id[i] = c;
    }
    if (n != 18) /* 18 digits and stray UTF-8 continuation bytes */
        return err_set(e, ERR_INVALID, field, "'%s' must be 17 digits followed by a digit or X",
                       field);
    id[18] = '\0';
    if (!region_known(num(id, 2)))
        return err_set(e, ERR_INVALID, field,
                       "'%s' begins with %.2s, which is no province-level region code", field, id);
    int y = num(id + 6, 4), m = num(id + 10, 2), d = num(id + 12, 2);
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return err_set(e, ERR_INVALID, field,
                       "'%s' has an impossible birth date %.4s-%.2s-%.2s (characters 7-14)", field,
                       id + 6, id + 10, id + 12);
    if (y < 1900)
        return err_set(e, ERR_INVALID, field, "'%s' has a birth date before 1900-01-01", field);
    if (y * 10000L + m * 100 + d > today_ymd())
        return err_set(e, ERR_INVALID, field, "'%s' has a birth date in the future", field);
    char want = idcard_check_char(id);
    if (id[17] != want)
        return err_set(e, ERR_INVALID, field,
                       "'%s' has a bad check character: expected %c from the first 17 digits, "
                       "found %c",
                       field, want, id[17]);
    memcpy(out, id, 19);
    return ERR_OK;
}

void idcard_birth(const char *id18, char out[11])
{
    out[0] = '\0';
    if (id18 == NULL || strnlen(id18, 14) < 14 || strspn(id18 + 6, DIGITS) < 8)
        return;
    snprintf(out, 11, "%.4s-%.2s-%.2s", id18 + 6, id18 + 10, id18 + 12);
}

const char *idcard_gender(const char *id18)
{
    if (id18 == NULL || strnlen(id18, 17) < 17 || id18[16] < '0' || id18[16] > '9')
        return NULL;
    return (id18[16] - '0') % 2 ? "male" : "female";
}

/* ---- phone numbers ---- */

int phone_check(const char *in, char out[24], struct err *e, const char *field)
{
    size_t n = 0;
    char s[24];
    if (field == NULL)
        field = "phone";
    out[0] = '\0';
    const char *t = in ? trim(in, &n) : "";
    if (n == 0)
        return err_set(e, ERR_INVALID, field, "'%s' is required", field);
    if (n >= sizeof(s))
        return err_set(e, ERR_INVALID, field, "'%s' is too long for a phone number", field);
    memcpy(s, t, n);
    s[n] = '\0';

    const char *p = s;
    int country = 0;
    if (p[0] == '+' || (p[0] == '8' && p[1] == '6')) {
        if (strncmp(p, p[0] == '+' ? "+86" : "86", p[0] == '+' ? 3 : 2) != 0)
            return err_set(e, ERR_INVALID, field,
                           "'%s' must be a mainland number: the only country code is +86", field);
        p += p[0] == '+' ? 3 : 2;
        if (*p == ' ' || *p == '-')
            p++;
        country = 1;
    }
    if (*p == '1') {
        size_t d = strspn(p, DIGITS);
        if (d != 11 || p[d] != '\0')
            return err_set(e, ERR_INVALID, field, "'%s': a mobile number has 11 digits", field);
        if (p[1] < '3')
            return err_set(e, ERR_INVALID, field,
                           "'%s': a mobile number begins with 13 to 19, not %.2s", field, p);
        memcpy(out, p, 12);
        return ERR_OK;
    }
    if (country)
        return err_set(e, ERR_INVALID, field,
                       "'%s': after +86 comes an 11-digit mobile number (a fixed line is "
                       "written with its 0 and area code, without +86)",
                       field);
    if (*p != '0')
        return err_set(e, ERR_INVALID, field,
                       "'%s' is neither a mobile number (11 digits, 13 to 19) nor a fixed line "
                       "(0 and area code, then the number)",
                       field);
    if (p[1] == '0')
        return err_set(e, ERR_INVALID, field,
                       "'%s' must be a mainland number: the only country code is +86", field);
    /* area codes: 010 and 02x, every other one 0 and 3 digits */
    size_t area = p[1] == '1' || p[1] == '2' ? 3 : 4;
    if (strspn(p, DIGITS) < area)
        return err_set(e, ERR_INVALID, field,
                       "'%s': a fixed line begins with its area code, 0 and 2 or 3 digits", field);
    const char *q = p + area;
    if (*q == '-' || *q == ' ')
        q++;
    size_t local = strspn(q, DIGITS);
    if (local < 7 || local > 8)
        return err_set(e, ERR_INVALID, field,
                       "'%s': after the area code %.*s comes a local number of 7 or 8 digits",
                       field, (int)area, p);
    if (q[0] < '2')
        return err_set(e, ERR_INVALID, field, "'%s': a local number begins with 2 to 9, not %c",
                       field, q[0]);
    const char *ext = q + local;
    size_t next = 0;
    if (*ext == '-') {
        ext++;
        next = strspn(ext, DIGITS);
        if (next < 1 || next > 6 || ext[next] != '\0')
            return err_set(e, ERR_INVALID, field, "'%s': an extension is '-' and 1 to 6 digits",
                           field);
    } else if (*ext != '\0') {
        return err_set(e, ERR_INVALID, field,
                       "'%s' has something other than an extension ('-' and 1 to 6 digits) after "
                       "the number",
                       field);
    }
    snprintf(out, 24, "%.*s-%.*s%s%.*s", (int)area, p, (int)local, q, next ? "-" : "", (int)next,
             ext);
    return ERR_OK;
}

/* ---- unified social credit codes (GB 32100-2015) and organisation codes (GB 11714) ---- */

/* value 0-30 of a credit code character (either case), -1 outside the alphabet */
static int cc_value(char c)
{
    const char *p = c ? strchr(cc_alphabet, upper((unsigned char)c)) : NULL;
    return p ? (int)(p - cc_alphabet) : -1;
}

char orgcode_check_char(const char body8[8])
{
    static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        char c = body8[i];
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'A' && c <= 'Z')
            v = c - 'A' + 10;
        else
            return 0;
        sum += v * w[i];
    }
    int c = 11 - sum % 11;
    return c == 11 ? '0' : c == 10 ? 'X' : (char)('0' + c);
}

char credit_code_check_char(const char body17[17])
{
    /* weight of position i (1-17) is 3^(i-1) mod 31 */
    static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = cc_value(body17[i]);
        if (v < 0)
            return 0;
        sum += v * w[i];
    }
    return cc_alphabet[(31 - sum % 31) % 31];
}

int credit_code_check(const char *in, char out[19], struct err *e, const char *field)
{
    size_t n = 0;
    char cc[19];
    if (field == NULL)
        field = "credit_code";
    out[0] = '\0';
    const char *s = in ? trim(in, &n) : "";
    if (n == 0)
        return err_set(e, ERR_INVALID, field, "'%s' is required", field);
    size_t len = chars_in(s, n);
    if (len != 18)
        return err_set(e, ERR_INVALID, field, "'%s' must have 18 characters, not %zu", field, len);
    for (size_t i = 0; i < 18; i++) {
        char c = (char)upper((unsigned char)s[i]);
        if (c && strchr("IOZSV", c))
            return err_set(e, ERR_INVALID, field,
                           "'%s': character %zu is %c, a letter credit codes never use (no I, O, "
                           "Z, S or V)",
                           field, i + 1, c);
        if (cc_value(c) < 0)
            return err_set(e, ERR_INVALID, field,
                           "'%s': character %zu is neither a digit nor a letter", field, i + 1);
        cc[i] = c;
    }
    if (n != 18) /* 18 characters and stray UTF-8 continuation bytes */
        return err_set(e, ERR_INVALID, field, "'%s' must be 18 digits and capital letters", field);
    cc[18] = '\0';
    if (!strchr("123456789ABCDEFGHNY", cc[0]))
        return err_set(e, ERR_INVALID, field,
                       "'%s' begins with %c, which is no registration authority code (1-9, A-H, "
                       "N or Y)",
                       field, cc[0]);
    if (cc[1] < '1' || cc[1] > '9')
        return err_set(e, ERR_INVALID, field,
                       "'%s': character 2, the type of entity, must be a digit 1-9, not %c", field,
                       cc[1]);
    if (strspn(cc + 2, DIGITS) < 6)
        return err_set(e, ERR_INVALID, field,
                       "'%s': characters 3-8 must be the 6-digit administrative division code",
                       field);
    char want = orgcode_check_char(cc + 8);
    if (cc[16] != want)
        return err_set(e, ERR_INVALID, field,
                       "'%s': the organisation code (characters 9-17) has a bad check "
                       "character: expected %c, found %c",
                       field, want, cc[16]);
    want = credit_code_check_char(cc);
    if (cc[17] != want)
        return err_set(e, ERR_INVALID, field,
                       "'%s' has a bad check character: expected %c from the first 17 "
                       "characters, found %c",
                       field, want, cc[17]);
    memcpy(out, cc, 19);
    return ERR_OK;
}

/* ---- masks ---- */

/* one star per UTF-8 character of s, at most size - 1 */
static void all_stars(const char *s, char *out, size_t size)
{
    size_t k = chars_in(s, strlen(s));
    if (k > size - 1)
        k = size - 1;
    memset(out, '*', k);
    out[k] = '\0';
}

/* every byte printable ASCII (0x20 space allowed if space) */
static int printable(const char *s, int space)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < (space ? 0x20 : 0x21) || *p > 0x7E)
            return 0;
    }
    return 1;
}

void mask_idcard(const char *id, char out[24])
{
    out[0] = '\0';
    if (id == NULL)
        return;
    size_t n = strlen(id);
    if (n < 15 || !printable(id, 0)) {
        all_stars(id, out, 24);
        return;
    }
    size_t hide = n - 10 > 13 ? 13 : n - 10;
    memcpy(out, id, 6);
    memset(out + 6, '*', hide);
    memcpy(out + 6 + hide, id + n - 4, 4);
    out[10 + hide] = '\0';
}

/* A fixed line (0, area code, at least 7 local digits, only digits, '-' and spaces) masked to
 * its area code, separators and the local number's last 2 digits; 0 if p is no such line. */
static int mask_fixed(const char *p, size_t n, char out[32])
{
    if (n > 31 || p[0] != '0' || p[1] < '1' || p[1] > '9' || strspn(p, DIGITS "- ") != n)
        return 0;
    size_t area = p[1] == '1' || p[1] == '2' ? 3 : 4;
    if (strspn(p, DIGITS) < area)
        return 0;
    size_t start = area;
    while (p[start] == '-' || p[start] == ' ')
        start++;
    size_t local = strspn(p + start, DIGITS);
    if (local < 7)
        return 0;
    for (size_t k = 0; k < n; k++) {
        int keep =
            k < area || p[k] == '-' || p[k] == ' ' || (k >= start + local - 2 && k < start + local);
        out[k] = keep ? p[k] : '*';
    }
    out[n] = '\0';
    return 1;
}

void mask_phone(const char *p, char out[32])
{
    out[0] = '\0';
    if (p == NULL)
        return;
    size_t n = strlen(p);
    if (n < 7 || !printable(p, 1)) {
        all_stars(p, out, 32);
        return;
    }
    if (mask_fixed(p, n, out))
        return;
    size_t head = n >= 11 ? 3 : 0, tail = n >= 11 ? 4 : 2;
    size_t hide = n - head - tail;
    if (head + hide + tail > 31)
        hide = 31 - head - tail;
    memcpy(out, p, head);
    memset(out + head, '*', hide);
    memcpy(out + head + hide, p + n - tail, tail);
    out[head + hide + tail] = '\0';
}
