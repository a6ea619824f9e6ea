// Tokens (admins): create one (shown once), list them, revoke.

import { h, fill, table, time, announce } from './dom.js';
import { api, get, seg, session, ApiError } from './api.js';
import { writeButton, named, errorBox, showError, confirmAction, labelled, fieldError } from './ui.js';

export async function page(main) {
  if (!session.canWrite) {
    fill(main, h('h1', {}, 'Tokens'), h('p', { class: 'notice' }, 'Only admins manage tokens; this token has the viewer role.'));
    return {};
  }
  const name = h('input', { id: 'token-name', required: true, autocomplete: 'off' });
  const role = h('select', { id: 'token-role' }, h('option', { value: 'viewer' }, 'viewer — reads only'), h('option', { value: 'admin' }, 'admin — every change'));
  const created = h('div', { role: 'status' });
  const error = errorBox();
  const body = h('div', {});
  const submit = h('button', { type: 'submit', class: 'primary', 'data-write': '' }, 'Create token');
  const form = h('form', { class: 'card inline-form', novalidate: true }, h('h2', {}, 'New token'), labelled('Name', name, 'Whose token it is; shown as the actor of their changes.'), labelled('Role', role), error, h('div', { class: 'actions' }, submit));
  fill(main, h('h1', {}, 'Tokens'), form, created, h('h2', {}, 'All tokens'), body);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fieldError(name, null);
    showError(error, null);
    if (!name.value.trim()) {
      fieldError(name, 'required: whose token it is');
      name.focus();
      return;
    }
    submit.disabled = true;
    try {
      const token = await api('POST', '/tokens', { name: name.value.trim(), role: role.value });
      const value = h('input', { id: 'new-token', readonly: true, value: token.token, class: 'mono', 'aria-describedby': 'new-token-hint' });
      fill(created, h('div', { class: 'card once' },
        labelled(`Token for ${token.name} (${token.role})`, value),
        h('p', { class: 'warning active', id: 'new-token-hint' }, 'Shown this once: copy it now. The center keeps only its hash.'),
        h('button', { type: 'button', onclick: () => navigator.clipboard?.writeText(token.token).then(() => announce('Token copied')) }, 'Copy')));
      name.value = '';
      value.focus();
      value.select();
      await load();
    } catch (e) {
      if (!(e instanceof ApiError && e.errors.every((x) => fieldError(x.path === '$.role' ? role : name, x.message)) && e.errors.length)) showError(error, e);
    } finally {
      submit.disabled = false;
    }
  });

  async function load() {
    const tokens = await get('/tokens');
    fill(body, table('Tokens', ['Id', 'Name', 'Role', 'Created', 'By', 'State', ''], tokens.map((t) => h('tr', { 'data-token': t.id },
      h('th', { scope: 'row' }, h('code', {}, t.id)),
      h('td', {}, t.name),
      h('td', {}, t.role),
      h('td', {}, time(t.createdAt)),
      h('td', {}, t.createdBy),
      h('td', {}, t.revokedAt ? ['revoked ', time(t.revokedAt)] : 'valid'),
      h('td', {}, t.revokedAt || t.id === session.me?.tokenId ? null : writeButton(named('Revoke', `${t.name}, ${t.id}`), async () => {
        if (!await confirmAction(`Revoke ${t.name}'s token?`, `Requests with token ${t.id} are refused from now on.`, 'Revoke')) return;
        try {
          await api('DELETE', `/tokens/${seg(t.id)}`);
          announce(`Token ${t.id} revoked`);
        } catch (e) { showError(error, e); }
        await load();
      }, { class: 'danger' }))))));
  }

  await load();
  return { refresh: (event) => (event.kind?.startsWith('token') ? load() : undefined) };
}
