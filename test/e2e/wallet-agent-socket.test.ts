// `peeros agent --socket PATH` in a folder other users share: the socket must be 0600 from the moment
// it exists (it was created under the umask and set to 0600 after: 0777 under umask 000, 0775 under
// 002, until the chmod; 18 of 20 starts were caught open by an inotify watcher), and the agent must
// not serve from a folder where others can swap its socket, nor replace a file that is not a dead
// socket of its user (a live agent's socket, a symlink, a file).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './world.js';
import { AGENT_PASSPHRASE, agentHome, call, runAgent, startAgent, until } from './wallet-agent-process.js';

const BIN = join(ROOT, 'bin/peeros.js');

const probe = fileURLToPath(new URL('../fixtures/socket-mode-probe.js', import.meta.url));

test('under umask 000 the socket in a shared sticky folder is 0600 when the bind returns, not after', async () => {
  const shared = mkdtempSync(join(tmpdir(), 'peeros-shared-'));
  chmodSync(shared, 0o1777); // like /tmp
  const socket = join(shared, 'agent.sock');
  const agent = await startAgent({ args: ['--socket', socket], nodeArgs: ['--import', probe] });
  try {
    const modes = [...agent.output().matchAll(/socket mode at bind: (\d+)/g)].map((m) => m[1]);
    assert.equal(modes, ['600'], `the socket's mode the moment it exists:\n${agent.output()}`);
    assert.is(lstatSync(socket).mode & 0o777, 0o600);
    assert.is((await call({ socketPath: socket }, 'get_public_keys', {})).status, 201, 'its user is served');
  } finally {
    await agent.stop();
    rmSync(shared, { recursive: true, force: true });
  }
});

test('a folder anyone may write in without the sticky bit is refused: another user could swap the socket', () => {
  const { home, env } = agentHome();
  const open = mkdtempSync(join(tmpdir(), 'peeros-open-'));
  try {
    chmodSync(open, 0o777);
    const r = runAgent(env, ['--socket', join(open, 'agent.sock')]);
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, /writable by everyone without the sticky bit/);
    assert.not.ok(existsSync(join(open, 'agent.sock')), 'no socket was created there');
  } finally {
    rmSync(open, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
});

test('a symlink or a file at the path is left alone and refused', () => {
  const { home, env } = agentHome();
  const dir = mkdtempSync(join(tmpdir(), 'peeros-sock-'));
  try {
    const target = join(dir, 'notes.txt');
    writeFileSync(target, 'keep me\n');
    symlinkSync(target, join(dir, 'link.sock'));
    for (const path of [join(dir, 'link.sock'), target]) {
      const r = runAgent(env, ['--socket', path]);
      assert.is(r.status, 1, r.stderr);
      assert.match(r.stderr, /exists and is not a socket of this user/);
    }
    assert.ok(lstatSync(join(dir, 'link.sock')).isSymbolicLink(), 'the symlink is still there');
    assert.is(readFileSync(target, 'utf8'), 'keep me\n', 'the file is untouched');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
});

test('a second agent does not take over the socket a running agent serves; the socket of a killed one is replaced', async () => {
  const first = await startAgent();
  const env = { ...process.env, PEEROS_HOME: first.home, PEEROS_PASSPHRASE: AGENT_PASSPHRASE };
  let second: ChildProcess | undefined;
  try {
    const r = runAgent(env, []);
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, /another agent is serving on it/);
    assert.is(
      (await call({ socketPath: first.socketPath }, 'get_public_keys', {})).status,
      201,
      'the first agent still answers on its socket',
    );

    first.child.kill('SIGKILL'); // leaves its socket behind
    await new Promise((r) => first.child.once('close', r));
    assert.ok(lstatSync(first.socketPath).isSocket());
    second = spawn(process.execPath, [BIN, 'agent'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    second.stdout!.on('data', (d) => {
      out += d;
    });
    second.stderr!.on('data', (d) => {
      out += d;
    });
    await until('the second agent to serve', () => /serving until/.test(out) || second!.exitCode !== null, 60_000);
    assert.match(out, /serving until/);
    assert.is((await call({ socketPath: first.socketPath }, 'get_public_keys', {})).status, 201, 'the new agent answers');
  } finally {
    second?.kill('SIGINT');
    if (second && second.exitCode === null) await new Promise((r) => second!.once('close', r));
    await first.stop();
  }
});

test.run();
