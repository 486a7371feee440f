/* registry_io.c - CSV import and CSV/XLSX export of any registry, as a district clerk's Excel
 * habits need: headers by field name or Chinese label, UTF-8 or GBK in, a dry run that checks
 * every row as a real run would and stores nothing, all rows or only the valid ones in one
 * transaction; out as UTF-8 CSV with a BOM or as a workbook, masked unless the caller may and
 * says why. */
#include "core/csv.h"
#include "core/util.h"
#include "core/sheet.h"
#include "domain/registry.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define COL_IGNORED (-2) /* a column the import reads past: the key, derived values */

struct import_job {
    struct reg_ctx *c;
    const struct registry *r;
    struct csv_reader *csv;
    unsigned how;
    const struct reg_defaults *defaults;
    struct reg_import_report *rep;
    reg_progress_fn progress;
    void *progress_arg;
    int dry_done; /* the dry run checked every row: roll back, report success */
};

static const char *header_trim(struct arena *a, const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '*'))
        n--;
    return arena_strndup(a, s, n);
}

static void add_error(struct reg_import_report *rep, struct arena *a, long row, const char *column,
                      const char *field, const char *msg)
{
    rep->error_count++;
    if (rep->nerrors == REG_IMPORT_MAX_ERRORS)
        return;
    struct reg_import_error *x = &rep->errors[rep->nerrors++];
    x->row = row;
    x->column = column ? arena_strdup(a, column) : NULL;
    x->field = field ? arena_strdup(a, field) : NULL;
    x->message = arena_strdup(a, msg);
}

/* Map each header to a field (by name, or by its Chinese or English label). */
static int map_header(struct import_job *j, const struct csv_row *h, int *map, struct err *e)
{
    const struct registry *r = j->r;
    struct arena *a = j->c->a;
    int bad = 0;
    for (int k = 0; k < h->n; k++) {
        const char *name = header_trim(a, h->f[k]);
        map[k] = -1;
        if (strcasecmp(name, r->key) == 0 || strcmp(name, "编号") == 0) {
            map[k] = COL_IGNORED;
            continue;
        }
        for (int i = 0; i < r->nfields && map[k] == -1; i++) {
            const struct reg_field *f = &r->fields[i];
            if (strcasecmp(name, f->name) == 0 || strcmp(name, f->label) == 0 ||
                strcasecmp(name, f->label_en) == 0)
                map[k] = (f->flags & (F_READONLY | F_NOCSV)) ? COL_IGNORED : i;
        }
        for (int p = 0; p < k && map[k] >= 0; p++) {
            if (map[p] == map[k]) {
                add_error(j->rep, a, h->line, name, r->fields[map[k]].name, "列重复");
                bad = 1;
            }
        }
        if (map[k] == -1 && *name != '\0') {
            add_error(j->rep, a, h->line, name, NULL,
                      arena_printf(a, "未知的列“%.40s”（%s的列：字段名或中文名）", name, r->label));
            bad = 1;
        }
    }
    for (int i = 0; i < r->nfields; i++) {
        const struct reg_field *f = &r->fields[i];
        int found = 0;
        for (int k = 0; k < h->n; k++)
            found |= map[k] == i;
        for (int k = 0; j->defaults != NULL && k < j->defaults->n; k++)
            found |= strcmp(j->defaults->names[k], f->name) == 0;
        if ((f->flags & F_REQ) && !(f->flags & F_READONLY) && f->dflt == NULL && !found) {
            add_error(j->rep, a, h->line, f->label, f->name,
                      arena_printf(a, "缺少必填列“%s”", f->label));
            bad = 1;
        }
    }
    return bad ? err_set(e, ERR_INVALID, NULL, "the header row of the file is not right") : ERR_OK;
}

/* A list cell ("志愿者;独居老人", also split on ，、,) as a JSON array. */
static const char *list_cell(struct arena *a, const char *s)
{
    json_t *arr = json_array();
    char *copy = arena_strdup(a, s), *save = NULL;
    /* the separators, ASCII and full-width */
    for (char *p = copy; *p; p++) {
        if (*p == ',')
            *p = ';';
    }
    static const char *const wide[] = {"，", "、", "；"};
    for (size_t w = 0; w < ARRAY_LEN(wide); w++) {
        char *hit;
        while ((hit = strstr(copy, wide[w])) != NULL) {
            *hit = ';';
            memmove(hit + 1, hit + strlen(wide[w]), strlen(hit + strlen(wide[w])) + 1);
        }
    }
    for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        while (*t == ' ')
            t++;
        size_t n = strlen(t);
        while (n > 0 && t[n - 1] == ' ')
            t[--n] = '\0';
        if (n > 0)
            json_array_append_new(arr, json_string(t));
    }
    char *out = json_dumps(arr, JSON_COMPACT);
    const char *res = arena_strdup(a, out ? out : "[]");
    free(out);
    json_decref(arr);
    return res;
}

static int import_fn(struct db *db, void *arg, struct err *e)
{
    struct import_job *j = arg;
    const struct registry *r = j->r;
    struct reg_import_report *rep = j->rep;
    struct csv_row row;
    int map[CSV_MAX_FIELDS];
    const char *headers[CSV_MAX_FIELDS];
    int rc = csv_next(j->csv, &row, e);

    if (rc <= 0)
        return rc == 0 ? err_set(e, ERR_INVALID, "file", "the file has no header row") : rc;
    if (map_header(j, &row, map, e) != ERR_OK)
        return e->code;
    for (int k = 0; k < row.n; k++)
        headers[k] = arena_strdup(j->c->a, header_trim(j->c->a, row.f[k]));
    int ncols = row.n;
    /* a row's statements need a savepoint only where a failed statement spoils the
     * transaction (PostgreSQL) or a row writes more than one statement (link tables) */
    int savepoints = strcmp(db_backend(db), "sqlite") != 0;
    for (int i = 0; i < r->nfields; i++)
        savepoints |= r->fields[i].type == FT_CODES;
    struct arena scratch;
    struct reg_cache cache = {0};
    int64_t first_id = 0;
    arena_init(&scratch, 0);
    while ((rc = csv_next(j->csv, &row, e)) == 1) {
        struct reg_ctx c = *j->c;
        struct reg_rec rec;
        struct err re = {0};
        arena_reset(&scratch);
        c.a = &scratch;
        c.cache = &cache;
        rep->rows++;
        reg_rec_init(r, &scratch, &rec);
        for (int k = 0; k < row.n && k < ncols; k++) {
            int i = map[k];
            const char *v = row.f[k];
            if (i < 0 || v[strspn(v, " \t")] == '\0')
                continue;
            enum fld_type t = r->fields[i].type;
            rec.v[i] =
                t == FT_TAGS || t == FT_CODES ? list_cell(&scratch, v) : arena_strdup(&scratch, v);
            rec.given[i] = 1;
        }
        for (int k = 0; j->defaults != NULL && k < j->defaults->n; k++) {
            int i = registry_field_index(r, j->defaults->names[k]);
            if (i >= 0 && !rec.given[i]) {
                rec.v[i] = j->defaults->values[k];
                rec.given[i] = 1;
            }
        }
        int ok = row.n <= ncols;
        if (!ok)
            add_error(rep, j->c->a, row.line, NULL, NULL,
                      arena_printf(&scratch, "该行有 %d 列，多于表头的 %d 列", row.n, ncols));
        if (ok && reg_check(r, &scratch, &rec, 1, &re) == ERR_OK) {
            if (savepoints)
                db_exec(db, &re, "SAVEPOINT reg_row", DB_NOARGS);
            c.run_first_id = first_id;
            if (reg_insert(db, &c, r, &rec, &re) == ERR_OK) {
                if (first_id == 0)
                    first_id = rec.id;
                if (savepoints)
                    db_exec(db, &re, "RELEASE SAVEPOINT reg_row", DB_NOARGS);
                rep->valid++;
            } else {
                struct err ignore = {0};
                if (savepoints) {
                    db_exec(db, &ignore, "ROLLBACK TO SAVEPOINT reg_row", DB_NOARGS);
                    db_exec(db, &ignore, "RELEASE SAVEPOINT reg_row", DB_NOARGS);
                }
                ok = 0;
            }
        } else {
            ok = 0;
        }
        if (!ok && re.code != ERR_OK) {
            const char *column = NULL;
            for (int k = 0; k < ncols && re.field[0]; k++) {
                if (map[k] >= 0 && strcmp(r->fields[map[k]].name, re.field) == 0)
                    column = headers[k];
            }
            if (re.code == ERR_STORE || re.code == ERR_INTERNAL) {
                arena_free(&scratch);
                *e = re;
                return re.code;
            }
            add_error(rep, j->c->a, row.line, column, re.field[0] ? re.field : NULL, re.msg);
        }
        if (j->progress && rep->rows % 1000 == 0)
            j->progress(j->progress_arg, rep->rows, csv_bytes_read(j->csv));
    }
    arena_free(&scratch);
    if (rc < 0) {
        add_error(rep, j->c->a, 0, NULL, NULL, e->msg);
        return rc;
    }
    if (j->progress)
        j->progress(j->progress_arg, rep->rows, -1); /* the end */
    if (rep->error_count > 0 && !(j->how & IMPORT_VALID_ONLY))
        return err_set(e, ERR_INVALID, NULL, "%ld of %ld rows are not valid: nothing was stored",
                       rep->error_count, rep->rows);
    if (j->how & IMPORT_DRY_RUN) {
        j->dry_done = 1;
        return err_set(e, ERR_INVALID, NULL, "dry run");
    }
    rep->stored = rep->valid;
    return ERR_OK;
}

int reg_import(struct store *s, struct reg_ctx *c, const struct registry *r, struct csv_reader *csv,
               unsigned how, const struct reg_defaults *defaults, struct reg_import_report *rep,
               reg_progress_fn progress, void *progress_arg, struct err *e)
{
    memset(rep, 0, sizeof(*rep));
    struct import_job j = {c, r, csv, how, defaults, rep, progress, progress_arg, 0};
    rep->errors = arena_alloc(c->a, sizeof(struct reg_import_error) * REG_IMPORT_MAX_ERRORS);
    int rc = store_write(s, import_fn, &j, e);
    rep->encoding = csv_encoding(csv); /* known for sure once the rows were read */
    if (j.dry_done) {
        memset(e, 0, sizeof(*e));
        return ERR_OK;
    }
    if (rc != ERR_OK)
        rep->stored = 0;
    if (rc == ERR_INVALID && (how & IMPORT_DRY_RUN) && rep->rows > 0) {
        /* a dry run reports bad rows; it is not itself a failure */
        memset(e, 0, sizeof(*e));
        return ERR_OK;
    }
    return rc;
}

void reg_write_report(struct jsonw *w, const struct reg_import_report *rep, int dry_run)
{
    jw_obj(w);
    jw_kint(w, "rows", rep->rows);
    jw_kint(w, "valid", rep->valid);
    jw_kint(w, "stored", rep->stored);
    jw_kint(w, "error_count", rep->error_count);
    jw_key(w, "dry_run");
    jw_bool(w, dry_run);
    jw_kstr(w, "encoding", rep->encoding);
    jw_key(w, "errors");
    jw_arr(w);
    for (int i = 0; i < rep->nerrors; i++) {
        const struct reg_import_error *x = &rep->errors[i];
        jw_obj(w);
        jw_kint(w, "row", x->row);
        jw_kstr(w, "column", x->column);
        jw_kstr(w, "field", x->field);
        jw_kstr(w, "message", x->message);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
}

/* ---- export ---- */

static int export_audit_fn(struct db *db, void *arg, struct err *e)
{
    struct reg_ctx *c = ((struct reg_ctx **)arg)[0];
    const struct registry *r = ((const struct registry **)arg)[1];
    struct reg_rec all = {.key = "*"};
    return reg_audit_unmasked(db, c, r, &all, 1, "pii.export", e);
}

int reg_export(struct store *s, struct reg_ctx *c, const struct registry *r, const char *place,
               enum sheet_fmt fmt, const char *path, long *rows, struct err *e)
{
    struct sheet *o;
    const char **cells = arena_alloc(c->a, sizeof(char *) * (size_t)(r->nfields + 1));
    struct reg_query q = {.place = place, .limit = 1000, .all_scope = c->user == NULL};
    int rc = ERR_OK, n;

    *rows = 0;
    if (c->unmask) {
        /* the export is logged before a byte of it is written */
        const void *arg[2] = {c, r};
        if ((rc = store_write(s, export_audit_fn, (void *)arg, e)) != ERR_OK)
            return rc;
    }
    if ((o = sheet_open(fmt, path, r->label, e)) == NULL)
        return e->code;
    n = 0;
    if (!r->key_text) /* a text key is a field of its own */
        cells[n++] = "编号";
    for (int i = 0; i < r->nfields; i++)
        cells[n++] = r->fields[i].label;
    rc = sheet_row(o, cells, n, 1, e);
    struct db *db = store_acquire(s);
    while (rc == ERR_OK) {
        struct arena page;
        struct reg_ctx pc = *c;
        struct reg_rec *recs;
        const char *next;
        int m;
        arena_init(&page, 0);
        pc.a = &page;
        rc = reg_list(db, &pc, r, &q, &recs, &m, &next, e);
        for (int k = 0; k < m && rc == ERR_OK; k++) {
            n = 0;
            if (!r->key_text)
                cells[n++] = recs[k].key;
            for (int i = 0; i < r->nfields; i++)
                cells[n++] = reg_value_text(&pc, r, i, &recs[k]);
            rc = sheet_row(o, cells, n, 0, e);
            (*rows)++;
        }
        q.cursor = next ? arena_strdup(c->a, next) : NULL;
        arena_free(&page);
        if (next == NULL)
            break;
    }
    store_release(s, db);
    return sheet_close(o, rc, e);
}
