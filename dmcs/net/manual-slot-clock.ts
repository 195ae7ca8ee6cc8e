/**
 * A test clock for a producing node (`peeros node --dev --slot-clock manual`): instead of a timer
 * at every 500 ms slot boundary, the node produces when told "slot N has come" over a small HTTP
 * endpoint bound to 127.0.0.1 only. A test drives a cluster of node processes slot by slot (each
 * node asked in turn; the slot's producer makes the block, the others answer null), so hundreds of
 * rounds take seconds and no test depends on wall-clock timing. The node's notion of "now" is the
 * latest slot it was given (never earlier than its start), so pending blocks and expirations follow
 * the driven time. Refused on a node that is not a development chain (see node.ts): a production
 * node uses wall time.
 *
 *   POST /slot  {"slot": N}  → {"produced": {num, id, producer} | null, "head": HeadView}
 *   GET  /head               → HeadView = {num, id, lib, timestamp, producer}
 *
 * Everything sent to it is bounded (body size, slot range) and a request from anything but a
 * loopback address is refused.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CodedError } from '../../lib/coded-error.js';
import { BlockTimestamp } from '../../abi/antelope/index.js';

/** The largest request body the clock reads (`{"slot": 4294967295}` is 20 bytes). */
export const MAX_CLOCK_BODY_BYTES = 256;

/** Where this node's head is, as the clock reports it. */
export interface ClockHeadView {
  num: number;
  id: string;
  lib: number;
  timestamp: number;
  producer: string;
}

export interface ClockHost {
  /** Produces the block of `slot` when it is this node's (null otherwise). */
  produceSlot(slot: number): Promise<{ num: number; id: string; producer: string } | null>;
  head(): ClockHeadView;
}

export class SlotClockError extends CodedError<'SLOT_CLOCK'> {
  override readonly name = 'SlotClockError';
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super('SLOT_CLOCK', message);
  }
}

/** Parses a `POST /slot` body: a JSON object with an integer `slot` in 1..2^32-1. */
export function parseSlotRequest(raw: string): number {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    throw new SlotClockError('body is not JSON');
  }
  const slot = (doc as { slot?: unknown } | null)?.slot;
  if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 1 || slot > 0xffff_ffff)
    throw new SlotClockError('expected {"slot": N} with N an integer in 1..4294967295');
  return slot;
}

const isLoopback = (addr: string | undefined): boolean =>
  addr !== undefined && (addr.startsWith('127.') || addr === '::1' || addr.startsWith('::ffff:127.'));

export class ManualSlotClock {
  private server: Server | null = null;
  /** Milliseconds of the latest slot given (or of the start). */
  private nowMsValue = Date.now();

  constructor(private readonly host: ClockHost) {}

  /** The node's time: the latest slot driven, or the start time before any. */
  nowMs(): number {
    return this.nowMsValue;
  }

  /** Moves the clock to `slot` (never backwards) and produces it when it is this node's. */
  async tick(slot: number): Promise<{ num: number; id: string; producer: string } | null> {
    this.nowMsValue = Math.max(this.nowMsValue, new BlockTimestamp(slot).toMilliseconds());
    return this.host.produceSlot(slot);
  }

  /** Listens on 127.0.0.1 (any free port). */
  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: Error) => reply(res, e instanceof SlotClockError ? e.status : 500, { error: e.message }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  get address(): string | null {
    const a = this.server?.address();
    return a && typeof a === 'object' ? `${a.address}:${a.port}` : null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopback(req.socket.remoteAddress)) throw new SlotClockError('the slot clock answers loopback clients only', 403);
    // a web page can reach 127.0.0.1 too: through a name rebound to it (its own Host) or a cross-site
    // request (an Origin); only a local program that names this address drives the clock
    const port = (this.server?.address() as { port?: number } | null)?.port;
    const host = req.headers.host;
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
      throw new SlotClockError(`Host ${JSON.stringify(host ?? '')} refused`, 403);
    if (req.headers.origin !== undefined) throw new SlotClockError('requests from web pages (an Origin header) are refused', 403);
    if (req.method === 'GET' && req.url === '/head') return reply(res, 200, this.host.head());
    if (req.method !== 'POST' || req.url !== '/slot') throw new SlotClockError('POST /slot or GET /head', 404);
    const slot = parseSlotRequest(await readBody(req));
    const produced = await this.tick(slot);
    reply(res, 200, { produced, head: this.host.head() });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_CLOCK_BODY_BYTES) {
        reject(new SlotClockError(`body over ${MAX_CLOCK_BODY_BYTES} bytes`, 413));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
