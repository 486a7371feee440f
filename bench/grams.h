/*
 * bench/grams.h - what the bench generators share with src/domain/case_dedup.c: the character
 * bigrams gridgov stores in cases.search_grams (and indexes with FTS5), the same algorithm as
 * case_grams, so the generated rows cost the index what real ones do; and a placeholder for the
 * 64-hex hash values. Header-only: each bench program is one file plus this header, built
 * without the Makefile.
 */
#ifndef GG_BENCH_GRAMS_H
#define GG_BENCH_GRAMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int utf8_next(const unsigned char *p, unsigned *cp)
{
    *cp = 0xFFFD;
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if (p[0] >= 0xC2 && p[0] <= 0xDF && (p[1] & 0xC0) == 0x80) {
        *cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        return 2;
    }
    if (p[0] >= 0xE0 && p[0] <= 0xEF && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        unsigned c = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))
            return 1;
        *cp = c;
        return 3;
    }
    if (p[0] >= 0xF0 && p[0] <= 0xF4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
        (p[3] & 0xC0) == 0x80) {
        unsigned c = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
                     (p[3] & 0x3Fu);
        if (c < 0x10000 || c > 0x10FFFF)
            return 1;
        *cp = c;
        return 4;
    }
    return 1;
}

static int is_ascii_word(unsigned cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

static int is_separator(unsigned cp)
{
    return cp < 0x80 ? !is_ascii_word(cp)
                     : (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
                           (cp >= 0xFF00 && cp <= 0xFF65) || cp == 0xFFFD || cp == 0x00B7;
}

/* Appends " " (unless first), a and b to out (size cap, *len used), truncating at cap. */
static void add_term(char *out, size_t cap, size_t *len, const char *a, int na, const char *b,
                     int nb)
{
    int n = snprintf(out + *len, cap - *len, "%s%.*s%.*s", *len ? " " : "", na, a, nb, b);
    if (n > 0)
        *len = *len + (size_t)n < cap ? *len + (size_t)n : cap - 1;
}

static void grams(const char *text, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)text, *prev = NULL;
    int prev_len = 0, run = 0;
    size_t len = 0;
    out[0] = '\0';
    while (*p) {
        unsigned cp;
        int n = utf8_next(p, &cp);
        if (cp < 0x80 && is_ascii_word(cp)) {
            if (run == 1)
                add_term(out, cap, &len, (const char *)prev, prev_len, "", 0);
            run = 0;
            const unsigned char *w = p;
            while (*p && *p < 0x80 && is_ascii_word(*p))
                p++;
            char word[256];
            size_t k = 0;
            for (const unsigned char *c = w; c < p && k < sizeof(word) - 1; c++)
                word[k++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
            add_term(out, cap, &len, word, (int)k, "", 0);
            continue;
        }
        if (is_separator(cp)) {
            if (run == 1)
                add_term(out, cap, &len, (const char *)prev, prev_len, "", 0);
            run = 0;
            p += n;
            continue;
        }
        if (run >= 1)
            add_term(out, cap, &len, (const char *)prev, prev_len, (const char *)p, n);
        prev = p;
        prev_len = n;
        run++;
        p += n;
    }
    if (run == 1)
        add_term(out, cap, &len, (const char *)prev, prev_len, "", 0);
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
