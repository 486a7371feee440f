/* demo_people.c - the demonstration's people: households, residents and new-resident
 * registrations on every demo grid, through the registry engine as any import would store them.
 * Names are the placeholders Chinese forms use (张三, 李四 ...), identity numbers synthetic
 * (Shangyu's region code, a birth date, a sequence and a valid check digit), phones in a
 * range no one is given; a fixed seed makes every demo the same. */
#include "domain/demo.h"
#include "core/util.h"
#include "domain/idnum.h"
#include "domain/people.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char *const surnames[] = {"张", "李", "王", "赵", "陈", "刘", "杨", "黄", "周", "吴",
                                       "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
static const char *const given[] = {"三", "四", "五", "六", "七", "八", "九", "十"};
static const char *const origins[][2] = {
    {"安徽省阜阳市临泉县", "341221"}, {"河南省周口市郸城县", "411625"},
    {"贵州省毕节市威宁县", "520526"}, {"江西省上饶市鄱阳县", "361128"},
    {"四川省南充市仪陇县", "511324"}, {"湖南省邵阳市隆回县", "430524"},
};
static const char *const workplaces[] = {"浙江龙盛集团股份有限公司", "卧龙电气驱动集团",
                                         "上虞经济开发区某纺织厂", "曹娥街道农贸市场",
                                         "杭州湾上虞经济技术开发区物流园"};

struct rng {
    uint64_t s;
};

static uint32_t next(struct rng *r)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(r->s >> 33);
}

/* A synthetic identity number of Shangyu (330604) born on y-m-d. */
static void fake_id(int y, int m, int d, int seq, char out[19])
{
    snprintf(out, 19, "330604%04d%02d%02d%03d", y, m, d, seq % 1000);
    out[17] = idcard_check_char(out);
    out[18] = '\0';
}

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

static int people_fn(struct db *db, void *arg, struct err *e)
{
    struct arena a;
    struct dbrows grids;
    struct rng r = {20261201};
    int rc, person = 0;
    (void)arg;
    arena_init(&a, 0);
    struct reg_ctx c = {.a = &a};
    rc = db_query(db, &a, &grids, e,
                  "SELECT code, name FROM places WHERE level = 'grid' ORDER BY code", DB_NOARGS);
    for (int g = 0; rc == ERR_OK && g < grids.nrows; g++) {
        const char *grid = dbrows_get(&grids, g, 0);
        for (int h = 0; rc == ERR_OK && h < 18; h++) {
            int64_t hid, head = 0;
            char number[32], addr[128];
            snprintf(number, sizeof(number), "%.12s%03d%03d", grid + 3, g + 1, h + 1);
            snprintf(addr, sizeof(addr), "%s%d幢%d单元%d室", dbrows_get(&grids, g, 1), 1 + h / 6,
                     1 + h % 3, 101 + (h % 6) * 100);
            rc = add(db, &c, &reg_households,
                     json_pack("{s:s, s:s, s:s}", "number", number, "place", grid, "address", addr),
                     &hid, e);
            int members = 2 + (int)(next(&r) % 3);
            for (int k = 0; rc == ERR_OK && k < members; k++, person++) {
                char id[19], phone[12];
                int y = k < 2 ? 1950 + (int)(next(&r) % 40) : 1995 + (int)(next(&r) % 15);
                fake_id(y, 1 + (int)(next(&r) % 12), 1 + (int)(next(&r) % 28), person, id);
                snprintf(phone, sizeof(phone), "1990%07u", (unsigned)(person * 7919 % 10000000));
                json_t *tags = json_array();
                if (y < 1960 && next(&r) % 3 == 0)
                    json_array_append_new(tags, json_string(k == 0 ? "独居老人" : "高龄老人"));
                if (next(&r) % 7 == 0)
                    json_array_append_new(tags, json_string("志愿者"));
                int64_t rid;
                rc = add(db, &c, &reg_residents,
                         json_pack(
                             "{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o}", "name",
                             arena_printf(&a, "%s%s", surnames[next(&r) % 20], given[next(&r) % 8]),
                             "id_number", id, "phone", phone, "place", grid, "household",
                             (json_int_t)hid, "address", addr, "kind", "local", "tags", tags),
                         &rid, e);
                if (k == 0)
                    head = rid;
            }
            if (rc == ERR_OK) {
                struct reg_rec patch;
                reg_rec_init(&reg_households, &a, &patch);
                patch.v[HH_HEAD] = arena_printf(&a, "%lld", (long long)head);
                patch.given[HH_HEAD] = 1;
                rc = reg_update(db, &c, &reg_households, arena_printf(&a, "%lld", (long long)hid),
                                &patch, e);
            }
        }
        /* new residents renting on the grid, each with its registration */
        for (int k = 0; rc == ERR_OK && k < 6; k++, person++) {
            char id[19], phone[12];
            int64_t rid;
            fake_id(1985 + (int)(next(&r) % 18), 1 + (int)(next(&r) % 12), 1 + (int)(next(&r) % 28),
                    person, id);
            id[0] = '3', id[1] = '4'; /* born elsewhere: Anhui's prefix, check digit again */
            id[17] = idcard_check_char(id);
            snprintf(phone, sizeof(phone), "1980%07u", (unsigned)(person * 7919 % 10000000));
            int o = (int)(next(&r) % ARRAY_LEN(origins));
            rc = add(
                db, &c, &reg_residents,
                json_pack("{s:s, s:s, s:s, s:s, s:s}", "name",
                          arena_printf(&a, "%s%s", surnames[next(&r) % 20], given[next(&r) % 8]),
                          "id_number", id, "phone", phone, "place", grid, "kind", "new"),
                &rid, e);
            if (rc == ERR_OK)
                rc = add(db, &c, &reg_registrations,
                         json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:i}", "resident",
                                   (json_int_t)rid, "registered_on",
                                   arena_printf(&a, "2026-%02d-%02d", 1 + k, 3 + g), "origin",
                                   origins[o][0], "origin_code", origins[o][1], "workplace",
                                   workplaces[next(&r) % ARRAY_LEN(workplaces)], "landlord",
                                   arena_printf(&a, "%s先生", surnames[next(&r) % 20]),
                                   "expected_months", 6 + (int)(next(&r) % 30)),
                         NULL, e);
        }
    }
    arena_free(&a);
    return rc;
}

int demo_people_seed(struct store *s, struct err *e)
{
    return store_write(s, people_fn, NULL, e);
}
