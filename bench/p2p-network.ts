/**
 * Producing nodes exchanging blocks over the relay on loopback (dmcs/net/block-relay.ts), same run:
 * - `dmcs.p2p.propagate.p50` / `.p99`: ms from a producer's block being sealed to a connected
 *   peer having verified and applied it (one hop, in-process nodes, empty blocks).
 * - `dmcs.p2p.catchup`: blocks per second a new node verifies, applies and logs when it joins a
 *   peer that is `CATCHUP_BLOCKS` ahead (from connect to the same head).
 * - `dmcs.p2p.catchup/replay`: that over the same node's replay of its own log of those blocks on
 *   restart (how much the relay and the fork database cost beyond applying blocks). Both nodes
 *   share one event loop here, so the peer's reading and sending cannot overlap the applying.
 * - `dmcs.p2p.catchup.process` and `dmcs.p2p.catchup.process/replay`: the same catch-up of
 *   `CATCHUP_BLOCKS` from a peer that is its own `peeros node` process (`--slot-clock manual`, so it
 *   makes no block meanwhile), as between machines: the pipelined requests (CATCHUP_WINDOW) keep
 *   the peer reading the next pieces while this node applies (from the node's start, when its relay
 *   dials, to the same head; the in-process figure above counts the start-up too).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode, type EmbeddedNode, type NodeOptions } from '../dmcs/index.js';
import { percentile, summarize, type BenchResult } from './result.js';

const PROPAGATE_BLOCKS = 200;
const CATCHUP_BLOCKS = 1000;

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error('p2p bench: peers did not converge');
    await new Promise((r) => setImmediate(r));
  }
}

const sameHead = (a: EmbeddedNode, b: EmbeddedNode) =>
  a.chain.head.num === b.chain.head.num && a.chain.head.id.every((x, i) => x === b.chain.head.id[i]);

export async function p2pBench(runs: number): Promise<BenchResult[]> {
  const p50: number[] = [];
  const p99: number[] = [];
  const catchup: number[] = [];
  const ratio: number[] = [];
  for (let r = 0; r < runs; r++) {
    const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'peeros-bench-p2p-')));
    const base = (i: number): NodeOptions => ({ dev: true, dataDir: dirs[i]!, autoProduce: false, snapshotEvery: 0, onError: () => {} });
    const nodes: EmbeddedNode[] = [];
    try {
      const a = await startNode({ ...base(0), p2pListen: '127.0.0.1:0' });
      nodes.push(a);
      for (const d of dirs.slice(1)) copyFileSync(join(dirs[0]!, 'genesis.json'), join(d, 'genesis.json'));
      const b = await startNode({ ...base(1), peers: [a.p2pAddress!] });
      nodes.push(b);
      await until(() => a.connectedPeers > 0 && b.connectedPeers > 0, 5000);
      const ms: number[] = [];
      for (let i = 0; i < PROPAGATE_BLOCKS; i++) {
        await a.produceBlock();
        const t0 = performance.now();
        await until(() => sameHead(a, b), 5000);
        ms.push(performance.now() - t0);
      }
      p50.push(percentile(ms, 50));
      p99.push(percentile(ms, 99));
      for (let i = 0; i < CATCHUP_BLOCKS; i++) await a.produceBlock();
      const t0 = performance.now();
      const c = await startNode({ ...base(2), peers: [a.p2pAddress!] });
      nodes.push(c);
      await until(() => sameHead(a, c), 60_000);
      const behind = c.chain.head.num - 1;
      const catchupRate = (behind * 1000) / (performance.now() - t0);
      await c.close();
      nodes.pop();
      const again = await startNode(base(2));
      const replayRate = (behind * 1000) / Math.max(0.001, again.startupTimes.replayMs);
      await again.close();
      catchup.push(catchupRate);
      ratio.push(catchupRate / replayRate);
    } finally {
      for (const n of nodes) await n.close().catch(() => {});
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  }
  const proc = await processCatchup(runs);
  return [
    summarize('dmcs.p2p.propagate.p50', 'ms', p50),
    summarize('dmcs.p2p.propagate.p99', 'ms', p99),
    summarize('dmcs.p2p.catchup', 'blocks/s', catchup),
    summarize('dmcs.p2p.catchup/replay', 'x', ratio),
    summarize('dmcs.p2p.catchup.process', 'blocks/s', proc.rate),
    summarize('dmcs.p2p.catchup.process/replay', 'x', proc.ratio),
  ];
}

const BIN = fileURLToPath(new URL('../../bin/peeros.js', import.meta.url));

/** Catch-up from a peer in its own process: blocks/s, and that over the same node's replay. */
async function processCatchup(runs: number): Promise<{ rate: number[]; ratio: number[] }> {
  const rate: number[] = [];
  const ratio: number[] = [];
  for (let r = 0; r < runs; r++) {
    const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'peeros-bench-p2p-')));
    const base = (i: number): NodeOptions => ({ dev: true, dataDir: dirs[i]!, autoProduce: false, snapshotEvery: 0, onError: () => {} });
    const source = await startNode(base(0));
    for (let i = 1; i < CATCHUP_BLOCKS; i++) await source.produceBlock();
    const head = source.chain.head.num;
    await source.close();
    const child = spawn(
      process.execPath,
      [
        BIN,
        'node',
        '--dev',
        '--slot-clock',
        'manual',
        '--data',
        dirs[0]!,
        '--p2p-listen',
        '127.0.0.1:0',
        '--http',
        '127.0.0.1:0',
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let c: EmbeddedNode | null = null;
    try {
      const p2p = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.once('exit', (code) => reject(new Error(`p2p bench: the peer process exited (${code})`)));
        child.stdout!.on('data', (d) => {
          out += d;
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line) resolve((JSON.parse(line) as { p2p: string }).p2p);
        });
      });
      copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[1]!, 'genesis.json'));
      c = await startNode({ ...base(1), peers: [p2p] });
      const t0 = performance.now(); // from the relay dialling (the node's own start-up is not catch-up)
      const node = c;
      await until(() => node.chain.head.num === head, 60_000);
      const catchupRate = ((head - 1) * 1000) / (performance.now() - t0);
      await c.close();
      c = null;
      const again = await startNode(base(1));
      const replayRate = ((head - 1) * 1000) / Math.max(0.001, again.startupTimes.replayMs);
      await again.close();
      rate.push(catchupRate);
      ratio.push(catchupRate / replayRate);
    } finally {
      child.kill('SIGKILL');
      await c?.close().catch(() => {});
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  }
  return { rate, ratio };
}
