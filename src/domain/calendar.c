/* calendar.c - the working-day calendar: the weekday rule with holiday and make-up-day
 * exceptions from calendar_days, deadlines in working days or working hours, the State Council
 * seed data, and a process-wide snapshot cache. Dates use integer civil-day arithmetic
 * (days_from_civil); local time is UTC+8 throughout, so no timezone database is needed. */
#include "domain/calendar.h"
#include "core/util.h"
#include "core/embed.h"
#include "core/json.h"
#include "core/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAL_UTC_OFFSET (8 * 3600) /* Asia/Shanghai, no daylight saving time */
#define DAY_SECONDS 86400
#define CACHE_SECONDS 60
#define SEED_ASSET "data/calendar/cn-holidays.csv"
#define SEED_SOURCE "state-council"

/* ---- civil dates ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dim[m - 1];
}

int64_t calendar_days_from_ymd(int ymd)
{
    return days_from_civil(ymd / 10000, (unsigned)(ymd / 100 % 100), (unsigned)(ymd % 100));
}

int calendar_ymd_from_days(int64_t days)
{
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    return (int)(y * 10000 + m * 100 + d);
}

/* 0 = Sunday .. 6 = Saturday; 1970-01-01 was a Thursday. */
static int weekday(int64_t days)
{
    return (int)(days + 4 - floor_div(days + 4, 7) * 7);
}

/* Read exactly n digits at *p; -1 if any is missing. */
static int digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    return v;
}

/* "YYYY-MM-DD" at *p, advancing past it; 0 on failure. */
static int date_at(const char **p)
{
    const char *s = *p;
    int y = digits(&s, 4);
    if (y < 0 || *s++ != '-')
        return 0;
    int m = digits(&s, 2);
    if (m < 1 || m > 12 || *s++ != '-')
        return 0;
    int d = digits(&s, 2);
    if (d < 1 || d > days_in_month(y, m) || y < CAL_YEAR_MIN || y > CAL_YEAR_MAX)
        return 0;
    *p = s;
    return y * 10000 + m * 100 + d;
}

int calendar_date_parse(const char *s, int *ymd, const char *field, struct err *e)
{
    const char *p = s;
    int v = s != NULL ? date_at(&p) : 0;
    if (v == 0 || *p != '\0')
        return err_set(e, ERR_INVALID, field, "'%s' must be a date YYYY-MM-DD (years %d-%d)", field,
                       CAL_YEAR_MIN, CAL_YEAR_MAX);
    *ymd = v;
    return ERR_OK;
}

/* ---- SLA ---- */

int sla_parse(const char *s, struct sla *out, const char *field, struct err *e)
{
    int v = 0, n = 0;
    if (s != NULL && s[0] != '0') {
        while (n < 4 && s[n] >= '0' && s[n] <= '9')
            v = v * 10 + (s[n++] - '0');
    }
    if (n > 0 && ((s[n] == 'h' && v <= 720) || (s[n] == 'd' && v <= 365)) && s[n + 1] == '\0') {
        out->amount = v;
        out->unit = s[n];
        return ERR_OK;
    }
    /* calendar days ("两周内" = 14cd, "15天内" = 15cd) */
    if (n > 0 && v <= 365 && strcmp(s + n, "cd") == 0) {
        out->amount = v;
        out->unit = 'c';
        return ERR_OK;
    }
    return err_set(e, ERR_INVALID, field,
                   "'%s' must be working hours 1h-720h, working days 1d-365d or calendar days "
                   "1cd-365cd",
                   field);
}

/* ---- the calendar ---- */

static int cal_day_cmp(const void *a, const void *b)
{
    const struct cal_day *x = a, *y = b;
    return (x->ymd > y->ymd) - (x->ymd < y->ymd);
}

int calendar_load(struct db *db, struct calendar *cal, struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc = db_query(db, &a, &r, e, "SELECT day, kind FROM calendar_days ORDER BY day", DB_NOARGS);
    if (rc == ERR_OK) {
        struct cal_day *days = xmalloc(sizeof(*days) * (size_t)(r.nrows ? r.nrows : 1));
        int n = 0;
        for (int i = 0; i < r.nrows; i++) {
            const char *day = dbrows_get(&r, i, 0), *kind = dbrows_get(&r, i, 1), *p = day;
            int ymd = day != NULL ? date_at(&p) : 0;
            if (ymd == 0 || *p != '\0' || kind == NULL ||
                (strcmp(kind, "holiday") != 0 && strcmp(kind, "workday") != 0)) {
                log_warn("calendar: ignoring calendar_days row '%s' '%s'", day ? day : "",
                         kind ? kind : "");
                continue;
            }
            days[n].ymd = ymd;
            days[n].kind = kind[0] == 'h' ? 'h' : 'w';
            n++;
        }
        qsort(days, (size_t)n, sizeof(*days), cal_day_cmp);
        free(cal->days);
        cal->days = days;
        cal->ndays = n;
    }
    arena_free(&a);
    return rc;
}

void calendar_free(struct calendar *cal)
{
    free(cal->days);
    cal->days = NULL;
    cal->ndays = 0;
}

static int is_workday_days(const struct calendar *cal, int64_t days)
{
    if (cal != NULL && cal->ndays > 0) {
        struct cal_day key = {.ymd = calendar_ymd_from_days(days)};
        const struct cal_day *x =
            bsearch(&key, cal->days, (size_t)cal->ndays, sizeof(key), cal_day_cmp);
        if (x != NULL)
            return x->kind == 'w';
    }
    int wd = weekday(days);
    return wd >= 1 && wd <= 5;
}

int calendar_is_workday(const struct calendar *cal, int ymd)
{
    return is_workday_days(cal, calendar_days_from_ymd(ymd));
}

int64_t calendar_due(const struct calendar *cal, int64_t start, struct sla sla)
{
    int64_t local = start + CAL_UTC_OFFSET;
    int64_t day = floor_div(local, DAY_SECONDS);
    if (sla.unit == 'c') /* the end of the Nth calendar day after the start's local date */
        return (day + sla.amount + 1) * DAY_SECONDS - CAL_UTC_OFFSET;
    if (sla.unit == 'd') {
        /* the end of the Nth working day strictly after the start's local date */
        for (int left = sla.amount; left > 0;) {
            day++;
            if (is_workday_days(cal, day))
                left--;
        }
        return (day + 1) * DAY_SECONDS - CAL_UTC_OFFSET;
    }
    /* working hours: consume the 09:00-17:00 periods of working days from the start on */
    int64_t left = (int64_t)sla.amount * 3600;
    for (;; day++, local = day * DAY_SECONDS) {
        if (!is_workday_days(cal, day))
            continue;
        int64_t open = day * DAY_SECONDS + CAL_DAY_START_MIN * 60;
        int64_t close = day * DAY_SECONDS + CAL_DAY_END_MIN * 60;
        int64_t from = local > open ? local : open;
        if (from >= close)
            continue;
        if (left <= close - from)
            return from + left - CAL_UTC_OFFSET;
        left -= close - from;
    }
}

int64_t calendar_extend(const struct calendar *cal, int64_t due, struct sla sla)
{
    /* 00:00 local is the end of the previous day: count from that day */
    if ((sla.unit == 'd' || sla.unit == 'c') &&
        floor_div(due + CAL_UTC_OFFSET, DAY_SECONDS) * DAY_SECONDS == due + CAL_UTC_OFFSET)
        due--;
    return calendar_due(cal, due, sla);
}

int calendar_due_date(int64_t due, char out[16])
{
    int64_t local = due + CAL_UTC_OFFSET;
    if (due <= 0 || floor_div(local, DAY_SECONDS) * DAY_SECONDS != local)
        return 0;
    int ymd = calendar_ymd_from_days(floor_div(local, DAY_SECONDS) - 1);
    snprintf(out, 16, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
    return 1;
}

int64_t calendar_working_seconds(const struct calendar *cal, int64_t from, int64_t to)
{
    if (to <= from)
        return 0;
    int64_t lf = from + CAL_UTC_OFFSET, lt = to + CAL_UTC_OFFSET, sum = 0;
    for (int64_t day = floor_div(lf, DAY_SECONDS); day <= floor_div(lt, DAY_SECONDS); day++) {
        if (!is_workday_days(cal, day))
            continue;
        int64_t open = day * DAY_SECONDS + CAL_DAY_START_MIN * 60;
        int64_t close = day * DAY_SECONDS + CAL_DAY_END_MIN * 60;
        int64_t a = lf > open ? lf : open, b = lt < close ? lt : close;
        if (b > a)
            sum += b - a;
    }
    return sum;
}

/* ---- the shipped State Council data ---- */

/* Split one CSV line "date,kind,name" (no quoting in the shipped file) into its fields. */
static int seed_line(const char *line, size_t len, char *date, char *kind, char *name)
{
    const char *c1 = memchr(line, ',', len);
    const char *c2 = c1 ? memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - line)) : NULL;
    if (c2 == NULL || c1 - line != 10 || c2 - c1 - 1 > 15 || line + len - c2 - 1 > 160)
        return -1;
    memcpy(date, line, 10);
    date[10] = '\0';
    memcpy(kind, c1 + 1, (size_t)(c2 - c1 - 1));
    kind[c2 - c1 - 1] = '\0';
    memcpy(name, c2 + 1, (size_t)(line + len - c2 - 1));
    name[line + len - c2 - 1] = '\0';
    return 0;
}

/* Store every line of a calendar CSV (date,kind,name with an optional header): the shipped
 * data only into an empty table (replace 0), an imported notice over what is there (replace 1). */
static int csv_store(struct db *db, const char *data, size_t size, const char *what,
                     const char *source, int replace, int *added, struct err *e)
{
    const char *p = data, *end = data + size;
    int rc = ERR_OK;
    *added = 0;
    if (size >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) /* a BOM, as Excel writes */
        p += 3;
    for (int lineno = 1; p < end; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        const char *line = p;
        p = nl ? nl + 1 : end;
        while (len > 0 && line[len - 1] == '\r')
            len--;
        if (len == 0 || (lineno == 1 && strncmp(line, "date,", 5) == 0))
            continue;
        char date[11], kind[16], name[161];
        int ymd;
        struct err ignored = {0};
        if (seed_line(line, len, date, kind, name) != 0 ||
            calendar_date_parse(date, &ymd, "day", &ignored) != ERR_OK ||
            (strcmp(kind, "holiday") != 0 && strcmp(kind, "workday") != 0) ||
            utf8_chars(name) < 0 || utf8_chars(name) > 40)
            return err_set(e, replace ? ERR_INVALID : ERR_INTERNAL, "line",
                           "%s line %d is not date,kind,name (YYYY-MM-DD, holiday or workday, a "
                           "name of at most 40 characters)",
                           what, lineno);
        rc = db_exec(db, e,
                     replace ? "INSERT INTO calendar_days (day, kind, name, source) VALUES (?, ?, "
                               "?, ?) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name "
                               "= excluded.name, source = excluded.source"
                             : "INSERT INTO calendar_days (day, kind, name, source) VALUES (?, ?, "
                               "?, ?)",
                     DB_ARGS(DBS(date), DBS(kind), DBS(name), DBS(source)));
        if (rc < 0)
            return rc;
        rc = ERR_OK;
        (*added)++;
    }
    return rc;
}

int calendar_seed(struct db *db, int *added, struct err *e)
{
    const struct embedded_file *f = asset_find(SEED_ASSET);
    struct arena a;
    struct dbrows r;
    int rc;

    *added = 0;
    if (f == NULL)
        return err_set(e, ERR_INTERNAL, NULL, "%s is not embedded", SEED_ASSET);
    arena_init(&a, 0);
    rc = db_query(db, &a, &r, e, "SELECT COUNT(*) FROM calendar_days", DB_NOARGS);
    if (rc == ERR_OK && dbrows_int(&r, 0, 0) == 0)
        rc = csv_store(db, f->data, f->len, SEED_ASSET, SEED_SOURCE, 0, added, e);
    if (rc != ERR_OK)
        *added = 0;
    arena_free(&a);
    return rc;
}

struct import_ctx {
    const char *data, *what;
    size_t len;
    int added;
};

static int import_fn(struct db *db, void *arg, struct err *e)
{
    struct import_ctx *c = arg;
    return csv_store(db, c->data, c->len, c->what, "import", 1, &c->added, e);
}

int calendar_import(struct store *s, const char *data, size_t len, const char *what, int *days,
                    struct err *e)
{
    struct import_ctx c = {.data = data, .what = what, .len = len};
    int rc = store_write(s, import_fn, &c, e);
    if (rc == ERR_OK) {
        *days = c.added;
        calendar_invalidate();
    }
    return rc;
}

int calendar_horizon(struct db *db, int64_t now, struct cal_horizon *out, struct err *e)
{
    struct arena a;
    struct dbrows r;
    memset(out, 0, sizeof(*out));
    arena_init(&a, 0);
    int rc = db_query(db, &a, &r, e, "SELECT max(day) FROM calendar_days", DB_NOARGS);
    if (rc == ERR_OK) {
        const char *last = dbrows_get(&r, 0, 0);
        int64_t today = floor_div(now + CAL_UTC_OFFSET, DAY_SECONDS);
        /* a year with any day in the calendar counts as covered to its end */
        int year = last != NULL && strlen(last) >= 4 ? atoi(last) : 0;
        if (year > 0) {
            snprintf(out->covered_through, sizeof(out->covered_through), "%04d-12-31", year);
            out->days_left = calendar_days_from_ymd(year * 10000 + 1231) - today;
        } else {
            out->days_left = -1;
        }
        out->ok = out->days_left >= CAL_HORIZON_DAYS;
    }
    arena_free(&a);
    return rc;
}

/* ---- the process-wide snapshot ---- */

struct snapshot {
    struct calendar cal;
    struct snapshot *next; /* retired snapshots, kept until calendar_cache_free */
};

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot *cache_cur, *cache_retired;
static int64_t cache_loaded_at; /* monotonic seconds */
static int cache_stale;

static int same_days(const struct calendar *a, const struct calendar *b)
{
    return a->ndays == b->ndays &&
           (a->ndays == 0 || memcmp(a->days, b->days, sizeof(*a->days) * (size_t)a->ndays) == 0);
}

const struct calendar *calendar_cached(struct db *db, struct err *e)
{
    const struct calendar *out;
    int64_t now = (int64_t)time_mono();

    pthread_mutex_lock(&cache_mu);
    if (cache_cur != NULL && !cache_stale && now - cache_loaded_at < CACHE_SECONDS) {
        out = &cache_cur->cal;
        goto out;
    }
    struct snapshot *s = xcalloc(1, sizeof(*s));
    if (calendar_load(db, &s->cal, e) != ERR_OK) {
        free(s);
        if (cache_cur != NULL)
            log_warn("calendar: reload failed, keeping the old one: %s", e->msg);
        out = cache_cur != NULL ? &cache_cur->cal : NULL;
        goto out;
    }
    if (cache_cur != NULL && same_days(&cache_cur->cal, &s->cal)) {
        /* unchanged: keep the current snapshot so retired ones only pile up on real edits */
        calendar_free(&s->cal);
        free(s);
    } else {
        if (cache_cur != NULL) {
            cache_cur->next = cache_retired;
            cache_retired = cache_cur;
        }
        cache_cur = s;
    }
    cache_loaded_at = now;
    cache_stale = 0;
    out = &cache_cur->cal;
out:
    pthread_mutex_unlock(&cache_mu);
    return out;
}

void calendar_invalidate(void)
{
    pthread_mutex_lock(&cache_mu);
    cache_stale = 1;
    pthread_mutex_unlock(&cache_mu);
}

void calendar_cache_free(void)
{
    pthread_mutex_lock(&cache_mu);
    if (cache_cur != NULL) {
        cache_cur->next = cache_retired;
        cache_retired = cache_cur;
        cache_cur = NULL;
    }
    while (cache_retired != NULL) {
        struct snapshot *s = cache_retired;
        cache_retired = s->next;
        calendar_free(&s->cal);
        free(s);
    }
    cache_stale = 0;
    pthread_mutex_unlock(&cache_mu);
}

/* ---- the calendar as the API reads and edits it ---- */

int calendar_year_json(struct db *db, struct arena *a, int year, json_t **out, struct err *e)
{
    struct dbrows r;
    char from[16], to[16];
    snprintf(from, sizeof(from), "%04d-01-01", year);
    snprintf(to, sizeof(to), "%04d-12-31", year);
    *out = NULL;
    int rc = db_query(db, a, &r, e,
                      "SELECT day, kind, name, source FROM calendar_days WHERE day >= ? AND "
                      "day <= ? ORDER BY day",
                      DB_ARGS(DBS(from), DBS(to)));
    if (rc != ERR_OK)
        return rc;
    /* count working days on exactly the rows shown, not on the cached snapshot */
    struct calendar cal = {arena_alloc(a, sizeof(struct cal_day) * (size_t)(r.nrows + 1)), 0};
    json_t *items = json_array();
    for (int i = 0; i < r.nrows; i++) {
        const char *kind = dbrows_get(&r, i, 1);
        int ymd;
        struct err ignored = {0};
        if (calendar_date_parse(dbrows_get(&r, i, 0), &ymd, "day", &ignored) == ERR_OK) {
            cal.days[cal.ndays].ymd = ymd;
            cal.days[cal.ndays++].kind = strcmp(kind, "holiday") == 0 ? 'h' : 'w';
        }
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}", "day", dbrows_get(&r, i, 0),
                                               "kind", kind, "name", dbrows_get(&r, i, 2), "source",
                                               dbrows_get(&r, i, 3)));
    }
    int64_t first = calendar_days_from_ymd(year * 10000 + 101);
    int64_t last = calendar_days_from_ymd(year * 10000 + 1231);
    int workdays = 0;
    for (int64_t d = first; d <= last; d++)
        workdays += calendar_is_workday(&cal, calendar_ymd_from_days(d));
    *out = json_pack("{s:i, s:i, s:i, s:o}", "year", year, "days", (int)(last - first + 1),
                     "workdays", workdays, "items", items);
    return ERR_OK;
}

struct day_write {
    const char *day, *kind, *name;
    int created;
};

static int day_put_fn(struct db *db, void *arg, struct err *e)
{
    struct day_write *w = arg;
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc =
        db_query(db, &a, &r, e, "SELECT 1 FROM calendar_days WHERE day = ?", DB_ARGS(DBS(w->day)));
    if (rc == ERR_OK) {
        w->created = r.nrows == 0;
        rc = db_exec(db, e,
                     "INSERT INTO calendar_days (day, kind, name, source) VALUES (?, ?, ?, "
                     "'admin') ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = "
                     "excluded.name, source = 'admin'",
                     DB_ARGS(DBS(w->day), DBS(w->kind), DBS(w->name)));
        if (rc > 0)
            rc = ERR_OK;
    }
    arena_free(&a);
    return rc;
}

int calendar_day_put(struct store *s, const char *day, const char *kind, const char *name,
                     int *created, struct err *e)
{
    struct day_write w = {.day = day, .kind = kind, .name = name ? name : ""};
    int ymd;
    if (calendar_date_parse(day, &ymd, "day", e) != ERR_OK)
        return e->code;
    if (strcmp(kind, "holiday") != 0 && strcmp(kind, "workday") != 0)
        return err_set(e, ERR_INVALID, "kind", "'kind' must be 'holiday' or 'workday'");
    int rc = store_write(s, day_put_fn, &w, e);
    if (rc != ERR_OK)
        return rc;
    calendar_invalidate();
    *created = w.created;
    return ERR_OK;
}

static int day_delete_fn(struct db *db, void *arg, struct err *e)
{
    const char *day = arg;
    int rc = db_exec(db, e, "DELETE FROM calendar_days WHERE day = ?", DB_ARGS(DBS(day)));
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "day", "no calendar exception on %s", day);
    return rc < 0 ? rc : ERR_OK;
}

int calendar_day_delete(struct store *s, const char *day, struct err *e)
{
    int ymd;
    if (calendar_date_parse(day, &ymd, "day", e) != ERR_OK)
        return e->code;
    int rc = store_write(s, day_delete_fn, (void *)day, e);
    if (rc == ERR_OK)
        calendar_invalidate();
    return rc;
}
