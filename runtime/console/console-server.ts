/**
 * `peeros console`'s HTTP server (node:http, loopback only). Every request passes, in order: the
 * Host/Origin guard (DNS rebinding, other sites), then for the API the session cookie and the
 * session's token header, on reads as on writes (the cookie alone reaches other localhost ports;
 * console-session.ts), and for a state-changing request a JSON body under its cap. The one route
 * with the cookie alone is an app screen's images (an <img> sends no header). Every answer carries
 * the strict security headers (request-guard.ts). The page is static files read once at start.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { CodedError } from '../../lib/coded-error.js';
import { terminalText } from '../../lib/terminal-text.js';
import { ConsoleError } from './console-error.js';
import { ConsoleSessions, CSRF_HEADER } from './console-session.js';
import { RequestGuard, SECURITY_HEADERS, isLoopbackHost } from './request-guard.js';
import { API_READS, API_WRITES, type ApiBody } from './console-api.js';
import { SIGNING_READS, SIGNING_WRITES } from './signing-api.js';
import { ACCOUNT_READS, ACCOUNT_WRITES } from './account-api.js';
import { CONTRACT_READS, CONTRACT_WRITES } from './contract-api.js';
import { SHARE_READS, SHARE_WRITES } from './share-api.js';
import type { ConsoleHost } from './console-host.js';
import { readScreenImage } from './screen-image.js';
import { ConnectionLimit } from '../../lib/connection-limit.js';
import { CONSOLE_KEEP_ALIVE_MS, MAX_CONSOLE_CONNECTIONS } from './connection-limit.js';

/** Request bodies are a passphrase or a name: 64 KiB is far above any of them. */
export const MAX_BODY_BYTES = 64 * 1024;
/** The page that runs an app's screen. */
const APP_SCREEN_PAGE = '/app.html';
/** Sec-Fetch-Site values of a request another site started (a link, a form, a redirect). */
const CROSS_SITE = new Set(['cross-site', 'same-site']);

const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/page-tools.js': { file: 'page-tools.js', type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
  // an app's screen (runtime/ui): its own page, so an app's frame never shares the chrome's DOM
  '/app.html': { file: 'app.html', type: 'text/html; charset=utf-8' },
  '/app-screen.js': { file: 'app-screen.js', type: 'text/javascript; charset=utf-8' },
  '/app-screen.css': { file: 'app-screen.css', type: 'text/css; charset=utf-8' },
  '/signing-dialog.js': { file: 'signing-dialog.js', type: 'text/javascript; charset=utf-8' },
  '/signing-dialog.css': { file: 'signing-dialog.css', type: 'text/css; charset=utf-8' },
  '/guarded-actions.js': { file: 'guarded-actions.js', type: 'text/javascript; charset=utf-8' },
  '/account-page.js': { file: 'account-page.js', type: 'text/javascript; charset=utf-8' },
  '/contracts-page.js': { file: 'contracts-page.js', type: 'text/javascript; charset=utf-8' },
  '/install-dialog.js': { file: 'install-dialog.js', type: 'text/javascript; charset=utf-8' },
  '/shares-page.js': { file: 'shares-page.js', type: 'text/javascript; charset=utf-8' },
};

/** Where an app screen's images are served from (`?app=NAME&path=assets/...`; runtime/console/screen-image.ts). */
const SCREEN_IMAGE_PATH = '/api/apps/asset';

export interface ConsoleServerOptions {
  host: ConsoleHost;
  /** Loopback host name or address (default 127.0.0.1). */
  listenHost?: string;
  /** 0 (default): a free port. */
  port?: number;
  /** Where unexpected failures are reported (default stderr). */
  onError?: (err: unknown) => void;
}

export class ConsoleServer {
  readonly #server: Server;
  readonly #host: ConsoleHost;
  readonly #sessions = new ConsoleSessions();
  readonly #static = new Map<string, { body: Buffer; type: string }>();
  readonly #onError: (err: unknown) => void;
  readonly #connections: ConnectionLimit;
  #guard: RequestGuard | undefined;
  #url = '';

  private constructor(o: ConsoleServerOptions) {
    this.#host = o.host;
    this.#onError = o.onError ?? ((err) => process.stderr.write(`peeros console: ${(err as Error)?.stack ?? String(err)}\n`));
    const dir = new URL('./static/', import.meta.url);
    for (const [path, f] of Object.entries(STATIC_FILES))
      this.#static.set(path, { body: readFileSync(new URL(f.file, dir)), type: f.type });
    this.#server = createServer((req, res) => {
      this.#serve(req, res).catch((err) => this.#fail(res, err));
    });
    this.#server.headersTimeout = 10_000;
    this.#server.requestTimeout = 30_000;
    this.#server.keepAliveTimeout = CONSOLE_KEEP_ALIVE_MS;
    this.#connections = new ConnectionLimit(this.#server, MAX_CONSOLE_CONNECTIONS);
  }

  /** Starts listening on loopback; refuses any other host with NOT_LOOPBACK. */
  static async start(o: ConsoleServerOptions): Promise<ConsoleServer> {
    const listenHost = o.listenHost ?? '127.0.0.1';
    if (!isLoopbackHost(listenHost))
      throw new ConsoleError(
        'NOT_LOOPBACK',
        `the console listens on loopback only (127.0.0.1, localhost or ::1), not '${listenHost}': it holds an unlocked vault`,
      );
    const s = new ConsoleServer(o);
    const bindTo = listenHost === 'localhost' ? '127.0.0.1' : listenHost.replace(/^\[|\]$/g, '');
    await new Promise<void>((resolve, reject) => {
      s.#server.once('error', reject);
      s.#server.listen(o.port ?? 0, bindTo, () => resolve());
    });
    const port = (s.#server.address() as AddressInfo).port;
    s.#guard = new RequestGuard(port);
    s.#url = `http://${bindTo.includes(':') ? `[${bindTo}]` : bindTo}:${port}/`;
    return s;
  }

  /** The console's address, without the secret. */
  get url(): string {
    return this.#url;
  }

  /** The URL to open: the address with the launch secret in the fragment (until it is exchanged). */
  get launchUrl(): string {
    return `${this.#url}#${this.#sessions.secret ?? ''}`;
  }

  /** Connections open now (at most MAX_CONSOLE_CONNECTIONS, connection-limit.ts). */
  get connections(): number {
    return this.#connections.open;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#guard!.check({ host: req.headers.host, origin: req.headers.origin });
    const path = requestPath(req.url);
    const method = req.method ?? 'GET';
    const file = this.#static.get(path);
    if (file) {
      if (method !== 'GET' && method !== 'HEAD') throw new ConsoleError('METHOD_NOT_ALLOWED', `${method} ${path}`);
      // an app screen runs the app (its ui.render) as it loads: only from the console itself or the
      // address bar, never on a navigation from another site (other localhost ports included)
      if (path === APP_SCREEN_PAGE && CROSS_SITE.has(String(req.headers['sec-fetch-site'] ?? '')))
        throw new ConsoleError('FORBIDDEN_ORIGIN', 'an app screen opens from the console itself, not from another site');
      return this.#send(res, 200, file.body, file.type);
    }
    if (path === '/api/session') {
      if (method === 'POST') {
        // the one POST without a session: it creates one, from the launch secret, and is the only
        // answer that carries the session's token (no GET gives it back: the cookie alone is no session)
        const body = await readJson(req);
        const s = this.#sessions.exchange(body.secret);
        res.setHeader('set-cookie', ConsoleSessions.cookie(s.id));
        return this.#json(res, 200, { csrf: s.csrf });
      }
      throw new ConsoleError('METHOD_NOT_ALLOWED', `${method} ${path}`);
    }
    if (path === SCREEN_IMAGE_PATH) {
      // an image of an app screen: a file of the app's own package, a raster type by its bytes (screen-image.ts)
      if (method !== 'GET') throw new ConsoleError('METHOD_NOT_ALLOWED', `${method} ${path}`);
      // the cookie alone: an <img> sends no header, and these are files of an installed app's own
      // package, no secret (a blob: URL would need img-src blob: in the CSP)
      this.#sessions.checkCookie(req.headers.cookie);
      this.#connections.protect(res);
      const q = new URL(req.url ?? '/', 'http://console').searchParams;
      const img = await readScreenImage(this.#host.home, q.get('app') ?? '', q.get('path') ?? '');
      return this.#send(res, 200, Buffer.from(img.bytes), img.type);
    }
    const read = API_READS[path] ?? SIGNING_READS[path] ?? ACCOUNT_READS[path] ?? CONTRACT_READS[path] ?? SHARE_READS[path];
    const write = API_WRITES[path] ?? SIGNING_WRITES[path] ?? ACCOUNT_WRITES[path] ?? CONTRACT_WRITES[path] ?? SHARE_WRITES[path];
    if (!read && !write) throw new ConsoleError('NOT_FOUND', `no such page: ${path}`);
    if (method === 'GET' && read) {
      this.#checkSession(req, res);
      return this.#json(res, 200, await read(this.#host, {}));
    }
    if (method === 'POST' && write) {
      this.#checkSession(req, res);
      return this.#json(res, 200, await write(this.#host, await readJson(req)));
    }
    throw new ConsoleError('METHOD_NOT_ALLOWED', `${method} ${path}`);
  }

  /** The session's cookie and its token header, on every API read and write; the session's requests keep their connection (connection-limit.ts). */
  #checkSession(req: IncomingMessage, res: ServerResponse): void {
    const token = req.headers[CSRF_HEADER];
    this.#sessions.check(req.headers.cookie, typeof token === 'string' ? token : undefined);
    this.#connections.protect(res);
  }

  #send(res: ServerResponse, status: number, body: Buffer | string, type: string): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  #json(res: ServerResponse, status: number, value: unknown): void {
    this.#send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
  }

  #fail(res: ServerResponse, err: unknown): void {
    // the client closed its connection before its request was read (a flood churning connections,
    // or the connection limit closing one for room): nobody to answer and nothing failed here. Each
    // was reported as an unexpected failure, 5 lines of stack on the console's terminal: a local
    // process wrote 41 KB there with 200 half-sent requests
    if ((err as NodeJS.ErrnoException)?.code === 'ECONNRESET' && (res.socket?.destroyed ?? true)) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof ConsoleError) return this.#json(res, err.status, { error: { code: err.code, message: err.message } });
    // a domain's refusal (a wrong passphrase, an unknown DMCS): its code and message, not a crash
    // (its message may quote app text: escaped as for the terminal)
    if (err instanceof CodedError) return this.#json(res, 400, { error: { code: err.code, message: terminalText(err.message) } });
    this.#onError(err);
    this.#json(res, 500, { error: { code: 'INTERNAL', message: 'internal error (see the console terminal)' } });
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** The path of a request target; one that is no URL (`//[`) is BAD_REQUEST, not a crash logged with its stack. */
function requestPath(target: string | undefined): string {
  try {
    return new URL(target ?? '/', 'http://console').pathname;
  } catch {
    throw new ConsoleError('BAD_REQUEST', 'the request target is not a path');
  }
}

/** The request's body as a JSON object: JSON content type only, at most MAX_BODY_BYTES. */
async function readJson(req: IncomingMessage): Promise<ApiBody> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    req.resume();
    throw new ConsoleError('NOT_JSON', 'request bodies are JSON (Content-Type: application/json)');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    throw new ConsoleError('BODY_TOO_LARGE', `request bodies are at most ${MAX_BODY_BYTES} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY_BYTES) throw new ConsoleError('BODY_TOO_LARGE', `request bodies are at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(c);
  }
  let v: unknown;
  try {
    v = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new ConsoleError('BAD_REQUEST', 'the body is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConsoleError('BAD_REQUEST', 'the body must be a JSON object');
  return v as ApiBody;
}
