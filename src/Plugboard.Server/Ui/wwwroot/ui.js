// Pieces every page uses: write controls that a viewer sees disabled, modal dialogs (native <dialog>: focus
// stays inside, Escape closes), a confirmation, and how a refusal is shown.

import { h, fill } from './dom.js';
import { session } from './api.js';

const READ_ONLY = 'Read-only: this token has the viewer role; an admin token may change this.';

/** A button that changes something: disabled, with the reason, for a viewer. */
export function writeButton(label, onclick, attrs = {}) {
  const readOnly = !session.canWrite;
  return h('button', {
    type: 'button',
    ...attrs,
    'data-write': '',
    disabled: readOnly || attrs.disabled,
    title: readOnly ? READ_ONLY : attrs.title,
    onclick: readOnly ? undefined : onclick,
  }, label);
}

/** A button label that is `visible` on screen and says what it acts on to screen readers: "Sync now (team)". */
export function named(visible, what) {
  return [visible, h('span', { class: 'visually-hidden' }, ` (${what})`)];
}

/** A paragraph that shows an error (role=alert, read out at once). */
export function errorBox() {
  return h('div', { class: 'error-box', role: 'alert', hidden: true });
}

/** Shows `error` (an ApiError or Error) in a box made by errorBox(); null hides it. */
export function showError(box, error, extra) {
  if (!error) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  fill(box,
    h('strong', {}, error.problem?.title ?? 'Something went wrong'),
    h('p', {}, error.message),
    extra ?? null);
}

/** Opens a modal dialog with `title` and `body`; returns { dialog, close }. */
export function openDialog(title, body, { wide = false, onclose } = {}) {
  const titleId = `dialog-title-${Date.now()}`;
  const closeButton = h('button', { type: 'button', class: 'close', 'aria-label': 'Close' }, '×');
  const dialog = h('dialog', { 'aria-labelledby': titleId, class: wide ? 'wide' : undefined },
    h('div', { class: 'dialog-head' }, h('h2', { id: titleId }, title), closeButton),
    body);
  const close = () => dialog.close();
  closeButton.addEventListener('click', close);
  dialog.addEventListener('close', () => {
    dialog.remove();
    onclose?.();
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, close };
}

/** Asks a yes/no question in a dialog; resolves true when confirmed. */
export function confirmAction(title, text, confirmLabel) {
  return new Promise((resolve) => {
    let answer = false;
    const yes = h('button', { type: 'submit', class: 'danger' }, confirmLabel);
    const no = h('button', { type: 'button' }, 'Cancel');
    const form = h('form', { method: 'dialog' }, h('p', {}, text), h('div', { class: 'actions' }, yes, no));
    const { close } = openDialog(title, form, { onclose: () => resolve(answer) });
    yes.addEventListener('click', () => { answer = true; });
    no.addEventListener('click', close);
    no.focus();
  });
}

/** A submit button that shows it is busy while `work` runs. */
export async function busy(button, work) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

/** A labelled form control: <label> + control (+ hint). */
export function labelled(label, control, hint) {
  const hintId = hint ? `${control.id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' },
    h('label', { for: control.id }, label),
    control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: `${control.id}-error`, hidden: true }));
}

/** Shows an error beside a control made with labelled(). */
export function fieldError(control, message) {
  const box = document.getElementById(`${control.id}-error`);
  if (!box) return false;
  box.hidden = !message;
  box.textContent = message ?? '';
  if (message) {
    control.setAttribute('aria-invalid', 'true');
    const ids = new Set((control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
    ids.add(box.id);
    control.setAttribute('aria-describedby', [...ids].join(' '));
  } else {
    control.removeAttribute('aria-invalid');
  }
  return true;
}
