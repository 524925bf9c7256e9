// Plays a terminal recording (asciicast v2) in xterm.js: play and pause, speed, and a seek bar that
// redraws the screen as it was at that moment (output up to it, written at once).
import { Terminal } from '/app/xterm/xterm/lib/xterm.mjs';

const box = document.getElementById('player');
if (box) {
  const playButton = document.getElementById('play');
  const speed = document.getElementById('speed');
  const seek = document.getElementById('seek');
  const clock = document.getElementById('clock');
  let header = { width: 80, height: 24 };
  let events = [];
  let duration = 0;
  let position = 0; // seconds into the recording
  let next = 0; // the index of the next event to apply
  let playing = false;
  let last = 0;
  const term = new Terminal({ fontSize: 14, scrollback: 5000, disableStdin: true,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace' });
  term.open(box);

  const mmss = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
  function showClock() {
    clock.textContent = `${mmss(position)} / ${mmss(duration)}`;
    seek.value = String(position);
    box.dataset.position = position.toFixed(2);
  }

  function apply(e) {
    if (e[1] === 'o') term.write(e[2]);
    else if (e[1] === 'r') {
      const [c, r] = e[2].split('x').map(Number);
      if (c > 0 && r > 0) term.resize(c, r);
    }
  }

  /** The screen at {@code t}: from a reset terminal, every event up to t at once. */
  function jump(t) {
    term.reset();
    term.resize(header.width, header.height);
    let out = '';
    next = 0;
    while (next < events.length && events[next][0] <= t) {
      const e = events[next];
      if (e[1] === 'o') out += e[2];
      else { term.write(out); out = ''; apply(e); }
      next++;
    }
    term.write(out);
    position = t;
    showClock();
  }

  function tick(now) {
    if (!playing) return;
    position = Math.min(duration, position + ((now - last) / 1000) * Number(speed.value));
    last = now;
    while (next < events.length && events[next][0] <= position) apply(events[next++]);
    showClock();
    if (position >= duration) {
      playing = false;
      playButton.textContent = 'Play';
      box.dataset.state = 'ended';
      return;
    }
    requestAnimationFrame(tick);
  }

  function play() {
    if (position >= duration) jump(0);
    playing = true;
    box.dataset.state = 'playing';
    playButton.textContent = 'Pause';
    last = performance.now();
    requestAnimationFrame(tick);
  }

  function pause() {
    playing = false;
    box.dataset.state = 'paused';
    playButton.textContent = 'Play';
  }

  playButton.addEventListener('click', () => (playing ? pause() : play()));
  seek.addEventListener('input', () => jump(Number(seek.value)));

  fetch(box.dataset.src, { credentials: 'same-origin' }).then((r) => {
    if (!r.ok) throw new Error(`${r.status}`);
    return r.text();
  }).then((text) => {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    header = JSON.parse(lines[0]);
    events = lines.slice(1).map((l) => JSON.parse(l)).filter((e) => e[1] === 'o' || e[1] === 'r');
    duration = events.length ? events[events.length - 1][0] : 0;
    seek.max = String(duration);
    jump(0);
    box.dataset.state = 'ready';
  }).catch((e) => {
    box.dataset.state = 'failed';
    clock.textContent = `cannot load the recording: ${e.message}`;
  });
}
