// bench/map: DOMContentLoaded and load of a page in Debian's chromium, cold cache each time
// (a new context), five loads per width; prints the median and the worst.
//   node bench/map/measure.mjs URL
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', 'tests', 'browser', 'package.json'));
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  console.error('measure: playwright-core is not installed in tests/browser (run scripts/install-deps.sh)');
  process.exit(1);
}
const url = process.argv[2];
if (!url) { console.error('usage: node measure.mjs URL'); process.exit(1); }
const browser = await chromium.launch({ executablePath: process.env.PI_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'] });
for (const width of [375, 1280]) {
  const dcl = [], load = [];
  let bytes = 0, overflow = 0;
  for (let i = 0; i < 5; ++i) {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const t = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource');
      return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,
        bytes: n.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
        overflow: document.documentElement.scrollWidth - window.innerWidth };
    });
    dcl.push(t.dcl); load.push(t.load); bytes = t.bytes; overflow = t.overflow;
    await context.close();
  }
  const med = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)].toFixed(0);
  const max = (a) => Math.max(...a).toFixed(0);
  console.log(`${width} px: DOMContentLoaded median ${med(dcl)} ms (worst ${max(dcl)}), load median ${med(load)} ms ` +
    `(worst ${max(load)}); ${bytes} bytes transferred; horizontal overflow ${overflow} px`);
}
await browser.close();
