/* place.c - places and compounds: code rules, reads, validated inserts and updates. */
#include "domain/place.h"
#include "domain/grid_counters.h"
#include "core/json.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct {
    const char *name;
    size_t len;
} levels[] = {
    {"district", 6}, {"town", 9}, {"community", 12}, {"grid", 15}, {"microgrid", 17},
};

enum place_level place_level_of(const char *code)
{
    size_t n = strlen(code);
    for (size_t i = 0; i < ARRAY_LEN(levels); i++) {
        if (levels[i].len == n)
            return (enum place_level)i;
    }
    return PL_NONE;
}

const char *place_level_name(enum place_level l)
{
    return l >= PL_DISTRICT && l <= PL_MICROGRID ? levels[l].name : "";
}

size_t place_code_len(enum place_level l)
{
    return l >= PL_DISTRICT && l <= PL_MICROGRID ? levels[l].len : 0;
}

static enum place_level level_by_name(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(levels); i++) {
        if (strcmp(levels[i].name, name) == 0)
            return (enum place_level)i;
    }
    return PL_NONE;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

const char *place_kind_guess(enum place_level l, const char *name)
{
    switch (l) {
    case PL_DISTRICT:
        return "district";
    case PL_TOWN:
        if (ends_with(name, "街道"))
            return "street";
        if (ends_with(name, "乡"))
            return "township";
        return "town";
    case PL_COMMUNITY:
        return strstr(name, "社区") || strstr(name, "居委会") ? "community" : "village";
    case PL_GRID:
        return "grid";
    case PL_MICROGRID:
        return "microgrid";
    default:
        return "";
    }
}

int place_code_check(const char *code, const char *field, struct err *e)
{
    for (const char *p = code; *p; p++) {
        if (*p < '0' || *p > '9')
            return err_set(e, ERR_INVALID, field, "'%s' must contain only digits", field);
    }
    if (place_level_of(code) == PL_NONE)
        return err_set(e, ERR_INVALID, field,
                       "'%s' must have 6 (district), 9 (town), 12 (community), 15 (grid) or 17 "
                       "(micro-grid) digits",
                       field);
    return ERR_OK;
}

#define PLACE_COLS "code, parent_code, level, kind, name, households, created_at, updated_at, path"

static void place_from_row(const struct dbrows *r, int i, struct place *p)
{
    p->code = dbrows_get(r, i, 0);
    p->parent_code = dbrows_get(r, i, 1);
    p->level = dbrows_get(r, i, 2);
    p->kind = dbrows_get(r, i, 3);
    p->name = dbrows_get(r, i, 4);
    p->households = dbrows_int(r, i, 5);
    p->created_at = dbrows_int(r, i, 6);
    p->updated_at = dbrows_int(r, i, 7);
    p->path = dbrows_get(r, i, 8);
}

static int places_from_rows(struct arena *a, const struct dbrows *r, struct place **out, int *n)
{
    *out = arena_alloc(a, sizeof(struct place) * (size_t)(r->nrows ? r->nrows : 1));
    for (int i = 0; i < r->nrows; i++)
        place_from_row(r, i, &(*out)[i]);
    *n = r->nrows;
    return ERR_OK;
}

int place_get(struct db *db, struct arena *a, const char *code, struct place *out, struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e, "SELECT " PLACE_COLS " FROM places WHERE code = ?",
                      DB_ARGS(DBS(code)));
    if (rc != ERR_OK)
        return rc;
    if (r.nrows == 0)
        return err_set(e, ERR_NOT_FOUND, "code", "no place with code %.20s", code);
    place_from_row(&r, 0, out);
    return ERR_OK;
}

int place_children(struct db *db, struct arena *a, const char *code, struct place **out, int *n,
                   struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e,
                      "SELECT " PLACE_COLS " FROM places WHERE parent_code = ? ORDER BY code",
                      DB_ARGS(DBS(code)));
    if (rc != ERR_OK)
        return rc;
    return places_from_rows(a, &r, out, n);
}

int place_search(struct db *db, struct arena *a, const char *q, const char *const *scopes,
                 int nscopes, int limit, const char *after, struct place **out, int *n,
                 struct err *e)
{
    /* Scopes are few (a user's roles); build "(code LIKE ? OR ...)" with one placeholder each. */
    char sql[1024];
    struct dbv p[24];
    int np = 0, off;
    /* the query is text, not a pattern: escape LIKE's wildcards */
    const char *text = q ? q : "";
    char *esc = arena_alloc(a, strlen(text) * 2 + 1), *o = esc;
    for (const char *c = text; *c; c++) {
        if (*c == '%' || *c == '_' || *c == '\\')
            *o++ = '\\';
        *o++ = *c;
    }
    *o = '\0';
    char *name_like = arena_printf(a, "%%%s%%", esc);
    char *code_like = arena_printf(a, "%s%%", esc);

    off = snprintf(sql, sizeof(sql),
                   "SELECT " PLACE_COLS " FROM places WHERE (name LIKE ? ESCAPE '\\' OR code "
                   "LIKE ? ESCAPE '\\') AND code > ?");
    p[np++] = DBS(name_like);
    p[np++] = DBS(code_like);
    p[np++] = DBS(after ? after : "");
    if (scopes != NULL) {
        if (nscopes == 0) {
            *n = 0;
            *out = NULL;
            return ERR_OK;
        }
        off += snprintf(sql + off, sizeof(sql) - (size_t)off, " AND (");
        for (int i = 0; i < nscopes && np < 20; i++) {
            off += snprintf(sql + off, sizeof(sql) - (size_t)off, "%scode LIKE ?", i ? " OR " : "");
            p[np++] = DBS(arena_printf(a, "%s%%", scopes[i]));
        }
        off += snprintf(sql + off, sizeof(sql) - (size_t)off, ")");
    }
    snprintf(sql + off, sizeof(sql) - (size_t)off, " ORDER BY code LIMIT ?");
    p[np++] = DBI(limit);
    struct dbrows r;
    int rc = db_query(db, a, &r, e, sql, p, np);
    if (rc != ERR_OK)
        return rc;
    return places_from_rows(a, &r, out, n);
}

int place_count(struct db *db, const char *level, int64_t *out, struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc =
        db_query(db, &a, &r, e, "SELECT count(*) FROM places WHERE level = ?", DB_ARGS(DBS(level)));
    if (rc == ERR_OK)
        *out = dbrows_int(&r, 0, 0);
    arena_free(&a);
    return rc;
}

int place_input_check(struct place_input *in, struct err *e)
{
    enum place_level l = PL_NONE;
    if (in->level != NULL) {
        l = level_by_name(in->level);
        if (l == PL_NONE)
            return err_set(e, ERR_INVALID, "level",
                           "'level' must be one of district, town, community, grid, microgrid");
    }
    if (in->code != NULL) {
        if (place_code_check(in->code, "code", e) != ERR_OK)
            return e->code;
        enum place_level cl = place_level_of(in->code);
        if (l != PL_NONE && cl != l)
            return err_set(e, ERR_INVALID, "code", "a %s code has %zu digits", levels[l].name,
                           levels[l].len);
        l = cl;
        if (in->parent != NULL && (strlen(in->parent) >= strlen(in->code) ||
                                   strncmp(in->parent, in->code, strlen(in->parent)) != 0))
            return err_set(e, ERR_INVALID, "parent", "'code' must start with its parent's code");
    }
    if (in->parent != NULL) {
        if (place_code_check(in->parent, "parent", e) != ERR_OK)
            return e->code;
        enum place_level pl = place_level_of(in->parent);
        if (pl == PL_MICROGRID)
            return err_set(e, ERR_INVALID, "parent", "a micro-grid has no children");
        if (l == PL_NONE)
            l = (enum place_level)(pl + 1);
        if ((int)pl != (int)l - 1)
            return err_set(e, ERR_INVALID, "parent", "the parent of a %s must be a %s",
                           levels[l].name, l > 0 ? levels[l - 1].name : "nothing");
    }
    if (in->code == NULL && !(l == PL_GRID || l == PL_MICROGRID))
        return err_set(e, ERR_INVALID, "code",
                       "'code' is required except for grids and micro-grids");
    if (in->code == NULL && in->parent == NULL)
        return err_set(e, ERR_INVALID, "parent", "'parent' is required without a code");
    if (l == PL_NONE)
        return err_set(e, ERR_INVALID, "code", "'code' or 'parent' is required");
    in->level = levels[l].name;
    if (in->kind == NULL)
        in->kind = place_kind_guess(l, in->name);
    return ERR_OK;
}

int place_insert(struct db *db, struct place_input *in, char out_code[24], struct err *e)
{
    struct arena a;
    struct dbrows r;
    enum place_level l = level_by_name(in->level);
    char parent[24] = "";
    int rc;

    arena_init(&a, 0);
    if (in->code != NULL && l > PL_DISTRICT)
        snprintf(parent, sizeof(parent), "%.*s", (int)levels[l - 1].len, in->code);
    else if (in->parent != NULL)
        snprintf(parent, sizeof(parent), "%s", in->parent);
    if (parent[0]) {
        rc = db_query(&*db, &a, &r, e, "SELECT level FROM places WHERE code = ?",
                      DB_ARGS(DBS(parent)));
        if (rc != ERR_OK)
            goto out;
        if (r.nrows == 0) {
            rc = err_set(e, ERR_INVALID, "parent", "parent place %s does not exist", parent);
            goto out;
        }
    }
    if (in->code == NULL) {
        /* next sequence under the parent: 3 digits for grids, 2 for micro-grids */
        size_t width = levels[l].len - levels[l - 1].len;
        rc = db_query(db, &a, &r, e, "SELECT max(code) FROM places WHERE parent_code = ?",
                      DB_ARGS(DBS(parent)));
        if (rc != ERR_OK)
            goto out;
        long next = 1;
        const char *max = dbrows_get(&r, 0, 0);
        if (max != NULL)
            next = strtol(max + strlen(parent), NULL, 10) + 1;
        if ((width == 3 && next > 999) || (width == 2 && next > 99)) {
            rc = err_set(e, ERR_CONFLICT, "parent", "no free code left under %s", parent);
            goto out;
        }
        snprintf(out_code, 24, "%s%0*ld", parent, (int)width, next);
    } else {
        snprintf(out_code, 24, "%s", in->code);
    }
    int64_t now = time(NULL);
    char county[8];
    const char *path;
    snprintf(county, sizeof(county), "%.6s", out_code);
    if ((rc = place_child_path(db, &a, parent, &path, e)) != ERR_OK)
        goto out;
    rc = db_exec(db, e,
                 "INSERT INTO places (code, parent_code, level, kind, name, county, households, "
                 "created_at, updated_at, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 DB_ARGS(DBS(out_code), DBS(parent[0] ? parent : NULL), DBS(in->level),
                         DBS(in->kind), DBS(in->name), DBS(county), DBI(in->households), DBI(now),
                         DBI(now), DBS(path)));
    if (rc == ERR_CONFLICT)
        err_set(e, ERR_CONFLICT, "code", "a place with code %s already exists", out_code);
    rc = rc < 0 ? rc : grid_counted_place(db, out_code, in->level, now, e);
out:
    arena_free(&a);
    return rc;
}

int place_child_path(struct db *db, struct arena *a, const char *parent, const char **path,
                     struct err *e)
{
    struct dbrows r;
    *path = "[]";
    if (parent == NULL || parent[0] == '\0')
        return ERR_OK;
    int rc = db_query(db, a, &r, e, "SELECT level, name, path FROM places WHERE code = ?",
                      DB_ARGS(DBS(parent)));
    if (rc != ERR_OK || r.nrows == 0)
        return rc;
    json_t *p = json_loads(dbrows_get(&r, 0, 2), 0, NULL);
    if (!json_is_array(p)) {
        json_decref(p);
        p = json_array();
    }
    json_array_append_new(p, json_pack("{s:s, s:s, s:s}", "code", parent, "name",
                                       dbrows_get(&r, 0, 1), "level", dbrows_get(&r, 0, 0)));
    char *text = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    *path = arena_strdup(a, text);
    free(text);
    return ERR_OK;
}

int place_paths_rename(struct db *db, const char *code, const char *name, struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc =
        db_query(db, &a, &r, e, "SELECT code, path FROM places WHERE code LIKE ? AND code <> ?",
                 DB_ARGS(DBS(arena_printf(&a, "%s%%", code)), DBS(code)));
    for (int i = 0; rc == ERR_OK && i < r.nrows; i++) {
        json_t *p = json_loads(dbrows_get(&r, i, 1), 0, NULL);
        size_t k;
        json_t *anc;
        json_array_foreach(p, k, anc)
        {
            const char *c = json_string_value(json_object_get(anc, "code"));
            if (c && strcmp(c, code) == 0)
                json_object_set_new(anc, "name", json_string(name));
        }
        char *text = json_dumps(p, JSON_COMPACT);
        json_decref(p);
        rc = db_exec(db, e, "UPDATE places SET path = ? WHERE code = ?",
                     DB_ARGS(DBS(text ? text : "[]"), DBS(dbrows_get(&r, i, 0))));
        free(text);
        rc = rc < 0 ? rc : ERR_OK;
    }
    arena_free(&a);
    return rc;
}

int place_update(struct db *db, const char *code, const char *name, int64_t households,
                 struct err *e)
{
    int rc =
        db_exec(db, e,
                "UPDATE places SET name = coalesce(?, name), households = CASE WHEN ? < 0 "
                "THEN households ELSE ? END, updated_at = ? WHERE code = ?",
                DB_ARGS(DBS(name), DBI(households), DBI(households), DBI(time(NULL)), DBS(code)));
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "code", "no place with code %.20s", code);
    if (rc < 0)
        return rc;
    return name ? place_paths_rename(db, code, name, e) : ERR_OK;
}

void place_write(struct jsonw *w, const struct place *p, int with_path)
{
    char t[32];
    time_iso_cst((time_t)p->updated_at, t);
    jw_obj(w);
    jw_kstr(w, "code", p->code);
    jw_kstr(w, "parent", p->parent_code);
    jw_kstr(w, "level", p->level);
    jw_kstr(w, "kind", p->kind);
    jw_kstr(w, "name", p->name);
    jw_kint(w, "households", p->households);
    jw_kstr(w, "updated_at", t);
    if (with_path) {
        jw_key(w, "path");
        jw_raw(w, p->path && p->path[0] == '[' ? p->path : "[]"); /* stored as JSON by us */
    }
    jw_end_obj(w);
}

/* ---- boundaries ---- */

/* Walk every [lon, lat] position of a Polygon's rings, checking them and growing box. */
static int rings_check(json_t *rings, double box[4], struct err *e)
{
    size_t i, j;
    json_t *ring, *pos;
    if (!json_is_array(rings) || json_array_size(rings) == 0)
        return err_set(e, ERR_INVALID, "geometry", "a polygon is a list of rings");
    json_array_foreach(rings, i, ring)
    {
        if (!json_is_array(ring) || json_array_size(ring) < 4 || json_array_size(ring) > 100000)
            return err_set(e, ERR_INVALID, "geometry", "a ring has 4 to 100000 positions");
        json_array_foreach(ring, j, pos)
        {
            json_t *x = json_array_get(pos, 0), *y = json_array_get(pos, 1);
            if (!json_is_number(x) || !json_is_number(y))
                return err_set(e, ERR_INVALID, "geometry", "a position is [lon, lat]");
            double lon = json_number_value(x), lat = json_number_value(y);
            if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
                return err_set(e, ERR_INVALID, "geometry", "a position is out of range");
            if (lat < box[0])
                box[0] = lat;
            if (lat > box[1])
                box[1] = lat;
            if (lon < box[2])
                box[2] = lon;
            if (lon > box[3])
                box[3] = lon;
        }
    }
    return ERR_OK;
}

int place_boundary_check(json_t *g, double box[4], struct err *e)
{
    const char *type = json_string_value(json_object_get(g, "type"));
    json_t *coords = json_object_get(g, "coordinates");
    box[0] = box[2] = 1e9;
    box[1] = box[3] = -1e9;
    if (!json_is_object(g) || type == NULL || !json_is_array(coords))
        return err_set(e, ERR_INVALID, "geometry", "a GeoJSON Polygon or MultiPolygon is needed");
    if (strcmp(type, "Polygon") == 0)
        return rings_check(coords, box, e);
    if (strcmp(type, "MultiPolygon") == 0) {
        size_t i;
        json_t *poly;
        if (json_array_size(coords) == 0)
            return err_set(e, ERR_INVALID, "geometry", "an empty MultiPolygon");
        json_array_foreach(coords, i, poly)
        {
            if (rings_check(poly, box, e) != ERR_OK)
                return e->code;
        }
        return ERR_OK;
    }
    return err_set(e, ERR_INVALID, "geometry", "a GeoJSON Polygon or MultiPolygon is needed");
}

/* The service area: where reports are accepted at the district root when no boundary below it
 * contains their point, and what a district's own boundary must lie within. */
static struct geo_box service_area;
static int service_area_on;

void place_set_service_area(const struct geo_box *b)
{
    service_area_on = b != NULL;
    if (b != NULL)
        service_area = *b;
}

int place_service_area(struct geo_box *out)
{
    if (service_area_on && out != NULL)
        *out = service_area;
    return service_area_on;
}

/* The stored boundary of code as a jansson tree (NULL when it has none). */
static int boundary_load(struct db *db, struct arena *a, const char *code, json_t **out,
                         struct err *e)
{
    const char *text;
    *out = NULL;
    int rc = place_boundary_get(db, a, code, &text, e);
    if (rc == ERR_NOT_FOUND)
        return ERR_OK;
    if (rc == ERR_OK && (*out = json_loads(text, 0, NULL)) == NULL)
        rc = err_set(e, ERR_INTERNAL, NULL, "the stored boundary of %.20s is not JSON", code);
    return rc;
}

/* What the boundary of code must lie within: its parent's boundary; for the district root,
 * and for a town when the district has none, the service area. A place whose parent has no
 * boundary gets none either: placement descends from the root, so a boundary hanging below a
 * place without one could claim points anywhere. */
static int boundary_container(struct db *db, struct arena *a, const char *code, const char *parent,
                              json_t **out, struct err *e)
{
    *out = NULL;
    if (parent != NULL) {
        int rc = boundary_load(db, a, parent, out, e);
        if (rc != ERR_OK || *out != NULL)
            return rc;
        if (strlen(parent) > 6)
            return err_set(e, ERR_INVALID, "geometry",
                           "%.20s has no boundary yet: draw its boundary before %.20s's", parent,
                           code);
    }
    if (service_area_on) {
        *out = geo_box_polygon(&service_area);
        return ERR_OK;
    }
    if (parent != NULL)
        return err_set(e, ERR_INVALID, "geometry",
                       "%.20s has no boundary and no service area is set: draw the district's "
                       "boundary first",
                       parent);
    return ERR_OK; /* the root of a server without a service area: anything on the globe */
}

int place_boundary_put(struct db *db, const char *code, json_t *geometry, struct err *e)
{
    double box[4];
    struct arena a;
    struct dbrows r;
    json_t *outer = NULL;
    int rc;
    if (place_boundary_check(geometry, box, e) != ERR_OK)
        return e->code;
    arena_init(&a, 0);
    rc = db_query(db, &a, &r, e, "SELECT parent_code FROM places WHERE code = ?",
                  DB_ARGS(DBS(code)));
    if (rc == ERR_OK && r.nrows == 0)
        rc = err_set(e, ERR_NOT_FOUND, "code", "no place %.20s", code);
    if (rc == ERR_OK)
        rc = boundary_container(db, &a, code, dbrows_get(&r, 0, 0), &outer, e);
    if (rc == ERR_OK && outer != NULL && !geo_within(geometry, outer)) {
        if (dbrows_get(&r, 0, 0) && strlen(dbrows_get(&r, 0, 0)) > 6)
            rc = err_set(e, ERR_INVALID, "geometry",
                         "the boundary of %.20s must lie within its parent's boundary", code);
        else
            rc = err_set(e, ERR_INVALID, "geometry",
                         "the boundary of %.20s must lie within its parent's boundary or the "
                         "service area",
                         code);
    }
    json_decref(outer);
    /* the children already drawn must stay inside */
    if (rc == ERR_OK)
        rc = db_query(db, &a, &r, e,
                      "SELECT b.place_code, b.geometry FROM place_boundaries b JOIN places p ON "
                      "p.code = b.place_code WHERE p.parent_code = ? ORDER BY b.place_code",
                      DB_ARGS(DBS(code)));
    for (int i = 0; rc == ERR_OK && i < r.nrows; i++) {
        json_t *child = json_loads(dbrows_get(&r, i, 1), 0, NULL);
        if (child != NULL && !geo_within(child, geometry))
            rc = err_set(e, ERR_CONFLICT, "geometry",
                         "the boundary of %.20s would no longer lie within it: change that first",
                         dbrows_get(&r, i, 0));
        json_decref(child);
    }
    if (rc == ERR_OK) {
        char *text = json_dumps(geometry, JSON_COMPACT | JSON_REAL_PRECISION(10));
        rc = db_exec(db, e,
                     "INSERT INTO place_boundaries (place_code, min_lat, max_lat, min_lon, "
                     "max_lon, geometry, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                     "(place_code) DO UPDATE SET min_lat = excluded.min_lat, max_lat = "
                     "excluded.max_lat, min_lon = excluded.min_lon, max_lon = excluded.max_lon, "
                     "geometry = excluded.geometry, updated_at = excluded.updated_at",
                     DB_ARGS(DBS(code), DBR(box[0]), DBR(box[1]), DBR(box[2]), DBR(box[3]),
                             DBS(text), DBI(time(NULL))));
        free(text);
        rc = rc < 0 ? rc : ERR_OK;
    }
    arena_free(&a);
    return rc;
}

/* The first of the rows (place_code, geometry) whose geometry contains the point, or NULL. */
static const char *first_containing(struct dbrows *r, double lat, double lon)
{
    for (int i = 0; i < r->nrows; i++) {
        json_t *g = json_loads(dbrows_get(r, i, 1), 0, NULL);
        int hit = g != NULL && geo_contains(g, lat, lon);
        json_decref(g);
        if (hit)
            return dbrows_get(r, i, 0);
    }
    return NULL;
}

int place_locate(struct db *db, struct arena *a, double lat, double lon, const char **code,
                 struct err *e)
{
    struct dbrows r;
    const char *root = NULL, *cur;
    int in_area = service_area_on && geo_box_has(&service_area, lat, lon);
    /* the district: its boundary, when drawn, is the service area */
    int rc = db_query(db, a, &r, e,
                      "SELECT p.code, b.geometry FROM places p LEFT JOIN place_boundaries b ON "
                      "b.place_code = p.code WHERE p.parent_code IS NULL ORDER BY p.code",
                      DB_NOARGS);
    if (rc != ERR_OK)
        return rc;
    for (int i = 0; i < r.nrows && root == NULL; i++) {
        const char *text = dbrows_get(&r, i, 1);
        json_t *g = text ? json_loads(text, 0, NULL) : NULL;
        if (g != NULL && geo_contains(g, lat, lon)) {
            root = dbrows_get(&r, i, 0);
            in_area = 1;
        } else if (g == NULL && r.nrows == 1) {
            root = dbrows_get(&r, i, 0);
        }
        json_decref(g);
    }
    if (root == NULL)
        return err_set(e, ERR_NOT_FOUND, "place", "the point lies outside the service area");
    /* descend only through places whose boundary contains the point */
    for (cur = root;;) {
        rc = db_query(db, a, &r, e,
                      "SELECT b.place_code, b.geometry FROM place_boundaries b JOIN places p ON "
                      "p.code = b.place_code WHERE p.parent_code = ? AND b.min_lat <= ? AND "
                      "b.max_lat >= ? AND b.min_lon <= ? AND b.max_lon >= ? ORDER BY b.place_code",
                      DB_ARGS(DBS(cur), DBR(lat), DBR(lat), DBR(lon), DBR(lon)));
        if (rc != ERR_OK)
            return rc;
        const char *next = first_containing(&r, lat, lon);
        if (next == NULL)
            break;
        cur = next;
    }
    if (cur == root && !in_area)
        return err_set(e, ERR_NOT_FOUND, "place", "the point lies outside the service area");
    *code = cur;
    return ERR_OK;
}

/* ---- writes in their own transaction ---- */

struct place_write {
    struct place_input *in;
    const char *code, *name;
    int64_t households;
    json_t *geometry;
    char out[24];
};

static int place_insert_fn(struct db *db, void *arg, struct err *e)
{
    struct place_write *w = arg;
    return place_insert(db, w->in, w->out, e);
}

int place_create(struct store *s, struct place_input *in, char out_code[24], struct err *e)
{
    struct place_write w = {.in = in};
    int rc = store_write(s, place_insert_fn, &w, e);
    if (rc == ERR_OK)
        memcpy(out_code, w.out, sizeof(w.out));
    return rc;
}

static int place_update_fn(struct db *db, void *arg, struct err *e)
{
    struct place_write *w = arg;
    return place_update(db, w->code, w->name, w->households, e);
}

int place_change(struct store *s, const char *code, const char *name, int64_t households,
                 struct err *e)
{
    struct place_write w = {.code = code, .name = name, .households = households};
    return store_write(s, place_update_fn, &w, e);
}

static int boundary_fn(struct db *db, void *arg, struct err *e)
{
    struct place_write *w = arg;
    return place_boundary_put(db, w->code, w->geometry, e);
}

int place_boundary_set(struct store *s, const char *code, json_t *geometry, struct err *e)
{
    struct place_write w = {.code = code, .geometry = geometry};
    return store_write(s, boundary_fn, &w, e);
}

int place_boundary_get(struct db *db, struct arena *a, const char *code, const char **geometry,
                       struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e, "SELECT geometry FROM place_boundaries WHERE place_code = ?",
                      DB_ARGS(DBS(code)));
    if (rc != ERR_OK)
        return rc;
    if (r.nrows == 0)
        return err_set(e, ERR_NOT_FOUND, "code", "this place has no boundary");
    *geometry = dbrows_get(&r, 0, 0);
    return ERR_OK;
}
