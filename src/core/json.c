/* json.c - request JSON parsing and typed, validated field access. */
#include "core/json.h"
#include "core/utf8.h"

#include <string.h>

int json_parse_object(const char *data, size_t len, json_t **out, struct err *e)
{
    json_error_t je;
    *out = NULL;
    if (len == 0)
        return err_set(e, ERR_BAD_REQUEST, NULL, "request body is empty, a JSON object expected");
    json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL)
        return err_set(e, ERR_BAD_REQUEST, NULL, "malformed JSON at line %d column %d: %s", je.line,
                       je.column, je.text);
    if (!json_is_object(j)) {
        json_decref(j);
        return err_set(e, ERR_BAD_REQUEST, NULL, "a JSON object expected");
    }
    *out = j;
    return ERR_OK;
}

int json_only_keys(const json_t *obj, const char *const *allowed, struct err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++) {
            if (strcmp(*a, key) == 0) {
                ok = 1;
                break;
            }
        }
        if (!ok)
            return err_set(e, ERR_INVALID, key, "unknown field '%.60s'", key);
    }
    return ERR_OK;
}

long utf8_chars(const char *s)
{
    long n = 0;
    uint32_t cp;
    while (*s) {
        int len = utf8_decode(s, 4, &cp);
        if (len < 0)
            return -1;
        s += len;
        n++;
    }
    return n;
}

int json_get_str(const json_t *obj, const char *key, int required, size_t maxchars,
                 const char **out, struct err *e)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v)) {
        if (required)
            return err_set(e, ERR_INVALID, key, "'%s' is required", key);
        return ERR_OK;
    }
    if (!json_is_string(v))
        return err_set(e, ERR_INVALID, key, "'%s' must be a string", key);
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return err_set(e, ERR_INVALID, key, "'%s' must not contain NUL characters", key);
    if (required && s[0] == '\0')
        return err_set(e, ERR_INVALID, key, "'%s' must not be empty", key);
    if (maxchars && (size_t)utf8_chars(s) > maxchars)
        return err_set(e, ERR_INVALID, key, "'%s' is longer than %zu characters", key, maxchars);
    *out = s;
    return ERR_OK;
}

int json_get_int(const json_t *obj, const char *key, int required, int64_t min, int64_t max,
                 int64_t *out, struct err *e)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v)) {
        if (required)
            return err_set(e, ERR_INVALID, key, "'%s' is required", key);
        return ERR_OK;
    }
    if (!json_is_integer(v))
        return err_set(e, ERR_INVALID, key, "'%s' must be an integer", key);
    json_int_t i = json_integer_value(v);
    if (i < min || i > max)
        return err_set(e, ERR_INVALID, key, "'%s' must be between %lld and %lld", key,
                       (long long)min, (long long)max);
    *out = i;
    return ERR_OK;
}

int json_get_bool(const json_t *obj, const char *key, int required, int *out, struct err *e)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v)) {
        if (required)
            return err_set(e, ERR_INVALID, key, "'%s' is required", key);
        return ERR_OK;
    }
    if (!json_is_boolean(v))
        return err_set(e, ERR_INVALID, key, "'%s' must be true or false", key);
    *out = json_is_true(v);
    return ERR_OK;
}
