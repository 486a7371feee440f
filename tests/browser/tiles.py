#!/usr/bin/env python3
"""tests/browser/tiles.py DIR - a local base map for the browser test (map_tiles = local): small
PNG tiles DIR/z/x/y.png, zoom 12-17, over 博文社区's test boundary and the located point of the
offline scenario (lon 120.86-120.89, lat 30.02-30.045). Each tile is a light square with a darker
border, so a screenshot shows the grid of tiles under the map."""
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

out = sys.argv[1]
data = png()
for z in range(12, 18):
    x0, y0 = tile(120.86, 30.045, z)
    x1, y1 = tile(120.89, 30.02, z)
    for x in range(x0 - 2, x1 + 3):
        for y in range(y0 - 2, y1 + 3):
            os.makedirs(f'{out}/{z}/{x}', exist_ok=True)
            with open(f'{out}/{z}/{x}/{y}.png', 'wb') as f:
                f.write(data)
