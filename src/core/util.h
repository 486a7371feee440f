/* util.h - small shared helpers: time formatting, tokens and hashes (libsodium). */
#ifndef GG_UTIL_H
#define GG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* "2026-11-29T09:30:00+08:00": a UTC instant shown in Asia/Shanghai (China has no DST). */
void time_iso_cst(time_t t, char out[32]);

/* Parse ISO 8601 "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]" (no offset = Asia/Shanghai) or a date
 * "YYYY-MM-DD" (00:00 Asia/Shanghai) into UTC seconds; -1 if malformed. */
int time_parse_iso(const char *s, int64_t *out);
/* Days from 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

/* A random URL-safe token of 43 characters (32 bytes of entropy). */
void token_new(char out[48]);
/* Hex BLAKE2b-256 of s (64 characters): how tokens are stored. */
void hash_hex(const char *s, char out[65]);

/* Initialise libsodium once; returns -1 if it cannot. */
int crypto_init(void);

#endif
