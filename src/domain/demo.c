/* demo.c - demonstration data drawn from the Shangyu practice (see shared context): 博文社区 of
 * 曹娥街道 with 春江花城, 舜源村 of 崧厦街道, 东澄村 of 岭南乡, 文化北区 of 百官街道. */
#include "domain/demo.h"
#include "core/util.h"
#include "domain/catalog.h"
#include "domain/compound.h"
#include "domain/divisions.h"
#include "domain/place.h"
#include "domain/user.h"

#include <string.h>
#include <time.h>

static const struct {
    const char *parent, *name;
    int households;
} demo_grids[] = {
    {"330604002007", "博文社区第一网格", 420},     {"330604002007", "博文社区第二网格", 385},
    {"330604002007", "博文社区第三网格", 402},     {"330604007317", "舜源村第一网格", 310},
    {"330604007317", "舜源村第二网格", 288},       {"330604200225", "东澄村网格", 196},
    {"330604001014", "卧龙山庄社区第一网格", 450}, {"330604112001", "盖北社区第一网格", 380},
    {"330604112001", "盖北社区第二网格", 340},
};

static const struct {
    const char *community, *name, *address, *company;
    int households, committee;
    const char *grids[3];
} demo_compounds[] = {
    {"330604002007",
     "春江花城",
     "曹娥街道江扬路",
     "上虞春江物业服务有限公司",
     862,
     1,
     {"330604002007001", "330604002007002"}},
    {"330604002007", "博文苑", "曹娥街道博文路", "", 214, 0, {"330604002007003"}},
    {"330604001014",
     "文化北区",
     "百官街道文化路",
     "百官物业管理有限公司",
     530,
     1,
     {"330604001014001"}},
};

static const struct {
    const char *code, *name, *place;
} demo_departments[] = {
    {"zjj", "区住房和城乡建设局", "330604"}, {"mzj", "区民政局", "330604"},
    {"gaj", "区公安分局", "330604"},         {"zfj", "区综合行政执法局", "330604"},
    {"gdj", "国网上虞区供电公司", "330604"}, {"ce-cjb", "曹娥街道城建办", "330604002"},
};

static const struct {
    const char *username, *display, *role, *scope;
} demo_users[] = {
    {"admin", "区微治办管理员", "district_admin", "330604"},
    {"caoe", "曹娥街道微治办", "street_office", "330604002"},
    {"songxia", "崧厦街道微治办", "street_office", "330604007"},
    {"bowen", "博文社区微治办", "community_office", "330604002007"},
    {"wangfang", "王芳(网格长)", "grid_leader", "330604002007001"},
    {"gridworker", "李明(网格员)", "grid_worker", "330604002007001"},
    {"gridworker2", "陈静(网格员)", "grid_worker", "330604002007002"},
    {"ruanrr", "阮榕榕(小区专员)", "commissioner", "compound:3"},
    {"zjj", "区住建局承办人", "dept_handler", "dept:zjj"},
    {"qiye", "驻企服务员", "enterprise_cadre", "330604002"},
    {"gaibei", "盖北镇党建办", "party_office", "330604112"},
    {"gbsq", "盖北社区微治办", "community_office", "330604112001"},
    {"hujinyou", "胡金友(驻企服务员)", "enterprise_cadre", "330604"},
    {"hg", "上虞海关服务点承办人", "dept_handler", "dept:hg"},
    /* every department of the catalogue has someone to take its cases */
    {"mzj", "区民政局承办人", "dept_handler", "dept:mzj"},
    {"gaj", "区公安分局承办人", "dept_handler", "dept:gaj"},
    {"zfj", "区综合行政执法局承办人", "dept_handler", "dept:zfj"},
    {"gdj", "国网上虞区供电公司承办人", "dept_handler", "dept:gdj"},
    {"ce-cjb", "曹娥街道城建办承办人", "dept_handler", "dept:ce-cjb"},
    {"rsj", "区人社局承办人", "dept_handler", "dept:rsj"},
    {"zrj", "区自然资源和规划局承办人", "dept_handler", "dept:zrj"},
    {"zzb", "朱银燕(区委组织部)", "party_office", "330604"},
    {"xiejf", "谢剑锋(岭南乡党委)", "party_office", "330604200"},
    {"renhh", "任煌华(评委)", "party_office", "330604200"},
    {"shunyuan", "舜源村村务办", "community_office", "330604007317"},
};

#define NUSERS (sizeof(demo_users) / sizeof(demo_users[0]))

struct demo_ctx {
    struct user_input users[NUSERS];
    struct grant_input grants[NUSERS];
};

/* Store one record through the registry engine, as the system. */
static int demo_record(struct db *db, const struct registry *r, const json_t *o, struct err *e)
{
    struct arena a;
    struct reg_ctx c;
    struct reg_rec rec;
    arena_init(&a, 0);
    c = (struct reg_ctx){.a = &a};
    int rc = reg_create_json(db, &c, r, o, &rec, e);
    arena_free(&a);
    return rc;
}

static int places_fn(struct db *db, void *arg, struct err *e)
{
    int rc;
    (void)arg;
    for (size_t i = 0; i < ARRAY_LEN(demo_grids); i++) {
        struct place_input in = {.parent = demo_grids[i].parent,
                                 .name = demo_grids[i].name,
                                 .households = demo_grids[i].households};
        char code[24];
        if ((rc = place_input_check(&in, e)) || (rc = place_insert(db, &in, code, e)))
            return rc;
        /* micro-grids of 30-50 households each */
        int nmicro = demo_grids[i].households / 120;
        for (int m = 1; m <= nmicro; m++) {
            char name[96], mcode[24];
            snprintf(name, sizeof(name), "%s第%d微网格", demo_grids[i].name, m);
            struct place_input mi = {.parent = code, .name = name, .households = 30 + (m * 7) % 21};
            if ((rc = place_input_check(&mi, e)) || (rc = place_insert(db, &mi, mcode, e)))
                return rc;
        }
    }
    for (size_t i = 0; i < ARRAY_LEN(demo_compounds); i++) {
        const char *const *g = demo_compounds[i].grids;
        json_t *grids = json_array();
        for (int k = 0; k < 3 && g[k]; k++)
            json_array_append_new(grids, json_string(g[k]));
        json_t *o = json_pack(
            "{s:s, s:s, s:s, s:s, s:I, s:b, s:o}", "community", demo_compounds[i].community, "name",
            demo_compounds[i].name, "address", demo_compounds[i].address, "property_company",
            demo_compounds[i].company, "households", (json_int_t)demo_compounds[i].households,
            "owners_committee", demo_compounds[i].committee, "grids", grids);
        rc = demo_record(db, &reg_compounds, o, e);
        json_decref(o);
        if (rc != ERR_OK)
            return rc;
    }
    for (size_t i = 0; i < ARRAY_LEN(demo_departments); i++) {
        rc = db_exec(db, e,
                     "INSERT INTO departments (code, name, place_code, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?)",
                     DB_ARGS(DBS(demo_departments[i].code), DBS(demo_departments[i].name),
                             DBS(demo_departments[i].place), DBI(time(NULL)), DBI(time(NULL))));
        if (rc < 0)
            return rc;
    }
    if ((rc = catalog_demo_seed(db, e)) != ERR_OK)
        return rc;
    rc = db_exec(db, e, "INSERT INTO settings (key, value) VALUES ('demo', '1')", DB_NOARGS);
    return rc < 0 ? rc : ERR_OK;
}

static int users_fn(struct db *db, void *arg, struct err *e)
{
    struct demo_ctx *c = arg;
    for (size_t i = 0; i < NUSERS; i++) {
        int64_t id;
        int rc = user_insert(db, &c->users[i], &id, e);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

int demo_replaceable(struct store *s, struct err *e)
{
    struct arena a;
    struct dbrows r;
    struct db *db = store_acquire(s);
    arena_init(&a, 0);
    int rc = db_query(db, &a, &r, e,
                      "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM settings WHERE "
                      "key = 'demo')",
                      DB_NOARGS);
    if (rc == ERR_OK)
        rc = dbrows_int(&r, 0, 0) == 0 || dbrows_int(&r, 0, 1) == 1;
    arena_free(&a);
    store_release(s, db);
    return rc;
}

int demo_populate(struct store *s, const char *admin_pw, const char *users_pw, FILE *out,
                  struct err *e)
{
    struct division_counts dc;
    struct demo_ctx c;
    char pws[NUSERS][48];
    size_t len;
    const char *csv = divisions_builtin(&len);
    int rc;

    if (csv == NULL)
        return err_set(e, ERR_INTERNAL, NULL, "the built-in divisions extract is missing");
    if ((rc = divisions_import(s, csv, len, "330604", &dc, e)) != ERR_OK)
        return rc;
    if ((rc = store_write(s, places_fn, NULL, e)) != ERR_OK)
        return rc;
    memset(&c, 0, sizeof(c));
    for (size_t i = 0; i < NUSERS; i++) {
        const char *given = i == 0 ? admin_pw : users_pw;
        if (given != NULL) {
            if ((rc = password_check(given, e)) != ERR_OK)
                return rc;
            snprintf(pws[i], sizeof(pws[i]), "%s", given);
        } else {
            token_new(pws[i]);
            pws[i][12] = '\0';
        }
        c.grants[i].scope = demo_users[i].scope;
        role_from_name(demo_users[i].role, &c.grants[i].role);
        c.users[i].username = demo_users[i].username;
        c.users[i].display_name = demo_users[i].display;
        c.users[i].grants = &c.grants[i];
        c.users[i].ngrants = 1;
        if ((rc = password_hash(pws[i], c.users[i].pw_hash, e)) != ERR_OK)
            return rc;
    }
    if ((rc = store_write(s, users_fn, &c, e)) != ERR_OK ||
        (rc = demo_people_seed(s, e)) != ERR_OK || (rc = demo_party_seed(s, e)) != ERR_OK ||
        (rc = demo_enterprise_seed(s, e)) != ERR_OK || (rc = demo_platform_seed(s, e)) != ERR_OK ||
        (rc = demo_cadres_seed(s, e)) != ERR_OK)
        return rc;
    if ((rc = demo_workshop_seed(s, e)) != ERR_OK || (rc = demo_ledger_seed(s, e)) != ERR_OK)
        return rc;
    if ((rc = demo_index_seed(s, e)) != ERR_OK)
        return rc;
    if ((rc = demo_standards_seed(s, e)) != ERR_OK)
        return rc;
    if ((rc = demo_patrols_seed(s, e)) != ERR_OK)
        return rc;
    struct db *db = store_acquire(s);
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    rc = db_query(db, &a, &r, e,
                  "SELECT (SELECT count(*) FROM departments), (SELECT count(*) FROM categories)",
                  DB_NOARGS);
    if (rc == ERR_OK)
        fprintf(out,
                "demo: %d divisions (%d towns, %d villages/communities), %zu grids, %zu "
                "compounds, %lld departments, %lld case categories\n",
                dc.kept, dc.by_level[1], dc.by_level[2], ARRAY_LEN(demo_grids),
                ARRAY_LEN(demo_compounds), (long long)dbrows_int(&r, 0, 0),
                (long long)dbrows_int(&r, 0, 1));
    arena_free(&a);
    store_release(s, db);
    if (rc != ERR_OK)
        return rc;
    fprintf(out, "demo accounts (username / password / role @ scope):\n");
    for (size_t i = 0; i < NUSERS; i++)
        fprintf(out, "  %-12s %-14s %s @ %s\n", demo_users[i].username, pws[i], demo_users[i].role,
                demo_users[i].scope);
    return ERR_OK;
}
