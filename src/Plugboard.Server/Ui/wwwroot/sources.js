// Sources: the list with each one's last sync (time, revision, outcome), add and edit, sync now, and the history
// of runs with each package's outcome and error as the center recorded them.

import { h, fill, table, time, digest, announce } from './dom.js';
import { api, get, seg, ApiError } from './api.js';
import { writeButton, named, errorBox, showError, openDialog, confirmAction, labelled, fieldError } from './ui.js';

const TYPES = {
  fs: { label: 'Folder (fs)', fields: ['path'] },
  git: { label: 'Git repository', fields: ['url', 'ref'] },
  http: { label: 'HTTP feed', fields: ['url'] },
};

function outcome(run) {
  if (!run) return h('span', { class: 'muted' }, 'never synced');
  const kind = run.status === 'Ok' ? 'ok' : run.status === 'Failed' ? 'bad' : 'busy';
  return h('span', {},
    h('span', { class: `badge ${kind}` }, run.status),
    ` ${run.added} added, ${run.updated} updated, ${run.unchanged} unchanged`,
    run.error ? h('span', { class: 'error-text' }, ` — ${run.error}`) : null);
}

export async function list(main) {
  const error = errorBox();
  const body = h('div', {});
  const syncing = new Set();
  fill(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Sources'), writeButton('Add source', () => editDialog(null, load), { class: 'primary' })),
    h('p', { class: 'lead' }, 'Where the center finds plugin packages. Each sync is recorded with every package\'s outcome.'),
    error, body);

  async function syncNow(source, button) {
    syncing.add(source.name);
    button.disabled = true;
    button.firstChild.textContent = 'Syncing…';
    button.setAttribute('aria-busy', 'true');
    announce(`Syncing ${source.name}`);
    try {
      const run = await api('POST', `/sources/${seg(source.name)}/sync`);
      announce(`${source.name} synced: ${run.status}, ${run.added} added, ${run.unchanged} unchanged`);
      showError(error, null);
    } catch (e) {
      showError(error, e);
    } finally {
      syncing.delete(source.name);
      await load();
    }
  }

  async function load() {
    const [items, runs] = await Promise.all([get('/sources'), get('/sync-runs?limit=200')]);
    const last = new Map();
    for (const run of runs) if (!last.has(run.source)) last.set(run.source, run);
    if (items.length === 0) {
      fill(body, h('p', { class: 'empty' }, 'No sources yet. Add one to fill the catalog.'));
      return;
    }
    fill(body, table('Sources', ['Name', 'Type', 'Location', 'Last sync', 'Revision', 'Outcome', 'Schedule', 'Actions'],
      items.map((source) => {
        const run = last.get(source.name);
        const sync = writeButton(named(syncing.has(source.name) ? 'Syncing…' : 'Sync now', source.name), (e) => syncNow(source, e.currentTarget), { disabled: syncing.has(source.name) });
        return h('tr', { 'data-source': source.name },
          h('th', { scope: 'row' }, h('a', { href: `#/sources/${seg(source.name)}` }, source.name)),
          h('td', {}, source.type),
          h('td', { class: 'wrap' }, h('code', {}, source.url ?? source.path ?? ''), source.ref ? ` @ ${source.ref}` : null,
            source.allowInsecure ? h('span', { class: 'badge bad' }, 'insecure') : null),
          h('td', {}, time(source.lastSyncAt ?? run?.finishedAt)),
          h('td', {}, run?.revision ? h('code', {}, run.revision.slice(0, 12)) : h('span', { class: 'muted' }, '—')),
          h('td', { class: 'outcome' }, outcome(run)),
          h('td', {}, source.syncIntervalSeconds > 0 ? `every ${source.syncIntervalSeconds} s` : 'manual'),
          h('td', { class: 'actions' },
            sync,
            writeButton(named('Edit', source.name), () => editDialog(source, load)),
            h('a', { href: `#/sources/${seg(source.name)}`, class: 'button' }, named('History', source.name)),
            writeButton(named('Remove', source.name), async () => {
              if (!await confirmAction(`Remove ${source.name}?`, `The source is removed; the catalog versions it brought stay.`, 'Remove')) return;
              try {
                await api('DELETE', `/sources/${seg(source.name)}`, undefined, { 'If-Match': source.eTag });
              } catch (e) { showError(error, e); }
              await load();
            }, { class: 'danger' })));
      })));
  }

  await load();
  return { refresh: (event) => (event.kind?.startsWith('source') || event.kind === 'package.uploaded' ? load() : undefined) };
}

function editDialog(source, done) {
  const editing = source !== null;
  const name = h('input', { id: 'source-name', required: true, value: source?.name ?? '', readonly: editing, autocomplete: 'off' });
  const type = h('select', { id: 'source-type' }, Object.entries(TYPES).map(([value, t]) => h('option', { value }, t.label)));
  type.value = source?.type ?? 'fs';
  const path = h('input', { id: 'source-path', value: source?.path ?? '', autocomplete: 'off' });
  const url = h('input', { id: 'source-url', type: 'url', value: source?.url ?? '', autocomplete: 'off' });
  const ref = h('input', { id: 'source-ref', value: source?.ref ?? '', autocomplete: 'off' });
  const interval = h('input', { id: 'source-interval', type: 'number', min: '0', step: '1', value: String(source?.syncIntervalSeconds ?? 0) });
  const requireSignature = h('input', { id: 'source-signed', type: 'checkbox', checked: source?.requireSignature ?? false });
  const insecure = h('input', { id: 'source-insecure', type: 'checkbox', checked: source?.allowInsecure ?? false, 'aria-describedby': 'source-insecure-warning' });
  const warning = h('p', { class: 'warning', id: 'source-insecure-warning' },
    'Allowing an insecure source means plain HTTP (or git://) is accepted: anyone on the network path can read or change what is fetched. Digests are still checked, but only use this for a trusted local network.');
  const fields = {
    path: labelled('Folder path', path, 'A folder on the center\'s machine holding .pbpkg files or plugin folders.'),
    url: labelled('URL', url, 'https:// unless you allow an insecure source below.'),
    ref: labelled('Branch, tag or commit', ref, 'Optional; the default branch otherwise.'),
  };
  const insecureField = h('div', { class: 'field' },
    h('label', { for: 'source-insecure', class: 'inline' }, insecure, ' Allow an insecure transport (not recommended)'),
    warning);
  const show = () => {
    for (const [key, el] of Object.entries(fields)) el.hidden = !TYPES[type.value].fields.includes(key);
    insecureField.hidden = type.value === 'fs';
    warning.classList.toggle('active', insecure.checked);
  };
  type.addEventListener('change', show);
  insecure.addEventListener('change', show);
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, editing ? 'Save' : 'Add source');
  const form = h('form', { novalidate: true },
    labelled('Name', name, editing ? 'A source\'s name cannot change.' : 'A short name, e.g. company.'),
    labelled('Type', type),
    fields.path, fields.url, fields.ref,
    labelled('Sync every (seconds)', interval, '0 syncs only when asked.'),
    h('div', { class: 'field' }, h('label', { for: 'source-signed', class: 'inline' }, requireSignature, ' Require signed packages')),
    insecureField,
    error,
    h('div', { class: 'actions' }, submit));
  show();
  const { close } = openDialog(editing ? `Edit source ${source.name}` : 'Add a source', form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const control of [name, type, path, url, ref]) fieldError(control, null);
    showError(error, null);
    if (!name.value.trim()) {
      fieldError(name, 'required: a name for the source');
      name.focus();
      return;
    }
    if (insecure.checked && type.value !== 'fs' && !await confirmAction('Allow an insecure source?', warning.textContent, 'Allow insecure')) return;
    const t = TYPES[type.value].fields;
    const body = {
      name: name.value.trim(),
      type: type.value,
      path: t.includes('path') ? path.value.trim() || null : null,
      url: t.includes('url') ? url.value.trim() || null : null,
      ref: t.includes('ref') ? ref.value.trim() || null : null,
      allowInsecure: type.value !== 'fs' && insecure.checked,
      requireSignature: requireSignature.checked,
      syncIntervalSeconds: Number(interval.value) || 0,
      sets: source?.sets ?? [],
    };
    submit.disabled = true;
    try {
      if (editing) await api('PUT', `/sources/${seg(source.name)}`, body, { 'If-Match': source.eTag });
      else await api('POST', '/sources', body);
      close();
      announce(editing ? `Source ${body.name} saved` : `Source ${body.name} added`);
      await done();
    } catch (e) {
      const controls = { '$.name': name, '$.type': type, '$.path': path, '$.url': url, '$.ref': ref };
      const unplaced = e instanceof ApiError ? e.errors.filter((x) => !fieldError(controls[x.path] ?? { id: 'none' }, x.message)) : [];
      if (!(e instanceof ApiError) || e.errors.length === 0 || unplaced.length > 0) showError(error, e);
    } finally {
      submit.disabled = false;
    }
  });
}

export async function history(main, name) {
  const body = h('div', {});
  fill(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/sources' }, 'Sources'), ' › ', name),
    h('h1', {}, `Sync history of ${name}`),
    body);

  async function load() {
    const runs = await get(`/sync-runs?source=${seg(name)}&limit=50`);
    if (runs.length === 0) {
      fill(body, h('p', { class: 'empty' }, 'No sync has run yet.'));
      return;
    }
    fill(body, h('ol', { class: 'runs' }, runs.map((run) => {
      const packages = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
      const details = h('details', { 'data-run': String(run.id) },
        h('summary', {}, `Run ${run.id} · `, time(run.startedAt), ` · ${run.actor} · `, outcome(run)),
        packages);
      details.addEventListener('toggle', async () => {
        if (!details.open || details.dataset.loaded) return;
        details.dataset.loaded = 'yes';
        const full = await get(`/sync-runs/${run.id}`);
        fill(packages,
          full.revision ? h('p', {}, 'Revision ', h('code', {}, full.revision)) : null,
          full.error ? h('p', { class: 'error-text' }, full.error) : null,
          (full.packages ?? []).length === 0 ? h('p', { class: 'muted' }, 'No packages.')
            : table(`Packages of run ${run.id}`, ['Plugin', 'Version', 'Digest', 'Outcome', 'Error'], full.packages.map((p) => h('tr', {},
              h('td', {}, h('a', { href: `#/plugins/${seg(p.pluginId)}` }, p.pluginId)),
              h('td', {}, p.version),
              h('td', {}, digest(p.digest)),
              h('td', {}, h('span', { class: `badge ${p.outcome === 'failed' ? 'bad' : 'ok'}` }, p.outcome)),
              h('td', { class: 'wrap error-text' }, p.error ?? '')))));
      });
      return h('li', {}, details);
    })));
  }

  await load();
  return { refresh: (event) => (event.kind === 'source.synced' ? load() : undefined) };
}
