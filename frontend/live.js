// The page's one WebSocket to /live. Reconnects with a growing delay (1 s .. 30 s), sends its
// subscriptions again after every reconnect (the server then starts each from a snapshot), and
// tells listeners about every message and every change of state.
const listeners = new Set();
const stateListeners = new Set();
const subscriptions = new Map();
let socket = null;
let state = 'offline';
let delay = 1000;

function url() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/live`;
}

function setState(next) {
  state = next;
  stateListeners.forEach((fn) => fn(state));
}

function sendNow(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

export function connect() {
  if (socket) return;
  socket = new WebSocket(url());
  setState('connecting');
  socket.addEventListener('open', () => {
    delay = 1000;
    setState('live');
    subscriptions.forEach((message) => sendNow(typeof message === 'function' ? message() : message));
  });
  socket.addEventListener('message', (event) => {
    let message;
    try { message = JSON.parse(event.data); } catch { return; }
    listeners.forEach((fn) => fn(message));
  });
  socket.addEventListener('close', () => {
    socket = null;
    setState('offline');
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 30000);
  });
}

/** Follows a topic from now on, across reconnects. */
export function subscribe(topic, arg = '') {
  const message = { type: 'subscribe', topic, arg };
  const key = `${topic}\u0000${arg}`;
  if (subscriptions.has(key)) return;
  subscriptions.set(key, message);
  sendNow(message);
}

/**
 * Follows a topic whose argument changes as the page goes (a log view's newest entry): argOf() is
 * asked at every send, so a reconnect resumes from where the page is. One such topic per name.
 */
export function subscribeWith(topic, argOf) {
  const message = () => ({ type: 'subscribe', topic, arg: argOf() });
  subscriptions.set(`${topic}\u0000*`, message);
  sendNow(message());
}

/** Sends a subscribeWith topic's subscription again, with its argument as it is now. */
export function resend(topic) {
  const message = subscriptions.get(`${topic}\u0000*`);
  if (message) sendNow(message());
}

/** Sends one message now, if the socket is open (a terminal's keystrokes); false when it is not. */
export function send(message) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify(message));
  return true;
}

export function currentState() { return state; }
export function onMessage(fn) { listeners.add(fn); }
export function onState(fn) { stateListeners.add(fn); fn(state); }
