// The admin UI's shell: sign-in, the hash router (#/catalog, #/installations/inst_…), the live event stream that
// refreshes whatever page is shown, and sign-out.

import { h, fill, announce } from './dom.js';
import { api, session, ApiError } from './api.js';
import { startEvents } from './events.js';
import { language } from './i18n.js';
import * as sources from './sources.js';
import * as catalog from './catalog.js';
import * as installations from './installations.js';
import * as tokens from './tokens.js';

const routes = [
  [/^#\/sources\/([^/]+)$/, sources.history],
  [/^#\/sources$/, sources.list],
  [/^#\/catalog$/, catalog.list],
  [/^#\/plugins\/([^/]+)$/, catalog.plugin],
  [/^#\/installations\/([^/]+)$/, installations.detail],
  [/^#\/installations$/, installations.list],
  [/^#\/tokens$/, tokens.page],
];

const main = document.getElementById('main');
let current = null;
let stopEvents = null;
let pending = null;

document.documentElement.lang = language();

function signInPage(message) {
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'token-hint' });
  const error = h('p', { class: 'field-error', id: 'token-error', role: 'alert', hidden: !message }, message ?? '');
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'card signin', novalidate: true },
    h('h1', {}, 'Sign in to the plugin center'),
    h('div', { class: 'field' },
      h('label', { for: 'token' }, 'API token'),
      input,
      h('p', { class: 'hint', id: 'token-hint' }, 'The admin token is printed at the center\'s first start (or set with PLUGBOARD_ADMIN_TOKEN). It is kept in this tab only and sent as a bearer header, never as a cookie.'),
      error),
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      error.hidden = false;
      error.textContent = 'Enter a token.';
      input.focus();
      return;
    }
    button.disabled = true;
    session.token = token;
    try {
      await start();
    } catch (e) {
      session.token = null;
      error.hidden = false;
      error.textContent = e instanceof ApiError && e.status === 401 ? 'The center does not know this token, or it was revoked.' : e.message;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  document.getElementById('nav').hidden = true;
  document.getElementById('session').hidden = true;
  fill(main, form);
  input.focus();
}

async function start() {
  session.me = await api('GET', '/me');
  document.getElementById('nav').hidden = false;
  document.getElementById('session').hidden = false;
  fill(document.getElementById('who'), h('span', {}, session.me.name), ' ', h('span', { class: `badge role ${session.me.role}` }, session.me.role === 'admin' ? 'admin' : 'viewer · read-only'));
  document.getElementById('nav-tokens').hidden = !session.canWrite;
  stopEvents?.();
  const stream = document.getElementById('stream');
  stopEvents = startEvents(onEvent, (state) => {
    stream.textContent = state === 'live' ? '● live' : '○ reconnecting…';
    stream.dataset.state = state;
  });
  if (!location.hash || location.hash === '#/') location.hash = '#/installations';
  else await route();
}

function onEvent(event) {
  // Several events often arrive together (one per phase); refresh once for them.
  clearTimeout(pending);
  const page = current;
  pending = setTimeout(() => {
    if (page === current) page?.refresh?.(event);
  }, 150);
}

async function route() {
  if (!session.me) return;
  const hash = location.hash || '#/installations';
  for (const link of document.querySelectorAll('#nav a')) {
    const active = hash.startsWith(link.getAttribute('href').replace(/s$/, ''));
    if (active) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  for (const [pattern, render] of routes) {
    const match = pattern.exec(hash);
    if (match) {
      current?.dispose?.();
      const view = { refresh: null, dispose: null };
      current = view;
      main.replaceChildren();
      try {
        Object.assign(view, await render(main, ...match.slice(1).map(decodeURIComponent)) ?? {});
      } catch (e) {
        fill(main, h('div', { class: 'error-box', role: 'alert' }, h('strong', {}, 'This page could not be shown'), h('p', {}, e.message)));
      }
      const heading = main.querySelector('h1');
      document.title = heading ? `${heading.textContent} · Plugboard center` : 'Plugboard center';
      main.focus({ preventScroll: true });
      return;
    }
  }
  fill(main, h('h1', {}, 'Not found'), h('p', {}, 'There is no such page. '), h('a', { href: '#/installations' }, 'Installations'));
}

function signOut(message) {
  stopEvents?.();
  stopEvents = null;
  session.token = null;
  session.me = null;
  current = null;
  for (const dialog of document.querySelectorAll('dialog')) dialog.close();
  signInPage(message);
  if (message) announce(message);
}

session.onUnauthorized = () => signOut('Your token is no longer accepted (revoked?). Sign in again.');
document.getElementById('signout').addEventListener('click', () => signOut(null));
window.addEventListener('hashchange', route);

if (session.token) {
  start().catch(() => signOut('Sign in again.'));
} else {
  signInPage(null);
}
