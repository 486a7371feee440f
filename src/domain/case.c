/* case.c - intake (validation, place resolution, numbering, tracking tokens, idempotency) and
 * reading cases. */
#include "domain/case_int.h"
#include "domain/counters.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/util.h"
#include "domain/compound.h"
#include "domain/photo.h"
#include "domain/place.h"
#include "domain/secret.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CASE_DESC_MAX 4000

const char case_select_sql[] =
    "SELECT c.id, c.county, c.case_no, c.category_code, c.description, c.channel, c.status, "
    "c.place_code, c.grid_code, c.address, c.attributes, c.department_code, "
    "coalesce(c.compound_id, 0), c.lat, c.lon, coalesce(c.reporter_user_id, 0), c.reporter_name, "
    "c.reporter_phone, c.reporter_email, coalesce(c.api_key_id, 0), c.to_grid, "
    "coalesce(c.stage_due_at, 0), c.escalations, coalesce(c.merged_into, 0), c.confirmed, "
    "coalesce(c.rating, 0), c.reopen_count, c.rework_count, coalesce(c.on_time, -1), "
    "c.timeline_seq, c.version, c.created_at, c.updated_at, coalesce(c.closed_at, 0), "
    "c.timeline_head, c.token_box, cat.name, p.name, d.name, (SELECT count(*) FROM extensions x "
    "WHERE x.case_id = c.id AND x.status = 'pending'), c.late, cm.name, "
    "coalesce(c.enterprise_id, 0), coalesce(c.visit_id, 0), ent.name, CASE WHEN c.token_hash IS "
    "NOT NULL AND c.reporter_user_id IS NOT NULL THEN 1 ELSE 0 END "
    "FROM cases c JOIN categories cat ON cat.code = c.category_code "
    "JOIN places p ON p.code = c.place_code "
    "LEFT JOIN departments d ON d.code = c.department_code "
    "LEFT JOIN compounds cm ON cm.id = c.compound_id "
    "LEFT JOIN enterprises ent ON ent.id = c.enterprise_id ";

void case_from_row(const struct dbrows *r, int i, struct case_rec *cs)
{
    memset(cs, 0, sizeof(*cs));
    cs->id = dbrows_int(r, i, 0);
    cs->county = dbrows_get(r, i, 1);
    cs->case_no = dbrows_get(r, i, 2);
    cs->category = dbrows_get(r, i, 3);
    cs->description = dbrows_get(r, i, 4);
    cs->channel = dbrows_get(r, i, 5);
    if (case_status_from_name(dbrows_get(r, i, 6), &cs->status) != ERR_OK)
        cs->status = CS_SUBMITTED;
    cs->place_code = dbrows_get(r, i, 7);
    cs->grid_code = dbrows_get(r, i, 8);
    cs->address = dbrows_get(r, i, 9);
    cs->attributes = dbrows_get(r, i, 10);
    cs->department = dbrows_get(r, i, 11);
    cs->compound_id = dbrows_int(r, i, 12);
    cs->has_point = dbrows_get(r, i, 13) != NULL;
    cs->lat = cs->has_point ? strtod(dbrows_get(r, i, 13), NULL) : 0;
    cs->lon = cs->has_point && dbrows_get(r, i, 14) ? strtod(dbrows_get(r, i, 14), NULL) : 0;
    cs->reporter_user_id = dbrows_int(r, i, 15);
    cs->reporter_name = dbrows_get(r, i, 16);
    cs->reporter_phone = dbrows_get(r, i, 17);
    cs->reporter_email = dbrows_get(r, i, 18);
    cs->api_key_id = dbrows_int(r, i, 19);
    cs->to_grid = (int)dbrows_int(r, i, 20);
    cs->stage_due_at = dbrows_int(r, i, 21);
    cs->escalations = dbrows_int(r, i, 22);
    cs->merged_into = dbrows_int(r, i, 23);
    cs->confirmed = dbrows_int(r, i, 24);
    cs->rating = dbrows_int(r, i, 25);
    cs->reopen_count = dbrows_int(r, i, 26);
    cs->rework_count = dbrows_int(r, i, 27);
    cs->on_time = dbrows_int(r, i, 28);
    cs->timeline_seq = dbrows_int(r, i, 29);
    cs->version = dbrows_int(r, i, 30);
    cs->created_at = dbrows_int(r, i, 31);
    cs->updated_at = dbrows_int(r, i, 32);
    cs->closed_at = dbrows_int(r, i, 33);
    cs->timeline_head = dbrows_get(r, i, 34);
    cs->token_box = dbrows_get(r, i, 35);
    cs->category_name = dbrows_get(r, i, 36);
    cs->place_name = dbrows_get(r, i, 37);
    cs->department_name = dbrows_get(r, i, 38);
    cs->pending_extensions = dbrows_int(r, i, 39);
    cs->late = dbrows_int(r, i, 40);
    cs->compound_name = dbrows_get(r, i, 41);
    cs->enterprise_id = dbrows_int(r, i, 42);
    cs->visit_id = dbrows_int(r, i, 43);
    cs->enterprise_name = dbrows_get(r, i, 44);
    cs->relayed = (int)dbrows_int(r, i, 45);
}

int case_get(struct db *db, struct arena *a, int64_t id, struct case_rec *out, struct err *e)
{
    struct dbrows r;
    char *sql = arena_printf(a, "%sWHERE c.id = ?", case_select_sql);
    int rc = db_query(db, a, &r, e, sql, DB_ARGS(DBI(id)));
    if (rc != ERR_OK)
        return rc;
    if (r.nrows == 0)
        return err_set(e, ERR_NOT_FOUND, "id", "no case %lld", (long long)id);
    case_from_row(&r, 0, out);
    return ERR_OK;
}

int case_no_shaped(const char *s)
{
    int n = 0;
    for (; n < 8; n++)
        if (s[n] < '0' || s[n] > '9')
            return 0;
    if (s[n++] != '-')
        return 0;
    int digits = 0;
    for (; s[n] >= '0' && s[n] <= '9'; n++)
        digits++;
    return s[n] == '\0' && digits >= 4 && digits <= 6;
}

int case_get_by_no(struct db *db, struct arena *a, const char *case_no, struct case_rec *out,
                   struct err *e)
{
    struct dbrows r;
    if (!case_no_shaped(case_no))
        return err_set(e, ERR_NOT_FOUND, "case_no", "no case numbered '%.24s'", case_no);
    char *sql = arena_printf(a, "%sWHERE c.case_no = ?", case_select_sql);
    int rc = db_query(db, a, &r, e, sql, DB_ARGS(DBS(case_no)));
    if (rc != ERR_OK)
        return rc;
    if (r.nrows == 0)
        return err_set(e, ERR_NOT_FOUND, "case_no", "no case numbered '%s'", case_no);
    case_from_row(&r, 0, out);
    return ERR_OK;
}

int case_by_token(struct db *db, struct arena *a, const char *token, struct case_rec *out,
                  struct err *e)
{
    char h[65];
    struct dbrows r;
    hash_hex(token, h);
    char *sql = arena_printf(a, "%sWHERE c.token_hash = ?", case_select_sql);
    int rc = db_query(db, a, &r, e, sql, DB_ARGS(DBS(h)));
    if (rc != ERR_OK)
        return rc;
    if (r.nrows == 0)
        return err_set(e, ERR_NOT_FOUND, "token", "no case has this tracking token");
    case_from_row(&r, 0, out);
    /* a merged case's reporter follows the surviving case */
    for (int hops = 0; out->status == CS_MERGED && out->merged_into && hops < 8; hops++) {
        if ((rc = case_get(db, a, out->merged_into, out, e)) != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

/* Mask all but the first 3 and last 4 characters (phone numbers). */
static json_t *masked(const char *s)
{
    size_t n = strlen(s);
    if (n <= 7)
        return json_string(n ? "****" : "");
    char buf[64];
    snprintf(buf, sizeof(buf), "%.3s****%s", s, s + n - 4);
    return json_string(buf);
}

json_t *case_json(const struct case_rec *cs, int public_view)
{
    char created[32], updated[32];
    time_iso_cst((time_t)cs->created_at, created);
    time_iso_cst((time_t)cs->updated_at, updated);
    json_t *attrs = json_loads(cs->attributes ? cs->attributes : "{}", 0, NULL);
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:o, s:s, "
        "s:s}",
        "id", (json_int_t)cs->id, "case_no", cs->case_no, "category", cs->category, "category_name",
        cs->category_name, "description", cs->description, "status", case_status_name(cs->status),
        "status_label", case_status_zh(cs->status), "place", cs->place_code, "place_name",
        cs->place_name, "grid", cs->grid_code, "address", cs->address, "attributes",
        attrs ? attrs : json_object(), "created_at", created, "updated_at", updated);
    json_object_set_new(j, "compound",
                        cs->compound_id ? json_integer(cs->compound_id) : json_null());
    json_object_set_new(j, "compound_name",
                        cs->compound_name ? json_string(cs->compound_name) : json_null());
    if (cs->has_point) {
        json_object_set_new(j, "lat", json_real(cs->lat));
        json_object_set_new(j, "lon", json_real(cs->lon));
    }
    json_object_set_new(j, "department",
                        cs->department ? json_string(cs->department) : json_null());
    json_object_set_new(j, "department_name",
                        cs->department_name ? json_string(cs->department_name) : json_null());
    json_object_set_new(j, "merged_into",
                        cs->merged_into ? json_integer(cs->merged_into) : json_null());
    json_object_set_new(j, "confirmed", json_boolean(cs->confirmed));
    json_object_set_new(j, "rating", cs->rating ? json_integer(cs->rating) : json_null());
    if (cs->stage_due_at) {
        char due[32];
        time_iso_cst((time_t)cs->stage_due_at, due);
        json_object_set_new(j, "due_at", json_string(due));
        json_object_set_new(j, "due_date",
                            calendar_due_date(cs->stage_due_at, due) ? json_string(due)
                                                                     : json_null());
        json_object_set_new(j, "overdue",
                            json_boolean(time(NULL) > cs->stage_due_at && cs->status != CS_CLOSED));
    } else {
        json_object_set_new(j, "due_at", json_null());
        json_object_set_new(j, "due_date", json_null());
        json_object_set_new(j, "overdue", json_false());
    }
    if (cs->closed_at) {
        char closed[32];
        time_iso_cst((time_t)cs->closed_at, closed);
        json_object_set_new(j, "closed_at", json_string(closed));
    }
    if (public_view)
        return j;
    json_object_set_new(j, "channel", json_string(cs->channel));
    /* a problem raised on a cadre's visit: its enterprise and the visit */
    json_object_set_new(j, "enterprise",
                        cs->enterprise_id
                            ? json_pack("{s:I, s:s?}", "id", (json_int_t)cs->enterprise_id, "name",
                                        cs->enterprise_name)
                            : json_null());
    json_object_set_new(j, "visit", cs->visit_id ? json_integer(cs->visit_id) : json_null());
    json_object_set_new(j, "to_grid", json_boolean(cs->to_grid));
    json_object_set_new(j, "escalations", json_integer(cs->escalations));
    json_object_set_new(j, "rework_count", json_integer(cs->rework_count));
    json_object_set_new(j, "reopen_count", json_integer(cs->reopen_count));
    json_object_set_new(j, "version", json_integer(cs->version));
    json_object_set_new(j, "reporter",
                        json_pack("{s:s, s:o, s:s}", "name", cs->reporter_name, "phone",
                                  masked(cs->reporter_phone), "email", cs->reporter_email));
    return j;
}

int case_photos_json(struct db *db, struct arena *a, int64_t id, json_t **out, struct err *e)
{
    struct dbrows r;
    int rc = db_query(db, a, &r, e,
                      "SELECT seq, sha256, mime, bytes, stage FROM case_photos WHERE case_id = ? "
                      "ORDER BY seq",
                      DB_ARGS(DBI(id)));
    if (rc != ERR_OK)
        return rc;
    *out = json_array();
    for (int i = 0; i < r.nrows; i++)
        json_array_append_new(
            *out,
            json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}", "seq", (json_int_t)dbrows_int(&r, i, 0),
                      "sha256", dbrows_get(&r, i, 1), "mime", dbrows_get(&r, i, 2), "bytes",
                      (json_int_t)dbrows_int(&r, i, 3), "stage", dbrows_get(&r, i, 4), "url",
                      arena_printf(a, "/api/v1/photos/%s", dbrows_get(&r, i, 1))));
    return ERR_OK;
}

int case_photos_insert(struct db *db, int64_t case_id, const struct photo_ref *p, int n,
                       const char *stage, int64_t now, struct err *e)
{
    struct arena a;
    struct dbrows r;
    arena_init(&a, 0);
    int rc =
        db_query(db, &a, &r, e, "SELECT coalesce(max(seq), 0) FROM case_photos WHERE case_id = ?",
                 DB_ARGS(DBI(case_id)));
    int64_t seq = rc == ERR_OK ? dbrows_int(&r, 0, 0) : 0;
    arena_free(&a);
    for (int i = 0; rc == ERR_OK && i < n; i++) {
        rc = db_exec(db, e,
                     "INSERT INTO case_photos (case_id, seq, sha256, mime, bytes, stage, "
                     "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     DB_ARGS(DBI(case_id), DBI(++seq), DBS(p[i].sha256), DBS(p[i].mime),
                             DBI(p[i].bytes), DBS(stage), DBI(now)));
        rc = rc < 0 ? rc : ERR_OK;
    }
    return rc;
}

/* ---- intake ---- */

static int channel_ok(const char *ch)
{
    static const char *const channels[] = {CASE_CHANNELS};
    for (size_t i = 0; i < ARRAY_LEN(channels); i++) {
        if (strcmp(ch, channels[i]) == 0)
            return 1;
    }
    return 0;
}

/* The channel a staff member reports through, by their first role. */
static const char *staff_channel(const struct user *u)
{
    for (int i = 0; i < u->nroles; i++) {
        switch (u->roles[i].role) {
        case ROLE_GRID_WORKER:
        case ROLE_GRID_LEADER:
            return "grid_patrol";
        case ROLE_COMMISSIONER:
            return "commissioner";
        case ROLE_ENTERPRISE_CADRE:
            return "enterprise_visit";
        default:
            break;
        }
    }
    return "hotline";
}

static int phone_ok(const char *p)
{
    size_t n = strlen(p);
    if (n == 11 && p[0] == '1' && strspn(p, "0123456789") == 11)
        return 1; /* mobile */
    /* landline: 0 + area code, optional dash, 7-8 digits */
    if (p[0] != '0' || n < 10 || n > 13)
        return 0;
    size_t digits = 0;
    for (const char *q = p; *q; q++) {
        if (*q >= '0' && *q <= '9')
            digits++;
        else if (*q != '-')
            return 0;
    }
    return digits >= 10 && digits <= 12;
}

int case_input_check(struct case_input *in, const struct actor *who, struct err *e)
{
    if (in->category == NULL || in->category[0] == '\0')
        return err_set(e, ERR_INVALID, "category", "'category' is required");
    if (in->description == NULL || in->description[0] == '\0')
        return err_set(e, ERR_INVALID, "description", "'description' is required");
    long n = utf8_chars(in->description);
    if (n < 0)
        return err_set(e, ERR_INVALID, "description", "'description' is not valid UTF-8");
    if (n > CASE_DESC_MAX)
        return err_set(e, ERR_INVALID, "description", "'description' is longer than %d characters",
                       CASE_DESC_MAX);
    if (in->place_code != NULL && place_code_check(in->place_code, "place", e) != ERR_OK)
        return e->code;
    /* an enterprise's problem lies where the enterprise is kept: its town or community */
    if (in->place_code != NULL &&
        place_level_of(in->place_code) < (in->enterprise_id ? PL_TOWN : PL_COMMUNITY))
        return err_set(e, ERR_INVALID, "place",
                       "'place' must be a community, grid or micro-grid (12, 15 or 17 digits)");
    if (in->has_point && (!isfinite(in->lat) || !isfinite(in->lon) || in->lat < 3.0 ||
                          in->lat > 54.0 || in->lon < 73.0 || in->lon > 136.0))
        return err_set(e, ERR_INVALID, "lat", "the point must lie in China (lat 3-54, lon 73-136)");
    if (in->place_code == NULL && in->compound_id == 0 && !in->has_point)
        return err_set(e, ERR_INVALID, "place",
                       "say where: a community or grid ('place'), a 'compound', or lat/lon");
    if (in->reporter_phone && in->reporter_phone[0] && !phone_ok(in->reporter_phone))
        return err_set(e, ERR_INVALID, "phone",
                       "a phone number is 11 digits (mobile) or 0 + area code + number");
    if (in->reporter_email && in->reporter_email[0] &&
        (strchr(in->reporter_email, '@') == NULL || strlen(in->reporter_email) > 100))
        return err_set(e, ERR_INVALID, "email", "not an e-mail address");
    if (in->channel == NULL)
        in->channel = who->user         ? staff_channel(who->user)
                      : who->api_key_id ? "open311"
                                        : "resident";
    if (!channel_ok(in->channel))
        return err_set(e, ERR_INVALID, "channel",
                       "'channel' is one of resident, commissioner, grid_patrol, enterprise_visit, "
                       "hotline, open311");
    if (who->user == NULL && strcmp(in->channel, who->api_key_id ? "open311" : "resident") != 0)
        return err_set(e, ERR_INVALID, "channel", "the public reports as 'resident'");
    if (in->relay) {
        if (who->user == NULL)
            return err_set(e, ERR_INVALID, "relay", "only staff relay someone else's report");
        if (in->reporter_name == NULL || in->reporter_name[0] == '\0')
            return err_set(e, ERR_INVALID, "name", "a relayed report names the person reporting");
        if (in->reporter_phone == NULL || in->reporter_phone[0] == '\0')
            return err_set(e, ERR_INVALID, "phone",
                           "a relayed report gives the phone of the person reporting");
    }
    return ERR_OK;
}

/* Resolve where the case is: its place code (most precise known), grid and compound. */
static int locate(struct db *db, struct arena *a, const struct case_input *in, const char **place,
                  const char **grid, struct err *e)
{
    struct dbrows r;
    int rc;
    *place = NULL;
    *grid = NULL;
    if (in->compound_id) {
        struct compound c;
        if ((rc = compound_get(db, a, in->compound_id, &c, e)) != ERR_OK)
            return rc == ERR_NOT_FOUND ? err_set(e, ERR_INVALID, "compound", "no compound %lld",
                                                 (long long)in->compound_id)
                                       : rc;
        if (in->place_code && strncmp(in->place_code, c.community_code, 12) != 0 &&
            strncmp(c.community_code, in->place_code, strlen(in->place_code)) != 0)
            return err_set(e, ERR_INVALID, "compound", "compound %lld is not in place %s",
                           (long long)in->compound_id, in->place_code);
        *place = c.community_code;
        if (c.ngrids > 0)
            *place = *grid = c.grids[0];
    }
    if (in->place_code) {
        rc = db_query(db, a, &r, e, "SELECT code FROM places WHERE code = ?",
                      DB_ARGS(DBS(in->place_code)));
        if (rc != ERR_OK)
            return rc;
        if (r.nrows == 0)
            return err_set(e, ERR_INVALID, "place", "no place %s", in->place_code);
        /* the more precise place wins; at equal precision the one given (a grid named with a
         * compound that spans several grids is that grid, not the compound's first) */
        if (*place == NULL || strlen(in->place_code) >= strlen(*place))
            *place = in->place_code;
        if (strlen(in->place_code) >= 15)
            *grid = arena_strndup(a, in->place_code, 15);
    }
    if (*place == NULL && in->has_point) {
        const char *code = NULL;
        rc = place_locate(db, a, in->lat, in->lon, &code, e);
        if (rc == ERR_NOT_FOUND)
            return err_set(e, ERR_INVALID, "place",
                           "the point lies outside the service area; give a community, grid or "
                           "compound");
        if (rc != ERR_OK)
            return rc;
        *place = code;
        if (strlen(code) >= 15)
            *grid = arena_strndup(a, code, 15);
    }
    return ERR_OK;
}

static int next_case_no(struct db *db, struct arena *a, int64_t now, char out[24], struct err *e)
{
    char day[16];
    struct tm tm;
    time_t local = (time_t)now + 8 * 3600;
    struct dbrows r;
    gmtime_r(&local, &tm);
    strftime(day, sizeof(day), "%Y%m%d", &tm);
    int rc = db_query(db, a, &r, e,
                      "INSERT INTO case_numbers (day, last) VALUES (?, 1) ON CONFLICT (day) DO "
                      "UPDATE SET last = case_numbers.last + 1 RETURNING last",
                      DB_ARGS(DBS(day)));
    if (rc != ERR_OK)
        return rc;
    snprintf(out, 24, "%s-%04lld", day, (long long)dbrows_int(&r, 0, 0));
    return ERR_OK;
}

int case_prepare(struct db *db, struct arena *a, struct case_input *in, struct err *e)
{
    struct category cat;
    json_t *attrs = NULL;
    int rc = category_get(db, a, in->category, &cat, e);
    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && !cat.active))
        return err_set(e, ERR_INVALID, "category", "no active category '%.40s'", in->category);
    if (rc != ERR_OK)
        return rc;
    json_t *given = in->attributes ? json_incref(in->attributes) : json_object();
    rc = category_attrs_check(&cat, given, &attrs, e);
    json_decref(given);
    if (rc != ERR_OK)
        return rc;
    char *text = json_dumps(attrs, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(attrs);
    in->prep.attrs_text = arena_strdup(a, text ? text : "{}");
    free(text);
    if ((rc = locate(db, a, in, &in->prep.place, &in->prep.grid, e)) != ERR_OK)
        return rc;
    in->prep.grams = case_grams(a, in->description);
    in->prep.accept = cat.sla[SLA_ACCEPT];
    in->prep.done = 1;
    return ERR_OK;
}

int case_insert(struct db *db, const struct case_input *in, const struct actor *who,
                const struct calendar *cal, struct case_created *out, struct err *e)
{
    struct arena a;
    struct dbrows r;
    struct case_input local = *in;
    char *box = NULL;
    int64_t now = time(NULL);
    int rc;

    arena_init(&a, 0);
    memset(out, 0, sizeof(*out));
    if (in->idem_key != NULL) {
        rc = db_query(db, &a, &r, e, "SELECT id, case_no, token_box FROM cases WHERE idem_key = ?",
                      DB_ARGS(DBS(in->idem_key)));
        if (rc != ERR_OK)
            goto out;
        if (r.nrows == 1) {
            out->id = dbrows_int(&r, 0, 0);
            snprintf(out->case_no, sizeof(out->case_no), "%s", dbrows_get(&r, 0, 1));
            if (dbrows_get(&r, 0, 2)) {
                char *token = secret_open(dbrows_get(&r, 0, 2));
                if (token)
                    snprintf(out->token, sizeof(out->token), "%s", token);
                free(token);
            }
            out->replayed = 1;
            goto out;
        }
    }
    if (!local.prep.done && (rc = case_prepare(db, &a, &local, e)) != ERR_OK)
        goto out;
    const char *place = local.prep.place, *grid = local.prep.grid;
    if ((rc = next_case_no(db, &a, now, out->case_no, e)) != ERR_OK)
        goto out;
    const char *token_hash = NULL;
    /* the public, hotline callers and residents whose report staff relay follow their case by
     * token (staff give it to them) */
    if (who->user == NULL || strcmp(in->channel, "hotline") == 0 || in->relay) {
        char th[65];
        token_new(out->token);
        hash_hex(out->token, th);
        token_hash = arena_strdup(&a, th);
        if (in->idem_key)
            box = secret_seal(out->token);
    }
    char county[8];
    snprintf(county, sizeof(county), "%.6s", place);
    int64_t due = calendar_due(cal, now, local.prep.accept);
    rc = db_query(
        db, &a, &r, e,
        "INSERT INTO cases (county, case_no, category_code, description, status, channel, "
        "place_code, grid_code, compound_id, address, lat, lon, attributes, reporter_user_id, "
        "reporter_name, reporter_phone, reporter_email, token_hash, api_key_id, idem_key, "
        "token_box, stage_due_at, search_grams, created_at, updated_at, enterprise_id, visit_id) "
        "VALUES (?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?) RETURNING id",
        DB_ARGS(DBS(county), DBS(out->case_no), DBS(in->category), DBS(in->description),
                DBS(in->channel), DBS(place), DBS(grid),
                in->compound_id ? DBI(in->compound_id) : DBNULL,
                DBS(in->address ? in->address : ""), in->has_point ? DBR(in->lat) : DBNULL,
                in->has_point ? DBR(in->lon) : DBNULL, DBS(local.prep.attrs_text),
                who->user ? DBI(who->user->id) : DBNULL,
                DBS(in->reporter_name ? in->reporter_name : ""),
                DBS(in->reporter_phone ? in->reporter_phone : ""),
                DBS(in->reporter_email ? in->reporter_email : ""), DBS(token_hash),
                who->api_key_id ? DBI(who->api_key_id) : DBNULL, DBS(in->idem_key), DBS(box),
                DBI(due), DBS(local.prep.grams), DBI(now), DBI(now),
                in->enterprise_id ? DBI(in->enterprise_id) : DBNULL,
                in->visit_id ? DBI(in->visit_id) : DBNULL));
    if (rc == ERR_CONFLICT && in->idem_key)
        err_set(e, ERR_CONFLICT, "Idempotency-Key", "a submission with this key is in flight");
    if (rc != ERR_OK)
        goto out;
    out->id = dbrows_int(&r, 0, 0);
    struct case_rec cs = {.id = out->id,
                          .county = county,
                          .case_no = out->case_no,
                          .category = in->category,
                          .channel = in->channel,
                          .status = CS_SUBMITTED,
                          .place_code = place,
                          .created_at = now,
                          .on_time = -1,
                          .timeline_head = ""};
    struct counter_facts facts;
    case_counter_facts(&cs, &facts);
    if ((rc = counters_move(db, NULL, &facts, e)) != ERR_OK)
        goto out;
    json_t *data =
        json_pack("{s:s, s:s, s:s?}", "category", in->category, "place", place, "grid", grid);
    char *data_text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(data);
    rc = case_timeline_append(db, &a, &cs, now, who, CA_SUBMIT, CS_SUBMITTED, CS_SUBMITTED, "",
                              data_text, 1, e);
    free(data_text);
    if (rc != ERR_OK)
        goto out;
    if (in->nphotos &&
        (rc = case_photos_insert(db, out->id, in->photos, in->nphotos, "report", now, e)) != ERR_OK)
        goto out;
    rc = db_exec(db, e, "UPDATE cases SET timeline_seq = ?, timeline_head = ? WHERE id = ?",
                 DB_ARGS(DBI(cs.timeline_seq), DBS(cs.timeline_head), DBI(out->id)));
    rc = rc < 0 ? rc : ERR_OK;
out:
    free(box);
    arena_free(&a);
    return rc;
}

/* ---- intake as one call ---- */

/* The client's Idempotency-Key, when given, is 1 to 64 characters of printable ASCII. */
static int idem_check(const struct case_idem *idem, struct err *e)
{
    const char *k = idem ? idem->key : NULL;
    if (k == NULL)
        return ERR_OK;
    size_t n = strlen(k);
    if (n == 0 || n > 64)
        return err_set(e, ERR_INVALID, "Idempotency-Key", "the key has 1 to 64 characters");
    for (const char *p = k; *p; p++) {
        if (*p < 0x21 || *p > 0x7e)
            return err_set(e, ERR_INVALID, "Idempotency-Key", "the key is printable ASCII");
    }
    return ERR_OK;
}

/* Scope the client's (checked) Idempotency-Key to the submitter, so keys of different clients
 * never collide; the photos must be stored (their hashes known). */
static void idem_key(struct arena *a, const struct case_idem *idem, const struct actor *who,
                     const struct case_input *in, const char **out)
{
    const char *k = idem ? idem->key : NULL;
    *out = NULL;
    if (k == NULL)
        return;
    if (who->user)
        *out = arena_printf(a, "u%lld:%s", (long long)who->user->id, k);
    else if (who->api_key_id)
        *out = arena_printf(a, "k%lld:%s", (long long)who->api_key_id, k);
    else {
        /* the public shares one key space: bind the key to the report's content too, so a
         * replay needs both the key and the same report (and a stranger's key gets nothing).
         * The content is the JSON in canonical form and the photos' hashes, so a retry that
         * encodes the same report differently (a new multipart boundary) still replays. */
        struct buf fp;
        char h[65];
        buf_init(&fp, 1 << 20);
        char *canon = idem->json ? json_dumps(idem->json, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        buf_puts(&fp, canon ? canon : (idem->body ? idem->body : ""));
        free(canon);
        for (int i = 0; i < in->nphotos; i++)
            buf_printf(&fp, "|%s", in->photos[i].sha256);
        hash_hex(fp.data ? fp.data : "", h);
        buf_free(&fp);
        *out = arena_printf(a, "p:%s:%.32s", k, h);
    }
}

int case_photos_store(const char *data_dir, struct photo_ref *p, int n, struct err *e)
{
    for (int i = 0; i < n; i++) {
        if (p[i].data == NULL)
            continue; /* stored already */
        if (photo_store(data_dir, PHOTO_IMAGE, p[i].data, (size_t)p[i].bytes, p[i].sha256,
                        &p[i].mime, e) != ERR_OK)
            return e->code;
        p[i].data = NULL;
    }
    return ERR_OK;
}

struct intake_ctx {
    const struct case_input *in;
    const struct actor *who;
    const struct calendar *cal;
    struct case_created out;
};

static int intake_fn(struct db *db, void *arg, struct err *e)
{
    struct intake_ctx *c = arg;
    return case_insert(db, c->in, c->who, c->cal, &c->out, e);
}

int case_submit(struct store *s, struct arena *a, const char *data_dir, struct case_input *in,
                const struct actor *who, const struct case_idem *idem, struct case_created *out,
                struct err *e)
{
    struct intake_ctx c = {.in = in, .who = who};
    struct db *db;
    int rc;
    if ((rc = case_input_check(in, who, e)) != ERR_OK || (rc = idem_check(idem, e)) != ERR_OK)
        return rc;
    /* the checks and text work happen here, on the caller's thread, not in the group commit */
    db = store_acquire(s);
    if ((c.cal = calendar_cached(db, e)) == NULL)
        rc = e->code;
    else
        rc = case_prepare(db, a, in, e);
    store_release(s, db);
    if (rc != ERR_OK)
        return rc;
    /* only a valid report leaves its photos on disk */
    if ((rc = case_photos_store(data_dir, in->photos, in->nphotos, e)) != ERR_OK)
        return rc;
    idem_key(a, idem, who, in, &in->idem_key);
    rc = store_write(s, intake_fn, &c, e);
    if (rc == ERR_CONFLICT && in->idem_key) {
        /* the same key raced us on another connection: answer with its case */
        struct dbrows r;
        struct err e2 = {0};
        db = store_acquire(s);
        if (db_query(db, a, &r, &e2, "SELECT id, case_no FROM cases WHERE idem_key = ?",
                     DB_ARGS(DBS(in->idem_key))) == ERR_OK &&
            r.nrows == 1) {
            memset(&c.out, 0, sizeof(c.out));
            c.out.id = dbrows_int(&r, 0, 0);
            snprintf(c.out.case_no, sizeof(c.out.case_no), "%s", dbrows_get(&r, 0, 1));
            c.out.replayed = 1;
            rc = ERR_OK;
        }
        store_release(s, db);
    }
    *out = c.out;
    return rc;
}
