/* server.c - libmicrohttpd glue: one struct req per request (created on the first callback,
 * dispatched once the body is in, so keep-alive works), the body cap, the access log and the
 * metrics observation when MHD reports the request completed. */
#include "http/http.h"
#include "http/metrics.h"
#include "core/log.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#define DRAIN_FACTOR 16

struct server {
    struct MHD_Daemon *d;
    struct app *app;
};

struct mhd_req {
    struct req rq;
    struct MHD_Connection *c;
    double t0;
    int queued;
    int close;    /* answer with Connection: close (a request whose framing is in doubt) */
    int bad_path; /* the raw path holds %00, which MHD would decode to the path's end */
    size_t discarded;
    char client[64];
};

static const char *mhd_header(struct req *rq, const char *name)
{
    struct mhd_req *m = rq->transport;
    return MHD_lookup_connection_value(m->c, MHD_HEADER_KIND, name);
}

static const char *mhd_query(struct req *rq, const char *name)
{
    struct mhd_req *m = rq->transport;
    return MHD_lookup_connection_value(m->c, MHD_GET_ARGUMENT_KIND, name);
}

static void client_addr(struct MHD_Connection *c, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, n, "-");
    if (ci == NULL || ci->client_addr == NULL)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

static enum MHD_Result send_reply(struct mhd_req *m)
{
    struct req *rq = &m->rq;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer_with_free_callback(rq->reply_len, rq->reply, free);
    if (resp == NULL)
        return MHD_NO;
    rq->reply = NULL; /* MHD owns it now */
    MHD_add_response_header(resp, "Content-Type", rq->content_type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (strncmp(rq->content_type, "text/html", 9) == 0) {
        char csp[400];
        snprintf(csp, sizeof(csp),
                 "default-src 'self'; img-src 'self' data: blob:%s%s; "
                 "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
                 rq->app->img_src ? " " : "", rq->app->img_src ? rq->app->img_src : "");
        MHD_add_response_header(resp, "Content-Security-Policy", csp);
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    }
    if (rq->allow)
        MHD_add_response_header(resp, "Allow", rq->allow);
    if (rq->retry_after)
        MHD_add_response_header(resp, "Retry-After", rq->retry_after);
    if (rq->disposition)
        MHD_add_response_header(resp, "Content-Disposition", rq->disposition);
    if (m->close)
        MHD_add_response_header(resp, "Connection", "close");
    enum MHD_Result ret = MHD_queue_response(m->c, (unsigned)rq->status, resp);
    MHD_destroy_response(resp);
    m->queued = 1;
    return ret;
}

/* The raw request line's URI, before MHD decodes it: the one place a %00 in the path can be
 * seen (decoded, it ends the path early: /api/v1/users/1%00x would read as /api/v1/users/1).
 * The struct mhd_req is made here, so MHD hands it to every later callback. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct mhd_req *m = xcalloc(1, sizeof(*m));
    (void)cls;
    (void)c;
    size_t n = strcspn(uri, "?");
    for (size_t i = 0; i + 3 <= n; i++) {
        if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
            m->bad_path = 1;
    }
    return m;
}

struct framing {
    int content_length; /* how many Content-Length headers */
    int transfer_encoding;
    int bad_length; /* a Content-Length that is not 1 to 19 digits */
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    struct framing *f = cls;
    (void)kind;
    if (strcasecmp(key, "Content-Length") == 0) {
        size_t n = value ? strlen(value) : 0;
        f->content_length++;
        if (n == 0 || n > 19 || strspn(value, "0123456789") != n)
            f->bad_length = 1;
    } else if (strcasecmp(key, "Transfer-Encoding") == 0) {
        f->transfer_encoding++;
    }
    return MHD_YES;
}

/* A request whose body length is ambiguous (Content-Length with Transfer-Encoding, two of
 * either, a Content-Length that is not a number) is refused and its connection closed: behind a
 * proxy that reads the framing otherwise, the leftover bytes would be taken for a second
 * request. */
static int framing_ok(struct MHD_Connection *c)
{
    struct framing f = {0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
    return !(f.bad_length || f.content_length > 1 || f.transfer_encoding > 1 ||
             (f.content_length && f.transfer_encoding));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct server *srv = cls;
    struct mhd_req *m = *con_cls;
    (void)version;

    if (m == NULL) /* on_uri made it, unless MHD skipped it */
        *con_cls = m = xcalloc(1, sizeof(*m));
    if (m->c == NULL) {
        /* first call: headers only; answer on a later call so the connection stays alive */
        m->t0 = time_mono();
        m->c = c;
        req_init(&m->rq, srv->app, method, url);
        m->rq.transport = m;
        m->rq.header = mhd_header;
        m->rq.query = mhd_query;
        client_addr(c, m->client, sizeof(m->client));
        m->rq.client = m->client;
        req_headers_in(&m->rq);
        if (!framing_ok(c)) {
            m->close = 1;
            reply_code(&m->rq, ERR_BAD_REQUEST, NULL,
                       "ambiguous body length: send one Content-Length or chunked encoding");
            return send_reply(m);
        }
        if (m->bad_path) {
            reply_code(&m->rq, ERR_BAD_REQUEST, NULL, "a NUL byte (%00) in the path");
            return send_reply(m);
        }
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        *con_cls = m;
        unsigned long long announced = cl != NULL ? strtoull(cl, NULL, 10) : 0;
        if (announced + 1 > m->rq.body.max) {
            /* announced too large: a body up to DRAIN_FACTOR times the cap is read and dropped
             * so the client, still sending, can read the 413; a larger one is answered at once
             * and the connection closed */
            m->rq.body_too_large = 1;
            if (announced > DRAIN_FACTOR * m->rq.body.max) {
                http_dispatch(&m->rq);
                return send_reply(m);
            }
        }
        return MHD_YES;
    }
    if (m->queued)
        return MHD_YES;
    if (*upload_data_size != 0) {
        /* a body that outgrows the cap is read and dropped, then answered with 413; past
         * DRAIN_FACTOR times the cap the connection is cut */
        if (!m->rq.body_too_large && buf_add(&m->rq.body, upload_data, *upload_data_size) != 0)
            m->rq.body_too_large = 1;
        if (m->rq.body_too_large) {
            m->discarded += *upload_data_size;
            if (m->discarded > DRAIN_FACTOR * m->rq.body.max)
                return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    http_dispatch(&m->rq);
    return send_reply(m);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct mhd_req *m = *con_cls;
    (void)cls;
    (void)c;
    if (m == NULL)
        return;
    if (m->c == NULL) { /* the request line came, the request never did */
        free(m);
        *con_cls = NULL;
        return;
    }
    double dt = time_mono() - m->t0;
    struct req *rq = &m->rq;
    metrics_observe(rq->route_index < 0 ? http_routes_count : rq->route_index, rq->status, dt);
    log_access("access %s \"%s %s\" %d %.3fms user=%s%s", m->client, rq->method_str,
               http_log_path(rq->path, &rq->arena), rq->status, dt * 1000.0,
               rq->user ? rq->user->username : "-",
               toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    req_finish(rq);
    free(m);
    *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    (void)cls;
    vsnprintf(line, sizeof(line), fmt, ap);
    size_t n = strlen(line);
    while (n && line[n - 1] == '\n')
        line[--n] = '\0';
    log_warn("http: %s", line);
}

struct server *server_start(struct app *app, const char *host, int port, int threads, struct err *e)
{
    struct sockaddr_in6 a6 = {0};
    struct sockaddr_in a4 = {0};
    const struct sockaddr *sa;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;

    if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)port);
        sa = (const struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, host, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)port);
        sa = (const struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        err_set(e, ERR_INVALID, "listen", "'%s' is not an IPv4 or IPv6 address", host);
        return NULL;
    }
    struct server *srv = xcalloc(1, sizeof(*srv));
    srv->app = app;
    metrics_init(http_routes_count);
    if (threads == 0) /* a thread per connection */
        flags = (flags & ~(unsigned)MHD_USE_EPOLL_INTERNAL_THREAD) | MHD_USE_THREAD_PER_CONNECTION |
                MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
    srv->d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
        NULL, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)(threads > 0 ? threads : 1), MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_CONNECTION_TIMEOUT, 60u,
        MHD_OPTION_CONNECTION_LIMIT, threads > 0 ? 4096u : 1024u, MHD_OPTION_END);
    if (srv->d == NULL) {
        err_set(e, ERR_UNAVAILABLE, "listen", "cannot listen on %s:%d (in use or not allowed)",
                host, port);
        free(srv);
        return NULL;
    }
    return srv;
}

void server_stop(struct server *srv)
{
    if (srv == NULL)
        return;
    MHD_stop_daemon(srv->d);
    free(srv);
}
