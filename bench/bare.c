/*
 * bench/bare.c - the limit of the HTTP library.
 *
 * A minimal libmicrohttpd server (epoll, internal thread pool) that answers every request with
 * one fixed JSON body of about 300 bytes. bench/http.sh compares gridgov against it, so the
 * ratio shows what gridgov itself costs on top of libmicrohttpd.
 *
 * Usage: bench-bare --listen HOST:PORT [--threads N]   (PORT 0 picks a free port)
 * Prints "listening on http://HOST:PORT" once ready; runs until SIGINT or SIGTERM.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#if MHD_VERSION < 0x00097002
typedef int mhd_result;
#else
typedef enum MHD_Result mhd_result;
#endif

/* About the size of one gridgov place record. */
static const char BODY[] =
    "{\"code\":\"330604002007\",\"name\":\"博文社区\",\"level\":\"community\","
    "\"parent\":{\"code\":\"330604002\",\"name\":\"曹娥街道\",\"level\":\"town\"},"
    "\"path\":[\"33\",\"3306\",\"330604\",\"330604002\",\"330604002007\"],"
    "\"population\":5231,\"households\":1874,\"grids\":12,\"area_km2\":1.62,"
    "\"status\":\"active\","
    "\"updated_at\":\"2024-05-01T08:00:00Z\"}";

static struct MHD_Response *response;

/* Marker stored in *con_cls after the first call for a request. */
static int seen;

static void usage(const char *prog)
{
    fprintf(stderr, "usage: %s --listen HOST:PORT [--threads N]\n", prog);
    exit(2);
}

/* Parses "HOST:PORT" (IPv4 host) into sa; returns 0 on success. */
static int parse_listen(const char *arg, struct sockaddr_in *sa)
{
    const char *colon = strrchr(arg, ':');
    char host[INET_ADDRSTRLEN];
    char *end;
    long port;
    size_t n;

    if (colon == NULL)
        return -1;
    n = (size_t)(colon - arg);
    if (n == 0 || n >= sizeof(host))
        return -1;
    memcpy(host, arg, n);
    host[n] = '\0';

    errno = 0;
    port = strtol(colon + 1, &end, 10);
    if (errno != 0 || end == colon + 1 || *end != '\0' || port < 0 || port > 65535)
        return -1;

    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((unsigned short)port);
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

/* Parses a positive thread count; returns 0 on failure. */
static unsigned parse_threads(const char *arg)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || v < 1 || v > 1024)
        return 0;
    return (unsigned)v;
}

/*
 * Two-callback pattern: the first call for a request only marks it, later calls consume any
 * upload, and the last one queues the shared response. This keeps keep-alive working.
 */
static mhd_result handle(void *cls, struct MHD_Connection *conn, const char *url,
                         const char *method, const char *version, const char *upload_data,
                         size_t *upload_data_size, void **con_cls)
{
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)upload_data;

    if (*con_cls == NULL) {
        *con_cls = &seen;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    return MHD_queue_response(conn, MHD_HTTP_OK, response);
}

int main(int argc, char **argv)
{
    struct sockaddr_in sa;
    const char *listen_arg = NULL;
    unsigned threads = 0;
    struct MHD_Daemon *daemon;
    const union MHD_DaemonInfo *info;
    char host[INET_ADDRSTRLEN];
    sigset_t sigs;
    int sig;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
            listen_arg = argv[++i];
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = parse_threads(argv[++i]);
            if (threads == 0)
                usage(argv[0]);
        } else {
            usage(argv[0]);
        }
    }
    if (listen_arg == NULL || parse_listen(listen_arg, &sa) != 0)
        usage(argv[0]);
    if (threads == 0) {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        threads = ncpu > 0 ? (unsigned)ncpu : 1;
    }

    response =
        MHD_create_response_from_buffer(sizeof(BODY) - 1, (void *)BODY, MHD_RESPMEM_PERSISTENT);
    if (response == NULL || MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                                                    "application/json") != MHD_YES) {
        fprintf(stderr, "bare: cannot create response\n");
        return 1;
    }

    /* Block the stop signals before MHD starts its threads, so only sigwait() sees them. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0) {
        fprintf(stderr, "bare: cannot block signals\n");
        return 1;
    }

    /* MHD warns about a pool of 1, so the pool option is only added for 2 threads or more. */
    struct MHD_OptionItem ops[] = {
        {MHD_OPTION_SOCK_ADDR, 0, &sa},
        {MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL},
        {MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL},
        {MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    if (threads < 2)
        ops[3].option = MHD_OPTION_END;
    daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
        ntohs(sa.sin_port), NULL, NULL, handle, NULL, MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "bare: cannot listen on %s\n", listen_arg);
        MHD_destroy_response(response);
        return 1;
    }

    info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    inet_ntop(AF_INET, &sa.sin_addr, host, sizeof(host));
    printf("listening on http://%s:%u (%u threads)\n", host,
           info != NULL ? (unsigned)info->port : (unsigned)ntohs(sa.sin_port), threads);
    fflush(stdout);

    while (sigwait(&sigs, &sig) != 0)
        ;

    MHD_stop_daemon(daemon);
    MHD_destroy_response(response);
    return 0;
}
