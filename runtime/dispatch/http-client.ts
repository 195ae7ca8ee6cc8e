/**
 * The chain API's HTTP transport: JSON POSTs to one endpoint over `node:http`/`node:https` with a
 * keep-alive agent of its own (bounded sockets), a deadline per request, and a bounded body read.
 *
 * It replaces the global `fetch` on the push path: undici's fetch builds web streams, a Request and
 * a Response per call, about 0.5-0.7 ms of main-thread CPU each (docs/performance.md); a plain
 * `http.request` on a kept-alive socket does the same exchange for a fraction of it.
 *
 * What it decides is the transport only; the HTTP status and the body's meaning are the backend's
 * (http-backend.ts). Its failures are `DmcsError`s: `UNREACHABLE` (refused, DNS, reset, timeout,
 * a reply that broke off; `notDelivered` when no byte of the request can have reached the server)
 * and `BAD_REPLY` (a body over the cap, a compressed body it did not ask for).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { DmcsError } from './dmcs-error.js';
import { KEEP_ALIVE_IDLE_MS, MAX_SOCKETS_PER_DMCS } from './limits.js';

/** Connection failures that happen before a single byte of the request is sent. */
const NOT_DELIVERED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface HttpReply {
  status: number;
  /** The `location` header of a redirect, if any. */
  location: string | undefined;
  body: string;
}

export interface ChainHttpClientOptions {
  /** Name used in error messages. */
  label: string;
  /** Deadline of one request, from the call to the last byte of the reply. */
  timeoutMs: number;
  /** Largest reply body read. */
  maxReplyBytes: number;
  /** How long an idle socket is kept (KEEP_ALIVE_IDLE_MS unless a test shortens it). */
  keepAliveIdleMs?: number | undefined;
}

export class ChainHttpClient {
  readonly #origin: URL;
  readonly #basePath: string;
  readonly #agent: HttpAgent;
  readonly #request: typeof httpRequest;
  readonly #opts: ChainHttpClientOptions;

  /** `endpoint` is an already normalised http(s) URL without a trailing slash. */
  constructor(endpoint: string, opts: ChainHttpClientOptions) {
    this.#origin = new URL(endpoint);
    this.#basePath = this.#origin.pathname === '/' ? '' : this.#origin.pathname;
    this.#opts = opts;
    const agentOpts = {
      keepAlive: true,
      maxSockets: MAX_SOCKETS_PER_DMCS,
      maxFreeSockets: MAX_SOCKETS_PER_DMCS,
      // idle sockets are closed after this (or earlier when the server's Keep-Alive hint is shorter)
      timeout: opts.keepAliveIdleMs ?? KEEP_ALIVE_IDLE_MS,
      scheduling: 'lifo' as const,
    };
    const https = this.#origin.protocol === 'https:';
    this.#agent = https ? new HttpsAgent(agentOpts) : new HttpAgent(agentOpts);
    this.#request = https ? (httpsRequest as typeof httpRequest) : httpRequest;
  }

  /** Sockets open now (busy and idle): what the keep-alive test and a curious caller look at. */
  openSockets(): number {
    return this.#sockets().length;
  }

  /** Closes every socket and resolves once they are closed; requests made afterwards open new ones. */
  async close(): Promise<void> {
    const closing = this.#sockets()
      .filter((s) => !s.closed)
      .map((s) => once(s, 'close').catch(() => undefined));
    this.#agent.destroy();
    await Promise.all(closing);
  }

  #sockets(): Socket[] {
    const all = (m: NodeJS.ReadOnlyDict<Socket[]>) => Object.values(m).flatMap((l) => l ?? []);
    return [...all(this.#agent.sockets), ...all(this.#agent.freeSockets)];
  }

  /** POSTs the JSON bytes `body` to `path` and returns the status and the body read in full. */
  post(path: string, body: Buffer): Promise<HttpReply> {
    const { label, timeoutMs, maxReplyBytes } = this.#opts;
    return new Promise<HttpReply>((resolve, reject) => {
      let req: ClientRequest | undefined;
      let settled = false;
      let replyStarted = false;
      const fail = (err: DmcsError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req?.destroy();
        reject(err);
      };
      const timer = setTimeout(
        () =>
          fail(
            DmcsError.unreachable(
              label,
              replyStarted ? `the reply to ${path} broke off: no answer within ${timeoutMs} ms` : `no answer within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      req = this.#request(
        {
          protocol: this.#origin.protocol,
          hostname: this.#origin.hostname.replace(/^\[|\]$/g, ''),
          port: this.#origin.port || undefined,
          path: this.#basePath + path,
          method: 'POST',
          agent: this.#agent,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'content-length': body.byteLength,
          },
        },
        (res) => {
          replyStarted = true;
          this.#read(res, path, maxReplyBytes, label).then(
            (reply) => {
              if (settled) return;
              settled = true;
              clearTimeout(timer);
              resolve(reply);
            },
            (err: DmcsError) => fail(err),
          );
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (settled) return;
        const code = err.code;
        const why = code ? `${code} (${err.message})` : err.message;
        fail(
          replyStarted
            ? DmcsError.unreachable(label, `the reply to ${path} broke off: ${why}`, err)
            : DmcsError.unreachable(label, why, err, undefined, code !== undefined && NOT_DELIVERED_CODES.has(code)),
        );
      });
      req.end(body);
    });
  }

  #read(res: IncomingMessage, path: string, max: number, label: string): Promise<HttpReply> {
    const status = res.statusCode ?? 0;
    const location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
    return new Promise<HttpReply>((resolve, reject) => {
      const refuse = (err: DmcsError) => {
        res.destroy();
        reject(err);
      };
      const declared = Number(res.headers['content-length'] ?? Number.NaN);
      if (Number.isFinite(declared) && declared > max) {
        refuse(DmcsError.badReply(label, `reply of ${declared} bytes exceeds the ${max}-byte limit`, status));
        return;
      }
      const encoding = res.headers['content-encoding'];
      if (encoding !== undefined && encoding !== 'identity') {
        // not asked for (no accept-encoding is sent); decoding it would put an unbounded inflate here
        refuse(
          DmcsError.badReply(label, `${path} answered with a body encoded as ${JSON.stringify(encoding)}, which was not asked for`, status),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > max) {
          refuse(DmcsError.badReply(label, `reply exceeds the ${max}-byte limit`, status));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status, location, body: Buffer.concat(chunks, size).toString('utf8') }));
      // a reply cut short (the server closed mid-body) ends in 'aborted' + 'error' on the response
      res.on('error', (err: NodeJS.ErrnoException) =>
        reject(DmcsError.unreachable(label, `the reply to ${path} broke off: ${err.code ?? err.message}`, err, status)),
      );
    });
  }
}
