/* utf8.c - the strict UTF-8 decoder (see utf8.h). */
#include "core/utf8.h"

int utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    /* the second byte's range rules out overlongs, surrogates and code points past U+10FFFF
     * (RFC 3629, section 4) */
    unsigned char lo = 0x80, hi = 0xBF;
    uint32_t c;
    int len;

    if (n == 0)
        return -1;
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        len = 2;
        c = p[0] & 0x1Fu;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        len = 3;
        c = p[0] & 0x0Fu;
        if (p[0] == 0xE0)
            lo = 0xA0; /* overlong */
        else if (p[0] == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        len = 4;
        c = p[0] & 0x07u;
        if (p[0] == 0xF0)
            lo = 0x90; /* overlong */
        else if (p[0] == 0xF4)
            hi = 0x8F; /* past U+10FFFF */
    } else {
        return -1; /* a continuation byte, C0/C1 (always overlong) or F5-FF */
    }
    if (n < 2 || p[1] < lo || p[1] > hi)
        return -1;
    c = (c << 6) | (p[1] & 0x3Fu);
    for (int i = 2; i < len; i++) {
        if ((size_t)i >= n || (p[i] & 0xC0) != 0x80)
            return -1;
        c = (c << 6) | (p[i] & 0x3Fu);
    }
    *cp = c;
    return len;
}
