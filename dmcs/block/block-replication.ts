/**
 * Peer replication of the block log over TCP: the producing node listens (`--replicate
 * HOST:PORT`) and pipes every connection into its corestore's replication stream; a replica
 * (`--follow URL`) dials it, downloads the hypercore in full, and redials every
 * `RECONNECT_MS` while disconnected, so it catches up after being offline. Hypercore verifies
 * every block against the log's key; the replica additionally checks producer signatures and
 * merkle roots when it applies blocks (chain.ts `applyLoggedBlock`).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { BlockLog } from './block-log.js';
import type { HttpEndpoint } from '../endpoint.js';

/** How long a replica waits before redialing a lost producer. */
export const RECONNECT_MS = 1000;

export class ReplicationServer {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    readonly address: HttpEndpoint,
  ) {}

  static async listen(log: BlockLog, at: HttpEndpoint): Promise<ReplicationServer> {
    const sockets = new Set<Socket>();
    const server = createServer((sock) => {
      sock.setNoDelay(true);
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      log.replicate(sock, false);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.port, at.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const a = server.address() as AddressInfo;
    return new ReplicationServer(server, sockets, { host: a.address, port: a.port });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export class ReplicationClient {
  private socket: Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly log: BlockLog,
    private readonly at: HttpEndpoint,
  ) {}

  start(): void {
    if (this.closed) return;
    const sock = connect(this.at.port, this.at.host);
    this.socket = sock;
    sock.setNoDelay(true);
    sock.on('connect', () => this.log.replicate(sock, true));
    sock.on('error', () => {});
    sock.on('close', () => {
      this.socket = null;
      if (!this.closed) this.timer = setTimeout(() => this.start(), RECONNECT_MS);
    });
  }

  get connected(): boolean {
    return this.socket !== null && !this.socket.connecting;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.destroy();
  }
}
