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
