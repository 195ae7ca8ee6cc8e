/**
 * The fork database: reversible blocks whose headers were verified (signature under the schedule,
 * links), from the last irreversible block up, on every branch a peer sent. It picks the best
 * branch by Leap's legacy rule (highest dpos LIB, then highest block number; on a tie the head
 * seen first stays) and notices a producer that signed two different blocks for one slot. Blocks
 * are pruned as the LIB passes them; its size is capped so a peer cannot make it grow unbounded,
 * and when it is full the producer holding the most gives way first (`checkRoom`, `makeRoom`), so
 * one producer's forks cannot shut out the others' blocks.
 */
import { bytesToHex } from '../../abi/antelope/index.js';
import type { SignedBlock } from '../block.js';
import type { BlockHeaderState } from './block-header-state.js';
import { ChainError } from '../chain-error.js';

/** Reversible blocks kept at most: 21 producers · 12 slots · 2 rounds of LIB lag, with room for forks. */
export const MAX_FORK_BLOCKS = 4096;
/**
 * Bytes of reversible blocks kept at most (their transactions, as `heldBytes` counts them): past it
 * a peer's block is refused (`fork_database_exception`), this node's own heads are still added. A
 * producer in the schedule can sign as many blocks as it likes, each of another slot on the LIB,
 * each tying with the head and so only stored: before, MAX_FORK_BLOCKS of them of 1 MiB held about
 * 4 GiB (500 held 530 MiB). 512 MiB: two rounds of 21 producers (504 blocks, about the LIB's lag)
 * of full 1 MiB blocks.
 */
export const MAX_FORK_DATABASE_BYTES = 512 * 1024 * 1024;
/** What one producer holds in the database: its blocks and their `heldBytes`. */
interface ProducerShare {
  count: number;
  bytes: number;
}

/** What a block holds besides its transactions' bytes (header, ids, header state), and each signature. */
const BLOCK_OVERHEAD_BYTES = 1024;
const SIGNATURE_BYTES = 128;

export interface ForkBlock {
  idHex: string;
  block: SignedBlock;
  /** Header state after the block (verified). */
  state: BlockHeaderState;
}

/** Two different blocks signed by one producer for one slot. */
export interface DoubleSign {
  producer: string;
  slot: number;
  first: string;
  second: string;
}

/** Leap's legacy fork choice: is `a` a better head than `b`? */
export function betterHead(a: BlockHeaderState, b: BlockHeaderState): boolean {
  if (a.dposIrreversibleBlocknum !== b.dposIrreversibleBlocknum) return a.dposIrreversibleBlocknum > b.dposIrreversibleBlocknum;
  return a.blockNum > b.blockNum;
}

export class ForkDatabase {
  private readonly byId = new Map<string, ForkBlock>();
  /** `producer@slot` → id of the first block seen for it. */
  private readonly bySlot = new Map<string, string>();
  /** `heldBytes` of the blocks in `byId`. */
  private bytes = 0;
  /** `MAX_FORK_DATABASE_BYTES`; a field so a test can lower it. */
  private readonly maxBytes: number = MAX_FORK_DATABASE_BYTES;
  /** The id each block builds on (hex), kept so walking branches decodes no id. */
  private readonly parents = new Map<string, string>();
  /** Blocks and bytes held per producer (the one that gives way when the database is full). */
  private readonly shares = new Map<string, ProducerShare>();
  /** Blocks evicted to make room for another producer's block, or a block extending the head (diagnosis and tests). */
  evicted = 0;

  get size(): number {
    return this.byId.size;
  }

  has(idHex: string): boolean {
    return this.byId.has(idHex);
  }

  get(idHex: string): ForkBlock | undefined {
    return this.byId.get(idHex);
  }

  /** Bytes of the blocks held (`heldBytes`). */
  get heldBytes(): number {
    return this.bytes;
  }

  /**
   * Whether a peer's `block` may go in, before its header is verified (cheap, so a block refused
   * for room costs no key recovery): when the database is full, by count or by bytes, it is
   * refused (`fork_database_exception`) when its producer already holds the most and it does not
   * extend the head `headIdHex` (a producer's own forks do not push out others'). Otherwise
   * `makeRoom` evicts the fullest producer's blocks off the head's branch once it is verified.
   */
  checkRoom(block: SignedBlock, headIdHex: string): void {
    const short = this.shortOf(block);
    if (short === null || bytesToHex(block.previous) === headIdHex) return;
    if (this.fullest(short, () => true) === block.producer) throw this.fullError(block, short);
  }

  /**
   * Makes room for a peer's verified `block` (see `checkRoom`): while the database is full, the
   * newest block off the head's branch of the producer holding the most there is evicted (with
   * what builds on it), never one `block` builds on. Refused (`fork_database_exception`) when that
   * producer is `block`'s own and `block` does not extend the head, or nothing is left to evict.
   * Without it, one producer in the schedule filled the database with tied forks and every other
   * producer's block was refused until the LIB passed them.
   */
  makeRoom(block: SignedBlock, headIdHex: string): void {
    const short = this.shortOf(block);
    if (short === null) return;
    const extendsHead = bytesToHex(block.previous) === headIdHex;
    const kept = this.ancestry(headIdHex);
    for (const id of this.ancestry(bytesToHex(block.previous))) kept.add(id);
    for (let need: 'count' | 'bytes' | null = short; need !== null; need = this.shortOf(block)) {
      // what each producer holds off the kept branches, and its newest block there
      const off = new Map<string, ProducerShare & { newest: ForkBlock }>();
      for (const [id, b] of this.byId) {
        if (kept.has(id)) continue;
        const o = off.get(b.block.producer);
        if (!o) off.set(b.block.producer, { count: 1, bytes: heldBytes(b.block), newest: b });
        else {
          o.count++;
          o.bytes += heldBytes(b.block);
          if (b.state.blockNum >= o.newest.state.blockNum) o.newest = b;
        }
      }
      const victim = this.fullest(need, (p) => off.has(p), off);
      if (victim === null || (victim === block.producer && !extendsHead)) throw this.fullError(block, need);
      const before = this.byId.size;
      this.removeBranch(off.get(victim)!.newest.idHex);
      this.evicted += before - this.byId.size;
    }
  }

  /** What the database lacks for `block`: 'count' or 'bytes', or null when it has room. */
  private shortOf(block: SignedBlock): 'count' | 'bytes' | null {
    if (this.byId.size >= MAX_FORK_BLOCKS) return 'count';
    if (this.bytes + heldBytes(block) > this.maxBytes) return 'bytes';
    return null;
  }

  /** The producer holding the most by `by` among those `eligible` (in `shares`, or in `from`); null when none. */
  private fullest(
    by: 'count' | 'bytes',
    eligible: (producer: string) => boolean,
    from: Map<string, ProducerShare> = this.shares,
  ): string | null {
    let most: string | null = null;
    let mostHeld = -1;
    for (const [p, s] of from) {
      if (eligible(p) && s[by] > mostHeld) {
        most = p;
        mostHeld = s[by];
      }
    }
    return most;
  }

  /** `idHex` and the blocks it builds on, as far as the database holds them. */
  private ancestry(idHex: string): Set<string> {
    const out = new Set<string>();
    for (let at: string | undefined = idHex; at !== undefined && this.byId.has(at) && !out.has(at); at = this.parents.get(at)) out.add(at);
    return out;
  }

  private fullError(block: SignedBlock, short: 'count' | 'bytes'): ChainError {
    return short === 'count'
      ? new ChainError(
          'fork_database_exception',
          `fork database full (${MAX_FORK_BLOCKS} reversible blocks, MAX_FORK_BLOCKS; ${block.producer} holds the most): block refused`,
        )
      : new ChainError(
          'fork_database_exception',
          `fork database full (${this.bytes} of ${this.maxBytes} bytes of reversible blocks, MAX_FORK_DATABASE_BYTES; ${block.producer} holds the most): block of ${heldBytes(block)} bytes refused`,
        );
  }

  /** Adds a verified block; returns the double signing it reveals, if any. */
  add(b: ForkBlock): DoubleSign | undefined {
    if (this.byId.has(b.idHex)) return undefined;
    this.byId.set(b.idHex, b);
    this.parents.set(b.idHex, bytesToHex(b.block.previous));
    this.bytes += heldBytes(b.block);
    const share = this.shares.get(b.block.producer);
    if (share) {
      share.count++;
      share.bytes += heldBytes(b.block);
    } else this.shares.set(b.block.producer, { count: 1, bytes: heldBytes(b.block) });
    const key = `${b.block.producer}@${b.block.timestamp}`;
    const first = this.bySlot.get(key);
    if (first === undefined) this.bySlot.set(key, b.idHex);
    else if (first !== b.idHex && b.state.blockNum > 1) {
      return { producer: b.block.producer, slot: b.block.timestamp, first, second: b.idHex };
    }
    return undefined;
  }

  /** Drops `idHex` and every block built on it (a block that failed to apply). */
  removeBranch(idHex: string): void {
    const doomed = new Set([idHex]);
    for (const [id, prev] of this.parents) if (doomed.has(prev)) doomed.add(id);
    for (const id of doomed) this.forget(id);
  }

  /** Forgets blocks below the last irreversible block `libNum` (the LIB block itself stays: new blocks link to it). */
  prune(libNum: number): void {
    for (const [id, b] of this.byId) {
      if (b.state.blockNum < libNum) {
        this.forget(id);
        this.bySlot.delete(`${b.block.producer}@${b.block.timestamp}`);
      }
    }
  }

  private forget(idHex: string): void {
    const b = this.byId.get(idHex);
    if (!b) return;
    this.byId.delete(idHex);
    this.parents.delete(idHex);
    this.bytes -= heldBytes(b.block);
    const share = this.shares.get(b.block.producer)!;
    share.count--;
    share.bytes -= heldBytes(b.block);
    if (share.count === 0) this.shares.delete(b.block.producer);
  }

  /** The best head among the blocks built on `libNum` (Leap's legacy choice; the first seen wins ties). */
  best(libNum: number): ForkBlock | undefined {
    let best: ForkBlock | undefined;
    for (const b of this.byId.values()) {
      if (b.state.blockNum < libNum) continue;
      if (!best || betterHead(b.state, best.state)) best = b;
    }
    return best;
  }

  /**
   * The blocks from `idHex` back to the first one `isBase` accepts (not included), oldest first;
   * undefined when the walk leaves the database first.
   */
  branchFrom(idHex: string, isBase: (idHex: string) => boolean): ForkBlock[] | undefined {
    const out: ForkBlock[] = [];
    let at = idHex;
    while (!isBase(at)) {
      const b = this.byId.get(at);
      if (!b) return undefined;
      out.push(b);
      at = bytesToHex(b.block.previous);
    }
    return out.reverse();
  }
}

/** What a block holds in memory, about: its transactions' bytes and signatures, and a fixed overhead. */
export function heldBytes(block: SignedBlock): number {
  let n = BLOCK_OVERHEAD_BYTES;
  for (const r of block.transactions) {
    n += r.trx.packedTrx.length + r.trx.packedContextFreeData.length + r.trx.signatures.length * SIGNATURE_BYTES;
  }
  return n;
}
