/**
 * The dAppStore as the CLI reads it: the DMCS (--dmcs NAME, else the default) and the store
 * account (--store ACCOUNT, else `dappstore`), no vault — reading the registry needs no key. Warns
 * on stderr when the node's head block is older than STALE_AFTER_MS: its view of the registry (a
 * yank, a newer release) may be behind.
 */
import type { CliIO } from './command.js';
import type { FlagDefinition } from './command-definition.js';
import { peerosHome } from '../../lib/home.js';
import { Dispatcher, DmcsRegistry, type ChainCheckedBackend } from '../dispatch/index.js';
import { DEFAULT_STORE_ACCOUNT, StoreRegistry } from '../store/store-registry.js';
import type { CliFlags } from './vault-unlock.js';

/** A head block older than 2 minutes: the node is not producing or not synced; say so. */
export const STALE_AFTER_MS = 120_000;

export const STORE_FLAG: FlagDefinition = {
  name: 'store',
  type: 'string',
  value: 'ACCOUNT',
  description: `the account of the dAppStore contract (default: ${DEFAULT_STORE_ACCOUNT})`,
};

export async function withStore<T>(
  io: CliIO,
  flags: CliFlags,
  fn: (s: { registry: StoreRegistry; backend: ChainCheckedBackend; home: string }) => Promise<T>,
): Promise<T> {
  const home = peerosHome(io.env);
  const dispatcher = new Dispatcher(new DmcsRegistry(home));
  try {
    const backend = await dispatcher.backendFor(typeof flags.dmcs === 'string' ? { dmcs: flags.dmcs } : null);
    const info = await backend.getInfo();
    const head = info.head_block_time ? Date.parse(`${info.head_block_time}${info.head_block_time.endsWith('Z') ? '' : 'Z'}`) : Number.NaN;
    if (Number.isFinite(head) && Date.now() - head > STALE_AFTER_MS)
      io.err(
        `peeros: warning: the DMCS's head block is ${Math.round((Date.now() - head) / 1000)} s old; its view of the store may be stale (a yank or a newer release may be missing)`,
      );
    const registry = new StoreRegistry(backend, typeof flags.store === 'string' ? flags.store : DEFAULT_STORE_ACCOUNT);
    return await fn({ registry, backend, home });
  } finally {
    await dispatcher.close();
  }
}
