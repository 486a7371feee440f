/* geo.h - plane geometry on GeoJSON Polygon and MultiPolygon geometries ([lon, lat] positions,
 * WGS 84, checked by place_boundary_check): is a point inside, does one boundary lie inside
 * another. Boundaries of a district are small enough that degrees serve as plane coordinates. */
#ifndef GG_GEO_H
#define GG_GEO_H

#include <jansson.h>

/* A bounding box: min_lon, min_lat, max_lon, max_lat (the order of GeoJSON's bbox). */
struct geo_box {
    double min_lon, min_lat, max_lon, max_lat;
};

/* Parse "MINLON,MINLAT,MAXLON,MAXLAT"; 0 on success, -1 if malformed or empty. */
int geo_box_parse(const char *text, struct geo_box *out);
/* The box as a GeoJSON Polygon (a new reference). */
json_t *geo_box_polygon(const struct geo_box *b);
int geo_box_has(const struct geo_box *b, double lat, double lon);

/* 1 if the point lies inside the geometry (outside every hole), or on its edge. */
int geo_contains(json_t *geometry, double lat, double lon);
/* 1 if inner lies inside outer: every position of inner inside or on outer's edge, and no edge
 * of inner crossing an edge of outer (so a ring cannot leave through a gap and come back, or
 * pass over a hole). Shared edges, as between a community and its grids, are allowed. */
int geo_within(json_t *inner, json_t *outer);

#endif
