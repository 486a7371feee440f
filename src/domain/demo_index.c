/* demo_index.c - cases of this month on the demo grids, run through the workflow as the office,
 * the department and the grid workers would, so that the grid smart-governance index tells the
 * grids apart: 博文社区第一网格 closes its two cases on time with five stars (A); 博文社区第二网格
 * closes its cases but one was sent back for rework and a resident rated it 2 (B);
 * 博文社区第三网格, 舜源村第二网格 and 东澄村网格 still have cases open (low grades, the open cases
 * listed in their breakdowns). Residents report by the public form, so each confirms with its
 * tracking token. */
#include "core/util.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/user.h"

#include <jansson.h>
#include <string.h>

/* The steps of one case after intake: who takes them ("reporter" confirms by token). */
enum path {
    P_CLOSED,   /* accepted, sent to 住建局, resolved, checked on site, rated, closed */
    P_REWORK,   /* the same, with one failed check and a second fix */
    P_PROGRESS, /* accepted, sent to 住建局, work started */
    P_ACCEPTED, /* accepted, waiting to be dispatched */
};

static const struct {
    const char *grid, *category, *attributes, *description;
    enum path path;
    const char *verifier; /* the grid worker who checks the fix on site */
    int rating;
} demo_cases[] = {
    {"330604002007001", "ebike", "{\"building\":\"5幢\",\"stairwell_charging\":\"yes\"}",
     "春江花城5幢楼道里有人给电动车飞线充电，晚上也停在楼道，担心起火", P_CLOSED, "gridworker", 5},
    {"330604002007001", "parking", "{\"kind\":\"fire_lane\",\"plate\":\"浙D5K218\"}",
     "春江花城北门消防通道被私家车占用，电动车停车棚门口也堵住了", P_CLOSED, "gridworker", 5},
    {"330604002007002", "sanitation", "{\"kind\":[\"garbage\"]}",
     "春江花城12幢旁垃圾分类亭满溢，清运不及时，气味很大", P_REWORK, "gridworker2", 2},
    {"330604002007002", "streetlight", "{\"fault\":\"off\"}", "春江花城南门到江扬路一段路灯不亮",
     P_CLOSED, "gridworker2", 4},
    {"330604002007003", "parking", "{\"kind\":\"zombie\"}",
     "博文苑内两辆僵尸车占用车位半年以上，居民停车难", P_PROGRESS, NULL, 0},
    {"330604007317002", "streetlight", "{\"fault\":\"off\"}",
     "舜源村移民新区村道路灯连续多晚不亮，村民夜间出行不便", P_PROGRESS, NULL, 0},
    {"330604200225001", "dispute", "{\"kind\":\"leak\"}", "东澄村一户楼上漏水到楼下，邻里协商未果",
     P_ACCEPTED, NULL, 0},
};

/* A demo user with its roles, to act as (read on its own connection). */
static int as_user(struct store *s, struct arena *a, const char *username, struct user *u,
                   struct err *e)
{
    struct db *db = store_acquire(s);
    struct dbrows r;
    int rc =
        db_query(db, a, &r, e, "SELECT id FROM users WHERE username = ?", DB_ARGS(DBS(username)));
    if (rc == ERR_OK)
        rc = r.nrows == 1 ? user_get(db, a, dbrows_int(&r, 0, 0), u, e)
                          : err_set(e, ERR_INTERNAL, NULL, "no demo user %s", username);
    store_release(s, db);
    return rc;
}

/* One step as username, or as the reporter when username is NULL. */
static int step(struct store *s, struct arena *a, int64_t id, const char *username,
                struct case_step st, struct err *e)
{
    struct user u;
    struct actor who = {.reporter = username == NULL};
    struct case_rec cs;
    int rc;
    if (username != NULL) {
        if ((rc = as_user(s, a, username, &u, e)) != ERR_OK)
            return rc;
        who.user = &u;
    }
    return case_step_run(s, a, NULL, id, &st, &who, &cs, e);
}

static int run_path(struct store *s, struct arena *a, int64_t id, size_t i, struct err *e)
{
    const char *v = demo_cases[i].verifier;
    enum path p = demo_cases[i].path;
    int rc;
    if ((rc = step(s, a, id, "admin", (struct case_step){.action = CA_ACCEPT}, e)) != ERR_OK ||
        p == P_ACCEPTED)
        return rc;
    if ((rc = step(s, a, id, "admin",
                   (struct case_step){.action = CA_DISPATCH, .department = "zjj"}, e)) != ERR_OK ||
        (rc = step(s, a, id, "zjj", (struct case_step){.action = CA_START}, e)) != ERR_OK ||
        p == P_PROGRESS)
        return rc;
    if ((rc = step(s, a, id, "zjj", (struct case_step){.action = CA_RESOLVE, .note = "已安排处理"},
                   e)) != ERR_OK)
        return rc;
    if (p == P_REWORK &&
        ((rc = step(s, a, id, v,
                    (struct case_step){.action = CA_VERIFY_FAIL,
                                       .note = "现场核查：垃圾仍未清运干净，退回返工"},
                    e)) != ERR_OK ||
         (rc = step(s, a, id, "zjj", (struct case_step){.action = CA_START}, e)) != ERR_OK ||
         (rc = step(s, a, id, "zjj", (struct case_step){.action = CA_RESOLVE, .note = "已再次清运"},
                    e)) != ERR_OK))
        return rc;
    if ((rc = step(s, a, id, v, (struct case_step){.action = CA_VERIFY, .note = "现场核查通过"},
                   e)) != ERR_OK ||
        (rc = step(s, a, id, NULL,
                   (struct case_step){.action = CA_CONFIRM, .rating = demo_cases[i].rating}, e)) !=
            ERR_OK)
        return rc;
    return step(s, a, id, "admin", (struct case_step){.action = CA_CLOSE}, e);
}

int demo_index_seed(struct store *s, struct err *e)
{
    struct arena a;
    int rc = ERR_OK;
    arena_init(&a, 0);
    for (size_t i = 0; i < ARRAY_LEN(demo_cases) && rc == ERR_OK; i++) {
        struct actor public_ = {0};
        struct case_created out;
        json_t *attrs = json_loads(demo_cases[i].attributes, 0, NULL);
        struct case_input in = {.category = demo_cases[i].category,
                                .description = demo_cases[i].description,
                                .place_code = demo_cases[i].grid,
                                .attributes = attrs};
        rc = case_submit(s, &a, NULL, &in, &public_, NULL, &out, e);
        json_decref(attrs);
        if (rc == ERR_OK)
            rc = run_path(s, &a, out.id, i, e);
    }
    arena_free(&a);
    return rc;
}
