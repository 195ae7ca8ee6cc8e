/**
 * Share replication over direct TCP (loopback in tests; never a public DHT or bootstrap node).
 *
 * The sharing host listens (`ShareServer`) and attaches only its *active* share cores to each
 * connection's hypercore protocol stream: a revoked share's core is detached by dropping every
 * connection (peers redial, and get only what is still active). Hypercore's channel handshake
 * proves that the remote knows a core's public key before it serves one block, so a peer sees only
 * the cores whose keys it was given (sealed to it in a share descriptor); the blocks it gets are
 * ciphertext under the content key.
 *
 * Every connection is hostile until it opens a served core's channel: the server keeps at most
 * MAX_SHARE_CONNECTIONS_PER_ADDRESS from one address, closes one that has not opened a served
 * channel by SHARE_HANDSHAKE_TIMEOUT_MS or announces a frame over MAX_SHARE_UNOPENED_FRAME_BYTES
 * before it has (over MAX_SHARE_OPENED_FRAME_BYTES after), and one silent for SHARE_IDLE_TIMEOUT_MS.
 *
 * The serving host also proves, on each connection, that it holds each served core's secret key
 * (share-proof.ts), and the receiving host asks nothing of a peer that has not: a relay, a replica
 * or whoever listens at the address now is `SHARE_UNAUTHENTICATED`.
 *
 * The receiving host (`syncShare`) dials, waits for that proof, learns the core's signed length, refuses a core longer or
 * larger than the limits (or than the recipient's drive quota can take) *before* downloading anything,
 * downloads [0, length) and disconnects.
 * Every wait is bounded by `timeoutMs`, and the peer's answer up to its proof by SHARE_ANSWER_TIMEOUT_MS
 * (a silent peer costs 5 s, not the whole sync's); an unreachable peer is `SHARE_UNREACHABLE` and leaves what
 * was already replicated in place (share-service.ts then clears what no record verified). So is a peer
 * that closes the connection, at once rather than at a deadline; only this connection's peer counts
 * (the core's others are not this peer), and the blocks that arrived before the close are written
 * first, so a close after the last one ends a complete sync.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Transform } from 'node:stream';
import Hypercore, { type HypercorePeer } from 'hypercore';
import { MAX_SHARE_BLOCK_BYTES, MAX_SHARE_BLOCKS, MAX_SHARE_CORE_BYTES, SHARE_BLOCK_FRAMING_BYTES } from './share-format.js';
import { ShareError } from './share-error.js';
import { DEFAULT_SHARE_PORT } from './share-port.js';
import { SHARE_PROOF_EXTENSION, signServeProof, verifyServeProof } from './share-proof.js';
import { addressGroup } from '../../lib/address-group.js';

/** Connections a sharing host keeps open at once; more are closed on arrival (a peer may not exhaust its sockets). */
export const MAX_SHARE_CONNECTIONS = 64;
/**
 * Connections one remote address keeps open at once (an IPv6 address counts by its /64); more are
 * closed on arrival: one address cannot take every one of the MAX_SHARE_CONNECTIONS.
 */
export const MAX_SHARE_CONNECTIONS_PER_ADDRESS = 8;
/**
 * How long a new connection has to complete the Noise handshake and open the channel of a core this
 * host serves (which proves it knows the core's key); a connection that has not by then is closed.
 */
export const SHARE_HANDSHAKE_TIMEOUT_MS = 5_000;
/** A connection that sends nothing for this long is closed (recipients send hypercore's keep-alive every 5 s). */
export const SHARE_IDLE_TIMEOUT_MS = 15_000;
/**
 * Largest frame a peer may announce before it has opened a served channel (the Noise handshake, its
 * header and the channel's open message are far smaller). secret-stream has no frame-size option
 * and allocates a whole announced frame, up to 16 MiB, when its first bytes arrive: without this
 * bound each unauthenticated connection could pin 16 MiB until the handshake deadline.
 */
export const MAX_SHARE_UNOPENED_FRAME_BYTES = 64 * 1024;
/**
 * Largest frame a peer may announce once it has opened a served channel (it knows the share's key,
 * which a share link passes around: still hostile). The largest legitimate message is one data
 * message: a block of at most MAX_SHARE_BLOCK_BYTES and its Merkle proof. For a core of at most
 * MAX_SHARE_BLOCKS (2^16) blocks the proof is at most 3 × 17 tree nodes (the block's, the
 * upgrade's and the additional roots) of ≤ 50 bytes (two varints and a 32-byte hash), a 64-byte
 * signature and a one-signer manifest: under 4 KiB (~400 bytes measured); 64 KiB more covers it and
 * the small messages batched with it. A recipient sends only small requests (≤ ~100 bytes measured).
 * Without this bound secret-stream allocates up to 16 MiB per announced frame: 8 connections of one
 * address pinned 128 MiB, the 64 allowed ~1 GiB; with it, 64 connections pin at most ~8 MiB.
 */
export const MAX_SHARE_OPENED_FRAME_BYTES = MAX_SHARE_BLOCK_BYTES + 64 * 1024;
/**
 * Largest frame a recipient accepts from the sharing peer (a share link can point anywhere: still
 * hostile). The largest legitimate one is the same data message MAX_SHARE_OPENED_FRAME_BYTES
 * allows: a block and its proof, with the small messages batched with it (protomux could batch up
 * to 8 MiB, but real syncs of maximum-size blocks measured at most 65,957 bytes a frame, here
 * 65,747 over test/runtime/fs/share-service.test.ts: 2× headroom). Without it secret-stream allocated each announced frame
 * whole, up to 16 MiB: 16 syncs from one hostile peer held 261 MiB for the 30 s of
 * SHARE_SYNC_TIMEOUT_MS, and each sync ran to that deadline; now the sync ends at the frame's length.
 */
export const MAX_SHARE_RECIPIENT_FRAME_BYTES = MAX_SHARE_OPENED_FRAME_BYTES;
/** Default bound of one sync (dial, learn the length, download). */
export const SHARE_SYNC_TIMEOUT_MS = 30_000;
/**
 * How long the peer a recipient dials has to answer: accept the connection, complete the Noise
 * handshake, offer the share's channel and prove it is the share's sender. A serving host closes a
 * connection that has not opened a served channel by SHARE_HANDSHAKE_TIMEOUT_MS, the same 5 s, so
 * an honest one answers well within it (on loopback in milliseconds). Syncs run one at a time
 * (share-service.ts), so each silent peer a share row names held every other share for the whole
 * SHARE_SYNC_TIMEOUT_MS; now for 5 s.
 */
export const SHARE_ANSWER_TIMEOUT_MS = SHARE_HANDSHAKE_TIMEOUT_MS;

export { DEFAULT_SHARE_PORT };

export interface PeerAddress {
  host: string;
  port: number;
}

type ProtocolStream = NodeJS.ReadWriteStream & { destroy(): void };
const createProtocolStream = (Hypercore as unknown as { createProtocolStream(initiator: boolean): ProtocolStream }).createProtocolStream;

/**
 * Reads secret-stream's framing (each frame: a 3-byte little-endian length, then its bytes) in what a
 * peer sends, and fails on a frame longer than `limit()` allows when its length arrives, before
 * secret-stream sees (and allocates) it.
 */
function frameGuard(limit: () => number): Transform {
  let lengthBytes = 0;
  let length = 0;
  let left = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (let at = 0; at < chunk.length; ) {
        if (left > 0) {
          const n = Math.min(left, chunk.length - at);
          left -= n;
          at += n;
          continue;
        }
        length += chunk[at++]! * 256 ** lengthBytes++;
        if (lengthBytes < 3) continue;
        if (length > limit()) {
          done(new Error(`a frame of ${length} bytes; at most ${limit()} here`));
          return;
        }
        left = length;
        length = 0;
        lengthBytes = 0;
      }
      done(null, chunk);
    },
  });
}

/** Pipes a socket into a new hypercore protocol stream (through `guard` when given). */
function protocolOver(sock: Socket, initiator: boolean, guard?: Transform): ProtocolStream {
  const proto = createProtocolStream(initiator);
  if (guard) {
    guard.on('error', () => sock.destroy());
    sock.pipe(guard).pipe(proto).pipe(sock);
  } else sock.pipe(proto).pipe(sock);
  proto.on('error', () => sock.destroy());
  sock.on('error', () => proto.destroy());
  sock.on('close', () => proto.destroy());
  return proto;
}

/**
 * Makes a served core prove, to every peer that opens its channel, that this host holds its secret
 * key (share-proof.ts). A core without a secret key (a replica) proves nothing, and recipients
 * refuse it.
 */
function proveOnEveryChannel(core: Hypercore): void {
  const pair = core.keyPair;
  const key = core.key;
  if (!pair?.secretKey || !key) return;
  const keyPair = { publicKey: pair.publicKey, secretKey: pair.secretKey };
  const ext = core.registerExtension(SHARE_PROOF_EXTENSION, {});
  const prove = (peer: HypercorePeer): void => {
    const hash = peer.stream.handshakeHash;
    if (hash) ext.send(signServeProof(keyPair, key, hash), peer);
  };
  core.on('peer-add', prove);
  for (const peer of core.peers) prove(peer);
}

interface Connection {
  proto: ProtocolStream;
  group: string;
  /** Whether the peer opened the channel of a served core. */
  opened: boolean;
  /** Closes the connection at the handshake deadline (SHARE_HANDSHAKE_TIMEOUT_MS) unless it opened a served channel by then. */
  deadline: NodeJS.Timeout;
}

/** A server's two connection deadlines; tests pass shorter ones to see them fire without waiting out the real ones. */
export interface ShareServerTimeouts {
  handshakeMs: number;
  idleMs: number;
}

export class ShareServer {
  readonly #conns = new Map<Socket, Connection>();
  /** Each connection by its Noise stream (what a served core's peer names). */
  readonly #byStream = new Map<unknown, Connection>();
  /** Open connections per address group (addressGroup). */
  readonly #perGroup = new Map<string, number>();
  /** The cores already set up to prove themselves (once per core, whatever the number of connections). */
  readonly #proving = new WeakSet<Hypercore>();

  private constructor(
    private readonly server: Server,
    private readonly active: () => Hypercore[],
    readonly address: PeerAddress,
    readonly timeouts: ShareServerTimeouts,
  ) {}

  /** Serves the cores `active()` answers, on `at` (port 0: any free port). */
  static async listen(
    active: () => Hypercore[],
    at: PeerAddress,
    timeouts: ShareServerTimeouts = { handshakeMs: SHARE_HANDSHAKE_TIMEOUT_MS, idleMs: SHARE_IDLE_TIMEOUT_MS },
  ): Promise<ShareServer> {
    let self: ShareServer | undefined;
    const server = createServer((sock) => self?.accept(sock));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.port, at.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const a = server.address() as AddressInfo;
    self = new ShareServer(server, active, { host: a.address, port: a.port }, timeouts);
    return self;
  }

  private accept(sock: Socket): void {
    const group = sock.remoteAddress === undefined ? undefined : addressGroup(sock.remoteAddress);
    const fromGroup = group === undefined ? 0 : (this.#perGroup.get(group) ?? 0);
    if (group === undefined || this.#conns.size >= MAX_SHARE_CONNECTIONS || fromGroup >= MAX_SHARE_CONNECTIONS_PER_ADDRESS) {
      sock.destroy();
      return;
    }
    sock.setNoDelay(true);
    let c: Connection | undefined;
    const proto = protocolOver(
      sock,
      false,
      frameGuard(() => (c?.opened ? MAX_SHARE_OPENED_FRAME_BYTES : MAX_SHARE_UNOPENED_FRAME_BYTES)),
    );
    const noise = (proto as unknown as { noiseStream: { setTimeout(ms: number): void } }).noiseStream;
    noise.setTimeout(this.timeouts.idleMs);
    c = { proto, group, opened: false, deadline: setTimeout(() => sock.destroy(), this.timeouts.handshakeMs) };
    c.deadline.unref();
    this.#conns.set(sock, c);
    this.#byStream.set(noise, c);
    this.#perGroup.set(group, fromGroup + 1);
    sock.on('close', () => {
      clearTimeout(c.deadline);
      if (this.#conns.get(sock) === c) this.#conns.delete(sock);
      this.#byStream.delete(noise);
      const n = (this.#perGroup.get(group) ?? 1) - 1;
      if (n > 0) this.#perGroup.set(group, n);
      else this.#perGroup.delete(group);
    });
    for (const core of this.active()) this.#serve(core, proto);
  }

  #serve(core: Hypercore, proto: ProtocolStream): void {
    if (!this.#proving.has(core)) {
      this.#proving.add(core);
      proveOnEveryChannel(core);
      // a peer on a served core's channel knows its key: its connection is past the handshake deadline
      core.on('peer-add', (peer) => {
        const c = this.#byStream.get(peer.stream);
        if (!c || c.opened) return;
        c.opened = true;
        clearTimeout(c.deadline);
      });
    }
    core.replicate(proto);
  }

  /** Connections open now. */
  get connections(): number {
    return this.#conns.size;
  }

  /** Offers a newly shared core on the connections already open. */
  offer(core: Hypercore): void {
    for (const c of this.#conns.values()) this.#serve(core, c.proto);
  }

  /** Drops every connection (after a revocation): redialing peers get only the still-active cores. */
  dropAll(): void {
    for (const sock of this.#conns.keys()) sock.destroy();
    this.#conns.clear();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function within<T>(p: Promise<T>, deadline: number, what: string): Promise<T> {
  const left = deadline - Date.now();
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new ShareError('SHARE_UNREACHABLE', `${what}: no answer in time`)), Math.max(0, left));
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/**
 * Waits until hypercore has verified and written what `peer` sent before its connection went: a
 * block that arrived just before the close is still being processed when the peer leaves, and
 * lands after. Hypercore has no event for it, so its count is polled (only after a close).
 */
async function settled(peer: HypercorePeer | undefined, by: number): Promise<void> {
  while (peer && peer.dataProcessing > 0 && Date.now() < by) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Where a recipient's earlier sync of a share ended: the core's length then, its fork id and its tree hash (hex) at that length. */
export interface VerifiedPosition {
  length: number;
  fork: number;
  treeHash: string;
}

/** A replica's position now (its length, fork and tree hash): what the next sync checks the core still extends. */
export async function positionOf(core: Hypercore, length: number): Promise<VerifiedPosition> {
  return { length, fork: core.fork, treeHash: length === 0 ? '' : Buffer.from(await core.treeHash(length)).toString('hex') };
}

/**
 * Replicates `core` (a replica) from the peer at `at`: its signed length must reach `minLength`
 * (what the share descriptor commits to) and stay within MAX_SHARE_BLOCKS / MAX_SHARE_CORE_BYTES;
 * then blocks [from, length) are downloaded, `from` being `verified.length` (0 on a first sync).
 * With `verified`, the core must still extend that position: a core now shorter (the writer
 * truncated it), on another fork, or whose tree at that length hashes otherwise is `SHARE_FORKED`,
 * before anything is downloaded. Returns the length now local. `limits` replaces the two bounds
 * (tests check the byte bound with a smaller one: a 1 GiB core is too big to build in a test).
 */
export async function syncShare(
  core: Hypercore,
  at: PeerAddress,
  o: {
    minLength: number;
    timeoutMs?: number;
    /** How long the peer has to answer, up to its proof (default SHARE_ANSWER_TIMEOUT_MS; tests that wait it out pass a shorter one). */
    answerTimeoutMs?: number;
    limits?: { maxBlocks: number; maxBytes: number };
    verified?: VerifiedPosition;
    /**
     * The recipient drive's quota (`maxBytes`) and the core's bytes at `verified` (0 on a first
     * sync): the blocks to download may hold at most the quota's bytes plus SHARE_BLOCK_FRAMING_BYTES
     * each, else SHARE_TOO_LARGE before one is downloaded.
     */
    quota?: { maxBytes: number; verifiedBytes: number };
  },
): Promise<number> {
  const limits = o.limits ?? { maxBlocks: MAX_SHARE_BLOCKS, maxBytes: MAX_SHARE_CORE_BYTES };
  const deadline = Date.now() + (o.timeoutMs ?? SHARE_SYNC_TIMEOUT_MS);
  const answerBy = Math.min(deadline, Date.now() + (o.answerTimeoutMs ?? SHARE_ANSWER_TIMEOUT_MS));
  const sock = connect(at.port, at.host);
  sock.setNoDelay(true);
  let onRemove = (_peer: HypercorePeer): void => {};
  try {
    await within(
      new Promise<void>((resolve, reject) => {
        sock.once('connect', () => resolve());
        sock.once('error', (e) =>
          reject(new ShareError('SHARE_UNREACHABLE', `cannot reach the sharing peer at ${at.host}:${at.port}: ${e.message}`)),
        );
      }),
      answerBy,
      'connecting to the sharing peer',
    );
    // a frame over the bound ends the sync at its length (not at the deadline)
    const guard = frameGuard(() => MAX_SHARE_RECIPIENT_FRAME_BYTES);
    const broken = new Promise<never>((_, reject) =>
      guard.once('error', (e) =>
        reject(new ShareError('SHARE_MALFORMED', `the sharing peer at ${at.host}:${at.port} sent ${e.message} (frame bound)`)),
      ),
    );
    broken.catch(() => undefined);
    const proto = protocolOver(sock, true, guard);
    const noise = (proto as unknown as { noiseStream: unknown }).noiseStream;
    // this connection's peer on the core (the core may have others: only this one was dialled here)
    let ours: HypercorePeer | undefined;
    let onPeer = (_peer: HypercorePeer): void => {};
    const peered = new Promise<void>((resolve) => {
      onPeer = (peer) => {
        if (peer.stream !== noise) return;
        ours = peer;
        resolve();
      };
      core.on('peer-add', onPeer);
      for (const peer of core.peers) onPeer(peer);
    });
    // the connection is gone once its peer left the core (no more of what it sent can arrive), or
    // once the socket closed before a peer came: a step that waits on it would wait out the deadline
    let isGone = false;
    const gone = new Promise<void>((resolve) => {
      const end = (): void => {
        isGone = true;
        resolve();
      };
      onRemove = (peer) => {
        if (peer === ours) end();
      };
      core.on('peer-remove', onRemove);
      sock.once('close', () => {
        if (!ours) end();
      });
    });
    const closed = (what: string): ShareError =>
      new ShareError('SHARE_UNREACHABLE', `the sharing peer at ${at.host}:${at.port} closed the connection (${what})`);
    const ended = (what: string): Promise<never> =>
      gone.then(() => {
        throw closed(what);
      });
    const step = <T>(p: Promise<T>, what: string, by = deadline): Promise<T> => within(Promise.race([p, broken, ended(what)]), by, what);
    // the peer must prove it holds the core's secret key on this connection (share-proof.ts); not
    // when this host holds it itself (a share to oneself: the core is its own, and its serving
    // session already answers the proof extension on this core)
    const own = !!core.keyPair?.secretKey;
    let proved: (ok: boolean) => void = () => {};
    const proof = new Promise<boolean>((resolve) => {
      proved = resolve;
    });
    const ext = own
      ? undefined
      : core.registerExtension(SHARE_PROOF_EXTENSION, {
          // only this connection's proof counts (the core may have other peers): its peer's stream
          // is the Noise stream under the protocol stream dialled here
          onmessage: (message, peer) => {
            if (peer.stream === noise) proved(verifyServeProof(message, core.key!, peer.stream.handshakeHash));
          },
        });
    try {
      core.replicate(proto);
      // a peer that does not serve this core (never shared, or revoked) never opens its channel
      await step(peered, 'waiting for the peer to offer the share', answerBy);
      const ok =
        own ||
        (await step(proof, 'waiting for the peer to prove it is the share’s sender', answerBy).catch((e: ShareError) => {
          if (e.code === 'SHARE_MALFORMED' || isGone) throw e; // an oversize frame, or a close: not a missing proof
          throw new ShareError(
            'SHARE_UNAUTHENTICATED',
            `the peer at ${at.host}:${at.port} offers the share but did not prove it holds its key (${e.message})`,
          );
        }));
      if (!ok)
        throw new ShareError(
          'SHARE_UNAUTHENTICATED',
          `the peer at ${at.host}:${at.port} sent a proof that is not the share key's signature of this connection`,
        );
    } finally {
      ext?.destroy();
      core.off('peer-add', onPeer); // no peer came in time: the listener goes with the sync
    }
    // a core whose last peer left answers "no newer length": after a close that is no answer
    const learning = "learning the share's length";
    if (!(await step(core.update({ wait: true }), learning)) && isGone) throw closed(learning);
    if (core.length < o.minLength)
      throw new ShareError(
        'SHARE_TRUNCATED',
        `the peer's share core has ${core.length} blocks; the share commits to at least ${o.minLength}`,
      );
    if (core.length > limits.maxBlocks)
      throw new ShareError('SHARE_TOO_LARGE', `the peer's share core has ${core.length} blocks; at most ${limits.maxBlocks}`);
    if (core.byteLength > limits.maxBytes)
      throw new ShareError('SHARE_TOO_LARGE', `the peer's share core has ${core.byteLength} bytes; at most ${limits.maxBytes}`);
    const v = o.verified;
    if (v) {
      if (core.length < v.length)
        throw new ShareError('SHARE_FORKED', `the share's core shrank to ${core.length} blocks from the ${v.length} already verified`);
      if (core.fork !== v.fork) throw new ShareError('SHARE_FORKED', `the share's core moved to fork ${core.fork} from ${v.fork}`);
      if ((await step(positionOf(core, v.length), 'checking the verified position')).treeHash !== v.treeHash)
        throw new ShareError('SHARE_FORKED', `the share's core no longer extends the ${v.length} blocks already verified`);
    }
    const length = core.length;
    const from = v?.length ?? 0;
    if (o.quota) {
      const fresh = core.byteLength - o.quota.verifiedBytes;
      const room = o.quota.maxBytes + (length - from) * SHARE_BLOCK_FRAMING_BYTES;
      if (fresh > room)
        throw new ShareError(
          'SHARE_TOO_LARGE',
          `the share's ${length - from} new blocks hold ${fresh} bytes; a drive of ${o.quota.maxBytes} bytes takes at most ${room}`,
        );
    }
    if (length > from) {
      // a close after the last block arrived is no failure: what arrived is written, then counted
      const downloading = 'downloading the share';
      const complete = gone.then(async () => {
        await settled(ours, deadline);
        if (!(await core.has(from, length))) throw closed(downloading);
      });
      await within(Promise.race([core.download({ start: from, end: length }).done(), broken, complete]), deadline, downloading);
    }
    return length;
  } finally {
    core.off('peer-remove', onRemove);
    sock.destroy();
  }
}
