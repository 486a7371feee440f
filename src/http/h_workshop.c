/* h_workshop.c - reads across the community-economy and task-board registries over HTTP: a
 * community company's dividends per shareholder community, a workshop's income per participant
 * and month, the task board with its roll-up, and the overdue targets. Handlers only parse, call
 * the domain once and render. */
#include "core/jsonw.h"
#include "domain/company.h"
#include "domain/place.h"
#include "domain/tasks.h"
#include "domain/workshop.h"
#include "http/http.h"

#include <string.h>

static void ctx_init(struct req *rq, struct reg_ctx *c)
{
    *c = (struct reg_ctx){.a = &rq->arena, .user = rq->user, .enforce = 1};
    c->user_id = rq->user ? rq->user->id : 0;
}

static int place_or_reply(struct req *rq, const char **out)
{
    const char *p;
    if (req_query_text(rq, "place", 17, &p) != 0)
        return -1;
    if (p == NULL || strspn(p, "0123456789") != strlen(p) || place_level_of(p) == PL_NONE) {
        reply_code(rq, ERR_INVALID, "place", "'place' is a place code");
        return -1;
    }
    *out = p;
    return 0;
}

static int reply_or_err(struct req *rq, int rc, struct jsonw *w, struct err *e)
{
    if (rc != ERR_OK) {
        buf_free(&w->b);
        return reply_err(rq, e);
    }
    return reply_jw(rq, 200, w);
}

/* GET /api/v1/companies/{id}/dividends?year=: each year's dividends per shareholder community. */
int company_dividends_h(struct req *rq)
{
    struct reg_ctx c;
    struct err e = {0};
    struct jsonw w;
    int64_t year = 0;
    ctx_init(rq, &c);
    if (req_query_int(rq, "year", 2000, 2100, &year) != 0)
        return -1;
    jw_init(&w, 4 << 20);
    return reply_or_err(rq, company_dividends(req_db(rq), &c, req_param(rq, 0), (int)year, &w, &e),
                        &w, &e);
}

static int month_or_reply(struct req *rq, const char *name, const char *dflt, const char **out)
{
    const char *v;
    char norm[8];
    struct err e = {0};
    if (req_query_text(rq, name, 16, &v) != 0)
        return -1;
    if (v == NULL || *v == '\0') {
        *out = dflt;
        return 0;
    }
    if (field_check_month(v, norm, sizeof(norm), name, &e) != ERR_OK) {
        reply_err(rq, &e);
        return -1;
    }
    *out = arena_strdup(&rq->arena, norm);
    return 0;
}

/* GET /api/v1/workshops/{id}/income?from=YYYY-MM&to=YYYY-MM */
int workshop_income_h(struct req *rq)
{
    struct reg_ctx c;
    struct err e = {0};
    struct jsonw w;
    const char *from, *to;
    ctx_init(rq, &c);
    if (month_or_reply(rq, "from", "2000-01", &from) != 0 ||
        month_or_reply(rq, "to", "2100-12", &to) != 0)
        return -1;
    if (strcmp(from, to) > 0)
        return reply_code(rq, ERR_INVALID, "to", "'to' comes before 'from'");
    jw_init(&w, 8 << 20);
    return reply_or_err(rq, workshop_income(req_db(rq), &c, req_param(rq, 0), from, to, &w, &e), &w,
                        &e);
}

/* GET /api/v1/tasks/board?place=&area=&task=: the board and its roll-up. */
int task_board_h(struct req *rq)
{
    struct reg_ctx c;
    struct err e = {0};
    struct jsonw w;
    const char *place;
    int64_t area = 0, task = 0;
    char today[11];
    ctx_init(rq, &c);
    if (place_or_reply(rq, &place) != 0 || req_query_int(rq, "area", 1, INT64_MAX, &area) != 0 ||
        req_query_int(rq, "task", 1, INT64_MAX, &task) != 0)
        return -1;
    task_today(today);
    jw_init(&w, 8 << 20);
    return reply_or_err(rq, task_board(req_db(rq), &c, place, area, task, today, &w, &e), &w, &e);
}

/* GET /api/v1/tasks/overdue?place=: the targets past their due date, oldest first. */
int task_overdue_h(struct req *rq)
{
    struct reg_ctx c;
    struct err e = {0};
    struct jsonw w;
    const char *place;
    char today[11];
    ctx_init(rq, &c);
    if (place_or_reply(rq, &place) != 0)
        return -1;
    task_today(today);
    jw_init(&w, 8 << 20);
    return reply_or_err(rq, task_overdue(req_db(rq), &c, place, today, &w, &e), &w, &e);
}
