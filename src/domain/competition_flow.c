/* competition_flow.c - the actions on a competition's round: judges score, the server ranks
 * (live until publication), publication freezes the round, and every score and the published
 * ranking are rows of the round's hash chain, kept as cases' timelines are (case_event_mac,
 * verified by timeline_chain_verify in gridgov audit verify). */
#include "domain/competition.h"
#include "core/json.h"
#include "core/util.h"
#include "domain/place.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct chain_def chain = {"competitions", "competition_events", "competition_id",
                                       "competition"};

/* Everything a ranking needs, read in a few queries. */
struct round {
    int64_t id;
    const char *county, *status, *period, *kind, *published_at;
    struct comp_criterion *cr;
    int ncr;
    int64_t *entries;
    const char **entry_names, **entry_places;
    int nen;
    int64_t *judges;
    const char **judge_names;
    int nj;
    struct comp_score *sc;
    int nsc;
    int64_t *figures;
};

/* The round of id, or 404 (archived rounds too). No scope check: callers decide who sees it. */
static int round_head(struct db *db, struct arena *a, const char *id, struct round *rd,
                      struct err *e)
{
    struct dbrows rows;
    char *end;
    memset(rd, 0, sizeof(*rd));
    rd->id = strtoll(id, &end, 10);
    if (rd->id <= 0 || *end != '\0')
        return err_set(e, ERR_NOT_FOUND, "id", "没有编号 %.20s 的评比", id);
    int rc = db_query(db, a, &rows, e,
                      "SELECT county, status, period, entry_kind, published_at FROM competitions "
                      "WHERE id = ? AND archived_at IS NULL",
                      DB_ARGS(DBI(rd->id)));
    if (rc != ERR_OK)
        return rc;
    if (rows.nrows == 0)
        return err_set(e, ERR_NOT_FOUND, "id", "没有编号 %.20s 的评比", id);
    rd->county = dbrows_get(&rows, 0, 0);
    rd->status = dbrows_get(&rows, 0, 1);
    rd->period = dbrows_get(&rows, 0, 2);
    rd->kind = dbrows_get(&rows, 0, 3);
    rd->published_at = dbrows_get(&rows, 0, 4);
    return ERR_OK;
}

static int is_judge(struct db *db, struct arena *a, const struct round *rd, int64_t user,
                    struct err *e)
{
    struct dbrows rows;
    int rc = db_query(db, a, &rows, e,
                      "SELECT 1 FROM competition_judges WHERE competition_id = ? AND user_id = ?",
                      DB_ARGS(DBI(rd->id), DBI(user)));
    return rc != ERR_OK ? rc : rows.nrows > 0;
}

/* On-time closure of the cases under place closed in [from, to]: per cent in COMP_SCALE units
 * (no closed case: 0). */
static int ontime_figure(struct db *db, struct arena *a, const char *place, const char *from,
                         const char *to, int64_t *out, struct err *e)
{
    struct dbrows rows;
    int64_t t0 = 0, t1 = 0;
    time_parse_iso(from, &t0, NULL);
    time_parse_iso(to, &t1, NULL);
    int rc = db_query(db, a, &rows, e,
                      "SELECT count(*), coalesce(sum(on_time), 0) FROM cases WHERE place_code LIKE "
                      "? AND closed_at >= ? AND closed_at < ?",
                      DB_ARGS(DBS(arena_printf(a, "%s%%", place)), DBI(t0), DBI(t1 + 86400)));
    if (rc != ERR_OK)
        return rc;
    int64_t n = dbrows_int(&rows, 0, 0), ok = dbrows_int(&rows, 0, 1);
    *out = n > 0 ? (ok * 100 * COMP_SCALE * 2 + n) / (2 * n) : 0;
    return ERR_OK;
}

static int round_load(struct db *db, struct arena *a, struct round *rd, struct err *e)
{
    struct dbrows cr, en, jd, sc;
    int rc;
    if ((rc = db_query(db, a, &cr, e,
                       "SELECT id, name, weight, rule FROM competition_criteria WHERE "
                       "competition_id = ? ORDER BY id",
                       DB_ARGS(DBI(rd->id)))) != ERR_OK ||
        (rc = db_query(db, a, &en, e,
                       "SELECT id, name, entry_place FROM competition_entries WHERE "
                       "competition_id = ? ORDER BY id",
                       DB_ARGS(DBI(rd->id)))) != ERR_OK ||
        (rc = db_query(db, a, &jd, e,
                       "SELECT j.user_id, u.display_name FROM competition_judges j JOIN users u "
                       "ON u.id = j.user_id WHERE j.competition_id = ? ORDER BY j.id",
                       DB_ARGS(DBI(rd->id)))) != ERR_OK ||
        (rc = db_query(db, a, &sc, e,
                       "SELECT s.entry_id, s.criterion_id, s.judge_user_id, s.score FROM "
                       "competition_scores s JOIN competition_judges j ON j.competition_id = "
                       "s.competition_id AND j.user_id = s.judge_user_id WHERE s.competition_id "
                       "= ? ORDER BY s.entry_id, s.criterion_id, s.judge_user_id",
                       DB_ARGS(DBI(rd->id)))) != ERR_OK)
        return rc;
    rd->ncr = cr.nrows;
    rd->cr = arena_alloc(a, sizeof(*rd->cr) * (size_t)(cr.nrows + 1));
    for (int i = 0; i < cr.nrows; i++) {
        rd->cr[i].id = dbrows_int(&cr, i, 0);
        rd->cr[i].name = dbrows_get(&cr, i, 1);
        rd->cr[i].weight = (int)dbrows_int(&cr, i, 2);
        rd->cr[i].rule = strcmp(dbrows_get(&cr, i, 3), "judges") == 0 ? CR_JUDGES : CR_ONTIME;
    }
    rd->nen = en.nrows;
    rd->entries = arena_alloc(a, sizeof(int64_t) * (size_t)(en.nrows + 1));
    rd->entry_names = arena_alloc(a, sizeof(char *) * (size_t)(en.nrows + 1));
    rd->entry_places = arena_alloc(a, sizeof(char *) * (size_t)(en.nrows + 1));
    for (int i = 0; i < en.nrows; i++) {
        rd->entries[i] = dbrows_int(&en, i, 0);
        rd->entry_names[i] = dbrows_get(&en, i, 1);
        rd->entry_places[i] = dbrows_get(&en, i, 2);
    }
    rd->nj = jd.nrows;
    rd->judges = arena_alloc(a, sizeof(int64_t) * (size_t)(jd.nrows + 1));
    rd->judge_names = arena_alloc(a, sizeof(char *) * (size_t)(jd.nrows + 1));
    for (int i = 0; i < jd.nrows; i++) {
        rd->judges[i] = dbrows_int(&jd, i, 0);
        rd->judge_names[i] = dbrows_get(&jd, i, 1);
    }
    rd->nsc = sc.nrows;
    rd->sc = arena_alloc(a, sizeof(*rd->sc) * (size_t)(sc.nrows + 1));
    for (int i = 0; i < sc.nrows; i++) {
        rd->sc[i] = (struct comp_score){dbrows_int(&sc, i, 0), dbrows_int(&sc, i, 1),
                                        dbrows_int(&sc, i, 2), (int)dbrows_int(&sc, i, 3)};
    }
    /* figures from cases for the criteria that take them, per place entry */
    rd->figures = arena_alloc(a, sizeof(int64_t) * (size_t)(rd->nen * rd->ncr + 1));
    memset(rd->figures, 0, sizeof(int64_t) * (size_t)(rd->nen * rd->ncr + 1));
    char from[11], to[11];
    cadre_period_days(rd->period, from, to);
    for (int k = 0; k < rd->ncr; k++) {
        if (rd->cr[k].rule != CR_ONTIME)
            continue;
        for (int i = 0; i < rd->nen; i++) {
            if (rd->entry_places[i] == NULL)
                continue;
            rc = ontime_figure(db, a, rd->entry_places[i], from, to, &rd->figures[i * rd->ncr + k],
                               e);
            if (rc != ERR_OK)
                return rc;
        }
    }
    return ERR_OK;
}

static void write_ranking(struct jsonw *w, struct arena *a, const struct round *rd)
{
    struct comp_result *res = arena_alloc(a, sizeof(*res) * (size_t)(rd->nen + 1));
    comp_rank(a, rd->cr, rd->ncr, rd->entries, rd->nen, rd->sc, rd->nsc, rd->nj, rd->figures, res);
    int complete = rd->nen > 0 && rd->ncr > 0;
    for (int i = 0; i < rd->nen; i++)
        complete &= res[i].complete;
    jw_kint(w, "weights", comp_weight_sum(rd->cr, rd->ncr));
    jw_kstr(w, "tie_rule", comp_tie_rule);
    jw_key(w, "complete");
    jw_bool(w, complete);
    jw_key(w, "criteria");
    jw_arr(w);
    for (int k = 0; k < rd->ncr; k++) {
        jw_obj(w);
        jw_kint(w, "id", rd->cr[k].id);
        jw_kstr(w, "name", rd->cr[k].name);
        jw_kint(w, "weight", rd->cr[k].weight);
        jw_kstr(w, "rule", rd->cr[k].rule == CR_JUDGES ? "judges" : "ontime_closure");
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_key(w, "judges");
    jw_arr(w);
    for (int j = 0; j < rd->nj; j++) {
        jw_obj(w);
        jw_kint(w, "user", rd->judges[j]);
        jw_kstr(w, "name", rd->judge_names[j]);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_key(w, "ranking");
    jw_arr(w);
    for (int i = 0; i < rd->nen; i++) {
        const char *name = "";
        for (int k = 0; k < rd->nen; k++)
            name = rd->entries[k] == res[i].entry ? rd->entry_names[k] : name;
        jw_obj(w);
        jw_kint(w, "rank", res[i].rank);
        jw_kint(w, "entry", res[i].entry);
        jw_kstr(w, "name", name);
        jw_key(w, "total");
        jw_raw(w, comp_value_text(a, res[i].total));
        jw_key(w, "complete");
        jw_bool(w, res[i].complete);
        jw_key(w, "values");
        jw_arr(w);
        for (int k = 0; k < rd->ncr; k++) {
            jw_obj(w);
            jw_kint(w, "criterion", rd->cr[k].id);
            jw_key(w, "value");
            jw_raw(w, comp_value_text(a, res[i].value[k]));
            if (rd->cr[k].rule == CR_JUDGES)
                jw_kint(w, "scores", res[i].nscores[k]);
            jw_end_obj(w);
        }
        jw_end_arr(w);
        jw_end_obj(w);
    }
    jw_end_arr(w);
}

/* ---- the chain ---- */

static int history_append(struct db *db, struct reg_ctx *c, const struct round *rd,
                          const char *action, const char *from, const char *to, const char *note,
                          const char *data, struct err *e)
{
    struct dbrows rows;
    int64_t now = time(NULL);
    /* the update takes the round's row lock first (PostgreSQL), so rows are appended in turn */
    int rc = db_exec(db, e, "UPDATE competitions SET updated_at = ? WHERE id = ?",
                     DB_ARGS(DBI(now), DBI(rd->id)));
    if (rc < 0 ||
        (rc = db_query(db, c->a, &rows, e,
                       "SELECT timeline_seq, timeline_head FROM competitions WHERE id = ?",
                       DB_ARGS(DBI(rd->id)))) != ERR_OK)
        return rc;
    int64_t seq = dbrows_int(&rows, 0, 0) + 1;
    const char *prev = dbrows_get(&rows, 0, 1);
    const char *actor = c->user != NULL ? c->user->username : "system";
    char hash[65];
    case_event_mac(prev, rd->id, seq, now, c->user_id, actor, action, from, to, note, data, 1,
                   hash);
    rc = db_exec(db, e,
                 "INSERT INTO competition_events (county, competition_id, seq, at, actor_user_id, "
                 "actor, action, from_status, to_status, note, data, public, prev_hash, hash) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                 DB_ARGS(DBS(rd->county), DBI(rd->id), DBI(seq), DBI(now),
                         c->user_id ? DBI(c->user_id) : DBNULL, DBS(actor), DBS(action), DBS(from),
                         DBS(to), DBS(note), DBS(data), DBS(prev), DBS(hash)));
    if (rc < 0)
        return rc;
    rc = db_exec(db, e, "UPDATE competitions SET timeline_seq = ?, timeline_head = ? WHERE id = ?",
                 DB_ARGS(DBI(seq), DBS(hash), DBI(rd->id)));
    return rc < 0 ? rc : ERR_OK;
}

int competition_audit_verify(struct db *db, struct audit_report *out, struct err *e)
{
    memset(out, 0, sizeof(*out));
    return timeline_chain_verify(db, &chain, out, e);
}

/* ---- scores ---- */

struct score_job {
    struct reg_ctx *c;
    const char *id;
    const json_t *scores;
};

static int score_fn(struct db *db, void *arg, struct err *e)
{
    struct score_job *j = arg;
    struct reg_ctx *c = j->c;
    struct round rd;
    struct dbrows rows;
    int rc = round_head(db, c->a, j->id, &rd, e);
    if (rc != ERR_OK)
        return rc;
    if ((rc = is_judge(db, c->a, &rd, c->user_id, e)) < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_FORBIDDEN, "competition", "您不是评比 %s 的评委", j->id);
    if (strcmp(rd.status, "published") == 0)
        return err_set(e, ERR_CONFLICT, "competition", "评比 %s 已发布，评分已冻结", j->id);
    if (!json_is_array(j->scores) || json_array_size(j->scores) == 0 ||
        json_array_size(j->scores) > 1000)
        return err_set(e, ERR_INVALID, "scores", "scores 须为 1 到 1000 项评分的列表");
    int64_t now = time(NULL);
    json_t *logged = json_array();
    size_t i;
    json_t *s;
    rc = ERR_OK;
    json_array_foreach(j->scores, i, s)
    {
        static const char *const keys[] = {"entry", "criterion", "score", NULL};
        int64_t entry, crit;
        const json_t *v = json_object_get(s, "score");
        if (!json_is_object(s) || json_only_keys(s, keys, e) != ERR_OK ||
            json_get_int(s, "entry", 1, 1, INT64_MAX, &entry, e) != ERR_OK ||
            json_get_int(s, "criterion", 1, 1, INT64_MAX, &crit, e) != ERR_OK) {
            rc =
                json_is_object(s) ? e->code : err_set(e, ERR_INVALID, "scores", "每项评分须为对象");
            break;
        }
        double x = json_number_value(v), t = round(x * 10);
        if (!json_is_number(v) || x < 0 || x > 100 || fabs(x * 10 - t) > 1e-6) {
            rc = err_set(e, ERR_INVALID, "score", "评分须为 0 到 100 之间的数（最多一位小数）");
            break;
        }
        rc = db_query(db, c->a, &rows, e,
                      "SELECT (SELECT count(*) FROM competition_entries WHERE id = ? AND "
                      "competition_id = ?), (SELECT rule FROM competition_criteria WHERE id = ? "
                      "AND competition_id = ?)",
                      DB_ARGS(DBI(entry), DBI(rd.id), DBI(crit), DBI(rd.id)));
        if (rc != ERR_OK)
            break;
        if (dbrows_int(&rows, 0, 0) == 0) {
            rc = err_set(e, ERR_INVALID, "entry", "评比 %s 没有参评对象 %lld", j->id,
                         (long long)entry);
            break;
        }
        const char *rule = dbrows_get(&rows, 0, 1);
        if (rule == NULL || strcmp(rule, "judges") != 0) {
            rc = err_set(e, ERR_INVALID, "criterion", "评比 %s 没有需评委打分的指标 %lld", j->id,
                         (long long)crit);
            break;
        }
        rc = db_exec(
            db, e,
            "INSERT INTO competition_scores (competition_id, entry_id, criterion_id, "
            "judge_user_id, score, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (entry_id, "
            "criterion_id, judge_user_id) DO UPDATE SET score = excluded.score, at = "
            "excluded.at",
            DB_ARGS(DBI(rd.id), DBI(entry), DBI(crit), DBI(c->user_id), DBI((int64_t)t), DBI(now)));
        if (rc < 0)
            break;
        rc = ERR_OK;
        json_array_append_new(logged,
                              json_pack("{s:I, s:I, s:s}", "entry", (json_int_t)entry, "criterion",
                                        (json_int_t)crit, "score", comp_tenths_text(c->a, (int)t)));
    }
    if (rc == ERR_OK) {
        json_t *data = json_pack("{s:I, s:o}", "judge", (json_int_t)c->user_id, "scores", logged);
        char *text = json_dumps(data, JSON_COMPACT);
        json_decref(data);
        rc = history_append(db, c, &rd, "score", "draft", "draft", "", text, e);
        free(text);
    } else {
        json_decref(logged);
    }
    return rc;
}

int competition_score(struct store *s, struct reg_ctx *c, const char *id, const json_t *scores,
                      struct err *e)
{
    struct score_job j = {c, id, scores};
    return store_write(s, score_fn, &j, e);
}

/* ---- reading ---- */

/* The round as the registry shows it, checked against the caller's scope: or a judge's. */
static int round_visible(struct db *db, struct reg_ctx *c, const char *id, int judges_too,
                         struct round *rd, struct reg_rec *rec, struct err *e)
{
    int rc = round_head(db, c->a, id, rd, e);
    if (rc != ERR_OK)
        return rc;
    struct err ge = {0};
    rc = reg_may(c->user, &reg_competitions, V_READ) || !c->enforce
             ? reg_get(db, c, &reg_competitions, id, rec, &ge)
             : ERR_FORBIDDEN;
    if (rc == ERR_OK)
        return ERR_OK;
    if (rc != ERR_FORBIDDEN) {
        *e = ge;
        return rc;
    }
    if (judges_too) {
        int judge = is_judge(db, c->a, rd, c->user_id, e);
        if (judge < 0)
            return judge;
        if (judge > 0) {
            struct reg_ctx sys = {.a = c->a};
            return reg_get(db, &sys, &reg_competitions, id, rec, e);
        }
    }
    return err_set(e, ERR_FORBIDDEN, "id", "该评比不在您的管辖范围内");
}

int competition_ranking(struct db *db, struct reg_ctx *c, const char *id, struct jsonw *w,
                        struct err *e)
{
    struct round rd;
    struct reg_rec rec;
    int rc = round_visible(db, c, id, 1, &rd, &rec, e);
    if (rc != ERR_OK)
        return rc;
    /* judges see the ranking once it is published, organisers while it is live */
    if (c->enforce && strcmp(rd.status, "published") != 0 &&
        !reg_allows(c->user, &reg_competitions, V_READ, &rec))
        return err_set(e, ERR_FORBIDDEN, "id", "评比发布前，评委只能查看自己的评分表");
    if ((rc = round_load(db, c->a, &rd, e)) != ERR_OK)
        return rc;
    jw_obj(w);
    jw_key(w, "competition");
    reg_write_json(w, c, &reg_competitions, &rec);
    write_ranking(w, c->a, &rd);
    jw_end_obj(w);
    return ERR_OK;
}

int competition_sheet(struct db *db, struct reg_ctx *c, const char *id, struct jsonw *w,
                      struct err *e)
{
    struct round rd;
    int rc = round_head(db, c->a, id, &rd, e);
    if (rc != ERR_OK)
        return rc;
    if ((rc = is_judge(db, c->a, &rd, c->user_id, e)) < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_FORBIDDEN, "id", "您不是评比 %s 的评委", id);
    if ((rc = round_load(db, c->a, &rd, e)) != ERR_OK)
        return rc;
    struct reg_rec rec;
    struct reg_ctx sys = {.a = c->a};
    if ((rc = reg_get(db, &sys, &reg_competitions, id, &rec, e)) != ERR_OK)
        return rc;
    jw_obj(w);
    jw_key(w, "competition");
    reg_write_json(w, &sys, &reg_competitions, &rec);
    jw_key(w, "criteria");
    jw_arr(w);
    for (int k = 0; k < rd.ncr; k++) {
        if (rd.cr[k].rule != CR_JUDGES)
            continue;
        jw_obj(w);
        jw_kint(w, "id", rd.cr[k].id);
        jw_kstr(w, "name", rd.cr[k].name);
        jw_kint(w, "weight", rd.cr[k].weight);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_key(w, "entries");
    jw_arr(w);
    for (int i = 0; i < rd.nen; i++) {
        jw_obj(w);
        jw_kint(w, "id", rd.entries[i]);
        jw_kstr(w, "name", rd.entry_names[i]);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_key(w, "scores");
    jw_arr(w);
    for (int i = 0; i < rd.nsc; i++) {
        if (rd.sc[i].judge != c->user_id)
            continue;
        jw_obj(w);
        jw_kint(w, "entry", rd.sc[i].entry);
        jw_kint(w, "criterion", rd.sc[i].criterion);
        jw_key(w, "score");
        jw_raw(w, comp_tenths_text(c->a, rd.sc[i].tenths));
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}

int competition_history(struct db *db, struct reg_ctx *c, const char *id, struct jsonw *w,
                        struct err *e)
{
    struct round rd;
    struct reg_rec rec;
    struct dbrows rows;
    int rc = round_visible(db, c, id, 0, &rd, &rec, e);
    if (rc != ERR_OK)
        return rc;
    rc = db_query(db, c->a, &rows, e,
                  "SELECT seq, at, actor, action, from_status, to_status, note, data, prev_hash, "
                  "hash FROM competition_events WHERE competition_id = ? ORDER BY seq",
                  DB_ARGS(DBI(rd.id)));
    if (rc != ERR_OK)
        return rc;
    jw_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    for (int i = 0; i < rows.nrows; i++) {
        char when[32];
        time_iso_cst((time_t)dbrows_int(&rows, i, 1), when);
        jw_obj(w);
        jw_kint(w, "seq", dbrows_int(&rows, i, 0));
        jw_kstr(w, "at", when);
        jw_kstr(w, "actor", dbrows_get(&rows, i, 2));
        jw_kstr(w, "action", dbrows_get(&rows, i, 3));
        jw_kstr(w, "from", dbrows_get(&rows, i, 4));
        jw_kstr(w, "to", dbrows_get(&rows, i, 5));
        jw_kstr(w, "note", dbrows_get(&rows, i, 6));
        jw_key(w, "data");
        jw_raw(w, dbrows_get(&rows, i, 7));
        jw_kstr(w, "prev_hash", dbrows_get(&rows, i, 8));
        jw_kstr(w, "hash", dbrows_get(&rows, i, 9));
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return ERR_OK;
}

/* ---- publication ---- */

struct publish_job {
    struct reg_ctx *c;
    const char *id, *note;
};

static int publish_fn(struct db *db, void *arg, struct err *e)
{
    struct publish_job *j = arg;
    struct reg_ctx *c = j->c;
    struct round rd;
    struct reg_rec rec;
    int rc = round_visible(db, c, j->id, 0, &rd, &rec, e);
    if (rc != ERR_OK)
        return rc;
    if (c->enforce && !reg_allows(c->user, &reg_competitions, V_WRITE, &rec))
        return err_set(e, ERR_FORBIDDEN, "id", "您不能发布该评比");
    if (strcmp(rd.status, "published") == 0)
        return err_set(e, ERR_CONFLICT, "status", "评比 %s 已发布", j->id);
    if ((rc = round_load(db, c->a, &rd, e)) != ERR_OK)
        return rc;
    if (comp_weight_sum(rd.cr, rd.ncr) != 100)
        return err_set(e, ERR_CONFLICT, "weight", "各指标权重之和为 %d，须为 100 才能发布",
                       comp_weight_sum(rd.cr, rd.ncr));
    if (rd.nen == 0 || rd.nj == 0)
        return err_set(e, ERR_CONFLICT, rd.nen == 0 ? "entries" : "judges",
                       "评比须有参评对象和评委才能发布");
    struct jsonw w;
    jw_init(&w, 8 << 20);
    jw_obj(&w);
    write_ranking(&w, c->a, &rd);
    jw_end_obj(&w);
    buf_add(&w.b, "", 1);
    json_t *got = json_loads(w.b.data, 0, NULL);
    buf_free(&w.b);
    int complete = json_is_true(json_object_get(got, "complete"));
    char *text = json_dumps(got, JSON_COMPACT);
    json_decref(got);
    if (!complete)
        rc = err_set(e, ERR_CONFLICT, "scores", "尚有评委未完成全部评分，不能发布");
    else
        rc = db_exec(db, e,
                     "UPDATE competitions SET status = 'published', published_at = ?, updated_at "
                     "= ? WHERE id = ? AND status = 'draft'",
                     DB_ARGS(DBI(time(NULL)), DBI(time(NULL)), DBI(rd.id)));
    if (rc >= 0 && complete)
        rc = history_append(db, c, &rd, "publish", "draft", "published",
                            j->note != NULL ? j->note : "", text, e);
    free(text);
    return rc < 0 ? rc : ERR_OK;
}

int competition_publish(struct store *s, struct reg_ctx *c, const char *id, const char *note,
                        struct err *e)
{
    struct publish_job j = {c, id, note};
    return store_write(s, publish_fn, &j, e);
}
