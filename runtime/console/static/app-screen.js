// An app's screen in the console (app.html?app=NAME): asks the console to run the app's
// `ui.render`, draws the view tree that comes back, and on each button sends the event (with the
// form's current values) and draws the tree the app answers with. The tree was checked by the host
// (runtime/ui/view-tree.ts: a fixed component set, bounded, strings escaped); this file draws only
// those components, with DOM APIs: every string is set as text (textContent, text nodes, value
// properties), never parsed as HTML — nothing here assigns innerHTML or inserts markup. An app's
// failure (its error, a trap, a refused tree) is drawn inside the frame, never in the chrome.

import { api, el, loadToken } from './page-tools.js';
import { startSigningDialogs } from './signing-dialog.js';
import { startInstallDialogs } from './install-dialog.js';

const frame = document.getElementById('frame');
const message = document.getElementById('message');
const app = new URLSearchParams(location.search).get('app') ?? '';
/** Each draw is applied only while it is the latest request: a slow answer never paints over a newer one. */
let generation = 0;

function say(text, isError = false) {
  message.textContent = text;
  message.className = isError ? 'error' : '';
}

/** An element with a class; `text` (if any) becomes its text content. */
function node(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = String(text);
  return e;
}

/** A labelled value (amount, account): label, then the value. */
function labelled(cls, label, value) {
  const e = node('span', cls);
  if (label) e.append(node('span', 'v-label', label));
  e.append(node('span', 'value', value));
  return e;
}

/** A form field in its label. */
function field(label, control) {
  const l = node('label', 'v-field');
  if (label) l.append(node('span', 'v-label', label));
  l.append(control);
  return l;
}

/** Draws one checked node; unknown kinds (the host sends none) are drawn as nothing. */
function draw(n) {
  switch (n.kind) {
    case 'column':
    case 'row': {
      const e = node('div', `v-${n.kind}`);
      for (const c of n.children) e.append(draw(c));
      return e;
    }
    case 'list': {
      const e = node('ul', 'v-list');
      for (const c of n.children) {
        const li = node('li');
        li.append(draw(c));
        e.append(li);
      }
      return e;
    }
    case 'heading':
      return node('h2', 'v-heading', n.text);
    case 'text':
      return node('p', 'v-text', n.text);
    case 'table': {
      const t = node('table', 'v-table');
      const head = t.createTHead().insertRow();
      for (const c of n.columns) head.append(node('th', '', c));
      const body = t.createTBody();
      for (const row of n.rows) {
        const tr = body.insertRow();
        for (const cell of row) tr.append(node('td', '', cell));
      }
      return t;
    }
    case 'input': {
      const c = n.multiline ? node('textarea') : node('input');
      if (!n.multiline) c.type = 'text';
      c.value = n.value ?? '';
      if (n.placeholder) c.placeholder = n.placeholder;
      c.dataset.field = n.id;
      c.id = `f-${n.id}`;
      return field(n.label, c);
    }
    case 'number': {
      const c = node('input');
      c.type = 'text';
      c.inputMode = 'decimal';
      c.value = n.value ?? '';
      c.dataset.field = n.id;
      c.dataset.number = '1';
      c.id = `f-${n.id}`;
      return field(n.label, c);
    }
    case 'select': {
      const c = node('select');
      for (const o of n.options) {
        const opt = node('option', '', o);
        opt.value = o;
        c.append(opt);
      }
      if (n.value !== undefined) c.value = n.value;
      c.dataset.field = n.id;
      c.id = `f-${n.id}`;
      return field(n.label, c);
    }
    case 'checkbox': {
      const l = node('label', 'v-check');
      const c = node('input');
      c.type = 'checkbox';
      c.checked = n.checked === true;
      c.dataset.field = n.id;
      c.dataset.check = '1';
      c.id = `f-${n.id}`;
      l.append(c, document.createTextNode(n.label ?? ''));
      return l;
    }
    case 'button': {
      const b = node('button', 'v-button', n.label);
      b.type = 'button';
      b.dataset.id = n.id;
      b.addEventListener('click', () => send(n.id, n.value ?? ''));
      return b;
    }
    case 'image': {
      const img = node('img', 'v-image');
      img.alt = n.alt ?? '';
      img.src = `/api/apps/asset?app=${encodeURIComponent(app)}&path=${encodeURIComponent(n.src)}`;
      return img;
    }
    case 'amount':
      return labelled('v-amount', n.label, n.value);
    case 'account':
      return labelled('v-account', n.label, n.name);
    default:
      return document.createTextNode('');
  }
}

/** The current value of every form field in the frame: field id → string, number text or boolean. */
function formValues() {
  const form = {};
  for (const c of frame.querySelectorAll('[data-field]')) form[c.dataset.field] = c.dataset.check ? c.checked : c.value;
  return form;
}

/** Draws a screen result: the view, or the app's failure as an error inside the frame. */
function show(result) {
  frame.removeAttribute('aria-busy');
  if (result.error) {
    const box = node('div', 'frame-error');
    box.append(node('p', 'code', result.error.code), node('p', 'v-text', result.error.message));
    frame.replaceChildren(box);
    frame.dataset.state = 'error';
    return;
  }
  frame.replaceChildren(draw(result.view));
  frame.dataset.state = 'view';
}

async function request(path, body) {
  const mine = ++generation;
  frame.setAttribute('aria-busy', 'true');
  try {
    const result = await api(path, body);
    if (mine !== generation) return;
    say('');
    show(result);
    frame.dataset.renders = String(Number(frame.dataset.renders ?? 0) + 1);
  } catch (e) {
    if (mine === generation) say(e.message, true);
  }
}

function send(id, value) {
  return request('/api/apps/screen/event', { app, event: { id, value, form: formValues() } });
}

async function start() {
  document.getElementById('app-name').textContent = app;
  document.title = `${app} — PeerOS`;
  try {
    // the token the launcher kept when it exchanged the launch secret (same origin, same storage)
    loadToken();
    await api('/api/status');
  } catch (e) {
    say(`No console session (${e.message}): open the console from the address peeros console printed.`, true);
    return;
  }
  // a send from the screen waits for the user in the host's signing dialog, drawn over this page
  // by the host's own script (never by the app's view)
  startSigningDialogs({ api, el, say });
  startInstallDialogs({ api, el, say });
  // the chrome's own control: draws the screen afresh (after chain state changed behind it)
  document.getElementById('refresh').addEventListener('click', () => request('/api/apps/screen', { app }));
  await request('/api/apps/screen', { app });
}

start();
