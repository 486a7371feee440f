/* geo.c - point in polygon and polygon in polygon over GeoJSON geometries (geo.h). */
#include "domain/geo.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define EPS 1e-9 /* degrees: about 0.1 mm, for points on an edge */

int geo_box_parse(const char *text, struct geo_box *out)
{
    double v[4];
    int used = 0;
    if (text == NULL ||
        sscanf(text, " %lf , %lf , %lf , %lf %n", &v[0], &v[1], &v[2], &v[3], &used) != 4 ||
        text[used] != '\0')
        return -1;
    if (v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 || v[0] >= v[2] || v[1] >= v[3])
        return -1;
    *out = (struct geo_box){v[0], v[1], v[2], v[3]};
    return 0;
}

json_t *geo_box_polygon(const struct geo_box *b)
{
    return json_pack("{s:s, s:[[[f,f],[f,f],[f,f],[f,f],[f,f]]]}", "type", "Polygon", "coordinates",
                     b->min_lon, b->min_lat, b->max_lon, b->min_lat, b->max_lon, b->max_lat,
                     b->min_lon, b->max_lat, b->min_lon, b->min_lat);
}

int geo_box_has(const struct geo_box *b, double lat, double lon)
{
    return lat >= b->min_lat && lat <= b->max_lat && lon >= b->min_lon && lon <= b->max_lon;
}

struct pt {
    double x, y; /* lon, lat */
};

static struct pt pos(json_t *ring, size_t i)
{
    json_t *p = json_array_get(ring, i);
    return (struct pt){json_number_value(json_array_get(p, 0)),
                       json_number_value(json_array_get(p, 1))};
}

static double orient(struct pt a, struct pt b, struct pt c)
{
    return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
}

static int on_segment(struct pt a, struct pt b, struct pt p)
{
    double len = hypot(b.x - a.x, b.y - a.y);
    if (fabs(orient(a, b, p)) > EPS * (len > 1 ? len : 1))
        return 0;
    return p.x >= fmin(a.x, b.x) - EPS && p.x <= fmax(a.x, b.x) + EPS &&
           p.y >= fmin(a.y, b.y) - EPS && p.y <= fmax(a.y, b.y) + EPS;
}

/* -1 on the ring's edge, 1 inside, 0 outside (ray casting). */
static int ring_side(json_t *ring, struct pt p)
{
    size_t n = json_array_size(ring);
    int in = 0;
    if (n == 0)
        return 0;
    for (size_t k = 0, l = n - 1; k < n; l = k++) {
        struct pt a = pos(ring, k), b = pos(ring, l);
        if (on_segment(a, b, p))
            return -1;
        if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x)
            in = !in;
    }
    return in;
}

/* A polygon (a list of rings: the outer one, then holes) contains p; its edges count as inside
 * when edges is set. */
static int polygon_has(json_t *rings, struct pt p, int edges)
{
    size_t i;
    json_t *ring;
    json_array_foreach(rings, i, ring)
    {
        int side = ring_side(ring, p);
        if (side == -1)
            return edges;
        if (i == 0 && side == 0)
            return 0;
        if (i > 0 && side == 1)
            return 0; /* in a hole */
    }
    return json_array_size(rings) > 0;
}

/* The polygons of a geometry: one for a Polygon, each for a MultiPolygon. */
static size_t npolys(json_t *g, int *multi)
{
    const char *type = json_string_value(json_object_get(g, "type"));
    json_t *c = json_object_get(g, "coordinates");
    *multi = type && strcmp(type, "MultiPolygon") == 0;
    if (type == NULL || !json_is_array(c))
        return 0;
    if (*multi)
        return json_array_size(c);
    return strcmp(type, "Polygon") == 0 ? 1 : 0;
}

static json_t *poly_at(json_t *g, int multi, size_t i)
{
    json_t *c = json_object_get(g, "coordinates");
    return multi ? json_array_get(c, i) : c;
}

static int contains_pt(json_t *g, struct pt p, int edges)
{
    int multi;
    size_t n = npolys(g, &multi);
    for (size_t i = 0; i < n; i++) {
        if (polygon_has(poly_at(g, multi, i), p, edges))
            return 1;
    }
    return 0;
}

int geo_contains(json_t *geometry, double lat, double lon)
{
    return contains_pt(geometry, (struct pt){lon, lat}, 1);
}

/* Do segments ab and cd cross properly (each strictly on both sides of the other)? */
static int crosses(struct pt a, struct pt b, struct pt c, struct pt d)
{
    double o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
    return ((o1 > EPS && o2 < -EPS) || (o1 < -EPS && o2 > EPS)) &&
           ((o3 > EPS && o4 < -EPS) || (o3 < -EPS && o4 > EPS));
}

/* Does segment ab cross any edge of any ring of geometry g? */
static int crosses_any(struct pt a, struct pt b, json_t *g)
{
    int multi;
    size_t n = npolys(g, &multi);
    for (size_t i = 0; i < n; i++) {
        size_t r;
        json_t *ring;
        json_array_foreach(poly_at(g, multi, i), r, ring)
        {
            size_t m = json_array_size(ring);
            for (size_t k = 1; k < m; k++) {
                if (crosses(a, b, pos(ring, k - 1), pos(ring, k)))
                    return 1;
            }
        }
    }
    return 0;
}

int geo_within(json_t *inner, json_t *outer)
{
    int multi;
    size_t n = npolys(inner, &multi);
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        /* the outer ring bounds the polygon; its holes lie inside it */
        json_t *ring = json_array_get(poly_at(inner, multi, i), 0);
        size_t m = json_array_size(ring);
        for (size_t k = 0; k < m; k++) {
            struct pt a = pos(ring, k);
            if (!contains_pt(outer, a, 1))
                return 0;
            if (k > 0) {
                struct pt b = pos(ring, k - 1);
                struct pt mid = {(a.x + b.x) / 2, (a.y + b.y) / 2};
                if (!contains_pt(outer, mid, 1) || crosses_any(a, b, outer))
                    return 0;
            }
        }
    }
    /* and no corner of outer (a hole's, say) strictly inside inner: inner would cover a hole */
    int omulti;
    size_t on = npolys(outer, &omulti);
    for (size_t i = 0; i < on; i++) {
        size_t r;
        json_t *ring;
        json_array_foreach(poly_at(outer, omulti, i), r, ring)
        {
            for (size_t k = 0; k < json_array_size(ring); k++) {
                if (contains_pt(inner, pos(ring, k), 0))
                    return 0;
            }
        }
    }
    return 1;
}
