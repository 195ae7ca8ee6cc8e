// Peer-to-peer shares between three hosts (runtime/fs/share-service.ts), each its own PEEROS_HOME
// with its own vault, corestore and drives, over loopback TCP: alice shares from her dbox drive;
// the descriptor (core key, content key, address) is sealed by her vault for bob's key, as
// `dbox::share` carries it on chain; bob's host opens it with his vault, replicates, checks and saves
// under shared/alice/. Carol, a third account, cannot open it. A shared folder's later writes
// and removals reach bob on his next sync, also across either side being offline; a revoked share
// stops new data; a sync that does not fit bob's drive saves nothing; hostile descriptors are refused.
import { test } from 'uvu';
import type Hypercore from 'hypercore';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AutoApproveVerifier, AUTO_APPROVE_OPT_IN, USER_APP, Vault } from '../../../skv/index.js';
import { Drive, driveDir } from '../../../runtime/fs/drive.js';
import { driveKey } from '../../../runtime/fs/drive-key.js';
import { ShareService } from '../../../runtime/fs/share-service.js';
import { ShareCores, appendToShare } from '../../../runtime/fs/share-core.js';
import { ShareServer, syncShare } from '../../../runtime/fs/share-peer.js';
import { MAX_SHARE_FILES, SHARE_BLOCK_FRAMING_BYTES, removeBlock, sealBlock } from '../../../runtime/fs/share-format.js';
import { MAX_REVOKED_SHARES_KEPT, readIncoming, readOutgoing } from '../../../runtime/fs/share-records.js';
import { ShareError } from '../../../runtime/fs/share-error.js';
import { SHARE_DESCRIPTOR_PREFIX, descriptorText, parseDescriptor } from '../../../runtime/fs/share-descriptor.js';
import { openText, sealText } from '../../../runtime/transaction-service/sealed-fields.js';
import { MAX_FS_LIST } from '../../../runtime/limits.js';
import { tempHome, cleanup } from '../helpers.js';
import { codeOf } from '../../fixtures/share-code.js';

const PASS = 'share test passphrase';
const QUOTA = 16 << 20;
interface Side {
  account: string;
  home: string;
  vault: Vault;
  key: string;
  shares: ShareService;
}
let alice: Side;
let bob: Side;
let carol: Side;

async function side(account: string, serve: boolean): Promise<Side> {
  const home = tempHome(`share-${account}`);
  const vault = Vault.open({ home, insecureTestKdf: true });
  await vault.unlock(PASS, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }), create: true });
  const key = (await vault.createKey(account)).publicKey;
  const shares = await ShareService.open({ home, vault, userApp: USER_APP, ...(serve ? { serve: { host: '127.0.0.1', port: 0 } } : {}) });
  return { account, home, vault, key, shares };
}

/** The side's dbox drive, opened with its drive key from its vault (what the app's worker gets). */
async function drive(s: Side, maxBytes = QUOTA): Promise<Drive> {
  const dir = driveDir(join(s.home, 'data', 'dbox'), s.account);
  return new Drive(dir, maxBytes, { key: await driveKey(s.vault, USER_APP, dir, s.key) });
}

const read = (d: Drive, path: string): string | undefined => {
  const r = d.read(path, 0, 64 << 20);
  return r.ok ? Buffer.from(r.value).toString('latin1') : undefined;
};

test.before(async () => {
  alice = await side('alice', true);
  bob = await side('bob', false);
  carol = await side('carol', false);
});
test.after(async () => {
  for (const s of [alice, bob, carol]) {
    if (!s) continue;
    await s.shares.close().catch(() => {});
    await s.vault.close().catch(() => {});
    cleanup(s.home);
  }
});

/** Alice shares `path` with `to`; the descriptor sealed by her vault for `to`'s key: the bytes that go on chain. */
async function share(path: string, to: Side): Promise<{ id: string; blob: Uint8Array }> {
  const { id, descriptor } = await alice.shares.share({ app: 'dbox', account: 'alice', accountKey: alice.key, path, to: to.account });
  return { id, blob: await sealText(alice.vault, USER_APP, 'dbox', alice.key, to.key, descriptor) };
}

/** `who` opens a sealed share with its vault and syncs it into its drive. */
async function open(who: Side, blob: Uint8Array, o: { maxBytes?: number; timeoutMs?: number } = {}) {
  const opened = await openText(who.vault, USER_APP, 'dbox', blob, [who.key]);
  if (opened.text === undefined) throw new Error(`does not open: ${opened.error}`);
  return who.shares.open({
    app: 'dbox',
    account: who.account,
    accountKey: who.key,
    from: 'alice',
    descriptor: opened.text,
    maxBytes: o.maxBytes ?? QUOTA,
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  });
}

/** Every file below `dir`, read whole. */
function filesBelow(dir: string): Buffer[] {
  return readdirSync(dir, { recursive: true }).flatMap((n) => {
    const p = join(dir, String(n));
    return statSync(p).isFile() ? [readFileSync(p)] : [];
  });
}

const MARKER = 'alice-secret-marker-7f3a';
let bigShare: { id: string; blob: Uint8Array };

test('a 1 MiB file: written on alice’s host, readable on bob’s; only ciphertext in the core and the sealed descriptor', async () => {
  const content = Buffer.concat([Buffer.from(MARKER), randomBytes((1 << 20) - MARKER.length)]);
  assert.ok((await drive(alice)).writeFile('files/big.bin', content).ok);
  const t0 = performance.now();
  bigShare = await share('files/big.bin', bob);
  assert.equal(await open(bob, bigShare.blob), { saved: ['big.bin'], removed: [] });
  const ms = performance.now() - t0;
  process.stdout.write(
    `  share-to-readable between two hosts, 1 MiB (seal, append, seal descriptor, open, replicate, verify, save): ${ms.toFixed(0)} ms\n`,
  );
  assert.is(read(await drive(bob), 'shared/alice/big.bin'), content.toString('latin1'));
  assert.not.ok(Buffer.from(bigShare.blob).includes(Buffer.from(SHARE_DESCRIPTOR_PREFIX)), 'the descriptor is sealed');
  for (const s of [alice, bob]) {
    for (const f of filesBelow(join(s.home, 'shares')))
      assert.not.ok(f.includes(Buffer.from(MARKER)), `no plaintext in ${s.account}'s share store`);
  }
});

test('a third account cannot read it: her vault does not open bob’s descriptor, and without the content key every block fails', async () => {
  const opened = await openText(carol.vault, USER_APP, 'dbox', bigShare.blob, [carol.key]);
  assert.is(opened.text, undefined);
  // carol learns the core key and address (e.g. a leaked descriptor with the content key cut out)
  const leaked = (await openText(bob.vault, USER_APP, 'dbox', bigShare.blob, [bob.key])).text!;
  const d = JSON.parse(leaked.slice(SHARE_DESCRIPTOR_PREFIX.length)) as Record<string, unknown>;
  d.key = randomBytes(32).toString('hex');
  const guess = SHARE_DESCRIPTOR_PREFIX + JSON.stringify(d);
  const code = await codeOf(
    carol.shares.open({ app: 'dbox', account: 'carol', accountKey: carol.key, from: 'alice', descriptor: guess, maxBytes: QUOTA }),
  );
  assert.is(code, 'SHARE_TAMPERED');
  assert.is((await drive(carol)).list('shared', 10).ok, false, 'nothing saved in carol’s drive');
});

let folder: { id: string; blob: Uint8Array };
const ev = (n: number, title = `event ${n}`) => JSON.stringify({ title, start: `2027-01-0${n}T09:00` });

test('a shared folder (a calendar, events as files): later writes and removals reach bob on his next sync, also after he was offline', async () => {
  const a = await drive(alice);
  assert.ok(a.writeFile('files/cal/1.json', Buffer.from(ev(1))).ok);
  assert.ok(a.writeFile('files/cal/2.json', Buffer.from(ev(2))).ok);
  folder = await share('files/cal', bob);
  assert.equal((await open(bob, folder.blob)).saved.sort(), ['cal/1.json', 'cal/2.json']);
  // bob is offline (no sync): alice writes a new event, moves one, removes one
  assert.ok(a.writeFile('files/cal/3.json', Buffer.from(ev(3))).ok);
  assert.ok(a.writeFile('files/cal/2.json', Buffer.from(ev(2, 'moved'))).ok);
  assert.ok(a.remove('files/cal/1.json').ok);
  assert.is(await alice.shares.publish(), 3);
  assert.is(await alice.shares.publish(), 0, 'nothing new');
  const synced = await open(bob, folder.blob);
  assert.equal({ saved: synced.saved.sort(), removed: synced.removed }, { saved: ['cal/2.json', 'cal/3.json'], removed: ['cal/1.json'] });
  const b = await drive(bob);
  assert.is(read(b, 'shared/alice/cal/1.json'), undefined);
  assert.is(read(b, 'shared/alice/cal/2.json'), ev(2, 'moved'));
  assert.is(read(b, 'shared/alice/cal/3.json'), ev(3));
});

test('alice offline: bob’s sync is SHARE_UNREACHABLE and keeps what he has; alice writes offline and back online her host serves it (shares and keys survive a restart)', async () => {
  const at = alice.shares.address!;
  await alice.shares.close();
  assert.is(await codeOf(open(bob, folder.blob, { timeoutMs: 2000 })), 'SHARE_UNREACHABLE');
  assert.is(read(await drive(bob), 'shared/alice/cal/3.json'), ev(3), 'bob keeps his copy');
  assert.ok((await drive(alice)).writeFile('files/cal/4.json', Buffer.from(ev(4))).ok, 'written while offline');
  alice.shares = await ShareService.open({ home: alice.home, vault: alice.vault, userApp: USER_APP, serve: at });
  assert.is(await alice.shares.publish(), 1);
  assert.equal(await open(bob, folder.blob), { saved: ['cal/4.json'], removed: [] });
});

/** The side's corestore (to look at what its replicas and cores hold on disk). */
const coresOf = (x: Side): ShareCores => (x.shares as unknown as { cores: ShareCores }).cores;

test('bob’s sync is incremental: it starts at the position it verified, saves what changed, and keeps only the tree and last block of the replica', async () => {
  const a = await drive(alice);
  assert.ok(a.writeFile('files/inc/a.bin', randomBytes(200_000)).ok);
  const inc = await share('files/inc', bob);
  assert.equal(await open(bob, inc.blob), { saved: ['inc/a.bin'], removed: [] });
  const core = parseDescriptor((await openText(bob.vault, USER_APP, 'dbox', inc.blob, [bob.key])).text!).core;
  const hex = Buffer.from(core).toString('hex');
  const rec1 = bob.shares.listIncoming().find((x) => x.core === hex)!;
  const sent = alice.shares.list().find((x) => x.id === inc.id)!;
  assert.is(rec1.blocks, sent.blocks, 'the verified position is the whole core');
  assert.is(rec1.files, 1);
  const replica = await coresOf(bob).incoming(core);
  assert.not.ok(await replica.has(0), 'the saved blocks left the replica');
  assert.ok(await replica.has(rec1.blocks - 1), 'its last block stays (the next check reads it)');

  assert.ok(a.writeFile('files/inc/b.txt', Buffer.from('later')).ok);
  assert.is(await alice.shares.publish(), 1);
  assert.equal(await open(bob, inc.blob), { saved: ['inc/b.txt'], removed: [] });
  const rec2 = bob.shares.listIncoming().find((x) => x.core === hex)!;
  assert.is(rec2.blocks, alice.shares.list().find((x) => x.id === inc.id)!.blocks);
  assert.ok(rec2.blocks > rec1.blocks);
  assert.is(rec2.files, 2);
  assert.not.ok(await replica.has(0), 'block 0 was not fetched again: the sync did not replay the core from its start');
  assert.is(read(await drive(bob), 'shared/alice/inc/b.txt'), 'later');
  assert.equal(await open(bob, inc.blob), { saved: [], removed: [] }, 'nothing new');

  // the row is gone (unshared): bob's host forgets the share and deletes its replica; his files stay
  const known = bob.shares.listIncoming().map((x) => x.core);
  assert.ok(known.includes(hex));
  const kept = known.find((c) => c !== hex)!;
  assert.equal(
    await bob.shares.forgetUnlisted({ app: 'dbox', account: 'bob', listed: new Set([kept]) }),
    known.filter((c) => c !== kept),
  );
  assert.equal(
    bob.shares.listIncoming().map((x) => x.core),
    [kept],
    'a share still listed keeps its record',
  );
  assert.equal(
    await bob.shares.forgetUnlisted({ app: 'calendar', account: 'bob', listed: new Set() }),
    [],
    'another app’s records are its own',
  );
  assert.is((await coresOf(bob).incoming(core)).length, 0, 'the replica is gone from disk');
  assert.is(read(await drive(bob), 'shared/alice/inc/b.txt'), 'later', 'what he synced stays his');
  // a later sync (the row came back) starts over from block 0 and saves nothing new
  assert.equal(await open(bob, inc.blob), { saved: [], removed: [] });
  assert.is(bob.shares.listIncoming().find((x) => x.core === hex)!.blocks, rec2.blocks);
});

test('alice revokes the folder: its core is no longer served, later writes are not appended', async () => {
  assert.ok((await drive(alice)).writeFile('files/cal/5.json', Buffer.from(ev(5))).ok);
  await alice.shares.revoke(folder.id);
  assert.is(await alice.shares.publish(), 0, 'a revoked share takes no new writes');
  assert.is(await codeOf(open(bob, folder.blob, { timeoutMs: 2000 })), 'SHARE_UNREACHABLE');
  assert.is(read(await drive(bob), 'shared/alice/cal/5.json'), undefined);
  assert.is(await codeOf(alice.shares.revoke(folder.id)), 'SHARE_NOT_FOUND');
  assert.ok(alice.shares.list().find((s) => s.id === folder.id)!.revoked);
});

test('a share to oneself: syncing it never clears nor deletes the core this host serves', async () => {
  assert.ok((await drive(alice)).writeFile('files/self/a.bin', randomBytes(150_000)).ok);
  const { id, descriptor } = await alice.shares.share({
    app: 'dbox',
    account: 'alice',
    accountKey: alice.key,
    path: 'files/self',
    to: 'alice',
  });
  const mine = { app: 'dbox', account: 'alice', accountKey: alice.key, from: 'alice', descriptor, maxBytes: QUOTA };
  assert.equal(await alice.shares.open(mine), { saved: ['self/a.bin'], removed: [] });
  const served = await coresOf(alice).outgoing(id);
  assert.ok(await served.has(0), 'the served core keeps its blocks');
  await alice.shares.forgetUnlisted({ app: 'dbox', account: 'alice', listed: new Set() });
  assert.ok((await coresOf(alice).outgoing(id)).length > 0 && (await served.has(0)), 'and is not purged as a replica');
  assert.equal(await bob.shares.open({ ...mine, account: 'bob', accountKey: bob.key }), { saved: ['self/a.bin'], removed: [] });
  await alice.shares.revoke(id);
});

test('a revoked share keeps no key and no core on disk; at most MAX_REVOKED_SHARES_KEPT revoked entries are kept', async () => {
  const entry = readOutgoing(alice.home).find((x) => x.id === folder.id)!;
  assert.ok(entry.revoked && entry.revokedAt! > 0);
  assert.is(entry.sealedKey, undefined);
  assert.is(entry.nonce, undefined);
  assert.equal(entry.files, {});
  const gone = await coresOf(alice)
    .outgoing(folder.id)
    .then((c) => `length ${c.length}`)
    .catch((e: { code?: string }) => e.code);
  assert.is(gone, 'STORAGE_EMPTY', 'its core was deleted from the store');
  const listed = alice.shares.list().find((x) => x.id === folder.id)!;
  assert.equal([listed.revoked, listed.blocks, listed.bytes], [true, 0, 0]);

  assert.ok((await drive(alice)).writeFile('files/tiny.txt', Buffer.from('t')).ok);
  for (let i = 0; i <= MAX_REVOKED_SHARES_KEPT; i++) {
    const { id } = await alice.shares.share({ app: 'dbox', account: 'alice', accountKey: alice.key, path: 'files/tiny.txt', to: 'bob' });
    await alice.shares.revoke(id);
  }
  const revoked = readOutgoing(alice.home).filter((x) => x.revoked);
  assert.is(revoked.length, MAX_REVOKED_SHARES_KEPT);
  assert.not.ok(
    revoked.some((x) => x.id === folder.id),
    'the oldest revoked entry was forgotten',
  );
  assert.ok(
    readOutgoing(alice.home).some((x) => x.id === bigShare.id && !x.revoked),
    'active shares stay',
  );
});

test('a second process (or a second service) on the same home is refused with SHARE_BUSY while the first holds the store', async () => {
  assert.is(await codeOf(ShareService.open({ home: alice.home, vault: alice.vault, userApp: USER_APP })), 'SHARE_BUSY');
});

test('a sync that does not fit the recipient’s drive saves nothing (the files it wrote are rolled back)', async () => {
  const a = await drive(alice);
  assert.ok(a.writeFile('files/q/a.txt', Buffer.from('small')).ok);
  assert.ok(a.writeFile('files/q/b.bin', randomBytes(200_000)).ok);
  const q = await share('files/q', bob);
  const before = (await drive(bob)).usedBytes;
  assert.is(await codeOf(open(bob, q.blob, { maxBytes: before + 100_000 })), 'SHARE_DRIVE');
  const b = await drive(bob);
  assert.is(read(b, 'shared/alice/q/a.txt'), undefined);
  assert.is(b.usedBytes, before);
  assert.equal((await open(bob, q.blob)).saved.sort(), ['q/a.txt', 'q/b.bin'], 'with room it saves');
});

test('hostile descriptors are refused with SHARE_BAD_DESCRIPTOR before anything is dialled', async () => {
  const good = (await openText(bob.vault, USER_APP, 'dbox', bigShare.blob, [bob.key])).text!;
  const d = JSON.parse(good.slice(SHARE_DESCRIPTOR_PREFIX.length)) as Record<string, unknown>;
  const bad = [
    'hello',
    `${SHARE_DESCRIPTOR_PREFIX}{`,
    `${SHARE_DESCRIPTOR_PREFIX}[]`,
    ...[
      { core: 'zz' },
      { key: 'ab'.repeat(31) },
      { path: '../etc/passwd' },
      { path: 'a//b' },
      { path: 'x\u001b[2J' },
      { folder: 'yes' },
      { length: 0 },
      { length: 1e9 },
      { at: 'nohost' },
      { at: 'h:0' },
      { at: 'h:70000' },
      { at: `${'h'.repeat(300)}:1` },
      { at: 'a b:1' },
    ].map((o) => SHARE_DESCRIPTOR_PREFIX + JSON.stringify({ ...d, ...o })),
  ];
  for (const text of bad) {
    assert.throws(
      () => parseDescriptor(text),
      (e: unknown) => e instanceof ShareError && e.code === 'SHARE_BAD_DESCRIPTOR',
      text,
    );
  }
  assert.is(
    await codeOf(bob.shares.open({ app: 'dbox', account: 'bob', accountKey: bob.key, from: 'Alice!', descriptor: good, maxBytes: QUOTA })),
    'SHARE_BAD_DESCRIPTOR',
  );
});

test('concurrent publishes append a change once; a taken address is SHARE_UNREACHABLE and releases the store', async () => {
  const a = await drive(alice);
  assert.ok(a.writeFile('files/q/c.txt', Buffer.from('once')).ok);
  const counts = await Promise.all([alice.shares.publish(), alice.shares.publish(), alice.shares.publish()]);
  assert.equal(counts.sort(), [0, 0, 1]);

  const home = tempHome('share-taken');
  try {
    const taken = ShareService.open({ home, vault: carol.vault, userApp: USER_APP, serve: alice.shares.address! });
    assert.is(await codeOf(taken), 'SHARE_UNREACHABLE');
    const again = await ShareService.open({ home, vault: carol.vault, userApp: USER_APP });
    await again.close();
  } finally {
    cleanup(home);
  }
});

test('descriptors name the announced address when one is given (a host behind a forwarded port)', async () => {
  const home = tempHome('share-announce');
  const s = await ShareService.open({
    home,
    vault: alice.vault,
    userApp: USER_APP,
    serve: { host: '127.0.0.1', port: 0 },
    announce: { host: 'alice.example', port: 7700 },
  });
  try {
    const dir = driveDir(join(home, 'data', 'dbox'), 'alice');
    const d = new Drive(dir, QUOTA, { key: await driveKey(alice.vault, USER_APP, dir, alice.key) });
    assert.ok(d.writeFile('files/announced.txt', Buffer.from('hi')).ok);
    const { descriptor } = await s.share({ app: 'dbox', account: 'alice', accountKey: alice.key, path: 'files/announced.txt', to: 'bob' });
    assert.equal(parseDescriptor(descriptor).at, { host: 'alice.example', port: 7700 });
  } finally {
    await s.close();
    cleanup(home);
  }
});

test('a shared folder is walked whole, past MAX_FS_LIST entries: one more than a share holds is SHARE_TOO_LARGE, never a share missing its last files (was: each folder listed only up to MAX_FS_LIST)', async () => {
  const d = await drive(alice);
  const name = (i: number) => `files/many/${String(i).padStart(5, '0')}`;
  for (let i = 0; i < MAX_FS_LIST; i++) assert.ok(d.writeFile(name(i), Buffer.from([i & 0xff])).ok);
  const many = await share('files/many', bob);
  const files = () => Object.keys(readOutgoing(alice.home).find((x) => x.id === many.id)!.files);
  assert.is(files().length, MAX_FS_LIST);
  // one more, sorting first: the listing cut off the last file, which publish then sent as removed
  assert.ok(d.writeFile('files/many/!first', Buffer.from('x')).ok);
  assert.is(await codeOf(alice.shares.publish()), 'SHARE_TOO_LARGE');
  assert.is(await codeOf(share('files/many', bob)), 'SHARE_TOO_LARGE');
  assert.ok(files().includes(name(MAX_FS_LIST - 1)));
  await alice.shares.revoke(many.id);
  assert.ok(d.remove('files/many/!first').ok);
});

/** A hostile sender: its own store and share port, serving whatever cores it writes, raw. */
async function hostileSender(name: string) {
  const home = tempHome(`share-hostile-${name}`);
  const cores = await ShareCores.open(join(home, 'store'));
  const served: Hypercore[] = [];
  const server = await ShareServer.listen(() => served, { host: '127.0.0.1', port: 0 });
  return {
    cores,
    /** A new served core whose blocks `fill` appends; answers its descriptor (a folder share of `files/h`) and core. */
    async share(id: string, fill: (core: Hypercore, key: Buffer) => Promise<void>) {
      const core = await cores.outgoing(id);
      const key = randomBytes(32);
      await fill(core, key);
      served.push(core);
      server.offer(core);
      const descriptor = descriptorText({ core: core.key!, key, at: server.address, path: 'files/h', folder: true, length: core.length });
      return { core, descriptor };
    },
    async close() {
      await server.close();
      await cores.close();
      cleanup(home);
    },
  };
}

const bobOpens = (descriptor: string, maxBytes: number) =>
  bob.shares.open({ app: 'dbox', account: 'bob', accountKey: bob.key, from: 'mallory', descriptor, maxBytes, timeoutMs: 10_000 });

/** Whether bob's store holds a replica of `core` (with any block or tree in it). */
async function bobHolds(core: Hypercore): Promise<boolean> {
  return (await coresOf(bob).replicas()).some((k) => k.equals(core.key!));
}

test('a sender’s share larger than the recipient’s quota is refused before it is downloaded or replayed, and leaves no replica', async () => {
  const mallory = await hostileSender('quota');
  try {
    const quota = 256 << 10;
    // 8 files of 256 KiB (2 MiB of valid files) for a 256 KiB quota
    const payload = randomBytes(256 << 10);
    const big = await mallory.share('big', async (core, key) => {
      for (let i = 0; i < 8; i++) await appendToShare(core, key, new Map([[`files/h/f${i}.bin`, payload]]));
    });
    assert.is(await codeOf(bobOpens(big.descriptor, quota)), 'SHARE_TOO_LARGE');
    assert.not.ok(await bobHolds(big.core), 'nothing of it stays in bob’s store');

    // padded with removals (each lets the core hold SHARE_BLOCK_FRAMING_BYTES more), a 384 KiB file
    // passes the download bound, and its replay stops at the quota before the drive is touched
    const padded = await mallory.share('padded', async (core, key) => {
      const pad = Math.ceil((128 << 10) / SHARE_BLOCK_FRAMING_BYTES) + 8;
      await core.append(Array.from({ length: pad }, (_, i) => sealBlock(key, core.key!, i, removeBlock(`files/h/gone${i}`))));
      await appendToShare(core, key, new Map([['files/h/over.bin', randomBytes(384 << 10)]]));
    });
    const used = (await drive(bob)).usedBytes;
    assert.is(await codeOf(bobOpens(padded.descriptor, quota)), 'SHARE_TOO_LARGE', 'refused by its live bytes, not by the drive');
    assert.not.ok(await bobHolds(padded.core), 'the blocks downloaded for the refused sync are deleted');
    assert.is((await drive(bob)).usedBytes, used);
    assert.equal(
      bob.shares.listIncoming().filter((x) => x.from === 'mallory'),
      [],
    );

    // a replica no record names (a sync cut short by a crash) is deleted by forgetUnlisted
    const orphan = await mallory.share('orphan', async (core, key) => {
      await appendToShare(core, key, new Map([['files/h/o.txt', Buffer.from('orphan')]]));
    });
    const replica = await coresOf(bob).incoming(orphan.core.key!);
    await syncShare(replica, parseDescriptor(orphan.descriptor).at, { minLength: 1 });
    assert.ok(await bobHolds(orphan.core));
    const forgotten = await bob.shares.forgetUnlisted({
      app: 'dbox',
      account: 'bob',
      listed: new Set(bob.shares.listIncoming().map((x) => x.core)),
    });
    assert.ok(forgotten.includes(orphan.core.key!.toString('hex')), 'the orphan replica is forgotten');
    assert.not.ok(await bobHolds(orphan.core));
    assert.ok(bob.shares.listIncoming().length > 0, 'the shares bob synced keep their records');
  } finally {
    await mallory.close();
  }
});

test(`a sender’s removals count toward MAX_SHARE_FILES (${MAX_SHARE_FILES}), and incoming.json records no removal of a path the share never named`, async () => {
  const mallory = await hostileSender('removals');
  const incomingJson = (): string => readFileSync(join(bob.home, 'shares', 'incoming.json'), 'utf8');
  try {
    // MAX_SHARE_FILES + 1 removals of distinct long paths, nothing else
    const long = 'x'.repeat(200);
    const flood = await mallory.share('flood', async (core, key) => {
      await core.append(
        Array.from({ length: MAX_SHARE_FILES + 1 }, (_, i) => sealBlock(key, core.key!, i, removeBlock(`files/h/${long}${i}`))),
      );
    });
    assert.is(await codeOf(bobOpens(flood.descriptor, QUOTA)), 'SHARE_TOO_LARGE');
    assert.not.ok(incomingJson().includes(long), 'none of its paths recorded');

    // a share of one file and 100 removals of paths it never named: the file is saved, and the
    // record holds that file alone; once removed, not even that path
    const mixed = await mallory.share('mixed', async (core, key) => {
      await appendToShare(core, key, new Map([['files/h/kept.txt', Buffer.from('kept')]]));
      await core.append(
        Array.from({ length: 100 }, (_, i) => sealBlock(key, core.key!, core.length + i, removeBlock(`files/h/${long}${i}`))),
      );
    });
    assert.equal(await bobOpens(mixed.descriptor, QUOTA), { saved: ['h/kept.txt'], removed: [] });
    const hex = mixed.core.key!.toString('hex');
    const record = () => readIncoming(bob.home).find((x) => x.core === hex)!;
    assert.equal(Object.keys(record().files), ['files/h/kept.txt']);
    assert.not.ok(incomingJson().includes(long));
    const key = parseDescriptor(mixed.descriptor).key;
    await appendToShare(mixed.core, key, new Map([['files/h/kept.txt', null]]));
    const later = descriptorText({ ...parseDescriptor(mixed.descriptor), length: mixed.core.length });
    assert.equal(await bobOpens(later, QUOTA), { saved: [], removed: ['h/kept.txt'] });
    assert.equal(record().files, {}, 'a removed path is not kept');
  } finally {
    await mallory.close();
  }
});

test.run();
