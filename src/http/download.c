/* download.c - exports (CSV, XLSX) written to a temporary file by the domain, then sent whole
 * with a Content-Disposition filename. */
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int download_tmp(struct req *rq, char path[32])
{
    snprintf(path, 32, "/tmp/gridgov-export-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return reply_code(rq, ERR_INTERNAL, NULL, "cannot create a temporary file");
    close(fd);
    return ERR_OK;
}

int reply_download(struct req *rq, const char *path, const char *content_type, const char *filename)
{
    FILE *f = fopen(path, "rb");
    unlink(path);
    if (f == NULL)
        return reply_code(rq, ERR_INTERNAL, NULL, "cannot read the export");
    struct stat st;
    char *body = NULL;
    if (fstat(fileno(f), &st) == 0 && (body = malloc((size_t)st.st_size + 1)) != NULL &&
        fread(body, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        free(body);
        body = NULL;
    }
    fclose(f);
    if (body == NULL)
        return reply_code(rq, ERR_INTERNAL, NULL, "cannot read the export");
    rq->disposition = arena_printf(&rq->arena, "attachment; filename=\"%s\"", filename);
    int rc = reply_text(rq, 200, content_type, body, (size_t)st.st_size);
    free(body);
    return rc;
}
