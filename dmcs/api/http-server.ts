/**
 * The chain API over HTTP (node:http): `POST|GET /v1/chain/<endpoint>` with a JSON body, JSON
 * replies, and Antelope's error JSON `{code, message, error: {code, name, what, details}}` with
 * Leap's HTTP statuses (401 unsatisfied_authorization, 409 tx_duplicate, 400 bad request, unknown
 * block and account lookup, 404 unknown endpoint, 413 body too large, 500 the rest). A bad request
 * never stops the server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChainError, toChainError } from '../chain-error.js';
import type { ChainApi } from './chain-api.js';
import { RenderedJson, renderJson } from './rendered-json.js';
import { jsonDepth } from '../../lib/json-depth.js';
import type { HttpEndpoint } from '../endpoint.js';

/** Leap's default `max_body_size` (1 MiB): larger requests are refused before parsing. */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Bytes of request bodies held at once, all connections together (Leap's http-max-bytes-in-flight-mb):
 * a body is held from its first byte until its reply is sent; one that would take the total past
 * this is answered 503 and the rest of it dropped unread. Without it, 400 clients sending bodies of
 * nearly MAX_BODY_BYTES slowly (each within REQUEST_TIMEOUT_MS) took the node from 100 to 515 MB.
 */
export const MAX_BYTES_IN_FLIGHT = 64 * 1024 * 1024;
/** A request must arrive whole within this time (bounds slow clients holding sockets). */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Headers must arrive within this time. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** Idle keep-alive connections are closed after this time. */
export const KEEP_ALIVE_TIMEOUT_MS = 30_000;
/**
 * Connections held at once; more are closed at accept (node:http's `maxConnections`). Each holds a
 * file descriptor the node's own files, peers and replicas need too: before, any local process
 * holding 1,200 idle sockets took every descriptor of a node under a limit of 1,024 (its own
 * files failed with EMFILE, and so did every other client). Ample for a loopback chain API: a
 * browser opens 6 per host, the console host and the CLI a few.
 */
export const MAX_CONNECTIONS = 256;
/**
 * How often connections past HEADERS_TIMEOUT_MS or REQUEST_TIMEOUT_MS are looked for and closed:
 * node:http's default is 30 s, so a request's headers sent in part held a slot up to 40 s, not 10.
 * (Those deadlines start at a request's first byte; a socket that sends none is closed after
 * HEADERS_TIMEOUT_MS of silence by the server itself: before, it was held for ever.)
 */
export const CONNECTIONS_CHECK_MS = 1000;

/**
 * Deepest JSON nesting accepted in a request body: real requests nest under ten levels; a body of
 * `[[[…` 100k deep parses, then overflows the stack where a handler prints or walks it.
 */
export const MAX_JSON_DEPTH = 512;

/** A request body as the handlers receive it: UTF-8 JSON, nested at most MAX_JSON_DEPTH; empty is undefined. */
export function parseRequestBody(raw: Uint8Array): unknown {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8').trim();
  if (text.length === 0) return undefined;
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new ChainError('parse_error_exception', `request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ChainError('parse_error_exception', `request body is not valid JSON: ${(err as Error).message}`);
  }
}

export function errorJson(status: number, message: string, e: ChainError): unknown {
  return {
    code: status,
    message,
    error: {
      code: e.antelopeCode,
      name: e.code,
      what: e.what,
      details: [{ message: e.message, file: '', line_number: 0, method: '' }],
    },
  };
}

function statusOf(e: ChainError): [number, string] {
  switch (e.code) {
    case 'unsatisfied_authorization':
      return [401, 'UnAuthorized'];
    case 'tx_duplicate':
      return [409, 'Conflict'];
    case 'invalid_http_request':
    case 'parse_error_exception':
      return [400, 'Bad Request'];
    case 'unknown_block_exception':
      return [400, 'Unknown Block'];
    case 'account_query_exception':
      return [400, 'Account lookup'];
    default:
      return [500, 'Internal Service Error'];
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = body instanceof RenderedJson ? body.text : renderJson(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'access-control-allow-origin': '*',
  });
  res.end(text);
}

/** The bytes of request bodies the server holds, against `max`; a request's share is `held` until its reply. */
interface InFlight {
  bytes: number;
  readonly max: number;
}

/**
 * The body of `req`: 'too-large' past MAX_BODY_BYTES, 'busy' when holding it would take the
 * server's bodies past `inFlight.max` (either way the rest is read and dropped). What it holds is
 * added to `inFlight.bytes` and to `held.bytes`, for the caller to give back once it replied.
 */
function readBody(req: IncomingMessage, inFlight: InFlight, held: { bytes: number }): Promise<Buffer | 'too-large' | 'busy'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      resolve('too-large');
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused: 'too-large' | 'busy' | null = null;
    const drop = (why: 'too-large' | 'busy') => {
      refused = why;
      chunks.length = 0;
      inFlight.bytes -= held.bytes;
      held.bytes = 0;
    };
    req.on('data', (c: Buffer) => {
      if (refused) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) return drop('too-large');
      if (inFlight.bytes + c.length > inFlight.max) return drop('busy');
      inFlight.bytes += c.length;
      held.bytes += c.length;
      chunks.push(c);
    });
    req.on('end', () => resolve(refused ?? Buffer.concat(chunks)));
    req.on('error', reject); // a client gone mid-body: the caller gives back what it held
  });
}

export class ChainHttpServer {
  private server: Server | null = null;
  private readonly sockets = new Set<import('node:net').Socket>();

  private readonly inFlight: InFlight;

  constructor(
    private readonly api: Pick<ChainApi, 'endpoints' | 'peerosEndpoints'>,
    /** Bytes of request bodies held at once (tests lower it). */
    maxBytesInFlight = MAX_BYTES_IN_FLIGHT,
  ) {
    this.inFlight = { bytes: 0, max: maxBytesInFlight };
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  async listen(at: HttpEndpoint): Promise<HttpEndpoint> {
    const server = createServer(
      {
        requestTimeout: REQUEST_TIMEOUT_MS,
        headersTimeout: HEADERS_TIMEOUT_MS,
        keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
        connectionsCheckingInterval: CONNECTIONS_CHECK_MS,
        maxHeaderSize: 16 * 1024,
      },
      (req, res) => {
        req.socket.setTimeout(0); // a request arrived: its deadlines and keep-alive's apply from here
        void this.handle(req, res);
      },
    );
    server.maxConnections = MAX_CONNECTIONS;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      // silent until its first request's headers are whole (node:http's deadlines start at a byte)
      s.setTimeout(HEADERS_TIMEOUT_MS, () => s.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.port, at.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    return { host: addr.address, port: addr.port };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const held = { bytes: 0 };
    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-origin': '*',
          'access-control-allow-headers': '*',
          'access-control-allow-methods': 'GET, POST, OPTIONS',
        });
        res.end();
        return;
      }
      const path = (req.url ?? '').split('?')[0]!;
      const m = /^\/v1\/(?:chain|peeros)\/([a-z_0-9]+)$/.exec(path);
      const ns = path.startsWith('/v1/peeros/') ? this.api.peerosEndpoints : this.api.endpoints;
      const handler = m ? ns[m[1]!] : undefined;
      if (!handler) {
        req.resume();
        send(res, 404, {
          code: 404,
          message: 'Not Found',
          error: {
            code: 0,
            name: 'exception',
            what: 'unspecified',
            details: [{ message: `Unknown Endpoint: ${path}`, file: '', line_number: 0, method: '' }],
          },
        });
        return;
      }
      const raw = await readBody(req, this.inFlight, held);
      if (raw === 'too-large') {
        const e = new ChainError('invalid_http_request', `request body exceeds the limit of ${MAX_BODY_BYTES} bytes`);
        send(res, 413, errorJson(413, 'Payload Too Large', e));
        return;
      }
      if (raw === 'busy') {
        const e = new ChainError(
          'http_request_fail',
          `the node holds ${this.inFlight.max} bytes of request bodies already (MAX_BYTES_IN_FLIGHT): try again shortly`,
        );
        send(res, 503, errorJson(503, 'Service Unavailable', e));
        return;
      }
      let body: unknown;
      try {
        body = parseRequestBody(raw);
      } catch (err) {
        send(res, 400, errorJson(400, 'Invalid Request', err as ChainError));
        return;
      }
      const result = await handler(body);
      send(res, /^(push|send)_transaction/.test(m![1]!) ? 202 : 200, result);
    } catch (err) {
      const e = toChainError(err, 'chain_exception');
      const [status, message] = statusOf(e);
      if (!res.headersSent) send(res, status, errorJson(status, message, e));
      else res.destroy();
    } finally {
      this.inFlight.bytes -= held.bytes;
    }
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      for (const sock of this.sockets) sock.destroy();
    });
  }
}
