/**
 * get_block_header_state's reply in Leap 5's shape: `block_header_state_legacy` as fc reflects it
 * (libraries/chain/include/eosio/chain/block_header_state_legacy.hpp): the common fields, then
 * `id`, `header`, `pending_schedule`, `activated_protocol_features`, `additional_signatures`.
 * Schedules are producer authority schedules (`[0, {threshold, keys}]`, as get_producer_schedule),
 * the header's `new_producers` the legacy one (producer_name, block_signing_key).
 */
import { bytesToHex, type ProducerSchedule, type PublicKey } from '../../abi/antelope/index.js';
import type { HeadBlock } from '../chain/chain.js';
import { slotToMs } from '../chain/chain.js';
import { BUILTIN_PROTOCOL_FEATURES } from '../chain/protocol-features.js';
import { isoMs } from './chain-json.js';

const keyAuthority = (key: PublicKey) => [0, { threshold: 1, keys: [{ key: key.toString(), weight: 1 }] }];

function authoritySchedule(s: ProducerSchedule): unknown {
  return {
    version: s.version,
    producers: s.producers.map((p) => ({ producer_name: p.producerName.toString(), authority: keyAuthority(p.blockSigningKey) })),
  };
}

function legacySchedule(s: ProducerSchedule): unknown {
  return {
    version: s.version,
    producers: s.producers.map((p) => ({ producer_name: p.producerName.toString(), block_signing_key: p.blockSigningKey.toString() })),
  };
}

export function blockHeaderStateJson(head: HeadBlock): unknown {
  const s = head.state;
  const h = s.header;
  return {
    block_num: s.blockNum,
    dpos_proposed_irreversible_blocknum: s.dposProposedIrreversibleBlocknum,
    dpos_irreversible_blocknum: s.dposIrreversibleBlocknum,
    active_schedule: authoritySchedule(s.activeSchedule),
    blockroot_merkle: s.blockrootMerkle.toJSON(),
    producer_to_last_produced: [...s.producerToLastProduced],
    producer_to_last_implied_irb: [...s.producerToLastImpliedIrb],
    // the genesis block was never signed: Leap reports the genesis key's authority for it too
    valid_block_signing_authority: keyAuthority(s.blockSigningKey ?? s.activeSchedule.producers[0]!.blockSigningKey),
    confirm_count: [...s.confirmCount],
    id: bytesToHex(s.id),
    header: {
      timestamp: isoMs(slotToMs(h.timestamp)),
      producer: h.producer,
      confirmed: h.confirmed,
      previous: bytesToHex(h.previous),
      transaction_mroot: bytesToHex(h.transactionMroot),
      action_mroot: bytesToHex(h.actionMroot),
      schedule_version: h.scheduleVersion,
      new_producers: h.newProducers ? legacySchedule(h.newProducers) : null,
      header_extensions: (h.headerExtensions ?? []).map((e) => [e.type, bytesToHex(e.data)]),
    },
    pending_schedule: {
      schedule_lib_num: s.pendingSchedule.scheduleLibNum,
      schedule_hash: bytesToHex(s.pendingSchedule.scheduleHash),
      schedule: authoritySchedule(s.pendingSchedule.schedule),
    },
    activated_protocol_features: { protocol_features: Object.values(BUILTIN_PROTOCOL_FEATURES).map((f) => f.digest) },
    additional_signatures: [],
  };
}
