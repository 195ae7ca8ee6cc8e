/**
 * The console's open connections, bounded. Any local process can connect to the console's port; each
 * connection holds a file descriptor and memory in the host process until a timeout closes it (an
 * idle one about 30–40 s: headersTimeout, checked every 30 s), so thousands of idle connections
 * filled the process's descriptor table: the user's browser was refused and the host could open no
 * file (vault, logs, stores). Past {@link MAX_CONSOLE_CONNECTIONS}, each new connection closes the
 * oldest one that is not serving a request of the session: idle keep-alive connections, connections
 * that have sent nothing or a partial request, requests without the session. A process without the
 * session's cookie and token therefore cannot hold a slot the user needs; the user's browser reopens
 * an idle connection it lost.
 */
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Connections open at once. The page uses fetch only (no WebSocket, no event stream): a browser
 * opens at most 6 connections a host, shared by its tabs; 32 leaves room for a few browsers or
 * profiles and the tests' parallel requests.
 */
export const MAX_CONSOLE_CONNECTIONS = 32;
/** How long an idle keep-alive connection stays open: Node's 5 s, said here so it is one decision. */
export const CONSOLE_KEEP_ALIVE_MS = 5_000;

export class ConnectionLimit {
  /** Open connections, oldest first (a Set keeps insertion order; at most MAX + 1 entries). */
  readonly #open = new Set<Socket>();
  /** Connections serving a request of the session, until its answer is sent or the connection closes. */
  readonly #serving = new Set<Socket>();

  constructor(server: Server) {
    server.keepAliveTimeout = CONSOLE_KEEP_ALIVE_MS;
    server.on('connection', (socket: Socket) => this.#opened(socket));
  }

  get open(): number {
    return this.#open.size;
  }

  /** Keeps `res`'s connection from being closed for room while it answers (called once its request has shown the session). */
  protect(res: ServerResponse): void {
    const socket = res.socket;
    if (!socket) return;
    this.#serving.add(socket);
    res.once('close', () => this.#serving.delete(socket));
  }

  #opened(socket: Socket): void {
    this.#open.add(socket);
    socket.once('close', () => {
      this.#open.delete(socket);
      this.#serving.delete(socket);
    });
    if (this.#open.size <= MAX_CONSOLE_CONNECTIONS) return;
    // the oldest connection not serving the session (the new one itself when every other one is)
    for (const s of this.#open) {
      if (this.#serving.has(s)) continue;
      this.#open.delete(s);
      s.destroy();
      return;
    }
  }
}
