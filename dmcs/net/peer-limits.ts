/**
 * What one relay peer may cost this node (block-relay.ts applies them): a peer past a limit is
 * disconnected and the reason logged. Rates are token buckets refilled continuously, sized well
 * above honest traffic (a block per slot from each neighbour, a test clock driving hundreds of
 * slots a second, transaction bursts) and far below what a flood costs. Blocks this node asked for
 * (a catch-up answer of up to BLOCKS_PER_REQUEST) do not count against the block rate.
 */

/** Blocks a peer may send unasked, per second (burst: one second's worth). */
export const MAX_UNSOLICITED_BLOCKS_PER_SECOND = 1000;
/**
 * Unrequested blocks this node handles per second from all its peers together (burst: one second's
 * worth; unsolicited-block-budget.ts); past it they are dropped before their header is read, not
 * their peers, the peers sending more than their share first. Honest traffic is each neighbour's
 * copy of each new block (2 a second under wall time, a hundred under a test clock). Without it,
 * 8 peers each under MAX_UNSOLICITED_BLOCKS_PER_SECOND sending copies of a known or unlinkable
 * block took 20-35% of the node's thread, and 64 peers could send 64,000 a second.
 */
export const MAX_NODE_UNSOLICITED_BLOCKS_PER_SECOND = 2000;
/**
 * Transactions a peer may forward per second (burst: one second's worth). Kept below what the node
 * can turn away: a flood of junk is read as fast as it is refused (about 5000/s on a loaded core),
 * so a higher cap would never be reached while the flood held the event loop.
 */
export const MAX_TRX_PER_SECOND = 2000;
/**
 * Forwarded transactions this node handles per second from all its peers together (burst: one
 * second's worth); past it they are dropped unread, not their peers. Each may cost a key recovery
 * before it is refused, and 64 peers at `MAX_TRX_PER_SECOND` each would take the node's thread.
 * A transaction dropped here still reaches the producers through the other peers that flood it.
 */
export const MAX_NODE_TRX_PER_SECOND = 4000;
/**
 * Bytes of zlib output that cost one more transaction token (of the peer's rate and the node's):
 * inflating 16 KiB costs about what a key recovery does, and 564 bytes of a forwarded transaction
 * can inflate to the 512 KiB limit, 32 tokens. Without it, a peer forwarding such transactions at
 * its rate (each then refused: a duplicate, or invalid) took seconds of the node's thread a second.
 */
export const INFLATED_BYTES_PER_TRX = 16 * 1024;
/** Catch-up requests a peer may send per second; each may cost this node BLOCKS_PER_REQUEST block reads. */
export const MAX_REQUESTS_PER_SECOND = 50;
/**
 * Bytes of blocks this node serves one peer per second (burst: one second's worth); a request past
 * it is answered once the budget refills, not refused, so an honest catch-up is paced, never
 * dropped. Without it a peer that reads all it is sent could make the node read and send 50
 * requests of 256 blocks a second, each block up to 1 MiB, holding the node's chain queue.
 */
export const MAX_SERVED_BYTES_PER_SECOND = 32 * 1024 * 1024;
/**
 * Bytes of blocks this node serves all its peers together per second (burst: one second's worth):
 * two peers catching up at their own budget. Without it, 64 peers at `MAX_SERVED_BYTES_PER_SECOND`
 * each could have the node read and send 2 GiB of blocks a second. Past it, answers are paced too.
 */
export const MAX_NODE_SERVED_BYTES_PER_SECOND = 64 * 1024 * 1024;
/** Blocks that fail verification (bad signature, wrong producer, …) before the peer is dropped. */
export const MAX_REFUSED_BLOCKS = 16;
/**
 * How long a peer dropped for MAX_REFUSED_BLOCKS stays away: its address (an IPv6 one by its /64)
 * is refused at accept, and such a peer this node dials is redialled only then. Each refused block
 * costs a header verification (a key recovery); before, a dropped peer reconnected at once for 16
 * more: 8 reconnecting loops had a node verify 3,400 forged blocks a second, 63% of its thread.
 */
export const REFUSED_PEER_BAN_MS = 60_000;
/** Addresses kept away at once (REFUSED_PEER_BAN_MS): past it the oldest ban is forgotten. */
export const MAX_BANNED_ADDRESSES = 4096;
/** Messages received and not yet handled (they are handled one at a time, in order). */
export const MAX_QUEUED_MESSAGES = 4096;
/** Bytes of messages received and not yet handled. */
export const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/** Bytes written to a peer that it has not read yet (a peer that asks and does not read is dropped). */
export const MAX_UNREAD_BYTES = 64 * 1024 * 1024;
/**
 * How long a peer may read nothing of the blocks it asked for: while more than half of
 * MAX_UNREAD_BYTES waits unread, the rest of an answer waits for the peer to read it (an honest
 * peer catching up on full blocks, or pausing while it applies them, is paced, not dropped); a
 * peer that reads nothing for this long is dropped.
 */
export const SERVE_READ_TIMEOUT_MS = 30_000;
/** A connection must say HELLO within this time. */
export const HELLO_TIMEOUT_MS = 10_000;
/**
 * Inbound connections held at once. Past it a newcomer replaces the newest peer of the address
 * (an IPv6 one by its /64) holding the most, when that address holds at least two more than the
 * newcomer's; else it is refused at accept. So one address cannot shut out the others: before, 64
 * sockets from one address that said HELLO and nothing more held every slot for as long as they
 * stayed open, and an honest node dialling in was refused every 300 ms.
 */
export const MAX_INBOUND_PEERS = 64;
/**
 * Inbound connections accepted per address (an IPv6 one by its /64) per second, after a burst of
 * ACCEPT_BURST_PER_ADDRESS (accept-rate.ts); past it a connection is closed as it is accepted,
 * before any relay work. An honest peer connects once and stays; a node redials a dropped link every
 * REDIAL_MS (about 3 a second). Before, each connection of a loopback client opening and closing
 * them as fast as it could was taken in as a peer: about 340 us of the node's CPU each (20% of a
 * core at 600 a second on a loaded machine; the client can reach 3,800 a second); now 180-230 us,
 * the rest being the accept itself.
 */
export const MAX_ACCEPTS_PER_ADDRESS_PER_SECOND = 10;
/**
 * Connections one address may open at once before MAX_ACCEPTS_PER_ADDRESS_PER_SECOND applies:
 * MAX_INBOUND_PEERS, so a host running many nodes (a loopback test network: 21 nodes dialling each
 * other from 127.0.0.1, all redialling when a partition heals) gets them all in at once.
 */
export const ACCEPT_BURST_PER_ADDRESS = 64;
/** Addresses whose accept rate is remembered at once: past it the least recently seen is forgotten (a full burst again). */
export const MAX_ACCEPT_RATE_ADDRESSES = 4096;
/**
 * Log lines of one kind (a refusal at accept, a drop for one limit, a refused block, …) written per
 * LOG_LINES_INTERVAL_MS; past it they are counted, and one line per interval gives the count. 20:
 * one peer's whole MAX_REFUSED_BLOCKS burst is seen line by line. Without it connection churn from
 * one address (about 2,300 refused connections a second on loopback) wrote a line each: 320 KB of
 * log a second, 28 GB a day, on the operator's disk (the node's log is its stderr, not rotated).
 */
export const LOG_LINES_PER_KIND = 20;
/** The interval of LOG_LINES_PER_KIND: at most 21 lines of one kind a minute. */
export const LOG_LINES_INTERVAL_MS = 60_000;

/** The limits one relay applies to each of its peers (tests may lower them; nodes use `PEER_LIMITS`). */
export interface PeerLimits {
  unsolicitedBlocksPerSecond: number;
  /** All peers together (not per peer): unrequested blocks handled a second. */
  nodeUnsolicitedBlocksPerSecond: number;
  trxPerSecond: number;
  /** All peers together (not per peer): forwarded transactions handled a second. */
  nodeTrxPerSecond: number;
  requestsPerSecond: number;
  servedBytesPerSecond: number;
  /** All peers together (not per peer): bytes of blocks served a second. */
  nodeServedBytesPerSecond: number;
  refusedBlocks: number;
  refusedPeerBanMs: number;
  queuedMessages: number;
  queuedBytes: number;
  unreadBytes: number;
  serveReadTimeoutMs: number;
  helloTimeoutMs: number;
  inboundPeers: number;
  /** Per address (`addressGroup`): connections accepted a second, and at once. */
  acceptsPerSecond: number;
  acceptBurst: number;
  logLinesPerKind: number;
  logLinesIntervalMs: number;
}

export const PEER_LIMITS: PeerLimits = {
  unsolicitedBlocksPerSecond: MAX_UNSOLICITED_BLOCKS_PER_SECOND,
  nodeUnsolicitedBlocksPerSecond: MAX_NODE_UNSOLICITED_BLOCKS_PER_SECOND,
  trxPerSecond: MAX_TRX_PER_SECOND,
  nodeTrxPerSecond: MAX_NODE_TRX_PER_SECOND,
  requestsPerSecond: MAX_REQUESTS_PER_SECOND,
  servedBytesPerSecond: MAX_SERVED_BYTES_PER_SECOND,
  nodeServedBytesPerSecond: MAX_NODE_SERVED_BYTES_PER_SECOND,
  refusedBlocks: MAX_REFUSED_BLOCKS,
  refusedPeerBanMs: REFUSED_PEER_BAN_MS,
  queuedMessages: MAX_QUEUED_MESSAGES,
  queuedBytes: MAX_QUEUED_BYTES,
  unreadBytes: MAX_UNREAD_BYTES,
  serveReadTimeoutMs: SERVE_READ_TIMEOUT_MS,
  helloTimeoutMs: HELLO_TIMEOUT_MS,
  inboundPeers: MAX_INBOUND_PEERS,
  acceptsPerSecond: MAX_ACCEPTS_PER_ADDRESS_PER_SECOND,
  acceptBurst: ACCEPT_BURST_PER_ADDRESS,
  logLinesPerKind: LOG_LINES_PER_KIND,
  logLinesIntervalMs: LOG_LINES_INTERVAL_MS,
};

/** A token bucket: `perSecond` tokens a second, holding at most `burst` (by default one second's worth). */
export class RateLimit {
  private tokens: number;
  private at: number;

  constructor(
    readonly perSecond: number,
    now = performance.now(),
    readonly burst = perSecond,
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** Spends `n` tokens, into debt if need be (what was served is paid for after). */
  spend(n: number, now = performance.now()): void {
    this.refill(now);
    this.tokens -= n;
  }

  /** Milliseconds until the bucket is out of debt (0 when it is not in debt). */
  waitMs(now = performance.now()): number {
    this.refill(now);
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.perSecond);
  }

  /** Tokens left now (negative in debt). */
  available(now = performance.now()): number {
    this.refill(now);
    return this.tokens;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perSecond) / 1000);
    this.at = now;
  }

  /** Takes one token: false when none is left (the caller drops the peer). */
  take(now = performance.now()): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
