/* jsonw.h - a small JSON writer into a capped buffer, for the hot read paths where building a
 * jansson tree only to serialise it again costs more than the query (see docs/decisions.md). */
#ifndef GG_JSONW_H
#define GG_JSONW_H

#include <stdint.h>

#include "core/buf.h"

struct jsonw {
    struct buf b;
    int first; /* no comma needed before the next member or element */
    int err;   /* the buffer's cap was reached */
};

void jw_init(struct jsonw *w, size_t max);
void jw_obj(struct jsonw *w); /* { */
void jw_arr(struct jsonw *w); /* [ */
void jw_end_obj(struct jsonw *w);
void jw_end_arr(struct jsonw *w);
void jw_key(struct jsonw *w, const char *key); /* "key": (keys are program constants) */
void jw_str(struct jsonw *w, const char *s);   /* escaped string, or null for NULL */
void jw_int(struct jsonw *w, int64_t v);
void jw_bool(struct jsonw *w, int v);
void jw_null(struct jsonw *w);
void jw_raw(struct jsonw *w, const char *json); /* already-valid JSON text */
void jw_real(struct jsonw *w, double v);        /* %.10g; null if not finite */
/* v rounded to one decimal (half away from zero): "71.9", "100", "-5.3", never "-0"; null if
 * not finite. */
void jw_dec1(struct jsonw *w, double v);
/* Member shorthands. */
void jw_kstr(struct jsonw *w, const char *key, const char *s);
void jw_kint(struct jsonw *w, const char *key, int64_t v);
void jw_kreal(struct jsonw *w, const char *key, double v);
void jw_kdec1(struct jsonw *w, const char *key, double v);
void jw_kbool(struct jsonw *w, const char *key, int v);
void jw_knull(struct jsonw *w, const char *key);

#endif
