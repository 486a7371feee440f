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
/* A unified social credit code (GB 32100), upper-cased. Not personal, but checked alike. */
int field_check_credit_code(const char *in, char *out, size_t outsz, const char *field,
                            struct err *e);
int field_check_division(const char *in, char *out, size_t outsz, const char *field, struct err *e);
void field_mask_idcard(const char *in, char *out, size_t outsz);
void field_mask_phone(const char *in, char *out, size_t outsz);

/* The identity-number and phone fields as every registry of people declares them. */
#define FIELD_ID_NUMBER                                                                            \
    {                                                                                              \
        .name = "id_number", .label = "身份证号", .label_en = "Identity number", .type = FT_TEXT,  \
        .flags = F_PII | F_UNIQUE | F_LIST, .max = 18, .check = field_check_idcard,                \
        .mask = field_mask_idcard                                                                  \
    }
#define FIELD_PHONE                                                                                \
    {                                                                                              \
        .name = "phone", .label = "手机号", .label_en = "Phone", .type = FT_TEXT,                  \
        .flags = F_PII | F_LIST, .max = 24, .check = field_check_phone, .mask = field_mask_phone   \
    }

#endif
