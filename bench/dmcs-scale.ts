/**
 * How the embedded node behaves as its state grows (issue 19), at two sizes in the same run: a
 * small state and a big one, `PEEROS_BENCH_SCALE_HOLDERS` holders (default 2,000, the smoke size;
 * the issue's figures use 100000) of the dPay token, one table scope per holder, created by real
 * transactions (25 newaccount + 25 transfer actions each) so the block log holds them. Then
 * `PEEROS_BENCH_SCALE_BLOCKS` blocks (default 200) of `PEEROS_BENCH_SCALE_TRANSFERS` transfers
 * (default 20) between random holders, a state snapshot due every `SNAPSHOT_EVERY` blocks (with a
 * state cache, taken only once enough of the state changed since the last: SNAPSHOT_WALK_SHARE).
 * The blocks are timed once the snapshot that creating the holders started has been written. The
 * big size is built and timed first and the small one right after, so that the two timed windows
 * (whose ratio is a target) lie minutes apart, not a big build apart; the restarts of both follow.
 * The memory figures are the big size's only (the small one runs in a process still giving back the
 * big one's pages).
 * - `dmcs.scale.stall_ratio (H holders)`: the longest block (pushing its transfers + sealing +
 *   appending, with the snapshot writer's slices running in between) over the median block;
 *   `….stall_ratio.cpu`: the same over this process's CPU time per block (without the waits of a
 *   loaded machine); `dmcs.scale.block_ms.max.store_ms`: of the slowest block, the state store's
 *   commits (on this thread: the digest, encoding and queueing; the transaction runs on the store's
 *   writer thread), trims and waits for commits to land (`ChainState.work`). `PEEROS_BENCH_SCALE_TRACE=1` prints the slowest blocks
 *   with their CPU, GC and store time (trims, preparing, commits), major page faults, the block
 *   thread's time on a CPU, waiting for one and asleep (neither), the snapshot writer's slices and
 *   the other threads' time on a CPU during the block to stderr;
 * - `dmcs.scale.transfers_per_s (H holders)`: the transfers over the blocks' own wall time (from the
 *   first push of a block to its append; the bench builds and signs each block's transactions
 *   before it, outside that time, as the per-CPU figure below counts the blocks' CPU only);
 *   `dmcs.scale.rss_per_holder (H holders)` (the process's
 *   RSS after creating the holders minus before the node started, over the holders: it includes the
 *   node's fixed cost); on Linux split into `….rss_anon_per_holder` (private memory: JS heap, native
 *   allocations such as the block log's RocksDB memtables) and `….rss_file_per_holder` (file pages
 *   mapped into the process, mostly the state store's LMDB file: the kernel's page cache, given back
 *   under memory pressure); `….heap_used_per_holder` (the V8 heap in use, after a full GC: `fullGc`,
 *   also under `--only`, which before measured it without one);
 *   `dmcs.scale.transfers_per_cpu_s (H holders)`: the same transfers per second of this process's
 *   CPU time (all threads), and `….transfers_per_cpu_s_ratio` big over small: the state's size's
 *   cost without the waits of a loaded machine;
 * - `dmcs.scale.restart.first_get_info_ms (H holders)`: a restart (from the closing snapshot) until
 *   the first get_info reply over HTTP; `….ready_ms`: until the node is started (state current);
 *   `dmcs.scale.restart_ratio`: first get_info at the big size over the small one,
 *   `dmcs.scale.restart_ready_ratio` the same for ready;
 * - `dmcs.scale.replay.blocks_per_s` / `….transfers_per_s`: a restart without snapshot (the whole
 *   log replayed), at the big size.
 * With `PEEROS_BENCH_SCALE_NO_RESTART=1` the restarts are skipped (their figures are left out): the
 * transfer figures alone, sooner.
 * With `PEEROS_BENCH_SCALE_STATE_CACHE=N` every node of the run keeps at most N accounts and N
 * tables in memory between blocks (the state lives in the state store, `stateCache`), and the figure
 * names say so; the restart then opens the store at the clean stop's commit (no snapshot read, no
 * block replayed), and the whole-log replay starts from an emptied store.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { Action, AbiSerializer, EOSIO_ABI } from '../abi/antelope/index.js';
import { startNode, type EmbeddedNode } from '../dmcs/index.js';
import { STATE_STORE_DIR } from '../dmcs/node.js';
import type { PackedTrx } from '../dmcs/block.js';
import { tokenNode, makeTrx, signed, authority, type TokenNode } from './dmcs.js';
import { benchEnvInt, fullGc, gcSettled, summarize, type BenchResult } from './result.js';
import { cpuMsByThread, mainThreadSched, otherThreadsRun, threadRunMs, threadTicks } from './thread-cpu.js';

const SNAPSHOT_EVERY = 50;
const HOLDERS_PER_TRX = 25;
const TRXS_PER_SETUP_BLOCK = 20;

/** The nodes' state cache (`PEEROS_BENCH_SCALE_STATE_CACHE`); 0 = the whole state in memory. */
const STATE_CACHE = benchEnvInt('PEEROS_BENCH_SCALE_STATE_CACHE', 0, 0);
const cacheOpt = (): { stateCache?: number } => (STATE_CACHE > 0 ? { stateCache: STATE_CACHE } : {});
/** `PEEROS_BENCH_SCALE_NO_RESTART=1`: no restart after the transfers (no restart or replay figures). */
const NO_RESTART = process.env.PEEROS_BENCH_SCALE_NO_RESTART === '1';

/** A valid account name per holder: `h` + 5 base-26 letters. */
export function holderName(i: number): string {
  let s = '';
  for (let k = 0; k < 5; k++) {
    s = String.fromCharCode(97 + (i % 26)) + s;
    i = Math.floor(i / 26);
  }
  return `h${s}`;
}

const act = (account: string, name: string, actor: string, data: Uint8Array) =>
  Action.from({ account, name, authorization: [{ actor, permission: 'active' }], data });

/**
 * Creates holders `from` to `to - 1` (by `holderName`), each with an account and a balance of
 * `quantity` (its own scope of `accounts`), then seals the last block.
 */
export async function addHolders(env: TokenNode, to: number, from = 0, quantity = '1.0000 BNC'): Promise<void> {
  const { node, sign, dev, token } = env;
  const eosio = new AbiSerializer(EOSIO_ABI);
  let inBlock = 0;
  for (let first = from; first < to; first += HOLDERS_PER_TRX) {
    const actions: Action[] = [];
    for (let i = first; i < Math.min(to, first + HOLDERS_PER_TRX); i++) {
      const name = holderName(i);
      actions.push(
        act(
          'eosio',
          'newaccount',
          'eosio',
          eosio.encodeAction('newaccount', { creator: 'eosio', name, owner: authority(dev), active: authority(dev) }),
        ),
      );
      actions.push(
        act('bench.token', 'transfer', 'alice', token.encodeAction('transfer', { from: 'alice', to: name, quantity, memo: '' })),
      );
    }
    node.pushPacked(signed(node, makeTrx(node, actions, first), sign, dev));
    if (++inBlock === TRXS_PER_SETUP_BLOCK) {
      inBlock = 0;
      await node.produceBlock();
    }
  }
  await node.produceBlock();
}

/** One transfer block: its wall time and what the state store's upkeep took of it (ChainState.work). */
interface BlockTime {
  num: number;
  /** performance.now() at its start. */
  start: number;
  /** The same on the monotonic clock of CPU profiles (µs), for `PEEROS_BENCH_SCALE_TRACE`'s lines. */
  startUs: bigint;
  ms: number;
  /** Commits (with the digest each runs first), trims and the work prepared ahead of commits during the block. */
  storeMs: number;
  /** Of `storeMs`, the work prepared ahead of commits (`ChainState.prepare`). */
  prepareMs: number;
  /** Of `storeMs`, the cache trims' steps. */
  trimMs: number;
  /** Of `storeMs`, starting commits (their digest, encoding and queueing). */
  flushMs: number;
  flushes: number;
  /** Of `storeMs`, queueing the commits' writes (the transaction and its fsync run on the store's writer thread). */
  writeMs: number;
  /** Waits of the block thread for commits in flight to land (a backlog). */
  waitMs: number;
  writes: number;
  dropped: number;
  /** This process's CPU time during the block (user + system; the rest of `ms` is waiting: disk, other processes). */
  cpuMs: number;
  /** Garbage collection pauses that ended during the block. */
  gcMs: number;
  /** Of `gcMs`, the pauses of major (full) collections. */
  majorGcMs: number;
  /**
   * Page faults of this process during the block that had to read from disk (file pages the kernel
   * had dropped: on this VM its memory reclaimer pages out what went unused for about a minute).
   */
  majorFaults: number;
  /**
   * Page faults served without a disk read: a page of the store's map touched for the first time
   * since the kernel unmapped it, or a fresh page of memory (each a trap into the kernel).
   */
  minorFaults: number;
  /** The block thread's time on a CPU, and runnable but waiting for one (`mainThreadSched`; -1 when unknown). */
  mainRunMs: number;
  mainQueuedMs: number;
  /** Whether the block started a snapshot (with a state store, only once enough changed: SNAPSHOT_WALK_SHARE). */
  snapshot: boolean;
  /** The snapshot writer's slices run during the block (on the block thread, ms). */
  snapshotSliceMs: number;
  /** With `PEEROS_BENCH_SCALE_TRACE`: the other threads that ran during the block, and how long (`otherThreadsRun`). */
  others: Array<[string, number]>;
}

/**
 * Holder indexes drawn uniformly from 0 to `holders - 1`: a 32-bit LCG computed exactly (`Math.imul`)
 * and read from its high bits by scaling. (Its low bits repeat with short periods: the scale bench's
 * earlier `(seed * 1103515245 + 12345) & 0x7fffffff` then `% holders`, computed in doubles that lose
 * the product's low bits, drew only 3,446 distinct holders of 100,000 in 80,000 draws, 8,602 of a
 * million, where uniform draws reach about 55,000 and 77,000.)
 */
export function holderPicker(holders: number, seed = 19): () => number {
  const uniform = seededUniform(seed);
  return () => Math.floor(uniform() * holders);
}

/** Seeded numbers in [0, 1): the LCG `holderPicker` draws from (the benches' one seeded source). */
export function seededUniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

/** A transfer's sender and receiver, two distinct holders drawn with `random` (a `holderPicker`) out of `holders` (at least 2). */
export function holderPair(random: () => number, holders: number): [number, number] {
  const from = random();
  return [from, (from + 1 + (random() % (holders - 1))) % holders];
}

/** `blocks` blocks of `perBlock` transfers between random holders; per-block wall times. */
async function transferBlocks(env: TokenNode, holders: number, blocks: number, perBlock: number): Promise<BlockTime[]> {
  const { node, sign, dev, token } = env;
  const random = holderPicker(holders);
  const times: BlockTime[] = [];
  const work = node.chain.state.work;
  const trace = Boolean(process.env.PEEROS_BENCH_SCALE_TRACE);
  const gcs: Array<{ start: number; ms: number; major: boolean }> = [];
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      gcs.push({
        start: e.startTime,
        ms: e.duration,
        major: (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR,
      });
  });
  gc.observe({ entryTypes: ['gc'] });
  let memo = 0;
  for (let b = 0; b < blocks; b++) {
    const batch: PackedTrx[] = [];
    for (let i = 0; i < perBlock; i++) {
      const [f, t] = holderPair(random, holders);
      const from = holderName(f);
      const to = holderName(t);
      const data = token.encodeAction('transfer', { from, to, quantity: '0.0001 BNC', memo: `s${memo++}` });
      batch.push(signed(node, makeTrx(node, [act('bench.token', 'transfer', from, data)], i), sign, dev));
    }
    const w0 = { ...work };
    const cpu0 = process.cpuUsage();
    const usage0 = process.resourceUsage();
    const sched0 = mainThreadSched();
    const capture0 = node.chain.state.tables.capture;
    const slices0 = node.snapshotPace?.sliceMs ?? 0;
    const threads0 = trace ? threadRunMs() : null;
    const startUs = process.hrtime.bigint() / 1000n;
    const t0 = performance.now();
    for (const p of batch) node.pushPacked(p);
    const { num } = await node.produceBlock();
    const capture = node.chain.state.tables.capture;
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const usage = process.resourceUsage();
    const sched = mainThreadSched();
    times.push({
      start: t0,
      startUs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      gcMs: 0,
      majorGcMs: 0,
      majorFaults: usage.majorPageFault - usage0.majorPageFault,
      minorFaults: usage.minorPageFault - usage0.minorPageFault,
      mainRunMs: sched && sched0 ? (sched.runNs - sched0.runNs) / 1e6 : -1,
      mainQueuedMs: sched && sched0 ? (sched.waitNs - sched0.waitNs) / 1e6 : -1,
      num,
      ms,
      storeMs: work.flushMs + work.trimMs + work.waitMs + work.prepareMs - w0.flushMs - w0.trimMs - w0.waitMs - w0.prepareMs,
      prepareMs: work.prepareMs - w0.prepareMs,
      trimMs: work.trimMs - w0.trimMs,
      flushMs: work.flushMs - w0.flushMs,
      flushes: work.flushes - w0.flushes,
      writeMs: work.writeMs - w0.writeMs,
      waitMs: work.waitMs - w0.waitMs,
      writes: work.flushWrites - w0.flushWrites,
      dropped: work.dropped - w0.dropped,
      snapshot: capture !== null && capture !== capture0,
      snapshotSliceMs: (node.snapshotPace?.sliceMs ?? 0) - slices0,
      others: threads0 ? otherThreadsRun(threads0, threadRunMs()) : [],
    });
  }
  await new Promise((r) => setImmediate(r)); // the last gc entries
  gc.disconnect();
  // each pause to the block it started in
  for (const g of gcs) {
    const t = times.find((b) => g.start >= b.start && g.start < b.start + b.ms);
    if (t) {
      t.gcMs += g.ms;
      if (g.major) t.majorGcMs += g.ms;
    }
  }
  return times;
}

/** A loopback port free right now (the restarts' HTTP servers). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Restarts on `dir`: ms to the first get_info reply over HTTP, ms to started, the node's replay time. */
async function restart(
  dir: string,
  snapshotEvery: number,
): Promise<{ firstInfoMs: number; readyMs: number; replayMs: number; blocks: number; logOpenMs: number; openMs: number }> {
  const port = await freePort();
  const t0 = performance.now();
  let firstInfoMs = 0;
  const starting = startNode({
    dev: true,
    dataDir: dir,
    http: `127.0.0.1:${port}`,
    autoProduce: false,
    snapshotEvery,
    recoveryWorkers: 0,
    ...cacheOpt(),
  }).then((node): [EmbeddedNode, number] => [node, performance.now() - t0]);
  while (firstInfoMs === 0) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/chain/get_info`, { method: 'POST', body: '{}' });
      await res.arrayBuffer();
      firstInfoMs = performance.now() - t0;
    } catch {
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  const [n, readyMs] = await starting;
  const t = n.startupTimes;
  const out = { firstInfoMs, readyMs, replayMs: t.replayMs, blocks: n.chain.replayedBlocks, logOpenMs: t.logOpenMs, openMs: t.openMs };
  await n.close();
  return out;
}

interface SizeFigures {
  holders: number;
  stall: number;
  maxMs: number;
  /** Of the slowest block, the state store's upkeep (commits and trims). */
  maxStoreMs: number;
  /** The stall over CPU time per block (max / median). */
  cpuStall: number;
  medianMs: number;
  tps: number;
  /** Transfers per second of this process's CPU time in the transfer blocks (all threads). */
  cpuTps: number;
  /**
   * Memory per holder (null for a size timed after a bigger one in the same process: its RSS still
   * gives back the bigger state's pages meanwhile, so a difference would mean nothing).
   */
  memory: {
    rssPerHolder: number;
    /** Of it, private (anonymous) and file-backed pages per holder (null off Linux). */
    rssKinds: { anon: number; file: number } | null;
    /** The V8 heap in use per holder. */
    heapPerHolder: number;
  } | null;
  /** Null with `PEEROS_BENCH_SCALE_NO_RESTART`. */
  restart: { firstInfoMs: number; readyMs: number; logOpenMs: number; openMs: number } | null;
  replay: { ms: number; blocks: number; transfers: number } | null;
}

/** This process's resident memory by kind, from /proc/self/status (Linux; null elsewhere). */
function rssByKind(): { anon: number; file: number } | null {
  let text: string;
  try {
    text = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return null;
  }
  const kb = (field: string): number | null => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const anon = kb('RssAnon');
  const file = kb('RssFile');
  return anon === null || file === null ? null : { anon, file };
}

/**
 * Creates `holders` holders on a new node and times the transfer blocks; the node is closed and its
 * folder kept for {@link restartFigures} (removed by the caller).
 */
async function timeSize(
  holders: number,
  blocks: number,
  perBlock: number,
  measureMemory: boolean,
): Promise<{ f: SizeFigures; dir: string } | null> {
  fullGc();
  const rss0 = process.memoryUsage().rss;
  const kinds0 = rssByKind();
  const heap0 = process.memoryUsage().heapUsed;
  const env = await tokenNode({ http: false, snapshotEvery: SNAPSHOT_EVERY, recoveryWorkers: 0, ...cacheOpt() });
  if (!env) return null;
  try {
    await addHolders(env, holders);
    fullGc();
    const rssPerHolder = (process.memoryUsage().rss - rss0) / holders;
    const kinds = rssByKind();
    const heapPerHolder = (process.memoryUsage().heapUsed - heap0) / holders;
    const rssKinds = kinds && kinds0 && { anon: (kinds.anon - kinds0.anon) / holders, file: (kinds.file - kinds0.file) / holders };
    // the snapshot the holders' creation started walks the whole new state (a million holders: some
    // 3,000,000 records at a quarter of the thread, longer than 200 blocks): a cost of creating them,
    // not of the transfers, which the spacing rule then spares for half the state's records
    await env.node.snapshotsSettled();
    await gcSettled(); // the collection above is the bench's, not the first block's
    const mono0 = process.hrtime.bigint() / 1000n;
    const threads0 = threadTicks();
    const times = await transferBlocks(env, holders, blocks, perBlock);
    // over the blocks' own time (pushes, sealing, the append): building and signing each block's
    // transactions between blocks is the clients' work, as much again as the node's, the same at
    // both sizes, and counted it pulled the sizes' ratio toward 1 (0.79 for 0.72 in one run)
    const tps = (blocks * perBlock) / (times.reduce((sum, t) => sum + t.ms, 0) / 1000);
    if (process.env.PEEROS_BENCH_SCALE_TRACE) {
      // which threads the transfer blocks' CPU went to (the per-CPU figure counts them all), and,
      // under `node --cpu-prof`, their window on the profiles' clock (monotonic µs), so a profile of
      // them can leave out creating the holders (diagnosis, stderr only)
      const perThread = cpuMsByThread(threads0, threadTicks()); // the bench's signing between blocks included
      const us = (ms: number) => ((ms * 1000) / (blocks * perBlock)).toFixed(1);
      process.stderr.write(
        `scale ${holders}: CPU µs per transfer by thread: ${perThread.map(([name, ms]) => `${name} ${us(ms)}`).join(', ')}\n` +
          `scale ${holders}: transfer blocks' window (monotonic µs) ${mono0} ${process.hrtime.bigint() / 1000n}\n`,
      );
    }
    await env.node.close();
    const sorted = [...times].sort((a, b) => a.ms - b.ms);
    const medianMs = sorted[sorted.length >> 1]!.ms;
    const slowest = sorted[sorted.length - 1]!;
    const maxMs = slowest.ms;
    // the same over this process's CPU time per block: what the code costs, without the waits a
    // loaded machine adds (preemption, a shared disk's fsync)
    const cpuSorted = times.map((t) => t.cpuMs).sort((a, b) => a - b);
    const cpuStall = cpuSorted[cpuSorted.length - 1]! / Math.max(0.001, cpuSorted[cpuSorted.length >> 1]!);
    const cpuTps = (blocks * perBlock) / (cpuSorted.reduce((a, b) => a + b, 0) / 1000);
    if (process.env.PEEROS_BENCH_SCALE_TRACE) {
      // neither on a CPU nor waiting for one: blocked (a lock, a collector's helper thread) or awaiting I/O
      const asleep = (t: BlockTime) => (t.mainRunMs < 0 ? 0 : t.ms - t.mainRunMs - t.mainQueuedMs);
      const sum = (f: (t: BlockTime) => number) => times.reduce((a, t) => a + f(t), 0).toFixed(1);
      process.stderr.write(
        `scale ${holders}: store upkeep over the blocks: ${sum((t) => t.storeMs)} ms (${sum((t) => t.prepareMs)} ms preparing commits, ${sum((t) => t.trimMs)} ms trimming the caches, the longest step ${Math.max(...times.map((t) => t.trimMs)).toFixed(1)} ms), ${sum((t) => t.flushes)} commits, ${sum((t) => t.writes)} writes, ${sum((t) => t.minorFaults)} minor page faults; the block thread on a CPU ${sum((t) => t.mainRunMs)} ms, waiting for one ${sum((t) => t.mainQueuedMs)} ms, asleep ${sum(asleep)} ms\n`,
      );
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.ms.toFixed(1);
      process.stderr.write(
        `scale ${holders}: block ms p50 ${at(0.5)}, p90 ${at(0.9)}, p99 ${at(0.99)}, p99.9 ${at(0.999)}, max ${maxMs.toFixed(1)}; collector pauses in blocks ${sum((t) => t.gcMs - t.majorGcMs)} ms minor, ${sum((t) => t.majorGcMs)} ms major\n`,
      );
      const byCpu = [...times].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 5);
      process.stderr.write(
        `scale ${holders}: ${times.filter((t) => t.snapshot).length} snapshot(s) started; cpu per block median ${cpuSorted[cpuSorted.length >> 1]!.toFixed(1)} ms; most: ${byCpu.map((t) => `${t.num} ${t.cpuMs.toFixed(1)} ms (store ${t.storeMs.toFixed(1)}, ${t.writes} writes, gc ${t.gcMs.toFixed(1)})`).join('; ')}\n`,
      );
      // the slowest blocks and what the store's upkeep took of each (diagnosis, stderr only)
      for (const t of sorted.slice(-12).reverse())
        process.stderr.write(
          `scale ${holders}: block ${t.num} at ${t.startUs} µs ${t.ms.toFixed(1)} ms (median ${medianMs.toFixed(1)}; cpu ${t.cpuMs.toFixed(1)} ms, gc ${t.gcMs.toFixed(1)} ms (${t.majorGcMs.toFixed(1)} of it major), ${t.majorFaults} major and ${t.minorFaults} minor faults; block thread on a CPU ${t.mainRunMs.toFixed(1)} ms, waiting for one ${t.mainQueuedMs.toFixed(1)} ms, asleep ${asleep(t).toFixed(1)} ms): store ${t.storeMs.toFixed(1)} ms (trims ${t.trimMs.toFixed(1)}, preparing ${t.prepareMs.toFixed(1)}, commits ${t.flushMs.toFixed(1)} of which queueing ${t.writeMs.toFixed(1)} ms), waited ${t.waitMs.toFixed(1)} ms for commits to land, ${t.flushes} commit(s), ${t.writes} writes, ${t.dropped} dropped${t.snapshot ? ', snapshot started' : ''}; snapshot writer ${t.snapshotSliceMs.toFixed(1)} ms; other threads ${t.others.map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join(', ') || 'none'}\n`,
        );
    }
    const f: SizeFigures = {
      holders,
      stall: maxMs / medianMs,
      maxMs,
      maxStoreMs: slowest.storeMs,
      cpuStall,
      medianMs,
      tps,
      cpuTps,
      memory: measureMemory ? { rssPerHolder, rssKinds, heapPerHolder } : null,
      restart: null,
      replay: null,
    };
    return { f, dir: env.dir };
  } catch (err) {
    rmSync(env.dir, { recursive: true, force: true });
    throw err;
  }
}

/** The restart figures of a size timed by {@link timeSize}, from its folder: from its snapshot or store, then the whole log. */
async function restartFigures(f: SizeFigures, dir: string, blocks: number, perBlock: number): Promise<void> {
  f.restart = await restart(dir, SNAPSHOT_EVERY);
  // the whole log: with a state store, from an emptied one (it would open at its last commit)
  rmSync(join(dir, STATE_STORE_DIR), { recursive: true, force: true });
  const full = await restart(dir, 0);
  f.replay = { ms: full.replayMs, blocks: full.blocks, transfers: f.holders + blocks * perBlock };
}

export async function benchDmcsScale(_opts: { runs: number } = { runs: 1 }): Promise<BenchResult[]> {
  const big = benchEnvInt('PEEROS_BENCH_SCALE_HOLDERS', 2000, 2);
  const small = Math.max(20, Math.min(1000, Math.floor(big / 100)));
  const blocks = benchEnvInt('PEEROS_BENCH_SCALE_BLOCKS', 200);
  const perBlock = benchEnvInt('PEEROS_BENCH_SCALE_TRANSFERS', 20);
  const out: BenchResult[] = [];
  const one = (name: string, unit: string, v: number) => out.push(summarize(name, unit, [v]));
  const cacheTag = STATE_CACHE > 0 ? `, state cache ${STATE_CACHE}` : '';
  const from = STATE_CACHE > 0 ? 'from the state store' : 'from snapshot';
  // The big size is timed first and the small one right after (its build takes seconds to a minute),
  // so the two timed windows share the machine's state: with the small one first, a million holders'
  // build (some fifteen minutes) lay between them, and the ratio moved with the machine (docs/dmcs.md,
  // stop 27). The restarts come after both.
  const timed: Array<{ f: SizeFigures; dir: string }> = [];
  try {
    for (const holders of [big, small]) {
      const t = await timeSize(holders, blocks, perBlock, holders === big);
      if (!t) return out; // no built contract
      timed.unshift(t); // small first, as the figures are listed
    }
    if (!NO_RESTART) for (const { f, dir } of timed) await restartFigures(f, dir, blocks, perBlock);
  } finally {
    for (const { dir } of timed) rmSync(dir, { recursive: true, force: true });
  }
  const sizes = timed.map((t) => t.f);
  for (const f of sizes) {
    const holders = f.holders;
    const h = `${holders} holders${cacheTag}`;
    one(`dmcs.scale.stall_ratio (${h}, ${blocks} blocks of ${perBlock} transfers, snapshot every ${SNAPSHOT_EVERY})`, 'x', f.stall);
    one(`dmcs.scale.stall_ratio.cpu (${h}, the process's CPU time per block: max / median)`, 'x', f.cpuStall);
    one(`dmcs.scale.block_ms.max (${h})`, 'ms', f.maxMs);
    one(`dmcs.scale.block_ms.max.store_ms (${h}, commits and trims in the slowest block)`, 'ms', f.maxStoreMs);
    one(`dmcs.scale.block_ms.median (${h})`, 'ms', f.medianMs);
    one(`dmcs.scale.transfers_per_s (${h})`, 'ops/s', f.tps);
    one(`dmcs.scale.transfers_per_cpu_s (${h}, per second of the process's CPU time)`, 'ops/s', f.cpuTps);
    if (f.memory) {
      one(`dmcs.scale.rss_per_holder (${h})`, 'B', f.memory.rssPerHolder);
      if (f.memory.rssKinds) {
        one(`dmcs.scale.rss_anon_per_holder (${h}, private memory)`, 'B', f.memory.rssKinds.anon);
        one(`dmcs.scale.rss_file_per_holder (${h}, mapped file pages)`, 'B', f.memory.rssKinds.file);
      }
      one(`dmcs.scale.heap_used_per_holder (${h})`, 'B', f.memory.heapPerHolder);
    }
    if (f.restart && f.replay) {
      one(`dmcs.scale.restart.first_get_info_ms (${h})`, 'ms', f.restart.firstInfoMs);
      one(`dmcs.scale.restart.ready_ms (${h}, ${from})`, 'ms', f.restart.readyMs);
      // where a restart's time goes: the block log's open (before HTTP listens), the state's open
      one(`dmcs.scale.restart.log_open_ms (${h})`, 'ms', f.restart.logOpenMs);
      one(`dmcs.scale.restart.state_open_ms (${h}, ${from})`, 'ms', f.restart.openMs);
      one(`dmcs.scale.replay.blocks_per_s (${h}, whole log)`, 'ops/s', f.replay.blocks / (f.replay.ms / 1000));
      one(`dmcs.scale.replay.transfers_per_s (${h}, whole log)`, 'ops/s', f.replay.transfers / (f.replay.ms / 1000));
    }
  }
  const [s, b] = sizes as [SizeFigures, SizeFigures];
  if (s.restart && b.restart) {
    one(
      `dmcs.scale.restart_ratio (first get_info, ${b.holders} / ${s.holders} holders${cacheTag})`,
      'x',
      b.restart.firstInfoMs / s.restart.firstInfoMs,
    );
    one(
      `dmcs.scale.restart_ready_ratio (ready ${from}, ${b.holders} / ${s.holders} holders${cacheTag})`,
      'x',
      b.restart.readyMs / s.restart.readyMs,
    );
  }
  one(`dmcs.scale.transfers_per_s_ratio (${b.holders} / ${s.holders} holders${cacheTag})`, 'x', b.tps / s.tps);
  // the same in CPU time: what the state's size costs, without the other load of a shared machine
  one(`dmcs.scale.transfers_per_cpu_s_ratio (${b.holders} / ${s.holders} holders${cacheTag})`, 'x', b.cpuTps / s.cpuTps);
  return out;
}
