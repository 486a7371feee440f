/* divisions.c - NBS division CSV import: parse, filter by prefix, upsert in one transaction. */
#include "domain/divisions.h"
#include "domain/place.h"
#include "domain/grid_counters.h"
#include "core/embed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct division {
    char code[16];
    char name[96];
};

struct import_ctx {
    struct division *rows;
    int n;
    struct division_counts *counts;
};

/* Read one CSV field (RFC 4180 quotes) into out; returns a pointer past the field. */
static const char *csv_field(const char *p, const char *end, char *out, size_t outlen)
{
    size_t n = 0;
    if (p < end && *p == '"') {
        p++;
        while (p < end) {
            if (*p == '"') {
                if (p + 1 < end && p[1] == '"') {
                    if (n + 1 < outlen)
                        out[n++] = '"';
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            if (n + 1 < outlen)
                out[n++] = *p;
            p++;
        }
        while (p < end && *p != ',' && *p != '\n')
            p++;
    } else {
        while (p < end && *p != ',' && *p != '\n' && *p != '\r') {
            if (n + 1 < outlen)
                out[n++] = *p;
            p++;
        }
        while (p < end && *p == '\r')
            p++;
    }
    out[n] = '\0';
    return p;
}

static int by_length_then_code(const void *a, const void *b)
{
    const struct division *x = a, *y = b;
    size_t lx = strlen(x->code), ly = strlen(y->code);
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return strcmp(x->code, y->code);
}

static int import_fn(struct db *db, void *arg, struct err *e)
{
    struct import_ctx *c = arg;
    struct arena a;
    int rc = ERR_OK;
    int64_t now = time(NULL);

    arena_init(&a, 0);
    for (int i = 0; i < c->n; i++) {
        struct division *d = &c->rows[i];
        enum place_level l = place_level_of(d->code);
        struct dbrows r;
        rc = db_query(db, &a, &r, e, "SELECT name FROM places WHERE code = ?",
                      DB_ARGS(DBS(d->code)));
        if (rc != ERR_OK)
            break;
        if (r.nrows == 1) {
            if (strcmp(dbrows_get(&r, 0, 0), d->name) == 0) {
                c->counts->unchanged++;
                continue;
            }
            rc = db_exec(db, e, "UPDATE places SET name = ?, updated_at = ? WHERE code = ?",
                         DB_ARGS(DBS(d->name), DBI(now), DBS(d->code)));
            if (rc >= 0)
                rc = place_paths_rename(db, d->code, d->name, e);
            c->counts->renamed++;
        } else {
            char parent[16] = "", county[8];
            if (l > PL_DISTRICT)
                snprintf(parent, sizeof(parent), "%.*s", (int)place_code_len(l - 1), d->code);
            snprintf(county, sizeof(county), "%.6s", d->code);
            const char *path;
            rc = db_query(db, &a, &r, e, "SELECT 1 FROM places WHERE code = ?",
                          DB_ARGS(DBS(parent)));
            if (rc != ERR_OK ||
                (rc = place_child_path(db, &a, r.nrows ? parent : NULL, &path, e)) != ERR_OK)
                break;
            rc = db_exec(db, e,
                         "INSERT INTO places (code, parent_code, level, kind, name, county, "
                         "households, created_at, updated_at, path) VALUES (?, ?, ?, ?, ?, ?, 0, "
                         "?, ?, ?)",
                         DB_ARGS(DBS(d->code), DBS(r.nrows ? parent : NULL),
                                 DBS(place_level_name(l)), DBS(place_kind_guess(l, d->name)),
                                 DBS(d->name), DBS(county), DBI(now), DBI(now), DBS(path)));
            if (rc >= 0)
                rc = grid_counted_place(db, d->code, place_level_name(l), now, e);
            c->counts->added++;
        }
        if (rc < 0)
            break;
        rc = ERR_OK;
    }
    arena_free(&a);
    return rc;
}

int divisions_import(struct store *s, const char *csv, size_t len, const char *prefix,
                     struct division_counts *out, struct err *e)
{
    const char *p = csv, *end = csv + len;
    struct import_ctx c = {0};
    int cap = 0, rc;

    memset(out, 0, sizeof(*out));
    c.counts = out;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* a UTF-8 byte order mark, as Excel writes */
    for (int lineno = 1; p < end; lineno++) {
        struct division d = {{0}};
        char rest[8];
        p = csv_field(p, end, d.code, sizeof(d.code));
        if (p < end && *p == ',')
            p = csv_field(p + 1, end, d.name, sizeof(d.name));
        else
            d.name[0] = '\0';
        while (p < end && *p != '\n')
            p = csv_field(p + 1, end, rest, sizeof(rest)); /* columns past the name */
        if (p < end)
            p++;
        if (d.code[0] == '\0' || strcmp(d.code, "code") == 0)
            continue;
        out->read++;
        if (strncmp(d.code, prefix, strlen(prefix)) != 0)
            continue;
        struct err ce;
        if (place_code_check(d.code, "code", &ce) != ERR_OK ||
            place_level_of(d.code) > PL_COMMUNITY) {
            rc = err_set(e, ERR_INVALID, "code", "line %d: '%s' is not a division code", lineno,
                         d.code);
            goto out;
        }
        if (d.name[0] == '\0') {
            rc =
                err_set(e, ERR_INVALID, "name", "line %d: division %s has no name", lineno, d.code);
            goto out;
        }
        if (c.n == cap) {
            cap = cap ? cap * 2 : 512;
            c.rows = xrealloc(c.rows, sizeof(*c.rows) * (size_t)cap);
        }
        c.rows[c.n++] = d;
        out->by_level[place_level_of(d.code)]++;
    }
    out->kept = c.n;
    if (c.n == 0) {
        rc = err_set(e, ERR_INVALID, "prefix", "no division in the file starts with %s", prefix);
        goto out;
    }
    qsort(c.rows, (size_t)c.n, sizeof(*c.rows), by_length_then_code);
    rc = store_write(s, import_fn, &c, e);
out:
    free(c.rows);
    return rc;
}

const char *divisions_builtin(size_t *len)
{
    const struct embedded_file *f = asset_find("data/divisions/330604.csv");
    if (f == NULL)
        return NULL;
    *len = f->len;
    return f->data;
}
