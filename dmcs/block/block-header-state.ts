/**
 * Leap's legacy (pre-Savanna) block header state, ported from
 * libraries/chain/block_header_state_legacy.cpp: what a node knows after a block that the next
 * block is checked against. It decides who may produce a slot (`(slot mod (N·12)) / 12` of the
 * active schedule), keeps the incremental merkle of all previous block ids, moves a proposed
 * schedule to pending and then to active once the block that proposed it is irreversible, and
 * computes the last irreversible block by the DPoS 2/3+1 confirmation rule. `next` validates a
 * header exactly where Leap does (`next` + `_finish_next`), `sigDigest` is what the producer signs,
 * and `verifySignee` recovers the signer and compares it to the scheduled producer's key.
 *
 * State is immutable: `next` returns a new one, so a refused block leaves nothing behind.
 */
import {
  BlockId,
  BlockTimestamp,
  bytesEqual,
  bytesToHex,
  type GenesisState,
  hexToBytes,
  IncrementalMerkle,
  type IncrementalMerkleJSON,
  keyIdOf,
  legacyBlockSigningDigest,
  Name,
  ProducerKey,
  ProducerSchedule,
  type ProducerScheduleJSON,
  PublicKey,
  type Signature,
} from '../../abi/antelope/index.js';
import { ChainError } from '../chain-error.js';
import { type BlockHeader, decodeHeaderBytes, encodeHeaderBytes, headerDigest } from '../block.js';

/** Leap `config::maximum_tracked_dpos_confirmations`: blocks awaiting 2/3+1 confirmations that are remembered. */
export const MAX_TRACKED_DPOS_CONFIRMATIONS = 1024;

export interface PendingSchedule {
  schedule: ProducerSchedule;
  /** sha256 of the latest proposed schedule; stays after the schedule itself is promoted. */
  scheduleHash: Uint8Array;
  /** The block that proposed it: it becomes active once this block is irreversible. */
  scheduleLibNum: number;
}

interface Fields {
  blockNum: number;
  id: Uint8Array;
  header: BlockHeader;
  blockrootMerkle: IncrementalMerkle;
  activeSchedule: ProducerSchedule;
  pendingSchedule: PendingSchedule;
  dposProposedIrreversibleBlocknum: number;
  dposIrreversibleBlocknum: number;
  confirmCount: readonly number[];
  producerToLastProduced: ReadonlyMap<string, number>;
  producerToLastImpliedIrb: ReadonlyMap<string, number>;
  /** The key that had to sign this block (null for the unsigned genesis block). */
  blockSigningKey: PublicKey | null;
}

export interface BlockHeaderStateJSON {
  block_num: number;
  id: string;
  header: string;
  blockroot_merkle: IncrementalMerkleJSON;
  active_schedule: ProducerScheduleJSON;
  pending_schedule: { schedule: ProducerScheduleJSON; schedule_hash: string; schedule_lib_num: number };
  dpos_proposed_irreversible_blocknum: number;
  dpos_irreversible_blocknum: number;
  confirm_count: number[];
  producer_to_last_produced: Array<[string, number]>;
  producer_to_last_implied_irb: Array<[string, number]>;
  block_signing_key: string | null;
}

const EMPTY_SCHEDULE = (version: number) => new ProducerSchedule(version, []);

export class BlockHeaderState implements Fields {
  readonly blockNum: number;
  readonly id: Uint8Array;
  readonly header: BlockHeader;
  readonly blockrootMerkle: IncrementalMerkle;
  readonly activeSchedule: ProducerSchedule;
  readonly pendingSchedule: PendingSchedule;
  readonly dposProposedIrreversibleBlocknum: number;
  readonly dposIrreversibleBlocknum: number;
  readonly confirmCount: readonly number[];
  readonly producerToLastProduced: ReadonlyMap<string, number>;
  readonly producerToLastImpliedIrb: ReadonlyMap<string, number>;
  readonly blockSigningKey: PublicKey | null;

  private constructor(f: Fields) {
    this.blockNum = f.blockNum;
    this.id = f.id;
    this.header = f.header;
    this.blockrootMerkle = f.blockrootMerkle;
    this.activeSchedule = f.activeSchedule;
    this.pendingSchedule = f.pendingSchedule;
    this.dposProposedIrreversibleBlocknum = f.dposProposedIrreversibleBlocknum;
    this.dposIrreversibleBlocknum = f.dposIrreversibleBlocknum;
    this.confirmCount = f.confirmCount;
    this.producerToLastProduced = f.producerToLastProduced;
    this.producerToLastImpliedIrb = f.producerToLastImpliedIrb;
    this.blockSigningKey = f.blockSigningKey;
  }

  /**
   * Block 1 as Leap makes it (controller `initialize_blockchain_state`): never produced nor signed;
   * its header has the genesis time, no producer, confirmed = 1, and the chain id as action_mroot;
   * the active and pending schedule are `eosio` with the genesis key.
   */
  static genesis(genesis: GenesisState): BlockHeaderState {
    const initial = new ProducerSchedule(0, [new ProducerKey(Name.from('eosio'), genesis.initialKey)]);
    const header: BlockHeader = {
      timestamp: BlockTimestamp.fromMilliseconds(Math.floor(genesis.initialTimestamp.micros / 1000)).slot,
      producer: '',
      confirmed: 1,
      previous: new Uint8Array(32),
      transactionMroot: new Uint8Array(32),
      actionMroot: genesis.chainId(),
      scheduleVersion: 0,
    };
    return new BlockHeaderState({
      blockNum: 1,
      id: BlockId.fromBlockChecksum(headerDigest(header), 1).array,
      header,
      blockrootMerkle: new IncrementalMerkle(),
      activeSchedule: initial,
      pendingSchedule: { schedule: initial, scheduleHash: initial.hash(), scheduleLibNum: 0 },
      dposProposedIrreversibleBlocknum: 0,
      dposIrreversibleBlocknum: 0,
      confirmCount: [],
      producerToLastProduced: new Map(),
      producerToLastImpliedIrb: new Map(),
      blockSigningKey: null,
    });
  }

  /** Leap `get_scheduled_producer`. */
  scheduledProducer(slot: number): ProducerKey {
    return this.activeSchedule.producerOfSlot(slot);
  }

  /** Leap `calc_dpos_last_irreversible`: 2/3 of the producers have implied a block at least this high. */
  private calcDposLastIrreversible(producerOfNextBlock: string): number {
    const nums: number[] = [];
    for (const [name, num] of this.producerToLastImpliedIrb) {
      nums.push(name === producerOfNextBlock ? this.dposProposedIrreversibleBlocknum : num);
    }
    if (nums.length === 0) return 0;
    nums.sort((a, b) => a - b);
    return nums[Math.floor((nums.length - 1) / 3)]!;
  }

  /**
   * The state after block header `h`, which must follow this one: Leap `next(h)` without the
   * signature check (call `verifySignee` with the block's signature). Throws a ChainError naming
   * Leap's exception for a header Leap would refuse.
   */
  next(h: BlockHeader): BlockHeaderState {
    if (!Number.isInteger(h.timestamp) || h.timestamp <= this.header.timestamp) {
      throw new ChainError(
        'block_validate_exception',
        `block ${this.blockNum + 1}: next block must be in the future (slot ${h.timestamp} after ${this.header.timestamp})`,
      );
    }
    if (!bytesEqual(h.previous, this.id)) {
      throw new ChainError(
        'unlinkable_block_exception',
        `block ${this.blockNum + 1}: previous mismatch (names ${bytesToHex(h.previous)}, head is ${bytesToHex(this.id)})`,
      );
    }
    const proauth = this.scheduledProducer(h.timestamp);
    const producer = proauth.producerName.toString();
    if (h.producer !== producer) {
      throw new ChainError(
        'wrong_producer',
        `block ${this.blockNum + 1}: wrong producer specified (${h.producer || '(none)'}; slot ${h.timestamp} belongs to ${producer})`,
      );
    }
    const blockNum = this.blockNum + 1;
    const lastProduced = this.producerToLastProduced.get(producer);
    if (lastProduced !== undefined && !(lastProduced < blockNum - h.confirmed)) {
      throw new ChainError(
        'producer_double_confirm',
        `producer ${producer} double-confirming known range (block ${blockNum} confirms ${h.confirmed}, last produced ${lastProduced})`,
      );
    }
    if (h.scheduleVersion !== this.activeSchedule.version) {
      throw new ChainError(
        'producer_schedule_exception',
        `block ${blockNum}: schedule_version in signed block is corrupted (${h.scheduleVersion}, active is ${this.activeSchedule.version})`,
      );
    }

    const blockrootMerkle = this.blockrootMerkle.clone();
    blockrootMerkle.append(this.id);

    // grow the confirmation counts: this block needs 2/3+1 of the schedule that signs it
    const requiredConfs = Math.floor((this.activeSchedule.producers.length * 2) / 3) + 1;
    let confirmCount =
      this.confirmCount.length < MAX_TRACKED_DPOS_CONFIRMATIONS
        ? [...this.confirmCount, requiredConfs]
        : [...this.confirmCount.slice(1), requiredConfs];
    let dposProposed = this.dposProposedIrreversibleBlocknum;
    let i = confirmCount.length - 1;
    let blocksToConfirm = h.confirmed + 1; // confirm the head block too
    while (i >= 0 && blocksToConfirm) {
      confirmCount[i]!--;
      if (confirmCount[i] === 0) {
        dposProposed = blockNum - (confirmCount.length - 1 - i);
        confirmCount = confirmCount.slice(i + 1);
        break;
      }
      i--;
      blocksToConfirm--;
    }
    const dposIrreversible = this.calcDposLastIrreversible(producer);

    let activeSchedule = this.activeSchedule;
    let lastProducedMap: Map<string, number>;
    let impliedIrbMap: Map<string, number>;
    let wasPendingPromoted = false;
    const prevPending = this.pendingSchedule;
    if (prevPending.schedule.producers.length > 0 && dposIrreversible >= prevPending.scheduleLibNum) {
      activeSchedule = prevPending.schedule;
      lastProducedMap = new Map();
      impliedIrbMap = new Map();
      for (const p of activeSchedule.producers) {
        const name = p.producerName.toString();
        lastProducedMap.set(name, name === producer ? blockNum : (this.producerToLastProduced.get(name) ?? dposIrreversible));
        impliedIrbMap.set(
          name,
          name === producer ? this.dposProposedIrreversibleBlocknum : (this.producerToLastImpliedIrb.get(name) ?? dposIrreversible),
        );
      }
      lastProducedMap.set(producer, blockNum);
      wasPendingPromoted = true;
    } else {
      lastProducedMap = new Map(this.producerToLastProduced);
      lastProducedMap.set(producer, blockNum);
      impliedIrbMap = new Map(this.producerToLastImpliedIrb);
      impliedIrbMap.set(producer, this.dposProposedIrreversibleBlocknum);
    }

    // _finish_next: a proposed schedule in the header becomes pending
    let pendingSchedule: PendingSchedule;
    if (h.newProducers) {
      if (wasPendingPromoted) {
        throw new ChainError(
          'producer_schedule_exception',
          'cannot set pending producer schedule in the same block in which pending was promoted to active',
        );
      }
      if (h.newProducers.version !== activeSchedule.version + 1) {
        throw new ChainError(
          'producer_schedule_exception',
          `wrong producer schedule version specified (${h.newProducers.version}, expected ${activeSchedule.version + 1})`,
        );
      }
      if (prevPending.schedule.producers.length > 0) {
        throw new ChainError('producer_schedule_exception', 'cannot set new pending producers until last pending is confirmed');
      }
      if (h.newProducers.producers.length === 0)
        throw new ChainError('producer_schedule_exception', 'a proposed producer schedule cannot be empty');
      pendingSchedule = { schedule: h.newProducers, scheduleHash: h.newProducers.hash(), scheduleLibNum: blockNum };
    } else {
      pendingSchedule = {
        schedule: wasPendingPromoted ? EMPTY_SCHEDULE(prevPending.schedule.version) : prevPending.schedule,
        scheduleHash: prevPending.scheduleHash,
        scheduleLibNum: prevPending.scheduleLibNum,
      };
    }

    return new BlockHeaderState({
      blockNum,
      id: BlockId.fromBlockChecksum(headerDigest(h), blockNum).array,
      header: h,
      blockrootMerkle,
      activeSchedule,
      pendingSchedule,
      dposProposedIrreversibleBlocknum: dposProposed,
      dposIrreversibleBlocknum: dposIrreversible,
      confirmCount,
      producerToLastProduced: lastProducedMap,
      producerToLastImpliedIrb: impliedIrbMap,
      blockSigningKey: proauth.blockSigningKey,
    });
  }

  /** Leap `sig_digest`: sha256(sha256(header_digest ‖ blockroot_merkle root) ‖ schedule_hash). */
  sigDigest(): Uint8Array {
    return legacyBlockSigningDigest(headerDigest(this.header), this.blockrootMerkle.root(), this.pendingSchedule.scheduleHash);
  }

  /**
   * Leap `verify_signee` for a single-key (legacy) producer: the key recovered from `signature`
   * over `sigDigest()` must be the scheduled producer's. `recoverKeyId` is the node's recovery
   * (native when loaded), returning the key's id string (abi/antelope key-id.ts).
   */
  verifySignee(signature: Signature, recoverKeyId: (sig: Signature, digest: Uint8Array) => string): void {
    if (!this.blockSigningKey) throw new ChainError('wrong_signing_key', `block ${this.blockNum} has no signing key to check`);
    let recovered: string;
    try {
      recovered = recoverKeyId(signature, this.sigDigest());
    } catch (e) {
      throw new ChainError('wrong_signing_key', `block ${this.blockNum}: cannot recover the signing key: ${(e as Error).message}`);
    }
    if (recovered !== keyIdOf(this.blockSigningKey)) {
      throw new ChainError(
        'wrong_signing_key',
        `block ${this.blockNum} signed by unexpected key (producer ${this.header.producer} signs with ${this.blockSigningKey.toString()})`,
      );
    }
  }

  /** Leap's `dpos_irreversible_blocknum`: the last irreversible block as of this block. */
  get lastIrreversibleBlockNum(): number {
    return this.dposIrreversibleBlocknum;
  }

  toJSON(): BlockHeaderStateJSON {
    return {
      block_num: this.blockNum,
      id: bytesToHex(this.id),
      header: bytesToHex(encodeHeaderBytes(this.header)),
      blockroot_merkle: this.blockrootMerkle.toJSON(),
      active_schedule: this.activeSchedule.toJSON(),
      pending_schedule: {
        schedule: this.pendingSchedule.schedule.toJSON(),
        schedule_hash: bytesToHex(this.pendingSchedule.scheduleHash),
        schedule_lib_num: this.pendingSchedule.scheduleLibNum,
      },
      dpos_proposed_irreversible_blocknum: this.dposProposedIrreversibleBlocknum,
      dpos_irreversible_blocknum: this.dposIrreversibleBlocknum,
      confirm_count: [...this.confirmCount],
      producer_to_last_produced: [...this.producerToLastProduced],
      producer_to_last_implied_irb: [...this.producerToLastImpliedIrb],
      block_signing_key: this.blockSigningKey?.toString() ?? null,
    };
  }

  /** From a snapshot; the caller checks `id` against its block log before trusting the rest. */
  static fromJSON(j: BlockHeaderStateJSON): BlockHeaderState {
    const header = decodeHeaderBytes(hexToBytes(j.header, 'block header state header'));
    const id = BlockId.fromBlockChecksum(headerDigest(header), j.block_num).array;
    if (bytesToHex(id) !== j.id) throw new ChainError('block_validate_exception', `block header state: header does not hash to id ${j.id}`);
    return new BlockHeaderState({
      blockNum: j.block_num,
      id,
      header,
      blockrootMerkle: IncrementalMerkle.from(j.blockroot_merkle),
      activeSchedule: ProducerSchedule.from(j.active_schedule),
      pendingSchedule: {
        schedule: ProducerSchedule.from(j.pending_schedule.schedule),
        scheduleHash: hexToBytes(j.pending_schedule.schedule_hash, 'schedule_hash'),
        scheduleLibNum: j.pending_schedule.schedule_lib_num,
      },
      dposProposedIrreversibleBlocknum: j.dpos_proposed_irreversible_blocknum,
      dposIrreversibleBlocknum: j.dpos_irreversible_blocknum,
      confirmCount: j.confirm_count.slice(),
      producerToLastProduced: new Map(j.producer_to_last_produced),
      producerToLastImpliedIrb: new Map(j.producer_to_last_implied_irb),
      blockSigningKey: j.block_signing_key === null ? null : PublicKey.from(j.block_signing_key),
    });
  }
}
