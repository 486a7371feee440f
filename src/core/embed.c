/* embed.c - lookup in the files built into the binary. */
#include "core/embed.h"

#include <string.h>

const struct embedded_file *asset_find(const char *name)
{
    for (int i = 0; i < asset_files_count; i++) {
        if (strcmp(asset_files[i].name, name) == 0)
            return &asset_files[i];
    }
    return NULL;
}
