/**
 * Read-only chain API endpoints about the protocol rather than accounts or blocks, in Leap's shapes
 * (chain_plugin `read_only`): get_activated_protocol_features, get_producers (Leap's answer
 * without a system contract: the active schedule), get_producer_schedule,
 * get_scheduled_transactions (always empty: deferred transactions are disabled, as in Leap 5) and
 * get_consensus_parameters (the node's fixed chain and wasm configuration).
 */
import { keyIdToString } from '../authority.js';
import type { Chain } from '../chain/chain.js';
import { BUILTIN_PROTOCOL_FEATURES } from '../chain/protocol-features.js';
import { ChainError } from '../chain-error.js';
import type { ProducerAuthority, Schedule } from '../state/producer-schedule.js';
import { MAX_INLINE_ACTION_BYTES, MAX_ACTION_RETURN_VALUE_BYTES } from '../vm/contract-host.js';
import { MAX_CALL_DEPTH, MAX_MEMORY_PAGES, MAX_TABLE_ELEMENTS, MAX_GLOBALS, MAX_CODE_BYTES } from '../vm/contract-limits.js';
import { MAX_INLINE_ACTION_DEPTH } from '../chain/transaction-executor.js';
import { MAX_TRANSACTION_DELAY_SEC } from '../chain/native-actions.js';
import type { Body } from './request-body.js';

/** Leap's default and cap for list endpoints' `limit`. */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 1000;

function limitOf(b: Body): number {
  const v = b.limit === undefined ? DEFAULT_LIMIT : Number(b.limit);
  if (!Number.isInteger(v) || v < 0)
    throw new ChainError('invalid_http_request', `limit: expected a non-negative integer, got ${JSON.stringify(b.limit)}`);
  return Math.min(v, MAX_LIMIT);
}

/** A producer authority in Leap's JSON: `[0, {threshold, keys}]` (variant index, block_signing_authority_v0). */
function authorityJson(p: ProducerAuthority): unknown {
  return [0, { threshold: p.authority.threshold, keys: p.authority.keys.map((k) => ({ key: keyIdToString(k.key), weight: k.weight })) }];
}

function scheduleJson(s: Schedule): unknown {
  return { version: s.version, producers: s.producers.map((p) => ({ producer_name: p.producerName, authority: authorityJson(p) })) };
}

export class ProtocolReads {
  constructor(private readonly chain: Chain) {}

  /** Leap's get_activated_protocol_features: by activation ordinal (or block number), `more` = the next ordinal. */
  getActivatedProtocolFeatures(b: Body): unknown {
    const all = Object.entries(BUILTIN_PROTOCOL_FEATURES).map(([codename, f], ordinal) => ({
      feature_digest: f.digest,
      activation_ordinal: ordinal,
      activation_block_num: 1,
      description_digest: f.description,
      dependencies: f.dependencies.map((d) => BUILTIN_PROTOCOL_FEATURES[d]!.digest),
      protocol_feature_type: 'builtin',
      specification: [{ name: 'builtin_feature_codename', value: codename }],
    }));
    const byBlock = b.search_by_block_num === true;
    const key = (f: (typeof all)[number]) => (byBlock ? f.activation_block_num : f.activation_ordinal);
    const lower = b.lower_bound === undefined ? 0 : Number(b.lower_bound);
    const upper = b.upper_bound === undefined ? Number.MAX_SAFE_INTEGER : Number(b.upper_bound);
    let rows = all.filter((f) => key(f) >= lower && key(f) <= upper);
    if (b.reverse === true) rows = rows.reverse();
    const limit = limitOf(b);
    const page = rows.slice(0, limit);
    const next = rows[limit];
    return { activated_protocol_features: page, ...(next ? { more: next.activation_ordinal } : {}) };
  }

  /** Leap's get_producers without a system contract's `producers` table: the active schedule. */
  getProducers(b: Body): unknown {
    const lower = typeof b.lower_bound === 'string' ? b.lower_bound : '';
    const all = this.chain.state.producers.active.producers.filter((p) => p.producerName >= lower);
    const limit = limitOf(b);
    const rows = all.slice(0, limit).map((p) => {
      const k = p.authority.keys;
      return {
        owner: p.producerName,
        producer_authority: authorityJson(p),
        url: '',
        total_votes: 0,
        ...(k.length === 1 && k[0]!.weight === p.authority.threshold ? { producer_key: keyIdToString(k[0]!.key) } : {}),
      };
    });
    return { rows, total_producer_vote_weight: '0.00000000000000000', more: all[limit]?.producerName ?? '' };
  }

  /** Leap's get_producer_schedule: active, pending (announced in a header, not yet active) and proposed. */
  getProducerSchedule(): unknown {
    const s = this.chain.state.producers;
    return {
      active: scheduleJson(s.active),
      pending: s.pending ? scheduleJson(s.pending) : null,
      proposed: s.proposed ? scheduleJson(s.proposed) : null,
    };
  }

  /** Leap's get_scheduled_transactions: deferred transactions are disabled, so there are none. */
  getScheduledTransactions(): unknown {
    return { transactions: [], more: '' };
  }

  /** Leap's get_consensus_parameters: `chain_config` and `wasm_config` as this node enforces them. */
  getConsensusParameters(): unknown {
    return {
      chain_config: {
        max_block_net_usage: 1048576,
        target_block_net_usage_pct: 1000,
        max_transaction_net_usage: 524288,
        base_per_transaction_net_usage: 12,
        net_usage_leeway: 500,
        context_free_discount_net_usage_num: 20,
        context_free_discount_net_usage_den: 100,
        max_block_cpu_usage: 200000,
        target_block_cpu_usage_pct: 1000,
        max_transaction_cpu_usage: 150000,
        min_transaction_cpu_usage: 100,
        max_transaction_lifetime: 3600,
        deferred_trx_expiration_window: 600,
        max_transaction_delay: MAX_TRANSACTION_DELAY_SEC,
        max_inline_action_size: MAX_INLINE_ACTION_BYTES,
        max_inline_action_depth: MAX_INLINE_ACTION_DEPTH,
        max_authority_depth: 6,
        max_action_return_value_size: MAX_ACTION_RETURN_VALUE_BYTES,
      },
      wasm_config: {
        max_mutable_global_bytes: MAX_GLOBALS * 8,
        max_table_elements: MAX_TABLE_ELEMENTS,
        max_section_elements: 8192,
        max_linear_memory_init: 64 * 1024,
        max_func_local_bytes: 8192,
        max_nested_structures: 1024,
        max_symbol_bytes: 8192,
        max_module_bytes: MAX_CODE_BYTES,
        max_code_bytes: MAX_CODE_BYTES,
        max_pages: MAX_MEMORY_PAGES,
        max_call_depth: MAX_CALL_DEPTH,
      },
    };
  }
}
