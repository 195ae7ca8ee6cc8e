/**
 * The HTTP side of `peeros agent`: keosd's `POST /v1/wallet/<method>` over a node:http server, on
 * the Unix socket (no token: the socket is its user's alone) or on loopback TCP (every request must
 * carry the per-user token, compared in constant time, never logged nor echoed). A browser's request
 * (it carries `Origin`: cross-site or DNS-rebound pages) is refused before anything else; no CORS
 * header is ever sent, so a page cannot add the token header either. Connections are bounded
 * (lib/connection-limit.ts) and slow ones time out (wallet-agent-limits.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ConnectionLimit } from '../../lib/connection-limit.js';
import { type WalletAgent, WalletApiError } from './wallet-agent.js';
import {
  AGENT_HEADERS_TIMEOUT_MS,
  AGENT_KEEP_ALIVE_MS,
  AGENT_REQUEST_TIMEOUT_MS,
  MAX_AGENT_CONNECTIONS,
  MAX_REQUEST_BYTES,
} from './wallet-agent-limits.js';

export const TOKEN_HEADER = 'x-peeros-agent-token';

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

/** The wallet API server of `agent`; with `token`, every request must carry it in TOKEN_HEADER. */
export function walletApiServer(agent: WalletAgent, token: Buffer | undefined): Server {
  const server = createServer({
    headersTimeout: AGENT_HEADERS_TIMEOUT_MS,
    requestTimeout: AGENT_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: AGENT_KEEP_ALIVE_MS,
  });
  const connections = new ConnectionLimit(server, MAX_AGENT_CONNECTIONS);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const serve = async () => {
      if (req.headers.origin !== undefined)
        throw new WalletApiError(403, 'forbidden_origin', 'requests from web pages are refused: the wallet API is for local tools');
      if (token) {
        const given = Buffer.from(String(req.headers[TOKEN_HEADER] ?? ''));
        if (given.length !== token.length || !timingSafeEqual(given, token))
          throw new WalletApiError(401, 'unauthorized', `the ${TOKEN_HEADER} header must carry the token of agent.token`);
      }
      connections.protect(res); // its user's request: not closed for room while it waits for an approval
      const m = /^\/v1\/wallet\/([a-z_]+)$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) throw new WalletApiError(404, 'unknown_endpoint', 'no such endpoint: POST /v1/wallet/<method>');
      const text = await readBody(req);
      let body: unknown;
      try {
        body = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        throw new WalletApiError(500, 'parse_error_exception', 'the body is not JSON');
      }
      reply(201, await agent.call(m[1]!, body));
    };
    serve().catch((err) => {
      const e =
        err instanceof WalletApiError ? err : new WalletApiError(500, 'wallet_exception', err instanceof Error ? err.message : String(err));
      reply(e.status, e.toJSON());
    });
  });
  return server;
}
