/**
 * A scripted Antelope chain API test double on a real HTTP server (127.0.0.1, ephemeral port):
 * get_info, get_account, get_table_rows, get_block, push_transaction, with Antelope's error JSON
 * (`tx_duplicate`, `expired_tx_exception`, or any scripted refusal), execution counts per
 * transaction id, and ways to go down: refuse connections (server closed), reset sockets, answer
 * 502 like a proxy, or hang.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';

export type DownMode = 'reset' | 'bad-gateway' | 'hang';

export const TEST_CHAIN_ID = 'cf057bbfb72640471fd910bcb67639c22df9f92470936cddc1ade0e2f2e7dc4f';

const EXCEPTIONS: Record<string, number> = {
  tx_duplicate: 3040008,
  expired_tx_exception: 3040005,
  unsatisfied_authorization: 3090003,
  eosio_assert_message_exception: 3050003,
  account_query_exception: 3060002,
  unknown_block_exception: 3100002,
};

export function antelopeError(name: string, message: string): object {
  return {
    code: 500,
    message: 'Internal Service Error',
    error: {
      code: EXCEPTIONS[name] ?? 3000000,
      name,
      what: name.replace(/_/g, ' '),
      details: [{ message, file: 'fake-chain.ts', line_number: 1, method: 'push' }],
    },
  };
}

function blockId(num: number): string {
  const b = randomBytes(32);
  b.writeUInt32BE(num, 0);
  return b.toString('hex');
}

export class FakeChain {
  readonly chainId: string;
  head = 1;
  readonly blockIds = new Map<number, string>([[1, blockId(1)]]);
  readonly blockTx = new Map<number, string[]>([[1, []]]);
  /** Times each transaction id was executed. */
  readonly executions = new Map<string, number>();
  /** Every request path, in order. */
  readonly requests: string[] = [];
  readonly tables = new Map<string, unknown[]>();
  readonly accounts = new Map<string, Record<string, unknown>>();
  /** When true, a successful push produces its block at once; else blocks wait for `produce()`. */
  autoProduce = true;
  /** Transaction id → Antelope exception name to refuse it with (once). */
  readonly rejectOnce = new Map<string, string>();
  /** Called after a push executed and before the reply; return 'hold' to never answer it, 'garble'
   * to answer 200 with a body that is not JSON (a reply the host cannot trust). */
  onExecuted: ((id: string) => 'reply' | 'hold' | 'garble') | undefined;
  /** Omit `transactions` from get_block (like a node that prunes them). */
  blocksWithoutTransactions = false;
  now: () => number = Date.now;
  #down: DownMode | undefined;
  #server: Server | undefined;
  #port = 0;
  readonly #sockets = new Set<Socket>();
  #pending: string[] = [];

  constructor(chainId = TEST_CHAIN_ID) {
    this.chainId = chainId;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  /** Starts listening (again on the same port after `stop()`). */
  async start(): Promise<this> {
    const server = createServer((req, res) => void this.#handle(req, res));
    server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  /** Closes the listening socket and every connection: clients get ECONNREFUSED. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  down(mode: DownMode): void {
    this.#down = mode;
  }

  up(): void {
    this.#down = undefined;
  }

  /** Produces one block holding the transactions executed since the last one. */
  produce(): number {
    this.head++;
    this.blockIds.set(this.head, blockId(this.head));
    this.blockTx.set(this.head, this.#pending);
    this.#pending = [];
    return this.head;
  }

  setTable(code: string, scope: string, table: string, rows: unknown[]): void {
    this.tables.set(`${code}/${scope}/${table}`, rows);
  }

  count(path: string): number {
    return this.requests.filter((p) => p === path).length;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.#down === 'reset') {
      req.socket.destroy();
      return;
    }
    if (this.#down === 'hang') return;
    if (this.#down === 'bad-gateway') {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = req.url ?? '';
    this.requests.push(path);
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      return this.#send(res, 400, antelopeError('parse_error_exception', 'body is not JSON'));
    }
    switch (path) {
      case '/v1/chain/get_info':
        return this.#send(res, 200, {
          server_version: 'fake',
          chain_id: this.chainId,
          head_block_num: this.head,
          last_irreversible_block_num: this.head,
          last_irreversible_block_id: this.blockIds.get(this.head),
          head_block_id: this.blockIds.get(this.head),
          head_block_time: new Date(this.now()).toISOString().slice(0, -1),
          head_block_producer: 'eosio',
        });
      case '/v1/chain/get_account': {
        const a = this.accounts.get(String(body.account_name));
        if (!a)
          return this.#send(
            res,
            500,
            antelopeError('account_query_exception', `unknown key (eosio::chain::name): ${String(body.account_name)}`),
          );
        return this.#send(res, 200, a);
      }
      case '/v1/chain/get_table_rows': {
        const rows = this.tables.get(`${String(body.code)}/${String(body.scope)}/${String(body.table)}`) ?? [];
        return this.#send(res, 200, { rows, more: false, next_key: '' });
      }
      case '/v1/chain/get_block': {
        const n = Number(body.block_num_or_id);
        if (!this.blockIds.has(n)) return this.#send(res, 500, antelopeError('unknown_block_exception', `Could not find block: ${n}`));
        return this.#send(res, 200, {
          block_num: n,
          id: this.blockIds.get(n),
          producer: 'eosio',
          ...(this.blocksWithoutTransactions
            ? {}
            : { transactions: (this.blockTx.get(n) ?? []).map((id) => ({ status: 'executed', trx: { id } })) }),
        });
      }
      case '/v1/chain/push_transaction':
        return this.#push(res, body);
      default:
        return this.#send(res, 404, {
          code: 404,
          message: 'Not Found',
          error: { code: 0, name: 'exception', what: 'unspecified', details: [{ message: `Unknown Endpoint ${path}` }] },
        });
    }
  }

  #push(res: ServerResponse, body: Record<string, unknown>): void {
    let trx = Buffer.from(String(body.packed_trx ?? ''), 'hex');
    if (body.compression === 1 || body.compression === 'zlib') trx = inflateSync(trx);
    const id = createHash('sha256').update(trx).digest('hex');
    const expiration = trx.readUInt32LE(0) * 1000;
    const scripted = this.rejectOnce.get(id);
    if (scripted) {
      this.rejectOnce.delete(id);
      return this.#send(res, 500, antelopeError(scripted, `scripted refusal of ${id}`));
    }
    if (this.executions.has(id)) return this.#send(res, 500, antelopeError('tx_duplicate', `duplicate transaction ${id}`));
    if (expiration <= this.now()) return this.#send(res, 500, antelopeError('expired_tx_exception', `expired transaction ${id}`));
    this.executions.set(id, (this.executions.get(id) ?? 0) + 1);
    this.#pending.push(id);
    const blockNum = this.head + 1;
    if (this.autoProduce) this.produce();
    const answer = this.onExecuted?.(id);
    if (answer === 'hold') return;
    if (answer === 'garble') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>executed</html>');
      return;
    }
    this.#send(res, 202, {
      transaction_id: id,
      processed: {
        id,
        block_num: blockNum,
        block_time: new Date(this.now()).toISOString().slice(0, -1),
        receipt: { status: 'executed', cpu_usage_us: 100, net_usage_words: 16 },
        elapsed: 100,
        action_traces: [],
      },
    });
  }

  #send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  }
}
