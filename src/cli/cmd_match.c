/* cmd_match.c - `gridgov match mobile-members --place CODE`: find mobile party members among
 * the new residents under a place (party_match.c), as the system: no user scope, whoever runs
 * the command holds the database. Identity and phone numbers are compared by their stored
 * hashes, so no key is needed. */
#include "cli/cli.h"
#include "domain/party_match.h"

#include <stdio.h>
#include <string.h>

int cmd_match(struct cli *c)
{
    struct err e = {0};
    struct match_stats st;
    if (c->argc != 1 || strcmp(c->argv[0], "mobile-members") != 0 || c->place == NULL) {
        fprintf(stderr, "usage: gridgov match mobile-members --place CODE\n");
        return EXIT_USAGE;
    }
    struct store *s = cli_store_open(c);
    if (s == NULL)
        return EXIT_FAIL;
    struct arena a;
    arena_init(&a, 0);
    struct reg_ctx ctx = {.a = &a};
    int rc = match_run(s, &ctx, c->place, &st, &e);
    arena_free(&a);
    store_close(s);
    if (rc != ERR_OK) {
        fprintf(stderr, "gridgov match: %s\n", e.msg);
        return EXIT_FAIL;
    }
    printf("mobile members under %s: %ld registrations, %ld roster rows, %ld pairs compared\n",
           c->place, st.registrations, st.rosters, st.compared);
    printf("%ld at or above %d (%ld exact): %ld proposed, %ld already known\n", st.found,
           MATCH_THRESHOLD, st.exact, st.proposed, st.known);
    printf("%.2f s\n", st.seconds);
    return EXIT_OK;
}
