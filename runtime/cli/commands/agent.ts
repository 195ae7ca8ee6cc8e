/**
 * `peeros agent`: a long-running vault agent with keosd's wallet API (runtime/cli/wallet-agent.ts),
 * so cleos and other Antelope tools sign through the vault. It listens on a Unix socket that only
 * its user may open ($PEEROS_HOME/agent.sock, mode 0600: `cleos --wallet-url unix://…`), and, with
 * --listen, on loopback TCP where every request must carry the per-user token of
 * $PEEROS_HOME/agent.token (mode 0600) in the `X-Peeros-Agent-Token` header.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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
import { WalletAgent, WalletApiError } from '../wallet-agent.js';
import { MAX_REQUEST_BYTES } from '../wallet-agent-limits.js';
import { untilInterrupted } from '../watch-folder.js';
import { definition } from '../definitions/agent.js';

const TOKEN_HEADER = 'x-peeros-agent-token';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new WalletApiError(500, 'invalid_arg_exception', `request larger than ${MAX_REQUEST_BYTES} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function handler(agent: WalletAgent, token: Buffer | undefined) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    try {
      if (token) {
        const given = Buffer.from(String(req.headers[TOKEN_HEADER] ?? ''));
        if (given.length !== token.length || !timingSafeEqual(given, token))
          throw new WalletApiError(401, 'unauthorized', `the ${TOKEN_HEADER} header must carry the token of agent.token`);
      }
      const m = /^\/v1\/wallet\/([a-z_]+)$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) throw new WalletApiError(404, 'unknown_endpoint', `no such endpoint: ${req.method} ${req.url}`);
      const text = await readBody(req);
      let body: unknown;
      try {
        body = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        throw new WalletApiError(500, 'parse_error_exception', 'the body is not JSON');
      }
      reply(201, await agent.call(m[1]!, body));
    } catch (err) {
      const e =
        err instanceof WalletApiError ? err : new WalletApiError(500, 'wallet_exception', err instanceof Error ? err.message : String(err));
      reply(e.status, e.toJSON());
    }
  };
}

function listen(server: Server, where: string | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof where === 'string') server.listen(where, resolve);
    else server.listen(where.port, where.host, resolve);
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
    try {
      await unlockVault(vault, home, io, flags);
      const agent = new WalletAgent(
        { vault, verifier: () => verifierFor(flags, io), chain: () => chainBackend(io, flags), log: (l) => io.err(`peeros agent: ${l}`) },
        true,
      );
      await rm(socket, { force: true }); // a socket left by an agent that died
      const local = createServer(handler(agent, undefined));
      servers.push(local);
      await listen(local, socket);
      await chmod(socket, 0o600);
      io.out(`wallet API on unix://${socket}`);
      if (tcp) {
        const token = randomBytes(32).toString('hex');
        const tokenFile = join(home, 'agent.token');
        await writeFileAtomic(tokenFile, `${token}\n`, 0o600);
        const remote = createServer(handler(agent, Buffer.from(token)));
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
      await rm(socket, { force: true });
      await vault.close();
    }
  },
};

export default command;
