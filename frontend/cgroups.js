// The cgroup pages: the top table follows the 'cgroups' topic (changed rows only, re-sorted like
// cgtop), a cgroup's page draws its history with uPlot and appends each new tick.
import { onMessage, subscribe } from './live.js';

const SUFFIXES = 'KMGTPE';

export function bytes(b) {
  if (b === null || b === undefined) return '—';
  if (b < 1024) return `${Math.round(b)}B`;
  let v = b;
  let i = -1;
  while (v >= 1024 && i < SUFFIXES.length - 1) { v /= 1024; i += 1; }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)}${SUFFIXES[i]}`;
}

const dash = (v, f = (x) => x) => (v === null || v === undefined ? '—' : f(v));
const pct = (v) => `${v.toFixed(1)} %`;

const SORT_KEYS = {
  cpu: (r) => r.cpu ?? -1,
  memory: (r) => r.memory ?? -1,
  io: (r) => (r.ioRead ?? 0) + (r.ioWrite ?? 0),
  tasks: (r) => r.tasks ?? -1,
};

const rowsByPath = new Map();

function setCell(tr, cls, text) {
  const td = tr.querySelector(`td.${cls}`);
  if (td && td.textContent !== text) td.textContent = text;
}

function updateTable(message) {
  const table = document.getElementById('cgroups');
  if (!table) return;
  const body = table.tBodies[0];
  const rows = new Map();
  for (const tr of body.rows) rows.set(tr.dataset.path, tr);
  for (const r of message.rows) {
    rowsByPath.set(r.path, r);
    const tr = rows.get(r.path);
    if (!tr) continue;
    setCell(tr, 'tasks', dash(r.tasks, String));
    setCell(tr, 'cpu', dash(r.cpu, (v) => v.toFixed(1)));
    setCell(tr, 'memory', dash(r.memory, bytes));
    setCell(tr, 'limit', dash(r.memoryMax, bytes));
    setCell(tr, 'ioread', dash(r.ioRead, bytes));
    setCell(tr, 'iowrite', dash(r.ioWrite, bytes));
    setCell(tr, 'throttled', dash(r.throttled, pct));
    setCell(tr, 'oom', dash(r.oomKills, String));
    setCell(tr, 'pressure', dash(r.pressure, pct));
  }
  for (const gone of message.gone) {
    rowsByPath.delete(gone);
    rows.get(gone)?.remove();
  }
  const key = SORT_KEYS[table.dataset.sort];
  if (key) {
    const sorted = [...body.rows].sort((a, b) => {
      const ra = rowsByPath.get(a.dataset.path);
      const rb = rowsByPath.get(b.dataset.path);
      const d = (rb ? key(rb) : -1) - (ra ? key(ra) : -1);
      return d !== 0 ? d : a.dataset.path.localeCompare(b.dataset.path);
    });
    sorted.forEach((tr, i) => { if (body.rows[i] !== tr) body.insertBefore(tr, body.rows[i] ?? null); });
  }
}

// ---- charts

const charts = [];
let chartData = null;
let span = '15m';
const MAX_POINTS = 900;

function chartSeries(el) {
  return el.dataset.series.split(',').map(Number);
}

// times as everywhere else in Hostdeck: ISO date, 24 h clock, in the host's zone (not the browser's)
export function timeFormats(zone) {
  const options = { timeZone: zone || undefined, hourCycle: 'h23' };
  const full = new Intl.DateTimeFormat('sv-SE', { ...options, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const minutes = new Intl.DateTimeFormat('sv-SE', { ...options, hour: '2-digit', minute: '2-digit' });
  const seconds = new Intl.DateTimeFormat('sv-SE', { ...options, hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return {
    full: (ts) => full.format(new Date(ts * 1000)),
    tick: (ts, incr) => (incr < 60 ? seconds : minutes).format(new Date(ts * 1000)),
  };
}

function draw(container, data) {
  const times = timeFormats(container.dataset.zone);
  charts.splice(0).forEach((c) => c.plot.destroy());
  const limit = container.dataset.limit ? Number(container.dataset.limit) : null;
  for (const el of container.querySelectorAll('.chart')) {
    const cols = chartSeries(el);
    const isBytes = el.dataset.unit === 'bytes';
    const series = [{ value: (u, ts) => (ts == null ? '—' : times.full(ts)) }, ...cols.map((c, i) => ({
      label: cols.length > 1 ? (i === 0 ? 'read' : 'write') : el.id.replace('chart-', ''),
      stroke: i === 0 ? '#2457c5' : '#c55a24',
      width: 1.5,
      value: (u, v) => (v == null ? '—' : isBytes ? bytes(v) : v.toFixed(1)),
    }))];
    const plotData = [data[0], ...cols.map((c) => data[c])];
    if (el.id === 'chart-memory' && limit) {
      series.push({ label: 'limit', stroke: '#b3261e', dash: [6, 4], width: 1, value: (u, v) => bytes(v) });
      plotData.push(data[0].map(() => limit));
    }
    const plot = new window.uPlot({
      width: Math.max(240, el.clientWidth),
      height: 180,
      series,
      axes: [{ values: (u, splits, axis, space, incr) => splits.map((ts) => times.tick(ts, incr)) }, { values: (u, vals) => vals.map((v) => (isBytes ? bytes(v) : v)) , size: 60 }],
      scales: { x: { time: true } },
    }, plotData, el);
    charts.push({ el, plot, cols, withLimit: el.id === 'chart-memory' && limit, limit });
  }
}

async function loadHistory(container, attempt = 0) {
  const path = container.dataset.path;
  const url = `/cgroups${path === '/' ? '/' : path}?range=${span}`;
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  // a cgroup made a moment ago (a container just launched) has no sample until the sampler's next
  // pass finds it: ask again each second for a while instead of leaving the charts empty
  if (response.status === 404 && attempt < 30 && container.isConnected) {
    setTimeout(() => loadHistory(container, attempt + 1), 1000);
    return;
  }
  if (!response.ok) return;
  const body = await response.json();
  chartData = body.series;
  draw(container, chartData);
  document.querySelectorAll('.span-link').forEach((a) => a.classList.toggle('active', a.dataset.span === span));
}

// a unit's page shows its cgroup's numbers from the same ticks
function updateUsage(message) {
  const usage = document.getElementById('usage');
  if (!usage || usage.dataset.cgroup !== message.path) return;
  const n = message.now;
  const set = (id, text) => { const el = document.getElementById(id); if (el) el.textContent = text; };
  set('usage-cpu', dash(n.cpu, pct));
  set('usage-memory', n.memory == null ? '—' : bytes(n.memory) + (n.memoryMax == null ? '' : ` of ${bytes(n.memoryMax)}`));
  set('usage-tasks', dash(n.tasks, String));
}

function appendPoint(message) {
  updateUsage(message);
  const container = document.getElementById('charts');
  if (!container || container.dataset.path !== message.path || !chartData || span !== '15m') return;
  const n = message.now;
  const values = [message.time, n.cpu, n.memory, n.ioRead, n.ioWrite, n.tasks, n.pressure];
  values.forEach((v, i) => { chartData[i].push(v); if (chartData[i].length > MAX_POINTS) chartData[i].shift(); });
  for (const c of charts) {
    const d = [chartData[0], ...c.cols.map((col) => chartData[col])];
    if (c.withLimit) d.push(chartData[0].map(() => c.limit));
    c.plot.setData(d);
  }
  const set = (id, text) => { const el = document.getElementById(id); if (el) el.textContent = text; };
  set('now-cpu', dash(n.cpu, pct));
  set('now-tasks', dash(n.tasks, String));
}

onMessage((message) => {
  if (message.type === 'cgroups') updateTable(message);
  if (message.type === 'cgroup') appendPoint(message);
});

const prepared = new WeakSet();

export function followCgroups(root) {
  if (root.querySelector('#cgroups')) subscribe('cgroups');
  const usage = root.querySelector('#usage[data-cgroup]');
  if (usage) subscribe('cgroup', usage.dataset.cgroup);
  const container = root.querySelector('#charts');
  if (container && window.uPlot && !prepared.has(container)) {
    prepared.add(container);
    span = '15m';
    loadHistory(container);
    subscribe('cgroup', container.dataset.path);
    root.querySelectorAll('.span-link').forEach((a) => a.addEventListener('click', (event) => {
      event.preventDefault();
      span = a.dataset.span;
      loadHistory(container);
    }));
  }
}
