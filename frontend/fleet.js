// The fleet page (#fleet): at every tick of the "fleet" topic (Prometheus's scrape interval), asks
// the server for its tables again, with the page's own URL (its filters) and session (its grant),
// and puts them in place. The tick carries no rows: what a user may see is decided per request.
import { onMessage, subscribe } from './live.js';

let inFlight = false;

async function refresh() {
  const current = document.getElementById('fleet');
  if (!current || inFlight) return;
  inFlight = true;
  try {
    const response = await fetch(location.pathname + location.search, {
      headers: { 'HX-Request': 'true', Accept: 'text/html' },
      credentials: 'same-origin',
    });
    const redirect = response.headers.get('HX-Redirect');
    if (response.status === 401 && redirect) { location.assign(redirect); return; }
    // 502 carries the page's message that Prometheus did not answer: shown like the tables
    if (!response.ok && response.status !== 502) return;
    const html = await response.text();
    const holder = document.createElement('div');
    holder.innerHTML = html;
    const next = holder.querySelector('#fleet');
    const now = document.getElementById('fleet');
    if (next && now) {
      const open = document.getElementById('fleet-queries')?.open;
      now.replaceWith(next);
      const queries = document.getElementById('fleet-queries');
      if (queries && open) queries.open = true;
      next.dispatchEvent(new CustomEvent('fleet:refreshed', { bubbles: true }));
    }
  } catch {
    // offline for a moment: the next tick tries again
  } finally {
    inFlight = false;
  }
}

onMessage((message) => {
  if (message.type === 'fleet') refresh();
});

/** Called for the first page and for every page htmx swaps in. */
export function followFleet(root) {
  if (root.querySelector('#fleet')) subscribe('fleet');
}
