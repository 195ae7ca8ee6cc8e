/**
 * The HTTP side of `peeros agent`: keosd's `POST /v1/wallet/<method>` over a node:http server, on
 * the Unix socket (no token: the socket is its user's alone) or on loopback TCP (every request must
 * carry the per-user token, compared in constant time, never logged nor echoed). A browser's request
 * (it carries `Origin`: cross-site or DNS-rebound pages) is refused before anything else; no CORS
 * header is ever sent, so a page cannot add the token header either. Connections are bounded
 * (lib/connection-limit.ts), slow ones time out, and a body past the bound gets a 413 the client can
 * read (wallet-agent-limits.ts, answerAfterBody).
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
  MAX_DISCARDED_BYTES,
  MAX_REQUEST_BYTES,
} from './wallet-agent-limits.js';

export const TOKEN_HEADER = 'x-peeros-agent-token';

const tooLarge = () => new WalletApiError(413, 'request_too_large', `request larger than ${MAX_REQUEST_BYTES} bytes`);

/** The body, up to MAX_REQUEST_BYTES; past it (declared or sent), 413 at once and nothing more is kept. */
function readBody(req: IncomingMessage): Promise<string> {
  if (Number(req.headers['content-length']) > MAX_REQUEST_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= MAX_REQUEST_BYTES) return void chunks.push(c);
      req.off('data', onData);
      req.off('end', onEnd);
      reject(tooLarge()); // the rest is read and dropped before the answer (answerAfterBody)
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/**
 * Answers a request refused before its whole body was read (413 past MAX_REQUEST_BYTES, 401, …)
 * once the rest of the body is read and dropped. Closing at once reset the connection while the
 * client still wrote, and node closes it as soon as the answer to a `Connection: close` request is
 * sent: a client that writes its whole request before reading (cleos) got EPIPE, never the answer.
 * Past MAX_DISCARDED_BYTES the answer is sent and the connection closed: reading more only costs us.
 */
function answerAfterBody(req: IncomingMessage, res: ServerResponse, answer: () => void): void {
  if (req.complete) return answer();
  let dropped = 0;
  const onData = (c: Buffer) => {
    dropped += c.length;
    if (dropped <= MAX_DISCARDED_BYTES) return;
    req.off('data', onData);
    req.off('end', answer);
    res.once('finish', () => req.socket.destroy());
    answer();
  };
  req.on('data', onData);
  req.once('end', answer);
  req.resume();
}

function send(res: ServerResponse, status: number, value: unknown, close = false): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(body);
}

/** The wallet API server of `agent`; with `token`, every request must carry it in TOKEN_HEADER. */
export function walletApiServer(agent: WalletAgent, token: Buffer | undefined): Server {
  const server = createServer({
    headersTimeout: AGENT_HEADERS_TIMEOUT_MS,
    requestTimeout: AGENT_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: AGENT_KEEP_ALIVE_MS,
  });
  const connections = new ConnectionLimit(server, MAX_AGENT_CONNECTIONS);
  // `Expect: 100-continue` (curl, for bodies over 1 MiB): a body declared too large is refused
  // before the client sends it, and the connection closed (its body would follow otherwise)
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers['content-length']) > MAX_REQUEST_BYTES) return send(res, 413, tooLarge().toJSON(), true);
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
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
      send(res, 201, await agent.call(m[1]!, body));
    };
    serve().catch((err) => {
      const e =
        err instanceof WalletApiError ? err : new WalletApiError(500, 'wallet_exception', err instanceof Error ? err.message : String(err));
      answerAfterBody(req, res, () => send(res, e.status, e.toJSON()));
    });
  });
  return server;
}
