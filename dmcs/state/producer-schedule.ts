/**
 * The producer schedule (Leap's `producer_authority_schedule`): the active schedule and at most
 * one proposed schedule. A privileged contract proposes one (`set_proposed_producers[_ex]`); as in
 * Leap, a second proposal in the same block replaces the first, one from an earlier block that has
 * not taken effect yet blocks new ones (-1), and proposing the schedule already in force is -1.
 *
 * Where this node differs: Leap promotes proposed → pending when the proposing block becomes
 * irreversible and pending → active later; this node has one block signer, so every block is
 * irreversible at once and the proposal becomes active in the next block (`promote`).
 */
import type { UndoLog } from './undo-log.js';
import type { Authority } from '../authority.js';

export interface ProducerAuthority {
  readonly producerName: string;
  /** `block_signing_authority_v0`: keys (key ids) with weights and a threshold, no accounts or waits. */
  readonly authority: Authority;
}

export interface Schedule {
  readonly version: number;
  readonly producers: readonly ProducerAuthority[];
}

/** Leap `config::max_producers`. */
export const MAX_PRODUCERS = 125;

function sameProducers(a: readonly ProducerAuthority[], b: readonly ProducerAuthority[]): boolean {
  return a.length === b.length && a.every((p, i) => JSON.stringify(p) === JSON.stringify(b[i]));
}

export class ProducerSchedule {
  active: Schedule;
  proposed: (Schedule & { readonly blockNum: number }) | null = null;

  constructor(
    private readonly undo: UndoLog,
    genesis: readonly ProducerAuthority[],
  ) {
    this.active = { version: 0, producers: genesis };
  }

  /** Leap `controller::set_proposed_producers`: the version it will have, or -1 when nothing changes. */
  propose(producers: readonly ProducerAuthority[], blockNum: number): number {
    if (this.proposed && this.proposed.blockNum !== blockNum) return -1;
    if (sameProducers(producers, this.active.producers)) return -1;
    const old = this.proposed;
    const version = this.active.version + 1;
    this.proposed = { version, producers, blockNum };
    this.undo.record(() => {
      this.proposed = old;
    });
    return version;
  }

  /** Makes a proposal from a block before `blockNum` the active schedule; true when it did. */
  promote(blockNum: number): boolean {
    const p = this.proposed;
    if (!p || p.blockNum >= blockNum) return false;
    const old = this.active;
    this.active = { version: p.version, producers: p.producers };
    this.proposed = null;
    this.undo.record(() => {
      this.active = old;
      this.proposed = p;
    });
    return true;
  }
}
