/**
 * The producer schedule (Leap's `producer_authority_schedule`): the active schedule and at most
 * one proposed schedule. A privileged contract proposes one (`set_proposed_producers[_ex]`); as in
 * Leap, a second proposal in the same block replaces the first, one from an earlier block that has
 * not taken effect yet blocks new ones (-1), and proposing the schedule already in force is -1.
 *
 * The block header state (dmcs/block/block-header-state.ts) owns the pending and active schedules
 * as Leap's block_header_state does; the chain mirrors them here after every block (`active` for
 * `get_active_producers` and eosio.prods, `pending` for the version of the next proposal). The
 * proposal itself lives here, in the undo-logged state, as in Leap's global property object; the
 * chain announces it in the header of the first block whose predecessor made the proposing block
 * irreversible while nothing is pending, and clears it then (`take`).
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
  /** Mirrors the head block's pending schedule (announced, not yet active); not undo-logged. */
  pending: Schedule | null = null;

  constructor(
    private readonly undo: UndoLog,
    genesis: readonly ProducerAuthority[],
  ) {
    this.active = { version: 0, producers: genesis };
  }

  /**
   * Leap `controller::set_proposed_producers`: the version it will have (one more than the pending
   * schedule's, or the active one's when nothing is pending), or -1 when nothing would change or a
   * proposal from an earlier block is still waiting to be announced.
   */
  propose(producers: readonly ProducerAuthority[], blockNum: number): number {
    const prior = this.proposed;
    if (prior && prior.blockNum !== blockNum) return -1;
    if (prior && sameProducers(producers, prior.producers)) return -1;
    const base = this.pending && this.pending.producers.length > 0 ? this.pending : this.active;
    if (sameProducers(producers, base.producers)) return -1;
    const version = base.version + 1;
    this.proposed = { version, producers, blockNum };
    this.undo.record(() => {
      this.proposed = prior;
    });
    return version;
  }

  /** Clears the proposal once a block header announced it. */
  take(): void {
    const p = this.proposed;
    this.proposed = null;
    this.undo.record(() => {
      this.proposed = p;
    });
  }
}
