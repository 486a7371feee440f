/* demo_party.c - the demonstration's party: committees, general branches and a branch on most
 * demo grids (博文社区第三网格 is left without one, so the coverage query has a gap to show),
 * members among the local residents, activities, volunteer hours and care visits, and a roster
 * of members who left 安徽省阜阳市临泉县 in which three of 盖北镇's new residents hide: one
 * with the same identity number, one whose name the roster spells with one character different
 * and no identity number, one with month and day of birth swapped; a fourth entry shares a
 * name but nothing else and must not be proposed. */
#include "domain/demo.h"
#include "core/util.h"
#include "domain/idnum.h"
#include "domain/party.h"
#include "domain/people.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROSTER_ORIGIN "安徽省阜阳市临泉县委组织部"

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
    const char *name, *kind, *place, *parent, *secretary;
} orgs[] = {
    {"中共曹娥街道工作委员会", "committee", "330604002", NULL, "徐建国"},
    {"博文社区党总支", "general_branch", "330604002007", "中共曹娥街道工作委员会", "沈红"},
    {"博文社区第一网格党支部", "branch", "330604002007001", "博文社区党总支", "王芳"},
    {"博文社区第二网格党支部", "branch", "330604002007002", "博文社区党总支", "陈静"},
    {"中共崧厦街道工作委员会", "committee", "330604007", NULL, "孙立"},
    {"舜源村党委", "committee", "330604007317", "中共崧厦街道工作委员会", "杜永年"},
    {"舜源村第一网格党支部", "branch", "330604007317001", "舜源村党委", "杜国平"},
    {"中共盖北镇委员会", "committee", "330604112", NULL, "葛卫东"},
    {"盖北社区党总支", "general_branch", "330604112001", "中共盖北镇委员会", "钱晓燕"},
    {"盖北社区第一网格党支部", "branch", "330604112001001", "盖北社区党总支", "钱晓燕"},
};

static int64_t org_ids[sizeof(orgs) / sizeof(orgs[0])];

static int64_t org_id(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(orgs); i++) {
        if (name != NULL && strcmp(orgs[i].name, name) == 0)
            return org_ids[i];
    }
    return 0;
}

/* The branch of a grid, or its community's general branch. */
static int64_t org_of(const char *grid)
{
    int64_t best = 0;
    size_t best_len = 0;
    for (size_t i = 0; i < ARRAY_LEN(orgs); i++) {
        size_t n = strlen(orgs[i].place);
        if (strncmp(grid, orgs[i].place, n) == 0 && n > best_len) {
            best = org_ids[i];
            best_len = n;
        }
    }
    return best;
}

static int orgs_fn(struct db *db, struct reg_ctx *c, struct err *e)
{
    int rc = ERR_OK;
    for (size_t i = 0; i < ARRAY_LEN(orgs) && rc == ERR_OK; i++) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", orgs[i].name, "kind",
                              orgs[i].kind, "place", orgs[i].place, "secretary", orgs[i].secretary,
                              "founded_on", "2021-07-01");
        if (orgs[i].parent != NULL)
            json_object_set_new(o, "parent", json_integer(org_id(orgs[i].parent)));
        rc = add(db, c, &reg_party_orgs, o, &org_ids[i], e);
    }
    return rc;
}

/* Every seventh local resident of a grid with an organisation joins it; the members get
 * classes, and the volunteers hours. */
static int members_fn(struct db *db, struct reg_ctx *c, struct err *e)
{
    struct dbrows rows;
    int rc = db_query(db, c->a, &rows, e,
                      "SELECT id, place_code, tags, birth_date FROM residents WHERE kind = 'local' "
                      "ORDER BY id",
                      DB_NOARGS);
    for (int i = 0; rc == ERR_OK && i < rows.nrows; i++) {
        const char *id = dbrows_get(&rows, i, 0), *place = dbrows_get(&rows, i, 1);
        const char *tags = dbrows_get(&rows, i, 2), *birth = dbrows_get(&rows, i, 3);
        int64_t org = org_of(place), member = 0;
        if (org != 0 && i % 7 == 0) {
            rc =
                add(db, c, &reg_party_members,
                    json_pack("{s:I, s:I, s:s, s:s}", "resident", (json_int_t)strtoll(id, NULL, 10),
                              "org", (json_int_t)org, "joined_on",
                              i % 2 ? "1998-07-01" : "2012-06-28", "status", "active"),
                    &member, e);
            if (rc == ERR_OK && birth != NULL && strcmp(birth, "1960-01-01") < 0)
                rc = add(db, c, &reg_care_visits,
                         json_pack("{s:I, s:s, s:s, s:s, s:s}", "member", (json_int_t)member,
                                   "visited_on", "2026-10-09", "kind", "elderly", "visitor",
                                   "网格党支部书记", "note", "重阳节走访慰问"),
                         NULL, e);
        }
        if (rc == ERR_OK && tags != NULL && strstr(tags, "志愿者") != NULL)
            rc = add(db, c, &reg_volunteer_hours,
                     json_pack("{s:I, s:s, s:s, s:i}", "resident",
                               (json_int_t)strtoll(id, NULL, 10), "team", "红色网格志愿队",
                               "served_on", "2026-11-15", "minutes", 90 + (i % 4) * 30),
                     NULL, e);
    }
    static const struct {
        const char *org, *title, *kind, *date;
        int attendees;
    } acts[] = {
        {"博文社区党总支", "“红色网格”特色课堂：小区停车治理", "feature_class", "2026-09-20", 46},
        {"博文社区第一网格党支部", "榜样课堂：老党员讲身边事", "model_class", "2026-10-12", 18},
        {"舜源村党委", "共富工坊里的主题党日", "theme_day", "2026-11-01", 35},
        {"盖北社区党总支", "云端课堂：流动党员线上学习", "cloud_class", "2026-11-18", 52},
    };
    for (size_t i = 0; rc == ERR_OK && i < ARRAY_LEN(acts); i++)
        rc = add(db, c, &reg_party_activities,
                 json_pack("{s:s, s:s, s:s, s:I, s:i}", "title", acts[i].title, "kind",
                           acts[i].kind, "held_on", acts[i].date, "org",
                           (json_int_t)org_id(acts[i].org), "attendees", acts[i].attendees),
                 NULL, e);
    return rc;
}

/* One character of a UTF-8 name changed for another (the second, or the first). */
static const char *one_char_off(struct arena *a, const char *name)
{
    static const char *const alt[] = {"晓", "小", "效"};
    size_t first = 1;
    while (name[first] && ((unsigned char)name[first] & 0xC0) == 0x80)
        first++;
    const char *rest = name + first;
    size_t second = 0;
    if (*rest) {
        second = 1;
        while (rest[second] && ((unsigned char)rest[second] & 0xC0) == 0x80)
            second++;
    }
    if (second == 0)
        return arena_printf(a, "%s%s", alt[0], rest);
    return arena_printf(a, "%.*s%s%s", (int)first, name,
                        strncmp(rest, alt[0], second) == 0 ? alt[1] : alt[0], rest + second);
}

static int roster_fn(struct db *db, struct reg_ctx *c, struct err *e)
{
    struct dbrows rows;
    int rc = db_query(db, c->a, &rows, e,
                      "SELECT r.id, g.id FROM registrations g JOIN residents r ON r.id = "
                      "g.resident_id WHERE g.place_code LIKE '330604112%' ORDER BY g.id",
                      DB_NOARGS);
    if (rc != ERR_OK)
        return rc;
    /* others who left the county and live elsewhere: no local registration matches them */
    static const char *const others[][3] = {
        {"蒋卫国", "341221198203150036", "13905581101"}, {"韩秀英", "341221197811020047", NULL},
        {"魏东升", "341221199004210012", "13905581103"}, {"吕桂芝", "341221196912300025", NULL},
        {"邓海涛", "341221198807070051", "13905581105"},
    };
    for (size_t i = 0; i < ARRAY_LEN(others) && rc == ERR_OK; i++) {
        char id[19];
        snprintf(id, sizeof(id), "%s", others[i][1]);
        id[17] = idcard_check_char(id);
        json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "name", others[i][0], "id_number", id,
                              "origin_org", "临泉县城关镇第三党支部", "origin", ROSTER_ORIGIN);
        if (others[i][2] != NULL)
            json_object_set_new(o, "phone", json_string(others[i][2]));
        rc = add(db, c, &reg_party_rosters, o, NULL, e);
    }
    for (int k = 0; k < rows.nrows && k < 4 && rc == ERR_OK; k++) {
        struct reg_rec p;
        if ((rc = reg_get(db, c, &reg_residents, dbrows_get(&rows, k, 0), &p, e)) != ERR_OK)
            break;
        const char *name = p.v[RES_NAME], *id = p.v[RES_ID_NUMBER], *birth = p.v[RES_BIRTH_DATE];
        json_t *o = json_pack("{s:s, s:s, s:s}", "origin_org", "临泉县杨桥镇党委", "origin",
                              ROSTER_ORIGIN, "origin_code", "341221");
        if (k == 0) { /* the same identity number */
            json_object_set_new(o, "name", json_string(name));
            json_object_set_new(o, "id_number", json_string(id));
        } else if (k == 1) { /* a name spelled one character off, no identity number */
            json_object_set_new(o, "name", json_string(one_char_off(c->a, name)));
            json_object_set_new(o, "birth_date", json_string(birth));
        } else if (k == 2) { /* month and day swapped by the clerk, the same phone */
            char swapped[11];
            snprintf(swapped, sizeof(swapped), "%.4s-%.2s-%.2s", birth, birth + 8, birth + 5);
            if (atoi(birth + 8) > 12) /* no swap possible: one digit off instead */
                snprintf(swapped, sizeof(swapped), "%.9s%c", birth, birth[9] == '1' ? '2' : '1');
            json_object_set_new(o, "name", json_string(name));
            json_object_set_new(o, "birth_date", json_string(swapped));
            json_object_set_new(o, "phone", json_string(p.v[RES_PHONE]));
        } else { /* the same name and nothing else: a false friend */
            json_object_set_new(o, "name", json_string(name));
            json_object_set_new(o, "birth_date", json_string("1971-05-05"));
            json_object_set_new(o, "origin", json_string("河南省周口市郸城县委组织部"));
            json_object_set_new(o, "origin_code", json_string("411625"));
        }
        rc = add(db, c, &reg_party_rosters, o, NULL, e);
        if (rc == ERR_OK && k < 3) {
            /* the hidden members came from 临泉, as their registrations say */
            struct reg_rec patch;
            reg_rec_init(&reg_registrations, c->a, &patch);
            patch.v[RG_ORIGIN] = "安徽省阜阳市临泉县";
            patch.v[RG_ORIGIN_CODE] = "341221";
            patch.given[RG_ORIGIN] = patch.given[RG_ORIGIN_CODE] = 1;
            rc = reg_update(db, c, &reg_registrations, dbrows_get(&rows, k, 1), &patch, e);
        }
    }
    return rc;
}

static int party_fn(struct db *db, void *arg, struct err *e)
{
    struct arena a;
    (void)arg;
    arena_init(&a, 0);
    struct reg_ctx c = {.a = &a};
    int rc = orgs_fn(db, &c, e);
    if (rc == ERR_OK)
        rc = members_fn(db, &c, e);
    if (rc == ERR_OK)
        rc = roster_fn(db, &c, e);
    arena_free(&a);
    return rc;
}

int demo_party_seed(struct store *s, struct err *e)
{
    return store_write(s, party_fn, NULL, e);
}
