/* config.h - settings from defaults, a config file, the environment and flags, in that order
 * (later wins). See docs/operations.md for every key. */
#ifndef GG_CONFIG_H
#define GG_CONFIG_H

#include <stddef.h>

#include "core/err.h"

struct config {
    char db[512];              /* db = sqlite:PATH | postgres://... ; env GRIDGOV_DB */
    char listen[128];          /* listen = HOST:PORT ; env GRIDGOV_LISTEN */
    char data_dir[512];        /* data_dir = DIR ; env GRIDGOV_DATA_DIR */
    int threads;               /* threads = N (HTTP worker threads) */
    int db_readers;            /* db_readers = N (read connections) */
    long body_max;             /* body_max = BYTES */
    long upload_max;           /* upload_max = BYTES (requests that carry photos) */
    int session_ttl;           /* session_ttl = SECONDS */
    int sync_full;             /* sync = normal | full */
    char log_level[16];        /* log_level = debug | info | warn | error */
    int workers;               /* workers = on | off (webhook delivery and scheduler in serve) */
    int webhook_allow_private; /* webhook_allow_private = on | off (private webhook targets) */
    char service_area[96];     /* service_area = MINLON,MINLAT,MAXLON,MAXLAT | off */
    char jurisdiction_id[64];  /* jurisdiction_id = DOMAIN (Open311, beside the division code) */
    char public_url[256];      /* public_url = https://... (links in group-chat messages) */
    int outbox_max_attempts;   /* outbox_max_attempts = N (then a dead letter) */
    char map_tiles[512];       /* map_tiles = tile URL template with {z} {x} {y}, or "local" */
    char map_tile_dir[512];    /* map_tile_dir = DIR of z/x/y.png served at /tiles/ */
    int warn_due_hours;        /* warn_due_hours = N (queue due_soon: due in N working hours) */
    int ledger_decide_days;    /* ledger_decide_days = N (ledger entries decided on time: N working
                                  days) */
};

void config_defaults(struct config *c);
/* Read KEY = VALUE lines; '#' starts a comment. Unknown keys are errors (field = key). */
int config_load_file(struct config *c, const char *path, struct err *e);
/* Apply GRIDGOV_* variables; an invalid value is an error naming the variable. */
int config_load_env(struct config *c, struct err *e);
/* Set one key from text (shared by the file reader and flags). */
int config_set(struct config *c, const char *key, const char *value, struct err *e);
/* Split HOST:PORT ([::1]:8080 for IPv6). */
int config_listen_split(const char *listen, char *host, size_t hostlen, int *port, struct err *e);

#endif
