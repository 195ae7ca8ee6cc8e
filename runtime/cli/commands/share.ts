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
import { flagSpec, type CommandDefinition } from '../command-definition.js';
import { unlockVault, VAULT_FLAGS } from '../vault-unlock.js';
import { JSON_FLAG, printJson } from '../json-output.js';
import { peerosHome } from '../../../lib/home.js';
import { terminalText } from '../../../lib/terminal-text.js';
import { USER_APP, Vault } from '../../../skv/index.js';
import { HostServices } from '../../host-bridge/index.js';
import { ShareService } from '../../fs/share-service.js';
import { ShareError } from '../../fs/share-error.js';
import { ACCOUNT_NAME } from '../../capabilities.js';
import { hostPortArg } from '../arg-checks.js';
import { parseHostPort } from '../../../dmcs/index.js';
import { DEFAULT_SHARE_PORT, type PeerAddress } from '../../fs/share-peer.js';
import { listShares } from '../../fs/share-records.js';
import { serveShares } from './share-serve.js';

/** An outgoing share's id as `share revoke` takes it (share-service.ts makes 16 random bytes, hex). */
const SHARE_ID = /^[0-9a-f]{32}$/;

const definition: CommandDefinition = {
  name: 'share',
  summary: 'peer-to-peer shares of files, folders and calendars: sync, list, revoke, serve',
  description:
    "Files over 4 KiB, folders and calendars are shared peer to peer: only a sealed descriptor goes on chain, the content is replicated from the sender's host (docs/fs.md).",
  subcommands: [
    {
      name: 'sync',
      args: '[APP]',
      description:
        "replicate every peer-to-peer share in your scope of the contract's shares table from its sender, check it, and save it into APP's drive (default dbox) under shared/<from>/: all of a share's files or none. A share whose sender is unreachable, revoked or hostile is reported and the others still sync; exits 1 when any failed",
      flags: [
        {
          name: 'code',
          type: 'string',
          value: 'CONTRACT',
          description: 'the contract whose shares table to read (default: APP; a calendar uses dbox)',
        },
        { ...JSON_FLAG, description: 'print [{"id","from","path","saved","removed"} or {…,"error"}] as JSON' },
      ],
      sharedFlags: true,
    },
    {
      name: 'list',
      description:
        'the shares this host made (app, path, to, core, served or revoked, size) and the ones it synced for you (app, from, path, files, size, when); read from its records, so it works beside a running share serve or console',
      flags: [
        {
          ...JSON_FLAG,
          description:
            'print {"outgoing": [{"id","app","account","to","path","folder","core","at","revoked","blocks","bytes","made"}], "incoming": [{"app","account","from","path","folder","core","blocks","bytes","files","synced"}]} as JSON',
        },
      ],
    },
    {
      name: 'revoke',
      args: 'ID',
      description:
        "stop serving outgoing share ID (from share list) now: its core is deleted and never written again; the recipient keeps what it synced. The row stays on chain until the app's unshare. Needs the share store, so not while share serve or the console serves this home (stop that serve first, or use Revoke on the console's Shares page)",
    },
    {
      name: 'serve',
      description:
        "serve this host's shares without the console until Ctrl-C (SIGINT) or SIGTERM, running a share cycle at once and every 10 s: publish new writes of shared folders, revoke shares unshared on chain, sync the shares made for you. Refused while another process holds the share store",
      flags: [
        {
          name: 'listen',
          type: 'string',
          value: 'HOST:PORT',
          description: `where to serve shares (default 127.0.0.1:${DEFAULT_SHARE_PORT}; port 0: any free port)`,
        },
        {
          name: 'announce',
          type: 'string',
          value: 'HOST:PORT',
          description:
            'the address share descriptors name, where peers reach --listen (default: --listen itself; needed when it is 0.0.0.0)',
        },
      ],
      sharedFlags: true,
    },
  ],
  flags: VAULT_FLAGS,
  flagsHeading: 'vault options:',
  notes:
    "Nothing is sent to the sender but hypercore replication requests; the files land only under shared/<from>/, within the app's quota.",
};

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
