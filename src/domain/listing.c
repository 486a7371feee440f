/* listing.c - supply and demand listings as a registry. A listing belongs to an enterprise and
 * lies where the enterprise does (its scope); its chain, region and platform default to the
 * enterprise's chain, district and platform. Matching is listing_match.c. */
#include "domain/listing.h"
#include "core/util.h"
#include "domain/place.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct reg_option sides[] = {{"supply", "供应"}, {"demand", "需求"}, {NULL, NULL}};
static const struct reg_option kinds[] = {{"product", "产品"}, {"service", "服务"}, {NULL, NULL}};
static const struct reg_option statuses[] = {
    {"open", "对接中"}, {"matched", "已对接"}, {"closed", "已关闭"}, {NULL, NULL}};

static const struct reg_field fields[] = {
    [LS_ENTERPRISE] = {.name = "enterprise",
                       .column = "enterprise_id",
                       .label = "发布企业",
                       .label_en = "Enterprise",
                       .type = FT_REF,
                       .flags = F_REQ | F_IMMUTABLE | F_FILTER,
                       .ref = "enterprises"},
    [LS_ENTERPRISE_NAME] = {.name = "enterprise_name",
                            .label = "企业名称",
                            .label_en = "Enterprise name",
                            .type = FT_TEXT,
                            .flags = F_READONLY | F_LIST | F_NOCSV,
                            .expr = "SELECT x.name FROM enterprises x WHERE x.id = "
                                    "listings.enterprise_id"},
    [LS_SIDE] = {.name = "side",
                 .label = "供需",
                 .label_en = "Side",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_LIST | F_FILTER,
                 .options = sides},
    [LS_KIND] = {.name = "kind",
                 .label = "类别",
                 .label_en = "Kind",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_LIST | F_FILTER,
                 .options = kinds},
    [LS_TITLE] = {.name = "title",
                  .label = "产品或服务",
                  .label_en = "Product or service",
                  .type = FT_TEXT,
                  .flags = F_REQ | F_LIST | F_SEARCH,
                  .max = 60},
    [LS_DETAIL] = {.name = "detail",
                   .label = "说明",
                   .label_en = "Detail",
                   .type = FT_TEXT,
                   .flags = F_SEARCH,
                   .max = 500},
    [LS_QUANTITY] = {.name = "quantity",
                     .label = "数量",
                     .label_en = "Quantity",
                     .type = FT_TEXT,
                     .flags = F_LIST,
                     .max = 40},
    [LS_CHAIN] = {.name = "chain",
                  .label = "产业链",
                  .label_en = "Industry chain",
                  .type = FT_TEXT,
                  .flags = F_LIST | F_SEARCH | F_FILTER,
                  .max = 40,
                  .dflt = ""},
    [LS_REGION] = {.name = "region",
                   .label = "供需地区",
                   .label_en = "Region",
                   .type = FT_PLACE,
                   .flags = F_LIST,
                   .levels = PLACE_LEVEL_BIT(PL_DISTRICT) | PLACE_LEVEL_BIT(PL_TOWN) |
                             PLACE_LEVEL_BIT(PL_COMMUNITY)},
    [LS_VALID_UNTIL] = {.name = "valid_until",
                        .label = "有效期至",
                        .label_en = "Valid until",
                        .type = FT_DATE,
                        .flags = F_REQ | F_LIST},
    [LS_STATUS] = {.name = "status",
                   .label = "状态",
                   .label_en = "Status",
                   .type = FT_ENUM,
                   .flags = F_LIST | F_FILTER,
                   .options = statuses,
                   .dflt = "open"},
    [LS_PLATFORM] = {.name = "platform",
                     .column = "platform_id",
                     .label = "对接平台",
                     .label_en = "Platform",
                     .type = FT_REF,
                     .flags = F_FILTER,
                     .ref = "platforms"},
    [LS_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "企业所在地",
                  .label_en = "Enterprise's place",
                  .type = FT_PLACE,
                  .flags = F_READONLY | F_SCOPE | F_LIST,
                  .levels = PLACE_LEVEL_BIT(PL_TOWN) | PLACE_LEVEL_BIT(PL_COMMUNITY)},
};

_Static_assert(sizeof(fields) / sizeof(fields[0]) == LS__COUNT, "listing fields");

/* The place is the enterprise's; chain, region and platform default to its. A new listing is
 * valid today or later. */
static int listing_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                         struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    char now[32];
    (void)r;
    int rc = db_query(db, c->a, &rows, e,
                      "SELECT place_code, chain, platform_id FROM enterprises WHERE id = ?",
                      DB_ARGS(DBI(strtoll(rec->v[LS_ENTERPRISE], NULL, 10))));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows != 1)
        return err_set(e, ERR_INVALID, "enterprise", "没有这家企业");
    const char *place = dbrows_get(&rows, 0, 0);
    rec->v[LS_PLACE] = place;
    if (rec->v[LS_CHAIN] == NULL || rec->v[LS_CHAIN][0] == '\0')
        rec->v[LS_CHAIN] = dbrows_get(&rows, 0, 1);
    if (rec->v[LS_REGION] == NULL)
        rec->v[LS_REGION] = arena_printf(c->a, "%.6s", place);
    if (old == NULL && !rec->given[LS_PLATFORM])
        rec->v[LS_PLATFORM] = dbrows_get(&rows, 0, 2);
    time_iso_cst(time(NULL), now);
    if (rec->given[LS_VALID_UNTIL] && strncmp(rec->v[LS_VALID_UNTIL], now, 10) < 0)
        return err_set(e, ERR_INVALID, "valid_until", "有效期 %s 已过（今天是 %.10s）",
                       rec->v[LS_VALID_UNTIL], now);
    return ERR_OK;
}

const struct registry reg_listings = {
    .id = REG_LISTINGS,
    .name = "listings",
    .label = "供需信息",
    .label_en = "Listings",
    .table = "listings",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = fields,
    .nfields = LS__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = V_READ | V_WRITE | V_IMPORT | V_EXPORT,
               [ROLE_STREET_OFFICE] = V_READ | V_WRITE | V_IMPORT | V_EXPORT,
               [ROLE_COMMUNITY_OFFICE] = V_READ | V_WRITE | V_EXPORT,
               [ROLE_ENTERPRISE_CADRE] = V_READ | V_WRITE,
               [ROLE_PARTY_OFFICE] = V_READ},
    .rules = listing_rules,
};
