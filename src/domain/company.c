/* company.c - community companies (强社公司) as registries: the company (its seat is a town or a
 * community, whose offices keep it), the communities holding its shares, and its figures per
 * year. Shareholdings and years take the company's place, so they are seen where the company
 * is, and a shareholder community sees its own holding; only those who may write the company
 * change them. The dividends of a year go back to the communities by their shares. */
#include "domain/company.h"
#include "core/util.h"
#include "domain/pii_fields.h"
#include "domain/place.h"

#include <stdlib.h>
#include <string.h>

#define RWIE (V_READ | V_WRITE | V_IMPORT | V_EXPORT)
#define FEN_MAX 100000000000LL /* 10亿元 */

#define COMPANY_GRANTS                                                                             \
    {                                                                                              \
        [ROLE_DISTRICT_ADMIN] = RWIE, [ROLE_STREET_OFFICE] = RWIE,                                 \
        [ROLE_COMMUNITY_OFFICE] = V_READ | V_WRITE | V_EXPORT, [ROLE_PARTY_OFFICE] = V_READ,       \
    }

static const struct reg_field company_fields[] = {
    [CO_NAME] = {.name = "name",
                 .label = "公司名称",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_UNIQUE | F_LIST | F_SEARCH,
                 .max = 100},
    [CO_CREDIT_CODE] = {.name = "credit_code",
                        .label = "统一社会信用代码",
                        .label_en = "Unified social credit code",
                        .type = FT_TEXT,
                        .flags = F_UNIQUE | F_SEARCH | F_FILTER,
                        .max = 18,
                        .check = field_check_credit_code},
    [CO_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "所在镇街或社区",
                  .label_en = "Town or community",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_LIST,
                  .levels = PLACE_LEVEL_BIT(PL_TOWN) | PLACE_LEVEL_BIT(PL_COMMUNITY)},
    [CO_BUSINESS] = {.name = "business",
                     .label = "经营范围",
                     .label_en = "Business",
                     .type = FT_TEXT,
                     .flags = F_LIST | F_SEARCH,
                     .max = 200,
                     .dflt = ""},
    [CO_CHAIR] = {.name = "chair",
                  .label = "董事长",
                  .label_en = "Chair",
                  .type = FT_TEXT,
                  .flags = F_LIST,
                  .max = 40},
    [CO_FOUNDED_ON] = {.name = "founded_on",
                       .label = "成立日期",
                       .label_en = "Founded on",
                       .type = FT_DATE},
    [CO_CAPITAL] = {.name = "capital",
                    .label = "注册资本（分）",
                    .label_en = "Registered capital (fen)",
                    .type = FT_MONEY,
                    .min = 0,
                    .max = FEN_MAX,
                    .dflt = "0"},
    [CO_SHAREHOLDERS] = {.name = "shareholders",
                         .label = "股东村社数",
                         .label_en = "Shareholder communities",
                         .type = FT_INT,
                         .flags = F_READONLY | F_LIST | F_NOCSV,
                         .expr = "SELECT count(*) FROM company_shareholders s WHERE s.company_id "
                                 "= companies.id"},
    [CO_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

const struct registry reg_companies = {
    .id = REG_COMPANIES,
    .name = "companies",
    .label = "强社公司",
    .label_en = "Community companies",
    .table = "companies",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = company_fields,
    .nfields = CO__COUNT,
    .grants = COMPANY_GRANTS,
    .conflict_field = "name",
};

/* The record of a company's part (a holding, a year) takes the company's place, and only those
 * who may write the company change it. */
static int company_part(struct db *db, struct reg_ctx *c, struct reg_rec *rec, int company_i,
                        int place_i, struct err *e)
{
    struct reg_rec co;
    struct reg_ctx sys = {.a = c->a};
    int rc = reg_get(db, &sys, &reg_companies, rec->v[company_i], &co, e);
    if (rc == ERR_NOT_FOUND)
        return err_set(e, ERR_INVALID, "company", "没有编号 %s 的强社公司", rec->v[company_i]);
    if (rc != ERR_OK)
        return rc;
    if (c->enforce && !reg_allows(c->user, &reg_companies, V_WRITE, &co))
        return err_set(e, ERR_FORBIDDEN, "company", "强社公司 %s 不在您的管辖范围内", co.key);
    rec->v[place_i] = co.v[CO_PLACE];
    rec->given[place_i] = 1;
    return ERR_OK;
}

static const struct reg_field holder_fields[] = {
    [CS_COMPANY] = {.name = "company",
                    .column = "company_id",
                    .label = "强社公司",
                    .label_en = "Company",
                    .type = FT_REF,
                    .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                    .ref = "companies"},
    [CS_COMPANY_NAME] = {.name = "company_name",
                         .label = "公司名称",
                         .label_en = "Company name",
                         .type = FT_TEXT,
                         .flags = F_READONLY | F_LIST | F_NOCSV,
                         .expr = "SELECT c.name FROM companies c WHERE c.id = "
                                 "company_shareholders.company_id"},
    [CS_COMMUNITY] = {.name = "community",
                      .column = "community_code",
                      .label = "股东村社",
                      .label_en = "Shareholder community",
                      .type = FT_PLACE,
                      .flags = F_REQ | F_IMMUTABLE | F_SCOPE | F_LIST | F_FILTER,
                      .levels = PLACE_LEVEL_BIT(PL_COMMUNITY)},
    [CS_COMMUNITY_NAME] = {.name = "community_name",
                           .label = "村社名称",
                           .label_en = "Community name",
                           .type = FT_TEXT,
                           .flags = F_READONLY | F_LIST | F_NOCSV,
                           .expr = "SELECT p.name FROM places p WHERE p.code = "
                                   "company_shareholders.community_code"},
    [CS_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "公司所在地",
                  .label_en = "Company's place",
                  .type = FT_PLACE,
                  .flags = F_READONLY | F_SCOPE | F_NOCSV},
    [CS_SHARES] = {.name = "shares",
                   .label = "股份数",
                   .label_en = "Shares",
                   .type = FT_INT,
                   .flags = F_REQ | F_LIST,
                   .min = 1,
                   .max = 1000000000},
    [CS_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

static int holder_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                        struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)r, (void)old;
    return company_part(db, c, rec, CS_COMPANY, CS_PLACE, e);
}

const struct registry reg_company_shareholders = {
    .id = REG_COMPANY_SHAREHOLDERS,
    .name = "company-shareholders",
    .label = "强社公司股东",
    .label_en = "Company shareholders",
    .table = "company_shareholders",
    .key = "id",
    .scope = RS_PLACE,
    .fields = holder_fields,
    .nfields = CS__COUNT,
    .grants = COMPANY_GRANTS,
    .conflict_field = "community",
    .rules = holder_rules,
};

static const struct reg_field year_fields[] = {
    [CY_COMPANY] = {.name = "company",
                    .column = "company_id",
                    .label = "强社公司",
                    .label_en = "Company",
                    .type = FT_REF,
                    .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                    .ref = "companies"},
    [CY_COMPANY_NAME] = {.name = "company_name",
                         .label = "公司名称",
                         .label_en = "Company name",
                         .type = FT_TEXT,
                         .flags = F_READONLY | F_LIST | F_NOCSV,
                         .expr = "SELECT c.name FROM companies c WHERE c.id = "
                                 "company_years.company_id"},
    [CY_YEAR] = {.name = "year",
                 .label = "年度",
                 .label_en = "Year",
                 .type = FT_INT,
                 .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                 .min = 2000,
                 .max = 2100},
    [CY_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "公司所在地",
                  .label_en = "Company's place",
                  .type = FT_PLACE,
                  .flags = F_READONLY | F_SCOPE | F_NOCSV},
    [CY_REVENUE] = {.name = "revenue",
                    .label = "营业收入（分）",
                    .label_en = "Revenue (fen)",
                    .type = FT_MONEY,
                    .flags = F_LIST,
                    .min = 0,
                    .max = FEN_MAX,
                    .dflt = "0"},
    [CY_PROFIT] = {.name = "profit",
                   .label = "利润（分）",
                   .label_en = "Profit (fen)",
                   .type = FT_MONEY,
                   .flags = F_LIST,
                   .min = -FEN_MAX,
                   .max = FEN_MAX,
                   .dflt = "0"},
    [CY_DIVIDENDS] = {.name = "dividends",
                      .label = "分红总额（分）",
                      .label_en = "Dividends (fen)",
                      .type = FT_MONEY,
                      .flags = F_LIST,
                      .min = 0,
                      .max = FEN_MAX,
                      .dflt = "0"},
    [CY_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

static int year_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                      struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)r, (void)old;
    return company_part(db, c, rec, CY_COMPANY, CY_PLACE, e);
}

const struct registry reg_company_years = {
    .id = REG_COMPANY_YEARS,
    .name = "company-years",
    .label = "强社公司年度经营",
    .label_en = "Company years",
    .table = "company_years",
    .key = "id",
    .scope = RS_PLACE,
    .fields = year_fields,
    .nfields = CY__COUNT,
    .grants = COMPANY_GRANTS,
    .conflict_field = "year",
    .rules = year_rules,
};

_Static_assert(sizeof(company_fields) / sizeof(company_fields[0]) == CO__COUNT, "fields");
_Static_assert(sizeof(holder_fields) / sizeof(holder_fields[0]) == CS__COUNT, "fields");
_Static_assert(sizeof(year_fields) / sizeof(year_fields[0]) == CY__COUNT, "fields");

/* ---- dividends ---- */

int dividend_split(int64_t total, const int64_t *shares, int n, int64_t *out)
{
    __int128 sum = 0;
    if (total < 0)
        return ERR_INVALID;
    for (int i = 0; i < n; i++) {
        if (shares[i] <= 0)
            return ERR_INVALID;
        sum += shares[i];
    }
    if (n == 0)
        return ERR_OK;
    int64_t given = 0;
    for (int i = 0; i < n; i++) {
        out[i] = (int64_t)(((__int128)total * shares[i]) / sum);
        given += out[i];
    }
    /* the fen left over (fewer than n), one each to the largest remainders */
    for (int64_t left = total - given; left > 0; left--) {
        int best = -1;
        __int128 best_rem = -1;
        for (int i = 0; i < n; i++) {
            __int128 rem = (__int128)total * shares[i] - (__int128)out[i] * sum;
            if (rem > best_rem) {
                best_rem = rem;
                best = i;
            }
        }
        out[best]++;
    }
    return ERR_OK;
}

int company_dividends(struct db *db, struct reg_ctx *c, const char *id, int year, struct jsonw *w,
                      struct err *e)
{
    struct reg_rec co;
    struct dbrows hs, ys;
    int rc = reg_get(db, c, &reg_companies, id, &co, e);
    if (rc != ERR_OK)
        return rc;
    rc = db_query(db, c->a, &hs, e,
                  "SELECT s.community_code, p.name, s.shares FROM company_shareholders s JOIN "
                  "places p ON p.code = s.community_code WHERE s.company_id = ? ORDER BY s.id",
                  DB_ARGS(DBI(co.id)));
    if (rc != ERR_OK)
        return rc;
    rc = db_query(db, c->a, &ys, e,
                  "SELECT year, revenue, profit, dividends FROM company_years WHERE company_id = ? "
                  "AND (? = 0 OR year = ?) ORDER BY year",
                  DB_ARGS(DBI(co.id), DBI(year), DBI(year)));
    if (rc != ERR_OK)
        return rc;
    int n = hs.nrows;
    int64_t *shares = arena_alloc(c->a, sizeof(int64_t) * (size_t)(n + 1));
    int64_t *parts = arena_alloc(c->a, sizeof(int64_t) * (size_t)(n + 1));
    int64_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += shares[i] = dbrows_int(&hs, i, 2);
    jw_obj(w);
    jw_key(w, "company");
    reg_write_json(w, c, &reg_companies, &co);
    jw_kint(w, "shares", sum);
    jw_key(w, "shareholders");
    jw_arr(w);
    for (int i = 0; i < n; i++) {
        jw_obj(w);
        jw_kstr(w, "community", dbrows_get(&hs, i, 0));
        jw_kstr(w, "name", dbrows_get(&hs, i, 1));
        jw_kint(w, "shares", shares[i]);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_key(w, "years");
    jw_arr(w);
    int64_t totals[4] = {0};
    for (int y = 0; y < ys.nrows; y++) {
        int64_t div = dbrows_int(&ys, y, 3);
        jw_obj(w);
        jw_kint(w, "year", dbrows_int(&ys, y, 0));
        jw_kint(w, "revenue", dbrows_int(&ys, y, 1));
        jw_kint(w, "profit", dbrows_int(&ys, y, 2));
        jw_kint(w, "dividends", div);
        for (int k = 1; k < 4; k++)
            totals[k] += dbrows_int(&ys, y, k);
        jw_key(w, "split");
        jw_arr(w);
        if (dividend_split(div, shares, n, parts) == ERR_OK) {
            for (int i = 0; i < n; i++) {
                jw_obj(w);
                jw_kstr(w, "community", dbrows_get(&hs, i, 0));
                jw_kstr(w, "name", dbrows_get(&hs, i, 1));
                jw_kint(w, "shares", shares[i]);
                jw_kint(w, "amount", parts[i]);
                jw_end_obj(w);
            }
        }
        jw_end_arr(w);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_key(w, "totals");
    jw_obj(w);
    jw_kint(w, "revenue", totals[1]);
    jw_kint(w, "profit", totals[2]);
    jw_kint(w, "dividends", totals[3]);
    jw_end_obj(w);
    jw_end_obj(w);
    return ERR_OK;
}
