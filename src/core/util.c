/* util.c - time formatting and token/hash helpers. */
#include "core/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void time_iso_cst(time_t t, char out[32])
{
    struct tm tm;
    time_t local = t + 8 * 3600;
    gmtime_r(&local, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

int parse_int_range(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    if (s == NULL || *s == '\0')
        return -1;
    long long n = strtoll(s, &end, 10);
    if (*end != '\0' || n < min || n > max)
        return -1;
    *out = n;
    return 0;
}

int parse_id(const char *s, int64_t *out)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 18 || strspn(s, "0123456789") != n)
        return -1;
    int64_t v = strtoll(s, NULL, 10);
    if (v <= 0)
        return -1;
    *out = v;
    return 0;
}

double time_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    return v;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[m - 1];
}

int time_parse_iso(const char *s, int64_t *out, int *has_offset)
{
    const char *p = s;
    int h = 0, mi = 0, sec = 0, off = 8 * 3600, given = 0;
    if (s == NULL)
        return -1;
    int y = digits(&p, 4);
    if (y < 1970 || y > 2200 || *p++ != '-')
        return -1;
    int mo = digits(&p, 2);
    if (mo < 1 || mo > 12 || *p++ != '-')
        return -1;
    int d = digits(&p, 2);
    if (d < 1 || d > days_in_month(y, mo))
        return -1;
    if (*p == 'T' || *p == 't' ||
        (*p == ' ' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' && p[3] == ':')) {
        p++;
        h = digits(&p, 2);
        if (h < 0 || h > 23 || *p++ != ':')
            return -1;
        mi = digits(&p, 2);
        if (mi < 0 || mi > 59)
            return -1;
        if (*p == ':') {
            p++;
            sec = digits(&p, 2);
            if (sec < 0 || sec > 59)
                return -1;
            if (*p == '.' || *p == ',') { /* fractions of a second are dropped */
                p++;
                if (*p < '0' || *p > '9')
                    return -1;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
        }
        if (*p == 'Z' || *p == 'z') {
            off = 0;
            given = 1;
            p++;
        } else if (*p == '+' || *p == '-' || *p == ' ') {
            /* a space stands for '+' that a query string did not escape */
            int sign = *p++ == '-' ? -1 : 1;
            int oh = digits(&p, 2), om = 0;
            if (oh < 0 || oh > 14)
                return -1;
            if (*p == ':')
                p++;
            if (*p >= '0' && *p <= '9') {
                om = digits(&p, 2);
                if (om < 0 || om > 59)
                    return -1;
            }
            off = sign * (oh * 3600 + om * 60);
            given = 1;
        }
    }
    if (*p != '\0')
        return -1;
    if (has_offset)
        *has_offset = given;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return 0;
}

int crypto_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

void token_new(char out[48])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, 48, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void hash_hex(const char *s, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)s, strlen(s), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

int month_valid(const char *s)
{
    return s != NULL && strlen(s) == 7 && strspn(s, "0123456789") == 4 && s[4] == '-' &&
           ((s[5] == '0' && s[6] >= '1' && s[6] <= '9') ||
            (s[5] == '1' && s[6] >= '0' && s[6] <= '2'));
}

void month_now(char out[8])
{
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 8, "%04u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u);
}
