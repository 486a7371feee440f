/* cmd_serve.c - `gridgov serve` and `gridgov demo`: open the store, start the listener, wait
 * for SIGINT or SIGTERM, stop cleanly. */
#include "cli/cli.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/calendar.h"
#include "domain/case.h"
#include "domain/demo.h"
#include "domain/photo.h"
#include "domain/scheduler.h"
#include "domain/pii.h"
#include "domain/secret.h"
#include "domain/user.h"
#include "domain/notify.h"
#include "domain/webhook.h"
#include "http/http.h"
#include "http/metrics.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "version.h" /* build/gen/version.h: GRIDGOV_VERSION */

static int mkdir_p(const char *dir)
{
    char path[512];
    snprintf(path, sizeof(path), "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0750) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return mkdir(path, 0750) != 0 && errno != EEXIST ? -1 : 0;
}

int cli_data_dir(const struct cli *c)
{
    struct err e = {0};
    if (mkdir_p(c->cfg.data_dir) != 0) {
        fprintf(stderr, "gridgov: cannot create the data directory %s: %s\n", c->cfg.data_dir,
                strerror(errno));
        return EXIT_FAIL;
    }
    if (secret_init(c->cfg.data_dir, &e) != ERR_OK || pii_init(c->cfg.data_dir, &e) != ERR_OK) {
        fprintf(stderr, "gridgov: %s\n", e.msg);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static int serve_store(struct cli *c, struct store *s)
{
    struct err e = {0};
    char host[128];
    int port;
    sigset_t set;

    if (config_listen_split(c->cfg.listen, host, sizeof(host), &port, &e) != ERR_OK) {
        fprintf(stderr, "gridgov: --listen: %s\n", e.msg);
        return EXIT_USAGE;
    }
    if (cli_data_dir(c) != EXIT_OK)
        return EXIT_FAIL;
    /* block the stop signals in every thread; this one waits for them */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct app app = {
        .store = s,
        .body_max = (size_t)c->cfg.body_max,
        .upload_max = (size_t)c->cfg.upload_max,
        .data_dir = c->cfg.data_dir,
        .session_ttl = c->cfg.session_ttl,
        .version = GRIDGOV_VERSION,
        .started = time_mono(),
        .jurisdiction_id = c->cfg.jurisdiction_id,
        .map_tiles = c->cfg.map_tiles,
        .map_tile_dir = c->cfg.map_tile_dir,
    };
    char img_src[300];
    app.img_src = map_img_src(c->cfg.map_tiles, img_src, sizeof(img_src));
    webhook_set_allow_private(c->cfg.webhook_allow_private);
    webhook_set_max_attempts(c->cfg.outbox_max_attempts);
    notify_set_public_url(c->cfg.public_url);
    case_set_warn_due_hours(c->cfg.warn_due_hours);
    if (c->cfg.webhook_allow_private)
        log_warn("webhook_allow_private = on: webhooks may reach loopback and private addresses");
    struct server *srv = server_start(&app, host, port, c->cfg.threads, &e);
    if (srv == NULL) {
        fprintf(stderr, "gridgov: %s\n", e.msg);
        return EXIT_FAIL;
    }
    log_start_flusher();
    log_info("gridgov %s serving %s database on http://%s%s%s:%d/ with %d threads", GRIDGOV_VERSION,
             store_backend(s), strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
             port, c->cfg.threads);
    printf("gridgov is serving on http://%s%s%s:%d/\n", strchr(host, ':') ? "[" : "", host,
           strchr(host, ':') ? "]" : "", port);
    fflush(stdout);
    /* background work: webhook delivery, the scheduler and the orphan photo collector, each
     * under its lease row */
    struct backoffice *webhooks = NULL, *scheduler = NULL, *photos = NULL;
    if (c->cfg.workers) {
        webhooks = webhook_worker_start(s);
        scheduler = scheduler_start(s);
        photos = photo_collector_start(s, c->cfg.data_dir);
    }
    int sig = 0;
    sigwait(&set, &sig);
    log_info("received %s, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    backoffice_stop(photos);
    scheduler_stop(scheduler);
    webhook_worker_stop(webhooks);
    server_stop(srv);
    log_stop_flusher();
    session_cache_clear();
    metrics_free();
    calendar_cache_free();
    return EXIT_OK;
}

int cmd_serve(struct cli *c)
{
    if (c->argc != 0) {
        fprintf(stderr, "gridgov serve: unexpected argument '%s'\n", c->argv[0]);
        return EXIT_USAGE;
    }
    struct store *s = cli_store_open(c);
    if (s == NULL)
        return EXIT_FAIL;
    int rc = serve_store(c, s);
    store_close(s);
    return rc;
}

int cmd_demo(struct cli *c)
{
    struct err e = {0};
    if (c->argc != 0) {
        fprintf(stderr, "gridgov demo: unexpected argument '%s'\n", c->argv[0]);
        return EXIT_USAGE;
    }
    /* refuse bad passwords before anything is replaced */
    if ((c->admin_password && password_check(c->admin_password, &e) != ERR_OK) ||
        (c->users_password && password_check(c->users_password, &e) != ERR_OK)) {
        fprintf(stderr, "gridgov demo: %s\n", e.msg);
        return EXIT_USAGE;
    }
    if (cli_data_dir(c) != EXIT_OK) /* the keys, before any personal data is written */
        return EXIT_FAIL;
    struct store *s = cli_store_open(c);
    if (s == NULL)
        return EXIT_FAIL;
    int replaceable = demo_replaceable(s, &e);
    if (replaceable < 0) {
        fprintf(stderr, "gridgov demo: %s\n", e.msg);
        store_close(s);
        return EXIT_FAIL;
    }
    if (!replaceable) {
        fprintf(stderr,
                "gridgov demo: %s holds real data (not a demo database); refusing to "
                "replace it. Use another --db.\n",
                c->cfg.db);
        store_close(s);
        return EXIT_FAIL;
    }
    /* start from nothing: drop the old demo, then migrate again */
    if (store_wipe(s, &e) != ERR_OK) {
        fprintf(stderr, "gridgov demo: cannot clear the old demo: %s\n", e.msg);
        store_close(s);
        return EXIT_FAIL;
    }
    store_close(s);
    if ((s = cli_store_open(c)) == NULL)
        return EXIT_FAIL;
    if (demo_populate(s, c->admin_password, c->users_password, stdout, &e) != ERR_OK) {
        fprintf(stderr, "gridgov demo: %s%s%s\n", e.field[0] ? e.field : "", e.field[0] ? ": " : "",
                e.msg);
        store_close(s);
        return EXIT_FAIL;
    }
    fflush(stdout);
    int rc = c->no_serve ? EXIT_OK : serve_store(c, s);
    store_close(s);
    return rc;
}

int cmd_version(struct cli *c)
{
    (void)c;
    printf("gridgov %s\n", GRIDGOV_VERSION);
    return EXIT_OK;
}
