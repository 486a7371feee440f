/* compound.c - residential compounds (小区) as a registry: a compound lies in one community,
 * overlaps some of its grids, and has (or lacks) a property company and an owners' committee.
 * Offices write them; every role whose scope covers the community or one of the grids reads
 * them, and a compound commissioner reads the compound of its scope. */
#include "domain/compound.h"
#include "core/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const struct reg_field fields[] = {
    {.name = "community",
     .column = "community_code",
     .label = "社区",
     .label_en = "Community",
     .type = FT_PLACE,
     .flags = F_REQ | F_SCOPE | F_IMMUTABLE | F_LIST | F_FILTER | F_PUBLIC,
     .levels = PLACE_LEVEL_BIT(PL_COMMUNITY)},
    {.name = "name",
     .label = "小区名称",
     .label_en = "Name",
     .type = FT_TEXT,
     .flags = F_REQ | F_LIST | F_SEARCH | F_PUBLIC,
     .max = 64},
    {.name = "address",
     .label = "地址",
     .label_en = "Address",
     .type = FT_TEXT,
     .flags = F_LIST | F_SEARCH,
     .max = 200,
     .dflt = ""},
    {.name = "households",
     .label = "户数",
     .label_en = "Households",
     .type = FT_INT,
     .flags = F_LIST,
     .min = 0,
     .max = 100000,
     .dflt = "0"},
    {.name = "property_company",
     .label = "物业公司",
     .label_en = "Property company",
     .type = FT_TEXT,
     .flags = F_LIST | F_SEARCH | F_COUNT,
     .max = 100,
     .dflt = ""},
    {.name = "owners_committee",
     .label = "业委会",
     .label_en = "Owners' committee",
     .type = FT_BOOL,
     .flags = F_LIST | F_FILTER | F_COUNT,
     .dflt = "0"},
    {.name = "grids",
     .label = "网格",
     .label_en = "Grids",
     .type = FT_CODES,
     .flags = F_SCOPE | F_PUBLIC,
     .max = 50,
     .levels = PLACE_LEVEL_BIT(PL_GRID),
     .dflt = "[]",
     .link_table = "compound_grids",
     .link_owner = "compound_id",
     .link_col = "grid_code"},
};

/* The grids of a compound are grids of its community. */
static int compound_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                          struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    const char *community = rec->v[0];
    json_t *grids = rec->v[6] ? json_loads(rec->v[6], 0, NULL) : NULL;
    size_t k;
    json_t *g;
    int rc = ERR_OK;
    (void)db, (void)c, (void)r, (void)old;
    json_array_foreach(grids, k, g)
    {
        if (strncmp(json_string_value(g), community, strlen(community)) != 0) {
            rc = err_set(e, ERR_INVALID, "grids", "网格 %s 不属于社区 %s", json_string_value(g),
                         community);
            break;
        }
    }
    json_decref(grids);
    return rc;
}

#define OFFICE (V_READ | V_WRITE | V_IMPORT | V_EXPORT)
const struct registry reg_compounds = {
    .id = REG_COMPOUNDS,
    .name = "compounds",
    .label = "小区",
    .label_en = "Compounds",
    .table = "compounds",
    .key = "id",
    .scope = RS_PLACE,
    .fields = fields,
    .nfields = (int)ARRAY_LEN(fields),
    .grants =
        {
            [ROLE_DISTRICT_ADMIN] = OFFICE,
            [ROLE_STREET_OFFICE] = OFFICE,
            [ROLE_COMMUNITY_OFFICE] = OFFICE,
            [ROLE_GRID_LEADER] = V_READ | V_EXPORT,
            [ROLE_GRID_WORKER] = V_READ,
            [ROLE_COMMISSIONER] = V_READ,
            [ROLE_DEPT_HANDLER] = V_READ,
            [ROLE_ENTERPRISE_CADRE] = V_READ,
            [ROLE_PARTY_OFFICE] = V_READ,
        },
    .compound_field = "id",
    .conflict_field = "name",
    .rules = compound_rules,
};

static void compound_from_rec(struct arena *a, const struct reg_rec *rec, struct compound *out)
{
    memset(out, 0, sizeof(*out));
    out->id = rec->id;
    out->community_code = rec->v[0];
    out->name = rec->v[1];
    json_t *grids = json_loads(rec->v[6] ? rec->v[6] : "[]", 0, NULL);
    out->ngrids = (int)json_array_size(grids);
    out->grids = arena_alloc(a, sizeof(char *) * (size_t)(out->ngrids + 1));
    for (int i = 0; i < out->ngrids; i++)
        out->grids[i] = arena_strdup(a, json_string_value(json_array_get(grids, (size_t)i)));
    json_decref(grids);
}

int compound_search(struct db *db, struct arena *a, const char *q, int limit, struct compound **out,
                    int *n, struct err *e)
{
    struct reg_ctx c = {.a = a};
    struct reg_query qy = {.q = q, .limit = limit, .all_scope = 1};
    struct reg_rec *recs;
    const char *next;
    int rc = reg_list(db, &c, &reg_compounds, &qy, &recs, n, &next, e);
    if (rc != ERR_OK)
        return rc;
    *out = arena_alloc(a, sizeof(**out) * (size_t)(*n + 1));
    for (int i = 0; i < *n; i++)
        compound_from_rec(a, &recs[i], &(*out)[i]);
    return ERR_OK;
}

int compound_get(struct db *db, struct arena *a, int64_t id, struct compound *out, struct err *e)
{
    struct reg_ctx c = {.a = a};
    struct reg_rec rec;
    int rc = reg_get(db, &c, &reg_compounds, arena_printf(a, "%lld", (long long)id), &rec, e);
    if (rc != ERR_OK)
        return rc;
    compound_from_rec(a, &rec, out);
    return ERR_OK;
}
