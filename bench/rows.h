/*
 * bench/rows.h - what the bench generators need to write rows as gridgov does: the character
 * bigrams of cases.search_grams, from gridgov's own case_grams (the programs link gridgov's
 * objects, see the Makefile), so the generated rows cost the index what real ones do; and a
 * placeholder for the 64-hex hash values.
 */
#ifndef GG_BENCH_ROWS_H
#define GG_BENCH_ROWS_H

#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"

/* src/domain/case_dedup.c */
char *case_grams(struct arena *a, const char *text);

/* The bigrams of text into out (cut at cap). */
static void grams(const char *text, char *out, size_t cap)
{
    struct arena a;
    arena_init(&a, 0);
    snprintf(out, cap, "%s", case_grams(&a, text));
    arena_free(&a);
}

/* 64 hex digits: a placeholder where gridgov stores a BLAKE2b value. */
static void hex64(uint64_t seed, char out[65])
{
    uint64_t x = seed ^ 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 4; i++) {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDull;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53ull;
        x ^= x >> 33;
        for (int k = 0; k < 16; k++)
            out[16 * i + k] = "0123456789abcdef"[(x >> (60 - 4 * k)) & 15];
        x += 0x9E3779B97F4A7C15ull;
    }
    out[64] = '\0';
}

#endif
