/*
 * bench/gen_dataset.c - a district-sized dataset for list-query latencies (bench/dataset.sh).
 *
 * Into a gridgov SQLite database created by `gridgov demo --no-serve` (the real 364 villages
 * and communities of 上虞区 330604, the demo catalogue, users and departments) it writes, with
 * plain SQL in large transactions (a data generator, not the API):
 *
 *   - grids under every community and village until there are --grids of them (about 8 each),
 *     coded, levelled and with the path column as src/domain/place.c writes them;
 *   - --cases cases over the last --days days (default 730), ids in time order, spread over
 *     the grids by households, with the demo categories, channels, Chinese descriptions,
 *     statuses that depend on age (recent ones open, older ones mostly closed, a few rejected,
 *     merged or stuck), departments, deadlines (so some are overdue), case numbers per day;
 *   - their timelines: one row per step taken (submit, accept, dispatch, start, resolve,
 *     verify, confirm, close, reject, merge), or only the submit row with --events submit.
 *
 * The secondary indexes of cases and case_events and the FTS5 insert trigger are dropped for
 * the load and made again afterwards from their own SQL (the full-text index by one INSERT
 * ... SELECT): the same schema and index content as row-by-row intake, several times faster.
 *
 * The timeline hashes are PLACEHOLDERS (not the keyed BLAKE2b chain): `gridgov audit verify`
 * reports every generated case on such a database. Do not run it there.
 *
 * Usage: bench-gen-dataset --db PATH [--cases N] [--grids N] [--days N] [--seed N]
 *                          [--events full|submit]
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "rows.h"

static sqlite3 *db;

static void die(const char *what)
{
    fprintf(stderr, "bench-gen-dataset: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
    exit(1);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: reproducible for a seed, independent of the C library. */
static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}
static double urand(void)
{
    return (double)(rnd() >> 11) / 9007199254740992.0;
}
static int irand(int lo, int hi)
{
    return lo + (int)(rnd() % (uint64_t)(hi - lo + 1));
}
#define PICK(a) (a[rnd() % (sizeof(a) / sizeof(a[0]))])

static sqlite3_stmt *prep(const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die(sql);
    return st;
}

static void exec(const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die(sql);
}

static void step_done(sqlite3_stmt *st, const char *what)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        die(what);
    sqlite3_reset(st);
}

static int64_t query_int(const char *sql)
{
    sqlite3_stmt *st = prep(sql);
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return v;
}

static char *gd_strdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (d == NULL)
        exit(1);
    return d;
}

/* ---- vocabulary ---- */

static const char *const locations[] = {
    "春江花城",         "博文苑",    "江扬花园", "曹娥新村", "舜江名邸", "锦绣江南",
    "凤鸣苑",           "华府小区",  "金色家园", "滨江一品", "百官新村", "龙山花园",
    "城东新区",         "人民西路",  "市民大道", "江扬路",   "舜耕大道", "凤山路",
    "青春路",           "解放街",    "五星东路", "崧厦老街", "工业园区", "上虞高铁站附近",
    "东澄村文化礼堂旁", "舜源村村口"};

static const char *const tails[] = {"请尽快处理。",       "希望有关部门重视。", "已经反映多次了。",
                                    "影响居民正常生活。", "请派人现场查看。",   "谢谢！",
                                    "周边居民意见很大。", "希望早日解决。"};

struct vocab {
    const char *code;
    const char *const *what;
    int nwhat;
    double weight;
};

#define WHAT(...)                                                                                  \
    (const char *const[]){__VA_ARGS__},                                                            \
        (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *))

static const struct vocab vocab[] = {
    {"ebike",
     WHAT("楼道里有人给电动车充电", "电动车停在消防通道上", "电瓶车在楼梯间充电存在火灾隐患",
          "电动车乱停放堵住单元门口", "有人从楼上拉飞线给电动车充电", "地下室电动车充电插座不够用"),
     18},
    {"parking",
     WHAT("机动车长期占用消防通道", "小区内僵尸车长期停放", "路边乱停车影响通行",
          "车位被外来车辆占用", "夜间货车停在小区门口"),
     12},
    {"property",
     WHAT("物业不作为，电梯坏了一周没人修", "物业费上涨没有公示", "小区门禁损坏很久没修",
          "物业与业主委员会矛盾", "垃圾清运不及时物业推诿"),
     10},
    {"sanitation",
     WHAT("垃圾桶满了没人清运", "路边有建筑垃圾堆放", "河道里漂浮垃圾", "公共厕所卫生很差",
          "绿化带里有人乱倒垃圾"),
     15},
    {"illegal_build",
     WHAT("楼顶违章搭建阳光房", "一楼住户私自扩建院子", "绿化带被圈占搭棚", "沿街店铺违规搭建雨棚",
          "农户未经审批建房"),
     6},
    {"noise",
     WHAT("夜间施工噪声扰民", "广场舞音响太吵", "楼上装修时间不规范", "KTV深夜噪音",
          "工厂机器夜间噪音大"),
     8},
    {"pole",
     WHAT("电线杆倾斜影响通行", "废弃电线杆未拆除", "通信线缆垂落很危险", "电线杆挡住道路拓宽",
          "管线移位影响施工"),
     3},
    {"streetlight",
     WHAT("路灯不亮已经一周", "路灯白天也亮着", "路灯杆被撞歪", "小区道路照明不足", "路灯线路裸露"),
     6},
    {"house_safety",
     WHAT("老房子外墙开裂", "阳台有脱落危险", "楼梯扶手松动", "房屋地基下沉", "墙体渗水严重"), 3},
    {"dispute",
     WHAT("邻居之间因漏水发生纠纷", "宠物狗扰民引发矛盾", "相邻院墙边界争议",
          "楼上漏水楼下受损协商不成", "公共区域堆物引起争吵"),
     9},
    {"elderly",
     WHAT("独居老人需要上门探访", "申请居家养老助餐服务", "老人行动不便需要助浴",
          "为高龄老人申请补贴", "老人家中无人照看"),
     5},
    {"ent_customs",
     WHAT("企业出口报关流程咨询", "进口原料通关时间过长", "申请海关AEO认证辅导", "出口退税手续办理",
          "跨境电商通关问题"),
     1},
    {"ent_labour",
     WHAT("企业招工困难需要对接", "员工社保缴纳问题咨询", "技能工人培训补贴申请",
          "劳动合同纠纷调解", "外来务工人员子女入学"),
     2},
    {"ent_land",
     WHAT("企业扩建用地指标申请", "厂房土地证办理进度", "工业用地规划调整咨询", "土地出让手续办理",
          "低效用地改造政策咨询"),
     2},
};
#define NVOCAB ((int)(sizeof(vocab) / sizeof(vocab[0])))

static const char *const surnames[] = {"张", "王", "李", "赵", "陈", "刘", "杨", "黄", "周", "吴",
                                       "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"};
static const char *const titles[] = {"先生", "女士", "阿姨", "师傅", "大伯", "老师"};
static const char *const zh_num[] = {"一", "二", "三", "四", "五",   "六",
                                     "七", "八", "九", "十", "十一", "十二"};

/* ---- the catalogue as stored ---- */

struct category {
    const char *code, *dept, *level;
    int64_t sla[4]; /* accept, dispatch, resolve, verify in seconds (approximate calendar) */
    const struct vocab *v;
    double cum;
};

static int64_t sla_seconds(const char *s)
{
    long n = strtol(s, NULL, 10);
    /* working hours and days, roughly: a working day is 1.4 calendar days over a week */
    return strchr(s, 'h') ? n * 3600 : (int64_t)((double)n * 86400 * 1.4);
}

struct grid {
    char code[16];
    double cum;
};

struct user_ref {
    int64_t id;
    const char *name;
};

static struct user_ref user_ref(const char *username)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT id FROM users WHERE username = '%s'", username);
    struct user_ref u = {query_int(sql), username};
    return u;
}

enum st {
    SUBMITTED,
    ACCEPTED,
    DISPATCHED,
    IN_PROGRESS,
    RESOLVED,
    VERIFIED,
    CLOSED,
    REJECTED,
    MERGED
};
static const char *const st_name[] = {"submitted",   "accepted", "dispatched",
                                      "in_progress", "resolved", "verified",
                                      "closed",      "rejected", "merged"};

/* Status by age: recent cases are open, older ones mostly closed; some stay stuck. */
static enum st pick_status(int64_t age)
{
    static const double young[] = {35, 25, 20, 15, 0, 0, 0, 5, 0};           /* < 1 day */
    static const double week[] = {3, 5, 15, 25, 15, 12, 20, 4, 1};           /* < 7 days */
    static const double month[] = {0.2, 0.3, 3, 5, 4, 3, 78.5, 4, 2};        /* < 30 days */
    static const double old[] = {0.02, 0.03, 0.15, 0.5, 0.1, 0.2, 92, 5, 2}; /* older */
    const double *w = age < 86400 ? young : age < 7 * 86400 ? week : age < 30 * 86400 ? month : old;
    double total = 0, x;
    for (int i = 0; i < 9; i++)
        total += w[i];
    x = urand() * total;
    for (int i = 0; i < 9; i++) {
        if (x < w[i])
            return (enum st)i;
        x -= w[i];
    }
    return CLOSED;
}

/* The category's required attributes (and some optional ones), keys sorted, compact: the form
 * case_insert stores after category_attrs_check. */
static void attrs_for(const char *cat, const char *bldg, char *out, size_t cap)
{
    static const char *const companies[] = {"浙江舜江机械有限公司", "上虞华兴化工有限公司",
                                            "绍兴凤鸣纺织有限公司", "上虞江扬电子科技有限公司"};
#define ONE(...) PICK(((const char *const[]){__VA_ARGS__}))
    if (strcmp(cat, "ebike") == 0)
        snprintf(out, cap, "{\"building\":\"%s\",\"stairwell_charging\":\"%s\"}",
                 bldg[0] ? bldg : "1幢", urand() < 0.7 ? "yes" : "no");
    else if (strcmp(cat, "dispute") == 0)
        snprintf(out, cap, "{\"kind\":\"%s\"}", ONE("leak", "boundary", "noise", "pets", "other"));
    else if (strcmp(cat, "elderly") == 0)
        snprintf(out, cap, "{\"age\":%d,\"need\":[\"%s\"]}", irand(70, 96),
                 ONE("meal", "bath", "medical", "visit"));
    else if (strncmp(cat, "ent_", 4) == 0)
        snprintf(out, cap, "{\"company_name\":\"%s\",\"%s\":\"%s\",\"uscc\":\"91330604MA2%07d\"}",
                 PICK(companies), strcmp(cat, "ent_labour") == 0 ? "kind" : "matter",
                 strcmp(cat, "ent_labour") == 0 ? ONE("recruit", "training", "dispute", "insurance")
                 : strcmp(cat, "ent_land") == 0
                     ? ONE("new", "expand", "certificate", "planning")
                     : ONE("declare", "inspect", "credit", "tax", "other"),
                 irand(0, 9999999));
    else if (strcmp(cat, "house_safety") == 0)
        snprintf(out, cap, "{\"building\":\"%s\",\"hazard\":[\"%s\"],\"occupied\":\"%s\"}",
                 bldg[0] ? bldg : "1幢", ONE("crack", "tilt", "leak", "facade"), ONE("yes", "no"));
    else if (strcmp(cat, "illegal_build") == 0)
        snprintf(out, cap, "{\"location\":\"%s\"}", ONE("roof", "yard", "balcony", "public"));
    else if (strcmp(cat, "noise") == 0)
        snprintf(out, cap, "{\"period\":\"%s\",\"source\":\"%s\"}", ONE("day", "night"),
                 ONE("construction", "business", "square_dance", "neighbor", "other"));
    else if (strcmp(cat, "parking") == 0)
        snprintf(out, cap, "{\"kind\":\"%s\"}", ONE("fire_lane", "sidewalk", "compound", "zombie"));
    else if (strcmp(cat, "pole") == 0)
        snprintf(out, cap, "{\"pole_kind\":\"%s\"}",
                 ONE("power", "telecom", "streetlight", "pipe", "other"));
    else if (strcmp(cat, "property") == 0)
        snprintf(out, cap, "{\"issue\":\"%s\"}", ONE("fee", "repair", "service", "public_income"));
    else if (strcmp(cat, "sanitation") == 0)
        snprintf(out, cap, "{\"kind\":[\"%s\"]}", ONE("garbage", "sewage", "greenbelt", "pests"));
    else if (strcmp(cat, "streetlight") == 0)
        snprintf(out, cap, "{\"fault\":\"%s\"}", ONE("off", "always_on", "flicker", "damaged"));
    else
        snprintf(out, cap, "{}");
#undef ONE
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench-gen-dataset --db PATH [--cases N] [--grids N] [--days N] "
                    "[--seed N] [--events full|submit]\n");
    exit(2);
}

/* ---- registries in proportion to the cases ---- */

/* What the index counts besides cases (docs/index.md): per grid, residents (a third of them new
 * residents, most of those registered), a compound (some without property management, most with
 * an owners' committee), a grid worker (a user who cannot log in: no password hash) and their
 * patrols, as many as the grid's residents; per community, a party branch with about two
 * activities a month. About one resident per eight cases: 125,000 for a million. Sealed
 * personal fields stay empty (they are optional and count for nothing). Dated over the same days
 * as the cases. */
/* The Asia/Shanghai day of an instant, YYYY-MM-DD. */
static void day_of(int64_t at, char out[16])
{
    time_t t = (time_t)(at + 28800);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

enum { N_RESIDENTS, N_REGISTRATIONS, N_COMPOUNDS, N_BRANCHES, N_ACTIVITIES, N_WORKERS, N_PATROLS };

static void gen_registries(const struct grid *grids, int ng, long ncases, int64_t start,
                           int64_t now, long out[7])
{
    sqlite3_stmt *res = prep("INSERT INTO residents (county, name, place_code, kind, tags, "
                             "archived_at, created_at, updated_at) VALUES ('330604', ?1, ?2, ?3, "
                             "?4, ?5, ?6, ?6)");
    sqlite3_stmt *reg = prep("INSERT INTO registrations (county, resident_id, place_code, "
                             "registered_on, origin, created_at, updated_at) VALUES ('330604', ?1, "
                             "?2, ?3, ?4, ?5, ?5)");
    sqlite3_stmt *cmp = prep("INSERT OR IGNORE INTO compounds (county, community_code, name, "
                             "households, property_company, owners_committee, created_at, "
                             "updated_at) VALUES ('330604', ?1, ?2, ?3, ?4, ?5, ?6, ?6)");
    sqlite3_stmt *org = prep("INSERT OR IGNORE INTO party_orgs (county, name, kind, place_code, "
                             "created_at, updated_at) VALUES ('330604', ?1, 'branch', ?2, ?3, ?3)");
    sqlite3_stmt *act = prep("INSERT INTO party_activities (county, title, kind, held_on, org_id, "
                             "place_code, attendees, created_at, updated_at) VALUES ('330604', ?1, "
                             "?2, ?3, ?4, ?5, ?6, ?7, ?7)");
    sqlite3_stmt *usr = prep("INSERT INTO users (username, display_name, pw_hash, created_at, "
                             "updated_at) VALUES (?1, ?2, '!', ?3, ?3)");
    sqlite3_stmt *role = prep("INSERT INTO user_roles (user_id, role, scope, place_code, "
                              "granted_at) VALUES (?1, 'grid_worker', ?2, ?2, ?3)");
    sqlite3_stmt *pat = prep("INSERT INTO patrols (county, grid_code, date, start_time, end_time, "
                             "route, points, findings, worker, created_at, updated_at) VALUES "
                             "('330604', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)");
    static const char *const kinds[] = {"theme_day", "feature_class"};
    static const char *const findings[] = {"",        "", "", "楼道堆放杂物", "电动车违规充电",
                                           "路灯不亮"};
    static const char *const origins[] = {"安徽省阜阳市", "贵州省毕节市", "河南省信阳市",
                                          "江西省上饶市", "四川省达州市"};
    long per_grid = ncases / ng / 8 > 0 ? ncases / ng / 8 : 1;
    char name[64], day[16], last_comm[16] = "";
    int64_t org_id = 0;
    memset(out, 0, 7 * sizeof(*out));
    exec("BEGIN");
    for (int g = 0; g < ng; g++) {
        const char *grid = grids[g].code;
        char comm[16];
        snprintf(comm, sizeof(comm), "%.12s", grid);
        for (long k = 0; k < per_grid; k++) {
            int64_t at = start + (int64_t)(urand() * (double)(now - start));
            int fresh = urand() < 0.33;
            snprintf(name, sizeof(name), "居民%ld", out[N_RESIDENTS] + 1);
            sqlite3_bind_text(res, 1, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(res, 2, grid, -1, SQLITE_STATIC);
            sqlite3_bind_text(res, 3, fresh ? "new" : "local", -1, SQLITE_STATIC);
            sqlite3_bind_text(res, 4, urand() < 0.05 ? "[\"独居老人\"]" : "[]", -1, SQLITE_STATIC);
            if (urand() < 0.02)
                sqlite3_bind_int64(res, 5, at + 86400);
            else
                sqlite3_bind_null(res, 5);
            sqlite3_bind_int64(res, 6, at);
            step_done(res, "INSERT INTO residents");
            out[N_RESIDENTS]++;
            if (fresh && urand() < 0.9) {
                day_of(at, day);
                sqlite3_bind_int64(reg, 1, sqlite3_last_insert_rowid(db));
                sqlite3_bind_text(reg, 2, grid, -1, SQLITE_STATIC);
                sqlite3_bind_text(reg, 3, day, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(reg, 4, PICK(origins), -1, SQLITE_STATIC);
                sqlite3_bind_int64(reg, 5, at + 3600);
                step_done(reg, "INSERT INTO registrations");
                out[N_REGISTRATIONS]++;
            }
        }
        /* the grid's worker, on the job from the start, and their patrols */
        char worker[64], username[32];
        snprintf(username, sizeof(username), "gw%s", grid);
        snprintf(worker, sizeof(worker), "网格员%s", grid + 9);
        sqlite3_bind_text(usr, 1, username, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(usr, 2, worker, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(usr, 3, start);
        step_done(usr, "INSERT INTO users");
        sqlite3_bind_int64(role, 1, sqlite3_last_insert_rowid(db));
        sqlite3_bind_text(role, 2, grid, -1, SQLITE_STATIC);
        sqlite3_bind_int64(role, 3, start);
        step_done(role, "INSERT INTO user_roles");
        out[N_WORKERS]++;
        for (long k = 0; k < per_grid; k++) {
            int64_t at = start + (int64_t)(urand() * (double)(now - start));
            char from[8], to[8];
            day_of(at, day);
            int h = irand(8, 16), m = irand(0, 59), len = irand(30, 120);
            snprintf(from, sizeof(from), "%02d:%02d", h, m);
            snprintf(to, sizeof(to), "%02d:%02d", h + (m + len) / 60, (m + len) % 60);
            sqlite3_bind_text(pat, 1, grid, -1, SQLITE_STATIC);
            sqlite3_bind_text(pat, 2, day, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(pat, 3, from, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(pat, 4, to, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(pat, 5, "小区主干道—沿街商铺—背街小巷", -1, SQLITE_STATIC);
            sqlite3_bind_int(pat, 6, irand(3, 12));
            sqlite3_bind_text(pat, 7, PICK(findings), -1, SQLITE_STATIC);
            sqlite3_bind_text(pat, 8, worker, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(pat, 9, at + 3 * 3600);
            step_done(pat, "INSERT INTO patrols");
            out[N_PATROLS]++;
        }
        snprintf(name, sizeof(name), "%s号小区", grid + 12);
        sqlite3_bind_text(cmp, 1, comm, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(cmp, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(cmp, 3, irand(80, 900));
        sqlite3_bind_text(cmp, 4, urand() < 0.15 ? "" : "物业服务公司", -1, SQLITE_STATIC);
        sqlite3_bind_int(cmp, 5, urand() < 0.6);
        sqlite3_bind_int64(cmp, 6, start + (int64_t)(urand() * (double)(now - start)));
        step_done(cmp, "INSERT INTO compounds");
        out[N_COMPOUNDS] += sqlite3_changes(db);
        if (strcmp(comm, last_comm) != 0) { /* a branch for the community, and its activities */
            snprintf(last_comm, sizeof(last_comm), "%s", comm);
            snprintf(name, sizeof(name), "%s党支部", comm);
            sqlite3_bind_text(org, 1, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(org, 2, comm, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(org, 3, start);
            step_done(org, "INSERT INTO party_orgs");
            org_id = sqlite3_changes(db) ? sqlite3_last_insert_rowid(db) : org_id;
            out[N_BRANCHES]++;
            for (int64_t at = start + irand(0, 15) * 86400; at < now; at += irand(10, 20) * 86400) {
                day_of(at, day);
                sqlite3_bind_text(act, 1, "主题党日活动", -1, SQLITE_STATIC);
                sqlite3_bind_text(act, 2, PICK(kinds), -1, SQLITE_STATIC);
                sqlite3_bind_text(act, 3, day, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int64(act, 4, org_id);
                sqlite3_bind_text(act, 5, comm, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int(act, 6, irand(8, 40));
                sqlite3_bind_int64(act, 7, at);
                step_done(act, "INSERT INTO party_activities");
                out[N_ACTIVITIES]++;
            }
        }
    }
    exec("COMMIT");
    sqlite3_finalize(res);
    sqlite3_finalize(reg);
    sqlite3_finalize(cmp);
    sqlite3_finalize(org);
    sqlite3_finalize(act);
    sqlite3_finalize(usr);
    sqlite3_finalize(role);
    sqlite3_finalize(pat);
}

int main(int argc, char **argv)
{
    const char *path = NULL, *events = "full";
    long ncases = 1000000, ngrids = 3000, days = 730;
    unsigned long long seed = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
            ncases = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--grids") == 0 && i + 1 < argc)
            ngrids = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--days") == 0 && i + 1 < argc)
            days = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
            events = argv[++i];
        else
            usage();
    }
    if (path == NULL || ncases < 1 || ngrids < 1 || days < 1 ||
        (strcmp(events, "full") && strcmp(events, "submit")))
        usage();
    int full_events = strcmp(events, "full") == 0;
    rng_state ^= seed * 0x9E3779B97F4A7C15ull;
    if (rng_state == 0)
        rng_state = 1;

    double t_start = now_s();
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        die("open");
    /* A bulk load, alone on the file: no journal, no fsync, a large cache. The database goes
     * back to WAL at the end, as gridgov expects it. */
    exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; "
         "PRAGMA cache_size=-1000000; PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF");
    if (query_int("SELECT count(*) FROM places WHERE level = 'community' AND code LIKE "
                  "'330604%'") == 0)
        die("no communities of 330604: create the database with `gridgov demo --no-serve`");
    /* the demo's own cases stay: generated ids follow theirs, case numbers their day's last */
    const int64_t base_id = query_int("SELECT coalesce(max(id), 0) FROM cases");

    /* ---- grids ---- */
    exec("BEGIN");
    {
        int ncomm = (int)query_int(
            "SELECT count(*) FROM places WHERE level = 'community' AND code LIKE '330604%'");
        sqlite3_stmt *comm = prep("SELECT p.code, p.name, (SELECT count(*) FROM places g WHERE "
                                  "g.parent_code = p.code AND g.level = 'grid'), (SELECT "
                                  "coalesce(max(g.code), '') FROM places g WHERE g.parent_code = "
                                  "p.code AND g.level = 'grid') FROM places p WHERE p.level = "
                                  "'community' AND p.code LIKE '330604%' ORDER BY p.code");
        sqlite3_stmt *ins = prep(
            "INSERT INTO places (code, parent_code, level, kind, name, county, path, households, "
            "created_at, updated_at) SELECT ?1, p.code, 'grid', 'grid', ?2, p.county, "
            "json_insert(p.path, '$[#]', json_object('code', p.code, 'name', p.name, 'level', "
            "p.level)), ?3, ?4, ?4 FROM places p WHERE p.code = ?5");
        int64_t now = (int64_t)time(NULL);
        long base = ngrids / ncomm, extra = ngrids % ncomm, added = 0;
        for (int i = 0; sqlite3_step(comm) == SQLITE_ROW; i++) {
            const char *code = (const char *)sqlite3_column_text(comm, 0);
            const char *name = (const char *)sqlite3_column_text(comm, 1);
            long have = sqlite3_column_int(comm, 2);
            const char *max = (const char *)sqlite3_column_text(comm, 3);
            long next = max && max[0] ? strtol(max + 12, NULL, 10) + 1 : 1;
            long want = base + (i < extra ? 1 : 0);
            for (long k = have; k < want; k++, next++) {
                char gcode[24], gname[128];
                snprintf(gcode, sizeof(gcode), "%s%03ld", code, next);
                if (next <= 12)
                    snprintf(gname, sizeof(gname), "%s第%s网格", name, zh_num[next - 1]);
                else
                    snprintf(gname, sizeof(gname), "%s第%ld网格", name, next);
                sqlite3_bind_text(ins, 1, gcode, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(ins, 2, gname, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int(ins, 3, irand(120, 650));
                sqlite3_bind_int64(ins, 4, now);
                sqlite3_bind_text(ins, 5, code, -1, SQLITE_TRANSIENT);
                step_done(ins, "INSERT INTO places");
                added++;
            }
        }
        sqlite3_finalize(comm);
        sqlite3_finalize(ins);
        fprintf(stderr, "grids: %ld added under %d communities\n", added, ncomm);
    }
    exec("COMMIT");

    /* grids weighted by households */
    int ng = (int)query_int("SELECT count(*) FROM places WHERE level = 'grid' AND code LIKE "
                            "'330604%'");
    struct grid *grids = calloc((size_t)ng, sizeof(*grids));
    if (grids == NULL)
        return 1;
    {
        sqlite3_stmt *st = prep("SELECT code, max(households, 50) FROM places WHERE level = "
                                "'grid' AND code LIKE '330604%' ORDER BY code");
        double cum = 0;
        for (int i = 0; i < ng && sqlite3_step(st) == SQLITE_ROW; i++) {
            snprintf(grids[i].code, sizeof(grids[i].code), "%s", sqlite3_column_text(st, 0));
            cum += sqlite3_column_double(st, 1);
            grids[i].cum = cum;
        }
        for (int i = 0; i < ng; i++)
            grids[i].cum /= cum;
        sqlite3_finalize(st);
    }

    /* the catalogue */
    struct category cats[NVOCAB];
    int ncat = 0;
    {
        double cum = 0;
        sqlite3_stmt *st = prep("SELECT code, department_code, handling_level, sla_accept, "
                                "sla_dispatch, sla_resolve, sla_verify FROM categories WHERE "
                                "code = ? AND active = 1");
        for (int i = 0; i < NVOCAB; i++) {
            sqlite3_bind_text(st, 1, vocab[i].code, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW) {
                struct category *c = &cats[ncat++];
                c->code = vocab[i].code;
                c->dept = sqlite3_column_type(st, 1) == SQLITE_NULL
                              ? NULL
                              : gd_strdup((const char *)sqlite3_column_text(st, 1));
                c->level = gd_strdup((const char *)sqlite3_column_text(st, 2));
                for (int k = 0; k < 4; k++)
                    c->sla[k] = sla_seconds((const char *)sqlite3_column_text(st, 3 + k));
                c->v = &vocab[i];
                cum += vocab[i].weight;
                c->cum = cum;
            }
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
        if (ncat == 0)
            die("none of the demo categories exists");
        for (int i = 0; i < ncat; i++)
            cats[i].cum /= cum;
    }
    struct user_ref u_admin = user_ref("admin"), u_street = user_ref("caoe"),
                    u_comm = user_ref("bowen"), u_grid = user_ref("gridworker"),
                    u_comm2 = user_ref("ruanrr"), u_ent = user_ref("qiye"),
                    u_dept = user_ref("zjj"), u_leader = user_ref("wangfang");

    /* creation times: a day uniformly over the period (a little more recently), the hour by
     * a daytime profile; sorted so ids follow time */
    int64_t now = (int64_t)time(NULL);
    int64_t start = now - (int64_t)days * 86400;
    int64_t *created = malloc((size_t)ncases * sizeof(int64_t));
    if (created == NULL)
        return 1;
    {
        static const double hour_w[24] = {0.3, 0.2, 0.1, 0.1, 0.1, 0.3, 1,   2.5, 5,   7, 7,   6,
                                          4,   5,   6.5, 6.5, 6,   5,   3.5, 3,   2.5, 2, 1.2, 0.6};
        double hcum[24], tot = 0;
        for (int h = 0; h < 24; h++)
            hcum[h] = (tot += hour_w[h]);
        for (long i = 0; i < ncases; i++) {
            /* density rising 50% over the period: case load grows as the system is adopted */
            double u = urand();
            double f = (sqrt(1 + 3 * u) - 1); /* inverse CDF of 1 + x on [0, 1], normalised */
            int64_t day_start = start + (int64_t)(f * (double)days) * 86400;
            /* align to Shanghai midnight, then an hour by profile */
            day_start -= (day_start + 8 * 3600) % 86400;
            double x = urand() * tot;
            int h = 0;
            while (h < 23 && x >= hcum[h])
                h++;
            int64_t t = day_start + h * 3600 + irand(0, 3599);
            if (t > now - 60)
                t = now - irand(60, 3600);
            if (t < start)
                t = start + irand(0, 3600);
            created[i] = t;
        }
        qsort(created, (size_t)ncases, sizeof(int64_t), cmp_i64);
    }

    /* Bulk-load order: the secondary indexes of cases and case_events and the FTS5 insert
     * trigger go, the rows go in, then the indexes are built by sorting and the full-text
     * index in one INSERT ... SELECT - the same schema and index content as row-by-row intake,
     * several times faster. Their SQL is read from the schema, so it is exactly what gridgov made.
     */
    char *later[32];
    int nlater = 0;
    {
        sqlite3_stmt *st = prep("SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL "
                                "AND ((type = 'index' AND tbl_name IN ('cases', 'case_events')) "
                                "OR (type = 'trigger' AND name = 'cases_fts_ai'))");
        char drop[160];
        char *drops[32];
        int ndrops = 0;
        while (sqlite3_step(st) == SQLITE_ROW && nlater < 32) {
            later[nlater++] = gd_strdup((const char *)sqlite3_column_text(st, 2));
            snprintf(drop, sizeof(drop), "DROP %s \"%s\"", sqlite3_column_text(st, 0),
                     sqlite3_column_text(st, 1));
            drops[ndrops++] = gd_strdup(drop);
        }
        sqlite3_finalize(st);
        for (int k = 0; k < ndrops; k++) {
            exec(drops[k]);
            free(drops[k]);
        }
    }

    sqlite3_stmt *ins_case = prep(
        "INSERT INTO cases (id, county, case_no, category_code, description, status, channel, "
        "place_code, grid_code, address, lat, lon, attributes, reporter_user_id, reporter_name, "
        "reporter_phone, token_hash, department_code, to_grid, stage_due_at, escalations, "
        "merged_into, confirmed, rating, late, on_time, search_grams, timeline_seq, "
        "timeline_head, version, created_at, updated_at, closed_at) VALUES (?1, '330604', ?2, ?3, "
        "?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
        "?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)");
    sqlite3_stmt *ins_ev = prep(
        "INSERT INTO case_events (county, case_id, seq, at, actor_user_id, actor, action, "
        "from_status, to_status, note, data, public, prev_hash, hash) VALUES ('330604', ?1, ?2, "
        "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?12)");
    sqlite3_stmt *day_last = prep("SELECT last FROM case_numbers WHERE day = ?1");
    sqlite3_stmt *ins_no = prep("INSERT INTO case_numbers (day, last) VALUES (?1, ?2) ON CONFLICT "
                                "(day) DO UPDATE SET last = max(last, excluded.last)");

    char desc[1024], gram[8192], addr[160], attrs[256], name[32], phone[16], token[65];
    char case_no[32], day[16] = "", prev_day[16] = "", data[512];
    char hashes[10][65];
    long per_day = 0, nevents = 0;
    long counts[9] = {0};
    const long batch = 50000;
    exec("BEGIN");
    for (long i = 0; i < ncases; i++) {
        int64_t id = base_id + i + 1, t0 = created[i];
        /* category, grid, channel */
        double x = urand();
        const struct category *cat = &cats[0];
        for (int k = 0; k < ncat; k++) {
            if (x < cats[k].cum) {
                cat = &cats[k];
                break;
            }
        }
        x = urand();
        int lo = 0, hi = ng - 1;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (grids[mid].cum < x)
                lo = mid + 1;
            else
                hi = mid;
        }
        const char *grid = grids[lo].code;
        const char *channel;
        struct user_ref reporter = {0, "reporter"};
        int enterprise = strncmp(cat->code, "ent_", 4) == 0;
        x = urand();
        if (enterprise)
            channel = x < 0.7 ? "enterprise_visit" : "hotline";
        else
            channel = x < 0.40   ? "resident"
                      : x < 0.70 ? "grid_patrol"
                      : x < 0.80 ? "commissioner"
                      : x < 0.95 ? "hotline"
                                 : "open311";
        if (strcmp(channel, "grid_patrol") == 0)
            reporter = urand() < 0.8 ? u_grid : u_leader;
        else if (strcmp(channel, "commissioner") == 0)
            reporter = u_comm2;
        else if (strcmp(channel, "enterprise_visit") == 0)
            reporter = u_ent;
        else if (strcmp(channel, "hotline") == 0)
            reporter = u_street;
        int public_ = reporter.id == 0;
        /* a hotline call is logged by the street office, but the caller is the reporter */
        int contact = public_ || strcmp(channel, "hotline") == 0;

        /* text */
        const char *loc = PICK(locations);
        char bldg[48] = "";
        if (urand() < 0.6)
            snprintf(bldg, sizeof(bldg), "%d幢", irand(1, 40));
        snprintf(desc, sizeof(desc), "%s%s%s，%s", loc, bldg,
                 cat->v->what[rnd() % (uint64_t)cat->v->nwhat], PICK(tails));
        grams(desc, gram, sizeof(gram));
        snprintf(addr, sizeof(addr), "%s%s", loc, bldg);
        attrs_for(cat->code, bldg, attrs, sizeof(attrs));
        snprintf(name, sizeof(name), "%s%s", PICK(surnames), PICK(titles));
        snprintf(phone, sizeof(phone), "1%d%08d", irand(30, 89), irand(0, 99999999));

        /* case number per Shanghai day */
        time_t local = (time_t)(t0 + 8 * 3600);
        struct tm tm;
        gmtime_r(&local, &tm);
        strftime(day, sizeof(day), "%Y%m%d", &tm);
        if (strcmp(day, prev_day) != 0) {
            if (prev_day[0]) {
                sqlite3_bind_text(ins_no, 1, prev_day, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int64(ins_no, 2, per_day);
                step_done(ins_no, "case_numbers");
            }
            snprintf(prev_day, sizeof(prev_day), "%s", day);
            sqlite3_bind_text(day_last, 1, day, -1, SQLITE_TRANSIENT);
            per_day = sqlite3_step(day_last) == SQLITE_ROW ? sqlite3_column_int64(day_last, 0) : 0;
            sqlite3_reset(day_last);
        }
        snprintf(case_no, sizeof(case_no), "%s-%04ld", day, ++per_day);

        /* the steps this case went through, spaced in time, squeezed into its age */
        enum st status = pick_status(now - t0);
        counts[status]++;
        int to_grid = strcmp(cat->level, "community") == 0 && (cat->dept == NULL || urand() < 0.3);
        const char *dept = to_grid ? NULL : cat->dept;
        if (dept == NULL)
            to_grid = 1;
        static const char *const actions[] = {"submit",  "accept", "dispatch", "start",
                                              "resolve", "verify", "confirm",  "close"};
        int nsteps; /* of the regular path, submit included */
        int confirmed = 0, rating = 0;
        switch (status) {
        case SUBMITTED:
            nsteps = 1;
            break;
        case ACCEPTED:
            nsteps = 2;
            break;
        case DISPATCHED:
            nsteps = 3;
            break;
        case IN_PROGRESS:
            nsteps = 4;
            break;
        case RESOLVED:
            nsteps = 5;
            break;
        case VERIFIED:
            confirmed = urand() < 0.4;
            nsteps = confirmed ? 7 : 6;
            break;
        case CLOSED:
            confirmed = urand() < 0.8;
            nsteps = confirmed ? 8 : 7;
            break;
        default:
            nsteps = 2;
            break; /* submit + reject or merge */
        }
        if (confirmed)
            rating = urand() < 0.75 ? 5 : urand() < 0.8 ? 4 : irand(1, 3);
        int64_t at[8];
        double gap[8] = {0};
        double late_f = urand() < 0.1 ? 2.5 : 1.0; /* one case in ten runs over a deadline */
        gap[1] = cat->sla[0] * (0.05 + 0.6 * urand()) * late_f;
        gap[2] = cat->sla[1] * (0.1 + 0.6 * urand());
        gap[3] = 3600 * (0.5 + 12 * urand());
        gap[4] = cat->sla[2] * (0.2 + 0.6 * urand()) * late_f;
        gap[5] = cat->sla[3] * (0.1 + 0.7 * urand());
        gap[6] = 86400 * 3 * urand();
        gap[7] = 3600 * (1 + 30 * urand());
        if (status == REJECTED || status == MERGED)
            gap[1] = 3600 * (0.2 + 6 * urand());
        if (status == CLOSED && !confirmed)
            gap[6] = 7 * 86400 + 3600; /* closed by the scheduler after the confirmation window */
        double total = 0;
        for (int k = 1; k < nsteps; k++)
            total += gap[k];
        double room = (double)(now - 30 - t0);
        double scale = total > room && total > 0 ? room / total : 1.0;
        at[0] = t0;
        for (int k = 1; k < nsteps; k++)
            at[k] = at[k - 1] + (int64_t)(gap[k] * scale);
        int64_t last = at[nsteps - 1];
        int late = late_f > 1.0 && nsteps > 2;
        int64_t due = 0;
        int escalations = 0;
        switch (status) {
        case SUBMITTED:
            due = t0 + cat->sla[0];
            break;
        case ACCEPTED:
            due = at[1] + cat->sla[1];
            break;
        case DISPATCHED:
        case IN_PROGRESS:
            due = at[2] + cat->sla[2];
            break;
        case RESOLVED:
            due = at[4] + cat->sla[3];
            break;
        case VERIFIED:
            due = at[5] + 7 * 86400;
            break;
        default:
            due = 0;
            break;
        }
        if (due && due < now && status != VERIFIED)
            escalations = urand() < 0.5 ? 1 : 0;
        int64_t merged_into =
            status == MERGED && id > 1 ? id - irand(1, (int)(id < 500 ? id - 1 : 500)) : 0;
        if (status == MERGED && merged_into < 1)
            merged_into = 0;
        if (merged_into == 0 && status == MERGED) {
            status = REJECTED; /* the first case has nothing to merge into */
            counts[MERGED]--;
            counts[REJECTED]++;
        }

        /* the timeline rows */
        int nev = full_events ? (status == REJECTED || status == MERGED ? 2 : nsteps) : 1;
        for (int k = 0; k < nev; k++) {
            const char *action, *from, *to, *note = "";
            struct user_ref actor = {0, "reporter"};
            int64_t when = at[k];
            if (k == 0) {
                action = "submit";
                from = "";
                to = "submitted";
                actor = reporter;
                snprintf(data, sizeof(data),
                         "{\"category\":\"%s\",\"grid\":\"%s\",\"place\":\"%s\"}", cat->code, grid,
                         grid);
            } else if (status == REJECTED || status == MERGED) {
                action = status == REJECTED ? "reject" : "merge";
                from = "submitted";
                to = st_name[status];
                actor = u_comm;
                note = status == REJECTED ? "不属于受理范围，已告知当事人" : "";
                if (status == MERGED)
                    snprintf(data, sizeof(data), "{\"into\":%lld}", (long long)merged_into);
                else
                    snprintf(data, sizeof(data), "{}");
            } else {
                static const enum st after[] = {SUBMITTED, ACCEPTED, DISPATCHED, IN_PROGRESS,
                                                RESOLVED,  VERIFIED, VERIFIED,   CLOSED};
                /* unconfirmed closed cases skip the confirm step */
                int a = (k == 6 && !confirmed) ? 7 : k;
                action = actions[a];
                from = st_name[after[a - 1]];
                to = st_name[after[a]];
                snprintf(data, sizeof(data), "{}");
                switch (a) {
                case 1:
                    actor = strcmp(cat->level, "district") == 0 ? u_admin
                            : strcmp(cat->level, "town") == 0   ? u_street
                                                                : u_comm;
                    break;
                case 2:
                    actor = u_comm;
                    if (to_grid)
                        snprintf(data, sizeof(data), "{\"to_grid\":\"%s\"}", grid);
                    else
                        snprintf(data, sizeof(data), "{\"department\":\"%s\"}", dept);
                    break;
                case 3:
                case 4:
                    actor = to_grid ? u_grid : u_dept;
                    if (a == 4)
                        note = "已现场处置完毕";
                    break;
                case 5:
                    actor = u_leader;
                    note = "现场核查属实";
                    break;
                case 6:
                    actor = reporter;
                    snprintf(data, sizeof(data), "{\"rating\":%d}", rating);
                    break;
                default:
                    actor = confirmed ? u_comm : (struct user_ref){0, "scheduler"};
                    snprintf(data, sizeof(data), "{\"on_time\":%s}", late ? "false" : "true");
                    break;
                }
            }
            hex64((uint64_t)id * 16 + (uint64_t)k, hashes[k]);
            sqlite3_bind_int64(ins_ev, 1, id);
            sqlite3_bind_int(ins_ev, 2, k + 1);
            sqlite3_bind_int64(ins_ev, 3, when);
            if (actor.id)
                sqlite3_bind_int64(ins_ev, 4, actor.id);
            else
                sqlite3_bind_null(ins_ev, 4);
            sqlite3_bind_text(ins_ev, 5, actor.name, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_ev, 6, action, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_ev, 7, from, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_ev, 8, to, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_ev, 9, note, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_ev, 10, data, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins_ev, 11, k ? hashes[k - 1] : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_ev, 12, hashes[k], -1, SQLITE_STATIC);
            step_done(ins_ev, "INSERT INTO case_events");
            nevents++;
        }

        int closed = status == CLOSED || status == REJECTED || status == MERGED;
        int dispatched = status >= DISPATCHED && status <= CLOSED;
        sqlite3_bind_int64(ins_case, 1, id);
        sqlite3_bind_text(ins_case, 2, case_no, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, 3, cat->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, 4, desc, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, 5, st_name[status], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, 6, channel, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, 7, grid, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, 8, addr, -1, SQLITE_STATIC);
        if (urand() < 0.6) { /* a point for six reports in ten, around 上虞 */
            sqlite3_bind_double(ins_case, 9, 30.03 + 0.12 * (urand() - 0.5));
            sqlite3_bind_double(ins_case, 10, 120.87 + 0.15 * (urand() - 0.5));
        } else {
            sqlite3_bind_null(ins_case, 9);
            sqlite3_bind_null(ins_case, 10);
        }
        sqlite3_bind_text(ins_case, 11, attrs, -1, SQLITE_STATIC);
        if (reporter.id)
            sqlite3_bind_int64(ins_case, 12, reporter.id);
        else
            sqlite3_bind_null(ins_case, 12);
        sqlite3_bind_text(ins_case, 13, contact ? name : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, 14, contact ? phone : "", -1, SQLITE_STATIC);
        if (public_) {
            hex64(rnd(), token);
            sqlite3_bind_text(ins_case, 15, token, -1, SQLITE_STATIC);
        } else {
            sqlite3_bind_null(ins_case, 15);
        }
        if (dispatched && dept)
            sqlite3_bind_text(ins_case, 16, dept, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins_case, 16);
        sqlite3_bind_int(ins_case, 17, dispatched && to_grid);
        if (due)
            sqlite3_bind_int64(ins_case, 18, due);
        else
            sqlite3_bind_null(ins_case, 18);
        sqlite3_bind_int(ins_case, 19, escalations);
        if (merged_into)
            sqlite3_bind_int64(ins_case, 20, merged_into);
        else
            sqlite3_bind_null(ins_case, 20);
        sqlite3_bind_int(ins_case, 21, confirmed);
        if (rating)
            sqlite3_bind_int(ins_case, 22, rating);
        else
            sqlite3_bind_null(ins_case, 22);
        sqlite3_bind_int(ins_case, 23, late);
        if (status == CLOSED)
            sqlite3_bind_int(ins_case, 24, !late);
        else
            sqlite3_bind_null(ins_case, 24);
        sqlite3_bind_text(ins_case, 25, gram, -1, SQLITE_STATIC);
        sqlite3_bind_int(ins_case, 26, nev);
        sqlite3_bind_text(ins_case, 27, hashes[nev - 1], -1, SQLITE_STATIC);
        sqlite3_bind_int(ins_case, 28, nev);
        sqlite3_bind_int64(ins_case, 29, t0);
        sqlite3_bind_int64(ins_case, 30, last);
        if (closed)
            sqlite3_bind_int64(ins_case, 31, last);
        else
            sqlite3_bind_null(ins_case, 31);
        step_done(ins_case, "INSERT INTO cases");

        if ((i + 1) % batch == 0) {
            exec("COMMIT");
            fprintf(stderr, "cases: %ld (%.0f s)\n", i + 1, now_s() - t_start);
            exec("BEGIN");
        }
    }
    if (prev_day[0]) {
        sqlite3_bind_text(ins_no, 1, prev_day, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins_no, 2, per_day);
        step_done(ins_no, "case_numbers");
    }
    exec("COMMIT");
    sqlite3_finalize(ins_case);
    sqlite3_finalize(ins_ev);
    sqlite3_finalize(ins_no);
    sqlite3_finalize(day_last);
    free(created);
    long nreg[7];
    gen_registries(grids, ng, ncases, start, now, nreg);
    free(grids);
    fprintf(stderr, "rows in (%.0f s); building indexes and the full-text index\n",
            now_s() - t_start);
    exec("BEGIN");
    for (int k = 0; k < nlater; k++) {
        exec(later[k]);
        free(later[k]);
    }
    {
        /* what the dropped insert trigger would have written (015_search.sqlite.sql): the
         * generated cases under their key in the list's order */
        char sql[256];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO cases_fts(rowid, search_grams) SELECT created_at * 2147483648 + "
                 "id, search_grams FROM cases WHERE id > %lld",
                 (long long)base_id);
        exec(sql);
        exec("INSERT INTO cases_fts(cases_fts) VALUES ('optimize')"); /* as 015 leaves it */
    }
    exec("COMMIT");
    exec("PRAGMA locking_mode=NORMAL");
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK)
        die("back to WAL");
    printf("generated: %d grids, %ld cases, %ld timeline rows in %.0f s\n", ng, ncases, nevents,
           now_s() - t_start);
    printf("registries: %ld residents, %ld registrations, %ld compounds, %ld party branches, %ld "
           "party activities, %ld grid workers, %ld patrols\n",
           nreg[N_RESIDENTS], nreg[N_REGISTRATIONS], nreg[N_COMPOUNDS], nreg[N_BRANCHES],
           nreg[N_ACTIVITIES], nreg[N_WORKERS], nreg[N_PATROLS]);
    printf("statuses:");
    for (int s = 0; s < 9; s++)
        printf(" %s=%ld", st_name[s], counts[s]);
    printf("\n");
    if (sqlite3_close(db) != SQLITE_OK)
        die("close");
    return 0;
}
