/* json.h - checked access to request JSON (jansson): every failure names its field. */
#ifndef GG_JSON_H
#define GG_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"

/* Parse a request body that must be a JSON object; 400 with line and column otherwise. */
int json_parse_object(const char *data, size_t len, json_t **out, struct err *e);

/* Reject keys not in the NULL-terminated allowed list (422, the field named). */
int json_only_keys(const json_t *obj, const char *const *allowed, struct err *e);

enum { JSON_OPTIONAL = 0, JSON_REQUIRED = 1 };

/* A string field of at most maxchars Unicode characters (0 = no limit); *out is borrowed from
 * obj. Absent optional fields leave *out unchanged. Empty strings count as absent when required. */
int json_get_str(const json_t *obj, const char *key, int required, size_t maxchars,
                 const char **out, struct err *e);
/* An integer field in [min, max]; absent optional fields leave *out unchanged. */
int json_get_int(const json_t *obj, const char *key, int required, int64_t min, int64_t max,
                 int64_t *out, struct err *e);
int json_get_bool(const json_t *obj, const char *key, int required, int *out, struct err *e);

/* Count UTF-8 characters; returns -1 for invalid UTF-8. */
long utf8_chars(const char *s);

#endif
