/* test_match.c - finding mobile party members among new residents: the score of a pair and its
 * reasons (exact, a name one character off, a swapped birth date, no identity number, the false
 * friend below the threshold), and on a store: a run proposes, runs are idempotent, a rejected
 * pair stays out, a confirmation makes a mobile_in member once, in an organisation at or above
 * the match's place, within the caller's scope. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "domain/idnum.h"
#include "domain/party.h"
#include "domain/party_match.h"
#include "domain/people.h"
#include "domain/pii.h"
#include "testdb.h"

#define TOWN "330604112"
#define COMM "330604112001"
#define GRID1 "330604112001001"
#define GRID2 "330604112001002"
#define OTHER "330604002"

/* ---- scores ---- */

static int has_reason(const char **why, int n, const char *reason)
{
    for (int i = 0; i < n; i++)
        if (strcmp(why[i], reason) == 0)
            return 1;
    return 0;
}

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"
#define P1 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static void test_score_exact(void **state)
{
    (void)state;
    const char *why[MATCH_MAX_REASONS];
    int n;
    struct match_person reg = {"王建国", H1, "1980-05-06", NULL, "341221", "安徽省阜阳市临泉县"};
    struct match_person ros = {"王建民", H1, "1980-05-06", NULL, NULL, "河南省"};
    assert_int_equal(match_score(&reg, &ros, why, &n), MATCH_EXACT);
    assert_string_equal(why[0], "身份证号一致");
    /* the other evidence is listed beside it */
    assert_true(has_reason(why, n, "出生日期一致"));
    assert_true(has_reason(why, n, "姓名相差一字"));
}

static void test_score_one_character_off(void **state)
{
    (void)state;
    const char *why[MATCH_MAX_REASONS];
    int n;
    struct match_person reg = {"张卫华", NULL, "1985-03-07", NULL, "341221", "安徽省阜阳市临泉县"};
    struct match_person ros = {"张伟华", NULL, "1985-03-07", NULL, "341221001", "临泉县"};
    int s = match_score(&reg, &ros, why, &n);
    assert_true(s >= MATCH_THRESHOLD && s < MATCH_EXACT);
    assert_int_equal(n, 3);
    assert_string_equal(why[0], "姓名相差一字");
    assert_string_equal(why[1], "出生日期一致");
    assert_string_equal(why[2], "籍贯一致");
    /* the origin as text only: one inside the other */
    reg.origin_code = ros.origin_code = NULL;
    assert_true(match_score(&reg, &ros, why, &n) >= MATCH_THRESHOLD);
    assert_true(has_reason(why, n, "籍贯一致"));
    /* without the origin, a name one character off and a birth date are not enough */
    reg.origin = NULL;
    assert_true(match_score(&reg, &ros, why, &n) < MATCH_THRESHOLD);
    /* two characters off is no name evidence; a one-character name cannot be one off */
    struct match_person a = {"张卫国", NULL, "1985-03-07"}, b = {"张伟华", NULL, "1985-03-07"};
    match_score(&a, &b, why, &n);
    assert_false(has_reason(why, n, "姓名相差一字"));
    struct match_person c1 = {"甲", NULL, NULL}, c2 = {"乙", NULL, NULL};
    assert_int_equal(match_score(&c1, &c2, why, &n), 0);
    assert_int_equal(n, 0);
    /* blanks and the dot of a transcribed name do not count */
    struct match_person d1 = {"阿依古丽·买买提"}, d2 = {"阿依古丽 买买提"};
    match_score(&d1, &d2, why, &n);
    assert_true(has_reason(why, n, "姓名一致"));
}

static void test_score_swapped_birth_date(void **state)
{
    (void)state;
    const char *why[MATCH_MAX_REASONS];
    int n;
    struct match_person reg = {"李娜", NULL, "1985-03-07", NULL, "412722", NULL};
    struct match_person ros = {"李娜", NULL, "1985-07-03", NULL, "412722", NULL};
    assert_true(match_score(&reg, &ros, why, &n) >= MATCH_THRESHOLD);
    assert_true(has_reason(why, n, "出生日期月日颠倒"));
    assert_false(has_reason(why, n, "出生日期一致"));
    /* one digit off */
    ros.birth_date = "1985-03-08";
    assert_true(match_score(&reg, &ros, why, &n) >= MATCH_THRESHOLD);
    assert_true(has_reason(why, n, "出生日期相差一位"));
    /* two digits off is no birth-date evidence: the name and the origin remain */
    ros.birth_date = "1985-08-09";
    match_score(&reg, &ros, why, &n);
    assert_int_equal(n, 2);
}

static void test_score_no_identity_number(void **state)
{
    (void)state;
    const char *why[MATCH_MAX_REASONS];
    int n;
    /* the registration's resident gave no identity number: name and birth date */
    struct match_person reg = {"赵磊", NULL, "1992-11-20", NULL, NULL, NULL};
    struct match_person ros = {"赵磊", H2, "1992-11-20", NULL, NULL, "四川省"};
    assert_true(match_score(&reg, &ros, why, &n) >= MATCH_THRESHOLD);
    assert_int_equal(n, 2);
    assert_false(has_reason(why, n, "身份证号不同"));
    /* a phone with a name */
    struct match_person reg2 = {"赵磊", NULL, NULL, P1, NULL, NULL};
    struct match_person ros2 = {"赵磊", NULL, NULL, P1, NULL, NULL};
    assert_true(match_score(&reg2, &ros2, why, &n) >= MATCH_THRESHOLD);
    assert_true(has_reason(why, n, "手机号一致"));
    /* two different identity numbers weigh against: name and birth date alone stay below, a
     * mistyped number with the same origin reaches the threshold, with a hint for the office */
    reg.id_hash = H1;
    assert_true(match_score(&reg, &ros, why, &n) < MATCH_THRESHOLD);
    assert_true(has_reason(why, n, "身份证号不同"));
    reg.origin = "四川省南充市南部县";
    assert_int_equal(match_score(&reg, &ros, why, &n), MATCH_THRESHOLD);
    /* the same province only is not enough beside a name one character off */
    struct match_person a = {"赵磊", NULL, "1992-11-20", NULL, "511321", NULL};
    struct match_person b = {"赵雷", NULL, "1992-11-20", NULL, "510100", NULL};
    assert_true(match_score(&a, &b, why, &n) < MATCH_THRESHOLD);
    assert_true(has_reason(why, n, "籍贯同省"));
}

static void test_score_false_friend(void **state)
{
    (void)state;
    const char *why[MATCH_MAX_REASONS];
    int n;
    /* the same (common) name, another birth date, nothing else */
    struct match_person reg = {"王伟", H1, "1990-01-15", NULL, NULL, NULL};
    struct match_person ros = {"王伟", NULL, "1978-06-02", NULL, NULL, NULL};
    int s = match_score(&reg, &ros, why, &n);
    assert_true(s < MATCH_THRESHOLD);
    assert_int_equal(n, 1);
    assert_string_equal(why[0], "姓名一致");
    /* even from the same county */
    reg.origin_code = ros.origin_code = "341221";
    assert_true(match_score(&reg, &ros, why, &n) < MATCH_THRESHOLD);
    /* nothing in common: 0, no reasons; unknown is not equal */
    struct match_person x = {0}, y = {0};
    assert_int_equal(match_score(&x, &y, NULL, &n), 0);
    assert_int_equal(n, 0);
}

/* ---- on a store ---- */

struct fixture {
    char dir[64];
    struct store *s;
};

static int places_fn(struct db *db, void *arg, struct err *e)
{
    static const char *const rows[][3] = {
        {"330604", NULL, "district"},
        {TOWN, "330604", "town"},
        {COMM, TOWN, "community"},
        {GRID1, COMM, "grid"},
        {GRID2, COMM, "grid"},
        {OTHER, "330604", "town"},
        {"330604002007", OTHER, "community"},
    };
    (void)arg;
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        int rc = db_exec(db, e,
                         "INSERT INTO places (code, parent_code, level, kind, name, county, "
                         "created_at, updated_at) VALUES (?, ?, ?, ?, ?, '330604', 0, 0)",
                         DB_ARGS(DBS(rows[i][0]), DBS(rows[i][1]), DBS(rows[i][2]), DBS(rows[i][2]),
                                 DBS(rows[i][0])));
        if (rc < 0)
            return rc;
    }
    return ERR_OK;
}

/* GRIDGOV_TEST_PG: the store tests run again on this PostgreSQL database (wiped first). */
static const char *pg_dsn;

static int setup_on(void **state, const char *pg)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct err e = {0};
    static const unsigned char key[32] = {9};
    char dsn[512];
    snprintf(f->dir, sizeof(f->dir), "/tmp/gridgov-test-match.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(dsn, sizeof(dsn), "sqlite:%s/t.db", f->dir);
    struct store_config cfg = {.dsn = pg ? pg : dsn, .readers = 2};
    if (pg != NULL) {
        struct store *old = store_open(&cfg, &e);
        if (old == NULL || store_wipe(old, &e) != ERR_OK) {
            print_error("%s: %s\n", pg, e.msg);
            return -1;
        }
        store_close(old);
    }
    if ((f->s = store_open(&cfg, &e)) == NULL || store_write(f->s, places_fn, NULL, &e) != ERR_OK)
        return -1;
    pii_init_fixed(key);
    sql(f->s, "INSERT INTO users (id, username, display_name, pw_hash, created_at, updated_at) "
              "VALUES (9, 'gbsq', '盖北社区微治办', 'x', 0, 0)");
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_on(state, NULL);
}

static int setup_pg(void **state)
{
    return setup_on(state, pg_dsn);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    store_close(f->s);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", f->dir);
    free(f);
    return 0;
}

struct create {
    struct reg_ctx *c;
    const struct registry *r;
    const char *json;
    struct reg_rec rec;
};

static int create_fn(struct db *db, void *arg, struct err *e)
{
    struct create *w = arg;
    json_t *o = json_loads(w->json, 0, NULL);
    if (o == NULL)
        return err_set(e, ERR_INTERNAL, NULL, "bad test JSON: %s", w->json);
    int rc = reg_create_json(db, w->c, w->r, o, &w->rec, e);
    json_decref(o);
    return rc;
}

/* Create a record as the system; its id. */
static int64_t make(struct store *s, const struct registry *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int64_t make(struct store *s, const struct registry *r, const char *fmt, ...)
{
    char json[1024];
    struct arena a;
    struct err e = {0};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(json, sizeof(json), fmt, ap);
    va_end(ap);
    arena_init(&a, 0);
    struct reg_ctx sys = {.a = &a};
    struct create w = {&sys, r, json, {0}};
    if (store_write(s, create_fn, &w, &e) != ERR_OK)
        fail_msg("%s %s: %s", r->name, json, e.msg);
    int64_t id = w.rec.id;
    arena_free(&a);
    return id;
}

/* A valid identity number of the region, birth date (YYYYMMDD) and sequence. */
static const char *idnum(char out[19], const char *region, const char *birth, int seq)
{
    snprintf(out, 19, "%s%s%03d", region, birth, seq);
    out[17] = idcard_check_char(out);
    out[18] = '\0';
    return out;
}

/* A new resident of grid with a registration; the registration's id. */
static int64_t newcomer(struct store *s, const char *name, const char *id, const char *phone,
                        const char *grid, const char *origin_code, const char *origin)
{
    char extra[160] = "";
    if (id != NULL)
        snprintf(extra, sizeof(extra), ",\"id_number\":\"%s\"", id);
    if (phone != NULL)
        snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), ",\"phone\":\"%s\"", phone);
    int64_t rid = make(s, &reg_residents, "{\"name\":\"%s\",\"place\":\"%s\",\"kind\":\"new\"%s}",
                       name, grid, extra);
    return make(s, &reg_registrations,
                "{\"resident\":%lld,\"registered_on\":\"2026-03-01\",\"origin_code\":\"%s\","
                "\"origin\":\"%s\"}",
                (long long)rid, origin_code, origin);
}

struct ids {
    int64_t exact, fuzzy, phone, friend_, member_reg, left;
    int64_t org_here, org_other;
};

static void seed(struct store *s, struct ids *x)
{
    char id[19];
    /* a hidden member by identity number */
    x->exact = newcomer(s, "王建国", idnum(id, "341221", "19800506", 11), NULL, GRID1, "341221",
                        "安徽省阜阳市临泉县");
    make(s, &reg_party_rosters,
         "{\"name\":\"王建国\",\"id_number\":\"%s\",\"origin_org\":\"临泉县城关镇党委\","
         "\"origin\":\"安徽省阜阳市临泉县\",\"origin_code\":\"341221\"}",
         id);
    /* one character off in the name, the roster without identity number */
    x->fuzzy = newcomer(s, "张卫华", idnum(id, "341221", "19850307", 21), NULL, GRID1, "341221",
                        "安徽省阜阳市临泉县");
    make(s, &reg_party_rosters,
         "{\"name\":\"张伟华\",\"birth_date\":\"1985-03-07\",\"origin\":\"安徽省阜阳市临泉县\","
         "\"origin_code\":\"341221\"}");
    /* no identity number at all: name and phone */
    x->phone = newcomer(s, "刘洋", NULL, "13912345678", GRID2, "511321", "四川省南充市南部县");
    make(s, &reg_party_rosters,
         "{\"name\":\"刘洋\",\"phone\":\"13912345678\",\"origin\":\"四川省南充市南部县\"}");
    /* a false friend: the same name, another birth date, another place */
    x->friend_ = newcomer(s, "李明", idnum(id, "412722", "19900101", 31), NULL, GRID2, "412722",
                          "河南省周口市商水县");
    make(s, &reg_party_rosters,
         "{\"name\":\"李明\",\"birth_date\":\"1970-05-05\",\"origin\":\"贵州省铜仁市\","
         "\"origin_code\":\"522201\"}");
    x->org_here = make(s, &reg_party_orgs,
                       "{\"name\":\"盖北社区党委\",\"kind\":\"committee\",\"place\":\"" COMM "\"}");
    x->org_other =
        make(s, &reg_party_orgs,
             "{\"name\":\"百官街道党工委\",\"kind\":\"committee\",\"place\":\"" OTHER "\"}");
    /* already a member here: skipped */
    x->member_reg = newcomer(s, "陈静", idnum(id, "341221", "19750808", 41), NULL, GRID1, "341221",
                             "安徽省阜阳市临泉县");
    make(s, &reg_party_rosters,
         "{\"name\":\"陈静\",\"id_number\":\"%s\",\"origin\":\"安徽省阜阳市临泉县\"}", id);
    make(s, &reg_party_members, "{\"resident\":%lld,\"org\":%lld}",
         (long long)qint(s, "SELECT resident_id FROM registrations WHERE id = %lld",
                         (long long)x->member_reg),
         (long long)x->org_here);
    /* left the town: skipped */
    x->left = newcomer(s, "周杰", idnum(id, "341221", "19880909", 51), NULL, GRID2, "341221",
                       "安徽省阜阳市临泉县");
    sql(s, "UPDATE registrations SET left_on = '2026-06-01' WHERE id = %lld", (long long)x->left);
    make(s, &reg_party_rosters,
         "{\"name\":\"周杰\",\"id_number\":\"%s\",\"origin\":\"安徽省阜阳市临泉县\"}", id);
}

static int64_t match_of(struct store *s, int64_t registration)
{
    return qint(s, "SELECT id FROM mobile_matches WHERE registration_id = %lld",
                (long long)registration);
}

static void run(struct store *s, struct reg_ctx *c, struct match_stats *st)
{
    struct err e = {0};
    if (match_run(s, c, TOWN, st, &e) != ERR_OK)
        fail_msg("match_run: %s", e.msg);
}

static void test_run_propose_reject_idempotent(void **state)
{
    struct fixture *f = *state;
    struct ids x;
    struct match_stats st;
    struct arena a;
    arena_init(&a, 0);
    struct reg_ctx sys = {.a = &a};
    seed(f->s, &x);

    run(f->s, &sys, &st);
    assert_int_equal(st.registrations, 4); /* the member and the one who left are skipped */
    assert_int_equal(st.rosters, 6);
    assert_int_equal(st.found, 3);
    assert_int_equal(st.exact, 1);
    assert_int_equal(st.proposed, 3);
    assert_int_equal(st.known, 0);
    assert_true(st.compared >= 3 && st.compared < 4 * 6); /* blocks, not a cross join */
    assert_int_equal(qint(f->s, "SELECT count(*) FROM mobile_matches"), 3);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM mobile_matches WHERE status = 'candidate' "
                                "AND county = '330604'"),
                     3);
    assert_int_equal(match_of(f->s, x.friend_), 0);
    assert_int_equal(qint(f->s, "SELECT score FROM mobile_matches WHERE registration_id = %lld",
                          (long long)x.exact),
                     100);
    char *reasons = qtext(f->s, "SELECT reasons FROM mobile_matches WHERE registration_id = %lld",
                          (long long)x.fuzzy);
    assert_string_equal(reasons, "[\"姓名相差一字\",\"出生日期一致\",\"籍贯一致\"]");
    free(reasons);
    char *place = qtext(f->s, "SELECT place_code FROM mobile_matches WHERE registration_id = %lld",
                        (long long)x.phone);
    assert_string_equal(place, GRID2);
    free(place);

    /* again: nothing new */
    run(f->s, &sys, &st);
    assert_int_equal(st.found, 3);
    assert_int_equal(st.proposed, 0);
    assert_int_equal(st.known, 3);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM mobile_matches"), 3);

    /* rejected with a reason (required), then never proposed again */
    struct err e = {0};
    char mid[24];
    snprintf(mid, sizeof(mid), "%lld", (long long)match_of(f->s, x.fuzzy));
    assert_int_equal(match_reject(f->s, &sys, mid, "  ", &e), ERR_INVALID);
    assert_string_equal(e.field, "reason");
    assert_int_equal(match_reject(f->s, &sys, mid, "核实非同一人", &e), ERR_OK);
    assert_int_equal(match_reject(f->s, &sys, mid, "再次排除", &e), ERR_CONFLICT);
    assert_non_null(strstr(e.msg, "已排除"));
    run(f->s, &sys, &st);
    assert_int_equal(st.proposed, 0);
    assert_int_equal(qint(f->s, "SELECT count(*) FROM mobile_matches"), 3);
    char *status =
        qtext(f->s, "SELECT status || '|' || decision FROM mobile_matches WHERE id = %s", mid);
    assert_string_equal(status, "rejected|核实非同一人");
    free(status);
    assert_int_equal(qint(f->s,
                          "SELECT count(*) FROM audit_log WHERE action = 'match.reject' AND "
                          "object = 'mobile-matches:%s'",
                          mid),
                     1);
    /* a rejected pair cannot be confirmed either */
    assert_int_equal(match_confirm(f->s, &sys, mid, "1", NULL, &e), ERR_CONFLICT);
    arena_free(&a);
}

static void test_confirm(void **state)
{
    struct fixture *f = *state;
    struct ids x;
    struct match_stats st;
    struct err e = {0};
    struct arena a;
    char mid[24], org[24], other[24];
    arena_init(&a, 0);
    struct reg_ctx sys = {.a = &a};
    seed(f->s, &x);
    run(f->s, &sys, &st);
    assert_int_equal(st.proposed, 3);
    snprintf(org, sizeof(org), "%lld", (long long)x.org_here);
    snprintf(other, sizeof(other), "%lld", (long long)x.org_other);

    /* the community office of 盖北社区 */
    struct role_grant g = {.role = ROLE_COMMUNITY_OFFICE, .scope = COMM, .place = COMM};
    struct user u = {.id = 9, .username = "gbsq", .roles = &g, .nroles = 1};
    struct reg_ctx office = {.a = &a, .user = &u, .user_id = 9, .enforce = 1};
    /* another community's office sees none of it */
    struct role_grant og = {
        .role = ROLE_COMMUNITY_OFFICE, .scope = "330604002007", .place = "330604002007"};
    struct user ou = {.id = 10, .username = "bwsq", .roles = &og, .nroles = 1};
    struct reg_ctx stranger = {.a = &a, .user = &ou, .enforce = 1};
    /* a grid worker may not run nor decide */
    struct role_grant wg = {.role = ROLE_GRID_WORKER, .scope = GRID1, .place = GRID1};
    struct user wu = {.id = 11, .username = "gw", .roles = &wg, .nroles = 1};
    struct reg_ctx worker = {.a = &a, .user = &wu, .enforce = 1};

    assert_int_equal(match_run(f->s, &stranger, TOWN, &st, &e), ERR_FORBIDDEN);
    assert_int_equal(match_run(f->s, &worker, GRID1, &st, &e), ERR_FORBIDDEN);
    assert_int_equal(match_run(f->s, &office, COMM, &st, &e), ERR_OK);
    assert_int_equal(st.known, 3);
    assert_int_equal(match_run(f->s, &office, "330604112001999", &st, &e), ERR_NOT_FOUND);
    assert_int_equal(match_run(f->s, &office, "33x", &st, &e), ERR_INVALID);

    snprintf(mid, sizeof(mid), "%lld", (long long)match_of(f->s, x.exact));
    assert_int_equal(match_confirm(f->s, &stranger, mid, org, NULL, &e), ERR_FORBIDDEN);
    assert_int_equal(match_confirm(f->s, &worker, mid, org, NULL, &e), ERR_FORBIDDEN);
    /* an organisation outside the match's place, or none */
    assert_int_equal(match_confirm(f->s, &office, mid, other, NULL, &e), ERR_INVALID);
    assert_string_equal(e.field, "org");
    assert_int_equal(match_confirm(f->s, &office, mid, "999", NULL, &e), ERR_INVALID);
    assert_string_equal(e.field, "org");
    /* one the office sees, on the other grid */
    int64_t branch2 = make(f->s, &reg_party_orgs,
                           "{\"name\":\"第二网格党支部\",\"kind\":\"branch\",\"place\":\"" GRID2
                           "\",\"parent\":%s}",
                           org);
    char b2[24];
    snprintf(b2, sizeof(b2), "%lld", (long long)branch2);
    assert_int_equal(match_confirm(f->s, &office, mid, b2, NULL, &e), ERR_INVALID);
    assert_string_equal(e.field, "org");
    assert_int_equal(match_confirm(f->s, &office, "999", org, NULL, &e), ERR_NOT_FOUND);

    assert_int_equal(match_confirm(f->s, &office, mid, org, "组织关系已转入", &e), ERR_OK);
    int64_t member = qint(f->s, "SELECT member_id FROM mobile_matches WHERE id = %s", mid);
    assert_true(member > 0);
    char *m = qtext(f->s,
                    "SELECT m.status || '|' || m.org_id || '|' || m.place_code || '|' || "
                    "m.origin_org || '|' || r.name FROM party_members m JOIN residents r ON r.id = "
                    "m.resident_id WHERE m.id = %lld",
                    (long long)member);
    char want[160];
    snprintf(want, sizeof(want), "mobile_in|%s|" GRID1 "|临泉县城关镇党委|王建国", org);
    assert_string_equal(m, want);
    free(m);
    char *d = qtext(f->s,
                    "SELECT status || '|' || decision || '|' || decided_by FROM mobile_matches "
                    "WHERE id = %s",
                    mid);
    assert_string_equal(d, "confirmed|组织关系已转入|9");
    free(d);
    char *detail = qtext(f->s,
                         "SELECT detail FROM audit_log WHERE action = 'match.confirm' AND object = "
                         "'mobile-matches:%s' AND user_id = 9",
                         mid);
    snprintf(want, sizeof(want), "{\"org\":%s,\"member\":%lld,\"note\":\"组织关系已转入\"}", org,
             (long long)member);
    assert_string_equal(detail, want);
    free(detail);

    /* twice: 409, nothing more written */
    assert_int_equal(match_confirm(f->s, &office, mid, org, NULL, &e), ERR_CONFLICT);
    assert_non_null(strstr(e.msg, "已确认"));
    assert_int_equal(qint(f->s, "SELECT count(*) FROM party_members"), 2);

    /* a resident who became a member meanwhile: 409, the match stays a candidate */
    snprintf(mid, sizeof(mid), "%lld", (long long)match_of(f->s, x.phone));
    make(f->s, &reg_party_members, "{\"resident\":%lld,\"org\":%s}",
         (long long)qint(f->s, "SELECT resident_id FROM registrations WHERE id = %lld",
                         (long long)x.phone),
         org);
    assert_int_equal(match_confirm(f->s, &office, mid, org, NULL, &e), ERR_CONFLICT);
    assert_string_equal(e.field, "resident");
    char *status = qtext(f->s, "SELECT status FROM mobile_matches WHERE id = %s", mid);
    assert_string_equal(status, "candidate");
    free(status);

    /* the next run skips both members' registrations */
    run(f->s, &sys, &st);
    assert_int_equal(st.registrations, 2);
    assert_int_equal(st.proposed, 0);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_exact),
        cmocka_unit_test(test_score_one_character_off),
        cmocka_unit_test(test_score_swapped_birth_date),
        cmocka_unit_test(test_score_no_identity_number),
        cmocka_unit_test(test_score_false_friend),
        cmocka_unit_test_setup_teardown(test_run_propose_reject_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_confirm, setup, teardown),
    };
    const struct CMUnitTest pg_tests[] = {
        cmocka_unit_test_setup_teardown(test_run_propose_reject_idempotent, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_confirm, setup_pg, teardown),
    };
    int failed = cmocka_run_group_tests_name("match", tests, NULL, NULL);
    pg_dsn = getenv("GRIDGOV_TEST_PG");
    if (pg_dsn == NULL || pg_dsn[0] == '\0') {
        print_message("match/postgres: skipped (set GRIDGOV_TEST_PG to a PostgreSQL DSN)\n");
        return failed;
    }
    return failed + cmocka_run_group_tests_name("match/postgres", pg_tests, NULL, NULL);
}
