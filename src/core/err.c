/* err.c - error codes to names, messages and HTTP statuses. */
#include "core/err.h"
#include "core/utf8.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- the Chinese of every message (err_zh.def), found by its English text ---- */

static const char *const zh_rows[][2] = {
#define ERR_ZH(en, zh) {en, zh},
#include "core/err_zh.def"
#undef ERR_ZH
};
#define ZH_ROWS (sizeof(zh_rows) / sizeof(zh_rows[0]))
#define ZH_SLOTS 2048 /* a power of two, well above the rows */

static short zh_slot[ZH_SLOTS]; /* row + 1, 0 = empty */
static pthread_once_t zh_once = PTHREAD_ONCE_INIT;

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static void zh_build(void)
{
    for (size_t i = 0; i < ZH_ROWS && i < ZH_SLOTS / 2; i++) {
        uint32_t k = fnv1a(zh_rows[i][0]) & (ZH_SLOTS - 1);
        while (zh_slot[k] != 0)
            k = (k + 1) & (ZH_SLOTS - 1);
        zh_slot[k] = (short)(i + 1);
    }
}

const char *err_zh(const char *english)
{
    if (english == NULL)
        return NULL;
    pthread_once(&zh_once, zh_build);
    for (uint32_t k = fnv1a(english) & (ZH_SLOTS - 1); zh_slot[k] != 0;
         k = (k + 1) & (ZH_SLOTS - 1)) {
        if (strcmp(zh_rows[zh_slot[k] - 1][0], english) == 0)
            return zh_rows[zh_slot[k] - 1][1];
    }
    return NULL;
}

static int ascii_only(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s >= 0x80)
            return 0;
    }
    return 1;
}

const char *err_text(const struct err *e, int zh, char *buf, size_t len)
{
    if (!zh)
        return e->msg;
    if (e->msg_zh[0])
        return e->msg_zh;
    const char *dflt = err_zh(err_default_msg(e->code));
    snprintf(buf, len, "%s：%s", dflt ? dflt : err_default_msg(e->code), e->msg);
    return buf;
}

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
    const char *zh = err_zh(fmt != NULL ? fmt : err_default_msg(code));
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
    } else {
        snprintf(e->msg, sizeof(e->msg), "%s", err_default_msg(code));
    }
    e->msg_zh[0] = '\0';
    if (zh != NULL && fmt != NULL) {
        /* the row has the same conversions in the same order (test_err checks it) */
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg_zh, sizeof(e->msg_zh), zh, ap);
        va_end(ap);
    } else if (zh != NULL) {
        snprintf(e->msg_zh, sizeof(e->msg_zh), "%s", zh);
    } else if (fmt != NULL && !ascii_only(fmt)) {
        snprintf(e->msg_zh, sizeof(e->msg_zh), "%s", e->msg); /* written in Chinese already */
    }
    utf8_repair(e->field);
    utf8_repair(e->msg);
    utf8_repair(e->msg_zh);
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
