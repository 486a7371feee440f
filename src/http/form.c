/* form.c - the application/x-www-form-urlencoded parser (see form.h): one pass over the input
 * that decodes each pair into the arena and checks it, then a pass that gathers Open311's
 * attribute[CODE] and attribute[CODE][] pairs per code. */
#include "http/form.h"
#include "core/utf8.h"

#include <string.h>

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int form_utf8_ok(const char *s, size_t n)
{
    const char *end = s + n;
    uint32_t cp;
    while (s < end) {
        int len = utf8_decode(s, (size_t)(end - s), &cp);
        if (len < 0 || cp == 0)
            return 0;
        s += len;
    }
    return 1;
}

const char *form_excerpt(struct arena *a, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return s;
    if (max < 3)
        return "...";
    n = max - 3;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--; /* s[n] would start the cut-off part: back up to a lead byte */
    return arena_printf(a, "%.*s...", (int)n, s);
}

/* Decode n bytes at s into a new NUL-terminated arena string; *outlen gets its length.
 * Returns NULL with e set on a bad escape or past max bytes. */
static char *decode(struct arena *a, const char *s, size_t n, size_t max, size_t *outlen,
                    const char *what, const char *field, struct err *e)
{
    char *out = arena_alloc(a, n + 1), *w = out;
    if (out == NULL) {
        err_set(e, ERR_TOO_LARGE, field, "the form is too large");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int hi = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
            int lo = hi >= 0 ? hexval((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                err_set(e, ERR_BAD_REQUEST, field,
                        "bad percent escape in %s: '%%' must be followed by two hex digits", what);
                return NULL;
            }
            *w++ = (char)(hi << 4 | lo);
            i += 2;
        } else if (c == '+') {
            *w++ = ' ';
        } else {
            *w++ = (char)c;
        }
        if ((size_t)(w - out) > max) {
            err_set(e, ERR_BAD_REQUEST, field, "%s is longer than %zu bytes", what, max);
            return NULL;
        }
    }
    *w = '\0';
    *outlen = (size_t)(w - out);
    return out;
}

/* If key is attribute[CODE] or attribute[CODE][], set *code (arena) and *list; returns 1 for
 * those, 0 for other keys, -1 (e set) for a key that starts like one but is malformed. */
static int attr_key(struct arena *a, const char *key, const char **code, int *list, struct err *e)
{
    static const char prefix[] = "attribute[";
    const size_t pn = sizeof(prefix) - 1;
    if (strncmp(key, prefix, pn) != 0)
        return 0;
    const char *start = key + pn, *close = strchr(start, ']');
    size_t n = close ? (size_t)(close - start) : 0;
    if (close == NULL || n == 0 || n > FORM_MAX_ATTR_CODE || memchr(start, '[', n) != NULL ||
        (strcmp(close, "]") != 0 && strcmp(close, "][]") != 0)) {
        err_set(e, ERR_BAD_REQUEST, "attribute",
                "'%s' is not attribute[CODE] or attribute[CODE][] (CODE has 1 to %d bytes)",
                form_excerpt(a, key, 80), FORM_MAX_ATTR_CODE);
        return -1;
    }
    *code = arena_strndup(a, start, n);
    *list = close[1] == '[';
    return 1;
}

/* Gather the attribute pairs per code; codes[i] (NULL for other keys) and lists[i] belong to
 * field i. */
static int gather_attrs(struct arena *a, struct form *f, const char **codes, const int *lists,
                        struct err *e)
{
    int nattr_fields = 0;
    for (int i = 0; i < f->nfields; i++)
        nattr_fields += codes[i] != NULL;
    f->attrs = arena_alloc(a, sizeof(*f->attrs) * (size_t)(nattr_fields + 1));
    f->nattrs = 0;
    if (f->attrs == NULL)
        return err_set(e, ERR_TOO_LARGE, NULL, "the form is too large");
    for (int i = 0; i < f->nfields; i++) {
        if (codes[i] == NULL)
            continue;
        struct form_attr *at = NULL;
        for (int k = 0; k < f->nattrs && at == NULL; k++) {
            if (strcmp(f->attrs[k].code, codes[i]) == 0)
                at = &f->attrs[k];
        }
        if (at != NULL) {
            const char *code = form_excerpt(a, codes[i], 32);
            if (at->list != lists[i])
                return err_set(e, ERR_BAD_REQUEST, "attribute",
                               "attribute[%s] is given both with and without []", code);
            if (!at->list)
                return err_set(e, ERR_BAD_REQUEST, "attribute",
                               "attribute[%s] is given twice; use attribute[%s][] for several "
                               "values",
                               code, code);
            at->values[at->nvalues++] = f->fields[i].value;
            continue;
        }
        int count = 0;
        for (int j = i; j < f->nfields; j++)
            count += codes[j] != NULL && strcmp(codes[j], codes[i]) == 0;
        at = &f->attrs[f->nattrs++];
        at->code = codes[i];
        at->list = lists[i];
        at->values = arena_alloc(a, sizeof(*at->values) * (size_t)count);
        if (at->values == NULL)
            return err_set(e, ERR_TOO_LARGE, NULL, "the form is too large");
        at->values[0] = f->fields[i].value;
        at->nvalues = 1;
    }
    return ERR_OK;
}

int form_parse(struct arena *a, const char *data, size_t len, struct form *out, struct err *e)
{
    size_t cap = 1;
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < len; i++)
        cap += data[i] == '&';
    if (cap > FORM_MAX_FIELDS)
        cap = FORM_MAX_FIELDS;
    out->fields = arena_alloc(a, sizeof(*out->fields) * cap);
    const char **codes = arena_alloc(a, sizeof(*codes) * cap);
    int *lists = arena_alloc(a, sizeof(*lists) * cap);
    if (out->fields == NULL || codes == NULL || lists == NULL)
        return err_set(e, ERR_TOO_LARGE, NULL, "the form is too large");

    const char *p = data, *end = data + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        const char *kend = eq ? eq : stop;
        size_t klen, vlen = 0;
        char *key, *value;
        if (stop == p) { /* empty pair */
            p = stop + 1;
            continue;
        }
        if ((size_t)out->nfields == FORM_MAX_FIELDS)
            return err_set(e, ERR_BAD_REQUEST, NULL, "the form has more than %d fields",
                           FORM_MAX_FIELDS);
        key = decode(a, p, (size_t)(kend - p), FORM_MAX_KEY, &klen, "a field name", NULL, e);
        if (key == NULL)
            return e->code;
        if (klen == 0)
            return err_set(e, ERR_BAD_REQUEST, NULL, "a form field has no name");
        if (!form_utf8_ok(key, klen))
            return err_set(e, ERR_BAD_REQUEST, NULL, "a field name is not valid UTF-8 or has NUL");
        for (size_t k = 0; k < klen; k++) {
            unsigned char c = (unsigned char)key[k];
            if (c < 0x20 || c == 0x7f)
                return err_set(e, ERR_BAD_REQUEST, NULL,
                               "a field name contains a control character");
        }
        if (eq != NULL) {
            const char *name = form_excerpt(a, key, 40);
            value = decode(a, eq + 1, (size_t)(stop - eq - 1), FORM_MAX_VALUE, &vlen, "the value",
                           name, e);
            if (value == NULL)
                return e->code;
            if (!form_utf8_ok(value, vlen))
                return err_set(e, ERR_BAD_REQUEST, name,
                               "the value is not valid UTF-8 or contains NUL");
        } else {
            value = arena_strdup(a, "");
        }
        int list = 0;
        const char *code = NULL;
        if (attr_key(a, key, &code, &list, e) < 0)
            return e->code;
        codes[out->nfields] = code;
        lists[out->nfields] = list;
        out->fields[out->nfields].key = key;
        out->fields[out->nfields].value = value;
        out->nfields++;
        p = amp ? amp + 1 : end;
    }
    return gather_attrs(a, out, codes, lists, e);
}

const char *form_get(const struct form *f, const char *key)
{
    for (int i = 0; i < f->nfields; i++) {
        if (strcmp(f->fields[i].key, key) == 0)
            return f->fields[i].value;
    }
    return NULL;
}

int form_count(const struct form *f, const char *key)
{
    int n = 0;
    for (int i = 0; i < f->nfields; i++)
        n += strcmp(f->fields[i].key, key) == 0;
    return n;
}

const struct form_attr *form_attr_get(const struct form *f, const char *code)
{
    for (int i = 0; i < f->nattrs; i++) {
        if (strcmp(f->attrs[i].code, code) == 0)
            return &f->attrs[i];
    }
    return NULL;
}
