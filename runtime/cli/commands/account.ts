/**
 * `peeros account create NAME [--key PUB]`: newaccount on the current DMCS.
 */
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { flagSpec } from '../command-definition.js';
import { parseArgs } from '../args.js';
import { accountNameArg, publicKeyArg } from '../arg-checks.js';
import { createAccount } from '../../transaction-service/account-creator.js';
import { withCliContext } from '../cli-context.js';
import { printJson } from '../json-output.js';
import { definition } from '../definitions/account.js';

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub !== 'create') throw new UsageError(sub === undefined ? 'missing subcommand (create)' : `unknown subcommand '${sub}' (create)`);
    const { flags, positionals } = parseArgs(rest, flagSpec(definition, 'create'), 'account create');
    if (positionals.length !== 1) throw new UsageError('account create takes one NAME');
    accountNameArg(positionals[0]!, 'NAME');
    if (typeof flags.key === 'string') publicKeyArg(flags.key, '--key');
    if (typeof flags.creator === 'string') accountNameArg(flags.creator, '--creator');
    const r = await withCliContext(io, flags, (c) =>
      createAccount({
        vault: c.vault,
        backend: c.backend,
        name: positionals[0]!,
        ...(typeof flags.key === 'string' ? { key: flags.key } : {}),
        ...(typeof flags.creator === 'string' ? { creator: flags.creator } : {}),
      }),
    );
    if (flags.json) {
      const creator = typeof flags.creator === 'string' ? flags.creator : 'eosio';
      printJson(io, { account: positionals[0], key: r.key, creator, transactionId: r.id, blockNum: r.blockNum ?? null });
      return 0;
    }
    io.out(
      `created account ${positionals[0]} with key ${r.key} (transaction ${r.id.slice(0, 16)}…${r.blockNum !== undefined ? `, block ${r.blockNum}` : ''})`,
    );
    return 0;
  },
};

export default command;
