/* buf.h - growable byte buffer with a hard cap (curl's dynbuf). */
#ifndef GG_BUF_H
#define GG_BUF_H

#include <stddef.h>

struct buf {
    char *data; /* always NUL-terminated when len > 0 */
    size_t len, cap, max;
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
/* Return 0, or -1 when appending would pass the cap (the buffer is unchanged). */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Detach the data (caller frees); the buffer is reset. */
char *buf_steal(struct buf *b);

#endif
