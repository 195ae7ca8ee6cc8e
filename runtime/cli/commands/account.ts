/**
 * `peeros account create NAME [--key PUB]`: newaccount on the current DMCS.
 */
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { accountNameArg, publicKeyArg } from '../arg-checks.js';
import { createAccount } from '../../transaction-service/account-creator.js';
import { withCliContext, CONTEXT_FLAGS, CONTEXT_HELP } from '../cli-context.js';

const HELP = `usage: peeros account create NAME [--key PUB] [--creator ACCOUNT] [options]

Creates the Antelope account NAME on the DMCS with eosio::newaccount, signed by the creator's
active keys from the vault (default creator: eosio — on a --dev node, import the well-known dev
key into the vault first). Owner and active of NAME are the one key --key (PUB_K1_… or EOS…);
without --key the vault creates a new key, labelled NAME, and uses it.

options:
  --key PUB                public key for owner and active
  --creator ACCOUNT        who creates and pays (default eosio)
${CONTEXT_HELP}`;

const command: CliCommand = {
  name: 'account',
  summary: 'create an account on the current DMCS',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub !== 'create') throw new UsageError(sub === undefined ? 'missing subcommand (create)' : `unknown subcommand '${sub}' (create)`);
    const { flags, positionals } = parseArgs(rest, { ...CONTEXT_FLAGS, key: 'string', creator: 'string' }, 'account create');
    if (positionals.length !== 1) throw new UsageError('account create takes one NAME');
    accountNameArg(positionals[0]!, 'NAME');
    if (typeof flags.key === 'string') publicKeyArg(flags.key, '--key');
    if (typeof flags.creator === 'string') accountNameArg(flags.creator, '--creator');
    const r = await withCliContext(io, flags, (c) => createAccount({
      vault: c.vault, backend: c.backend, name: positionals[0]!,
      ...(typeof flags.key === 'string' ? { key: flags.key } : {}),
      ...(typeof flags.creator === 'string' ? { creator: flags.creator } : {}),
    }));
    io.out(`created account ${positionals[0]} with key ${r.key} (transaction ${r.id.slice(0, 16)}…${r.blockNum !== undefined ? `, block ${r.blockNum}` : ''})`);
    return 0;
  },
};

export default command;
