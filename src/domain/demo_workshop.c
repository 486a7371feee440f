/* demo_workshop.c - the demonstration's community economy and task board: the 共富工坊 of 舜源村
 * (崧厦街道), run by the village with three enterprises of 崧厦's umbrella and clothing trade and
 * led by 舜源村党委, with villagers among its participants (elderly, disabled, women at home)
 * and their income per month of 2026; 崧厦街道's 强社公司 with three shareholder villages and two
 * years of dividends; and the district micro-governance office's board of "4 areas, 42 tasks"
 * with targets on the demo compounds and communities and their progress. The enterprises and
 * people are made up; the places, the organisations and the practice are the article's. */
#include "core/util.h"
#include "domain/company.h"
#include "domain/demo.h"
#include "domain/enterprise.h"
#include "domain/idnum.h"
#include "domain/people.h"
#include "domain/tasks.h"
#include "domain/workshop.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define SHUNYUAN "330604007317"
#define SONGXIA "330604007"

static int add(struct db *db, struct reg_ctx *c, const struct registry *r, json_t *o, int64_t *id,
               struct err *e)
{
    struct reg_rec rec;
    int rc = reg_create_json(db, c, r, o, &rec, e);
    json_decref(o);
    if (rc == ERR_OK && id != NULL)
        *id = rec.id;
    return rc;
}

static const struct {
    const char *code, *name, *chain;
    int employees;
} enterprises[] = {
    {"91330604MA2D7T018R", "上虞崧厦伞件加工有限公司", "伞业", 86},
    {"91330604MA2D7T026L", "绍兴舜源服饰辅料有限公司", "服装辅料", 54},
    {"91330604MA2D7T034F", "浙江崧厦云仓电商有限公司", "电商", 32},
};

static const struct {
    const char *name, *gender, *birth, *grid, *tags[2]; /* birth: YYYYMMDD */
    int unit_pieces, base; /* paid by the piece or by the hour; monthly base in yuan */
} people[] = {
    {"黄秀英", "female", "19580312", SHUNYUAN "001", {"老年人", NULL}, 1, 2300},
    {"杜阿毛", "male", "19551102", SHUNYUAN "001", {"老年人", "低收入家庭"}, 1, 1900},
    {"陈美娟", "female", "19790621", SHUNYUAN "001", {"留守妇女", NULL}, 1, 3100},
    {"杜国强", "male", "19830930", SHUNYUAN "002", {"残疾人", NULL}, 0, 2400},
    {"王小芬", "female", "19870115", SHUNYUAN "002", {"留守妇女", NULL}, 1, 3300},
    {"黄建林", "male", "19610708", SHUNYUAN "002", {"老年人", "残疾人"}, 0, 1700},
    {"孙桂芳", "female", "19660427", SHUNYUAN "001", {"低收入家庭", NULL}, 1, 2600},
    {"杜丽萍", "female", "19901203", SHUNYUAN "002", {NULL, NULL}, 0, 2900},
};

static int workshop_seed(struct db *db, struct reg_ctx *c, struct err *e)
{
    struct dbrows rows;
    int rc = ERR_OK;
    json_t *codes = json_array();
    for (size_t i = 0; i < ARRAY_LEN(enterprises) && rc == ERR_OK; i++) {
        json_array_append_new(codes, json_string(enterprises[i].code));
        rc = add(db, c, &reg_enterprises,
                 json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s}", "credit_code",
                           enterprises[i].code, "name", enterprises[i].name, "industry", "C",
                           "chain", enterprises[i].chain, "place", SONGXIA, "employees",
                           enterprises[i].employees, "address", "崧厦街道"),
                 NULL, e);
    }
    if (rc != ERR_OK ||
        (rc = db_query(db, c->a, &rows, e, "SELECT id FROM party_orgs WHERE name = ?",
                       DB_ARGS(DBS("舜源村党委")))) != ERR_OK) {
        json_decref(codes);
        return rc;
    }
    int64_t ws;
    json_t *o = json_pack(
        "{s:s, s:s, s:o, s:s, s:s, s:s, s:s}", "name", "舜源村共富工坊", "community", SHUNYUAN,
        "enterprises", codes, "products", "伞面缝制、伞骨组装、服装辅料来料加工，农产品电商直播",
        "mode", "processing", "opened_on", "2022-06-15", "address", "崧厦街道舜源村文化礼堂东侧");
    if (rows.nrows == 1)
        json_object_set_new(o, "party_org", json_integer(dbrows_int(&rows, 0, 0)));
    if ((rc = add(db, c, &reg_workshops, o, &ws, e)) != ERR_OK)
        return rc;
    for (size_t i = 0; i < ARRAY_LEN(people) && rc == ERR_OK; i++) {
        int64_t rid, pid;
        char id[32];
        /* born in 上虞市 (330682, the code before the district), odd sequence for men */
        snprintf(id, sizeof(id), "330682%.8s%03u", people[i].birth,
                 (unsigned)(101 + 2 * i + (strcmp(people[i].gender, "female") == 0)) % 1000u);
        id[17] = idcard_check_char(id);
        id[18] = '\0';
        json_t *tags = json_array();
        for (int k = 0; k < 2 && people[i].tags[k]; k++)
            json_array_append_new(tags, json_string(people[i].tags[k]));
        rc = add(db, c, &reg_residents,
                 json_pack("{s:s, s:s, s:s, s:s, s:o}", "name", people[i].name, "id_number", id,
                           "place", people[i].grid, "kind", "local", "tags", tags),
                 &rid, e);
        if (rc == ERR_OK)
            rc = add(db, c, &reg_workshop_participants,
                     json_pack("{s:I, s:I, s:s}", "workshop", (json_int_t)ws, "resident",
                               (json_int_t)rid, "joined_on", i < 5 ? "2022-06-15" : "2025-03-01"),
                     &pid, e);
        /* January to November 2026: by the piece (a piece pays 0.8 yuan) or by the hour (20
         * yuan); the season of umbrellas peaks in spring */
        for (int m = 1; m <= 11 && rc == ERR_OK; m++) {
            int season = m >= 3 && m <= 5 ? 130 : m == 2 ? 60 : 100;
            int64_t yuan =
                (int64_t)people[i].base * season / 100 + (int64_t)((i * 37 + m * 11) % 9) * 50;
            int64_t fen = yuan * 100;
            int64_t qty = people[i].unit_pieces ? fen / 80 : fen / 2000;
            rc = add(db, c, &reg_workshop_incomes,
                     json_pack("{s:I, s:s, s:s, s:I, s:I}", "participant", (json_int_t)pid,
                               "period", arena_printf(c->a, "2026-%02d", m), "unit",
                               people[i].unit_pieces ? "pieces" : "hours", "quantity",
                               (json_int_t)qty, "amount", (json_int_t)fen),
                     NULL, e);
        }
    }
    return rc;
}

static int company_seed(struct db *db, struct reg_ctx *c, struct err *e)
{
    static const struct {
        const char *community;
        int shares;
    } holders[] = {{SHUNYUAN, 40}, {"330604007234", 35}, {"330604007303", 25}};
    static const struct {
        int year;
        json_int_t revenue, profit, dividends;
    } years[] = {{2024, 586000000, 126000000, 90000000}, {2025, 742000000, 183000000, 123456789}};
    int64_t co;
    int rc =
        add(db, c, &reg_companies,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "name", "崧厦街道强社发展有限公司",
                      "credit_code", "91330604MA2D7T042A", "place", SONGXIA, "business",
                      "物业用房租赁、村级物业管理、农产品销售、来料加工", "chair", "孙立",
                      "founded_on", "2023-05-18", "capital", (json_int_t)1000000000),
            &co, e);
    for (size_t i = 0; i < ARRAY_LEN(holders) && rc == ERR_OK; i++)
        rc = add(db, c, &reg_company_shareholders,
                 json_pack("{s:I, s:s, s:i}", "company", (json_int_t)co, "community",
                           holders[i].community, "shares", holders[i].shares),
                 NULL, e);
    for (size_t i = 0; i < ARRAY_LEN(years) && rc == ERR_OK; i++)
        rc = add(db, c, &reg_company_years,
                 json_pack("{s:I, s:i, s:I, s:I, s:I}", "company", (json_int_t)co, "year",
                           years[i].year, "revenue", years[i].revenue, "profit", years[i].profit,
                           "dividends", years[i].dividends),
                 NULL, e);
    return rc;
}

/* ---- the board: 4 areas, 42 tasks ---- */

static const char *const areas[] = {"业委会组建", "小区资产管理", "物业服务", "停车管理"};

static const struct {
    int area;
    const char *title;
    char kind; /* 'm' compound, 'c' community */
    int days;
} templates[] = {
    {0, "摸排未成立业委会小区", 'c', 20},
    {0, "成立业委会筹备组", 'm', 30},
    {0, "业主身份核查与公示", 'm', 40},
    {0, "推荐业委会委员候选人", 'm', 50},
    {0, "候选人联审（党组织、社区、派出所）", 'm', 60},
    {0, "召开首次业主大会", 'm', 80},
    {0, "选举产生业委会", 'm', 90},
    {0, "业委会备案", 'm', 100},
    {0, "业委会委员中党员比例达标", 'm', 120},
    {0, "建立业委会议事规则", 'm', 150},
    {0, "业委会委员履职培训", 'c', 200},
    {1, "小区公共收益账目清查", 'm', 30},
    {1, "公共收益专户设立", 'm', 45},
    {1, "经营性用房登记造册", 'm', 60},
    {1, "物业用房移交核实", 'm', 60},
    {1, "维修资金使用公示", 'm', 90},
    {1, "公共设施设备台账建立", 'm', 100},
    {1, "广告位与场地租赁规范", 'm', 120},
    {1, "社区功能场所准入审核", 'c', 130},
    {1, "小区资产年度审计", 'm', 200},
    {1, "资产收益分配方案公示", 'm', 220},
    {2, "无物业小区清零", 'm', 40},
    {2, "物业服务合同备案", 'm', 50},
    {2, "物业服务质量季度测评", 'm', 60},
    {2, "物业费收缴率提升", 'm', 120},
    {2, "物业企业信用评价", 'm', 150},
    {2, "物业服务标准公示", 'm', 30},
    {2, "社区、业委会、物业三方协同例会", 'c', 45},
    {2, "电梯安全隐患排查", 'm', 70},
    {2, "消防通道畅通整治", 'm', 80},
    {2, "电动车进楼入户整治", 'm', 90},
    {2, "物业投诉限时办结", 'c', 200},
    {3, "停车位资源摸排", 'm', 25},
    {3, "新增停车位规划", 'c', 60},
    {3, "花坛改造车位旁电线杆移位", 'm', 90},
    {3, "新能源汽车充电桩建设", 'm', 160},
    {3, "僵尸车清理", 'm', 40},
    {3, "停车收费标准公示", 'm', 50},
    {3, "机动车乱停放整治", 'm', 70},
    {3, "夜间共享停车位协调", 'c', 110},
    {3, "非机动车停车棚改造", 'm', 200},
    {3, "停车秩序志愿巡查", 'c', 230},
};
_Static_assert(sizeof(templates) / sizeof(templates[0]) == 42, "4 areas, 42 tasks");

static const char *const communities[] = {"330604002007", SHUNYUAN, "330604200225", "330604001014",
                                          "330604112001"};

static int board_seed(struct db *db, struct reg_ctx *c, struct err *e)
{
    struct dbrows admin, compounds;
    int64_t area_ids[4];
    int rc = ERR_OK;
    for (int i = 0; i < 4 && rc == ERR_OK; i++)
        rc = add(db, c, &reg_task_areas, json_pack("{s:s, s:i}", "name", areas[i], "sort", i + 1),
                 &area_ids[i], e);
    if (rc == ERR_OK)
        rc = db_query(db, c->a, &admin, e, "SELECT id FROM users WHERE username = 'admin'",
                      DB_NOARGS);
    if (rc == ERR_OK)
        rc = db_query(db, c->a, &compounds, e,
                      "SELECT id, name, owners_committee FROM compounds ORDER BY id", DB_NOARGS);
    for (size_t t = 0; t < ARRAY_LEN(templates) && rc == ERR_OK; t++) {
        int64_t tpl, task;
        int committee = strcmp(templates[t].title, "选举产生业委会") == 0;
        json_t *o = json_pack("{s:I, s:s, s:s, s:i, s:i}", "area",
                              (json_int_t)area_ids[templates[t].area], "title", templates[t].title,
                              "target_kind", templates[t].kind == 'm' ? "compound" : "community",
                              "days", templates[t].days, "sort", (int)t + 1);
        if (committee)
            json_object_set_new(o, "effect", json_string("owners_committee"));
        if ((rc = add(db, c, &reg_task_templates, o, &tpl, e)) != ERR_OK)
            break;
        /* the district office's task from the template, from the day the office began */
        o = json_pack("{s:I, s:s, s:s}", "template", (json_int_t)tpl, "place", "330604",
                      "starts_on", "2026-03-02");
        if (admin.nrows == 1)
            json_object_set_new(o, "owner_user", json_integer(dbrows_int(&admin, 0, 0)));
        if ((rc = add(db, c, &reg_tasks, o, &task, e)) != ERR_OK)
            break;
        int n = templates[t].kind == 'm' ? compounds.nrows : (int)ARRAY_LEN(communities);
        for (int k = 0; k < n && rc == ERR_OK; k++) {
            /* most targets done or under way, the later tasks less far */
            int roll = (int)((t * 7 + (size_t)k * 5 + 3) % 10) - (int)(t % 11) / 4;
            const char *status = roll >= 5 ? "done" : roll >= 2 ? "in_progress" : "not_started";
            o = json_pack("{s:I}", "task", (json_int_t)task);
            if (templates[t].kind == 'm') {
                json_object_set_new(o, "compound", json_integer(dbrows_int(&compounds, k, 0)));
                /* the committee is elected where the compound has one, under way at 博文苑 */
                if (committee)
                    status = dbrows_int(&compounds, k, 2) ? "done" : "in_progress";
            } else {
                json_object_set_new(o, "community", json_string(communities[k]));
            }
            json_object_set_new(o, "status", json_string(status));
            if (strcmp(status, "done") == 0)
                json_object_set_new(
                    o, "evidence",
                    json_string(arena_printf(c->a, "%s：已完成，材料已归档", templates[t].title)));
            rc = add(db, c, &reg_task_targets, o, NULL, e);
        }
    }
    return rc;
}

static int seed_fn(struct db *db, void *arg, struct err *e)
{
    struct arena a;
    (void)arg;
    arena_init(&a, 0);
    struct reg_ctx c = {.a = &a};
    int rc = workshop_seed(db, &c, e);
    if (rc == ERR_OK)
        rc = company_seed(db, &c, e);
    if (rc == ERR_OK)
        rc = board_seed(db, &c, e);
    arena_free(&a);
    return rc;
}

int demo_workshop_seed(struct store *s, struct err *e)
{
    return store_write(s, seed_fn, NULL, e);
}
