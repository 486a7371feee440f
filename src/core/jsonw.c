/* jsonw.c - streaming JSON output: commas tracked per level, strings escaped per RFC 8259
 * (UTF-8 passes through; control characters, quote and backslash are escaped). */
#include "core/jsonw.h"

#include <stdio.h>
#include <math.h>
#include <string.h>

static void put(struct jsonw *w, const char *s, size_t n)
{
    if (buf_add(&w->b, s, n) != 0)
        w->err = 1;
}

static void sep(struct jsonw *w)
{
    if (!w->first)
        put(w, ",", 1);
    w->first = 0;
}

void jw_init(struct jsonw *w, size_t max)
{
    buf_init(&w->b, max);
    w->first = 1;
    w->err = 0;
}

void jw_obj(struct jsonw *w)
{
    sep(w);
    put(w, "{", 1);
    w->first = 1;
}

void jw_arr(struct jsonw *w)
{
    sep(w);
    put(w, "[", 1);
    w->first = 1;
}

void jw_end_obj(struct jsonw *w)
{
    put(w, "}", 1);
    w->first = 0;
}

void jw_end_arr(struct jsonw *w)
{
    put(w, "]", 1);
    w->first = 0;
}

void jw_key(struct jsonw *w, const char *key)
{
    sep(w);
    put(w, "\"", 1);
    put(w, key, strlen(key));
    put(w, "\":", 2);
    w->first = 1; /* the value follows without a comma */
}

static void str_body(struct jsonw *w, const char *s)
{
    const char *run = s;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p != '"' && *p != '\\')
            continue;
        put(w, run, (size_t)((const char *)p - run));
        char esc[8];
        switch (*p) {
        case '"':
            put(w, "\\\"", 2);
            break;
        case '\\':
            put(w, "\\\\", 2);
            break;
        case '\n':
            put(w, "\\n", 2);
            break;
        case '\r':
            put(w, "\\r", 2);
            break;
        case '\t':
            put(w, "\\t", 2);
            break;
        default:
            snprintf(esc, sizeof(esc), "\\u%04x", *p);
            put(w, esc, 6);
            break;
        }
        run = (const char *)p + 1;
    }
    put(w, run, strlen(run));
}

void jw_str(struct jsonw *w, const char *s)
{
    sep(w);
    if (s == NULL) {
        put(w, "null", 4);
        return;
    }
    put(w, "\"", 1);
    str_body(w, s);
    put(w, "\"", 1);
}

/* The decimal digits of u before end, written backwards; returns the first. */
static char *digits(char *end, uint64_t u)
{
    do {
        *--end = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    return end;
}

static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* printf's general number formatting was half of a large ranking's time: numbers are written
 * by hand */
void jw_int(struct jsonw *w, int64_t v)
{
    char n[24], *end = n + sizeof(n), *p = digits(end, magnitude(v));
    if (v < 0)
        *--p = '-';
    sep(w);
    put(w, p, (size_t)(end - p));
}

void jw_dec1(struct jsonw *w, double v)
{
    double t = round(v * 10);
    if (!isfinite(t) || fabs(t) >= 9e18) {
        jw_real(w, t / 10);
        return;
    }
    int64_t n = (int64_t)t;
    uint64_t u = magnitude(n);
    char s[32], *end = s + sizeof(s), *p = end;
    if (u % 10 != 0) {
        *--p = (char)('0' + u % 10);
        *--p = '.';
    }
    p = digits(p, u / 10);
    if (n < 0)
        *--p = '-';
    sep(w);
    put(w, p, (size_t)(end - p));
}

void jw_bool(struct jsonw *w, int v)
{
    sep(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jsonw *w)
{
    sep(w);
    put(w, "null", 4);
}

void jw_raw(struct jsonw *w, const char *json)
{
    sep(w);
    put(w, json, strlen(json));
}

void jw_kstr(struct jsonw *w, const char *key, const char *s)
{
    jw_key(w, key);
    jw_str(w, s);
}

void jw_kint(struct jsonw *w, const char *key, int64_t v)
{
    jw_key(w, key);
    jw_int(w, v);
}

void jw_real(struct jsonw *w, double v)
{
    char n[32];
    sep(w);
    if (!isfinite(v)) {
        put(w, "null", 4);
        return;
    }
    int k = snprintf(n, sizeof(n), "%.10g", v);
    put(w, n, (size_t)k);
}

void jw_kreal(struct jsonw *w, const char *key, double v)
{
    jw_key(w, key);
    jw_real(w, v);
}

void jw_kdec1(struct jsonw *w, const char *key, double v)
{
    jw_key(w, key);
    jw_dec1(w, v);
}

void jw_kbool(struct jsonw *w, const char *key, int v)
{
    jw_key(w, key);
    jw_bool(w, v);
}

void jw_knull(struct jsonw *w, const char *key)
{
    jw_key(w, key);
    jw_null(w);
}
