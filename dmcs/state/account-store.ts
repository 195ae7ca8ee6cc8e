/**
 * The accounts of the chain state, by name and by u64 value. Without a store every account stays
 * in memory (a `Map`). With an `OrderedStore` underneath, memory holds a bounded cache: at most
 * `budget` accounts after a `trim`, least recently used first out (by use stamps: use-stamps.ts),
 * and one read back and not used in a later block leaves at the next safe point (probation.ts);
 * the rest live on disk as
 *
 *   key   'S' ‖ u64 name value ‖ 0x00 (store-keys.ts: the account's tables follow it)
 *   value 32 record hash (the account's hash summed in the state digest) ‖ u8 has limits ‖
 *         [i64 ram bytes ‖ i64 net weight ‖ i64 cpu weight] ‖ account record (account-codec.ts;
 *         its tail, the permissions and links, is also the tail of the record hash's input)
 *
 * Objects the chain may still hold are never dropped: accounts changed since the last flush are
 * pinned, so are those written by a commit that has not landed yet (the store does not hold them
 * until it does: `commitStarted`, `landed`), and so are accounts an undo closure still refers to (changed in a block that is not
 * irreversible yet, or in the pending block: pinned until the journal releases that position);
 * `trim` runs only between blocks (no action holds an account), a step at each (use-stamps.ts's `TrimRun`). A
 * read of an account that is not cached costs one store read and a decode of its fixed fields: its
 * permissions and links stay encoded (`AccountRecord.auth`, the stored bytes) until something uses them,
 * and while unchanged they are written back and rehashed from those bytes.
 */
import { BinaryReader, BinaryWriter, Name, bytesToHex } from '../../abi/antelope/index.js';
import { decodeAccountHead, writeAccount } from './account-codec.js';
import { authBytesOf, bytesOfLatin1, latin1Of, readAuth } from './account-auth.js';
import type { AccountRecord, PermissionRecord } from './account-record.js';
import type { OrderedStore } from './ordered-store.js';
import { ACCOUNT_KIND, SCOPE_KEYS_END, SCOPE_KEYS_FIRST, accountKey, accountOfKey, scopeKeyKind } from './store-keys.js';
import type { AccountResourceLimits } from './resource-limits.js';
import type { UndoLog } from './undo-log.js';
import { TrimRun, UseStamps, type TrimPace } from './use-stamps.js';
import { GHOSTS_SHARE, PROBATION_SHARE, Probation } from './probation.js';
import { PreparedRecords } from './prepared-records.js';
import { SHARD_BITS, ShardedMap, stringHash, u64Hash } from '../../lib/sharded-map.js';

/** Accounts kept in memory after a trim, by default (a node option sets it). */
export const ACCOUNT_CACHE_DEFAULT = 65_536;
/** A trim leaves the cache at this share of its budget, so the next one is not due at the next block. */
export const TRIM_TO = 0.75;
/** A trim's work per safe point and cache (use-stamps.ts's `TrimRun`): entries at or below the cut looked at, entries dropped. */
export const TRIM_PACE: TrimPace = { visits: 2048, slice: 512 };

/** What the store holds for an account at the last flush. */
export interface StoredAccount {
  /** The account's name when it has limits ('' otherwise: a snapshot needs it only beside them). */
  readonly name: string;
  /** The account record as snapshots encode it. */
  readonly record: Uint8Array;
  readonly limits: AccountResourceLimits | null;
}

export class AccountStore {
  /** Cached accounts, each stamped at its last use (with a store); every account (without one). */
  private readonly hot: ShardedMap<string, AccountRecord>;
  /** The cached accounts' use stamps (with a store). */
  private readonly stamps = new UseStamps<string, AccountRecord>();
  private readonly byValue: ShardedMap<bigint, AccountRecord>;
  /** Names created, changed or removed since the last flush (pinned in `hot` when they exist). */
  private changed = new Set<string>();
  /**
   * The names each commit still in flight writes, oldest first (pinned in `hot` when they exist;
   * the store holds them only once it landed, so a name here and not in `hot` was removed).
   */
  private readonly landing: Array<Set<string>> = [];
  /**
   * For names whose account object was removed since the last digest: the hash that object had
   * summed (null: none), since a new object under the same name does not know it.
   */
  private readonly summedBefore = new Map<string, Uint8Array | null>();
  /** Undo journal position each recently changed account waits for (UndoLog.pinFor). */
  private readonly pins = new Map<string, number>();
  /** Changed accounts' stored encodings made ahead of the commit (`prepare`, at safe points that start none). */
  private readonly prepared = new PreparedRecords<string>();

  constructor(
    private readonly undo: UndoLog,
    private readonly store: OrderedStore | null,
    /** Accounts kept in memory after a trim (ignored without a store). */
    readonly budget: number,
    /** An account's resource limits as the state holds them (stored beside the record). */
    private readonly limitsOf: (name: string) => AccountResourceLimits | undefined,
    /** An account was read back from the store with these limits (the state's home for them is the store). */
    private readonly limitsLoaded: (name: string, limits: AccountResourceLimits | null) => void = () => {},
  ) {
    // a bounded cache churns: sharded, so no map rebuild holds a block (lib/sharded-map.ts); without a
    // store every account stays, in insertion order (a snapshot's order)
    const bits = store === null ? 0 : SHARD_BITS;
    this.hot = new ShardedMap(stringHash, bits);
    this.byValue = new ShardedMap(u64Hash, bits);
    // kept whatever their stamps: changed since the last flush, in a commit in flight, or referred
    // to by an undo closure of a reversible block
    const held = (name: string) => this.pins.has(name) || this.unsettled(name);
    const drop = (name: string, a: AccountRecord) => {
      this.hot.delete(name);
      this.byValue.delete(a.value);
    };
    this.trimRun = new TrimRun(this.hot, this.stamps, held, drop);
    this.probation = new Probation(
      this.hot,
      this.stamps,
      held,
      drop,
      Math.floor(budget * PROBATION_SHARE),
      Math.floor(budget * GHOSTS_SHARE),
      stringHash,
    );
  }

  /** Whether the accounts live in a store (a bounded cache) rather than all in memory. */
  get persistent(): boolean {
    return this.store !== null;
  }

  /** Accounts created, changed or removed since the last flush (written at the next). */
  get changedCount(): number {
    return this.changed.size;
  }

  /** Accounts in memory now. */
  get cached(): number {
    return this.hot.size;
  }

  get(name: string): AccountRecord | undefined {
    const a = this.hot.get(name);
    if (a !== undefined) {
      if (this.store !== null) this.stamps.use(a);
      return a;
    }
    if (this.store === null || this.unsettled(name)) return undefined;
    let value: bigint;
    try {
      value = Name.from(name).value;
    } catch {
      return undefined;
    }
    return this.load(value);
  }

  /**
   * The account as `get` finds it, without counting a use (the state's digest reads the accounts it
   * rehashes: a commit is not a use, and a use stamp would keep them from a trim under way).
   */
  peek(name: string): AccountRecord | undefined {
    return this.hot.get(name) ?? this.get(name);
  }

  getByValue(value: bigint): AccountRecord | undefined {
    const a = this.byValue.get(value);
    if (a !== undefined || this.store === null) return a ?? undefined;
    const name = Name.fromU64(value).toString();
    return this.unsettled(name) ? undefined : this.load(value);
  }

  /** Adds a new account object (creation, or the undo of its removal). */
  set(a: AccountRecord): void {
    if (this.store !== null) {
      const before = this.hot.get(a.name);
      if (before !== undefined && before !== a) this.stamps.remove(before);
      this.stamps.add(a.name, a);
    }
    this.hot.set(a.name, a);
    this.byValue.set(a.value, a);
    this.markChanged(a.name);
  }

  /** Removes the account (the undo of its creation). */
  delete(name: string): void {
    const a = this.hot.get(name);
    if (!a) return;
    if (!this.summedBefore.has(name)) this.summedBefore.set(name, a.recordHash ?? null);
    this.hot.delete(name);
    this.byValue.delete(a.value);
    if (this.store !== null) this.stamps.remove(a);
    this.markChanged(name);
  }

  /** Marks an account changed (written at the next flush; pinned until then and while an undo refers to it). */
  markChanged(name: string): void {
    if (this.store === null) return;
    this.changed.add(name);
    this.prepared.changed(name);
    const pin = this.undo.pinFor();
    if (pin > (this.pins.get(name) ?? 0)) this.pins.set(name, pin);
  }

  /** The hash currently summed in the digest for `name` (undefined: none). */
  summedHash(name: string): Uint8Array | undefined {
    const before = this.summedBefore.get(name);
    if (before !== undefined) return before ?? undefined;
    return this.hot.get(name)?.recordHash;
  }

  /** `name`'s hash was just summed again (or removed): forget what it had before. */
  summed(name: string): void {
    this.summedBefore.delete(name);
  }

  /** Whether the store may not hold `name` as memory does: changed since the last flush, or written by a commit in flight. */
  private unsettled(name: string): boolean {
    if (this.changed.has(name)) return true;
    for (const s of this.landing) if (s.has(name)) return true;
    return false;
  }

  /** Every account, in no particular order (the store's ones decoded, not cached). */
  *values(): IterableIterator<AccountRecord> {
    if (this.store === null) {
      yield* this.hot.values();
      return;
    }
    for (const { key, value } of this.store.entries(SCOPE_KEYS_FIRST, SCOPE_KEYS_END)) {
      if (scopeKeyKind(key) !== ACCOUNT_KIND) continue; // a table
      const v = accountOfKey(key);
      const name = Name.fromU64(v).toString();
      if (this.unsettled(name)) continue; // yielded below from memory, or gone
      yield this.hot.get(name) ?? this.decode(value, v);
    }
    const seen = new Set<string>();
    for (const names of [...this.landing, this.changed])
      for (const name of names) {
        if (seen.has(name)) continue;
        seen.add(name);
        const a = this.hot.get(name);
        if (a) yield a;
      }
  }

  *keys(): IterableIterator<string> {
    for (const a of this.values()) yield a.name;
  }

  /**
   * The store writes for every account changed since the last flush (a null value removes it), to
   * commit with the rest of the state (chain-state.ts); `commitStarted()` once queued. Each one's
   * `recordHash` must be current (the state runs its digest first).
   */
  writes(out: Array<[Uint8Array, Uint8Array | null]>): void {
    if (this.store === null) return;
    for (const name of this.changed) {
      const a = this.hot.get(name);
      if (a) out.push([accountKey(a.value), this.prepared.get(name) ?? this.encodeStored(a)]);
      else out.push([accountKey(Name.from(name).value), null]);
    }
  }

  /** The writes of `writes()` are queued as a commit (they stay pinned until it `landed`). */
  commitStarted(): void {
    this.landing.push(this.changed);
    this.changed = new Set();
    this.prepared.clear();
  }

  /**
   * Encodes, ahead of the commit, the accounts changed since the last call whose `recordHash` is
   * current (`hashed`: the state rehashed them since their last change) and that were not prepared
   * before since the last flush (`PreparedRecords`); `writes` then copies these. Returns how many it encoded.
   */
  prepare(hashed: (name: string) => boolean): number {
    return this.prepared.encodePending((name) => {
      const a = this.hot.get(name);
      return a === undefined || !hashed(name) ? null : this.encodeStored(a); // removed (written as such), or hashed at the commit
    });
  }

  /** The oldest commit in flight landed: the store holds what it wrote. */
  landed(): void {
    this.landing.shift();
  }

  /**
   * The cache's upkeep at a safe point: first the probation's step (probation.ts: accounts read back
   * and not used in a later block go, and those read back since the last safe point while the cache
   * is over its budget), then a step of a trim (use-stamps.ts's `TrimRun`): once the
   * cache holds more than its budget, drops the least recently used accounts down to `keepShare` of
   * it, at `pace`; never one the store does not hold as it is (changed since the last flush, or in a
   * commit in flight). Returns how many it dropped.
   */
  trim(keepShare: number, pace: TrimPace): number {
    if (this.store === null) return 0;
    const released = this.undo.released;
    for (const [name, pin] of this.pins) if (pin <= released) this.pins.delete(name);
    const dropped = this.probation.step(this.hot.size - this.budget);
    if (!this.trimRun.running && this.hot.size <= this.budget) return dropped;
    return dropped + this.trimRun.step(this.budget, Math.floor(this.budget * keepShare), pace);
  }

  /** Whether a trim is under way (it goes on at the next safe points). */
  get trimming(): boolean {
    return this.trimRun.running;
  }

  private readonly trimRun: TrimRun<string, AccountRecord>;
  private readonly probation: Probation<string, AccountRecord>;

  private load(value: bigint): AccountRecord | undefined {
    const a = this.store!.read(accountKey(value), (v) => this.decode(v, value));
    if (a === undefined) return undefined;
    this.stamps.add(a.name, a);
    this.hot.set(a.name, a);
    this.byValue.set(a.value, a);
    this.probation.admit(a.name, a);
    return a;
  }

  /**
   * An account object from its stored form (`value`: its name's, when known; `v` may be the store's
   * read buffer: nothing kept is a view of it); its limits go back to the state.
   */
  private decode(v: Uint8Array, value?: bigint): AccountRecord {
    const r = new BinaryReader(v);
    const hash = r.raw(32).slice(); // 32 bytes: an array on V8's heap
    const limits = readLimits(r);
    const head = decodeAccountHead(r);
    const a = new StoredAccountRecord(head, value, hash, latin1Of(v.subarray(r.pos)));
    this.limitsLoaded(a.name, limits);
    return a;
  }

  private readonly w = new BinaryWriter(512);

  private encodeStored(a: AccountRecord): Uint8Array {
    if (!a.recordHash) throw new Error(`AccountStore.flush: account ${a.name} has no record hash (digest first)`);
    // permissions and links unchanged since encoded are copied, else encoded now and kept
    a.auth ??= authBytesOf(a);
    const limits = this.limitsOf(a.name);
    const w = this.w.reset();
    w.raw(a.recordHash);
    w.bool(limits !== undefined);
    if (limits) {
      w.i64(limits.ramBytes);
      w.i64(limits.netWeight);
      w.i64(limits.cpuWeight);
    }
    writeAccount(w, a);
    return w.finish();
  }
}

function readLimits(r: BinaryReader): AccountResourceLimits | null {
  return r.bool() ? { ramBytes: r.i64(), netWeight: r.i64(), cpuWeight: r.i64() } : null;
}

/** A stored value's parts a snapshot needs: the account record as it is and the limits (the name only with them). */
export function splitStored(v: Uint8Array): StoredAccount {
  const r = new BinaryReader(v);
  r.raw(32);
  const limits = readLimits(r);
  const record = v.subarray(r.pos);
  return { name: limits ? r.string() : '', record, limits };
}

/** Whether the account's permissions and links are decoded (always, but for one read back from a store and not yet used). */
export function permissionsDecoded(a: AccountRecord): boolean {
  return !(a instanceof StoredAccountRecord) || a.decoded;
}

/**
 * An account read back from the store: its fixed fields decoded, its permissions and links decoded
 * from `auth` only when first used (an authorization check, a change, an API read).
 */
class StoredAccountRecord implements AccountRecord {
  readonly name: string;
  readonly value: bigint;
  readonly creation: number;
  privileged: boolean;
  code: Uint8Array | null;
  codeHash: Uint8Array;
  codeHashHex: string;
  lastCodeUpdate: number;
  codeSequence: number;
  abi: Uint8Array | null;
  abiSequence: number;
  ramUsage: number;
  recvSequence: number;
  authSequence: number;
  snapshotEpoch = 0;
  cacheSlot = -1;
  recordHash: Uint8Array;
  auth: string | null;
  /** The permissions and links as stored (latin1) until they are decoded (then null). */
  private encoded: string | null;
  private perms: Map<string, PermissionRecord> | null = null;
  private linkMap: Map<string, string> | null = null;

  constructor(h: ReturnType<typeof decodeAccountHead>, value: bigint | undefined, hash: Uint8Array, auth: string) {
    this.name = h.name;
    this.value = value ?? Name.from(h.name).value;
    this.creation = h.creation;
    this.privileged = h.privileged;
    this.code = h.code;
    this.codeHash = h.codeHash;
    this.codeHashHex = h.code === null ? '' : bytesToHex(h.codeHash);
    this.lastCodeUpdate = h.lastCodeUpdate;
    this.codeSequence = h.codeSequence;
    this.abi = h.abi;
    this.abiSequence = h.abiSequence;
    this.ramUsage = h.ramUsage;
    this.recvSequence = h.recvSequence;
    this.authSequence = h.authSequence;
    this.recordHash = hash;
    this.auth = auth;
    this.encoded = auth;
  }

  get decoded(): boolean {
    return this.encoded === null;
  }

  get permissions(): Map<string, PermissionRecord> {
    if (this.perms === null) this.decodeAuth();
    return this.perms!;
  }

  get links(): Map<string, string> {
    if (this.linkMap === null) this.decodeAuth();
    return this.linkMap!;
  }

  private decodeAuth(): void {
    const r = new BinaryReader(bytesOfLatin1(this.encoded!));
    const { permissions, links } = readAuth(r);
    if (r.remaining !== 0) throw new Error(`state store: account ${this.name} has ${r.remaining} byte(s) after its links`);
    this.perms = new Map(permissions.map((p) => [p.name, p]));
    this.linkMap = new Map(links);
    this.encoded = null;
  }
}
