/**
 * Genesis: the initial block time, the key that controls `eosio` (and signs blocks) and the initial
 * chain configuration, in Leap's genesis.json form. Stored as `<data>/genesis.json` on first start;
 * the chain id is Leap's (sha256 of the packed `genesis_state`, abi/antelope/genesis-state.ts), so a
 * Leap node started with the same file has the same chain id. Missing configuration fields take
 * Leap's defaults. `--dev` uses the well-known EOSIO development key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PrivateKey,
  PublicKey,
  bytesToHex,
  BlockTimestamp,
  GenesisState,
  TimePoint,
  DEFAULT_CHAIN_CONFIG,
  validateChainConfig,
  type ChainConfigV0,
} from '../../abi/antelope/index.js';
import { writeFileAtomic } from '../../lib/atomic-file.js';

import { DEV_PRIVATE_KEY, DEV_PUBLIC_KEY } from './dev-keys.js';

export { DEV_PRIVATE_KEY, DEV_PUBLIC_KEY };

export interface Genesis {
  /** ISO time of block 1, on a 500 ms slot (Leap's form has no zone suffix; a trailing Z is accepted). */
  initial_timestamp: string;
  /** Public key that controls `eosio` and produces blocks (`PUB_K1_…` or `EOS…`). */
  initial_key: string;
  /** Leap's chain_config_v0; missing fields take Leap's defaults. */
  initial_configuration?: Partial<ChainConfigV0>;
}

/** Leap `genesis_state::compute_chain_id`. */
export function chainIdOf(g: Genesis): Uint8Array {
  return GenesisState.from(g).chainId();
}

export function newGenesis(key: PublicKey, now = Date.now()): Genesis {
  const ts = BlockTimestamp.fromMilliseconds(now);
  return {
    initial_timestamp: TimePoint.fromMilliseconds(ts.toMilliseconds()).toString(),
    initial_key: key.toString(),
    initial_configuration: { ...DEFAULT_CHAIN_CONFIG },
  };
}

export interface GenesisSetup {
  genesis: Genesis;
  /** The genesis key (`eosio`'s signing key); null on a node that joined the chain without it. */
  producerKey: PrivateKey | null;
  chainIdHex: string;
}

/**
 * A genesis from elsewhere (a file to join, the node a replica follows) as this node keeps it:
 * `initial_timestamp` and `initial_key` as text, the configuration's fields as whole numbers of
 * their widths (GenesisState.from) whose limits agree with each other (Leap's chain_config
 * validate), and nothing else of the sender's (an unknown key is not written to
 * `<data>/genesis.json`). Throws what GenesisState.from and validateChainConfig throw.
 */
export function parseGenesis(value: unknown): Genesis {
  const g = value as Genesis;
  const state = GenesisState.from(g);
  validateChainConfig(state.initialConfiguration);
  return {
    initial_timestamp: g.initial_timestamp,
    initial_key: g.initial_key,
    ...(g.initial_configuration !== undefined ? { initial_configuration: { ...state.initialConfiguration } } : {}),
  };
}

/** `<data>/genesis.json` as this node saved it: it must parse and give a chain id (the error names the file). */
function readSavedGenesis(path: string): Genesis {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
    GenesisState.from(value as Genesis);
  } catch (e) {
    throw new Error(`${path}: not a genesis.json (${(e as Error).message})`);
  }
  return value as Genesis;
}

/** Reads a genesis.json (a chain to join): it must parse and give a chain id. */
export function readGenesisFile(path: string): Genesis {
  try {
    return parseGenesis(JSON.parse(readFileSync(path, 'utf8')));
  } catch (e) {
    throw new Error(`${path}: not a genesis.json (${(e as Error).message})`);
  }
}

/**
 * Loads or creates the genesis of `dataDir`. In dev mode the producer key is the dev key. With
 * `join` (a genesis.json of an existing chain) the node joins that chain: the file is saved as
 * `<data>/genesis.json` and no genesis key is needed (blocks are validated with the public key; the
 * node produces only its `--producer` slots). A data folder holding a genesis.json but no
 * producer.key is such a joined node on later starts too. Otherwise a fresh key is generated on first
 * start and kept in `<data>/producer.key` (mode 600), and a new chain begins.
 */
export async function loadGenesis(dataDir: string, dev: boolean, join_?: Genesis): Promise<GenesisSetup> {
  const gPath = join(dataDir, 'genesis.json');
  const kPath = join(dataDir, 'producer.key');
  const have = existsSync(gPath) ? readSavedGenesis(gPath) : null;
  if (join_) {
    if (dev) throw new Error('--dev makes a chain of its own; a node joining a chain takes its genesis.json');
    const id = bytesToHex(chainIdOf(join_));
    if (have && bytesToHex(chainIdOf(have)) !== id)
      throw new Error(`${gPath} belongs to chain ${bytesToHex(chainIdOf(have))}, not to the joined chain ${id}`);
    if (!have) await writeFileAtomic(gPath, `${JSON.stringify(join_, null, 2)}\n`, 0o644);
  }
  let producerKey: PrivateKey | null;
  if (dev) producerKey = PrivateKey.from(DEV_PRIVATE_KEY);
  else if (existsSync(kPath)) producerKey = PrivateKey.from(readFileSync(kPath, 'utf8').trim());
  else if (join_ || (have && !PublicKey.from(have.initial_key).equals(PublicKey.from(DEV_PUBLIC_KEY)))) producerKey = null;
  else if (have)
    throw new Error(
      `${gPath} names the development key and the folder holds no producer.key: start it with --dev (its own dev chain) or with --genesis FILE (a node that joined that chain)`,
    );
  else {
    producerKey = PrivateKey.generate();
    await writeFileAtomic(kPath, `${producerKey.toString()}\n`, 0o600);
  }
  let genesis: Genesis;
  if (join_) genesis = have ?? join_;
  else if (have) genesis = have;
  else {
    genesis = newGenesis(producerKey!.toPublic());
    await writeFileAtomic(gPath, `${JSON.stringify(genesis, null, 2)}\n`, 0o644);
  }
  if (producerKey && !PublicKey.from(genesis.initial_key).equals(producerKey.toPublic())) {
    throw new Error(
      `${gPath} names initial key ${genesis.initial_key}, but the producer key is ${producerKey.toPublic()}` +
        (dev ? ' (this data directory was not created with --dev)' : ' (this data directory was created with --dev; start it with --dev)'),
    );
  }
  return { genesis, producerKey, chainIdHex: bytesToHex(chainIdOf(genesis)) };
}

/**
 * A replica's genesis: the producing node's, saved as `<data>/genesis.json`; a data directory that
 * already holds another chain's genesis is refused.
 */
export async function saveReplicaGenesis(dataDir: string, genesis: Genesis): Promise<string> {
  const gPath = join(dataDir, 'genesis.json');
  if (existsSync(gPath)) {
    const have = readSavedGenesis(gPath);
    if (bytesToHex(chainIdOf(have)) !== bytesToHex(chainIdOf(genesis))) {
      throw new Error(
        `${gPath} belongs to chain ${bytesToHex(chainIdOf(have))}, not to the followed chain ${bytesToHex(chainIdOf(genesis))}`,
      );
    }
  } else {
    await writeFileAtomic(gPath, `${JSON.stringify(genesis, null, 2)}\n`, 0o644);
  }
  return bytesToHex(chainIdOf(genesis));
}
