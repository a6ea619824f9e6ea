// The catalog: plugins with search and filters, display names and descriptions in the browser's language; a
// plugin's versions (digest, signer, upgrade rules, dependencies); the install dialog with the generated form.

import { h, fill, table, time, digest, phaseBadge, uid } from './dom.js';
import { api, get, seg, ApiError } from './api.js';
import { pick, pickLanguage } from './i18n.js';
import { configForm } from './form.js';
import { writeButton, named, errorBox, showError, openDialog, labelled, fieldError } from './ui.js';

const PAGE_SIZE = 25;

const nameOf = (item) => h('span', { lang: pickLanguage(item.displayName) }, pick(item.displayName) || item.id);

export async function list(main) {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const q = h('input', { id: 'catalog-q', type: 'search', value: params.get('q') ?? '', autocomplete: 'off', placeholder: 'name, id, description…' });
  const tag = h('input', { id: 'catalog-tag', value: '', autocomplete: 'off' });
  const contract = h('input', { id: 'catalog-contract', value: '', autocomplete: 'off' });
  const runtime = h('select', { id: 'catalog-runtime' }, ['', 'assembly', 'process', 'endpoint'].map((r) => h('option', { value: r }, r || 'any')));
  const provider = h('input', { id: 'catalog-provider', value: '', autocomplete: 'off' });
  const status = h('p', { class: 'muted', role: 'status', id: 'catalog-status' });
  const results = h('div', {});
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  let page = 1;
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Plugins' },
    labelled('Search', q), labelled('Tag', tag), labelled('Contract', contract), labelled('Runtime', runtime), labelled('Provider', provider, 'Filters this page.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search')));
  fill(main, h('h1', {}, 'Catalog'), h('p', { class: 'lead' }, 'Every plugin the center knows, with the versions its sources and uploads brought.'), form, status, results, pager);

  let timer = null;
  const soon = () => { clearTimeout(timer); timer = setTimeout(() => { page = 1; load(); }, 300); };
  for (const input of [q, tag, contract, provider]) input.addEventListener('input', soon);
  runtime.addEventListener('change', soon);
  form.addEventListener('submit', (event) => { event.preventDefault(); page = 1; load(); });

  async function load() {
    const query = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
    if (q.value.trim()) query.set('q', q.value.trim());
    if (tag.value.trim()) query.set('tag', tag.value.trim());
    if (contract.value.trim()) query.set('contract', contract.value.trim());
    if (runtime.value) query.set('runtime', runtime.value);
    const data = await get(`/plugins?${query}`);
    const wanted = provider.value.trim().toLowerCase();
    const items = wanted ? data.items.filter((p) => (p.provider ?? '').toLowerCase().includes(wanted)) : data.items;
    status.textContent = `${data.total} plugin${data.total === 1 ? '' : 's'} found${wanted ? `, ${items.length} from a matching provider on this page` : ''}.`;
    fill(results, items.length === 0 ? h('p', { class: 'empty' }, 'No plugin matches.') : h('ul', { class: 'cards' }, items.map((p) => h('li', { class: 'card plugin', 'data-plugin': p.id },
      h('h2', {}, h('a', { href: `#/plugins/${seg(p.id)}` }, nameOf(p))),
      h('p', { class: 'muted' }, h('code', {}, p.id), ` · ${p.latestVersion} · ${p.runtime}`, p.versionCount > 1 ? ` · ${p.versionCount} versions` : ''),
      h('p', { lang: pickLanguage(p.description) }, pick(p.description)),
      h('p', { class: 'meta' },
        p.provider ? h('span', {}, p.provider) : null,
        p.contracts.map((c) => h('span', { class: 'chip' }, c)),
        p.tags.map((t) => h('span', { class: 'chip tag' }, `#${t}`)))))));
    const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
    fill(pager, pages <= 1 ? null : [
      h('button', { type: 'button', disabled: page <= 1, onclick: () => { page -= 1; load(); } }, 'Previous'),
      h('span', {}, ` Page ${page} of ${pages} `),
      h('button', { type: 'button', disabled: page >= pages, onclick: () => { page += 1; load(); } }, 'Next')]);
  }

  await load();
  return { refresh: (event) => (event.kind === 'source.synced' || event.kind === 'package.uploaded' || event.kind === 'plugin.registered' ? load() : undefined) };
}

export async function plugin(main, id) {
  const body = h('div', {});
  fill(main, h('p', { class: 'crumbs' }, h('a', { href: '#/catalog' }, 'Catalog'), ' › ', id), body);

  async function load() {
    const [detail, installs] = await Promise.all([get(`/plugins/${seg(id)}`), get(`/installations?plugin=${seg(id)}`)]);
    const latest = detail.versions[0];
    fill(body,
      h('div', { class: 'page-head' },
        h('h1', {}, nameOf({ id, displayName: latest?.displayName })),
        writeButton(named('Install', `${id} ${latest?.version ?? ''}`.trim()), () => installDialog(detail, latest?.version), { class: 'primary', id: 'install-latest' })),
      h('p', { class: 'muted' }, h('code', {}, id), latest?.provider ? ` · ${latest.provider}` : '', ` · ${detail.kind}`),
      h('p', { lang: pickLanguage(latest?.description) }, pick(latest?.description)),
      installs.length === 0 ? null : h('section', {}, h('h2', {}, 'Installed'),
        h('ul', {}, installs.map((i) => h('li', {}, h('a', { href: `#/installations/${seg(i.id)}` }, i.id), ` (${i.scope}, ${i.version ?? i.pinnedVersion ?? 'auto'}) `, phaseBadge(i.phase))))),
      h('h2', {}, 'Versions'),
      table(`Versions of ${id}`, ['Version', 'Digest', 'Signer', 'Runtime', 'Contracts', 'Upgrade from', 'Dependencies', 'Added', ''],
        detail.versions.map((v) => h('tr', { 'data-version': v.version },
          h('th', { scope: 'row' }, v.version),
          h('td', {}, digest(v.digest)),
          h('td', {}, v.signatureKeyId ? h('code', {}, v.signatureKeyId) : h('span', { class: 'muted' }, 'unsigned')),
          h('td', {}, v.runtime),
          h('td', {}, v.contracts.map((c) => h('div', {}, `${c.name} ${c.versions}`))),
          h('td', {}, v.supportedUpgradeFrom ?? h('span', { class: 'muted' }, 'any older')),
          h('td', {}, v.dependencies.length === 0 ? h('span', { class: 'muted' }, 'none') : v.dependencies.map((d) => h('div', {}, h('a', { href: `#/plugins/${seg(d.id)}` }, d.id), ` ${d.versions}`))),
          h('td', {}, time(v.createdAt)),
          h('td', {}, writeButton(named('Install', `${id} ${v.version}`), () => installDialog(detail, v.version)))))));
  }

  await load();
  return { refresh: (event) => (event.plugin === id || event.kind === 'source.synced' ? load() : undefined) };
}

/** The install dialog: version or auto, scope, and the form generated from the chosen version's schema. */
function installDialog(detail, version) {
  const versionSelect = h('select', { id: 'install-version' }, detail.versions.map((v) => h('option', { value: v.version }, v.version)));
  versionSelect.value = version ?? detail.versions[0]?.version;
  const modeName = uid('mode');
  const manual = h('input', { type: 'radio', name: modeName, id: 'install-manual', value: 'manual', checked: true });
  const auto = h('input', { type: 'radio', name: modeName, id: 'install-auto', value: 'auto' });
  const scope = h('input', { id: 'install-scope', value: 'center', autocomplete: 'off', required: true });
  const formSlot = h('div', {});
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Install');
  let config = null;

  const render = () => {
    const v = detail.versions.find((x) => x.version === versionSelect.value) ?? detail.versions[0];
    config = configForm(v?.configSchema, {});
    fill(formSlot, h('fieldset', { class: 'group' }, h('legend', {}, 'Configuration'), config.element));
  };
  versionSelect.addEventListener('change', render);
  auto.addEventListener('change', () => { versionSelect.disabled = auto.checked; });
  manual.addEventListener('change', () => { versionSelect.disabled = auto.checked; });
  render();

  const idempotencyKey = crypto.randomUUID();
  const form = h('form', { novalidate: true, class: 'install' },
    h('fieldset', { class: 'group' }, h('legend', {}, 'Upgrade mode'),
      h('label', { for: 'install-manual', class: 'inline' }, manual, ' Stay on version'), ' ',
      h('label', { for: 'install-auto', class: 'inline' }, auto, ' auto: follow the highest version the upgrade rules allow')),
    labelled('Version', versionSelect),
    labelled('Scope', scope, 'center runs it in the center itself.'),
    formSlot, error,
    h('div', { class: 'actions' }, submit));
  const { close } = openDialog(`Install ${pick(detail.versions[0]?.displayName) || detail.id}`, form, { wide: true });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, null);
    fieldError(versionSelect, null);
    fieldError(scope, null);
    const { value, valid } = config.collect();
    if (!valid) return;
    const body = { plugin: detail.id, config: value, scope: scope.value.trim() || 'center' };
    if (auto.checked) body.upgradeMode = 'auto'; else body.version = versionSelect.value;
    submit.disabled = true;
    try {
      const created = await api('POST', '/installations', body, { 'Idempotency-Key': idempotencyKey });
      close();
      location.hash = `#/installations/${seg(created.id)}`;
    } catch (e) {
      let unplaced = e instanceof ApiError ? config.showErrors(e.errors) : [];
      unplaced = unplaced.filter((x) => !(x.path === '$.version' && fieldError(versionSelect, x.message)) && !(x.path === '$.scope' && fieldError(scope, x.message)));
      const existing = e.problem?.current?.id;
      if (!(e instanceof ApiError) || e.errors.length === 0 || unplaced.length > 0) {
        showError(error, e, existing ? h('p', {}, h('a', { href: `#/installations/${seg(existing)}`, onclick: close }, `Open ${existing}`)) : null);
      }
    } finally {
      submit.disabled = false;
    }
  });
}
