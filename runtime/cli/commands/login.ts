/**
 * `peeros login NAME`: the single account model's login (runtime/session/login.ts).
 */
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { flagSpec } from '../command-definition.js';
import { parseArgs } from '../args.js';
import { accountNameArg } from '../arg-checks.js';
import { login } from '../../session/login.js';
import { withCliContext } from '../cli-context.js';
import { printJson } from '../json-output.js';
import { definition } from '../definitions/login.js';

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, flagSpec(definition), 'login');
    if (positionals.length !== 1) throw new UsageError('login takes one ACCOUNT name');
    accountNameArg(positionals[0]!, 'ACCOUNT');
    const s = await withCliContext(io, flags, (c) =>
      login({
        home: c.home,
        vault: c.vault,
        getAccount: (n) => c.backend.getAccount(n),
        dmcs: { name: c.backend.entry.name, chainId: c.backend.chainId },
        account: positionals[0]!,
      }),
    );
    if (flags.json) {
      printJson(io, {
        account: s.account,
        permission: s.permission,
        dmcs: s.dmcs,
        chainId: s.chainId,
        keys: s.keys,
        loggedInAt: s.loggedInAt,
      });
      return 0;
    }
    io.out(`logged in as ${s.account}@${s.permission} on DMCS '${s.dmcs}' (chain ${s.chainId.slice(0, 12)}…) with ${s.keys.join(', ')}`);
    return 0;
  },
};

export default command;
