// `peeros invoke` through the real CLI (issue 17): plain `asc`-built modules (test/fixtures/invoke,
// compiled by the build step, no SDK) called in the app sandbox with no capability — numbers,
// strings and arrays through @assemblyscript/loader, an abort with its message, a foreign import
// refused by name, a looping export stopped at its deadline — and an SDK app through its own glue.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempHome } from './world.js';
import { runCli } from './measured-cli.js';

const BUILD = join(ROOT, 'test/fixtures/invoke/build');
const PLAIN = join(BUILD, 'plain.wasm'); // with plain.d.ts (asc --bindings esm) beside it
const BARE = join(BUILD, 'plain-bare.wasm'); // same module, no bindings
const ABORT_APP = join(ROOT, 'test/fixtures/apps/abort/build/abort.wasm');
let home: string;
const invoke = (...args: string[]) => runCli(['invoke', ...args], { PEEROS_HOME: home }, 60_000);

test.before(() => {
  home = tempHome('invoke');
});
test.after(() => rmSync(home, { recursive: true, force: true }));

test('add(i32, i32): i32 prints the sum', async () => {
  const r = await invoke(PLAIN, 'add', '40', '2');
  assert.is(r.code, 0, r.err);
  assert.is(r.out, '42\n');
});

test('greet(string): string is lowered and lifted by the loader, types from the bindings', async () => {
  const r = await invoke(PLAIN, 'greet', 'wörld 🌍');
  assert.is(r.code, 0, r.err);
  assert.is(r.out, 'Hello, wörld 🌍!\n');
});

test('sum(Int32Array): i32 takes a comma list or a JSON array', async () => {
  const a = await invoke(PLAIN, 'sum', '1,2,3,-4');
  assert.is(a.code, 0, a.err);
  assert.is(a.out, '2\n');
  const b = await invoke(PLAIN, 'sum', '[10, 20]', '--json');
  assert.is(b.code, 0, b.err);
  assert.equal(JSON.parse(b.out), { function: 'sum', type: 'i32', result: 30 });
});

test('without bindings, --arg-types/--result-type choose the lifting; without them a string is refused as an argument error', async () => {
  const r = await invoke(BARE, 'greet', 'flags', '--arg-types', 'string', '--result-type', 'string');
  assert.is(r.code, 0, r.err);
  assert.is(r.out, 'Hello, flags!\n');
  const bare = await invoke(BARE, 'greet', 'flags');
  assert.is(bare.code, 2);
  assert.match(bare.err, /argument 1 \(i32\)/);
});

test('an abort becomes ABORT with AssemblyScript message, file, line and column', async () => {
  const r = await invoke(PLAIN, 'withdraw', '5', '9');
  assert.is(r.code, 1);
  assert.match(r.err, /ABORT: .*'withdraw' aborted: insufficient funds: 9 > 5 at test\/fixtures\/invoke\/assembly\/plain\.ts:52:3/);
});

test('an SDK app is called through its own glue, and its abort keeps its message too', async () => {
  const ok = await invoke(ABORT_APP, 'check', '{"balance": 5, "amount": 2}');
  assert.is(ok.code, 0, ok.err);
  assert.is(ok.out, '3\n');
  const r = await invoke(ABORT_APP, 'check', '{"balance": 5, "amount": 9}');
  assert.is(r.code, 1);
  assert.match(r.err, /ABORT: app 'abort\.wasm' command 'check' aborted: insufficient funds: 9 > 5 at assembly\/index\.ts:\d+:\d+/);
  const spoof = await invoke(ABORT_APP, 'spoof');
  assert.is(spoof.code, 1);
  assert.not.ok(spoof.err.includes('\u001b')); // the app's escape sequence is shown, not acted on
  assert.match(spoof.err, /\\x1b\[2J\\npeeros: all good/);
});

test('a module importing anything besides env.abort/trace/seed is refused, naming the import', async () => {
  const r = await invoke(join(BUILD, 'foreign.wasm'), 'leak');
  assert.is(r.code, 1);
  assert.match(r.err, /LINK_ERROR: .*import host::read_secret is refused/);
});

test('a looping export hits its CPU deadline and its worker is terminated', async () => {
  const r = await invoke(PLAIN, 'spin', '--cpu-ms', '200');
  assert.is(r.code, 1);
  assert.match(r.err, /DEADLINE_EXCEEDED: .*'spin' ran past its CPU deadline of 200 ms/);
  assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
});

test('trace lines go to stderr; --list shows signatures and what the loader lifts', async () => {
  const t = await invoke(PLAIN, 'shout', 'hey');
  assert.is(t.code, 0, t.err);
  assert.match(t.err, /\[plain\.wasm\] trace: shout: hey 1\.5, 2/);
  const l = await invoke(PLAIN, '--list', '--json');
  assert.is(l.code, 0, l.err);
  const list = JSON.parse(l.out) as { kind: string; exports: { name: string; params?: string[]; result?: string; callable: boolean }[] };
  assert.is(list.kind, 'assemblyscript');
  const greet = list.exports.find((e) => e.name === 'greet')!;
  assert.equal([greet.params, greet.result, greet.callable], [['string'], 'string', true]);
  const text = await invoke(PLAIN, '--list');
  assert.match(text.out, /^ {2}sum\(Int32Array\) -> i32$/m);
});

test('argument mistakes exit 2 with one sentence', async () => {
  for (const args of [
    [PLAIN, 'add', '1'],
    [PLAIN, 'add', '1', 'x'],
    [join(BUILD, 'missing.wasm'), 'f'],
  ]) {
    const r = await invoke(...args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.is(r.err.trim().split('\n').length, 1, r.err);
  }
});

test.run();
