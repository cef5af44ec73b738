// The dashboard's pages. Every value from the store is put into the page as text (textContent),
// never as markup. What each page drew is kept in window.bopsweep for tests and for the console.
'use strict';
window.bopsweep = { polls: 0 };

const params = new URLSearchParams(location.search);
const pollMillis = Number(params.get('poll') || 2000);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'className') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  }
  return e;
}

function cellText(v) {
  if (v == null) return '';
  if (typeof v === 'number' && !Number.isInteger(v)) return String(Number(v.toPrecision(6)));
  return String(v);
}

function showError(message) {
  const p = document.getElementById('error');
  p.textContent = message || '';
  p.hidden = !message;
}

async function getJson(url, options) {
  const response = await fetch(url, options);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function table(columns, rows, options = {}) {
  const head = el('tr', {}, ...columns.map(c => {
    const th = el('th', { 'data-column': c }, c);
    if (options.onSort) th.addEventListener('click', () => options.onSort(c));
    return th;
  }));
  if (options.select) head.prepend(el('th', {}, ''));
  const body = rows.map(r => {
    const values = Array.isArray(r) ? r : columns.map(c => r[c]);
    const tr = el('tr', {}, ...values.map((v, i) => el('td', {
      className: (typeof v === 'number' ? '' : 'text') + (columns[i] === 'status' ? ' status-' + v : ''),
    }, cellText(v))));
    if (options.select) {
      const id = values[columns.indexOf('trial_id')];
      tr.setAttribute('data-trial-id', id);
      tr.prepend(el('td', {}, el('input', { type: 'checkbox', className: 'pick', value: id })));
    }
    return tr;
  });
  return el('div', { className: 'scroll' }, el('table', {}, el('thead', {}, head), el('tbody', {}, ...body)));
}

// Runs fn now and again every pollMillis (?poll=0: once); while the store is still being indexed
// (fn returns true) at least every second, so that pages fill in as the index grows.
function poll(fn) {
  const run = async () => {
    let again = pollMillis;
    try {
      if (await fn()) again = Math.min(again || 1000, 1000);
      window.bopsweep.polls++;
      showError('');
    } catch (e) {
      showError(e.message);
    }
    if (again > 0) setTimeout(run, again);
  };
  run();
}

// The banner of a partial index: how many trials files are read, and those that could not be.
function showIndexing(indexing, unreadable) {
  const p = document.getElementById('indexing');
  const parts = [];
  if (indexing && indexing.total < 0) parts.push('Indexing the store: listing its trials files; what is shown is from those read so far.');
  else if (indexing) parts.push(`Indexing the store: ${indexing.read} of ${indexing.total} trials files read; what is shown is from those read so far.`);
  if (unreadable && unreadable.length) parts.push(`${unreadable.length} trials files could not be read (tried again on the next request): ${unreadable.join('; ')}`);
  p.textContent = parts.join(' ');
  p.hidden = !parts.length;
  window.bopsweep.indexing = indexing || null;
  return !!indexing;
}

function duration(seconds) {
  if (seconds == null) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor(s % 3600 / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

// One manifest: its time, code version, spec hash, how many trials and in which status, its spec.
function manifestBlock(m) {
  if (m.problem) return el('div', { className: 'manifest', 'data-name': m.name }, el('h3', {}, m.name), el('p', { className: 'error' }, m.problem));
  const counts = Object.entries(m.statusCounts).map(([k, v]) => `${k}: ${v}`).join(', ');
  const facts = [['written', m.writtenAt], ['code version', m.codeVersion], ['spec SHA-256', m.specSha256],
    ['trials', m.trials], ['status of its trials', counts + (m.countsComplete ? '' : ' (still indexing)')]];
  return el('div', { className: 'manifest', 'data-name': m.name }, el('h3', {}, m.name),
    el('dl', {}, ...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-key': k }, v)])),
    el('pre', {}, m.specText));
}

// Sweeps: counts by status, running trials and their ETA, manifests.
async function sweepsPage(main) {
  let drawn = '';
  poll(async () => {
    const o = await getJson('/api/sweeps');
    const indexing = showIndexing(o.indexing, o.unreadable);
    const key = JSON.stringify(o);
    if (key === drawn) return indexing;
    drawn = key;
    window.bopsweep.sweeps = o;
    document.getElementById('store').textContent = o.store;
    const statuses = [...new Set(o.sweeps.flatMap(s => Object.keys(s.counts)))].sort();
    const rows = o.sweeps.map(s => [s.sweep, s.trials, ...statuses.map(k => s.counts[k] || 0), s.epochsDone]);
    const parts = [el('h2', {}, 'Sweeps'), table(['sweep', 'trials', ...statuses, 'epochs'], rows)];
    parts.push(el('h2', {}, `Running trials: ${o.running.length}`));
    if (o.running.length) {
      parts.push(el('p', { id: 'eta' }, `The running trials end in about ${duration(o.etaSeconds)} (ETA at their last epoch's pace).`));
      parts.push(table(['trial_id', 'epoch', 'epochs', 'test_acc', 'seconds left', 'updated'],
        o.running.map(r => [r.trialId, r.epoch, r.epochs, r.testAcc, r.epochSeconds == null ? null : Math.round(r.epochSeconds * (r.epochs - r.epoch)), r.time])));
    }
    if (o.manifests.length) {
      parts.push(el('h2', {}, 'Manifests'));
      for (const m of o.manifests) parts.push(manifestBlock(m));
    }
    main.replaceChildren(...parts);
    return indexing;
  });
}

// Trials: every setting and final metric, sorted and filtered on the server, one page at a time.
async function trialsPage(main) {
  const state = { sort: params.get('sort') || 'trial_id', desc: params.get('desc') === 'true', offset: 0, limit: 100,
    filter: params.get('filter') || '' };
  const filter = el('input', { type: 'text', id: 'filter', placeholder: 'filter: status=DONE gamma>0.0001 text', value: state.filter });
  const info = el('span', { id: 'count' });
  const prev = el('button', { id: 'prev' }, '<');
  const next = el('button', { id: 'next' }, '>');
  const curves = el('button', { id: 'show-curves' }, 'Curves of selected');
  const groups = el('button', { id: 'show-groups' }, 'Mean and std of selected');
  const holder = el('div', { id: 'table' });
  main.replaceChildren(el('div', { className: 'controls' }, filter, prev, next, info, curves, groups), holder);
  const picked = () => [...holder.querySelectorAll('input.pick:checked')].map(i => i.value);
  curves.addEventListener('click', () => { location.href = '/curves?ids=' + encodeURIComponent(picked().join(',')); });
  groups.addEventListener('click', () => { location.href = '/curves?groups=1&ids=' + encodeURIComponent(picked().join(',')); });
  async function load() {
    const q = new URLSearchParams({ filter: state.filter, sort: state.sort, desc: state.desc, offset: state.offset, limit: state.limit });
    const t = await getJson('/api/trials?' + q);
    window.bopsweep.trials = t;
    // a partial index: the same page again in a second, until every trials file is read
    clearTimeout(state.again);
    if (showIndexing(t.indexing, t.unreadable)) state.again = setTimeout(run, 1000);
    info.textContent = `${t.total} trials, ${t.total ? t.offset + 1 : 0}-${t.offset + t.rows.length} shown, sorted by ${state.sort}${state.desc ? ' (descending)' : ''}`;
    holder.replaceChildren(table(t.columns, t.rows, { select: true, onSort: c => {
      state.desc = state.sort === c ? !state.desc : false;
      state.sort = c;
      run();
    } }));
  }
  const run = () => load().then(() => showError('')).catch(e => showError(e.message));
  filter.addEventListener('change', () => { state.filter = filter.value; state.offset = 0; run(); });
  prev.addEventListener('click', () => { state.offset = Math.max(0, state.offset - state.limit); run(); });
  next.addEventListener('click', () => { state.offset += state.limit; run(); });
  await run();
}

const METRICS = [['test_acc', 'test accuracy'], ['test_loss', 'test loss'], ['pi_last', 'ln flip ratio, last layer']];
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

// The x values of all series and each series' values on them (null where it has none).
function aligned(seriesList) {
  const xs = [...new Set(seriesList.flatMap(s => s.x))].sort((a, b) => a - b);
  return [xs, ...seriesList.map(s => {
    const at = new Map(s.x.map((x, i) => [x, s.y[i]]));
    return xs.map(x => at.has(x) ? at.get(x) : null);
  })];
}

function chart(holder, id, title, lines, bands) {
  const data = aligned(lines);
  const points = data.slice(1).reduce((n, ys) => n + ys.filter(v => v != null).length, 0);
  const box = el('div', { id: id, 'data-points': points });
  holder.append(box);
  const series = [{ label: 'epoch' }, ...lines.map(l => ({ label: l.label, stroke: l.color, width: l.band ? 0 : 1.5,
    points: { show: !l.band }, spanGaps: true }))];
  new uPlot({ title, width: 460, height: 300, series, bands: bands || [], scales: { x: { time: false } },
    legend: { show: lines.length <= 36, live: false } }, data, box);
  return points;
}

// Curves: the trials in ?ids= (one line each), or with ?groups=1 (or ?sweep=) their groups'
// mean and std over seeds; redrawn when a poll brings new epochs.
async function curvesPage(main) {
  const ids = (params.get('ids') || '').split(',').filter(s => s);
  const sweep = params.get('sweep');
  const grouped = params.get('groups') === '1' || (sweep && !ids.length);
  if (!ids.length && !sweep) {
    main.replaceChildren(el('p', {}, 'Pick trials on the Trials page, or open /curves?sweep=NAME for the groups of a sweep.'));
    return;
  }
  let drawn = '';
  poll(async () => {
    const q = new URLSearchParams({ ids: ids.join(',') });
    if (sweep) q.set('sweep', sweep);
    const body = await getJson((grouped ? '/api/groups?' : '/api/curves?') + q);
    const key = JSON.stringify(body);
    if (key === drawn) return;
    drawn = key;
    window.bopsweep.curves = body;
    const holder = el('div', { className: 'charts' });
    main.replaceChildren(el('h2', {}, grouped ? 'Mean and std over seeds' : 'Learning curves'), holder);
    window.bopsweep.drawn = {};
    for (const [metric, title] of METRICS) {
      const lines = [];
      const bands = [];
      if (grouped) {
        body.groups.forEach((g, i) => {
          const b = g.bands[metric];
          const color = COLORS[i % COLORS.length];
          const base = lines.length + 1;
          lines.push({ label: `${g.label} (${Math.max(0, ...b.n)} seeds)`, color, x: b.epoch, y: b.mean });
          lines.push({ label: '+std', color: color + '00', band: true, x: b.epoch, y: b.mean.map((m, j) => b.std[j] == null ? m : m + b.std[j]) });
          lines.push({ label: '-std', color: color + '00', band: true, x: b.epoch, y: b.mean.map((m, j) => b.std[j] == null ? m : m - b.std[j]) });
          bands.push({ series: [base + 1, base + 2], fill: color + '33' });
        });
      } else {
        body.curves.forEach((c, i) => lines.push({ label: c.running ? c.label + ' (running)' : c.label, color: COLORS[i % COLORS.length],
          x: c.series.epoch, y: c.series[{ test_acc: 'testAcc', test_loss: 'testLoss', pi_last: 'piLast' }[metric]] }));
      }
      window.bopsweep.drawn[metric] = chart(holder, 'chart-' + metric, title, lines, bands);
    }
  });
}

// Report: analysis's tables and images of one sweep.
async function reportPage(main) {
  const o = await getJson('/api/sweeps');
  const select = el('select', { id: 'sweep' }, ...o.sweeps.map(s => el('option', { value: s.sweep }, s.sweep)));
  const holder = el('div', { id: 'report' }, el('p', {}, o.sweeps.length ? 'Reading the report (Spark starts on first use)...' : 'No committed sweeps yet.'));
  main.replaceChildren(el('div', { className: 'controls' }, el('label', {}, 'Sweep '), select), holder);
  if (params.get('sweep')) select.value = params.get('sweep');
  async function load() {
    const r = await getJson('/api/report?sweep=' + encodeURIComponent(select.value));
    window.bopsweep.report = r;
    const parts = [];
    for (const t of r.tables) parts.push(el('h2', {}, t.name), table(t.columns, t.rows));
    for (const src of r.images) parts.push(el('img', { className: 'report', src, alt: src }));
    holder.replaceChildren(...parts);
  }
  select.addEventListener('change', () => load().catch(e => showError(e.message)));
  if (o.sweeps.length) await load().catch(e => showError(e.message));
}

// Query: one SELECT over the views, with a row limit.
async function queryPage(main) {
  const text = el('textarea', { id: 'sql' });
  text.value = params.get('sql') || 'SELECT sweep, status, count(*) AS trials, avg(final_test_acc) AS acc FROM trials GROUP BY 1, 2 ORDER BY 1, 2';
  const limit = el('input', { type: 'number', id: 'limit', value: '100', min: '1', max: '10000' });
  const run = el('button', { id: 'run' }, 'Run');
  const holder = el('div', { id: 'result' });
  main.replaceChildren(el('p', {}, 'One SELECT over the views trials, epochs, epochs_live (committed epochs and those running trials finished so far), trials_raw, epochs_raw (Spark SQL).'), text,
    el('div', { className: 'controls' }, el('label', {}, 'Row limit '), limit, run), holder);
  run.addEventListener('click', async () => {
    holder.replaceChildren(el('p', {}, 'Running...'));
    window.bopsweep.query = null;
    try {
      const body = new URLSearchParams({ sql: text.value, limit: limit.value });
      const a = await getJson('/api/query', { method: 'POST', body });
      window.bopsweep.query = a;
      showError('');
      holder.replaceChildren(el('p', { id: 'rows' }, `${a.rows.length} rows${a.truncated ? ' (limit reached)' : ''}`), table(a.columns, a.rows));
    } catch (e) {
      window.bopsweep.query = { error: e.message };
      holder.replaceChildren();
      showError(e.message);
    }
  });
}

document.addEventListener('DOMContentLoaded', () => {
  const page = document.body.dataset.page;
  const nav = document.getElementById('nav-' + page);
  if (nav) nav.className = 'current';
  const main = document.getElementById('main');
  const pages = { sweeps: sweepsPage, trials: trialsPage, curves: curvesPage, report: reportPage, query: queryPage };
  Promise.resolve(pages[page](main)).then(() => { window.bopsweep.ready = true; }).catch(e => showError(e.message));
});
