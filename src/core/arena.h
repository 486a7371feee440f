/* arena.h - per-request region allocator: everything is freed together (h2o's req->pool). */
#ifndef GG_ARENA_H
#define GG_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;
    size_t used;  /* bytes handed out, for metrics */
    size_t limit; /* hard cap on total bytes, 0 = none */
};

void arena_init(struct arena *a, size_t limit);
void arena_free(struct arena *a);
/* Forget every allocation but keep one block for reuse (loops that allocate per item). */
void arena_reset(struct arena *a);
/* Return zeroed memory; aborts on OOM, returns NULL only if the cap would be passed. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* xmalloc family: abort on OOM (Redis zmalloc). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
