/**
 * What the HTTP server serves while the node starts: the server listens before the state snapshot
 * is loaded and the block log replayed, so a restart is never dark. Until `open()`, `get_info`
 * answers with the chain id, how far the start got (`replaying: true`, `replay_progress`: blocks
 * applied of the log's length; the snapshot's block once it is loaded) and the head so far, and
 * every other endpoint refuses with "replaying" (its answer would come from a state that is not
 * current yet); after it, the chain API's own endpoints answer.
 */
import type { ChainApi, EndpointHandler } from './chain-api.js';
import { SERVER_VERSION, SERVER_VERSION_STRING } from './chain-read-only.js';
import { ChainError } from '../chain-error.js';
import type { Chain } from '../chain/chain.js';
import { bytesToHex } from '../../abi/antelope/index.js';

type EndpointTable = Readonly<Record<string, EndpointHandler>>;

/** What the gate knows before the chain exists: the chain id and the log's length. */
export interface StartingNode {
  readonly chainIdHex: string;
  logLength(): number;
}

export class ReplayGate {
  private chain: Chain | null = null;
  private api: ChainApi | null = null;
  private readonly replaying: EndpointTable;
  private readonly peerosReplaying: EndpointTable;

  constructor(private readonly starting: StartingNode) {
    const refuse = (): never => {
      const p = this.progress();
      throw new ChainError(
        'chain_exception',
        `the node is replaying its block log (${p.done_blocks} of ${p.total_blocks} blocks); retry shortly`,
      );
    };
    this.replaying = closedTable(refuse, { get_info: () => this.info() });
    this.peerosReplaying = closedTable(refuse, {});
  }

  /** The chain, once opened (at genesis or at a snapshot): progress is read from it from then on. */
  attach(chain: Chain): void {
    this.chain = chain;
  }

  /** Endpoints under /v1/chain/. */
  get endpoints(): EndpointTable {
    return this.api ? this.api.endpoints : this.replaying;
  }

  /** Endpoints under /v1/peeros/. */
  get peerosEndpoints(): EndpointTable {
    return this.api ? this.api.peerosEndpoints : this.peerosReplaying;
  }

  /** The state is current: serve the chain API. */
  open(api: ChainApi): void {
    this.api = api;
  }

  get isOpen(): boolean {
    return this.api !== null;
  }

  private head(): Chain['head'] | undefined {
    return this.chain?.head as Chain['head'] | undefined;
  }

  private progress(): { done_blocks: number; total_blocks: number } {
    const p = this.chain?.replayProgress;
    const head = this.head()?.num ?? 0;
    return { done_blocks: p?.done ?? head, total_blocks: p?.total ?? Math.max(head, this.starting.logLength()) };
  }

  /** get_info while replaying: what is known without a current state. */
  private info(): unknown {
    const head = this.head();
    return {
      server_version: SERVER_VERSION,
      chain_id: this.starting.chainIdHex,
      head_block_num: head?.num ?? 0,
      head_block_id: head ? bytesToHex(head.id) : '',
      last_irreversible_block_num: head?.num ?? 0,
      server_version_string: SERVER_VERSION_STRING,
      replaying: true,
      replay_progress: this.progress(),
    };
  }
}

/** Every endpoint refusing except those in `open` (a Proxy: any name, as the chain API's names are not known yet). */
function closedTable(refuse: () => never, open: Record<string, EndpointHandler>): EndpointTable {
  return new Proxy(Object.freeze(Object.create(null) as Record<string, EndpointHandler>), {
    get: (_t, name) => (typeof name === 'string' ? (Object.hasOwn(open, name) ? open[name] : refuse) : undefined),
  });
}
