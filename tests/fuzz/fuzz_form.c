/* fuzz_form.c - libFuzzer target for the application/x-www-form-urlencoded parser
 * (src/http/form.c), the first thing to read an Open311 POST body.
 *
 * The input is the body, byte for byte, in a buffer of exactly its size (ASan catches any read
 * past the end). Each parse must satisfy:
 *   - on failure: ERR_BAD_REQUEST or ERR_TOO_LARGE, with a message and field that are valid
 *     UTF-8 (they are sent back to the client);
 *   - on success: every key and value valid UTF-8 without NUL, keys without control characters,
 *     within the size limits, at most FORM_MAX_FIELDS pairs; form_get finds the first value of
 *     each key and form_count counts it; the attributes hold exactly the attribute[CODE] and
 *     attribute[CODE][] pairs, in order;
 *   - round trip: the fields encoded again (every byte outside [A-Za-z0-9._~-] as %XX, and
 *     spaces sometimes as '+') parse to the same fields and attributes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "http/form.h"

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_form: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void check_form(const struct form *f)
{
    int nattr_fields = 0;
    if (f->nfields < 0 || f->nfields > FORM_MAX_FIELDS)
        die("field count out of range", NULL);
    for (int i = 0; i < f->nfields; i++) {
        const char *k = f->fields[i].key, *v = f->fields[i].value;
        size_t kn = strlen(k), vn = strlen(v);
        if (kn == 0 || kn > FORM_MAX_KEY || vn > FORM_MAX_VALUE)
            die("key or value size out of range", k);
        if (!form_utf8_ok(k, kn) || !form_utf8_ok(v, vn))
            die("invalid UTF-8 accepted", k);
        for (size_t j = 0; j < kn; j++) {
            if ((unsigned char)k[j] < 0x20 || k[j] == 0x7f)
                die("control character in a key", k);
        }
        int first = 1;
        for (int j = 0; j < i && first; j++)
            first = strcmp(f->fields[j].key, k) != 0;
        if (first && form_get(f, k) != v)
            die("form_get does not return the first value", k);
        if (form_count(f, k) < 1)
            die("form_count misses a key", k);
        nattr_fields += strncmp(k, "attribute[", 10) == 0;
    }
    int values = 0;
    for (int i = 0; i < f->nattrs; i++) {
        const struct form_attr *a = &f->attrs[i];
        size_t cn = strlen(a->code);
        if (cn == 0 || cn > FORM_MAX_ATTR_CODE || strchr(a->code, '[') || strchr(a->code, ']'))
            die("bad attribute code", a->code);
        if (a->nvalues < 1 || (!a->list && a->nvalues != 1))
            die("bad attribute value count", a->code);
        if (form_attr_get(f, a->code) != a)
            die("form_attr_get does not find an attribute", a->code);
        values += a->nvalues;
    }
    if (values != nattr_fields)
        die("attribute values do not match the attribute[...] fields", NULL);
}

static void encode(struct buf *b, const char *s, int plus)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("._~-", *p))
            buf_add(b, p, 1);
        else if (*p == ' ' && plus)
            buf_puts(b, "+");
        else
            buf_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

static void round_trip(const struct form *f, int plus)
{
    struct buf b;
    struct arena a;
    struct form g;
    struct err e = {0};
    buf_init(&b, 64u << 20);
    for (int i = 0; i < f->nfields; i++) {
        if (i)
            buf_puts(&b, "&");
        encode(&b, f->fields[i].key, plus);
        buf_puts(&b, "=");
        encode(&b, f->fields[i].value, plus);
    }
    arena_init(&a, 0);
    if (form_parse(&a, b.data ? b.data : "", b.len, &g, &e) != 0)
        die("the re-encoded form is refused", e.msg);
    if (g.nfields != f->nfields || g.nattrs != f->nattrs)
        die("round trip changed the counts", NULL);
    for (int i = 0; i < f->nfields; i++) {
        if (strcmp(g.fields[i].key, f->fields[i].key) ||
            strcmp(g.fields[i].value, f->fields[i].value))
            die("round trip changed a field", f->fields[i].key);
    }
    for (int i = 0; i < f->nattrs; i++) {
        if (strcmp(g.attrs[i].code, f->attrs[i].code) || g.attrs[i].list != f->attrs[i].list ||
            g.attrs[i].nvalues != f->attrs[i].nvalues)
            die("round trip changed an attribute", f->attrs[i].code);
        for (int k = 0; k < f->attrs[i].nvalues; k++) {
            if (strcmp(g.attrs[i].values[k], f->attrs[i].values[k]))
                die("round trip changed an attribute value", f->attrs[i].code);
        }
    }
    arena_free(&a);
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    struct form f;
    struct err e = {0};
    char *copy = malloc(size ? size : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, data, size);
    arena_init(&a, 0);
    int rc = form_parse(&a, copy, size, &f, &e);
    free(copy); /* nothing parsed may point into the input */
    if (rc != 0) {
        if (rc != ERR_BAD_REQUEST && rc != ERR_TOO_LARGE)
            die("unexpected error code", e.msg);
        if (e.code != rc || e.msg[0] == '\0')
            die("error without its message", NULL);
        if (!form_utf8_ok(e.msg, strlen(e.msg)) || !form_utf8_ok(e.field, strlen(e.field)))
            die("error message or field is not valid UTF-8", NULL);
    } else {
        check_form(&f);
        round_trip(&f, size & 1);
    }
    arena_free(&a);
    return 0;
}
