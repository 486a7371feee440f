/* embed.h - files carried inside the binary, generated at build time by tools/embed.c:
 * schema_files (src/store/schema/) and asset_files (data/ and web/). */
#ifndef GG_EMBED_H
#define GG_EMBED_H

struct embedded_file {
    const char *name; /* path relative to the source tree */
    const char *data; /* NUL-terminated */
    unsigned long len;
};

extern const struct embedded_file schema_files[];
extern const int schema_files_count;
extern const struct embedded_file asset_files[];
extern const int asset_files_count;

/* Find an asset by its path; NULL if absent. */
const struct embedded_file *asset_find(const char *name);

#endif
