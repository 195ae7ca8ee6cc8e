// Share cores replicated between two hosts' corestores over loopback TCP (runtime/fs/share-peer.ts):
// a 1 MiB file and a folder written on one, read on the other; later writes reach the reader on the
// next sync, also after it was offline; a revoked core is no longer served; a third party without
// the content key reads nothing; hostile writers (a tampered chunk, a cut file, a wrong length, an
// oversize block or core) are refused with a typed error. Figures: 1 MiB share-to-readable, and
// share replication vs raw hypercore replication of the same bytes, printed for the docs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Hypercore from 'hypercore';
import { ShareCores, appendToShare, readShare } from '../../../runtime/fs/share-core.js';
import {
  MAX_SHARE_CONNECTIONS,
  MAX_SHARE_CONNECTIONS_PER_ADDRESS,
  MAX_SHARE_OPENED_FRAME_BYTES,
  MAX_SHARE_RECIPIENT_FRAME_BYTES,
  MAX_SHARE_UNOPENED_FRAME_BYTES,
  SHARE_ANSWER_TIMEOUT_MS,
  SHARE_HANDSHAKE_TIMEOUT_MS,
  SHARE_IDLE_TIMEOUT_MS,
  SHARE_SYNC_TIMEOUT_MS,
  ShareServer,
  type ShareServerTimeouts,
  positionOf,
  syncShare,
} from '../../../runtime/fs/share-peer.js';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { addressGroup } from '../../../lib/address-group.js';
import {
  KIND_CHUNK,
  KIND_FILE,
  MAX_SHARE_BLOCK_BYTES,
  MAX_SHARE_BLOCKS,
  MAX_SHARE_FILES,
  MAX_SHARE_HEADER_BYTES,
  SHARE_CHUNK_BYTES,
  fileBlocks,
  sealBlock,
} from '../../../runtime/fs/share-format.js';
import { SHARE_PROOF_EXTENSION } from '../../../runtime/fs/share-proof.js';
import { tempHome, cleanup } from '../helpers.js';
import { codeOf } from '../../fixtures/share-code.js';
import { ShareError } from '../../../runtime/fs/share-error.js';

const home = tempHome('share-peer');
let alice: ShareCores;
let bob: ShareCores;
/** The attackers' own host: a replica of theirs is never one of bob's, so their stuck connections cannot stall bob's syncs. */
let mallory: ShareCores;
let server: ShareServer;
const active = new Set<Hypercore>();

test.before(async () => {
  alice = await ShareCores.open(join(home, 'alice'));
  bob = await ShareCores.open(join(home, 'bob'));
  mallory = await ShareCores.open(join(home, 'mallory'));
  server = await ShareServer.listen(() => [...active], { host: '127.0.0.1', port: 0 });
});
test.after(async () => {
  await server?.close();
  await alice?.close();
  await bob?.close();
  await mallory?.close();
  cleanup(home);
});

test('a 1 MiB file written on one host is read on the other', async () => {
  const key = randomBytes(32);
  const out = await alice.outgoing('one');
  active.add(out);
  server.offer(out);
  const content = randomBytes(1 << 20);
  const t0 = performance.now();
  const length = await appendToShare(out, key, new Map([['big.bin', content]]));
  const replica = await bob.incoming(out.key!);
  await syncShare(replica, server.address, { minLength: length });
  const state = await readShare(replica, { contentKey: key, root: 'big.bin', folder: false, length });
  process.stdout.write(`  share-to-readable, 1 MiB over loopback: ${(performance.now() - t0).toFixed(0)} ms\n`);
  assert.ok(Buffer.from(state.get('big.bin')!).equals(content));
});

/** A new outgoing core on alice's side, served. */
async function served(name: string): Promise<Hypercore> {
  const core = await alice.outgoing(name);
  active.add(core);
  server.offer(core);
  return core;
}

/** A hostile writer: appends `plains` sealed as they are (or already-sealed `raw` blocks). */
async function appendRaw(core: Hypercore, key: Uint8Array, plains: Buffer[]): Promise<void> {
  const start = core.length;
  await core.append(plains.map((p, k) => sealBlock(key, core.key!, start + k, p)));
}

/** Bob replicates `core` and replays `root` from it. */
async function bobReads(
  core: Hypercore,
  key: Uint8Array,
  root: string,
  folder: boolean,
  minLength = 1,
  timeoutMs?: number,
  from: ShareServer = server,
) {
  const replica = await bob.incoming(core.key!);
  const length = await syncShare(replica, from.address, { minLength, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  return readShare(replica, { contentKey: key, root, folder, length });
}

test('a folder: later writes and removals reach the reader on its next sync, also after it was offline', async () => {
  const key = randomBytes(32);
  const core = await served('folder');
  const ev = (n: number) => Buffer.from(JSON.stringify({ title: `event ${n}`, at: `2027-01-0${n}` }));
  await appendToShare(
    core,
    key,
    new Map([
      ['cal/1.json', ev(1)],
      ['cal/2.json', ev(2)],
    ]),
  );
  let state = await bobReads(core, key, 'cal', true);
  assert.equal([...state.keys()].sort(), ['cal/1.json', 'cal/2.json']);
  // bob is offline (not replicating): alice writes and removes
  await appendToShare(
    core,
    key,
    new Map<string, Uint8Array | null>([
      ['cal/3.json', ev(3)],
      ['cal/1.json', null],
      ['cal/2.json', ev(22)],
    ]),
  );
  state = await bobReads(core, key, 'cal', true);
  assert.equal(state.get('cal/1.json'), null);
  assert.is(Buffer.from(state.get('cal/2.json')!).toString(), ev(22).toString());
  assert.is(Buffer.from(state.get('cal/3.json')!).toString(), ev(3).toString());
});

test('a revoked core is no longer served: the reader cannot replicate new data', async () => {
  const key = randomBytes(32);
  const core = await served('revoked');
  await appendToShare(core, key, new Map([['r/a.txt', Buffer.from('before')]]));
  assert.ok((await bobReads(core, key, 'r', true)).has('r/a.txt'));
  active.delete(core);
  server.dropAll();
  await appendToShare(core, key, new Map([['r/b.txt', Buffer.from('after')]]));
  const replica = await bob.incoming(core.key!);
  const listening = replica.listenerCount('peer-add');
  assert.is(await codeOf(syncShare(replica, server.address, { minLength: 1, timeoutMs: 1500 })), 'SHARE_UNREACHABLE');
  assert.is(replica.listenerCount('peer-add'), listening, 'the timed-out sync left no peer-add listener behind');
  assert.is(replica.length, 2, 'bob holds only what was replicated before the revocation');
});

test('a third party with the core but not the content key reads nothing: every block fails its tag', async () => {
  const key = randomBytes(32);
  const core = await served('third');
  await appendToShare(core, key, new Map([['t.txt', Buffer.from('for bob only')]]));
  assert.is(await codeOf(bobReads(core, randomBytes(32), 't.txt', false)), 'SHARE_TAMPERED');
});

test('hostile writers: a tampered chunk, a cut file, a wrong final marker, a path outside the share, oversize headers and chunks are refused', async () => {
  const key = randomBytes(32);
  const content = randomBytes(SHARE_CHUNK_BYTES * 2 + 10);
  const [header, c0, c1, c2] = fileBlocks('f.bin', content);

  const tampered = await served('tampered');
  await appendRaw(tampered, key, [header!, c0!]);
  const good = sealBlock(key, tampered.key!, 2, c1!);
  good[40]! ^= 1;
  await tampered.append([good, sealBlock(key, tampered.key!, 3, c2!)]);
  assert.is(await codeOf(bobReads(tampered, key, 'f.bin', false)), 'SHARE_TAMPERED');

  const cut = await served('cut');
  await appendRaw(cut, key, [header!, c0!, c1!]);
  assert.is(await codeOf(bobReads(cut, key, 'f.bin', false)), 'SHARE_TRUNCATED', 'header promises 3 chunks, core has 2');

  const final = await served('final');
  const early = Buffer.from(c1!);
  early[1] = 1; // claims to be the last chunk
  await appendRaw(final, key, [header!, c0!, early, c2!]);
  assert.is(await codeOf(bobReads(final, key, 'f.bin', false)), 'SHARE_TRUNCATED');

  const swapped = await served('swapped');
  await appendRaw(swapped, key, [header!, c1!, c0!, c2!]); // each sealed at its new index: only the content check can tell
  assert.is(await codeOf(bobReads(swapped, key, 'f.bin', false)), 'SHARE_MALFORMED');

  const outside = await served('outside');
  await appendRaw(outside, key, fileBlocks('other/secret.txt', Buffer.from('x')));
  assert.is(await codeOf(bobReads(outside, key, 'cal', true)), 'SHARE_MALFORMED');
  const dotdot = await served('dotdot');
  await appendRaw(dotdot, key, [
    Buffer.concat([Buffer.from([KIND_FILE]), Buffer.from(JSON.stringify({ path: 'cal/../../x', size: 1, chunks: 1, sha256: '' }))]),
  ]);
  assert.is(await codeOf(bobReads(dotdot, key, 'cal', true)), 'SHARE_MALFORMED');

  const bigHeader = await served('big-header');
  await appendRaw(bigHeader, key, [Buffer.concat([Buffer.from([KIND_FILE]), Buffer.alloc(MAX_SHARE_HEADER_BYTES + 1, 32)])]);
  assert.is(await codeOf(bobReads(bigHeader, key, 'x', false)), 'SHARE_TOO_LARGE');

  const bigChunk = await served('big-chunk');
  await appendRaw(bigChunk, key, [header!, Buffer.concat([Buffer.from([KIND_CHUNK, 0]), Buffer.alloc(SHARE_CHUNK_BYTES + 1)]), c1!, c2!]);
  assert.is(await codeOf(bobReads(bigChunk, key, 'f.bin', false)), 'SHARE_TOO_LARGE', `a block over ${MAX_SHARE_BLOCK_BYTES} bytes`);

  const hugeFile = await served('huge-file');
  await appendRaw(hugeFile, key, [
    Buffer.concat([
      Buffer.from([KIND_FILE]),
      Buffer.from(JSON.stringify({ path: 'h', size: 2 ** 40, chunks: 2 ** 40 / SHARE_CHUNK_BYTES, sha256: '' })),
    ]),
  ]);
  assert.is(await codeOf(bobReads(hugeFile, key, 'h', false)), 'SHARE_TOO_LARGE');
});

test('a core shorter than the descriptor commits to, or longer than MAX_SHARE_BLOCKS, is refused before anything is read', async () => {
  const key = randomBytes(32);
  const short = await served('short');
  await appendToShare(short, key, new Map([['s.txt', Buffer.from('short')]]));
  assert.is(await codeOf(bobReads(short, key, 's.txt', false, 5)), 'SHARE_TRUNCATED');

  const huge = await served('huge');
  const one = Buffer.alloc(1);
  await huge.append(Array.from({ length: MAX_SHARE_BLOCKS + 1 }, () => one));
  const replica = await bob.incoming(huge.key!);
  assert.is(await codeOf(syncShare(replica, server.address, { minLength: 1 })), 'SHARE_TOO_LARGE');
  assert.ok(replica.contiguousLength < 10, `nothing downloaded (${replica.contiguousLength} blocks)`);

  // the byte bound, from the peer's signed byte length, before downloading (a smaller bound than
  // MAX_SHARE_CORE_BYTES: a core over 1 GiB is too big to build here)
  const heavy = await served('heavy');
  await appendToShare(heavy, key, new Map([['h.bin', randomBytes(4 * SHARE_CHUNK_BYTES)]]));
  const heavyReplica = await bob.incoming(heavy.key!);
  assert.is(
    await codeOf(
      syncShare(heavyReplica, server.address, { minLength: 1, limits: { maxBlocks: MAX_SHARE_BLOCKS, maxBytes: 3 * SHARE_CHUNK_BYTES } }),
    ),
    'SHARE_TOO_LARGE',
  );
  assert.is(heavyReplica.contiguousLength, 0, 'nothing downloaded');
});

test(`a share naming more than MAX_SHARE_FILES (${MAX_SHARE_FILES}) files is refused`, async () => {
  const key = randomBytes(32);
  const many = await served('many');
  const empty = new Uint8Array(0);
  await appendToShare(many, key, new Map(Array.from({ length: MAX_SHARE_FILES + 1 }, (_, i) => [`m/${i}`, empty] as const)));
  assert.is(await codeOf(bobReads(many, key, 'm', true)), 'SHARE_TOO_LARGE');
});

/** An attacker's raw TCP socket to the share port (of `to`) from `from` (a loopback address), sending nothing unless told. */
function rawSocket(from: string, closed: Set<Socket>, to: ShareServer = server): Socket {
  const s = connect({ port: to.address.port, host: to.address.host, localAddress: from });
  s.on('error', () => {});
  s.on('close', () => closed.add(s));
  return s;
}

async function until(done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

/**
 * The tests that wait a deadline out use a server of their own with a shorter one: the same code
 * paths, 14 s less waiting. The handshake test keeps the default idle deadline, so that only the
 * handshake deadline can close its silent sockets in time; the idle one stays past the handshake one.
 */
const QUICK_HANDSHAKE = { handshakeMs: 2_000, idleMs: SHARE_IDLE_TIMEOUT_MS };
const QUICK_IDLE = { handshakeMs: 2_000, idleMs: 4_000 };
async function withQuickServer(timeouts: ShareServerTimeouts, fn: (quick: ShareServer) => Promise<void>): Promise<void> {
  const quick = await ShareServer.listen(() => [...active], { host: '127.0.0.1', port: 0 }, timeouts);
  try {
    await fn(quick);
  } finally {
    await quick.close();
  }
}

test('a server listens with the deadlines SHARE_HANDSHAKE_TIMEOUT_MS and SHARE_IDLE_TIMEOUT_MS unless given others', () => {
  assert.equal(server.timeouts, { handshakeMs: SHARE_HANDSHAKE_TIMEOUT_MS, idleMs: SHARE_IDLE_TIMEOUT_MS });
  assert.ok(QUICK_IDLE.idleMs > QUICK_IDLE.handshakeMs && SHARE_IDLE_TIMEOUT_MS > SHARE_HANDSHAKE_TIMEOUT_MS);
});

test(`a sharing host keeps at most MAX_SHARE_CONNECTIONS (${MAX_SHARE_CONNECTIONS}) connections, MAX_SHARE_CONNECTIONS_PER_ADDRESS (${MAX_SHARE_CONNECTIONS_PER_ADDRESS}) from one address; the next is closed on arrival`, async () => {
  server.dropAll();
  const socks: Socket[] = [];
  const closed = new Set<Socket>();
  try {
    // from 9 loopback addresses, 8 each: 72 sockets, 64 kept
    for (let a = 0; a < 9; a++)
      for (let i = 0; i < MAX_SHARE_CONNECTIONS_PER_ADDRESS; i++) socks.push(rawSocket(`127.0.1.${a + 1}`, closed));
    await until(() => server.connections + closed.size >= socks.length, 4000);
    assert.is(server.connections, MAX_SHARE_CONNECTIONS);
    assert.is(closed.size, socks.length - MAX_SHARE_CONNECTIONS, 'the connections over the limit were closed');
  } finally {
    for (const s of socks) s.destroy();
  }
  await until(() => server.connections === 0, 4000);
  assert.is(addressGroup('::ffff:10.1.2.3'), '10.1.2.3');
  assert.is(addressGroup('2001:db8:1:2:aaaa::1'), addressGroup('2001:db8:1:2::ffff'), 'one IPv6 /64 is one address');
  assert.is.not(addressGroup('2001:db8:1:2::1'), addressGroup('2001:db8:1:3::1'));
});

test(`the share port against one address's silent sockets: ${MAX_SHARE_CONNECTIONS_PER_ADDRESS} kept, a recipient still syncs, and each is closed by the handshake deadline (SHARE_HANDSHAKE_TIMEOUT_MS, here ${QUICK_HANDSHAKE.handshakeMs} ms)`, async () => {
  const key = randomBytes(32);
  const core = await served('crowded');
  await appendToShare(core, key, new Map([['c.txt', Buffer.from('still served')]]));
  await withQuickServer(QUICK_HANDSHAKE, async (quick) => {
    const socks: Socket[] = [];
    const closed = new Set<Socket>();
    try {
      const t0 = Date.now();
      // the attacker: MAX_SHARE_CONNECTIONS sockets that never send a byte
      for (let i = 0; i < MAX_SHARE_CONNECTIONS; i++) socks.push(rawSocket('127.0.0.2', closed, quick));
      await until(() => closed.size >= MAX_SHARE_CONNECTIONS - MAX_SHARE_CONNECTIONS_PER_ADDRESS, 4000);
      assert.is(closed.size, MAX_SHARE_CONNECTIONS - MAX_SHARE_CONNECTIONS_PER_ADDRESS, 'past its share, one address is closed on arrival');
      assert.is(quick.connections, MAX_SHARE_CONNECTIONS_PER_ADDRESS);
      // a recipient (from 127.0.0.1) is not locked out
      assert.equal([...(await bobReads(core, key, 'c.txt', false, 1, 4000, quick)).keys()], ['c.txt']);
      // 2 s of slack, less than the 3 s between the short deadline and the default one
      await until(() => closed.size === socks.length, QUICK_HANDSHAKE.handshakeMs + 2000);
      assert.is(
        closed.size,
        socks.length,
        `every silent socket closed within ${QUICK_HANDSHAKE.handshakeMs} ms + 2 s (${Date.now() - t0} ms)`,
      );
      assert.is(quick.connections, 0);
    } finally {
      for (const s of socks) s.destroy();
    }
  });
});

test(`a peer that announces a frame over MAX_SHARE_UNOPENED_FRAME_BYTES (${MAX_SHARE_UNOPENED_FRAME_BYTES}) before opening a served channel is closed on its length, not at the deadline`, async () => {
  server.dropAll();
  const closed = new Set<Socket>();
  const silent = rawSocket('127.0.0.3', closed);
  const big = rawSocket('127.0.0.3', closed);
  try {
    // 0xFFFFFF announced (what secret-stream would allocate whole), then 1 MiB of it
    const head = Buffer.alloc(3 + (1 << 20), 0x41);
    head.writeUIntLE(0xffffff, 0, 3);
    big.write(head);
    await until(() => closed.has(big), SHARE_HANDSHAKE_TIMEOUT_MS + 3000);
    assert.ok(closed.has(big), 'the oversize frame closed its connection');
    assert.not.ok(closed.has(silent), 'before the handshake deadline (the silent socket of the same moment is still open)');
  } finally {
    silent.destroy();
    big.destroy();
  }
});

/**
 * A peer that knows `core`'s key (a share link passed on): a raw socket from `from` whose served
 * channel is open, the server's proof received (the server counts it opened by then). What it
 * writes next on the socket is the attacker's own bytes (one write: a frame of its protocol stream
 * can only follow them, as more of the frame they announce). Its replica is mallory's, not bob's:
 * hypercore sends a core's one length request to any of its peers, and on a replica of bob's it
 * could go to this peer, whose next frames the server never reads (stalling bob's sync to its deadline).
 */
async function keyHolder(core: Hypercore, from: string, closed: Set<Socket>): Promise<Socket> {
  const replica = await mallory.incoming(core.key!);
  const sock = rawSocket(from, closed);
  const proto = (Hypercore as unknown as { createProtocolStream(initiator: boolean): NodeJS.ReadWriteStream }).createProtocolStream(true);
  proto.on('error', () => {});
  sock.pipe(proto).pipe(sock);
  let proved = false;
  const ext = replica.registerExtension(SHARE_PROOF_EXTENSION, { onmessage: () => (proved = true) });
  replica.replicate(proto);
  await until(() => proved, SHARE_HANDSHAKE_TIMEOUT_MS);
  ext.destroy();
  assert.ok(proved, 'the served channel opened');
  return sock;
}

test(`a peer holding the key that announces a frame over MAX_SHARE_OPENED_FRAME_BYTES (${MAX_SHARE_OPENED_FRAME_BYTES}) is closed on its length; a share of maximum-size blocks still transfers`, async () => {
  server.dropAll();
  const key = randomBytes(32);
  const core = await served('opened-frames');
  const content = randomBytes(4 * SHARE_CHUNK_BYTES);
  const length = await appendToShare(core, key, new Map([['max.bin', content]]));
  assert.is((await core.get(1))!.length, MAX_SHARE_BLOCK_BYTES, 'a chunk block is a maximum-size block');
  const closed = new Set<Socket>();
  const atBound = await keyHolder(core, '127.0.0.6', closed);
  const over = await keyHolder(core, '127.0.0.6', closed);
  const announce = (sock: Socket, length: number): void => {
    const head = Buffer.alloc(3 + 1024, 0x41);
    head.writeUIntLE(length, 0, 3);
    sock.write(head);
  };
  try {
    announce(atBound, MAX_SHARE_OPENED_FRAME_BYTES);
    announce(over, MAX_SHARE_OPENED_FRAME_BYTES + 1);
    await until(() => closed.has(over), 3000);
    assert.ok(closed.has(over), 'a frame one byte over the bound closed its connection (before: open until SHARE_IDLE_TIMEOUT_MS)');
    assert.not.ok(closed.has(atBound), 'a frame at the bound is still being received');
    // a recipient syncs a share of maximum-size blocks over the bounded server
    assert.ok(Buffer.from((await bobReads(core, key, 'max.bin', false, length)).get('max.bin')!).equals(content));
  } finally {
    atBound.destroy();
    over.destroy();
  }
});

test(`a sharing peer that announces a frame over MAX_SHARE_RECIPIENT_FRAME_BYTES (${MAX_SHARE_RECIPIENT_FRAME_BYTES}) ends the sync at its length (SHARE_MALFORMED); a share of maximum-size blocks still syncs`, async () => {
  // the hostile peer a share link points at: announces one frame (what secret-stream would allocate
  // whole: 16 MiB) and sends 1 MiB of it; or one byte over the bound
  const hostile = (announced: number) =>
    createServer((s) => {
      s.on('error', () => {});
      const head = Buffer.alloc(3 + (1 << 20), 0x41);
      head.writeUIntLE(announced, 0, 3);
      s.write(head);
    });
  for (const announced of [0xffffff, MAX_SHARE_RECIPIENT_FRAME_BYTES + 1]) {
    const peer = hostile(announced);
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    try {
      const port = (peer.address() as { port: number }).port;
      const started = Date.now();
      const replica = await bob.incoming(randomBytes(32));
      assert.is(await codeOf(syncShare(replica, { host: '127.0.0.1', port }, { minLength: 1, timeoutMs: 10_000 })), 'SHARE_MALFORMED');
      assert.ok(Date.now() - started < 3000, `ended at the frame's length, not at the deadline (${Date.now() - started} ms)`);
    } finally {
      await new Promise((r) => peer.close(r));
    }
  }
  const key = randomBytes(32);
  const core = await served('recipient-frames');
  const content = randomBytes(4 * SHARE_CHUNK_BYTES);
  const length = await appendToShare(core, key, new Map([['max.bin', content]]));
  assert.is((await core.get(1))!.length, MAX_SHARE_BLOCK_BYTES);
  assert.ok(Buffer.from((await bobReads(core, key, 'max.bin', false, length)).get('max.bin')!).equals(content));
});

test(`a peer past the handshake that then goes silent is closed after the idle deadline (SHARE_IDLE_TIMEOUT_MS, here ${QUICK_IDLE.idleMs} ms)`, async () => {
  const core = await served('idle');
  await appendToShare(core, randomBytes(32), new Map([['i.txt', Buffer.from('idle')]]));
  const replica = await bob.incoming(core.key!);
  await withQuickServer(QUICK_IDLE, async (quick) => {
    const closed = new Set<Socket>();
    const sock = rawSocket('127.0.0.4', closed, quick);
    const proto = (Hypercore as unknown as { createProtocolStream(initiator: boolean): NodeJS.ReadWriteStream }).createProtocolStream(true);
    proto.on('error', () => {});
    sock.pipe(proto).pipe(sock);
    try {
      replica.replicate(proto);
      await until(() => replica.peers.length > 0, QUICK_IDLE.handshakeMs);
      assert.ok(replica.peers.length > 0, 'the channel of a served core opened');
      // from here the peer sends nothing, not even hypercore's keep-alive: its writes stay corked
      sock.cork();
      const t0 = Date.now();
      await until(() => closed.has(sock), QUICK_IDLE.idleMs + 5000);
      assert.ok(closed.has(sock), `closed after ${Date.now() - t0} ms of silence`);
      // the handshake deadline, had the open channel not cleared it, would have fired < handshakeMs after t0
      assert.ok(
        Date.now() - t0 >= QUICK_IDLE.idleMs - 1000,
        'not before the idle timeout: past the handshake deadline, a served channel keeps it',
      );
    } finally {
      sock.destroy();
    }
  });
});

/** A server on loopback that accepts connections, reads them and never answers (closed by the caller, with its sockets). */
async function silentServer(): Promise<{ silent: Server; accepted: Socket[] }> {
  const accepted: Socket[] = [];
  const silent = createServer((sock) => {
    accepted.push(sock);
    sock.resume();
    sock.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  return { silent, accepted };
}

test(`a peer that accepts the connection and never answers ends the sync at SHARE_ANSWER_TIMEOUT_MS (${SHARE_ANSWER_TIMEOUT_MS} ms), not SHARE_SYNC_TIMEOUT_MS (${SHARE_SYNC_TIMEOUT_MS} ms)`, async () => {
  const { silent, accepted } = await silentServer();
  try {
    const core = await alice.outgoing('unanswered');
    const replica = await bob.incoming(core.key!);
    const t0 = Date.now();
    assert.is(
      await codeOf(syncShare(replica, { host: '127.0.0.1', port: (silent.address() as AddressInfo).port }, { minLength: 1 })),
      'SHARE_UNREACHABLE',
    );
    const ms = Date.now() - t0;
    assert.is(accepted.length, 1, 'the peer was reached');
    assert.ok(ms >= SHARE_ANSWER_TIMEOUT_MS - 100 && ms < SHARE_ANSWER_TIMEOUT_MS + 5000, `gave up after ${ms} ms`);
  } finally {
    for (const s of accepted) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

/** The ShareError a sync fails with (a resolved sync fails the test). */
async function failureOf(p: Promise<unknown>): Promise<ShareError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.instance(e, ShareError, 'the sync failed with a ShareError');
  return e as ShareError;
}

test('a sharing peer that closes the connection ends the sync at once (SHARE_UNREACHABLE), not at the deadline; a close after every block was sent keeps the sync that arrived', async () => {
  const slow = { timeoutMs: 20_000, answerTimeoutMs: 20_000 }; // what a close must not wait out
  const quickly = (t0: number) => `ended after ${Date.now() - t0} ms, not at the ${slow.timeoutMs} ms deadline`;
  // closed on arrival, before it offers the share
  const closing = createServer((sock) => sock.destroy());
  await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
  try {
    const replica = await bob.incoming((await alice.outgoing('closed-on-arrival')).key!);
    const t0 = Date.now();
    const e = await failureOf(
      syncShare(replica, { host: '127.0.0.1', port: (closing.address() as AddressInfo).port }, { minLength: 1, ...slow }),
    );
    assert.is(e.code, 'SHARE_UNREACHABLE', e.message);
    assert.match(e.message, 'closed the connection (waiting for the peer to offer the share)');
    assert.ok(Date.now() - t0 < slow.timeoutMs / 2, quickly(t0));
  } finally {
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  }
  // closed right after its proof, before it answers the length request (before: SHARE_TRUNCATED,
  // "0 blocks": hypercore answers "no newer length" once the core's last peer left)
  const key = randomBytes(32);
  const proven = await served('closed-after-proof');
  const provenLength = await appendToShare(proven, key, new Map([['p.txt', Buffer.from('proven')]]));
  proven.once('peer-add', () => setImmediate(() => server.dropAll()));
  const t1 = Date.now();
  const early = await failureOf(syncShare(await bob.incoming(proven.key!), server.address, { minLength: provenLength, ...slow }));
  assert.is(early.code, 'SHARE_UNREACHABLE', early.message);
  assert.match(early.message, 'closed the connection');
  assert.ok(Date.now() - t1 < slow.timeoutMs / 2, quickly(t1));
  // closed in the middle of the download (the sender revoked a share: ShareServer.dropAll)
  const mid = await served('closed-mid-download');
  const length = await appendToShare(mid, key, new Map([['m.bin', randomBytes(40 * SHARE_CHUNK_BYTES)]]));
  const midReplica = await bob.incoming(mid.key!);
  midReplica.once('download', () => server.dropAll());
  const t0 = Date.now();
  const e = await failureOf(syncShare(midReplica, server.address, { minLength: length, ...slow }));
  assert.is(e.code, 'SHARE_UNREACHABLE', e.message);
  assert.match(e.message, 'closed the connection (downloading the share)');
  assert.ok(Date.now() - t0 < slow.timeoutMs / 2, quickly(t0));
  assert.not.ok(await midReplica.has(0, length), 'the download was cut');
  // closed right after the last block was sent: blocks still being verified when the peer left
  // land afterwards, and the sync reports what arrived (the whole share, on loopback)
  const last = await served('closed-after-last-block');
  const lastLength = await appendToShare(last, key, new Map([['l.bin', randomBytes(40 * SHARE_CHUNK_BYTES)]]));
  const sent = new Set<number>();
  const onUpload = (index: number): void => {
    sent.add(index);
    if (sent.size === lastLength) setImmediate(() => server.dropAll());
  };
  last.on('upload', onUpload);
  try {
    const lastReplica = await bob.incoming(last.key!);
    const outcome = await syncShare(lastReplica, server.address, { minLength: lastLength, ...slow }).then(
      (n) => `synced ${n} blocks`,
      (err: ShareError) => `${err.code}: ${err.message}`,
    );
    // a failed sync gets 2 s for blocks still being verified to land: all of them landing means a
    // complete transfer was reported as failed (a sync that succeeds must hold them all at once)
    let complete = await lastReplica.has(0, lastLength);
    for (const end = Date.now() + 2000; !complete && !outcome.startsWith('synced') && Date.now() < end; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      complete = await lastReplica.has(0, lastLength);
    }
    process.stdout.write(`  closed after every block was sent: ${outcome}\n`);
    if (complete) assert.is(outcome, `synced ${lastLength} blocks`, 'every block arrived: the close is no failure');
    else assert.match(outcome, /^SHARE_UNREACHABLE: .*closed the connection/, 'a block did not arrive: the close fails the sync');
  } finally {
    last.off('upload', onUpload);
  }
});

test("a peer on another connection of the replica is not this connection's offer", async () => {
  // bob's replica already has a peer (a connection to the sharing host); the dialled address never answers
  const core = await served('another-connection');
  await appendToShare(core, randomBytes(32), new Map([['o.txt', Buffer.from('other')]]));
  const replica = await bob.incoming(core.key!);
  const other = rawSocket('127.0.0.7', new Set());
  const otherProto = (Hypercore as unknown as { createProtocolStream(initiator: boolean): NodeJS.ReadWriteStream }).createProtocolStream(
    true,
  );
  otherProto.on('error', () => {});
  other.pipe(otherProto).pipe(other);
  replica.replicate(otherProto);
  const { silent, accepted } = await silentServer();
  try {
    await until(() => replica.peers.length > 0, SHARE_HANDSHAKE_TIMEOUT_MS);
    assert.ok(replica.peers.length > 0, 'the replica has a peer on the other connection');
    const e = await failureOf(
      syncShare(replica, { host: '127.0.0.1', port: (silent.address() as AddressInfo).port }, { minLength: 1, answerTimeoutMs: 1000 }),
    );
    // before: the other connection's peer counted as the offer, and the sync waited for a proof
    assert.is(e.code, 'SHARE_UNREACHABLE', e.message);
    assert.match(e.message, 'waiting for the peer to offer the share');
  } finally {
    other.destroy();
    for (const s of accepted) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test('figures: share replication vs raw hypercore replication of the same bytes (printed for docs/fs.md)', async () => {
  const content = randomBytes(1 << 20);
  const key = randomBytes(32);
  const raw = await served('raw');
  const chunks: Buffer[] = [];
  for (let i = 0; i < content.length; i += SHARE_CHUNK_BYTES) chunks.push(content.subarray(i, i + SHARE_CHUNK_BYTES));
  await raw.append(chunks);
  let t = performance.now();
  const rawReplica = await bob.incoming(raw.key!);
  await syncShare(rawReplica, server.address, { minLength: chunks.length });
  const rawMs = performance.now() - t;

  t = performance.now();
  const sealed = await served('sealed');
  const length = await appendToShare(sealed, key, new Map([['m.bin', content]]));
  const replica = await bob.incoming(sealed.key!);
  await syncShare(replica, server.address, { minLength: length });
  const state = await readShare(replica, { contentKey: key, root: 'm.bin', folder: false, length });
  const shareMs = performance.now() - t;
  assert.ok(Buffer.from(state.get('m.bin')!).equals(content));
  process.stdout.write(
    `  1 MiB: raw hypercore replication ${rawMs.toFixed(0)} ms; sealed share (seal, append, replicate, verify, open) ${shareMs.toFixed(0)} ms; ratio ${(shareMs / rawMs).toFixed(2)}\n`,
  );
});

test('incremental: a sync from a verified position downloads and replays only the blocks after it; the limits still count the whole share', async () => {
  const key = randomBytes(32);
  const out = await served('incr');
  const first = await appendToShare(out, key, new Map([['f/a', randomBytes(3 * SHARE_CHUNK_BYTES)]]));
  const replica = await bob.incoming(out.key!);
  await syncShare(replica, server.address, { minLength: first });
  const prior = new Map<string, number | null>([['f/a', 3 * SHARE_CHUNK_BYTES]]);
  const verified = await positionOf(replica, first);
  await replica.clear(0, first - 1); // what a recipient keeps after saving: the tree and the last block
  const b = randomBytes(100);
  const second = await appendToShare(
    out,
    key,
    new Map<string, Uint8Array | null>([
      ['f/b', b],
      ['f/a', null],
    ]),
  );
  const length = await syncShare(replica, server.address, { minLength: first, verified });
  assert.is(length, second);
  assert.not.ok(await replica.has(0), 'block 0 was not downloaded again');
  const state = await readShare(replica, { contentKey: key, root: 'f', folder: true, length, start: first, prior });
  assert.equal([...state.keys()], ['f/b', 'f/a']);
  assert.ok(Buffer.from(state.get('f/b')!).equals(b));
  assert.is(state.get('f/a'), null);
  // a replay from 0 needs block 0, which is gone: the incremental read never asks for it
  assert.match(
    String(await readShare(replica, { contentKey: key, root: 'f', folder: true, length }).catch((e: Error) => e.message)),
    'not local',
  );
  // the share's limits count what came before the position
  const crowded = new Map<string, number | null>(Array.from({ length: MAX_SHARE_FILES }, (_, i) => [`f/x${i}`, 1] as const));
  assert.is(
    await codeOf(readShare(replica, { contentKey: key, root: 'f', folder: true, length, start: first, prior: crowded })),
    'SHARE_TOO_LARGE',
  );
  // a start past the length is refused
  assert.is(await codeOf(readShare(replica, { contentKey: key, root: 'f', folder: true, length, start: length + 1 })), 'SHARE_TRUNCATED');
});

test('a core that shrank or forked below the verified position is refused (SHARE_FORKED) before anything is downloaded', async () => {
  const key = randomBytes(32);
  const out = await served('forks');
  const first = await appendToShare(out, key, new Map([['g/a', randomBytes(2 * SHARE_CHUNK_BYTES)]]));
  const replica = await bob.incoming(out.key!);
  await syncShare(replica, server.address, { minLength: first });
  const verified = await positionOf(replica, first);
  // the writer truncates its core and writes something else in its place
  await out.truncate(1);
  await appendToShare(out, key, new Map([['g/other', randomBytes(5 * SHARE_CHUNK_BYTES)]]));
  assert.ok(out.length > first);
  assert.is(await codeOf(syncShare(replica, server.address, { minLength: 1, verified })), 'SHARE_FORKED');

  // shrank: a fresh reader verified a longer core; the writer cuts it short
  const out2 = await served('shrinks');
  const long = await appendToShare(out2, key, new Map([['h/a', randomBytes(4 * SHARE_CHUNK_BYTES)]]));
  const replica2 = await bob.incoming(out2.key!);
  await syncShare(replica2, server.address, { minLength: long });
  const v2 = await positionOf(replica2, long);
  await out2.truncate(2);
  assert.is(await codeOf(syncShare(replica2, server.address, { minLength: 1, verified: v2 })), 'SHARE_FORKED');
  // a position that does not hash as the core does (another tree) is refused too
  const other = await served('other-tree');
  const len3 = await appendToShare(other, key, new Map([['i/a', randomBytes(10)]]));
  const replica3 = await bob.incoming(other.key!);
  assert.is(
    await codeOf(syncShare(replica3, server.address, { minLength: len3, verified: { ...verified, length: 1, fork: 0 } })),
    'SHARE_FORKED',
  );
});

test.run();
