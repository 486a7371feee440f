/* place.h - the tree of places (district, town/street, community/village, grid, micro-grid)
 * (compounds are a registry: compound.h). Codes are prefixes of their children's:
 * 330604 > 330604002 > 330604002007 > 330604002007001 > 33060400200700101. */
#ifndef GG_PLACE_H
#define GG_PLACE_H

#include <jansson.h>
#include <stdint.h>

#include "core/jsonw.h"
#include "domain/geo.h"
#include "store/store.h"

enum place_level { PL_NONE = -1, PL_DISTRICT, PL_TOWN, PL_COMMUNITY, PL_GRID, PL_MICROGRID };

struct place {
    const char *code, *parent_code, *level, *kind, *name;
    int64_t households, created_at, updated_at;
    const char *path; /* JSON: the ancestors [{code, name, level}], root first */
};

/* Sets of levels (a registry's place field says which it takes). */
#define PLACE_LEVEL_BIT(l) (1u << (l))
#define PLACE_LEVELS_LOCAL                                                                         \
    (PLACE_LEVEL_BIT(PL_COMMUNITY) | PLACE_LEVEL_BIT(PL_GRID) | PLACE_LEVEL_BIT(PL_MICROGRID))
#define PLACE_LEVELS_ANY                                                                           \
    (PLACE_LEVEL_BIT(PL_DISTRICT) | PLACE_LEVEL_BIT(PL_TOWN) | PLACE_LEVELS_LOCAL)

enum place_level place_level_of(const char *code);
const char *place_level_name(enum place_level l);
size_t place_code_len(enum place_level l);
/* Kind from level and NBS name: street/town/township, community/village, grid, microgrid. */
const char *place_kind_guess(enum place_level l, const char *name);
/* 0 if code is digits of a valid length; ERR_INVALID naming field otherwise. */
int place_code_check(const char *code, const char *field, struct err *e);

int place_get(struct db *db, struct arena *a, const char *code, struct place *out, struct err *e);
/* The path (JSON) a new child of parent gets: the parent's path and the parent. */
int place_child_path(struct db *db, struct arena *a, const char *parent, const char **path,
                     struct err *e);
/* After renaming code, rewrite its name in its descendants' paths. */
int place_paths_rename(struct db *db, const char *code, const char *name, struct err *e);
int place_children(struct db *db, struct arena *a, const char *code, struct place **out, int *n,
                   struct err *e);
/* Search by name fragment or code prefix inside the subtrees of scopes (NULL scopes = all). */
int place_search(struct db *db, struct arena *a, const char *q, const char *const *scopes,
                 int nscopes, int limit, const char *after, struct place **out, int *n,
                 struct err *e);
int place_count(struct db *db, const char *level, int64_t *out, struct err *e);

/* Input of a create: code may be NULL for grids and micro-grids (next sequence is taken). */
struct place_input {
    const char *code, *parent, *level, *kind, *name;
    int64_t households;
};
/* Validate without touching the store: formats, lengths, the level/parent relation. */
int place_input_check(struct place_input *in, struct err *e);
/* In a write transaction: check the parent, assign a code if needed, insert. out gets the code. */
int place_insert(struct db *db, struct place_input *in, char out_code[24], struct err *e);
int place_update(struct db *db, const char *code, const char *name, int64_t households,
                 struct err *e);
/* place_insert and place_update, each in its own write transaction. */
int place_create(struct store *s, struct place_input *in, char out_code[24], struct err *e);
int place_change(struct store *s, const char *code, const char *name, int64_t households,
                 struct err *e);

/* A place as a JSON object, with its path (ancestors) when with_path. */
void place_write(struct jsonw *w, const struct place *p, int with_path);

/* The service area (the setting service_area), or NULL for none; 1 if set (out filled). */
void place_set_service_area(const struct geo_box *b);
int place_service_area(struct geo_box *out);

/* Boundaries: GeoJSON Polygon or MultiPolygon geometry ([lon, lat] positions, WGS 84). */
int place_boundary_check(json_t *geometry, double box[4], struct err *e);
/* A boundary lies within its parent's (a town's, when the district has none, within the service
 * area; the district's within the service area), and every boundary already drawn below it
 * within it: ERR_INVALID (field geometry) or ERR_CONFLICT otherwise. */
int place_boundary_put(struct db *db, const char *code, json_t *geometry, struct err *e);
/* place_boundary_put in its own write transaction. */
int place_boundary_set(struct store *s, const char *code, json_t *geometry, struct err *e);
/* The stored geometry (GeoJSON text, checked when stored); ERR_NOT_FOUND when there is none. */
int place_boundary_get(struct db *db, struct arena *a, const char *code, const char **geometry,
                       struct err *e);
/* Where a point lies: descending from the district through the children whose boundary contains
 * it, the deepest place reached. A point no boundary below the district contains gives the
 * district itself when it lies inside the service area (the district's boundary, or else the
 * configured box), to be placed by its office; ERR_NOT_FOUND outside. */
int place_locate(struct db *db, struct arena *a, double lat, double lon, const char **code,
                 struct err *e);

#endif
