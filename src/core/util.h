/* util.h - small shared helpers: time formatting, tokens and hashes (libsodium). */
#ifndef GG_UTIL_H
#define GG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* "2026-11-29T09:30:00+08:00": a UTC instant shown in Asia/Shanghai (China has no DST). */
void time_iso_cst(time_t t, char out[32]);

/* A random URL-safe token of 43 characters (32 bytes of entropy). */
void token_new(char out[48]);
/* Hex BLAKE2b-256 of s (64 characters): how tokens are stored. */
void hash_hex(const char *s, char out[65]);

/* Initialise libsodium once; returns -1 if it cannot. */
int crypto_init(void);

#endif
