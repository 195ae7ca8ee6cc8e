/**
 * The fork database: reversible blocks whose headers were verified (signature under the schedule,
 * links), from the last irreversible block up, on every branch a peer sent. It picks the best
 * branch by Leap's legacy rule (highest dpos LIB, then highest block number; on a tie the head
 * seen first stays) and notices a producer that signed two different blocks for one slot. Blocks
 * are pruned as the LIB passes them; its size is capped so a peer cannot make it grow unbounded.
 */
import { bytesToHex } from '../../abi/antelope/index.js';
import type { SignedBlock } from '../block.js';
import type { BlockHeaderState } from './block-header-state.js';
import { ChainError } from '../chain-error.js';

/** Reversible blocks kept at most: 21 producers · 12 slots · 2 rounds of LIB lag, with room for forks. */
export const MAX_FORK_BLOCKS = 4096;

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

  get size(): number {
    return this.byId.size;
  }

  has(idHex: string): boolean {
    return this.byId.has(idHex);
  }

  get(idHex: string): ForkBlock | undefined {
    return this.byId.get(idHex);
  }

  /** Refuses a peer's block when the database is full (this node's own heads are always added). */
  checkRoom(): void {
    if (this.byId.size >= MAX_FORK_BLOCKS) {
      throw new ChainError('fork_database_exception', `fork database full (${MAX_FORK_BLOCKS} reversible blocks): block refused`);
    }
  }

  /** Adds a verified block; returns the double signing it reveals, if any. */
  add(b: ForkBlock): DoubleSign | undefined {
    if (this.byId.has(b.idHex)) return undefined;
    this.byId.set(b.idHex, b);
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
    for (const [id, b] of this.byId) if (doomed.has(bytesToHex(b.block.previous))) doomed.add(id);
    for (const id of doomed) this.byId.delete(id);
  }

  /** Forgets blocks below the last irreversible block `libNum` (the LIB block itself stays: new blocks link to it). */
  prune(libNum: number): void {
    for (const [id, b] of this.byId) {
      if (b.state.blockNum < libNum) {
        this.byId.delete(id);
        this.bySlot.delete(`${b.block.producer}@${b.block.timestamp}`);
      }
    }
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
