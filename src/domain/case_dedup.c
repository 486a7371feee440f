/* case_dedup.c - character bigrams for Chinese search and similarity, and the duplicate
 * suggestions: open cases of the same category within 50 m or in the same compound whose text
 * is similar (Dice coefficient of bigram sets). */
#include "domain/case_int.h"
#include "core/buf.h"
#include "core/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DUP_RADIUS_M 50.0
#define DUP_MIN_SIMILARITY 0.25

/* One character; anything that is not well-formed UTF-8 is one byte of U+FFFD, which counts as
 * a separator. */
static int utf8_next(const unsigned char *p, unsigned *cp)
{
    uint32_t c;
    int len = utf8_decode((const char *)p, 4, &c);
    if (len < 0) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = c;
    return len;
}

/* Letters of words: ASCII letters and digits; ideographs and other scripts' letters. */
static int is_ascii_word(unsigned cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

static int is_separator(unsigned cp)
{
    return cp < 0x80 ? !is_ascii_word(cp)
                     : (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
                           (cp >= 0xFF00 && cp <= 0xFF65) || cp == 0xFFFD || cp == 0x00B7;
}

char *case_grams(struct arena *a, const char *text)
{
    struct buf out;
    const unsigned char *p = (const unsigned char *)text;
    const unsigned char *prev = NULL; /* start of the previous ideograph in this run */
    int prev_len = 0, run = 0;
    buf_init(&out, 1 << 20);
    while (*p) {
        unsigned cp;
        int n = utf8_next(p, &cp);
        if (cp < 0x80 && is_ascii_word(cp)) {
            /* an ASCII word, lower-cased, as one term */
            if (run == 1)
                buf_printf(&out, "%s%.*s", out.len ? " " : "", prev_len, prev);
            run = 0;
            const unsigned char *w = p;
            while (*p && *p < 0x80 && is_ascii_word(*p))
                p++;
            if (out.len)
                buf_add(&out, " ", 1);
            for (const unsigned char *c = w; c < p; c++) {
                char lc = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
                buf_add(&out, &lc, 1);
            }
            continue;
        }
        if (is_separator(cp)) {
            if (run == 1) /* a lone character still counts */
                buf_printf(&out, "%s%.*s", out.len ? " " : "", prev_len, prev);
            run = 0;
            p += n;
            continue;
        }
        if (run >= 1)
            buf_printf(&out, "%s%.*s%.*s", out.len ? " " : "", prev_len, prev, n, p);
        prev = p;
        prev_len = n;
        run++;
        p += n;
    }
    if (run == 1)
        buf_printf(&out, "%s%.*s", out.len ? " " : "", prev_len, prev);
    char *s = arena_strdup(a, out.data ? out.data : "");
    buf_free(&out);
    return s;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The distinct terms of a gram string, sorted. */
static char **term_set(struct arena *a, char *grams, int *n)
{
    int cap = 1;
    for (char *c = grams; *c; c++)
        cap += *c == ' ';
    char **t = arena_alloc(a, sizeof(char *) * (size_t)cap);
    int k = 0;
    char *save = NULL;
    for (char *w = strtok_r(grams, " ", &save); w; w = strtok_r(NULL, " ", &save))
        t[k++] = w;
    qsort(t, (size_t)k, sizeof(char *), cmp_str);
    int m = 0;
    for (int i = 0; i < k; i++) {
        if (m == 0 || strcmp(t[m - 1], t[i]) != 0)
            t[m++] = t[i];
    }
    *n = m;
    return t;
}

double case_similarity(const char *x, const char *y)
{
    struct arena a;
    int nx, ny, common = 0;
    arena_init(&a, 0);
    char **tx = term_set(&a, case_grams(&a, x), &nx);
    char **ty = term_set(&a, case_grams(&a, y), &ny);
    for (int i = 0, j = 0; i < nx && j < ny;) {
        int c = strcmp(tx[i], ty[j]);
        if (c == 0) {
            common++;
            i++;
            j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    arena_free(&a);
    return nx + ny ? 2.0 * common / (nx + ny) : 0.0;
}

static double distance_m(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371000.0, rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double h = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(h));
}

int case_duplicates(struct db *db, struct arena *a, const struct case_rec *cs, const struct user *u,
                    json_t **out, struct err *e)
{
    struct dbrows r;
    double dlat = DUP_RADIUS_M / 111320.0;
    double dlon = cs->has_point ? dlat / cos(cs->lat * M_PI / 180.0) : 0;
    int rc = db_query(
        db, a, &r, e,
        "SELECT id, case_no, description, lat, lon, coalesce(compound_id, 0), status, place_code, "
        "department_code FROM cases "
        "WHERE category_code = ? AND id <> ? AND status IN ('submitted', 'accepted', "
        "'dispatched', 'in_progress', 'resolved', 'verified') AND (compound_id = ? OR (lat "
        "BETWEEN ? AND ? AND lon BETWEEN ? AND ?)) ORDER BY id DESC LIMIT 200",
        DB_ARGS(DBS(cs->category), DBI(cs->id), DBI(cs->compound_id ? cs->compound_id : -1),
                DBR(cs->has_point ? cs->lat - dlat : 1000), DBR(cs->lat + dlat),
                DBR(cs->lon - dlon), DBR(cs->lon + dlon)));
    if (rc != ERR_OK)
        return rc;
    *out = json_array();
    for (int i = 0; i < r.nrows; i++) {
        struct target t = {.place = dbrows_get(&r, i, 7),
                           .compound = dbrows_int(&r, i, 5),
                           .dept = dbrows_get(&r, i, 8)};
        if (!authz_allow(u, PERM_CASE_READ, &t))
            continue;
        int same_compound = cs->compound_id && dbrows_int(&r, i, 5) == cs->compound_id;
        double d = -1;
        if (cs->has_point && dbrows_get(&r, i, 3) && dbrows_get(&r, i, 4))
            d = distance_m(cs->lat, cs->lon, strtod(dbrows_get(&r, i, 3), NULL),
                           strtod(dbrows_get(&r, i, 4), NULL));
        if (!same_compound && (d < 0 || d > DUP_RADIUS_M))
            continue;
        double sim = case_similarity(cs->description, dbrows_get(&r, i, 2));
        if (sim < DUP_MIN_SIMILARITY)
            continue;
        json_t *j =
            json_pack("{s:I, s:s, s:s, s:s, s:f, s:b}", "id", (json_int_t)dbrows_int(&r, i, 0),
                      "case_no", dbrows_get(&r, i, 1), "description", dbrows_get(&r, i, 2),
                      "status", dbrows_get(&r, i, 6), "similarity", floor(sim * 100 + 0.5) / 100,
                      "same_compound", same_compound);
        json_object_set_new(j, "distance_m",
                            d >= 0 ? json_integer((json_int_t)(d + 0.5)) : json_null());
        json_array_append_new(*out, j);
    }
    return ERR_OK;
}
