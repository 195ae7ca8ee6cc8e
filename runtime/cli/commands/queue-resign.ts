/** `peeros queue resign ID`: an expired transaction signed again in the vault, as a new entry. */
import type { CliIO } from '../command.js';
import type { ParsedArgs } from '../args.js';
import { UsageError } from '../command.js';
import { unlockVault } from '../vault-unlock.js';
import { Dispatcher, DmcsRegistry } from '../../dispatch/index.js';
import { QueueError } from '../../offline-queue/index.js';
import { Vault } from '../../../skv/index.js';
import { vaultResigner } from '../../vault-resigner.js';
import { withQueue } from './queue-entries.js';

export async function resign(positionals: string[], flags: ParsedArgs['flags'], io: CliIO): Promise<number> {
  if (positionals.length !== 1) throw new UsageError("'queue resign' takes one ID (see 'peeros queue list')");
  return withQueue(io, async (queue, home) => {
    const entry = queue.get(positionals[0]!);
    // Refuse early, before asking for the passphrase, when re-signing cannot go ahead.
    const expired = entry.status === 'expired' || (entry.status === 'pending' && Date.parse(entry.expiration) <= Date.now());
    if (!expired || entry.replacedBy) {
      throw new QueueError(
        'WRONG_STATUS',
        `transaction ${entry.id.slice(0, 12)} is ${entry.replacedBy ? 'already re-signed' : entry.status}; only expired transactions can be re-signed`,
      );
    }
    if (entry.uncertain && flags.force !== true) {
      throw new QueueError(
        'UNCERTAIN',
        `transaction ${entry.id.slice(0, 12)} was pushed without an answer before it expired and may have executed; check the chain, then re-sign with --force if it did not run`,
      );
    }
    const dispatcher = new Dispatcher(new DmcsRegistry(home));
    const vault = Vault.open({ home });
    try {
      const backend = await dispatcher.backendFor({ dmcs: entry.dmcs });
      await unlockVault(vault, home, io, flags, { whenMissing: `re-signing needs the keys that signed ${entry.id.slice(0, 12)}` });
      const resign = await vaultResigner({ home, vault, backend, entry });
      const fresh = await queue.resign(entry.id, resign, { force: flags.force === true });
      io.out(
        `re-signed ${entry.id.slice(0, 12)} as ${fresh.id.slice(0, 12)} (expires ${fresh.expiration}); send it with 'peeros queue flush'`,
      );
      return 0;
    } finally {
      await vault.close();
      await dispatcher.close();
    }
  });
}
