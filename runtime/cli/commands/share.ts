/**
 * `peeros share`: this host's peer-to-peer shares (docs/fs.md).
 *
 * - `sync [APP]`: the recipient's side. Opens the vault, the host's share store and host services
 *   for this one process, replicates every peer share in the logged-in account's scope of the
 *   contract's `shares` table from its sender, checks it, and saves it into APP's drive under
 *   `shared/<from>/`; then closes everything.
 * - `list`: the outgoing shares and the incoming ones synced, read from the records without the
 *   store's lock or the vault (it works beside a running `share serve`).
 * - `revoke ID`: the sender's own revoke, at once (no need to wait for `unshare` and a reconcile).
 * - `serve`: a long-lived share host (share-serve.ts).
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { unlockVault } from '../vault-unlock.js';
import { printJson } from '../json-output.js';
import { peerosHome } from '../../../lib/home.js';
import { terminalText } from '../../../lib/terminal-text.js';
import { USER_APP, Vault } from '../../../skv/index.js';
import { HostServices } from '../../host-bridge/index.js';
import { ShareService } from '../../fs/share-service.js';
import { ShareError } from '../../fs/share-error.js';
import { ACCOUNT_NAME } from '../../capabilities.js';
import { hostPortArg } from '../arg-checks.js';
import { parseHostPort } from '../../../dmcs/endpoint.js';
import { DEFAULT_SHARE_PORT, type PeerAddress } from '../../fs/share-peer.js';
import { listShares } from '../../fs/share-records.js';
import { serveShares } from './share-serve.js';
import { definition } from '../definitions/share.js';

/** An outgoing share's id as `share revoke` takes it (share-service.ts makes 16 random bytes, hex). */
const SHARE_ID = /^[0-9a-f]{32}$/;

const SUBS = ['sync', 'list', 'revoke', 'serve'];

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined) throw new UsageError(`share needs a subcommand: ${SUBS.join(', ')}`);
    if (!SUBS.includes(sub)) throw new UsageError(`unknown share subcommand '${terminalText(sub)}'`);
    const { flags, positionals } = parseArgs(rest, flagSpec(definition, sub), `share ${sub}`);
    if (sub === 'list') return list(positionals, flags.json === true, io);
    if (sub === 'revoke') return revoke(positionals, io);
    if (sub === 'serve') return serve(positionals, flags, io);
    return sync(positionals, flags, io);
  },
};

function list(positionals: string[], json: boolean, io: CliIO): number {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${terminalText(positionals[0]!)}'`);
  const { outgoing, incoming } = listShares(peerosHome(io.env));
  if (json) {
    printJson(io, { outgoing, incoming });
    return 0;
  }
  if (outgoing.length === 0 && incoming.length === 0) {
    io.out('no peer-to-peer shares on this host');
    return 0;
  }
  if (outgoing.length > 0) io.out('shared by this host:');
  for (const s of outgoing)
    io.out(
      terminalText(
        `  ${s.id}  ${s.app}  ${s.account} → ${s.to}  ${s.path}${s.folder ? '/' : ''}  ${s.revoked ? 'revoked' : `served${s.at ? ` at ${s.at}` : ''}, ${s.blocks} blocks, ${s.bytes} bytes`}  core ${s.core.slice(0, 16)}…`,
      ),
    );
  if (incoming.length > 0) io.out('synced for you:');
  for (const s of incoming)
    io.out(
      terminalText(
        `  ${s.app}  ${s.from} → ${s.account}  ${s.path}${s.folder ? '/' : ''}  ${s.files} files, ${s.blocks} blocks, ${s.bytes} bytes, synced ${new Date(s.synced).toISOString()}  core ${s.core.slice(0, 16)}…`,
      ),
    );
  return 0;
}

async function revoke(positionals: string[], io: CliIO): Promise<number> {
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

async function serve(positionals: string[], flags: Record<string, string | boolean | undefined>, io: CliIO): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${terminalText(positionals[0]!)}'`);
  const hostPort = (flag: string): PeerAddress | undefined => {
    const v = flags[flag];
    if (typeof v !== 'string') return undefined;
    const e = parseHostPort(hostPortArg(v, `--${flag}`));
    return { host: e.host, port: e.port };
  };
  const listen = hostPort('listen') ?? { host: '127.0.0.1', port: DEFAULT_SHARE_PORT };
  const announce = hostPort('announce');
  if (announce && announce.port === 0) throw new UsageError('--announce names a port peers dial: not 0');
  const home = peerosHome(io.env);
  const vault = Vault.open({ home });
  try {
    await unlockVault(vault, home, io, flags);
    return await serveShares({ home, vault, listen, ...(announce ? { announce } : {}) }, io);
  } finally {
    await vault.close();
  }
}

async function sync(positionals: string[], flags: Record<string, string | boolean | undefined>, io: CliIO): Promise<number> {
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

export default command;
