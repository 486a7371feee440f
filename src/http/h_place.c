/* h_place.c - places (areas, grids, micro-grids) and compounds over HTTP. */
#include "http/http.h"
#include "core/json.h"
#include "domain/compound.h"
#include "domain/place.h"

#include <stdlib.h>
#include <string.h>

static int code_param(struct req *rq, const char **code)
{
    struct err e = {0};
    *code = req_param(rq, 0);
    if (place_code_check(*code, "code", &e) != ERR_OK)
        return reply_err(rq, &e);
    return ERR_OK;
}

/* GET /api/v1/places/{code}: the place and its path from the root. */
int place_get_h(struct req *rq)
{
    struct err e = {0};
    struct place p;
    const char *code;

    if (code_param(rq, &code) != ERR_OK || req_allow_or_reply(rq, PERM_PLACE_READ, code, 0))
        return -1;
    if (place_get(req_db(rq), &rq->arena, code, &p, &e) != ERR_OK)
        return reply_err(rq, &e);
    struct jsonw w;
    jw_init(&w, 1 << 20);
    place_write(&w, &p, 1);
    return reply_jw(rq, 200, &w);
}

/* GET /api/v1/places/{code}/children: direct children inside the caller's scope. */
int place_children_h(struct req *rq)
{
    struct err e = {0};
    struct place p, *kids;
    const char *code;
    int n;

    if (code_param(rq, &code) != ERR_OK || req_allow_or_reply(rq, PERM_PLACE_READ, code, 0))
        return -1;
    if (place_get(req_db(rq), &rq->arena, code, &p, &e) != ERR_OK ||
        place_children(req_db(rq), &rq->arena, code, &kids, &n, &e) != ERR_OK)
        return reply_err(rq, &e);
    struct jsonw w;
    int shown = 0;
    jw_init(&w, 8 << 20);
    jw_obj(&w);
    jw_key(&w, "place");
    place_write(&w, &p, 0);
    jw_key(&w, "items");
    jw_arr(&w);
    for (int i = 0; i < n; i++) {
        struct target t = {.place = kids[i].code};
        if (authz_allow(rq->user, PERM_PLACE_READ, &t)) {
            place_write(&w, &kids[i], 0);
            shown++;
        }
    }
    jw_end_arr(&w);
    jw_kint(&w, "count", shown);
    jw_end_obj(&w);
    return reply_jw(rq, 200, &w);
}

/* GET /api/v1/places?q=&limit=&after=: search by name or code within the caller's scope. */
int place_search_h(struct req *rq)
{
    struct err e = {0};
    struct place *found;
    const char *scopes[16];
    const char *q, *after = rq->query(rq, "after");
    int64_t limit = 50;
    int n;

    if (req_query_text(rq, "q", 40, &q) != 0 || req_query_int(rq, "limit", 1, 500, &limit) != 0)
        return -1;
    int ns = authz_scopes(rq->user, PERM_PLACE_READ, scopes, 16);
    if (place_search(req_db(rq), &rq->arena, q, scopes, ns, (int)limit + 1, after, &found, &n,
                     &e) != ERR_OK)
        return reply_err(rq, &e);
    struct jsonw w;
    jw_init(&w, 8 << 20);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    for (int i = 0; i < n && i < limit; i++)
        place_write(&w, &found[i], 0);
    jw_end_arr(&w);
    jw_kstr(&w, "next", n > limit ? found[limit - 1].code : NULL);
    jw_end_obj(&w);
    return reply_jw(rq, 200, &w);
}

static int reply_place(struct req *rq, int status, const char *code)
{
    struct err e = {0};
    struct place p;
    if (place_get(req_db(rq), &rq->arena, code, &p, &e) != ERR_OK)
        return reply_err(rq, &e);
    struct jsonw w;
    jw_init(&w, 1 << 20);
    place_write(&w, &p, 1);
    return reply_jw(rq, status, &w);
}

/* POST /api/v1/places: create an area, grid or micro-grid below a place in scope. */
int place_create_h(struct req *rq)
{
    static const char *const keys[] = {"code", "parent",     "level", "kind",
                                       "name", "households", NULL};
    struct err e = {0};
    struct place_input in = {0};
    char code[24];

    if (json_only_keys(rq->json, keys, &e) || json_get_str(rq->json, "code", 0, 17, &in.code, &e) ||
        json_get_str(rq->json, "parent", 0, 17, &in.parent, &e) ||
        json_get_str(rq->json, "level", 0, 16, &in.level, &e) ||
        json_get_str(rq->json, "kind", 0, 16, &in.kind, &e) ||
        json_get_str(rq->json, "name", 1, 64, &in.name, &e) ||
        json_get_int(rq->json, "households", 0, 0, 1000000, &in.households, &e) ||
        place_input_check(&in, &e))
        return reply_err(rq, &e);
    const char *target = in.parent;
    if (in.code != NULL) {
        size_t plen = strcmp(in.level, "district") == 0    ? strlen(in.code)
                      : strcmp(in.level, "town") == 0      ? 6
                      : strcmp(in.level, "community") == 0 ? 9
                      : strcmp(in.level, "grid") == 0      ? 12
                                                           : 15;
        target = arena_strndup(&rq->arena, in.code, plen);
    }
    if (req_allow_or_reply(rq, PERM_PLACE_WRITE, target, 0))
        return -1;
    if (place_create(req_store(rq), &in, code, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_place(rq, 201, code);
}

/* PATCH /api/v1/places/{code}: rename, or set the household count. */
int place_update_h(struct req *rq)
{
    static const char *const keys[] = {"name", "households", NULL};
    struct err e = {0};
    const char *code, *name = NULL;
    int64_t households = -1;

    if (code_param(rq, &code) != ERR_OK || req_allow_or_reply(rq, PERM_PLACE_WRITE, code, 0))
        return -1;
    if (json_only_keys(rq->json, keys, &e) || json_get_str(rq->json, "name", 0, 64, &name, &e) ||
        json_get_int(rq->json, "households", 0, 0, 1000000, &households, &e))
        return reply_err(rq, &e);
    if (name != NULL && name[0] == '\0')
        return reply_code(rq, ERR_INVALID, "name", "'name' must not be empty");
    if (place_change(req_store(rq), code, name, households, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_place(rq, 200, code);
}

/* PUT /api/v1/places/{code}/boundary {"geometry": GeoJSON Polygon | MultiPolygon} */
int place_boundary_put_h(struct req *rq)
{
    static const char *const keys[] = {"geometry", NULL};
    struct err e = {0};
    const char *code;
    double box[4];
    if (code_param(rq, &code) != ERR_OK || req_allow_or_reply(rq, PERM_PLACE_WRITE, code, 0))
        return -1;
    json_t *geometry = json_object_get(rq->json, "geometry");
    if (json_only_keys(rq->json, keys, &e) || place_boundary_check(geometry, box, &e) ||
        place_boundary_set(req_store(rq), code, geometry, &e))
        return reply_err(rq, &e);
    return reply_json(
        rq, 200,
        json_pack("{s:s, s:[f, f, f, f]}", "code", code, "bbox", box[2], box[0], box[3], box[1]));
}

/* GET /api/v1/places/{code}/boundary: the stored geometry as a GeoJSON Feature. */
int place_boundary_get_h(struct req *rq)
{
    struct err e = {0};
    const char *code, *geometry;
    if (code_param(rq, &code) != ERR_OK || req_allow_or_reply(rq, PERM_PLACE_READ, code, 0))
        return -1;
    if (place_boundary_get(req_db(rq), &rq->arena, code, &geometry, &e) != ERR_OK)
        return reply_err(rq, &e);
    struct jsonw w;
    jw_init(&w, 64 << 20);
    jw_obj(&w);
    jw_kstr(&w, "type", "Feature");
    jw_key(&w, "geometry");
    jw_raw(&w, geometry); /* stored as JSON after checking */
    jw_key(&w, "properties");
    jw_obj(&w);
    jw_kstr(&w, "code", code);
    jw_end_obj(&w);
    jw_end_obj(&w);
    return reply_jw(rq, 200, &w);
}

/* GET /api/v1/public/places?q=: communities, grids and micro-grids by name or code, for the
 * public's report form (names and codes only: what any map or sign shows). */
int public_place_search_h(struct req *rq)
{
    struct err e = {0};
    struct place *found;
    const char *q;
    int n;

    if (req_query_text(rq, "q", 40, &q) != 0)
        return -1;
    if (q == NULL)
        return reply_code(rq, ERR_INVALID, "q", "search for a name or a code");
    if (place_search(req_db(rq), &rq->arena, q, NULL, 0, 200, NULL, &found, &n, &e) != ERR_OK)
        return reply_err(rq, &e);
    struct jsonw w;
    int shown = 0;
    jw_init(&w, 1 << 20);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    for (int i = 0; i < n && shown < 20; i++) {
        if (place_level_of(found[i].code) < PL_COMMUNITY)
            continue;
        jw_obj(&w);
        jw_kstr(&w, "code", found[i].code);
        jw_kstr(&w, "name", found[i].name);
        jw_kstr(&w, "level", found[i].level);
        jw_key(&w, "path");
        jw_raw(&w, found[i].path && found[i].path[0] == '[' ? found[i].path : "[]");
        jw_end_obj(&w);
        shown++;
    }
    jw_end_arr(&w);
    /* compounds by name (春江花城): the report form takes the compound and its community */
    struct compound *cps;
    int ncp;
    if (compound_search(req_db(rq), &rq->arena, q, 10, &cps, &ncp, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    jw_key(&w, "compounds");
    jw_arr(&w);
    for (int i = 0; i < ncp; i++) {
        struct place p;
        jw_obj(&w);
        jw_kint(&w, "id", cps[i].id);
        jw_kstr(&w, "name", cps[i].name);
        jw_kstr(&w, "community", cps[i].community_code);
        jw_kstr(&w, "community_name",
                place_get(req_db(rq), &rq->arena, cps[i].community_code, &p, &e) == ERR_OK ? p.name
                                                                                           : NULL);
        jw_end_obj(&w);
    }
    jw_end_arr(&w);
    jw_end_obj(&w);
    return reply_jw(rq, 200, &w);
}
