// Issue 8, class 9 — shared vault and grant state across processes. Real node processes (each its
// own vault worker over one $PEEROS_HOME) are started, get ready, and race on one "go": a daily
// signature count, a daily amount cap, the unlock backoff and a session grant must each count every
// process exactly once. State is updated under the vault's cross-process lock (skv/vault-lock.ts,
// lib/file-lock.ts); a lock left by a killed process is taken over.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Vault, vaultPaths, USER_APP, type SigningGrant } from '../../skv/index.js';
import { SessionGrantStore, validateSessionGrant } from '../../runtime/transaction-service/session-grants.js';
import { withFileLock, FileLockTimeoutError } from '../../lib/file-lock.js';
import { tempHome, removeHome, openTestVault, packTransaction, transfer, autoApprove, CHAIN_ID, PASS } from './helpers.js';

const CHILD = fileURLToPath(new URL('./vault-racer.child.js', import.meta.url));
/** Child start-up on a loaded 2-core machine: node, the vault worker, a test-KDF unlock. */
const READY_TIMEOUT_MS = 120_000;

interface Racer {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  wait(re: RegExp): Promise<string>;
}

function racer(home: string, mode: string, arg: string): Racer {
  const child = spawn(process.execPath, [CHILD, home, mode, arg], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  const waiters: Array<() => void> = [];
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
    waiters.splice(0).forEach((w) => w());
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  // 'close', not 'exit': a child's last lines may still be in the pipe when it has exited
  let closed = false;
  child.on('close', () => {
    closed = true;
    waiters.splice(0).forEach((w) => w());
  });
  const wait = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`racer ${mode} ${arg}: no ${re} within ${READY_TIMEOUT_MS} ms; stderr: ${err}`)),
        READY_TIMEOUT_MS,
      );
      const check = () => {
        const hit = lines.find((l) => re.test(l));
        if (hit !== undefined) {
          clearTimeout(timer);
          resolve(hit);
          return;
        }
        if (closed) {
          clearTimeout(timer);
          reject(new Error(`racer ${mode} ${arg} exited ${child.exitCode}: ${err}`));
          return;
        }
        waiters.push(check);
      };
      check();
    });
  return { child, lines, wait };
}

/** Starts the racers, waits until all are ready, says "go" to all at once, returns each outcome code. */
async function race(home: string, mode: string, args: string[]): Promise<string[]> {
  const rs = args.map((a) => racer(home, mode, a));
  await Promise.all(rs.map((r) => r.wait(/^ready$/)));
  for (const r of rs) r.child.stdin.end('go\n');
  const codes = await Promise.all(rs.map(async (r) => (JSON.parse(await r.wait(/^\{/)) as { code: string }).code));
  // ended: a racer keeps the vault lock for its lease after its operation (lib/file-lock.ts) until it closes its vault
  await Promise.all(rs.map((r) => (r.child.exitCode !== null || r.child.signalCode !== null ? undefined : once(r.child, 'exit'))));
  return codes;
}

const count = (codes: string[], code: string) => codes.filter((c) => c === code).length;

async function setUp(grant: Omit<SigningGrant, 'app' | 'chainIds'>): Promise<{ home: string; pub: string }> {
  const home = tempHome();
  const { vault, pub } = await openTestVault(home);
  await vault.setGrant({ app: 'dpay', chainIds: [CHAIN_ID], ...grant });
  await vault.close();
  return { home, pub };
}

/** Afterwards the vault still works for everyone: no lock left behind, the user and another app sign. */
async function stillServes(home: string): Promise<void> {
  assert.not.ok(existsSync(vaultPaths(home).lock), 'no vault.lock left behind');
  const v = Vault.open({ home, insecureTestKdf: true });
  try {
    await v.unlock(PASS, { verifier: autoApprove() });
    const [key] = (await v.listKeys()).map((k) => k.publicKey);
    await v.setGrant({ app: 'dsocial', chainIds: [CHAIN_ID], contracts: { 'dpay.memo': ['post'] } });
    await v.sign({
      chainId: CHAIN_ID,
      transaction: packTransaction([{ account: 'dpay.memo', name: 'post', data: new Uint8Array(0) }]),
      keys: [key!],
      app: 'dsocial',
    });
    await v.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('1.0000 RSN')]), keys: [key!], app: USER_APP });
  } finally {
    await v.close();
  }
}

test('4 processes race under a 1-signature-per-day grant: exactly one signature in total', async () => {
  const { home } = await setUp({ contracts: { 'dpay.token': ['transfer'] }, maxSignaturesPerDay: 1 });
  try {
    const t0 = Date.now();
    const codes = await race(home, 'sign', ['dpay@1.0000 RSN', 'dpay@1.0000 RSN', 'dpay@1.0000 RSN', 'dpay@1.0000 RSN']);
    console.log(`  1/day: ${JSON.stringify(codes)} (${Date.now() - t0} ms with start-up)`);
    assert.is(count(codes, 'OK'), 1, JSON.stringify(codes));
    assert.is(count(codes, 'SCOPE_DENIED'), 3, JSON.stringify(codes));
    await stillServes(home);
  } finally {
    removeHome(home);
  }
});

test('4 processes race 100-token transfers under a 150-token daily cap: exactly one is signed', async () => {
  const { home } = await setUp({
    contracts: { 'dpay.token': ['transfer'] },
    maxAmountPerTx: '100.0000 RSN',
    maxAmountPerDay: '150.0000 RSN',
  });
  try {
    const codes = await race(
      home,
      'sign',
      Array.from({ length: 4 }, () => 'dpay@100.0000 RSN'),
    );
    console.log(`  150/day: ${JSON.stringify(codes)}`);
    assert.is(count(codes, 'OK'), 1, JSON.stringify(codes));
    assert.is(count(codes, 'SCOPE_DENIED'), 3, JSON.stringify(codes));
    await stillServes(home);
  } finally {
    removeHome(home);
  }
});

test('12 processes try wrong passphrases at once: exactly one is tried (WRONG_PASSPHRASE, counted), 11 are refused with BACKOFF before any derivation', async () => {
  const home = tempHome();
  try {
    const { vault } = await openTestVault(home);
    await vault.close();
    const codes = await race(
      home,
      'unlock',
      Array.from({ length: 12 }, (_, i) => `wrong guess ${i}`),
    );
    console.log(`  12 wrong: ${JSON.stringify(codes)}`);
    assert.is(count(codes, 'WRONG_PASSPHRASE'), 1, JSON.stringify(codes));
    assert.is(count(codes, 'BACKOFF'), 11, JSON.stringify(codes));
    const backoff = JSON.parse(readFileSync(vaultPaths(home).backoff, 'utf8')) as { failures: number };
    assert.is(backoff.failures, 1, 'the one attempt that was tried is on disk');
    assert.not.ok(existsSync(vaultPaths(home).lock));
  } finally {
    removeHome(home);
  }
});

test('3 processes race for a session grant of 1 approval: exactly one signature is approved', async () => {
  const { home } = await setUp({ contracts: { 'dpay.memo': ['note'] } });
  try {
    await new SessionGrantStore(home).set(validateSessionGrant({ app: 'dpay', maxCount: 1 }));
    const codes = await race(home, 'session', ['dpay', 'dpay', 'dpay']);
    console.log(`  session 1: ${JSON.stringify(codes)}`);
    assert.is(count(codes, 'OK'), 1, JSON.stringify(codes));
    assert.is(count(codes, 'NOT_APPROVED'), 2, JSON.stringify(codes));
    assert.is(new SessionGrantStore(home).remaining('dpay')!.count, 0);
    await stillServes(home);
  } finally {
    removeHome(home);
  }
});

test('a vault lock left by a SIGKILLed process is taken over at once; a live holder makes a waiter fail with a typed timeout naming it', async () => {
  const { home, pub } = await setUp({ contracts: { 'dpay.token': ['transfer'] } });
  try {
    const lock = vaultPaths(home).lock;
    const holder = racer(home, 'hold', lock);
    try {
      await heldThenKilled(holder, lock);
    } finally {
      holder.child.kill('SIGKILL');
    }
    assert.ok(existsSync(lock), 'the killed holder left its lock');
    const v = Vault.open({ home, insecureTestKdf: true });
    try {
      const t1 = Date.now();
      await v.unlock(PASS, { verifier: autoApprove() });
      await v.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('1.0000 RSN')]), keys: [pub], app: 'dpay' });
      console.log(`  stale lock: unlock + sign after takeover in ${Date.now() - t1} ms`);
      assert.ok(Date.now() - t1 < 60_000, 'no wait on the stale lock (loose: the machine may be loaded)');
    } finally {
      await v.close();
    }
    assert.not.ok(existsSync(lock));
  } finally {
    removeHome(home);
  }
});

/** A live holder makes a waiter fail after its bound with LOCK_TIMEOUT naming it; then the holder is SIGKILLed. */
async function heldThenKilled(holder: Racer, lock: string): Promise<void> {
  await holder.wait(/^held$/);
  // live holder: a bounded wait, then LOCK_TIMEOUT naming the holder's pid
  const t0 = Date.now();
  try {
    await withFileLock(lock, async () => assert.unreachable('got a held lock'), { waitMs: 300 });
  } catch (err) {
    assert.instance(err, FileLockTimeoutError);
    assert.is((err as FileLockTimeoutError).code, 'LOCK_TIMEOUT');
    assert.is((err as FileLockTimeoutError).ownerPid, holder.child.pid);
  }
  const waited = Date.now() - t0;
  console.log(`  live holder: LOCK_TIMEOUT after ${waited} ms (waitMs 300)`);
  assert.ok(waited >= 300 && waited < 10_000, `waited ${waited} ms`);
  const exited = new Promise((r) => holder.child.once('exit', r));
  holder.child.kill('SIGKILL');
  await exited;
}

test.run();
