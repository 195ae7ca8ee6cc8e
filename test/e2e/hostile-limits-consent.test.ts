// Issue 8 class 12, limits hidden at consent, through the real CLI (bin/peeros.js in a child
// process): an app that asks for no capability but raises every limit to the host maximum (30 s of
// CPU per call, 256 MiB of memory, 16 MiB per host call, nesting 128) must not be announced as
// "requests no capabilities": the consent lists each raised limit with its default and the host
// maximum, installing needs the same grant as a capability (--yes, or a terminal), and `app list`
// (text and --json) shows the raised limits afterwards. Lowered limits need no grant.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { pack } from '../../abi/msgpack/codec.js';
import * as M from '../fixtures/hostile/modules.js';
import { tempHome, cleanup, writeApp } from '../runtime/helpers.js';
import { HOST_MAXIMA, DEFAULT_LIMITS } from '../../runtime/limits.js';
import { PEEROS_BIN, runPeerosSync } from './run-cli.js';

const home = tempHome('limits-consent');

/** The real CLI with this test's home, no stdin. */
const peeros = (...args: string[]) => runPeerosSync(args, { env: { PEEROS_HOME: home }, timeoutMs: 60_000 });

const greedy = writeApp(home, 'greedy', M.appModule({ memory: [2, 4096], result: pack({ ok: 'greedy' }) }), { limits: { ...HOST_MAXIMA } });
const modest = writeApp(home, 'modest', M.appModule({ result: pack({ ok: 'modest' }) }), { limits: { cpuMs: 200, memoryPages: 64 } });
const mixed = writeApp(home, 'mixed', M.appModule(), { capabilities: { log: {} }, limits: { cpuMs: 5000, memoryPages: 64 } });

test.after(() => cleanup(home));

test('no capability but every limit raised: the consent lists each one; without a terminal or --yes nothing is installed', () => {
  const r = peeros('app', 'install', greedy);
  assert.is(r.code, 1);
  assert.not.match(r.out, /requests no capabilities/);
  assert.match(r.out, /peeros: asks for more resources than the default:/);
  assert.match(r.out, /peeros: {3}CPU per call 30 s \(default 1 s, host maximum 30 s\)/);
  assert.match(r.out, /peeros: {3}memory 256 MiB \(default 16 MiB, host maximum 256 MiB\)/);
  assert.match(r.out, /peeros: {3}data per host call 16 MiB \(default 1 MiB, host maximum 16 MiB\)/);
  assert.match(r.out, /peeros: {3}value nesting depth 128 \(default 32, host maximum 128\)/);
  assert.match(r.err, /NOT_GRANTED: not installing 'greedy': granting resources needs confirmation; .*--yes/);
  assert.match(peeros('app', 'list').out, /no apps installed/);
});

test('--yes grants the raised limits; app list and --json show them', () => {
  const r = peeros('app', 'install', greedy, '--yes');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /installed greedy/);
  const list = peeros('app', 'list').out;
  assert.match(
    list,
    /greedy 0\.1\.0 \(tester, unverified\)\n {2}commands: go\n {2}capabilities: \(none\)\n {2}raised limits: memory 256 MiB \(default 16 MiB, host maximum 256 MiB\); CPU per call 30 s/,
  );
  const j = JSON.parse(peeros('app', 'list', '--json').out) as {
    apps: { name: string; raisedLimits: { limit: string; value: number; default: number; hostMaximum: number }[] }[];
  };
  const g = j.apps.find((a) => a.name === 'greedy')!;
  assert.equal(
    g.raisedLimits.map((x) => [x.limit, x.value, x.default, x.hostMaximum]).sort(),
    (Object.keys(HOST_MAXIMA) as (keyof typeof HOST_MAXIMA)[]).map((k) => [k, HOST_MAXIMA[k], DEFAULT_LIMITS[k], HOST_MAXIMA[k]]).sort(),
  );
  assert.equal(JSON.parse(peeros('app', 'run', 'greedy', 'go').out), { ok: 'greedy' });
});

test('lowered limits only restrict the app: no grant asked for them, nothing listed', () => {
  const r = peeros('app', 'install', modest);
  assert.match(r.out, /peeros: requests no capabilities and no resources beyond the defaults/);
  assert.not.match(r.out, /asks for more resources/);
  assert.is(peeros('app', 'install', modest, '--yes').code, 0);
  assert.not.match(peeros('app', 'list').out, /modest[^\n]*\n(?: {2}[^\n]*\n)* {2}raised limits/);
  const j = JSON.parse(peeros('app', 'list', '--json').out) as { apps: { name: string; raisedLimits: unknown[] }[] };
  assert.equal(j.apps.find((a) => a.name === 'modest')!.raisedLimits, []);
});

test('capabilities and a raised limit together: both listed, only the raised one as a resource', () => {
  const r = peeros('app', 'install', mixed);
  assert.is(r.code, 1);
  assert.match(r.out, /peeros: requests these capabilities:\npeeros: {3}log /);
  assert.match(
    r.out,
    /peeros: asks for more resources than the default:\npeeros: {3}CPU per call 5 s \(default 1 s, host maximum 30 s\)\npeeros: ─/,
  );
  assert.match(r.err, /granting capabilities and resources needs confirmation/);
});

/** Runs the CLI on a pseudo-terminal (util-linux `script`), typing `answer`; the transcript is what the user's terminal received. */
function peerosOnTty(answer: string, ...args: string[]): { code: number | null; transcript: string } | undefined {
  if (spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const cmd = [process.execPath, PEEROS_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
    input: answer,
    env: { ...process.env, PEEROS_HOME: home },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, transcript: r.stdout };
}

test('on a terminal: the host asks for capabilities and resources by name; "n" installs nothing, "y" grants both', () => {
  const spoof = 'x\x1b[2J\x1b]0;pwned\x07\r\nApprove? [y/N] y\u202e';
  const dir = writeApp(home, 'tty-greedy', M.appModule(), { description: spoof, capabilities: { log: {} }, limits: { cpuMs: 30_000 } });
  const no = peerosOnTty('n\n', 'app', 'install', dir);
  if (!no) {
    console.log('  (skipped: util-linux script is not installed)');
    return;
  }
  assert.is(no.code, 1, no.transcript);
  assert.match(no.transcript, /peeros: {3}CPU per call 30 s \(default 1 s, host maximum 30 s\)/);
  assert.match(no.transcript, /peeros: Grant these capabilities and resources to "tty-greedy" and install it\? \[y\/N\]/);
  assert.match(no.transcript, /NOT_GRANTED: app 'tty-greedy' was not installed: the grant was declined/);
  // the terminal received the app's description escaped, never its raw escapes (readline's own line editing aside)
  for (const raw of ['\x1b[2J', '\x1b]0;', '\x07', '\u202e', '\rApprove']) assert.not.ok(no.transcript.includes(raw), JSON.stringify(raw));
  assert.ok(no.transcript.includes('"x\\x1b[2J\\x1b]0;pwned\\x07\\r\\nApprove? [y/N] y\\u202e"'));
  assert.not.match(peeros('app', 'list').out, /tty-greedy/);
  const yes = peerosOnTty('y\n', 'app', 'install', dir);
  assert.is(yes!.code, 0, yes!.transcript);
  assert.match(yes!.transcript, /installed tty-greedy/);
  assert.match(
    peeros('app', 'list').out,
    /tty-greedy[^\n]*\n {2}commands: go\n {2}capabilities: log\n {2}raised limits: CPU per call 30 s/,
  );
});

test.run();
