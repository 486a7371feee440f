/* multipart.c - a strict multipart/form-data splitter: CRLF line ends, a boundary of 1-70
 * characters, Content-Disposition form-data with a name on every part. */
#include "http/multipart.h"

#include <string.h>
#include <strings.h>

const char *multipart_boundary(struct arena *a, const char *ct)
{
    if (ct == NULL || strncasecmp(ct, "multipart/form-data", 19) != 0)
        return NULL;
    const char *b = strcasestr(ct, "boundary=");
    if (b == NULL)
        return NULL;
    b += 9;
    size_t n;
    if (*b == '"') {
        b++;
        const char *end = strchr(b, '"');
        if (end == NULL)
            return NULL;
        n = (size_t)(end - b);
    } else {
        n = strcspn(b, "; \t");
    }
    if (n == 0 || n > 70)
        return NULL;
    return arena_strndup(a, b, n);
}

/* Value of key="..." (or key=token) inside a header value; arena copy or NULL. */
static const char *param(struct arena *a, const char *h, size_t hlen, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i + klen + 1 < hlen; i++) {
        if ((i == 0 || h[i - 1] == ' ' || h[i - 1] == ';') && strncasecmp(h + i, key, klen) == 0 &&
            h[i + klen] == '=') {
            const char *v = h + i + klen + 1, *end = h + hlen;
            if (v < end && *v == '"') {
                const char *q = memchr(v + 1, '"', (size_t)(end - v - 1));
                return q ? arena_strndup(a, v + 1, (size_t)(q - v - 1)) : NULL;
            }
            size_t n = 0;
            while (v + n < end && v[n] != ';' && v[n] != ' ')
                n++;
            return arena_strndup(a, v, n);
        }
    }
    return NULL;
}

static int parse_headers(struct arena *a, const char *p, const char *end, struct mpart *part,
                         struct err *e)
{
    int disposition = 0;
    while (p < end) {
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        const char *colon = memchr(p, ':', n);
        if (colon == NULL)
            return err_set(e, ERR_BAD_REQUEST, NULL, "malformed multipart header");
        size_t nlen = (size_t)(colon - p);
        const char *v = colon + 1;
        while (v < p + n && *v == ' ')
            v++;
        size_t vlen = (size_t)(p + n - v);
        if (nlen == 19 && strncasecmp(p, "Content-Disposition", 19) == 0) {
            if (vlen < 9 || strncasecmp(v, "form-data", 9) != 0)
                return err_set(e, ERR_BAD_REQUEST, NULL, "a part is not form-data");
            part->name = param(a, v, vlen, "name");
            part->filename = param(a, v, vlen, "filename");
            disposition = 1;
        } else if (nlen == 12 && strncasecmp(p, "Content-Type", 12) == 0) {
            part->type = arena_strndup(a, v, vlen);
        }
        p = eol ? eol + 2 : end;
    }
    if (!disposition || part->name == NULL || part->name[0] == '\0')
        return err_set(e, ERR_BAD_REQUEST, NULL, "a part has no form-data name");
    return ERR_OK;
}

int multipart_parse(struct arena *a, const char *body, size_t len, const char *boundary,
                    struct mpart *parts, int *nparts, struct err *e)
{
    size_t blen = strlen(boundary);
    char *delim = arena_printf(a, "\r\n--%s", boundary);
    const char *end = body + len, *p;
    int n = 0;

    *nparts = 0;
    /* the first boundary may open the body without a leading CRLF */
    if (len >= blen + 2 && body[0] == '-' && body[1] == '-' &&
        memcmp(body + 2, boundary, blen) == 0)
        p = body + 2 + blen;
    else {
        const char *first = memmem(body, len, delim, blen + 4);
        if (first == NULL)
            return err_set(e, ERR_BAD_REQUEST, NULL, "the multipart boundary is missing");
        p = first + blen + 4;
    }
    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            break; /* the closing boundary */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return err_set(e, ERR_BAD_REQUEST, NULL, "malformed multipart boundary line");
        p += 2;
        const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
        const char *data;
        if (hend == NULL)
            return err_set(e, ERR_BAD_REQUEST, NULL, "a multipart part has no header end");
        data = hend + 4;
        const char *next = memmem(data, (size_t)(end - data), delim, blen + 4);
        if (next == NULL)
            return err_set(e, ERR_BAD_REQUEST, NULL, "the multipart body is not closed");
        if (n == MULTIPART_MAX_PARTS)
            return err_set(e, ERR_BAD_REQUEST, NULL, "more than %d parts", MULTIPART_MAX_PARTS);
        struct mpart *part = &parts[n];
        memset(part, 0, sizeof(*part));
        if (parse_headers(a, p, hend, part, e) != ERR_OK)
            return e->code;
        part->data = data;
        part->len = (size_t)(next - data);
        n++;
        p = next + blen + 4;
    }
    *nparts = n;
    return ERR_OK;
}
