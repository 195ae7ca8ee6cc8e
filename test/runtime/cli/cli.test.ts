// The `peeros app` and `peeros bench` commands, spawned as a user would run them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pack } from '../../../abi/boundary.js';
import * as M from '../../fixtures/hostile/modules.js';
import { tempHome, cleanup, writeApp } from '../helpers.js';
import { checks } from '../../../runtime/cli/commands/bench.js';
import { runPeerosSync } from '../../e2e/run-cli.js';

const home = tempHome('cli');
const peeros = (...args: string[]) => runPeerosSync(args, { env: { PEEROS_HOME: home }, timeoutMs: 60_000 });

const demo = writeApp(home, 'demo', M.appModule({ result: pack({ answer: 42 }) }), {
  capabilities: { log: {}, storage: { prefixes: ['d/'], maxBytes: 4096 } },
  commands: { ask: { description: 'asks' } },
});

test('--help works for app and bench', () => {
  const a = peeros('app', '--help');
  assert.is(a.code, 0);
  assert.match(a.out, /install DIR\|FILE\.peeros\|APP\[@VERSION\] \[--replace\] \[--any-version\] \[--store ACCOUNT\] \[--json\]/);
  assert.match(a.out, /--yes +DANGEROUS/);
  const b = peeros('bench', '--help');
  assert.is(b.code, 0);
  assert.match(b.out, /--runs N/);
});

test('install without a terminal and without --yes refuses and installs nothing', () => {
  const r = peeros('app', 'install', demo);
  assert.is(r.code, 1);
  assert.match(r.out, /storage\s+keys under "d\/", up to 4096 bytes/);
  assert.match(r.err, /NOT_GRANTED: .*pass --yes/);
  assert.match(peeros('app', 'list').out, /no apps installed/);
});

test('install --yes, list, list --json', () => {
  const r = peeros('app', 'install', demo, '--yes');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /installed demo 0\.1\.0/);
  assert.match(peeros('app', 'list').out, /demo 0\.1\.0 \(tester, unverified\)/);
  const j = JSON.parse(peeros('app', 'list', '--json').out) as { apps: { name: string; capabilities: string[] }[] };
  assert.equal(
    j.apps.map((a) => [a.name, a.capabilities]),
    [['demo', ['log', 'storage']]],
  );
});

test('run prints the JSON result', () => {
  const r = peeros('app', 'run', 'demo', 'ask', '{"q":"life"}');
  assert.is(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out), { answer: 42 });
});

test('typed errors: one line on stderr with the code, non-zero exit', () => {
  const a = peeros('app', 'run', 'demo', 'nope');
  assert.is(a.code, 1);
  assert.is(a.err.trim().split('\n').length, 1);
  assert.match(a.err, /UNKNOWN_COMMAND: app 'demo' has no command 'nope'/);
  assert.match(peeros('app', 'run', 'ghost', 'x').err, /UNKNOWN_APP/);
  const bad = peeros('app', 'run', 'demo', 'ask', '{oops');
  assert.is(bad.code, 2);
  assert.match(bad.err, /not valid JSON/);
  assert.is(peeros('app', 'frobnicate').code, 2);
});

test('remove uninstalls and keeps the data unless --purge', () => {
  const r = peeros('app', 'remove', 'demo');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /removed demo \(its data is kept/);
  assert.match(peeros('app', 'run', 'demo', 'ask').err, /UNKNOWN_APP/);
  assert.is(peeros('app', 'remove', 'demo').code, 1);
});

test('bench --json prints {results, checks} with the isa figures', () => {
  const r = peeros('bench', '--json', '--runs', '1', '--only', 'v8.');
  assert.is(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { results: { name: string; unit: string; median: number; runs: number }[]; checks: unknown[] };
  assert.equal(
    j.results.map((x) => x.name),
    ['v8.import.noop'],
  );
  assert.ok(j.results[0]!.median > 0);
  assert.is(j.checks.length, checks([]).length, 'every check is listed, measured or not');
  assert.is(peeros('bench', '--runs', 'x').code, 2);
});

test.after(() => cleanup(home));
test.run();
