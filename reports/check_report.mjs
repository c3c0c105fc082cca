// Opens an otverify report from a file URL in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) and fails on any console error,
// page error, dialog (injected script), network request (the page must be
// self-contained) or figure that did not render; saves a full-page screenshot.
// The page must fit its viewport at 1400 px and at 390 px (a phone) without
// horizontal scrolling, and no text may show an HTML entity such as &lt; (text
// escaped twice, or not unescaped where it was read) unless it is part of a
// string given with --expect-text (data that holds the entity literally).
// With --expect-error TEXT the page must instead refuse its data with TEXT
// (a report.json of another schema version). Printed (print media), every figure
// must show as its static image and no interactive chart may remain.
//
//   node reports/check_report.mjs REPORT.html SCREENSHOT.png [--expect-text TEXT]... [--expect-error TEXT]
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
let expectError = null;
for (let k = 2; k < args.length; k += 2) {
  if (k + 1 >= args.length || !['--expect-text', '--expect-error'].includes(args[k])) { console.error(`unknown argument ${args[k]}`); process.exit(2); }
  if (args[k] === '--expect-text') expectTexts.push(args[k + 1]);
  else expectError = args[k + 1];
}
// Widths at which the page must not scroll sideways: a desktop window and a phone.
const WIDTHS = [1400, 390];
const ENTITY = /&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g;

const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.OTV_CHROMIUM || '/usr/bin/chromium',
  // As root in a sandbox-less container, and with no network: no background services.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

// Opens the report at one viewport width; returns what the page drew.
async function open(width) {
  const at = `at ${width} px: `;
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${at}console error: ${m.text().slice(0, 300)}`); });
  page.on('pageerror', (e) => problems.push(`${at}page error: ${e.message}`));
  page.on('dialog', async (d) => { problems.push(`${at}dialog opened (injected script?): ${d.message()}`); await d.dismiss(); });
  page.on('request', (r) => { if (!/^(file|data|blob):/.test(r.url())) problems.push(`${at}network request: ${r.url()}`); });
  await page.goto(pathToFileURL(path.resolve(report)).href);
  try {
    await page.waitForSelector('html[data-otv-rendered]', { state: 'attached', timeout: 60000 });
  } catch (e) {
    problems.push(`${at}the page did not finish rendering: ${e.message.split('\n')[0]}`);
  }
  const state = await page.evaluate(async () => {
    // Mathematics is typeset in KaTeX's own fonts (inlined as data: URLs): they must load.
    await document.fonts.ready;
    const fonts = [...document.fonts];
    const math = {
      formulas: document.querySelectorAll('.katex').length,
      loaded: fonts.filter((f) => f.status === 'loaded' && f.family.startsWith('KaTeX')).length,
      failed: fonts.filter((f) => f.status === 'error').map((f) => f.family),
    };
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
    // Sideways overflow: of the page, or of any box inside it (a figure that needs a
    // horizontal scroll bar is clipped on screen); the widest offenders are named.
    const viewport = document.documentElement.clientWidth;
    const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') +
      (e.closest('.figure') && e.closest('.figure').querySelector('h3') ? ` in figure "${e.closest('.figure').querySelector('h3').textContent}"` : '');
    // Content clipped by an ancestor (KaTeX draws long SVG strokes inside a clipping
    // box, a visually hidden table head) does not widen the page.
    const clipped = (e) => {
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
        if (getComputedStyle(a).overflowX !== 'visible') return a.getBoundingClientRect().right <= viewport + 1;
      return false;
    };
    const overflowing = [];
    for (const e of document.querySelectorAll('body *')) {
      const style = getComputedStyle(e);
      if (/(auto|scroll)/.test(style.overflowX) && e.scrollWidth > e.clientWidth + 1)
        overflowing.push(`${name(e)} scrolls sideways (content ${e.scrollWidth} px in ${e.clientWidth} px)`);
      else if (e.getBoundingClientRect().right > viewport + 1 && !clipped(e) && !e.parentElement.closest('[data-overflow-named]')) {
        e.setAttribute('data-overflow-named', '');
        overflowing.push(`${name(e)} ends at ${Math.round(e.getBoundingClientRect().right)} px`);
      }
    }
    return {
      rendered: document.documentElement.getAttribute('data-otv-rendered'),
      expected: Number(document.documentElement.getAttribute('data-otv-figures')),
      figures,
      verdictRows: document.querySelectorAll('#verdicts tbody tr').length,
      text: document.body.innerText,
      injected: document.querySelectorAll('[data-injected], #injected, a[href^="javascript" i], a[href^="data" i]').length,
      math,
      pageWidth: document.documentElement.scrollWidth,
      viewport,
      overflowing,
    };
  });
  // Printed, each figure is its static image (loaded, within the page) and no chart.
  await page.emulateMedia({ media: 'print' });
  state.print = await page.evaluate(() => {
    const images = [...document.querySelectorAll('.figure .print-image img')];
    return {
      images: images.filter((i) => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 0 &&
        i.getBoundingClientRect().right <= document.documentElement.clientWidth + 1).length,
      charts: [...document.querySelectorAll('.figure .chart')].filter((c) => c.getBoundingClientRect().height > 0).length,
    };
  });
  await page.emulateMedia({ media: 'screen' });
  return { page, state };
}

try {
  for (const width of WIDTHS) {
    const at = `at ${width} px: `;
    const { page, state } = await open(width);
    if (expectError !== null) {
      if (state.rendered !== 'error') problems.push(`${at}the page did not refuse its data (data-otv-rendered = ${state.rendered})`);
      if (!state.text.includes(expectError)) problems.push(`${at}message not shown: ${expectError}`);
    } else {
      if (state.rendered !== 'ok') problems.push(`${at}figures did not all render (data-otv-rendered = ${state.rendered})`);
      if (state.figures.length !== state.expected) problems.push(`${at}${state.figures.length} figure boxes, ${state.expected} embedded`);
      if (state.figures.length === 0) problems.push(`${at}no figures`);
      for (const f of state.figures) {
        if ((!f.hasSvg && !f.hasCanvas) || f.width < 10 || f.height < 10 || f.marks === 0)
          problems.push(`${at}figure "${f.title}" is empty (svg ${f.hasSvg}, canvas ${f.hasCanvas}, ${f.width}x${f.height}, ${f.marks} marks)`);
      }
      if (state.verdictRows === 0) problems.push(`${at}empty verdict table`);
      if (state.print.images !== state.figures.length || state.print.charts !== 0)
        problems.push(`${at}printed: ${state.print.images} of ${state.figures.length} figures as images, ${state.print.charts} interactive charts shown`);
    }
    if (state.injected > 0) problems.push(`${at}markup from the data reached the DOM`);
    if (state.math.failed.length || (state.math.formulas > 0 && state.math.loaded === 0))
      problems.push(`${at}KaTeX's fonts did not load (${state.math.formulas} formulas, failed: ${state.math.failed.join(', ') || 'none'})`);
    if (state.pageWidth > state.viewport + 1) problems.push(`${at}the page is ${state.pageWidth} px wide`);
    for (const o of state.overflowing.slice(0, 8)) problems.push(`${at}${o}`);
    if (state.overflowing.length > 8) problems.push(`${at}... and ${state.overflowing.length - 8} more boxes overflow`);
    for (const t of expectTexts) if (!state.text.includes(t)) problems.push(`${at}text not shown literally: ${t}`);
    let rest = state.text;
    for (const t of expectTexts) rest = rest.split(t).join(' ');
    const entities = [...new Set(rest.match(ENTITY) || [])];
    for (const e of entities.slice(0, 5)) {
      const k = rest.indexOf(e);
      problems.push(`${at}literal HTML entity ${e} in the text: "${rest.slice(Math.max(0, k - 40), k + 40).replace(/\s+/g, ' ')}"`);
    }
    const shot = width === WIDTHS[0] ? screenshot : screenshot.replace(/(\.png)?$/, `-${width}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`${at}${state.figures.length} figures rendered, ${state.verdictRows} verdicts, page ${state.pageWidth} px wide; screenshot ${shot}`);
    await page.close();
  }
} finally {
  await browser.close();
}
if (problems.length) {
  for (const p of problems) console.error(`FAIL: ${p}`);
  process.exit(1);
}
