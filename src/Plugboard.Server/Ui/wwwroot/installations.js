// Installations: the list, and one installation's page — phase with live updates, events timeline, Init metadata,
// the last Verify, configure (the generated form), upgrade within the rules, uninstall.

import { h, fill, table, time, phaseBadge, announce } from './dom.js';
import { api, get, seg, ApiError } from './api.js';
import { language } from './i18n.js';
import { configForm } from './form.js';
import { writeButton, errorBox, showError, openDialog, confirmAction, labelled, fieldError } from './ui.js';

// A write with If-Match. The controller also writes the row (phases), which changes its ETag without changing what
// the user edited: when the center's current state is still the same generation, the write is sent again on it;
// a change by someone else (a new generation) is the user's to look at.
async function writeInstallation(method, installation, body) {
  let etag = installation.eTag;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await api(method, `/installations/${seg(installation.id)}`, body, { 'If-Match': etag });
    } catch (e) {
      const current = e.problem?.current;
      if (e.status !== 412 || !current || current.generation !== installation.generation || attempt >= 3) throw e;
      etag = current.eTag;
    }
  }
}

export async function list(main) {
  const body = h('div', {});
  fill(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Installations'), h('a', { href: '#/catalog', class: 'button' }, 'Install from the catalog')),
    h('p', { class: 'lead' }, 'Every installation with its phase; this page follows changes as they happen.'),
    body);

  async function load() {
    const items = await get('/installations');
    fill(body, items.length === 0 ? h('p', { class: 'empty' }, 'Nothing is installed yet. ', h('a', { href: '#/catalog' }, 'Find a plugin in the catalog.'))
      : table('Installations', ['Installation', 'Plugin', 'Version', 'Mode', 'Scope', 'Phase', 'Reason', 'Updated'],
        items.map((i) => h('tr', { 'data-installation': i.id },
          h('th', { scope: 'row' }, h('a', { href: `#/installations/${seg(i.id)}` }, i.id)),
          h('td', {}, h('a', { href: `#/plugins/${seg(i.plugin)}` }, i.plugin)),
          h('td', {}, i.version ?? i.pinnedVersion ?? '—'),
          h('td', {}, i.upgradeMode),
          h('td', {}, i.scope),
          h('td', {}, phaseBadge(i.phase)),
          h('td', { class: 'wrap' }, i.reason ?? ''),
          h('td', {}, time(i.updatedAt))))));
  }

  await load();
  return { refresh: (event) => (event.installation || event.kind?.startsWith('installation') ? load() : undefined) };
}

function keyValues(label, object) {
  const entries = Object.entries(object ?? {});
  if (entries.length === 0) return h('p', { class: 'muted' }, 'none');
  return h('dl', { class: 'kv', 'aria-label': label }, entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'string' ? v : JSON.stringify(v))]));
}

export async function detail(main, id) {
  const error = errorBox();
  const body = h('div', {});
  const timeline = h('div', {});
  fill(main, h('p', { class: 'crumbs' }, h('a', { href: '#/installations' }, 'Installations'), ' › ', id), error, body,
    h('section', { 'aria-labelledby': 'timeline-title' }, h('h2', { id: 'timeline-title' }, 'Events'), timeline));
  let installation = null;
  let gone = false;

  async function load() {
    if (gone) return;
    let upgrades;
    try {
      [installation, upgrades] = await Promise.all([get(`/installations/${seg(id)}`), get(`/installations/${seg(id)}/upgrades`)]);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        gone = true;
        fill(body, h('h1', {}, id), h('p', { class: 'notice', role: 'status' }, 'This installation was uninstalled. ', h('a', { href: '#/installations' }, 'Back to the installations.')));
        await loadEvents();
        return;
      }
      throw e;
    }
    const i = installation;
    const allowed = upgrades.filter((u) => u.allowed);
    const target = h('select', { id: 'upgrade-target' },
      h('option', { value: 'auto', disabled: i.upgradeMode === 'auto' }, 'auto — follow the highest version the rules allow'),
      upgrades.map((u) => h('option', { value: u.version, disabled: !u.allowed, 'data-reason': u.reason ?? undefined },
        u.allowed ? u.version : `${u.version} — not allowed: ${u.reason}`)));
    target.value = allowed[0]?.version ?? (i.upgradeMode === 'auto' ? '' : 'auto');
    const refused = upgrades.filter((u) => !u.allowed && !u.current);
    fill(body,
      h('div', { class: 'page-head' },
        h('h1', {}, `${i.plugin} `, h('span', { class: 'muted' }, i.version ?? i.pinnedVersion ?? '')),
        h('div', { class: 'actions' },
          writeButton('Configure', () => configureDialog(i, load), { class: 'primary' }),
          writeButton('Uninstall', () => uninstall(i), { class: 'danger' }))),
      h('div', { class: 'status-line', 'aria-live': 'polite', id: 'phase' },
        h('span', {}, 'Phase '), phaseBadge(i.phase), i.reason ? h('span', { class: 'reason' }, ` ${i.reason}`) : null,
        i.nextAttemptAt && i.phase === 'Failed' ? h('span', { class: 'muted' }, ' · next attempt ', time(i.nextAttemptAt)) : null),
      h('div', { class: 'grid' },
        h('section', { class: 'card' }, h('h2', {}, 'Installation'),
          h('dl', { class: 'kv' },
            h('dt', {}, 'Id'), h('dd', {}, h('code', {}, i.id)),
            h('dt', {}, 'Plugin'), h('dd', {}, h('a', { href: `#/plugins/${seg(i.plugin)}` }, i.plugin)),
            h('dt', {}, 'Version running'), h('dd', {}, i.version ?? '—'),
            h('dt', {}, 'Upgrade mode'), h('dd', {}, i.upgradeMode === 'auto' ? 'auto' : `manual (${i.pinnedVersion})`),
            h('dt', {}, 'Scope'), h('dd', {}, i.scope),
            h('dt', {}, 'Generation'), h('dd', {}, `${i.observedGeneration} of ${i.generation} applied`),
            h('dt', {}, 'Created'), h('dd', {}, time(i.createdAt), ` by ${i.createdBy}`))),
        h('section', { class: 'card' }, h('h2', {}, 'Init metadata'), keyValues('Init metadata', i.metadata)),
        h('section', { class: 'card' }, h('h2', {}, 'Last Verify'),
          i.verify ? h('p', {}, h('span', { class: `badge ${i.verify.ready ? 'ok' : 'bad'}` }, i.verify.ready ? 'ready' : 'not ready'), i.verify.reason ? ` ${i.verify.reason}` : '')
            : h('p', { class: 'muted' }, 'not run yet')),
        h('section', { class: 'card' }, h('h2', {}, 'Configuration'),
          keyValues('Configuration', Object.fromEntries(Object.entries(i.config).map(([k, v]) => [k, v === '(set)' ? '•••• (set)' : v]))),
          Object.entries(i.secrets ?? {}).filter(([, set]) => !set).length ? h('p', { class: 'muted' }, 'Secrets not set: ', Object.entries(i.secrets).filter(([, set]) => !set).map(([p]) => p).join(', ')) : null),
        h('section', { class: 'card' }, h('h2', {}, 'Upgrade'),
          labelled('Move to', target),
          refused.length ? h('ul', { class: 'refused', 'aria-label': 'Versions the upgrade rules refuse' }, refused.map((u) => h('li', {}, h('strong', {}, u.version), `: ${u.reason}`))) : null,
          h('div', { class: 'actions' }, writeButton('Upgrade', () => upgrade(i, target), { id: 'upgrade-button' })))));
    await loadEvents();
  }

  async function loadEvents() {
    const events = await get(`/events?installation=${seg(id)}&limit=500`);
    fill(timeline, events.length === 0 ? h('p', { class: 'muted' }, 'No events.') : h('ol', { class: 'timeline' }, events.slice().reverse().map((e) => h('li', { 'data-kind': e.kind },
      time(e.time), ' ', h('strong', {}, e.actor), ' ', h('span', { class: 'muted' }, e.kind), e.phase ? [' → ', phaseBadge(e.phase)] : null, e.version ? ` (${e.version})` : null,
      e.reason ? h('div', { class: 'reason' }, e.reason) : null))));
  }

  async function upgrade(i, target) {
    showError(error, null);
    fieldError(target, null);
    const body = target.value === 'auto' ? { upgradeMode: 'auto' } : { version: target.value, upgradeMode: 'manual' };
    try {
      await writeInstallation('PATCH', i, body);
      announce(`Upgrade to ${target.value} accepted`);
      await load();
    } catch (e) {
      if (!(e.errors.length && e.errors.every((x) => fieldError(target, x.message)))) showError(error, e);
      if (e.status === 412) await load();
    }
  }

  async function uninstall(i) {
    if (!await confirmAction(`Uninstall ${i.plugin}?`, `The center stops ${i.plugin} (${i.id}) and removes the installation.`, 'Uninstall')) return;
    showError(error, null);
    try {
      await writeInstallation('DELETE', i, undefined);
      announce(`Uninstalling ${i.plugin}`);
      await load();
    } catch (e) {
      if (e.status === 409) refusedDialog(`${i.plugin} cannot be uninstalled`, e.message);
      else showError(error, e);
    }
  }

  await load();
  return { refresh: (event) => (event.installation === id || (event.plugin && event.plugin === installation?.plugin) || event.kind === 'source.synced' ? load() : undefined) };
}

/** Why the center refused, in a dialog, with a link to each installation it names (the dependent to uninstall first). */
function refusedDialog(title, message) {
  const ids = [...new Set(message.match(/inst_[A-Za-z0-9_-]+/g) ?? [])];
  const close = h('button', { type: 'button', class: 'primary' }, 'Close');
  const body = h('div', { class: 'refusal' },
    h('p', { role: 'alert' }, message),
    ids.length ? h('p', {}, 'Open: ', ids.map((id, n) => [n ? ', ' : '', h('a', { href: `#/installations/${seg(id)}` }, id)])) : null,
    h('div', { class: 'actions' }, close));
  const dialog = openDialog(title, body);
  close.addEventListener('click', dialog.close);
  for (const link of body.querySelectorAll('a')) link.addEventListener('click', dialog.close);
  close.focus();
}

/** The same generated form, filled with the installation's values (secrets only as set / not set). */
async function configureDialog(installation, done) {
  const form = await get(`/installations/${seg(installation.id)}/form?lang=${encodeURIComponent(language())}`);
  const config = configForm(form.schema, { values: form.values, secrets: form.secrets, useDefaults: false });
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Save configuration');
  const element = h('form', { novalidate: true, class: 'configure' },
    h('p', { class: 'muted' }, `Version ${form.version}. The new configuration is checked, then Init and Verify run on a new instance while the current one keeps serving.`),
    config.element, error, h('div', { class: 'actions' }, submit));
  const { close } = openDialog(`Configure ${installation.plugin}`, element, { wide: true });
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, null);
    const { value, valid } = config.collect();
    if (!valid) return;
    submit.disabled = true;
    try {
      await writeInstallation('PATCH', installation, { config: value });
      close();
      announce('Configuration saved');
      await done();
    } catch (e) {
      const unplaced = e instanceof ApiError ? config.showErrors(e.errors) : [];
      if (!(e instanceof ApiError) || e.errors.length === 0 || unplaced.length > 0) {
        showError(error, e.status === 412 ? Object.assign(e, { message: 'Someone changed this installation meanwhile. Close this dialog and open it again to edit the current configuration.' }) : e);
      }
    } finally {
      submit.disabled = false;
    }
  });
}
