/* audit.h - the access log (audit_log) of the bespoke parts: a row per read of personal data,
 * written and committed before the data leaves. (The registries write their own rows.) */
#ifndef GG_AUDIT_H
#define GG_AUDIT_H

#include <stdint.h>

#include "store/store.h"

/* In its own write transaction: user_id read personal data of object ("case:42"); detail says
 * which ("reporter contact"). The caller answers only after ERR_OK. */
int audit_pii_read(struct store *s, int64_t user_id, const char *object, const char *detail,
                   struct err *e);

#endif
