/**
 * `peeros agent`: a long-running vault agent with keosd's wallet API (runtime/cli/wallet-agent.ts),
 * so cleos and other Antelope tools sign through the vault. It listens on a Unix socket that only
 * its user may open ($PEEROS_HOME/agent.sock, 0600 from its creation, agent-socket.ts: `cleos --wallet-url unix://…`), and, with
 * --listen, on loopback TCP where every request must carry the per-user token of
 * $PEEROS_HOME/agent.token (mode 0600) in the `X-Peeros-Agent-Token` header.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { hostPortArg, integerArg } from '../arg-checks.js';
import { chainBackend } from '../chain-target.js';
import { unlockVault, verifierFor } from '../vault-unlock.js';
import { peerosHome } from '../../../lib/home.js';
import { writeFileAtomic } from '../../../lib/atomic-file.js';
import { Vault } from '../../../skv/index.js';
import { WalletAgent } from '../wallet-agent.js';
import { listenOnPrivateSocket } from '../agent-socket.js';
import { walletApiServer } from '../wallet-agent-http.js';
import { untilInterrupted } from '../watch-folder.js';
import { definition } from '../definitions/agent.js';

function listen(server: Server, where: { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, resolve);
  });
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, flagSpec(definition), 'agent');
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const home = peerosHome(io.env);
    const socket = typeof flags.socket === 'string' ? flags.socket : join(home, 'agent.sock');
    const autoLockMs =
      (typeof flags['unlock-timeout'] === 'string' ? integerArg(flags['unlock-timeout'], '--unlock-timeout', 1, 86_400) : 900) * 1000;
    let tcp: { host: string; port: number } | undefined;
    if (typeof flags.listen === 'string') {
      hostPortArg(flags.listen, '--listen');
      const at = flags.listen.lastIndexOf(':');
      const host = flags.listen.slice(0, at);
      if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host))
        throw new UsageError('--listen: the agent serves loopback only (127.0.0.1, ::1)');
      tcp = { host: host.replace(/^\[|\]$/g, ''), port: Number(flags.listen.slice(at + 1)) };
    }
    const vault = Vault.open({ home, autoLockMs });
    const servers: Server[] = [];
    let socketBound = false;
    try {
      await unlockVault(vault, home, io, flags);
      const agent = new WalletAgent(
        { vault, verifier: () => verifierFor(flags, io), chain: () => chainBackend(io, flags), log: (l) => io.err(`peeros agent: ${l}`) },
        true,
      );
      const local = walletApiServer(agent, undefined);
      await listenOnPrivateSocket(local, socket); // 0600 from its creation; replaces only a dead agent's socket
      socketBound = true;
      servers.push(local);
      io.out(`wallet API on unix://${socket}`);
      if (tcp) {
        const token = randomBytes(32).toString('hex');
        const tokenFile = join(home, 'agent.token');
        await writeFileAtomic(tokenFile, `${token}\n`, 0o600);
        const remote = walletApiServer(agent, Buffer.from(token));
        servers.push(remote);
        await listen(remote, tcp);
        const addr = remote.address();
        const port = typeof addr === 'object' && addr ? addr.port : tcp.port;
        io.out(`wallet API on http://${tcp.host.includes(':') ? `[${tcp.host}]` : tcp.host}:${port} (token in ${tokenFile})`);
      }
      io.err('peeros agent: serving until Ctrl-C');
      await untilInterrupted();
      return 0;
    } finally {
      for (const s of servers) await new Promise((r) => s.close(r));
      if (socketBound) await rm(socket, { force: true });
      await vault.close();
    }
  },
};

export default command;
