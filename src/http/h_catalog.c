/* h_catalog.c - the service catalogue (public reads, district administrators write) and the
 * departments that handle cases. */
#include "http/http.h"
#include "core/json.h"
#include "domain/catalog.h"

#include <stdio.h>
#include <string.h>

/* GET /api/v1/categories[?all=1]: the active categories with their attributes; all=1 adds the
 * inactive ones for operators. */
int category_list_h(struct req *rq)
{
    struct err e = {0};
    struct category *cs;
    int n, all = 0, active_only = 1;

    if (req_query_bool(rq, "all", &all) != 0)
        return -1;
    if (all) {
        if (rq->user == NULL)
            return reply_code(rq, ERR_UNAUTHORIZED, NULL, "login required to list all categories");
        if (!authz_has(rq->user, PERM_OPS))
            return reply_code(rq, ERR_FORBIDDEN, NULL, "only operators list inactive categories");
        active_only = 0;
    }
    if (category_list(req_db(rq), &rq->arena, active_only, &cs, &n, &e) != ERR_OK)
        return reply_err(rq, &e);
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, category_json(&cs[i], 1));
    return reply_json(rq, 200, json_pack("{s:o}", "items", items));
}

/* GET /api/v1/categories/{code} */
int category_get_h(struct req *rq)
{
    struct err e = {0};
    struct category c;
    if (category_get(req_db(rq), &rq->arena, req_param(rq, 0), &c, &e) != ERR_OK)
        return reply_err(rq, &e);
    /* an inactive category is hidden from all but the district's operators, as in the list */
    if (!c.active && !authz_has(rq->user, PERM_OPS))
        return reply_code(rq, ERR_NOT_FOUND, "code", "no such category");
    return reply_json(rq, 200, category_json(&c, 1));
}

/* PUT /api/v1/categories/{code}: create (201) or replace (200) a category and its attributes. */
int category_put_h(struct req *rq)
{
    struct err e = {0};
    struct category in, c;
    const char *code = req_param(rq, 0);
    int created;

    if (category_from_json(rq->json, &rq->arena, code, &in, &e) != ERR_OK ||
        category_save(req_store(rq), &in, &created, &e) != ERR_OK ||
        category_get(req_db(rq), &rq->arena, code, &c, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, created ? 201 : 200, category_json(&c, 1));
}
