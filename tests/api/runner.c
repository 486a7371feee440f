/*
 * tests/api/runner.c - data-driven HTTP API test runner (after curl's tests/data).
 *
 * Runs .test files (format: tests/api/README.md) against a running server:
 *
 *   api-runner --base http://127.0.0.1:PORT [--var NAME=VALUE]... [--verbose] FILE...
 *
 * Each file is parsed completely first, then its requests run in order over one
 * keep-alive CURL handle. The first failing step ends the file. Prints one line per
 * file ("ok   NAME" or "FAIL NAME: ...") and a final "N passed, N failed".
 * Exit status: 0 all passed, 1 some failed, 2 usage error.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>

#define FILE_MAX ((size_t)16 << 20)  /* a .test file */
#define REQ_MAX ((size_t)64 << 20)   /* request body, substituted text */
#define RESP_MAX ((size_t)16 << 20)  /* response body */
#define HDRS_MAX ((size_t)256 << 10) /* response header block */
#define REPEAT_MAX 100000L
#define SNIP_MAX 400  /* body bytes shown in a FAIL line */
#define VALUE_MAX 120 /* JSON value bytes shown in a mismatch */
#define ERR_LEN 1024
#define JPATH_LEN 512

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* ---- small helpers ------------------------------------------------------------------------ */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL) {
        fputs("api-runner: out of memory\n", stderr);
        abort();
    }
    return q;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xrealloc(NULL, n + 1);

    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

static int errf(char *err, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Writes a message into err (ERR_LEN bytes) and returns -1. */
static int errf(char *err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, ERR_LEN, fmt, ap);
    va_end(ap);
    return -1;
}

static char *skip_ws(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static void rtrim(char *s)
{
    size_t n = strlen(s);

    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
}

/* Strict decimal number in [min, max]. */
static int parse_num(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static bool is_name(const char *s, size_t n)
{
    size_t i;

    if (n == 0)
        return false;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

static size_t token_len(const char *s)
{
    size_t i = 0;

    while (isalnum((unsigned char)s[i]) || s[i] == '-')
        i++;
    return i;
}

/* A request header line: ^[A-Za-z0-9-]+: value, or "Name:" alone (suppresses the header). */
static bool is_header_line(const char *s)
{
    size_t i = token_len(s);

    return i > 0 && s[i] == ':' && (s[i + 1] == ' ' || s[i + 1] == '\0');
}

/* Does the header line "Name: value" have this name (case-insensitive)? */
static bool header_is(const char *line, const char *name)
{
    size_t n = strlen(name);

    return strncasecmp(line, name, n) == 0 && line[n] == ':';
}

/* Prints s[0..n) on one line: control characters escaped, cut after max bytes. */
static void print_snip(FILE *f, const char *s, size_t n, size_t max)
{
    size_t i, lim = n < max ? n : max;

    if (n == 0) {
        fputs("(empty)", f);
        return;
    }
    for (i = 0; i < lim; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '\n')
            fputs("\\n", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
    if (n > lim)
        fprintf(f, "... (%zu bytes)", n);
}

/* ---- capped growable buffer --------------------------------------------------------------- */

struct buf {
    char *p; /* NUL-terminated once anything was added */
    size_t len;
    size_t cap;
    size_t max; /* hard cap on len */
};

static void buf_init(struct buf *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

/* Appends n bytes; returns -1 (and leaves b unchanged) if that would pass the cap. */
static int buf_add(struct buf *b, const void *data, size_t n)
{
    if (n > b->max - b->len)
        return -1;
    if (b->p == NULL || b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;

        while (cap < b->len + n + 1)
            cap *= 2;
        if (cap > b->max + 1)
            cap = b->max + 1;
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static int buf_addstr(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

static void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->p != NULL)
        b->p[0] = '\0';
}

static const char *buf_str(const struct buf *b)
{
    return b->p != NULL ? b->p : "";
}

static void buf_free(struct buf *b)
{
    free(b->p);
    buf_init(b, b->max);
}

/* ---- variables ---------------------------------------------------------------------------- */

struct var {
    char *name;
    char *value;
};

struct vars {
    struct var *v;
    size_t n;
};

static const char *vars_get(const struct vars *vs, const char *name, size_t nlen)
{
    size_t i;

    for (i = 0; i < vs->n; i++)
        if (strlen(vs->v[i].name) == nlen && memcmp(vs->v[i].name, name, nlen) == 0)
            return vs->v[i].value;
    return NULL;
}

static void vars_set(struct vars *vs, const char *name, size_t nlen, const char *value)
{
    size_t i;

    for (i = 0; i < vs->n; i++) {
        if (strlen(vs->v[i].name) == nlen && memcmp(vs->v[i].name, name, nlen) == 0) {
            free(vs->v[i].value);
            vs->v[i].value = xstrdup(value);
            return;
        }
    }
    vs->v = xrealloc(vs->v, (vs->n + 1) * sizeof(*vs->v));
    vs->v[vs->n].name = xstrndup(name, nlen);
    vs->v[vs->n].value = xstrdup(value);
    vs->n++;
}

static void vars_copy(struct vars *dst, const struct vars *src)
{
    size_t i;

    for (i = 0; i < src->n; i++)
        vars_set(dst, src->v[i].name, strlen(src->v[i].name), src->v[i].value);
}

static void vars_free(struct vars *vs)
{
    size_t i;

    for (i = 0; i < vs->n; i++) {
        free(vs->v[i].name);
        free(vs->v[i].value);
    }
    free(vs->v);
    vs->v = NULL;
    vs->n = 0;
}

/* Replaces every ${NAME} in in[0..n) into out (reset first). Unknown names are errors. */
static int subst(const struct vars *vs, const char *in, size_t n, struct buf *out, char *err)
{
    size_t i = 0;

    buf_reset(out);
    if (buf_add(out, "", 0) < 0)
        return errf(err, "out of buffer space");
    while (i < n) {
        size_t j;

        if (in[i] == '$' && i + 1 < n && in[i + 1] == '{') {
            const char *name = in + i + 2;
            const char *end = memchr(name, '}', n - i - 2);
            const char *val;

            if (end == NULL)
                return errf(err, "unterminated ${ in \"%.60s\"", in + i);
            if (!is_name(name, (size_t)(end - name)))
                return errf(err, "bad variable name ${%.*s}", (int)(end - name), name);
            val = vars_get(vs, name, (size_t)(end - name));
            if (val == NULL)
                return errf(err, "unknown variable ${%.*s}", (int)(end - name), name);
            if (buf_addstr(out, val) < 0)
                return errf(err, "text longer than %zu bytes after substitution", out->max);
            i = (size_t)(end - in) + 1;
            continue;
        }
        for (j = i + 1; j < n && in[j] != '$'; j++)
            ;
        if (buf_add(out, in + i, j - i) < 0)
            return errf(err, "text longer than %zu bytes after substitution", out->max);
        i = j;
    }
    return 0;
}

/* ---- the parsed file ---------------------------------------------------------------------- */

enum check_kind { CK_HEADER, CK_COUNT, CK_CAPTURE, CK_TEXT, CK_NOTEXT, CK_INCLUDES, CK_EXCLUDES };

struct check {
    enum check_kind kind;
    int line;
    char *name;      /* header name, count path, capture variable, includes/excludes path */
    char *arg;       /* header value, capture path, body regex, count (a number or ${NAME}) */
    struct buf body; /* includes/excludes: the JSON array of elements (template) */
};

struct step {
    int line; /* of "--- request" */
    long repeat;
    char *method;
    char *path;
    char **hdrs; /* "Name: value" templates */
    size_t nhdrs;
    struct buf body; /* template; empty = no body */
    long body_size;  /* >= 0: --- body-size replaces the body */
    int status;      /* 0 until "--- expect" */
    int expect_line;
    struct buf expect; /* expected JSON template; empty = status only */
    struct check *checks;
    size_t nchecks;
};

struct script {
    struct step *steps;
    size_t nsteps;
};

static void script_free(struct script *sc)
{
    size_t i, j;

    for (i = 0; i < sc->nsteps; i++) {
        struct step *st = &sc->steps[i];

        free(st->method);
        free(st->path);
        for (j = 0; j < st->nhdrs; j++)
            free(st->hdrs[j]);
        free(st->hdrs);
        buf_free(&st->body);
        buf_free(&st->expect);
        for (j = 0; j < st->nchecks; j++) {
            free(st->checks[j].name);
            free(st->checks[j].arg);
            buf_free(&st->checks[j].body);
        }
        free(st->checks);
    }
    free(sc->steps);
    sc->steps = NULL;
    sc->nsteps = 0;
}

/* ---- parser ------------------------------------------------------------------------------- */

enum pstate {
    P_PRE,       /* before the first section: free text, ignored */
    P_REQ_LINE,  /* waiting for METHOD PATH */
    P_REQ_HDR,   /* request headers */
    P_REQ_BODY,  /* request body: every line up to the next --- */
    P_EXPECT,    /* expected JSON body */
    P_ELEMENTS,  /* the JSON array of --- expect-includes or --- expect-excludes */
    P_DIRECTIVE, /* one-line sections: only blank lines and comments may follow */
};

struct parser {
    struct script *sc;
    enum pstate st;
    int lineno;
    long repeat; /* pending "--- repeat N", 0 = none */
};

static struct step *cur_step(struct parser *ps)
{
    return ps->sc->nsteps > 0 ? &ps->sc->steps[ps->sc->nsteps - 1] : NULL;
}

static int finish_section(struct parser *ps, char *err)
{
    struct step *st = cur_step(ps);

    if (ps->st == P_REQ_LINE)
        return errf(err, "line %d: --- request needs a METHOD PATH line", st->line);
    if (ps->st == P_REQ_HDR || ps->st == P_REQ_BODY) {
        /* drop the final newline and any trailing blank lines */
        while (st->body.len > 0 && st->body.p[st->body.len - 1] == '\n')
            st->body.p[--st->body.len] = '\0';
    }
    return 0;
}

static int finish_step(struct parser *ps, char *err)
{
    struct step *st = cur_step(ps);

    if (st != NULL && st->status == 0)
        return errf(err, "line %d: request has no --- expect", st->line);
    return 0;
}

static struct check *add_check(struct step *st, enum check_kind kind, int line)
{
    struct check *ck;

    st->checks = xrealloc(st->checks, (st->nchecks + 1) * sizeof(*st->checks));
    ck = &st->checks[st->nchecks++];
    memset(ck, 0, sizeof(*ck));
    ck->kind = kind;
    ck->line = line;
    return ck;
}

static int parse_request_line(struct parser *ps, char *line, char *err)
{
    struct step *st = cur_step(ps);
    char *p = line, *path;
    size_t n;

    while (*p >= 'A' && *p <= 'Z')
        p++;
    if (p == line || (*p != ' ' && *p != '\t'))
        return errf(err, "line %d: expected METHOD PATH, got \"%.60s\"", ps->lineno, line);
    st->method = xstrndup(line, (size_t)(p - line));
    path = skip_ws(p);
    n = strcspn(path, " \t");
    if (*path != '/')
        return errf(err, "line %d: path must start with /", ps->lineno);
    if (*skip_ws(path + n) != '\0')
        return errf(err, "line %d: unexpected text after the path", ps->lineno);
    st->path = xstrndup(path, n);
    ps->st = P_REQ_HDR;
    return 0;
}

static int parse_directive(struct parser *ps, char *line, char *err)
{
    struct step *st;
    struct check *ck;
    char *kw, *arg, *p, *sep;
    long n;
    int ln = ps->lineno;

    kw = skip_ws(line + 3);
    p = kw + strcspn(kw, " \t");
    if (*p != '\0')
        *p++ = '\0';
    arg = skip_ws(p);
    rtrim(arg);

    if (finish_section(ps, err) < 0)
        return -1;
    ps->st = P_DIRECTIVE;
    if (ps->repeat != 0 && strcmp(kw, "request") != 0)
        return errf(err, "line %d: --- repeat must be followed by --- request", ln);

    if (strcmp(kw, "request") == 0) {
        if (*arg != '\0')
            return errf(err, "line %d: unexpected text after --- request", ln);
        if (finish_step(ps, err) < 0)
            return -1;
        ps->sc->steps = xrealloc(ps->sc->steps, (ps->sc->nsteps + 1) * sizeof(*ps->sc->steps));
        st = &ps->sc->steps[ps->sc->nsteps++];
        memset(st, 0, sizeof(*st));
        st->line = ln;
        st->repeat = ps->repeat != 0 ? ps->repeat : 1;
        st->body_size = -1;
        buf_init(&st->body, REQ_MAX);
        buf_init(&st->expect, REQ_MAX);
        ps->repeat = 0;
        ps->st = P_REQ_LINE;
        return 0;
    }
    if (strcmp(kw, "repeat") == 0) {
        if (parse_num(arg, 1, REPEAT_MAX, &n) < 0)
            return errf(err, "line %d: --- repeat needs a count 1..%ld", ln, REPEAT_MAX);
        ps->repeat = n;
        return 0;
    }

    st = cur_step(ps);
    if (st == NULL)
        return errf(err, "line %d: --- %s before any --- request", ln, kw);

    if (strcmp(kw, "expect") == 0) {
        if (st->status != 0)
            return errf(err, "line %d: second --- expect for one request", ln);
        if (parse_num(arg, 100, 599, &n) < 0)
            return errf(err, "line %d: --- expect needs an HTTP status 100..599", ln);
        st->status = (int)n;
        st->expect_line = ln;
        ps->st = P_EXPECT;
    } else if (strcmp(kw, "expect-header") == 0) {
        size_t tl = token_len(arg);

        if (tl == 0 || arg[tl] != ':' || *skip_ws(arg + tl + 1) == '\0')
            return errf(err, "line %d: --- expect-header needs Name: value", ln);
        ck = add_check(st, CK_HEADER, ln);
        ck->name = xstrndup(arg, tl);
        ck->arg = xstrdup(skip_ws(arg + tl + 1));
    } else if (strcmp(kw, "expect-count") == 0) {
        sep = strrchr(arg, ' ');
        if (sep == NULL)
            sep = strrchr(arg, '\t');
        /* N is a number, or a variable (${NAME}) holding one when the request is made */
        if (sep == NULL ||
            (strncmp(sep + 1, "${", 2) != 0 && parse_num(sep + 1, 0, LONG_MAX, &n) < 0))
            return errf(err, "line %d: --- expect-count needs PATH N", ln);
        ck = add_check(st, CK_COUNT, ln);
        ck->arg = xstrdup(sep + 1);
        *sep = '\0';
        rtrim(arg);
        ck->name = xstrdup(arg);
    } else if (strcmp(kw, "expect-includes") == 0 || strcmp(kw, "expect-excludes") == 0) {
        if (*arg == '\0' || strchr(arg, ' ') != NULL || strchr(arg, '\t') != NULL)
            return errf(err, "line %d: --- %s needs a PATH, then a JSON array", ln, kw);
        ck = add_check(st, strcmp(kw, "expect-includes") == 0 ? CK_INCLUDES : CK_EXCLUDES, ln);
        ck->name = xstrdup(arg);
        buf_init(&ck->body, REQ_MAX);
        ps->st = P_ELEMENTS;
    } else if (strcmp(kw, "capture") == 0) {
        sep = strchr(arg, '=');
        if (sep == NULL)
            return errf(err, "line %d: --- capture needs NAME=PATH", ln);
        *sep = '\0';
        rtrim(arg);
        if (!is_name(arg, strlen(arg)) || *skip_ws(sep + 1) == '\0')
            return errf(err, "line %d: --- capture needs NAME=PATH", ln);
        ck = add_check(st, CK_CAPTURE, ln);
        ck->name = xstrdup(arg);
        ck->arg = xstrdup(skip_ws(sep + 1));
    } else if (strcmp(kw, "expect-text") == 0 || strcmp(kw, "expect-no-text") == 0) {
        if (*arg == '\0')
            return errf(err, "line %d: --- %s needs a REGEX", ln, kw);
        ck = add_check(st, strcmp(kw, "expect-text") == 0 ? CK_TEXT : CK_NOTEXT, ln);
        ck->arg = xstrdup(arg);
    } else if (strcmp(kw, "body-size") == 0) {
        if (parse_num(arg, 8, (long)REQ_MAX, &n) < 0)
            return errf(err, "line %d: --- body-size needs a size 8..%zu", ln, REQ_MAX);
        st->body_size = n;
    } else {
        return errf(err, "line %d: unknown section \"--- %.40s\"", ln, kw);
    }
    return 0;
}

static int body_line(struct parser *ps, struct buf *b, const char *line, size_t len, char *err)
{
    if (buf_add(b, line, len) < 0 || buf_add(b, "\n", 1) < 0)
        return errf(err, "line %d: body too large", ps->lineno);
    return 0;
}

static int parse_line(struct parser *ps, char *line, size_t len, char *err)
{
    struct step *st = cur_step(ps);
    bool skip = len == 0 || line[0] == '#';

    switch (ps->st) {
    case P_PRE:
        return 0;
    case P_DIRECTIVE:
        if (!skip)
            return errf(err, "line %d: unexpected text \"%.60s\"", ps->lineno, line);
        return 0;
    case P_REQ_LINE:
        return skip ? 0 : parse_request_line(ps, line, err);
    case P_REQ_HDR:
        if (len == 0) {
            ps->st = P_REQ_BODY; /* blank line: body follows */
            return 0;
        }
        if (line[0] == '#')
            return 0;
        if (is_header_line(line)) {
            st->hdrs = xrealloc(st->hdrs, (st->nhdrs + 1) * sizeof(*st->hdrs));
            st->hdrs[st->nhdrs++] = xstrndup(line, len);
            return 0;
        }
        ps->st = P_REQ_BODY; /* not a header: the body starts here */
        return body_line(ps, &st->body, line, len, err);
    case P_REQ_BODY:
        return body_line(ps, &st->body, line, len, err);
    case P_EXPECT:
        if (st->expect.len == 0 && skip)
            return 0;
        return body_line(ps, &st->expect, line, len, err);
    case P_ELEMENTS: {
        struct buf *b = &st->checks[st->nchecks - 1].body;

        if (b->len == 0 && skip)
            return 0;
        return body_line(ps, b, line, len, err);
    }
    }
    return 0;
}

/* Parses text[0..len) (NUL-terminated, modified in place) into sc. */
static int parse_script(char *text, size_t len, struct script *sc, char *err)
{
    struct parser ps = {.sc = sc, .st = P_PRE};
    char *p = text, *end = text + len;

    while (p < end) {
        char *line = p;
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

        p = nl != NULL ? nl + 1 : end;
        ps.lineno++;
        if (ll > 0 && line[ll - 1] == '\r')
            ll--;
        line[ll] = '\0';
        if (strncmp(line, "---", 3) == 0) {
            if (parse_directive(&ps, line, err) < 0)
                return -1;
        } else if (parse_line(&ps, line, ll, err) < 0) {
            return -1;
        }
    }
    if (finish_section(&ps, err) < 0 || finish_step(&ps, err) < 0)
        return -1;
    if (ps.repeat != 0)
        return errf(err, "--- repeat at end of file");
    if (sc->nsteps == 0)
        return errf(err, "no --- request in file");
    return 0;
}

/* ---- JSON helpers ------------------------------------------------------------------------- */

/* The value at a dotted path: "a.b.0.c", "$.a.b[0]", "." or "" for the top level. */
static json_t *json_at(json_t *root, const char *path)
{
    json_t *cur = root;
    const char *p = path;

    if (*p == '$')
        p++;
    while (*p != '\0' && cur != NULL) {
        size_t n;
        bool digits;

        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '[') {
            char *end;
            unsigned long idx;

            if (!isdigit((unsigned char)p[1]))
                return NULL;
            errno = 0;
            idx = strtoul(p + 1, &end, 10);
            if (errno != 0 || *end != ']' || !json_is_array(cur))
                return NULL;
            cur = json_array_get(cur, idx);
            p = end + 1;
            continue;
        }
        n = strcspn(p, ".[");
        digits = strspn(p, "0123456789") == n;
        if (json_is_array(cur) && digits && n < 10)
            cur = json_array_get(cur, strtoul(p, NULL, 10));
        else if (json_is_object(cur))
            cur = json_object_getn(cur, p, n);
        else
            return NULL;
        p += n;
    }
    return cur;
}

/* Compact JSON text of v, cut to VALUE_MAX bytes. */
static void json_show(const json_t *v, char *out, size_t cap)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

    if (s == NULL)
        snprintf(out, cap, "?");
    else if (strlen(s) > VALUE_MAX)
        snprintf(out, cap, "%.*s...", VALUE_MAX, s);
    else
        snprintf(out, cap, "%s", s);
    free(s);
}

static int mismatch(char *err, const char *path, const json_t *exp, const json_t *act)
{
    char e[VALUE_MAX + 8], a[VALUE_MAX + 8];

    json_show(exp, e, sizeof(e));
    json_show(act, a, sizeof(a));
    return errf(err, "%s: expected %s, got %s", path, e, a);
}

static int regex_match(const char *pattern, const char *s, const char *path, char *err)
{
    regex_t re;
    char msg[128];
    int rc;

    rc = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        regerror(rc, &re, msg, sizeof(msg));
        return errf(err, "%s: bad regex \"%.60s\": %s", path, pattern, msg);
    }
    rc = regexec(&re, s, 0, NULL, 0);
    regfree(&re);
    return rc == 0 ? 0 : -1;
}

/* Appends a path segment to path (capacity JPATH_LEN); the caller restores the old end. */
static void jpath_push(char *path, const char *key, size_t idx, bool is_idx)
{
    size_t n = strlen(path);

    if (is_idx)
        snprintf(path + n, JPATH_LEN - n, "[%zu]", idx);
    else
        snprintf(path + n, JPATH_LEN - n, ".%s", key);
}

/* Does exp match act (see README: subset of objects, "*", "~regex")? */
static int json_match(json_t *exp, json_t *act, char *path, char *err)
{
    size_t base = strlen(path);

    if (json_is_string(exp)) {
        const char *s = json_string_value(exp);

        if (strcmp(s, "*") == 0)
            return 0;
        if (s[0] == '~') {
            if (!json_is_string(act))
                return mismatch(err, path, exp, act);
            if (regex_match(s + 1, json_string_value(act), path, err) == 0)
                return 0;
            return err[0] != '\0' ? -1 : mismatch(err, path, exp, act);
        }
    }
    if (json_is_object(exp)) {
        const char *key;
        json_t *ev, *av;

        if (!json_is_object(act))
            return mismatch(err, path, exp, act);
        json_object_foreach(exp, key, ev)
        {
            jpath_push(path, key, 0, false);
            av = json_object_get(act, key);
            if (av == NULL) {
                char e[VALUE_MAX + 8];

                json_show(ev, e, sizeof(e));
                return errf(err, "%s: missing, expected %s", path, e);
            }
            if (json_match(ev, av, path, err) < 0)
                return -1;
            path[base] = '\0';
        }
        return 0;
    }
    if (json_is_array(exp)) {
        size_t i;

        if (!json_is_array(act))
            return mismatch(err, path, exp, act);
        if (json_array_size(exp) != json_array_size(act))
            return errf(err, "%s: expected %zu elements, got %zu", path, json_array_size(exp),
                        json_array_size(act));
        for (i = 0; i < json_array_size(exp); i++) {
            jpath_push(path, NULL, i, true);
            if (json_match(json_array_get(exp, i), json_array_get(act, i), path, err) < 0)
                return -1;
            path[base] = '\0';
        }
        return 0;
    }
    if (json_is_integer(exp) && json_is_integer(act)) {
        if (json_integer_value(exp) == json_integer_value(act))
            return 0;
        return mismatch(err, path, exp, act);
    }
    if (json_is_number(exp) && json_is_number(act)) {
        if (json_number_value(exp) == json_number_value(act))
            return 0;
        return mismatch(err, path, exp, act);
    }
    return json_equal(exp, act) ? 0 : mismatch(err, path, exp, act);
}

/* ---- running a file ----------------------------------------------------------------------- */

struct run {
    CURL *curl;
    const char *base;
    bool verbose;
    struct vars vars;
    struct buf url, tmp, body; /* scratch for one request */
    struct buf rbody, rhdrs;   /* the last response */
    bool too_big;
    long status;
    json_t *json; /* rbody parsed on first use */
    char label[256];
    char curl_err[CURL_ERROR_SIZE];
    char err[ERR_LEN];
    bool show_body; /* append the response body to the FAIL line */
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    struct run *r = ud;
    size_t n = size * nmemb;

    if (buf_add(&r->rbody, data, n) < 0) {
        r->too_big = true;
        return 0;
    }
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    struct run *r = ud;
    size_t n = size * nmemb;

    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0)
        buf_reset(&r->rhdrs); /* a new response (after 100 Continue, say) */
    if (buf_add(&r->rhdrs, data, n) < 0) {
        r->too_big = true;
        return 0;
    }
    return n;
}

/* Finds response header name (case-insensitive); sets *val and *len to its trimmed value. */
static bool resp_header(const struct run *r, const char *name, const char **val, size_t *len)
{
    const char *p = buf_str(&r->rhdrs);
    size_t nl = strlen(name);

    while (*p != '\0') {
        const char *eol = p + strcspn(p, "\r\n");

        if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;

            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            *val = v;
            *len = (size_t)(eol - v);
            while (*len > 0 && (v[*len - 1] == ' ' || v[*len - 1] == '\t'))
                (*len)--;
            return true;
        }
        p = eol + strspn(eol, "\r\n");
    }
    return false;
}

static json_t *resp_json(struct run *r)
{
    json_error_t je;

    if (r->json != NULL)
        return r->json;
    if (r->rbody.len == 0) {
        errf(r->err, "response body is empty, expected JSON");
        return NULL;
    }
    r->json = json_loadb(r->rbody.p, r->rbody.len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (r->json == NULL)
        errf(r->err, "response is not valid JSON: %s (line %d, column %d)", je.text, je.line,
             je.column);
    return r->json;
}

static int check_body(struct run *r, const struct step *st)
{
    json_t *exp = NULL, *act;
    json_error_t je;
    char path[JPATH_LEN] = "$";
    int rc = -1;

    if (subst(&r->vars, st->expect.p, st->expect.len, &r->tmp, r->err) < 0)
        goto out;
    exp = json_loadb(r->tmp.p, r->tmp.len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (exp == NULL) {
        errf(r->err, "expected body after line %d is not valid JSON: %s (body line %d)",
             st->expect_line, je.text, je.line);
        goto out;
    }
    act = resp_json(r);
    if (act == NULL)
        goto out;
    r->err[0] = '\0';
    rc = json_match(exp, act, path, r->err);
out:
    json_decref(exp);
    return rc;
}

static int check_header(struct run *r, const struct check *ck)
{
    const char *v;
    size_t n, el;
    bool ok;

    if (subst(&r->vars, ck->arg, strlen(ck->arg), &r->tmp, r->err) < 0)
        return -1;
    if (!resp_header(r, ck->name, &v, &n))
        return errf(r->err, "header %s: missing, expected \"%.100s\"", ck->name, r->tmp.p);
    el = r->tmp.len;
    if (strcmp(r->tmp.p, "*") == 0) {
        ok = true;
    } else if (r->tmp.p[0] == '~') {
        char *val = xstrndup(v, n);

        r->err[0] = '\0';
        ok = regex_match(r->tmp.p + 1, val, ck->name, r->err) == 0;
        free(val);
        if (r->err[0] != '\0')
            return -1;
    } else if (strcasecmp(ck->name, "Content-Type") == 0) {
        /* media type prefix: "application/json" matches "application/json; charset=utf-8" */
        ok = n >= el && strncasecmp(v, r->tmp.p, el) == 0 &&
             (n == el || v[el] == ';' || v[el] == ' ');
    } else {
        ok = n == el && memcmp(v, r->tmp.p, n) == 0;
    }
    if (!ok)
        return errf(r->err, "header %s: expected \"%.100s\", got \"%.*s\"", ck->name, r->tmp.p,
                    (int)(n < 100 ? n : 100), v);
    return 0;
}

/* The raw response body (up to a NUL byte) matches, or must not match, a POSIX ERE; ^ and $
 * match at every line. For bodies that are not JSON, such as CSV downloads. */
static int check_text(struct run *r, const struct check *ck)
{
    regex_t re;
    char msg[128];
    int rc;
    bool want = ck->kind == CK_TEXT;

    if (subst(&r->vars, ck->arg, strlen(ck->arg), &r->tmp, r->err) < 0)
        return -1;
    rc = regcomp(&re, r->tmp.p, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
    if (rc != 0) {
        regerror(rc, &re, msg, sizeof(msg));
        return errf(r->err, "line %d: bad regex \"%.60s\": %s", ck->line, r->tmp.p, msg);
    }
    rc = regexec(&re, buf_str(&r->rbody), 0, NULL, 0);
    regfree(&re);
    if ((rc == 0) != want)
        return errf(r->err, "%s: the body %s /%.100s/", want ? "expect-text" : "expect-no-text",
                    want ? "does not match" : "matches", r->tmp.p);
    return 0;
}

static int check_count(struct run *r, const struct check *ck)
{
    json_t *root, *v;
    char a[VALUE_MAX + 8];
    long n;

    if (subst(&r->vars, ck->arg, strlen(ck->arg), &r->tmp, r->err) < 0)
        return -1;
    if (parse_num(r->tmp.p, 0, LONG_MAX, &n) < 0)
        return errf(r->err, "expect-count %s: \"%.40s\" is not a count", ck->name, r->tmp.p);
    root = resp_json(r);
    if (root == NULL)
        return -1;
    v = json_at(root, ck->name);
    if (v == NULL)
        return errf(r->err, "expect-count %s: no value at this path", ck->name);
    if (!json_is_array(v)) {
        json_show(v, a, sizeof(a));
        return errf(r->err, "expect-count %s: not an array: %s", ck->name, a);
    }
    if (json_array_size(v) != (size_t)n)
        return errf(r->err, "expect-count %s: expected %ld elements, got %zu", ck->name, n,
                    json_array_size(v));
    return 0;
}

/* expect-includes: each expected element matches (as an expected body does) some element of
 * the array at the path, in any order, the array holding others besides; expect-excludes: no
 * element of the array matches any of them. */
static int check_elements(struct run *r, const struct check *ck)
{
    const char *kw = ck->kind == CK_INCLUDES ? "expect-includes" : "expect-excludes";
    json_t *exp = NULL, *root, *arr, *x, *y;
    json_error_t je;
    char path[JPATH_LEN], shown[VALUE_MAX + 8];
    size_t i, j;
    int rc = -1;

    if (subst(&r->vars, ck->body.p, ck->body.len, &r->tmp, r->err) < 0)
        return -1;
    exp = json_loadb(r->tmp.p, r->tmp.len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (!json_is_array(exp)) {
        errf(r->err, "line %d: %s needs a JSON array after it%s%s", ck->line, kw,
             exp == NULL ? ": " : "", exp == NULL ? je.text : "");
        goto out;
    }
    if ((root = resp_json(r)) == NULL)
        goto out;
    arr = json_at(root, ck->name);
    if (!json_is_array(arr)) {
        errf(r->err, "%s %s: no array at this path", kw, ck->name);
        goto out;
    }
    json_array_foreach(exp, i, x)
    {
        bool found = false;

        json_array_foreach(arr, j, y)
        {
            snprintf(path, sizeof(path), "$");
            r->err[0] = '\0';
            if (json_match(x, y, path, r->err) == 0) {
                found = true;
                break;
            }
        }
        r->err[0] = '\0';
        if (found != (ck->kind == CK_INCLUDES)) {
            json_show(x, shown, sizeof(shown));
            errf(r->err, "%s %s: %s element matches %s", kw, ck->name, found ? "an" : "no", shown);
            goto out;
        }
    }
    rc = 0;
out:
    json_decref(exp);
    return rc;
}

static int capture(struct run *r, const struct check *ck)
{
    json_t *root = resp_json(r), *v;
    char num[64], a[VALUE_MAX + 8];
    const char *s;

    if (root == NULL)
        return -1;
    v = json_at(root, ck->arg);
    if (v == NULL)
        return errf(r->err, "capture %s=%s: no value at this path", ck->name, ck->arg);
    if (json_is_string(v)) {
        s = json_string_value(v);
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        s = num;
    } else if (json_is_real(v)) {
        snprintf(num, sizeof(num), "%.17g", json_real_value(v));
        s = num;
    } else if (json_is_boolean(v)) {
        s = json_is_true(v) ? "true" : "false";
    } else {
        json_show(v, a, sizeof(a));
        return errf(r->err, "capture %s=%s: not a string or number: %s", ck->name, ck->arg, a);
    }
    vars_set(&r->vars, ck->name, strlen(ck->name), s);
    return 0;
}

static struct curl_slist *hdr_add(struct curl_slist *list, const char *line)
{
    struct curl_slist *l = curl_slist_append(list, line);

    if (l == NULL) {
        fputs("api-runner: out of memory\n", stderr);
        abort();
    }
    return l;
}

static void verbose_request(const struct run *r, const struct curl_slist *hl)
{
    fprintf(stderr, "> %s\n", r->label);
    for (; hl != NULL; hl = hl->next)
        fprintf(stderr, "> %s\n", hl->data);
    if (r->body.len > 0) {
        fputs("> ", stderr);
        print_snip(stderr, r->body.p, r->body.len, SNIP_MAX);
        fputc('\n', stderr);
    }
}

static void verbose_response(const struct run *r)
{
    const char *p = buf_str(&r->rhdrs);
    double t = 0;

    curl_easy_getinfo(r->curl, CURLINFO_TOTAL_TIME, &t);
    fprintf(stderr, "< %ld (%.1f ms)\n", r->status, t * 1000.0);
    while (*p != '\0') {
        size_t n = strcspn(p, "\r\n");

        if (n > 0)
            fprintf(stderr, "< %.*s\n", (int)n, p);
        p += n + strspn(p + n, "\r\n");
    }
    fputs("< ", stderr);
    print_snip(stderr, buf_str(&r->rbody), r->rbody.len, SNIP_MAX);
    fputc('\n', stderr);
}

/* A JSON document of exactly size (>= 8) bytes: {"x":"aaa..."}. */
static int body_fill(struct buf *b, size_t size)
{
    char a[4096];
    size_t fill = size - 8, n;

    memset(a, 'a', sizeof(a));
    if (buf_addstr(b, "{\"x\":\"") < 0)
        return -1;
    for (; fill > 0; fill -= n) {
        n = fill < sizeof(a) ? fill : sizeof(a);
        if (buf_add(b, a, n) < 0)
            return -1;
    }
    return buf_addstr(b, "\"}");
}

/* Performs one request of st and runs its checks. On failure r->err says why. */
static int run_step(struct run *r, const struct step *st)
{
    struct curl_slist *hl = NULL;
    bool has_ct = false, has_expect = false, has_lang = false, has_body, fields;
    const char *m = st->method;
    CURLcode cc;
    size_t i;
    int rc = -1;

    r->show_body = false;
    r->too_big = false;
    r->status = 0;
    buf_reset(&r->rbody);
    buf_reset(&r->rhdrs);
    json_decref(r->json);
    r->json = NULL;

    snprintf(r->label, sizeof(r->label), "%s %s", m, st->path);
    if (subst(&r->vars, st->path, strlen(st->path), &r->tmp, r->err) < 0)
        goto out;
    snprintf(r->label, sizeof(r->label), "%s %s", m, r->tmp.p);
    buf_reset(&r->url);
    if (buf_addstr(&r->url, r->base) < 0 || buf_add(&r->url, r->tmp.p, r->tmp.len) < 0) {
        errf(r->err, "URL too long");
        goto out;
    }

    for (i = 0; i < st->nhdrs; i++) {
        if (subst(&r->vars, st->hdrs[i], strlen(st->hdrs[i]), &r->tmp, r->err) < 0)
            goto out;
        has_ct = has_ct || header_is(r->tmp.p, "Content-Type");
        has_expect = has_expect || header_is(r->tmp.p, "Expect");
        has_lang = has_lang || header_is(r->tmp.p, "Accept-Language");
        hl = hdr_add(hl, r->tmp.p);
    }

    buf_reset(&r->body);
    if (st->body_size >= 0) {
        if (body_fill(&r->body, (size_t)st->body_size) < 0) {
            errf(r->err, "body-size too large");
            goto out;
        }
    } else if (st->body.len > 0) {
        if (subst(&r->vars, st->body.p, st->body.len, &r->body, r->err) < 0)
            goto out;
    }
    has_body = r->body.len > 0;

    /* POST/PUT/PATCH always carry a Content-Length, other methods only with a body */
    fields = strcmp(m, "HEAD") != 0 && (has_body || strcmp(m, "POST") == 0 ||
                                        strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0);
    if (fields && !has_ct)
        hl = hdr_add(hl, has_body ? "Content-Type: application/json" : "Content-Type:");
    if (!has_expect)
        hl = hdr_add(hl, "Expect:");
    /* the server answers errors in Chinese by default: files check the English messages unless
     * they name a language ("Accept-Language:" alone sends none) */
    if (!has_lang)
        hl = hdr_add(hl, "Accept-Language: en");

    curl_easy_setopt(r->curl, CURLOPT_URL, r->url.p);
    curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(r->curl, CURLOPT_NOBODY, 0L);
    curl_easy_setopt(r->curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(r->curl, CURLOPT_CUSTOMREQUEST, NULL);
    if (strcmp(m, "HEAD") == 0) {
        curl_easy_setopt(r->curl, CURLOPT_NOBODY, 1L);
    } else if (fields) {
        curl_easy_setopt(r->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body.len);
        curl_easy_setopt(r->curl, CURLOPT_POSTFIELDS, buf_str(&r->body));
        if (strcmp(m, "POST") != 0)
            curl_easy_setopt(r->curl, CURLOPT_CUSTOMREQUEST, m);
    } else if (strcmp(m, "GET") != 0) {
        curl_easy_setopt(r->curl, CURLOPT_CUSTOMREQUEST, m);
    }
    if (r->verbose)
        verbose_request(r, hl);

    r->curl_err[0] = '\0';
    cc = curl_easy_perform(r->curl);
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &r->status);
    if (r->verbose)
        verbose_response(r);
    if (cc != CURLE_OK) {
        if (r->too_big) {
            errf(r->err, "response larger than %zu bytes", RESP_MAX);
            goto out;
        }
        /* a server may answer (e.g. 413) and close before reading the whole body */
        if (!(cc == CURLE_SEND_ERROR && r->status > 0)) {
            errf(r->err, "request failed: %s",
                 r->curl_err[0] != '\0' ? r->curl_err : curl_easy_strerror(cc));
            goto out;
        }
        if (r->verbose)
            fprintf(stderr, "* response arrived before the body was sent: %s\n", r->curl_err);
    }

    r->show_body = true;
    if (r->status != st->status) {
        errf(r->err, "expected status %d, got %ld", st->status, r->status);
        goto out;
    }
    if (st->expect.len > 0 && check_body(r, st) < 0)
        goto out;
    for (i = 0; i < st->nchecks; i++) {
        const struct check *ck = &st->checks[i];
        int crc = 0;

        if (ck->kind == CK_HEADER)
            crc = check_header(r, ck);
        else if (ck->kind == CK_COUNT)
            crc = check_count(r, ck);
        else if (ck->kind == CK_TEXT || ck->kind == CK_NOTEXT)
            crc = check_text(r, ck);
        else if (ck->kind == CK_INCLUDES || ck->kind == CK_EXCLUDES)
            crc = check_elements(r, ck);
        else
            crc = capture(r, ck);
        if (crc < 0)
            goto out;
    }
    rc = 0;
out:
    curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hl);
    return rc;
}

static int read_file(const char *name, struct buf *b, char *err)
{
    FILE *f = fopen(name, "rb");
    char chunk[65536];
    size_t n;
    int rc = -1;

    if (f == NULL)
        return errf(err, "cannot open: %s", strerror(errno));
    if (buf_add(b, "", 0) < 0)
        goto out;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (buf_add(b, chunk, n) < 0) {
            errf(err, "file larger than %zu bytes", b->max);
            goto out;
        }
    }
    if (ferror(f)) {
        errf(err, "read error");
        goto out;
    }
    rc = 0;
out:
    fclose(f);
    return rc;
}

static void run_init(struct run *r, const char *base, bool verbose)
{
    memset(r, 0, sizeof(*r));
    r->base = base;
    r->verbose = verbose;
    buf_init(&r->url, 65536);
    buf_init(&r->tmp, REQ_MAX);
    buf_init(&r->body, REQ_MAX);
    buf_init(&r->rbody, RESP_MAX);
    buf_init(&r->rhdrs, HDRS_MAX);
}

static void run_free(struct run *r)
{
    if (r->curl != NULL)
        curl_easy_cleanup(r->curl);
    json_decref(r->json);
    vars_free(&r->vars);
    buf_free(&r->url);
    buf_free(&r->tmp);
    buf_free(&r->body);
    buf_free(&r->rbody);
    buf_free(&r->rhdrs);
}

static CURL *curl_new(struct run *r)
{
    CURL *c = curl_easy_init();

    if (c == NULL)
        return NULL;
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->curl_err);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L); /* send "/../" and friends untouched */
    curl_easy_setopt(c, CURLOPT_PROXY, "");      /* ignore http_proxy in the environment */
    curl_easy_setopt(c, CURLOPT_USERAGENT, "gridgov-api-runner/1");
    return c;
}

/* Runs one file and prints its result line; returns 0 if it passed. */
static int run_file(const char *name, const char *base, const struct vars *globals, bool verbose)
{
    const char *shown = strrchr(name, '/') != NULL ? strrchr(name, '/') + 1 : name;
    struct script sc = {0};
    struct buf text;
    struct run r;
    size_t i = 0;
    long it = 0;
    int rc = -1;

    run_init(&r, base, verbose);
    buf_init(&text, FILE_MAX);
    if (verbose)
        fprintf(stderr, "== %s\n", name);
    if (read_file(name, &text, r.err) < 0 || parse_script(text.p, text.len, &sc, r.err) < 0) {
        printf("FAIL %s: %s\n", shown, r.err);
        goto out;
    }
    vars_copy(&r.vars, globals);
    r.curl = curl_new(&r);
    if (r.curl == NULL) {
        printf("FAIL %s: curl_easy_init failed\n", shown);
        goto out;
    }
    for (i = 0; i < sc.nsteps; i++) {
        for (it = 0; it < sc.steps[i].repeat; it++) {
            if (run_step(&r, &sc.steps[i]) < 0)
                goto fail;
        }
    }
    printf("ok   %s\n", shown);
    rc = 0;
    goto out;
fail:
    printf("FAIL %s: step %zu (%s)", shown, i + 1, r.label);
    if (sc.steps[i].repeat > 1)
        printf(" [repeat %ld of %ld]", it + 1, sc.steps[i].repeat);
    printf(": %s", r.err);
    if (r.show_body) {
        fputs("; body: ", stdout);
        print_snip(stdout, buf_str(&r.rbody), r.rbody.len, SNIP_MAX);
    }
    putchar('\n');
out:
    fflush(stdout);
    script_free(&sc);
    buf_free(&text);
    run_free(&r);
    return rc;
}

static void usage(void)
{
    fputs("usage: api-runner --base http://HOST:PORT [--var NAME=VALUE]... [--verbose] FILE...\n",
          stderr);
}

int main(int argc, char **argv)
{
    struct vars globals = {0};
    const char *base = NULL;
    char *base_copy = NULL;
    const char **files = NULL;
    size_t nfiles = 0, i, failed = 0;
    bool verbose = false, opts = true;
    int rc = 2;

    files = xrealloc(NULL, (size_t)argc * sizeof(*files));
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];

        if (opts && strcmp(arg, "--") == 0) {
            opts = false;
        } else if (opts && strcmp(arg, "--base") == 0 && a + 1 < argc) {
            base = argv[++a];
        } else if (opts && strcmp(arg, "--var") == 0 && a + 1 < argc) {
            const char *v = argv[++a];
            const char *eq = strchr(v, '=');

            if (eq == NULL || !is_name(v, (size_t)(eq - v))) {
                fprintf(stderr, "api-runner: bad --var \"%s\", want NAME=VALUE\n", v);
                goto out;
            }
            vars_set(&globals, v, (size_t)(eq - v), eq + 1);
        } else if (opts && (strcmp(arg, "--verbose") == 0 || strcmp(arg, "-v") == 0)) {
            verbose = true;
        } else if (opts && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
            usage();
            goto out;
        } else if (opts && arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr, "api-runner: unknown or incomplete option \"%s\"\n", arg);
            usage();
            goto out;
        } else {
            files[nfiles++] = arg;
        }
    }
    if (base == NULL || nfiles == 0) {
        usage();
        goto out;
    }
    if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) {
        fprintf(stderr, "api-runner: --base must be an http:// or https:// URL\n");
        goto out;
    }
    base_copy = xstrdup(base);
    for (size_t n = strlen(base_copy); n > 0 && base_copy[n - 1] == '/'; n--)
        base_copy[n - 1] = '\0';

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("api-runner: curl_global_init failed\n", stderr);
        rc = 1;
        goto out;
    }
    for (i = 0; i < nfiles; i++)
        if (run_file(files[i], base_copy, &globals, verbose) < 0)
            failed++;
    printf("%zu passed, %zu failed\n", nfiles - failed, failed);
    curl_global_cleanup();
    rc = failed == 0 ? 0 : 1;
out:
    free(base_copy);
    free(files);
    vars_free(&globals);
    return rc;
}
