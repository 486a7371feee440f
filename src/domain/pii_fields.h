/* pii_fields.h - the field hooks (registry.h's check and mask) of personal numbers, shared by
 * every registry that holds them: residents, party rosters, enterprises' contacts ... Each check
 * normalises (GB 11643 identity numbers, phones: idnum.c) and words its reason in Chinese. */
#ifndef GG_PII_FIELDS_H
#define GG_PII_FIELDS_H

#include <stddef.h>

#include "core/err.h"

int field_check_idcard(const char *in, char *out, size_t outsz, const char *field, struct err *e);
int field_check_phone(const char *in, char *out, size_t outsz, const char *field, struct err *e);
/* A 6-, 9- or 12-digit division code (a place of origin elsewhere in China). */
int field_check_division(const char *in, char *out, size_t outsz, const char *field, struct err *e);
void field_mask_idcard(const char *in, char *out, size_t outsz);
void field_mask_phone(const char *in, char *out, size_t outsz);

#endif
