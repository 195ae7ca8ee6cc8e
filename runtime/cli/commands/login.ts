/**
 * `peeros login NAME`: the single account model's login (runtime/session/login.ts).
 */
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { accountNameArg } from '../arg-checks.js';
import { login } from '../../session/login.js';
import { withCliContext, CONTEXT_FLAGS, CONTEXT_HELP } from '../cli-context.js';

const HELP = `usage: peeros login ACCOUNT [options]

Logs this host in as ACCOUNT (single account model): every app then runs as ACCOUNT. The vault
signs a fresh challenge with the keys that satisfy ACCOUNT@active on the DMCS (after you approve
it), and the host checks those signatures against the account's authority as the DMCS reports it.
The session lasts until 'peeros logout'. The challenge cannot execute on any chain.

options:
${CONTEXT_HELP}`;

const command: CliCommand = {
  name: 'login',
  summary: 'log in as an account (single account model): prove control of ACCOUNT@active',
  help: HELP,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, { ...CONTEXT_FLAGS }, 'login');
    if (positionals.length !== 1) throw new UsageError('login takes one ACCOUNT name');
    accountNameArg(positionals[0]!, 'ACCOUNT');
    const s = await withCliContext(io, flags, (c) => login({
      home: c.home, vault: c.vault, getAccount: (n) => c.backend.getAccount(n),
      dmcs: { name: c.backend.entry.name, chainId: c.backend.chainId }, account: positionals[0]!,
    }));
    io.out(`logged in as ${s.account}@${s.permission} on DMCS '${s.dmcs}' (chain ${s.chainId.slice(0, 12)}…) with ${s.keys.join(', ')}`);
    return 0;
  },
};

export default command;
