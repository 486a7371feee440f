// map.js - the base layer under the page's maps: the tiles the server names (GET /map: a tile
// URL template such as 天地图's WMTS in Web Mercator, or gridgov's own /tiles/ folder on a closed
// intranet), drawn under the boundaries of the dashboard's ECharts map and around a located point
// on the report form. Coordinates are WGS-84/CGCS2000 longitude and latitude, as stored; tiles
// in that datum (天地图) line up without any shift. Without tiles nothing changes.
import { h } from './dom.js';

let config = null;

/** {tiles, local, datum, min_zoom, max_zoom, attribution}; tiles null when none (or offline). */
export function mapConfig(api) {
  if (!config) {
    config = api.get('/map', null, { auth: false }).catch(() => {
      config = null;
      return { tiles: null };
    });
  }
  return config;
}

const R2D = 180 / Math.PI;

/** Web Mercator for ECharts (series-map.projection), in degrees; y grows southwards, as on the
 * screen. */
export const mercator = {
  project: ([lon, lat]) => [lon, -R2D * Math.log(Math.tan(Math.PI / 4 + (Math.max(-85, Math.min(85, lat)) / R2D) / 2))],
  unproject: ([x, y]) => [x, R2D * (2 * Math.atan(Math.exp(-y / R2D)) - Math.PI / 2)],
};

// slippy-map tile numbers (the same grid as 天地图's TILEMATRIXSET=w)
const lon2x = (lon, z) => ((lon + 180) / 360) * 2 ** z;
const lat2y = (lat, z) => {
  const r = lat / R2D;
  return ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z;
};
const x2lon = (x, z) => (x / 2 ** z) * 360 - 180;
const y2lat = (y, z) => R2D * Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z)));

export function tileUrl(tpl, z, x, y) {
  return tpl.replace('{z}', z).replace('{x}', x).replace('{y}', y).replace('{s}', String((x + y) % 8));
}

/** Draw cfg's tiles under series 0 of an ECharts map chart (built with projection: mercator),
 * again after every pan and zoom. */
export function baseLayer(chart, cfg) {
  if (!cfg || !cfg.tiles) return;
  // pixels from projected units are x' = ax X + bx, y' = ay Y + by: fitted on two points through
  // convertToPixel (ECharts 5.6 answers convertFromPixel in units that are neither)
  const fromPixel = ([px, py]) => {
    const a = [120, 30];
    const b = [121, 31];
    const pa = chart.convertToPixel({ seriesIndex: 0 }, a);
    const pb = chart.convertToPixel({ seriesIndex: 0 }, b);
    if (!pa || !pb) return null;
    const A = mercator.project(a);
    const B = mercator.project(b);
    const ax = (pb[0] - pa[0]) / (B[0] - A[0]);
    const ay = (pb[1] - pa[1]) / (B[1] - A[1]);
    return mercator.unproject([A[0] + (px - pa[0]) / ax, A[1] + (py - pa[1]) / ay]);
  };
  const draw = () => {
    const w = chart.getWidth();
    const ht = chart.getHeight();
    const tl = fromPixel([0, 0]);
    const br = fromPixel([w, ht]);
    if (!tl || !br || !(br[0] > tl[0])) return;
    let z = Math.round(Math.log2((360 * w) / (256 * (br[0] - tl[0]))));
    z = Math.max(cfg.min_zoom || 3, Math.min(cfg.max_zoom || 18, z));
    const x0 = Math.floor(lon2x(tl[0], z));
    const x1 = Math.floor(lon2x(br[0], z));
    const y0 = Math.floor(lat2y(tl[1], z));
    const y1 = Math.floor(lat2y(br[1], z));
    const elements = [];
    for (let x = x0; x <= x1 && elements.length < 100; x++) {
      for (let y = y0; y <= y1 && elements.length < 100; y++) {
        if (x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z) continue;
        const a = chart.convertToPixel({ seriesIndex: 0 }, [x2lon(x, z), y2lat(y, z)]);
        const b = chart.convertToPixel({ seriesIndex: 0 }, [x2lon(x + 1, z), y2lat(y + 1, z)]);
        elements.push({
          type: 'image', silent: true, z: -100, zlevel: 0,
          style: { image: tileUrl(cfg.tiles, z, x, y), x: a[0], y: a[1], width: b[0] - a[0], height: b[1] - a[1] },
        });
      }
    }
    chart.setOption({ graphic: { elements } }, { replaceMerge: ['graphic'] });
  };
  chart.on('georoam', () => requestAnimationFrame(draw));
  window.addEventListener('resize', () => requestAnimationFrame(() => !chart.isDisposed() && draw()));
  draw(); // setOption laid the map out already
}

/** A small map of the tiles around a point (zoom 17) with a marker at it, or null without tiles. */
export function pointMap(cfg, lat, lon) {
  if (!cfg || !cfg.tiles) return null;
  const z = Math.min(cfg.max_zoom || 18, 17);
  const px = lon2x(lon, z) * 256;
  const py = lat2y(lat, z) * 256;
  const cx = Math.floor(px / 256);
  const cy = Math.floor(py / 256);
  const tiles = [];
  for (let x = cx - 2; x <= cx + 2; x++) {
    for (let y = cy - 1; y <= cy + 1; y++) {
      tiles.push(h('img', {
        src: tileUrl(cfg.tiles, z, x, y), alt: '', width: 256, height: 256, draggable: 'false',
        style: `left: calc(50% + ${Math.round(x * 256 - px)}px); top: calc(50% + ${Math.round(y * 256 - py)}px)`,
      }));
    }
  }
  return h('div', { class: 'point-map', id: 'point-map', role: 'img', 'aria-label': `${lat}, ${lon}` },
    tiles, h('span', { class: 'point-marker', 'aria-hidden': 'true' }),
    cfg.attribution ? h('span', { class: 'map-credit' }, cfg.attribution) : null);
}
