/* config.c - the settings: defaults, file, environment. */
#include "core/config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void config_defaults(struct config *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->db, sizeof(c->db), "sqlite:./gridgov.db");
    snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
    snprintf(c->data_dir, sizeof(c->data_dir), "./gridgov-data");
    /* HTTP threads: a pool of four per core. Reads run fastest on a small pool (measured on 2
     * cores: 31k places/s with 8 threads against 18k with a thread per connection); writes
     * batch better with a thread per connection (threads = 0), see docs/decisions.md */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    c->threads = cores < 1 ? 4 : cores > 16 ? 64 : (int)cores * 4;
    c->db_readers = 0; /* 0 = threads + 2 */
    c->body_max = 1L << 20;
    c->upload_max = 100L << 20;
    c->session_ttl = 12 * 3600;
    c->sync_full = 0;
    snprintf(c->log_level, sizeof(c->log_level), "info");
    c->workers = 1;
    /* Shangyu District with a margin (120.61-121.10 E, 29.73-30.31 N); the district's own
     * boundary, once drawn, takes its place */
    snprintf(c->service_area, sizeof(c->service_area), "120.55,29.65,121.15,30.40");
    snprintf(c->jurisdiction_id, sizeof(c->jurisdiction_id), "shangyu.gov.cn");
    c->outbox_max_attempts = 12;
    c->warn_due_hours = 8;
    c->ledger_decide_days = 5;
}

static int set_int(const char *key, const char *v, long min, long max, long *out, struct err *e)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*v == '\0' || *end || n < min || n > max)
        return err_set(e, ERR_INVALID, key, "%s must be a number from %ld to %ld", key, min, max);
    *out = n;
    return ERR_OK;
}

int config_set(struct config *c, const char *key, const char *v, struct err *e)
{
    long n;
#define STR(field)                                                                                 \
    do {                                                                                           \
        if (strlen(v) >= sizeof(c->field))                                                         \
            return err_set(e, ERR_INVALID, key, "%s is too long", key);                            \
        snprintf(c->field, sizeof(c->field), "%s", v);                                             \
        return ERR_OK;                                                                             \
    } while (0)
    if (strcmp(key, "db") == 0)
        STR(db);
    if (strcmp(key, "listen") == 0)
        STR(listen);
    if (strcmp(key, "data_dir") == 0)
        STR(data_dir);
    if (strcmp(key, "service_area") == 0)
        STR(service_area); /* checked where it is used (cli_store_open) */
    if (strcmp(key, "jurisdiction_id") == 0) {
        for (const char *p = v; *p; p++) {
            if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
                return err_set(e, ERR_INVALID, key,
                               "jurisdiction_id is a domain name (letters, digits, '.', '-')");
        }
        STR(jurisdiction_id);
    }
    if (strcmp(key, "public_url") == 0) {
        if (*v && strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
            return err_set(e, ERR_INVALID, key, "public_url starts with http:// or https://");
        STR(public_url);
    }
    if (strcmp(key, "map_tiles") == 0) {
        if (*v && strcmp(v, "local") && strncmp(v, "https://", 8) && strncmp(v, "http://", 7))
            return err_set(e, ERR_INVALID, key, "map_tiles is an http(s) URL template or local");
        if (*v && strcmp(v, "local") &&
            (!strstr(v, "{z}") || !strstr(v, "{x}") || !strstr(v, "{y}") || strchr(v, '\'') ||
             strchr(v, '"') || strchr(v, ' ') || strchr(v, ';')))
            return err_set(e, ERR_INVALID, key,
                           "map_tiles needs {z}, {x} and {y}, no quotes, "
                           "spaces or semicolons");
        STR(map_tiles);
    }
    if (strcmp(key, "map_tile_dir") == 0)
        STR(map_tile_dir);
    if (strcmp(key, "log_level") == 0) {
        if (strcmp(v, "debug") && strcmp(v, "info") && strcmp(v, "warn") && strcmp(v, "error"))
            return err_set(e, ERR_INVALID, key, "log_level is debug, info, warn or error");
        STR(log_level);
    }
#undef STR
    if (strcmp(key, "threads") == 0) {
        if (set_int(key, v, 0, 256, &n, e))
            return e->code;
        c->threads = (int)n;
        return ERR_OK;
    }
    if (strcmp(key, "db_readers") == 0) {
        if (set_int(key, v, 1, 512, &n, e))
            return e->code;
        c->db_readers = (int)n;
        return ERR_OK;
    }
    if (strcmp(key, "body_max") == 0)
        return set_int(key, v, 1024, 1L << 30, &c->body_max, e);
    if (strcmp(key, "upload_max") == 0)
        return set_int(key, v, 1024, 1L << 30, &c->upload_max, e);
    if (strcmp(key, "session_ttl") == 0) {
        if (set_int(key, v, 60, 30L * 86400, &n, e))
            return e->code;
        c->session_ttl = (int)n;
        return ERR_OK;
    }
    if (strcmp(key, "sync") == 0) {
        if (strcmp(v, "normal") && strcmp(v, "full"))
            return err_set(e, ERR_INVALID, key, "sync is normal or full");
        c->sync_full = strcmp(v, "full") == 0;
        return ERR_OK;
    }
    if (strcmp(key, "workers") == 0) {
        if (strcmp(v, "on") && strcmp(v, "off"))
            return err_set(e, ERR_INVALID, key, "workers is on or off");
        c->workers = strcmp(v, "on") == 0;
        return ERR_OK;
    }
    if (strcmp(key, "outbox_max_attempts") == 0) {
        if (set_int(key, v, 1, 100, &n, e))
            return e->code;
        c->outbox_max_attempts = (int)n;
        return ERR_OK;
    }
    if (strcmp(key, "warn_due_hours") == 0) {
        if (set_int(key, v, 1, 720, &n, e))
            return e->code;
        c->warn_due_hours = (int)n;
        return ERR_OK;
    }
    if (strcmp(key, "ledger_decide_days") == 0) {
        if (set_int(key, v, 1, 365, &n, e))
            return e->code;
        c->ledger_decide_days = (int)n;
        return ERR_OK;
    }
    if (strcmp(key, "webhook_allow_private") == 0) {
        if (strcmp(v, "on") && strcmp(v, "off"))
            return err_set(e, ERR_INVALID, key, "webhook_allow_private is on or off");
        c->webhook_allow_private = strcmp(v, "on") == 0;
        return ERR_OK;
    }
    return err_set(e, ERR_INVALID, key, "unknown setting '%s'", key);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

int config_load_file(struct config *c, const char *path, struct err *e)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int lineno = 0, rc = ERR_OK;
    if (f == NULL)
        return err_set(e, ERR_NOT_FOUND, "config", "cannot read config file %s", path);
    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        /* '#' starts a comment at the start of a line or after a space, so values such as
         * DSN passwords may hold it */
        for (char *h = line; (h = strchr(h, '#')) != NULL; h++) {
            if (h == line || h[-1] == ' ' || h[-1] == '\t') {
                *h = '\0';
                break;
            }
        }
        char *s = trim(line);
        if (*s == '\0')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            rc = err_set(e, ERR_INVALID, "config", "%s:%d: expected KEY = VALUE", path, lineno);
            break;
        }
        *eq = '\0';
        if ((rc = config_set(c, trim(s), trim(eq + 1), e)) != ERR_OK) {
            char msg[sizeof(e->msg)], field[sizeof(e->field)];
            snprintf(msg, sizeof(msg), "%s", e->msg);
            snprintf(field, sizeof(field), "%s", e->field);
            err_set(e, e->code, field, "%s:%d: %s", path, lineno, msg);
            break;
        }
    }
    fclose(f);
    return rc;
}

int config_load_env(struct config *c, struct err *e)
{
    static const struct {
        const char *env, *key;
    } vars[] = {{"GRIDGOV_DB", "db"},
                {"GRIDGOV_LISTEN", "listen"},
                {"GRIDGOV_DATA_DIR", "data_dir"},
                {"GRIDGOV_LOG_LEVEL", "log_level"}};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        const char *v = getenv(vars[i].env);
        if (v != NULL && *v && config_set(c, vars[i].key, v, e) != ERR_OK) {
            char msg[sizeof(e->msg)];
            snprintf(msg, sizeof(msg), "%s", e->msg);
            return err_set(e, e->code, vars[i].env, "%s: %s", vars[i].env, msg);
        }
    }
    return ERR_OK;
}

int config_listen_split(const char *listen, char *host, size_t hostlen, int *port, struct err *e)
{
    const char *colon;
    if (listen[0] == '[') {
        const char *close = strchr(listen, ']');
        if (close == NULL || close[1] != ':')
            return err_set(e, ERR_INVALID, "listen", "use HOST:PORT or [IPv6]:PORT");
        snprintf(host, hostlen, "%.*s", (int)(close - listen - 1), listen + 1);
        colon = close + 1;
    } else {
        colon = strrchr(listen, ':');
        if (colon == NULL)
            return err_set(e, ERR_INVALID, "listen", "use HOST:PORT");
        snprintf(host, hostlen, "%.*s", (int)(colon - listen), listen);
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || p < 1 || p > 65535)
        return err_set(e, ERR_INVALID, "listen", "the port must be 1-65535");
    if (strcmp(host, "localhost") == 0)
        snprintf(host, hostlen, "127.0.0.1");
    *port = (int)p;
    return ERR_OK;
}
