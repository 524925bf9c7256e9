// A log view's live follow (#log-entries[data-follow]): new entries arrive over the page's socket as
// server-rendered <details>, newest first, and go on top. Pause ignores them; resume, like a
// reconnect, subscribes again from the newest entry shown, and the server sends what came since,
// once. Entries already shown are skipped by cursor.
import { onMessage, onState, subscribeWith, resend } from './live.js';

let view = null;

function newestCursor() {
  const first = view.list.querySelector('details.entry');
  return first ? first.dataset.cursor : (view.list.dataset.from || '');
}

function argument() {
  const cursor = newestCursor();
  if (!cursor) return view.filter;
  return `${view.filter}${view.filter ? '&' : ''}from=${encodeURIComponent(cursor)}`;
}

function problem(text) {
  const p = document.getElementById('follow-problem');
  if (!p) return;
  p.textContent = text;
  p.hidden = !text;
}

function insert(html) {
  if (!html) return;
  const template = document.createElement('template');
  template.innerHTML = html;
  const fresh = [...template.content.querySelectorAll('details.entry')].filter((d) => !view.seen.has(d.dataset.cursor));
  if (fresh.length === 0) return;
  fresh.forEach((d) => view.seen.add(d.dataset.cursor));
  view.list.prepend(...fresh);
  const count = document.getElementById('log-count');
  if (count) count.textContent = String(view.list.querySelectorAll('details.entry').length);
  document.getElementById('no-entries')?.remove();
}

function setPaused(paused) {
  view.paused = paused;
  const button = document.getElementById('follow-toggle');
  if (button) button.textContent = paused ? 'Resume' : 'Pause';
  const state = document.getElementById('follow-state');
  if (state) state.textContent = paused ? 'paused' : 'following';
  if (!paused) {
    view.awaiting = true; // what came while paused arrives with the next catch-up
    resend('logs');
  }
}

onState((state) => {
  // after a reconnect the first message is the catch-up: anything before it is covered by it
  if (view && state !== 'live') view.awaiting = true;
});

onMessage((message) => {
  if (!view || !document.body.contains(view.list)) return;
  // the server names the topic in its errors: "logs from: …" (a bad argument), "cannot follow logs: …"
  if (message.type === 'error' && typeof message.message === 'string'
      && (message.message.startsWith('logs ') || message.message.startsWith('cannot follow logs'))) {
    problem(`Live follow stopped: ${message.message.replace(/^logs |^cannot follow logs: /, '')}`);
    return;
  }
  if (message.type !== 'logs' || message.key !== view.key || view.paused) return;
  if (message.problem) {
    problem(`Live follow stopped: ${message.problem}`);
    return;
  }
  if (message.catchUp) {
    view.awaiting = false;
    problem(message.gap ? 'More entries came than can be caught up: reload the page to see them all.' : '');
    insert(message.html);
    return;
  }
  if (!view.awaiting) insert(message.html);
});

// An entry lists only its line; opening it loads all its fields, once, as a server-rendered fragment.
function loadFields(event) {
  const details = event.target;
  if (!(details instanceof HTMLDetailsElement) || !details.open || details.dataset.loaded
      || details.querySelector('.fields dl')) return;
  details.dataset.loaded = 'yes';
  const target = details.querySelector('.fields');
  window.htmx?.ajax('GET', `/logs/entry?cursor=${encodeURIComponent(details.dataset.cursor)}`, { target, swap: 'innerHTML' });
}

/** Called for the first page and for every page htmx swaps in. */
export function followLogs(root) {
  document.getElementById('at-entry')?.scrollIntoView({ block: 'center' });
  const entries = root.querySelector ? root.querySelector('#log-entries') : null;
  if (entries && !entries.dataset.bound) {
    entries.dataset.bound = 'yes';
    entries.addEventListener('toggle', loadFields, true); // toggle does not bubble: capture it
  }
  const list = entries?.dataset.follow === undefined ? null : entries;
  if (!list || (view && view.list === list)) return; // htmx:load also fires for the first page
  const filter = list.dataset.follow;
  view = {
    list,
    filter,
    key: `logs:${filter}`,
    paused: false,
    awaiting: true,
    seen: new Set([...list.querySelectorAll('details.entry')].map((d) => d.dataset.cursor)),
  };
  document.getElementById('follow-toggle')?.addEventListener('click', () => setPaused(!view.paused));
  subscribeWith('logs', argument);
}
