/**
 * `peeros whoami`: who this host runs apps as, on which DMCS, and the state of the vault — read
 * without unlocking anything (no passphrase, no network).
 */
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { flagSpec } from '../command-definition.js';
import { parseArgs } from '../args.js';
import { peerosHome } from '../../../lib/home.js';
import { readSession, type Session } from '../../session/session-file.js';
import { DmcsRegistry } from '../../dispatch/index.js';
import { Vault, vaultPaths } from '../../../skv/index.js';
import { printJson } from '../json-output.js';
import { definition } from '../definitions/whoami.js';

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, flagSpec(definition), 'whoami');
    if (positionals.length) throw new UsageError('whoami takes no arguments');
    const home = peerosHome(io.env);
    let session: Session | undefined;
    let sessionError: string | null = null;
    try {
      session = readSession(home);
    } catch (err) {
      sessionError = (err as Error).message;
    }
    const registry = await new DmcsRegistry(home).load();
    const dmcsName = session?.dmcs ?? registry.default;
    const entry = registry.dmcs.find((d) => d.name === dmcsName);
    const vault = Vault.open({ home });
    const st = await vault.status().finally(() => vault.close());
    const keystorePath = vaultPaths(home).keystore;
    if (flags.json) {
      printJson(io, {
        account: session?.account ?? null,
        permission: session?.permission ?? null,
        keys: session?.keys ?? [],
        loggedInAt: session?.loggedInAt ?? null,
        sessionError,
        dmcs: entry ? { name: entry.name, url: entry.url, chainId: entry.chainId, default: entry.name === registry.default } : null,
        vault: { keystore: st.keystore, keystorePath, keyCount: st.keyCount ?? null, failures: st.failures, retryAfterMs: st.retryAfterMs },
      });
      return 0;
    }
    if (session)
      io.out(`account: ${session.account}@${session.permission} (logged in ${session.loggedInAt} with ${session.keys.join(', ')})`);
    else io.out(`account: nobody is logged in${sessionError ? ` (${sessionError})` : ''}; apps run without an account`);
    if (entry)
      io.out(`dmcs: ${entry.name} at ${entry.url}, chain ${entry.chainId}${entry.name === registry.default ? ' (the default)' : ''}`);
    else
      io.out(
        session
          ? `dmcs: '${session.dmcs}' of the session is no longer configured`
          : "dmcs: none configured; add one with 'peeros dmcs add NAME URL'",
      );
    io.out(
      `vault: keystore ${st.keystore} (${keystorePath})${st.keyCount !== undefined ? `, ${st.keyCount} key${st.keyCount === 1 ? '' : 's'}` : ''}${st.failures ? `, ${st.failures} wrong passphrase(s) in a row` : ''}`,
    );
    return 0;
  },
};

export default command;
