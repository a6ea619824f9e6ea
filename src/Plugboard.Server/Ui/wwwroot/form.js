// Renders a plugin's configuration form from its JSON schema: the same subset the center validates
// (Plugboard.Manifests' ConfigSchema) and its form hints (x-order, x-widget, x-title, x-description).
// Client-side checks cover what the schema says; formats the browser cannot check the same way as the center
// (hostname, ipv4/ipv6, duration) are left to the center, whose per-field errors are shown beside their fields.

import { h, uid } from './dom.js';
import { pick } from './i18n.js';

const SET = '(set)';

const typesOf = (node) => (Array.isArray(node?.type) ? node.type : node?.type ? [node.type] : []);
const isType = (node, type) => typesOf(node).includes(type);

/** The properties of an object schema in form order: x-order first (ascending), then as declared. */
function ordered(properties) {
  return Object.entries(properties ?? {})
    .map(([name, node], index) => ({ name, node, index }))
    .sort((a, b) => (a.node['x-order'] ?? Infinity) - (b.node['x-order'] ?? Infinity) || a.index - b.index);
}

const labelOf = (name, node) => pick(node['x-title']) || pick(node.title) || name;
const hintOf = (node) => pick(node['x-description']) || pick(node.description) || '';

/**
 * Builds the form for `schema` (an object schema). `values` are current values (secrets masked as "(set)"),
 * `secrets` maps "$.path" to whether the secret is set; `useDefaults` fills the schema's defaults.
 * Returns { element, collect() → { value, valid }, showErrors(errors) → unplaced errors, clearErrors() }.
 */
export function configForm(schema, { values = {}, secrets = {}, useDefaults = true } = {}) {
  const fields = new Map();
  const element = h('div', { class: 'config-form' });

  if (!schema || !schema.properties || Object.keys(schema.properties).length === 0) {
    element.append(h('p', { class: 'muted' }, 'This version takes no configuration.'));
  } else {
    element.append(...objectFields(schema, [], values ?? {}, { secrets, useDefaults, fields }));
  }

  const clearErrors = () => {
    for (const field of fields.values()) field.setError(null);
  };

  const collect = () => {
    clearErrors();
    const value = {};
    let firstInvalid = null;
    for (const [path, field] of fields) {
      const read = field.read();
      let problem = read.error ?? null;
      if (!problem && !read.present && field.required && !field.keepsSecret()) problem = 'required';
      if (!problem && read.present) problem = check(field.node, read.value);
      if (problem) {
        field.setError(problem);
        firstInvalid ??= field;
        continue;
      }
      if (read.present) put(value, path.split('.'), read.value);
    }
    firstInvalid?.focus();
    return { value, valid: firstInvalid === null };
  };

  // Errors from the center: { path: "$.config.apiKey", message }. Returns the ones no field matches.
  const showErrors = (errors, prefix = '$.config') => {
    const unplaced = [];
    let first = null;
    for (const error of errors) {
      const path = fieldPath(error.path, prefix);
      const field = path === null ? undefined : fields.get(path) ?? fields.get(path.split('.')[0]);
      if (field) {
        field.setError(error.message);
        first ??= field;
      } else {
        unplaced.push(error);
      }
    }
    first?.focus();
    return unplaced;
  };

  return { element, collect, showErrors, clearErrors, fields };
}

// "$.config.servers[0].url" → "servers" (lists are edited whole); "$.config.a.b" → "a.b"; other prefixes → null.
function fieldPath(path, prefix) {
  if (!path || !path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length).replace(/^\./, '');
  return rest.replace(/\[.*$/, '');
}

function put(target, path, value) {
  let current = target;
  for (const key of path.slice(0, -1)) {
    current[key] ??= {};
    current = current[key];
  }
  current[path.at(-1)] = value;
}

function objectFields(node, path, values, context) {
  const required = new Set(node.required ?? []);
  return ordered(node.properties).map(({ name, node: child }) => {
    const childPath = [...path, name];
    const value = values?.[name];
    if (isType(child, 'object') && child.properties) {
      return h('fieldset', { class: 'group' },
        h('legend', {}, labelOf(name, child), required.has(name) ? requiredMark() : null),
        hintOf(child) ? h('p', { class: 'hint' }, hintOf(child)) : null,
        objectFields(child, childPath, value ?? {}, context));
    }
    return field(name, child, childPath, required.has(name), value, context);
  });
}

const requiredMark = () => [h('span', { class: 'req', 'aria-hidden': 'true' }, ' *'), h('span', { class: 'visually-hidden' }, ' (required)')];

function field(name, node, path, required, value, context) {
  const key = path.join('.');
  const id = uid(`cfg-${key.replace(/[^a-zA-Z0-9_-]/g, '_')}`);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const widget = node['x-widget'];
  const secret = node.writeOnly === true || widget === 'password';
  const secretSet = context.secrets[`$.${key}`] === true || value === SET;
  const initial = value !== undefined && value !== SET ? value : context.useDefaults ? node.default : undefined;
  const hint = hintOf(node);
  const describedBy = [hint || secret ? hintId : null].filter(Boolean);

  let control;
  let read;
  let focusable;
  const wrap = h('div', { class: 'field', 'data-field': key });
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });

  const common = (extra) => ({ id, name: key, 'aria-describedby': describedBy.join(' ') || undefined, required, ...extra });

  if (Array.isArray(node.enum) && widget !== 'radio') {
    control = h('select', common({}),
      required && initial !== undefined ? null : h('option', { value: '' }, required ? 'Choose…' : '(not set)'),
      node.enum.map((option) => h('option', { value: JSON.stringify(option) }, String(option))));
    control.value = initial === undefined ? '' : JSON.stringify(initial);
    read = () => (control.value === '' ? { present: false } : { present: true, value: JSON.parse(control.value) });
  } else if (Array.isArray(node.enum)) {
    const group = h('div', { role: 'radiogroup', 'aria-labelledby': `${id}-label`, id, class: 'radios' },
      node.enum.map((option, index) => {
        const optionId = `${id}-${index}`;
        return h('label', { for: optionId, class: 'inline' },
          h('input', { type: 'radio', id: optionId, name: key, value: JSON.stringify(option), checked: JSON.stringify(option) === JSON.stringify(initial) }),
          ` ${String(option)}`);
      }));
    control = group;
    focusable = () => group.querySelector('input');
    read = () => {
      const chosen = group.querySelector('input:checked');
      return chosen ? { present: true, value: JSON.parse(chosen.value) } : { present: false };
    };
  } else if (isType(node, 'boolean')) {
    control = h('input', common({ type: 'checkbox', role: widget === 'checkbox' ? undefined : 'switch', required: false }));
    control.checked = initial === true;
    read = () => ({ present: true, value: control.checked });
  } else if (isType(node, 'integer') || isType(node, 'number')) {
    const integer = isType(node, 'integer') && !isType(node, 'number');
    control = h('input', common({
      type: widget === 'slider' ? 'range' : 'number',
      inputmode: integer ? 'numeric' : 'decimal',
      step: integer ? '1' : 'any',
      min: node.minimum ?? node.exclusiveMinimum,
      max: node.maximum ?? node.exclusiveMaximum,
      value: initial === undefined ? '' : String(initial),
    }));
    read = () => {
      const text = control.value.trim();
      if (text === '') return { present: false };
      const number = Number(text);
      if (!Number.isFinite(number)) return { error: 'must be a number' };
      if (integer && !Number.isInteger(number)) return { error: 'must be a whole number' };
      return { present: true, value: number };
    };
  } else if (isType(node, 'array')) {
    const items = node.items ?? {};
    if (Array.isArray(items.enum)) {
      control = h('select', common({ multiple: true, size: String(Math.min(items.enum.length, 6)) }),
        items.enum.map((option) => h('option', { value: JSON.stringify(option), selected: Array.isArray(initial) && initial.some((x) => JSON.stringify(x) === JSON.stringify(option)) }, String(option))));
      read = () => {
        const chosen = [...control.selectedOptions].map((o) => JSON.parse(o.value));
        return chosen.length ? { present: true, value: chosen } : { present: false };
      };
    } else if (isType(items, 'object') || isType(items, 'array')) {
      control = h('textarea', common({ rows: '4', spellcheck: 'false', class: 'mono', value: initial === undefined ? '' : JSON.stringify(initial, null, 2) }));
      read = () => readJson(control.value, 'a JSON list');
    } else {
      describedBy.push(hintId);
      control = h('textarea', common({ rows: '3', 'aria-describedby': describedBy.join(' '), value: Array.isArray(initial) ? initial.join('\n') : '' }));
      read = () => {
        const lines = control.value.split('\n').map((line) => line.trim()).filter(Boolean);
        if (lines.length === 0) return { present: false };
        if (isType(items, 'number') || isType(items, 'integer')) {
          const numbers = lines.map(Number);
          if (numbers.some((n) => !Number.isFinite(n))) return { error: 'every line must be a number' };
          return { present: true, value: numbers };
        }
        if (isType(items, 'boolean')) return { present: true, value: lines.map((l) => l === 'true') };
        return { present: true, value: lines };
      };
    }
  } else if (isType(node, 'object') || widget === 'json' || widget === 'code') {
    control = h('textarea', common({ rows: '4', spellcheck: 'false', class: 'mono', value: initial === undefined ? '' : typeof initial === 'string' ? initial : JSON.stringify(initial, null, 2) }));
    read = isType(node, 'string') ? () => readText(control.value) : () => readJson(control.value, 'a JSON value');
  } else {
    const type = secret ? 'password'
      : widget === 'email' || node.format === 'email' ? 'email'
      : widget === 'url' || node.format === 'uri' ? 'url'
      : widget === 'date' || node.format === 'date' ? 'date'
      : widget === 'datetime' ? 'datetime-local'
      : widget === 'time' ? 'time'
      : widget === 'hidden' ? 'hidden'
      : 'text';
    const attrs = common({
      type,
      minlength: node.minLength,
      maxlength: node.maxLength,
      pattern: node.pattern,
      autocomplete: secret ? 'new-password' : 'off',
      spellcheck: secret ? 'false' : undefined,
      placeholder: secret && secretSet ? 'set — leave empty to keep it' : undefined,
      value: secret || initial === undefined ? '' : String(initial),
    });
    control = widget === 'textarea' ? h('textarea', { ...attrs, type: undefined, rows: '4' }) : h('input', attrs);
    read = () => readText(control.value);
  }

  focusable ??= () => control;
  const label = h('label', { for: id, id: `${id}-label` }, labelOf(name, node), required ? requiredMark() : null);
  const hintText = [hint, secret ? (secretSet ? 'A secret: it is set and never shown; type a new value to replace it.' : 'A secret: stored encrypted and never shown again.') : null,
    isType(node, 'array') && !Array.isArray(node.items?.enum) && !isType(node.items ?? {}, 'object') ? 'One value per line.' : null].filter(Boolean).join(' ');
  append(wrap, node['x-widget'] === 'hidden' ? [control] : [label, control, hintText ? h('p', { class: 'hint', id: hintId }, hintText) : null, error]);

  const entry = {
    node,
    required,
    read,
    focus: () => focusable().focus(),
    keepsSecret: () => secret && secretSet,
    setError(message) {
      error.hidden = !message;
      error.textContent = message ?? '';
      const target = focusable();
      target.toggleAttribute('aria-invalid', Boolean(message));
      if (message) target.setAttribute('aria-invalid', 'true');
      const ids = new Set((target.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
      if (message) ids.add(errorId); else ids.delete(errorId);
      if (ids.size) target.setAttribute('aria-describedby', [...ids].join(' ')); else target.removeAttribute('aria-describedby');
      wrap.classList.toggle('invalid', Boolean(message));
    },
  };
  context.fields.set(key, entry);
  return wrap;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) if (child) el.append(child);
}

const readText = (text) => (text === '' ? { present: false } : { present: true, value: text });

function readJson(text, what) {
  if (text.trim() === '') return { present: false };
  try {
    return { present: true, value: JSON.parse(text) };
  } catch {
    return { error: `must be ${what} (JSON)` };
  }
}

const FORMATS = {
  email: [(v) => /^[^\s@]+@[^\s@]+$/.test(v), 'an email address such as ops@example.com'],
  uri: [(v) => { try { return !/\s/.test(v) && Boolean(new URL(v).protocol); } catch { return false; } }, 'an absolute URI such as https://example.com/path'],
  date: [(v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)), 'a date such as 2024-05-01'],
  'date-time': [(v) => /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v), 'an RFC 3339 date-time such as 2024-05-01T12:00:00Z'],
  uuid: [(v) => /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v), 'a UUID'],
};

/** What is wrong with `value` for `node`, or null: the schema's own limits, in the center's words where it can. */
export function check(node, value) {
  if (Array.isArray(node.enum) && !node.enum.some((x) => JSON.stringify(x) === JSON.stringify(value))) {
    return `must be one of ${node.enum.map((x) => JSON.stringify(x)).join(', ')}`;
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (node.minLength !== undefined && length < node.minLength) return `must be at least ${node.minLength} characters long`;
    if (node.maxLength !== undefined && length > node.maxLength) return `must be at most ${node.maxLength} characters long`;
    if (node.pattern) {
      let pattern;
      try { pattern = new RegExp(node.pattern, 'u'); } catch { pattern = null; }
      if (pattern && !pattern.test(value)) return `must match the pattern ${node.pattern}`;
    }
    const format = FORMATS[node.format];
    if (format && !format[0](value)) return `must be ${format[1]}`;
  }
  if (typeof value === 'number') {
    if (node.minimum !== undefined && value < node.minimum) return `must be at least ${node.minimum}`;
    if (node.maximum !== undefined && value > node.maximum) return `must be at most ${node.maximum}`;
    if (node.exclusiveMinimum !== undefined && value <= node.exclusiveMinimum) return `must be greater than ${node.exclusiveMinimum}`;
    if (node.exclusiveMaximum !== undefined && value >= node.exclusiveMaximum) return `must be less than ${node.exclusiveMaximum}`;
  }
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < node.minItems) return `must have at least ${node.minItems} items`;
    if (node.maxItems !== undefined && value.length > node.maxItems) return `must have at most ${node.maxItems} items`;
    for (const [index, item] of value.entries()) {
      const problem = node.items ? check(node.items, item) : null;
      if (problem) return `item ${index + 1} ${problem}`;
    }
  }
  return null;
}
