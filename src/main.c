/* main.c - the gridgov program: everything is a subcommand (see src/cli/). */
#include "cli/cli.h"
#include "domain/counters.h"

int main(int argc, char **argv)
{
    counters_batch_install(); /* a group commit writes its counter rows once */
    return cli_main(argc, argv);
}
