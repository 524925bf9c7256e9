import { connect, onState, currentState } from './live.js';
import { follow } from './services.js';
import { followCgroups } from './cgroups.js';
import { followLogs } from './logs.js';
import './problems.js';
import { followFleet } from './fleet.js';
import { followHost } from './host.js';
import { followContainers } from './containers.js';

// htmx requests carry the CSRF token in a header; the token comes from the page's meta tags.
const header = document.querySelector('meta[name="csrf-header"]')?.content;
const token = document.querySelector('meta[name="csrf-token"]')?.content;
document.body.addEventListener('htmx:configRequest', (event) => {
  if (header && token) event.detail.headers[header] = token;
  // a filter form's empty fields stay out of the URL (no "&until=&boot=" in a bookmark)
  if (event.detail.verb === 'get') {
    const params = event.detail.parameters;
    for (const name of new Set([...params.keys()])) {
      if (params.getAll(name).every((v) => v === '')) params.delete(name);
    }
  }
});

function showState(state) {
  const indicator = document.getElementById('live-state');
  if (!indicator) return;
  indicator.textContent = state;
  indicator.dataset.state = state;
}

onState(showState);
if (document.getElementById('live-state')) connect();

// the socket outlives htmx's page swaps: after each, show its state again and follow what the new page shows
document.addEventListener('htmx:load', (event) => {
  showState(currentState());
  follow(event.target);
  followCgroups(event.target);
  followLogs(event.target);
  followFleet(event.target);
  followHost(event.target);
  followContainers(event.target);
});
follow(document);
followCgroups(document);
followLogs(document);
followFleet(document);
followHost(document);
followContainers(document);

// on a narrow screen the nav is a menu behind a button (without script it simply wraps)
document.documentElement.classList.add('js');
document.addEventListener('click', (event) => {
  const toggle = event.target.closest?.('.nav-toggle');
  if (!toggle) return;
  const open = toggle.closest('.topbar').classList.toggle('open');
  toggle.setAttribute('aria-expanded', String(open));
});
