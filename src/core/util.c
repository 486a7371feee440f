/* util.c - time formatting and token/hash helpers. */
#include "core/util.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void time_iso_cst(time_t t, char out[32])
{
    struct tm tm;
    time_t local = t + 8 * 3600;
    gmtime_r(&local, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
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

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int time_parse_iso(const char *s, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, se = 0, off = 8 * 3600;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return -1;
    if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return -1;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return -1;
    const char *p = s + 10;
    if (*p == 'T' || *p == ' ') {
        if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
            return -1;
        p += 6;
        if (*p == ':') {
            if (digits(p + 1, 2, &se))
                return -1;
            p += 3;
            if (*p == '.') /* fractions are ignored */
                for (p++; *p >= '0' && *p <= '9'; p++)
                    ;
        }
        if (h > 23 || mi > 59 || se > 60)
            return -1;
        if (*p == 'Z') {
            off = 0;
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 14 || om > 59)
                return -1;
            off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
            p += 6;
        }
    }
    if (*p != '\0')
        return -1;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - off;
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
