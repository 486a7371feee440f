/* multipart.h - multipart/form-data (RFC 7578) parsing over a body held in memory: the parts
 * point into the body, nothing is copied. */
#ifndef GG_MULTIPART_H
#define GG_MULTIPART_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

#define MULTIPART_MAX_PARTS 32

struct mpart {
    const char *name;     /* form field name (arena) */
    const char *filename; /* NULL for plain fields (arena) */
    const char *type;     /* the part's Content-Type, NULL if absent (arena) */
    const char *data;     /* into the body */
    size_t len;
};

/* Take the boundary from a Content-Type header value; NULL if it is not multipart/form-data. */
const char *multipart_boundary(struct arena *a, const char *content_type);
/* Split body into parts; ERR_BAD_REQUEST naming what is malformed. */
int multipart_parse(struct arena *a, const char *body, size_t len, const char *boundary,
                    struct mpart *parts, int *nparts, struct err *e);

#endif
