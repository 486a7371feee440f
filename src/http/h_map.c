/* h_map.c - the map's base layer: which tiles the page draws under boundaries and case points
 * (the setting map_tiles: a tile URL template such as 天地图's WMTS in Web Mercator, or "local"
 * for a folder of tiles that gridgov serves itself on a closed intranet), and that folder
 * (map_tile_dir) at /tiles/{z}/{x}/{y}.png. Coordinates are WGS-84/CGCS2000 longitude and
 * latitude everywhere (docs/decisions.md); tiles must be in the same datum (天地图 is; the
 * GCJ-02 tiles of commercial Chinese maps are not). */
#include "http/http.h"

#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TILE_MAX (1 << 20) /* bytes: a 256 px tile is a few dozen KiB */
#define TILE_ZOOM_MAX 20

/* GET /api/v1/map: {tiles, local, datum, min_zoom, max_zoom, attribution}; tiles is null when
 * no base layer is configured (the page then draws boundaries on a plain background). */
int map_config_h(struct req *rq)
{
    const char *t = rq->app->map_tiles;
    json_t *tiles = json_null();
    int local = t != NULL && strcmp(t, "local") == 0;
    if (local)
        tiles = json_string("/tiles/{z}/{x}/{y}.png");
    else if (t != NULL && t[0] != '\0')
        tiles = json_string(t);
    const char *attribution = local ? "本地底图" : strstr(t ? t : "", "tianditu") ? "天地图" : "";
    return reply_json(rq, 200,
                      json_pack("{s:o, s:b, s:s, s:i, s:i, s:s}", "tiles", tiles, "local", local,
                                "datum", "CGCS2000", "min_zoom", 3, "max_zoom", 18, "attribution",
                                attribution));
}

/* A decimal number of at most 7 digits, nothing else. */
static int tile_num(const char *s, size_t n, long max, long *out)
{
    char buf[8];
    if (n == 0 || n > 7)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = strtol(buf, NULL, 10);
    return *out <= max ? 0 : -1;
}

/* GET /tiles/{z}/{x}/{y}.png: a tile of the local folder; 404 for anything else. */
int tile_h(struct req *rq)
{
    const char *zs = req_param(rq, 0), *xs = req_param(rq, 1), *file = req_param(rq, 2);
    const char *dir = rq->app->map_tile_dir;
    long z, x, y;
    size_t fl = strlen(file);
    if (dir == NULL || dir[0] == '\0' || rq->app->map_tiles == NULL ||
        strcmp(rq->app->map_tiles, "local") != 0)
        return reply_code(rq, ERR_NOT_FOUND, NULL, "没有配置本地底图（map_tiles = local）");
    if (tile_num(zs, strlen(zs), TILE_ZOOM_MAX, &z) != 0 ||
        tile_num(xs, strlen(xs), (1L << z) - 1, &x) != 0 || fl < 5 ||
        strcmp(file + fl - 4, ".png") != 0 || tile_num(file, fl - 4, (1L << z) - 1, &y) != 0)
        return reply_code(rq, ERR_NOT_FOUND, "tile", "没有这块底图");
    char path[700];
    snprintf(path, sizeof(path), "%s/%ld/%ld/%ld.png", dir, z, x, y);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > TILE_MAX) {
        if (fd >= 0)
            close(fd);
        return reply_code(rq, ERR_NOT_FOUND, "tile", "没有这块底图");
    }
    char *data = malloc((size_t)st.st_size + 1);
    ssize_t got = data ? read(fd, data, (size_t)st.st_size) : -1;
    close(fd);
    if (got != (ssize_t)st.st_size) {
        free(data);
        return reply_code(rq, ERR_INTERNAL, NULL, "cannot read the tile");
    }
    int rc = reply_text(rq, 200, "image/png", data, (size_t)got);
    free(data);
    return rc;
}

const char *map_img_src(const char *tiles, char *out, size_t n)
{
    /* the origin of a remote template: scheme://host[:port]; a {s} subdomain becomes '*' */
    const char *p = tiles ? strstr(tiles, "://") : NULL;
    if (p == NULL || strncmp(tiles, "http", 4) != 0)
        return NULL;
    size_t host = strcspn(p + 3, "/?#");
    if ((size_t)(p + 3 - tiles) + host + 1 > n)
        return NULL;
    snprintf(out, n, "%.*s", (int)(p + 3 - tiles + (ptrdiff_t)host), tiles);
    char *hs = out + (p + 3 - tiles), *sub = strstr(out, "{s}"), *dot = strchr(hs, '.');
    if (sub != NULL) {
        if (dot == NULL || sub > dot)
            return NULL; /* {s} only in the first label: t{s}.tianditu.gov.cn */
        memmove(hs + 1, dot, strlen(dot) + 1);
        *hs = '*';
    }
    return out;
}
