/* form.h - application/x-www-form-urlencoded bodies and query strings (the Open311 POST body):
 * percent-decoding, '+' as a space, repeated keys kept in order, and Open311's attribute[CODE]
 * and attribute[CODE][] keys gathered per code. Every decoded key and value is checked: valid
 * UTF-8 (no overlong forms, no surrogates), no NUL, no control characters in keys, and hard
 * limits on the number of pairs and on their sizes. */
#ifndef GG_FORM_H
#define GG_FORM_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

#define FORM_MAX_FIELDS 256   /* pairs in one form */
#define FORM_MAX_KEY 256      /* bytes of a decoded key */
#define FORM_MAX_VALUE 65536  /* bytes of a decoded value */
#define FORM_MAX_ATTR_CODE 64 /* bytes of CODE in attribute[CODE] */

struct form_field {
    const char *key, *value; /* decoded, NUL-terminated, valid UTF-8 */
};

/* The values given for attribute[CODE] (once) or attribute[CODE][] (any number of times). */
struct form_attr {
    const char *code;
    int list; /* given as attribute[CODE][] */
    int nvalues;
    const char **values;
};

struct form {
    struct form_field *fields; /* every pair in input order, attribute keys included */
    int nfields;
    struct form_attr *attrs; /* in order of first appearance */
    int nattrs;
};

/* Parse len bytes of "a=1&b=x+y&attribute[c][]=1" (a body, or a query string without its '?')
 * into out, allocated from a. Empty pairs ("a=1&&b=2") are skipped; a key without '=' has the
 * value "". Fails with ERR_BAD_REQUEST (e->field names the key when it is known) for a bad
 * percent escape, NUL, invalid UTF-8, a control character in a key, an empty key, a malformed
 * attribute key, attribute[CODE] given twice or both with and without [], or a limit passed. */
int form_parse(struct arena *a, const char *data, size_t len, struct form *out, struct err *e);

/* The first value of key, or NULL. */
const char *form_get(const struct form *f, const char *key);
/* How many times key was given. */
int form_count(const struct form *f, const char *key);
/* The attribute with this code, or NULL. */
const struct form_attr *form_attr_get(const struct form *f, const char *code);

/* 1 if the n bytes at s are valid UTF-8 without NUL (strict: no overlong forms, no
 * surrogates, nothing above U+10FFFF); 0 otherwise. */
int form_utf8_ok(const char *s, size_t n);
/* s cut to at most max bytes at a character boundary, with "..." when cut (for messages that
 * quote input: a cut inside a character would make the message invalid UTF-8). */
const char *form_excerpt(struct arena *a, const char *s, size_t max);

#endif
