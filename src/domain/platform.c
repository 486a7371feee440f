/* platform.c - industry platforms and their short boards as registries, and a platform's page.
 * A platform is district-wide reference data (a development zone spans towns): the district
 * keeps it and every office reads it. Sub-domain bodies (细分领域联建议事机构) are platforms of
 * kind "subdomain" under their platform, each with its chain. An enterprise names its platform
 * (enterprises.platform); the joint party committee is the party organisation attached to the
 * platform (party-orgs, attach_kind "platform"). */
#include "domain/platform.h"
#include "core/util.h"
#include "domain/place.h"

#include <stdlib.h>
#include <string.h>

#define RWIE (V_READ | V_WRITE | V_IMPORT | V_EXPORT)

static const struct reg_option kinds[] = {
    {"zone", "开发区"}, {"chain", "产业链平台"}, {"subdomain", "细分领域联建机构"}, {NULL, NULL}};

static const struct reg_field fields[] = {
    [PF_NAME] = {.name = "name",
                 .label = "平台名称",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_UNIQUE | F_LIST | F_SEARCH | F_PUBLIC,
                 .max = 60},
    [PF_KIND] = {.name = "kind",
                 .label = "类型",
                 .label_en = "Kind",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_LIST | F_FILTER,
                 .options = kinds},
    [PF_PARENT] = {.name = "parent",
                   .column = "parent_id",
                   .label = "所属平台",
                   .label_en = "Parent platform",
                   .type = FT_REF,
                   .flags = F_LIST | F_FILTER,
                   .ref = "platforms"},
    [PF_CHAIN] = {.name = "chain",
                  .label = "产业链",
                  .label_en = "Industry chain",
                  .type = FT_TEXT,
                  .flags = F_LIST | F_SEARCH | F_FILTER,
                  .max = 40,
                  .dflt = ""},
    [PF_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "所在区域",
                  .label_en = "Place",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_LIST,
                  .levels = PLACE_LEVEL_BIT(PL_DISTRICT) | PLACE_LEVEL_BIT(PL_TOWN)},
    [PF_MANAGER] = {.name = "manager",
                    .label = "管理机构",
                    .label_en = "Managed by",
                    .type = FT_TEXT,
                    .flags = F_LIST | F_SEARCH,
                    .max = 60},
    [PF_PARTY_ORG] = {.name = "party_org",
                      .label = "联合党委",
                      .label_en = "Joint party committee",
                      .type = FT_REF,
                      .flags = F_READONLY | F_NOCSV,
                      .ref = "party-orgs",
                      .expr = "SELECT min(o.id) FROM party_orgs o WHERE o.attach_kind = "
                              "'platform' AND o.attach_id = platforms.id AND o.archived_at IS "
                              "NULL"},
    [PF_MEMBERS] = {.name = "members",
                    .label = "成员企业数",
                    .label_en = "Member enterprises",
                    .type = FT_INT,
                    .flags = F_READONLY | F_LIST | F_NOCSV,
                    .expr = "SELECT count(*) FROM enterprises x WHERE x.archived_at IS NULL AND "
                            "(x.platform_id = platforms.id OR x.platform_id IN (SELECT s.id FROM "
                            "platforms s WHERE s.parent_id = platforms.id))"},
    [PF_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

_Static_assert(sizeof(fields) / sizeof(fields[0]) == PF__COUNT, "platform fields");

/* A sub-domain body sits under a platform that is not one, and names its chain; a platform
 * heads itself. */
static int platform_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                          struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    (void)r;
    int sub = strcmp(rec->v[PF_KIND], "subdomain") == 0;
    const char *parent = rec->v[PF_PARENT];
    if (sub && parent == NULL)
        return err_set(e, ERR_INVALID, "parent", "细分领域联建机构须写明所属平台（parent）");
    if (!sub && parent != NULL)
        return err_set(e, ERR_INVALID, "parent", "只有细分领域联建机构（subdomain）有所属平台");
    if (sub && (rec->v[PF_CHAIN] == NULL || rec->v[PF_CHAIN][0] == '\0'))
        return err_set(e, ERR_INVALID, "chain", "细分领域联建机构须写明产业链（chain）");
    if (parent == NULL)
        return ERR_OK;
    if (old != NULL && strcmp(parent, old->key) == 0)
        return err_set(e, ERR_INVALID, "parent", "平台不能隶属于自己");
    int rc = db_query(db, c->a, &rows, e, "SELECT kind FROM platforms WHERE id = ?",
                      DB_ARGS(DBI(strtoll(parent, NULL, 10))));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows == 1 && strcmp(dbrows_get(&rows, 0, 0), "subdomain") == 0)
        return err_set(e, ERR_INVALID, "parent", "所属平台不能是细分领域联建机构");
    return ERR_OK;
}

const struct registry reg_platforms = {
    .id = REG_PLATFORMS,
    .name = "platforms",
    .label = "产业平台",
    .label_en = "Platforms",
    .table = "platforms",
    .key = "id",
    .scope = RS_GLOBAL,
    .opts = RO_ARCHIVE,
    .fields = fields,
    .nfields = PF__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = RWIE,
               [ROLE_STREET_OFFICE] = V_READ | V_EXPORT,
               [ROLE_COMMUNITY_OFFICE] = V_READ,
               [ROLE_ENTERPRISE_CADRE] = V_READ,
               [ROLE_PARTY_OFFICE] = V_READ | V_EXPORT},
    .conflict_field = "name",
    .rules = platform_rules,
};

/* ---- short boards (产业短板动态表) ---- */

static const struct reg_option sb_statuses[] = {
    {"open", "待补链"}, {"working", "招引中"}, {"filled", "已补齐"}, {NULL, NULL}};

static const struct reg_field sb_fields[] = {
    [SB_PLATFORM] = {.name = "platform",
                     .column = "platform_id",
                     .label = "平台",
                     .label_en = "Platform",
                     .type = FT_REF,
                     .flags = F_REQ | F_LIST | F_FILTER,
                     .ref = "platforms"},
    [SB_CHAIN] = {.name = "chain",
                  .label = "产业链",
                  .label_en = "Industry chain",
                  .type = FT_TEXT,
                  .flags = F_LIST | F_SEARCH | F_FILTER,
                  .max = 40},
    [SB_LINK] = {.name = "link",
                 .label = "短板环节",
                 .label_en = "Missing link",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST | F_SEARCH,
                 .max = 100},
    [SB_PLAN] = {.name = "plan",
                 .label = "补链计划",
                 .label_en = "Plan",
                 .type = FT_TEXT,
                 .flags = F_LIST,
                 .max = 500},
    [SB_OWNER] = {.name = "owner",
                  .label = "责任单位",
                  .label_en = "Owner",
                  .type = FT_TEXT,
                  .flags = F_REQ | F_LIST | F_SEARCH,
                  .max = 60},
    [SB_STATUS] = {.name = "status",
                   .label = "状态",
                   .label_en = "Status",
                   .type = FT_ENUM,
                   .flags = F_LIST | F_FILTER,
                   .options = sb_statuses,
                   .dflt = "open"},
    [SB_ATTRACTED] = {.name = "attracted",
                      .label = "已招引企业",
                      .label_en = "Enterprises attracted",
                      .type = FT_TAGS,
                      .flags = F_LIST,
                      .max = 50,
                      .dflt = "[]"},
    [SB_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

_Static_assert(sizeof(sb_fields) / sizeof(sb_fields[0]) == SB__COUNT, "short board fields");

/* The chain defaults to the platform's; a board without one names none. */
static int shortboard_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                            struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    (void)r, (void)old;
    if (rec->v[SB_CHAIN] != NULL && rec->v[SB_CHAIN][0] != '\0')
        return ERR_OK;
    int rc = db_query(db, c->a, &rows, e, "SELECT chain FROM platforms WHERE id = ?",
                      DB_ARGS(DBI(strtoll(rec->v[SB_PLATFORM], NULL, 10))));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows == 1 && dbrows_get(&rows, 0, 0)[0] != '\0') {
        rec->v[SB_CHAIN] = dbrows_get(&rows, 0, 0);
        return ERR_OK;
    }
    return err_set(e, ERR_INVALID, "chain", "产业链（chain）必填：该平台未写明产业链");
}

const struct registry reg_shortboards = {
    .id = REG_SHORTBOARDS,
    .name = "shortboards",
    .label = "产业短板",
    .label_en = "Short boards",
    .table = "shortboards",
    .key = "id",
    .scope = RS_GLOBAL,
    .opts = RO_ARCHIVE,
    .fields = sb_fields,
    .nfields = SB__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = RWIE,
               [ROLE_STREET_OFFICE] = V_READ | V_EXPORT,
               [ROLE_COMMUNITY_OFFICE] = V_READ,
               [ROLE_ENTERPRISE_CADRE] = V_READ,
               [ROLE_PARTY_OFFICE] = V_READ | V_EXPORT},
    .rules = shortboard_rules,
};

/* ---- a platform's page ---- */

/* The records of r whose field fname is one of ids (the platform and its sub-domains), as the
 * caller may read them, as the array key. */
static int list_of(struct db *db, struct reg_ctx *c, const struct registry *r, const char *fname,
                   const char *const *ids, int nids, const char *key, struct jsonw *w,
                   struct err *e)
{
    jw_key(w, key);
    jw_arr(w);
    for (int k = 0; k < nids; k++) {
        const char *names[] = {fname}, *values[] = {ids[k]};
        struct reg_query q = {
            .limit = 1000, .filter_names = names, .filter_values = values, .nfilters = 1};
        struct reg_rec *recs;
        const char *next;
        int n, rc = reg_list(db, c, r, &q, &recs, &n, &next, e);
        if (rc != ERR_OK)
            return rc;
        for (int i = 0; i < n; i++)
            reg_write_json(w, c, r, &recs[i]);
    }
    jw_end_arr(w);
    return ERR_OK;
}

int platform_page(struct db *db, struct reg_ctx *c, const char *id, struct jsonw *w, struct err *e)
{
    struct reg_rec p, *subs;
    struct dbrows rows;
    const char *next;
    int nsubs;
    int rc = reg_get(db, c, &reg_platforms, id, &p, e);
    if (rc != ERR_OK)
        return rc;
    const char *names[] = {"parent"}, *values[] = {p.key};
    struct reg_query q = {
        .limit = 100, .filter_names = names, .filter_values = values, .nfilters = 1};
    if ((rc = reg_list(db, c, &reg_platforms, &q, &subs, &nsubs, &next, e)) != ERR_OK)
        return rc;
    const char **ids = arena_alloc(c->a, sizeof(char *) * (size_t)(nsubs + 1));
    ids[0] = p.key;
    for (int i = 0; i < nsubs; i++)
        ids[i + 1] = subs[i].key;
    jw_obj(w);
    jw_key(w, "platform");
    reg_write_json(w, c, &reg_platforms, &p);
    jw_key(w, "subdomains");
    jw_arr(w);
    for (int i = 0; i < nsubs; i++)
        reg_write_json(w, c, &reg_platforms, &subs[i]);
    jw_end_arr(w);
    /* the joint committee and the bodies' organisations: names and secretaries, as signs show */
    rc = db_query(db, c->a, &rows, e,
                  "SELECT o.id, o.name, o.kind, o.place_code, o.secretary, o.attach_id FROM "
                  "party_orgs o JOIN platforms s ON s.id = o.attach_id WHERE o.attach_kind = "
                  "'platform' AND o.archived_at IS NULL AND (s.id = ? OR s.parent_id = ?) ORDER "
                  "BY o.id",
                  DB_ARGS(DBI(p.id), DBI(p.id)));
    if (rc != ERR_OK)
        return rc;
    jw_key(w, "party_orgs");
    jw_arr(w);
    for (int i = 0; i < rows.nrows; i++) {
        jw_obj(w);
        jw_kint(w, "id", dbrows_int(&rows, i, 0));
        jw_kstr(w, "name", dbrows_get(&rows, i, 1));
        jw_kstr(w, "kind", dbrows_get(&rows, i, 2));
        jw_kstr(w, "place", dbrows_get(&rows, i, 3));
        jw_kstr(w, "secretary", dbrows_get(&rows, i, 4));
        jw_kint(w, "platform", dbrows_int(&rows, i, 5));
        jw_end_obj(w);
    }
    jw_end_arr(w);
    if ((rc = list_of(db, c, &reg_enterprises, "platform", ids, nsubs + 1, "enterprises", w, e)) ||
        (rc = list_of(db, c, &reg_listings, "platform", ids, nsubs + 1, "listings", w, e)) ||
        (rc = list_of(db, c, &reg_shortboards, "platform", ids, nsubs + 1, "shortboards", w, e)))
        return rc;
    jw_end_obj(w);
    return ERR_OK;
}
