/* h_cadre.c - cadres, competitions, reviews and alliances over HTTP beyond their registries'
 * generic routes: who was on the front line in a period, a round's ranking, a judge's sheet and
 * scores, publication and the round's history, the review's roll-up per street, and an
 * alliance's figures. Handlers parse, call the domain once and render. */
#include "core/json.h"
#include "core/jsonw.h"
#include "core/util.h"
#include "domain/alliance.h"
#include "domain/competition.h"
#include "domain/place.h"
#include "domain/review.h"
#include "http/http.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void ctx_init(struct req *rq, struct reg_ctx *c)
{
    *c = (struct reg_ctx){.a = &rq->arena, .user = rq->user, .enforce = 1};
    c->user_id = rq->user ? rq->user->id : 0;
}

typedef int (*read_fn)(struct db *db, struct reg_ctx *c, const char *id, struct jsonw *w,
                       struct err *e);

/* A read of the record {id} rendered by fn. */
static int read_reply(struct req *rq, read_fn fn)
{
    struct reg_ctx c;
    struct err e = {0};
    struct jsonw w;
    int64_t id;
    if (req_param_id(rq, 0, &id) != 0)
        return -1;
    ctx_init(rq, &c);
    jw_init(&w, 8 << 20);
    if (fn(req_db(rq), &c, req_param(rq, 0), &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}

static int place_query_or_reply(struct req *rq, const char **out)
{
    const char *p = NULL;
    if (req_query_text(rq, "place", 17, &p) != 0)
        return -1;
    if (p == NULL)
        p = "330604";
    if (strspn(p, "0123456789") != strlen(p) || place_level_of(p) == PL_NONE) {
        reply_code(rq, ERR_INVALID, "place", "'place' is a place code");
        return -1;
    }
    *out = p;
    return 0;
}

static int date_query_or_reply(struct req *rq, const char *name, const char *dflt, const char **out)
{
    const char *v = rq->query(rq, name);
    int y, m, d;
    char tail;
    if (v == NULL || *v == '\0') {
        *out = dflt;
        return 0;
    }
    if (strlen(v) != 10 || sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
        d < 1 || d > 31) {
        reply_code(rq, ERR_INVALID, name, "a date YYYY-MM-DD");
        return -1;
    }
    *out = v;
    return 0;
}

/* GET /api/v1/deployments/summary?place=&from=&to=: postings overlapping the period, by kind. */
int deployment_summary_h(struct req *rq)
{
    struct reg_ctx c;
    struct err e = {0};
    struct jsonw w;
    const char *place, *from, *to;
    if (place_query_or_reply(rq, &place) != 0 ||
        date_query_or_reply(rq, "from", "0000-01-01", &from) != 0 ||
        date_query_or_reply(rq, "to", "9999-12-31", &to) != 0)
        return -1;
    ctx_init(rq, &c);
    jw_init(&w, 8 << 20);
    if (deployment_summary(req_db(rq), &c, place, from, to, &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}

/* GET /api/v1/competitions/{id}/ranking */
int competition_ranking_h(struct req *rq)
{
    return read_reply(rq, competition_ranking);
}

/* GET /api/v1/competitions/{id}/sheet: the caller's own scoring sheet, for its judges. */
int competition_sheet_h(struct req *rq)
{
    return read_reply(rq, competition_sheet);
}

/* GET /api/v1/competitions/{id}/history: the round's hash-chained history. */
int competition_history_h(struct req *rq)
{
    return read_reply(rq, competition_history);
}

/* POST /api/v1/competitions/{id}/scores {"scores": [{"entry", "criterion", "score"}]} */
int competition_score_h(struct req *rq)
{
    static const char *const keys[] = {"scores", NULL};
    struct reg_ctx c;
    struct err e = {0};
    int64_t id;
    if (req_param_id(rq, 0, &id) != 0)
        return -1;
    if (json_only_keys(rq->json, keys, &e) != ERR_OK)
        return reply_err(rq, &e);
    const json_t *scores = json_object_get(rq->json, "scores");
    if (!json_is_array(scores))
        return reply_code(rq, ERR_INVALID, "scores", "'scores' is a list of scores");
    ctx_init(rq, &c);
    if (competition_score(req_store(rq), &c, req_param(rq, 0), scores, &e) != ERR_OK)
        return reply_err(rq, &e);
    return read_reply(rq, competition_sheet);
}

/* POST /api/v1/competitions/{id}/publish {"note": "..."}: freeze the round. */
int competition_publish_h(struct req *rq)
{
    static const char *const keys[] = {"note", NULL};
    struct reg_ctx c;
    struct err e = {0};
    const char *note = NULL;
    int64_t id;
    if (req_param_id(rq, 0, &id) != 0)
        return -1;
    if (json_only_keys(rq->json, keys, &e) != ERR_OK ||
        json_get_str(rq->json, "note", JSON_OPTIONAL, 200, &note, &e) != ERR_OK)
        return reply_err(rq, &e);
    ctx_init(rq, &c);
    if (competition_publish(req_store(rq), &c, req_param(rq, 0), note, &e) != ERR_OK)
        return reply_err(rq, &e);
    return read_reply(rq, competition_ranking);
}

/* GET /api/v1/reviews/rollup?place=&round=: the review's status per street. */
int review_rollup_h(struct req *rq)
{
    struct reg_ctx c;
    struct err e = {0};
    struct jsonw w;
    const char *place, *round = NULL;
    char today[32];
    if (place_query_or_reply(rq, &place) != 0 || req_query_text(rq, "round", 20, &round) != 0)
        return -1;
    if (round == NULL)
        return reply_code(rq, ERR_INVALID, "round", "'round' is required");
    time_iso_cst(time(NULL), today);
    today[10] = '\0';
    ctx_init(rq, &c);
    jw_init(&w, 8 << 20);
    if (review_rollup(req_db(rq), &c, place, round, today, &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}

static int period_query_or_reply(struct req *rq, const char *name, const char **out)
{
    struct err e = {0};
    char buf[16];
    const char *v = rq->query(rq, name);
    *out = NULL;
    if (v == NULL || *v == '\0')
        return 0;
    if (strlen(v) >= sizeof(buf) || cadre_check_period(v, buf, sizeof(buf), name, &e) != ERR_OK) {
        if (e.code == ERR_OK)
            err_set(&e, ERR_INVALID, name, "期间须为 YYYY、YYYY-Qn 或 YYYY-MM");
        reply_err(rq, &e);
        return -1;
    }
    *out = v;
    return 0;
}

/* GET /api/v1/alliances/{id}/figures?from=&to=: per metric, the trend and each member's part. */
int alliance_figures_h(struct req *rq)
{
    struct reg_ctx c;
    struct err e = {0};
    struct jsonw w;
    const char *from, *to;
    int64_t id;
    if (req_param_id(rq, 0, &id) != 0 || period_query_or_reply(rq, "from", &from) != 0 ||
        period_query_or_reply(rq, "to", &to) != 0)
        return -1;
    ctx_init(rq, &c);
    jw_init(&w, 8 << 20);
    if (alliance_figures(req_db(rq), &c, req_param(rq, 0), from, to, &w, &e) != ERR_OK) {
        buf_free(&w.b);
        return reply_err(rq, &e);
    }
    return reply_jw(rq, 200, &w);
}
