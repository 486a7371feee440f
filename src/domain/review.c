/* review.c - the re-election review of village and community organisations (换届回头看): the
 * district's checklist (review_items, one template for every place, edited by district
 * administrators), a review per place and round, the result of each checklist item with its
 * finding and follow-up (owner, due date, status), and the status rolled up per street. */
#include "domain/review.h"
#include "core/util.h"
#include "domain/place.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct reg_field item_fields[] = {
    [RI_NAME] = {.name = "name",
                 .label = "检查事项",
                 .label_en = "Item",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_UNIQUE | F_LIST | F_SEARCH,
                 .max = 100},
    [RI_CATEGORY] = {.name = "category",
                     .label = "类别",
                     .label_en = "Category",
                     .type = FT_TEXT,
                     .flags = F_LIST | F_FILTER,
                     .max = 30},
    [RI_SORT] = {.name = "sort_order",
                 .label = "顺序",
                 .label_en = "Order",
                 .type = FT_INT,
                 .flags = F_LIST,
                 .min = 0,
                 .max = 9999,
                 .dflt = "0"},
    [RI_NOTE] = {.name = "note", .label = "说明", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

/* the district edits the template; whoever reviews reads it */
const struct registry reg_review_items = {
    .id = REG_REVIEW_ITEMS,
    .name = "review-items",
    .label = "回头看检查清单",
    .label_en = "Review checklist",
    .table = "review_items",
    .key = "id",
    .scope = RS_GLOBAL,
    .opts = RO_ARCHIVE,
    .fields = item_fields,
    .nfields = RI__COUNT,
    .grants = {[ROLE_DISTRICT_ADMIN] = V_READ | V_WRITE | V_IMPORT | V_EXPORT,
               [ROLE_PARTY_OFFICE] = V_READ,
               [ROLE_STREET_OFFICE] = V_READ,
               [ROLE_COMMUNITY_OFFICE] = V_READ},
    .conflict_field = "name",
};

#define REVIEW_GRANTS                                                                              \
    {                                                                                              \
        [ROLE_DISTRICT_ADMIN] = V_READ | V_WRITE | V_EXPORT,                                       \
        [ROLE_PARTY_OFFICE] = V_READ | V_WRITE | V_EXPORT,                                         \
        [ROLE_STREET_OFFICE] = V_READ | V_WRITE | V_EXPORT, [ROLE_COMMUNITY_OFFICE] = V_READ,      \
    }

static const struct reg_option review_statuses[] = {
    {"open", "检查中"}, {"rectifying", "整改中"}, {"done", "已完成"}, {NULL, NULL}};

static const struct reg_field review_fields[] = {
    [RV_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "村社",
                  .label_en = "Village or community",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_IMMUTABLE | F_LIST,
                  .levels = PLACE_LEVEL_BIT(PL_COMMUNITY)},
    [RV_ROUND] = {.name = "round",
                  .label = "轮次",
                  .label_en = "Round",
                  .type = FT_TEXT,
                  .flags = F_REQ | F_LIST | F_FILTER,
                  .max = 20},
    [RV_REVIEWER] = {.name = "reviewer",
                     .label = "检查人",
                     .label_en = "Reviewer",
                     .type = FT_TEXT,
                     .flags = F_LIST,
                     .max = 40},
    [RV_REVIEWED_ON] = {.name = "reviewed_on",
                        .label = "检查日期",
                        .label_en = "Reviewed on",
                        .type = FT_DATE,
                        .flags = F_LIST},
    [RV_STATUS] = {.name = "status",
                   .label = "状态",
                   .label_en = "Status",
                   .type = FT_ENUM,
                   .flags = F_LIST | F_FILTER,
                   .options = review_statuses,
                   .dflt = "open"},
    [RV_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

const struct registry reg_reviews = {
    .id = REG_REVIEWS,
    .name = "reviews",
    .label = "换届回头看",
    .label_en = "Re-election reviews",
    .table = "reviews",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = review_fields,
    .nfields = RV__COUNT,
    .grants = REVIEW_GRANTS,
    .conflict_field = "round",
};

static const struct reg_option check_results[] = {
    {"ok", "符合"}, {"finding", "发现问题"}, {"na", "不适用"}, {NULL, NULL}};
static const struct reg_option check_statuses[] = {
    {"open", "整改中"}, {"done", "已整改"}, {NULL, NULL}};

static const struct reg_field check_fields[] = {
    [RC_REVIEW] = {.name = "review",
                   .column = "review_id",
                   .label = "回头看编号",
                   .label_en = "Review",
                   .type = FT_REF,
                   .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                   .ref = "reviews"},
    [RC_ITEM] = {.name = "item",
                 .column = "item_id",
                 .label = "检查事项编号",
                 .label_en = "Item",
                 .type = FT_REF,
                 .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER,
                 .ref = "review-items"},
    [RC_RESULT] = {.name = "result",
                   .label = "结果",
                   .label_en = "Result",
                   .type = FT_ENUM,
                   .flags = F_REQ | F_LIST | F_FILTER,
                   .options = check_results},
    [RC_FINDING] = {.name = "finding",
                    .label = "发现问题",
                    .label_en = "Finding",
                    .type = FT_TEXT,
                    .flags = F_LIST | F_SEARCH,
                    .max = 500},
    [RC_FOLLOWUP] = {.name = "followup",
                     .label = "整改措施",
                     .label_en = "Follow-up",
                     .type = FT_TEXT,
                     .max = 500},
    [RC_OWNER] = {.name = "owner",
                  .label = "责任人",
                  .label_en = "Owner",
                  .type = FT_TEXT,
                  .flags = F_LIST,
                  .max = 40},
    [RC_DUE_ON] = {.name = "due_on",
                   .label = "整改时限",
                   .label_en = "Due on",
                   .type = FT_DATE,
                   .flags = F_LIST},
    [RC_STATUS] = {.name = "status",
                   .label = "整改状态",
                   .label_en = "Status",
                   .type = FT_ENUM,
                   .flags = F_LIST | F_FILTER,
                   .options = check_statuses,
                   .dflt = "open"},
    [RC_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "村社",
                  .label_en = "Place",
                  .type = FT_PLACE,
                  .flags = F_READONLY | F_SCOPE | F_LIST,
                  .levels = PLACE_LEVEL_BIT(PL_COMMUNITY)},
};

/* A finding needs its text, an owner and a due date; a check that passed has nothing to do. */
static int check_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                       struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)r, (void)old;
    int rc = reg_copy_from(db, c, rec, RC_PLACE, RC_REVIEW, "reviews", "place_code", 0, e);
    if (rc != ERR_OK)
        return rc;
    if (strcmp(rec->v[RC_RESULT], "finding") != 0) {
        rec->v[RC_STATUS] = "done";
        return ERR_OK;
    }
    static const int needed[] = {RC_FINDING, RC_OWNER, RC_DUE_ON};
    for (size_t i = 0; i < ARRAY_LEN(needed); i++) {
        if (rec->v[needed[i]] == NULL)
            return err_set(e, ERR_INVALID, check_fields[needed[i]].name, "发现问题的须填写%s（%s）",
                           check_fields[needed[i]].label, check_fields[needed[i]].name);
    }
    return ERR_OK;
}

const struct registry reg_review_checks = {
    .id = REG_REVIEW_CHECKS,
    .name = "review-checks",
    .label = "回头看检查结果",
    .label_en = "Review checks",
    .table = "review_checks",
    .key = "id",
    .scope = RS_PLACE,
    .fields = check_fields,
    .nfields = RC__COUNT,
    .grants = REVIEW_GRANTS,
    .conflict_field = "item",
    .rules = check_rules,
};

int review_rollup(struct db *db, struct reg_ctx *c, const char *place, const char *round,
                  const char *today, struct jsonw *w, struct err *e)
{
    struct dbrows rows;
    int rc = db_query(
        db, c->a, &rows, e,
        "SELECT substr(r.place_code, 1, 9), t.name, r.place_code, r.status, (SELECT count(*) FROM "
        "review_checks k WHERE k.review_id = r.id AND k.result = 'finding'), (SELECT count(*) "
        "FROM review_checks k WHERE k.review_id = r.id AND k.result = 'finding' AND k.status = "
        "'open'), (SELECT count(*) FROM review_checks k WHERE k.review_id = r.id AND k.result = "
        "'finding' AND k.status = 'open' AND k.due_on < ?) FROM reviews r JOIN places t ON "
        "t.code = substr(r.place_code, 1, 9) WHERE r.archived_at IS NULL AND r.place_code LIKE ? "
        "AND r.round = ? ORDER BY r.place_code",
        DB_ARGS(DBS(today), DBS(arena_printf(c->a, "%s%%", place)), DBS(round)));
    if (rc != ERR_OK)
        return rc;
    static const char *const counts[] = {"reviews",  "open",           "rectifying",       "done",
                                         "findings", "open_followups", "overdue_followups"};
    int64_t total[7] = {0};
    jw_obj(w);
    jw_kstr(w, "place", place);
    jw_kstr(w, "round", round);
    jw_key(w, "streets");
    jw_arr(w);
    for (int i = 0; i < rows.nrows;) {
        const char *street = dbrows_get(&rows, i, 0);
        int64_t n[7] = {0};
        const char *name = dbrows_get(&rows, i, 1);
        for (; i < rows.nrows && strcmp(dbrows_get(&rows, i, 0), street) == 0; i++) {
            struct target t = {.place = dbrows_get(&rows, i, 2)};
            if (c->enforce && !authz_verb_allow(c->user, reg_reviews.grants, V_READ, &t))
                continue;
            const char *st = dbrows_get(&rows, i, 3);
            n[0]++;
            n[1] += strcmp(st, "open") == 0;
            n[2] += strcmp(st, "rectifying") == 0;
            n[3] += strcmp(st, "done") == 0;
            for (int k = 0; k < 3; k++)
                n[4 + k] += dbrows_int(&rows, i, 4 + k);
        }
        if (n[0] == 0)
            continue;
        jw_obj(w);
        jw_kstr(w, "code", street);
        jw_kstr(w, "name", name);
        for (int k = 0; k < 7; k++) {
            jw_kint(w, counts[k], n[k]);
            total[k] += n[k];
        }
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_key(w, "totals");
    jw_obj(w);
    for (int k = 0; k < 7; k++)
        jw_kint(w, counts[k], total[k]);
    jw_end_obj(w);
    jw_end_obj(w);
    return ERR_OK;
}
