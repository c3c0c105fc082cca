// Opens an otverify report from a file URL in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) and fails on any console error,
// page error, dialog (injected script), network request (the page must be
// self-contained) or figure that did not render; saves a full-page screenshot.
//
//   node reports/check_report.mjs REPORT.html SCREENSHOT.png [--expect-text TEXT]...
import { chromium } from 'playwright-core';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
if (args.length < 2) {
  console.error('usage: node check_report.mjs REPORT.html SCREENSHOT.png [--expect-text TEXT]...');
  process.exit(2);
}
const [report, screenshot] = args;
const expectTexts = [];
for (let k = 2; k < args.length; k += 2) {
  if (args[k] !== '--expect-text' || k + 1 >= args.length) { console.error(`unknown argument ${args[k]}`); process.exit(2); }
  expectTexts.push(args[k + 1]);
}

const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.OTV_CHROMIUM || '/usr/bin/chromium',
  // As root in a sandbox-less container, and with no network: no background services.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', async (d) => { problems.push(`dialog opened (injected script?): ${d.message()}`); await d.dismiss(); });
  page.on('request', (r) => { if (!/^(file|data|blob):/.test(r.url())) problems.push(`network request: ${r.url()}`); });

  await page.goto(pathToFileURL(path.resolve(report)).href);
  try {
    await page.waitForSelector('html[data-otv-rendered]', { state: 'attached', timeout: 60000 });
  } catch (e) {
    problems.push(`the page did not finish rendering: ${e.message.split('\n')[0]}`);
  }
  const state = await page.evaluate(() => {
    const figures = [...document.querySelectorAll('.figure')].map((f) => {
      const title = f.querySelector('h3') ? f.querySelector('h3').textContent : '?';
      const svg = f.querySelector('.chart svg');
      const canvas = f.querySelector('.chart canvas');
      const box = (svg || canvas) ? (svg || canvas).getBoundingClientRect() : { width: 0, height: 0 };
      // Data marks (not axes or legends) with drawn geometry.
      const marks = svg ? [...svg.querySelectorAll('g.role-mark')].filter((g) => !g.closest('.role-axis, .role-legend, .role-title'))
        .flatMap((g) => [...g.children]).filter((c) => (c.getAttribute('d') || '').length > 0 || c.tagName === 'text').length : 0;
      return { title, hasSvg: !!svg, hasCanvas: !!canvas, width: box.width, height: box.height, marks };
    });
    return {
      rendered: document.documentElement.getAttribute('data-otv-rendered'),
      expected: Number(document.documentElement.getAttribute('data-otv-figures')),
      figures,
      verdictRows: document.querySelectorAll('#verdicts tbody tr').length,
      text: document.body.innerText,
      injected: document.querySelectorAll('[data-injected], #injected').length,
    };
  });
  if (state.rendered !== 'ok') problems.push(`figures did not all render (data-otv-rendered = ${state.rendered})`);
  if (state.figures.length !== state.expected) problems.push(`${state.figures.length} figure boxes, ${state.expected} embedded`);
  if (state.figures.length === 0) problems.push('no figures');
  for (const f of state.figures) {
    if ((!f.hasSvg && !f.hasCanvas) || f.width < 10 || f.height < 10 || f.marks === 0)
      problems.push(`figure "${f.title}" is empty (svg ${f.hasSvg}, canvas ${f.hasCanvas}, ${f.width}x${f.height}, ${f.marks} marks)`);
  }
  if (state.verdictRows === 0) problems.push('empty verdict table');
  if (state.injected > 0) problems.push('markup from the data reached the DOM');
  for (const t of expectTexts) if (!state.text.includes(t)) problems.push(`text not shown literally: ${t}`);
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`${state.figures.length} figures rendered, ${state.verdictRows} verdicts; screenshot ${screenshot}`);
} finally {
  await browser.close();
}
if (problems.length) {
  for (const p of problems) console.error(`FAIL: ${p}`);
  process.exit(1);
}
