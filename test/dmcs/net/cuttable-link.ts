// A TCP forwarder on 127.0.0.1 between one node and one peer, which a test can cut (every
// connection dropped, new ones refused) and heal: a network partition without touching the nodes.
import { connect, createServer, type Server, type Socket } from 'node:net';

export class CuttableLink {
  private cut = false;
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server) {}

  static async open(target: string): Promise<CuttableLink> {
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    let link!: CuttableLink;
    const server = createServer((inbound) => {
      if (link.cut) {
        inbound.destroy();
        return;
      }
      const outbound = connect(port, host);
      for (const s of [inbound, outbound]) {
        link.sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          link.sockets.delete(s);
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    link = new CuttableLink(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return link;
  }

  get address(): string {
    const a = this.server.address();
    return typeof a === 'object' && a ? `127.0.0.1:${a.port}` : '';
  }

  setCut(cut: boolean): void {
    this.cut = cut;
    if (cut) for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.setCut(true);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
