/**
 * Genesis: the initial block time and the key that controls `eosio` (and signs blocks). Stored as
 * `<data>/genesis.json` on first start; the chain id is sha256 over its canonical text, so two
 * nodes with the same genesis file share a chain id and a different key or time gives another chain.
 * `--dev` uses the well-known EOSIO development key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrivateKey, PublicKey, sha256, bytesToHex, BlockTimestamp } from '../../abi/antelope/index.js';
import { writeFileAtomic } from '../../lib/atomic-file.js';

/** The EOSIO development key pair (public in every EOSIO/Antelope tutorial; never use it for value). */
export const DEV_PUBLIC_KEY = 'EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV';
export const DEV_PRIVATE_KEY = '5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3';

export interface Genesis {
  /** ISO time of block 1, on a 500 ms slot. */
  initial_timestamp: string;
  /** Public key that controls `eosio` and produces blocks (`PUB_K1_…`). */
  initial_key: string;
}

export function chainIdOf(g: Genesis): Uint8Array {
  return sha256(new TextEncoder().encode(`peeros-dmcs genesis v1\n${g.initial_timestamp}\n${PublicKey.from(g.initial_key).toString()}\n`));
}

export function newGenesis(key: PublicKey, now = Date.now()): Genesis {
  const ts = BlockTimestamp.fromMilliseconds(now);
  return { initial_timestamp: new Date(ts.toMilliseconds()).toISOString(), initial_key: key.toString() };
}

export interface GenesisSetup {
  genesis: Genesis;
  producerKey: PrivateKey;
  chainIdHex: string;
}

/**
 * Loads or creates the genesis of `dataDir`. In dev mode the producer key is the dev key; otherwise
 * a fresh key is generated on first start and kept in `<data>/producer.key` (mode 600).
 */
export async function loadGenesis(dataDir: string, dev: boolean): Promise<GenesisSetup> {
  const gPath = join(dataDir, 'genesis.json');
  const kPath = join(dataDir, 'producer.key');
  let producerKey: PrivateKey;
  if (dev) producerKey = PrivateKey.from(DEV_PRIVATE_KEY);
  else if (existsSync(kPath)) producerKey = PrivateKey.from(readFileSync(kPath, 'utf8').trim());
  else {
    producerKey = PrivateKey.generate();
    await writeFileAtomic(kPath, `${producerKey.toString()}\n`, 0o600);
  }
  let genesis: Genesis;
  if (existsSync(gPath)) {
    genesis = JSON.parse(readFileSync(gPath, 'utf8')) as Genesis;
    if (!PublicKey.from(genesis.initial_key).equals(producerKey.toPublic())) {
      throw new Error(
        `${gPath} names initial key ${genesis.initial_key}, but the producer key is ${producerKey.toPublic()}` +
          (dev
            ? ' (this data directory was not created with --dev)'
            : ' (this data directory was created with --dev; start it with --dev)'),
      );
    }
  } else {
    genesis = newGenesis(producerKey.toPublic());
    await writeFileAtomic(gPath, `${JSON.stringify(genesis, null, 2)}\n`, 0o644);
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
    const have = JSON.parse(readFileSync(gPath, 'utf8')) as Genesis;
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
