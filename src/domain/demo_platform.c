/* demo_platform.c - the demonstration's industry platform: 杭州湾上虞经济技术开发区 with its
 * joint party committee and three sub-domain bodies (半导体材料, 新能源材料, 氟材料: the 1+3+N of
 * the practice), a few member enterprises of its own (credit codes generated with python3-stdnum,
 * organisation codes MA2P....; names invented), supply and demand listings that match each other
 * (a supplier of electronic-grade hydrofluoric acid and a chip-materials maker looking for it, a
 * customs agent and an exporter), the chain's short boards, and three projects: one of 3.2亿元
 * with its 红领项目 branch, one of 1.5亿元 still without one, and one below 1亿元. */
#include "domain/demo.h"
#include "core/util.h"
#include "domain/enterprise.h"
#include "domain/listing.h"
#include "domain/platform.h"
#include "domain/project.h"

#include <jansson.h>
#include <string.h>

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

#define ZONE "杭州湾上虞经济技术开发区"

static const struct {
    const char *name, *chain;
} subdomains[] = {
    {"半导体材料联建议事机构", "半导体材料"},
    {"新能源材料联建议事机构", "新能源材料"},
    {"氟材料联建议事机构", "氟材料"},
};

/* sub: index into subdomains, -1 for the zone itself, -2 for none */
static const struct {
    const char *code, *name, *industry, *chain, *place, *address;
    int sub, employees;
} firms[] = {
    {"91330604MA2P00011U", "浙江虞氟新材料有限公司", "C", "氟材料", "330604112",
     "盖北镇纬五路 8 号", 2, 420},
    {"91330604MA2P0002XK", "上虞晶芯半导体材料有限公司", "C", "半导体材料", "330604112",
     "盖北镇经九路 16 号", 0, 260},
    {"91330604MA2P00038K", "绍兴锂源新能源材料有限公司", "C", "新能源材料", "330604004",
     "道墟街道滨海大道 99 号", 1, 310},
    {"91330604MA2P00046E", "浙江曹娥精细化工有限公司", "C", "氟材料", "330604002",
     "曹娥街道江扬路 200 号", 2, 150},
    {"91330604MA2P000549", "上虞通达报关服务有限公司", "L", "", "330604002",
     "曹娥街道人民西路 66 号", -1, 35},
    {"91330604MA2P000624", "浙江舜江建设有限公司", "E", "", "330604002", "曹娥街道舜江路 18 号", -2,
     900},
};

static const struct {
    int firm;
    const char *side, *kind, *title, *detail, *quantity;
} offers[] = {
    {0, "supply", "product", "电子级氢氟酸", "UP-SSS 级电子级氢氟酸，槽车配送，可签年度长协",
     "3000吨/年"},
    {1, "demand", "product", "求购电子级氢氟酸", "用于晶圆清洗，纯度 UP-SSS 级，需稳定供应",
     "500吨/年"},
    {3, "demand", "product", "采购无水氟化氢", "精细化工原料，按月分批到货", "800吨/年"},
    {4, "supply", "service", "出口报关报检代理", "危险化学品出口报关报检，协助缩短海关报检时间",
     NULL},
    {2, "demand", "service", "出口报关报检服务", "锂电材料出口，需缩短海关报检时间", NULL},
};

static const struct {
    int sub;
    const char *link, *plan, *owner, *status, *attracted;
} boards[] = {
    {0, "光刻胶配套树脂", "对接长三角光刻胶企业，招引树脂合成项目落地",
     "杭州湾上虞经济技术开发区招商局", "working", "上虞晶芯半导体材料有限公司"},
    {1, "锂电池隔膜涂覆材料", "梳理链上企业需求，编制招商图谱",
     "杭州湾上虞经济技术开发区经济发展局", "open", NULL},
    {2, "含氟聚合物改性加工", "龙头企业延链，配套改性加工产能", "杭州湾上虞经济技术开发区招商局",
     "filled", "浙江虞氟新材料有限公司"},
};

static const struct {
    int firm, sub;
    const char *name, *place, *start, *end, *status;
    long long investment; /* fen */
    int branch;
} works[] = {
    {0, 2, "年产5万吨电子级氟化物项目", "330604112", "2026-03-01", "2027-12-31", "building",
     32000000000LL, 1},
    {1, 0, "半导体湿电子化学品产业化项目", "330604112", "2026-06-18", "2028-06-30", "building",
     15000000000LL, 0},
    {3, -1, "曹娥精细化工技术改造项目", "330604002", "2027-01-10", "2027-10-31", "planned",
     4800000000LL, 0},
};

static const struct {
    int work;
    const char *name, *due, *done;
    int progress;
} steps[] = {
    {0, "土建完工", "2026-10-31", "2026-10-28", 100},
    {0, "设备安装", "2027-06-30", NULL, 40},
    {0, "试生产", "2027-12-31", NULL, 0},
    {1, "厂房主体结构封顶", "2027-03-31", NULL, 60},
    {1, "洁净车间建设", "2027-12-31", NULL, 0},
};

static int platform_fn(struct db *db, void *arg, struct err *e)
{
    struct arena a;
    int64_t zone, sub[ARRAY_LEN(subdomains)], firm[ARRAY_LEN(firms)], work[ARRAY_LEN(works)];
    struct dbrows rows;
    (void)arg;
    arena_init(&a, 0);
    struct reg_ctx c = {.a = &a};
    int rc = add(db, &c, &reg_platforms,
                 json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", ZONE, "kind", "zone", "chain",
                           "先进高分子材料", "place", "330604", "manager", "杭州湾综管办", "note",
                           "1+3+N 产业链党建联建：联合党委，半导体材料、新能源材料、氟材料三个细分"
                           "领域联建议事机构"),
                 &zone, e);
    for (size_t i = 0; i < ARRAY_LEN(subdomains) && rc == ERR_OK; i++)
        rc = add(db, &c, &reg_platforms,
                 json_pack("{s:s, s:s, s:I, s:s, s:s}", "name", subdomains[i].name, "kind",
                           "subdomain", "parent", (json_int_t)zone, "chain", subdomains[i].chain,
                           "place", "330604"),
                 &sub[i], e);
    /* the joint committee on the platform, under no town: it joins units across the district */
    if (rc == ERR_OK)
        rc = add(db, &c, &reg_party_orgs,
                 json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "name", ZONE "产业链联合党委",
                           "kind", "committee", "place", "330604", "attach_kind", "platform",
                           "attach_id", (json_int_t)zone, "secretary", "周立新", "founded_on",
                           "2022-05-20"),
                 NULL, e);
    for (size_t i = 0; i < ARRAY_LEN(firms) && rc == ERR_OK; i++) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "credit_code", firms[i].code,
                              "name", firms[i].name, "industry", firms[i].industry, "chain",
                              firms[i].chain, "place", firms[i].place, "address", firms[i].address,
                              "employees", firms[i].employees);
        if (firms[i].sub != -2)
            json_object_set_new(o, "platform",
                                json_integer(firms[i].sub >= 0 ? sub[firms[i].sub] : zone));
        rc = add(db, &c, &reg_enterprises, o, &firm[i], e);
    }
    for (size_t i = 0; i < ARRAY_LEN(offers) && rc == ERR_OK; i++) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "enterprise",
                              (json_int_t)firm[offers[i].firm], "side", offers[i].side, "kind",
                              offers[i].kind, "title", offers[i].title, "detail", offers[i].detail,
                              "valid_until", "2027-12-31");
        if (offers[i].quantity != NULL)
            json_object_set_new(o, "quantity", json_string(offers[i].quantity));
        rc = add(db, &c, &reg_listings, o, NULL, e);
    }
    for (size_t i = 0; i < ARRAY_LEN(boards) && rc == ERR_OK; i++) {
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "platform",
                              (json_int_t)sub[boards[i].sub], "link", boards[i].link, "plan",
                              boards[i].plan, "owner", boards[i].owner, "status", boards[i].status);
        if (boards[i].attracted != NULL)
            json_object_set_new(o, "attracted", json_pack("[s]", boards[i].attracted));
        rc = add(db, &c, &reg_shortboards, o, NULL, e);
    }
    for (size_t i = 0; i < ARRAY_LEN(works) && rc == ERR_OK; i++) {
        json_t *o =
            json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:s}", "name", works[i].name, "owner",
                      (json_int_t)firm[works[i].firm], "investment",
                      (json_int_t)works[i].investment, "place", works[i].place, "start_on",
                      works[i].start, "planned_end", works[i].end, "status", works[i].status);
        if (works[i].sub >= 0)
            json_object_set_new(o, "platform", json_integer(sub[works[i].sub]));
        rc = add(db, &c, &reg_projects, o, &work[i], e);
    }
    for (size_t i = 0; i < ARRAY_LEN(steps) && rc == ERR_OK; i++) {
        json_t *o =
            json_pack("{s:I, s:s, s:s, s:i}", "project", (json_int_t)work[steps[i].work], "name",
                      steps[i].name, "due_on", steps[i].due, "progress", steps[i].progress);
        if (steps[i].done != NULL)
            json_object_set_new(o, "done_on", json_string(steps[i].done));
        rc = add(db, &c, &reg_project_milestones, o, NULL, e);
    }
    /* 红领项目: the branch of the first project, under the town's committee */
    if (rc == ERR_OK)
        rc = db_query(db, &a, &rows, e, "SELECT id FROM party_orgs WHERE name = ?",
                      DB_ARGS(DBS("中共盖北镇委员会")));
    for (size_t i = 0; i < ARRAY_LEN(works) && rc == ERR_OK; i++) {
        if (!works[i].branch)
            continue;
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "name",
                      arena_printf(&a, "%s红领党支部", works[i].name), "kind", "branch", "place",
                      works[i].place, "attach_kind", "project", "attach_id", (json_int_t)work[i],
                      "secretary", "沈国强", "founded_on", works[i].start);
        if (rows.nrows == 1)
            json_object_set_new(o, "parent", json_integer(dbrows_int(&rows, 0, 0)));
        rc = add(db, &c, &reg_party_orgs, o, NULL, e);
    }
    arena_free(&a);
    return rc;
}

int demo_platform_seed(struct store *s, struct err *e)
{
    return store_write(s, platform_fn, NULL, e);
}
