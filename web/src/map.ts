// A map of devices by location cell, drawn offline: the country outlines come
// from the world-atlas package (Natural Earth 1:110m, bundled), cells are
// geohashes decoded here, and the projection is equirectangular. No tiles, no
// network.

import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import world from "world-atlas/countries-110m.json";
import { h } from "./ui";

const BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

/** The centre `[lat, lon]` of a geohash cell, or null if it is not one. */
export function geohashCentre(cell: string): [number, number] | null {
  let even = true;
  const lat = [-90, 90];
  const lon = [-180, 180];
  for (const ch of cell.toLowerCase()) {
    const v = BASE32.indexOf(ch);
    if (v < 0) return null;
    for (let bit = 4; bit >= 0; bit--) {
      const r = even ? lon : lat;
      const mid = (r[0] + r[1]) / 2;
      if ((v >> bit) & 1) r[0] = mid;
      else r[1] = mid;
      even = !even;
    }
  }
  return [(lat[0] + lat[1]) / 2, (lon[0] + lon[1]) / 2];
}

type Ring = [number, number][];

let outlines: Ring[][] | null = null;

function countries(): Ring[][] {
  if (outlines) return outlines;
  const topo = world as unknown as Topology<{ countries: GeometryCollection }>;
  const fc = feature(topo, topo.objects.countries) as unknown as {
    features: { geometry: { type: string; coordinates: unknown } | null }[];
  };
  outlines = [];
  for (const f of fc.features) {
    if (!f.geometry) continue;
    const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates as Ring[]] : (f.geometry.coordinates as Ring[][]);
    outlines.push(...polys);
  }
  return outlines;
}

/** Most markers a map draws: past it, cells merge into their parent cells. */
const MAX_MARKERS = 400;

/**
 * Groups cells into their geohash prefixes, one character shorter at a time,
 * until at most [`MAX_MARKERS`] remain: 10,000 devices in as many cells draw
 * a few hundred circles, not 10,000 (each a DOM node with its title).
 */
function coarsen(cells: Map<string, number>): { cells: Map<string, number>; precision: number | null } {
  let out = cells;
  let precision: number | null = null;
  let length = Math.max(0, ...[...cells.keys()].map((c) => c.length));
  while (out.size > MAX_MARKERS && length > 1) {
    length -= 1;
    const merged = new Map<string, number>();
    for (const [cell, n] of cells) merged.set(cell.slice(0, length), (merged.get(cell.slice(0, length)) ?? 0) + n);
    out = merged;
    precision = length;
  }
  return { cells: out, precision };
}

/**
 * An SVG map of `cells` (cell → device count), framed on the devices with at
 * least `minSpan` degrees around them so the coastline gives context.
 */
export function deviceMap(devicesByCell: Map<string, number>, minSpan = 24): HTMLElement {
  const { cells, precision } = coarsen(devicesByCell);
  const points = [...cells.entries()]
    .map(([cell, n]) => ({ cell, n, at: geohashCentre(cell) }))
    .filter((p): p is { cell: string; n: number; at: [number, number] } => p.at !== null);
  const figure = h("figure", { class: "card map" }, h("h2", {}, "Devices by location cell"));
  if (points.length === 0) {
    figure.append(h("p", { class: "muted" }, "No device has a location cell yet."));
    return figure;
  }
  const lats = points.map((p) => p.at[0]);
  const lons = points.map((p) => p.at[1]);
  const cLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const cLon = (Math.min(...lons) + Math.max(...lons)) / 2;
  const span = Math.max(minSpan, Math.max(...lats) - Math.min(...lats) + 4, (Math.max(...lons) - Math.min(...lons) + 4) / 2);
  const [west, east, south, north] = [cLon - span, cLon + span, cLat - span / 2, cLat + span / 2];
  const W = 800;
  const H = 400;
  const x = (lon: number) => ((lon - west) / (east - west)) * W;
  const y = (lat: number) => ((north - lat) / (north - south)) * H;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("role", "img");
  const total = points.reduce((s, p) => s + p.n, 0);
  svg.setAttribute("aria-label", `${total} devices in ${points.length} cells around ${cLat.toFixed(1)}°, ${cLon.toFixed(1)}°`);
  const land = document.createElementNS(ns, "path");
  let d = "";
  for (const poly of countries()) {
    for (const ring of poly) {
      if (!ring.some(([lon, lat]) => lon > west - 30 && lon < east + 30 && lat > south - 30 && lat < north + 30)) continue;
      d += ring.map(([lon, lat], i) => `${i ? "L" : "M"}${x(lon).toFixed(1)},${y(lat).toFixed(1)}`).join("") + "Z";
    }
  }
  land.setAttribute("d", d);
  land.setAttribute("class", "land");
  svg.append(land);
  const maxN = Math.max(...points.map((p) => p.n));
  for (const p of points) {
    const c = document.createElementNS(ns, "circle");
    c.setAttribute("cx", x(p.at[1]).toFixed(1));
    c.setAttribute("cy", y(p.at[0]).toFixed(1));
    c.setAttribute("r", (3 + 7 * Math.sqrt(p.n / maxN)).toFixed(1));
    c.setAttribute("class", "cell");
    const t = document.createElementNS(ns, "title");
    t.textContent = `cell ${p.cell}: ${p.n} device${p.n === 1 ? "" : "s"}`;
    c.append(t);
    svg.append(c);
  }
  const grouping = precision === null ? "" : `, grouped into ${precision}-character cells`;
  figure.append(svg, h("figcaption", { class: "muted" }, `${total} devices in ${points.length} cells${grouping} (geohash centres; outlines: Natural Earth 1:110m)`));
  return figure;
}
