/**
 * What the one-shot session commands (`peeros login|account|grant`) share: the vault opened and
 * unlocked for this process (runtime/cli/vault-unlock.ts), and the DMCS to talk to (--dmcs NAME,
 * else the registry's default). Everything is closed when the command ends.
 */
import type { CliIO } from './command.js';
import { peerosHome } from '../../lib/home.js';
import { Vault } from '../../skv/index.js';
import { Dispatcher, DmcsRegistry, type ChainCheckedBackend } from '../dispatch/index.js';
import { unlockVault, type CliFlags } from './vault-unlock.js';

export type { CliFlags };

export interface CliContext {
  home: string;
  vault: Vault;
  dispatcher: Dispatcher;
  backend: ChainCheckedBackend;
}

export async function withCliContext<T>(io: CliIO, flags: CliFlags, fn: (c: CliContext) => Promise<T>): Promise<T> {
  const home = peerosHome(io.env);
  const dispatcher = new Dispatcher(new DmcsRegistry(home));
  const vault = Vault.open({ home });
  try {
    const backend = await dispatcher.backendFor(typeof flags.dmcs === 'string' ? { dmcs: flags.dmcs } : null);
    await unlockVault(vault, home, io, flags);
    return await fn({ home, vault, dispatcher, backend });
  } finally {
    await vault.close();
    await dispatcher.close();
  }
}
