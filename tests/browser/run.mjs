// Real-browser tests of the web page: Debian's chromium driven headless by playwright-core,
// against `policyindex serve` on a fixture corpus (catalog rows written by web_fixture, then
// `policyindex index`). Screenshots of every step go to --artifacts.
//
//   node run.mjs --policyindex BUILD/policyindex --fixture BUILD/web_fixture --artifacts DIR
//
// Prints one line per check and a final "browser tests: N passed, M failed"; exit 0 only
// when every check passed. Missing chromium or playwright-core is a failure, not a skip.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const CHROMIUM = process.env.PI_CHROMIUM || '/usr/bin/chromium';

function die(msg) {
  console.log(`FAIL: ${msg}`);
  console.log('browser tests: 0 passed, 1 failed');
  process.exit(1);
}

for (const k of ['policyindex', 'fixture', 'artifacts']) if (!args[k]) die(`missing --${k}`);
if (!existsSync(CHROMIUM)) die(`${CHROMIUM} not found: run scripts/install-deps.sh (Debian package chromium)`);
let chromium, axeSource;
try {
  const require = createRequire(join(here, 'package.json'));
  chromium = require('playwright-core').chromium;
  axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch (e) {
  die(`playwright-core or axe-core is not installed in tests/browser: run scripts/install-deps.sh (npm ci) — ${e.message}`);
}

const artifacts = args.artifacts;
rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'pi-browser-'));
const data = join(work, 'data');

// ---- the corpus and the server ------------------------------------------------------------
execFileSync(args.fixture, ['small', data], { stdio: 'inherit' });
execFileSync(args.policyindex, ['--data', data, '--quiet', 'index'], { stdio: 'inherit' });

function startServer() {
  return new Promise((resolve, reject) => {
    const proc = spawn(args.policyindex, ['--data', data, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${out}`)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve({ proc, base: m[0].replace(/\/$/, '') }); }
    });
    proc.stderr.on('data', (d) => { out += d; });
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

let server;
try {
  server = await startServer();
} catch (e) {
  die(e.message);
}
const base = server.base;

const userDataDir = join(work, 'chromium-profile');
const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: launchArgs, viewport: { width: 1280, height: 900 },
  });
} catch (e) {
  server.proc.kill('SIGTERM');
  die(`cannot start ${CHROMIUM}: ${e.message}`);
}

// ---- the checks ---------------------------------------------------------------------------
let passed = 0, failed = 0, shot = 0;
const problems = [];  // console errors, page errors and dialogs (a script that ran)
const page = context.pages()[0] || await context.newPage();
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('dialog', async (d) => { problems.push(`dialog opened: ${d.message()}`); await d.dismiss(); });

function expect(cond, what) { if (!cond) throw new Error(what); }
async function screenshot(name, fullPage = true) {
  shot += 1;
  await page.screenshot({ path: join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage });
}
async function check(name, fn) {
  const before = problems.length;
  try {
    await fn();
    expect(problems.length === before, problems.slice(before).join('; '));
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
    try { await screenshot(`FAILED-${name.replace(/\W+/g, '-')}`); } catch { /* page gone */ }
  }
}
const text = (sel) => page.locator(sel).first().innerText();

// ---- accessibility checks, reusable for every page ----------------------------------------
// axe-core on the page as it is: throws on any serious or critical violation. The pages'
// Content-Security-Policy (script-src 'self') refuses an injected <script> (addScriptTag), so
// axe's source is evaluated through the DevTools protocol, which the policy does not govern.
async function checkAccessible(p, name) {
  await p.evaluate(axeSource);
  const violations = await p.evaluate(async () =>
    (await window.axe.run(document, { resultTypes: ['violations'] })).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
  expect(violations.length === 0, `${name}: axe: ${violations.join('; ')}`);
}
// No horizontal scrolling of the page itself (a wide table scrolls inside its own region).
async function checkNoOverflow(p, name) {
  const width = await p.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(width[0] <= width[1], `${name}: the page is ${width[0]}px wide in a ${width[1]}px window`);
}
// Tabs through the first LIMIT focusable elements: each shows a focus ring of at least 3:1
// against the colour around it (WCAG 2.2: 2.4.7, 1.4.11).
async function checkFocusVisible(p, name, limit = 25) {
  await p.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  const bad = [];
  for (let i = 0; i < limit; ++i) {
    await p.keyboard.press('Tab');
    const r = await p.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
      const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
        .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
      const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m); return (x + 0.05) / (y + 0.05); };
      const bgOf = (node) => {
        for (let n = node; n; n = n.parentElement) {
          const c = rgb(getComputedStyle(n).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const cs = getComputedStyle(el);
      const label = `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || el.id).trim().slice(0, 30)}"`;
      const width = parseFloat(cs.outlineWidth);
      if (cs.outlineStyle === 'none' || !(width >= 2)) return { label, problem: `no focus outline (${cs.outlineStyle} ${cs.outlineWidth})` };
      const around = parseFloat(cs.outlineOffset) > 0 ? bgOf(el.parentElement) : bgOf(el);
      const c = ratio(rgb(cs.outlineColor).slice(0, 3), around);
      return c >= 3 ? { label } : { label, problem: `focus ring contrast ${c.toFixed(2)}:1 (${cs.outlineColor} on rgb(${around}))` };
    });
    if (r && r.problem) bad.push(`${r.label}: ${r.problem}`);
  }
  expect(bad.length === 0, `${name}: ${bad.slice(0, 4).join('; ')}`);
}

await check('start page: landmarks, labels, skip link first in tab order', async () => {
  await page.goto(`${base}/`);
  expect(await page.locator('header.site').count() === 1 && await page.locator('main#main').count() === 1, 'landmarks');
  expect((await text('h1')).includes('your town'), 'h1');
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select')]
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map((el) => el.outerHTML));
  expect(unlabelled.length === 0, `inputs without a label: ${unlabelled.join(' ')}`);
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement.textContent) === 'Skip to content', 'skip link not first');
  await screenshot('start');
});

await check('search, then click a facet without reloading', async () => {
  await page.goto(`${base}/search`);
  await page.fill('#q', 'officers');
  await page.press('#q', 'Enter');
  await page.waitForURL(/\/search\?q=officers/);
  const status = await text('#result-status');
  expect(/\d+ sections? match/.test(status), `status: ${status}`);
  const hits = await page.locator('.hit').count();
  expect(hits >= 3, `only ${hits} hits`);
  await screenshot('search');
  await page.evaluate(() => { window.__noReload = true; });
  await page.locator('#facet-town + ul a', { hasText: 'Ashmere' }).click();
  await page.waitForURL(/town=Ashmere/);
  await page.waitForFunction(() => document.querySelectorAll('.hit').length > 0 &&
    [...document.querySelectorAll('.hit h3')].every((h) => h.textContent.startsWith('Ashmere')));
  expect(await page.evaluate(() => window.__noReload === true), 'the facet click reloaded the page');
  expect(await page.locator('.active-filters').innerText().then((t) => t.includes('Ashmere')), 'active filter chip');
  expect(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'result-status', 'focus moved to the result status');
  await screenshot('facet-town');
  await page.goBack();
  await page.waitForFunction(() => !location.search.includes('town='));
  expect(!(await text('#result-status')).includes('Ashmere'), 'back restores the unfiltered results');
});

await check('keyboard: "/" focuses search, j moves to the first hit', async () => {
  await page.goto(`${base}/search?q=officers`);
  await page.keyboard.press('/');
  expect(await page.evaluate(() => document.activeElement.id) === 'q', '/ did not focus the box');
  await page.keyboard.press('Escape');
  await page.keyboard.press('j');
  expect(await page.evaluate(() => document.activeElement.classList.contains('hit-link')), 'j did not focus a hit');
});

await check('follow a hit to its document, at the section', async () => {
  await page.goto(`${base}/search?q=detainer`);
  const first = page.locator('.hit-link').first();
  const label = await first.innerText();
  await first.click();
  await page.waitForURL(/\/documents\/\d+#s-/);
  const hash = new URL(page.url()).hash.slice(1);
  const section = page.locator(`[id="${hash}"]`);
  expect(await section.count() === 1, `no section ${hash}`);
  expect(await section.isVisible(), 'section not visible');
  expect(label.includes(await text('h1')), `hit "${label}" vs document "${await text('h1')}"`);
  expect((await section.innerText()).toLowerCase().includes('detainer'), 'section text');
  expect(await section.locator('mark').count() >= 1, 'no provision highlight');
  await screenshot('document');
});

await check('town scorecard: seven questions with words and quoted evidence', async () => {
  await page.goto(`${base}/town/quillfield`);
  expect(await text('h1') === 'Quillfield', 'h1');
  expect(await page.locator('ul.glance li').count() === 7, 'seven questions');
  const q7 = await text('#q-Q7');
  expect(q7.includes('Protective') && q7.includes('287(g) agreement'), `Q7: ${q7}`);
  expect((await text('#q-Q2')).includes('Silent'), 'Q2: in-force documents, silent on it');
  expect((await text('#coverage')).length > 0, 'the coverage notice');
  expect((await page.locator('#documents').count()) === 1, 'documents heading');
  await screenshot('town');
});

await check('compare two towns from the form', async () => {
  await page.goto(`${base}/compare`);
  await page.fill('#cmp-0', 'Quillfield');
  await page.fill('#cmp-1', 'North Quillfield');
  await page.click('form.compare-form button[type=submit]');
  await page.waitForURL(/compare\?town=Quillfield&town=North\+Quillfield/);
  const heads = await page.locator('table.compare thead th').allInnerTexts();
  expect(heads.length === 3 && heads[1].includes('Quillfield') && heads[2].includes('North Quillfield'), heads.join('|'));
  const q1 = await page.locator('table.compare tbody tr', { hasText: 'Q1' }).innerText();
  expect(q1.includes('Permits cooperation'), `Q1 row: ${q1}`);
  await screenshot('compare');
});

await check('peer towns with sentences to borrow', async () => {
  await page.goto(`${base}/peers?town=North+Quillfield&provision=Q2`);
  const body = await text('main');
  expect(body.includes('Ashmere') && body.includes('shall not share information'), body.slice(0, 300));
  await screenshot('peers');
});

await check('statewide grid of every municipality by county', async () => {
  await page.goto(`${base}/state`);
  expect(await page.locator('table.grid tbody tr').count() >= 357, 'rows for every municipality');
  expect(await page.locator('table.heat tbody tr', { hasText: 'Brackett' }).count() === 1, 'heat row');
  const quill = page.locator('table.grid tr').filter({ has: page.locator('th', { hasText: /^Quillfield$/ }) });
  const row = await quill.innerText();
  expect(row.includes('✓'), `Quillfield row: ${row}`);
  const sr = await quill.locator('.sr-only').first().textContent();
  expect(sr === 'Protective' || sr === 'Silent', `screen-reader text: ${sr}`);
  await screenshot('state', false);
  await page.locator('#c-Brackett').scrollIntoViewIfNeeded();
  await screenshot('state-county', false);
});

// ---- statewide map (/map; serve/web_map.cpp) -------------------------------------------------
await check('map: every municipality in the table, marks link to town pages, fits a phone', async () => {
  await page.setViewportSize({ width: 375, height: 800 });
  const t0 = Date.now();
  await page.goto(`${base}/map?q=Q1`, { waitUntil: 'domcontentloaded' });
  const dcl = Date.now() - t0;
  expect(await page.locator('table.map-table tbody tr').count() >= 357, 'a table row per municipality');
  const marks = await page.locator('svg.map a').count();
  expect(marks >= 300, `marks on the map: ${marks}`);
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(over <= 1, `/map overflows by ${over}px at 375 px`);
  // A town the data cannot place (a fictional one) is in the table, said to have no position.
  const quill = page.locator('table.map-table tr').filter({ has: page.locator('th', { hasText: /^Quillfield$/ }) });
  expect((await quill.innerText()).includes('no position'), 'Quillfield: no position');
  expect(await page.locator('svg.map a[href="/town/Quillfield"]').count() === 0, 'no invented position');
  // The mark and the table row say the same state.
  const mark = page.locator('svg.map a[href="/town/Nantucket"]');
  const title = await mark.locator('title').textContent();
  const row = await page.locator('table.map-table tr').filter({ has: page.locator('th', { hasText: /^Nantucket$/ }) }).innerText();
  expect(title.startsWith('Nantucket: ') && row.includes(title.slice('Nantucket: '.length)), `mark "${title}" vs row "${row}"`);
  await screenshot('map-phone', false);
  await mark.click();
  await page.waitForURL(/\/town\/Nantucket$/);
  expect((await text('h1')).includes('Nantucket'), 'the town page');
  console.log(`     map: DOMContentLoaded after ${dcl} ms at 375 px`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${base}/map`);
  await page.selectOption('#map-q', 'Q3');
  await page.locator('form.map-pick button').click();
  await page.waitForURL(/\/map\?q=Q3$/);
  expect((await text('h2#map-showing')).startsWith('Q3'), 'the chosen question');
  await screenshot('map', false);
});

await check('hostile document renders as text, runs nothing', async () => {
  await page.goto(`${base}/town/Vinehaven-by-the-Lake`);
  await page.locator('#documents ~ article.doc h3 a').first().click();
  await page.waitForURL(/\/documents\/\d+/);
  expect(await text('h1') === "Hostile \"><script>alert('title')</script> Policy & 'Guide'", `h1: ${await text('h1')}`);
  const main = await text('main');
  expect(main.includes('<script>alert("text")</script>'), 'script text shown');
  expect(main.includes('<img src=x onerror="alert(\'heading\')"> Inquiries'), 'heading shown as text');
  expect(await page.locator('main img, main script, main b[onmouseover]').count() === 0, 'injected elements exist');
  await page.goto(`${base}/search?q=officers+OR+hostile`);
  expect(await page.locator('main img, main script').count() === 0, 'injected elements in search');
  await screenshot('hostile');
});

// ---- upload (/analyze; serve/web_upload.cpp): a self-contained block ----------------------
await check('upload a policy through the form and see its report', async () => {
  const { writeFileSync } = await import('node:fs');  // (kept inside this block)
  const file = join(work, 'upload-policy.txt');
  writeFileSync(file, '1. Detainers\n\nThe Police Department shall not hold any person on an immigration detainer. '
    + '<script>alert("upload")</script>\n\n2. Agreements\n\nThe Town shall not enter into any agreement under '
    + 'section 287(g) of the Immigration and Nationality Act.\n');
  await page.goto(`${base}/analyze`);
  await page.getByLabel("Your town's policy (PDF, Word, web page or text file, up to 20 MB)").setInputFiles(file);
  await Promise.all([page.waitForURL(`${base}/analyze`), page.locator('#upload-submit').click()]);
  const summary = await page.locator('.summary').first().innerText();
  expect(/^2 of 7 questions protective, 0 permissive, 5 not addressed/.test(summary), `summary: ${summary}`);
  expect((await text('main')).includes('<script>alert("upload")'), 'script text shown as text');
  expect(await page.locator('main script').count() === 0, 'injected script element');
  await screenshot('upload-report');
});

await check('phone width: no horizontal scrolling, facets below results', async () => {
  await page.setViewportSize({ width: 375, height: 800 });
  for (const path of ['/', '/search?q=officers', '/town/Quillfield', '/state', '/compare?town=Quillfield&town=Ashmere']) {
    await page.goto(`${base}${path}`);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(over <= 1, `${path} overflows by ${over}px`);
  }
  await page.goto(`${base}/search?q=officers`);
  await screenshot('phone-search');
  await page.setViewportSize({ width: 1280, height: 900 });
});

await check('results readable without JavaScript', async () => {
  const ctx = await context.browser()?.newContext({ javaScriptEnabled: false }) ?? null;
  const p = ctx ? await ctx.newPage() : await context.newPage();
  if (!ctx) await p.route('**/*.js*', (r) => r.abort());
  await p.goto(`${base}/search?q=detainer&provision=Q3`);
  const status = await p.locator('#result-status').innerText();
  expect(/\d+ sections? match/.test(status), status);
  expect(await p.locator('.hit').count() >= 1, 'no hits');
  await p.close();
  if (ctx) await ctx.close();
});

await check('a newer index is served without a restart', async () => {
  await page.goto(`${base}/search?q=zanzibarian`);
  expect((await text('#result-status')).startsWith('0 sections'), 'found before it exists');
  execFileSync(args.fixture, ['extra', data]);
  execFileSync(args.policyindex, ['--data', data, '--quiet', 'index']);
  await page.goto(`${base}/search?q=zanzibarian`);
  expect((await text('#result-status')).startsWith('1 section'), await text('#result-status'));
});

// Every page, at desktop and phone widths: axe (no serious or critical violation), no page
// overflow, and visible focus.
const everyPage = [
  ['home', '/'], ['search form', '/search'], ['search results', '/search?q=officers'],
  ['filtered search', '/search?q=detainer&provision=Q3'], ['town scorecard', '/town/Quillfield'],
  ['town without documents', '/town/Marrow%20Falls'], ['statewide matrix', '/state'],
  ['compare', '/compare?town=Quillfield&town=Ashmere&town=Port+Tessaly'], ['peers', '/peers?town=North+Quillfield'],
  ['changes', '/changes'], ['history of a town', '/town/Port%20Tessaly'],
  ['statewide map', '/map?q=Q3'], ['upload form', '/analyze'],
];
for (const [width, height] of [[1280, 900], [375, 800]]) {
  await check(`accessibility at ${width}px: axe, overflow, focus on every page`, async () => {
    await page.setViewportSize({ width, height });
    await page.goto(`${base}/town/Quillfield`);
    const doc = await page.locator('#documents ~ article.doc h3 a').first().getAttribute('href');
    await page.goto(`${base}${doc}`);
    const version = await page.locator('table.versions a').first().getAttribute('href');
    const pages = [...everyPage, ['document', doc], ['document version', version]];
    const found = [];
    for (const [name, path] of pages) {
      await page.goto(`${base}${path}`);
      for (const fn of [checkAccessible, checkNoOverflow, checkFocusVisible]) {
        try { await fn(page, `${name} (${path})`); } catch (e) { found.push(e.message); }
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(found.length === 0, found.join(' | '));
  });
}

await check('an evidence link lands on its highlighted quote', async () => {
  await page.goto(`${base}/town/Quillfield`);
  const link = page.locator('#q-Q3 .evidence .where a').first();
  const href = await link.getAttribute('href');
  expect(/#e-/.test(href), `evidence link ${href}`);
  await link.click();
  await page.waitForURL(/#e-/);
  const hash = decodeURIComponent(new URL(page.url()).hash.slice(1));
  // waitForURL resolves when the navigation commits; the browser scrolls to the fragment once
  // the page has loaded, smoothly (app.css), so give the scroll its time before looking.
  await page.waitForLoadState('load');
  await page.waitForFunction((id) => {
    const el = document.getElementById(id);
    const mark = el && (el.tagName === 'MARK' ? el : el.nextElementSibling);
    if (!mark) return false;
    const r = mark.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  }, hash, { timeout: 3000 }).catch(() => {});
  const target = page.locator(`[id="${hash}"]`);
  expect(await target.count() === 1, `no element ${hash}`);
  const quote = await page.evaluate((id) => {
    const el = document.getElementById(id);
    const mark = el.tagName === 'MARK' ? el : el.nextElementSibling;
    const r = mark.getBoundingClientRect();
    return { text: mark.textContent, visible: r.top >= 0 && r.bottom <= window.innerHeight };
  }, hash);
  expect(quote.text.includes('detainer') && quote.visible, `landed on ${JSON.stringify(quote)}`);
});

await check('JSON API and downloads', async () => {
  const r = await page.request.get(`${base}/api/search?q=officers&town=Ashmere`);
  expect(r.status() === 200 && (await r.json()).hits.every((h) => h.town === 'Ashmere'), 'api search');
  const bad = await page.request.get(`${base}/api/search?q=x&offset=minus`);
  expect(bad.status() === 400 && (await bad.json()).error.code === 'invalid_argument', 'bad parameter');
  const csv = await page.request.get(`${base}/matrix.csv`);
  expect((await csv.text()).startsWith('town,county,documents,Q1'), 'matrix csv');
  const feed = await page.request.get(`${base}/feed.atom?town=Port+Tessaly`);
  expect((await feed.text()).includes('<feed xmlns="http://www.w3.org/2005/Atom">'), 'atom');
});

await context.close();
server.proc.kill('SIGTERM');
rmSync(work, { recursive: true, force: true });
console.log(`screenshots: ${artifacts}`);
console.log(`browser tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
