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
 *   (flat when a block costs what it changed: about 1);
 * - `dmcs.big_table.cold.block_ms (R rows …)`: the big size again on a node whose cache holds
 *   half the units its rows fill (`coldCache`), with as many accounts more plus `COLD_EXTRA` that
 *   follow a new account each (dSocial's `follows`, a table in each follower's scope) in an untimed
 *   block before each timed one, and `COLD_GAP` empty blocks for their commit to land: the cache
 *   lets the posts table go (its least recently used), and the timed block's first post reads it
 *   back; `….cold.read_backs` the tables read back per timed block (at least 1: the figure is a
 *   miss's), `dmcs.big_table.cold_ratio (R cold / 1000 rows)` its median block over the small
 *   size's (cached): what a miss on a big table costs.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Abi, AbiSerializer, Action, EOSIO_ABI, PrivateKey } from '../abi/antelope/index.js';
import { DEV_PRIVATE_KEY, startNode, type EmbeddedNode } from '../dmcs/index.js';
import type { PackedTrx } from '../dmcs/block.js';
import { authority, makeTrx, signed } from './dmcs.js';
import { ROWS_PER_CACHE_UNIT } from '../dmcs/state/table-store.js';
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
/** The cold run's cache, in units (table-store.ts `ROWS_PER_CACHE_UNIT`): half of what the big table's rows fill. */
const coldCache = (rows: number): number => Math.max(1, Math.floor(rows / ROWS_PER_CACHE_UNIT / 2));
/** Followers in the cold run beyond its cache's units (so their tables push the posts table out). */
const COLD_EXTRA = 8;
/** Empty blocks after each cold run's follows, each once the commits in flight landed: the cache's trim lets the posts table go. */
const COLD_GAP = 4;
/** Actions per transaction of the cold run's setup (new accounts) and follows. */
const ACTIONS_PER_TRX = 20;

/** A valid account name for number `i` under `prefix` (five letters: up to 11,881,376). */
function accountName(prefix: string, i: number): string {
  let s = '';
  for (let k = 0; k < 5; k++, i = Math.floor(i / 26)) s = String.fromCharCode(97 + (i % 26)) + s;
  return prefix + s;
}

const dev = PrivateKey.from(DEV_PRIVATE_KEY);
const sign = (k: PrivateKey, d: Uint8Array) => k.sign(d);
const eosio = new AbiSerializer(EOSIO_ABI);

interface SizeFigures {
  rows: number;
  blockMs: number;
  commitMs: number;
  /** Tables read back from the store per timed block. */
  readBacks: number;
}

/** One size: a new node, its table grown to `rows` rows, then `blocks` timed blocks (`cold`: each with the table out of the cache). */
async function timeSize(rows: number, blocks: number, social: AbiSerializer, abi: Abi, cold = false): Promise<SizeFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-bench-big-table-'));
  const node = await startNode({
    dev: true,
    dataDir: dir,
    autoProduce: false,
    snapshotEvery: 0,
    recoveryWorkers: 0,
    stateCache: cold ? coldCache(rows) : 16384,
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
    if (!cold) return await timeBlocks(node, rows, blocks, post, async () => {});
    // followers (a follows table each) and the accounts they follow, one more each timed block
    const followers = Array.from({ length: coldCache(rows) + COLD_EXTRA }, (_, i) => accountName('fol', i));
    const followees = Array.from({ length: WARMUP_BLOCKS + blocks }, (_, i) => accountName('fee', i));
    const pushAll = async (actions: Action[]) => {
      for (let i = 0; i < actions.length; i += ACTIONS_PER_TRX) push(actions.slice(i, i + ACTIONS_PER_TRX));
      await node.produceBlock();
    };
    await pushAll([...followers, ...followees].map(newaccount));
    let round = 0;
    const follow = (follower: string) =>
      act('dsocial', 'follow', follower, social.encodeAction('follow', { follower, followee: followees[round]! }));
    return await timeBlocks(node, rows, blocks, post, async () => {
      await pushAll(followers.map(follow));
      round++;
      // each after the commits in flight landed: a trim lets go only what the store holds as it is
      // (on a loaded machine four blocks could pass before the follows' commit landed)
      for (let g = 0; g < COLD_GAP; g++) {
        await node.chain.state.settle();
        await node.produceBlock();
      }
    });
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

/** `blocks` timed blocks of posts (after `WARMUP_BLOCKS` untimed ones), each after `before` (untimed). */
async function timeBlocks(
  node: EmbeddedNode,
  rows: number,
  blocks: number,
  post: () => Action,
  before: () => Promise<void>,
): Promise<SizeFigures> {
  const work = node.chain.state.work;
  const tables = node.chain.state.tables;
  const times: number[] = [];
  let commits = 0;
  let commitMs = 0;
  let readBacks = 0;
  for (let b = -WARMUP_BLOCKS; b < blocks; b++) {
    await before();
    const batch: PackedTrx[] = [];
    for (let i = 0; i < POSTS_PER_BLOCK; i++) batch.push(signed(node, makeTrx(node, [post()], 1000 + i), sign, dev));
    const w0 = { flushes: work.flushes, flushMs: work.flushMs, readBacks: tables.readBacks };
    const t0 = performance.now();
    for (const p of batch) node.pushPacked(p);
    await node.produceBlock();
    if (b < 0) continue; // warming up
    times.push(performance.now() - t0);
    commits += work.flushes - w0.flushes;
    commitMs += work.flushMs - w0.flushMs;
    readBacks += tables.readBacks - w0.readBacks;
  }
  times.sort((a, b) => a - b);
  return { rows, blockMs: times[times.length >> 1]!, commitMs: commits > 0 ? commitMs / commits : 0, readBacks: readBacks / blocks };
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
  const cold = await timeSize(big, blocks, social, abi, true);
  const tag = `${POSTS_PER_BLOCK} posts a block, a commit due every block, state cache 16384`;
  const out: BenchResult[] = [];
  for (const f of sizes) {
    out.push(summarize(`dmcs.big_table.block_ms (${f.rows} rows in one scope, ${tag})`, 'ms', [f.blockMs]));
    out.push(summarize(`dmcs.big_table.commit_ms (${f.rows} rows in one scope, per commit)`, 'ms', [f.commitMs]));
  }
  out.push(summarize(`dmcs.big_table.block_ratio (${big} / ${small} rows)`, 'x', [sizes[1]!.blockMs / sizes[0]!.blockMs]));
  const coldTag = `state cache ${coldCache(big)}, ${coldCache(big) + COLD_EXTRA} follows before each`;
  out.push(summarize(`dmcs.big_table.cold.block_ms (${big} rows in one scope, out of the cache, ${coldTag})`, 'ms', [cold.blockMs]));
  out.push(summarize(`dmcs.big_table.cold.read_backs (${big} rows, tables read back per block)`, 'tables', [cold.readBacks]));
  out.push(
    summarize(`dmcs.big_table.cold_ratio (${big} rows out of the cache / ${small} rows cached)`, 'x', [cold.blockMs / sizes[0]!.blockMs]),
  );
  return out;
}
