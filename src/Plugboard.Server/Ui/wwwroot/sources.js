// Sources: the list with each one's last sync (time, revision, outcome), add and edit (credentials as password fields
// that are never filled back: the center only says which are set), sync now with its live progress, and the history of
// runs with each package's outcome and error as the center recorded them.

import { h, fill, table, time, digest, announce } from './dom.js';
import { api, get, seg, ApiError } from './api.js';
import { writeButton, named, errorBox, showError, openDialog, confirmAction, labelled, fieldError } from './ui.js';

const TYPES = {
  fs: { label: 'Folder (fs)', fields: ['path'], secrets: [] },
  git: { label: 'Git repository', fields: ['url', 'ref'], secrets: ['token'] },
  http: { label: 'HTTP feed', fields: ['url'], secrets: ['token'] },
  s3: { label: 'S3 bucket', fields: ['bucket', 'prefix', 'region', 'endpoint', 'forcePathStyle'], secrets: ['accessKeyId', 'secretAccessKey'] },
};

const SECRET_LABELS = { token: 'Access token', accessKeyId: 'Access key id', secretAccessKey: 'Secret access key' };

const POLL_MS = 400;

/** Where a source reads from, in one line. */
function location(source) {
  if (source.type === 's3') {
    const s = source.settings ?? {};
    return `s3://${s.bucket ?? ''}/${s.prefix ?? ''}${s.endpoint ? ` at ${s.endpoint}` : ''}`;
  }
  return source.url ?? source.path ?? '';
}

/** "fetching 1 of 2" for a running run's progress. */
function stageText(progress) {
  if (!progress) return 'starting';
  const counted = progress.total > 0 ? ` ${progress.completed} of ${progress.total}` : '';
  switch (progress.stage) {
    case 'waiting': return 'waiting for another sync to finish';
    case 'listing': return 'listing what the source offers';
    case 'fetching': return `fetching and verifying packages:${counted}`;
    case 'committing': return 'writing to the cache';
    case 'importing': return `adding to the catalog:${counted}`;
    default: return progress.stage;
  }
}

function outcome(run) {
  if (!run) return h('span', { class: 'muted' }, 'never synced');
  const kind = run.status === 'Ok' ? 'ok' : run.status === 'Failed' ? 'bad' : 'busy';
  if (run.status === 'Running') return h('span', {}, h('span', { class: `badge ${kind}` }, run.status), ` ${stageText(run.progress)}`);
  return h('span', {},
    h('span', { class: `badge ${kind}` }, run.status),
    ` ${run.added} added, ${run.updated} updated, ${run.unchanged} unchanged`,
    run.error ? h('span', { class: 'error-text' }, ` — ${run.error}`) : null);
}

/** The packages of a run so far (live) or as recorded, with each one's outcome. */
function packagesTable(label, packages) {
  return table(label, ['Plugin', 'Version', 'Outcome', 'Error'], packages.map((p) => h('tr', { 'data-package': p.pluginId },
    h('td', {}, p.version ? h('a', { href: `#/plugins/${seg(p.pluginId)}` }, p.pluginId) : h('code', {}, p.pluginId)),
    h('td', {}, p.version ?? '—'),
    h('td', {}, h('span', { class: `badge ${p.outcome === 'failed' ? 'bad' : p.outcome === 'fetched' ? 'busy' : 'ok'}` }, p.outcome)),
    h('td', { class: 'wrap error-text' }, p.error ?? ''))));
}

export async function list(main) {
  const error = errorBox();
  const body = h('div', {});
  const live = h('section', { id: 'sync-live', 'aria-labelledby': 'sync-live-title', hidden: true });
  const syncing = new Set();
  let polling = null;
  fill(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Sources'), writeButton('Add source', () => editDialog(null, load), { class: 'primary' })),
    h('p', { class: 'lead' }, 'Where the center finds plugin packages. Each sync is recorded with every package\'s outcome.'),
    error, live, body);

  // Follows one run: GET /sync-runs/{id} shows its stage and each package's outcome while it runs, then its record.
  function follow(name, run) {
    clearTimeout(polling);
    live.hidden = false;
    const status = h('p', { class: 'status-line', role: 'status' });
    const packages = h('div', {});
    fill(live, h('h2', { id: 'sync-live-title' }, `Sync of ${name}`), status, packages);
    const show = (current) => {
      const running = current.status === 'Running';
      const cell = body.querySelector(`tr[data-source="${CSS.escape(name)}"] td.outcome`);
      if (cell) fill(cell, outcome(current));
      fill(status, h('span', { class: `badge ${running ? 'busy' : current.status === 'Ok' ? 'ok' : 'bad'}`, 'data-status': current.status }, current.status),
        running ? ` ${stageText(current.progress)}` : ` ${current.added} added, ${current.updated} updated, ${current.unchanged} unchanged, ${current.removed} removed`,
        current.error ? h('span', { class: 'error-text' }, ` — ${current.error}`) : null,
        running ? null : [' ', h('a', { href: `#/sources/${seg(name)}` }, named('History', name))]);
      const list = running ? current.progress?.packages ?? [] : current.packages ?? [];
      fill(packages, list.length === 0 ? h('p', { class: 'muted' }, running ? 'No package handled yet.' : 'No packages.') : packagesTable(`Packages of the sync of ${name}`, list));
      return running;
    };
    const poll = async () => {
      let current;
      try {
        current = await get(`/sync-runs/${run.id}`);
      } catch (e) {
        showError(error, e);
        return;
      }
      if (show(current)) {
        polling = setTimeout(poll, POLL_MS);
        return;
      }
      syncing.delete(name);
      announce(`${name} synced: ${current.status}, ${current.added} added, ${current.unchanged} unchanged`);
      await load();
    };
    show(run);
    polling = setTimeout(poll, POLL_MS);
  }

  async function syncNow(source, button) {
    syncing.add(source.name);
    button.disabled = true;
    button.firstChild.textContent = 'Syncing…';
    button.setAttribute('aria-busy', 'true');
    announce(`Syncing ${source.name}`);
    try {
      const run = await api('POST', `/sources/${seg(source.name)}/sync?wait=false`);
      showError(error, null);
      follow(source.name, run);
    } catch (e) {
      syncing.delete(source.name);
      showError(error, e);
    }
    await load();
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
          h('td', { class: 'wrap' }, h('code', {}, location(source)), source.ref ? ` @ ${source.ref}` : null,
            source.allowInsecure ? h('span', { class: 'badge bad' }, 'insecure') : null,
            Object.keys(source.credentials ?? {}).length > 0 ? h('span', { class: 'muted' }, ` · credentials set (${Object.keys(source.credentials).map((n) => SECRET_LABELS[n] ?? n).join(', ')})`) : null),
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
  return {
    refresh: (event) => (event.kind?.startsWith('source') || event.kind === 'package.uploaded' ? load() : undefined),
    dispose: () => clearTimeout(polling),
  };
}

function editDialog(source, done) {
  const editing = source !== null;
  const settings = source?.settings ?? {};
  const stored = source?.credentials ?? {};
  const name = h('input', { id: 'source-name', required: true, value: source?.name ?? '', readonly: editing, autocomplete: 'off' });
  const type = h('select', { id: 'source-type' }, Object.entries(TYPES).map(([value, t]) => h('option', { value }, t.label)));
  type.value = source?.type ?? 'fs';
  const path = h('input', { id: 'source-path', value: source?.path ?? '', autocomplete: 'off' });
  const url = h('input', { id: 'source-url', type: 'url', value: source?.url ?? '', autocomplete: 'off' });
  const ref = h('input', { id: 'source-ref', value: source?.ref ?? '', autocomplete: 'off' });
  const bucket = h('input', { id: 'source-bucket', value: settings.bucket ?? '', autocomplete: 'off', spellcheck: 'false' });
  const prefix = h('input', { id: 'source-prefix', value: settings.prefix ?? '', autocomplete: 'off', spellcheck: 'false' });
  const region = h('input', { id: 'source-region', value: settings.region ?? '', autocomplete: 'off', spellcheck: 'false' });
  const endpoint = h('input', { id: 'source-endpoint', type: 'url', value: settings.endpoint ?? '', autocomplete: 'off' });
  const pathStyle = h('input', { id: 'source-path-style', type: 'checkbox', checked: settings.forcePathStyle === 'true' });
  // Secrets: password fields, never filled with what is stored (the center never returns it); empty keeps it.
  const secrets = Object.fromEntries(Object.keys(SECRET_LABELS).map((key) => [key,
    h('input', { id: `source-secret-${key}`, type: 'password', autocomplete: 'new-password', spellcheck: 'false', value: '' })]));
  const removeSecrets = h('input', { id: 'source-secrets-remove', type: 'checkbox' });
  const interval = h('input', { id: 'source-interval', type: 'number', min: '0', step: '1', value: String(source?.syncIntervalSeconds ?? 0) });
  const requireSignature = h('input', { id: 'source-signed', type: 'checkbox', checked: source?.requireSignature ?? false });
  const insecure = h('input', { id: 'source-insecure', type: 'checkbox', checked: source?.allowInsecure ?? false, 'aria-describedby': 'source-insecure-warning' });
  const warning = h('p', { class: 'warning', id: 'source-insecure-warning' },
    'Allowing an insecure source means plain HTTP (or git://) is accepted: anyone on the network path can read or change what is fetched, and read its credentials. Digests are still checked, but only use this for a trusted local network.');
  const secretHint = (key) => (stored[key] === 'set' ? 'Set — leave empty to keep it; type a new value to replace it.' : 'Not set.');
  const fields = {
    path: labelled('Folder path', path, 'A folder on the center\'s machine holding .pbpkg files or plugin folders.'),
    url: labelled('URL', url, 'https:// unless you allow an insecure source below.'),
    ref: labelled('Branch, tag or commit', ref, 'Optional; the default branch otherwise.'),
    bucket: labelled('Bucket', bucket, 'The bucket holding the .pbpkg objects.'),
    prefix: labelled('Key prefix', prefix, 'Optional, e.g. plugins/prod; the bucket root otherwise.'),
    region: labelled('Region', region, 'Required for AWS (e.g. eu-west-1); optional with an endpoint.'),
    endpoint: labelled('Endpoint', endpoint, 'For an S3-compatible server (MinIO, Ceph), e.g. https://minio.example.com:9000; empty for AWS.'),
    forcePathStyle: h('div', { class: 'field' }, h('label', { for: 'source-path-style', class: 'inline' }, pathStyle, ' Path-style addressing (host/bucket/key; what most S3-compatible servers want)')),
  };
  const secretFields = Object.fromEntries(Object.entries(secrets).map(([key, input]) => [key, labelled(SECRET_LABELS[key], input, secretHint(key))]));
  const removeField = h('div', { class: 'field' }, h('label', { for: 'source-secrets-remove', class: 'inline' }, removeSecrets, ' Remove the stored credentials'));
  const credentials = h('fieldset', { class: 'group' },
    h('legend', {}, 'Credentials'),
    h('p', { class: 'hint' }, 'Stored encrypted by the center and never shown again, not even here; only sent to this source.'),
    Object.values(secretFields), removeField);
  const insecureField = h('div', { class: 'field' },
    h('label', { for: 'source-insecure', class: 'inline' }, insecure, ' Allow an insecure transport (not recommended)'),
    warning);
  const show = () => {
    const t = TYPES[type.value];
    for (const [key, el] of Object.entries(fields)) el.hidden = !t.fields.includes(key);
    for (const [key, el] of Object.entries(secretFields)) el.hidden = !t.secrets.includes(key);
    credentials.hidden = t.secrets.length === 0;
    removeField.hidden = !t.secrets.some((key) => stored[key] === 'set');
    insecureField.hidden = type.value === 'fs';
    warning.classList.toggle('active', insecure.checked);
  };
  type.addEventListener('change', show);
  insecure.addEventListener('change', show);
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, editing ? 'Save' : 'Add source');
  const form = h('form', { novalidate: true, autocomplete: 'off' },
    labelled('Name', name, editing ? 'A source\'s name cannot change.' : 'A short name, e.g. company.'),
    labelled('Type', type),
    Object.values(fields),
    credentials,
    labelled('Sync every (seconds)', interval, '0 syncs only when asked.'),
    h('div', { class: 'field' }, h('label', { for: 'source-signed', class: 'inline' }, requireSignature, ' Require signed packages')),
    insecureField,
    error,
    h('div', { class: 'actions' }, submit));
  show();
  const { close } = openDialog(editing ? `Edit source ${source.name}` : 'Add a source', form);
  const controls = {
    '$.name': name, '$.type': type, '$.path': path, '$.url': url, '$.ref': ref,
    '$.settings.bucket': bucket, '$.settings.prefix': prefix, '$.settings.region': region, '$.settings.endpoint': endpoint,
    '$.credentials.token': secrets.token, '$.credentials.accessKeyId': secrets.accessKeyId,
    '$.credentials.secretAccessKey': secrets.secretAccessKey, '$.credentials': secrets.secretAccessKey,
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const control of Object.values(controls)) fieldError(control, null);
    showError(error, null);
    if (!name.value.trim()) {
      fieldError(name, 'required: a name for the source');
      name.focus();
      return;
    }
    if (insecure.checked && type.value !== 'fs' && !await confirmAction('Allow an insecure source?', warning.textContent, 'Allow insecure')) return;
    const t = TYPES[type.value];
    const value = (key, input) => (t.fields.includes(key) ? input.value.trim() || null : null);
    const secret = (key) => (t.secrets.includes(key) ? secrets[key].value || null : null);
    const body = {
      name: name.value.trim(),
      type: type.value,
      path: value('path', path),
      url: value('url', url),
      ref: value('ref', ref),
      settings: type.value === 's3' ? {
        bucket: value('bucket', bucket), prefix: value('prefix', prefix), region: value('region', region),
        endpoint: value('endpoint', endpoint), forcePathStyle: pathStyle.checked ? 'true' : null,
      } : {},
      credentials: { token: secret('token'), accessKeyId: secret('accessKeyId'), secretAccessKey: secret('secretAccessKey'), remove: !removeField.hidden && removeSecrets.checked },
      allowInsecure: type.value !== 'fs' && insecure.checked,
      requireSignature: requireSignature.checked,
      syncIntervalSeconds: Number(interval.value) || 0,
      sets: source?.sets ?? [],
    };
    submit.disabled = true;
    try {
      if (editing) await api('PUT', `/sources/${seg(source.name)}`, body, { 'If-Match': source.eTag });
      else await api('POST', '/sources', body);
      for (const input of Object.values(secrets)) input.value = '';
      close();
      announce(editing ? `Source ${body.name} saved` : `Source ${body.name} added`);
      await done();
    } catch (e) {
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
