/** `peeros share revoke ID`: the sender's own revoke, at once (no need to wait for `unshare` and a reconcile). */
import type { CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { peerosHome } from '../../../lib/home.js';
import { terminalText } from '../../../lib/terminal-text.js';
import { USER_APP, Vault } from '../../../skv/index.js';
import { ShareService } from '../../fs/share-service.js';
import { ShareError } from '../../fs/share-error.js';

/** An outgoing share's id as `share revoke` takes it (share-service.ts makes 16 random bytes, hex). */
const SHARE_ID = /^[0-9a-f]{32}$/;

export async function revoke(positionals: string[], io: CliIO): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('share revoke needs one ID (see share list)');
  const id = positionals[0]!;
  if (!SHARE_ID.test(id)) throw new UsageError(`ID is 32 hex digits (see share list), got '${terminalText(id)}'`);
  const home = peerosHome(io.env);
  // revoking opens no key: the vault is opened only because the share service holds one, never unlocked
  const vault = Vault.open({ home });
  try {
    const shares = await ShareService.open({ home, vault, userApp: USER_APP });
    try {
      const known = shares.list().find((s) => s.id === id);
      if (!known) throw new ShareError('SHARE_NOT_FOUND', `no outgoing share ${id} on this host (see share list)`);
      if (known.revoked) throw new ShareError('SHARE_NOT_FOUND', `share ${id} was already revoked`);
      await shares.revoke(id);
      io.out(
        terminalText(
          `revoked ${id} (${known.app} ${known.path} → ${known.to}): no longer served; the row stays on chain until the app's unshare`,
        ),
      );
      return 0;
    } finally {
      await shares.close();
    }
  } finally {
    await vault.close();
  }
}
