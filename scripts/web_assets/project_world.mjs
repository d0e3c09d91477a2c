// Project world-atlas countries-50m (Natural Earth, public domain) with d3-geo's Equal Earth
// projection into SVG path strings, one per unit, with the unit's projected area (px²) and centroid.
//
// * Simplification: topojson-simplify's Visvalingam weights on the sphere (shared borders stay
//   shared), keeping points whose triangle is at least MIN_WEIGHT steradians; units whose every
//   ring would vanish keep their full detail (small states are drawn as circles anyway).
// * d3-geo clips at the antimeridian on the sphere, so Russia and Fiji are not smeared across the map.
// * Coordinates are rounded to DIGITS decimals of a pixel at WIDTH px.
//
// Output (stdout): JSON {width, height, outline, units: [{id, name, d, area, cx, cy}]}. Keys are ISO
// 3166-1 numeric codes as world-atlas ships them; scripts/build_web_assets.py maps them to ISO3.
import { readFileSync } from "node:fs";
import { geoEqualEarth, geoPath } from "d3-geo";
import { feature } from "topojson-client";
import { presimplify, simplify } from "topojson-simplify";

const WIDTH = 960;
const DIGITS = Number(process.env.DIGITS ?? 1);
const MIN_WEIGHT = Number(process.env.MIN_WEIGHT ?? 1e-6);
const full = JSON.parse(readFileSync(new URL("./node_modules/world-atlas/countries-50m.json", import.meta.url)));
const simple = simplify(presimplify(JSON.parse(JSON.stringify(full))), MIN_WEIGHT);
const fullFeatures = feature(full, full.objects.countries).features;
const simpleFeatures = feature(simple, simple.objects.countries).features;
const projection = geoEqualEarth().fitWidth(WIDTH, { type: "Sphere" });
const sphere = geoPath(projection).bounds({ type: "Sphere" });
const height = Math.ceil(sphere[1][1]);
const path = geoPath(projection).digits(DIGITS);
const units = fullFeatures.map((f, k) => {
  const s = simpleFeatures[k];
  const d = path(s) || path(f);
  const [cx, cy] = path.centroid(f);
  return { id: f.id ?? null, name: f.properties.name, d, area: +path.area(f).toFixed(2),
           cx: +cx.toFixed(1), cy: +cy.toFixed(1) };
});
process.stdout.write(JSON.stringify({ width: WIDTH, height, outline: path({ type: "Sphere" }), units }));
