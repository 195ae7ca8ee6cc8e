/**
 * `peeros node`: runs the embedded DMCS (an Antelope-compatible node) with its chain API over HTTP
 * until SIGINT or SIGTERM, then seals pending transactions into a last block and exits cleanly.
 */
import { join, resolve } from 'node:path';
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs, repeatedValues } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { toJson } from '../json-output.js';
import { hostPortArg, integerArg } from '../arg-checks.js';
import { peerosHome } from '../../../lib/home.js';
import { startNode, DEV_PUBLIC_KEY, STATE_STORE_DIR, type EmbeddedNode } from '../../../dmcs/index.js';
import { LOG_LEVELS, NodeLog, type LogLevel } from '../node-log.js';
import { definition, STATE_CACHE_MAX, STATE_CACHE_MIN } from '../definitions/node.js';

/** How often the log looks for new blocks: a fraction of the block interval, so lines come as blocks do. */
const BLOCK_POLL_MS = 100;

/** Logs every block after the head at start, as it appears (sealed here or received). */
function followBlocks(node: EmbeddedNode, log: NodeLog, producedHere: (producer: string) => boolean): { stop(): Promise<void> } {
  let logged = node.chain.head.num;
  let busy: Promise<void> = Promise.resolve();
  const tick = async (): Promise<void> => {
    while (logged < node.chain.head.num) {
      const b = await node.chain.getBlock(logged + 1);
      logged++;
      if (b)
        log.block({
          num: logged,
          id: b.id,
          producer: b.block.producer,
          timestamp: b.block.timestamp,
          transactions: b.block.transactions.length,
          produced: producedHere(b.block.producer),
        });
    }
  };
  const timer = setInterval(() => {
    busy = busy.then(tick).catch((err: unknown) => log.error(err));
  }, BLOCK_POLL_MS);
  return {
    async stop() {
      clearInterval(timer);
      await busy;
    },
  };
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, flagSpec(definition), 'node');
    const producers = repeatedValues(argv, flagSpec(definition), 'producer');
    const peers = repeatedValues(argv, flagSpec(definition), 'peer');
    const p2pListen = typeof flags['p2p-listen'] === 'string' ? flags['p2p-listen'] : undefined;
    if (p2pListen !== undefined) hostPortArg(p2pListen, '--p2p-listen');
    for (const p of peers) hostPortArg(p, '--peer');
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const dev = flags.dev === true;
    const http = typeof flags.http === 'string' ? flags.http : '127.0.0.1:8888';
    hostPortArg(http, '--http');
    const follow = typeof flags.follow === 'string' ? flags.follow : undefined;
    const genesis = typeof flags.genesis === 'string' ? resolve(flags.genesis) : undefined;
    if (genesis !== undefined && dev) throw new UsageError('--dev makes a chain of its own; leave it out with --genesis');
    if (genesis !== undefined && follow) throw new UsageError('--follow takes the genesis of the followed node; leave out --genesis');
    if (genesis !== undefined && p2pListen === undefined && !peers.length)
      throw new UsageError('--genesis joins a network of producing nodes: give --p2p-listen and/or --peer');
    const replicate = typeof flags.replicate === 'string' ? flags.replicate : undefined;
    const slotClock = typeof flags['slot-clock'] === 'string' ? flags['slot-clock'] : 'wall';
    if (slotClock !== 'wall' && slotClock !== 'manual')
      throw new UsageError(`--slot-clock: wall or manual, got ${JSON.stringify(slotClock)}`);
    if (slotClock === 'manual' && !dev)
      throw new UsageError('--slot-clock manual is for tests and development: give --dev (a production node uses wall time)');
    if (follow && dev) throw new UsageError('--follow takes the chain of the followed node; leave out --dev');
    if (follow && (p2pListen !== undefined || peers.length))
      throw new UsageError('--follow runs a replica of one node; --p2p-listen and --peer are for producing nodes');
    if (follow && producers.length) throw new UsageError('--follow runs a replica, which produces no blocks; leave out --producer');
    for (const p of producers) {
      if (!/^[a-z1-5.]{1,12}$/.test(p)) throw new UsageError(`--producer: expected an account name, got ${JSON.stringify(p)}`);
    }
    if (follow && !/^https?:\/\//.test(follow)) throw new UsageError(`--follow: expected an http:// URL, got ${JSON.stringify(follow)}`);
    if (replicate && !/^(\[[^\]]+\]|[^:]*):\d{1,5}$/.test(replicate))
      throw new UsageError(`--replicate: expected HOST:PORT, got ${JSON.stringify(replicate)}`);
    const dataDir =
      typeof flags.data === 'string' ? resolve(flags.data) : join(peerosHome(io.env), dev ? 'node-dev' : follow ? 'node-replica' : 'node');
    const level = typeof flags['log-level'] === 'string' ? flags['log-level'] : 'info';
    if (!(LOG_LEVELS as readonly string[]).includes(level))
      throw new UsageError(`--log-level: one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(level)}`);
    const stateCache =
      typeof flags['state-cache'] === 'string'
        ? integerArg(flags['state-cache'], '--state-cache', STATE_CACHE_MIN, STATE_CACHE_MAX)
        : undefined;
    const log = new NodeLog((line) => io.err(line), { level: level as LogLevel, json: flags['log-json'] === true });
    const node = await startNode({
      onError: (err) => log.error(err),
      dev,
      dataDir,
      http,
      ...(follow !== undefined ? { follow } : {}),
      ...(replicate !== undefined ? { replicate } : {}),
      ...(genesis !== undefined ? { genesis } : {}),
      ...(producers.length ? { producers } : {}),
      ...(p2pListen !== undefined ? { p2pListen } : {}),
      ...(peers.length ? { peers } : {}),
      ...(slotClock === 'manual' ? { slotClock } : {}),
      ...(stateCache !== undefined ? { stateCache } : {}),
      ...(flags['account-queries'] === true ? { accountQueries: true } : {}),
    });
    if (flags.json) {
      io.out(
        toJson({
          chainId: node.chainId,
          endpoint: node.endpoint,
          data: dataDir,
          replication: node.replicationAddress ?? null,
          p2p: node.p2pAddress ?? null,
          follow: follow ?? null,
          headBlock: node.chain.head.num,
          snapshotBlock: node.chain.startedFromSnapshot || null,
          dev,
          genesisKey: node.holdsGenesisKey,
          producers: node.producers,
          slotClock: node.slotClockAddress ?? null,
          stateCache: stateCache ?? null,
        }),
      );
    } else {
      io.out(`chain id: ${node.chainId}`);
      io.out(`endpoint: ${node.endpoint}`);
      io.out(`data: ${dataDir}`);
      if (stateCache !== undefined) io.out(`state: on disk (${join(dataDir, STATE_STORE_DIR)}), ${stateCache} accounts and tables cached`);
      if (node.replicationAddress) io.out(`replicating block log on: ${node.replicationAddress}`);
      if (follow) io.out(`following: ${follow} (read-only replica)`);
      if (node.p2pAddress) io.out(`p2p: listening on ${node.p2pAddress}`);
      if (node.slotClockAddress) io.out(`slot clock: manual, driven at ${node.slotClockAddress} (POST /slot {"slot":N})`);
      for (const p of peers) io.out(`peer: ${p}`);
      for (const p of node.producers) io.out(`producer: ${p.name} signs with ${p.key}`);
      const resumed = node.chain.startedFromSnapshot ? `, state from the snapshot of block ${node.chain.startedFromSnapshot}` : '';
      if (!follow && !node.holdsGenesisKey) io.out("genesis key: not held (joined chain; eosio's slots are produced elsewhere)");
      io.out(`head block: ${node.chain.head.num}${resumed}${dev ? ` (dev: eosio is ${DEV_PUBLIC_KEY})` : ''}`);
    }
    const ours = new Set([...(node.holdsGenesisKey ? ['eosio'] : []), ...node.producers.map((p) => p.name)]);
    // a replica receives all its blocks; a node with peers receives theirs
    const blocks = followBlocks(node, log, (producer) => follow === undefined && ours.has(producer));
    await new Promise<void>((done) => {
      const stop = (sig: string) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        io.err(`peeros node: ${sig}, shutting down`);
        done();
      };
      const onInt = () => stop('SIGINT');
      const onTerm = () => stop('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
    });
    await blocks.stop();
    await node.close();
    io.err(`peeros node: stopped at block ${node.chain.head.num}`);
    return 0;
  },
};

export default command;
