import { connect, onState } from './live.js';

// htmx requests carry the CSRF token in a header; the token comes from the page's meta tags.
const header = document.querySelector('meta[name="csrf-header"]')?.content;
const token = document.querySelector('meta[name="csrf-token"]')?.content;
document.body.addEventListener('htmx:configRequest', (event) => {
  if (header && token) event.detail.headers[header] = token;
});

const indicator = document.getElementById('live-state');
if (indicator) {
  onState((state) => {
    indicator.textContent = state;
    indicator.dataset.state = state;
  });
  connect();
}
