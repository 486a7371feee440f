/* counter_acc.c - counters recomputed in memory for `gridgov index rebuild` (counters.h), and
 * compared with or written over the kept ones.
 *
 * A million cases make about eight million facts. Each is added under a 64-bit key of integers
 * (table, place, period, metric): places and metric names are interned once, periods are month
 * and day numbers. Additions go to a cache of 2^18 sums (4 MB, four ways to a set); a sum that
 * loses its slot to another key is appended to a log. Records come roughly in time order, so a key
 * is hot for a while and leaves the cache about once: the log holds each key a few times, not each
 * fact. At the end the leaf sums are rolled up to every ancestor (once per leaf key, through the
 * same cache), the keys are renumbered so that their integer order is the kept tables' key order
 * (place code, period, metric as byte strings), radix-sorted and summed. The kept rows, read in
 * one pass per table, are matched to that sorted array (the next entry, else a binary search), and
 * the differences come out in key order with no further sorting. */
#include "core/log.h"
#include "core/util.h"
#include "domain/counters.h"
#include "domain/counters_int.h"
#include "domain/place.h"
#include "store/sqlq.h"

#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* CPU time of the process, for the debug timings (wall time lies on a shared machine). */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define CST_OFFSET 28800 /* Asia/Shanghai, UTC+8 */

/* key: table (1 bit) | place (22) | period (20) | metric (21) */
#define PLACE_BITS 22
#define PERIOD_BITS 20
#define METRIC_BITS 21
#define KEY(t, p, per, m)                                                                          \
    (((uint64_t)(t) << 63) | ((uint64_t)(p) << (PERIOD_BITS + METRIC_BITS)) |                      \
     ((uint64_t)(per) << METRIC_BITS) | (uint64_t)(m))
#define KEY_TABLE(k) ((int)((k) >> 63))
#define KEY_PLACE(k) ((uint32_t)(((k) >> (PERIOD_BITS + METRIC_BITS)) & ((1u << PLACE_BITS) - 1)))
#define KEY_PERIOD(k) ((uint32_t)(((k) >> METRIC_BITS) & ((1u << PERIOD_BITS) - 1)))
#define KEY_METRIC(k) ((uint32_t)((k) & ((1u << METRIC_BITS) - 1)))
#define KEY_EMPTY UINT64_MAX /* place 2^22-1 is never given out */

#define HOT_BITS 16 /* 1 MB */

struct ent {
    uint64_t key;
    int64_t value;
};

/* The large arrays (tens of MB for a million cases) in 2 MB pages where the kernel allows: a
 * first touch of a 4 KB page costs about 17 us on the development VM, which made page faults a
 * third of the rebuild. */
#define HUGE_PAGE ((size_t)2 << 20)

static void *huge_alloc(size_t n)
{
    size_t size = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    void *p = aligned_alloc(HUGE_PAGE, size ? size : HUGE_PAGE);
    if (p == NULL)
        p = xmalloc(n ? n : 1);
    else
        (void)madvise(p, size, MADV_HUGEPAGE);
    return p;
}

struct ents {
    struct ent *v;
    size_t n, cap;
};

static void ents_reserve(struct ents *a, size_t cap)
{
    if (cap <= a->cap)
        return;
    struct ent *v = huge_alloc(cap * sizeof(*v));
    if (a->n)
        memcpy(v, a->v, a->n * sizeof(*v));
    free(a->v);
    a->v = v;
    a->cap = cap;
}

static void ents_push(struct ents *a, uint64_t key, int64_t value)
{
    if (a->n == a->cap)
        ents_reserve(a, a->cap ? a->cap * 2 : 131072);
    a->v[a->n++] = (struct ent){key, value};
}

/* Interned strings: ids in order of first sight, an open-addressing index over them. */
struct names {
    char **s;
    uint32_t *hash, *len;
    size_t n, cap;
    int32_t *slot; /* id, or -1 */
    size_t nslot;
};

static uint32_t str_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return (uint32_t)(h ^ (h >> 32));
}

static void names_grow(struct names *t)
{
    size_t nslot = t->nslot ? t->nslot * 2 : 1024;
    int32_t *slot = xmalloc(nslot * sizeof(*slot));
    memset(slot, 0xff, nslot * sizeof(*slot));
    for (size_t id = 0; id < t->n; id++) {
        size_t j = t->hash[id] & (nslot - 1);
        while (slot[j] >= 0)
            j = (j + 1) & (nslot - 1);
        slot[j] = (int32_t)id;
    }
    free(t->slot);
    t->slot = slot;
    t->nslot = nslot;
}

/* The id of s[0..len), or -1 when absent and !create (or when the ids run out). */
static int32_t names_id(struct names *t, const char *s, size_t len, int create, size_t max)
{
    uint32_t h = str_hash(s, len);
    if (t->nslot) {
        for (size_t j = h & (t->nslot - 1); t->slot[j] >= 0; j = (j + 1) & (t->nslot - 1)) {
            int32_t id = t->slot[j];
            if (t->hash[id] == h && t->len[id] == len && memcmp(t->s[id], s, len) == 0)
                return id;
        }
    }
    if (!create || t->n >= max)
        return -1;
    if ((t->n + 1) * 2 > t->nslot)
        names_grow(t);
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->s = xrealloc(t->s, t->cap * sizeof(*t->s));
        t->hash = xrealloc(t->hash, t->cap * sizeof(*t->hash));
        t->len = xrealloc(t->len, t->cap * sizeof(*t->len));
    }
    char *copy = xmalloc(len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    int32_t id = (int32_t)t->n++;
    t->s[id] = copy;
    t->hash[id] = h;
    t->len[id] = (uint32_t)len;
    size_t j = h & (t->nslot - 1);
    while (t->slot[j] >= 0)
        j = (j + 1) & (t->nslot - 1);
    t->slot[j] = id;
    return id;
}

static void names_free(struct names *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
    free(t->hash);
    free(t->len);
    free(t->slot);
}

/* The ranks of the ids in byte order of their strings. */
static const struct names *sort_names;
static int rank_cmp(const void *x, const void *y)
{
    return strcmp(sort_names->s[*(const uint32_t *)x], sort_names->s[*(const uint32_t *)y]);
}

static uint32_t *names_ranks(const struct names *t, uint32_t **by_rank)
{
    uint32_t *ids = xmalloc((t->n ? t->n : 1) * sizeof(*ids));
    uint32_t *rank = xmalloc((t->n ? t->n : 1) * sizeof(*rank));
    for (size_t i = 0; i < t->n; i++)
        ids[i] = (uint32_t)i;
    sort_names = t;
    qsort(ids, t->n, sizeof(*ids), rank_cmp);
    for (size_t r = 0; r < t->n; r++)
        rank[ids[r]] = (uint32_t)r;
    *by_rank = ids;
    return rank;
}

struct counter_acc {
    struct names places, metrics;
    int32_t *parent; /* per place id: its parent's id, -1 for the district */
    size_t nparent;
    struct ent *hot; /* 2^hot_bits slots */
    int hot_bits;
    unsigned hand;
    struct ents log;   /* leaf sums evicted from hot (ids) */
    struct ents *sink; /* where evictions go: the log, or the roll-up's output */
    int64_t last_day, last_month;
    char last_place[32]; /* counter_acc_place's last code and its id: records come in runs */
    int32_t last_pid;
    /* the result: sorted, summed, keyed by ranks; valid while !dirty */
    int dirty;
    struct ents res;
    uint32_t *place_rank, *metric_rank;       /* id -> rank */
    uint32_t *place_by_rank, *metric_by_rank; /* rank -> id */
    /* the last compare or replace over every month (counters_totals_after): the kept value of
     * each result entry, the kept rows with none, which metrics (by rank) it covered */
    struct {
        int valid, write;
        const char *const *prefixes;
        int64_t *kept;
        char *in_prefix;
        struct extra *extra;
        size_t nextra;
    } last;
};

struct counter_acc *counter_acc_new_sized(int hot_bits)
{
    struct counter_acc *acc = xcalloc(1, sizeof(*acc));
    acc->hot_bits = hot_bits < 2 ? 2 : hot_bits > 24 ? 24 : hot_bits;
    acc->hot = huge_alloc(sizeof(*acc->hot) << acc->hot_bits);
    for (size_t i = 0; i < ((size_t)1 << acc->hot_bits); i++)
        acc->hot[i].key = KEY_EMPTY;
    acc->sink = &acc->log;
    acc->last_day = -1;
    acc->dirty = 1;
    return acc;
}

struct counter_acc *counter_acc_new(void)
{
    return counter_acc_new_sized(HOT_BITS);
}

static void last_diff_free(struct counter_acc *acc)
{
    free(acc->last.kept);
    free(acc->last.in_prefix);
    free(acc->last.extra);
    memset(&acc->last, 0, sizeof(acc->last));
}

void counter_acc_free(struct counter_acc *acc)
{
    if (acc == NULL)
        return;
    last_diff_free(acc);
    names_free(&acc->places);
    names_free(&acc->metrics);
    free(acc->parent);
    free(acc->hot);
    free(acc->log.v);
    free(acc->res.v);
    free(acc->place_rank);
    free(acc->metric_rank);
    free(acc->place_by_rank);
    free(acc->metric_by_rank);
    free(acc);
}

/* Four ways per set, one 64-byte line: a key stays while up to four others of its set are
 * hot; a fifth evicts the slot the set's clock hand points at. */
static inline void hot_add(struct counter_acc *acc, uint64_t key, int64_t v)
{
    size_t set = (size_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - acc->hot_bits)) & ~(size_t)3;
    struct ent *s = &acc->hot[set];
    for (int w = 0; w < 4; w++) {
        if (s[w].key == key) {
            s[w].value += v;
            return;
        }
        if (s[w].key == KEY_EMPTY) {
            s[w].key = key;
            s[w].value = v;
            return;
        }
    }
    struct ent *victim = &s[acc->hand++ & 3];
    ents_push(acc->sink, victim->key, victim->value);
    victim->key = key;
    victim->value = v;
}

__attribute__((noinline)) static void hot_flush(struct counter_acc *acc)
{
    for (size_t i = 0; i < ((size_t)1 << acc->hot_bits); i++) {
        if (acc->hot[i].key != KEY_EMPTY) {
            ents_push(acc->sink, acc->hot[i].key, acc->hot[i].value);
            acc->hot[i].key = KEY_EMPTY;
        }
    }
}

static int32_t place_id(struct counter_acc *acc, const char *code, size_t len)
{
    int32_t id = names_id(&acc->places, code, len, 0, 0);
    if (id >= 0)
        return id;
    char buf[32];
    if (len >= sizeof(buf))
        return -1;
    memcpy(buf, code, len);
    buf[len] = '\0';
    enum place_level lv = place_level_of(buf);
    if (lv == PL_NONE)
        return -1;
    int32_t parent = -1;
    if (lv != PL_DISTRICT &&
        (parent = place_id(acc, buf, place_code_len((enum place_level)(lv - 1)))) < 0)
        return -1;
    id = names_id(&acc->places, buf, len, 1, (1u << PLACE_BITS) - 1);
    if (id < 0)
        return -1;
    if ((size_t)id >= acc->nparent) {
        acc->nparent = acc->nparent ? acc->nparent * 2 : 1024;
        acc->parent = xrealloc(acc->parent, acc->nparent * sizeof(*acc->parent));
    }
    acc->parent[id] = parent;
    return id;
}

int32_t counter_acc_place(struct counter_acc *acc, const char *code, size_t len)
{
    if (len < sizeof(acc->last_place) && acc->last_place[len] == '\0' &&
        memcmp(code, acc->last_place, len) == 0 && acc->last_place[0] != '\0')
        return acc->last_pid;
    int32_t id = place_id(acc, code, len);
    if (len < sizeof(acc->last_place)) {
        memcpy(acc->last_place, code, len);
        acc->last_place[len] = '\0';
        acc->last_pid = id;
    }
    return id;
}

int counter_acc_tmpl(struct counter_acc *acc, const struct counter_facts *f, struct counter_tmpl *t)
{
    t->n = 0;
    for (int i = 0; i < f->n; i++) {
        int32_t m =
            names_id(&acc->metrics, f->m[i].metric, strlen(f->m[i].metric), 1, 1u << METRIC_BITS);
        if (m < 0)
            return -1;
        t->metric[t->n] = (uint32_t)m;
        t->value[t->n] = f->m[i].value;
        t->daily[t->n++] = (unsigned char)(f->m[i].daily != 0);
    }
    return 0;
}

/* Days since 1970-01-01 -> months since year 0 (y * 12 + m - 1), after days_from_civil. */
static int64_t month_of_day(int64_t z)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t y = (int64_t)yoe + era * 400 + (m <= 2);
    return y * 12 + (int64_t)m - 1;
}

int counter_acc_add_tmpl(struct counter_acc *acc, const struct counter_tmpl *t, int32_t place,
                         int64_t at, int64_t weight)
{
    if (place < 0 || t->n == 0)
        return 0;
    int64_t local = at + CST_OFFSET;
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    if (day != acc->last_day) {
        if (day < 0 || day >= (1 << PERIOD_BITS))
            return -1;
        acc->last_day = day;
        acc->last_month = month_of_day(day);
    }
    acc->dirty = 1;
    for (int i = 0; i < t->n; i++) {
        int64_t v = t->value[i] * weight;
        hot_add(acc, KEY(0, place, acc->last_month, t->metric[i]), v);
        if (t->daily[i])
            hot_add(acc, KEY(1, place, day, t->metric[i]), v);
    }
    return 0;
}

int counter_acc_add(struct counter_acc *acc, const struct counter_facts *f, int64_t weight)
{
    if (f->place == NULL)
        return 0;
    int32_t place = counter_acc_place(acc, f->place, strlen(f->place));
    struct counter_tmpl t;
    if (place < 0)
        return place_level_of(f->place) == PL_NONE ? 0 : -1;
    if (counter_acc_tmpl(acc, f, &t) != 0)
        return -1;
    return counter_acc_add_tmpl(acc, &t, place, f->at, weight);
}

/* LSD radix sort by key, a byte a pass (256 buckets stay in the L1 cache); passes where every
 * key has the same byte are skipped. */
__attribute__((noinline)) static void radix_sort(struct ent *v, size_t n)
{
    if (n < 2)
        return;
    size_t(*count)[256] = xcalloc(8, sizeof(*count));
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 8; d++)
            count[d][(v[i].key >> (8 * d)) & 0xff]++;
    struct ent *tmp = huge_alloc(n * sizeof(*tmp)), *src = v, *dst = tmp;
    for (int d = 0; d < 8; d++) {
        if (count[d][(v[0].key >> (8 * d)) & 0xff] == n)
            continue;
        size_t sum = 0;
        for (size_t b = 0; b < 256; b++) {
            size_t c = count[d][b];
            count[d][b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[d][(src[i].key >> (8 * d)) & 0xff]++] = src[i];
        struct ent *x = src;
        src = dst;
        dst = x;
    }
    if (src != v)
        memcpy(v, src, n * sizeof(*v));
    free(tmp);
    free(count);
}

/* The leaf sums rolled up, renumbered in the kept tables' key order, sorted and summed. */
__attribute__((noinline)) static void acc_finish(struct counter_acc *acc)
{
    if (!acc->dirty)
        return;
    acc->sink = &acc->log;
    hot_flush(acc);
    struct ents *res = &acc->res;
    res->n = 0;
    ents_reserve(res, acc->log.n + acc->log.n / 4 + 1);
    if (acc->log.n > 0) /* nothing logged: no array at all (memcpy from NULL) */
        memcpy(res->v, acc->log.v, acc->log.n * sizeof(*res->v));
    res->n = acc->log.n;
    /* each leaf sum to every ancestor: the cache makes them a few entries per key */
    acc->sink = res;
    size_t n0 = res->n;
    for (size_t i = 0; i < n0; i++) {
        uint64_t k = res->v[i].key;
        int64_t v = res->v[i].value;
        for (int32_t p = acc->parent[KEY_PLACE(k)]; p >= 0; p = acc->parent[p])
            hot_add(acc, KEY(KEY_TABLE(k), p, KEY_PERIOD(k), KEY_METRIC(k)), v);
    }
    hot_flush(acc);
    acc->sink = &acc->log;
    free(acc->place_rank);
    free(acc->metric_rank);
    free(acc->place_by_rank);
    free(acc->metric_by_rank);
    acc->place_rank = names_ranks(&acc->places, &acc->place_by_rank);
    acc->metric_rank = names_ranks(&acc->metrics, &acc->metric_by_rank);
    for (size_t i = 0; i < res->n; i++) {
        uint64_t k = res->v[i].key;
        res->v[i].key = KEY(KEY_TABLE(k), acc->place_rank[KEY_PLACE(k)], KEY_PERIOD(k),
                            acc->metric_rank[KEY_METRIC(k)]);
    }
    radix_sort(res->v, res->n);
    size_t w = 0;
    for (size_t i = 0; i < res->n; i++) {
        if (w > 0 && res->v[w - 1].key == res->v[i].key)
            res->v[w - 1].value += res->v[i].value;
        else
            res->v[w++] = res->v[i];
    }
    log_debug("counters recomputed: %zu leaf sums logged, %zu rows with every level", n0, w);
    res->n = w;
    acc->dirty = 0;
}

/* ---- comparing with the kept counters ---- */

/* "2026-11" -> months since year 0; "2026-11-29" -> days since 1970; -1 if neither. */
static int64_t parse_period(const char *s, size_t len, int table)
{
    if (len != (table ? 10u : 7u))
        return -1;
    for (size_t i = 0; i < len; i++)
        if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return -1;
    int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    if (m < 1 || m > 12)
        return -1;
    if (!table)
        return y * 12 + m - 1;
    unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    int64_t z = d >= 1 && d <= 31 ? days_from_civil(y, m, d) : -1;
    return z >= 0 && z < (1 << PERIOD_BITS) && month_of_day(z) == y * 12 + m - 1 ? z : -1;
}

static void format_period(uint32_t per, int table, char out[11])
{
    if (!table) {
        snprintf(out, 11, "%04u-%02u", (per / 12) % 10000u, per % 12 + 1);
        return;
    }
    int64_t mo = month_of_day(per);
    int64_t first = days_from_civil(mo / 12, (unsigned)(mo % 12) + 1, 1);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(mo / 12) % 10000u, (unsigned)(mo % 12) + 1,
             (unsigned)(per - first + 1) % 100u);
}

/* A kept row the recomputed counters have no key for (a place or metric they never saw). */
struct extra {
    int table;
    const char *place, *metric;
    char period[11];
    int64_t kept;
};

struct diffscan {
    struct counter_acc *acc;
    struct arena *a;
    const char *const *prefixes;
    int table;
    /* the last place and period read, and what they mapped to */
    char last_place[32];
    int64_t last_prank;
    char last_period[11];
    int64_t last_per;
    size_t cursor;
    int64_t *kept; /* per result entry: the kept value */
    struct extra *extra;
    size_t nextra, capextra;
    size_t nread[2]; /* kept rows read per table */
};

static int has_prefix(const char *s, size_t len, const char *const *prefixes)
{
    for (const char *const *p = prefixes; *p; p++) {
        size_t n = strlen(*p);
        if (len >= n && memcmp(s, *p, n) == 0)
            return 1;
    }
    return 0;
}

static void push_extra(struct diffscan *d, const char *place, const char *period,
                       const char *metric, int64_t kept)
{
    if (d->nextra == d->capextra) {
        d->capextra = d->capextra ? d->capextra * 2 : 64;
        d->extra = xrealloc(d->extra, d->capextra * sizeof(*d->extra));
    }
    struct extra *x = &d->extra[d->nextra++];
    x->table = d->table;
    x->place = arena_strdup(d->a, place);
    x->metric = arena_strdup(d->a, metric);
    snprintf(x->period, sizeof(x->period), "%.10s", period);
    x->kept = kept;
}

/* The next result entry, when it is the row's key: rows come in key order, so most rows are
 * matched with one memcmp of the metric, without hashing it. */
static int next_is(const struct diffscan *d, const char *metric, size_t nm)
{
    const struct counter_acc *acc = d->acc;
    if (d->cursor >= acc->res.n)
        return 0;
    uint64_t k = acc->res.v[d->cursor].key;
    if (KEY_TABLE(k) != d->table || (int64_t)KEY_PLACE(k) != d->last_prank ||
        (int64_t)KEY_PERIOD(k) != d->last_per)
        return 0;
    uint32_t id = acc->metric_by_rank[KEY_METRIC(k)];
    return acc->metrics.len[id] == nm && memcmp(acc->metrics.s[id], metric, nm) == 0;
}

static int diff_row(const struct dbrow *row, void *ctx, struct err *e)
{
    struct diffscan *d = ctx;
    struct counter_acc *acc = d->acc;
    size_t np, nd, nm;
    const char *place = dbrow_text(row, 0, &np), *period = dbrow_text(row, 1, &nd),
               *metric = dbrow_text(row, 2, &nm);
    int64_t kept = dbrow_int(row, 3);
    (void)e;
    d->nread[d->table]++;
    if (place == NULL || period == NULL || metric == NULL || kept == 0 ||
        !has_prefix(metric, nm, d->prefixes))
        return ERR_OK;
    /* the last place and period, kept with their length (a longer one is never cached) */
    if (np >= sizeof(d->last_place) || d->last_place[np] != '\0' ||
        memcmp(place, d->last_place, np) != 0) {
        int32_t id = names_id(&acc->places, place, np, 0, 0);
        d->last_prank = id >= 0 ? (int64_t)acc->place_rank[id] : -1;
        size_t keep = np < sizeof(d->last_place) ? np : 0;
        memcpy(d->last_place, place, keep);
        d->last_place[keep] = '\0';
    }
    if (nd >= sizeof(d->last_period) || d->last_period[nd] != '\0' ||
        memcmp(period, d->last_period, nd) != 0) {
        d->last_per = parse_period(period, nd, d->table);
        size_t keep = nd < sizeof(d->last_period) ? nd : 0;
        memcpy(d->last_period, period, keep);
        d->last_period[keep] = '\0';
    }
    if (d->last_prank >= 0 && d->last_per >= 0 && next_is(d, metric, nm)) {
        d->kept[d->cursor++] = kept;
        return ERR_OK;
    }
    int32_t mid = names_id(&acc->metrics, metric, nm, 0, 0);
    if (d->last_prank < 0 || d->last_per < 0 || mid < 0) {
        push_extra(d, place, period, metric, kept);
        return ERR_OK;
    }
    uint64_t key = KEY(d->table, d->last_prank, d->last_per, acc->metric_rank[mid]);
    const struct ent *v = acc->res.v;
    size_t n = acc->res.n, i = d->cursor;
    if (i >= n || v[i].key != key) { /* not the next one: a binary search */
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid2 = lo + (hi - lo) / 2;
            if (v[mid2].key < key)
                lo = mid2 + 1;
            else
                hi = mid2;
        }
        i = lo;
    }
    if (i < n && v[i].key == key) {
        d->kept[i] = kept;
        d->cursor = i + 1;
    } else {
        push_extra(d, place, period, metric, kept);
    }
    return ERR_OK;
}

static const char *const table_name[2] = {"counters_month", "counters_day"};

/* Batches of rows to counters_upsert: four parameters each, sqlq's most (SQLQ_MAXP) */
#define WRITER_ROWS (SQLQ_MAXP / 4)
struct writer {
    struct db *db;
    struct arena a;
    int table, n;
    struct counter_row rows[WRITER_ROWS];
};

static int writer_flush(struct writer *w, struct err *e)
{
    const struct counter_row *p[WRITER_ROWS];
    for (int i = 0; i < w->n; i++)
        p[i] = &w->rows[i];
    int rc = w->n ? counters_upsert(w->db, &w->a, w->table, p, w->n, e) : ERR_OK;
    w->n = 0;
    arena_reset(&w->a);
    return rc;
}

static int writer_add(struct writer *w, int table, const char *place, const char *period,
                      const char *metric, int64_t delta, struct err *e)
{
    int rc = ERR_OK;
    if (w->n == WRITER_ROWS || (w->n > 0 && w->table != table))
        rc = writer_flush(w, e);
    struct counter_row *r = &w->rows[w->n++];
    w->table = table;
    r->table = table;
    snprintf(r->place, sizeof(r->place), "%.23s", place);
    snprintf(r->period, sizeof(r->period), "%.10s", period);
    r->metric = arena_strdup(&w->a, metric);
    r->delta = delta;
    return rc;
}

#define REINDEX_MAX_ROWS 8000000 /* between 2.1M (3 times faster) and 25M (1.5 times slower) */

/* Drop counters_month's secondary indexes; idx gets the statements that make them again. */
static int month_indexes_drop(struct db *db, struct arena *a, struct dbrows *idx, struct err *e)
{
    int pg = strcmp(db_backend(db), "postgres") == 0;
    int rc = db_query(
        db, a, idx, e,
        pg ? "SELECT i.indexdef, i.indexname FROM pg_indexes i WHERE i.schemaname = "
             "current_schema() AND i.tablename = 'counters_month' AND NOT EXISTS (SELECT 1 FROM "
             "pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || "
             "quote_ident(i.indexname))::regclass)"
           : "SELECT sql, name FROM sqlite_master WHERE type = 'index' AND tbl_name = "
             "'counters_month' AND sql IS NOT NULL",
        DB_NOARGS);
    for (int i = 0; i < idx->nrows && rc == ERR_OK; i++)
        rc = db_script(db, e, arena_printf(a, "DROP INDEX \"%s\"", dbrows_get(idx, i, 1)));
    return rc;
}

/* Compare acc with the kept counters (metrics with one of prefixes, months >= from_month); with
 * db_write, make the kept ones equal. *ndiff gets the number of rows that differ. */
static int diff(struct db *db, struct arena *a, struct counter_acc *acc,
                const char *const *prefixes, const char *from_month, int write, int64_t *ndiff,
                struct err *e)
{
    /* rows of earlier jobs of this group commit, not yet written */
    int rc = counters_pending_write(db, e);
    if (rc != ERR_OK)
        return rc;
    double t0 = cpu_seconds();
    acc_finish(acc);
    double t1 = cpu_seconds();
    *ndiff = 0;
    struct diffscan d = {
        .acc = acc, .a = a, .prefixes = prefixes, .last_prank = -1, .last_per = -1};
    d.kept = huge_alloc((acc->res.n ? acc->res.n : 1) * sizeof(*d.kept));
    memset(d.kept, 0, acc->res.n * sizeof(*d.kept));
    for (int t = 0; t < 2 && rc == ERR_OK; t++) {
        d.table = t;
        d.cursor = 0;
        d.last_place[0] = d.last_period[0] = '\0';
        d.last_prank = d.last_per = -1;
        /* SQLite: in key order (the table itself, not the smaller covering index that the
         * planner would scan otherwise), so nearly every row is the next entry. PostgreSQL:
         * heap order, found by binary search, cheaper than sorting in its collation. */
        char *sql = arena_printf(
            a,
            "SELECT place_code, period, metric, value FROM %s WHERE "
            "period >= ? AND value <> 0%s",
            table_name[t],
            strcmp(db_backend(db), "sqlite") == 0 ? " ORDER BY place_code, period, metric" : "");
        rc = db_each(db, e, sql, DB_ARGS(DBS(from_month ? from_month : "0000")), diff_row, &d);
    }
    double t2 = cpu_seconds();
    int64_t from[2] = {0, 0}; /* the first month and day in range */
    if (from_month != NULL) {
        from[0] = parse_period(from_month, strlen(from_month), 0);
        from[1] = days_from_civil(from[0] / 12, (unsigned)(from[0] % 12) + 1, 1);
    }
    char *in_prefix = xcalloc(acc->metrics.n ? acc->metrics.n : 1, 1);
    for (size_t m = 0; m < acc->metrics.n; m++)
        in_prefix[m] = (char)has_prefix(acc->metrics.s[acc->metric_by_rank[m]],
                                        strlen(acc->metrics.s[acc->metric_by_rank[m]]), prefixes);
    struct writer w = {.db = db};
    arena_init(&w.a, 0);
    /* every month row written into an empty table (a new or migrated database, after a wipe):
     * its secondary indexes are dropped and made again after, one sort each instead of an
     * insert in random order per row (2.1M month rows on 1M cases: 21 s against 7 s). Not for
     * more than REINDEX_MAX_ROWS: SQLite's sort grows faster than the rows (25M rows on 10M
     * cases: 167 s for the index alone, the rebuild 400 -> 600 s of CPU) */
    size_t nmonths = 0;
    while (nmonths < acc->res.n && KEY_TABLE(acc->res.v[nmonths].key) == 0)
        nmonths++;
    struct dbrows idx = {0};
    int reindex = write && from_month == NULL && d.nread[0] == 0 && nmonths > 0 &&
                  nmonths <= REINDEX_MAX_ROWS;
    if (reindex && (rc = month_indexes_drop(db, a, &idx, e)) != ERR_OK)
        reindex = 0;
    /* recomputed rows that differ from the kept ones (in key order), then kept rows with no
     * recomputed one */
    for (size_t i = 0; i < acc->res.n && rc == ERR_OK; i++) {
        const struct ent *v = &acc->res.v[i];
        int t = KEY_TABLE(v->key);
        if (v->value == d.kept[i] || !in_prefix[KEY_METRIC(v->key)] ||
            (int64_t)KEY_PERIOD(v->key) < from[t])
            continue;
        const char *place = acc->places.s[acc->place_by_rank[KEY_PLACE(v->key)]];
        const char *metric = acc->metrics.s[acc->metric_by_rank[KEY_METRIC(v->key)]];
        char period[11];
        format_period(KEY_PERIOD(v->key), t, period);
        if (!write && *ndiff < 10)
            log_warn("counter %s %s %s %s: kept %lld, recomputed %lld", table_name[t], place,
                     period, metric, (long long)d.kept[i], (long long)v->value);
        (*ndiff)++;
        if (write)
            rc = writer_add(&w, t, place, period, metric, v->value - d.kept[i], e);
    }
    for (size_t i = 0; i < d.nextra && rc == ERR_OK; i++) {
        const struct extra *x = &d.extra[i];
        if (!write && *ndiff < 10)
            log_warn("counter %s %s %s %s: kept %lld, recomputed 0", table_name[x->table], x->place,
                     x->period, x->metric, (long long)x->kept);
        (*ndiff)++;
        if (write)
            rc = writer_add(&w, x->table, x->place, x->period, x->metric, -x->kept, e);
    }
    if (rc == ERR_OK)
        rc = writer_flush(&w, e);
    for (int i = 0; reindex && i < idx.nrows && rc == ERR_OK; i++)
        rc = db_script(db, e, dbrows_get(&idx, i, 0));
    log_debug("counters (CPU): roll-up and sort %.3f s, kept rows read %.3f s, differences%s "
              "%.3f s",
              t1 - t0, t2 - t1, reindex ? " (indexes made again)" : "", cpu_seconds() - t2);
    arena_free(&w.a);
    /* what counters_totals_after needs; the extras' strings are the caller's arena's */
    last_diff_free(acc);
    if (rc == ERR_OK && from_month == NULL) {
        acc->last.valid = 1;
        acc->last.write = write;
        acc->last.prefixes = prefixes;
        acc->last.kept = d.kept;
        acc->last.in_prefix = in_prefix;
        acc->last.extra = d.extra;
        acc->last.nextra = d.nextra;
    } else {
        free(in_prefix);
        free(d.kept);
        free(d.extra);
    }
    return rc;
}

/* The month rows as the last diff left them (its kept values, or with write the recomputed
 * ones where it wrote them) summed per place and metric, and the running totals settled
 * against those sums: one pass over the result, no second read of counters_month. */
int counters_totals_after(struct db *db, struct counter_acc *acc, int write, int64_t *ndiff,
                          struct err *e)
{
    if (!acc->last.valid || acc->last.write != write)
        return counters_totals_sync(db, write, ndiff, e);
    double t0 = cpu_seconds();
    struct counter_totals *t = counter_totals_new();
    size_t nm = acc->metrics.n ? acc->metrics.n : 1;
    int64_t *sum = xcalloc(nm, sizeof(*sum));
    uint32_t *touched = xmalloc(nm * sizeof(*touched));
    size_t ntouched = 0;
    uint32_t place = UINT32_MAX;
    for (size_t i = 0; i <= acc->res.n; i++) {
        uint64_t k = i < acc->res.n ? acc->res.v[i].key : KEY_EMPTY;
        int end = i == acc->res.n || KEY_TABLE(k) != 0;
        if (end || KEY_PLACE(k) != place) {
            /* a place's months are one run of the result (the key's order): its sums out */
            if (place != UINT32_MAX) {
                const char *p = acc->places.s[acc->place_by_rank[place]];
                size_t np = strlen(p);
                for (size_t j = 0; j < ntouched; j++) {
                    uint32_t m = touched[j], id = acc->metric_by_rank[m];
                    counter_totals_add_month(t, p, np, acc->metrics.s[id], acc->metrics.len[id],
                                             sum[m]);
                    sum[m] = 0;
                }
            }
            ntouched = 0;
            if (end)
                break;
            place = KEY_PLACE(k);
        }
        uint32_t m = KEY_METRIC(k);
        int64_t v = write && acc->last.in_prefix[m] ? acc->res.v[i].value : acc->last.kept[i];
        if (v != 0 && sum[m] == 0)
            touched[ntouched++] = m; /* a sum back at zero is listed twice: it adds 0 */
        sum[m] += v;
    }
    for (size_t i = 0; i < acc->last.nextra; i++) {
        const struct extra *x = &acc->last.extra[i];
        if (x->table == 0 && !write)
            counter_totals_add_month(t, x->place, strlen(x->place), x->metric, strlen(x->metric),
                                     x->kept);
    }
    double t1 = cpu_seconds();
    int rc = counter_totals_settle(db, t, acc->last.prefixes, write, ndiff, e);
    log_debug("counters totals (CPU): months summed %.3f s, settled %.3f s", t1 - t0,
              cpu_seconds() - t1);
    counter_totals_free(t);
    free(sum);
    free(touched);
    return rc;
}

int counters_replace(struct db *db, struct arena *a, struct counter_acc *acc,
                     const char *const *prefixes, const char *from_month, int64_t *nchanged,
                     struct err *e)
{
    return diff(db, a, acc, prefixes, from_month, 1, nchanged, e);
}

int counters_compare(struct db *db, struct arena *a, struct counter_acc *acc,
                     const char *const *prefixes, const char *from_month, int64_t *ndiff,
                     struct err *e)
{
    return diff(db, a, acc, prefixes, from_month, 0, ndiff, e);
}
