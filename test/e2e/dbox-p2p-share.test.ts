// dBox shares peer to peer between hosts: alice's, bob's and carol's hosts (each its own
// PEEROS_HOME, vault, corestore and drives; alice's host serves its shares on loopback TCP), one
// node over loopback HTTP. A file larger than the chain's 4 KiB, or a folder, is shared through
// `{"$share": path}`: alice's host seals it under a new content key into a hypercore and seals only
// the descriptor for bob on chain; bob's host syncs it (replicates, checks, saves under
// shared/alice/) and his dBox reads it. A folder's later writes arrive at the next sync; after
// alice's `unshare` her host stops serving the core; carol sees and opens nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Host } from '../../runtime/index.js';
import { DmcsRegistry } from '../../runtime/dispatch/index.js';
import { HostServices } from '../../runtime/host-bridge/index.js';
import { login } from '../../runtime/session/index.js';
import { deployContract } from '../../runtime/transaction-service/index.js';
import { ShareService } from '../../runtime/fs/share-service.js';
import { AutoApproveVerifier, AUTO_APPROVE_OPT_IN, USER_APP, Vault } from '../../skv/index.js';
import { startWorld, newAccount, tempHome, ROOT, PASS, type World } from './world.js';
import { runCli } from './measured-cli.js';
import { runShareCycle } from '../../runtime/host-bridge/share-cycle.js';
import { pack } from '../../abi/msgpack/codec.js';
import { BridgeError } from '../../runtime/host-bridge/bridge-error.js';
import { MAX_UNANSWERED_SYNCS_PER_SENDER } from '../../runtime/host-bridge/host-services.js';
import { SHARE_ANSWER_TIMEOUT_MS } from '../../runtime/fs/share-peer.js';
import { createServer } from 'node:net';

let w: World;
interface Side {
  account: string;
  home: string;
  vault: Vault;
  verifier: AutoApproveVerifier;
  shares: ShareService;
  services: HostServices;
  host: Host;
}
let alice: Side;
let bob: Side;
let carol: Side;

async function openSide(account: string, serve: boolean, announce?: { host: string; port: number }): Promise<Side> {
  const home = tempHome(`p2p-${account}`);
  await new DmcsRegistry(home).add('local', w.node.endpoint!);
  const vault = Vault.open({ home, insecureTestKdf: true });
  const verifier = new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN, keepSeen: true });
  await vault.unlock(PASS, { verifier, create: true });
  const key = (await vault.createKey(account)).publicKey;
  await newAccount(w, account, key);
  const shares = await ShareService.open({
    home,
    vault,
    userApp: USER_APP,
    ...(serve ? { serve: { host: '127.0.0.1', port: 0 } } : {}),
    ...(announce ? { announce } : {}),
  });
  const services = await HostServices.open({ home, vault, memoryCache: true, flusher: false, shares });
  const { backend } = await services.defaultBackend();
  await login({
    home,
    vault,
    getAccount: (n) => backend.getAccount(n),
    dmcs: { name: backend.entry.name, chainId: backend.chainId },
    account,
  });
  const host = new Host({ home, bridge: services.bridge, onLog: () => {} });
  for (const app of ['dbox', 'calendar']) {
    await host.install(join(ROOT, 'apps', app), { grant: async () => true });
    assert.ok(await services.installAppGrant(app));
  }
  return { account, home, vault, verifier, shares, services, host };
}

async function closeSide(s: Side | undefined): Promise<void> {
  if (!s) return;
  await s.host.close();
  await s.services.close().catch(() => {});
  await s.shares.close().catch(() => {});
  await s.vault.close().catch(() => {});
  rmSync(s.home, { recursive: true, force: true });
}

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'dbox');
  const wasm = join(ROOT, 'build/contracts/dbox/dbox.wasm');
  await deployContract({ vault: w.vault, backend: w.backend, account: 'dbox', wasmPath: wasm, abiPath: wasm.replace(/\.wasm$/, '.abi') });
  alice = await openSide('alice', true);
  bob = await openSide('bob', false);
  carol = await openSide('carol', false);
});
test.after(async () => {
  await closeSide(alice);
  await closeSide(bob);
  await closeSide(carol);
  await w?.close();
});

/** Polls `f` until `ok` accepts its answer (the node makes a block every 100 ms); fails after `ms`. */
async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > end) assert.unreachable(`no answer accepted in ${ms} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Share = { id: number; from: string; path: string; peer?: boolean; text?: string };
const CONTENT = randomBytes(300 * 1024);
let fileShare: Share;

test('a 300 KiB binary file: alice’s dBox shares it peer to peer; only the sealed descriptor goes on chain; bob’s host syncs it and his dBox reads it', async () => {
  await alice.host.run('dbox', 'put', { path: 'photos/p.bin', data: CONTENT });
  const t0 = performance.now();
  const out = (await alice.host.run('dbox', 'share', { path: 'photos/p.bin', to: 'bob' })) as { status: string };
  assert.is(out.status, 'executed', JSON.stringify(out));
  assert.match(alice.verifier.seen.at(-1)!.summary.join('\n'), /sealed: \[shared peer to peer with bob\] "files\/photos\/p.bin"/);
  const rows = (await w.backend.getTableRows({ code: 'dbox', scope: 'bob', table: 'shares', json: true })).rows as Array<{
    sealed: string;
  }>;
  assert.is(rows.length, 1);
  assert.not.ok(Buffer.from(rows[0]!.sealed, 'hex').includes(Buffer.from('peeros-share')), 'the descriptor is sealed');

  const shares = await until(
    () => bob.host.run('dbox', 'shares') as Promise<Share[]>,
    (s) => s.length === 1,
  );
  assert.equal(shares, [{ id: shares[0]!.id, from: 'alice', path: 'photos/p.bin', peer: true }], 'no descriptor shown to the app');
  fileShare = shares[0]!;
  try {
    await bob.host.run('dbox', 'accept', { id: fileShare.id });
    assert.unreachable('accepted before the host synced');
  } catch (e) {
    assert.is((e as { appCode?: string }).appCode, 'NOT_SYNCED');
  }
  const synced = await bob.services.syncShares('dbox');
  const ms = performance.now() - t0;
  process.stdout.write(
    `  dbox peer share-to-readable between two hosts, 300 KiB (push on chain, sync, replicate, save): ${ms.toFixed(0)} ms\n`,
  );
  assert.equal(synced, [{ id: fileShare.id, from: 'alice', path: 'photos/p.bin', saved: ['photos/p.bin'], removed: [] }]);
  assert.equal(await bob.host.run('dbox', 'accept', { id: fileShare.id }), {
    path: 'shared/alice/photos/p.bin',
    from: 'alice',
    peer: true,
  });
  const got = (await bob.host.run('dbox', 'get', { from: 'alice', path: 'photos/p.bin', raw: true })) as { size: number; data: Uint8Array };
  assert.is(got.size, CONTENT.length);
  assert.ok(Buffer.from(got.data).equals(CONTENT));
});

test('a $share outside the app’s fs grant, of no file, or on a host without a share service is refused; nothing is shared', async () => {
  const push = (svc: HostServices, path: string) =>
    svc.handle(
      'dbox',
      'dmcs.push',
      pack([{ account: 'dbox', name: 'share', data: { from: 'alice', to: 'bob', path: 'x', sealed: { $share: path, for: 'bob' } } }]),
    );
  const before = alice.shares.list().length;
  for (const [path, code] of [
    ['secrets/x', 'CAPABILITY_DENIED'],
    ['files/none.bin', 'NOT_FOUND'],
    ['files/../x', 'INVALID_ARGUMENT'],
  ] as const) {
    try {
      await push(alice.services, path);
      assert.unreachable(path);
    } catch (e) {
      assert.instance(e, BridgeError, String(e));
      assert.is((e as BridgeError).code, code, `${path}: ${(e as Error).message}`);
    }
  }
  assert.is(alice.shares.list().length, before, 'no share made');
  // bob's host has a share service but serves nothing: it cannot make shares
  try {
    await push(bob.services, 'files/x');
    assert.unreachable('a host that serves nothing made a share');
  } catch (e) {
    assert.is((e as BridgeError).code, 'UNAVAILABLE', (e as Error).message);
  }
});

test('a third account sees nothing and syncs nothing', async () => {
  assert.equal(await carol.host.run('dbox', 'shares'), []);
  assert.equal(await carol.services.syncShares('dbox'), []);
});

/** `evil` on bob's host: Calendar's module under a manifest with dBox's fs roots and a signing grant only on `evil.game`. */
async function installEvil(side: Side): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'evil-app-'));
  const m = JSON.parse(readFileSync(join(ROOT, 'apps/calendar/peeros.json'), 'utf8')) as Record<string, unknown>;
  m.name = 'evil';
  m.description = 'a game that would like your shared files';
  m.capabilities = {
    fs: { roots: ['files', 'shared'], rights: 'rw', maxBytes: 16777216 },
    random: {},
    ual: {},
    'dmcs.push': { contracts: { 'evil.game': ['play'] } },
  };
  mkdirSync(join(dir, 'build'));
  copyFileSync(join(ROOT, 'apps/calendar', m.entry as string), join(dir, m.entry as string));
  writeFileSync(join(dir, 'peeros.json'), JSON.stringify(m));
  await side.host.install(dir, { grant: async () => true });
  assert.ok(await side.services.installAppGrant('evil'), 'evil holds a signing grant (on evil.game)');
  return dir;
}

test('attacker: an app not granted dmcs.push on dbox opens none of its sealed share descriptors (sync, reconcile, the share cycle)', async () => {
  const dir = await installEvil(bob);
  try {
    const refused = async (f: () => Promise<unknown>) =>
      f().then(
        (v) => `served: ${JSON.stringify(v)}`,
        (err: Error & { code?: unknown }) => `${String(err.code)}: ${err.message}`,
      );
    const why = /^CAPABILITY_DENIED: .*opening sealed fields of "dbox" needs a dmcs.push grant on "dbox"/;
    assert.match(await refused(() => bob.services.syncShares('evil', { code: 'dbox' })), why);
    assert.match(await refused(() => bob.services.reconcileShares('evil', 'alice', { code: 'dbox' })), why);
    const cycle = await runShareCycle(bob.services, { timeoutMs: 10_000 });
    assert.is(cycle.synced.evil, undefined, 'the cycle does not sync it');
    assert.not.ok(
      cycle.errors.some((e) => e.includes('evil')),
      cycle.errors.join('; '),
    );
  } finally {
    await bob.host.remove('evil', { purge: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a shared folder: bob sees its files, then alice’s later write after his next sync', async () => {
  await alice.host.run('dbox', 'put', { path: 'cal/2027-01-01.json', text: '{"title":"new year"}' });
  await alice.host.run('dbox', 'put', { path: 'cal/2027-02-01.json', text: '{"title":"review"}' });
  const out = (await alice.host.run('dbox', 'share', { path: 'cal', to: 'bob' })) as { status: string };
  assert.is(out.status, 'executed', JSON.stringify(out));
  await until(
    () => bob.host.run('dbox', 'shares') as Promise<Share[]>,
    (s) => s.length === 2,
  );
  const first = (await bob.services.syncShares('dbox')).find((s) => s.path === 'cal')!;
  assert.equal(first.saved!.sort(), ['cal/2027-01-01.json', 'cal/2027-02-01.json']);
  // bob offline (no sync) while alice writes; her host appends it to the share's core
  await alice.host.run('dbox', 'put', { path: 'cal/2027-03-01.json', text: '{"title":"spring"}' });
  assert.is(await alice.shares.publish(), 1);
  const second = (await bob.services.syncShares('dbox')).find((s) => s.path === 'cal')!;
  assert.equal(second.saved, ['cal/2027-03-01.json']);
  assert.equal(
    ((await bob.host.run('dbox', 'list', { from: 'alice', folder: 'cal' })) as Array<{ name: string }>).map((e) => e.name),
    ['2027-01-01.json', '2027-02-01.json', '2027-03-01.json'],
  );
});

test('alice unshares the folder: her host stops serving its core; bob keeps what he synced, gets nothing new', async () => {
  const cal = ((await bob.host.run('dbox', 'shares')) as Share[]).find((s) => s.path === 'cal')!;
  const out = (await alice.host.run('dbox', 'unshare', { to: 'bob', id: cal.id })) as { status: string };
  assert.is(out.status, 'executed', JSON.stringify(out));
  assert.equal(
    await alice.services.reconcileShares('dbox', 'bob'),
    [],
    'SHARE_LISTING_GRACE_MS spares a share made minutes ago (its push may still be queued)',
  );
  const revoked = await alice.services.reconcileShares('dbox', 'bob', { graceMs: 0 });
  assert.is(revoked.length, 1);
  assert.equal(
    alice.shares.list().map((s) => [s.path, s.revoked]),
    [
      ['files/photos/p.bin', false],
      ['files/cal', true],
    ],
  );
  await alice.host.run('dbox', 'put', { path: 'cal/2027-04-01.json', text: '{"title":"after"}' });
  assert.is(await alice.shares.publish(), 0);
  const after = await until(
    () => bob.host.run('dbox', 'shares') as Promise<Share[]>,
    (s) => s.length === 1,
  );
  assert.is(after[0]!.path, 'photos/p.bin');
  assert.equal(
    bob.shares
      .listIncoming()
      .map((s) => s.path)
      .sort(),
    ['files/cal', 'files/photos/p.bin'],
  );
  assert.equal(await bob.services.syncShares('dbox'), [{ id: fileShare.id, from: 'alice', path: 'photos/p.bin', saved: [], removed: [] }]);
  assert.equal(
    bob.shares.listIncoming().map((s) => s.path),
    ['files/photos/p.bin'],
    'the unshared folder’s replica and record are gone',
  );
  try {
    await bob.host.run('dbox', 'get', { from: 'alice', path: 'cal/2027-04-01.json' });
    assert.unreachable('a write after the revocation arrived');
  } catch (e) {
    assert.is((e as { appCode?: string }).appCode, 'NOT_FOUND');
  }
  assert.ok(await bob.host.run('dbox', 'get', { from: 'alice', path: 'cal/2027-03-01.json' }), 'bob keeps what he synced');
});

test('a shared calendar: alice’s Calendar shares its events folder; bob’s host syncs it into his Calendar (not his dBox), later events follow', async () => {
  const day = Date.UTC(2027, 0, 1);
  await alice.host.run('calendar', 'add', { title: 'launch', start: day });
  await alice.host.run('calendar', 'add', { title: 'retro', start: day + 86_400_000 });
  const out = (await alice.host.run('calendar', 'share', { to: 'bob' })) as { status: string };
  assert.is(out.status, 'executed', JSON.stringify(out));
  const rows = await until(
    () => bob.host.run('dbox', 'shares') as Promise<Share[]>,
    (s) => s.some((x) => x.path === 'events'),
  );
  // dBox lists the calendar's row as Calendar's, and its accept points there instead of NOT_SYNCED
  const calRow = rows.find((x) => x.path === 'events')! as Share & { app?: string; root?: string };
  assert.equal([calRow.peer, calRow.app, calRow.root], [true, 'calendar', 'events']);
  assert.is((rows.find((x) => x.path === 'photos/p.bin') as { app?: string }).app, undefined, 'dBox’s own share is dBox’s');
  try {
    await bob.host.run('dbox', 'accept', { id: calRow.id });
    assert.unreachable('dBox accepted a calendar');
  } catch (e) {
    assert.is((e as { appCode?: string }).appCode, 'OTHER_APP', String(e));
    assert.match(String((e as Error).message), 'Calendar');
    assert.match(String((e as Error).message), 'calendar list {"owner": "alice"}');
  }
  assert.equal(
    await bob.services.syncShares('dbox'),
    [{ id: fileShare.id, from: 'alice', path: 'photos/p.bin', saved: [], removed: [] }],
    'not into dBox',
  );
  const synced = await bob.services.syncShares('calendar', { code: 'dbox' });
  assert.is(synced.length, 1);
  assert.is(synced[0]!.saved!.length, 2);
  const titles = async () => ((await bob.host.run('calendar', 'list', { owner: 'alice' })) as Array<{ title: string }>).map((e) => e.title);
  assert.equal(await titles(), ['launch', 'retro']);
  assert.equal(await bob.host.run('calendar', 'list'), [], 'his own calendar is his');
  await alice.host.run('calendar', 'add', { title: 'planning', start: day + 2 * 86_400_000 });
  assert.is(await alice.shares.publish(), 1);
  await bob.services.syncShares('calendar', { code: 'dbox' });
  assert.equal(await titles(), ['launch', 'retro', 'planning']);
});

test('a share cycle (what a long-running host runs on a timer): alice’s publishes her new event, bob’s syncs it into his Calendar only', async () => {
  await alice.host.run('calendar', 'add', { title: 'cycle', start: Date.UTC(2027, 0, 9) });
  const sent = await runShareCycle(alice.services);
  assert.is(sent.published, 1);
  assert.equal(sent.errors, []);
  assert.equal(sent.revoked, [], 'nothing unshared');
  const got = await runShareCycle(bob.services);
  assert.equal(got.errors, []);
  assert.equal(
    got.synced.calendar!.map((s) => s.saved!.length),
    [1],
  );
  assert.equal(
    got.synced.dbox!.map((s) => [s.path, s.saved]),
    [['photos/p.bin', []]],
  );
  const titles = ((await bob.host.run('calendar', 'list', { owner: 'alice' })) as Array<{ title: string }>).map((e) => e.title);
  assert.ok(titles.includes('cycle'), titles.join());
});

/**
 * The peer's time to answer in the silent-peer round: shorter than SHARE_ANSWER_TIMEOUT_MS (16 s less
 * waiting; share-peer.test.ts waits out the default once); alice's honest answer on loopback takes milliseconds.
 */
const ANSWER_MS = 1_500;

test(`attacker: a sender's shares naming a silent peer hold bob's round for at most ${MAX_UNANSWERED_SYNCS_PER_SENDER} × the answer timeout (SHARE_ANSWER_TIMEOUT_MS, ${SHARE_ANSWER_TIMEOUT_MS} ms; here ${ANSWER_MS} ms); the rest are SHARE_DEFERRED, alice's still sync`, async () => {
  // mallory's host announces a peer that accepts connections and never answers
  let dialled = 0;
  let open = 0;
  let maxOpen = 0;
  const silent = createServer((sock) => {
    dialled++;
    maxOpen = Math.max(maxOpen, ++open);
    sock.resume();
    sock.on('error', () => {});
    sock.on('close', () => open--);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const mallory = await openSide('mallory', true, { host: '127.0.0.1', port });
  try {
    const ROWS = MAX_UNANSWERED_SYNCS_PER_SENDER + 3;
    for (let i = 0; i < ROWS; i++) {
      // over the chain's 4 KiB: shared peer to peer
      await mallory.host.run('dbox', 'put', { path: `bait/${i}.txt`, data: Buffer.alloc(5000, i) });
      const out = (await mallory.host.run('dbox', 'share', { path: `bait/${i}.txt`, to: 'bob' })) as { status: string };
      assert.is(out.status, 'executed', JSON.stringify(out));
    }
    await alice.host.run('dbox', 'put', { path: 'late.txt', data: Buffer.alloc(5000, 'after the bait') });
    const late = (await alice.host.run('dbox', 'share', { path: 'late.txt', to: 'bob' })) as { status: string };
    assert.is(late.status, 'executed', JSON.stringify(late));
    const t0 = performance.now();
    const synced = await bob.services.syncShares('dbox', { answerTimeoutMs: ANSWER_MS });
    const ms = performance.now() - t0;
    process.stdout.write(`  bob's round with ${ROWS} rows naming a silent peer: ${ms.toFixed(0)} ms, ${dialled} dialled\n`);
    const bait = synced.filter((s) => s.from === 'mallory');
    assert.is(bait.length, ROWS);
    // the newest rows are dialled first: the oldest ones wait for the next round
    assert.equal(
      bait.map((s) => s.error),
      [
        ...Array(ROWS - MAX_UNANSWERED_SYNCS_PER_SENDER).fill('SHARE_DEFERRED'),
        ...Array(MAX_UNANSWERED_SYNCS_PER_SENDER).fill('SHARE_UNREACHABLE'),
      ],
    );
    assert.is(dialled, MAX_UNANSWERED_SYNCS_PER_SENDER, 'a deferred share is not dialled');
    assert.is(maxOpen, 1, 'one sync at a time');
    // under what the same round would take with the default answer timeout
    assert.ok(ms < MAX_UNANSWERED_SYNCS_PER_SENDER * ANSWER_MS + 10_000, `${ms} ms`);
    const fromAlice = synced.filter((s) => s.from === 'alice');
    assert.equal(
      fromAlice.filter((s) => s.error !== undefined),
      [],
    );
    assert.ok(fromAlice.some((s) => s.path === 'late.txt' && s.saved?.includes('late.txt')));
  } finally {
    await closeSide(mallory);
    silent.close();
  }
});

test('the recipient syncs from the command line: `peeros share sync` in its own process, then `peeros app run dbox get`', async () => {
  // dave's home: a real-KDF vault (the CLI refuses test keystores), set up here and closed, so the CLI process takes its locks
  const home = tempHome('p2p-dave');
  try {
    await new DmcsRegistry(home).add('local', w.node.endpoint!);
    const vault = Vault.open({ home });
    await vault.unlock(PASS, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }), create: true });
    const key = (await vault.createKey('dave')).publicKey;
    await newAccount(w, 'dave', key);
    const services = await HostServices.open({ home, vault, memoryCache: true, flusher: false });
    const { backend } = await services.defaultBackend();
    await login({
      home,
      vault,
      getAccount: (n) => backend.getAccount(n),
      dmcs: { name: backend.entry.name, chainId: backend.chainId },
      account: 'dave',
    });
    const host = new Host({ home, bridge: services.bridge, onLog: () => {} });
    await host.install(join(ROOT, 'apps/dbox'), { grant: async () => true });
    assert.ok(await services.installAppGrant('dbox'));
    await host.close();
    await services.close();
    await vault.close();

    const out = (await alice.host.run('dbox', 'share', { path: 'photos/p.bin', to: 'dave' })) as { status: string };
    assert.is(out.status, 'executed', JSON.stringify(out));
    const env = { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS };
    const sync = await runCli(['share', 'sync', 'dbox', '--json'], env, 120_000);
    assert.is(sync.code, 0, sync.err);
    const synced = JSON.parse(sync.out) as Array<{ from: string; path: string; saved: string[] }>;
    assert.equal(
      synced.map((s) => [s.from, s.path, s.saved]),
      [['alice', 'photos/p.bin', ['photos/p.bin']]],
    );
    const get = await runCli(['app', 'run', 'dbox', 'get', '{"from":"alice","path":"photos/p.bin"}'], env, 120_000);
    assert.is(get.code, 0, get.err);
    assert.is((JSON.parse(get.out) as { size: number }).size, CONTENT.length);
    const bad = await runCli(['share', 'sync', 'Not-An-App'], env, 60_000);
    assert.is(bad.code, 2, bad.err);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test.run();
