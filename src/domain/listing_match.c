/* listing_match.c - matching supply with demand. Two listings are candidates for each other when
 * one supplies and the other seeks, they come from different enterprises, both are open and
 * valid, their regions overlap (one region's code is a prefix of the other's: 上虞区 reaches
 * 曹娥街道), and chain and keywords agree enough: the same chain gives LISTING_CHAIN_POINTS, the
 * Dice similarity of the texts' character bigrams (case_grams, the terms of case search) gives
 * up to LISTING_WORD_POINTS. The rule is symmetric, so each side lists the other. */
#include "domain/listing.h"
#include "core/util.h"
#include "domain/case.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int overlap(const char *r1, const char *r2)
{
    size_t n1 = strlen(r1), n2 = strlen(r2);
    return strncmp(r1, r2, n1 < n2 ? n1 : n2) == 0;
}

static const char *text_of(struct arena *a, const struct listing_side *s)
{
    return arena_printf(a, "%s %s", s->title ? s->title : "", s->detail ? s->detail : "");
}

/* The terms of x's text that y's text has too, in x's order, each once, "、"-separated. */
static const char *common_terms(struct arena *a, const char *x, const char *y)
{
    char *gx = case_grams(a, x), *gy = arena_printf(a, " %s ", case_grams(a, y));
    const char *out = "", *seen = " ";
    char *save = NULL;
    for (char *t = strtok_r(gx, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        const char *pad = arena_printf(a, " %s ", t);
        if (strstr(gy, pad) == NULL || strstr(seen, pad) != NULL)
            continue;
        seen = arena_printf(a, "%s%s ", seen, t);
        out = arena_printf(a, "%s%s%s", out, *out ? "、" : "", t);
    }
    return out;
}

int listing_match(struct arena *a, const struct listing_side *x, const struct listing_side *y,
                  const char *today, struct listing_match *m)
{
    memset(m, 0, sizeof(*m));
    m->common = "";
    if (strcmp(x->side, y->side) == 0 || x->enterprise == y->enterprise)
        return 0;
    if (strcmp(x->status, "open") != 0 || strcmp(y->status, "open") != 0 ||
        strcmp(x->valid_until, today) < 0 || strcmp(y->valid_until, today) < 0)
        return 0;
    if (!overlap(x->region, y->region))
        return 0;
    const char *tx = text_of(a, x), *ty = text_of(a, y);
    m->same_chain = x->chain[0] != '\0' && strcmp(x->chain, y->chain) == 0;
    m->similarity = case_similarity(tx, ty);
    int words = (int)lround(100.0 * m->similarity);
    if (words > LISTING_WORD_POINTS)
        words = LISTING_WORD_POINTS;
    m->score = (m->same_chain ? LISTING_CHAIN_POINTS : 0) + words;
    if (m->score < LISTING_MATCH_MIN)
        return 0;
    /* the common terms in the supply's order, so both sides read the same reasons */
    const struct listing_side *s = strcmp(x->side, "supply") == 0 ? x : y;
    m->common = common_terms(a, s == x ? tx : ty, s == x ? ty : tx);
    int k = 0;
    if (m->same_chain)
        m->reasons[k++] = arena_printf(a, "同属产业链“%s”", x->chain);
    if (*m->common)
        m->reasons[k++] =
            arena_printf(a, "关键词相近：%s（相似度 %.2f）", m->common, m->similarity);
    const char *wide = strlen(x->region) <= strlen(y->region) ? x->region : y->region;
    const char *narrow = wide == x->region ? y->region : x->region;
    m->reasons[k++] = strcmp(wide, narrow) == 0
                          ? arena_printf(a, "地区相同（%s）", wide)
                          : arena_printf(a, "地区相符（%s 含 %s）", wide, narrow);
    return 1;
}

static void side_from_row(const struct dbrows *r, int i, struct listing_side *s)
{
    s->id = dbrows_int(r, i, 0);
    s->enterprise = dbrows_int(r, i, 1);
    s->side = dbrows_get(r, i, 2);
    s->chain = dbrows_get(r, i, 3) ? dbrows_get(r, i, 3) : "";
    s->region = dbrows_get(r, i, 4);
    s->title = dbrows_get(r, i, 5);
    s->detail = dbrows_get(r, i, 6);
    s->status = dbrows_get(r, i, 7);
    s->valid_until = dbrows_get(r, i, 8);
}

struct scored {
    int row, score;
    int64_t id;
    struct listing_match m;
};

static int by_score(const void *p, const void *q)
{
    const struct scored *x = p, *y = q;
    if (x->score != y->score)
        return y->score - x->score;
    return x->id < y->id ? -1 : x->id > y->id;
}

#define LISTING_COLS                                                                               \
    "l.id, l.enterprise_id, l.side, l.chain, l.region, l.title, l.detail, l.status, "              \
    "l.valid_until, l.kind, l.quantity, (SELECT x.name FROM enterprises x WHERE x.id = "           \
    "l.enterprise_id)"

int listing_matches(struct db *db, struct reg_ctx *c, const char *id, struct jsonw *w,
                    struct err *e)
{
    struct reg_rec rec;
    struct dbrows self, rows;
    char now[32];
    int rc = reg_get(db, c, &reg_listings, id, &rec, e);
    if (rc != ERR_OK)
        return rc;
    time_iso_cst(time(NULL), now);
    const char *today = arena_printf(c->a, "%.10s", now);
    rc = db_query(db, c->a, &self, e,
                  "SELECT " LISTING_COLS ", l.county FROM listings l WHERE l.id = ?",
                  DB_ARGS(DBI(rec.id)));
    if (rc != ERR_OK)
        return rc;
    struct listing_side x;
    side_from_row(&self, 0, &x);
    int active =
        strcmp(x.status, "open") == 0 && strcmp(x.valid_until, today) >= 0 && rec.archived_at == 0;
    /* the other side's open, valid listings of the district, newest first (at most 2000) */
    rc = db_query(
        db, c->a, &rows, e,
        "SELECT " LISTING_COLS " FROM listings l WHERE l.county = ? AND l.side <> ? AND "
        "l.status = 'open' AND l.valid_until >= ? AND l.archived_at IS NULL AND "
        "l.enterprise_id <> ? ORDER BY l.id DESC LIMIT 2000",
        DB_ARGS(DBS(dbrows_get(&self, 0, 12)), DBS(x.side), DBS(today), DBI(x.enterprise)));
    if (rc != ERR_OK)
        return rc;
    struct scored *hits = arena_alloc(c->a, sizeof(*hits) * (size_t)(rows.nrows + 1));
    int n = 0;
    for (int i = 0; active && i < rows.nrows; i++) {
        struct listing_side y;
        side_from_row(&rows, i, &y);
        if (listing_match(c->a, &x, &y, today, &hits[n].m)) {
            hits[n].row = i;
            hits[n].score = hits[n].m.score;
            hits[n].id = y.id;
            n++;
        }
    }
    qsort(hits, (size_t)n, sizeof(*hits), by_score);
    jw_obj(w);
    jw_key(w, "listing");
    reg_write_json(w, c, &reg_listings, &rec);
    jw_key(w, "active");
    jw_bool(w, active);
    jw_key(w, "items");
    jw_arr(w);
    for (int k = 0; k < n; k++) {
        int i = hits[k].row;
        jw_obj(w);
        jw_kint(w, "id", hits[k].id);
        jw_kstr(w, "side", dbrows_get(&rows, i, 2));
        jw_kstr(w, "kind", dbrows_get(&rows, i, 9));
        jw_kstr(w, "title", dbrows_get(&rows, i, 5));
        jw_kstr(w, "quantity", dbrows_get(&rows, i, 10));
        jw_kstr(w, "chain", dbrows_get(&rows, i, 3));
        jw_kstr(w, "region", dbrows_get(&rows, i, 4));
        jw_kstr(w, "valid_until", dbrows_get(&rows, i, 8));
        jw_kint(w, "enterprise", dbrows_int(&rows, i, 1));
        jw_kstr(w, "enterprise_name", dbrows_get(&rows, i, 11));
        jw_kint(w, "score", hits[k].score);
        jw_key(w, "reasons");
        jw_arr(w);
        for (int r = 0; r < 3 && hits[k].m.reasons[r]; r++)
            jw_str(w, hits[k].m.reasons[r]);
        jw_end_arr(w);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}
