// The page's one WebSocket to /live. Reconnects with a growing delay (1 s .. 30 s) and tells
// listeners about every message and every change of state.
const listeners = new Set();
const stateListeners = new Set();
let socket = null;
let delay = 1000;

function url() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/live`;
}

function setState(state) {
  stateListeners.forEach((fn) => fn(state));
}

export function connect() {
  if (socket) return;
  socket = new WebSocket(url());
  setState('connecting');
  socket.addEventListener('open', () => { delay = 1000; setState('live'); });
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

export function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

export function onMessage(fn) { listeners.add(fn); }
export function onState(fn) { stateListeners.add(fn); }
