/**
 * Antelope's legacy producer schedule (`legacy::producer_schedule_type`, Leap
 * libraries/chain/include/eosio/chain/producer_schedule.hpp): a version and the producers in slot
 * order, each a name and one block signing key. It is the `new_producers` field of a block header
 * before WTMsig block signatures, and its sha256 (`schedule_hash`) is part of every legacy block
 * signature digest. Binary form: uint32 version, vector<{name, public_key}>.
 */
import { AntelopeError, describe } from './error.js';
import { Name, type NameType } from './name.js';
import { PublicKey, type PublicKeyType } from './public-key.js';
import { sha256 } from './hash.js';
import { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';

/** Leap `config::max_producers`. */
export const MAX_PRODUCERS = 125;
/** Leap `config::producer_repetitions`: consecutive blocks each producer makes in its turn. */
export const PRODUCER_REPETITIONS = 12;

export interface ProducerKeyJSON {
  producer_name: string;
  block_signing_key: string;
}

export interface ProducerScheduleJSON {
  version: number;
  producers: ProducerKeyJSON[];
}

export interface ProducerKeyType {
  producer_name: NameType;
  block_signing_key: PublicKeyType;
}

export type ProducerScheduleType = ProducerSchedule | { version: number; producers: ProducerKeyType[] };

export class ProducerKey {
  constructor(
    readonly producerName: Name,
    readonly blockSigningKey: PublicKey,
  ) {}
  static from(v: ProducerKeyType | ProducerKey): ProducerKey {
    if (v instanceof ProducerKey) return v;
    return new ProducerKey(Name.from(v.producer_name), PublicKey.from(v.block_signing_key));
  }
  toJSON(): ProducerKeyJSON {
    return { producer_name: this.producerName.toString(), block_signing_key: this.blockSigningKey.toString() };
  }
}

export class ProducerSchedule {
  readonly version: number;
  readonly producers: readonly ProducerKey[];

  constructor(version: number, producers: readonly ProducerKey[]) {
    if (!Number.isInteger(version) || version < 0 || version > 0xffffffff) {
      throw new AntelopeError('INVALID_VALUE', `producer_schedule: expected version 0..4294967295, got ${describe(version)}`);
    }
    if (producers.length > MAX_PRODUCERS) {
      throw new AntelopeError('INVALID_VALUE', `producer_schedule: ${producers.length} producers (at most ${MAX_PRODUCERS})`);
    }
    this.version = version;
    this.producers = producers;
  }

  static from(v: ProducerScheduleType): ProducerSchedule {
    if (v instanceof ProducerSchedule) return v;
    if (!v || !Array.isArray(v.producers))
      throw new AntelopeError('INVALID_VALUE', `producer_schedule: expected {version, producers}, got ${describe(v)}`);
    return new ProducerSchedule(v.version, v.producers.map(ProducerKey.from));
  }

  static decode(r: BinaryReader): ProducerSchedule {
    const version = r.u32();
    const n = r.varuint32();
    if (n > MAX_PRODUCERS) throw new AntelopeError('DECODE_INVALID', `producer_schedule: ${n} producers (at most ${MAX_PRODUCERS})`);
    const producers: ProducerKey[] = [];
    for (let i = 0; i < n; i++) producers.push(new ProducerKey(Name.decode(r), PublicKey.decode(r)));
    return new ProducerSchedule(version, producers);
  }

  encode(w: BinaryWriter): void {
    w.u32(this.version);
    w.varuint32(this.producers.length);
    for (const p of this.producers) {
      p.producerName.encode(w);
      p.blockSigningKey.encode(w);
    }
  }

  /** Leap `digest_type::hash(schedule)`: the `schedule_hash` a legacy block signature commits to. */
  hash(): Uint8Array {
    const w = new BinaryWriter(64 + this.producers.length * 42);
    this.encode(w);
    return sha256(w.peek());
  }

  /** Leap `get_scheduled_producer`: who produces block time `slot`. */
  producerOfSlot(slot: number): ProducerKey {
    if (this.producers.length === 0) throw new AntelopeError('INVALID_VALUE', 'producer_schedule: no producers');
    return this.producers[Math.floor((slot % (this.producers.length * PRODUCER_REPETITIONS)) / PRODUCER_REPETITIONS)]!;
  }

  /** The producer named `name`, if scheduled. */
  find(name: string): ProducerKey | undefined {
    return this.producers.find((p) => p.producerName.toString() === name);
  }

  equals(other: ProducerScheduleType): boolean {
    const o = ProducerSchedule.from(other);
    return (
      o.version === this.version &&
      o.producers.length === this.producers.length &&
      o.producers.every(
        (p, i) => p.producerName.equals(this.producers[i]!.producerName) && p.blockSigningKey.equals(this.producers[i]!.blockSigningKey),
      )
    );
  }

  toJSON(): ProducerScheduleJSON {
    return { version: this.version, producers: this.producers.map((p) => p.toJSON()) };
  }
}
