/*
 * bench/raw_insert.c - the naive limit of intake: raw SQLite, one commit per case.
 *
 * Writes the rows one gridgov intake writes (src/domain/case.c case_insert and
 * src/domain/case_timeline.c case_timeline_append) from one thread, each case in its own
 * transaction, for a fixed time:
 *
 *   BEGIN IMMEDIATE;
 *   INSERT INTO case_numbers ... ON CONFLICT (day) DO UPDATE ... RETURNING last;
 *   INSERT INTO cases (...) RETURNING id;            -- the FTS5 trigger indexes search_grams
 *   INSERT INTO case_events (...);                   -- the submit row of the timeline
 *   INSERT INTO outbox (...) SELECT ... FROM webhooks WHERE active = 1;
 *   UPDATE cases SET timeline_seq = ?, timeline_head = ? WHERE id = ?;
 *   COMMIT;
 *
 * with the same connection settings as src/store/store_sqlite.c (WAL, foreign_keys=ON,
 * temp_store=MEMORY, cache_size=-16000, synchronous NORMAL or FULL). It skips what is not
 * SQLite: HTTP, JSON, validation, the category and place look-ups, the keyed BLAKE2b of the
 * timeline (a cheap placeholder hash of the same length is stored instead) and the tracking
 * token (a random 64-hex token_hash, as unique as the real one).
 *
 * Run it on a copy of a gridgov database (bench/intake.sh takes one of a fresh demo).
 *
 * Usage: bench-raw-insert --db PATH [--seconds N] [--sync normal|full] [--place GRID]
 * Prints "raw: rows=N seconds=S rows_per_s=R p50_ms=X p99_ms=Y".
 */
#define _POSIX_C_SOURCE 200809L

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
    fprintf(stderr, "bench-raw-insert: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
    exit(1);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- a description as residents write them (the same vocabulary as bench/intake.lua) ---- */

static const char *const compounds[] = {"春江花城", "博文苑", "江扬花园", "曹娥新村", "舜江名邸",
                                        "锦绣江南", "凤鸣苑", "华府小区", "金色家园", "滨江一品"};
static const char *const whos[] = {"有住户", "楼上邻居", "几户人家", "外卖小哥",   "租户",
                                   "有人",   "一楼商户", "快递员",   "几个年轻人", "对门住户"};
static const char *const wheres[] = {"楼道里",   "一楼楼梯间", "消防通道上", "电梯前室",
                                     "楼梯拐角", "地下室入口", "单元门口",   "安全出口旁"};
static const char *const whats[] = {"给电动车充电",     "拉飞线给电瓶车充电",
                                    "停放好几辆电动车", "把电瓶拿回家充电",
                                    "堆放电动车和电瓶", "用插线板给电动车充电"};
static const char *const whens[] = {"每天晚上", "经常半夜", "已经一个多月",
                                    "周末都",   "这几天",   "从去年开始一直"};
static const char *const worries[] = {
    "存在很大的火灾隐患", "堵塞了消防通道",     "老人小孩进出很不方便", "闻到过焦糊味，很担心",
    "物业劝说过但没有用", "之前已经反映过一次", "晚上有时候还冒火花"};
static const char *const asks[] = {
    "请尽快处理。",           "希望社区上门劝导。",   "请物业和社区一起来看看。",
    "希望能增设集中充电桩。", "请安排人员现场核实。", "谢谢！"};
static const char *const names[] = {"张先生", "李女士", "王阿姨", "陈师傅",
                                    "刘女士", "赵先生", "周大伯", "吴女士"};

#define PICK(a) (a[(size_t)rand() % (sizeof(a) / sizeof(a[0]))])

static sqlite3_stmt *prep(const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
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
    int rc = sqlite3_step(st);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        die(what);
    sqlite3_reset(st);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench-raw-insert --db PATH [--seconds N] [--sync normal|full] "
                    "[--place GRID]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *path = NULL, *sync = "normal", *place = "330604002007001";
    double seconds = 10;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "--sync") == 0 && i + 1 < argc)
            sync = argv[++i];
        else if (strcmp(argv[i], "--place") == 0 && i + 1 < argc)
            place = argv[++i];
        else
            usage();
    }
    if (path == NULL || seconds <= 0 || (strcmp(sync, "normal") && strcmp(sync, "full")) ||
        strlen(place) != 15)
        usage();

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        die("open");
    sqlite3_busy_timeout(db, 10000);
    char pragmas[256];
    snprintf(pragmas, sizeof(pragmas),
             "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=%s; "
             "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;",
             strcmp(sync, "full") == 0 ? "FULL" : "NORMAL");
    exec(pragmas);

    sqlite3_stmt *begin = prep("BEGIN IMMEDIATE"), *commit = prep("COMMIT");
    sqlite3_stmt *number = prep("INSERT INTO case_numbers (day, last) VALUES (?, 1) ON CONFLICT "
                                "(day) DO UPDATE SET last = case_numbers.last + 1 RETURNING last");
    sqlite3_stmt *ins_case = prep(
        "INSERT INTO cases (county, case_no, category_code, description, status, channel, "
        "place_code, grid_code, compound_id, address, lat, lon, attributes, reporter_user_id, "
        "reporter_name, reporter_phone, reporter_email, token_hash, api_key_id, idem_key, "
        "token_box, stage_due_at, search_grams, created_at, updated_at) VALUES (?, ?, ?, ?, "
        "'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    sqlite3_stmt *ins_event =
        prep("INSERT INTO case_events (county, case_id, seq, at, actor_user_id, actor, "
             "action, from_status, to_status, note, data, public, prev_hash, hash) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *ins_outbox =
        prep("INSERT INTO outbox (case_id, webhook_id, event, payload, created_at, next_at) "
             "SELECT ?, id, ?, ?, ?, ? FROM webhooks WHERE active = 1");
    sqlite3_stmt *upd_head =
        prep("UPDATE cases SET timeline_seq = ?, timeline_head = ? WHERE id = ?");

    srand((unsigned)time(NULL));
    size_t cap = 1 << 16, n = 0;
    double *lat = malloc(cap * sizeof(double));
    if (lat == NULL)
        return 1;
    char desc[1024], gram[8192], bldg[64], attrs[256], addr[128], phone[16], token[65], hash[65];
    char case_no[32], day[16], data[256], payload[512];
    double t0 = now_s(), t_end = t0 + seconds, t;
    uint64_t seq = (uint64_t)time(NULL) << 20;

    while ((t = now_s()) < t_end) {
        const char *compound = PICK(compounds);
        snprintf(bldg, sizeof(bldg), "%d幢%d单元", 1 + rand() % 36, 1 + rand() % 4);
        snprintf(desc, sizeof(desc), "%s%s%s%s%s%s，%s，%s（第%zu次提交）", compound, bldg,
                 PICK(wheres), PICK(whens), PICK(whos), PICK(whats), PICK(worries), PICK(asks),
                 n + 1);
        grams(desc, gram, sizeof(gram));
        snprintf(attrs, sizeof(attrs),
                 "{\"building\":\"%s\",\"count\":%d,"
                 "\"stairwell_charging\":\"%s\"}",
                 bldg, 1 + rand() % 12, rand() % 10 < 7 ? "yes" : "no");
        snprintf(addr, sizeof(addr), "%s%s", compound, bldg);
        snprintf(phone, sizeof(phone), "13%09d", rand() % 1000000000);
        hex64(++seq * 2654435761u ^ (uint64_t)rand(), token);
        int64_t now = (int64_t)time(NULL);
        time_t local = (time_t)now + 8 * 3600;
        struct tm tm;
        gmtime_r(&local, &tm);
        strftime(day, sizeof(day), "%Y%m%d", &tm);
        char county[8];
        snprintf(county, sizeof(county), "%.6s", place);

        step_done(begin, "BEGIN");
        sqlite3_bind_text(number, 1, day, -1, SQLITE_STATIC);
        if (sqlite3_step(number) != SQLITE_ROW)
            die("case_numbers");
        snprintf(case_no, sizeof(case_no), "%s-%04lld", day,
                 (long long)sqlite3_column_int64(number, 0));
        step_done(number, "case_numbers");

        int k = 1;
        sqlite3_bind_text(ins_case, k++, county, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, k++, case_no, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, k++, "ebike", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, k++, desc, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, k++, "resident", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, k++, place, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, k++, place, -1, SQLITE_STATIC);
        sqlite3_bind_null(ins_case, k++);                                 /* compound */
        sqlite3_bind_text(ins_case, k++, addr, -1, SQLITE_STATIC);        /* address */
        sqlite3_bind_null(ins_case, k++);                                 /* lat */
        sqlite3_bind_null(ins_case, k++);                                 /* lon */
        sqlite3_bind_text(ins_case, k++, attrs, -1, SQLITE_STATIC);       /* attributes */
        sqlite3_bind_null(ins_case, k++);                                 /* reporter user */
        sqlite3_bind_text(ins_case, k++, PICK(names), -1, SQLITE_STATIC); /* name */
        sqlite3_bind_text(ins_case, k++, phone, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_case, k++, "", -1, SQLITE_STATIC);    /* email */
        sqlite3_bind_text(ins_case, k++, token, -1, SQLITE_STATIC); /* token_hash */
        sqlite3_bind_null(ins_case, k++);                           /* api key */
        sqlite3_bind_null(ins_case, k++);                           /* idem_key */
        sqlite3_bind_null(ins_case, k++);                           /* token_box */
        sqlite3_bind_int64(ins_case, k++, now + 4 * 3600);          /* stage_due_at */
        sqlite3_bind_text(ins_case, k++, gram, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins_case, k++, now);
        sqlite3_bind_int64(ins_case, k++, now);
        if (sqlite3_step(ins_case) != SQLITE_ROW)
            die("INSERT INTO cases");
        int64_t id = sqlite3_column_int64(ins_case, 0);
        step_done(ins_case, "INSERT INTO cases");

        snprintf(data, sizeof(data), "{\"category\":\"ebike\",\"grid\":\"%s\",\"place\":\"%s\"}",
                 place, place);
        hex64((uint64_t)id, hash);
        k = 1;
        sqlite3_bind_text(ins_event, k++, county, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins_event, k++, id);
        sqlite3_bind_int64(ins_event, k++, 1);
        sqlite3_bind_int64(ins_event, k++, now);
        sqlite3_bind_null(ins_event, k++);
        sqlite3_bind_text(ins_event, k++, "reporter", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_event, k++, "submit", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_event, k++, "", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_event, k++, "submitted", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_event, k++, "", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_event, k++, data, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins_event, k++, 1);
        sqlite3_bind_text(ins_event, k++, "", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_event, k++, hash, -1, SQLITE_STATIC);
        step_done(ins_event, "INSERT INTO case_events");

        snprintf(payload, sizeof(payload),
                 "{\"event\":\"submit\",\"case_id\":%lld,\"case_no\":\"%s\",\"status\":"
                 "\"submitted\",\"category\":\"ebike\",\"seq\":1,\"at\":\"\"}",
                 (long long)id, case_no);
        sqlite3_bind_int64(ins_outbox, 1, id);
        sqlite3_bind_text(ins_outbox, 2, "submit", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins_outbox, 3, payload, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins_outbox, 4, now);
        sqlite3_bind_int64(ins_outbox, 5, now);
        step_done(ins_outbox, "INSERT INTO outbox");

        sqlite3_bind_int64(upd_head, 1, 1);
        sqlite3_bind_text(upd_head, 2, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(upd_head, 3, id);
        step_done(upd_head, "UPDATE cases");

        step_done(commit, "COMMIT");
        if (n == cap) {
            cap *= 2;
            double *nl = realloc(lat, cap * sizeof(double));
            if (nl == NULL)
                return 1;
            lat = nl;
        }
        lat[n++] = now_s() - t;
    }
    double elapsed = now_s() - t0;
    qsort(lat, n, sizeof(double), cmp_double);
    printf("raw: rows=%zu seconds=%.3f rows_per_s=%.0f p50_ms=%.3f p99_ms=%.3f sync=%s\n", n,
           elapsed, (double)n / elapsed, n ? lat[n / 2] * 1000 : 0.0,
           n ? lat[(size_t)((double)n * 0.99)] * 1000 : 0.0, sync);
    free(lat);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_finalize(number);
    sqlite3_finalize(ins_case);
    sqlite3_finalize(ins_event);
    sqlite3_finalize(ins_outbox);
    sqlite3_finalize(upd_head);
    if (sqlite3_close(db) != SQLITE_OK)
        die("close");
    return 0;
}
