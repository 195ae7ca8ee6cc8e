/**
 * What the HTTP server serves while the node starts: the server listens before the block log is
 * replayed, so a restart is never dark. Until `open()`, `get_info` answers with the chain id, how
 * far the replay got (`replaying: true`, `replay_progress`) and the head so far, and every other
 * endpoint refuses with "replaying" (its answer would come from a state that is not current yet);
 * after it, the chain API's own endpoints answer.
 */
import type { ChainApi, EndpointHandler } from './chain-api.js';
import { SERVER_VERSION, SERVER_VERSION_STRING } from './chain-read-only.js';
import { ChainError } from '../chain-error.js';
import type { Chain } from '../chain/chain.js';
import { bytesToHex } from '../../abi/antelope/index.js';

type EndpointTable = Readonly<Record<string, EndpointHandler>>;

export class ReplayGate {
  private opened = false;
  private readonly replaying: EndpointTable;
  private readonly peerosReplaying: EndpointTable;

  constructor(
    private readonly chain: Chain,
    private readonly api: ChainApi,
  ) {
    const refuse = (): never => {
      const p = this.progress();
      throw new ChainError(
        'chain_exception',
        `the node is replaying its block log (${p.done_blocks} of ${p.total_blocks} blocks); retry shortly`,
      );
    };
    this.replaying = gated(api.endpoints, refuse, { get_info: () => this.info() });
    this.peerosReplaying = gated(api.peerosEndpoints, refuse, {});
  }

  /** Endpoints under /v1/chain/. */
  get endpoints(): EndpointTable {
    return this.opened ? this.api.endpoints : this.replaying;
  }

  /** Endpoints under /v1/peeros/. */
  get peerosEndpoints(): EndpointTable {
    return this.opened ? this.api.peerosEndpoints : this.peerosReplaying;
  }

  /** The state is current: serve the chain API. */
  open(): void {
    this.opened = true;
  }

  get isOpen(): boolean {
    return this.opened;
  }

  private progress(): { done_blocks: number; total_blocks: number } {
    const p = this.chain.replayProgress;
    const head = this.chain.head?.num ?? 0;
    return { done_blocks: p?.done ?? head, total_blocks: p?.total ?? head };
  }

  /** get_info while replaying: what is known without a current state. */
  private info(): unknown {
    const head = this.chain.head as Chain['head'] | undefined;
    return {
      server_version: SERVER_VERSION,
      chain_id: this.chain.chainIdHex,
      head_block_num: head?.num ?? 0,
      head_block_id: head ? bytesToHex(head.id) : '',
      last_irreversible_block_num: head?.num ?? 0,
      server_version_string: SERVER_VERSION_STRING,
      replaying: true,
      replay_progress: this.progress(),
    };
  }
}

/** The same endpoint names, each refusing, except those in `open`. */
function gated(all: EndpointTable, refuse: () => never, open: Record<string, EndpointHandler>): EndpointTable {
  const out = Object.create(null) as Record<string, EndpointHandler>;
  for (const name of Object.keys(all)) out[name] = open[name] ?? refuse;
  return Object.freeze(out);
}
