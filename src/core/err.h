/* err.h - the one list of error codes: enum, message and HTTP status from one X-macro. */
#ifndef GG_ERR_H
#define GG_ERR_H

#include <stddef.h>

#define ERR_MAP(X)                                                                                 \
    X(OK, 0, 200, "ok", "ok")                                                                      \
    X(BAD_REQUEST, -1, 400, "bad_request", "malformed request")                                    \
    X(INVALID, -2, 422, "invalid", "validation failed")                                            \
    X(NOT_FOUND, -3, 404, "not_found", "not found")                                                \
    X(CONFLICT, -4, 409, "conflict", "conflict")                                                   \
    X(STORE, -5, 500, "storage", "storage error")                                                  \
    X(UNAUTHORIZED, -6, 401, "unauthorized", "login required")                                     \
    X(FORBIDDEN, -7, 403, "forbidden", "not allowed in your scope")                                \
    X(METHOD, -8, 405, "method_not_allowed", "method not allowed")                                 \
    X(TOO_LARGE, -9, 413, "too_large", "request body too large")                                   \
    X(UNSUPPORTED, -10, 415, "unsupported_media_type", "unsupported media type")                   \
    X(THROTTLED, -11, 429, "too_many_requests", "too many attempts, try again later")              \
    X(INTERNAL, -12, 500, "internal", "internal error")                                            \
    X(UNAVAILABLE, -13, 503, "unavailable", "service unavailable")

enum err_code {
#define X(name, val, http, code, msg) ERR_##name = val,
    ERR_MAP(X)
#undef X
};

/* Detail of a failure, owned by the caller (SQLite's errmsg, curl's ERRORBUFFER). */
struct err {
    enum err_code code;
    char field[48];
    char msg[200];    /* English */
    char msg_zh[400]; /* the same in Chinese (err_zh.def), or empty when there is no row */
};

/* Fill e and return code; fmt may be NULL for the default message. The message is written in
 * English and, from the row of fmt in err_zh.def, in Chinese. */
int err_set(struct err *e, enum err_code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The Chinese format of an English message or format (err_zh.def), or NULL. */
const char *err_zh(const char *english);
/* The message of e in Chinese (zh != 0) or English: without a row in err_zh.def, the code's
 * Chinese default and the English, written into buf. */
const char *err_text(const struct err *e, int zh, char *buf, size_t len);
int err_http_status(enum err_code code);
const char *err_code_name(enum err_code code);
const char *err_default_msg(enum err_code code);

#endif
