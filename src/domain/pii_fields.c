/* pii_fields.c - personal numbers as registry fields: checks with Chinese reasons, and masks. */
#include "domain/pii_fields.h"
#include "domain/idnum.h"

#include <stdio.h>
#include <string.h>

/* The checker's reason under a Chinese heading; out gets the normalised value. */
static int checked(int rc, const char *value, const char *heading, char *out, size_t outsz,
                   const char *field, struct err *e)
{
    if (rc != ERR_OK) {
        char why[sizeof(e->msg)];
        snprintf(why, sizeof(why), "%s", e->msg);
        return err_set(e, ERR_INVALID, field, "%s：%s", heading, why);
    }
    snprintf(out, outsz, "%s", value);
    return ERR_OK;
}

int field_check_idcard(const char *in, char *out, size_t outsz, const char *field, struct err *e)
{
    char id[19];
    return checked(idcard_check(in, id, e, field), id, "身份证号无效", out, outsz, field, e);
}

int field_check_phone(const char *in, char *out, size_t outsz, const char *field, struct err *e)
{
    char p[24];
    return checked(phone_check(in, p, e, field), p, "电话号码无效", out, outsz, field, e);
}

int field_check_credit_code(const char *in, char *out, size_t outsz, const char *field,
                            struct err *e)
{
    char code[19];
    return checked(credit_code_check(in, code, e, field), code, "统一社会信用代码无效", out, outsz,
                   field, e);
}

int field_check_division(const char *in, char *out, size_t outsz, const char *field, struct err *e)
{
    size_t n = strlen(in);
    if (strspn(in, "0123456789") != n || (n != 6 && n != 9 && n != 12))
        return err_set(e, ERR_INVALID, field, "区划代码须为 6、9 或 12 位数字");
    snprintf(out, outsz, "%s", in);
    return ERR_OK;
}

void field_mask_idcard(const char *in, char *out, size_t outsz)
{
    char m[24];
    mask_idcard(in, m);
    snprintf(out, outsz, "%s", m);
}

void field_mask_phone(const char *in, char *out, size_t outsz)
{
    char m[32];
    mask_phone(in, m);
    snprintf(out, outsz, "%s", m);
}
