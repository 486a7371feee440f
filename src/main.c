/* main.c - the gridgov program: everything is a subcommand (see src/cli/). */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
