/* arena.c - region allocator in growing blocks, and the abort-on-OOM malloc wrappers. */
#include "core/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
    struct arena_block *next;
    size_t size, off;
    _Alignas(max_align_t) unsigned char data[];
};

#define ARENA_BLOCK_MIN 8192

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fprintf(stderr, "gridgov: out of memory (%zu bytes)\n", n);
        abort();
    }
    return p;
}

void *xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (p == NULL) {
        fprintf(stderr, "gridgov: out of memory\n");
        abort();
    }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) {
        fprintf(stderr, "gridgov: out of memory (%zu bytes)\n", n);
        abort();
    }
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

void arena_init(struct arena *a, size_t limit)
{
    a->head = NULL;
    a->used = 0;
    a->limit = limit;
}

void arena_free(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b != NULL) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used = 0;
}

void arena_reset(struct arena *a)
{
    struct arena_block *keep = a->head;
    if (keep == NULL)
        return;
    /* keep the newest (largest) block, free the others */
    struct arena_block *b = keep->next;
    while (b != NULL) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    keep->next = NULL;
    keep->off = 0;
    a->used = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
    const size_t align = _Alignof(max_align_t);
    if (n > ((size_t)1 << 40))
        return NULL; /* no request is this large; refusing keeps the sums below from wrapping */
    n = (n + align - 1) & ~(align - 1);
    if (a->limit && (n > a->limit || a->used > a->limit - n))
        return NULL;
    struct arena_block *b = a->head;
    if (b == NULL || b->size - b->off < n) {
        size_t size = n > ARENA_BLOCK_MIN ? n : ARENA_BLOCK_MIN;
        if (b != NULL && size < b->size * 2 && b->size * 2 <= 1 << 20)
            size = b->size * 2;
        b = xmalloc(sizeof(*b) + size);
        b->size = size;
        b->off = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->off;
    b->off += n;
    a->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = arena_alloc(a, (size_t)n + 1);
    if (p == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
