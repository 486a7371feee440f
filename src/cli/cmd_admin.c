/* cmd_admin.c - `gridgov init`, `gridgov import divisions` and `gridgov user add|passwd|list`. */
#include "cli/cli.h"
#include "core/util.h"
#include "domain/divisions.h"
#include "domain/place.h"
#include "domain/registry.h"
#include "domain/user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_init(struct cli *c)
{
    if (c->argc != 0) {
        fprintf(stderr, "gridgov init: unexpected argument '%s'\n", c->argv[0]);
        return EXIT_USAGE;
    }
    if (cli_data_dir(c) != EXIT_OK) /* the keys, so that they belong to whoever runs init */
        return EXIT_FAIL;
    struct store *s = cli_store_open(c);
    if (s == NULL)
        return EXIT_FAIL;
    printf("database %s is ready (%s)\n", c->cfg.db, store_backend(s));
    store_close(s);
    return EXIT_OK;
}

char *cli_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *data = xmalloc(cap);
    size_t got;
    while ((got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            data = xrealloc(data, cap *= 2);
    }
    fclose(f);
    *len = n;
    return data;
}

static int boundaries_fn(struct db *db, void *arg, struct err *e)
{
    json_t *features = json_object_get(arg, "features");
    size_t i;
    json_t *f;
    /* a boundary must lie within its parent's: the file's places from the district down */
    static const size_t lens[] = {6, 9, 12, 15, 17};
    for (size_t l = 0; l < ARRAY_LEN(lens); l++) {
        json_array_foreach(features, i, f)
        {
            const char *code =
                json_string_value(json_object_get(json_object_get(f, "properties"), "code"));
            if (code == NULL) {
                return err_set(e, ERR_INVALID, "properties.code",
                               "feature %zu has no properties.code (the place code)", i);
            }
            if (strlen(code) != lens[l] && !(l == 0 && place_level_of(code) == PL_NONE))
                continue;
            if (place_boundary_put(db, code, json_object_get(f, "geometry"), e) != ERR_OK) {
                char msg[sizeof(e->msg)];
                snprintf(msg, sizeof(msg), "%s", e->msg);
                return err_set(e, e->code, e->field, "feature %zu (%.20s): %s", i, code, msg);
            }
        }
    }
    return ERR_OK;
}

/* import boundaries: a GeoJSON FeatureCollection whose features carry properties.code. */
static int import_boundaries(struct cli *c, const char *path)
{
    struct err e = {0};
    json_error_t je;
    json_t *fc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (fc == NULL) {
        fprintf(stderr, "gridgov import: %s:%d: %s\n", path, je.line, je.text);
        return EXIT_FAIL;
    }
    if (!json_is_array(json_object_get(fc, "features"))) {
        fprintf(stderr, "gridgov import: %s is not a GeoJSON FeatureCollection\n", path);
        json_decref(fc);
        return EXIT_FAIL;
    }
    struct store *s = cli_store_open(c);
    if (s == NULL) {
        json_decref(fc);
        return EXIT_FAIL;
    }
    int rc = store_write(s, boundaries_fn, fc, &e);
    store_close(s);
    if (rc == ERR_OK)
        printf("%zu boundaries imported\n", json_array_size(json_object_get(fc, "features")));
    else
        fprintf(stderr, "gridgov import: nothing imported: %s\n", e.msg);
    json_decref(fc);
    return rc == ERR_OK ? EXIT_OK : EXIT_FAIL;
}

int cmd_import(struct cli *c)
{
    struct err e = {0};
    struct division_counts dc;
    size_t len;

    if (c->argc == 2 && strcmp(c->argv[0], "boundaries") == 0)
        return import_boundaries(c, c->argv[1]);
    /* a registry by its name, or one of its rows' ("party-roster" for party-rosters) */
    const struct registry *r = c->argc == 2 ? registry_find(c->argv[0]) : NULL;
    if (r == NULL && c->argc == 2) {
        char plural[64];
        snprintf(plural, sizeof(plural), "%.60ss", c->argv[0]);
        r = registry_find(plural);
    }
    if (r != NULL)
        return cli_registry_import(c, r, c->argv[1]);
    if (c->argc != 2 || strcmp(c->argv[0], "divisions") != 0) {
        fprintf(stderr, "usage: gridgov import divisions FILE --prefix CODE\n"
                        "       gridgov import boundaries FILE.geojson\n"
                        "       gridgov import REGISTRY FILE.csv [--dry-run] [--valid-only] "
                        "[--encoding utf-8|gbk]\n");
        return EXIT_USAGE;
    }
    if (c->prefix == NULL || strlen(c->prefix) < 2 ||
        strspn(c->prefix, "0123456789") != strlen(c->prefix)) {
        fprintf(stderr, "gridgov import: --prefix CODE is required (digits, e.g. 330604)\n");
        return EXIT_USAGE;
    }
    char *csv = cli_read_file(c->argv[1], &len);
    if (csv == NULL) {
        fprintf(stderr, "gridgov import: cannot read %s\n", c->argv[1]);
        return EXIT_FAIL;
    }
    struct store *s = cli_store_open(c);
    if (s == NULL) {
        free(csv);
        return EXIT_FAIL;
    }
    int rc = divisions_import(s, csv, len, c->prefix, &dc, &e);
    free(csv);
    store_close(s);
    if (rc != ERR_OK) {
        fprintf(stderr, "gridgov import: %s\n", e.msg);
        return EXIT_FAIL;
    }
    printf("read %d rows, %d under %s (%d district, %d towns, %d villages/communities): %d "
           "added, %d renamed, %d unchanged\n",
           dc.read, dc.kept, c->prefix, dc.by_level[0], dc.by_level[1], dc.by_level[2], dc.added,
           dc.renamed, dc.unchanged);
    if (dc.added == 0 && dc.renamed == 0)
        printf("nothing changed: the database already had every division\n");
    return EXIT_OK;
}

/* The password for add/passwd: stdin's first line with --password-stdin, else GRIDGOV_PASSWORD,
 * else a random one that is printed. */
static int get_password(struct cli *c, char *out, size_t n, int *generated)
{
    const char *env = getenv("GRIDGOV_PASSWORD");
    *generated = 0;
    if (c->password_stdin) {
        if (fgets(out, (int)n, stdin) == NULL)
            return -1;
        out[strcspn(out, "\r\n")] = '\0';
    } else if (env != NULL && *env) {
        snprintf(out, n, "%s", env);
    } else {
        token_new(out);
        out[16] = '\0';
        *generated = 1;
    }
    return 0;
}

struct add_ctx {
    struct user_input in;
    struct grant_input g;
    int64_t id;
};

static int add_fn(struct db *db, void *arg, struct err *e)
{
    struct add_ctx *a = arg;
    return user_insert(db, &a->in, &a->id, e);
}

static int passwd_fn(struct db *db, void *arg, struct err *e)
{
    struct add_ctx *a = arg;
    return user_set_password(db, a->in.username, a->in.pw_hash, e);
}

static int user_list_print(struct store *s)
{
    struct err e = {0};
    struct arena a;
    struct user *us;
    int n, rc;
    struct db *db = store_acquire(s);
    arena_init(&a, 0);
    rc = user_list(db, &a, &us, &n, &e);
    if (rc == ERR_OK) {
        for (int i = 0; i < n; i++) {
            printf("%-5lld %-16s %s", (long long)us[i].id, us[i].username, us[i].display_name);
            for (int r = 0; r < us[i].nroles; r++)
                printf("%s%s@%s", r ? ", " : "  ", role_name(us[i].roles[r].role),
                       us[i].roles[r].scope);
            printf("\n");
        }
    } else {
        fprintf(stderr, "gridgov user list: %s\n", e.msg);
    }
    arena_free(&a);
    store_release(s, db);
    return rc == ERR_OK ? EXIT_OK : EXIT_FAIL;
}

int cmd_user(struct cli *c)
{
    struct err e = {0};
    struct add_ctx a = {0};
    char pw[256];
    int generated, rc;
    const char *sub = c->argc > 0 ? c->argv[0] : "";

    if (strcmp(sub, "list") == 0 && c->argc == 1) {
        struct store *s = cli_store_open(c);
        if (s == NULL)
            return EXIT_FAIL;
        rc = user_list_print(s);
        store_close(s);
        return rc;
    }
    int add = strcmp(sub, "add") == 0;
    if (!(add || strcmp(sub, "passwd") == 0) || c->argc != 2) {
        fprintf(stderr, "usage: gridgov user add USERNAME --role ROLE --scope SCOPE [--name NAME]"
                        " [--password-stdin]\n"
                        "       gridgov user passwd USERNAME [--password-stdin]\n"
                        "       gridgov user list\n");
        return EXIT_USAGE;
    }
    a.in.username = c->argv[1];
    if (add) {
        if (c->role == NULL || c->scope == NULL || role_from_name(c->role, &a.g.role) != ERR_OK) {
            fprintf(stderr,
                    "gridgov user add: --role (one of district_admin, street_office, "
                    "community_office, grid_leader, grid_worker, commissioner, "
                    "dept_handler, enterprise_cadre, party_office) and --scope are required\n");
            return EXIT_USAGE;
        }
        if (username_check(a.in.username, &e) != ERR_OK) {
            fprintf(stderr, "gridgov user add: %s\n", e.msg);
            return EXIT_USAGE;
        }
        a.g.scope = c->scope;
        a.in.grants = &a.g;
        a.in.ngrants = 1;
        a.in.display_name = c->name ? c->name : c->argv[1];
    }
    if (get_password(c, pw, sizeof(pw), &generated) != 0 || password_check(pw, &e) != ERR_OK) {
        fprintf(stderr, "gridgov user: %s\n", e.msg[0] ? e.msg : "no password given");
        return EXIT_USAGE;
    }
    if (password_hash(pw, a.in.pw_hash, &e) != ERR_OK) {
        fprintf(stderr, "gridgov user: %s\n", e.msg);
        return EXIT_FAIL;
    }
    struct store *s = cli_store_open(c);
    if (s == NULL)
        return EXIT_FAIL;
    rc = store_write(s, add ? add_fn : passwd_fn, &a, &e);
    store_close(s);
    if (rc != ERR_OK) {
        fprintf(stderr, "gridgov user %s: %s%s%s\n", sub, e.field[0] ? e.field : "",
                e.field[0] ? ": " : "", e.msg);
        return EXIT_FAIL;
    }
    if (add)
        printf("user %s added (id %lld) as %s at %s\n", a.in.username, (long long)a.id, c->role,
               c->scope);
    else
        printf("password of %s changed; its sessions have ended\n", a.in.username);
    if (generated)
        printf("password: %s\n", pw);
    return EXIT_OK;
}
