/**
 * Block exchange between producing nodes over direct TCP (peeros-relay/1, relay-message.ts): each
 * node listens (`--p2p-listen`) and dials its peers (`--peer`, redialled while down). On connect
 * both send HELLO (a peer of another chain is dropped); a node behind asks for blocks from its
 * head on, and from its LIB on when a block does not link (it is on another fork); every block
 * received goes to the node, which verifies it before anything is applied (Chain.acceptBlock),
 * and a block new to this node is passed on to its other peers, so blocks flood the network once.
 * Transactions are flooded the same way towards whichever node produces next. Catch-up is
 * pipelined: up to CATCHUP_WINDOW requests are in flight per peer (each answered by up to
 * BLOCKS_PER_REQUEST blocks and a HELLO), so the peer reads the next piece while this node verifies
 * and applies the last one, in order; a node's own requests are paced below the request rate it
 * allows its peers (OWN_REQUEST_SHARE), so its catch-up never trips a peer's limit. A block refused
 * in the middle of a window drops the rest of that window unread (it builds on the refused one).
 * Everything a peer sends is bounded: frame size, blocks per request, requests in flight (their
 * answers' blocks, and only the numbers asked for, pass outside the unsolicited rates), and
 * the per-peer limits of peer-limits.ts (rates, refused blocks, queued and unread bytes, HELLO
 * first and in time, inbound connections, and connections accepted per address: accept-rate.ts):
 * a peer past one is disconnected with the reason logged,
 * and one dropped for refused blocks is kept away for REFUSED_PEER_BAN_MS (`bans`).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { HttpEndpoint } from '../endpoint.js';
import { encodeMessage, MessageReader, MessageType, type RelayMessage } from './relay-message.js';
import { blockNumOfId } from '../block.js';
import {
  INFLATED_BYTES_PER_TRX,
  MAX_ACCEPT_RATE_ADDRESSES,
  MAX_BANNED_ADDRESSES,
  PEER_LIMITS,
  RateLimit,
  type PeerLimits,
} from './peer-limits.js';
import { AcceptRate } from './accept-rate.js';
import { addressGroup } from '../../lib/address-group.js';
import { LogLineLimit } from '../../lib/log-line-limit.js';
import { SenderRate, UnsolicitedBlockBudget } from './unsolicited-block-budget.js';

/** Blocks sent for one REQUEST (the requester asks again from where it got to). */
export const BLOCKS_PER_REQUEST = 256;
/** Delay before redialling a peer that is down. */
export const REDIAL_MS = 300;
/** A catch-up request unanswered this long may be sent again. */
export const REQUEST_RETRY_MS = 2000;
/** HELLOs in a row with no new block that end a fork sync (one may cross the request it answers). */
export const FORK_SYNC_IDLE_HELLOS = 3;
/**
 * Catch-up requests kept in flight to one peer: the peer reads and sends the next pieces while this
 * node verifies and applies the current one. At most CATCHUP_WINDOW * (BLOCKS_PER_REQUEST + 1)
 * messages wait unhandled (1028, under MAX_QUEUED_MESSAGES).
 */
export const CATCHUP_WINDOW = 4;
/**
 * The share of the peer request rate (MAX_REQUESTS_PER_SECOND, the same constant on every node) a
 * node uses for its own requests to one peer: its burst and its sustained rate stay under half of
 * what the peer allows, so a fast catch-up is never taken for a request flood.
 */
export const OWN_REQUEST_SHARE = 0.5;
/** Pending transactions handed to a peer when it connects (the rest wait for the next connection or a block). */
export const MAX_TRX_ON_CONNECT = 1000;
/**
 * Bytes of a catch-up answer read from the chain at a time (one block more at most): an answer of
 * BLOCKS_PER_REQUEST full blocks (up to 256 MiB) is never held whole, and one of small blocks is
 * read at once.
 */
export const SERVE_CHUNK_BYTES = 8 * 1024 * 1024;
/** How often an answer waiting for the node's serving budget looks at it again. */
const SERVE_TURN_POLL_MS = 50;

/** What the relay needs from its node; calls that change the chain are serialized by the node. */
export interface RelayHost {
  readonly chainId: Uint8Array;
  headNum(): number;
  libNum(): number;
  /** Verifies and applies a peer's block: 'known' | 'stored' | 'applied', or throws (coded error). */
  acceptBlock(bytes: Uint8Array): Promise<'known' | 'stored' | 'applied'>;
  /**
   * A peer's block was admitted and waits behind the link's earlier messages: the host may start
   * work on it that needs none of them applied (verifying its header, recovering its signatures'
   * keys), then `acceptBlock` gets the same bytes. Returns the block's refusal when that work
   * already refused it (it counts against the peer at once, see `refused`), else null. Optional;
   * must not throw.
   */
  blockQueued?(bytes: Uint8Array): Error | null;
  /**
   * This node's blocks from `from` on (of its current branch), as stored bytes: at most `max`, and
   * no more once they reach `maxBytes` together (at least one). Empty past the head.
   */
  blocksFrom(from: number, max: number, maxBytes: number): Promise<Uint8Array[]>;
  /**
   * A transaction forwarded by a peer: `accepted` if it was new here and applied (then it is passed
   * on), and what decoding it inflated (`inflatedBytes` of packed-transaction.ts), accepted or not.
   */
  acceptTransaction(bytes: Uint8Array): { accepted: boolean; inflatedBytes: number };
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
  /** When the first catch-up REQUEST of a sync went out, and from which block (the same one again only after REQUEST_RETRY_MS). */
  requestedAt = 0;
  requestedFrom = 0;
  /** Catch-up REQUESTs sent and not answered yet (each answer ends with a HELLO), at most CATCHUP_WINDOW. */
  inFlight = 0;
  /** The block number the next REQUEST of this sync starts at (the end of the last piece asked for). */
  syncNext = 0;
  /**
   * The rest of the window in flight is dropped unread: a block of it was refused (what follows
   * builds on it), or did not link (this node asks for the peer's branch from its LIB once the
   * window is answered: `wantForkSync`).
   */
  abandoned = false;
  wantForkSync = false;
  /** A sync was started and its first piece is not asked for yet (asked even when the peer's head is not past it). */
  firstPending = false;
  /** This node's own requests to this peer (paced under the peer's MAX_REQUESTS_PER_SECOND). */
  readonly ownRequests: RateLimit;
  /** A pump waiting for `ownRequests` to refill. */
  pumpTimer: NodeJS.Timeout | null = null;
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
  /**
   * Blocks this node asked for and has not received yet: they do not count against `blockRate` nor
   * the node's `blockBudget` (a catch-up is paced by this node's own requests). At most
   * BLOCKS_PER_REQUEST per answer still pending: what an answer left unspent ends with its HELLO.
   */
  requestCredit = 0;
  /** Requests sent whose answer (its closing HELLO) has not arrived yet, counted as frames arrive. */
  answersPending = 0;
  /** The number the next block spent on credit must have: answers are runs of consecutive blocks from what was asked. */
  creditNext = 0;
  /** Whether each block frame admitted and not yet handled was admitted on credit, in order. */
  readonly credited: boolean[] = [];
  readonly blockRate: RateLimit;
  /** How many unrequested blocks it sends a second: its share of the node's `blockBudget`. */
  readonly unsolicitedRate = new SenderRate();
  readonly trxRate: RateLimit;
  readonly requestRate: RateLimit;
  /** Bytes of blocks served to this peer (`servedBytesPerSecond`): a request past it waits. */
  readonly serveBudget: RateLimit;
  /** HELLOs share the request rate: an honest peer sends one on connect and one per answer. */
  readonly helloRate: RateLimit;
  refusedBlocks = 0;
  queuedMessages = 0;
  queuedBytes = 0;
  /**
   * Reading from the peer is paused: more than half of MAX_QUEUED_BYTES waits to be handled (a
   * catch-up answer arriving faster than its blocks apply). TCP then slows the sender, which waits
   * for this node to read (SERVE_READ_TIMEOUT_MS), instead of this node dropping an honest peer.
   */
  paused = false;
  /** Set once the link is dropped for breaking a limit (the reason is logged once). */
  droppedFor: string | null = null;
  /** Dropped for refused blocks: its address is kept away (REFUSED_PEER_BAN_MS), and it is redialled only then. */
  banned = false;
  constructor(
    readonly socket: Socket,
    readonly label: string,
    readonly inbound: boolean,
    limits: PeerLimits,
    /** An inbound peer's address (`addressGroup`), for MAX_INBOUND_PEERS's eviction; null for one this node dialled. */
    readonly group: string | null = null,
  ) {
    this.blockRate = new RateLimit(limits.unsolicitedBlocksPerSecond);
    this.trxRate = new RateLimit(limits.trxPerSecond);
    this.requestRate = new RateLimit(limits.requestsPerSecond);
    this.serveBudget = new RateLimit(limits.servedBytesPerSecond);
    this.helloRate = new RateLimit(limits.requestsPerSecond);
    this.ownRequests = new RateLimit(Math.max(1, Math.floor(limits.requestsPerSecond * OWN_REQUEST_SHARE)));
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
  /** Forwarded transactions all peers together may have handled (`nodeTrxPerSecond`). */
  private readonly trxBudget: RateLimit;
  /** Forwarded transactions dropped past `trxBudget` (diagnosis and tests). */
  droppedTransactions = 0;
  /** Unrequested blocks of all peers together (MAX_NODE_UNSOLICITED_BLOCKS_PER_SECOND); past it they are dropped unread. */
  private readonly blockBudget: UnsolicitedBlockBudget;
  /** Bytes of blocks served to all peers together (`nodeServedBytesPerSecond`): a chunk past it waits. */
  private readonly serveBudget: RateLimit;
  /** Addresses (`addressGroup`) of peers dropped for refused blocks, with when they may come back; oldest first. */
  private readonly bans = new Map<string, number>();
  /** Inbound connections accepted per address (MAX_ACCEPTS_PER_ADDRESS_PER_SECOND): past it closed at accept. */
  private readonly accepts: AcceptRate;
  /** What peers make this node log, rate-limited by kind (LOG_LINES_PER_KIND): a peer can cause these lines at will. */
  private readonly log: LogLineLimit;

  constructor(
    private readonly host: RelayHost,
    private readonly peers: readonly HttpEndpoint[],
    private readonly limits: PeerLimits = PEER_LIMITS,
  ) {
    this.trxBudget = new RateLimit(limits.nodeTrxPerSecond);
    this.blockBudget = new UnsolicitedBlockBudget(limits.nodeUnsolicitedBlocksPerSecond);
    this.serveBudget = new RateLimit(limits.nodeServedBytesPerSecond);
    this.accepts = new AcceptRate(limits.acceptsPerSecond, limits.acceptBurst, MAX_ACCEPT_RATE_ADDRESSES);
    this.log = new LogLineLimit((line) => host.log(line), limits.logLinesPerKind, limits.logLinesIntervalMs);
  }

  /** Listens at `at` (port 0: any) when given, and starts dialling the peers. */
  async start(at?: HttpEndpoint): Promise<void> {
    if (at) {
      const server = createServer((s) => {
        // connection churn from one address: closed before any relay work
        if (s.remoteAddress !== undefined && !this.accepts.take(addressGroup(s.remoteAddress))) {
          this.log.line(
            'peers refused at accept (MAX_ACCEPTS_PER_ADDRESS_PER_SECOND)',
            `peer ${s.remoteAddress}: refused, more than ${this.limits.acceptsPerSecond} connections a second from its address (MAX_ACCEPTS_PER_ADDRESS_PER_SECOND)`,
          );
          s.destroy();
          return;
        }
        this.attach(s, `${s.remoteAddress}:${s.remotePort}`, undefined, true);
      });
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

  /** Unrequested blocks dropped past the node's budget (diagnosis and tests). */
  get droppedBlocks(): number {
    return this.blockBudget.dropped;
  }

  /** Peers with a live, greeted connection. */
  get connected(): number {
    let n = 0;
    for (const l of this.links) if (l.greeted) n++;
    return n;
  }

  /** The head each greeted peer announced last (its latest HELLO). */
  peerHeads(): number[] {
    const heads: number[] = [];
    for (const l of this.links) if (l.greeted) heads.push(l.peerHead);
    return heads;
  }

  private dial(p: HttpEndpoint): void {
    if (this.closed) return;
    const s = connect(p.port, p.host);
    let attached = false;
    s.once('connect', () => {
      attached = true;
      this.attach(s, `${p.host}:${p.port}`, (banned) => this.redial(p, banned ? this.limits.refusedPeerBanMs : REDIAL_MS));
    });
    s.once('error', () => {
      if (!attached) this.redial(p, REDIAL_MS);
    });
  }

  private redial(p: HttpEndpoint, afterMs: number): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.dialTimers.delete(t);
      this.dial(p);
    }, afterMs);
    this.dialTimers.add(t);
  }

  /** Whether `address` is kept away (REFUSED_PEER_BAN_MS); an expired ban is forgotten. */
  private isBanned(address: string | undefined): boolean {
    if (address === undefined) return false;
    const group = addressGroup(address);
    const until = this.bans.get(group);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.bans.delete(group);
    return false;
  }

  /** Keeps `link`'s address away for REFUSED_PEER_BAN_MS, within MAX_BANNED_ADDRESSES. */
  private ban(link: PeerLink): void {
    const address = link.socket.remoteAddress;
    if (address === undefined) return;
    const group = addressGroup(address);
    this.bans.delete(group); // re-added last: the map stays oldest first
    if (this.bans.size >= MAX_BANNED_ADDRESSES) this.bans.delete(this.bans.keys().next().value!);
    this.bans.set(group, Date.now() + this.limits.refusedPeerBanMs);
    link.banned = true;
    this.log.line(
      'peers kept away (REFUSED_PEER_BAN_MS)',
      `peer ${link.label}: ${group} kept away for ${this.limits.refusedPeerBanMs} ms (REFUSED_PEER_BAN_MS)`,
    );
  }

  private attach(socket: Socket, label: string, onClose?: (banned: boolean) => void, inbound = false): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const L = this.limits;
    if (inbound && this.isBanned(socket.remoteAddress)) {
      socket.destroy(); // not logged: a banned peer reconnecting would fill the log instead
      return;
    }
    const group = inbound && socket.remoteAddress !== undefined ? addressGroup(socket.remoteAddress) : null;
    if (inbound && this.inboundCount() >= L.inboundPeers) {
      const victim = this.evictionCandidate(group);
      if (!victim) {
        this.log.line(
          'peers refused at accept (MAX_INBOUND_PEERS)',
          `peer ${label}: refused, already ${L.inboundPeers} inbound peers (MAX_INBOUND_PEERS)`,
        );
        socket.destroy();
        return;
      }
      this.drop(victim, `evicted for ${label}: its address ${victim.group} holds the most inbound peers (MAX_INBOUND_PEERS)`);
      this.links.delete(victim); // its slot is the newcomer's now, before its close event
    }
    socket.setNoDelay(true);
    const link = new PeerLink(socket, label, inbound, L, group);
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
        // each frame is admitted at its header, in order: a peer past a limit is dropped (the
        // error), an unrequested block past the node's budget is skipped unread
        msgs = link.reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), (type, length) =>
          this.admit(link, type, length),
        );
      } catch (e) {
        this.drop(link, (e as Error).message);
        return;
      }
      for (const m of msgs) {
        const size = messageBytes(m); // counted as waiting since its header was admitted
        // a block spent on credit must be one asked for (`spendsCredit`)
        if (m.type === 'block' && link.credited.shift() && !this.spendsCredit(link, m.bytes)) {
          link.queuedMessages--;
          link.queuedBytes -= size;
          if (link.droppedFor) return;
          continue;
        }
        // a block refused as it is queued counts now: the verification it cost is spent already
        const refusal = m.type === 'block' ? (this.host.blockQueued?.(m.bytes) ?? null) : null;
        if (refusal && this.countRefusal(link)) return;
        queue = queue
          .then(() => (link.droppedFor ? undefined : refusal ? this.refused(link, refusal) : this.handle(link, m)))
          .catch((e: Error) => this.log.line('peer messages failed', `peer ${label}: ${e.message}`))
          .finally(() => {
            link.queuedMessages--;
            link.queuedBytes -= size;
            if (link.paused && link.queuedBytes <= L.queuedBytes / 4) {
              link.paused = false;
              socket.resume();
            }
          });
      }
      if (!link.paused && link.queuedBytes > L.queuedBytes / 2) {
        link.paused = true;
        socket.pause();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(helloTimer);
      if (link.pumpTimer) clearTimeout(link.pumpTimer);
      this.links.delete(link);
      onClose?.(link.banned);
    });
    link.send(this.hello());
  }

  private inboundCount(): number {
    let n = 0;
    for (const l of this.links) if (l.inbound) n++;
    return n;
  }

  /**
   * With every inbound slot taken, the peer a newcomer from address `group` replaces: the newest of
   * the address holding the most inbound peers, when it holds at least two more than the
   * newcomer's does (so an address never evicts its own, and peers of different addresses keep
   * theirs); null when none (the newcomer is refused). Without it, 64 sockets of one address that
   * said HELLO and nothing more held every slot for as long as they stayed open.
   */
  private evictionCandidate(group: string | null): PeerLink | null {
    const count = new Map<string, number>();
    for (const l of this.links) if (l.inbound && l.group !== null) count.set(l.group, (count.get(l.group) ?? 0) + 1);
    let most: string | null = null;
    for (const [g, n] of count) if (most === null || n > count.get(most)!) most = g;
    if (most === null || count.get(most)! < (group === null ? 0 : (count.get(group) ?? 0)) + 2) return null;
    let newest: PeerLink | null = null;
    for (const l of this.links) if (l.inbound && l.group === most) newest = l;
    return newest;
  }

  /**
   * A frame of `link` at its header (`type`, `length` counting the type byte), before its body is
   * read: true when it is received and waits its turn (counted as waiting from now on), false when
   * it is skipped unread (an unrequested block past the node's budget); throws, with the reason,
   * when the peer broke one of its limits (it is dropped).
   */
  private admit(link: PeerLink, type: number, length: number): boolean {
    const name = TYPE_NAMES[type];
    if (name === undefined) return true; // refused once whole, as a malformed frame
    const over = this.peerLimitBroken(link, name, frameBytes(type, length));
    if (over) throw new Error(over);
    if (type === MessageType.HELLO && link.answersPending > 0) {
      // an answer ends with a HELLO: what it left of its credit is not carried over
      link.answersPending--;
      link.requestCredit = Math.min(link.requestCredit, link.answersPending * BLOCKS_PER_REQUEST);
    }
    if (type === MessageType.BLOCK) {
      const credited = link.requestCredit > 0;
      if (credited)
        link.requestCredit--; // asked for: under no rate (its number is checked once read, `spendsCredit`)
      else if (!this.admitUnrequested(link)) return false;
      link.credited.push(credited);
    }
    link.queuedMessages++;
    link.queuedBytes += frameBytes(type, length);
    return true;
  }

  /**
   * Whether the node's budget of unrequested blocks (MAX_NODE_UNSOLICITED_BLOCKS_PER_SECOND) lets
   * one more of `link`'s be handled; logged when not (the block is dropped unread).
   */
  private admitUnrequested(link: PeerLink): boolean {
    if (this.blockBudget.admit(link.unsolicitedRate, this.links.size)) return true;
    this.log.line(
      'unrequested blocks dropped (MAX_NODE_UNSOLICITED_BLOCKS_PER_SECOND)',
      `an unrequested block from ${link.label} dropped unread: the node's budget of ${this.limits.nodeUnsolicitedBlocksPerSecond} a second is spent (MAX_NODE_UNSOLICITED_BLOCKS_PER_SECOND)`,
    );
    return false;
  }

  /**
   * A block of `link` admitted on its request credit, now read: true when it is the next one this
   * node asked for (by number); any other is charged as an unrequested block after the fact (the
   * peer's rate, which drops it past MAX_UNSOLICITED_BLOCKS_PER_SECOND, and the node's budget),
   * false when that refuses it (it is skipped). So credit buys only the blocks asked for.
   */
  private spendsCredit(link: PeerLink, bytes: Uint8Array): boolean {
    if (blockNumOf(bytes) === link.creditNext) {
      link.creditNext++;
      return true;
    }
    if (!link.blockRate.take()) {
      this.drop(
        link,
        `more than ${this.limits.unsolicitedBlocksPerSecond} unrequested blocks a second (MAX_UNSOLICITED_BLOCKS_PER_SECOND)`,
      );
      return false;
    }
    return this.admitUnrequested(link);
  }

  /** The per-peer limits of a frame at its header: null when it keeps within them, else why the peer is dropped. */
  private peerLimitBroken(link: PeerLink, name: (typeof TYPE_NAMES)[number], bytes: number): string | null {
    if (name === 'HELLO') link.helloReceived = true;
    else if (!link.helloReceived) return `${name} before HELLO`;
    const L = this.limits;
    if (link.queuedMessages >= L.queuedMessages) return `more than ${L.queuedMessages} messages waiting (MAX_QUEUED_MESSAGES)`;
    if (link.queuedBytes + bytes > L.queuedBytes) return `more than ${L.queuedBytes} bytes waiting (MAX_QUEUED_BYTES)`;
    switch (name) {
      case 'BLOCK':
        // a block this node asked for spends its credit in `admit`
        if (link.requestCredit === 0 && !link.blockRate.take())
          return `more than ${L.unsolicitedBlocksPerSecond} unrequested blocks a second (MAX_UNSOLICITED_BLOCKS_PER_SECOND)`;
        return null;
      case 'TRX':
        return link.trxRate.take() ? null : `more than ${L.trxPerSecond} transactions a second (MAX_TRX_PER_SECOND)`;
      case 'REQUEST':
        return link.requestRate.take() ? null : `more than ${L.requestsPerSecond} requests a second (MAX_REQUESTS_PER_SECOND)`;
      case 'HELLO':
        return link.helloRate.take() ? null : `more than ${L.requestsPerSecond} HELLOs a second (MAX_REQUESTS_PER_SECOND)`;
    }
  }

  /** Disconnects a peer that broke a limit, with the reason logged once. */
  private drop(link: PeerLink, reason: string): void {
    if (link.droppedFor) return;
    link.droppedFor = reason;
    // by the limit broken: the reason's constant, when it names one
    const limit = /\(([A-Z_]+)\)$/.exec(reason)?.[1] ?? 'protocol';
    this.log.line(`peers disconnected (${limit})`, `peer ${link.label}: ${reason}; disconnecting`);
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
          this.log.line('peers on another chain', `peer ${link.label} is on another chain; disconnecting`);
          link.socket.destroy();
          return;
        }
        if (!link.greeted) {
          link.greeted = true;
          for (const bytes of this.host.pendingTransactions(MAX_TRX_ON_CONNECT)) link.send({ type: 'trx', bytes });
        }
        link.peerHead = m.headNum;
        // each answer ends with a HELLO: while more of the window is in flight, keep it full
        if (link.inFlight > 0) link.inFlight--;
        if (link.inFlight > 0) {
          if (!link.abandoned) this.pump(link);
          return;
        }
        link.abandoned = false;
        link.requestedAt = 0;
        if (link.wantForkSync) {
          link.wantForkSync = false;
          this.forkRequest(link);
          return;
        }
        // a peer ahead, or on a branch with a higher LIB (Leap's fork choice prefers it): fetch its blocks
        // continue from the last block it sent us: a branch longer than one window comes in pieces
        // (FORK_SYNC_IDLE_HELLOS windows in a row with no new block end it: the peer has no more of that branch to give)
        if (link.forkSync) link.forkSyncIdle = link.receivedUpTo > link.forkSyncMark ? 0 : link.forkSyncIdle + 1;
        link.forkSyncMark = link.receivedUpTo;
        if (link.forkSync && m.headNum > link.receivedUpTo && link.forkSyncIdle < FORK_SYNC_IDLE_HELLOS) {
          // its branch is longer than one window: the next pieces, from the last block it sent
          this.request(link, link.receivedUpTo + 1);
          return;
        }
        link.forkSync = false;
        if (m.headNum > Math.max(this.host.headNum(), link.receivedUpTo))
          this.request(link, Math.max(this.host.headNum(), link.receivedUpTo) + 1);
        else if (m.libNum > this.host.libNum()) this.forkRequest(link); // not ahead: on another branch
        return;
      case 'request': {
        // paced, not refused: what was served is paid for after, and the next request waits for it
        const wait = link.serveBudget.waitMs();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait).unref()); // not what keeps a closing node alive
        if (link.droppedFor || link.socket.destroyed || this.closed) return;
        const bytes = await this.serve(link, Math.max(1, m.fromNum));
        if (bytes === null) return;
        link.serveBudget.spend(bytes);
        this.sendTo(link, this.hello());
        return;
      }
      case 'block':
        return this.onBlock(link, m.bytes);
      case 'trx':
        // all peers together: past the node's budget a transaction is dropped unread, not its peer
        if (!this.trxBudget.take()) {
          this.droppedTransactions++;
          return;
        }
        {
          const { accepted, inflatedBytes } = this.host.acceptTransaction(m.bytes);
          // a compressed one also costs its inflation, in tokens of the peer's rate and the node's
          const extra = Math.floor(inflatedBytes / INFLATED_BYTES_PER_TRX);
          if (extra > 0) {
            link.trxRate.spend(extra);
            this.trxBudget.spend(extra);
          }
          if (accepted) this.broadcast({ type: 'trx', bytes: m.bytes }, link);
        }
        return;
    }
  }

  /**
   * Sends `link` up to BLOCKS_PER_REQUEST blocks from `fromNum`, read SERVE_CHUNK_BYTES at a time
   * and written as the peer reads them: an honest peer catching up on full blocks (256 of up to
   * 1 MiB) is never dropped for leaving an answer unread, and this node never holds the answer
   * whole. The bytes sent, or null when the peer went away or did not read within
   * `serveReadTimeoutMs` (SERVE_READ_TIMEOUT_MS; dropped).
   */
  private async serve(link: PeerLink, fromNum: number): Promise<number | null> {
    const highWater = this.limits.unreadBytes / 2;
    const chunk = Math.min(SERVE_CHUNK_BYTES, this.limits.nodeServedBytesPerSecond);
    let bytes = 0;
    for (let next = fromNum; next < fromNum + BLOCKS_PER_REQUEST; ) {
      if (!(await this.serveTurn(link, chunk))) return null;
      const blocks = await this.host.blocksFrom(next, fromNum + BLOCKS_PER_REQUEST - next, chunk);
      let read = 0;
      for (const b of blocks) read += b.length;
      this.serveBudget.spend(read - chunk); // what the chunk's reservation did not use is given back
      if (blocks.length === 0) break; // past the head
      for (const b of blocks) {
        if (link.socket.writableLength > highWater && !(await drained(link.socket, this.limits.serveReadTimeoutMs))) {
          // closed meanwhile (the peer, or this node shutting down), or it read nothing for that long
          if (!link.socket.destroyed && !this.closed)
            this.drop(link, `read none of the blocks it asked for in ${this.limits.serveReadTimeoutMs} ms (SERVE_READ_TIMEOUT_MS)`);
          return null;
        }
        if (link.droppedFor || link.socket.destroyed || this.closed) return null;
        bytes += b.length;
        this.sendTo(link, { type: 'block', bytes: b });
      }
      next += blocks.length;
    }
    return bytes;
  }

  /**
   * Waits until the node's serving budget is out of debt, then reserves `chunk` bytes of it before
   * the chunk is read: answers to several peers at once take turns instead of all passing a check
   * made before any of them spent. False when `link` or this node closed meanwhile.
   */
  private async serveTurn(link: PeerLink, chunk: number): Promise<boolean> {
    for (let wait = this.serveBudget.waitMs(); wait > 0; wait = this.serveBudget.waitMs()) {
      // checked again often: a reservation given back shortens the wait
      await new Promise((r) => setTimeout(r, Math.min(wait, SERVE_TURN_POLL_MS)).unref());
      if (link.droppedFor || link.socket.destroyed || this.closed) return false;
    }
    this.serveBudget.spend(chunk);
    return true;
  }

  private async onBlock(link: PeerLink, bytes: Uint8Array): Promise<void> {
    if (link.abandoned) return; // the rest of a window after a refused or unlinkable block: it cannot apply
    let outcome: 'known' | 'stored' | 'applied';
    try {
      outcome = await this.host.acceptBlock(bytes);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'unlinkable_block_exception') {
        // a new block past what the window in flight brings: it comes in order with the window
        if (link.inFlight > 0 && blockNumOf(bytes) > Math.max(this.host.headNum(), link.receivedUpTo) + 1) return;
        // on another fork, or blocks missed: ask for the peer's branch from our LIB
        this.forkRequest(link);
        return;
      }
      this.refused(link, e as Error);
      // a full fork database is this node's room, not the peer's fault: an honest peer is not dropped
      // (nor banned) for it, and its blocks come again once the LIB frees the room
      if (code !== 'fork_database_exception') this.countRefusal(link);
      return;
    }
    link.receivedUpTo = Math.max(link.receivedUpTo, blockNumOf(bytes));
    if (outcome !== 'known') this.broadcast({ type: 'block', bytes }, link);
  }

  /** A block of `link` refused (`e`), in its turn: logged, and what the window brings after it is not applied. */
  private refused(link: PeerLink, e: Error): void {
    if (link.abandoned) return;
    // what the window brings after a refused block builds on it: dropped unread until it is answered
    if (link.inFlight > 0) link.abandoned = true;
    this.log.line('blocks refused', `refused a block from ${link.label}: ${(e as { code?: string }).code ?? 'error'}: ${e.message}`);
  }

  /** Counts a refused block of `link`; true when that dropped the peer (MAX_REFUSED_BLOCKS), its address kept away. */
  private countRefusal(link: PeerLink): boolean {
    if (++link.refusedBlocks < this.limits.refusedBlocks) return false;
    if (!link.droppedFor) this.ban(link);
    this.drop(link, `${link.refusedBlocks} blocks refused by verification (MAX_REFUSED_BLOCKS)`);
    return true;
  }

  /** Asks `link` for its branch from this node's LIB on (in pieces, see `PeerLink.forkSync`). */
  private forkRequest(link: PeerLink): void {
    if (link.inFlight > 0) {
      // the rest of the window cannot link either: ask from the LIB once it is answered
      if (!(link.forkSync && link.requestedFrom === this.host.libNum() + 1)) {
        link.abandoned = true;
        link.wantForkSync = true;
      }
      return;
    }
    link.forkSync = true;
    link.forkSyncIdle = 0;
    link.receivedUpTo = this.host.libNum();
    link.forkSyncMark = link.receivedUpTo;
    this.request(link, this.host.libNum() + 1);
  }

  /** Starts fetching `link`'s blocks from `fromNum` on, a window of requests at a time (see `pump`). */
  private request(link: PeerLink, fromNum: number): void {
    const now = Date.now();
    // the same request again only after a while; another one (from the LIB after an unlinkable block) at once
    if (link.requestedAt !== 0 && link.requestedFrom === fromNum && now - link.requestedAt < REQUEST_RETRY_MS) return;
    if (link.inFlight > 0) return; // a window is being answered: its last HELLO decides what comes next
    link.requestedAt = now;
    link.requestedFrom = fromNum;
    link.syncNext = fromNum;
    link.creditNext = fromNum;
    link.firstPending = true;
    this.pump(link);
  }

  /**
   * Keeps up to CATCHUP_WINDOW requests in flight while the peer has blocks past the last piece
   * asked for, paced by `ownRequests` (a refill is waited for, never a peer limit tripped). The
   * first piece of a sync is asked even when the peer's head is not past it (a fork sync from the
   * LIB, or the same head on another branch).
   */
  private pump(link: PeerLink): void {
    if (link.droppedFor || link.socket.destroyed) return;
    const L = this.limits;
    while (link.inFlight < CATCHUP_WINDOW && (link.firstPending || link.syncNext <= link.peerHead)) {
      // what the window may bring must fit in what this node lets wait for one peer
      if (link.queuedMessages + (link.inFlight + 1) * (BLOCKS_PER_REQUEST + 1) > L.queuedMessages) return;
      if (!link.ownRequests.take()) {
        if (!link.pumpTimer)
          link.pumpTimer = setTimeout(
            () => {
              link.pumpTimer = null;
              if (!link.abandoned && (link.inFlight > 0 || link.firstPending)) this.pump(link);
            },
            Math.ceil(1000 / link.ownRequests.perSecond),
          );
        return;
      }
      link.firstPending = false;
      link.inFlight++;
      link.answersPending++;
      link.requestCredit = Math.min(CATCHUP_WINDOW * BLOCKS_PER_REQUEST, link.requestCredit + BLOCKS_PER_REQUEST);
      this.sendTo(link, { type: 'request', fromNum: link.syncNext });
      link.syncNext += BLOCKS_PER_REQUEST;
    }
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
    this.log.close(); // the counts of lines not written
    for (const t of this.dialTimers) clearTimeout(t);
    for (const l of this.links) l.socket.destroy();
    this.links.clear();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A block's number, from its header: timestamp u32 ‖ producer u64 ‖ confirmed u16 ‖ previous id (its first 4 bytes: the number before). */
function blockNumOf(bytes: Uint8Array): number {
  return blockNumOfId(bytes.subarray(14, 46)) + 1;
}

/** What a message holds in memory while it waits. */
function messageBytes(m: RelayMessage): number {
  return m.type === 'block' || m.type === 'trx' ? m.bytes.length : 40;
}

/** `messageBytes` of a frame, from its header: its payload for a block or transaction. */
function frameBytes(type: number, length: number): number {
  return type === MessageType.BLOCK || type === MessageType.TRX ? length - 1 : 40;
}

/** The message types by their type byte, as the log names them. */
const TYPE_NAMES: Record<number, 'HELLO' | 'BLOCK' | 'REQUEST' | 'TRX'> = {
  [MessageType.HELLO]: 'HELLO',
  [MessageType.BLOCK]: 'BLOCK',
  [MessageType.REQUEST]: 'REQUEST',
  [MessageType.TRX]: 'TRX',
};

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Resolves true once `socket` has written out what it holds, false when it closes or when the peer
 * read nothing of it for a whole `timeoutMs` (a slow reader that keeps reading is waited for).
 */
function drained(socket: Socket, timeoutMs: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    let unread = socket.writableLength;
    const done = (ok: boolean) => {
      clearInterval(timer);
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setInterval(() => {
      if (socket.writableLength >= unread) done(false);
      unread = socket.writableLength;
    }, timeoutMs).unref();
    socket.on('drain', onDrain);
    socket.on('close', onClose);
  });
}
