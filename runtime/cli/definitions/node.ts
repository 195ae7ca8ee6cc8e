/** `peeros node`: what it is called, takes and says in `--help` (the command itself: ../commands/node.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { JSON_FLAG } from '../json-output.js';
import { DEV_PUBLIC_KEY } from '../../../dmcs/chain/dev-keys.js';
import { STATE_STORE_DIR } from '../../../dmcs/state/store-dir.js';
import { LOG_LEVELS } from '../log-levels.js';

/** `--state-cache` bounds: below the minimum every block would trim; above the maximum the cache is no bound. */
export const STATE_CACHE_MIN = 16;
export const STATE_CACHE_MAX = 4_194_304;

export const definition: CommandDefinition = {
  name: 'node',
  summary: 'run the embedded DMCS (Antelope chain API over HTTP)',
  description: `Runs the embedded DMCS: an Antelope-compatible chain (blocks signed as Leap signs them, a block every
500 ms while there are transactions) with a hypercore block log and the chain API v1 over HTTP.`,
  flags: [
    {
      name: 'log-level',
      type: 'string',
      value: 'LEVEL',
      description: `the least severe log lines shown (stderr): ${LOG_LEVELS.join(', ')} (default info: one line per block, as nodeos)`,
    },
    { name: 'log-json', type: 'boolean', description: 'log lines as one JSON object each ({"level","time","source","event",…})' },
    {
      name: 'dev',
      type: 'boolean',
      description: `the well-known EOSIO development key (${DEV_PUBLIC_KEY}) controls eosio and signs blocks`,
    },
    {
      name: 'http',
      type: 'string',
      value: 'HOST:PORT',
      description: 'where to serve the chain API (default 127.0.0.1:8888; port 0 = any free port)',
    },
    {
      name: 'data',
      type: 'string',
      value: 'DIR',
      description: 'block log, genesis and producer key (default $PEEROS_HOME/node, or $PEEROS_HOME/node-dev with --dev)',
    },
    {
      name: 'producer',
      type: 'string',
      value: 'NAME',
      description:
        'repeatable: hold the block signing key of producer NAME (DATA/producers/NAME.key, made on first start) and produce in its slots once the active schedule names that key',
    },
    {
      name: 'genesis',
      type: 'string',
      value: 'FILE',
      description:
        'join an existing chain: its genesis.json (copied into DATA). The genesis key is not needed: blocks are validated with the public key, and the node produces only in its --producer slots once a schedule names them, so it needs --p2p-listen and/or --peer. Later starts may leave it out (DATA has a genesis.json and no producer.key)',
    },
    {
      name: 'replicate',
      type: 'string',
      value: 'HOST:PORT',
      description: 'also serve the block log (a hypercore) to replicas on this TCP address',
    },
    {
      name: 'follow',
      type: 'string',
      value: 'URL',
      description:
        'run as a read-only replica of the node whose chain API is at URL (it must run with --replicate): download its block log, apply blocks as they come, catch up after being offline; pushes are refused',
    },
    {
      name: 'p2p-listen',
      type: 'string',
      value: 'HOST:PORT',
      description:
        "exchange blocks and transactions with other producing nodes: accept peers on this TCP address (see docs/network.md); the node then produces in its producers' slots every 500 ms, once it has caught up with its peers after a start (or when none answered within 3 s)",
    },
    {
      name: 'peer',
      type: 'string',
      value: 'HOST:PORT',
      description: 'repeatable: a producing node to connect to (its --p2p-listen address), redialled while it is down',
    },
    {
      name: 'slot-clock',
      type: 'string',
      value: 'CLOCK',
      description:
        'wall (default): produce at every 500 ms slot boundary; manual (tests and development, needs --dev): produce only when a slot is driven over a control endpoint on 127.0.0.1 (POST /slot {"slot":N}, GET /head; its address is printed), whose latest slot is also the node\'s time',
    },
    {
      name: 'account-queries',
      type: 'boolean',
      description:
        "serve get_accounts_by_authorizers, which walks every account of the state on each request (Leap's enable-account-queries); on by default with --dev only",
    },
    {
      name: 'state-cache',
      type: 'string',
      value: 'N',
      description: `keep the state in an on-disk store (DATA/${STATE_STORE_DIR}) with at most N accounts, N tables and N secondary indexes in memory between blocks (a table or index counting one more per 256 of its rows in memory) (${STATE_CACHE_MIN} to ${STATE_CACHE_MAX}), so memory follows N, not the state's size; a restart opens the store and replays only the blocks after its last commit. Without it the whole state lives in memory`,
    },
    {
      ...JSON_FLAG,
      description:
        'once it listens, print one JSON line {"chainId","endpoint","data","replication","p2p","follow","headBlock","snapshotBlock","dev","genesisKey","producers","slotClock","stateCache"} (slotClock: HOST:PORT of the manual slot clock or null; genesisKey: whether this node holds the genesis key; producers: [{name, key}] of its --producer block signing keys; stateCache: N of --state-cache or null) instead of the start-up text',
    },
  ],
  notes: `State is rebuilt on start from the last state snapshot (snapshot.bin in the data folder) and the
blocks after it, or by replaying the whole block log; the chain API listens from the start, and until
the state is current get_info answers "replaying": true with replay_progress while other endpoints
refuse. Transactions acknowledged before a crash but not yet in a block are re-applied from the
data folder's journal. A data folder copied with
cp -a (a backup) starts where the copy was taken; one held by a running node is refused.
Stop with Ctrl-C (SIGINT) or SIGTERM.
On a 2-core machine, NODE_OPTIONS=--v8-pool-size=1 shortens the slowest blocks (V8's background
threads then leave block production a core; docs/dmcs.md, "The slowest blocks are the same at every
size").`,
};
