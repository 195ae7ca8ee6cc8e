// Shared test helpers for the embedded node: temp data dirs, a dev node, and wharfkit-signed
// transactions (wharfkit is the oracle client; the node never imports it).
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APIClient,
  Action,
  ABI,
  PrivateKey,
  SignedTransaction,
  Transaction,
  PackedTransaction,
  Name,
  KeyType,
  Bytes,
  Checksum256,
} from '@wharfkit/antelope';
import { startNode, DEV_PRIVATE_KEY, type EmbeddedNode } from '../../dmcs/index.js';
import { ChainError } from '../../dmcs/chain-error.js';
import type { TransactionExecutor } from '../../dmcs/chain/transaction-executor.js';
import { ACCEPTED_JOURNAL_FILE, AcceptedJournal } from '../../dmcs/block/accepted-journal.js';
import { packedTrxFromJson } from '../../dmcs/packed-transaction.js';

export const DEV_KEY = PrivateKey.from(DEV_PRIVATE_KEY);

/** A deterministic K1 key for tests, derived from `seed`. */
export function testKey(seed: string): PrivateKey {
  return new PrivateKey(KeyType.K1, Bytes.from(Checksum256.hash(Bytes.from(seed, 'utf8')).array));
}

export function tempDir(tag = 'dmcs'): string {
  return mkdtempSync(join(tmpdir(), `peeros-${tag}-`));
}

/** Removes `dir`, retrying while a thread still writes into it (RocksDB's and LMDB's own threads can add a file mid-removal: ENOTEMPTY). */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
}

export interface DevNode {
  node: EmbeddedNode;
  client: APIClient;
  dir: string;
  close(remove?: boolean): Promise<void>;
}

export async function startDevNode(
  dir = tempDir(),
  opts: { autoProduce?: boolean; staleAfterMs?: number; producers?: readonly string[] } = {},
): Promise<DevNode> {
  const node = await startNode({
    dev: true,
    dataDir: dir,
    http: '127.0.0.1:0',
    autoProduce: opts.autoProduce ?? false,
    ...(opts.staleAfterMs !== undefined ? { staleAfterMs: opts.staleAfterMs } : {}),
    ...(opts.producers ? { producers: opts.producers } : {}),
  });
  const client = new APIClient({ url: node.endpoint! });
  return {
    node,
    client,
    dir,
    async close(remove = true) {
      await node.close();
      if (remove) removeDir(dir);
    },
  };
}

const abiCache = new Map<string, ABI>();
export async function abiOf(client: APIClient, account: string): Promise<ABI> {
  const hit = abiCache.get(account);
  if (hit) return hit;
  const res = await client.v1.chain.get_abi(account);
  if (!res.abi) throw new Error(`no ABI for ${account}`);
  const abi = ABI.from(res.abi);
  if (account === 'eosio') abiCache.set(account, abi);
  return abi;
}

export interface ActSpec {
  account: string;
  name: string;
  authorization: Array<{ actor: string; permission: string }> | string;
  data: Record<string, unknown> | string;
}

export interface SignOpts {
  keys?: PrivateKey[];
  expireSeconds?: number;
  compression?: 0 | 1;
  header?: Partial<{
    expiration: string;
    ref_block_num: number;
    ref_block_prefix: number;
    delay_sec: number;
    max_net_usage_words: number;
    max_cpu_usage_ms: number;
  }>;
  contextFreeActions?: ActSpec[];
  abi?: ABI;
}

/** Builds and signs a transaction with wharfkit. */
export async function buildSigned(
  client: APIClient,
  acts: ActSpec[],
  opts: SignOpts = {},
): Promise<{ signed: SignedTransaction; trx: Transaction; packed: PackedTransaction }> {
  const info = await client.v1.chain.get_info();
  const header = info.getTransactionHeader(opts.expireSeconds ?? 60);
  const toAction = async (a: ActSpec) => {
    const auth =
      typeof a.authorization === 'string'
        ? [{ actor: a.authorization.split('@')[0]!, permission: a.authorization.split('@')[1] ?? 'active' }]
        : a.authorization;
    if (typeof a.data === 'string') return Action.from({ account: a.account, name: a.name, authorization: auth, data: a.data });
    const abi = opts.abi ?? (await abiOf(client, a.account));
    return Action.from({ account: a.account, name: a.name, authorization: auth, data: a.data }, abi);
  };
  const actions = await Promise.all(acts.map(toAction));
  const context_free_actions = await Promise.all((opts.contextFreeActions ?? []).map(toAction));
  const trx = Transaction.from({ ...header, ...opts.header, actions, context_free_actions });
  const digest = trx.signingDigest(info.chain_id);
  const keys = opts.keys ?? [DEV_KEY];
  const signatures = keys.map((k) => k.signDigest(digest));
  const signed = SignedTransaction.from({ ...trx, signatures });
  return { signed, trx, packed: PackedTransaction.fromSigned(signed, opts.compression ?? 1) };
}

/**
 * The action traces of a push_transaction reply in execution order: Leap nests notifications and
 * inline actions under `inline_traces`; this walks the tree depth first.
 */
export function flatTraces(res: any): any[] {
  const out: any[] = [];
  const walk = (ts: any[]) => {
    for (const t of ts) {
      out.push(t);
      walk(t.inline_traces ?? []);
    }
  };
  walk(res.processed.action_traces);
  return out;
}

/** Signs and pushes with wharfkit; returns the push reply. */
export async function transact(client: APIClient, acts: ActSpec[], opts: SignOpts = {}): Promise<any> {
  const { packed } = await buildSigned(client, acts, opts);
  return client.v1.chain.push_transaction(packed);
}

export function keyAuth(pub: string) {
  return { threshold: 1, keys: [{ key: pub, weight: 1 }], accounts: [], waits: [] };
}

/** eosio::newaccount with one key for owner and active. */
export function newAccountAction(name: string, pub: string, creator = 'eosio'): ActSpec {
  return {
    account: 'eosio',
    name: 'newaccount',
    authorization: `${creator}@active`,
    data: { creator, name, owner: keyAuth(pub), active: keyAuth(pub) },
  };
}

/** `eosio::setcode` of `code` on `account`, authorized by the account. */
export function setcodeAction(account: string, code: Uint8Array): ActSpec {
  return {
    account: 'eosio',
    name: 'setcode',
    authorization: `${account}@active`,
    data: { account, vmtype: 0, vmversion: 0, code: Bytes.from(code).hexString },
  };
}

/**
 * Closes `dn` and starts its node again with `transactions` (each a list of actions, signed now)
 * in its accepted journal, acknowledged and not known to be in a block: what a node that crashed
 * with them would hold (more than one block can: a block sealed and not logged, and the pending
 * one). Their records name block `lostBlocks + 1` after the head: the log lost that many blocks in
 * the crash (default 0). Returns the restarted node (the caller closes it), the head before, and
 * what it reported.
 */
export async function restartCarrying(
  dn: DevNode,
  transactions: ActSpec[][],
  lostBlocks = 0,
): Promise<{ node: EmbeddedNode; headBefore: number; notes: string[] }> {
  const packed = [];
  for (const acts of transactions) packed.push(packedTrxFromJson(JSON.parse(JSON.stringify((await buildSigned(dn.client, acts)).packed))));
  const headBefore = dn.node.chain.head.num;
  await dn.node.close();
  const { journal } = await AcceptedJournal.open(join(dn.dir, ACCEPTED_JOURNAL_FILE), { durable: headBefore });
  await Promise.all(packed.map((p) => journal.append(headBefore + lostBlocks + 1, p)));
  await journal.close();
  const notes: string[] = [];
  const node = await startNode({ dev: true, dataDir: dn.dir, autoProduce: false, onError: (e) => notes.push(e.message) });
  return { node, headBefore, notes };
}

/**
 * Counts what `chain` executes from now on: the transactions it runs (those that fail too), and the
 * metered units of those that succeed. Read the fields as they change.
 */
export function countExecutions(chain: EmbeddedNode['chain']): { transactions: number; units: number } {
  const count = { transactions: 0, units: 0 };
  const executor = (chain as unknown as { executor: TransactionExecutor }).executor;
  const execute = executor.execute.bind(executor);
  executor.execute = (...args) => {
    count.transactions++;
    const trace = execute(...args);
    count.units += trace.cpuUnits;
    return trace;
  };
  return count;
}

/** The node's refusal of an in-process call: the `ChainError` code a promise rejects with, or 'accepted'. */
export async function refusalCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, ChainError, (e as Error).stack);
    return (e as ChainError).code;
  }
  return 'accepted';
}

/** The Antelope exception name of a failed wharfkit call (APIError.error.name). */
export async function errorName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as { error?: { name?: string }; message?: string };
    if (err.error?.name) return err.error.name;
    throw e;
  }
  throw new Error('expected the call to fail');
}

export function name(n: string): Name {
  return Name.from(n);
}
