/**
 * How fast the embedded node replays its block log (issue 19: "replay speed (blocks/s and
 * transfers/s) for 10k blocks of 500 transfers").
 *
 * A dev node running the dPay token (`bench.token`, as bench/dmcs.ts sets it up) gets
 * `PEEROS_BENCH_REPLAY_HOLDERS` holders (default 400; created as the scale bench creates them, by
 * real newaccount + transfer transactions), then `PEEROS_BENCH_REPLAY_BLOCKS` blocks (default 40;
 * the issue's figure is 10000) of exactly 500 transfers between random holders. Each transfer is
 * its own transaction, signed before it is pushed (signing is the client's cost) and pushed through
 * `pushPackedAsync` (keys recovered on the node's worker pool, journaled), 256 in flight; each block
 * is sealed, signed and appended to the hypercore block log on disk. Building the log is not timed.
 *
 * Then the node is closed, the snapshot file and the state store (with
 * `PEEROS_BENCH_REPLAY_STATE_CACHE=N`) are removed, and a node started on the same folder replays
 * the whole log:
 * - `dmcs.replay.blocks_per_s (B blocks of 500 transfers, …)`: blocks replayed (the node's
 *   `replayedBlocks`, the setup's few blocks included) over its `startupTimes.replayMs`;
 * - `dmcs.replay.transfers_per_s (…)`: the transfers in the log (B × 500 plus one per holder from
 *   the setup) over the same time;
 * - `….per_cpu_s`: the same per second of this process's CPU time (all threads: the block log's
 *   reads, the state store's writer) from the start call to the node being ready, which other load
 *   on a shared machine does not distort;
 * - `dmcs.replay.ready_ms (…)`: wall time from the start call to the node being ready;
 * - `dmcs.replay.peer_transfers_per_s (…)`: a new node with the same genesis joins the node of that
 *   log over the block relay on loopback (both in this process) and catches up, from its start to
 *   the log's head: each block's transactions checked as a peer's (signatures recovered, on the
 *   worker pool while the blocks before execute, and checked against their authorities; expiration,
 *   TaPoS, ids) before they run; and `dmcs.replay.peer/own`, that over the replay of the node's own
 *   log (which skips those checks), in the same run: what checking a producer's work costs.
 * The replayed head (number and id) and state digest must equal what the node had before it closed,
 * and every block of the log must have been replayed; otherwise the module throws (`peeros bench`
 * reports it failed) instead of reporting a speed.
 * Progress goes to stderr every `PROGRESS_EVERY_BLOCKS` blocks while building, and every few seconds
 * while replaying (from get_info's `replay_progress`).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Action, bytesToHex } from '../abi/antelope/index.js';
import { startNode, type EmbeddedNode } from '../dmcs/index.js';
import { STATE_STORE_DIR } from '../dmcs/node.js';
import { SNAPSHOT_FILE } from '../dmcs/state/snapshot-file.js';
import type { PackedTrx } from '../dmcs/block.js';
import { tokenNode, makeTrx, signed, type TokenNode } from './dmcs.js';
import { addHolders, freePort, holderName, holderPair, holderPicker } from './dmcs-scale.js';
import { benchEnvInt, summarize, type BenchResult } from './result.js';
import { cpuMsByThread, threadTicks } from './thread-cpu.js';

/** Transfers per block (the issue's figure). */
export const REPLAY_TRANSFERS_PER_BLOCK = 500;
/** Each holder's starting balance: millions of 0.0001 transfers between random holders never overdraw one. */
const HOLDER_BALANCE = '100000.0000 BNC';
/** Pushes in flight while building the log (as bench/dmcs.ts's pooled figure). */
const IN_FLIGHT = 256;
/** A progress line on stderr every this many blocks built. */
const PROGRESS_EVERY_BLOCKS = 500;
/** A progress line on stderr at most this often while replaying. */
const REPLAY_PROGRESS_MS = 5000;
/** The peer's catch-up of the log must end within this (10,000 blocks of 500 transfers at 2,000 transfers/s take 42 minutes). */
const CATCHUP_TIMEOUT_MS = 4 * 60 * 60 * 1000;
/**
 * `PEEROS_BENCH_REPLAY_TRACE=1`: the restart's CPU per thread and, for `node --cpu-prof`, its window
 * on the profiles' clock (monotonic µs), so a profile of it can leave out building the log (stderr).
 */
const TRACE = process.env.PEEROS_BENCH_REPLAY_TRACE === '1';

/** What must come out of the replay the same as it went in. */
export interface ChainPoint {
  num: number;
  id: string;
  digest: string;
}

export function chainPoint(node: EmbeddedNode): ChainPoint {
  const c = node.chain;
  return { num: c.head.num, id: bytesToHex(c.head.id), digest: bytesToHex(c.state.digest()) };
}

/** Throws unless the replay came back to `before` (a diverged replay has no speed worth reporting). */
export function checkReplay(before: ChainPoint, after: ChainPoint, replayed: number): void {
  const wrong: string[] = [];
  if (after.num !== before.num) wrong.push(`head block ${after.num}, was ${before.num}`);
  if (after.id !== before.id) wrong.push(`head id ${after.id}, was ${before.id}`);
  if (after.digest !== before.digest) wrong.push(`state digest ${after.digest}, was ${before.digest}`);
  // every block up to the head came from the log's replay (none, say, from the accepted journal)
  if (replayed !== after.num) wrong.push(`${replayed} block(s) replayed to reach head block ${after.num}`);
  if (wrong.length) throw new Error(`dmcs.replay: the replay diverged from the state before the restart: ${wrong.join('; ')}`);
}

export interface ReplayBenchOptions {
  runs: number;
  only?: readonly string[];
  /** Transfer blocks in the log (default `PEEROS_BENCH_REPLAY_BLOCKS`, else 40). */
  blocks?: number;
  /** Holders (default `PEEROS_BENCH_REPLAY_HOLDERS`, else 400). */
  holders?: number;
  /** Called on the closed node's folder before the restart (tests: damage it). */
  beforeRestart?: (dir: string) => Promise<void>;
}

/** `blocks` blocks of `REPLAY_TRANSFERS_PER_BLOCK` transfers between random holders, each block sealed and logged. */
async function buildLog(env: TokenNode, holders: number, blocks: number): Promise<void> {
  const { node, sign, dev, token } = env;
  // uniform draws: a skewed generator makes some holders mostly senders and overdraws them over
  // millions of transfers
  const random = holderPicker(holders);
  let memo = 0;
  const t0 = performance.now();
  for (let b = 0; b < blocks; b++) {
    const batch: PackedTrx[] = [];
    for (let i = 0; i < REPLAY_TRANSFERS_PER_BLOCK; i++) {
      const [f, t] = holderPair(random, holders);
      const from = holderName(f);
      const to = holderName(t);
      const data = token.encodeAction('transfer', { from, to, quantity: '0.0001 BNC', memo: `r${memo++}` });
      const action = Action.from({
        account: 'bench.token',
        name: 'transfer',
        authorization: [{ actor: from, permission: 'active' }],
        data,
      });
      batch.push(signed(node, makeTrx(node, [action], i), sign, dev));
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < batch.length) await node.pushPackedAsync(batch[next++]!);
      }),
    );
    await node.produceBlock();
    const sealed = node.chain.head.block.transactions.length;
    if (sealed !== REPLAY_TRANSFERS_PER_BLOCK)
      throw new Error(`dmcs.replay: block ${node.chain.head.num} holds ${sealed} transactions, not ${REPLAY_TRANSFERS_PER_BLOCK}`);
    if ((b + 1) % PROGRESS_EVERY_BLOCKS === 0 || b + 1 === blocks) {
      const s = (performance.now() - t0) / 1000;
      process.stderr.write(
        `dmcs.replay: built ${b + 1} of ${blocks} blocks in ${s.toFixed(0)} s (${(((b + 1) * REPLAY_TRANSFERS_PER_BLOCK) / s).toFixed(0)} transfers/s)\n`,
      );
    }
  }
}

interface Replay {
  point: ChainPoint;
  replayMs: number;
  replayed: number;
  fromSnapshot: number;
  readyMs: number;
  cpuMs: number;
}

/** Starts a node on `dir` (HTTP on loopback, for the progress lines) and closes it once it is ready. */
async function replayOn(dir: string, stateCache: number): Promise<Replay> {
  const port = await freePort();
  const threads0 = TRACE ? threadTicks() : null;
  const mono0 = process.hrtime.bigint() / 1000n;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ready = false;
  const starting = startNode({
    dev: true,
    dataDir: dir,
    http: `127.0.0.1:${port}`,
    autoProduce: false,
    ...(stateCache > 0 ? { stateCache } : {}),
  }).finally(() => {
    ready = true;
  });
  // the progress loop's pause ends when the node is ready: waiting it out idled up to
  // REPLAY_PROGRESS_MS per restart (5 of every 7 s of a small log's run)
  const settled = starting.then(
    () => undefined,
    () => undefined,
  );
  // progress from get_info's replay_progress while the node replays (its HTTP answers meanwhile)
  const progress = (async () => {
    while (!ready) {
      await Promise.race([settled, new Promise((r) => setTimeout(r, REPLAY_PROGRESS_MS).unref())]);
      if (ready) return;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/v1/chain/get_info`, { method: 'POST', body: '{}' });
        const j = (await res.json()) as { replay_progress?: { done_blocks: number; total_blocks: number } };
        const p = j.replay_progress;
        if (p && !ready)
          process.stderr.write(
            `dmcs.replay: replayed ${p.done_blocks} of ${p.total_blocks} blocks (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
          );
      } catch {
        // not listening yet, or closing: no line this time
      }
    }
  })();
  const node = await starting;
  const readyMs = performance.now() - t0;
  const c = process.cpuUsage(cpu0);
  if (threads0) {
    const perThread = cpuMsByThread(threads0, threadTicks());
    process.stderr.write(
      `dmcs.replay: restart CPU ms by thread: ${perThread.map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ')}\n` +
        `dmcs.replay: restart window (monotonic µs) ${mono0} ${process.hrtime.bigint() / 1000n}\n`,
    );
  }
  await progress;
  try {
    return {
      point: chainPoint(node),
      replayMs: node.startupTimes.replayMs,
      replayed: node.chain.replayedBlocks,
      fromSnapshot: node.chain.startedFromSnapshot,
      readyMs,
      cpuMs: (c.user + c.system) / 1000,
    };
  } finally {
    await node.close();
  }
}

/**
 * A node with the genesis in `dir` and no blocks joins the node that replayed the log in `dir`
 * (started again, listening for peers on loopback) and catches up over the block relay: ms from its
 * start to the log's head, and the head and state it reached.
 */
async function catchUpFromPeer(dir: string, head: ChainPoint): Promise<{ ms: number; point: ChainPoint; primed: number }> {
  const quiet = { dev: true, autoProduce: false, snapshotEvery: 0, onError: () => {} } as const;
  const source = await startNode({ ...quiet, dataDir: dir, p2pListen: '127.0.0.1:0' });
  const joinDir = mkdtempSync(join(tmpdir(), 'peeros-bench-peer-'));
  let joined: EmbeddedNode | null = null;
  try {
    copyFileSync(join(dir, 'genesis.json'), join(joinDir, 'genesis.json'));
    const t0 = performance.now();
    joined = await startNode({ ...quiet, dataDir: joinDir, peers: [source.p2pAddress!] });
    const node = joined;
    const deadline = t0 + CATCHUP_TIMEOUT_MS;
    while (node.chain.head.num < head.num) {
      if (performance.now() > deadline)
        throw new Error(`dmcs.replay: the peer caught up to block ${node.chain.head.num} of ${head.num} in ${CATCHUP_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return { ms: performance.now() - t0, point: chainPoint(node), primed: node.chain.recovery.hits };
  } finally {
    await joined?.close();
    await source.close();
    rmSync(joinDir, { recursive: true, force: true });
  }
}

export async function benchDmcsReplay(opts: ReplayBenchOptions = { runs: 1 }): Promise<BenchResult[]> {
  const blocks = opts.blocks ?? benchEnvInt('PEEROS_BENCH_REPLAY_BLOCKS', 40);
  const holders = opts.holders ?? benchEnvInt('PEEROS_BENCH_REPLAY_HOLDERS', 400, 2);
  if (holders < 2) throw new Error(`dmcs.replay: transfers need at least 2 holders, not ${holders}`);
  const stateCache = benchEnvInt('PEEROS_BENCH_REPLAY_STATE_CACHE', 0, 0);
  const env = await tokenNode({ http: false, ...(stateCache > 0 ? { stateCache } : {}) });
  if (!env) return []; // no built contract
  let closed = false;
  try {
    await addHolders(env, holders, 0, HOLDER_BALANCE);
    await buildLog(env, holders, blocks);
    const before = chainPoint(env.node);
    closed = true;
    await env.node.close();
    // what would let the restart skip the replay: the snapshot, and the state store's commit
    rmSync(join(env.dir, SNAPSHOT_FILE), { force: true });
    rmSync(join(env.dir, STATE_STORE_DIR), { recursive: true, force: true });
    if (opts.beforeRestart) await opts.beforeRestart(env.dir);
    const r = await replayOn(env.dir, stateCache);
    if (r.fromSnapshot !== 0) throw new Error(`dmcs.replay: the restart used a snapshot of block ${r.fromSnapshot}, not the whole log`);
    // the log holds every block from 1 (the genesis block too): all of them are replayed
    checkReplay(before, r.point, r.replayed);
    const peer = await catchUpFromPeer(env.dir, before);
    if (peer.point.id !== before.id || peer.point.digest !== before.digest)
      throw new Error(`dmcs.replay: the peer's catch-up reached block ${peer.point.num}, not the log's head and state`);
    const transfers = blocks * REPLAY_TRANSFERS_PER_BLOCK + holders;
    const tag = `${blocks} blocks of ${REPLAY_TRANSFERS_PER_BLOCK} transfers, ${holders} holders${stateCache > 0 ? `, state cache ${stateCache}` : ''}`;
    const replaySec = r.replayMs / 1000;
    const cpuSec = r.cpuMs / 1000;
    process.stderr.write(
      `dmcs.replay: ${r.replayed} blocks in ${replaySec.toFixed(1)} s (ready in ${(r.readyMs / 1000).toFixed(1)} s, CPU ${cpuSec.toFixed(1)} s), head and state digest as before the restart; caught up from a peer in ${(peer.ms / 1000).toFixed(1)} s (${peer.primed} keys recovered ahead on its pool)\n`,
    );
    const one = (name: string, unit: string, v: number) => summarize(name, unit, [v]);
    return [
      one(`dmcs.replay.blocks_per_s (${tag})`, 'ops/s', r.replayed / replaySec),
      one(`dmcs.replay.transfers_per_s (${tag})`, 'ops/s', transfers / replaySec),
      one(`dmcs.replay.blocks_per_cpu_s (${tag}, per second of the restart's CPU time)`, 'ops/s', r.replayed / cpuSec),
      one(`dmcs.replay.transfers_per_cpu_s (${tag}, per second of the restart's CPU time)`, 'ops/s', transfers / cpuSec),
      one(`dmcs.replay.ready_ms (${tag})`, 'ms', r.readyMs),
      one(
        `dmcs.replay.peer_transfers_per_s (${tag}, a new node catching up from a peer over the relay: signatures, authorities and inputs checked)`,
        'ops/s',
        transfers / (peer.ms / 1000),
      ),
      one(`dmcs.replay.peer/own (${tag}, transfers/s caught up from a peer over the own log's replay)`, 'x', r.replayMs / peer.ms),
    ];
  } finally {
    if (!closed) await env.node.close().catch(() => {});
    rmSync(env.dir, { recursive: true, force: true });
  }
}
