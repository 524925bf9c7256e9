// The home page's host overview: its figures follow the 'host' topic (one message a tick), and its
// charts draw the host's history (15 min or 24 h, /host/history) with uPlot, adding each tick.
import { onMessage, subscribe } from './live.js';
import { bytes, timeFormats } from './cgroups.js';

const COLORS = ['#2457c5', '#c55a24', '#1f7a3a', '#8a2be2', '#a15c00', '#0f7c8c', '#b3261e', '#5b6475'];
const MAX_POINTS = 900;
// the host series' columns, after the times: as HostSampler.HOST_COLUMNS
const HOST = { cpu: 1, memoryUsed: 2, swapUsed: 3, load1: 4, load5: 5, load15: 6, diskRead: 7, diskWrite: 8 };

let span = '15m';
let charts = [];
let container = null;

const dash = (v, f) => (v === null || v === undefined ? '—' : f(v));
const pct = (v) => `${v.toFixed(1)} %`;
const rate = (v) => `${bytes(v)}/s`;

function set(id, text) {
  const el = document.getElementById(id);
  if (el && el.textContent !== text) el.textContent = text;
}

function cell(row, cls, text) {
  const td = row?.querySelector(`td.${cls}`);
  if (td && td.textContent !== text) td.textContent = text;
}

// as uptime(1) and the server write it: "3 days, 04:05" or "04:05"
function uptime(seconds) {
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  const clock = `${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
  return days === 0 ? clock : `${days} ${days === 1 ? 'day' : 'days'}, ${clock}`;
}

function showFigures(n) {
  if (n.cpu === undefined) return; // before the first tick
  set('now-cpu', dash(n.cpu, pct));
  set('load', n.load.map((l) => l.toFixed(2)).join(' '));
  set('uptime', uptime(n.uptime));
  set('memory', `${bytes(n.memoryUsed)} used of ${bytes(n.memoryTotal)}, ${bytes(n.memoryAvailable)} available`);
  set('swap', n.swapTotal === 0 ? 'none' : `${bytes(n.swapUsed)} used of ${bytes(n.swapTotal)}`);
  set('disk-io', n.diskRead == null ? '—' : `${rate(n.diskRead)} read, ${rate(n.diskWrite)} written`);
  for (const c of n.cores) {
    const row = document.querySelector(`#cores tr[data-core="${c.cpu}"]`);
    cell(row, 'busy', dash(c.busy, pct));
    const meter = row?.querySelector('meter');
    if (meter) meter.value = c.busy ?? 0;
  }
  for (const i of n.interfaces) {
    const row = document.querySelector(`#interfaces tr[data-iface="${CSS.escape(i.name)}"]`);
    cell(row, 'rx', dash(i.rx, rate));
    cell(row, 'tx', dash(i.tx, rate));
    cell(row, 'rx-total', bytes(i.rxTotal));
    cell(row, 'tx-total', bytes(i.txTotal));
  }
  for (const f of n.fileSystems) {
    const row = document.querySelector(`#file-systems tr[data-mount="${CSS.escape(f.mountPoint)}"]`);
    cell(row, 'size', bytes(f.size));
    cell(row, 'used', bytes(f.used));
    cell(row, 'free', bytes(f.available));
    cell(row, 'percent', `${f.percent} %`);
    row?.classList.toggle('failed', f.percent >= 90);
  }
}

// ---- charts: each is one uPlot over columns of its own (times first), kept as the page adds ticks

function line(label, i, width = 1.5, format = (v) => v.toFixed(1)) {
  return { label, stroke: COLORS[i % COLORS.length], width, value: (u, v) => (v == null ? '—' : format(v)) };
}

/** The chart definitions from a history reply: for each, its series and its data columns. */
function definitions(history) {
  const s = history.series;
  const host = s.host ?? Array.from({ length: 9 }, () => []);
  const cores = s.cores ?? [[]];
  const defs = [];
  const coreCount = cores.length - 1;
  // CPU: the total, then each core thinly (joined on time: the cores' series may be younger)
  const cpu = window.uPlot.join([[host[0], host[HOST.cpu]], cores]);
  defs.push({ id: 'host-chart-cpu', data: cpu, series: [line('all', 0, 2),
    ...Array.from({ length: coreCount }, (x, i) => line(`CPU ${i}`, i + 1, 0.75))],
  pick: (n) => [n.cpu, ...n.cores.map((c) => c.busy)] });
  defs.push({ id: 'host-chart-memory', bytes: true, data: [host[0], host[HOST.memoryUsed], host[HOST.swapUsed]],
    series: [line('memory', 0, 1.5, bytes), line('swap', 1, 1.5, bytes)], pick: (n) => [n.memoryUsed, n.swapUsed] });
  defs.push({ id: 'host-chart-load', data: [host[0], host[HOST.load1], host[HOST.load5], host[HOST.load15]],
    series: [line('1 min', 0, 1.5, (v) => v.toFixed(2)), line('5 min', 1, 1.5, (v) => v.toFixed(2)), line('15 min', 2, 1.5, (v) => v.toFixed(2))],
    pick: (n) => n.load });
  const nets = Object.keys(s).filter((k) => k.startsWith('net:'));
  defs.push({ id: 'host-chart-net', bytes: true, data: nets.length ? window.uPlot.join(nets.map((k) => s[k])) : [[]],
    series: nets.flatMap((k, i) => [line(`${k.slice(4)} in`, 2 * i, 1.5, bytes), line(`${k.slice(4)} out`, 2 * i + 1, 1.5, bytes)]),
    pick: (n) => nets.flatMap((k) => { const i = n.interfaces.find((x) => x.name === k.slice(4)); return [i?.rx ?? null, i?.tx ?? null]; }) });
  defs.push({ id: 'host-chart-disk', bytes: true, data: [host[0], host[HOST.diskRead], host[HOST.diskWrite]],
    series: [line('read', 0, 1.5, bytes), line('written', 1, 1.5, bytes)], pick: (n) => [n.diskRead, n.diskWrite] });
  const fss = Object.keys(s).filter((k) => k.startsWith('fs:'));
  defs.push({ id: 'host-chart-fs', data: fss.length ? window.uPlot.join(fss.map((k) => [s[k][0], s[k][1]])) : [[]],
    series: fss.map((k, i) => line(k.slice(3), i, 1.5, (v) => `${v.toFixed(0)} %`)),
    pick: (n) => fss.map((k) => n.fileSystems.find((f) => f.mountPoint === k.slice(3))?.percent ?? null) });
  return defs;
}

// a chart follows its box's width (a scroll bar that appears, a phone turned)
const resized = new ResizeObserver((entries) => {
  for (const entry of entries) {
    const c = charts.find((x) => x.el === entry.target);
    const width = Math.floor(entry.contentRect.width);
    if (c && width > 0 && Math.abs(c.plot.width - width) > 1) c.plot.setSize({ width, height: 180 });
  }
});

function draw(history) {
  const times = timeFormats(container.dataset.zone);
  charts.splice(0).forEach((c) => { resized.unobserve(c.el); c.plot.destroy(); });
  for (const def of definitions(history)) {
    const el = document.getElementById(def.id);
    if (!el) continue;
    const plot = new window.uPlot({
      width: Math.max(200, el.clientWidth),
      height: 180,
      series: [{ value: (u, ts) => (ts == null ? '—' : times.full(ts)) }, ...def.series],
      axes: [{ space: 80, values: (u, splits, axis, space, incr) => splits.map((ts) => times.tick(ts, incr)) },
        { values: (u, vals) => vals.map((v) => (def.bytes ? bytes(v) : v)), size: 60 }],
      scales: { x: { time: true } },
    }, def.data.length === def.series.length + 1 ? def.data : [def.data[0] ?? [], ...def.series.map(() => [])], el);
    charts.push({ el, plot, def, data: plot.data.map((c) => Array.from(c)) });
    resized.observe(el);
  }
  document.querySelectorAll('.host-span').forEach((a) => a.classList.toggle('active', a.dataset.span === span));
}

function appendTick(n) {
  if (span !== '15m' || n.cpu === undefined) return;
  for (const c of charts) {
    const times = c.data[0];
    if (times.length && times[times.length - 1] >= n.time) continue; // the history had this tick already
    const values = c.def.pick(n);
    if (values.length !== c.data.length - 1) continue; // an interface or file system the history did not have: at the next load
    c.data[0].push(n.time);
    values.forEach((v, i) => c.data[i + 1].push(v ?? null));
    if (c.data[0].length > MAX_POINTS) c.data.forEach((col) => col.shift());
    c.plot.setData(c.data);
  }
}

async function loadHistory() {
  const el = container;
  const response = await fetch(`/host/history?range=${span}`, { headers: { Accept: 'application/json' } });
  if (!response.ok || el !== container || !el.isConnected) return;
  draw(await response.json());
}

onMessage((message) => {
  if (message.type !== 'host') return;
  if (!document.getElementById('host-figures')) return;
  showFigures(message);
  if (container?.isConnected) appendTick(message);
});

const prepared = new WeakSet();

export function followHost(root) {
  const found = root.querySelector?.('#host-charts') ?? (root.id === 'host-charts' ? root : null);
  if (!root.querySelector?.('#host-figures') && !found) return;
  subscribe('host');
  if (found && window.uPlot && !prepared.has(found)) {
    prepared.add(found);
    container = found;
    span = '15m';
    loadHistory();
    root.querySelectorAll('.host-span').forEach((a) => a.addEventListener('click', (event) => {
      event.preventDefault();
      span = a.dataset.span;
      loadHistory();
    }));
  }
}
