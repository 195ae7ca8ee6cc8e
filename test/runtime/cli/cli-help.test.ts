// `peeros help CMD [SUB]` prints exactly what `peeros CMD [SUB] --help` prints, for every command
// and subcommand the definitions list; an unknown command exits 2 and suggests a close one.
// The real binary is spawned for the command list, a sample of help pages and the usage errors;
// the pairs of every command and subcommand go through the same `main` in this process (a spawn
// each cost about 0.2 s, 34 s for the file).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefinitions, main } from '../../../runtime/cli/main.js';
import type { CliIO } from '../../../runtime/cli/command.js';

const home = mkdtempSync(join(tmpdir(), 'peeros-help-'));
const peeros = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/peeros.js', ...args], {
    env: { ...process.env, PEEROS_HOME: home },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });

/** What `peeros ARGS` prints and returns, run by `main` in this process. */
async function inProcess(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    out: (t) => {
      stdout += `${t}\n`;
    },
    err: (t) => {
      stderr += `${t}\n`;
    },
    readStdin: async () => '',
    confirm: async () => false,
    env: { ...process.env, PEEROS_HOME: home },
  };
  const status = await main(args, io);
  return { status, stdout, stderr };
}

const commands = await loadDefinitions();

test('every command is listed by peeros --help', () => {
  const r = peeros('--help');
  assert.is(r.status, 0);
  for (const d of commands) assert.match(r.stdout, new RegExp(`^  ${d.name} +${d.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  assert.ok(commands.some((d) => d.name === 'whoami'));
});

test('the binary prints the same help pages as main (a sample)', async () => {
  for (const args of [
    ['help', 'app'],
    ['app', '--help'],
    ['help', 'node'],
    ['key', 'import', '--help'],
  ]) {
    const spawned = peeros(...args);
    const direct = await inProcess(...args);
    assert.is(spawned.status, 0, spawned.stderr);
    assert.is(spawned.stdout, direct.stdout, args.join(' '));
  }
});

for (const d of commands) {
  test(`peeros help ${d.name} = peeros ${d.name} --help`, async () => {
    const a = await inProcess('help', d.name);
    const b = await inProcess(d.name, '--help');
    assert.is(a.status, 0, a.stderr);
    assert.is(b.status, 0, b.stderr);
    assert.is(a.stdout, b.stdout);
    assert.match(a.stdout, /^usage: peeros /);
    for (const f of d.flags ?? []) assert.ok(a.stdout.includes(`--${f.name}`), `--${f.name} missing from the help of ${d.name}`);
  });
  for (const s of d.subcommands ?? []) {
    test(`peeros help ${d.name} ${s.name} = peeros ${d.name} ${s.name} --help`, async () => {
      const a = await inProcess('help', d.name, s.name);
      const b = await inProcess(d.name, s.name, '--help');
      assert.is(a.status, 0, a.stderr);
      assert.is(a.stdout, b.stdout);
      assert.match(a.stdout, new RegExp(`^usage: peeros ${d.name} ${s.name}`));
      for (const f of s.flags ?? [])
        assert.ok(a.stdout.includes(`--${f.name}`), `--${f.name} missing from the help of ${d.name} ${s.name}`);
    });
  }
}

test('an unknown command exits 2 and suggests a close one', () => {
  const r = peeros('apq');
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown command 'apq'\. Did you mean 'app'\?/);
  assert.is(r.stderr.trim().split('\n').length, 1);
  const h = peeros('help', 'gratn');
  assert.is(h.status, 2);
  assert.match(h.stderr, /Did you mean 'grant'\?/);
  const far = peeros('zzzzzzzz');
  assert.is(far.status, 2);
  assert.not.match(far.stderr, /Did you mean/);
});

test('a flag the definition does not list is a usage error naming it', () => {
  const r = peeros('whoami', '--verbose');
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown option --verbose for 'whoami'/);
  const v = peeros('queue', 'flush', '--json=yes');
  assert.is(v.status, 2);
  assert.match(v.stderr, /option --json takes no value/);
  const n = peeros('node', '--http');
  assert.is(n.status, 2);
  assert.match(n.stderr, /option --http needs a value/);
});

test.after(() => rmSync(home, { recursive: true, force: true }));
test.run();
