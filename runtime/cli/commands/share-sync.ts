/**
 * `peeros share sync [APP]`: the recipient's side. Opens the vault, the host's share store and host
 * services for this one process, replicates every peer share in the logged-in account's scope of
 * the contract's `shares` table from its sender, checks it, and saves it into APP's drive under
 * `shared/<from>/`; then closes everything.
 */
import type { CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { unlockVault } from '../vault-unlock.js';
import { printJson } from '../json-output.js';
import { peerosHome } from '../../../lib/home.js';
import { terminalText } from '../../../lib/terminal-text.js';
import { USER_APP, Vault } from '../../../skv/index.js';
import { HostServices } from '../../host-bridge/index.js';
import { ShareService } from '../../fs/share-service.js';
import { ACCOUNT_NAME } from '../../capabilities.js';

export async function sync(positionals: string[], flags: Record<string, string | boolean | undefined>, io: CliIO): Promise<number> {
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${terminalText(positionals[1]!)}'`);
  const app = positionals[0] ?? 'dbox';
  const code = typeof flags.code === 'string' ? flags.code : app;
  if (!ACCOUNT_NAME.test(app)) throw new UsageError(`APP must be an installed app's name, got '${terminalText(app)}'`);
  if (!ACCOUNT_NAME.test(code)) throw new UsageError(`--code must be an account name, got '${terminalText(code)}'`);
  const home = peerosHome(io.env);
  const vault = Vault.open({ home });
  try {
    await unlockVault(vault, home, io, flags);
    const shares = await ShareService.open({ home, vault, userApp: USER_APP });
    try {
      const services = await HostServices.open({ home, vault, flusher: false, shares });
      try {
        const synced = await services.syncShares(app, { code });
        if (flags.json) printJson(io, synced);
        else if (synced.length === 0) io.out('no peer-to-peer shares for you');
        else
          for (const s of synced)
            io.out(
              terminalText(
                s.error
                  ? `${s.id}  ${s.from}  ${s.path}  failed: ${s.error}`
                  : `${s.id}  ${s.from}  ${s.path}  saved ${s.saved!.length}, removed ${s.removed!.length}`,
              ),
            );
        return synced.some((s) => s.error) ? 1 : 0;
      } finally {
        await services.close();
      }
    } finally {
      await shares.close();
    }
  } finally {
    await vault.close();
  }
}
