/* demo_ledger.c - the demonstration's accounts: 舜源村 (崧厦街道), the resettled village whose
 * collective income doubled two years running once its secretary 黄君根 put idle land and the new
 * property building to work. 2024 and 2025 are in a few entries each (2024's operating income
 * under the 50万元 line: a weak village then); 2026 month by month: January to September
 * approved by 崧厦街道 (songxia), October submitted and waiting, November still drafts, one
 * October expense rejected for its missing invoice, and a July rent entered too high, reversed
 * and entered again. The district's thresholds for the three years. */
#include "domain/demo.h"
#include "core/util.h"
#include "domain/ledger.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define SHUNYUAN "330604007317"

static const struct {
    const char *date, *kind, *category, *counterparty, *note;
    int64_t yuan;
    const char *status; /* approved, submitted, rejected, draft */
} entries[] = {
    {"2024-03-20", "income", "contracting", "崧厦街道舜源村股份经济合作社", "土地发包收入", 180000,
     "approved"},
    {"2024-06-30", "income", "business", "绍兴市上虞区舜源物业管理有限公司", "闲置厂房出租收入",
     200000, "approved"},
    {"2024-09-15", "income", "subsidy", "崧厦街道财政所", "移民村扶持补助", 300000, "approved"},
    {"2024-12-20", "expense", "management", "舜源村村民委员会", "村级办公经费", 150000, "approved"},
    {"2024-12-25", "expense", "public-welfare", "舜源村老年协会", "居家养老服务", 120000,
     "approved"},
    {"2025-03-18", "income", "contracting", "崧厦街道舜源村股份经济合作社", "土地发包收入", 180000,
     "approved"},
    {"2025-06-30", "income", "business", "绍兴市上虞区舜源物业管理有限公司", "物业用房出租收入",
     400000, "approved"},
    {"2025-11-30", "income", "investment", "上虞区崧厦强村发展有限公司", "强村公司分红", 180000,
     "approved"},
    {"2025-09-12", "income", "subsidy", "崧厦街道财政所", "基础设施补助", 300000, "approved"},
    {"2025-12-22", "expense", "management", "舜源村村民委员会", "村级办公经费", 160000, "approved"},
    {"2025-12-26", "expense", "public-welfare", "舜源村老年协会", "老年食堂运营", 140000,
     "approved"},
};

static int add_entry(struct db *db, struct reg_ctx *c, json_t *o, int64_t *id, struct err *e)
{
    struct reg_rec rec;
    int rc = reg_create_json(db, c, &reg_ledger_entries, o, &rec, e);
    json_decref(o);
    if (rc == ERR_OK)
        *id = rec.id;
    return rc;
}

static json_t *entry(const char *date, const char *kind, const char *category, int64_t yuan,
                     const char *counterparty, const char *voucher, const char *note)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s}", "place", SHUNYUAN, "date", date,
                     "kind", kind, "category", category, "amount", (json_int_t)(yuan * 100),
                     "counterparty", counterparty, "voucher_no", voucher, "note", note);
}

struct plan {
    int64_t id[96];
    const char *status[96];
    int n;
    int64_t july_rent; /* the entry entered too high, to reverse */
};

static int entries_fn(struct db *db, void *arg, struct err *e)
{
    struct plan *p = arg;
    struct arena a;
    struct reg_ctx c;
    int rc = ERR_OK;
    char voucher[32], date[16], note[64];
    arena_init(&a, 0);
    c = (struct reg_ctx){.a = &a};
    static const struct {
        int year;
        int64_t below;
        const char *note;
    } lines[] = {{2024, 500000, "集体经济薄弱村：经营性收入低于 50 万元"},
                 {2025, 500000, "集体经济薄弱村：经营性收入低于 50 万元"},
                 {2026, 500000, "集体经济薄弱村：经营性收入低于 50 万元"}};
    for (size_t i = 0; i < ARRAY_LEN(lines) && rc == ERR_OK; i++) {
        struct reg_rec rec;
        json_t *o = json_pack("{s:I, s:I, s:s}", "year", (json_int_t)lines[i].year, "weak_below",
                              (json_int_t)(lines[i].below * 100), "note", lines[i].note);
        rc = reg_create_json(db, &c, &reg_income_thresholds, o, &rec, e);
        json_decref(o);
    }
    for (size_t i = 0; i < ARRAY_LEN(entries) && rc == ERR_OK; i++) {
        snprintf(voucher, sizeof(voucher), "记-%.4s-%03zu", entries[i].date, i + 1);
        p->status[p->n] = entries[i].status;
        rc = add_entry(db, &c,
                       entry(entries[i].date, entries[i].kind, entries[i].category, entries[i].yuan,
                             entries[i].counterparty, voucher, entries[i].note),
                       &p->id[p->n++], e);
    }
    /* 2026 month by month: the property building's rent, the workshop's rent, the office */
    for (int m = 1; m <= 11 && rc == ERR_OK; m++) {
        char mm[3];
        snprintf(mm, sizeof(mm), "%02d", m);
        const char *st = m <= 9 ? "approved" : m == 10 ? "submitted" : "draft";
        snprintf(date, sizeof(date), "2026-%s-25", mm);
        snprintf(voucher, sizeof(voucher), "记-2026-%s1", mm);
        snprintf(note, sizeof(note), "%d月物业用房租金", m);
        p->status[p->n] = st;
        rc = add_entry(db, &c,
                       entry(date, "income", "business", m == 7 ? 120000 : 100000,
                             "绍兴市上虞区舜源物业管理有限公司", voucher, note),
                       &p->id[p->n++], e);
        if (m == 7)
            p->july_rent = p->id[p->n - 1];
        snprintf(voucher, sizeof(voucher), "记-2026-%s2", mm);
        snprintf(note, sizeof(note), "%d月共富工坊场地租金", m);
        p->status[p->n] = st;
        if (rc == ERR_OK)
            rc = add_entry(
                db, &c, entry(date, "income", "business", 20000, "舜源村共富工坊", voucher, note),
                &p->id[p->n++], e);
        snprintf(date, sizeof(date), "2026-%s-28", mm);
        snprintf(voucher, sizeof(voucher), "记-2026-%s3", mm);
        snprintf(note, sizeof(note), "%d月村级办公经费", m);
        p->status[p->n] = st;
        if (rc == ERR_OK)
            rc = add_entry(
                db, &c,
                entry(date, "expense", "management", 15000, "舜源村村民委员会", voucher, note),
                &p->id[p->n++], e);
    }
    static const struct {
        const char *date, *kind, *category, *counterparty, *voucher, *note;
        int64_t yuan;
        const char *status;
    } once[] = {
        {"2026-03-20", "income", "contracting", "崧厦街道舜源村股份经济合作社", "记-2026-034",
         "土地发包收入", 180000, "approved"},
        {"2026-06-30", "income", "investment", "上虞区崧厦强村发展有限公司", "记-2026-064",
         "强村公司分红", 250000, "approved"},
        {"2026-05-12", "income", "subsidy", "崧厦街道财政所", "记-2026-054", "美丽乡村建设补助",
         300000, "approved"},
        {"2026-08-18", "expense", "public-welfare", "舜源村老年协会", "记-2026-084", "老年食堂运营",
         60000, "approved"},
        {"2026-10-09", "expense", "public-welfare", "舜源村老年协会", "", "重阳节慰问高龄老人",
         32000, "rejected"},
    };
    for (size_t i = 0; i < ARRAY_LEN(once) && rc == ERR_OK; i++) {
        p->status[p->n] = once[i].status;
        rc = add_entry(db, &c,
                       entry(once[i].date, once[i].kind, once[i].category, once[i].yuan,
                             once[i].counterparty, once[i].voucher, once[i].note),
                       &p->id[p->n++], e);
    }
    arena_free(&a);
    return rc;
}

/* the reversal of July's rent (entered as 12万, the contract says 10万) and the right entry */
static int correction_fn(struct db *db, void *arg, struct err *e)
{
    struct plan *p = arg;
    struct arena a;
    struct reg_ctx c;
    arena_init(&a, 0);
    c = (struct reg_ctx){.a = &a};
    json_t *rev =
        entry("2026-08-05", "income", "business", 120000, "绍兴市上虞区舜源物业管理有限公司",
              "记-2026-081", "冲销7月物业用房租金（金额录错）");
    json_object_set_new(rev, "reverses", json_integer(p->july_rent));
    int rc = add_entry(db, &c, rev, &p->id[p->n], e);
    if (rc == ERR_OK) {
        p->status[p->n++] = "approved";
        rc = add_entry(db, &c,
                       entry("2026-08-05", "income", "business", 100000,
                             "绍兴市上虞区舜源物业管理有限公司", "记-2026-082",
                             "7月物业用房租金（更正）"),
                       &p->id[p->n], e);
        if (rc == ERR_OK)
            p->status[p->n++] = "approved";
    }
    arena_free(&a);
    return rc;
}

static int user_id(struct store *s, const char *username, int64_t *out, struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    struct db *db = store_acquire(s);
    int rc =
        db_query(db, &a, &r, e, "SELECT id FROM users WHERE username = ?", DB_ARGS(DBS(username)));
    *out = rc == ERR_OK && r.nrows > 0 ? dbrows_int(&r, 0, 0) : 0;
    store_release(s, db);
    arena_free(&a);
    return rc;
}

/* submit as 舜源村's office, then approve or reject as 崧厦街道's */
static int walk(struct store *s, struct plan *p, int from, const struct user *village,
                const struct user *street, struct err *e)
{
    struct arena a;
    int rc = ERR_OK;
    arena_init(&a, 0);
    for (int i = from; i < p->n && rc == ERR_OK; i++) {
        if (strcmp(p->status[i], "draft") == 0)
            continue;
        rc = ledger_step(s, &a, village, p->id[i], LA_SUBMIT, NULL, e);
        if (rc == ERR_OK && strcmp(p->status[i], "approved") == 0)
            rc = ledger_step(s, &a, street, p->id[i], LA_APPROVE, NULL, e);
        else if (rc == ERR_OK && strcmp(p->status[i], "rejected") == 0)
            rc = ledger_step(s, &a, street, p->id[i], LA_REJECT,
                             "凭证号缺失，附件中未见发票或慰问名单签收表，请补充后重新提交", e);
    }
    arena_free(&a);
    return rc;
}

int demo_ledger_seed(struct store *s, struct err *e)
{
    static struct plan p; /* large: not on the stack */
    struct role_grant vg = {ROLE_COMMUNITY_OFFICE, SHUNYUAN, SHUNYUAN, 0};
    struct role_grant sg = {ROLE_STREET_OFFICE, "330604007", "330604007", 0};
    struct user village = {.username = "shunyuan", .roles = &vg, .nroles = 1};
    struct user street = {.username = "songxia", .roles = &sg, .nroles = 1};
    int rc;
    memset(&p, 0, sizeof(p));
    if ((rc = user_id(s, "shunyuan", &village.id, e)) != ERR_OK ||
        (rc = user_id(s, "songxia", &street.id, e)) != ERR_OK)
        return rc;
    if ((rc = store_write(s, entries_fn, &p, e)) != ERR_OK ||
        (rc = walk(s, &p, 0, &village, &street, e)) != ERR_OK)
        return rc;
    int before = p.n;
    if ((rc = store_write(s, correction_fn, &p, e)) != ERR_OK)
        return rc;
    return walk(s, &p, before, &village, &street, e);
}
