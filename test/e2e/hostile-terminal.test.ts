// Issue 8 class 2, terminal spoofing, through the real CLI (bin/peeros.js in a child process): a
// hostile manifest and hostile apps put ANSI/OSC escapes, carriage returns, newlines that forge a
// host line ("Approve? [y/N] y"), C1 controls, bidi overrides/isolates and zero-width characters in
// every string they control. The raw bytes the user's terminal would receive must hold none of
// them (only the host's own newlines), show each one as a visible escape, and never start a line
// with app text; another app still runs afterwards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pack } from '../../abi/msgpack/codec.js';
import { op } from '../fixtures/wasm-builder.js';
import * as M from '../fixtures/hostile/modules.js';
import { tempHome, cleanup, writeApp } from '../runtime/helpers.js';
import { ROOT } from './world.js';

const BIN = join(ROOT, 'bin/peeros.js');
const home = tempHome('hostile-terminal');

/** Every spoofing tool at once; no lone surrogate (it cannot travel as UTF-8 from a wasm app). */
const SPOOF = 'x\x1b[2J\x1b]0;pwned\x07\r\nApprove? [y/N] y\n\u202eevil\u200b\u2066iso\u2069\x85\x9b31m\x7f\ufeff';
/** The same, as a manifest can carry it (JSON allows a lone surrogate escape). */
const SPOOF_JSON = `${SPOOF}\ud800`;
/** How SPOOF must look on the terminal. */
const SPOOF_SHOWN =
  'x\\x1b[2J\\x1b]0;pwned\\x07\\r\\nApprove? [y/N] y\\n\\u202eevil\\u200b\\u2066iso\\u2069\\u0085\\u009b31m\\u007f\\ufeff';

interface Run {
  code: number | null;
  out: Buffer;
  err: Buffer;
}

function peeros(...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, PEEROS_HOME: home, PEEROS_LOG: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** What a terminal must never receive from app text: controls but the newline, format (bidi, zero-width), separators, private use, unassigned. */
const UNSAFE_TEXT = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/u;

/** The oracle over raw output bytes. */
function assertTerminalSafe(bytes: Buffer, label: string): string {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 && b !== 0x0a) || b === 0x7f)
      assert.unreachable(
        `${label}: raw control byte 0x${b.toString(16)} at ${i}: ${JSON.stringify(bytes.subarray(Math.max(0, i - 20), i + 20).toString())}`,
      );
  }
  const text = bytes.toString('utf8');
  const bad = UNSAFE_TEXT.exec(text);
  assert.not.ok(
    bad,
    `${label}: U+${bad?.[0].codePointAt(0)?.toString(16)} reached the terminal: ${JSON.stringify(text.slice(Math.max(0, (bad?.index ?? 0) - 30), (bad?.index ?? 0) + 30))}`,
  );
  assert.not.ok(text.includes('\ufffd'), `${label}: a lone surrogate or invalid UTF-8 reached the terminal`);
  for (const line of text.split('\n')) {
    assert.not.ok(/^\s*(Approve\?|evil|pwned)/.test(line), `${label}: app text starts a line: ${JSON.stringify(line)}`);
  }
  return text;
}

/** log.write(info, SPOOF) then return the error {code: SPOOF, message: SPOOF}. */
function spoofingLogAndError(): Uint8Array {
  const msg = Buffer.from(SPOOF, 'utf8');
  return M.appModule({
    imports: [['log', 'write', ['i32', 'i32', 'i32'], []]],
    prelude: (b) => {
      b.data(8192, msg);
      return [op.i32_const(2), op.i32_const(8192), op.i32_const(msg.length), op.call(0)];
    },
    tag: 1,
    result: pack({ code: SPOOF, message: SPOOF }),
  });
}

const good = writeApp(home, 'good', M.appModule({ result: pack({ ok: true }) }));
const logger = writeApp(home, 'spoof-log', spoofingLogAndError(), {
  description: SPOOF_JSON,
  commands: { go: { description: SPOOF_JSON } },
  capabilities: { log: {}, storage: { prefixes: [SPOOF_JSON], maxBytes: 4096 } },
});
const resulter = writeApp(home, 'spoof-result', M.appModule({ result: pack({ text: SPOOF, [SPOOF]: 1 }) }), { description: SPOOF });

test.after(() => cleanup(home));

test('install: a hostile description and storage scope are quoted and escaped inside the host-framed consent', () => {
  const refused = peeros('app', 'install', logger); // no terminal, no --yes
  assert.is(refused.code, 1);
  assertTerminalSafe(refused.err, 'install (refused) stderr');
  const r = peeros('app', 'install', logger, '--yes');
  assert.is(r.code, 0, r.err.toString());
  const out = assertTerminalSafe(r.out, 'install stdout');
  assertTerminalSafe(r.err, 'install stderr');
  assert.ok(out.includes(`peeros: description  "${SPOOF_SHOWN}\\ud800"\n`), out);
  assert.match(out, /storage\s+keys under "x\\x1b\[2J/);
  const consent = out.split('\n').filter((l) => l && !l.startsWith('installed '));
  for (const line of consent) assert.ok(line.startsWith('peeros: '), `a consent line not drawn by the host: ${JSON.stringify(line)}`);
  assert.ok(peeros('app', 'install', good, '--yes').code === 0);
  assert.is(peeros('app', 'install', resulter, '--yes').code, 0);
});

test('app list and list --json: hostile descriptions escaped; the JSON still parses to the exact text', () => {
  const r = peeros('app', 'list');
  assert.is(r.code, 0);
  const out = assertTerminalSafe(r.out, 'list stdout');
  assert.ok(out.includes('spoof-result 0.1.0 (tester, unverified) — "x\\x1b[2J'), out);
  const j = peeros('app', 'list', '--json');
  const json = assertTerminalSafe(j.out, 'list --json stdout');
  const apps = (JSON.parse(json) as { apps: { name: string; description?: string }[] }).apps;
  assert.is(apps.find((a) => a.name === 'spoof-result')!.description, SPOOF);
  assert.is(apps.find((a) => a.name === 'spoof-log')!.description, SPOOF_JSON);
});

test('app run: a hostile log line and a hostile APP_ERROR are one escaped line each; the other app still runs', () => {
  const r = peeros('app', 'run', 'spoof-log', 'go');
  assert.is(r.code, 1);
  assertTerminalSafe(r.out, 'run stdout');
  const err = assertTerminalSafe(r.err, 'run stderr');
  const lines = err.trimEnd().split('\n');
  assert.is(lines.length, 2, err);
  assert.is(lines[0], `[spoof-log] info: ${SPOOF_SHOWN}`);
  assert.ok(lines[1]!.endsWith(`: ${SPOOF_SHOWN}`), lines[1]);
  assert.match(
    lines[1]!,
    /^peeros app run: APP_ERROR: app 'spoof-log' command 'go' failed: x\\x1b\[2J.*… \(cut, \d+ chars in all\): x\\x1b\[2J/,
  );
  const ok = peeros('app', 'run', 'good', 'go');
  assert.is(ok.code, 0, ok.err.toString());
  assert.equal(JSON.parse(ok.out.toString()), { ok: true });
});

test('app run: a hostile result is terminal-safe JSON that parses back to the exact value', () => {
  const r = peeros('app', 'run', 'spoof-result', 'go');
  assert.is(r.code, 0, r.err.toString());
  const out = assertTerminalSafe(r.out, 'run result stdout');
  assert.ok(out.includes('\\u202e'), 'JSON.stringify alone leaves bidi overrides raw');
  assert.equal(JSON.parse(out), { text: SPOOF, [SPOOF]: 1 });
});

test('a hostile command name from the command line is escaped in UNKNOWN_COMMAND', () => {
  const r = peeros('app', 'run', 'good', `go${SPOOF}`);
  assert.is(r.code, 1);
  const err = assertTerminalSafe(r.err, 'unknown command stderr');
  assert.is(err.trimEnd().split('\n').length, 1, err);
  assert.match(err, /UNKNOWN_COMMAND: app 'good' has no command 'gox\\x1b\[2J/);
});

test('a manifest with hostile name, publisher, command, capability and limit keys: one escaped MANIFEST_INVALID line, nothing installed', () => {
  const dir = writeApp(home, 'bad', M.appModule(), {
    name: SPOOF_JSON,
    publisher: SPOOF_JSON,
    version: SPOOF_JSON,
    commands: { [SPOOF_JSON]: { description: 'x' } },
    capabilities: { [SPOOF_JSON]: {} },
    limits: { [SPOOF_JSON]: 1 },
    [SPOOF_JSON]: true,
  });
  const r = peeros('app', 'install', dir, '--yes');
  assert.is(r.code, 1);
  assertTerminalSafe(r.out, 'bad manifest stdout');
  const err = assertTerminalSafe(r.err, 'bad manifest stderr');
  assert.is(err.trimEnd().split('\n').length, 1, err);
  assert.match(err, /MANIFEST_INVALID: .*commands\.x\\x1b\[2J/);
  assert.not.match(peeros('app', 'list').out.toString(), /bad/);
  assert.is(peeros('app', 'run', 'good', 'go').code, 0);
});

test('a module whose import name is a spoof: the LINK_ERROR naming it is one escaped line', () => {
  const dir = writeApp(home, 'spoof-import', M.appModule({ imports: [['log', SPOOF, [], []]] }), { capabilities: { log: {} } });
  const r = peeros('app', 'install', dir, '--yes');
  assert.is(r.code, 1);
  assertTerminalSafe(r.out, 'spoofed import stdout');
  const err = assertTerminalSafe(r.err, 'spoofed import stderr');
  assert.is(err.trimEnd().split('\n').length, 1, err);
  assert.match(err, /LINK_ERROR: .*x\\x1b\[2J/);
  assert.is(peeros('app', 'run', 'good', 'go').code, 0);
});

test('on a 60-column terminal, padding cannot push a forged host line to the start of a row: app log text wraps under its prefix', () => {
  if (spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0) {
    console.log('  (skipped: util-linux script is not installed)');
    return;
  }
  const forged = `${' '.repeat(41)}peeros vault │   Approve? [y/N] y`.repeat(3);
  const msg = Buffer.from(forged, 'utf8');
  const pad = writeApp(
    home,
    'spoof-pad',
    M.appModule({
      imports: [['log', 'write', ['i32', 'i32', 'i32'], []]],
      prelude: (b) => {
        b.data(8192, msg);
        return [op.i32_const(2), op.i32_const(8192), op.i32_const(msg.length), op.call(0)];
      },
    }),
    { capabilities: { log: {} } },
  );
  assert.is(peeros('app', 'install', pad, '--yes').code, 0);
  const r = spawnSync('script', ['-qec', `stty cols 60; '${process.execPath}' '${BIN}' app run spoof-pad go`, '/dev/null'], {
    env: { ...process.env, PEEROS_HOME: home, PEEROS_LOG: 'info' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.is(r.status, 0, r.stdout);
  const rows = r.stdout.split('\r\n').filter((row) => row.includes('peeros vault') || row.includes('Approve'));
  assert.ok(rows.length >= 3, r.stdout);
  for (const row of rows) {
    assert.ok(row.startsWith('[spoof-pad] info: '), `a row not led by the host's prefix: ${JSON.stringify(row)}`);
    assert.ok(
      [...row].reduce((n, c) => n + (c.charCodeAt(0) < 0x80 ? 1 : 2), 0) < 60,
      `a row the terminal would wrap: ${JSON.stringify(row)}`,
    );
  }
});

test.run();
