/* ledger.c - the ledger's registries: the district's catalogue of categories, the entries of a
 * village or community with their rules (category of the entry's kind, locked once submitted or
 * approved, a reversal mirrors the approved entry it reverses), and the district's thresholds of
 * collective income. Approval and the chain are in ledger_flow.c, sums in ledger_summary.c. */
#include "domain/ledger.h"
#include "core/util.h"
#include "domain/place.h"

#include <stdlib.h>
#include <string.h>

static const struct reg_option kinds[] = {
    {"income", "收入"},
    {"expense", "支出"},
    {NULL, NULL},
};

static const struct reg_option statuses[] = {
    {"draft", "草稿"}, {"submitted", "待审核"}, {"approved", "已通过"}, {"rejected", "已退回"},
    {NULL, NULL},
};

/* ---- categories ---- */

static int category_code_check(const char *in, char *out, size_t outsz, const char *field,
                               struct err *e)
{
    size_t n = strlen(in);
    if (n < 2 || n > 32 || strspn(in, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
        return err_set(e, ERR_INVALID, field, "科目代码为 2 到 32 个小写字母、数字或 -");
    snprintf(out, outsz, "%s", in);
    return ERR_OK;
}

static const struct reg_field category_fields[] = {
    [LC_CODE] = {.name = "code",
                 .label = "科目代码",
                 .label_en = "Code",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_IMMUTABLE | F_LIST | F_SEARCH,
                 .max = 32,
                 .check = category_code_check},
    [LC_NAME] = {.name = "name",
                 .label = "科目名称",
                 .label_en = "Name",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST | F_SEARCH,
                 .max = 40},
    [LC_KIND] = {.name = "kind",
                 .label = "收支",
                 .label_en = "Income or expense",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                 .options = kinds},
    [LC_OPERATING] = {.name = "operating",
                      .label = "计入经营性收入",
                      .label_en = "Operating income",
                      .type = FT_BOOL,
                      .flags = F_LIST | F_FILTER,
                      .dflt = "0"},
    [LC_SORT] = {.name = "sort",
                 .label = "排序",
                 .label_en = "Order",
                 .type = FT_INT,
                 .min = 0,
                 .max = 10000,
                 .dflt = "0"},
};

_Static_assert(ARRAY_LEN(category_fields) == LC__COUNT, "category fields");

/* operating income is income */
static int category_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                          struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)db, (void)c, (void)r, (void)old;
    if (strcmp(rec->v[LC_OPERATING], "1") == 0 && strcmp(rec->v[LC_KIND], "income") != 0)
        return err_set(e, ERR_INVALID, "operating", "只有收入科目才能计入经营性收入");
    return ERR_OK;
}

const struct registry reg_ledger_categories = {
    .id = REG_LEDGER_CATEGORIES,
    .name = "ledger-categories",
    .label = "收支科目",
    .label_en = "Ledger categories",
    .table = "ledger_categories",
    .key = "code",
    .key_text = 1,
    .scope = RS_GLOBAL,
    .fields = category_fields,
    .nfields = LC__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = V_READ | V_WRITE | V_IMPORT | V_EXPORT,
               [ROLE_STREET_OFFICE] = V_READ,
               [ROLE_COMMUNITY_OFFICE] = V_READ},
    .rules = category_rules,
};

/* ---- entries ---- */

static const struct reg_field entry_fields[] = {
    [LE_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "村（社区）",
                  .label_en = "Village or community",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_IMMUTABLE | F_LIST,
                  .levels = PLACE_LEVEL_BIT(PL_COMMUNITY)},
    [LE_PLACE_NAME] = {.name = "place_name",
                       .label = "村（社区）名称",
                       .label_en = "Village or community name",
                       .type = FT_TEXT,
                       .flags = F_READONLY | F_NOCSV,
                       .expr = "SELECT p.name FROM places p WHERE p.code = "
                               "ledger_entries.place_code"},
    [LE_DATE] = {.name = "date",
                 .column = "entry_date",
                 .label = "日期",
                 .label_en = "Date",
                 .type = FT_DATE,
                 .flags = F_REQ | F_LIST | F_FILTER},
    [LE_KIND] = {.name = "kind",
                 .label = "收支",
                 .label_en = "Income or expense",
                 .type = FT_ENUM,
                 .flags = F_REQ | F_LIST | F_FILTER,
                 .options = kinds},
    [LE_CATEGORY] = {.name = "category",
                     .label = "科目",
                     .label_en = "Category",
                     .type = FT_TEXT,
                     .flags = F_REQ | F_FILTER,
                     .max = 32},
    [LE_CATEGORY_NAME] = {.name = "category_name",
                          .label = "科目名称",
                          .label_en = "Category name",
                          .type = FT_TEXT,
                          .flags = F_READONLY | F_LIST | F_NOCSV,
                          .expr = "SELECT lc.name FROM ledger_categories lc WHERE lc.code = "
                                  "ledger_entries.category"},
    [LE_AMOUNT] = {.name = "amount",
                   .label = "金额（分）",
                   .label_en = "Amount (fen)",
                   .type = FT_MONEY,
                   .flags = F_REQ | F_LIST,
                   .min = 1,
                   .max = LEDGER_AMOUNT_MAX},
    [LE_COUNTERPARTY] = {.name = "counterparty",
                         .label = "对方单位或个人",
                         .label_en = "Counterparty",
                         .type = FT_TEXT,
                         .flags = F_LIST | F_SEARCH,
                         .max = 100},
    [LE_VOUCHER] = {.name = "voucher_no",
                    .label = "凭证号",
                    .label_en = "Voucher number",
                    .type = FT_TEXT,
                    .flags = F_SEARCH | F_FILTER,
                    .max = 40},
    [LE_ATTACHMENTS] = {.name = "attachments",
                        .label = "附件",
                        .label_en = "Attachments",
                        .type = FT_TAGS,
                        .flags = F_READONLY | F_NOCSV,
                        .max = LEDGER_ATTACH_MAX},
    [LE_NOTE] = {.name = "note",
                 .label = "摘要",
                 .label_en = "Note",
                 .type = FT_TEXT,
                 .flags = F_SEARCH,
                 .max = 500},
    [LE_REVERSES] = {.name = "reverses",
                     .label = "冲销分录",
                     .label_en = "Reverses entry",
                     .type = FT_REF,
                     .flags = F_IMMUTABLE | F_FILTER,
                     .ref = "ledger-entries"},
    [LE_STATUS] = {.name = "status",
                   .label = "审核状态",
                   .label_en = "Status",
                   .type = FT_ENUM,
                   .flags = F_READONLY | F_LIST | F_FILTER | F_COUNT,
                   .options = statuses},
    [LE_REASON] = {.name = "reason",
                   .label = "退回理由",
                   .label_en = "Reason of rejection",
                   .type = FT_TEXT,
                   .flags = F_READONLY,
                   .max = 500},
};

_Static_assert(ARRAY_LEN(entry_fields) == LE__COUNT, "entry fields");

static int check_reversal(struct db *db, struct reg_ctx *c, struct reg_rec *rec, struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, c->a, &r, e,
                      "SELECT status, place_code, kind, category, amount, reverses, (SELECT "
                      "count(*) FROM ledger_entries x WHERE x.reverses = o.id AND x.archived_at IS "
                      "NULL AND x.status <> 'rejected') FROM ledger_entries o WHERE o.id = ?",
                      DB_ARGS(DBI(strtoll(rec->v[LE_REVERSES], NULL, 10))));
    if (rc != ERR_OK)
        return rc;
    if (r.nrows == 0) /* the engine found it; gone since */
        return err_set(e, ERR_INVALID, "reverses", "冲销分录（reverses）不存在");
    if (strcmp(dbrows_get(&r, 0, 0), "approved") != 0)
        return err_set(e, ERR_INVALID, "reverses",
                       "只能冲销已审核通过的分录；未通过的分录可直接修改或删除");
    if (dbrows_get(&r, 0, 5) != NULL)
        return err_set(e, ERR_INVALID, "reverses", "冲销分录本身不能再被冲销");
    if (dbrows_int(&r, 0, 6) > 0)
        return err_set(e, ERR_CONFLICT, "reverses", "该分录已有冲销分录");
    if (strcmp(dbrows_get(&r, 0, 1), rec->v[LE_PLACE]) != 0 ||
        strcmp(dbrows_get(&r, 0, 2), rec->v[LE_KIND]) != 0 ||
        strcmp(dbrows_get(&r, 0, 3), rec->v[LE_CATEGORY]) != 0 ||
        dbrows_int(&r, 0, 4) != strtoll(rec->v[LE_AMOUNT], NULL, 10))
        return err_set(e, ERR_INVALID, "reverses",
                       "冲销分录的村社、收支、科目和金额须与原分录一致（合计时按负数计）");
    return ERR_OK;
}

/* A draft or a rejected entry may change; a submitted one waits for the street; an approved one
 * is locked. The category is the entry's kind; a reversal mirrors what it reverses. */
static int entry_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                       struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows k;
    (void)r;
    if (old != NULL && strcmp(old->v[LE_STATUS], "approved") == 0)
        return err_set(e, ERR_CONFLICT, "status",
                       "已审核通过的分录已锁定，不能修改；更正请录入冲销分录（reverses）");
    if (old != NULL && strcmp(old->v[LE_STATUS], "submitted") == 0)
        return err_set(e, ERR_CONFLICT, "status", "分录已提交街道审核，审核前不能修改");
    int rc = db_query(db, c->a, &k, e, "SELECT kind FROM ledger_categories WHERE code = ?",
                      DB_ARGS(DBS(rec->v[LE_CATEGORY])));
    if (rc != ERR_OK)
        return rc;
    if (k.nrows == 0)
        return err_set(e, ERR_INVALID, "category", "科目（category）“%.32s”不在区里的科目表中",
                       rec->v[LE_CATEGORY]);
    if (strcmp(dbrows_get(&k, 0, 0), rec->v[LE_KIND]) != 0)
        return err_set(e, ERR_INVALID, "category", "科目（category）“%.32s”是%s科目，与收支不符",
                       rec->v[LE_CATEGORY],
                       strcmp(dbrows_get(&k, 0, 0), "income") == 0 ? "收入" : "支出");
    if (old == NULL)
        rec->v[LE_STATUS] = "draft"; /* stored and counted as such */
    if (old == NULL && rec->v[LE_REVERSES] != NULL)
        return check_reversal(db, c, rec, e);
    return ERR_OK;
}

const struct registry reg_ledger_entries = {
    .id = REG_LEDGER_ENTRIES,
    .name = "ledger-entries",
    .label = "村社账目",
    .label_en = "Ledger entries",
    .table = "ledger_entries",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = entry_fields,
    .nfields = LE__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = V_READ | V_EXPORT,
               [ROLE_STREET_OFFICE] = V_READ | V_EXPORT,
               [ROLE_COMMUNITY_OFFICE] = V_READ | V_WRITE | V_IMPORT | V_EXPORT},
    .rules = entry_rules,
    .may_delete = ledger_may_delete,
};

/* ---- thresholds ---- */

static const struct reg_field threshold_fields[] = {
    [IT_YEAR] = {.name = "year",
                 .label = "年度",
                 .label_en = "Year",
                 .type = FT_INT,
                 .flags = F_REQ | F_UNIQUE | F_LIST,
                 .min = 2000,
                 .max = 2100},
    [IT_WEAK_BELOW] = {.name = "weak_below",
                       .label = "薄弱村经营性收入标准（分）",
                       .label_en = "Weak below (operating income, fen)",
                       .type = FT_MONEY,
                       .flags = F_REQ | F_LIST,
                       .min = 0,
                       .max = LEDGER_AMOUNT_MAX},
    [IT_NOTE] = {.name = "note", .label = "说明", .label_en = "Note", .type = FT_TEXT, .max = 200},
};

_Static_assert(ARRAY_LEN(threshold_fields) == IT__COUNT, "threshold fields");

const struct registry reg_income_thresholds = {
    .id = REG_INCOME_THRESHOLDS,
    .name = "income-thresholds",
    .label = "集体经济收入标准",
    .label_en = "Collective income thresholds",
    .table = "income_thresholds",
    .key = "id",
    .scope = RS_GLOBAL,
    .fields = threshold_fields,
    .nfields = IT__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = V_READ | V_WRITE | V_EXPORT,
               [ROLE_STREET_OFFICE] = V_READ,
               [ROLE_COMMUNITY_OFFICE] = V_READ},
    .conflict_field = "year",
};
