// App screens through the real path: the stock calculator, notes, dPay, dSocial and dMessenger installed from apps/,
// run in their workers by a Host, `ui.render` / `ui.event` returning view trees the host checks
// (runtime/ui/app-screen.ts). Also: the `ui` capability gate (deny by default, at link time for an
// app that imports ui.check), and an app's own failure shown as a frame error, not thrown.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../isa/paths.js';
import { AppScreens, UiError, type SafeNode, type ScreenResult } from '../../../runtime/ui/index.js';
import { cleanup, quietHost, refusalCode, tempHome } from '../helpers.js';

const home = tempHome('ui-screen');
const host = quietHost(home);
const screens = new AppScreens(host);

test.after(async () => {
  await host.close();
  cleanup(home);
});

const view = (r: ScreenResult): SafeNode => {
  if ('error' in r) throw new Error(`frame error ${r.error.code}: ${r.error.message}`);
  return r.view;
};
/** Every node of a tree, depth first. */
const nodes = (n: SafeNode): SafeNode[] => [n, ...((n.children as SafeNode[] | undefined) ?? []).flatMap(nodes)];
const texts = (n: SafeNode): string[] =>
  nodes(n)
    .filter((x) => x.kind === 'text' || x.kind === 'heading')
    .map((x) => x.text as string);

test('calculator: render draws the keypad; key events build the expression; = evaluates exactly', async () => {
  await host.install(join(ROOT, 'apps/calculator'), { grant: () => true });
  const first = view(await screens.render('calculator'));
  assert.is(first.kind, 'column');
  const buttons = nodes(first).filter((n) => n.kind === 'button');
  const seven = buttons.find((b) => b.label === '7')!;
  assert.ok(seven, 'a 7 key');
  let expr = '';
  for (const key of ['0', '.', '1', '+', '0', '.', '2']) {
    const b = buttons.find((x) => x.label === key)!;
    const next = view(await screens.event('calculator', { id: b.id, value: b.value, form: { expr } }));
    expr = nodes(next).find((n) => n.id === 'expr')!.value as string;
  }
  assert.is(expr, '0.1+0.2');
  const result = view(await screens.event('calculator', { id: 'equals', form: { expr } }));
  assert.ok(texts(result).includes('= 0.3'), texts(result).join(' | '));
  const error = view(await screens.event('calculator', { id: 'equals', form: { expr: '1/0' } }));
  assert.ok(
    texts(error).some((t) => t.startsWith('Error: division by zero')),
    texts(error).join(' | '),
  );
});

test('notes: add a note from the form, see it listed, open it, delete it', async () => {
  await host.install(join(ROOT, 'apps/notes'), { grant: () => true });
  assert.ok(texts(view(await screens.render('notes'))).includes('No notes yet.'));
  const added = view(await screens.event('notes', { id: 'add', form: { title: 'Groceries', body: 'milk\n<b>eggs</b>' } }));
  assert.ok(texts(added).includes('Added "Groceries".'), texts(added).join(' | '));
  const open = nodes(added).find((n) => n.kind === 'button' && n.label === 'Open')!;
  const note = view(await screens.event('notes', { id: open.id }));
  assert.equal(texts(note).slice(0, 2), ['Groceries', 'milk\n<b>eggs</b>']);
  const del = nodes(view(await screens.render('notes'))).find((n) => n.kind === 'button' && n.label === 'Delete')!;
  assert.ok(texts(view(await screens.event('notes', { id: del.id }))).includes('No notes yet.'));
  // the app's own refusal (an empty title) is text in its frame
  assert.ok(texts(view(await screens.event('notes', { id: 'add', form: { title: ' ' } }))).some((t) => t.includes("'title' is required")));
});

test('dpay: without a session the screen says so and still offers the send form and history', async () => {
  await host.install(join(ROOT, 'apps/dpay'), { grant: () => true });
  const v = view(await screens.render('dpay'));
  assert.ok(
    texts(v).some((t) => t.startsWith('Nobody is logged in')),
    texts(v).join(' | '),
  );
  assert.ok(nodes(v).some((n) => n.kind === 'button' && n.id === 'send'));
  assert.ok(texts(v).includes('No transfers yet.'));
  const sent = view(await screens.event('dpay', { id: 'send', form: { to: 'bob', quantity: '1.0000 RSN', memo: '' } }));
  assert.ok(
    texts(sent).some((t) => t.startsWith('Not sent:')),
    texts(sent).join(' | '),
  );
});

test('dsocial and dmessenger: without a session each screen says so; their events are refused in the frame, not thrown', async () => {
  await host.install(join(ROOT, 'apps/dsocial'), { grant: () => true });
  await host.install(join(ROOT, 'apps/dmessenger'), { grant: () => true });
  const social = view(await screens.render('dsocial'));
  assert.ok(
    texts(social).some((t) => t.startsWith('Nobody is logged in')),
    texts(social).join(' | '),
  );
  const posted = view(await screens.event('dsocial', { id: 'post', form: { text: 'hello' } }));
  assert.ok(texts(posted).some((t) => t.startsWith('Nobody is logged in')));
  const messenger = view(await screens.render('dmessenger'));
  assert.ok(
    texts(messenger).some((t) => t.startsWith('Nobody is logged in')),
    texts(messenger).join(' | '),
  );
  const sent = view(await screens.event('dmessenger', { id: 'send', form: { to: 'bob', text: 'hi' } }));
  assert.ok(
    texts(sent).some((t) => t.startsWith('Nobody is logged in') || t.startsWith('Not sent')),
    texts(sent).join(' | '),
  );
});

test('the SDK View builder: every component, as the host checks it; events carry the form; View.check() agrees', async () => {
  await host.install(join(ROOT, 'test/fixtures/apps/ui-gallery'), { grant: () => true });
  const v = view(await screens.render('ui-gallery'));
  assert.equal(v, {
    kind: 'column',
    children: [
      { kind: 'heading', text: 'Gallery' },
      { kind: 'text', text: 'Every component.\nTwo lines.' },
      { kind: 'input', id: 'name', label: 'Name', value: 'Ada', placeholder: 'your name' },
      { kind: 'input', id: 'bio', label: 'Bio', value: 'line one\nline two', multiline: true },
      { kind: 'number', id: 'age', label: 'Age', value: '36' },
      { kind: 'select', id: 'color', label: 'Color', options: ['red', 'green', 'blue'], value: 'green' },
      { kind: 'checkbox', id: 'agree', label: 'I agree', checked: true },
      {
        kind: 'table',
        columns: ['Item', 'Qty'],
        rows: [
          ['apples', '3'],
          ['pears', '5'],
        ],
      },
      { kind: 'image', src: 'assets/logo.png', alt: 'the logo' },
      { kind: 'amount', value: '12.5000 RSN', label: 'Balance' },
      { kind: 'account', name: 'alice', label: 'Owner' },
      {
        kind: 'row',
        children: [
          { kind: 'button', id: 'save', label: 'Save', value: 'v1' },
          { kind: 'button', id: 'reset', label: 'Reset' },
        ],
      },
      {
        kind: 'list',
        children: [
          { kind: 'text', text: 'first' },
          { kind: 'text', text: 'second' },
        ],
      },
    ],
  });
  const echoed = view(
    await screens.event('ui-gallery', { id: 'save', value: 'v1', form: { name: 'Bo', age: 7, color: 'red', agree: false } }),
  );
  assert.ok(texts(echoed).includes('event save value v1 name Bo age 7 color red agree no'), texts(echoed).join(' | '));
  assert.is(await host.run('ui-gallery', 'check', {}), -1);
});

test('ui.check in the real worker: the host rule answers the app (ok, invalid-argument, limit-exceeded)', async () => {
  await host.install(join(ROOT, 'test/fixtures/apps/ui-hostile'), { grant: () => true });
  // good, unknown kind, __proto__ field, image outside the package, too deep, huge string
  assert.equal(await host.run('ui-hostile', 'check', {}), [-1, 0, 0, 0, 4, 4]);
});

test('a screen that spins past its deadline, or fails with markup and escapes, is a typed error for its frame; the host keeps serving', async () => {
  const spin = await screens.event('ui-hostile', { id: 'spin' });
  assert.ok('error' in spin);
  assert.is(spin.error.code, 'DEADLINE_EXCEEDED');
  const failed = await screens.event('ui-hostile', { id: 'fail' });
  assert.ok('error' in failed);
  assert.is(failed.error.code, 'APP_ERROR');
  assert.not.match(failed.error.message, '\x1b', 'escapes made visible');
  assert.match(failed.error.message, '\\x1b[2J<script>alert(5)</script>');
  assert.is(view(await screens.render('ui-hostile')).kind, 'column', 'the next render works');
});

test('the ui capability: a module importing ui.check without the grant is refused at install', async () => {
  const dir = join(home, 'src', 'ui-nogrant');
  cpSync(join(ROOT, 'test/fixtures/apps/ui-hostile'), dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'peeros.json'), 'utf8'));
  writeFileSync(join(dir, 'peeros.json'), JSON.stringify({ ...m, name: 'ui-nogrant', capabilities: {} }));
  assert.is(await refusalCode(host.install(dir, { grant: () => true }), 'installing a ui.check importer without ui'), 'CAPABILITY_DENIED');
});

const uiCode = (call: Promise<unknown>): Promise<string> =>
  call.then(
    () => 'accepted',
    (e: unknown) => (e instanceof UiError ? e.code : `not a UiError: ${String(e)}`),
  );

test('events from the page are checked before the app runs; a missing or ungranted app is the chrome`s error', async () => {
  assert.is(await uiCode(screens.event('calculator', { id: '<script>' })), 'EVENT_INVALID');
  assert.is(await uiCode(screens.event('calculator', { id: 'x', form: { a: { b: 1 } } })), 'EVENT_INVALID');
  assert.is(await uiCode(screens.render('nosuchapp')), 'UI_NOT_AVAILABLE');
  // an installed app without the ui capability (its module does not import ui.check)
  await host.install(join(ROOT, 'apps/calendar'), { grant: () => true });
  assert.is(await uiCode(screens.render('calendar')), 'UI_NOT_AVAILABLE');
});

test.run();
