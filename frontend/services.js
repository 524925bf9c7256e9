// Live unit states on the services list (#units) and on a unit's page (#active-state).
import { onMessage, subscribe } from './live.js';

function updateRow(unit) {
  const row = document.getElementById(`unit-${unit.name}`);
  if (!row) return;
  const cell = row.querySelector('td.state');
  if (cell) cell.textContent = `${unit.active} (${unit.sub})`;
  const pid = row.querySelector('td.pid');
  if (pid) pid.textContent = unit.mainPid ?? '—';
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
}

onMessage((message) => {
  if (message.type !== 'units') return;
  message.units.forEach((unit) => { updateRow(unit); updateDetail(unit); });
});

/** Called for the first page and for every page htmx swaps in. */
export function follow(root) {
  if (root.querySelector('#units')) subscribe('units');
  const detail = root.querySelector('#active-state[data-unit]');
  if (detail) subscribe('unit', detail.dataset.unit);
}
