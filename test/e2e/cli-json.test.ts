// `--json` through the real `peeros` binary, against a real dev node: every JSON output is ONE
// document on stdout that parses and has its stable keys (absent values null), and human text
// (the install consent) goes to stderr so it cannot break the document.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startNode, DEV_PRIVATE_KEY, type EmbeddedNode } from '../../dmcs/index.js';
import { ROOT, tempHome } from './world.js';
import { runCli, type CliRun } from './measured-cli.js';

const BIN = join(ROOT, 'bin/peeros.js');
let home: string;
let node: EmbeddedNode;

function peeros(args: string[], stdin = ''): Promise<CliRun> {
  return runCli(args, { PEEROS_HOME: home, PEEROS_PASSPHRASE: 'json passphrase' }, 60_000, stdin);
}

/** Runs `args`, expects exit 0 and exactly one JSON document on stdout with (at least) `keys`. */
async function json(args: string[], keys: string[]): Promise<Record<string, unknown>> {
  const r = await peeros(args);
  assert.is(r.code, 0, `peeros ${args.join(' ')}: ${r.err}`);
  const doc = JSON.parse(r.out) as Record<string, unknown>;
  for (const k of keys) assert.ok(Object.hasOwn(doc, k), `peeros ${args.join(' ')}: no key "${k}" in ${r.out}`);
  return doc;
}

test.before(async () => {
  home = tempHome('cli-json');
  node = await startNode({ dev: true, dataDir: join(home, 'node'), http: '127.0.0.1:0', blockIntervalMs: 100 });
  assert.is((await peeros(['dmcs', 'add', 'local', node.endpoint!])).code, 0);
  assert.is((await peeros(['key', 'import', '--label', 'eosio dev'], DEV_PRIVATE_KEY)).code, 0);
});
test.after(async () => {
  await node.close();
  rmSync(home, { recursive: true, force: true });
});

test('whoami --json before login: no account, the default DMCS, the vault state', async () => {
  const w = await json(['whoami', '--json'], ['account', 'permission', 'keys', 'loggedInAt', 'sessionError', 'dmcs', 'vault']);
  assert.is(w.account, null);
  assert.equal(w.dmcs, { name: 'local', url: node.endpoint, chainId: node.chainId, default: true });
  const v = w.vault as Record<string, unknown>;
  assert.is(v.keystore, 'present');
  assert.is(v.keyCount, 1);
  assert.equal(Object.keys(v).sort(), ['failures', 'keyCount', 'keystore', 'keystorePath', 'retryAfterMs']);
});

test('account create --json carries the full transaction id', async () => {
  const a = await json(['account', 'create', 'alice', '--yes', '--json'], ['account', 'key', 'creator', 'transactionId', 'blockNum']);
  assert.is(a.account, 'alice');
  assert.is(a.creator, 'eosio');
  assert.match(String(a.key), /^PUB_K1_/);
  assert.match(String(a.transactionId), /^[0-9a-f]{64}$/);
});

test('login --json, then whoami --json names the account', async () => {
  const l = await json(['login', 'alice', '--yes', '--json'], ['account', 'permission', 'dmcs', 'chainId', 'keys', 'loggedInAt']);
  assert.equal([l.account, l.permission, l.dmcs, l.chainId], ['alice', 'active', 'local', node.chainId]);
  const w = await json(['whoami', '--json'], ['account']);
  assert.equal([w.account, w.permission, w.keys], ['alice', 'active', l.keys]);
});

test('app install --json: one document on stdout, the consent on stderr, the vault grant reported', async () => {
  const r = await peeros(['app', 'install', join(ROOT, 'apps/dpay'), '--yes', '--json']);
  assert.is(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as Record<string, unknown>;
  assert.equal(Object.keys(doc).sort(), [
    'capabilities',
    'identity',
    'memoryClamped',
    'name',
    'packageHash',
    'previousIdentity',
    'signingGrant',
    'verified',
    'version',
  ]);
  assert.is(doc.name, 'dpay');
  assert.ok((doc.capabilities as string[]).includes('dmcs.push'));
  assert.is((doc.signingGrant as { installed: boolean }).installed, true, r.err);
  assert.match(r.err, /peeros: .*install consent/);
  assert.not.match(r.out, /peeros:/);
});

test('grant --list --json: the session grants and what is left of them', async () => {
  assert.equal(await json(['grant', '--list', '--json'], ['grants']), { grants: [] });
  assert.is((await peeros(['grant', 'dpay', '--max-count', '2', '--max-amount', '5.0000 RSN', '--yes'])).code, 0);
  const g = await json(['grant', '--list', '--json'], ['grants']);
  assert.equal(g.grants, [
    { app: 'dpay', maxCount: 2, maxAmount: '5.0000 RSN', periodMs: 86_400_000, remaining: { count: 2, amount: '5.0000 RSN' } },
  ]);
});

test('queue flush --json on an empty queue', async () => {
  assert.equal(await json(['queue', 'flush', '--json'], []), {
    sent: [],
    done: [],
    expired: [],
    failed: [],
    waiting: [],
    unreachable: false,
    error: null,
  });
});

test('node --json prints one JSON line once it listens, and stops cleanly on SIGTERM', async () => {
  const child = spawn(process.execPath, [BIN, 'node', '--dev', '--http', '127.0.0.1:0', '--data', join(home, 'node-json'), '--json'], {
    env: { ...process.env, PEEROS_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`node exited ${code} before it listened`)));
  });
  try {
    const doc = JSON.parse(first) as Record<string, unknown>;
    assert.equal(Object.keys(doc).sort(), [
      'chainId',
      'data',
      'dev',
      'endpoint',
      'follow',
      'genesisKey',
      'headBlock',
      'p2p',
      'producers',
      'replication',
      'slotClock',
      'snapshotBlock',
      'stateCache',
    ]);
    assert.match(String(doc.chainId), /^[0-9a-f]{64}$/);
    assert.match(String(doc.endpoint), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.is(doc.dev, true);
    assert.is(doc.genesisKey, true);
    assert.equal(doc.producers, []);
    assert.is(doc.slotClock, null, 'wall time unless --slot-clock manual');
    assert.is(doc.stateCache, null, 'all in memory unless --state-cache');
    const info = (await (await fetch(`${doc.endpoint}/v1/chain/get_info`)).json()) as { chain_id: string };
    assert.is(info.chain_id, doc.chainId);
  } catch (e) {
    child.kill('SIGKILL'); // a failed check must not leave the node running
    throw e;
  }
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  assert.is(code, 0);
});

test.run();
