/* cli.h - the command line: a table of subcommands (commands.def) sharing one option parser. */
#ifndef GG_CLI_H
#define GG_CLI_H

#include "core/config.h"
#include "store/store.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

/* Options every subcommand understands, parsed by cli_options. */
struct cli {
    struct config cfg;
    int argc; /* positional arguments left after options */
    char **argv;
    /* subcommand-specific options, all optional */
    const char *admin_password, *users_password, *prefix, *role, *scope, *name;
    const char *encoding, *place, *purpose; /* registry import and export */
    const char *origin;                     /* import: a roster's origin, for every row */
    const char *from;                       /* index rebuild: the first month */
    int check;                              /* index rebuild: compare, do not write */
    int no_serve, password_stdin, help, dry_run, valid_only;
    int force; /* restore: over a live database */
};

int cli_main(int argc, char **argv);
/* Open the store named by the configuration (migrating it); prints the error and returns NULL. */
struct store *cli_store_open(const struct cli *c);
/* A whole file into memory (xmalloc'ed, free it), or NULL if it cannot be read. */
char *cli_read_file(const char *path, size_t *len);
/* Create the data directory and load (or create) the server's secret key in it. */
int cli_data_dir(const struct cli *c);

struct registry;
/* `gridgov import REGISTRY FILE` (cmd_registry.c). */
int cli_registry_import(struct cli *c, const struct registry *r, const char *path);

#define COMMAND(name, fn, args, summary) int fn(struct cli *c);
#include "cli/commands.def"
#undef COMMAND

#endif
