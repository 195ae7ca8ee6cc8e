// The view-tree validator (runtime/ui/view-tree.ts) as an attacker would probe it: every bound at
// its limit and one past it, unknown components and fields (prototype keys included), markup and
// bidi/control characters in text, image paths leaving the package's assets, and malformed bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pack } from '../../../abi/msgpack/index.js';
import { boundaryPackr } from '../../../abi/msgpack/codec.js';
import {
  validateView,
  validateViewBytes,
  validateEvent,
  UiError,
  MAX_VIEW_BYTES,
  MAX_VIEW_DEPTH,
  MAX_VIEW_NODES,
  MAX_VIEW_IMAGES,
  MAX_VIEW_TEXT_CHARS,
  MAX_VIEW_LABEL_CHARS,
  MAX_VIEW_TOTAL_CHARS,
  MAX_TABLE_COLUMNS,
  MAX_SELECT_OPTIONS,
  MAX_EVENT_FORM_FIELDS,
} from '../../../runtime/ui/index.js';
import { packagePathProblem } from '../../../runtime/package-archive/package-path.js';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.instance(e, UiError, `expected a UiError, got ${String(e)}`);
    return (e as UiError).code;
  }
  throw new Error('accepted');
};
const col = (...children: unknown[]) => ({ kind: 'column', children });
const text = (t: string) => ({ kind: 'text', text: t });

test('every component of the fixed set passes, and comes out with only its fields', () => {
  const view = col(
    { kind: 'heading', text: 'Title' },
    text('two\nlines'),
    { kind: 'row', children: [{ kind: 'button', id: 'go', label: 'Go', value: 'x' }] },
    { kind: 'list', children: [text('a'), text('b')] },
    { kind: 'table', columns: ['A', 'B'], rows: [['1', 2]] },
    { kind: 'input', id: 'name', label: 'Name', value: 'v', placeholder: 'p', multiline: true },
    { kind: 'number', id: 'n', label: 'N', value: 1.5 },
    { kind: 'select', id: 's', label: 'S', options: ['x', 'y'], value: 'y' },
    { kind: 'checkbox', id: 'c', label: 'C', checked: true },
    { kind: 'image', src: 'assets/logo.png', alt: 'logo' },
    { kind: 'amount', value: '-1.0000 RSN', label: 'Balance' },
    { kind: 'account', name: 'alice', label: 'You' },
  );
  const out = validateView(view);
  assert.equal(out, {
    ...view,
    children: view.children.map((c) =>
      (c as { kind: string }).kind === 'table'
        ? { kind: 'table', columns: ['A', 'B'], rows: [['1', '2']] }
        : (c as { kind: string }).kind === 'number'
          ? { kind: 'number', id: 'n', label: 'N', value: '1.5' }
          : c,
    ),
  });
  // the same tree as bytes (ui.check's path)
  assert.equal(validateViewBytes(pack(view)), out);
});

test('an unknown component, an unknown field, prototype keys: typed errors naming the path', () => {
  assert.is(
    code(() => validateView(col({ kind: 'script', text: 'x' }))),
    'VIEW_UNKNOWN_KIND',
  );
  assert.is(
    code(() => validateView(col({ kind: 'toString' }))),
    'VIEW_UNKNOWN_KIND',
  );
  assert.is(
    code(() => validateView(col({ kind: '__proto__' }))),
    'VIEW_UNKNOWN_KIND',
  );
  assert.is(
    code(() => validateView(col({ kind: 'text', text: 'x', html: '<b>' }))),
    'VIEW_UNKNOWN_FIELD',
  );
  assert.is(
    code(() => validateView(col({ kind: 'text', text: 'x', style: 'color:red' }))),
    'VIEW_UNKNOWN_FIELD',
  );
  assert.is(
    code(() => validateView(col({ kind: 'text', text: 'x', constructor: 'x' }))),
    'VIEW_UNKNOWN_FIELD',
  );
  // a __proto__ key arriving in msgpack (msgpackr keeps it as an own property)
  const bytes = Buffer.from([
    0x82,
    0xa4,
    ...Buffer.from('kind'),
    0xa4,
    ...Buffer.from('text'),
    0xa9,
    ...Buffer.from('__proto__'),
    0x81,
    0xa4,
    ...Buffer.from('text'),
    0xa1,
    0x78,
  ]);
  assert.is(
    code(() => validateViewBytes(bytes)),
    'VIEW_UNKNOWN_FIELD',
  );
  assert.is(({} as Record<string, unknown>).text, undefined, 'no prototype was polluted');
  try {
    validateView(col(text('ok'), { kind: 'button', id: 'x' }));
  } catch (e) {
    assert.match((e as Error).message, 'view.children[1].label');
  }
  assert.is(
    code(() => validateView(col({ kind: 'button', id: 'x' }))),
    'VIEW_BAD_FIELD',
    'a required field missing',
  );
  assert.is(
    code(() => validateView([text('x')])),
    'VIEW_MALFORMED',
  );
  assert.is(
    code(() => validateView('text')),
    'VIEW_MALFORMED',
  );
  assert.is(
    code(() => validateView(null)),
    'VIEW_MALFORMED',
  );
  assert.is(
    code(() => validateView(col(text(42 as unknown as string)))),
    'VIEW_BAD_FIELD',
  );
  assert.is(
    code(() => validateView({ kind: 'column', children: 'no' })),
    'VIEW_BAD_FIELD',
  );
});

test('depth: MAX_VIEW_DEPTH nested containers pass, one more is VIEW_TOO_DEEP (bytes too)', () => {
  const nest = (n: number): unknown => (n === 1 ? text('leaf') : col(nest(n - 1)));
  validateView(nest(MAX_VIEW_DEPTH));
  validateViewBytes(pack(nest(MAX_VIEW_DEPTH)));
  assert.is(
    code(() => validateView(nest(MAX_VIEW_DEPTH + 1))),
    'VIEW_TOO_DEEP',
  );
  assert.is(
    code(() => validateViewBytes(pack(nest(MAX_VIEW_DEPTH + 1)))),
    'VIEW_TOO_DEEP',
  );
  // far deeper than any limit: refused before a stack is spent on it
  assert.is(
    code(() => validateView(nest(5000))),
    'VIEW_TOO_DEEP',
  );
});

test('nodes: MAX_VIEW_NODES pass, one more (children, cells or options) is VIEW_TOO_LARGE', () => {
  const many = (n: number) => col(...Array.from({ length: n - 1 }, () => text('')));
  validateView(many(MAX_VIEW_NODES));
  assert.is(
    code(() => validateView(many(MAX_VIEW_NODES + 1))),
    'VIEW_TOO_LARGE',
  );
  const rows = Array.from({ length: MAX_VIEW_NODES / 2 }, () => ['a', 'b']);
  assert.is(
    code(() => validateView(col({ kind: 'table', columns: ['A', 'B'], rows }))),
    'VIEW_TOO_LARGE',
  );
  assert.is(
    code(() => validateView(col({ kind: 'table', columns: Array(MAX_TABLE_COLUMNS + 1).fill('c'), rows: [] }))),
    'VIEW_BAD_FIELD',
  );
  assert.is(
    code(() => validateView(col({ kind: 'table', columns: ['A'], rows: [['1', '2', '3']] }))),
    'VIEW_BAD_FIELD',
    'a row longer than the columns',
  );
  validateView(col({ kind: 'select', id: 's', label: 'S', options: Array(MAX_SELECT_OPTIONS).fill('o') }));
  assert.is(
    code(() => validateView(col({ kind: 'select', id: 's', label: 'S', options: Array(MAX_SELECT_OPTIONS + 1).fill('o') }))),
    'VIEW_BAD_FIELD',
  );
  assert.is(
    code(() => validateView(col({ kind: 'select', id: 's', label: 'S', options: ['a'], value: 'b' }))),
    'VIEW_BAD_FIELD',
  );
});

test('images: an app naming its package`s many small files in one tree is bounded by MAX_VIEW_IMAGES (each decodes to pixels in the page)', () => {
  // the attack: 2000 image nodes, each a different 8 KiB file of the package declaring 8192 x 8192
  // pixels (256 MiB each in the browser); the pixels are bounded by the console (screen-image.ts),
  // the count here, so a screen's images cost the page a bounded amount
  const images = (n: number) => col(...Array.from({ length: n }, (_, i) => ({ kind: 'image', src: `assets/b${i}.png` })));
  validateView(images(MAX_VIEW_IMAGES));
  assert.is(
    code(() => validateView(images(MAX_VIEW_IMAGES + 1))),
    'VIEW_TOO_LARGE',
  );
  assert.is(
    code(() => validateView(images(MAX_VIEW_NODES - 1))),
    'VIEW_TOO_LARGE',
  );
  // nested in rows and lists they count the same
  const nested = col(
    ...Array.from({ length: MAX_VIEW_IMAGES + 1 }, (_, i) => ({ kind: 'row', children: [{ kind: 'image', src: `assets/${i}.png` }] })),
  );
  assert.is(
    code(() => validateView(nested)),
    'VIEW_TOO_LARGE',
  );
  assert.is(
    code(() => validateViewBytes(pack(nested))),
    'VIEW_TOO_LARGE',
    'ui.check too',
  );
});

test('strings: each field at its bound passes, one character more is VIEW_STRING_TOO_LONG; the whole tree is bounded too', () => {
  validateView(text('x'.repeat(MAX_VIEW_TEXT_CHARS)));
  assert.is(
    code(() => validateView(text('x'.repeat(MAX_VIEW_TEXT_CHARS + 1)))),
    'VIEW_STRING_TOO_LONG',
  );
  validateView({ kind: 'heading', text: 'h'.repeat(MAX_VIEW_LABEL_CHARS) });
  assert.is(
    code(() => validateView({ kind: 'heading', text: 'h'.repeat(MAX_VIEW_LABEL_CHARS + 1) })),
    'VIEW_STRING_TOO_LONG',
  );
  assert.is(
    code(() => validateView(col({ kind: 'button', id: 'b', label: 'l'.repeat(MAX_VIEW_LABEL_CHARS + 1) }))),
    'VIEW_STRING_TOO_LONG',
  );
  assert.is(
    code(() => validateView(text('x'.repeat(10_000_000)))),
    'VIEW_STRING_TOO_LONG',
  );
  const fill = Math.ceil(MAX_VIEW_TOTAL_CHARS / MAX_VIEW_TEXT_CHARS) + 1;
  assert.is(
    code(() => validateView(col(...Array.from({ length: fill }, () => text('x'.repeat(MAX_VIEW_TEXT_CHARS)))))),
    'VIEW_TOO_LARGE',
  );
});

test('bytes: MAX_VIEW_BYTES is checked before decoding; malformed msgpack is VIEW_MALFORMED', () => {
  assert.is(
    code(() => validateViewBytes(new Uint8Array(MAX_VIEW_BYTES + 1))),
    'VIEW_TOO_LARGE',
  );
  assert.is(
    code(() => validateViewBytes(new Uint8Array([0xc1]))),
    'VIEW_MALFORMED',
  );
  assert.is(
    code(() => validateViewBytes(new Uint8Array([0x82, 0xa4]))),
    'VIEW_MALFORMED',
  );
  assert.is(
    code(() => validateViewBytes(new Uint8Array([]))),
    'VIEW_MALFORMED',
  );
  assert.is(
    code(() => validateViewBytes(Buffer.concat([pack(text('x')), Buffer.from([0])]))),
    'VIEW_MALFORMED',
    'trailing bytes',
  );
  // an array of a million nils: a few bytes each, refused by the value count before msgpackr builds it
  const flood = boundaryPackr.pack(Array(200_000).fill(null));
  assert.ok(flood.length < MAX_VIEW_BYTES);
  assert.is(
    code(() => validateViewBytes(flood)),
    'VIEW_TOO_LARGE',
  );
});

test('markup stays text; controls and bidi overrides come out as visible escapes', () => {
  const out = validateView(
    col(text('<img src=x onerror=alert(1)>'), text('pay \u202eNSR 0001\u202c ok\x1b[2J'), { kind: 'heading', text: 'a\nb' }),
  );
  const kids = out.children as Array<{ text: string }>;
  assert.is(kids[0]!.text, '<img src=x onerror=alert(1)>', 'markup is kept as characters (the page sets textContent)');
  assert.is(kids[1]!.text, 'pay \\u202eNSR 0001\\u202c ok\\x1b[2J');
  assert.is(kids[2]!.text, 'a\\nb', 'a heading is one line');
  assert.is(validateView(text('para\ngraph')).text, 'para\ngraph', 'a text keeps its newlines');
});

test('ids, assets, accounts and image paths', () => {
  assert.is(
    code(() => validateView(col({ kind: 'button', id: 'a b', label: 'x' }))),
    'VIEW_BAD_FIELD',
  );
  assert.is(
    code(() => validateView(col({ kind: 'button', id: '', label: 'x' }))),
    'VIEW_BAD_FIELD',
  );
  assert.is(
    code(() => validateView(col({ kind: 'button', id: 'x', label: 'x' }, { kind: 'input', id: 'x' }))),
    'VIEW_DUPLICATE_ID',
  );
  assert.is(
    code(() => validateView({ kind: 'amount', value: '1 RSN; rm' })),
    'VIEW_BAD_FIELD',
  );
  assert.is(
    code(() => validateView({ kind: 'account', name: 'Alice<b>' })),
    'VIEW_BAD_FIELD',
  );
  assert.is(
    code(() => validateView({ kind: 'number', id: 'n', value: '1e9' })),
    'VIEW_BAD_FIELD',
  );
  for (const src of [
    '../peeros.json',
    'assets/../app.wasm',
    'assets/../../install.json',
    '/etc/passwd',
    'assets//x.png',
    'assets/.hidden.png',
    'assets\\..\\x.png',
    'https://evil.example/x.png',
    'data:image/png;base64,AAAA',
    'icon.png',
    'assets/\u202egnp.exe',
    'assets/',
  ])
    assert.is(
      code(() => validateView({ kind: 'image', src })),
      'VIEW_BAD_IMAGE_PATH',
      src,
    );
  for (const src of ['assets/img/logo-2.png', 'assets/a', 'assets/a/b/c/d/e/f/g.png']) {
    validateView({ kind: 'image', src });
    assert.is(packagePathProblem(src), undefined, `${src} is a package path too`);
  }
  assert.is(
    code(() => validateView({ kind: 'image', src: 'assets/a/b/c/d/e/f/g/h.png' })),
    'VIEW_BAD_IMAGE_PATH',
    'deeper than a package path',
  );
});

test('events from the page: id, value and form are checked and bounded; form keys cannot touch a prototype', () => {
  const ev = validateEvent({ id: 'send', value: 'v', form: { to: 'bob', n: 2, ok: true, __proto__x: 'y' } });
  assert.is(ev.id, 'send');
  assert.is(ev.form.get('to'), 'bob');
  const proto = validateEvent(JSON.parse('{"id":"x","form":{"__proto__":"p","constructor":"c"}}'));
  assert.is(proto.form.get('__proto__'), 'p', 'kept as a map entry, not a prototype');
  assert.is(
    code(() => validateEvent({ id: 'a b' })),
    'EVENT_INVALID',
  );
  assert.is(
    code(() => validateEvent({ id: 'x', extra: 1 })),
    'EVENT_INVALID',
  );
  assert.is(
    code(() => validateEvent({ id: 'x', form: { a: { nested: 1 } } })),
    'EVENT_INVALID',
  );
  assert.is(
    code(() => validateEvent({ id: 'x', form: { a: 'x'.repeat(MAX_VIEW_TEXT_CHARS + 1) } })),
    'EVENT_INVALID',
  );
  const fields = Object.fromEntries(Array.from({ length: MAX_EVENT_FORM_FIELDS + 1 }, (_, i) => [`f${i}`, '']));
  assert.is(
    code(() => validateEvent({ id: 'x', form: fields })),
    'EVENT_INVALID',
  );
  assert.is(
    code(() => validateEvent([])),
    'EVENT_INVALID',
  );
});

test.run();
