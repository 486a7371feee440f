/* h_static.c - the web page: files of web/ built into the binary, served with their types. */
#include "http/http.h"
#include "core/embed.h"

#include <stdio.h>
#include <string.h>

static const char *content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".webmanifest", "application/manifest+json"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    }
    return "application/octet-stream";
}

static int serve(struct req *rq, const char *path)
{
    char name[300];
    if (strstr(path, "..") != NULL || strlen(path) > 200)
        return reply_code(rq, ERR_NOT_FOUND, NULL, "no such file");
    snprintf(name, sizeof(name), "web/%s", path);
    const struct embedded_file *f = asset_find(name);
    if (f == NULL)
        return reply_code(rq, ERR_NOT_FOUND, NULL, "no such file");
    return reply_text(rq, 200, content_type(name), f->data, f->len);
}

/* GET /: the single-page application. */
int index_h(struct req *rq)
{
    return serve(rq, "index.html");
}

/* GET /ui/{*}: its scripts, styles and vendored libraries. */
int static_h(struct req *rq)
{
    return serve(rq, req_param(rq, 0));
}

/* GET /sw.js: the service worker, from the root so that its scope is the whole page. */
int sw_h(struct req *rq)
{
    return serve(rq, "sw.js");
}
