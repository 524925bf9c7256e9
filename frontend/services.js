// Live unit states on the services list (#units) and on a unit's page (#active-state).
import { onMessage, subscribe } from './live.js';
import { bytes } from './cgroups.js';

function updateRow(unit) {
  const row = document.getElementById(`unit-${unit.name}`);
  if (!row) return;
  const cell = row.querySelector('td.state');
  if (cell) cell.textContent = `${unit.active} (${unit.sub})`;
  const pid = row.querySelector('td.pid');
  // a running unit's PID may not be in the feed's first message yet: keep the page's until it is
  if (pid && (unit.mainPid != null || unit.active === 'inactive' || unit.active === 'failed')) {
    pid.textContent = unit.mainPid ?? '—';
  }
  const since = row.querySelector('td.since');
  if (since) since.textContent = unit.since ?? '—';
  row.classList.toggle('failed', unit.active === 'failed');
}

function updateDetail(unit) {
  const el = document.getElementById('active-state');
  if (!el || el.dataset.unit !== unit.name) return;
  el.textContent = `${unit.active} (${unit.sub})`;
  el.classList.toggle('bad', unit.active === 'failed');
  el.classList.toggle('ok', unit.active === 'active');
  // what changes with the state: which actions fit it, the main process and since when
  const actions = document.getElementById('actions');
  if (actions) actions.dataset.active = unit.active;
  const pid = document.getElementById('main-pid');
  // a running unit's PID may not be in the feed's first message yet: keep the page's until it is
  if (pid && (unit.mainPid != null || unit.active === 'inactive' || unit.active === 'failed')) {
    pid.textContent = unit.mainPid ?? '—';
  }
  const since = document.getElementById('since');
  if (since && unit.since) since.textContent = unit.since;
}

// CPU, memory and tasks come from the cgroup sampler's ticks: a unit's cgroup is named after it
function updateUsage(row) {
  const name = row.path.substring(row.path.lastIndexOf('/') + 1);
  const tr = document.getElementById(`unit-${name}`);
  if (!tr) return;
  const set = (cls, text) => { const td = tr.querySelector(`td.${cls}`); if (td) td.textContent = text; };
  set('cpu', row.cpu == null ? '—' : row.cpu.toFixed(1));
  set('memory', bytes(row.memory));
  set('tasks', row.tasks == null ? '—' : String(row.tasks));
}

onMessage((message) => {
  if (message.type === 'units') message.units.forEach((unit) => { updateRow(unit); updateDetail(unit); });
  if (message.type === 'cgroups') message.rows.forEach(updateUsage);
});

/** Called for the first page and for every page htmx swaps in. */
export function follow(root) {
  if (root.querySelector('#units')) {
    subscribe('units');
    subscribe('cgroups');
  }
  const detail = root.querySelector('#active-state[data-unit]');
  if (detail) subscribe('unit', detail.dataset.unit);
}
