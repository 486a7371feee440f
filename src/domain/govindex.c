/* govindex.c - the index: indicators over counters, scores, grades, rankings and breakdowns
 * (govindex.h). Values are read one metric at a time through the counters' (metric, period,
 * place) index: a ranking of every grid of a district reads a few rows per grid. */
#include "domain/govindex.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/case.h"
#include "domain/counters.h"
#include "domain/govindex_cache.h"
#include "domain/grid_counters.h"
#include "domain/ledger.h"
#include "domain/place.h"
#include "domain/registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of the process, for the debug timings (wall time lies on a shared machine). */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define MAX_TERMS 8
#define MAX_METRICS 64

/* ---- formulas ---- */

struct term {
    int64_t factor;
    char metric[COUNTER_METRIC_MAX];
    int slot; /* in a model: the index of (basis, metric) among the values it reads */
};

struct formula {
    struct term t[MAX_TERMS];
    int n;
};

static const char *const case_metrics[] = {"received", "on_time", "rework", "rated", "rating_sum"};

/* counters kept beside the records' own (grid_counters.c, ledger_counters.c) */
static const char *const other_metrics[] = {"ledger.decided", "ledger.decided_on_time",
                                            "place.grids", "place.grids.branch",
                                            "user.role.grid_worker"};

static int metric_known(const char *m)
{
    for (size_t i = 0; i < ARRAY_LEN(other_metrics); i++)
        if (strcmp(m, other_metrics[i]) == 0)
            return 1;
    if (strncmp(m, "case.", 5) == 0) {
        const char *k = m + 5;
        for (size_t i = 0; i < sizeof(case_metrics) / sizeof(case_metrics[0]); i++)
            if (strcmp(k, case_metrics[i]) == 0)
                return 1;
        if (strncmp(k, "status.", 7) == 0) {
            enum case_status st;
            return case_status_from_name(k + 7, &st) == 0;
        }
        if (strncmp(k, "channel.", 8) == 0) {
            static const char *const channels[] = {CASE_CHANNELS};
            const char *ch = k + 8, *dot = strchr(ch, '.');
            size_t n = dot ? (size_t)(dot - ch) : strlen(ch);
            if (dot != NULL && strcmp(dot, ".closed") != 0)
                return 0;
            for (size_t i = 0; i < ARRAY_LEN(channels); i++)
                if (strlen(channels[i]) == n && strncmp(ch, channels[i], n) == 0)
                    return 1;
            return 0;
        }
        return strncmp(k, "category.", 9) == 0 && k[9] != '\0';
    }
    if (strncmp(m, "reg.", 4) == 0) {
        char name[COUNTER_METRIC_MAX];
        const char *dot = strchr(m + 4, '.');
        size_t n = dot ? (size_t)(dot - (m + 4)) : strlen(m + 4);
        if (n == 0 || n >= sizeof(name))
            return 0;
        memcpy(name, m + 4, n);
        name[n] = '\0';
        const struct registry *r = registry_find(name);
        if (r == NULL)
            return 0;
        if (dot == NULL)
            return 1;
        const char *field = dot + 1, *dot2 = strchr(field, '.');
        if (dot2 == NULL || dot2[1] == '\0')
            return 0;
        for (int i = 0; i < r->nfields; i++)
            if ((r->fields[i].flags & F_COUNT) &&
                strncmp(r->fields[i].name, field, (size_t)(dot2 - field)) == 0 &&
                r->fields[i].name[dot2 - field] == '\0')
                return 1;
    }
    return 0;
}

/* "a + b - 5 * c": operators and factors are separated by spaces (metric names hold '-'). */
static int formula_parse(const char *text, struct formula *f, char *why, size_t whysz)
{
    char buf[512], *save = NULL;
    int sign = 1, want_term = 1;
    int64_t factor = 1;
    f->n = 0;
    if (strlen(text) >= sizeof(buf)) {
        snprintf(why, whysz, "公式过长");
        return -1;
    }
    snprintf(buf, sizeof(buf), "%s", text);
    for (char *tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        if (!want_term) {
            if (strcmp(tok, "+") != 0 && strcmp(tok, "-") != 0) {
                snprintf(why, whysz, "'%.40s' 处应为 + 或 -", tok);
                return -1;
            }
            sign = tok[0] == '-' ? -1 : 1;
            want_term = 1;
            continue;
        }
        int64_t k;
        if (parse_int_range(tok, 1, 1000000, &k) == 0) {
            char *star = strtok_r(NULL, " \t", &save);
            if (star == NULL || strcmp(star, "*") != 0) {
                snprintf(why, whysz, "系数 %s 后应为 *", tok);
                return -1;
            }
            factor = k;
            continue;
        }
        if (!metric_known(tok)) {
            snprintf(why, whysz, "未知指标计数 '%.40s'", tok);
            return -1;
        }
        if (f->n == MAX_TERMS) {
            snprintf(why, whysz, "公式至多 %d 项", MAX_TERMS);
            return -1;
        }
        f->t[f->n].factor = sign * factor;
        snprintf(f->t[f->n].metric, sizeof(f->t[f->n].metric), "%s", tok);
        f->n++;
        sign = 1, factor = 1, want_term = 0;
    }
    if (want_term && f->n > 0) {
        snprintf(why, whysz, "公式以运算符结尾");
        return -1;
    }
    return 0;
}

int indicator_formula_check(const char *text, const char *field, int allow_empty, struct err *e)
{
    struct formula f;
    char why[128] = "";
    if (formula_parse(text, &f, why, sizeof(why)) != 0)
        return err_set(e, ERR_INVALID, field, "%s", why);
    if (f.n == 0 && !allow_empty)
        return err_set(e, ERR_INVALID, field, "公式不能为空");
    return ERR_OK;
}

/* ---- indicators ---- */

#define IND_COLS                                                                                   \
    "code, name, numerator, denominator, basis, direction, target, weight, levels, drill, "        \
    "source, "                                                                                     \
    "position, version, updated_at"

int indicators_load(struct db *db, struct arena *a, struct indicator *out, int max, int *n,
                    struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e, "SELECT " IND_COLS " FROM indicators ORDER BY position, code",
                      DB_NOARGS);
    if (rc != ERR_OK)
        return rc;
    *n = 0;
    for (int i = 0; i < r.nrows && *n < max; i++) {
        struct indicator *d = &out[(*n)++];
        d->code = dbrows_get(&r, i, 0);
        d->name = dbrows_get(&r, i, 1);
        d->numerator = dbrows_get(&r, i, 2);
        d->denominator = dbrows_get(&r, i, 3);
        d->basis = dbrows_get(&r, i, 4);
        d->direction = dbrows_get(&r, i, 5);
        d->target = strtod(dbrows_get(&r, i, 6), NULL);
        d->weight = dbrows_int(&r, i, 7);
        d->levels = dbrows_get(&r, i, 8);
        d->drill = dbrows_get(&r, i, 9);
        d->source = dbrows_get(&r, i, 10);
        d->position = dbrows_int(&r, i, 11);
        d->version = dbrows_int(&r, i, 12);
        d->updated_at = dbrows_int(&r, i, 13);
    }
    return ERR_OK;
}

void indicator_write_json(struct jsonw *w, const struct indicator *d)
{
    jw_obj(w);
    jw_kstr(w, "code", d->code);
    jw_kstr(w, "name", d->name);
    jw_kstr(w, "numerator", d->numerator);
    jw_kstr(w, "denominator", d->denominator);
    jw_kstr(w, "basis", d->basis);
    jw_kstr(w, "direction", d->direction);
    jw_kreal(w, "target", d->target);
    jw_kint(w, "weight", d->weight);
    jw_key(w, "levels");
    jw_arr(w);
    char buf[64], *save = NULL;
    snprintf(buf, sizeof(buf), "%s", d->levels);
    for (char *l = strtok_r(buf, ",", &save); l; l = strtok_r(NULL, ",", &save))
        jw_str(w, l);
    jw_end_arr(w);
    jw_kstr(w, "drill", d->drill);
    jw_kstr(w, "source", d->source);
    jw_kint(w, "position", d->position);
    jw_kint(w, "version", d->version);
    jw_end_obj(w);
}

static const char *const drills[] = {
    "", "cases_open", "cases_late", "cases_rework", "cases_rejected", "cases_low_rating"};

static int levels_ok(const char *s)
{
    char buf[64], *save = NULL;
    int n = 0;
    if (strlen(s) >= sizeof(buf))
        return 0;
    snprintf(buf, sizeof(buf), "%s", s);
    for (char *l = strtok_r(buf, ",", &save); l; l = strtok_r(NULL, ",", &save), n++)
        if (strcmp(l, "grid") != 0 && strcmp(l, "community") != 0 && strcmp(l, "town") != 0)
            return 0;
    return n > 0;
}

int indicator_put(struct db *db, struct arena *a, const char *code, json_t *def, int64_t user_id,
                  struct err *e)
{
    static const char *const keys[] = {"name",      "numerator", "denominator", "basis",
                                       "direction", "target",    "weight",      "levels",
                                       "drill",     "source",    "position"};
    const char *k;
    json_t *v;
    size_t ck = strlen(code);
    if (ck == 0 || ck > 40 || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != ck)
        return err_set(e, ERR_INVALID, "code", "指标代码为 1-40 个小写字母、数字或下划线");
    json_object_foreach(def, k, v)
    {
        int known = 0;
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
            known |= strcmp(k, keys[i]) == 0;
        if (!known)
            return err_set(e, ERR_INVALID, k, "未知字段 '%s'", k);
    }
    const char *name = json_string_value(json_object_get(def, "name"));
    const char *num = json_string_value(json_object_get(def, "numerator"));
    json_t *jden = json_object_get(def, "denominator");
    const char *den = jden ? json_string_value(jden) : "";
    const char *basis = json_string_value(json_object_get(def, "basis"));
    const char *dir = json_string_value(json_object_get(def, "direction"));
    json_t *jt = json_object_get(def, "target"), *jw = json_object_get(def, "weight");
    json_t *jl = json_object_get(def, "levels"), *jd = json_object_get(def, "drill");
    json_t *js = json_object_get(def, "source"), *jp = json_object_get(def, "position");
    int rc;
    if (name == NULL || *name == '\0' || strlen(name) > 120)
        return err_set(e, ERR_INVALID, "name", "指标名称必填，至多 40 个字");
    if (num == NULL)
        return err_set(e, ERR_INVALID, "numerator", "分子公式必填（字符串）");
    if (den == NULL)
        return err_set(e, ERR_INVALID, "denominator", "分母公式须为字符串（计数类指标为空串）");
    if ((rc = indicator_formula_check(num, "numerator", 0, e)) != ERR_OK ||
        (rc = indicator_formula_check(den, "denominator", 1, e)) != ERR_OK)
        return rc;
    if (basis == NULL || (strcmp(basis, "period") != 0 && strcmp(basis, "stock") != 0))
        return err_set(e, ERR_INVALID, "basis", "basis 为 period（当期）或 stock（期末存量）");
    if (dir == NULL || (strcmp(dir, "higher") != 0 && strcmp(dir, "lower") != 0))
        return err_set(e, ERR_INVALID, "direction", "direction 为 higher 或 lower");
    if (!json_is_number(jt) || json_number_value(jt) < 0 || json_number_value(jt) > 1e9 ||
        (*den != '\0' && json_number_value(jt) > 1))
        return err_set(e, ERR_INVALID, "target",
                       "目标值为非负数；比率类指标（有分母）的目标在 0 到 1 之间");
    if (!json_is_integer(jw) || json_integer_value(jw) < 0 || json_integer_value(jw) > 100)
        return err_set(e, ERR_INVALID, "weight", "权重为 0-100 的整数");
    const char *levels = jl ? json_string_value(jl) : "grid,community,town";
    if (levels == NULL || !levels_ok(levels))
        return err_set(e, ERR_INVALID, "levels",
                       "levels 为 grid、community、town 中的一个或多个，以逗号分隔");
    const char *drill = jd ? json_string_value(jd) : "";
    int dok = 0;
    for (size_t i = 0; drill && i < sizeof(drills) / sizeof(drills[0]); i++)
        dok |= strcmp(drill, drills[i]) == 0;
    if (!dok)
        return err_set(e, ERR_INVALID, "drill",
                       "drill 为空或 cases_open、cases_late、cases_rework、cases_rejected、"
                       "cases_low_rating 之一");
    const char *source = js ? json_string_value(js) : "";
    if (source == NULL || strlen(source) > 600)
        return err_set(e, ERR_INVALID, "source", "source（定义出处）为至多 200 字的字符串");
    if (jp != NULL &&
        (!json_is_integer(jp) || json_integer_value(jp) < 0 || json_integer_value(jp) > 1000))
        return err_set(e, ERR_INVALID, "position", "position 为 0-1000 的整数");
    int64_t pos = jp ? json_integer_value(jp) : 100, now = time(NULL);

    /* the previous definition, kept */
    struct indicator old[GOVINDEX_MAX_INDICATORS];
    int n;
    if ((rc = indicators_load(db, a, old, GOVINDEX_MAX_INDICATORS, &n, e)) != ERR_OK)
        return rc;
    int64_t version = 1;
    for (int i = 0; i < n; i++) {
        if (strcmp(old[i].code, code) != 0)
            continue;
        struct jsonw w;
        jw_init(&w, 1 << 16);
        indicator_write_json(&w, &old[i]);
        rc = db_exec(db, e,
                     "INSERT INTO indicator_versions (code, version, definition, replaced_at, "
                     "replaced_by) VALUES (?, ?, ?, ?, ?)",
                     DB_ARGS(DBS(code), DBI(old[i].version), DBS(w.b.data), DBI(now),
                             user_id ? DBI(user_id) : DBNULL));
        buf_free(&w.b);
        if (rc < 0)
            return rc;
        version = old[i].version + 1;
    }
    if (version == 1 && n >= GOVINDEX_MAX_INDICATORS)
        return err_set(e, ERR_CONFLICT, "code", "指标至多 %d 个", GOVINDEX_MAX_INDICATORS);
    rc = db_exec(
        db, e,
        version == 1 ? "INSERT INTO indicators (name, numerator, denominator, basis, direction, "
                       "target, weight, levels, drill, source, position, version, updated_at, "
                       "updated_by, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                     : "UPDATE indicators SET name = ?, numerator = ?, denominator = ?, basis = ?, "
                       "direction = ?, target = ?, weight = ?, levels = ?, drill = ?, source = ?, "
                       "position = ?, version = ?, updated_at = ?, updated_by = ? WHERE code = ?",
        DB_ARGS(DBS(name), DBS(num), DBS(den), DBS(basis), DBS(dir), DBR(json_number_value(jt)),
                DBI(json_integer_value(jw)), DBS(levels), DBS(drill), DBS(source), DBI(pos),
                DBI(version), DBI(now), user_id ? DBI(user_id) : DBNULL, DBS(code)));
    return rc < 0 ? rc : ERR_OK;
}

struct put_args {
    const char *code;
    json_t *def;
    int64_t user_id;
};

static int put_fn(struct db *db, void *arg, struct err *e)
{
    struct put_args *p = arg;
    struct arena a;
    arena_init(&a, 0);
    int rc = indicator_put(db, &a, p->code, p->def, p->user_id, e);
    arena_free(&a);
    return rc;
}

int indicator_save(struct store *s, const char *code, json_t *def, int64_t user_id, struct err *e)
{
    struct put_args p = {code, def, user_id};
    return store_write(s, put_fn, &p, e);
}

int indicator_versions_json(struct db *db, struct arena *a, const char *code, struct jsonw *w,
                            struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e,
                      "SELECT version, definition, replaced_at, replaced_by FROM "
                      "indicator_versions WHERE code = ? ORDER BY version DESC",
                      DB_ARGS(DBS(code)));
    if (rc != ERR_OK)
        return rc;
    jw_obj(w);
    jw_kstr(w, "code", code);
    jw_key(w, "items");
    jw_arr(w);
    for (int i = 0; i < r.nrows; i++) {
        char t[32];
        jw_obj(w);
        jw_kint(w, "version", dbrows_int(&r, i, 0));
        jw_key(w, "definition");
        jw_raw(w, dbrows_get(&r, i, 1));
        time_iso_cst((time_t)dbrows_int(&r, i, 2), t);
        jw_kstr(w, "replaced_at", t);
        if (dbrows_get(&r, i, 3))
            jw_kint(w, "replaced_by", dbrows_int(&r, i, 3));
        else
            jw_knull(w, "replaced_by");
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}

/* ---- counters ---- */

int govindex_counters_rebuild(struct db *db, struct arena *a, const char *from_month, int check,
                              int64_t *ndiff, struct err *e)
{
    static const char *const prefixes[] = {"case.", "reg.", "ledger.", "place.", "user.", NULL};
    struct counter_acc *acc = counter_acc_new();
    double t0 = cpu_seconds();
    int rc = case_counters_recount(db, acc, from_month, e);
    double t1 = cpu_seconds();
    if (rc == ERR_OK)
        rc = reg_counters_recount(db, a, acc, from_month, e);
    double t1r = cpu_seconds();
    if (rc == ERR_OK)
        rc = grid_counters_recount(db, a, acc, from_month, e);
    if (rc == ERR_OK)
        rc = ledger_counters_recount(db, a, acc, from_month, e);
    double t2 = cpu_seconds();
    *ndiff = 0;
    if (rc == ERR_OK)
        rc = check ? counters_compare(db, a, acc, prefixes, from_month, ndiff, e)
                   : counters_replace(db, a, acc, prefixes, from_month, ndiff, e);
    double t3 = cpu_seconds();
    /* the running totals against the (now equal) month rows */
    int64_t ntotals = 0;
    if (rc == ERR_OK && (rc = counters_totals_after(db, acc, !check, &ntotals, e)) == ERR_OK)
        *ndiff += ntotals;
    if (rc == ERR_OK && !check && *ndiff > 0)
        rc = index_epoch_bump(db, NULL, 0, e); /* every score */
    log_debug("counters rebuild (CPU): cases %.3f s, registries %.3f s, grids and ledgers %.3f "
              "s, compare%s %.3f s, totals %.3f s (%lld differ)",
              t1 - t0, t1r - t1, t2 - t1r, check ? "" : " and write", t3 - t2, cpu_seconds() - t3,
              (long long)ntotals);
    counter_acc_free(acc);
    return rc;
}

int govindex_counters_seed_fn(struct db *db, void *unused, struct err *e)
{
    struct arena a;
    struct dbrows r;
    int64_t n = 0;
    (void)unused;
    arena_init(&a, 0);
    int rc = db_query(db, &a, &r, e,
                      "SELECT count(*) FROM (SELECT 1 FROM counters_month LIMIT 1) x", DB_NOARGS);
    if (rc == ERR_OK && dbrows_int(&r, 0, 0) == 0) {
        rc = govindex_counters_rebuild(db, &a, NULL, 0, &n, e);
        if (rc == ERR_OK && n > 0)
            log_info("counters computed from the records: %lld rows", (long long)n);
    }
    arena_free(&a);
    return rc;
}

/* ---- values and scores ---- */

const char *govindex_grade(double score)
{
    return score >= 90 ? "A" : score >= 75 ? "B" : score >= 60 ? "C" : score >= 40 ? "D" : "E";
}

/* The indicators that apply at a level, parsed. */
struct model {
    struct indicator ind[GOVINDEX_MAX_INDICATORS];
    struct formula num[GOVINDEX_MAX_INDICATORS], den[GOVINDEX_MAX_INDICATORS];
    int n;
    /* the (basis, metric) pairs the formulas read */
    char metric[MAX_METRICS][COUNTER_METRIC_MAX];
    int stock[MAX_METRICS];
    int nmetrics;
};

static int level_has(const char *levels, const char *level)
{
    size_t n = strlen(level);
    for (const char *p = levels; (p = strstr(p, level)) != NULL; p += n)
        if ((p == levels || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
            return 1;
    return 0;
}

static int metric_slot(struct model *m, const char *metric, int stock)
{
    for (int i = 0; i < m->nmetrics; i++)
        if (m->stock[i] == stock && strcmp(m->metric[i], metric) == 0)
            return i;
    if (m->nmetrics == MAX_METRICS)
        return -1;
    snprintf(m->metric[m->nmetrics], COUNTER_METRIC_MAX, "%s", metric);
    m->stock[m->nmetrics] = stock;
    return m->nmetrics++;
}

static int model_load(struct db *db, struct arena *a, const char *level, struct model *m,
                      struct err *e)
{
    struct indicator all[GOVINDEX_MAX_INDICATORS];
    int n, rc = indicators_load(db, a, all, GOVINDEX_MAX_INDICATORS, &n, e);
    if (rc != ERR_OK)
        return rc;
    m->n = m->nmetrics = 0;
    for (int i = 0; i < n; i++) {
        char why[128];
        if (!level_has(all[i].levels, level) || all[i].weight <= 0)
            continue;
        int k = m->n;
        m->ind[k] = all[i];
        if (formula_parse(all[i].numerator, &m->num[k], why, sizeof(why)) != 0 ||
            formula_parse(all[i].denominator, &m->den[k], why, sizeof(why)) != 0)
            continue; /* checked when saved; a metric whose registry is gone drops out */
        int stock = strcmp(all[i].basis, "stock") == 0;
        struct formula *fs[2] = {&m->num[k], &m->den[k]};
        for (int f = 0; f < 2; f++)
            for (int t = 0; t < fs[f]->n; t++)
                if ((fs[f]->t[t].slot = metric_slot(m, fs[f]->t[t].metric, stock)) < 0)
                    return err_set(e, ERR_INTERNAL, NULL, "too many metrics in the indicators");
        m->n++;
    }
    return ERR_OK;
}

/* ---- periods ---- */

int govindex_period_parse(const char *s, struct govindex_period *out)
{
    size_t n = s ? strlen(s) : 0;
    memset(out, 0, sizeof(*out));
    if (n == 4 && strspn(s, "0123456789") == 4) {
        out->kind = 'Y';
        out->year = atoi(s);
    } else if (n == 7 && strspn(s, "0123456789") == 4 && s[4] == '-' && s[5] == 'Q' &&
               s[6] >= '1' && s[6] <= '4') {
        out->kind = 'Q';
        out->year = atoi(s);
        out->index = s[6] - '0';
    } else if (month_valid(s)) {
        out->kind = 'M';
        out->year = atoi(s);
        out->index = atoi(s + 5);
    } else {
        return -1;
    }
    if (out->year < 1970)
        return -1;
    govindex_period_step(out, 0, out);
    return 0;
}

void govindex_period_step(const struct govindex_period *p, int step, struct govindex_period *out)
{
    struct govindex_period r = *p;
    int per_year = p->kind == 'M' ? 12 : p->kind == 'Q' ? 4 : 1;
    int i = p->kind == 'Y' ? 0 : p->index - 1; /* 0-based within the year */
    int64_t k = (int64_t)p->year * per_year + i + step;
    r.year = (int)(k / per_year);
    r.index = (int)(k % per_year) + 1;
    unsigned y = (unsigned)r.year % 10000u;
    int m0 = p->kind == 'M' ? r.index : p->kind == 'Q' ? 3 * r.index - 2 : 1;
    int m1 = p->kind == 'M' ? r.index : p->kind == 'Q' ? 3 * r.index : 12;
    if (p->kind == 'Y')
        snprintf(r.label, sizeof(r.label), "%04u", y);
    else if (p->kind == 'Q')
        snprintf(r.label, sizeof(r.label), "%04u-Q%u", y, (unsigned)r.index % 10u);
    else
        snprintf(r.label, sizeof(r.label), "%04u-%02u", y, (unsigned)r.index % 100u);
    snprintf(r.first, sizeof(r.first), "%04u-%02u", y, (unsigned)m0 % 100u);
    snprintf(r.last, sizeof(r.last), "%04u-%02u", y, (unsigned)m1 % 100u);
    *out = r;
}

/* YYYY-MM of the month after month */
static void month_after(const char *month, char out[8])
{
    int y = atoi(month), mo = atoi(month + 5) + 1;
    if (mo > 12)
        mo = 1, y++;
    snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)mo % 100u);
}

static int period_arg(const char *s, struct govindex_period *p, struct err *e)
{
    if (govindex_period_parse(s, p) != 0)
        return err_set(e, ERR_INVALID, "period", GOVINDEX_PERIOD_WHY);
    return ERR_OK;
}

/* ---- reading a level ---- */

/* Places of one ranking and their metric values for the period (v) and the one before (pv). */
struct board {
    int nplaces;
    size_t stride; /* values per place: the model's metrics */
    const char **code, **name;
    int64_t *v, *pv; /* nplaces x stride each: the period and the one before */
};

static int code_cmp(const void *k, const void *el)
{
    return strcmp((const char *)k, *(const char *const *)el);
}

/* One metric's rows for a board: running totals (period NULL) and months, each added to its
 * place's value for the period and the one before (places not on the board are skipped). */
struct board_sum {
    struct board *b;
    const struct govindex_period *p;
    int k, stock;
    int at; /* the last place found, -1 none */
    int64_t *v, *pv;
};

static int board_row(const char *code, size_t len, const char *period, int64_t value, void *ctx)
{
    struct board_sum *bs = ctx;
    (void)len;
    if (bs->at < 0 || strcmp(code, bs->b->code[bs->at]) != 0) {
        /* rows come in code order within a month: most often the next place */
        int at = bs->at + 1;
        if (at >= bs->b->nplaces || strcmp(code, bs->b->code[at]) != 0) {
            const char **hit =
                bsearch(code, bs->b->code, (size_t)bs->b->nplaces, sizeof(*bs->b->code), code_cmp);
            if (hit == NULL)
                return ERR_OK;
            at = (int)(hit - bs->b->code);
        }
        size_t i = (size_t)at * bs->b->stride + (size_t)bs->k;
        bs->at = at;
        bs->v = &bs->b->v[i];
        bs->pv = &bs->b->pv[i];
    }
    int64_t *pv = bs->pv;
    if (bs->stock) {
        /* stock at the period's end = total - months after it; the one before also less the
         * period's own months */
        if (period == NULL)
            *bs->v += value, *pv += value;
        else if (strcmp(period, bs->p->last) > 0)
            *bs->v -= value, *pv -= value;
        else if (strcmp(period, bs->p->first) >= 0)
            *pv -= value;
    } else if (period != NULL) {
        if (strcmp(period, bs->p->first) >= 0)
            *bs->v += value;
        else
            *pv += value;
    }
    return ERR_OK;
}

/* Read every metric of the model for the places of board (all of code length depth) over
 * period p and the period before, in one pass per metric over the level's rows (the counters' index
 * has the level after the metric, 020): a flow metric's months of both periods; a stock's running
 * total less the months after the period before. */
static int board_fill(struct db *db, struct arena *a, const struct model *m, struct board *b,
                      size_t depth, const struct govindex_period *p, struct err *e)
{
    b->stride = (size_t)(m->nmetrics ? m->nmetrics : 1);
    size_t nv = (size_t)(b->nplaces ? b->nplaces : 1) * b->stride;
    b->v = arena_alloc(a, sizeof(int64_t) * nv); /* zeroed */
    b->pv = arena_alloc(a, sizeof(int64_t) * nv);
    struct govindex_period prev;
    govindex_period_step(p, -1, &prev);
    for (int k = 0; k < m->nmetrics; k++) {
        struct board_sum bs = {.b = b, .p = p, .k = k, .stock = m->stock[k], .at = -1};
        const char *from = m->stock[k] ? p->first : prev.first;
        int rc = counters_level_each(db, a, m->metric[k], depth, "", m->stock[k], from,
                                     m->stock[k] ? NULL : p->last, board_row, &bs, e);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

/* One place's counters: its running totals and its months from a given month on (the primary
 * key's range), enough for its values at any period from that month (a breakdown, its trend). */
struct series {
    int64_t total[MAX_METRICS];
    int n, cap;
    struct series_row {
        char period[8];
        int k;
        int64_t value;
    } * rows;
};

struct series_scan {
    struct arena *a;
    const struct model *m;
    struct series *s;
};

static int series_row(const struct dbrow *row, void *ctx, struct err *e)
{
    struct series_scan *ss = ctx;
    struct series *s = ss->s;
    const char *period = dbrow_text(row, 0, NULL), *metric = dbrow_text(row, 1, NULL);
    (void)e;
    if (period == NULL || metric == NULL)
        return ERR_OK;
    for (int k = 0; k < ss->m->nmetrics; k++) {
        if (strcmp(ss->m->metric[k], metric) != 0)
            continue;
        if (s->n == s->cap) {
            int cap = s->cap ? 2 * s->cap : 256;
            struct series_row *r = arena_alloc(ss->a, sizeof(*r) * (size_t)cap);
            if (s->n)
                memcpy(r, s->rows, sizeof(*r) * (size_t)s->n);
            s->rows = r, s->cap = cap;
        }
        struct series_row *r = &s->rows[s->n++];
        snprintf(r->period, sizeof(r->period), "%.7s", period);
        r->k = k;
        r->value = dbrow_int(row, 2);
    }
    return ERR_OK;
}

static int series_load(struct db *db, struct arena *a, const struct model *m, const char *place,
                       const char *from, struct series *s, struct err *e)
{
    memset(s, 0, sizeof(*s));
    for (int k = 0; k < m->nmetrics; k++) {
        struct dbrows r;
        int rc;
        if (!m->stock[k])
            continue;
        if ((rc = db_query(db, a, &r, e,
                           "SELECT value FROM counters_total WHERE metric = ? AND depth = ? AND "
                           "place_code = ?",
                           DB_ARGS(DBS(m->metric[k]), DBI((int64_t)strlen(place)), DBS(place)))) !=
            ERR_OK)
            return rc;
        s->total[k] = r.nrows ? dbrows_int(&r, 0, 0) : 0;
    }
    struct series_scan ss = {a, m, s};
    return db_each(db, e,
                   "SELECT period, metric, value FROM counters_month WHERE place_code = ? AND "
                   "period >= ?",
                   DB_ARGS(DBS(place), DBS(from)), series_row, &ss);
}

/* The place's values for period p (its first month not before the series' from). */
static void series_values(const struct model *m, const struct series *s,
                          const struct govindex_period *p, int64_t *v)
{
    for (int k = 0; k < m->nmetrics; k++)
        v[k] = m->stock[k] ? s->total[k] : 0;
    for (int i = 0; i < s->n; i++) {
        const struct series_row *r = &s->rows[i];
        if (m->stock[r->k] && strcmp(r->period, p->last) > 0)
            v[r->k] -= r->value;
        else if (!m->stock[r->k] && strcmp(r->period, p->first) >= 0 &&
                 strcmp(r->period, p->last) <= 0)
            v[r->k] += r->value;
    }
}

/* A formula of the model over a place's values (its terms' slots were found by model_load). */
static int64_t eval(const struct formula *f, const int64_t *v)
{
    int64_t s = 0;
    for (int t = 0; t < f->n; t++)
        s += f->t[t].factor * v[f->t[t].slot];
    return s;
}

struct ind_score {
    int applicable;
    int64_t num, den;
    double value, achievement;
};

/* Score of one place from its values; -1 (no data) when no indicator applies, or when every
 * value the model reads is zero: nothing recorded in the period or, for stocks, before it. */
static double score_of(const struct model *m, const int64_t *v, struct ind_score *out)
{
    double points = 0, weights = 0;
    int any = 0;
    for (int k = 0; k < m->nmetrics && !any; k++)
        any = v[k] != 0;
    for (int i = 0; i < m->n; i++) {
        const struct indicator *d = &m->ind[i];
        struct ind_score s = {0};
        int lower = strcmp(d->direction, "lower") == 0;
        s.num = eval(&m->num[i], v);
        if (m->den[i].n > 0) {
            s.den = eval(&m->den[i], v);
            s.applicable = s.den > 0;
            s.value = s.applicable ? (double)s.num / (double)s.den : 0;
        } else { /* a count: it applies wherever its target asks for something */
            s.den = 0;
            s.applicable = any;
            s.value = (double)s.num;
        }
        if (s.applicable) {
            if (!lower)
                s.achievement = d->target > 0 ? fmin(1.0, s.value / d->target) : 1.0;
            else if (s.value <= d->target)
                s.achievement = 1.0;
            else if (m->den[i].n > 0 && d->target < 1)
                s.achievement = fmax(0.0, (1.0 - s.value) / (1.0 - d->target));
            else
                s.achievement = d->target > 0 ? fmax(0.0, 2.0 - s.value / d->target) : 0.0;
            points += (double)d->weight * s.achievement;
            weights += (double)d->weight;
        }
        if (out != NULL)
            out[i] = s;
    }
    return weights > 0 ? 100.0 * points / weights : -1;
}

static const char *level_of_len(size_t n)
{
    return n == 9 ? "town" : n == 12 ? "community" : n == 15 ? "grid" : NULL;
}

static size_t len_of_level(const char *level)
{
    return strcmp(level, "town") == 0        ? 9
           : strcmp(level, "community") == 0 ? 12
           : strcmp(level, "grid") == 0      ? 15
                                             : 0;
}

static int rank_cmp(const void *x, const void *y)
{
    const struct place_score *a = x, *b = y;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1; /* best first; no data (-1) last */
    return strcmp(a->code, b->code);         /* ties: the lower code first */
}

/* Every place of level with its scores for period and the period before, ranked. */
static int board_scores(struct db *db, struct arena *a, const struct model *m, const char *level,
                        const struct govindex_period *p, struct place_score **out, int *n,
                        struct err *e)
{
    struct dbrows r;
    size_t len = len_of_level(level);
    double t0 = cpu_seconds();
    int rc = db_query(db, a, &r, e, "SELECT code, name FROM places WHERE level = ? ORDER BY code",
                      DB_ARGS(DBS(level)));
    if (rc != ERR_OK)
        return rc;
    struct board b = {.nplaces = r.nrows};
    b.code = arena_alloc(a, sizeof(char *) * (size_t)(r.nrows ? r.nrows : 1));
    b.name = arena_alloc(a, sizeof(char *) * (size_t)(r.nrows ? r.nrows : 1));
    for (int i = 0; i < r.nrows; i++) {
        b.code[i] = dbrows_get(&r, i, 0);
        b.name[i] = dbrows_get(&r, i, 1);
    }
    if ((rc = board_fill(db, a, m, &b, len, p, e)) != ERR_OK)
        return rc;
    *out = arena_alloc(a, sizeof(**out) * (size_t)(b.nplaces ? b.nplaces : 1));
    for (int i = 0; i < b.nplaces; i++) {
        (*out)[i].code = b.code[i];
        (*out)[i].name = b.name[i];
        (*out)[i].score = score_of(m, b.v + (size_t)i * b.stride, NULL);
        (*out)[i].previous = score_of(m, b.pv + (size_t)i * b.stride, NULL);
    }
    *n = b.nplaces;
    qsort(*out, (size_t)*n, sizeof(**out), rank_cmp);
    log_debug("index board %s %s: %d places, %d metrics, %.2f ms CPU", level, p->label, b.nplaces,
              m->nmetrics, (cpu_seconds() - t0) * 1000);
    return ERR_OK;
}

/* Bring a level's scores kept at an earlier epoch up to date: the places under the changes
 * logged since (index_changes) scored again from their own counters, the others kept, the
 * ranking merged again. *done 0 when more places changed than computing the level again would
 * cost, items untouched then: scoring one place reads its series, 45 us for a grid on the 1M
 * dataset against 7 us for its share of the level's board (3,000 grids: 1 place 0.3 ms, 150
 * places 7 ms, the whole level 17-21 ms). */
#define PATCH_SHARE 10
#define PATCH_MIN 4

static int place_code_cmp(const void *k, const void *el)
{
    return strcmp(*(const char *const *)k, *(const char *const *)el);
}

static int board_patch(struct db *db, struct arena *a, const struct model *m, const char *level,
                       const struct govindex_period *p, int64_t since, struct place_score *items,
                       int n, int *done, struct err *e)
{
    double t0 = cpu_seconds();
    size_t len = len_of_level(level);
    int max = n / PATCH_SHARE > PATCH_MIN ? n / PATCH_SHARE : PATCH_MIN;
    struct dbrows ch;
    *done = 0;
    int rc = index_changes_since(db, a, since, len, max, &ch, e);
    if (rc != ERR_OK || ch.nrows > max)
        return rc;
    const char **want = arena_alloc(a, sizeof(*want) * (size_t)(ch.nrows ? ch.nrows : 1));
    int nwant = ch.nrows;
    for (int i = 0; i < nwant; i++)
        want[i] = dbrows_get(&ch, i, 0);
    qsort(want, (size_t)nwant, sizeof(*want), place_code_cmp);
    struct govindex_period prev;
    govindex_period_step(p, -1, &prev);
    int64_t *v = arena_alloc(a, sizeof(int64_t) * (size_t)(m->nmetrics ? m->nmetrics : 1));
    /* rescored places to the end, the others keep their order */
    struct place_score *moved = arena_alloc(a, sizeof(*moved) * (size_t)(nwant ? nwant : 1));
    int nmoved = 0, k = 0;
    for (int i = 0; i < n && rc == ERR_OK; i++) {
        if (nwant == 0 ||
            bsearch(&items[i].code, want, (size_t)nwant, sizeof(*want), place_code_cmp) == NULL) {
            items[k++] = items[i];
            continue;
        }
        struct series sr;
        if ((rc = series_load(db, a, m, items[i].code, prev.first, &sr, e)) != ERR_OK)
            break;
        struct place_score ps = items[i];
        series_values(m, &sr, p, v);
        ps.score = score_of(m, v, NULL);
        series_values(m, &sr, &prev, v);
        ps.previous = score_of(m, v, NULL);
        moved[nmoved++] = ps;
    }
    if (rc != ERR_OK)
        return rc;
    /* merge the kept (still in rank order) with the rescored, sorted */
    qsort(moved, (size_t)nmoved, sizeof(*moved), rank_cmp);
    struct place_score *kept = arena_alloc(a, sizeof(*kept) * (size_t)(k ? k : 1));
    memcpy(kept, items, sizeof(*kept) * (size_t)k);
    for (int i = 0, j = 0, o = 0; o < n; o++)
        items[o] =
            j >= nmoved || (i < k && rank_cmp(&kept[i], &moved[j]) < 0) ? kept[i++] : moved[j++];
    *done = 1;
    log_debug("index board %s %s: %d of %d places scored again, %.2f ms CPU", level, p->label,
              nmoved, n, (cpu_seconds() - t0) * 1000);
    return ERR_OK;
}

/* The places of level under root ranked by their scores for period and the period before:
 * the whole level's, kept between requests while the index's epoch holds (govindex_cache.h)
 * and brought up to date from the epoch's change log when a few places changed, then those
 * under root (a total order: their ranks among themselves are the same). */
static int level_ranking(struct db *db, struct arena *a, const struct model *m, const char *root,
                         const char *level, const struct govindex_period *p,
                         struct place_score **out, int *n, struct err *e)
{
    struct index_epoch ep;
    int rc = index_epoch_read(db, a, &ep, e); /* before the scores: see govindex_cache.h */
    if (rc != ERR_OK)
        return rc;
    if (govindex_cache_get(ep.n, level, p->label, root, a, out, n)) {
        govindex_cache_count(GI_KEPT);
        return ERR_OK;
    }
    /* kept before this epoch, since the last change to every score and within the log */
    int64_t kept_at, from = ep.all_at > ep.logged_after ? ep.all_at : ep.logged_after;
    int done = 0;
    if (govindex_cache_latest(level, p->label, from, ep.n, a, &kept_at, out, n) &&
        (rc = board_patch(db, a, m, level, p, kept_at, *out, *n, &done, e)) != ERR_OK)
        return rc;
    if (!done && (rc = board_scores(db, a, m, level, p, out, n, e)) != ERR_OK)
        return rc;
    govindex_cache_count(done ? GI_UPDATED : GI_COMPUTED);
    govindex_cache_put(ep.n, level, p->label, *out, *n);
    size_t len = strlen(root);
    int k = 0;
    for (int i = 0; i < *n; i++)
        if (strncmp((*out)[i].code, root, len) == 0)
            (*out)[k++] = (*out)[i];
    *n = k;
    return ERR_OK;
}

static void write_score(struct jsonw *w, const char *key, double score)
{
    if (score < 0)
        jw_knull(w, key);
    else
        jw_kdec1(w, key, score);
}

int govindex_ranking(struct db *db, struct arena *a, const char *place, const char *level,
                     const char *period, int64_t offset, int64_t limit, struct jsonw *w,
                     struct err *e)
{
    struct model *m = arena_alloc(a, sizeof(*m));
    struct govindex_period p, prev;
    struct place_score *items;
    int n, rc;
    if ((rc = period_arg(period, &p, e)) != ERR_OK ||
        (rc = model_load(db, a, level, m, e)) != ERR_OK ||
        (rc = level_ranking(db, a, m, place, level, &p, &items, &n, e)) != ERR_OK)
        return rc;
    govindex_period_step(&p, -1, &prev);
    jw_obj(w);
    jw_kstr(w, "place", place);
    jw_kstr(w, "level", level);
    jw_kstr(w, "period", p.label);
    jw_kstr(w, "previous_period", prev.label);
    jw_kint(w, "total", n);
    jw_key(w, "items");
    jw_arr(w);
    int64_t end = limit > 0 && limit < (int64_t)n - offset ? offset + limit : n;
    for (int i = (int)(offset < n ? offset : n); i < end; i++) {
        jw_obj(w);
        jw_kint(w, "rank", i + 1);
        jw_kstr(w, "code", items[i].code);
        jw_kstr(w, "name", items[i].name);
        write_score(w, "score", items[i].score);
        if (items[i].score < 0)
            jw_knull(w, "grade");
        else
            jw_kstr(w, "grade", govindex_grade(items[i].score));
        write_score(w, "previous", items[i].previous);
        if (items[i].score >= 0 && items[i].previous >= 0) {
            jw_kdec1(w, "change", items[i].score - items[i].previous);
            jw_kbool(w, "warning", govindex_fell(items[i].score, items[i].previous));
        } else {
            jw_knull(w, "change");
            jw_kbool(w, "warning", 0);
        }
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}

int govindex_ranking_sheet(struct db *db, struct arena *a, const char *place, const char *level,
                           const char *period, struct sheet *out, struct err *e)
{
    static const char *const head[] = {"期间", "排名",     "代码", "名称", "得分",
                                       "等级", "上期得分", "变化", "预警"};
    struct model *m = arena_alloc(a, sizeof(*m));
    struct govindex_period p;
    struct place_score *items;
    int n, rc;
    if ((rc = period_arg(period, &p, e)) != ERR_OK ||
        (rc = model_load(db, a, level, m, e)) != ERR_OK ||
        (rc = level_ranking(db, a, m, place, level, &p, &items, &n, e)) != ERR_OK ||
        (rc = sheet_row(out, head, (int)ARRAY_LEN(head), 1, e)) != ERR_OK)
        return rc;
    for (int i = 0; i < n && rc == ERR_OK; i++) {
        const struct place_score *it = &items[i];
        int both = it->score >= 0 && it->previous >= 0;
        double change = both ? round((it->score - it->previous) * 10) / 10 : 0;
        const char *row[] = {
            p.label,
            arena_printf(a, "%d", i + 1),
            it->code,
            it->name,
            it->score >= 0 ? arena_printf(a, "%.1f", round(it->score * 10) / 10) : "",
            it->score >= 0 ? govindex_grade(it->score) : "",
            it->previous >= 0 ? arena_printf(a, "%.1f", round(it->previous * 10) / 10) : "",
            both ? arena_printf(a, "%.1f", change) : "",
            govindex_fell(it->score, it->previous) ? "是" : "否",
        };
        rc = sheet_row(out, row, (int)ARRAY_LEN(row), 0, e);
    }
    return rc;
}

int govindex_fell(double score, double previous)
{
    if (score < 0 || previous < 0)
        return 0; /* no data in one of the months */
    return round((score - previous) * 10) / 10 <= -GOVINDEX_WARN_DROP;
}

int govindex_falls(struct db *db, struct arena *a, const char *root, const char *level,
                   const char *period, struct govindex_fall **out, int *n, struct err *e)
{
    struct model *m = arena_alloc(a, sizeof(*m));
    struct govindex_period p;
    struct place_score *items;
    int nitems, rc;
    *n = 0;
    if ((rc = period_arg(period, &p, e)) != ERR_OK ||
        (rc = model_load(db, a, level, m, e)) != ERR_OK ||
        (rc = level_ranking(db, a, m, root, level, &p, &items, &nitems, e)) != ERR_OK)
        return rc;
    *out = arena_alloc(a, sizeof(**out) * (size_t)(nitems ? nitems : 1));
    for (int i = 0; i < nitems; i++) {
        if (!govindex_fell(items[i].score, items[i].previous))
            continue;
        struct govindex_fall *f = &(*out)[(*n)++];
        f->code = items[i].code;
        f->name = items[i].name;
        f->score = round(items[i].score * 10) / 10;
        f->previous = round(items[i].previous * 10) / 10;
        f->change = round((items[i].score - items[i].previous) * 10) / 10;
    }
    return ERR_OK;
}

/* The cases under place created in period that cost an indicator its points: the first twenty
 * found on cases_place alone (place, creation and the counted columns), one range of the
 * period per place under place (a town's 150 grids: its period's cases, not all its cases, nor
 * the district's period through cases_created), then those twenty read. A status compared
 * for equality is written `status || ''`: else SQLite without statistics (no ANALYZE) takes
 * cases_status and walks every closed case of the district (130 ms on 1M, against 1). */
static int drill_cases(struct db *db, struct arena *a, const char *drill, const char *place,
                       const struct govindex_period *p, struct jsonw *w, struct err *e)
{
    const char *cond =
        strcmp(drill, "cases_open") == 0 ? "status NOT IN ('closed', 'rejected', 'merged')"
        : strcmp(drill, "cases_late") == 0
            ? "status NOT IN ('rejected', 'merged') AND NOT (status = 'closed' "
              "AND on_time = 1)"
        : strcmp(drill, "cases_rework") == 0
            ? "rework_count > 0 AND status NOT IN ('rejected', 'merged')"
        : strcmp(drill, "cases_rejected") == 0 ? "status || '' IN ('rejected', 'merged')"
        : strcmp(drill, "cases_low_rating") == 0
            ? "status || '' = 'closed' AND rating IS NOT NULL AND rating < 4"
            : NULL;
    if (cond == NULL)
        return ERR_OK;
    char next[8];
    month_after(p->last, next);
    int64_t from = days_from_civil(atoi(p->first), (unsigned)atoi(p->first + 5), 1) * 86400 - 28800;
    int64_t to = days_from_civil(atoi(next), (unsigned)atoi(next + 5), 1) * 86400 - 28800;
    struct dbrows r;
    /* PostgreSQL's cases_place is in the "C" collation (002): the join must compare in it to
     * use that index, else it walks the month's cases by date (64 -> 0.6 ms for a grid) */
    const char *c = strcmp(db_backend(db), "postgres") == 0 ? " COLLATE \"C\"" : "";
    char *sql = arena_printf(
        a,
        "SELECT id, case_no, status, category_code, created_at, place_code FROM cases WHERE id "
        "IN (SELECT id FROM cases WHERE %s AND place_code%s IN (SELECT code%s FROM places WHERE "
        "code >= ? AND code < ?) AND created_at >= ? AND created_at < ? ORDER BY created_at, id "
        "LIMIT 20) ORDER BY created_at, id",
        cond, c, c);
    int rc = db_query(db, a, &r, e, sql,
                      DB_ARGS(DBS(place), DBS(arena_printf(a, "%s;", place)), DBI(from), DBI(to)));
    if (rc != ERR_OK)
        return rc;
    jw_key(w, "records");
    jw_arr(w);
    for (int i = 0; i < r.nrows; i++) {
        char t[32];
        jw_obj(w);
        jw_kint(w, "id", dbrows_int(&r, i, 0));
        jw_kstr(w, "case_no", dbrows_get(&r, i, 1));
        jw_kstr(w, "status", dbrows_get(&r, i, 2));
        jw_kstr(w, "category", dbrows_get(&r, i, 3));
        time_iso_cst((time_t)dbrows_int(&r, i, 4), t);
        jw_kstr(w, "created_at", t);
        jw_kstr(w, "place", dbrows_get(&r, i, 5));
        jw_kstr(w, "url", arena_printf(a, "/api/v1/cases/%s", dbrows_get(&r, i, 0)));
        jw_end_obj(w);
    }
    jw_end_arr(w);
    return ERR_OK;
}

#define TREND_PERIODS 6

int govindex_breakdown(struct db *db, struct arena *a, const char *place, const char *rank_root,
                       const char *period, struct jsonw *w, struct err *e)
{
    const char *level = level_of_len(strlen(place));
    if (level == NULL)
        return err_set(e, ERR_INVALID, "place", "指数按网格、社区（村）或镇街计算");
    struct place pl;
    struct govindex_period p, prev, oldest;
    struct model *m = arena_alloc(a, sizeof(*m));
    int rc;
    if ((rc = period_arg(period, &p, e)) != ERR_OK ||
        (rc = place_get(db, a, place, &pl, e)) != ERR_OK ||
        (rc = model_load(db, a, level, m, e)) != ERR_OK)
        return rc;
    govindex_period_step(&p, -1, &prev);
    govindex_period_step(&p, -(TREND_PERIODS - 1), &oldest);
    /* its values now, before and for the trend, from its own rows */
    struct series *sr = arena_alloc(a, sizeof(*sr));
    double t0 = cpu_seconds();
    if ((rc = series_load(db, a, m, place, oldest.first, sr, e)) != ERR_OK)
        return rc;
    int64_t v[MAX_METRICS], pv[MAX_METRICS];
    series_values(m, sr, &p, v);
    series_values(m, sr, &prev, pv);
    struct ind_score s[GOVINDEX_MAX_INDICATORS];
    double score = score_of(m, v, s), previous = score_of(m, pv, NULL);
    /* its rank among its level under rank_root (the level's kept scores) */
    struct place_score *items;
    int n, rank = 0;
    double t1 = cpu_seconds();
    if ((rc = level_ranking(db, a, m, rank_root, level, &p, &items, &n, e)) != ERR_OK)
        return rc;
    double t2 = cpu_seconds();
    for (int i = 0; i < n; i++)
        if (strcmp(items[i].code, place) == 0)
            rank = i + 1;
    double weights = 0;
    for (int i = 0; i < m->n; i++)
        if (s[i].applicable)
            weights += (double)m->ind[i].weight;

    jw_obj(w);
    jw_kstr(w, "place", place);
    jw_kstr(w, "name", pl.name);
    jw_kstr(w, "level", level);
    jw_kstr(w, "period", p.label);
    write_score(w, "score", score);
    if (score < 0)
        jw_knull(w, "grade");
    else
        jw_kstr(w, "grade", govindex_grade(score));
    jw_kstr(w, "previous_period", prev.label);
    write_score(w, "previous", previous);
    if (score >= 0 && previous >= 0)
        jw_kdec1(w, "change", score - previous);
    else
        jw_knull(w, "change");
    jw_kint(w, "rank", rank);
    jw_kint(w, "of", n);
    jw_kstr(w, "rank_among", rank_root);
    jw_key(w, "indicators");
    jw_arr(w);
    for (int i = 0; i < m->n; i++) {
        const struct indicator *d = &m->ind[i];
        double share = weights > 0 ? 100.0 * (double)d->weight / weights : 0;
        jw_obj(w);
        jw_kstr(w, "code", d->code);
        jw_kstr(w, "name", d->name);
        jw_kbool(w, "applicable", s[i].applicable);
        jw_kint(w, "numerator", s[i].num);
        if (m->den[i].n > 0)
            jw_kint(w, "denominator", s[i].den);
        else
            jw_knull(w, "denominator");
        if (s[i].applicable)
            jw_kreal(w, "value", round(s[i].value * 10000) / 10000);
        else
            jw_knull(w, "value");
        jw_kreal(w, "target", d->target);
        jw_kstr(w, "direction", d->direction);
        jw_kint(w, "weight", d->weight);
        jw_kdec1(w, "points", s[i].applicable ? share * s[i].achievement : 0);
        jw_kdec1(w, "points_lost", s[i].applicable ? share * (1 - s[i].achievement) : 0);
        jw_kstr(w, "source", d->source);
        if (s[i].applicable && s[i].achievement < 1 && *d->drill &&
            (rc = drill_cases(db, a, d->drill, place, &p, w, e)) != ERR_OK)
            return rc;
        jw_end_obj(w);
    }
    jw_end_arr(w);
    log_debug("index breakdown %s %s (CPU): own rows %.2f ms, rank %.2f ms, drill-down %.2f ms",
              place, p.label, (t1 - t0) * 1000, (t2 - t1) * 1000, (cpu_seconds() - t2) * 1000);
    /* the last six periods, oldest first */
    jw_key(w, "trend");
    jw_arr(w);
    for (int k = -(TREND_PERIODS - 1); k <= 0; k++) {
        struct govindex_period t;
        int64_t tv[MAX_METRICS];
        govindex_period_step(&p, k, &t);
        series_values(m, sr, &t, tv);
        double sc = score_of(m, tv, NULL);
        jw_obj(w);
        jw_kstr(w, "period", t.label);
        write_score(w, "score", sc);
        if (sc < 0)
            jw_knull(w, "grade");
        else
            jw_kstr(w, "grade", govindex_grade(sc));
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}
