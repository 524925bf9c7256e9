// The containers list (#containers-live) and a runtime container's page (#runtime-live), kept live
// over the live channel instead of fetched on a timer:
//  - 'containers': runtime containers' names and states (those that changed), and the list's
//    signature (what it lists: which kernel containers, which runtime claims each, which do not
//    run, which runtime answers). States change in place; a list whose signature differs from the
//    channel's, or a container that runs again, fetches that part of its page once.
//  - 'container-stops': the outcome of a stop under Stops.
//  - 'cgroups' (the list) and 'cgroup' (a container's page): CPU, memory and I/O of each container's cgroup.
// A message older than the page (its data-at, when the server read what it shows) is not applied.
import { onMessage, subscribe } from './live.js';
import { bytes } from './cgroups.js';

const known = new Map(); // runtime id -> the latest state the channel sent, with the time it was read
let roster = null; // the list's signatures as last sent: { roster, rosterAll, at }
let stops = null; // the last container-stops message (whole: every recent stop)

const setText = (el, text) => { if (el && el.textContent !== text) el.textContent = text; };
const stateText = (c) => (c.health ? `${c.state} (${c.health})` : c.state);
const dash = (v, f) => (v === null || v === undefined ? '—' : f(v));
const at = (el) => Number(el.dataset.at || 0);

/** Fetches the part again (its page's URL, only that element swapped in); one fetch at a time. */
function refetch(el) {
  if (!window.htmx || el.dataset.fetching) return;
  el.dataset.fetching = 'true';
  const selector = `#${el.id}`;
  window.htmx.ajax('GET', el.dataset.href, { target: selector, select: selector, swap: 'outerHTML' })
    .finally(() => { if (el.isConnected) delete el.dataset.fetching; });
}

function updateList(live) {
  for (const tr of live.querySelectorAll('tr[data-runtime-id]')) {
    const c = known.get(tr.dataset.runtimeId);
    if (!c || c.at <= at(live)) continue;
    setText(tr.querySelector('td.rstate'), stateText(c));
    setText(tr.querySelector('td.rstatus'), c.status);
    tr.dataset.state = c.state;
  }
  if (roster && roster.at > at(live)) {
    const now = live.dataset.sandboxes === 'shown' ? roster.rosterAll : roster.roster;
    if (now !== live.dataset.roster) refetch(live);
  }
}

function updateRuntime(live) {
  const c = known.get(live.dataset.runtimeId);
  if (!c || c.at <= at(live)) return;
  if (c.gone) {
    live.dataset.state = 'removed';
    live.dataset.running = 'false';
    setText(document.getElementById('container-state'), 'removed');
    return;
  }
  if (c.running && live.dataset.running !== 'true') {
    refetch(live); // running again: its kernel view (init, cgroup) comes with the page
    return;
  }
  live.dataset.state = c.state;
  live.dataset.running = String(c.running);
  setText(document.getElementById('container-state'), c.state);
  setText(document.getElementById('container-status'), c.status);
  setText(document.getElementById('container-health'), c.health ? ` (${c.health})` : '');
}

function updateStops(message) {
  const live = document.getElementById('containers-live');
  if (!live || !message) return;
  const rows = new Map();
  for (const tr of live.querySelectorAll('#container-stops tbody tr')) rows.set(tr.dataset.id, tr);
  for (const s of message.stops) {
    const tr = rows.get(s.id);
    if (!tr) { refetch(live); return; } // a stop the page does not show yet
    tr.dataset.state = s.state;
    setText(tr.querySelector('td.stop-state'), s.state);
    setText(tr.querySelector('td.stop-outcome'), s.outcome);
  }
}

function updateUsage(row) {
  for (const tr of document.querySelectorAll('#containers tr[data-cgroup]')) {
    if (tr.dataset.cgroup !== row.path) continue;
    setText(tr.querySelector('td.cpu'), dash(row.cpu, (v) => v.toFixed(1)));
    setText(tr.querySelector('td.memory'), dash(row.memory, bytes));
    setText(tr.querySelector('td.limit'), dash(row.memoryMax, bytes));
    setText(tr.querySelector('td.ioread'), dash(row.ioRead, bytes));
    setText(tr.querySelector('td.iowrite'), dash(row.ioWrite, bytes));
  }
}

function updateKernelView(message) {
  const dl = document.getElementById('kernel-details');
  if (!dl || dl.dataset.cgroup !== message.path) return;
  const r = message.now;
  setText(document.getElementById('now-cpu'), dash(r.cpu, (v) => `${v.toFixed(1)} %`));
  setText(document.getElementById('now-memory'),
    dash(r.memory, (v) => bytes(v) + (r.memoryMax == null ? '' : ` of ${bytes(r.memoryMax)}`)));
}

onMessage((message) => {
  if (message.type === 'containers') {
    for (const c of message.containers) known.set(c.id, { ...c, at: message.at });
    for (const id of message.gone) known.set(id, { id, gone: true, at: message.at });
    roster = { roster: message.roster, rosterAll: message.rosterAll, at: message.at };
    const list = document.getElementById('containers-live');
    if (list) updateList(list);
    const page = document.getElementById('runtime-live');
    if (page) updateRuntime(page);
  }
  if (message.type === 'container-stops') { stops = message; updateStops(message); }
  if (message.type === 'cgroups') message.rows.forEach(updateUsage);
  if (message.type === 'cgroup') updateKernelView(message);
});

/** Called for the first page and for every part htmx swaps in. */
export function followContainers(root) {
  const list = root.querySelector?.('#containers-live') ?? (root.id === 'containers-live' ? root : null);
  if (list) {
    subscribe('containers');
    subscribe('container-stops');
    subscribe('cgroups');
    updateList(list); // what came while it was being fetched
    updateStops(stops);
  }
  const page = root.querySelector?.('#runtime-live') ?? (root.id === 'runtime-live' ? root : null);
  if (page) {
    subscribe('containers');
    const dl = page.querySelector('#kernel-details');
    if (dl) subscribe('cgroup', dl.dataset.cgroup);
    updateRuntime(page);
  }
}
