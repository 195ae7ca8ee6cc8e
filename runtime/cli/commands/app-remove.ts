/** `peeros app remove APP [--purge]`: the app goes, and its signing grant in the vault with it. */
import { existsSync } from 'node:fs';
import type { CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { withUnlockedVault } from '../vault-unlock.js';
import { peerosHome } from '../../../lib/home.js';
import { Host } from '../../host.js';
import { HostError } from '../../errors.js';
import { AppRegistry } from '../../app-registry.js';
import { vaultPaths } from '../../../skv/index.js';
import { PendingRevocations } from '../../transaction-service/pending-revocations.js';
import { definition } from '../definitions/app.js';
import { fail } from './app-fail.js';

/**
 * Revokes the removed app's signing grant in the vault (only the grant of its identity). When the
 * vault cannot be opened now the revocation waits in pending-revocations.json for the next unlock;
 * until then the grant serves nobody else, being bound to that identity.
 */
async function revokeVaultGrant(
  app: string,
  identity: string | undefined,
  flags: Record<string, string | boolean | undefined>,
  io: CliIO,
): Promise<void> {
  const home = peerosHome(io.env);
  const pending = new PendingRevocations(home);
  await pending.add(app, identity);
  if (!existsSync(vaultPaths(home).keystore)) return;
  try {
    await withUnlockedVault(io, flags, {}, async () => undefined); // unlocking flushes the pending revocations
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    io.err(
      `peeros app remove: the vault did not open (${msg}); the signing grant of ${app} there serves no other app (it is bound to the removed app's identity) and is revoked at the next command that unlocks the vault`,
    );
  }
}

export async function remove(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'remove'), 'app remove');
  if (positionals.length !== 1) throw new UsageError('app remove takes one argument: the app name');
  const home = peerosHome(io.env);
  const host = new Host({ home });
  try {
    const name = positionals[0]!;
    const record = await new AppRegistry(home).record(name);
    const removed = await host.remove(name, { purge: flags.purge === true });
    // only an app granted dmcs.push gets a signing grant in the vault (app install, peeros grant)
    if (removed && record?.grants['dmcs.push']) await revokeVaultGrant(name, record.identity, flags, io);
    if (!removed) {
      if (flags.purge && (await host.purgeData(name))) {
        io.out(`deleted the data ${name} left behind`);
        return 0;
      }
      return fail(io, 'remove', HostError.unknownApp(name));
    }
    io.out(`removed ${name}${flags.purge ? ' and its data' : ' (its data is kept; --purge deletes it)'}`);
    return 0;
  } finally {
    await host.close();
  }
}
