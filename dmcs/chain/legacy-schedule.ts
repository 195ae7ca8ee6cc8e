/**
 * The two forms of a producer schedule: the state's (Leap's `producer_authority_schedule`, what
 * `set_proposed_producers[_ex]` proposes and eosio.prods follows) and the block header's legacy
 * `producer_schedule_type` (one key per producer), which is what this node's blocks announce and
 * sign under. A block_signing_authority is expressible in the legacy form only when one key
 * satisfies it alone.
 */
import { Name, ProducerKey, ProducerSchedule, publicKeyOfId } from '../../abi/antelope/index.js';
import { singleKeyAuthority, type Authority } from '../authority.js';
import type { Schedule } from '../state/producer-schedule.js';

/** The one key that satisfies `a` alone, or undefined when it takes several. */
export function soleSigningKey(a: Authority): string | undefined {
  if (a.keys.length !== 1 || a.accounts.length > 0 || a.waits.length > 0) return undefined;
  const k = a.keys[0]!;
  return k.weight >= a.threshold ? k.key : undefined;
}

export function toLegacySchedule(s: Schedule): ProducerSchedule {
  return new ProducerSchedule(
    s.version,
    s.producers.map((p) => {
      const key = soleSigningKey(p.authority);
      if (key === undefined) throw new Error(`producer ${p.producerName}: block signing authority has more than one key`);
      return new ProducerKey(Name.from(p.producerName), publicKeyOfId(key));
    }),
  );
}

export function fromLegacySchedule(s: ProducerSchedule): Schedule {
  return {
    version: s.version,
    producers: s.producers.map((p) => ({ producerName: p.producerName.toString(), authority: singleKeyAuthority(p.blockSigningKey) })),
  };
}
