/* err.c - error codes to names, messages and HTTP statuses. */
#include "core/err.h"
#include "core/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Messages quote client text, and snprintf may cut a character in half: keep them valid UTF-8
 * (a replies' JSON needs it) by replacing every byte that is not part of a whole, well-formed
 * character with '?'. */
static void utf8_repair(char *s)
{
    uint32_t cp;
    while (*s) {
        int len = utf8_decode(s, 4, &cp);
        if (len < 0)
            *s++ = '?';
        else
            s += len;
    }
}

int err_set(struct err *e, enum err_code code, const char *field, const char *fmt, ...)
{
    if (e == NULL)
        return code;
    e->code = code;
    snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
    } else {
        snprintf(e->msg, sizeof(e->msg), "%s", err_default_msg(code));
    }
    utf8_repair(e->field);
    utf8_repair(e->msg);
    return code;
}

int err_http_status(enum err_code code)
{
    switch (code) {
#define X(name, val, http, cname, msg)                                                             \
    case ERR_##name:                                                                               \
        return http;
        ERR_MAP(X)
#undef X
    }
    return 500;
}

const char *err_code_name(enum err_code code)
{
    switch (code) {
#define X(name, val, http, cname, msg)                                                             \
    case ERR_##name:                                                                               \
        return cname;
        ERR_MAP(X)
#undef X
    }
    return "internal";
}

const char *err_default_msg(enum err_code code)
{
    switch (code) {
#define X(name, val, http, cname, msg)                                                             \
    case ERR_##name:                                                                               \
        return msg;
        ERR_MAP(X)
#undef X
    }
    return "internal error";
}
