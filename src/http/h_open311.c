/* h_open311.c - Open311 GeoReport v2 under /open311/v2/ (docs/open311.md), mapped onto the
 * catalogue (services = active categories) and cases (service requests), and the operators'
 * API of the keys Open311 clients submit with.
 *
 * Every resource answers in JSON (".json", or no extension) or XML (".xml"), errors included:
 * [{"code", "description"}] / <errors><error>. Replies are built once as JSON and converted to
 * XML by a fixed mapping (a list "services" holds "service" elements, and so on), so both
 * formats always carry the same fields. Routes carry R_NOAUTH: the api_key of a POST replaces
 * bearer tokens, and reads are public. Reads show public fields only: never the reporter's
 * contact details. */
#include "http/http.h"
#include "http/form.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/util.h"
#include "core/utf8.h"
#include "domain/apikey.h"
#include "domain/case.h"
#include "domain/catalog.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define O311_JURISDICTION "330604"
#define O311_ZIPCODE "312300"
#define O311_SPEC "http://wiki.open311.org/GeoReport_v2"
#define O311_PAGE_SIZE 50
#define O311_PAGE_SIZE_MAX 200
#define O311_WINDOW (90 * 86400) /* the default and widest date range of GET requests */
#define O311_IDS_MAX CASE_PAGE_IDS_MAX
#define O311_CODES_MAX CASE_PAGE_CODES_MAX
#define O311_REPLY_MAX (32u << 20)

enum fmt { FMT_JSON, FMT_XML };

/* ---- formats and replies ---- */

/* The format of a fixed route's path: ".xml" is XML, ".json" or nothing JSON. */
static enum fmt path_fmt(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcmp(path + n - 4, ".xml") == 0 ? FMT_XML : FMT_JSON;
}

/* Split the {file} parameter ("ebike.json") into its name and format; -1 for an empty name or
 * an extension other than .json and .xml. */
static int file_param(struct req *rq, const char **name, enum fmt *f)
{
    const char *file = req_param(rq, 0), *dot = strrchr(file, '.');
    *f = FMT_JSON;
    *name = file;
    if (dot == NULL)
        return file[0] ? 0 : -1;
    if (strcmp(dot, ".json") == 0)
        *f = FMT_JSON;
    else if (strcmp(dot, ".xml") == 0)
        *f = FMT_XML;
    else
        return -1;
    *name = arena_strndup(&rq->arena, file, (size_t)(dot - file));
    return dot > file ? 0 : -1;
}

/* The element name of the items of a list named list (the Spark convention of the spec). */
static const char *item_name(const char *list)
{
    static const char *const names[][2] = {
        {"services", "service"}, {"service_requests", "request"},
        {"errors", "error"},     {"attributes", "attribute"},
        {"values", "value"},     {"endpoints", "endpoint"},
        {"formats", "format"},   {"notes", "note"},
    };
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        if (strcmp(names[i][0], list) == 0)
            return names[i][1];
    }
    return "item";
}

/* Text content: the five XML entities escaped; what XML 1.0 does not allow as a character
 * (controls other than tab, newline and carriage return) left out, and U+FFFE, U+FFFF and bytes
 * that are not UTF-8 written as U+FFFD, so that no stored text can make the document
 * unreadable. */
void o311_xml_text(struct buf *b, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        int len = utf8_decode(s + i, n - i, &cp);
        if (len < 0) {
            buf_puts(b, "\xEF\xBF\xBD");
            i++;
            continue;
        }
        switch (c) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        case '\'':
            buf_puts(b, "&apos;");
            break;
        default:
            if (cp == 0xFFFE || cp == 0xFFFF)
                buf_puts(b, "\xEF\xBF\xBD");
            else if (cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r')
                buf_add(b, s + i, (size_t)len);
        }
        i += (size_t)len;
    }
}

static void xml_elem(struct buf *b, const char *name, json_t *v, int depth)
{
    const char *key;
    json_t *it;
    size_t i;
    buf_printf(b, "%*s", depth * 2, "");
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        buf_printf(b, "<%s>\n", name);
        json_object_foreach(v, key, it)
        {
            xml_elem(b, key, it, depth + 1);
        }
        buf_printf(b, "%*s</%s>\n", depth * 2, "", name);
        return;
    case JSON_ARRAY:
        if (json_array_size(v) == 0) {
            buf_printf(b, "<%s/>\n", name);
            return;
        }
        buf_printf(b, "<%s>\n", name);
        json_array_foreach(v, i, it)
        {
            xml_elem(b, item_name(name), it, depth + 1);
        }
        buf_printf(b, "%*s</%s>\n", depth * 2, "", name);
        return;
    case JSON_NULL:
        buf_printf(b, "<%s/>\n", name);
        return;
    case JSON_STRING:
        buf_printf(b, "<%s>", name);
        o311_xml_text(b, json_string_value(v));
        break;
    case JSON_INTEGER:
        buf_printf(b, "<%s>%lld", name, (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        buf_printf(b, "<%s>%.15g", name, json_real_value(v));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        buf_printf(b, "<%s>%s", name, json_is_true(v) ? "true" : "false");
        break;
    }
    buf_printf(b, "</%s>\n", name);
}

/* Reply with doc (stolen) in format f; root names the XML document element. */
static int o311_reply(struct req *rq, enum fmt f, int status, json_t *doc, const char *root)
{
    int rc;
    if (doc == NULL)
        return reply_code(rq, ERR_INTERNAL, NULL, "cannot encode the reply");
    if (f == FMT_JSON) {
        char *s = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15));
        json_decref(doc);
        if (s == NULL)
            return reply_code(rq, ERR_INTERNAL, NULL, "cannot encode the reply");
        rc = reply_text(rq, status, "application/json; charset=utf-8", s, strlen(s));
        free(s);
        return status < 400 ? rc : -1;
    }
    struct buf b;
    buf_init(&b, O311_REPLY_MAX);
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml_elem(&b, root, doc, 0);
    json_decref(doc);
    if (b.len == 0 || b.len + 1 >= O311_REPLY_MAX) {
        buf_free(&b);
        return reply_code(rq, ERR_INTERNAL, NULL, "the reply is too large");
    }
    rc = reply_text(rq, status, "text/xml; charset=utf-8", b.data, b.len);
    buf_free(&b);
    return status < 400 ? rc : -1;
}

/* Reply with the Open311 error list: one error whose code is the HTTP status. */
static int o311_error(struct req *rq, enum fmt f, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int o311_error(struct req *rq, enum fmt f, int status, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (!form_utf8_ok(msg, strlen(msg))) /* never echo broken input */
        snprintf(msg, sizeof(msg), "the request is invalid");
    if (status == 429 && rq->retry_after == NULL)
        rq->retry_after = "900";
    o311_reply(rq, f, status, json_pack("[{s:i, s:s}]", "code", status, "description", msg),
               "errors");
    return -1;
}

/* The Open311 name of a field gridgov's validation names. */
static const char *o311_field(const char *field)
{
    static const char *const names[][2] = {
        {"category", "service_code"},  {"lon", "long"},        {"compound", "address_id"},
        {"address", "address_string"}, {"name", "first_name"}, {"attributes", "attribute"},
    };
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        if (strcmp(names[i][0], field) == 0)
            return names[i][1];
    }
    return field;
}

/* Status of a gridgov error in Open311 terms: 404, 403 and 400, and 5xx for our own faults. */
static int o311_status(enum err_code c)
{
    switch (c) {
    case ERR_NOT_FOUND:
        return 404;
    case ERR_FORBIDDEN:
    case ERR_UNAUTHORIZED:
        return 403;
    case ERR_UNSUPPORTED:
    case ERR_TOO_LARGE:
    case ERR_CONFLICT:
    case ERR_THROTTLED:
    case ERR_STORE:
    case ERR_INTERNAL:
    case ERR_UNAVAILABLE:
        return err_http_status(c);
    default:
        return 400;
    }
}

static int o311_err(struct req *rq, enum fmt f, const struct err *e)
{
    enum err_code c = e->code == ERR_OK ? ERR_INTERNAL : e->code;
    const char *msg = e->msg[0] ? e->msg : err_default_msg(c);
    if (e->field[0])
        return o311_error(rq, f, o311_status(c), "%s: %s", o311_field(e->field), msg);
    return o311_error(rq, f, o311_status(c), "%s", msg);
}

/* ---- arguments ---- */

/* A query argument; an empty one counts as absent (the spec's optional arguments). */
static const char *qarg(struct req *rq, const char *name)
{
    const char *v = rq->query(rq, name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

/* jurisdiction_id, in the query or the form body, must be ours when given (the division code, or
 * the domain of the setting jurisdiction_id): 404 otherwise. */
static int jurisdiction_ok(struct req *rq, enum fmt f, const struct form *body)
{
    const char *given[2] = {qarg(rq, "jurisdiction_id"),
                            body ? form_get(body, "jurisdiction_id") : NULL};
    const char *domain = rq->app->jurisdiction_id;
    int has_domain = domain != NULL && domain[0] != '\0';
    for (int i = 0; i < 2; i++) {
        if (given[i] == NULL || given[i][0] == '\0' || strcmp(given[i], O311_JURISDICTION) == 0 ||
            (has_domain && strcasecmp(given[i], domain) == 0))
            continue;
        if (strlen(given[i]) <= 64 && form_utf8_ok(given[i], strlen(given[i])))
            return o311_error(rq, f, 404,
                              "jurisdiction_id '%s' not found: this endpoint serves "
                              "jurisdiction_id " O311_JURISDICTION "%s%s (上虞区)",
                              given[i], has_domain ? " or " : "", has_domain ? domain : "");
        return o311_error(rq, f, 404,
                          "jurisdiction_id not found: this endpoint serves "
                          "jurisdiction_id " O311_JURISDICTION "%s%s (上虞区)",
                          has_domain ? " or " : "", has_domain ? domain : "");
    }
    return 0;
}

/* A service code as the catalogue spells them: 1-32 of [a-z0-9_-] (safe to echo). */
static int code_ok(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* Split a comma list into at most max trimmed, non-empty items (arena copies); -1 past max. */
static int csv_split(struct arena *a, const char *s, const char **items, int max)
{
    int n = 0;
    while (s != NULL) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        while (len && *s == ' ')
            s++, len--;
        while (len && s[len - 1] == ' ')
            len--;
        if (len > 0) {
            if (n == max)
                return -1;
            items[n++] = arena_strndup(a, s, len);
        }
        s = end ? end + 1 : NULL;
    }
    return n;
}

/* http://HOST/open311/v2 from the Host header (localhost when it is missing or odd). */
static const char *endpoint_url(struct req *rq)
{
    const char *h = rq->header(rq, "Host");
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]";
    if (h == NULL || h[0] == '\0' || strlen(h) > 255 || strspn(h, ok) != strlen(h))
        h = "localhost";
    return arena_printf(&rq->arena, "http://%s/open311/v2", h);
}

static const char *iso(struct arena *a, int64_t t)
{
    char buf[32];
    time_iso_cst((time_t)t, buf);
    return arena_strdup(a, buf);
}

/* "电动车 电瓶车" (the catalogue separates keywords by spaces) as "电动车, 电瓶车". */
static json_t *keywords_json(const char *kw)
{
    struct buf b;
    const char *p = kw ? kw : "";
    buf_init(&b, 4096);
    while (*p) {
        size_t skip = strspn(p, " ,\t");
        p += skip;
        if (*p == '\0')
            break;
        size_t len = strcspn(p, " ,\t");
        buf_printf(&b, "%s%.*s", b.len ? ", " : "", (int)len, p);
        p += len;
    }
    json_t *j = json_string(b.data ? b.data : "");
    buf_free(&b);
    return j;
}

/* "4h" / "3d" / "15cd" deadlines in words. */
static const char *sla_words(struct arena *a, struct sla s)
{
    if (s.unit == 'c')
        return arena_printf(a, "%d 天", s.amount);
    return arena_printf(a, "%d 个工作%s", s.amount, s.unit == 'h' ? "小时" : "日");
}

static const char *notice_of(struct arena *a, const struct category *c)
{
    return arena_printf(a, "受理时限 %s，处置时限 %s", sla_words(a, c->sla[SLA_ACCEPT]),
                        sla_words(a, c->sla[SLA_RESOLVE]));
}

/* ---- discovery and services ---- */

/* GET /open311/v2/discovery.{json,xml} */
int o311_discovery_h(struct req *rq)
{
    struct err e = {0};
    int64_t changed;
    enum fmt f = path_fmt(rq->path);
    if (jurisdiction_ok(rq, f, NULL))
        return -1;
    if (category_changeset(req_db(rq), &changed, &e) != ERR_OK)
        return o311_err(rq, f, &e);
    const char *changeset = iso(&rq->arena, changed);
    json_t *doc =
        json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}", "changeset", changeset,
                  "contact", "上虞区基层治理网格化服务管理中心(区微治办)", "key_service",
                  "API keys are issued by the district operators (gridgov apikey add NAME, or POST "
                  "/api/v1/apikeys); ask the 区微治办",
                  "endpoints", "specification", O311_SPEC, "url", endpoint_url(rq), "changeset",
                  changeset, "type", "production", "formats", "application/json", "text/xml");
    return o311_reply(rq, f, 200, doc, "discovery");
}

/* GET /open311/v2/services.{json,xml}: the active categories. */
int o311_services_h(struct req *rq)
{
    struct err e = {0};
    struct category *cs;
    int n;
    enum fmt f = path_fmt(rq->path);
    if (jurisdiction_ok(rq, f, NULL))
        return -1;
    if (category_list(req_db(rq), &rq->arena, 1, &cs, &n, &e) != ERR_OK)
        return o311_err(rq, f, &e);
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        json_array_append_new(list,
                              json_pack("{s:s, s:s, s:s, s:b, s:s, s:o, s:s}", "service_code",
                                        cs[i].code, "service_name", cs[i].name, "description",
                                        cs[i].description ? cs[i].description : "", "metadata",
                                        cs[i].nattrs > 0, "type", "realtime", "keywords",
                                        keywords_json(cs[i].keywords), "group", cs[i].group));
    }
    return o311_reply(rq, f, 200, list, "services");
}

/* GET /open311/v2/services/{code}.{json,xml}: the service definition (its attributes). */
int o311_service_h(struct req *rq)
{
    struct err e = {0};
    struct category c;
    const char *code;
    enum fmt f;
    if (file_param(rq, &code, &f) != 0)
        return o311_error(rq, FMT_JSON, 404, "unknown format: use .json or .xml");
    if (jurisdiction_ok(rq, f, NULL))
        return -1;
    if (!code_ok(code))
        return o311_error(rq, f, 404, "service_code not found");
    int rc = category_get(req_db(rq), &rq->arena, code, &c, &e);
    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && !c.active))
        return o311_error(rq, f, 404, "service_code '%s' not found", code);
    if (rc != ERR_OK)
        return o311_err(rq, f, &e);
    json_t *cj = category_json(&c, 1);
    json_t *doc = json_pack("{s:s, s:O}", "service_code", c.code, "attributes",
                            json_object_get(cj, "attributes"));
    json_decref(cj);
    return o311_reply(rq, f, 200, doc, "service_definition");
}

/* ---- service requests: reading ---- */

/* The address from the most to the least precise: what the reporter wrote, the compound, the
 * place (grid or community). */
static const char *address_of(struct arena *a, const struct case_rec *cs,
                              const struct case_page_extras *x)
{
    const char *compound = cs->compound_id ? case_page_compound(x, cs->compound_id) : NULL;
    const char *given = cs->address && cs->address[0] ? cs->address : NULL;
    return arena_printf(a, "%s%s%s%s%s", given ? given : "", given ? ", " : "",
                        compound ? compound : "", compound ? ", " : "", cs->place_name);
}

/* status_notes: the note of the last public step that changed the status; notes (with
 * extensions): the whole public timeline. */
static json_t *timeline_of(struct arena *a, const struct case_page_extras *x, int64_t id,
                           const char **status_notes)
{
    json_t *notes = json_array();
    *status_notes = NULL;
    for (int i = 0; i < x->nevents; i++) {
        const struct case_public_event *ev = &x->events[i];
        if (ev->case_id != id)
            continue;
        const char *action = ev->action, *from = ev->from, *to = ev->to, *note = ev->note;
        enum case_action act;
        const char *label =
            case_action_from_name(action, &act) == ERR_OK ? case_action_zh(act) : "上报";
        if (from[0] && strcmp(from, to) != 0 && note[0])
            *status_notes = note;
        json_array_append_new(
            notes,
            json_pack("{s:s, s:s, s:s}", "datetime", iso(a, ev->at), "description",
                      note[0] ? arena_printf(a, "%s：%s", label, note) : label, "type", action));
    }
    return notes;
}

static json_t *request_json(struct arena *a, const struct case_rec *cs,
                            const struct case_page_extras *x, int extensions)
{
    const char *status_notes;
    json_t *notes = timeline_of(a, x, cs->id, &status_notes);
    const struct category *cat = case_page_category(x, cs->category);
    const char *community = case_page_community(x, cs->place_code);
    const char *agency = cs->department_name ? cs->department_name
                         : community         ? arena_printf(a, "%s微治办", community)
                                             : "上虞区微治办";
    const char *status = case_open311_status(cs->status);
    int closed = strcmp(status, "closed") == 0;
    json_t *attrs = json_loads(cs->attributes ? cs->attributes : "{}", 0, NULL);
    const char *media = json_string_value(json_object_get(attrs, "media_url"));

    json_t *j = json_pack(
        "{s:s, s:s, s:s?, s:s, s:s, s:s, s:s, s:s?, s:s, s:s}", "service_request_id",
        arena_printf(a, "%lld", (long long)cs->id), "status", status, "status_notes", status_notes,
        "service_name", cs->category_name, "service_code", cs->category, "description",
        cs->description, "agency_responsible", agency, "service_notice",
        cat ? notice_of(a, cat) : NULL, "requested_datetime", iso(a, cs->created_at),
        "updated_datetime", iso(a, closed && cs->closed_at ? cs->closed_at : cs->updated_at));
    json_object_set_new(j, "expected_datetime",
                        !closed && cs->stage_due_at ? json_string(iso(a, cs->stage_due_at))
                                                    : json_null());
    json_object_set_new(j, "address", json_string(address_of(a, cs, x)));
    json_object_set_new(j, "address_id",
                        cs->compound_id
                            ? json_string(arena_printf(a, "%lld", (long long)cs->compound_id))
                            : json_null());
    json_object_set_new(j, "zipcode", json_string(O311_ZIPCODE));
    json_object_set_new(j, "lat", cs->has_point ? json_real(cs->lat) : json_null());
    json_object_set_new(j, "long", cs->has_point ? json_real(cs->lon) : json_null());
    json_object_set_new(j, "media_url", media ? json_string(media) : json_null());
    json_decref(attrs);
    if (extensions)
        json_object_set_new(j, "extended_attributes",
                            json_pack("{s:s, s:s, s:o}", "case_no", cs->case_no, "status_detail",
                                      case_status_name(cs->status), "notes", notes));
    else
        json_decref(notes);
    return j;
}

static int requests_reply(struct req *rq, enum fmt f, const struct case_rec *cs, int n,
                          int extensions)
{
    struct err e = {0};
    struct case_page_extras x;
    if (case_page_extras_load(req_db(rq), &rq->arena, cs, n, &x, &e) != ERR_OK)
        return o311_err(rq, f, &e);
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, request_json(&rq->arena, &cs[i], &x, extensions));
    return o311_reply(rq, f, 200, list, "service_requests");
}

/* extensions=true|false */
static int extensions_arg(struct req *rq, enum fmt f, int *out)
{
    const char *v = qarg(rq, "extensions");
    *out = v != NULL && strcmp(v, "true") == 0;
    if (v != NULL && strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
        return o311_error(rq, f, 400, "extensions is true or false");
    return 0;
}

/* A query argument in [min, max], or def when absent. */
static int int_arg(struct req *rq, enum fmt f, const char *name, int64_t min, int64_t max,
                   int64_t def, int64_t *out)
{
    const char *v = qarg(rq, name);
    *out = def;
    if (v != NULL && parse_int_range(v, min, max, out) != 0)
        return o311_error(rq, f, 400, "%s must be a whole number from %lld to %lld", name,
                          (long long)min, (long long)max);
    return 0;
}

static int date_arg(struct req *rq, enum fmt f, const char *name, int64_t *out)
{
    const char *v = qarg(rq, name);
    if (v == NULL)
        return 0;
    if (time_parse_iso(v, out, NULL) != 0)
        return o311_error(rq, f, 400, "%s must be a w3 date-time like 2026-05-01T00:00:00Z", name);
    return 1;
}

/* GET /open311/v2/requests.{json,xml} */
int o311_requests_h(struct req *rq)
{
    struct err e = {0};
    enum fmt f = path_fmt(rq->path);
    const char *ids[O311_IDS_MAX], *codes[O311_CODES_MAX], *st[4];
    int64_t idv[O311_IDS_MAX];
    int nids = 0, ncodes = 0, nst = 0, extensions, want_open = 0, want_closed = 0;
    int64_t page, size;
    int64_t start = 0, end = 0;

    if (jurisdiction_ok(rq, f, NULL) || extensions_arg(rq, f, &extensions) ||
        int_arg(rq, f, "page", 1, 100000, 1, &page) ||
        int_arg(rq, f, "page_size", 1, O311_PAGE_SIZE_MAX, O311_PAGE_SIZE, &size))
        return -1;
    const char *v = qarg(rq, "service_request_id");
    if (v != NULL && (nids = csv_split(&rq->arena, v, ids, O311_IDS_MAX)) < 0)
        return o311_error(rq, f, 400, "service_request_id lists at most %d ids", O311_IDS_MAX);
    for (int i = 0; i < nids; i++) {
        if (parse_id(ids[i], &idv[i]) != 0)
            return o311_error(rq, f, 400, "service_request_id is a comma list of request ids");
    }
    if (nids == 0) { /* the ids override every other filter */
        v = qarg(rq, "service_code");
        if (v != NULL && (ncodes = csv_split(&rq->arena, v, codes, O311_CODES_MAX)) < 0)
            return o311_error(rq, f, 400, "service_code lists at most %d codes", O311_CODES_MAX);
        for (int i = 0; i < ncodes; i++) {
            if (!code_ok(codes[i]))
                return o311_error(rq, f, 400, "service_code is a comma list of service codes");
        }
        v = qarg(rq, "status");
        if (v != NULL && (nst = csv_split(&rq->arena, v, st, 4)) < 0)
            return o311_error(rq, f, 400, "status is open, closed or open,closed");
        for (int i = 0; i < nst; i++) {
            if (strcmp(st[i], "open") == 0)
                want_open = 1;
            else if (strcmp(st[i], "closed") == 0)
                want_closed = 1;
            else
                return o311_error(rq, f, 400, "status is open, closed or open,closed");
        }
        int has_start = date_arg(rq, f, "start_date", &start);
        int has_end = has_start < 0 ? -1 : date_arg(rq, f, "end_date", &end);
        if (has_start < 0 || has_end < 0)
            return -1;
        if (!has_start && !has_end) {
            end = time(NULL);
            start = end - O311_WINDOW;
        } else if (!has_end) {
            end = start + O311_WINDOW;
        } else if (!has_start) {
            start = end - O311_WINDOW;
        }
        if (end < start)
            return o311_error(rq, f, 400, "end_date is before start_date");
        if (end - start > O311_WINDOW)
            return o311_error(rq, f, 400, "start_date to end_date may span at most 90 days");
    }

    struct case_page_filter q = {.ids = idv,
                                 .nids = nids,
                                 .codes = codes,
                                 .ncodes = ncodes,
                                 .open = want_open,
                                 .closed = want_closed,
                                 .start = start,
                                 .end = end,
                                 .limit = size,
                                 .offset = (page - 1) * size};
    struct case_rec *cs;
    int n;
    if (case_page(req_db(rq), &rq->arena, &q, &cs, &n, &e) != ERR_OK)
        return o311_err(rq, f, &e);
    return requests_reply(rq, f, cs, n, extensions);
}

/* GET /open311/v2/requests/{id}.{json,xml}: one request, as a list of one. */
int o311_request_h(struct req *rq)
{
    struct err e = {0};
    struct case_rec cs;
    const char *name;
    enum fmt f;
    int64_t id;
    int extensions;
    if (file_param(rq, &name, &f) != 0)
        return o311_error(rq, FMT_JSON, 404, "unknown format: use .json or .xml");
    if (jurisdiction_ok(rq, f, NULL) || extensions_arg(rq, f, &extensions))
        return -1;
    if (parse_id(name, &id) != 0)
        return o311_error(rq, f, 404, "service_request_id not found");
    int rc = case_get(req_db(rq), &rq->arena, id, &cs, &e);
    if (rc == ERR_NOT_FOUND)
        return o311_error(rq, f, 404, "service_request_id %lld not found", (long long)id);
    if (rc != ERR_OK)
        return o311_err(rq, f, &e);
    return requests_reply(rq, f, &cs, 1, extensions);
}

/* GET /open311/v2/tokens/{token}.{json,xml}: the request a tracking token belongs to. */
int o311_token_h(struct req *rq)
{
    struct err e = {0};
    struct case_rec cs;
    const char *token;
    enum fmt f;
    if (file_param(rq, &token, &f) != 0)
        return o311_error(rq, FMT_JSON, 404, "unknown format: use .json or .xml");
    if (jurisdiction_ok(rq, f, NULL))
        return -1;
    size_t n = strlen(token);
    if (n < 20 || n > 64 || !form_utf8_ok(token, n))
        return o311_error(rq, f, 404, "token not found");
    int rc = case_by_token(req_db(rq), &rq->arena, token, &cs, &e);
    if (rc == ERR_NOT_FOUND)
        return o311_error(rq, f, 404, "token not found");
    if (rc != ERR_OK)
        return o311_err(rq, f, &e);
    return o311_reply(rq, f, 200,
                      json_pack("[{s:s, s:s}]", "service_request_id",
                                arena_printf(&rq->arena, "%lld", (long long)cs.id), "token", token),
                      "service_requests");
}

/* ---- service requests: submitting ---- */

/* The fields of the POST form that may appear once. */
static const char *const single_fields[] = {
    "api_key",    "jurisdiction_id", "service_code", "lat",        "long",       "address_string",
    "address_id", "email",           "device_id",    "account_id", "first_name", "last_name",
    "phone",      "description",     "media_url",    "place",
};

/* A form field; an empty one counts as absent. */
static const char *field(const struct form *fm, const char *name)
{
    const char *v = form_get(fm, name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

/* A decimal coordinate: the whole text, finite. */
static int coord_parse(const char *s, double *out)
{
    char *end;
    if (strlen(s) > 32)
        return -1;
    *out = strtod(s, &end);
    return *end == '\0' && end != s && isfinite(*out) ? 0 : -1;
}

static int ascii_only(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s >= 0x80)
            return 0;
    }
    return 1;
}

/* Fill in from the form; replies and returns -1 on a bad field. */
static int intake_from_form(struct req *rq, enum fmt f, const struct form *fm,
                            const struct category *cat, struct case_input *in, json_t *attrs)
{
    struct arena *a = &rq->arena;
    const char *lat = field(fm, "lat"), *lon = field(fm, "long");
    const char *aid = field(fm, "address_id"), *addr = field(fm, "address_string");
    const char *first = field(fm, "first_name"), *last = field(fm, "last_name");
    const char *media = field(fm, "media_url");

    if ((lat != NULL) != (lon != NULL))
        return o311_error(rq, f, 400, "%s: give both lat and long", lat ? "long" : "lat");
    if (lat != NULL) {
        if (coord_parse(lat, &in->lat) != 0)
            return o311_error(rq, f, 400, "lat: a decimal latitude (WGS 84) like 30.0312");
        if (coord_parse(lon, &in->lon) != 0)
            return o311_error(rq, f, 400, "long: a decimal longitude (WGS 84) like 120.8790");
        in->has_point = 1;
    }
    if (aid != NULL && parse_id(aid, &in->compound_id) != 0)
        return o311_error(rq, f, 400,
                          "address_id: gridgov's address ids are compound (小区) ids, in digits");
    if (addr != NULL) {
        long n = utf8_chars(addr);
        if (n > 200)
            return o311_error(rq, f, 400, "address_string: at most 200 characters");
        in->address = addr;
    }
    in->place_code = field(fm, "place");
    if (in->place_code && (strlen(in->place_code) > 17 ||
                           strspn(in->place_code, "0123456789") != strlen(in->place_code)))
        return o311_error(rq, f, 400,
                          "place: a community, grid or micro-grid code (12, 15 or 17 digits)");
    if (!in->has_point && in->compound_id == 0 && in->place_code == NULL)
        return o311_error(
            rq, f, 400,
            addr ? "address_string: gridgov files every request under a grid and cannot place "
                   "a free-text address; add address_id (a compound id), place (a community or "
                   "grid code) or lat/long inside a grid"
                 : "location: give lat and long, address_id (a compound id) or place (a "
                   "community or grid code)");
    in->description = field(fm, "description");
    if (first || last) {
        const char *name = first && last ? (ascii_only(first) && ascii_only(last)
                                                ? arena_printf(a, "%s %s", first, last)
                                                : arena_printf(a, "%s%s", last, first))
                           : first       ? first
                                         : last;
        if (utf8_chars(name) > 40)
            return o311_error(rq, f, 400, "first_name: the name has at most 40 characters");
        in->reporter_name = name;
    }
    in->reporter_phone = field(fm, "phone");
    in->reporter_email = field(fm, "email");

    for (int i = 0; i < fm->nattrs; i++) {
        const struct form_attr *at = &fm->attrs[i];
        json_t *v;
        int known = 0;
        for (int k = 0; k < cat->nattrs && !known; k++)
            known = strcmp(cat->attrs[k].code, at->code) == 0;
        if (!known) {
            const char *c = form_excerpt(a, at->code, 32);
            return o311_error(rq, f, 400,
                              "attribute[%s]: service %s has no attribute %s (see "
                              "services/%s.json)",
                              c, cat->code, c, cat->code);
        }
        if (!at->list) {
            v = json_string(at->values[0]);
        } else {
            v = json_array();
            for (int k = 0; k < at->nvalues; k++) {
                if (at->values[k][0])
                    json_array_append_new(v, json_string(at->values[k]));
            }
        }
        json_object_set_new(attrs, at->code, v);
    }
    if (media != NULL) {
        int defined = 0;
        for (int i = 0; i < cat->nattrs && !defined; i++)
            defined = strcmp(cat->attrs[i].code, "media_url") == 0;
        if (!defined)
            return o311_error(rq, f, 400,
                              "media_url: service %s does not take media links (gridgov keeps "
                              "the photos it receives itself); leave media_url out",
                              cat->code);
        if (json_object_get(attrs, "media_url") != NULL)
            return o311_error(rq, f, 400, "media_url: given both as media_url and as an attribute");
        if (strncmp(media, "http://", 7) != 0 && strncmp(media, "https://", 8) != 0)
            return o311_error(rq, f, 400, "media_url: an http or https URL");
        json_object_set_new(attrs, "media_url", json_string(media));
    }
    in->attributes = attrs;
    in->channel = "open311";
    return 0;
}

/* POST /open311/v2/requests.{json,xml}: a form with api_key, service_code, a location,
 * description, attribute[CODE] ...; answers [{service_request_id, service_notice, account_id,
 * token}]. An Idempotency-Key header makes retries safe, as for /api/v1/cases. */
int o311_request_create_h(struct req *rq)
{
    struct err e = {0};
    struct form fm;
    struct category cat;
    struct case_input in = {0};
    struct case_created out;
    enum fmt f = path_fmt(rq->path);
    const char *ct = rq->header(rq, "Content-Type");
    int64_t key_id;
    int rc;

    if (ct != NULL && (strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0 ||
                       (ct[33] != '\0' && ct[33] != ';' && ct[33] != ' ')))
        return o311_error(rq, f, 415, "send the request as application/x-www-form-urlencoded");
    if (form_parse(&rq->arena, rq->body.data ? rq->body.data : "", rq->body.len, &fm, &e) != ERR_OK)
        return o311_err(rq, f, &e);
    if (jurisdiction_ok(rq, f, &fm))
        return -1;
    for (size_t i = 0; i < ARRAY_LEN(single_fields); i++) {
        if (form_count(&fm, single_fields[i]) > 1)
            return o311_error(rq, f, 400, "%s: given more than once", single_fields[i]);
    }
    const char *key = field(&fm, "api_key");
    if (key == NULL)
        return o311_error(rq, f, 403, "api_key was not provided: every POST needs one");
    rc = apikey_lookup(req_db(rq), key, &key_id, &e);
    if (rc == ERR_FORBIDDEN)
        return o311_error(rq, f, 403, "invalid api_key: unknown or revoked");
    if (rc != ERR_OK)
        return o311_err(rq, f, &e);

    const char *code = field(&fm, "service_code");
    if (code == NULL)
        return o311_error(rq, f, 400, "service_code was not provided");
    if (!code_ok(code))
        return o311_error(rq, f, 404, "service_code not found");
    rc = category_get(req_db(rq), &rq->arena, code, &cat, &e);
    if (rc == ERR_NOT_FOUND || (rc == ERR_OK && !cat.active))
        return o311_error(rq, f, 404, "service_code '%s' not found", code);
    if (rc != ERR_OK)
        return o311_err(rq, f, &e);
    in.category = code;

    json_t *attrs = json_object();
    if (intake_from_form(rq, f, &fm, &cat, &in, attrs) != 0) {
        json_decref(attrs);
        return -1;
    }
    struct actor who = {.api_key_id = key_id};
    struct case_idem idem = {rq->header(rq, "Idempotency-Key"), rq->json, rq->body.data};
    rc = case_submit(req_store(rq), &rq->arena, rq->app->data_dir, &in, &who, &idem, &out, &e);
    json_decref(attrs);
    if (rc == ERR_INVALID && strcmp(e.field, "place") == 0 && in.has_point && !in.compound_id &&
        !in.place_code)
        return o311_error(rq, f, 400,
                          "lat/long: the point lies outside the service area; add address_id "
                          "(a compound id) or place (a community or grid code)");
    if (rc != ERR_OK)
        return o311_err(rq, f, &e);
    const char *account = field(&fm, "account_id");
    json_t *item = json_pack(
        "{s:s, s:s, s:s?}", "service_request_id",
        arena_printf(&rq->arena, "%lld", (long long)out.id), "service_notice",
        arena_printf(&rq->arena, "已登记为 %s；%s", out.case_no, notice_of(&rq->arena, &cat)),
        "account_id", account);
    json_object_set_new(item, "token", out.token[0] ? json_string(out.token) : json_null());
    return o311_reply(rq, f, out.replayed ? 200 : 201, json_pack("[o]", item), "service_requests");
}

/* ---- API keys (operators) ---- */

/* POST /api/v1/apikeys {"name"}: 201 {id, name, key, created_at, revoked}; the key is shown
 * only in this reply. */
int apikey_create_h(struct req *rq)
{
    static const char *const keys[] = {"name", NULL};
    struct err e = {0};
    struct apikey k = {0};
    char key[48];
    if (json_only_keys(rq->json, keys, &e) ||
        json_get_str(rq->json, "name", JSON_REQUIRED, APIKEY_NAME_MAX, &k.name, &e) ||
        apikey_name_check(k.name, &e) ||
        apikey_issue(req_store(rq), k.name, &k.id, key, &e) != ERR_OK)
        return reply_err(rq, &e);
    k.created_at = time(NULL);
    json_t *j = apikey_json(&k);
    json_object_set_new(j, "key", json_string(key));
    return reply_json(rq, 201, j);
}

/* GET /api/v1/apikeys: every key, without the keys themselves. */
int apikey_list_h(struct req *rq)
{
    struct err e = {0};
    struct apikey *ks;
    int n;
    if (apikey_list(req_db(rq), &rq->arena, &ks, &n, &e) != ERR_OK)
        return reply_err(rq, &e);
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, apikey_json(&ks[i]));
    return reply_json(rq, 200, json_pack("{s:o}", "items", items));
}

/* DELETE /api/v1/apikeys/{id}: revoke; 200 with the key's row. */
int apikey_revoke_h(struct req *rq)
{
    struct err e = {0};
    struct apikey k;
    int64_t id;
    if (req_param_id(rq, 0, &id) != 0)
        return -1;
    if (apikey_withdraw(req_store(rq), &rq->arena, id, NULL, &k, &e) != ERR_OK)
        return reply_err(rq, &e);
    return reply_json(rq, 200, apikey_json(&k));
}
