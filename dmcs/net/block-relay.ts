/**
 * Block exchange between producing nodes over direct TCP (peeros-relay/1, relay-message.ts): each
 * node listens (`--p2p-listen`) and dials its peers (`--peer`, redialled while down). On connect
 * both send HELLO (a peer of another chain is dropped); a node behind asks for blocks from its
 * head on, and from its LIB on when a block does not link (it is on another fork); every block
 * received goes to the node, which verifies it before anything is applied (Chain.acceptBlock),
 * and a block new to this node is passed on to its other peers, so blocks flood the network once.
 * Transactions are flooded the same way towards whichever node produces next. Everything a peer
 * sends is bounded: frame size, blocks per request, one catch-up request in flight per peer, and
 * the per-peer limits of peer-limits.ts (rates, refused blocks, queued and unread bytes, HELLO
 * first and in time, inbound connections): a peer past one is disconnected with the reason logged.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { HttpEndpoint } from '../endpoint.js';
import { encodeMessage, MessageReader, type RelayMessage } from './relay-message.js';
import { blockNumOfId } from '../block.js';
import { PEER_LIMITS, RateLimit, type PeerLimits } from './peer-limits.js';

/** Blocks sent for one REQUEST (the requester asks again from where it got to). */
export const BLOCKS_PER_REQUEST = 256;
/** Delay before redialling a peer that is down. */
export const REDIAL_MS = 300;
/** A catch-up request unanswered this long may be sent again. */
export const REQUEST_RETRY_MS = 2000;
/** HELLOs in a row with no new block that end a fork sync (one may cross the request it answers). */
export const FORK_SYNC_IDLE_HELLOS = 3;
/** Pending transactions handed to a peer when it connects (the rest wait for the next connection or a block). */
export const MAX_TRX_ON_CONNECT = 1000;

/** What the relay needs from its node; calls that change the chain are serialized by the node. */
export interface RelayHost {
  readonly chainId: Uint8Array;
  headNum(): number;
  libNum(): number;
  /** Verifies and applies a peer's block: 'known' | 'stored' | 'applied', or throws (coded error). */
  acceptBlock(bytes: Uint8Array): Promise<'known' | 'stored' | 'applied'>;
  /** This node's blocks `from`..`from+max-1` (of its current branch), as stored bytes. */
  blocksFrom(from: number, max: number): Promise<Uint8Array[]>;
  /** A transaction forwarded by a peer: true if it was new here and accepted (then it is passed on). */
  acceptTransaction(bytes: Uint8Array): boolean;
  /**
   * Transactions this node holds that are not in a block yet (its pending block), as TRX payloads:
   * sent to a peer when it connects, so a push taken while no peer was reachable still reaches a producer.
   */
  pendingTransactions(max: number): Uint8Array[];
  log(message: string): void;
}

class PeerLink {
  readonly reader = new MessageReader();
  peerHead = 0;
  /** When the last catch-up REQUEST went out (0: none in flight), and from which block. */
  requestedAt = 0;
  requestedFrom = 0;
  /** The highest block number this peer sent that this node verified (applied or kept in its fork database). */
  receivedUpTo = 0;
  /**
   * Fetching this peer's branch from this node's LIB (it is on another fork): continue from the
   * last block it sent, not from this node's own head, until its head is reached.
   */
  forkSync = false;
  /** `receivedUpTo` at the last HELLO, and how many HELLOs in a row came with nothing new during a fork sync. */
  forkSyncMark = 0;
  forkSyncIdle = 0;
  greeted = false;
  /** A HELLO has arrived (it may not be handled yet): other messages may follow it. */
  helloReceived = false;
  /** Blocks this node asked for and has not received yet: they do not count against `blockRate`. */
  requestCredit = 0;
  readonly blockRate: RateLimit;
  readonly trxRate: RateLimit;
  readonly requestRate: RateLimit;
  /** HELLOs share the request rate: an honest peer sends one on connect and one per answer. */
  readonly helloRate: RateLimit;
  refusedBlocks = 0;
  queuedMessages = 0;
  queuedBytes = 0;
  /** Set once the link is dropped for breaking a limit (the reason is logged once). */
  droppedFor: string | null = null;
  constructor(
    readonly socket: Socket,
    readonly label: string,
    readonly inbound: boolean,
    limits: PeerLimits,
  ) {
    this.blockRate = new RateLimit(limits.unsolicitedBlocksPerSecond);
    this.trxRate = new RateLimit(limits.trxPerSecond);
    this.requestRate = new RateLimit(limits.requestsPerSecond);
    this.helloRate = new RateLimit(limits.requestsPerSecond);
  }

  send(m: RelayMessage): void {
    if (this.socket.destroyed) return;
    this.socket.write(encodeMessage(m));
  }
}

export class BlockRelay {
  private server: Server | null = null;
  private readonly links = new Set<PeerLink>();
  private readonly dialTimers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly host: RelayHost,
    private readonly peers: readonly HttpEndpoint[],
    private readonly limits: PeerLimits = PEER_LIMITS,
  ) {}

  /** Listens at `at` (port 0: any) when given, and starts dialling the peers. */
  async start(at?: HttpEndpoint): Promise<void> {
    if (at) {
      const server = createServer((s) => this.attach(s, `${s.remoteAddress}:${s.remotePort}`, undefined, true));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(at.port, at.host, () => resolve());
      });
      this.server = server;
    }
    for (const p of this.peers) this.dial(p);
  }

  get address(): HttpEndpoint | null {
    const a = this.server?.address();
    return a && typeof a === 'object' ? { host: a.address, port: a.port } : null;
  }

  /** Peers with a live, greeted connection. */
  get connected(): number {
    let n = 0;
    for (const l of this.links) if (l.greeted) n++;
    return n;
  }

  private dial(p: HttpEndpoint): void {
    if (this.closed) return;
    const s = connect(p.port, p.host);
    let attached = false;
    s.once('connect', () => {
      attached = true;
      this.attach(s, `${p.host}:${p.port}`, () => this.redial(p));
    });
    s.once('error', () => {
      if (!attached) this.redial(p);
    });
  }

  private redial(p: HttpEndpoint): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.dialTimers.delete(t);
      this.dial(p);
    }, REDIAL_MS);
    this.dialTimers.add(t);
  }

  private attach(socket: Socket, label: string, onClose?: () => void, inbound = false): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const L = this.limits;
    if (inbound && this.inboundCount() >= L.inboundPeers) {
      this.host.log(`peer ${label}: refused, already ${L.inboundPeers} inbound peers (MAX_INBOUND_PEERS)`);
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const link = new PeerLink(socket, label, inbound, L);
    this.links.add(link);
    const helloTimer = setTimeout(() => {
      if (!link.helloReceived) this.drop(link, `no HELLO within ${L.helloTimeoutMs} ms (HELLO_TIMEOUT_MS)`);
    }, L.helloTimeoutMs);
    helloTimer.unref();
    // one message at a time per link, in order (a block before the next one it links to)
    let queue: Promise<void> = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      if (link.droppedFor) return;
      let msgs: RelayMessage[];
      try {
        msgs = link.reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (e) {
        this.drop(link, (e as Error).message);
        return;
      }
      for (const m of msgs) {
        const over = this.admit(link, m);
        if (over) {
          this.drop(link, over);
          return;
        }
        const size = messageBytes(m);
        link.queuedMessages++;
        link.queuedBytes += size;
        queue = queue
          .then(() => (link.droppedFor ? undefined : this.handle(link, m)))
          .catch((e: Error) => this.host.log(`peer ${label}: ${e.message}`))
          .finally(() => {
            link.queuedMessages--;
            link.queuedBytes -= size;
          });
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(helloTimer);
      this.links.delete(link);
      onClose?.();
    });
    link.send(this.hello());
  }

  private inboundCount(): number {
    let n = 0;
    for (const l of this.links) if (l.inbound) n++;
    return n;
  }

  /**
   * The per-peer limits checked as a message arrives (before it waits in the queue): null when
   * it may be handled, else why the peer is dropped.
   */
  private admit(link: PeerLink, m: RelayMessage): string | null {
    if (m.type === 'hello') link.helloReceived = true;
    else if (!link.helloReceived) return `${m.type.toUpperCase()} before HELLO`;
    const L = this.limits;
    if (link.queuedMessages >= L.queuedMessages) return `more than ${L.queuedMessages} messages waiting (MAX_QUEUED_MESSAGES)`;
    if (link.queuedBytes + messageBytes(m) > L.queuedBytes) return `more than ${L.queuedBytes} bytes waiting (MAX_QUEUED_BYTES)`;
    switch (m.type) {
      case 'block':
        if (link.requestCredit > 0) link.requestCredit--;
        else if (!link.blockRate.take())
          return `more than ${L.unsolicitedBlocksPerSecond} unrequested blocks a second (MAX_UNSOLICITED_BLOCKS_PER_SECOND)`;
        return null;
      case 'trx':
        return link.trxRate.take() ? null : `more than ${L.trxPerSecond} transactions a second (MAX_TRX_PER_SECOND)`;
      case 'request':
        return link.requestRate.take() ? null : `more than ${L.requestsPerSecond} requests a second (MAX_REQUESTS_PER_SECOND)`;
      case 'hello':
        return link.helloRate.take() ? null : `more than ${L.requestsPerSecond} HELLOs a second (MAX_REQUESTS_PER_SECOND)`;
    }
  }

  /** Disconnects a peer that broke a limit, with the reason logged once. */
  private drop(link: PeerLink, reason: string): void {
    if (link.droppedFor) return;
    link.droppedFor = reason;
    this.host.log(`peer ${link.label}: ${reason}; disconnecting`);
    link.socket.destroy();
  }

  /** Sends to a peer, dropping one that leaves more than MAX_UNREAD_BYTES unread. */
  private sendTo(link: PeerLink, m: RelayMessage): void {
    if (link.socket.writableLength > this.limits.unreadBytes) {
      this.drop(link, `more than ${this.limits.unreadBytes} bytes sent and not read (MAX_UNREAD_BYTES)`);
      return;
    }
    link.send(m);
  }

  private hello(): RelayMessage {
    return { type: 'hello', chainId: this.host.chainId, headNum: this.host.headNum(), libNum: this.host.libNum() };
  }

  private async handle(link: PeerLink, m: RelayMessage): Promise<void> {
    if (m.type !== 'hello' && !link.greeted) throw new Error(`${m.type} before HELLO`);
    switch (m.type) {
      case 'hello':
        if (!equalBytes(m.chainId, this.host.chainId)) {
          this.host.log(`peer ${link.label} is on another chain; disconnecting`);
          link.socket.destroy();
          return;
        }
        if (!link.greeted) {
          link.greeted = true;
          for (const bytes of this.host.pendingTransactions(MAX_TRX_ON_CONNECT)) link.send({ type: 'trx', bytes });
        }
        link.peerHead = m.headNum;
        link.requestedAt = 0;
        // a peer ahead, or on a branch with a higher LIB (Leap's fork choice prefers it): fetch its blocks
        // continue from the last block it sent us: a branch longer than one answer comes in pieces
        // (FORK_SYNC_IDLE_HELLOS in a row with no new block end it: the peer has no more of that branch to give)
        if (link.forkSync) link.forkSyncIdle = link.receivedUpTo > link.forkSyncMark ? 0 : link.forkSyncIdle + 1;
        link.forkSyncMark = link.receivedUpTo;
        if (link.forkSync && m.headNum > link.receivedUpTo && link.forkSyncIdle < FORK_SYNC_IDLE_HELLOS) {
          // its branch is longer than one answer: the next piece, from the last block it sent
          this.request(link, link.receivedUpTo + 1);
          return;
        }
        link.forkSync = false;
        if (m.headNum > Math.max(this.host.headNum(), link.receivedUpTo))
          this.request(link, Math.max(this.host.headNum(), link.receivedUpTo) + 1);
        else if (m.libNum > this.host.libNum()) this.forkRequest(link); // not ahead: on another branch
        return;
      case 'request': {
        const blocks = await this.host.blocksFrom(Math.max(1, m.fromNum), BLOCKS_PER_REQUEST);
        for (const b of blocks) this.sendTo(link, { type: 'block', bytes: b });
        this.sendTo(link, this.hello());
        return;
      }
      case 'block':
        return this.onBlock(link, m.bytes);
      case 'trx':
        if (this.host.acceptTransaction(m.bytes)) this.broadcast({ type: 'trx', bytes: m.bytes }, link);
        return;
    }
  }

  private async onBlock(link: PeerLink, bytes: Uint8Array): Promise<void> {
    let outcome: 'known' | 'stored' | 'applied';
    try {
      outcome = await this.host.acceptBlock(bytes);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'unlinkable_block_exception') {
        // on another fork, or blocks missed: ask for the peer's branch from our LIB
        this.forkRequest(link);
        return;
      }
      this.host.log(`refused a block from ${link.label}: ${code ?? 'error'}: ${(e as Error).message}`);
      if (++link.refusedBlocks >= this.limits.refusedBlocks)
        this.drop(link, `${link.refusedBlocks} blocks refused by verification (MAX_REFUSED_BLOCKS)`);
      return;
    }
    // header: timestamp u32 ‖ producer u64 ‖ confirmed u16 ‖ previous id (its first 4 bytes: the block number)
    link.receivedUpTo = Math.max(link.receivedUpTo, blockNumOfId(bytes.subarray(14, 46)) + 1);
    if (outcome !== 'known') this.broadcast({ type: 'block', bytes }, link);
  }

  /** Asks `link` for its branch from this node's LIB on (in pieces, see `PeerLink.forkSync`). */
  private forkRequest(link: PeerLink): void {
    link.forkSync = true;
    link.forkSyncIdle = 0;
    link.receivedUpTo = this.host.libNum();
    link.forkSyncMark = link.receivedUpTo;
    this.request(link, this.host.libNum() + 1);
  }

  private request(link: PeerLink, fromNum: number): void {
    const now = Date.now();
    // the same request again only after a while; another one (from the LIB after an unlinkable block) at once
    if (link.requestedAt !== 0 && link.requestedFrom === fromNum && now - link.requestedAt < REQUEST_RETRY_MS) return;
    link.requestedAt = now;
    link.requestedFrom = fromNum;
    link.requestCredit = Math.min(2 * BLOCKS_PER_REQUEST, link.requestCredit + BLOCKS_PER_REQUEST);
    this.sendTo(link, { type: 'request', fromNum });
  }

  /** Sends `m` to every greeted peer but `except`. */
  broadcast(m: RelayMessage, except?: PeerLink): void {
    for (const l of this.links) if (l !== except && l.greeted) this.sendTo(l, m);
  }

  /** A block this node produced. */
  announceBlock(bytes: Uint8Array): void {
    this.broadcast({ type: 'block', bytes });
  }

  /** A transaction pushed to this node, for the producers of the coming slots. */
  forwardTransaction(bytes: Uint8Array): void {
    this.broadcast({ type: 'trx', bytes });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.dialTimers) clearTimeout(t);
    for (const l of this.links) l.socket.destroy();
    this.links.clear();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** What a message holds in memory while it waits. */
function messageBytes(m: RelayMessage): number {
  return m.type === 'block' || m.type === 'trx' ? m.bytes.length : 40;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
