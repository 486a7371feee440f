#!/usr/bin/env python3
"""tests/browser/tiles.py DIR - a local base map for the browser test (map_tiles = local): small
PNG tiles DIR/z/x/y.png over the AREAS below, wherever the tests draw a map. Each tile is a light
square with a darker border, so a screenshot shows the grid of tiles under the map."""
import math, os, struct, sys, zlib

def png(n=256):
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    edge = bytes([0]) + bytes((150, 170, 190)) * n
    inner = bytes([0]) + bytes((150, 170, 190)) + bytes((226, 236, 226)) * (n - 2) + bytes((150, 170, 190))
    raw = edge + inner * (n - 2) + edge
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', n, n, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))

def tile(lon, lat, z):
    r = math.radians(lat)
    return (int((lon + 180) / 360 * 2 ** z),
            int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * 2 ** z))

# (zooms, west, south, east, north): the dashboard's two test streets (120.80-120.90,
# 30.00-30.05) seen whole at any width, then the located point and 博文社区 up close
AREAS = [(range(8, 15), 120.55, 29.85, 121.15, 30.20),
         (range(15, 16), 120.72, 29.95, 120.98, 30.10),
         (range(16, 18), 120.86, 30.02, 120.89, 30.045),
         (range(16, 18), 120.81, 30.02, 120.84, 30.04)]  # 博文社区 alone on the index page's map

out = sys.argv[1]
data = png()
for zooms, west, south, east, north in AREAS:
    for z in zooms:
        x0, y0 = tile(west, north, z)
        x1, y1 = tile(east, south, z)
        for x in range(x0 - 2, x1 + 3):
            os.makedirs(f'{out}/{z}/{x}', exist_ok=True)
            for y in range(y0 - 2, y1 + 3):
                with open(f'{out}/{z}/{x}/{y}.png', 'wb') as f:
                    f.write(data)
