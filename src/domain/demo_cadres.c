/* demo_cadres.c - the demonstration's cadres (issue 11), after the Shangyu practice: young
 * cadres of district bureaus posted to villages, a demolition site and a major project site,
 * the 青苗成长 training camp and the secretaries' education class; the 2026 Q3 round of the
 * "8090" village secretaries' 领雁争先赛 with three judges scoring ten secretaries and the
 * ranking published (and a Q4 round still open); 兴村治社导师 with meetings and follow-ups;
 * the re-election review (换届回头看) in three villages; and 覆卮山先行片 (许岙村, 东澄村, 青山村
 * under 岭南乡) with a year of monthly visitors and tourism revenue per village. */
#include "domain/demo.h"
#include "core/util.h"
#include "domain/alliance.h"
#include "domain/competition.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
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

/* young cadres sent to the front line: name, unit, birth year, kind, place, project (one of the
 * projects registry, by name: demo_platform.c registers them first) */
static const struct {
    const char *name, *unit, *post;
    int born;
    const char *kind, *place, *project;
} young[] = {
    {"陈思远", "区发展和改革局", "科员", 1996, "village", "330604200225", NULL},
    {"王晓婷", "区住房和城乡建设局", "科员", 1995, "village", "330604200204", NULL},
    {"李嘉豪", "区自然资源和规划局", "科员", 1994, "demolition", "330604002", NULL},
    {"赵一鸣", "区经济和信息化局", "科员", 1997, "project_site", "330604112",
     "年产5万吨电子级氟化物项目"},
    {"孙雨萱", "区民政局", "科员", 1998, "village", "330604200233", NULL},
    {"周子涵", "区财政局", "科员", 1993, "demolition", "330604002", NULL},
    {"吴浩然", "区交通运输局", "科员", 1992, "project_site", "330604112",
     "半导体湿电子化学品产业化项目"},
    {"郑佳怡", "区农业农村局", "科员", 1999, "village", "330604007317", NULL},
};

/* the "8090" secretaries of the 领雁争先赛 and their villages */
static const struct {
    const char *name, *place;
    int born;
} secretaries[] = {
    {"黄君根", "330604007317", 1982}, {"童鹏飞", "330604112001", 1988},
    {"沈红", "330604002007", 1986},   {"许建军", "330604200204", 1984},
    {"徐海燕", "330604200225", 1990}, {"钱立新", "330604200233", 1987},
    {"杜晓东", "330604200234", 1991}, {"葛丽萍", "330604200229", 1989},
    {"胡振华", "330604201222", 1985}, {"陶文静", "330604200230", 1992},
};

static int64_t secretary_ids[ARRAY_LEN(secretaries)];

static int cadres_fn(struct db *db, struct reg_ctx *c, struct err *e)
{
    int rc = ERR_OK;
    for (size_t i = 0; i < ARRAY_LEN(young) && rc == ERR_OK; i++) {
        int64_t id;
        rc = add(db, c, &reg_cadres,
                 json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:[s]}", "name", young[i].name, "unit",
                           young[i].unit, "post", young[i].post, "rank", "clerk", "birth_year",
                           young[i].born, "place", "330604", "tags", "年轻干部"),
                 &id, e);
        if (rc != ERR_OK)
            break;
        json_t *d = json_pack(
            "{s:I, s:s, s:s, s:s, s:s, s:s}", "cadre", (json_int_t)id, "kind", young[i].kind,
            "place", young[i].place, "from", i % 2 ? "2026-03-01" : "2026-06-01", "to",
            i % 2 ? "2026-08-31" : "2026-12-31", "tasks",
            strcmp(young[i].kind, "village") == 0      ? "驻村指导共富工坊和网格治理"
            : strcmp(young[i].kind, "demolition") == 0 ? "拆迁政策宣传和群众工作"
                                                       : "项目推进协调和党建联建");
        if (young[i].project != NULL)
            json_object_set_new(d, "project_name", json_string(young[i].project));
        if (i % 2)
            json_object_set_new(d, "evaluation", json_string(i == 1 ? "excellent" : "competent"));
        if ((rc = add(db, c, &reg_deployments, d, NULL, e)) != ERR_OK)
            break;
        rc = add(db, c, &reg_trainings,
                 json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:s}", "cadre", (json_int_t)id, "kind",
                           "camp", "title", "90后源头干部“青苗成长”训练营", "from", "2026-04-08",
                           "to", "2026-04-12", "attendance", 100 - (int)i % 3 * 5, "result",
                           i == 0 ? "excellent" : "passed"),
                 NULL, e);
    }
    for (size_t i = 0; i < ARRAY_LEN(secretaries) && rc == ERR_OK; i++) {
        rc = add(db, c, &reg_cadres,
                 json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:[s]}", "name", secretaries[i].name,
                           "unit", "村（社区）党组织", "post", "党组织书记", "rank", "village",
                           "birth_year", secretaries[i].born, "place", secretaries[i].place, "tags",
                           "村社书记"),
                 &secretary_ids[i], e);
        if (rc == ERR_OK && i % 3 == 0)
            rc = add(db, c, &reg_trainings,
                     json_pack("{s:I, s:s, s:s, s:s, s:s}", "cadre", (json_int_t)secretary_ids[i],
                               "kind", "education", "title", "村社干部学历提升班", "from",
                               "2025-09-01", "result", "ongoing"),
                     NULL, e);
    }
    return rc;
}

/* ---- the 领雁争先赛 ---- */

static const struct {
    const char *name;
    int weight;
} criteria[] = {{"发展实绩", 40}, {"治理成效", 30}, {"现场比拼", 30}};

static const struct {
    const char *username;
    int bias; /* tenths a judge adds to every score */
} judges[] = {{"zzb", 0}, {"xiejf", 15}, {"renhh", -10}};

struct round_ids {
    int64_t comp, next;
    int64_t crit[ARRAY_LEN(criteria)];
    int64_t entry[ARRAY_LEN(secretaries)];
    int64_t judge[ARRAY_LEN(judges)];
};

static int round_fn(struct db *db, struct reg_ctx *c, struct round_ids *ids, struct err *e)
{
    struct dbrows rows;
    int rc =
        add(db, c, &reg_competitions,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", "“8090”村社书记领雁争先赛",
                      "series", "领雁争先赛", "period", "2026-Q3", "entry_kind", "person", "place",
                      "330604", "note", "全区村社党组织书记兴村治社经验分享会暨领雁争先赛"),
            &ids->comp, e);
    for (size_t k = 0; k < ARRAY_LEN(criteria) && rc == ERR_OK; k++)
        rc = add(db, c, &reg_competition_criteria,
                 json_pack("{s:I, s:s, s:i}", "competition", (json_int_t)ids->comp, "name",
                           criteria[k].name, "weight", criteria[k].weight),
                 &ids->crit[k], e);
    for (size_t i = 0; i < ARRAY_LEN(secretaries) && rc == ERR_OK; i++)
        rc = add(db, c, &reg_competition_entries,
                 json_pack("{s:I, s:I}", "competition", (json_int_t)ids->comp, "cadre",
                           (json_int_t)secretary_ids[i]),
                 &ids->entry[i], e);
    for (size_t j = 0; j < ARRAY_LEN(judges) && rc == ERR_OK; j++) {
        rc = db_query(db, c->a, &rows, e, "SELECT id FROM users WHERE username = ?",
                      DB_ARGS(DBS(judges[j].username)));
        if (rc != ERR_OK || rows.nrows != 1)
            return rc != ERR_OK ? rc : err_set(e, ERR_INTERNAL, NULL, "demo judge missing");
        ids->judge[j] = dbrows_int(&rows, 0, 0);
        rc = add(db, c, &reg_competition_judges,
                 json_pack("{s:I, s:I}", "competition", (json_int_t)ids->comp, "user",
                           (json_int_t)ids->judge[j]),
                 NULL, e);
    }
    /* the next round of the series, being set up */
    if (rc == ERR_OK)
        rc = add(db, c, &reg_competitions,
                 json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", "“8090”村社书记领雁争先赛",
                           "series", "领雁争先赛", "period", "2026-Q4", "entry_kind", "person",
                           "place", "330604"),
                 &ids->next, e);
    for (size_t k = 0; k < ARRAY_LEN(criteria) && rc == ERR_OK; k++)
        rc = add(db, c, &reg_competition_criteria,
                 json_pack("{s:I, s:s, s:i}", "competition", (json_int_t)ids->next, "name",
                           criteria[k].name, "weight", criteria[k].weight),
                 NULL, e);
    return rc;
}

/* Each judge scores every secretary on every criterion: a base per secretary and criterion,
 * the judge's leaning, and one judge's outlier that the drop rule removes. */
static int scores_seed(struct store *s, const struct round_ids *ids, struct err *e)
{
    int rc = ERR_OK;
    for (size_t j = 0; j < ARRAY_LEN(judges) && rc == ERR_OK; j++) {
        struct arena a;
        arena_init(&a, 0);
        struct user u = {.id = ids->judge[j], .username = judges[j].username};
        struct reg_ctx c = {.a = &a, .user = &u, .user_id = u.id};
        json_t *list = json_array();
        for (size_t i = 0; i < ARRAY_LEN(secretaries); i++) {
            for (size_t k = 0; k < ARRAY_LEN(criteria); k++) {
                int t = 950 - (int)i * 17 - (int)k * 9 + (int)((i * 7 + k * 3) % 5) * 6 +
                        judges[j].bias;
                if (j == 1 && i == 4 && k == 0)
                    t = 990; /* a generous outlier: dropped as the highest */
                t = t < 0 ? 0 : t > 1000 ? 1000 : t;
                json_array_append_new(list, json_pack("{s:I, s:I, s:f}", "entry",
                                                      (json_int_t)ids->entry[i], "criterion",
                                                      (json_int_t)ids->crit[k], "score", t / 10.0));
            }
        }
        rc = competition_score(s, &c, arena_printf(&a, "%lld", (long long)ids->comp), list, e);
        json_decref(list);
        arena_free(&a);
    }
    if (rc == ERR_OK) {
        struct arena a;
        arena_init(&a, 0);
        struct user u = {.id = ids->judge[0], .username = judges[0].username};
        struct reg_ctx c = {.a = &a, .user = &u, .user_id = u.id};
        rc = competition_publish(s, &c, arena_printf(&a, "%lld", (long long)ids->comp),
                                 "经评委会审定，予以公布", e);
        arena_free(&a);
    }
    return rc;
}

/* ---- mentors, the review ---- */

static const struct {
    const char *mentor;
    int secretary; /* index in secretaries */
} mentors[] = {
    {"陈国强", 0}, {"陈国强", 6}, {"马建平", 1}, {"马建平", 2}, {"俞美娟", 3},
    {"俞美娟", 4}, {"张伟良", 5}, {"张伟良", 7}, {"金海峰", 8}, {"金海峰", 9},
};

static int mentors_fn(struct db *db, struct reg_ctx *c, struct err *e)
{
    int rc = ERR_OK;
    for (size_t i = 0; i < ARRAY_LEN(mentors) && rc == ERR_OK; i++) {
        int64_t ship, meeting;
        int s = mentors[i].secretary;
        rc = add(db, c, &reg_mentorships,
                 json_pack("{s:s, s:s, s:I, s:s, s:s}", "mentor_name", mentors[i].mentor,
                           "secretary_name", secretaries[s].name, "secretary_cadre",
                           (json_int_t)secretary_ids[s], "place", secretaries[s].place, "from",
                           "2026-03-15"),
                 &ship, e);
        if (rc != ERR_OK || i > 3)
            continue;
        rc = add(db, c, &reg_mentor_meetings,
                 json_pack("{s:I, s:s, s:s, s:s}", "mentorship", (json_int_t)ship, "held_on",
                           "2026-05-20", "topic",
                           i % 2 ? "村级集体经济增收路径" : "网格治理和议事协商", "notes",
                           "实地走访村级物业用房和共富工坊，梳理增收项目清单"),
                 &meeting, e);
        if (rc == ERR_OK)
            rc = add(db, c, &reg_mentor_followups,
                     json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "mentorship", (json_int_t)ship,
                               "meeting", (json_int_t)meeting, "item",
                               "制定村集体经营性收入三年提升计划", "owner", secretaries[s].name,
                               "due_on", "2026-09-30", "status", i == 0 ? "done" : "open"),
                     NULL, e);
    }
    return rc;
}

static const char *const checklist[][2] = {
    {"班子成员任职资格复核", "班子"},   {"换届承诺事项兑现情况", "承诺"},
    {"村务监督委员会运行", "监督"},     {"村级财务公开", "财务"},
    {"“三会一课”制度执行", "组织生活"}, {"网格党支部设置", "组织设置"},
};

static int review_fn(struct db *db, struct reg_ctx *c, struct err *e)
{
    int64_t items[ARRAY_LEN(checklist)];
    int rc = ERR_OK;
    for (size_t i = 0; i < ARRAY_LEN(checklist) && rc == ERR_OK; i++)
        rc = add(db, c, &reg_review_items,
                 json_pack("{s:s, s:s, s:i}", "name", checklist[i][0], "category", checklist[i][1],
                           "sort_order", (int)i + 1),
                 &items[i], e);
    static const char *const places[] = {"330604007317", "330604200204", "330604200225"};
    for (size_t p = 0; p < ARRAY_LEN(places) && rc == ERR_OK; p++) {
        int64_t review;
        rc = add(db, c, &reg_reviews,
                 json_pack("{s:s, s:s, s:s, s:s, s:s}", "place", places[p], "round", "2026",
                           "reviewer", "区委组织部组织科", "reviewed_on", "2026-06-18", "status",
                           p == 0 ? "done" : "rectifying"),
                 &review, e);
        for (size_t i = 0; i < ARRAY_LEN(checklist) && rc == ERR_OK; i++) {
            int finding = p > 0 && i == p;
            json_t *o = json_pack("{s:I, s:I, s:s}", "review", (json_int_t)review, "item",
                                  (json_int_t)items[i], "result", finding ? "finding" : "ok");
            if (finding) {
                json_object_set_new(o, "finding", json_string("部分承诺事项未按期兑现"));
                json_object_set_new(o, "followup", json_string("列出清单，逐项销号"));
                json_object_set_new(o, "owner", json_string("村党组织书记"));
                json_object_set_new(o, "due_on", json_string(p == 1 ? "2026-08-31" : "2027-03-31"));
            }
            rc = add(db, c, &reg_review_checks, o, NULL, e);
        }
    }
    return rc;
}

/* ---- 覆卮山先行片 ---- */

static const struct {
    const char *place, *brand;
    int visitors; /* a month's visitors at the season's level 100 */
    int yuan;     /* revenue per visitor */
} members[] = {
    {"330604200204", "红色话岙", 6200, 38},
    {"330604200225", "石上东澄", 11800, 45},
    {"330604200233", "美好青山", 5400, 32},
};

static int alliance_fn(struct db *db, struct reg_ctx *c, struct err *e)
{
    /* December to November: the rape flowers of March and April, autumn on the terraces */
    static const int season[12] = {35, 40, 120, 210, 110, 70, 80, 90, 75, 150, 130, 60};
    int64_t id;
    int rc =
        add(db, c, &reg_alliances,
            json_pack("{s:s, s:s, s:s, s:s, s:[sss], s:[ss], s:s}", "name", "覆卮山先行片", "kind",
                      "area", "place", "330604200", "brand", "覆卮旅居", "themes", "民宿", "休闲",
                      "文创", "projects", "千年梯田油菜花节", "红色美丽乡村", "note",
                      "许岙村国家级红色美丽乡村试点，东澄村、青山村组团培育乡村振兴先行村"),
            &id, e);
    for (size_t m = 0; m < ARRAY_LEN(members) && rc == ERR_OK; m++)
        rc = add(db, c, &reg_alliance_members,
                 json_pack("{s:I, s:s, s:s}", "alliance", (json_int_t)id, "place", members[m].place,
                           "brand", members[m].brand),
                 NULL, e);
    for (int month = 0; month < 12 && rc == ERR_OK; month++) {
        char period[8];
        snprintf(period, sizeof(period), "%04d-%02d", month == 0 ? 2025 : 2026,
                 month == 0 ? 12 : month);
        for (size_t m = 0; m < ARRAY_LEN(members) && rc == ERR_OK; m++) {
            int64_t v = (int64_t)members[m].visitors * season[month] / 100 + month * 37 + (int)m;
            rc = add(db, c, &reg_alliance_figures,
                     json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "alliance", (json_int_t)id,
                               "place", members[m].place, "metric", "游客人次", "unit",
                               "person_time", "period", period, "value", (json_int_t)v),
                     NULL, e);
            if (rc == ERR_OK)
                rc = add(db, c, &reg_alliance_figures,
                         json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "alliance", (json_int_t)id,
                                   "place", members[m].place, "metric", "旅游收入", "unit", "yuan",
                                   "period", period, "value",
                                   (json_int_t)(v * members[m].yuan * 100)),
                         NULL, e);
        }
    }
    if (rc == ERR_OK)
        rc = add(db, c, &reg_alliances,
                 json_pack("{s:s, s:s, s:s, s:s, s:[sss]}", "name",
                           "先进高分子材料产业平台“1+3+N”产业链党建联建", "kind", "platform",
                           "place", "330604", "brand", "大产业、大党委", "themes", "半导体材料",
                           "新能源材料", "氟材料"),
                 NULL, e);
    return rc;
}

static int seed_fn(struct db *db, void *arg, struct err *e)
{
    struct arena a;
    arena_init(&a, 0);
    struct reg_ctx c = {.a = &a};
    int rc = cadres_fn(db, &c, e);
    if (rc == ERR_OK)
        rc = round_fn(db, &c, arg, e);
    if (rc == ERR_OK)
        rc = mentors_fn(db, &c, e);
    if (rc == ERR_OK)
        rc = review_fn(db, &c, e);
    if (rc == ERR_OK)
        rc = alliance_fn(db, &c, e);
    arena_free(&a);
    return rc;
}

int demo_cadres_seed(struct store *s, struct err *e)
{
    struct round_ids ids;
    memset(&ids, 0, sizeof(ids));
    int rc = store_write(s, seed_fn, &ids, e);
    return rc == ERR_OK ? scores_seed(s, &ids, e) : rc;
}
