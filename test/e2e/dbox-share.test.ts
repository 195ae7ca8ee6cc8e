// dBox sharing between hosts: alice's host (its own PEEROS_HOME, vault and node), bob's and
// carol's hosts (each another PEEROS_HOME and vault, reaching alice's node over loopback HTTP). Alice shares a
// file: it is sealed inside her vault for bob's key, only ciphertext goes on chain; bob's host lists
// and opens it with his vault and saves it into his drive; a third account (carol, on her own host) sees
// nothing for her and her vault cannot open bob's row; after alice revokes, bob's host
// no longer sees the share. Timing of share-to-readable goes to the report, not an assertion.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { PublicKey } from '../../abi/antelope/index.js';
import { Host } from '../../runtime/index.js';
import { DmcsRegistry } from '../../runtime/dispatch/index.js';
import { HostServices } from '../../runtime/host-bridge/index.js';
import { login } from '../../runtime/session/index.js';
import { deployContract } from '../../runtime/transaction-service/index.js';
import { openText } from '../../runtime/transaction-service/sealed-fields.js';
import { AutoApproveVerifier, AUTO_APPROVE_OPT_IN, Vault } from '../../skv/index.js';
import { startWorld, newAccount, loginAs, tempHome, ROOT, PASS, type World } from './world.js';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { DRIVE_KEY_FILE } from '../../runtime/fs/drive-key.js';

let w: World;
let alice: Host;
interface OtherHome {
  home: string;
  vault: Vault;
  services: HostServices;
  host: Host;
  key: string;
}
/** Bob's and carol's sides: each its own home, vault and host services on alice's node. */
let bob: OtherHome;
let carol: OtherHome;
const CONTENT = 'the plan for 2027: ship dBox 🔐';

/** A second host: a new PEEROS_HOME whose vault creates `account`'s key, logged in, dbox installed and granted. */
async function openHome(account: string): Promise<OtherHome> {
  const home = tempHome(`dbox-${account}`);
  await new DmcsRegistry(home).add('local', w.node.endpoint!);
  const vault = Vault.open({ home, insecureTestKdf: true });
  await vault.unlock(PASS, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }), create: true });
  const key = (await vault.createKey(account)).publicKey;
  await newAccount(w, account, key);
  const services = await HostServices.open({ home, vault, memoryCache: true, flusher: false });
  const { backend } = await services.defaultBackend();
  await login({
    home,
    vault,
    getAccount: (n) => backend.getAccount(n),
    dmcs: { name: backend.entry.name, chainId: backend.chainId },
    account,
  });
  const host = new Host({ home, bridge: services.bridge, onLog: () => {} });
  await host.install(join(ROOT, 'apps/dbox'), { grant: async () => true });
  assert.ok(await services.installAppGrant('dbox'));
  return { home, vault, services, host, key };
}

async function closeHome(h: OtherHome | undefined): Promise<void> {
  if (!h) return;
  await h.host.close();
  await h.services.close().catch(() => {});
  await h.vault.close().catch(() => {});
  rmSync(h.home, { recursive: true, force: true });
}

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  await newAccount(w, 'dbox');
  const wasm = join(ROOT, 'build/contracts/dbox/dbox.wasm');
  await deployContract({ vault: w.vault, backend: w.backend, account: 'dbox', wasmPath: wasm, abiPath: wasm.replace(/\.wasm$/, '.abi') });
  bob = await openHome('bob');
  carol = await openHome('carol');
  alice = new Host({ home: w.home, bridge: w.services.bridge, onLog: () => {} });
  await alice.install(join(ROOT, 'apps/dbox'), { grant: async () => true });
  assert.ok(await w.services.installAppGrant('dbox'));
  await loginAs(w, 'alice');
});
test.after(async () => {
  await alice?.close();
  await closeHome(bob);
  await closeHome(carol);
  await w?.close();
});

/** Waits until `f` answers something `ok` accepts (the node produces a block every 100 ms). */
async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Share = { id: number; from: string; path: string; text?: string; error?: string };

test('alice shares a file: sealed in her vault, only ciphertext on chain; bob’s host opens and saves it', async () => {
  await alice.run('dbox', 'put', { path: 'plans/2027.txt', text: CONTENT });
  const t0 = performance.now();
  const out = (await alice.run('dbox', 'share', { path: 'plans/2027.txt', to: 'bob' })) as { status: string };
  assert.is(out.status, 'executed', JSON.stringify(out));
  const shown = w.verifier.seen.at(-1)!.summary.join('\n');
  assert.match(shown, /dbox::share — from: alice, to: bob, path: "plans\/2027.txt", sealed: \[sealed for bob\] "the plan for 2027/, shown);
  const rows = (await w.backend.getTableRows({ code: 'dbox', scope: 'bob', table: 'shares', json: true })).rows as Array<{
    sealed: string;
  }>;
  assert.is(rows.length, 1);
  assert.not.ok(Buffer.from(rows[0]!.sealed, 'hex').toString('utf8').includes('plan'), 'no plaintext on chain');

  const shares = await until(
    () => bob.host.run('dbox', 'shares') as Promise<Share[]>,
    (s) => s.length === 1,
  );
  const readable = performance.now() - t0;
  process.stdout.write(`  dbox share-to-readable between two hosts: ${readable.toFixed(0)} ms\n`);
  assert.equal(
    shares.map((s) => [s.from, s.path, s.text]),
    [['alice', 'plans/2027.txt', CONTENT]],
  );
  assert.equal(await bob.host.run('dbox', 'accept', { id: shares[0]!.id }), { path: 'shared/alice/plans/2027.txt', from: 'alice' });
  assert.equal(await bob.host.run('dbox', 'get', { from: 'alice', path: 'plans/2027.txt' }), {
    path: 'plans/2027.txt',
    size: Buffer.byteLength(CONTENT),
    text: CONTENT,
  });
});

test('each account’s drive is encrypted with a key sealed in its own vault: no plaintext on disk; a locked vault opens nothing', async () => {
  for (const [home, account] of [
    [w.home, 'alice'],
    [bob.home, 'bob'],
  ] as const) {
    const drive = join(home, 'data', 'dbox', 'fs', account);
    assert.ok(existsSync(join(drive, DRIVE_KEY_FILE)), `${account}'s drive has a sealed key`);
    assert.not.ok(readFileSync(join(drive, 'store.log')).includes(Buffer.from('ship dBox')), `${account}'s drive holds no plaintext`);
  }
  await bob.host.close();
  await bob.vault.lock();
  bob.host = new Host({ home: bob.home, bridge: bob.services.bridge, onLog: () => {} }); // a new worker: no key in memory
  try {
    await bob.host.run('dbox', 'get', { from: 'alice', path: 'plans/2027.txt' });
    assert.unreachable('read with the vault locked');
  } catch (e) {
    assert.is((e as { appCode?: string }).appCode, 'ISA_UNAVAILABLE', (e as Error).message);
  }
  await bob.vault.unlock(PASS, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }) });
  assert.is(
    ((await bob.host.run('dbox', 'get', { from: 'alice', path: 'plans/2027.txt' })) as { text: string }).text,
    CONTENT,
    'opens once unlocked',
  );
});

test('a third account cannot read it: nothing in carol’s scope, and bob’s row, even claimed for her key, does not open in her vault', async () => {
  assert.equal(await carol.host.run('dbox', 'shares'), []);
  const rows = (await w.backend.getTableRows({ code: 'dbox', scope: 'bob', table: 'shares', json: true })).rows as Array<{
    sealed: string;
  }>;
  const blob = Uint8Array.from(Buffer.from(rows[0]!.sealed, 'hex'));
  const identity = (JSON.parse(readFileSync(join(carol.home, 'apps/dbox/install.json'), 'utf8')) as { identity: string }).identity;
  assert.match((await openText(carol.vault, 'dbox', 'dbox', blob, [carol.key], identity)).error!, /not for this account/);
  blob.set(PublicKey.from(carol.key).data, 34); // the recipient field rewritten to carol's key
  const forged = await openText(carol.vault, 'dbox', 'dbox', blob, [carol.key], identity);
  assert.is(forged.text, undefined);
  assert.match(forged.error!, /does not open/);
});

test('alice revokes: bob’s host no longer sees the share; his accepted copy stays his', async () => {
  const [share] = (await bob.host.run('dbox', 'shares')) as Share[];
  const out = (await alice.run('dbox', 'unshare', { to: 'bob', id: share!.id })) as { status: string };
  assert.is(out.status, 'executed', JSON.stringify(out));
  const after = await until(
    () => bob.host.run('dbox', 'shares') as Promise<Share[]>,
    (s) => s.length === 0,
  );
  assert.equal(after, []);
  assert.is(((await bob.host.run('dbox', 'get', { from: 'alice', path: 'plans/2027.txt' })) as { text: string }).text, CONTENT);
  try {
    await bob.host.run('dbox', 'accept', { id: share!.id });
    assert.unreachable('accepted a revoked share');
  } catch (e) {
    assert.is((e as { appCode?: string }).appCode, 'NOT_FOUND');
  }
});

test.run();
