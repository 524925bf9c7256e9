// A terminal page (#terminal): xterm.js on the page's live socket. It opens its terminal once the
// socket is up, types what xterm gives it (paste in pieces the channel takes), tells the server its
// size, acknowledges each output message once drawn (the server sends no more than a window ahead),
// and shows the end with its reason: the shell's exit, the socket's loss, a refusal.
import { Terminal } from '/app/xterm/xterm/lib/xterm.mjs';
import { FitAddon } from '/app/xterm/addon-fit/lib/addon-fit.mjs';
import { onMessage, onState, send } from './live.js';

const PIECE = 1000; // characters a term.in carries; the channel takes messages of up to 4096

const box = document.getElementById('terminal');
if (box) {
  const status = document.getElementById('term-status');
  const endedNote = document.getElementById('term-ended');
  const again = document.getElementById('term-new');
  const term = new Terminal({ cursorBlink: true, scrollback: 5000, fontSize: 14,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace' });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(box);
  fit.fit();
  const id = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  let state = 'opening'; // opening, open, ended
  let typed = false;

  function setState(next, text) {
    state = next;
    box.dataset.state = next;
    if (text !== undefined) status.textContent = text;
  }

  function open() {
    if (state !== 'opening') return;
    send({ type: 'term.open', id, kind: box.dataset.kind, container: box.dataset.container || '',
      cols: term.cols, rows: term.rows });
  }

  function ended(reason) {
    if (state === 'ended') return;
    setState('ended', 'ended');
    endedNote.textContent = `Terminal ended: ${reason}`;
    endedNote.hidden = false;
    again.hidden = false;
    term.options.cursorBlink = false;
  }

  onState((s) => {
    if (s === 'live') open();
    else if (state === 'open') ended('the connection to Hostdeck was lost');
  });

  onMessage((m) => {
    if (m.id !== id) return;
    if (m.type === 'term.opened') {
      setState('open', `${m.target} as ${m.as} · recorded as ${m.recording}`);
      term.focus();
    } else if (m.type === 'term.out') {
      term.write(m.data, () => send({ type: 'term.ack', id, seq: m.seq }));
    } else if (m.type === 'term.exit') {
      ended(m.reason);
    }
  });

  term.onData((data) => {
    if (state !== 'open') return;
    typed = true;
    for (let i = 0; i < data.length; i += PIECE) send({ type: 'term.in', id, data: data.slice(i, i + PIECE) });
  });
  term.onResize(({ cols, rows }) => {
    if (state === 'open') send({ type: 'term.resize', id, cols, rows });
  });
  window.addEventListener('resize', () => fit.fit());
  again.addEventListener('click', () => location.reload());

  // typing is activity: keep the login session alive while someone works in the terminal
  setInterval(() => {
    if (typed && state === 'open') fetch('/terminal/alive', { credentials: 'same-origin' });
    typed = false;
  }, 60000);
}
