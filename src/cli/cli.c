/* cli.c - subcommand dispatch, the shared options and help texts. */
#include "cli/cli.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/calendar.h"
#include "domain/govindex.h"
#include "domain/ledger.h"
#include "domain/place.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct command {
    const char *name;
    int (*fn)(struct cli *c);
    const char *args, *summary;
} commands[] = {
#define COMMAND(name, fn, args, summary) {name, fn, args, summary},
#include "cli/commands.def"
#undef COMMAND
};

static const char options_help[] =
    "Options (every command):\n"
    "  --db DSN            sqlite:PATH (default sqlite:./gridgov.db) or postgres://...\n"
    "  --listen HOST:PORT  address to serve on (default 127.0.0.1:8080)\n"
    "  --data-dir DIR      where uploaded files live (default ./gridgov-data)\n"
    "  --config FILE       read KEY = VALUE settings (see docs/operations.md)\n"
    "  --threads N         HTTP threads: a pool of N (default 4 per core), 0 = one per\n"
    "                      connection\n"
    "  --log-level LEVEL   debug, info, warn or error\n"
    "  -h, --help          show help\n"
    "Environment: GRIDGOV_DB, GRIDGOV_LISTEN, GRIDGOV_DATA_DIR, GRIDGOV_LOG_LEVEL,\n"
    "GRIDGOV_CONFIG, GRIDGOV_ADMIN_PASSWORD, GRIDGOV_PASSWORD.\n";

static void usage(FILE *f)
{
    fprintf(f, "usage: gridgov COMMAND [OPTIONS]\n\ngridgov runs grid-based grassroots "
               "governance: places, cases, their timelines and the dashboard.\n\nCommands:\n");
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'gridgov COMMAND --help' for a command's arguments.\n\n%s", options_help);
}

static void command_usage(const struct command *cmd, FILE *f)
{
    fprintf(f, "usage: gridgov %s %s\n%s.\n\n%s", cmd->name, cmd->args, cmd->summary, options_help);
}

enum {
    OPT_DB = 256,
    OPT_LISTEN,
    OPT_DATA_DIR,
    OPT_CONFIG,
    OPT_THREADS,
    OPT_LOG_LEVEL,
    OPT_ADMIN_PW,
    OPT_USERS_PW,
    OPT_NO_SERVE,
    OPT_PREFIX,
    OPT_ROLE,
    OPT_SCOPE,
    OPT_NAME,
    OPT_PW_STDIN,
    OPT_DRY_RUN,
    OPT_VALID_ONLY,
    OPT_ENCODING,
    OPT_PLACE,
    OPT_PURPOSE,
    OPT_ORIGIN,
    OPT_FROM,
    OPT_CHECK,
    OPT_FORCE,
};

static int parse_options(struct cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"data-dir", required_argument, NULL, OPT_DATA_DIR},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
        {"admin-password", required_argument, NULL, OPT_ADMIN_PW},
        {"users-password", required_argument, NULL, OPT_USERS_PW},
        {"no-serve", no_argument, NULL, OPT_NO_SERVE},
        {"prefix", required_argument, NULL, OPT_PREFIX},
        {"role", required_argument, NULL, OPT_ROLE},
        {"scope", required_argument, NULL, OPT_SCOPE},
        {"name", required_argument, NULL, OPT_NAME},
        {"password-stdin", no_argument, NULL, OPT_PW_STDIN},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"valid-only", no_argument, NULL, OPT_VALID_ONLY},
        {"encoding", required_argument, NULL, OPT_ENCODING},
        {"place", required_argument, NULL, OPT_PLACE},
        {"purpose", required_argument, NULL, OPT_PURPOSE},
        {"origin", required_argument, NULL, OPT_ORIGIN},
        {"from", required_argument, NULL, OPT_FROM},
        {"check", no_argument, NULL, OPT_CHECK},
        {"force", no_argument, NULL, OPT_FORCE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct {
        const char *key, *value;
    } sets[16];
    int nsets = 0, o;
    const char *config_file = getenv("GRIDGOV_CONFIG");
    struct err e = {0};

    optind = 1;
    opterr = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case OPT_DB:
            sets[nsets].key = "db", sets[nsets++].value = optarg;
            break;
        case OPT_LISTEN:
            sets[nsets].key = "listen", sets[nsets++].value = optarg;
            break;
        case OPT_DATA_DIR:
            sets[nsets].key = "data_dir", sets[nsets++].value = optarg;
            break;
        case OPT_THREADS:
            sets[nsets].key = "threads", sets[nsets++].value = optarg;
            break;
        case OPT_LOG_LEVEL:
            sets[nsets].key = "log_level", sets[nsets++].value = optarg;
            break;
        case OPT_CONFIG:
            config_file = optarg;
            break;
        case OPT_ADMIN_PW:
            c->admin_password = optarg;
            break;
        case OPT_USERS_PW:
            c->users_password = optarg;
            break;
        case OPT_NO_SERVE:
            c->no_serve = 1;
            break;
        case OPT_PREFIX:
            c->prefix = optarg;
            break;
        case OPT_ROLE:
            c->role = optarg;
            break;
        case OPT_SCOPE:
            c->scope = optarg;
            break;
        case OPT_NAME:
            c->name = optarg;
            break;
        case OPT_PW_STDIN:
            c->password_stdin = 1;
            break;
        case OPT_DRY_RUN:
            c->dry_run = 1;
            break;
        case OPT_VALID_ONLY:
            c->valid_only = 1;
            break;
        case OPT_ENCODING:
            c->encoding = optarg;
            break;
        case OPT_PLACE:
            c->place = optarg;
            break;
        case OPT_PURPOSE:
            c->purpose = optarg;
            break;
        case OPT_ORIGIN:
            c->origin = optarg;
            break;
        case OPT_FROM:
            c->from = optarg;
            break;
        case OPT_CHECK:
            c->check = 1;
            break;
        case OPT_FORCE:
            c->force = 1;
            break;
        case 'h':
            c->help = 1;
            break;
        default:
            return EXIT_USAGE;
        }
        if (nsets == (int)ARRAY_LEN(sets))
            return EXIT_USAGE;
    }
    config_defaults(&c->cfg);
    if (config_file != NULL && config_load_file(&c->cfg, config_file, &e) != ERR_OK) {
        fprintf(stderr, "gridgov: %s\n", e.msg);
        return EXIT_USAGE;
    }
    if (config_load_env(&c->cfg, &e) != ERR_OK) {
        fprintf(stderr, "gridgov: %s\n", e.msg);
        return EXIT_USAGE;
    }
    for (int i = 0; i < nsets; i++) {
        if (config_set(&c->cfg, sets[i].key, sets[i].value, &e) != ERR_OK) {
            fprintf(stderr, "gridgov: --%s: %s\n", sets[i].key, e.msg);
            return EXIT_USAGE;
        }
    }
    if (c->admin_password == NULL)
        c->admin_password = getenv("GRIDGOV_ADMIN_PASSWORD");
    c->argc = argc - optind;
    c->argv = argv + optind;
    enum log_level lvl = LOG_INFO;
    if (strcmp(c->cfg.log_level, "debug") == 0)
        lvl = LOG_DEBUG;
    else if (strcmp(c->cfg.log_level, "warn") == 0)
        lvl = LOG_WARN;
    else if (strcmp(c->cfg.log_level, "error") == 0)
        lvl = LOG_ERROR;
    log_set_level(lvl);
    return EXIT_OK;
}

static int calendar_seed_fn(struct db *db, void *ctx, struct err *e)
{
    int added;
    (void)ctx;
    return calendar_seed(db, &added, e);
}

struct store *cli_store_open(const struct cli *c)
{
    struct err e = {0};
    struct store_config sc = {
        .dsn = c->cfg.db,
        .readers = c->cfg.db_readers ? c->cfg.db_readers : c->cfg.threads + 2,
        .sync_full = c->cfg.sync_full,
    };
    struct geo_box area;
    /* before the store opens: a first open counts the ledger's decisions */
    ledger_set_decide_days(c->cfg.ledger_decide_days);
    if (strcmp(c->cfg.service_area, "off") == 0 || c->cfg.service_area[0] == '\0') {
        place_set_service_area(NULL);
    } else if (geo_box_parse(c->cfg.service_area, &area) == 0) {
        place_set_service_area(&area);
    } else {
        fprintf(stderr, "gridgov: service_area is MINLON,MINLAT,MAXLON,MAXLAT or off\n");
        return NULL;
    }
    struct store *s = store_open(&sc, &e);
    if (s == NULL) {
        fprintf(stderr, "gridgov: cannot open the database: %s\n", e.msg);
        return NULL;
    }
    /* the State Council's holidays are the calendar's first data */
    if (store_write(s, calendar_seed_fn, NULL, &e) != ERR_OK) {
        fprintf(stderr, "gridgov: cannot seed the working-day calendar: %s\n", e.msg);
        store_close(s);
        return NULL;
    }
    /* a database made before counters existed gets them once, from its records */
    if (store_write(s, govindex_counters_seed_fn, NULL, &e) != ERR_OK) {
        fprintf(stderr, "gridgov: cannot compute the counters: %s\n", e.msg);
        store_close(s);
        return NULL;
    }
    return s;
}

int cli_main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (crypto_init() != 0) {
        fprintf(stderr, "gridgov: libsodium cannot start\n");
        return EXIT_FAIL;
    }
    for (size_t i = 0; i < ARRAY_LEN(commands); i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        struct cli c;
        memset(&c, 0, sizeof(c));
        int rc = parse_options(&c, argc - 1, argv + 1);
        if (rc != EXIT_OK) {
            command_usage(&commands[i], stderr);
            return rc;
        }
        if (c.help) {
            command_usage(&commands[i], stdout);
            return EXIT_OK;
        }
        return commands[i].fn(&c);
    }
    fprintf(stderr, "gridgov: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
