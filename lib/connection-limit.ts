/**
 * An HTTP server's open connections, bounded. Any local process can connect to a loopback port;
 * each connection holds a file descriptor and memory until a timeout closes it (one that sends
 * nothing: never, in node:http), so thousands of idle connections filled the process's descriptor
 * table and its user's own clients and files were refused. Past `max`, each new connection closes
 * the oldest one that is not serving a request the server has authenticated (`protect`): idle
 * keep-alive connections, connections that have sent nothing or a partial request, requests that
 * showed no credential. A process without the credential therefore cannot hold a slot the user
 * needs; the user's client reopens an idle connection it lost. Used by the console
 * (runtime/console/connection-limit.ts) and `peeros agent` (runtime/cli/wallet-agent-limits.ts).
 */
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export class ConnectionLimit {
  /** Open connections, oldest first (a Set keeps insertion order; at most max + 1 entries). */
  readonly #open = new Set<Socket>();
  /** Connections serving an authenticated request, until its answer is sent or the connection closes. */
  readonly #serving = new Set<Socket>();

  constructor(
    server: Server,
    readonly max: number,
  ) {
    server.on('connection', (socket: Socket) => this.#opened(socket));
  }

  get open(): number {
    return this.#open.size;
  }

  /** Keeps `res`'s connection from being closed for room while it answers (called once its request has shown its credential). */
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
    if (this.#open.size <= this.max) return;
    // the oldest connection not serving an authenticated request (the new one itself when every other one is)
    for (const s of this.#open) {
      if (this.#serving.has(s)) continue;
      this.#open.delete(s);
      s.destroy();
      return;
    }
  }
}
