/**
 * `peeros share sync [APP]`: the recipient's side of peer-to-peer shares (docs/fs.md). Opens the
 * vault, the host's share store and host services for this one process, replicates every peer
 * share in the logged-in account's scope of the contract's `shares` table from its sender, checks
 * it, and saves it into APP's drive under `shared/<from>/`; then closes everything.
 */
import type { CliCommand } from '../command.js';
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
import { ACCOUNT_NAME } from '../../capabilities.js';

const definition: CommandDefinition = {
  name: 'share',
  summary: 'peer-to-peer shares of files, folders and calendars: sync the ones shared with you',
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
  ],
  flags: VAULT_FLAGS,
  flagsHeading: 'vault options:',
  notes:
    "Nothing is sent to the sender but hypercore replication requests; the files land only under shared/<from>/, within the app's quota.",
};

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    const { flags, positionals } = parseArgs(rest, flagSpec(definition, sub), `share ${sub ?? ''}`.trim());
    if (sub !== 'sync') throw new UsageError(sub === undefined ? 'share needs a subcommand: sync' : `unknown share subcommand '${sub}'`);
    if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
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
  },
};

export default command;
