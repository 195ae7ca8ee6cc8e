// The sender proves the key in the descriptor (runtime/fs/share-proof.ts): before a recipient asks
// a peer for anything, the peer must sign this connection's Noise handshake hash with the share
// core's secret key. Three hosts' corestores over loopback TCP: alice (the writer) is served and
// proves it; carol holds a full replica of alice's core (she knows its public key and has every
// block) and serves it — she cannot prove, and bob refuses her before downloading one block; a
// peer that sends a proof signed by another key, or alice's own key over another connection's hash
// (a replayed or relayed proof), is refused at once. The statement and its bounds as data.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import Hypercore from 'hypercore';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ShareCores, appendToShare } from '../../../runtime/fs/share-core.js';
import { ShareServer, syncShare, type PeerAddress } from '../../../runtime/fs/share-peer.js';
import {
  SHARE_PROOF_BYTES,
  SHARE_PROOF_EXTENSION,
  TAG_SHARE_SERVE,
  serveStatement,
  signServeProof,
  verifyServeProof,
} from '../../../runtime/fs/share-proof.js';
import { ShareError } from '../../../runtime/fs/share-error.js';
import { tempHome, cleanup } from '../helpers.js';
import { codeOf } from '../../fixtures/share-code.js';

const home = tempHome('share-proof');
let alice: ShareCores;
let bob: ShareCores;
let carol: ShareCores;
let core: Hypercore;
let length: number;
/** More recipients' stores (a fresh replica each), closed at the end. */
const extra: ShareCores[] = [];
async function stores(name: string): Promise<ShareCores> {
  const c = await ShareCores.open(join(home, name));
  extra.push(c);
  return c;
}

type Proto = NodeJS.ReadWriteStream & { destroy(): void };
const createProtocolStream = (Hypercore as unknown as { createProtocolStream(initiator: boolean): Proto }).createProtocolStream;

/** A hostile server: replicates `served` on every connection and answers each channel with `proof(handshakeHash)`. */
async function hostileServer(served: Hypercore, proof: (hash: Buffer) => Uint8Array): Promise<{ server: Server; at: PeerAddress }> {
  const ext = served.registerExtension(SHARE_PROOF_EXTENSION, {});
  served.on('peer-add', (peer) => ext.send(proof(peer.stream.handshakeHash!), peer));
  const server = createServer((sock) => {
    const proto = createProtocolStream(false);
    sock.pipe(proto).pipe(sock);
    proto.on('error', () => sock.destroy());
    sock.on('error', () => proto.destroy());
    served.replicate(proto);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, at: { host: '127.0.0.1', port: (server.address() as AddressInfo).port } };
}

test.before(async () => {
  alice = await ShareCores.open(join(home, 'alice'));
  bob = await ShareCores.open(join(home, 'bob'));
  carol = await ShareCores.open(join(home, 'carol'));
  core = await alice.outgoing('proof');
  length = await appendToShare(core, randomBytes(32), new Map([['files/a.bin', randomBytes(200_000)]]));
});
test.after(async () => {
  for (const c of [alice, bob, carol, ...extra]) await c?.close();
  cleanup(home);
});

test('the writer proves the key on each connection: bob syncs from alice', async () => {
  const server = await ShareServer.listen(() => [core], { host: '127.0.0.1', port: 0 });
  try {
    const replica = await bob.incoming(core.key!);
    assert.is(await syncShare(replica, server.address, { minLength: length }), length);
    assert.ok(await replica.has(0, length));
  } finally {
    await server.close();
  }
});

test('a full replica served by another host proves nothing: refused before one block is asked for', async () => {
  // carol replicates alice's core whole (she knows its public key and has every block)
  const aliceServer = await ShareServer.listen(() => [core], { host: '127.0.0.1', port: 0 });
  const copy = await carol.incoming(core.key!);
  await syncShare(copy, aliceServer.address, { minLength: length });
  await aliceServer.close();
  assert.ok(await copy.has(0, length));
  const carolServer = await ShareServer.listen(() => [copy], { host: '127.0.0.1', port: 0 });
  try {
    const fresh = await (await stores('dave')).incoming(core.key!);
    const started = Date.now();
    const e = await syncShare(fresh, carolServer.address, { minLength: length, timeoutMs: 3000 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.instance(e, ShareError);
    assert.is((e as ShareError).code, 'SHARE_UNAUTHENTICATED', (e as Error).message);
    assert.match((e as Error).message, 'did not prove it holds its key');
    assert.ok(Date.now() - started < 30_000, 'bounded by the sync timeout');
    assert.is(fresh.contiguousLength, 0, 'nothing downloaded from it');
  } finally {
    await carolServer.close();
  }
});

test('a proof by another key, or by the right key over another connection (replayed, relayed), is refused at once', async () => {
  const other = ed25519.keygen();
  const stranger = { publicKey: other.publicKey, secretKey: Buffer.concat([other.secretKey, other.publicKey]) };
  const writer = { publicKey: core.keyPair!.publicKey, secretKey: core.keyPair!.secretKey! };
  // another key claiming to be the writer: the writer's public key, a stranger's signature
  const impostor = (hash: Buffer) => Buffer.concat([writer.publicKey, signServeProof(stranger, core.key!, hash).subarray(32)]);
  for (const [what, proof] of [
    ['another key', (hash: Buffer) => signServeProof(stranger, core.key!, hash)],
    ['another key under the writer’s name', impostor],
    ['another connection', () => signServeProof(writer, core.key!, randomBytes(64))],
    ['too short', (hash: Buffer) => signServeProof(writer, core.key!, hash).subarray(0, SHARE_PROOF_BYTES - 1)],
  ] as const) {
    const served = await alice.outgoing('proof'); // another session of the writer's core
    const { server, at } = await hostileServer(served, proof);
    try {
      const fresh = await (await stores(`eve-${what.replace(/[^a-z]/g, '-')}`)).incoming(core.key!);
      const started = Date.now();
      assert.is(await codeOf(syncShare(fresh, at, { minLength: length, timeoutMs: 20_000 })), 'SHARE_UNAUTHENTICATED', what);
      assert.ok(Date.now() - started < 20_000, `${what}: refused on arrival, not at the timeout`);
      assert.is(fresh.contiguousLength, 0, `${what}: nothing downloaded`);
    } finally {
      server.close();
      await served.close();
    }
  }
});

test('the signed statement: tag, separator, core key, handshake hash; anything else does not verify', () => {
  const kp = ed25519.keygen();
  const pair = { publicKey: kp.publicKey, secretKey: Buffer.concat([kp.secretKey, kp.publicKey]) };
  const coreKey = Hypercore.key(Buffer.from(kp.publicKey));
  const hash = randomBytes(64);
  assert.equal(Buffer.from(serveStatement(coreKey, hash)), Buffer.concat([Buffer.from(TAG_SHARE_SERVE), Buffer.of(0), coreKey, hash]));
  const proof = signServeProof(pair, coreKey, hash);
  assert.is(proof.length, SHARE_PROOF_BYTES);
  assert.equal(Buffer.from(proof.subarray(0, 32)), Buffer.from(kp.publicKey));
  assert.ok(verifyServeProof(proof, coreKey, hash));
  assert.not.ok(verifyServeProof(proof, coreKey, randomBytes(64)), 'another connection');
  assert.not.ok(verifyServeProof(proof, Hypercore.key(Buffer.from(ed25519.keygen().publicKey)), hash), 'another core');
  assert.not.ok(verifyServeProof(proof, coreKey, null), 'no handshake yet');
  const flipped = Buffer.from(proof);
  flipped[40]! ^= 1;
  for (const bad of [
    proof.subarray(0, SHARE_PROOF_BYTES - 1),
    Buffer.concat([proof, Buffer.of(0)]),
    flipped,
    'proof',
    null,
    new Uint8Array(96),
  ])
    assert.not.ok(verifyServeProof(bad, coreKey, hash), String(bad));
});

test.run();
