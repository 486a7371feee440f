/* utf8.h - the one strict UTF-8 decoder (RFC 3629): every check of client text for valid UTF-8,
 * every count of characters and every walk over characters goes through utf8_decode. */
#ifndef GG_UTF8_H
#define GG_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode the character at s, of which at most n bytes may be read. Returns its length in bytes
 * (1 to 4) with *cp set, or -1 when the bytes are not a whole, well-formed character: a stray
 * continuation byte, an overlong form, a surrogate (U+D800-U+DFFF), a code point past U+10FFFF,
 * or a sequence cut short by n or by a byte that is not a continuation byte. Bytes are read in
 * order and reading stops at the first that does not fit, so a NUL-terminated string can be
 * walked with n = 4 without reading past its end. A NUL byte decodes as U+0000, length 1. */
int utf8_decode(const char *s, size_t n, uint32_t *cp);

#endif
