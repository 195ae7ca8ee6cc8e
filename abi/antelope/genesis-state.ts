/**
 * Antelope's `genesis_state` (Leap libraries/chain/genesis_state.{hpp,cpp}): the initial block time,
 * the key that controls `eosio` and produces the first blocks, and the initial `chain_config_v0`.
 * The chain id is sha256 of its binary form, in FC_REFLECT order: time_point initial_timestamp,
 * public_key initial_key, chain_config_v0 initial_configuration. A Leap node given the same
 * genesis.json computes the same chain id.
 */
import { AntelopeError, describe } from './error.js';
import { TimePoint } from './time-point.js';
import { PublicKey } from './public-key.js';
import { BinaryWriter } from './binary-writer.js';
import { sha256 } from './hash.js';

/** Leap `chain_config_v0`, fields in FC_REFLECT order (all uint32 but the first, u64, and the last two, u16). */
export interface ChainConfigV0 {
  max_block_net_usage: number;
  target_block_net_usage_pct: number;
  max_transaction_net_usage: number;
  base_per_transaction_net_usage: number;
  net_usage_leeway: number;
  context_free_discount_net_usage_num: number;
  context_free_discount_net_usage_den: number;
  max_block_cpu_usage: number;
  target_block_cpu_usage_pct: number;
  max_transaction_cpu_usage: number;
  min_transaction_cpu_usage: number;
  max_transaction_lifetime: number;
  deferred_trx_expiration_window: number;
  max_transaction_delay: number;
  max_inline_action_size: number;
  max_inline_action_depth: number;
  max_authority_depth: number;
}

/** Leap's defaults (libraries/chain/include/eosio/chain/config.hpp), which `genesis_state()` uses. */
export const DEFAULT_CHAIN_CONFIG: Readonly<ChainConfigV0> = Object.freeze({
  max_block_net_usage: 1024 * 1024,
  target_block_net_usage_pct: 1000, // 10 %
  max_transaction_net_usage: 512 * 1024,
  base_per_transaction_net_usage: 12,
  net_usage_leeway: 500,
  context_free_discount_net_usage_num: 20,
  context_free_discount_net_usage_den: 100,
  max_block_cpu_usage: 200_000,
  target_block_cpu_usage_pct: 1000,
  max_transaction_cpu_usage: 150_000, // 3/4 of a block
  min_transaction_cpu_usage: 100,
  max_transaction_lifetime: 3600,
  deferred_trx_expiration_window: 600,
  max_transaction_delay: 45 * 24 * 3600,
  max_inline_action_size: 512 * 1024,
  max_inline_action_depth: 4,
  max_authority_depth: 6,
});

/** Leap `config::min_net_usage_delta_between_base_and_max_for_trx`. */
const MIN_NET_USAGE_DELTA_BETWEEN_BASE_AND_MAX_FOR_TRX = 10 * 1024;
/** Leap `config::percent_100` (percentages are in hundredths of a percent). */
const PERCENT_100 = 10_000;

/**
 * Leap's `chain_config_v0::validate` (libraries/chain/chain_config.cpp): a configuration whose limits
 * contradict each other is refused (`INVALID_VALUE`, Leap's message). A block that holds no
 * transaction, a transaction allowed more CPU than a block, or a minimum above the maximum would
 * otherwise make a chain that takes no transaction or runs one for as long as its genesis says.
 */
export function validateChainConfig(c: Readonly<ChainConfigV0>): void {
  const rules: Array<[boolean, string]> = [
    [c.target_block_net_usage_pct <= PERCENT_100, 'target block net usage percentage cannot exceed 100%'],
    [c.target_block_net_usage_pct >= PERCENT_100 / 1000, 'target block net usage percentage must be at least 0.1%'],
    [c.target_block_cpu_usage_pct <= PERCENT_100, 'target block cpu usage percentage cannot exceed 100%'],
    [c.target_block_cpu_usage_pct >= PERCENT_100 / 1000, 'target block cpu usage percentage must be at least 0.1%'],
    [c.max_transaction_net_usage < c.max_block_net_usage, 'max transaction net usage must be less than max block net usage'],
    [c.max_transaction_cpu_usage < c.max_block_cpu_usage, 'max transaction cpu usage must be less than max block cpu usage'],
    [
      c.base_per_transaction_net_usage < c.max_transaction_net_usage,
      'base net usage per transaction must be less than the max transaction net usage',
    ],
    [
      c.max_transaction_net_usage - c.base_per_transaction_net_usage >= MIN_NET_USAGE_DELTA_BETWEEN_BASE_AND_MAX_FOR_TRX,
      `max transaction net usage must be at least ${MIN_NET_USAGE_DELTA_BETWEEN_BASE_AND_MAX_FOR_TRX} bytes larger than base net usage per transaction`,
    ],
    [c.context_free_discount_net_usage_den > 0, 'net usage discount ratio for context free data cannot have a 0 denominator'],
    [
      c.context_free_discount_net_usage_num <= c.context_free_discount_net_usage_den,
      'net usage discount ratio for context free data cannot exceed 1',
    ],
    [c.min_transaction_cpu_usage <= c.max_transaction_cpu_usage, 'min transaction cpu usage cannot exceed max transaction cpu usage'],
    [
      c.max_transaction_cpu_usage < c.max_block_cpu_usage - c.min_transaction_cpu_usage,
      'max transaction cpu usage must be less than the difference between the max block cpu usage and the min transaction cpu usage',
    ],
    [c.max_authority_depth >= 1, 'max authority depth should be at least 1'],
  ];
  for (const [ok, message] of rules) if (!ok) throw new AntelopeError('INVALID_VALUE', `genesis initial_configuration: ${message}`);
}

const U16_FIELDS = new Set<keyof ChainConfigV0>(['max_inline_action_depth', 'max_authority_depth']);
const CONFIG_FIELDS = Object.keys(DEFAULT_CHAIN_CONFIG) as Array<keyof ChainConfigV0>;

/**
 * A genesis file's `initial_configuration` over Leap's defaults: each field given must be a whole
 * number its width holds (it is packed into the chain id), other keys are ignored as Leap's reader
 * ignores them.
 */
function chainConfigOf(given: unknown): ChainConfigV0 {
  const config = { ...DEFAULT_CHAIN_CONFIG };
  if (given === undefined) return config;
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new AntelopeError('INVALID_VALUE', `genesis: initial_configuration must be an object, got ${describe(given)}`);
  for (const f of CONFIG_FIELDS) {
    if (!Object.hasOwn(given, f)) continue;
    const v = (given as Record<string, unknown>)[f];
    const max = f === 'max_block_net_usage' ? Number.MAX_SAFE_INTEGER : U16_FIELDS.has(f) ? 0xffff : 0xffffffff;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
      throw new AntelopeError(
        'INVALID_VALUE',
        `genesis: initial_configuration.${f} must be a whole number from 0 to ${max}, got ${describe(v)}`,
      );
    config[f] = v;
  }
  return config;
}

/** genesis.json as Leap reads it. */
export interface GenesisStateJSON {
  initial_timestamp: string;
  initial_key: string;
  initial_configuration?: Partial<ChainConfigV0>;
}

export class GenesisState {
  readonly initialTimestamp: TimePoint;
  readonly initialKey: PublicKey;
  readonly initialConfiguration: Readonly<ChainConfigV0>;

  constructor(initialTimestamp: TimePoint, initialKey: PublicKey, initialConfiguration: ChainConfigV0 = DEFAULT_CHAIN_CONFIG) {
    for (const f of CONFIG_FIELDS) {
      const v = initialConfiguration[f];
      const max = f === 'max_block_net_usage' ? Number.MAX_SAFE_INTEGER : U16_FIELDS.has(f) ? 0xffff : 0xffffffff;
      if (!Number.isInteger(v) || v < 0 || v > max) {
        throw new AntelopeError('INVALID_VALUE', `genesis initial_configuration.${f}: expected an integer 0..${max}, got ${describe(v)}`);
      }
    }
    this.initialTimestamp = initialTimestamp;
    this.initialKey = initialKey;
    this.initialConfiguration = Object.freeze({ ...initialConfiguration });
  }

  /** Missing configuration fields take Leap's defaults, as Leap's JSON reader of a default-constructed genesis does. */
  static from(json: GenesisStateJSON | GenesisState): GenesisState {
    if (json instanceof GenesisState) return json;
    if (!json || typeof json !== 'object' || Array.isArray(json))
      throw new AntelopeError('INVALID_VALUE', `genesis: expected an object, got ${describe(json)}`);
    for (const f of ['initial_timestamp', 'initial_key'] as const) {
      if (typeof json[f] !== 'string') throw new AntelopeError('INVALID_VALUE', `genesis: ${f} must be text, got ${describe(json[f])}`);
    }
    return new GenesisState(
      TimePoint.from(json.initial_timestamp),
      PublicKey.from(json.initial_key),
      chainConfigOf(json.initial_configuration),
    );
  }

  encode(w: BinaryWriter): void {
    this.initialTimestamp.encode(w);
    this.initialKey.encode(w);
    const c = this.initialConfiguration;
    w.u64(BigInt(c.max_block_net_usage));
    for (const f of CONFIG_FIELDS.slice(1)) {
      if (U16_FIELDS.has(f)) w.u16(c[f]);
      else w.u32(c[f]);
    }
  }

  /** Leap `genesis_state::compute_chain_id`. */
  chainId(): Uint8Array {
    const w = new BinaryWriter(256);
    this.encode(w);
    return sha256(w.peek());
  }

  toJSON(): Required<GenesisStateJSON> {
    return {
      initial_timestamp: this.initialTimestamp.toString(),
      initial_key: this.initialKey.toString(),
      initial_configuration: { ...this.initialConfiguration },
    };
  }
}
