/**
 * `peeros grant APP …`: the vault's signing grant of an installed app (from its manifest), and the
 * session grant with limits (auto-approve up to N signatures moving at most X per period).
 */
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { integerArg, assetArg, periodArg } from '../arg-checks.js';
import { MAX_GRANT_COUNT } from '../../transaction-service/limits.js';
import { peerosHome } from '../../../lib/home.js';
import { AppRegistry } from '../../app-registry.js';
import { SessionGrantStore, validateSessionGrant } from '../../transaction-service/session-grants.js';
import { installSigningGrant } from '../../transaction-service/app-signing-grant.js';
import { withCliContext } from '../cli-context.js';
import { flagSpec } from '../command-definition.js';
import { printJson } from '../json-output.js';
import { definition } from '../definitions/grant.js';

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, flagSpec(definition), 'grant');
    const home = peerosHome(io.env);
    const store = new SessionGrantStore(home);
    if (flags.list) {
      if (positionals.length) throw new UsageError('--list takes no APP');
      const all = store.list();
      if (flags.json) {
        printJson(io, {
          grants: all.map((g) => {
            const left = store.remaining(g.app)!;
            return {
              app: g.app,
              maxCount: g.maxCount,
              maxAmount: g.maxAmount ?? null,
              periodMs: g.periodMs,
              remaining: { count: left.count, amount: left.amount?.toString() ?? null },
            };
          }),
        });
        return 0;
      }
      if (!all.length) io.out('no session grants');
      for (const g of all) {
        const left = store.remaining(g.app)!;
        io.out(
          `${g.app}: up to ${g.maxCount} approvals${g.maxAmount ? ` moving at most ${g.maxAmount}` : ''} per ${g.periodMs / 3600_000} h — left now: ${left.count}${left.amount ? `, ${left.amount}` : ''}`,
        );
      }
      return 0;
    }
    if (flags.json) throw new UsageError('--json goes with --list');
    if (positionals.length !== 1) throw new UsageError('grant takes one APP name');
    const app = positionals[0]!;
    // the arguments first: a typo is a usage error whatever the state of the app or the vault
    const maxCount = typeof flags['max-count'] === 'string' ? integerArg(flags['max-count'], '--max-count', 1, MAX_GRANT_COUNT) : undefined;
    const maxAmount = typeof flags['max-amount'] === 'string' ? assetArg(flags['max-amount'], '--max-amount') : undefined;
    const periodMs = typeof flags.period === 'string' ? periodArg(flags.period, '--period') : undefined;
    const installed = await new AppRegistry(home).load(app);
    if (flags.revoke) {
      io.out((await store.revoke(app)) ? `session grant of ${app} removed` : `${app} had no session grant`);
      // the vault's copy loses the session grant's daily amount too
      const g = await withCliContext(io, flags, async (c) => {
        const backend = await c.dispatcher.backendFor(installed.manifest as { dmcs?: Record<string, unknown> });
        return installSigningGrant(c.vault, app, installed.record.grants, [backend.chainId], undefined, installed.record.identity);
      });
      if (g) io.out(`signing grant of ${app} reinstalled without a daily amount`);
      return 0;
    }
    if (flags['max-amount'] !== undefined && flags['max-count'] === undefined) throw new UsageError('--max-amount needs --max-count');
    const session =
      flags['max-count'] === undefined
        ? undefined
        : validateSessionGrant({
            app,
            maxCount: maxCount!,
            ...(maxAmount !== undefined ? { maxAmount } : {}),
            ...(periodMs !== undefined ? { periodMs } : {}),
            ...(installed.record.identity !== undefined ? { identity: installed.record.identity } : {}),
          });
    const g = await withCliContext(io, flags, async (c) => {
      const backend = await c.dispatcher.backendFor(installed.manifest as { dmcs?: Record<string, unknown> });
      return installSigningGrant(c.vault, app, installed.record.grants, [backend.chainId], session, installed.record.identity);
    });
    if (!g) io.out(`${app} asks for no dmcs.push: it needs no signing grant`);
    else
      io.out(
        `signing grant of ${app} installed in the vault: ${Object.entries(g.contracts)
          .map(([k, v]) => `${k}::{${v.join(',')}}`)
          .join(
            ', ',
          )}${g.maxAmountPerTx ? `, at most ${g.maxAmountPerTx} per transaction` : ''}${g.maxAmountPerDay ? `, ${g.maxAmountPerDay} per day` : ''}`,
      );
    if (session) {
      await store.set(session);
      io.out(
        `session grant: ${app} is approved without asking up to ${session.maxCount} times${session.maxAmount ? `, ${session.maxAmount} in total,` : ' (no token transfers)'} per ${session.periodMs / 3600_000} h`,
      );
    }
    return 0;
  },
};

export default command;
