/* demo_enterprise.c - the demonstration's enterprise service: a dozen of Shangyu's enterprises
 * (credit codes generated with python3-stdnum, 91330604MA2F...), two service teams, two cadres
 * with their enterprises (驻企服务员 qiye in 曹娥街道, and 胡金友 of the district, who serves the
 * 杭州湾 firms), their visits, and the story of the newspaper page: on a visit to 扬帆新材料,
 * 胡金友 raises "通关时间长达五天"; the customs service point takes it up and brings the
 * declaration under two days; he checks the fix, confirms it, and the case is closed. The
 * development zone is a platform, not a place: its firms are kept in 崧厦街道. */
#include "core/util.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/enterprise.h"
#include "domain/service.h"
#include "domain/user.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
    const char *code, *name, *industry, *chain, *place, *address, *contact;
    int listed, employees;
} firms[] = {
    {"91330604MA2F00012A", "浙江扬帆新材料股份有限公司", "C", "先进高分子材料", "330604007",
     "杭州湾上虞经济技术开发区纬五路", "陈经理", 1, 1200},
    {"91330604MA2F000205", "浙江中欣氟材股份有限公司", "C", "氟材料", "330604007",
     "杭州湾上虞经济技术开发区经十一路", "沈经理", 1, 900},
    {"91330604MA2F000392", "浙江闰土股份有限公司", "C", "染料", "330604007",
     "杭州湾上虞经济技术开发区", "阮经理", 1, 3500},
    {"91330604MA2F00047W", "浙江龙盛集团股份有限公司", "C", "染料", "330604004", "道墟街道",
     "阮主任", 1, 6000},
    {"91330604MA2F00055P", "卧龙电气驱动集团股份有限公司", "C", "电机", "330604002",
     "曹娥街道复兴西路", "王经理", 1, 5000},
    {"91330604MA2F00063J", "浙江晶盛机电股份有限公司", "C", "半导体材料", "330604002", "曹娥街道",
     "何经理", 1, 4000},
    {"91330604MA2F00071D", "浙江世纪华通集团股份有限公司", "I", "", "330604002", "曹娥街道",
     "王主任", 1, 2000},
    {"91330604MA2F0008X5", "上虞江扬物流有限公司", "G", "", "330604002", "曹娥街道江扬路", "李经理",
     0, 80},
    {"91330604MA2F000985", "绍兴上虞博文科技有限公司", "I", "", "330604002007", "曹娥街道博文路",
     "赵经理", 0, 35},
    {"91330604MA2F00100Q", "浙江阳光照明电器集团股份有限公司", "C", "", "330604001", "百官街道",
     "陈主任", 1, 3000},
    {"91330604MA2F00119M", "浙江皇马科技股份有限公司", "C", "新能源材料", "330604104", "章镇镇",
     "马经理", 1, 1500},
    {"91330604MA2F00127G", "绍兴市上虞区崧厦伞业有限公司", "C", "伞业", "330604007", "崧厦街道",
     "杜经理", 0, 120},
};

static int64_t firm_ids[sizeof(firms) / sizeof(firms[0])];

static const struct {
    const char *name, *kind, *place, *leader;
} teams[] = {
    {"杭州湾综管办助企服务团", "expert", "330604", "胡金友"},
    {"曹娥街道驻企片区服务团", "area", "330604002", "徐建国"},
};

/* cadre, team (index), firms (indexes, -1 ends) */
static const struct {
    const char *cadre;
    int team;
    int firms[6];
} assignments[] = {
    {"hujinyou", 0, {0, 1, 2, 3, -1}},
    {"qiye", 1, {4, 5, 6, 7, 8, -1}},
};

static const struct {
    const char *cadre;
    int firm, days_ago;
    const char *kind, *notes, *outcome;
} visits[] = {
    {"hujinyou", 0, 40, "on_site",
     "走访扬帆新材料：光引发剂产品出口占营收一半，海外客户急需材料，出口报检需要五天。",
     "联系绍兴海关驻上虞办事处到企业现场指导"},
    {"hujinyou", 1, 30, "online", "线上对接中欣氟材，了解氟材料项目用能需求。", "已转区发改局"},
    {"hujinyou", 3, 21, "on_site", "走访龙盛集团，了解染料出口和用工情况。", "暂无问题"},
    {"qiye", 4, 25, "on_site", "走访卧龙电气，了解电机产线技改进度。", "技改项目按期推进"},
    {"qiye", 5, 12, "phone", "电话联系晶盛机电，了解半导体装备订单情况。", "订单饱满"},
    {"qiye", 8, 6, "on_site", "走访博文科技，了解人才公寓申请。", "已告知申请渠道"},
};

static int64_t user_id(struct db *db, struct arena *a, const char *username, struct err *e)
{
    struct dbrows r;
    if (db_query(db, a, &r, e, "SELECT id FROM users WHERE username = ?", DB_ARGS(DBS(username))) !=
            ERR_OK ||
        r.nrows == 0)
        return 0;
    return dbrows_int(&r, 0, 0);
}

static int registers_fn(struct db *db, void *arg, struct err *e)
{
    struct arena a;
    struct reg_ctx c;
    struct reg_rec rec;
    int64_t team_ids[ARRAY_LEN(teams)];
    int rc = ERR_OK;
    (void)arg;
    arena_init(&a, 0);
    c = (struct reg_ctx){.a = &a};
    for (size_t i = 0; i < ARRAY_LEN(firms) && rc == ERR_OK; i++) {
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:i, s:s, s:s}", "credit_code",
                      firms[i].code, "name", firms[i].name, "industry", firms[i].industry, "chain",
                      firms[i].chain, "place", firms[i].place, "address", firms[i].address,
                      "listed", firms[i].listed, "employees", firms[i].employees, "contact",
                      firms[i].contact, "phone", arena_printf(&a, "1390575%04zu", 100 + i));
        rc = reg_create_json(db, &c, &reg_enterprises, o, &rec, e);
        json_decref(o);
        firm_ids[i] = rec.id;
    }
    for (size_t i = 0; i < ARRAY_LEN(teams) && rc == ERR_OK; i++) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "name", teams[i].name, "kind", teams[i].kind,
                              "place", teams[i].place, "leader", teams[i].leader);
        rc = reg_create_json(db, &c, &reg_service_teams, o, &rec, e);
        json_decref(o);
        team_ids[i] = rec.id;
    }
    for (size_t i = 0; i < ARRAY_LEN(assignments) && rc == ERR_OK; i++) {
        int64_t uid = user_id(db, &a, assignments[i].cadre, e);
        for (int k = 0; assignments[i].firms[k] >= 0 && rc == ERR_OK; k++) {
            json_t *o = json_pack("{s:I, s:I, s:I}", "cadre", (json_int_t)uid, "enterprise",
                                  (json_int_t)firm_ids[assignments[i].firms[k]], "team",
                                  (json_int_t)team_ids[assignments[i].team]);
            rc = reg_create_json(db, &c, &reg_cadre_assignments, o, &rec, e);
            json_decref(o);
        }
    }
    arena_free(&a);
    return rc;
}

/* A demo user with its roles and enterprises, to act as (read on its own connection). */
static int as_user(struct store *s, struct arena *a, const char *username, struct user *u,
                   struct err *e)
{
    struct db *db = store_acquire(s);
    int64_t id = user_id(db, a, username, e);
    int rc = id ? user_get(db, a, id, u, e)
                : err_set(e, ERR_INTERNAL, NULL, "no demo user %s", username);
    store_release(s, db);
    return rc;
}

/* The customs problem runs its course: the district office accepts it and sends it to the
 * customs service point, which takes it up and resolves it; the cadre checks the fix on site,
 * confirms it for the enterprise, and the office closes it. */
static int solve(struct store *s, struct arena *a, int64_t case_id, struct err *e)
{
    static const struct {
        const char *who;
        struct case_step st;
    } steps[] = {
        {"admin", {.action = CA_ACCEPT}},
        {"admin", {.action = CA_DISPATCH, .department = "hg"}},
        {"hg", {.action = CA_START}},
        {"hg",
         {.action = CA_RESOLVE,
          .note = "海关工作人员到企业现场指导报关材料准备，报检时间缩短至2天内"}},
        {"hujinyou", {.action = CA_VERIFY, .note = "回访企业：光引发剂订单已顺利出口"}},
        {"hujinyou", {.action = CA_CONFIRM, .rating = 5, .note = "企业满意"}},
        {"admin", {.action = CA_CLOSE}},
    };
    for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
        struct user u;
        struct case_rec cs;
        int rc = as_user(s, a, steps[i].who, &u, e);
        struct actor who = {.user = &u};
        if (rc != ERR_OK || (rc = case_step_run(s, a, NULL, case_id, &steps[i].st, &who, &cs, e)))
            return rc;
    }
    return ERR_OK;
}

int demo_enterprise_seed(struct store *s, struct err *e)
{
    struct arena a;
    int rc = store_write(s, registers_fn, NULL, e);
    arena_init(&a, 0);
    for (size_t i = 0; i < ARRAY_LEN(visits) && rc == ERR_OK; i++) {
        struct user u;
        struct reg_rec visit;
        char day[16];
        time_t t = time(NULL) + 8 * 3600 - (time_t)visits[i].days_ago * 86400;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(day, sizeof(day), "%Y-%m-%d", &tm);
        if ((rc = as_user(s, &a, visits[i].cadre, &u, e)) != ERR_OK)
            break;
        struct reg_ctx c = {.a = &a, .user = &u, .user_id = u.id};
        json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "visited_on", day, "kind", visits[i].kind,
                                 "notes", visits[i].notes, "outcome", visits[i].outcome);
        if (i == 0)
            json_object_set_new(
                body, "problems",
                json_pack("[{s:s, s:s, s:{s:s}}]", "category", "ent_customs", "description",
                          "通关时间长达五天：产品出口海关报检需要5天，海外客户急需材料",
                          "attributes", "matter", "declare"));
        rc = visit_report(s, &c, arena_printf(&a, "%lld", (long long)firm_ids[visits[i].firm]),
                          body, &visit, e);
        json_decref(body);
    }
    if (rc == ERR_OK) {
        /* the case raised on the first visit */
        struct db *db = store_acquire(s);
        struct dbrows r;
        rc = db_query(db, &a, &r, e, "SELECT id FROM cases WHERE enterprise_id = ? ORDER BY id",
                      DB_ARGS(DBI(firm_ids[0])));
        store_release(s, db);
        if (rc == ERR_OK && r.nrows > 0)
            rc = solve(s, &a, dbrows_int(&r, 0, 0), e);
    }
    arena_free(&a);
    return rc;
}
