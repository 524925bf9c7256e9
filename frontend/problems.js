// htmx 2 drops 4xx/5xx replies by default, so a refused form would look as if nothing happened.
// Here every error reply is shown where the user acted:
// - a form page that re-renders itself with its problem (#form-problem, the new-service and launch
//   forms) is swapped in as a success would be, keeping what the user typed;
// - any other form gets the reply's message in a problem area just before it (or before its row
//   of buttons);
// - a link (boosted navigation) shows the error page itself, as a plain link would.
// Focus then moves to the message, so keyboard and screen-reader users land on it.

function messageOf(html, status) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const title = doc.querySelector('main h1')?.textContent.replace(/\s+/g, ' ').trim();
  const message = doc.querySelector('#error-message')?.textContent.trim();
  const parts = [title || `Error ${status}`];
  if (message) parts.push(message);
  return parts.join(': ');
}

function problemAreaFor(form) {
  const anchor = form.closest('.buttons') || form;
  const before = anchor.previousElementSibling;
  if (before && before.classList.contains('form-problem')) return before;
  const area = document.createElement('p');
  area.className = 'flash error form-problem';
  area.setAttribute('role', 'alert');
  area.tabIndex = -1;
  anchor.parentNode.insertBefore(area, anchor);
  return area;
}

function focusProblem(element) {
  if (!element) return;
  if (!element.hasAttribute('tabindex')) element.tabIndex = -1;
  element.focus({ preventScroll: true });
  element.scrollIntoView({ block: 'nearest' });
}

let focusAfterSwap = false;

document.addEventListener('htmx:beforeSwap', (event) => {
  const { xhr, requestConfig } = event.detail;
  if (!xhr || xhr.status < 400) return;
  const elt = requestConfig?.elt; // event.detail.elt is the swap's target here, not what the user acted on
  const form = elt instanceof HTMLFormElement ? elt : elt?.closest?.('form');
  const text = xhr.responseText || '';
  if (form && !text.includes('id="form-problem"')) {
    const area = problemAreaFor(form);
    area.textContent = messageOf(text, xhr.status);
    event.detail.shouldSwap = false;
    event.detail.isError = false; // handled: not an error for htmx to log
    focusProblem(area);
    return;
  }
  if (form || elt?.closest?.('a')) {
    // a form page with its problem, or an error page reached by a link: show it as the server wrote it
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    focusAfterSwap = true;
  }
});

document.addEventListener('htmx:afterSettle', () => {
  if (!focusAfterSwap) return;
  focusAfterSwap = false;
  focusProblem(document.getElementById('form-problem') || document.querySelector('main h1'));
});

// a reply that never came (server down, network gone) is also said where the user acted
document.addEventListener('htmx:sendError', (event) => {
  const elt = event.detail.elt;
  const form = elt instanceof HTMLFormElement ? elt : elt?.closest?.('form');
  if (!form) return;
  const area = problemAreaFor(form);
  area.textContent = 'Hostdeck did not answer: is it running?';
  focusProblem(area);
});

/** Removes a form's earlier problem when it is submitted again. */
document.addEventListener('htmx:beforeRequest', (event) => {
  const elt = event.detail.elt;
  if (!(elt instanceof HTMLFormElement)) return;
  const anchor = elt.closest('.buttons') || elt;
  const before = anchor.previousElementSibling;
  if (before && before.classList.contains('form-problem')) before.textContent = '';
});
