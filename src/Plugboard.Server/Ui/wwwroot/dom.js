// A small helper to build elements; text always goes in as text nodes (never innerHTML), so catalog data
// cannot inject markup.

/** Creates an element: h('button', { type: 'button', onclick }, 'Save'). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  let value;
  for (const [key, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (key === 'value') value = v;
    else if (key.startsWith('on') && typeof v === 'function') el.addEventListener(key.slice(2), v);
    else if (key === 'class') el.className = v;
    else if (key === 'dataset') Object.assign(el.dataset, v);
    else if (typeof v === 'boolean') el.toggleAttribute(key, v);
    else el.setAttribute(key, String(v));
  }
  append(el, children);
  if (value !== undefined) el.value = value;
  return el;
}

/** Appends children (strings, nodes, arrays, null skipped). */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let counter = 0;

/** A document-unique id with a readable prefix. */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A time as the browser's locale shows it, in a <time> element. */
export function time(value) {
  if (!value) return h('span', { class: 'muted' }, '—');
  const date = new Date(value);
  return h('time', { datetime: date.toISOString() }, date.toLocaleString());
}

/** A table inside a focusable scroll region (narrow screens scroll it sideways). */
export function table(label, headers, rows) {
  return h('div', { class: 'scroll', role: 'region', 'aria-label': label, tabindex: '0' },
    h('table', {},
      h('caption', { class: 'visually-hidden' }, label),
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows)));
}

/** Says something to screen readers (and the status line). */
export function announce(text) {
  const live = document.getElementById('announce');
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}

/** A phase as a badge whose colour says how it is going. */
export function phaseBadge(phase) {
  const kind = phase === 'Active' ? 'ok' : phase === 'Failed' ? 'bad' : 'busy';
  return h('span', { class: `badge ${kind}`, 'data-phase': phase }, phase);
}

/** A short digest with the whole one in its title. */
export function digest(value) {
  if (!value) return h('span', { class: 'muted' }, '—');
  const short = value.replace(/^sha256:/, '').slice(0, 12);
  return h('code', { title: value }, short);
}
