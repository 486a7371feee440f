/* cmd_apikey.c - `gridgov apikey add NAME | list | revoke NAME`: the API keys of Open311
 * clients. The key is printed once by `add`; only its hash is stored. */
#include "cli/cli.h"
#include "core/util.h"
#include "domain/apikey.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int list_print(struct store *s)
{
    struct err e = {0};
    struct arena a;
    struct apikey *ks;
    int n;
    struct db *db = store_acquire(s);
    arena_init(&a, 0);
    int rc = apikey_list(db, &a, &ks, &n, &e);
    if (rc == ERR_OK) {
        for (int i = 0; i < n; i++) {
            char created[32];
            time_iso_cst((time_t)ks[i].created_at, created);
            printf("%-5lld %-32s %s%s\n", (long long)ks[i].id, ks[i].name, created,
                   ks[i].revoked ? "  revoked" : "");
        }
        if (n == 0)
            printf("no API keys; create one with 'gridgov apikey add NAME'\n");
    } else {
        fprintf(stderr, "gridgov apikey list: %s\n", e.msg);
    }
    arena_free(&a);
    store_release(s, db);
    return rc == ERR_OK ? EXIT_OK : EXIT_FAIL;
}

int cmd_apikey(struct cli *c)
{
    struct err e = {0};
    struct apikey k = {0};
    struct arena a;
    char key[48];
    int64_t id = 0;
    const char *sub = c->argc > 0 ? c->argv[0] : "";
    int add = strcmp(sub, "add") == 0, revoke = strcmp(sub, "revoke") == 0;
    int list = strcmp(sub, "list") == 0;

    if (!((add || revoke) && c->argc == 2) && !(list && c->argc == 1)) {
        fprintf(stderr, "usage: gridgov apikey add NAME\n"
                        "       gridgov apikey list\n"
                        "       gridgov apikey revoke NAME\n");
        return EXIT_USAGE;
    }
    if (add && apikey_name_check(c->argv[1], &e) != ERR_OK) {
        fprintf(stderr, "gridgov apikey add: %s\n", e.msg);
        return EXIT_USAGE;
    }
    struct store *s = cli_store_open(c);
    if (s == NULL)
        return EXIT_FAIL;
    if (list) {
        int rc = list_print(s);
        store_close(s);
        return rc;
    }
    const char *name = c->argv[1];
    arena_init(&a, 0);
    int rc = add ? apikey_issue(s, name, &id, key, &e) : apikey_withdraw(s, &a, 0, name, &k, &e);
    store_close(s);
    if (rc != ERR_OK) {
        fprintf(stderr, "gridgov apikey %s: %s\n", sub, e.msg);
        arena_free(&a);
        return EXIT_FAIL;
    }
    if (add)
        printf("API key %s added (id %lld)\nkey: %s\nThe key is shown only now: give it to the "
               "client, which sends it as api_key.\n",
               name, (long long)id, key);
    else
        printf("API key %s (id %lld) revoked\n", k.name, (long long)k.id);
    arena_free(&a);
    return EXIT_OK;
}
