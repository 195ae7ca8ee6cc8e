/**
 * Inbound connections accepted per address (`addressGroup`: an IPv6 one by its /64), a token
 * bucket each (MAX_ACCEPTS_PER_ADDRESS_PER_SECOND, burst ACCEPT_BURST_PER_ADDRESS): past it a
 * connection is closed as it is accepted, before any relay work (no link, no HELLO, no timer, no
 * ban or eviction lookup). At most MAX_ACCEPT_RATE_ADDRESSES addresses are remembered, the least
 * recently seen forgotten first (it starts again with a full burst).
 */

import { RateLimit } from './peer-limits.js';

export class AcceptRate {
  /** By address group, least recently seen first. */
  private readonly buckets = new Map<string, RateLimit>();

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    readonly maxAddresses: number,
  ) {}

  /** Whether a connection from `group` may be accepted now (it spends a token). */
  take(group: string, now = performance.now()): boolean {
    let b = this.buckets.get(group);
    if (b) {
      this.buckets.delete(group); // re-added last: the map stays least recently seen first
    } else {
      b = new RateLimit(this.perSecond, now, this.burst);
      if (this.buckets.size >= this.maxAddresses) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(group, b);
    return b.take(now);
  }
}
