/* util.h - small shared helpers: time formatting, tokens and hashes (libsodium). */
#ifndef GG_UTIL_H
#define GG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* "2026-11-29T09:30:00+08:00": a UTC instant shown in Asia/Shanghai (China has no DST). */
void time_iso_cst(time_t t, char out[32]);

/* Parse ISO 8601 "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+HH:MM|+HHMM|+HH]" into UTC seconds; -1 if
 * malformed. No offset means Asia/Shanghai (+08:00), and a date alone its 00:00. A space may
 * stand for 'T', and for '+' (a query string whose '+' was not escaped). has_offset (may be
 * NULL) tells whether the text named its offset. */
int time_parse_iso(const char *s, int64_t *out, int *has_offset);
/* Days from 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
/* The whole of s as a decimal integer in [min, max] (strtoll's syntax); 0, or -1 otherwise. */
/* A month "YYYY-MM" (01-12)? */
int month_valid(const char *s);
/* The current month in Asia/Shanghai, "YYYY-MM". */
void month_now(char out[8]);
int parse_int_range(const char *s, int64_t min, int64_t max, int64_t *out);
/* The whole of s as an id: 1 to 18 decimal digits and nothing else, above 0; 0, or -1. */
int parse_id(const char *s, int64_t *out);
/* Seconds on the monotonic clock (CLOCK_MONOTONIC), for durations and uptime. */
double time_mono(void);

/* A random URL-safe token of 43 characters (32 bytes of entropy). */
void token_new(char out[48]);
/* Hex BLAKE2b-256 of s (64 characters): how tokens are stored. */
void hash_hex(const char *s, char out[65]);

/* Initialise libsodium once; returns -1 if it cannot. */
int crypto_init(void);

#endif
