/* party_match.c - finding mobile party members (流动党员) among new residents.
 *
 * Other places send the lists of their members who left (party_rosters); the new residents'
 * registrations are scored against every roster row. Identity and phone numbers are compared by
 * their keyed hashes only (nothing is decrypted). A run loads the rosters once into hash tables
 * (blocks) keyed by identity hash, birth date, phone hash and name, and scores only the rows the
 * blocks give for each registration: with the weights of match_score, a pair without the same
 * identity hash, phone, exact or month/day-swapped birth date, or name scores at most 55 (a name
 * one character off 25, a birth date one digit off 15, the origin 15), below the threshold, so
 * the blocks find every pair a cross join would. Pairs at or above the threshold are stored as
 * candidates unless stored before with any status, so runs are repeatable and a rejected pair
 * stays rejected. The office then confirms (a mobile_in member of a local organisation) or
 * rejects each candidate. */
#include "domain/party_match.h"
#include "core/json.h"
#include "core/util.h"
#include "domain/counters.h"
#include "domain/party.h"
#include "domain/place.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- scoring ---- */

enum {
    W_NAME = 40,
    W_NAME_ONE_OFF = 25,
    W_BIRTH = 30,
    W_BIRTH_SWAPPED = 20,
    W_BIRTH_ONE_OFF = 15,
    W_PHONE = 35,
    W_ORIGIN = 15,
    W_ORIGIN_PROVINCE = 4,
    W_ID_DIFFERS = -25,
    MAX_FUZZY = 99,
};

#define NAME_MAX_CHARS 16

static int known(const char *s)
{
    return s != NULL && *s != '\0';
}

/* The code points of a name without blanks and the dots of transcribed names (·, •, ・, .);
 * returns the count, or -1 for invalid UTF-8 or a name too long to compare. */
static int name_chars(const char *s, uint32_t out[NAME_MAX_CHARS])
{
    int n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        int len;
        if (*p < 0x80)
            cp = *p, len = 1;
        else if ((*p & 0xE0) == 0xC0)
            cp = *p & 0x1F, len = 2;
        else if ((*p & 0xF0) == 0xE0)
            cp = *p & 0x0F, len = 3;
        else if ((*p & 0xF8) == 0xF0)
            cp = *p & 0x07, len = 4;
        else
            return -1;
        for (int k = 1; k < len; k++) {
            if ((p[k] & 0xC0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[k] & 0x3F);
        }
        p += len;
        if (cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0xB7 || cp == 0x2022 || cp == 0x30FB ||
            cp == '.')
            continue;
        if (n == NAME_MAX_CHARS)
            return -1;
        out[n++] = cp;
    }
    return n;
}

/* 2: the same name; 1: the same length of 2-4 characters with one character different. */
static int name_likeness(const char *a, const char *b)
{
    uint32_t x[NAME_MAX_CHARS], y[NAME_MAX_CHARS];
    int n = name_chars(a, x), m = name_chars(b, y);
    if (n <= 0 || n != m)
        return 0;
    int diff = 0;
    for (int i = 0; i < n; i++)
        diff += x[i] != y[i];
    return diff == 0 ? 2 : diff == 1 && n >= 2 && n <= 4 ? 1 : 0;
}

static int is_date(const char *s)
{
    if (!known(s) || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    return 1;
}

/* 3: the same date; 2: month and day swapped; 1: one digit different; 0: otherwise. */
static int birth_likeness(const char *a, const char *b)
{
    if (!is_date(a) || !is_date(b))
        return 0;
    if (strcmp(a, b) == 0)
        return 3;
    if (memcmp(a, b, 4) == 0 && memcmp(a + 5, b + 8, 2) == 0 && memcmp(a + 8, b + 5, 2) == 0)
        return 2; /* not equal, so month and day differ */
    int diff = 0;
    for (int i = 0; i < 10; i++)
        diff += a[i] != b[i];
    return diff == 1 ? 1 : 0;
}

/* 2: the same county (6-digit code) or one text inside the other; 1: the same province. */
static int origin_likeness(const struct match_person *a, const struct match_person *b)
{
    const char *ca = a->origin_code, *cb = b->origin_code;
    size_t la = known(ca) ? strlen(ca) : 0, lb = known(cb) ? strlen(cb) : 0;
    if (la >= 6 && lb >= 6 && strspn(ca, "0123456789") >= 6 && memcmp(ca, cb, 6) == 0)
        return 2;
    /* texts of at least two characters (Chinese: 6 bytes) */
    if (known(a->origin) && known(b->origin) && strlen(a->origin) >= 6 && strlen(b->origin) >= 6 &&
        (strstr(a->origin, b->origin) != NULL || strstr(b->origin, a->origin) != NULL))
        return 2;
    if (la >= 2 && lb >= 2 && ca[0] >= '1' && ca[0] <= '9' && memcmp(ca, cb, 2) == 0)
        return 1;
    return 0;
}

int match_score(const struct match_person *reg, const struct match_person *roster,
                const char **reasons, int *nreasons)
{
    const char *why[MATCH_MAX_REASONS];
    int n = 0, score = 0;
    int same_id =
        known(reg->id_hash) && known(roster->id_hash) && strcmp(reg->id_hash, roster->id_hash) == 0;
    if (same_id)
        why[n++] = "身份证号一致";
    switch (name_likeness(reg->name ? reg->name : "", roster->name ? roster->name : "")) {
    case 2:
        score += W_NAME, why[n++] = "姓名一致";
        break;
    case 1:
        score += W_NAME_ONE_OFF, why[n++] = "姓名相差一字";
        break;
    }
    switch (birth_likeness(reg->birth_date, roster->birth_date)) {
    case 3:
        score += W_BIRTH, why[n++] = "出生日期一致";
        break;
    case 2:
        score += W_BIRTH_SWAPPED, why[n++] = "出生日期月日颠倒";
        break;
    case 1:
        score += W_BIRTH_ONE_OFF, why[n++] = "出生日期相差一位";
        break;
    }
    if (known(reg->phone_hash) && known(roster->phone_hash) &&
        strcmp(reg->phone_hash, roster->phone_hash) == 0)
        score += W_PHONE, why[n++] = "手机号一致";
    switch (origin_likeness(reg, roster)) {
    case 2:
        score += W_ORIGIN, why[n++] = "籍贯一致";
        break;
    case 1:
        score += W_ORIGIN_PROVINCE, why[n++] = "籍贯同省";
        break;
    }
    if (!same_id && known(reg->id_hash) && known(roster->id_hash))
        score += W_ID_DIFFERS, why[n++] = "身份证号不同";
    if (same_id)
        score = MATCH_EXACT;
    else
        score = score < 0 ? 0 : score > MAX_FUZZY ? MAX_FUZZY : score;
    if (reasons != NULL)
        memcpy(reasons, why, sizeof(why[0]) * (size_t)n);
    if (nreasons != NULL)
        *nreasons = n;
    return score;
}

/* ---- the run ---- */

/* Roster rows chained by the hash of one key: head per bucket, next, hash and key per row. */
struct block {
    int *head, *next;
    uint64_t *h;
    const char **key;
    uint64_t mask;
};

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void block_init(struct block *b, int n)
{
    uint64_t size = 16;
    while (size < (uint64_t)n * 2)
        size <<= 1;
    b->mask = size - 1;
    b->head = xmalloc(sizeof(int) * size);
    memset(b->head, 0xff, sizeof(int) * size); /* -1 */
    b->next = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
    b->h = xmalloc(sizeof(uint64_t) * (size_t)(n ? n : 1));
    b->key = xcalloc((size_t)(n ? n : 1), sizeof(char *));
}

static void block_free(struct block *b)
{
    free(b->head);
    free(b->next);
    free(b->h);
    free(b->key);
}

static void block_add(struct block *b, int row, const char *key)
{
    if (!known(key))
        return;
    uint64_t h = fnv(key);
    b->h[row] = h;
    b->key[row] = key;
    b->next[row] = b->head[h & b->mask];
    b->head[h & b->mask] = row;
}

/* Add the rows under key not seen yet for registration g to the candidates. */
static void probe(const struct block *b, const char *key, int g, int *seen, int *cands, int *ncands)
{
    if (!known(key))
        return;
    uint64_t h = fnv(key);
    for (int i = b->head[h & b->mask]; i >= 0; i = b->next[i]) {
        if (b->h[i] != h || seen[i] == g + 1 || strcmp(b->key[i], key) != 0)
            continue;
        seen[i] = g + 1;
        cands[(*ncands)++] = i;
    }
}

/* A name as the name block keys it: its characters without blanks and dots (as compared). */
static const char *name_key(const char *name, char *buf, size_t cap)
{
    uint32_t cps[NAME_MAX_CHARS];
    int n = known(name) ? name_chars(name, cps) : -1;
    size_t k = 0;
    if (n <= 0)
        return NULL;
    buf[0] = '\0';
    for (int i = 0; i < n && k + 12 < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%x.", (unsigned)cps[i]);
    return buf;
}

struct pair {
    int64_t registration, roster;
    const char *place;
    int score;
    const char *reasons; /* JSON array */
};

struct run {
    struct arena *a;
    struct pair *pairs;
    long npairs;
    long proposed;
};

static int store_pairs_fn(struct db *db, void *arg, struct err *e)
{
    struct run *r = arg;
    int64_t now = time(NULL);
    r->proposed = 0;
    for (long i = 0; i < r->npairs; i++) {
        const struct pair *p = &r->pairs[i];
        char county[8];
        snprintf(county, sizeof(county), "%.6s", p->place);
        int rc = db_exec(db, e,
                         "INSERT INTO mobile_matches (county, registration_id, roster_id, "
                         "place_code, score, reasons, status, created_at, updated_at) VALUES (?, "
                         "?, ?, ?, ?, ?, 'candidate', ?, ?) ON CONFLICT (registration_id, "
                         "roster_id) DO NOTHING",
                         DB_ARGS(DBS(county), DBI(p->registration), DBI(p->roster), DBS(p->place),
                                 DBI(p->score), DBS(p->reasons), DBI(now), DBI(now)));
        if (rc < 0)
            return rc;
        r->proposed += rc;
        if (rc == 1) { /* a new candidate counts for its place */
            struct counter_facts f;
            struct reg_rec rec;
            reg_rec_init(&reg_mobile_matches, r->a, &rec);
            rec.v[MM_PLACE] = p->place;
            rec.v[MM_STATUS] = "candidate";
            rec.created_at = now;
            reg_counter_facts(&reg_mobile_matches, &rec, &f);
            if ((rc = counters_move(db, NULL, &f, e)) != ERR_OK)
                return rc;
        }
    }
    return ERR_OK;
}

static const char *reasons_json(struct arena *a, const char **why, int n)
{
    char buf[512];
    size_t k = 0;
    buf[k++] = '[';
    for (int i = 0; i < n; i++) /* program constants: nothing to escape */
        k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s\"%s\"", i ? "," : "", why[i]);
    snprintf(buf + k, sizeof(buf) - k, "]");
    return arena_strdup(a, buf);
}

enum { R_ID, R_NAME, R_ID_HASH, R_BIRTH, R_PHONE_HASH, R_ORIGIN_CODE, R_ORIGIN };
enum { G_ID, G_PLACE, G_NAME, G_ID_HASH, G_BIRTH, G_PHONE_HASH, G_ORIGIN_CODE, G_ORIGIN };

static void person_of(const struct dbrows *rows, int i, int first, struct match_person *p)
{
    p->name = dbrows_get(rows, i, first);
    p->id_hash = dbrows_get(rows, i, first + 1);
    p->birth_date = dbrows_get(rows, i, first + 2);
    p->phone_hash = dbrows_get(rows, i, first + 3);
    p->origin_code = dbrows_get(rows, i, first + 4);
    p->origin = dbrows_get(rows, i, first + 5);
}

static int run_load(struct db *db, struct arena *a, const char *place, struct dbrows *regs,
                    struct dbrows *rosters, struct err *e)
{
    int rc = db_query(db, a, regs, e,
                      "SELECT g.id, g.place_code, r.name, r.id_number_hash, r.birth_date, "
                      "r.phone_hash, g.origin_code, g.origin FROM registrations g JOIN residents "
                      "r ON r.id = g.resident_id WHERE g.place_code LIKE ? AND g.left_on IS NULL "
                      "AND g.archived_at IS NULL AND r.archived_at IS NULL AND NOT EXISTS (SELECT "
                      "1 FROM party_members m WHERE m.resident_id = g.resident_id AND "
                      "m.archived_at IS NULL) ORDER BY g.id",
                      DB_ARGS(DBS(arena_printf(a, "%s%%", place))));
    if (rc != ERR_OK)
        return rc;
    return db_query(db, a, rosters, e,
                    "SELECT id, name, id_number_hash, birth_date, phone_hash, origin_code, origin "
                    "FROM party_rosters WHERE archived_at IS NULL ORDER BY id",
                    DB_NOARGS);
}

int match_run(struct store *s, struct reg_ctx *c, const char *place, struct match_stats *st,
              struct err *e)
{
    double start = time_mono();
    memset(st, 0, sizeof(*st));
    if (place == NULL || *place == '\0' || strspn(place, "0123456789") != strlen(place) ||
        place_level_of(place) == PL_NONE)
        return err_set(e, ERR_INVALID, "place", "place 须为区划或网格代码");
    struct target t = {.place = place};
    if (c->enforce && !authz_verb_allow(c->user, reg_mobile_matches.grants, V_WRITE, &t))
        return err_set(e, ERR_FORBIDDEN, "place", "%s 不在您的流动党员排查范围内", place);

    struct arena a;
    struct dbrows regs, rosters, exists;
    arena_init(&a, 0);
    struct db *db = store_acquire(s);
    int rc =
        db_query(db, &a, &exists, e, "SELECT 1 FROM places WHERE code = ?", DB_ARGS(DBS(place)));
    if (rc == ERR_OK && exists.nrows == 0)
        rc = err_set(e, ERR_NOT_FOUND, "place", "没有区划代码为 %s 的地点", place);
    if (rc == ERR_OK)
        rc = run_load(db, &a, place, &regs, &rosters, e);
    store_release(s, db);
    if (rc != ERR_OK) {
        arena_free(&a);
        return rc;
    }
    st->registrations = regs.nrows;
    st->rosters = rosters.nrows;

    /* the blocks: identity hash, birth date, phone hash, name */
    int n = rosters.nrows;
    struct block by_id, by_birth, by_phone, by_name;
    block_init(&by_id, n);
    block_init(&by_birth, n);
    block_init(&by_phone, n);
    block_init(&by_name, n);
    for (int i = 0; i < n; i++) {
        char buf[NAME_MAX_CHARS * 12];
        block_add(&by_id, i, dbrows_get(&rosters, i, R_ID_HASH));
        block_add(&by_birth, i, dbrows_get(&rosters, i, R_BIRTH));
        block_add(&by_phone, i, dbrows_get(&rosters, i, R_PHONE_HASH));
        const char *nk = name_key(dbrows_get(&rosters, i, R_NAME), buf, sizeof(buf));
        block_add(&by_name, i, nk ? arena_strdup(&a, nk) : NULL);
    }
    int *seen = xcalloc((size_t)(n ? n : 1), sizeof(int));
    int *cands = xmalloc(sizeof(int) * (size_t)(n ? n : 1)); /* each row at most once */
    struct run run = {.a = &a};
    long pcap = 0;

    for (int g = 0; g < regs.nrows; g++) {
        struct match_person rp, pp;
        char buf[NAME_MAX_CHARS * 12], swapped[11];
        int nc = 0;
        person_of(&regs, g, G_NAME, &rp);
        probe(&by_id, rp.id_hash, g, seen, cands, &nc);
        probe(&by_phone, rp.phone_hash, g, seen, cands, &nc);
        probe(&by_birth, rp.birth_date, g, seen, cands, &nc);
        if (is_date(rp.birth_date) && memcmp(rp.birth_date + 5, rp.birth_date + 8, 2) != 0) {
            snprintf(swapped, sizeof(swapped), "%.4s-%.2s-%.2s", rp.birth_date, rp.birth_date + 8,
                     rp.birth_date + 5);
            probe(&by_birth, swapped, g, seen, cands, &nc);
        }
        probe(&by_name, name_key(rp.name, buf, sizeof(buf)), g, seen, cands, &nc);
        st->compared += nc;
        for (int k = 0; k < nc; k++) {
            const char *why[MATCH_MAX_REASONS];
            int nwhy;
            person_of(&rosters, cands[k], R_NAME, &pp);
            int score = match_score(&rp, &pp, why, &nwhy);
            if (score < MATCH_THRESHOLD)
                continue;
            if (run.npairs == pcap) {
                pcap = pcap ? pcap * 2 : 256;
                run.pairs = xrealloc(run.pairs, sizeof(struct pair) * (size_t)pcap);
            }
            run.pairs[run.npairs++] = (struct pair){
                .registration = dbrows_int(&regs, g, G_ID),
                .roster = dbrows_int(&rosters, cands[k], R_ID),
                .place = dbrows_get(&regs, g, G_PLACE),
                .score = score,
                .reasons = reasons_json(&a, why, nwhy),
            };
            st->exact += score == MATCH_EXACT;
        }
    }
    free(seen);
    free(cands);
    block_free(&by_id);
    block_free(&by_birth);
    block_free(&by_phone);
    block_free(&by_name);
    st->found = run.npairs;
    rc = run.npairs > 0 ? store_write(s, store_pairs_fn, &run, e) : ERR_OK;
    if (rc == ERR_OK) {
        st->proposed = run.proposed;
        st->known = st->found - st->proposed;
    }
    free(run.pairs);
    arena_free(&a);
    st->seconds = time_mono() - start;
    return rc;
}

void match_stats_json(struct jsonw *w, const char *place, const struct match_stats *st)
{
    char secs[32];
    jw_obj(w);
    jw_kstr(w, "place", place);
    jw_kint(w, "registrations", st->registrations);
    jw_kint(w, "rosters", st->rosters);
    jw_kint(w, "compared", st->compared);
    jw_kint(w, "threshold", MATCH_THRESHOLD);
    jw_kint(w, "found", st->found);
    jw_kint(w, "exact", st->exact);
    jw_kint(w, "proposed", st->proposed);
    jw_kint(w, "known", st->known);
    snprintf(secs, sizeof(secs), "%.3f", st->seconds);
    jw_key(w, "seconds");
    jw_raw(w, secs);
    jw_end_obj(w);
}

/* ---- decisions ---- */

struct decision {
    struct reg_ctx *c;
    const char *match_id, *org_id, *text;
};

static const char *status_label(const char *status)
{
    const struct reg_option *o = reg_mobile_matches.fields[MM_STATUS].options;
    for (; o->value != NULL; o++)
        if (strcmp(o->value, status) == 0)
            return o->label;
    return status;
}

/* The match, in the caller's scope to read and to write, still a candidate. */
static int candidate_get(struct db *db, struct reg_ctx *c, const char *id, const char *verb_zh,
                         struct reg_rec *m, struct err *e)
{
    int rc = reg_get(db, c, &reg_mobile_matches, id, m, e);
    if (rc != ERR_OK)
        return rc;
    if (c->enforce && !reg_allows(c->user, &reg_mobile_matches, V_WRITE, m))
        return err_set(e, ERR_FORBIDDEN, "place", "该排查记录不在您的管辖范围内");
    if (strcmp(m->v[MM_STATUS], "candidate") != 0)
        return err_set(e, ERR_CONFLICT, "status", "该匹配%s，不能再%s",
                       status_label(m->v[MM_STATUS]), verb_zh);
    return ERR_OK;
}

static int decide(struct db *db, struct reg_ctx *c, const struct reg_rec *m, const char *status,
                  const char *text, const char *member, struct err *e)
{
    int64_t now = time(NULL);
    int rc =
        db_exec(db, e,
                "UPDATE mobile_matches SET status = ?, decision = ?, decided_by = ?, "
                "decided_at = ?, member_id = ?, updated_at = ? WHERE id = ? AND status = "
                "'candidate'",
                DB_ARGS(DBS(status), DBS(text), c->user_id ? DBI(c->user_id) : DBNULL, DBI(now),
                        member ? DBI(strtoll(member, NULL, 10)) : DBNULL, DBI(now), DBI(m->id)));
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_CONFLICT, "status", "该匹配已被处理");
    return reg_counters_changed(db, c, &reg_mobile_matches, m, m->key, e);
}

static int audit(struct db *db, struct reg_ctx *c, const struct reg_rec *m, const char *action,
                 json_t *detail, struct err *e)
{
    char *text = json_dumps(detail, JSON_COMPACT);
    json_decref(detail);
    int rc = db_exec(db, e,
                     "INSERT INTO audit_log (at, user_id, action, object, detail) VALUES (?, ?, "
                     "?, ?, ?)",
                     DB_ARGS(DBI(time(NULL)), c->user_id ? DBI(c->user_id) : DBNULL, DBS(action),
                             DBS(arena_printf(c->a, "%s:%s", reg_mobile_matches.name, m->key)),
                             DBS(text)));
    free(text);
    return rc < 0 ? rc : ERR_OK;
}

static int confirm_fn(struct db *db, void *arg, struct err *e)
{
    struct decision *d = arg;
    struct reg_ctx *c = d->c;
    struct reg_rec m, org, mem;
    struct dbrows rows;
    int rc = candidate_get(db, c, d->match_id, "确认", &m, e);
    if (rc != ERR_OK)
        return rc;

    /* the organisation: one the caller sees, at or above the match's place */
    struct err oe = {0};
    char *end;
    if (d->org_id == NULL || strtoll(d->org_id, &end, 10) <= 0 || *end != '\0')
        return err_set(e, ERR_INVALID, "org", "请选择接收的党组织（org）");
    rc = reg_get(db, c, &reg_party_orgs, d->org_id, &org, &oe);
    if (rc == ERR_NOT_FOUND || rc == ERR_FORBIDDEN || (rc == ERR_OK && org.archived_at != 0))
        return err_set(e, ERR_INVALID, "org", "没有编号 %s 的党组织，或不在您的管辖范围内",
                       d->org_id);
    if (rc != ERR_OK) {
        *e = oe;
        return rc;
    }
    const char *op = org.v[PO_PLACE], *mp = m.v[MM_PLACE];
    if (strncmp(mp, op, strlen(op)) != 0)
        return err_set(e, ERR_INVALID, "org", "党组织 %s 所在区域 %s 不包含 %s", d->org_id, op, mp);

    /* the member: the registration's resident, from the roster's organisation */
    rc = db_query(db, c->a, &rows, e,
                  "SELECT g.resident_id, p.origin_org, p.origin FROM mobile_matches x JOIN "
                  "registrations g ON g.id = x.registration_id JOIN party_rosters p ON p.id = "
                  "x.roster_id WHERE x.id = ?",
                  DB_ARGS(DBI(m.id)));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows != 1)
        return err_set(e, ERR_NOT_FOUND, "id", "排查记录 %s 的登记或名单已不存在", m.key);
    const char *origin_org = dbrows_get(&rows, 0, 1);
    if (!known(origin_org))
        origin_org = dbrows_get(&rows, 0, 2);
    reg_rec_init(&reg_party_members, c->a, &mem);
    static const int given[] = {PM_RESIDENT, PM_ORG, PM_PLACE, PM_STATUS, PM_ORIGIN_ORG};
    mem.v[PM_RESIDENT] = dbrows_get(&rows, 0, 0);
    mem.v[PM_ORG] = org.key;
    mem.v[PM_PLACE] = mp;
    mem.v[PM_STATUS] = "mobile_in";
    mem.v[PM_ORIGIN_ORG] = origin_org;
    for (size_t i = 0; i < ARRAY_LEN(given); i++)
        mem.given[given[i]] = mem.v[given[i]] != NULL;
    if ((rc = reg_check(&reg_party_members, c->a, &mem, 1, e)) != ERR_OK)
        return rc;
    if (c->enforce && !reg_allows(c->user, &reg_party_members, V_WRITE, &mem))
        return err_set(e, ERR_FORBIDDEN, "place", "您不能在 %s 登记党员", mp);
    /* the references were checked in the caller's scope above (the match, the organisation);
     * the resident comes with the match, so the engine inserts as the system (a party office
     * writes members but does not read the residents registry) */
    struct reg_ctx sys = {.a = c->a, .user_id = c->user_id, .cache = c->cache};
    rc = reg_insert(db, &sys, &reg_party_members, &mem, e);
    if (rc == ERR_CONFLICT && strcmp(e->field, "resident") == 0)
        return err_set(e, ERR_CONFLICT, "resident", "该居民已是党员（居民编号 %s）",
                       mem.v[PM_RESIDENT]);
    if (rc != ERR_OK)
        return rc;
    if ((rc = decide(db, c, &m, "confirmed", d->text, mem.key, e)) != ERR_OK)
        return rc;
    return audit(db, c, &m, "match.confirm",
                 json_pack("{s:I, s:I, s:s?}", "org", (json_int_t)org.id, "member",
                           (json_int_t)mem.id, "note", d->text),
                 e);
}

static int reject_fn(struct db *db, void *arg, struct err *e)
{
    struct decision *d = arg;
    struct reg_rec m;
    int rc = candidate_get(db, d->c, d->match_id, "排除", &m, e);
    if (rc != ERR_OK || (rc = decide(db, d->c, &m, "rejected", d->text, NULL, e)) != ERR_OK)
        return rc;
    return audit(db, d->c, &m, "match.reject", json_pack("{s:s}", "reason", d->text), e);
}

/* A decision's text: NULL when blank, at most 200 characters. */
static int text_ok(const char **text, const char *field, int required, struct err *e)
{
    if (*text != NULL && (*text)[strspn(*text, " \t\r\n")] == '\0')
        *text = NULL;
    if (*text == NULL && required)
        return err_set(e, ERR_INVALID, field, "请填写排除理由（%s）", field);
    if (*text != NULL && (utf8_chars(*text) < 0 || utf8_chars(*text) > 200))
        return err_set(e, ERR_INVALID, field, "%s 最多 200 字", field);
    return ERR_OK;
}

int match_confirm(struct store *s, struct reg_ctx *c, const char *match_id, const char *org_id,
                  const char *note, struct err *e)
{
    struct decision d = {c, match_id, org_id, note};
    if (text_ok(&d.text, "note", 0, e) != ERR_OK)
        return e->code;
    return store_write(s, confirm_fn, &d, e);
}

int match_reject(struct store *s, struct reg_ctx *c, const char *match_id, const char *reason,
                 struct err *e)
{
    struct decision d = {c, match_id, NULL, reason};
    if (text_ok(&d.text, "reason", 1, e) != ERR_OK)
        return e->code;
    return store_write(s, reject_fn, &d, e);
}
