// otverify report: builds the page from the JSON data block (its layout is
// reports/README.md, version SCHEMA). Every string from the data reaches the page as
// text (textContent, SVG text through Vega), never as markup, except through
// markdown(): markdown-it with raw HTML disabled (so it escapes every <, >, &, ")
// and KaTeX without trust, whose output is the only HTML the page inserts.
(function () {
  'use strict';

  const SCHEMA = 'otverify-report/2';
  const data = JSON.parse(document.getElementById('otv-data').textContent);
  const root = document.getElementById('report');
  const embeds = [];
  const VEGA_LITE = 'https://vega.github.io/schema/vega-lite/v5.json';

  function done(state, figures) {
    document.documentElement.setAttribute('data-otv-figures', String(figures));
    document.documentElement.setAttribute('data-otv-rendered', state);
  }

  if (!data || data.schema !== SCHEMA || !data.layout) {
    const found = data && typeof data.schema === 'string' ? `"${data.schema}"` : 'no schema version';
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = `This page reads report data of schema ${SCHEMA}; its data has ${found}. ` +
      'Render the data with the otverify that wrote it (otverify report --from DATA.json --out page.html), or rerun otverify report.';
    root.appendChild(p);
    console.warn(p.textContent);
    done('error', 0);
    return;
  }
  const steps = data.steps || {};
  const layout = data.layout;

  // Markdown (CommonMark without raw HTML: markup in the text is shown as text, and
  // markdown-it refuses javascript: and data: links) with $...$ and $$...$$
  // mathematics typeset by KaTeX (trust off: no \href, \url or HTML extensions).
  const md = window.markdownit({ html: false, linkify: false, typographer: false });
  md.inline.ruler.after('escape', 'math', (state, silent) => {
    const src = state.src, start = state.pos;
    if (src[start] !== '$') return false;
    const display = src[start + 1] === '$';
    const open = display ? 2 : 1;
    // As in pandoc: no space after the opening $, none before the closing one, no digit
    // after it ("costs $5 and $6" is not mathematics).
    if (/\s/.test(src[start + open] || ' ')) return false;
    let end = start + open;
    for (;;) {
      end = src.indexOf(display ? '$$' : '$', end);
      if (end < 0) return false;
      if (src[end - 1] !== '\\' && !/\s/.test(src[end - 1]) && (display || !/[0-9]/.test(src[end + 1] || ''))) break;
      end += 1;
    }
    if (!silent) {
      const token = state.push('math', 'math', 0);
      token.content = src.slice(start + open, end);
      token.markup = display ? '$$' : '$';
    }
    state.pos = end + open;
    return true;
  });
  md.renderer.rules.math = (tokens, k) => window.katex.renderToString(tokens[k].content,
    { displayMode: tokens[k].markup === '$$', throwOnError: false, output: 'html', trust: false, strict: 'ignore' });

  function markdown(text, inline) {
    const node = document.createElement(inline ? 'span' : 'div');
    node.className = 'md';
    node.innerHTML = inline ? md.renderInline(String(text)) : md.render(String(text));  // the sanitising renderer's output only
    return node;
  }

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  // Numbers in the data are JSON numbers, or decimal strings for wide types
  // ("nan", "inf", "[lo, hi]" for intervals: the midpoint is plotted).
  function num(v) {
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v !== 'string') return null;
    const parts = v.replace(/[[\]]/g, '').split(',').map(Number);
    const x = parts.length === 2 ? (parts[0] + parts[1]) / 2 : parts[0];
    return Number.isFinite(x) ? x : null;
  }
  // Long runs are thinned for drawing (the JSON beside the report keeps every layer):
  // the first 20 layers, then about 200 evenly spaced, and the last.
  const drawn = (layer, last) => layer <= 20 || layer === last || layer % Math.max(1, Math.ceil(last / 200)) === 0;
  const positive = (v) => { const x = num(v); return x !== null && x > 0 ? x : null; };
  const fmt = (v, digits = 3) => { const x = num(v); return x === null ? String(v) : (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5) ? x.toExponential(digits - 1) : x.toPrecision(digits)); };
  const safeId = (s) => (typeof s === 'string' && /^[a-z0-9-]+$/.test(s) ? s : null);
  const result = (id) => (steps[id] && steps[id].result) || null;

  function verdictBadge(v) {
    const cls = { 'holds': 'holds', 'fails': 'fails', 'holds with caveat': 'caveat' }[v] || 'unchecked';
    return el('span', { class: 'verdict ' + cls }, String(v));
  }

  function regenerate(ids, extra) {
    const box = el('div', { class: 'regenerate' }, 'Regenerate with:');
    for (const id of ids) if (steps[id]) box.appendChild(el('code', { class: 'command' }, steps[id].command));
    for (const c of extra || []) box.appendChild(el('code', { class: 'command' }, c));
    return box;
  }

  // intro: the page's own text, markdown with $mathematics$.
  function section(id, title, intro) {
    const s = el('section', { id }, el('h2', {}, title));
    if (intro) s.appendChild(markdown(intro));
    root.appendChild(s);
    document.getElementById('toc').appendChild(el('a', { href: '#' + id }, title));
    return s;
  }

  // Cells: strings (text), numbers, or nodes. On a narrow screen each row is shown as
  // a card; data-label carries the column's header there (report.css).
  function table(headers, rows, cls) {
    const t = el('table', cls ? { class: cls } : {}, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))));
    const body = el('tbody');
    for (const r of rows) {
      body.appendChild(el('tr', {}, ...r.map((c, k) => {
        const label = { 'data-label': headers[k] || '' };
        if (c instanceof Node) return el('td', label, c);
        return el('td', Object.assign(label, typeof c === 'number' ? { class: 'num' } : {}), c === null || c === undefined ? '' : String(c));
      })));
    }
    t.appendChild(body);
    return t;
  }

  // The width a figure can use: the text column (main's width less its padding) less
  // the figure box's padding and border (report.css).
  const available = () => {
    const style = getComputedStyle(root);
    return Math.max(200, root.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 2 * 13);
  };
  const narrow = () => available() < 560;
  // How many panels `panel` px wide fit side by side (a wrapped facet draws the y axis
  // once per row: about 70 px, the legend about 120 px unless it is below, `gap` px
  // between panels).
  const columnsFor = (panel, gap, most) => Math.max(1, Math.min(most, Math.floor((available() - (narrow() ? 70 : 190)) / (panel + gap))));

  // A Vega-Lite figure: hover shows values, the action menu exports SVG or PNG. A
  // static copy (an SVG image, scaled to the paper) replaces the chart when printed.
  function figure(parent, title, caption, spec, stepIds, extraCommands) {
    const chart = el('div', { class: 'chart' });
    const printed = el('div', { class: 'print-image' });
    const cap = markdown(caption);
    cap.classList.add('caption');
    const box = el('div', { class: 'figure' }, el('h3', {}, title), chart, printed, cap, regenerate(stepIds, extraCommands));
    parent.appendChild(box);
    const full = Object.assign({
      $schema: VEGA_LITE,
      config: { view: { stroke: '#d9dee8' }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: narrow() ? { orient: 'bottom', symbolDirection: 'vertical', gradientDirection: 'horizontal', labelLimit: available() - 40 } : { orient: 'right' } },
    }, spec);
    if (full.width === 'container') full.autosize = { type: 'fit-x', contains: 'padding' };
    const p = vegaEmbed(chart, full, { renderer: 'svg', tooltip: true, actions: { export: true, source: false, compiled: false, editor: false } })
      .then((res) => res.view.toImageURL('svg').then((url) => {
        printed.appendChild(el('img', { src: url, alt: title }));
        return res;
      }))
      .catch((e) => {
        chart.appendChild(el('p', { class: 'error' }, 'figure failed: ' + e.message));
        throw new Error(title + ': ' + e.message);
      });
    embeds.push(p);
  }

  function missing(parent, what) {
    parent.appendChild(el('p', { class: 'muted' }, what));
  }

  // Point symbols for series that may coincide, and a legend label naming each.
  const SYMBOLS = [['circle', '\u25cb'], ['square', '\u25a1'], ['triangle-up', '\u25b3'], ['diamond', '\u25c7'], ['cross', '+']];
  const symbolLabels = (names) => names.reduceRight((rest, name, k) =>
    `datum.label === ${JSON.stringify(name)} ? ${JSON.stringify(name + ' ' + SYMBOLS[k % SYMBOLS.length][1])} : ${rest}`, 'datum.label');

  const logAxis = (field, title) => ({ field, type: 'quantitative', scale: { type: 'log' }, title, axis: { format: '.0e' } });

  // ------------------------------------------------------------------ header

  const prov = data.provenance || {};
  root.appendChild(el('p', { class: 'muted' },
    `otverify ${prov.version || '?'} (commit ${prov.commit || '?'}${prov.commit_dirty ? ', with uncommitted changes' : ''}), ` +
    `${prov.profile || '?'} profile, ${prov.date || '?'}, ${fmt(prov.duration_seconds, 3)} s.`));

  // ------------------------------------------------------------------ verdicts

  {
    const s = section('verdicts', 'Verdicts', 'Each claim of the paper, its verdict on the evidence below, and why. Verdicts: holds, fails, holds with caveat, cannot be checked here.');
    const rows = (data.verdicts || []).map((v) => {
      const target = safeId(v.evidence);
      return [markdown(v.claim, true), verdictBadge(v.verdict), el('span', {}, v.reason),
        target ? el('a', { href: '#' + target }, 'evidence') : el('span', {}, '')];
    });
    s.appendChild(table(['Claim', 'Verdict', 'Reason', 'Evidence'], rows, 'verdicts'));
  }

  // ------------------------------------------------------------------ findings

  {
    const s = section('findings', 'Findings', 'Counterexamples, typos and repairs of the printed paper (docs/findings.md, docs/construction.md), each with the command that reproduces it.');
    const list = el('ul', { class: 'findings' });
    for (const f of data.findings || []) {
      const heading = el('strong', {}, `${f.id}: `);
      heading.appendChild(markdown(f.title, true));
      const item = el('li', {}, heading, markdown(f.summary || ''));
      const reps = f.reproducers || [];
      if (reps.length) for (const r of reps) item.appendChild(el('code', { class: 'command' }, r));
      else item.appendChild(el('div', { class: 'muted' }, `no reproducer command; see ${f.source}`));
      list.appendChild(item);
    }
    s.appendChild(list);
  }

  // ------------------------------------------------------------------ Theorem 1

  const variants = layout.variants;
  const t1 = layout.theorem1;
  const example = t1.instance;
  const exampleText = `$n = ${example.n}$, $\\lambda = ${example.lambda}$, $\\gamma = ${example.gamma}$`;
  {
    const s = section('theorem1', 'Theorem 1: the transformer runs adaptive gradient descent',
      `Max over data rows of $|Z_u - u_{GD}|$ and $|Z_v - v_{GD}|$ at each layer, on the paper's example (${exampleText}), per construction variant and scalar type. Exact zeros are not drawn on the log scale.`);
    const rows = [];
    const ids = [];
    for (const { variant, scalar, step } of t1.per_layer) {
      const r = result(step);
      if (!r || !Array.isArray(r.per_layer)) continue;
      ids.push(step);
      const last = r.per_layer.length ? r.per_layer[r.per_layer.length - 1].layer : 0;
      for (const p of r.per_layer) {
        if (!drawn(p.layer, last)) continue;
        rows.push({ variant, scalar, layer: p.layer, error: positive(Math.max(num(p.max_u_err) || 0, num(p.max_v_err) || 0)), tolerance: positive(p.tolerance) });
      }
    }
    if (rows.length) {
      const scalars = [...new Set(rows.map((r) => r.scalar))];
      const layers = rows.map((r) => r.layer);
      const panel = narrow() ? available() - 100 : 210;
      // One colour and one hollow symbol per scalar type (hollow, so that coinciding
      // points stay visible); the colour legend names the symbol too.
      const scalarScale = { field: 'scalar', type: 'nominal', sort: scalars, title: 'scalar', legend: { labelExpr: symbolLabels(scalars) } };
      const scalarShape = { field: 'scalar', type: 'nominal', sort: scalars, scale: { range: SYMBOLS.map((x) => x[0]) }, legend: null };
      figure(s, 'Per-layer discrepancy against GD',
        'Solid lines and points: the measured discrepancy, one colour and symbol per scalar type; dotted lines in the same colour: that type\'s rounding tolerance (docs/error-model.md). ' +
        'paper and notebook leave GD at layer 2 in every precision (a mathematical discrepancy: the scalar types\' lines lie on one another); corrected and relu-reset stay below their tolerances.', {
          data: { values: rows },
          facet: { field: 'variant', type: 'nominal', sort: variants, title: null, header: { labelFontSize: 12 } },
          columns: columnsFor(panel, 24, variants.length),
          spec: {
            width: panel, height: 190,
            encoding: { x: { field: 'layer', type: 'quantitative', scale: { type: 'log', domain: [Math.min(...layers), Math.max(...layers)], nice: false }, title: 'layer' } },
            layer: [
              { transform: [{ filter: 'datum.tolerance !== null' }], mark: { type: 'line', strokeDash: [1, 3], strokeWidth: 1.5 },
                encoding: { y: logAxis('tolerance', 'max |Z - GD|'), color: scalarScale,
                  tooltip: [{ field: 'variant' }, { field: 'scalar' }, { field: 'layer' }, { field: 'tolerance', format: '.3e' }] } },
              { transform: [{ filter: 'datum.error !== null' }], mark: { type: 'line', point: { size: 36, filled: false, strokeWidth: 1.3 }, strokeWidth: 1.5 },
                encoding: { y: logAxis('error', 'max |Z - GD|'), color: scalarScale, shape: scalarShape,
                  tooltip: [{ field: 'variant' }, { field: 'scalar' }, { field: 'layer' }, { field: 'error', format: '.3e' }, { field: 'tolerance', format: '.3e' }] } },
            ],
          },
        }, ids);
    } else missing(s, 'The theorem1 steps did not run.');

    const ladder = [];
    for (const v of variants) {
      const r = result(t1.double[v]);
      if (!r) continue;
      for (const e of r.ladder || []) ladder.push({ variant: v, scalar: e.scalar, unit_roundoff: positive(e.unit_roundoff), max_err: positive(e.max_err), slope: r.ladder_slope });
    }
    if (ladder.length) {
      // One panel per variant: paper/notebook and corrected/relu-reset coincide and would hide each other.
      const panel = narrow() ? available() - 90 : 200;
      figure(s, 'Precision ladder', 'Max discrepancy over all layers against the unit roundoff $u$ of the scalar type, one panel per variant. Slope 1 (error proportional to $u$) means rounding; a flat line means the discrepancy is mathematical.', {
        data: { values: ladder.filter((r) => r.max_err !== null && r.unit_roundoff !== null) },
        facet: { field: 'variant', type: 'nominal', sort: variants, title: null, header: { labelFontSize: 12 } },
        columns: columnsFor(panel, 24, variants.length),
        spec: {
          width: panel, height: 180,
          mark: { type: 'line', point: { size: 40, filled: true } },
          encoding: {
            x: Object.assign(logAxis('unit_roundoff', 'unit roundoff u'), { sort: 'descending' }),
            y: logAxis('max_err', 'max discrepancy'),
            tooltip: [{ field: 'variant' }, { field: 'scalar' }, { field: 'unit_roundoff', format: '.3e' }, { field: 'max_err', format: '.3e' }, { field: 'slope', format: '.3f', title: 'fitted slope' }],
          },
        },
      }, variants.map((v) => t1.double[v]));
    }
    const cert = result(t1.minimal_counterexample);
    if (cert) {
      const c = cert.certificate || {};
      const ce = c.counterexample;
      s.appendChild(el('h3', {}, 'Minimal counterexample (finding F2)'));
      s.appendChild(el('p', {}, ce
        ? `n = 2, layer ${ce.layer}, row ${ce.row}: the transformer's column lies in ${ce.column_enclosure}, the GD iterate in ${ce.gd_enclosure} (mpfi, ${c.bits} bits): disjoint enclosures, so Theorem 1 fails for this instance in exact arithmetic.`
        : `verdict: ${cert.verdict}; no certified counterexample.`));
      s.appendChild(regenerate([t1.minimal_counterexample]));
    }
  }

  // ------------------------------------------------------------------ sink row

  {
    const s = section('sink', 'The sink row across layers', 'The proof marks the sink row\'s $u$, $v$ entries with "?". They move to the fixed point $-2\\lambda \\ln n$ (paper, notebook) and enter every data row\'s softmax with weight $e^{v_{sink}/\\lambda}$ (finding F1); corrected and relu-reset keep them at 0.');
    const rows = [];
    for (const v of variants) {
      const r = result(t1.double[v]);
      if (!r) continue;
      const sink = r.sink || [];
      const last = sink.length ? sink[sink.length - 1].layer : 0;
      for (const e of sink) {
        if (!drawn(e.layer, last)) continue;
        rows.push({ variant: v, layer: e.layer, entry: 'u', value: num(e.u) });
        rows.push({ variant: v, layer: e.layer, entry: 'v', value: num(e.v) });
      }
    }
    if (rows.length) {
      const fixed = t1.sink_fixed_point;
      const panel = narrow() ? available() - 100 : 210;
      const entry = { field: 'entry', type: 'nominal', title: 'sink entry', scale: { domain: ['u', 'v'], range: ['#1f5fbf', '#d9480f'] } };
      // u: solid line, small dots; v: dashed line, rings around them: equal entries stay visible.
      const series = (name, mark) => ({
        transform: [{ filter: `datum.entry === '${name}'` }],
        mark,
        encoding: {
          x: { field: 'layer', type: 'quantitative' },
          y: { field: 'value', type: 'quantitative', title: 'sink entry' },
          color: entry,
          tooltip: [{ field: 'variant' }, { field: 'entry' }, { field: 'layer' }, { field: 'value', format: '.6e' }],
        },
      });
      figure(s, 'Sink row entries u, v', `Paper's example (${exampleText}), double, one panel per variant; $u$: solid line, dots; $v$: dashed line, rings (where $u = v$ the rings circle the dots). Dashed grey rule: $-2\\lambda \\ln n = ${fixed.toPrecision(6)}$.`, {
        data: { values: rows.filter((r) => r.value !== null) },
        facet: { field: 'variant', type: 'nominal', sort: variants, title: null, header: { labelFontSize: 12 } },
        columns: columnsFor(panel, 24, variants.length),
        spec: {
          width: panel, height: 170,
          layer: [
            { mark: { type: 'rule', strokeDash: [4, 4], color: '#777' }, encoding: { y: { datum: fixed, type: 'quantitative' } } },
            series('u', { type: 'line', strokeWidth: 1.5, point: { size: 16, filled: true } }),
            series('v', { type: 'line', strokeWidth: 1.5, strokeDash: [5, 3], point: { size: 70, filled: false, strokeWidth: 1.2 } }),
          ],
        },
      }, variants.map((v) => t1.double[v]));
    } else missing(s, 'The theorem1 steps did not run.');
  }

  // ------------------------------------------------------------------ Theorem 2

  const t2 = layout.theorem2;
  {
    const s = section('theorem2', 'Theorem 2: attention patterns approach P_lambda*',
      'The head-1 patterns factor as $A^{(k)} = \\operatorname{diag}(w)\\, Q \\operatorname{diag}(q)$; the distance is $\\max(\\mu(q^{(k)}, q^*), \\mu(w^{(k)}, w^*))$ in the Hilbert metric, against the bound ' +
      '$36\\, n^{3/2} e^{r/\\lambda} \\sqrt{r} / (\\sqrt{l}\\,(1 - \\eta))$, valid once $l \\ge 64\\, n^3 e^{3r/\\lambda} r$.');
    const m = result(t2.main);
    if (m) {
      const L = m.layers, logBound = m.log10_bound;
      const rows = [];
      let running = Infinity;
      for (const p of m.per_layer || []) {
        const d = positive(p.distance);
        if (d !== null) running = Math.min(running, d);
        if (!drawn(p.layer, L)) continue;
        if (d !== null) { rows.push({ layer: p.layer, value: d, series: 'distance at layer k' }); rows.push({ layer: p.layer, value: running, series: 'min over k <= l (measured)' }); }
        // The bound at depth l scales as 1/sqrt(l); it applies from the precondition's l on.
        const b = Math.pow(10, logBound) * Math.sqrt(L / p.layer);
        if (Number.isFinite(b)) rows.push({ layer: p.layer, value: b, series: 'Theorem 2 bound at l', applies: p.layer >= Math.pow(10, m.log10_min_layers_for_precondition) });
      }
      const lMin = Math.pow(10, m.log10_min_layers_for_precondition);
      figure(s, 'Measured distance vs the Theorem 2 bound', `Paper instance $n = ${m.n}$, $\\lambda = ${fmt(m.lambda)}$, $\\gamma = ${fmt(m.gamma)}$, ${m.variant} variant. The bound holds with $10^{${fmt(m.log10_tightness)}}$ to spare. Dashed rule: the precondition holds from $l = ${fmt(lMin, 4)}$ on.`, {
        width: 'container', height: 280,
        layer: [
          {
            data: { values: rows },
            mark: { type: 'line' },
            encoding: {
              x: { field: 'layer', type: 'quantitative', scale: { type: 'log', nice: false }, title: 'layer l' },
              y: logAxis('value', 'Hilbert distance to P_lambda*'),
              color: { field: 'series', type: 'nominal', title: null },
              tooltip: [{ field: 'series' }, { field: 'layer' }, { field: 'value', format: '.3e' }, { field: 'applies', title: 'precondition holds' }],
            },
          },
          ...(lMin <= L ? [{ data: { values: [{ layer: lMin }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#555' },
            encoding: { x: { field: 'layer', type: 'quantitative' }, tooltip: [{ field: 'layer', title: 'precondition from l', format: '.4s' }] } }] : []),
        ],
      }, [t2.main]);
    }
    const rows = [];
    for (const id of [t2.main, t2.paper_lambda]) {
      const r = result(id);
      if (!r) continue;
      rows.push([fmt(r.lambda), r.layers, fmt(r.r), fmt(r.eta, 6), fmt(r.log_phi), fmt(r.log10_bound), fmt(r.log10_min_layers_for_precondition), r.precondition_holds ? 'yes' : 'no', fmt(r.measured), r.bound_holds ? 'yes' : 'NO', r.reference_converged ? 'yes' : 'no']);
    }
    if (rows.length) {
      s.appendChild(el('h3', {}, 'Bound and precondition'));
      s.appendChild(table(['lambda', 'l', 'r', 'eta', 'log phi', 'log10 bound', 'log10 l needed', 'precondition', 'measured', 'bound holds', 'reference converged'], rows));
      s.appendChild(regenerate([t2.main, t2.paper_lambda]));
    } else missing(s, 'The theorem2 steps did not run.');
  }

  // ------------------------------------------------------------------ rates

  {
    const s = section('rates', 'Rate in n and l', 'Least-squares fit of $\\log(\\text{measured distance}) = a \\log l + b \\log n + c$ over paper, uniform and gaussian instances $n = 2, 4, 8$ (seeds 1-3, relabelled instances counted once), against the paper\'s $n^{3/2} l^{-1/2}$ and the talk\'s $n^{1/2} l^{-1/2}$; the decay in $l$ is compared with a geometric one instance by instance (docs/findings.md F5).');
    const r = result(t2.rates);
    const f = r && r.rates;
    if (f && Array.isArray(f.data)) {
      const rows = f.data.map((p) => ({ layers: p.layers, n: p.n, value: positive(p.measured), series: 'measured' }));
      const ns = [...new Set(f.data.map((p) => p.n))].sort((a, b) => a - b);
      const ls = [...new Set(f.data.map((p) => p.layers))].sort((a, b) => a - b);
      for (const n of ns) for (const l of ls) rows.push({ layers: l, n, value: Math.exp(f.log_intercept) * Math.pow(l, f.exponent_l) * Math.pow(n, f.exponent_n), series: 'fit' });
      figure(s, 'Rate fit', `Measured $\\sim l^{${fmt(f.exponent_l)}\\,(\\pm ${fmt(f.exponent_l_stderr, 2)})}\\, n^{${fmt(f.exponent_n)}\\,(\\pm ${fmt(f.exponent_n_stderr, 2)})}$ over ${f.points} points (n = ${ns.join(', ')}). Points: measured; dashed lines: the fit. ${f.conclusion || ''}`, {
        data: { values: rows.filter((x) => x.value !== null) },
        width: 'container', height: 280,
        encoding: {
          // The data's own range of l (a nice log scale would stretch 8..64 to 1..100).
          x: { field: 'layers', type: 'quantitative', scale: { type: 'log', domain: [ls[0], ls[ls.length - 1]], nice: false }, title: 'layer l', axis: { values: ls } },
          y: logAxis('value', 'min over k <= l of the distance'),
          color: { field: 'n', type: 'nominal', sort: ns },
        },
        layer: [
          { transform: [{ filter: "datum.series === 'measured'" }], mark: { type: 'point', filled: true, size: 45, clip: false }, encoding: { tooltip: [{ field: 'n' }, { field: 'layers' }, { field: 'value', format: '.3e', title: 'measured' }] } },
          { transform: [{ filter: "datum.series === 'fit'" }], mark: { type: 'line', strokeDash: [4, 3] }, encoding: { tooltip: [{ field: 'n' }, { field: 'layers' }, { field: 'value', format: '.3e', title: 'fit' }] } },
        ],
      }, [t2.rates]);
    } else missing(s, 'The rates step did not run.');
  }

  // ------------------------------------------------------------------ sorting and patterns

  const sorting = layout.sorting;
  {
    const ps = sorting.settings.paper, cs = sorting.settings.code;
    const s = section('sorting', 'The paper\'s sorting examples', 'Readout (head-2 pattern applied to $x$, sink masked, as in the authors\' code) under the paper\'s settings ' +
      `($\\lambda = ${ps.lambda}$, $\\gamma = ${ps.gamma}$, ${ps.variant} weights, $y$ on the grid of the printed sorted list, scanned to ${ps.layers} layers) and the released code's ` +
      `(${cs.variant} weights, $\\lambda = ${cs.lambda}$, $\\gamma = ${cs.gamma}$, $y_i = i - 1$, scanned to ${cs.layers} layers), at the deepest layer; ` +
      'the verdict gives the depth from which each digit convention prints the paper\'s list (docs/findings.md F8).');
    const verdicts = Object.fromEntries((data.verdicts || []).map((v) => [v.id, v]));
    for (const e of sorting.examples) {
      const paper = result(e.paper), code = result(e.code);
      if (!paper || !code) continue;
      const v = verdicts[e.verdict];
      s.appendChild(el('h3', {}, v ? markdown(v.claim, true) : e.id));
      const n = paper.readout.length;
      const rows = [];
      for (let i = 0; i < n; ++i) rows.push([i + 1, fmt(paper.sorted[i], 4), fmt(paper.readout[i], 4), fmt(code.readout[i], 4)]);
      s.appendChild(table(['i', 'sorted x', 'readout, paper settings', 'readout, released code settings'], rows));
      if (v) s.appendChild(el('p', {}, verdictBadge(v.verdict), ' ', v.reason));
      s.appendChild(regenerate([e.paper, e.code]));
    }
  }

  function heatmapRows(panels) {
    const rows = [];
    panels.forEach((p, order) => p.matrix.forEach((row, i) => row.forEach((v, j) => rows.push({ panel: p.name, order, i: i + 1, j: j + 1, value: num(v) }))));
    return rows;
  }
  // Panels of at most `size` px, as many side by side as the page's width holds.
  function heatmapSpec(rows, size) {
    const names = [...new Set(rows.map((r) => r.panel))];
    const panel = narrow() ? Math.min(size, Math.floor((available() - 70) / 2) - 16) : size;
    return {
      data: { values: rows },
      facet: { field: 'panel', type: 'nominal', sort: names, title: null, header: { labelFontSize: 12 } },
      columns: columnsFor(panel, 16, names.length),
      spec: {
        width: panel, height: panel,
        mark: 'rect',
        encoding: {
          x: { field: 'j', type: 'ordinal', title: 'j' },
          y: { field: 'i', type: 'ordinal', title: 'i' },
          color: { field: 'value', type: 'quantitative', scale: { scheme: 'viridis', domain: [0, 1] }, title: 'weight' },
          tooltip: [{ field: 'panel' }, { field: 'i' }, { field: 'j' }, { field: 'value', format: '.4f' }],
        },
      },
    };
  }

  {
    const s = section('patterns', 'Attention patterns across layers (Figures 1-2)', 'Head-1 patterns $A^{(k)}$ (eq. 10: data block, rows renormalised) of the constructed transformer with the same weights for each printed example, next to $P_\\lambda^*$ (Sinkhorn) and the exact plan $P^*$, both scaled by $n$ so rows sum to 1.');
    for (const e of sorting.examples) {
      const r = result(e.patterns);
      if (!r || !Array.isArray(r.patterns)) continue;
      const panels = r.patterns.map((p) => ({ name: `A^(${p.layer})`, matrix: p.head1 }));
      panels.push({ name: 'P_lambda*', matrix: r.p_lambda_star }, { name: 'P*', matrix: r.p_star });
      figure(s, `n = ${r.n}`, `${r.variant} variant, $\\lambda = ${fmt(r.lambda)}$, $\\gamma = ${fmt(r.gamma)}$, ${r.scalar}. $P_\\lambda^*$ ${r.p_lambda_star_converged ? `certified to ${fmt(r.p_lambda_star_reference.hilbert_bound)} nats in the Hilbert metric` : 'NOT converged (no certified reference)'}.`,
        heatmapSpec(heatmapRows(panels), r.n <= 4 ? 90 : 120), [e.patterns]);
    }
  }

  // ------------------------------------------------------------------ breakdown

  {
    const s = section('breakdown', 'Numerical breakdown as lambda shrinks', 'Each cell: bits of the scalar type lost in the $u$, $v$ columns against an mpfr reference (colour), per $\\lambda$ and $n$; triangles mark $\\lambda^*$, the largest $\\lambda$ at which the head-1 pattern is farther than the tolerance from $P_\\lambda^*$; diamonds mark $\\lambda^*_{numeric}$, each type\'s threshold searched downward to the bottom, where its result departs from exact arithmetic by more than the tolerance (docs/error-model.md E7).');
    const cells = data.breakdown_cells || [];
    const b = result(layout.breakdown);
    const search = result(layout.breakdown_search);
    const curves = (search && search.search && search.search.curves) || [];
    const searched = curves.filter((t) => positive(t.lambda_star_numeric) !== null);
    if (cells.length || searched.length) {
      const rows = cells.map((c) => ({ what: 'cell', lambda: c.lambda, n: c.n, scalar: c.scalar, softmax: c.softmax, bits_lost: num(c.bits_lost), bits: c.bits, distance: num(c.distance_to_optimal), readout_error: num(c.readout_error), kind: c.kind }));
      for (const t of (b && b.thresholds) || []) if (num(t.lambda_star) !== null) rows.push({ what: 'lambda*', lambda: num(t.lambda_star), n: t.n, scalar: t.scalar, softmax: t.softmax, cause: t.cause });
      for (const t of searched) rows.push({ what: 'searched', lambda: positive(t.lambda_star_numeric), n: t.n, scalar: t.scalar, softmax: t.softmax, cause: t.cause, status: t.status, passes_at: num(t.passes_at), layers: t.layers, held_out: t.holdout ? 'yes' : 'no' });
      const softmaxes = [...new Set(rows.map((r) => r.softmax))];
      const scalars = [...new Set(rows.map((r) => r.scalar))];
      const panel = Math.min(360, available() - 130);
      // Both softmax modes side by side when they fit, else one panel with the rows offset.
      const byColumn = softmaxes.length > 1 && columnsFor(panel, 24, 2) > 1;
      const modes = [...softmaxes].sort();
      const offsetNote = !byColumn && modes.length > 1 ? ` The softmax modes share each panel: per $n$, the upper row is ${modes[0]}, the lower ${modes[1]}.` : '';
      const depthsSearched = [...new Set(searched.map((t) => t.layers))].join(', ');
      const searchNote = searched.length ? ` Diamonds: the searched $\\lambda^*_{numeric}$ at ${depthsSearched} layers (${[...new Set(searched.map((t) => t.softmax))].join(', ')} softmax); a type without grid cells has its diamond only.` : ' No threshold search in this run.';
      figure(s, 'Breakdown map, down to every type\'s threshold', `Tolerance ${fmt(b && b.tolerance)} nats. Scalars: ${scalars.join(', ')}.${offsetNote}${searchNote} ` +
        'Wrong if the mpfr reference were not settled at a cell\'s $\\lambda$ (its precision ladder is recorded per cell) or if a threshold moved with the depth: each diamond holds for the depth it was searched at only.', {
        data: { values: rows },
        facet: {
          row: { field: 'scalar', type: 'nominal', sort: scalars, title: null },
          ...(byColumn ? { column: { field: 'softmax', type: 'nominal', title: 'softmax' } } : {}),
        },
        spec: {
          width: panel, height: { step: 26 },
          encoding: {
            x: { field: 'lambda', type: 'quantitative', scale: { type: 'log' }, title: 'lambda', axis: { format: '.0e' } },
            y: { field: 'n', type: 'ordinal', title: 'n' },
          },
          layer: [
            { transform: [{ filter: "datum.what === 'cell'" }], mark: { type: 'square', size: 110 },
              encoding: { color: { field: 'bits_lost', type: 'quantitative', scale: { scheme: 'orangered' }, title: 'bits of error' },
                ...(!byColumn && softmaxes.length > 1 ? { yOffset: { field: 'softmax', type: 'nominal', sort: modes } } : {}),
                tooltip: [{ field: 'scalar' }, { field: 'softmax' }, { field: 'n' }, { field: 'lambda', format: '.3e' }, { field: 'bits_lost', format: '.1f' }, { field: 'distance', format: '.3e', title: 'distance to P_lambda*' }, { field: 'readout_error', format: '.3e' }, { field: 'kind' }] } },
            { transform: [{ filter: "datum.what === 'lambda*'" }], mark: { type: 'point', shape: 'triangle-down', filled: true, color: '#1d2330', size: 90, yOffset: -9 },
              encoding: { tooltip: [{ field: 'scalar' }, { field: 'n' }, { field: 'lambda', format: '.3e', title: 'lambda*' }, { field: 'cause' }] } },
            { transform: [{ filter: "datum.what === 'searched'" }], mark: { type: 'point', shape: 'diamond', filled: true, color: '#0b57d0', size: 90, yOffset: 9 },
              encoding: { tooltip: [{ field: 'scalar' }, { field: 'softmax' }, { field: 'n' }, { field: 'lambda', format: '.3e', title: 'lambda*_numeric (searched)' }, { field: 'passes_at', format: '.3e', title: 'passes at' }, { field: 'cause' }, { field: 'status' }, { field: 'layers' }, { field: 'held_out', title: 'left out of the law' }] } },
          ],
        },
      }, [layout.breakdown, layout.breakdown_search]);
      const trows = ((b && b.thresholds) || []).map((t) => [t.scalar, t.softmax, t.n, t.lambda_star === null ? 'none' : fmt(t.lambda_star), t.cause || t.status || '', t.lambda_star_numeric === null ? 'none' : fmt(t.lambda_star_numeric)]);
      if (trows.length) s.appendChild(table(['scalar', 'softmax', 'n', 'lambda*', 'cause', 'numeric-only lambda*'], trows));
    } else missing(s, 'The breakdown step did not run.');

    // (b) The law E7: lambda*_numeric against the unit roundoff, with the fitted line.
    // Legend entries one under another, `shared` legends side by side on a phone (their
    // labels are long), and log axes that drop labels that would touch.
    const stackedLegend = (shared) => ({ columns: 1, labelLimit: Math.min(320, Math.floor((available() - 40) / (narrow() ? shared : 1)) - 30) });
    const sparseLogAxis = (field, title) => Object.assign(logAxis(field, title), { axis: { format: '.0e', labelOverlap: 'greedy', labelSeparation: 6 } });
    const laws = ((search && search.search && search.search.laws) || []).filter((l) => typeof l.slope === 'number');
    const lawName = (n, softmax) => `n = ${n}, ${softmax}`;
    if (laws.length) {
      const points = [];
      for (const t of searched) {
        const u = positive(t.unit_roundoff);
        if (u !== null) points.push({ law: lawName(t.n, t.softmax), role: t.holdout ? 'out of sample: measured' : 'in the fit', scalar: t.scalar, u, lambda: positive(t.lambda_star_numeric), c: num(t.c), status: t.status });
      }
      const lines = [];
      for (const l of laws) {
        const name = lawName(l.n, l.softmax);
        const us = points.filter((p) => p.law === name).map((p) => p.u);
        for (const h of l.holdout || []) {
          const at = searched.find((t) => t.scalar === h.scalar && t.n === l.n && t.softmax === l.softmax);
          const u = at ? positive(at.unit_roundoff) : null;
          if (u !== null && positive(h.predicted) !== null) points.push({ law: name, role: 'out of sample: predicted before measuring', scalar: h.scalar, u, lambda: positive(h.predicted), measured: num(h.measured) });
        }
        if (us.length) for (const u of [Math.min(...us), Math.max(...us)]) lines.push({ law: name, role: 'fitted line', u, lambda: 10 ** (l.intercept + l.slope * Math.log10(u)) });
      }
      const roles = ['in the fit', 'out of sample: predicted before measuring', 'out of sample: measured'];
      const fits = laws.map((l) => `${lawName(l.n, l.softmax)}: slope ${fmt(l.slope, 4)}${typeof l.slope_stderr === 'number' ? ` $\\pm$ ${fmt(l.slope_stderr, 2)}` : ''} over ${l.points} types, $c$ = ${fmt(l.c.geometric_mean)} [${fmt(l.c.min)}, ${fmt(l.c.max)}], E7 bounds slope [${fmt(l.e7_bounds.slope[0])}, ${fmt(l.e7_bounds.slope[1])}], $c$ [${fmt(l.e7_bounds.c[0])}, ${fmt(l.e7_bounds.c[1])}]: ${l.within_e7_bounds ? 'within' : 'OUTSIDE'}` +
        (l.holdout || []).map((h) => `; ${h.scalar} predicted ${fmt(h.predicted)} before measuring, measured ${fmt(h.measured)}`).join('')).join('. ');
      const heldOut = points.some((p) => p.role !== 'in the fit');
      figure(s, 'The law E7: threshold against unit roundoff', `Each type's searched $\\lambda^*_{numeric}$ against its unit roundoff $u$; the line: the least-squares fit of $\\log_{10} \\lambda^*$ on $\\log_{10} u$ (E7 predicts slope 1, $\\lambda_c = c\\, u S / tol$). ${fits}.${heldOut ? ' The out-of-sample type is left out of the fit: its hollow diamond was predicted from the line before it was measured, its cross is the measurement.' : ' No type was held out of the fit in this run (--holdout none), so the law is not checked out of sample here.'} ` +
        'Wrong if a type\'s search stopped at its floor rather than bracketing a threshold (status in the tooltip), or if the out-of-sample measurement fell off the line by more than the fit\'s residuals.', {
        data: { values: points.concat(lines) }, width: 'container', height: 280,
        encoding: {
          x: sparseLogAxis('u', 'unit roundoff u'),
          y: sparseLogAxis('lambda', 'lambda*_numeric'),
          color: { field: 'law', type: 'nominal', title: 'law', legend: laws.length > 1 ? stackedLegend(2) : null },
        },
        layer: [
          { transform: [{ filter: "datum.role === 'fitted line'" }], mark: { type: 'line', strokeWidth: 1.5 },
            encoding: { detail: { field: 'law' }, tooltip: [{ field: 'law' }, { field: 'role' }, { field: 'u', format: '.3e' }, { field: 'lambda', format: '.3e', title: 'fitted lambda*' }] } },
          // In the fit: filled; out of sample: hollow (one shape legend for both layers).
          ...[["datum.role === 'in the fit'", true], ["datum.role !== 'in the fit' && datum.role !== 'fitted line'", false]].map(([test, filled]) => ({
            transform: [{ filter: test }], mark: { type: 'point', size: 70, strokeWidth: 1.5, filled },
            encoding: {
              shape: { field: 'role', type: 'nominal', title: 'point', scale: { domain: roles, range: ['circle', 'diamond', 'cross'] }, legend: stackedLegend(laws.length > 1 ? 2 : 1) },
              tooltip: [{ field: 'law' }, { field: 'role' }, { field: 'scalar' }, { field: 'u', format: '.3e' }, { field: 'lambda', format: '.3e', title: 'lambda*_numeric' }, { field: 'c', format: '.3f' }, { field: 'status' }],
            } })),
        ],
      }, [layout.breakdown_search]);
    } else missing(s, 'No law of E7 here: the threshold search did not bracket two types.');

    // (c) Depth needed in exact arithmetic, beside Theorem 2's precondition.
    const depth = (search && Array.isArray(search.depth)) ? search.depth : [];
    if (depth.length) {
      const rows = [], zero = [], overestimates = [];
      const cap = Math.max(...depth.flatMap((d) => d.points.map((p) => p.cap)));
      for (const d of depth) {
        const name = `n = ${d.n}`;
        for (const p of d.points) {
          const inverse = 1 / p.lambda;
          if (p.layers_needed === null) rows.push({ n: name, role: 'beyond the cap', inverse, layers: p.cap, lambda: p.lambda });
          else if (p.layers_needed >= 1) rows.push({ n: name, role: 'measured', inverse, layers: p.layers_needed, lambda: p.lambda });
          else zero.push(`${fmt(p.lambda)} (${name})`);
          const log10Min = num(p.theorem2_log10_min_layers);
          if (log10Min === null) continue;
          // Drawn up to the largest double; the plot clips it at the cap (the axis's top).
          if (Number.isFinite(10 ** log10Min)) rows.push({ n: name, role: 'Theorem 2 precondition', inverse, layers: 10 ** log10Min, log10_layers: log10Min, r: num(p.theorem2_r), lambda: p.lambda });
          if (p.layers_needed >= 1) overestimates.push(log10Min - Math.log10(p.layers_needed));
        }
        if (d.fit) {
          const xs = d.points.filter((p) => p.layers_needed >= 1).map((p) => 1 / p.lambda);
          for (const inverse of [Math.min(...xs), Math.max(...xs)]) rows.push({ n: name, role: 'fitted law', inverse, layers: 10 ** (d.fit.intercept + d.fit.slope * Math.log10(inverse)) });
        }
      }
      const laws = depth.filter((d) => d.fit).map((d) => `n = ${d.n}: $\\log_{10} L = ${fmt(d.fit.intercept)} ${d.fit.slope < 0 ? '-' : '+'} ${fmt(Math.abs(d.fit.slope))}\\,\\log_{10}(1/\\lambda)$ over ${d.fit.points} points`).join('; ');
      const over = overestimates.length ? ` Where both are known the precondition exceeds the measured depth by ${fmt(Math.min(...overestimates), 2)} to ${fmt(Math.max(...overestimates), 2)} orders of magnitude.` : ' The precondition is not in this data (a depth result from before it was recorded).';
      const pointRoles = ['measured', 'beyond the cap'], lineRoles = ['fitted law', 'Theorem 2 precondition'];
      const among = (names) => names.map((r) => `datum.role === ${JSON.stringify(r)}`).join(' || ');
      figure(s, 'Depth needed in exact arithmetic against 1/lambda', `The smallest depth at which the exact-arithmetic head-1 pattern is within the tolerance of $P_\\lambda^*$ (E9), per $n$, up to a cap (${cap} layers at most; open squares: not within the tolerance by the cap). Dashed: Theorem 2's precondition $l \\ge 64 n^3 e^{3r/\\lambda} r$ for the same instance (r from $A^{(1)}$ against $P_\\lambda^*$, most favourable representatives, F4), clipped at the cap. ${laws}.${over}${zero.length ? ` Depth 0 (the prompt already within the tolerance) at lambda = ${zero.join(', ')}: not drawn on the log scale.` : ''} ` +
        'Wrong if $P_\\lambda^*$ were not certified at a point (optimal_converged in the data) or if the distance, after first entering the tolerance, left it again at a greater depth: the search stops at the first entry.', {
        data: { values: rows }, width: 'container', height: 280,
        encoding: {
          x: sparseLogAxis('inverse', '1 / lambda'),
          y: Object.assign(sparseLogAxis('layers', 'layers'), { scale: { type: 'log', domainMax: cap } }),
          color: { field: 'n', type: 'nominal', title: 'n', legend: depth.length > 1 ? stackedLegend(3) : null },
        },
        layer: [
          { transform: [{ filter: among(lineRoles) }], mark: { type: 'line', strokeWidth: 1.5, clip: true },
            encoding: { strokeDash: { field: 'role', type: 'nominal', title: 'line', scale: { domain: lineRoles, range: [[1, 0], [6, 4]] }, legend: stackedLegend(depth.length > 1 ? 3 : 2) }, detail: { field: 'n' },
              tooltip: [{ field: 'n' }, { field: 'role' }, { field: 'lambda', format: '.3e' }, { field: 'layers', format: '.3e' }, { field: 'r', format: '.3e' }] } },
          { transform: [{ filter: among(pointRoles) }], mark: { type: 'point', size: 60, strokeWidth: 1.5, filled: false, clip: true },
            encoding: { shape: { field: 'role', type: 'nominal', title: 'L_needed', scale: { domain: pointRoles, range: ['circle', 'square'] }, legend: stackedLegend(depth.length > 1 ? 3 : 2) },
              tooltip: [{ field: 'n' }, { field: 'role', title: 'L_needed' }, { field: 'lambda', format: '.3e' }, { field: 'layers', title: 'layers' }] } },
        ],
      }, [layout.breakdown_search]);
    } else missing(s, 'No depth needed here: this profile runs the threshold search with --no-depth (the full profile measures it).');
  }

  // ------------------------------------------------------------------ Hilbert metric

  {
    const s = section('hilbert', 'Hilbert-metric facts', 'RapidCheck properties of the Hilbert projective metric and the Birkhoff-Hopf theorem, each in double and mpfr:128 (property_tests/hilbert_properties.cpp).');
    const h = result(layout.hilbert);
    if (h && Array.isArray(h.cases) && h.cases.length) {
      s.appendChild(table(['property', 'result'], h.cases.map((c) => [c.name, verdictBadge(c.success ? 'holds' : 'fails')])));
      s.appendChild(regenerate([layout.hilbert]));
    } else missing(s, 'The property tests are not built here: ninja -C build property_tests, then rerun the report.');
  }

  // ------------------------------------------------------------------ training ablation

  {
    const s = section('ablation', 'Prompt engineering (training ablation, Figures 3-4)', 'A transformer of the same architecture trained on random sorting data with the engineered prompt (eq. 6) and with the plain prompt [x, y, 0], same budget and seeds. Every model is scored on held-out instances where sorted(x) differs from y, beside two predictors that do not sort: copy y, and the mean of x.');
    const a = data.ablation;
    if (a && typeof a === 'object') {
      if (a.data_note) s.appendChild(el('p', {}, 'Note: ' + String(a.data_note)));
      const curves = [], finals = [];
      for (const prompt of ['engineered', 'plain']) {
        const side = a[prompt];
        if (!side) continue;
        const seeds = side.seeds || [];
        (side.loss_curves || []).forEach((curve, k) => {
          for (const [iter, loss] of curve || []) if (positive(loss) !== null) curves.push({ prompt, seed: String(seeds[k] !== undefined ? seeds[k] : k), iter: num(iter), loss: positive(loss) });
        });
        const fl = Array.isArray(side.final_loss) ? side.final_loss : [side.final_loss];
        fl.forEach((loss, k) => finals.push([prompt, String(seeds[k] !== undefined ? seeds[k] : k), fmt(loss, 4)]));
      }
      const cmd = a.command ? [String(a.command)] : [];
      if (curves.length) {
        const ci = Array.isArray(a.ratio_ci95) ? ` (bootstrap 95% over seeds ${fmt(a.ratio_ci95[0])} to ${fmt(a.ratio_ci95[1])})` : '';
        figure(s, 'Training loss', `Ratio of final training losses (plain / engineered): ${fmt(a.ratio)}${ci}.`, {
          data: { values: curves }, width: 'container', height: 260,
          mark: { type: 'line', opacity: 0.8 },
          encoding: {
            x: { field: 'iter', type: 'quantitative', title: 'iteration' },
            y: logAxis('loss', 'training loss'),
            color: { field: 'prompt', type: 'nominal' },
            detail: { field: 'seed', type: 'nominal' },
            tooltip: [{ field: 'prompt' }, { field: 'seed' }, { field: 'iter' }, { field: 'loss', format: '.4e' }],
          },
        }, [], cmd);
      }
      if (finals.length) s.appendChild(table(['prompt', 'seed', 'final loss'], finals));
      if (a.constructed) {
        s.appendChild(el('p', {}, `Constructed weights of eq. (8) on the same data: loss ${fmt(a.constructed.loss, 4)}; distance between trained and constructed Q (after the natural symmetries): ${fmt(a.constructed.q_distance, 4)}.`));
        const ho = a.constructed.held_out;
        if (ho && typeof ho === 'object')
          s.appendChild(table(['constructed weights, held-out n', 'mse vs sorted x', 'copy-y baseline', 'mean-of-x baseline', 'verdict'],
            Object.entries(ho).map(([n, h]) => [n, fmt(h && h.mse_sorted, 3), fmt(h && h.copy_y_baseline, 3), fmt(h && h.mean_baseline, 3), String((h && h.verdict) || '?')])));
      }
      for (const [n, f] of Object.entries(a.figure3 || {})) {
        if (!f || !Array.isArray(f.patterns)) continue;
        const panels = f.patterns.map((m, k) => ({ name: `A^(${(f.layers || [])[k]})`, matrix: m }));
        if (f.p_star) panels.push({ name: 'P*', matrix: f.p_star });
        figure(s, `Trained patterns, n = ${n}: each layer's own heads`, 'Head-1 attention pattern A^(l) computed in layer l of the trained model (engineered prompt; rows: x_i), next to the exact plan P* (row i: the target of x_i).', heatmapSpec(heatmapRows(panels), 100), [], cmd);
        if (Array.isArray(f.readout_patterns) && f.p_star_t) {
          const rp = f.readout_patterns.map((m, k) => ({ name: `Q_read on Z^(${(f.readout_states || [])[k]})`, matrix: m }));
          rp.push({ name: 'P* transposed', matrix: f.p_star_t });
          const d = (f.readout_distance_to_p_star_t || []).map((x, k) => `Z^(${(f.readout_states || [])[k]}): ${fmt(x, 3)}`).join(', ');
          figure(s, `Trained patterns, n = ${n}: as the released notebook plots them`, `The readout's Q (last layer, head-1 slot) applied to each state Z^(l), sink masked; row i belongs to the target y_i and should select the token with the i-th smallest x (P* transposed). Mean row total-variation distance to it: ${d}.`, heatmapSpec(heatmapRows(rp), 100), [], cmd);
        }
      }
      const f4 = a.figure4;
      if (f4 && f4.engineered && f4.plain && f4.p_star) {
        const panels = [{ name: 'plain prompt', matrix: f4.plain.head1 }, { name: 'engineered', matrix: f4.engineered.head1 }, { name: 'P*', matrix: f4.p_star }];
        figure(s, `Figure 4: last-layer patterns, n = ${f4.n}`, 'Head-1 attention pattern of the last layer after training without (left) and with (middle) prompt engineering, next to the optimal transport map P* of the same input (the paper\'s Figure 4).',
          heatmapSpec(heatmapRows(panels), 120), [], cmd);
      }
      const gen = a.generalisation;
      if (gen && typeof gen === 'object') {
        const grows = [];
        for (const [prompt, byN] of Object.entries(gen)) for (const [n, g] of Object.entries(byN || {})) grows.push([prompt, n, fmt(g && g.mse_mean, 4), (g && Array.isArray(g.mse) ? g.mse : []).map((x) => fmt(x, 3)).join(', '), fmt(g && g.mse_to_y_mean, 3), fmt(g && g.copy_y_baseline, 3), fmt(g && g.mean_baseline, 3), (g && Array.isArray(g.verdicts) ? g.verdicts : []).map(String).join(', ')]);
        if (grows.length) {
          s.appendChild(el('h3', {}, 'Held-out check and generalisation to other n (100 held-out instances per n, sorted(x) != y)'));
          s.appendChild(table(['prompt', 'n', 'mse vs sorted x (mean)', 'per seed', 'mse vs y', 'copy-y baseline', 'mean-of-x baseline', 'verdict per seed'], grows));
        }
        const hr = a.held_out_ratio;
        if (hr && typeof hr === 'object')
          s.appendChild(table(['n', 'held-out mse ratio plain / engineered', 'bootstrap 95% over seeds', 'better prompt'],
            Object.entries(hr).map(([n, r]) => [n, fmt(r && r.ratio, 3), Array.isArray(r && r.ci95) ? `${fmt(r.ci95[0], 3)} to ${fmt(r.ci95[1], 3)}` : '?', r && r.plain_wins ? 'plain' : 'engineered'])));
      }
      if (a.settings) s.appendChild(el('p', { class: 'muted' }, 'Settings: ' + JSON.stringify(a.settings)));
    } else missing(s, 'Cannot be checked here: no training ablation (reports/models/ablation.json). Produce it with otverify ablation --out reports/models/ablation.json and rerun the report.');
  }

  // ------------------------------------------------------------------ provenance

  {
    const s = section('provenance', 'Provenance', 'What produced this report. Every figure and table above names the command that regenerates it; the full audit log follows.');
    const libs = Object.entries(prov.libraries || {}).map(([k, v]) => `${k} ${v}`).join(', ');
    const front = Object.entries(prov.frontend || {}).map(([k, v]) => `${k} ${v}`).join(', ');
    const kv = [
      ['otverify', `${prov.version} (${prov.build_type} build)`], ['commit', `${prov.commit}${prov.commit_dirty ? ' (with uncommitted changes)' : ''}`],
      ['compiler', prov.compiler], ['libraries', libs], ['figures', front], ['command line', prov.command_line], ['profile', prov.profile],
      ['seeds', prov.seeds], ['date (UTC)', prov.date], ['duration', `${fmt(prov.duration_seconds, 3)} s with ${prov.jobs} jobs`],
      ['training ablation', prov.ablation || 'none'], ['data', prov.data],
    ];
    const t = table(['', ''], kv);
    t.className = 'kv';
    s.appendChild(t);
    s.appendChild(el('h3', {}, 'Audit log'));
    s.appendChild(table(['step', 'command', 'seconds', 'exit code'], Object.entries(steps).filter(([, v]) => v && typeof v === 'object').map(([id, v]) => [id, el('code', {}, String(v.command)), fmt(v.seconds, 3), String(v.exit_code)])));
  }

  // ------------------------------------------------------------------ done

  // The browser check waits for this attribute: "ok" when every figure rendered.
  Promise.allSettled(embeds).then((outcomes) => {
    const failed = outcomes.filter((o) => o.status === 'rejected');
    for (const f of failed) console.error(String(f.reason));
    done(failed.length ? 'error' : 'ok', embeds.length);
  });
})();
