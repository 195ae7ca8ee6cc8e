/**
 * A contract table that grows in one scope (issue 19: a block's cost proportional to what it
 * changed, not to the state). dSocial's contract keeps every post in one table of its own scope, as
 * many contracts keep their rows; over a state store, a table was one value, so each commit that
 * changed one post rewrote them all. Big tables now keep each row under a key of its own
 * (table-store.ts `ROWS_APART_MIN`).
 *
 * A dev node with a state store (`stateCache` 16,384) and a commit due every block (as a loaded
 * node's full cache has them every few blocks) runs build/contracts/dsocial; alice posts until the
 * `posts` table holds R rows (25 posts a transaction, not timed), then `BLOCKS` blocks of 20 posts
 * (each its own transaction, signed before the block's clock starts) are timed, after
 * `WARMUP_BLOCKS` untimed ones: pushing them, sealing and appending the block
 * (`PEEROS_BENCH_BIG_TABLE_BLOCKS`, default 100). Two sizes in one run, 1,000 rows and
 * `PEEROS_BENCH_BIG_TABLE_ROWS` (default 20,000):
 * - `dmcs.big_table.block_ms (R rows in one scope, …)`: the median block;
 * - `dmcs.big_table.commit_ms (R rows in one scope, …)`: the state store's commits, per commit
 *   started in the timed blocks (on the block thread: digest, encoding and queueing; `ChainState.work`);
 * - `dmcs.big_table.block_ratio (R / 1000 rows)`: the big size's median block over the small one's
 *   (flat when a block costs what it changed: about 1).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Abi, AbiSerializer, Action, EOSIO_ABI, PrivateKey } from '../abi/antelope/index.js';
import { DEV_PRIVATE_KEY, startNode, type EmbeddedNode } from '../dmcs/index.js';
import type { PackedTrx } from '../dmcs/block.js';
import { authority, makeTrx, signed } from './dmcs.js';
import { benchEnvInt, summarize, type BenchResult } from './result.js';

const ROOT = new URL('../../', import.meta.url);
const WASM = new URL('build/contracts/dsocial/dsocial.wasm', ROOT);
const ABI = new URL('build/contracts/dsocial/dsocial.abi', ROOT);
const SMALL = 1000;
const POSTS_PER_BLOCK = 20;
const POSTS_PER_SETUP_TRX = 25;
const SETUP_TRXS_PER_BLOCK = 20;
const TEXT = 'a post of some forty bytes, give or take';
/** Blocks run before the timed ones at each size (the first size would pay for compiling the block path). */
const WARMUP_BLOCKS = 10;

const dev = PrivateKey.from(DEV_PRIVATE_KEY);
const sign = (k: PrivateKey, d: Uint8Array) => k.sign(d);
const eosio = new AbiSerializer(EOSIO_ABI);

interface SizeFigures {
  rows: number;
  blockMs: number;
  commitMs: number;
}

/** One size: a new node, its table grown to `rows` rows, then `blocks` timed blocks. */
async function timeSize(rows: number, blocks: number, social: AbiSerializer, abi: Abi): Promise<SizeFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-bench-big-table-'));
  const node = await startNode({
    dev: true,
    dataDir: dir,
    autoProduce: false,
    snapshotEvery: 0,
    recoveryWorkers: 0,
    stateCache: 16384,
    stateCommitEvery: 1,
  });
  try {
    let salt = 0;
    const act = (account: string, name: string, actor: string, data: Uint8Array) =>
      Action.from({ account, name, authorization: [{ actor, permission: 'active' }], data });
    const push = (actions: Action[]) => node.pushPacked(signed(node, makeTrx(node, actions, salt++), sign, dev));
    const post = () => act('dsocial', 'post', 'alice', social.encodeAction('post', { author: 'alice', text: TEXT }));
    const newaccount = (name: string) =>
      act(
        'eosio',
        'newaccount',
        'eosio',
        eosio.encodeAction('newaccount', { creator: 'eosio', name, owner: authority(dev), active: authority(dev) }),
      );
    push([newaccount('dsocial'), newaccount('alice')]);
    await node.produceBlock();
    push([
      act(
        'eosio',
        'setcode',
        'dsocial',
        eosio.encodeAction('setcode', { account: 'dsocial', vmtype: 0, vmversion: 0, code: readFileSync(WASM).toString('hex') }),
      ),
      act(
        'eosio',
        'setabi',
        'dsocial',
        eosio.encodeAction('setabi', { account: 'dsocial', abi: Buffer.from(abi.toBinary()).toString('hex') }),
      ),
    ]);
    await node.produceBlock();
    await grow(node, rows, push, post);
    return await timeBlocks(node, rows, blocks, post);
  } finally {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function grow(node: EmbeddedNode, rows: number, push: (a: Action[]) => unknown, post: () => Action): Promise<void> {
  let posted = 0;
  while (posted < rows) {
    for (let t = 0; t < SETUP_TRXS_PER_BLOCK && posted < rows; t++) {
      const actions: Action[] = [];
      for (; actions.length < POSTS_PER_SETUP_TRX && posted < rows; posted++) actions.push(post());
      push(actions);
    }
    await node.produceBlock();
  }
}

async function timeBlocks(node: EmbeddedNode, rows: number, blocks: number, post: () => Action): Promise<SizeFigures> {
  const work = node.chain.state.work;
  const times: number[] = [];
  let commits = 0;
  let commitMs = 0;
  for (let b = -WARMUP_BLOCKS; b < blocks; b++) {
    const batch: PackedTrx[] = [];
    for (let i = 0; i < POSTS_PER_BLOCK; i++) batch.push(signed(node, makeTrx(node, [post()], 1000 + i), sign, dev));
    const w0 = { flushes: work.flushes, flushMs: work.flushMs };
    const t0 = performance.now();
    for (const p of batch) node.pushPacked(p);
    await node.produceBlock();
    if (b < 0) continue; // warming up
    times.push(performance.now() - t0);
    commits += work.flushes - w0.flushes;
    commitMs += work.flushMs - w0.flushMs;
  }
  times.sort((a, b) => a - b);
  return { rows, blockMs: times[times.length >> 1]!, commitMs: commits > 0 ? commitMs / commits : 0 };
}

/** `rows`, `small`, `blocks`: the sizes and timed blocks (tests; else the environment's and the defaults). */
export async function benchDmcsBigTable(
  opts: { runs: number; rows?: number; small?: number; blocks?: number } = { runs: 1 },
): Promise<BenchResult[]> {
  if (!existsSync(WASM) || !existsSync(ABI)) return [];
  const big = opts.rows ?? benchEnvInt('PEEROS_BENCH_BIG_TABLE_ROWS', 20000, 2);
  const small = Math.min(opts.small ?? SMALL, big);
  const blocks = opts.blocks ?? benchEnvInt('PEEROS_BENCH_BIG_TABLE_BLOCKS', 100);
  const abi = Abi.fromJSON(JSON.parse(readFileSync(ABI, 'utf8')));
  const social = new AbiSerializer(abi);
  const sizes: SizeFigures[] = [];
  for (const rows of [small, big]) sizes.push(await timeSize(rows, blocks, social, abi));
  const tag = `${POSTS_PER_BLOCK} posts a block, a commit due every block, state cache 16384`;
  const out: BenchResult[] = [];
  for (const f of sizes) {
    out.push(summarize(`dmcs.big_table.block_ms (${f.rows} rows in one scope, ${tag})`, 'ms', [f.blockMs]));
    out.push(summarize(`dmcs.big_table.commit_ms (${f.rows} rows in one scope, per commit)`, 'ms', [f.commitMs]));
  }
  out.push(summarize(`dmcs.big_table.block_ratio (${big} / ${small} rows)`, 'x', [sizes[1]!.blockMs / sizes[0]!.blockMs]));
  return out;
}
