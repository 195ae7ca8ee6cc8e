/**
 * Embedded node benchmarks (same run, same machine). Every transfer figure is dPay token
 * transfers (the built `build/contracts/dpay` wasm as `bench.token`) pushed into a dev node started
 * in this process. Transactions are pre-signed outside the timing: signing is the client's cost.
 * Blocks (one per 500 transfers) are sealed, signed and appended to the hypercore block log; the
 * log does not fsync each block (a committed-length marker is fsynced in the background, coalesced,
 * see dmcs/block/block-log.ts), so no figure here waits for a block to be on disk.
 * - `dmcs.transfer.in-process (<recovery>)`: `node.pushPacked` one after another, no HTTP, no JSON —
 *   packed transaction decoded, TaPoS/expiration/duplicate checks, signature key recovery inline
 *   (the node's chosen implementation, named in the figure), authority check, contract execution
 *   with notifications, RAM accounting and undo session, receipt into the pending block. Each
 *   transfer is also appended to the accepted-transaction journal, but this figure does NOT wait
 *   for the journal's fdatasync (pushPacked returns before it).
 * - `dmcs.transfer.in-process.pooled`: the same transfers through `node.pushPackedAsync`, 256 in
 *   flight, keys recovered on the node's worker thread(s) while the main thread executes (Leap's
 *   design); each push waits for its journal entry's group-committed fdatasync.
 * - `….per-cpu-second`: the same transfers per second of this process's CPU time (user + system,
 *   all threads), which other load on a shared machine does not distort.
 * - `dmcs.transfer.http`: the same transfers pushed by a client over loopback HTTP
 *   (`POST /v1/chain/push_transaction`, keep-alive, 8 in flight), JSON request bodies (built before
 *   the timing, like the signatures) and JSON replies, each parsed and checked to say `executed`.
 *   Includes the server's JSON parse, hex decode, recovery on the worker pool, everything above,
 *   the reply's JSON trace, and the acknowledgement: the node replies only once the transaction is
 *   in the accepted journal and fdatasynced (group commit), so an acknowledged transfer survives a
 *   kill -9. The client and the node share this process (and its CPU).
 * - `dmcs.transfer.http.64-in-flight`: the same with 64 requests in flight, so more pushes share
 *   each fdatasync (what a busy node's group commit gives).
 * - `dmcs.recover.noble` / `dmcs.recover.native`: K1 public-key recoveries per second with
 *   @noble/curves and with libsecp256k1 (npm `secp256k1`), on the same signatures; `…native/noble`
 *   is their ratio. The node uses native when it can load it.
 * - `dmcs.http.get_info` / `dmcs.http.get_table_rows`: requests per second over loopback HTTP with
 *   keep-alive, 8 in flight.
 * - `dmcs.block.*`: the cost of Leap's block rule per applied block and of the incremental merkle
 *   (bench/leap-blocks.ts).
 * - `dmcs.p2p.*`: block propagation between producing nodes and catch-up over the relay (bench/p2p-network.ts).

 * Transfers per run: `PEEROS_BENCH_TRANSFERS_IN_PROCESS` (3,000) in process and pooled,
 * `PEEROS_BENCH_TRANSFERS_HTTP` (2,000) over HTTP; tests that check names, not speed, use one block's.
 */
import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import {
  Abi,
  AbiSerializer,
  Action,
  PrivateKey,
  Signature,
  Transaction,
  TimePointSec,
  KeyType,
  isCanonical,
  signingDigest,
  sha256,
  EOSIO_ABI,
} from '../abi/antelope/index.js';
import { startNode, type EmbeddedNode, type KeyRecovery, DEV_PRIVATE_KEY } from '../dmcs/index.js';
import { packedTrxToJson } from '../dmcs/block/accepted-journal.js';
import { nobleRecovery, loadNativeSecp256k1, nativeRecovery } from '../dmcs/keys/key-recovery.js';
import { refBlockPrefix, type PackedTrx } from '../dmcs/block.js';
import { benchEnvInt, summarize, type BenchResult } from './result.js';
import { leapBlockBench } from './leap-blocks.js';
import { p2pBench } from './p2p-network.js';
import { figureWanted } from '../runtime/cli/bench-module.js';

const ROOT = new URL('../../', import.meta.url);
const WASM = new URL('build/contracts/dpay/dpay.wasm', ROOT);
const ABI = new URL('build/contracts/dpay/dpay.abi', ROOT);

interface NativeSign {
  ecdsaSign(msg: Uint8Array, key: Uint8Array, opts?: { data?: Uint8Array }): { signature: Uint8Array; recid: number };
}

/** Canonical Antelope signing; native libsecp256k1 when loadable (setup speed only). */
function signer(): (key: PrivateKey, digest: Uint8Array) => Signature {
  let lib: NativeSign | null = null;
  try {
    lib = createRequire(import.meta.url)('secp256k1/bindings.js') as NativeSign;
  } catch {
    lib = null;
  }
  if (!lib) return (key, digest) => key.sign(digest);
  return (key, digest) => {
    const extra = new Uint8Array(32);
    for (let i = 0; i < 64; i++) {
      extra[31] = i;
      const { signature, recid } = lib!.ecdsaSign(digest, key.data, i === 0 ? undefined : { data: extra });
      const data = new Uint8Array(65);
      data[0] = 27 + 4 + recid;
      data.set(signature, 1);
      if (isCanonical(data)) return new Signature(KeyType.K1, data);
    }
    throw new Error('no canonical signature');
  };
}

async function push(
  node: EmbeddedNode,
  sign: (k: PrivateKey, d: Uint8Array) => Signature,
  key: PrivateKey,
  actions: Action[],
): Promise<void> {
  const trx = makeTrx(node, actions, 0);
  node.pushPacked(signed(node, trx, sign, key));
  await node.produceBlock();
}

export function makeTrx(node: EmbeddedNode, actions: Action[], salt: number): Transaction {
  const head = node.chain.head;
  return Transaction.from({
    expiration: new TimePointSec(Math.floor(node.chain.pendingBlockTime() / 1000) + 600 + (salt % 1000)),
    ref_block_num: head.num & 0xffff,
    ref_block_prefix: refBlockPrefix(head.id),
    actions,
  });
}

export function signed(
  node: EmbeddedNode,
  trx: Transaction,
  sign: (k: PrivateKey, d: Uint8Array) => Signature,
  key: PrivateKey,
): PackedTrx {
  const bytes = trx.toBinary();
  const digest = signingDigest(node.chain.chainId, bytes).array;
  return { signatures: [sign(key, digest)], compression: 0, packedContextFreeData: new Uint8Array(0), packedTrx: bytes };
}

export function authority(key: PrivateKey) {
  return { threshold: 1, keys: [{ key: key.toPublic().toString(), weight: 1 }], accounts: [], waits: [] };
}

export interface TokenNode {
  node: EmbeddedNode;
  dir: string;
  sign: (k: PrivateKey, d: Uint8Array) => Signature;
  dev: PrivateKey;
  token: AbiSerializer;
}

/**
 * A dev node where `bench.token` runs the dPay token and alice holds the supply (alice, bob and
 * bench.token all have the dev key). HTTP unless `http: false`; `keyRecovery`/`recoveryWorkers` as
 * in `NodeOptions`. The caller closes the node and removes `dir`.
 */
export async function tokenNode(
  opts: { http?: boolean; keyRecovery?: KeyRecovery; recoveryWorkers?: number; snapshotEvery?: number; stateCache?: number } = {},
): Promise<TokenNode | null> {
  if (!existsSync(WASM) || !existsSync(ABI)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'peeros-bench-dmcs-'));
  const node = await startNode({
    dev: true,
    dataDir: dir,
    autoProduce: false,
    ...(opts.http === false ? {} : { http: '127.0.0.1:0' }),
    ...(opts.keyRecovery ? { keyRecovery: opts.keyRecovery } : {}),
    ...(opts.recoveryWorkers !== undefined ? { recoveryWorkers: opts.recoveryWorkers } : {}),
    ...(opts.snapshotEvery !== undefined ? { snapshotEvery: opts.snapshotEvery } : {}),
    ...(opts.stateCache !== undefined ? { stateCache: opts.stateCache } : {}),
  });
  const sign = signer();
  const dev = PrivateKey.from(DEV_PRIVATE_KEY);
  const eosio = new AbiSerializer(EOSIO_ABI);
  const tokenAbi = Abi.fromJSON(JSON.parse(readFileSync(ABI, 'utf8')));
  const token = new AbiSerializer(tokenAbi);
  const act = (account: string, name: string, actor: string, data: unknown, s: AbiSerializer) =>
    Action.from({ account, name, authorization: [{ actor, permission: 'active' }], data: s.encodeAction(name, data) });
  const newacct = (name: string) =>
    act('eosio', 'newaccount', 'eosio', { creator: 'eosio', name, owner: authority(dev), active: authority(dev) }, eosio);
  await push(node, sign, dev, [newacct('bench.token'), newacct('alice'), newacct('bob')]);
  await push(node, sign, dev, [
    act(
      'eosio',
      'setcode',
      'bench.token',
      { account: 'bench.token', vmtype: 0, vmversion: 0, code: Buffer.from(readFileSync(WASM)).toString('hex') },
      eosio,
    ),
    act('eosio', 'setabi', 'bench.token', { account: 'bench.token', abi: Buffer.from(tokenAbi.toBinary()).toString('hex') }, eosio),
  ]);
  await push(node, sign, dev, [
    act('bench.token', 'create', 'bench.token', { issuer: 'alice', maximum_supply: '1000000000.0000 BNC' }, token),
    act('bench.token', 'issue', 'alice', { to: 'alice', quantity: '1000000000.0000 BNC', memo: '' }, token),
  ]);
  return { node, dir, sign, dev, token };
}

export async function transferBench(env: TokenNode, runs: number): Promise<BenchResult[]> {
  const { node, sign, dev, token } = env;
  const N = benchEnvInt('PEEROS_BENCH_TRANSFERS_IN_PROCESS', 3000);
  const BLOCK = 500;
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  let seq = 0;
  for (let r = -1; r < runs; r++) {
    const batch: PackedTrx[] = [];
    for (let i = 0; i < N; i++) {
      const data = token.encodeAction('transfer', { from: 'alice', to: 'bob', quantity: '0.0001 BNC', memo: `t${seq++}` });
      const trx = makeTrx(
        node,
        [Action.from({ account: 'bench.token', name: 'transfer', authorization: [{ actor: 'alice', permission: 'active' }], data })],
        i,
      );
      batch.push(signed(node, trx, sign, dev));
    }
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      node.pushPacked(batch[i]!);
      if ((i + 1) % BLOCK === 0) await node.produceBlock();
    }
    if (node.chain.pendingCount) await node.produceBlock();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    if (r >= 0) {
      samples.push(N / s);
      cpuSamples.push(N / ((c.user + c.system) / 1e6));
    }
  }
  // the same with keys recovered on the node's worker pool, 256 pushes in flight
  const pooled: number[] = [];
  const pooledCpu: number[] = [];
  for (let r = -1; r < runs; r++) {
    const batch: PackedTrx[] = [];
    for (let i = 0; i < N; i++) {
      const data = token.encodeAction('transfer', { from: 'alice', to: 'bob', quantity: '0.0001 BNC', memo: `t${seq++}` });
      const trx = makeTrx(
        node,
        [Action.from({ account: 'bench.token', name: 'transfer', authorization: [{ actor: 'alice', permission: 'active' }], data })],
        i,
      );
      batch.push(signed(node, trx, sign, dev));
    }
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    let next = 0;
    let sinceBlock = 0;
    let blocks: Promise<unknown> = Promise.resolve();
    await Promise.all(
      Array.from({ length: 256 }, async () => {
        while (next < N) {
          await node.pushPackedAsync(batch[next++]!);
          if (++sinceBlock >= BLOCK) {
            sinceBlock = 0;
            blocks = node.produceBlock();
          }
        }
      }),
    );
    await blocks;
    if (node.chain.pendingCount) await node.produceBlock();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    if (r >= 0) {
      pooled.push(N / s);
      pooledCpu.push(N / ((c.user + c.system) / 1e6));
    }
  }
  return [
    summarize('dmcs.transfer.in-process.pooled (recovery on worker threads, journal synced)', 'ops/s', pooled),
    summarize('dmcs.transfer.in-process.pooled.per-cpu-second', 'ops/s', pooledCpu),
    summarize(`dmcs.transfer.in-process (${node.chain.recovery.name})`, 'ops/s', samples),
    // per second of this process's CPU time: the same figure, insensitive to other load on the machine
    summarize(`dmcs.transfer.in-process.per-cpu-second (${node.chain.recovery.name})`, 'ops/s', cpuSamples),
  ];
}

/**
 * Transfers acknowledged over the chain API: pre-signed, pre-serialized JSON bodies POSTed to
 * `/v1/chain/push_transaction` over loopback keep-alive HTTP, `inFlight` at a time; each reply is read,
 * parsed and checked to be `executed` (the node sends it once the transaction is journaled and
 * fdatasynced). A block is sealed every 500 acknowledged transfers, as in `transferBench`.
 */
export async function httpTransferBench(env: TokenNode, runs: number, inFlight: number): Promise<BenchResult[]> {
  const { node, sign, dev, token } = env;
  const { request, Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const url = new URL(node.endpoint!);
  const push = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/v1/chain/push_transaction',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              const j = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { processed?: { receipt?: { status?: string } } };
              if ((res.statusCode === 200 || res.statusCode === 202) && j.processed?.receipt?.status === 'executed') resolve();
              else reject(new Error(`push_transaction: HTTP ${res.statusCode} ${JSON.stringify(j).slice(0, 300)}`));
            } catch (e) {
              reject(e as Error);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const N = benchEnvInt('PEEROS_BENCH_TRANSFERS_HTTP', 2000);
  const BLOCK = 500;
  const out: number[] = [];
  let seq = 0;
  try {
    for (let r = -1; r < runs; r++) {
      const bodies: string[] = [];
      for (let i = 0; i < N; i++) {
        const data = token.encodeAction('transfer', { from: 'alice', to: 'bob', quantity: '0.0001 BNC', memo: `h${inFlight}.${seq++}` });
        const trx = makeTrx(
          node,
          [Action.from({ account: 'bench.token', name: 'transfer', authorization: [{ actor: 'alice', permission: 'active' }], data })],
          i,
        );
        bodies.push(JSON.stringify(packedTrxToJson(signed(node, trx, sign, dev))));
      }
      const t0 = process.hrtime.bigint();
      let next = 0;
      let acked = 0;
      let blocks: Promise<unknown> = Promise.resolve();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < N) {
            await push(bodies[next++]!);
            if (++acked % BLOCK === 0) blocks = Promise.all([blocks, node.produceBlock()]);
          }
        }),
      );
      await blocks;
      if (node.chain.pendingCount) await node.produceBlock();
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (r >= 0) out.push(N / s);
    }
  } finally {
    agent.destroy();
  }
  return [
    summarize(
      `dmcs.transfer.http${inFlight === 8 ? '' : `.${inFlight}-in-flight`} (push_transaction, ${inFlight} in flight, acknowledged after fdatasync)`,
      'ops/s',
      out,
    ),
  ];
}

function recoverBench(runs: number): BenchResult[] {
  const key = PrivateKey.from(DEV_PRIVATE_KEY);
  const sigs: Array<[Signature, Uint8Array]> = [];
  for (let i = 0; i < 300; i++) {
    const d = sha256(new Uint8Array([i & 0xff, i >> 8]));
    sigs.push([key.sign(d), d]);
  }
  const rate = (recover: (s: Signature, d: Uint8Array) => string): number[] => {
    const out: number[] = [];
    for (let r = -1; r < runs; r++) {
      const t0 = process.hrtime.bigint();
      for (const [s, d] of sigs) recover(s, d);
      const sec = Number(process.hrtime.bigint() - t0) / 1e9;
      if (r >= 0) out.push(sigs.length / sec);
    }
    return out;
  };
  const noble = rate((s, d) => nobleRecovery.recover(s, d));
  const results = [summarize('dmcs.recover.noble', 'ops/s', noble)];
  const lib = loadNativeSecp256k1();
  if (lib) {
    const nat = nativeRecovery(lib);
    const native = rate((s, d) => nat.recover(s, d));
    results.push(summarize('dmcs.recover.native', 'ops/s', native));
    results.push(
      summarize(
        'dmcs.recover.native/noble',
        'x',
        native.map((v, i) => v / noble[i]!),
      ),
    );
  }
  return results;
}

async function httpBench(node: EmbeddedNode, runs: number, table: { code: string; scope: string; table: string }): Promise<BenchResult[]> {
  const { request, Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const url = new URL(node.endpoint!);
  const call = (path: string, body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path, method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const measure = async (path: string, body: string): Promise<number[]> => {
    const N = 2000,
      PAR = 8;
    const out: number[] = [];
    for (let r = -1; r < runs; r++) {
      let next = 0;
      const t0 = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: PAR }, async () => {
          while (next++ < N) await call(path, body);
        }),
      );
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (r >= 0) out.push(N / s);
    }
    return out;
  };
  try {
    const info = await measure('/v1/chain/get_info', '');
    const rows = await measure('/v1/chain/get_table_rows', JSON.stringify({ ...table, json: true, limit: 10 }));
    return [
      summarize('dmcs.http.get_info', 'ops/s', info),
      summarize(`dmcs.http.get_table_rows (${table.code} ${table.table})`, 'ops/s', rows),
    ];
  } finally {
    agent.destroy();
  }
}

export async function benchDmcs(opts: { runs: number; only?: readonly string[] }): Promise<BenchResult[]> {
  const runs = Math.max(1, opts.runs);
  // each part runs only when a prefix asks for its figures (`--only dmcs.transfer.in-process.pooled`
  // needs neither the HTTP nor the P2P parts)
  const want = (name: string) => figureWanted(opts.only, name);
  const wantHttpReads = want('dmcs.http.');
  const results: BenchResult[] = [];
  const wantInProcess = want('dmcs.transfer.in-process');
  const wantHttp8 = want('dmcs.transfer.http ('); // the 8-in-flight figure's name goes on with its note
  const wantHttp64 = want('dmcs.transfer.http.64-in-flight');
  const env = wantInProcess || wantHttp8 || wantHttp64 || wantHttpReads ? await tokenNode() : null;
  if (env) {
    try {
      if (wantInProcess) results.push(...(await transferBench(env, runs)));
      if (wantHttp8) results.push(...(await httpTransferBench(env, runs, 8)));
      if (wantHttp64) results.push(...(await httpTransferBench(env, runs, 64)));
      if (wantHttpReads) results.push(...(await httpBench(env.node, runs, { code: 'bench.token', scope: 'alice', table: 'accounts' })));
    } finally {
      await env.node.close();
      rmSync(env.dir, { recursive: true, force: true });
    }
  } else if (wantHttpReads) {
    // no built contract: the HTTP figures on a bare dev node (an empty table still runs the query path)
    const dir = mkdtempSync(join(tmpdir(), 'peeros-bench-http-'));
    const node = await startNode({ dev: true, dataDir: dir, http: '127.0.0.1:0', autoProduce: false });
    try {
      results.push(...(await httpBench(node, runs, { code: 'eosio', scope: 'eosio', table: 'accounts' })));
    } finally {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (want('dmcs.recover.')) results.push(...recoverBench(runs));
  if (want('dmcs.block.')) results.push(...leapBlockBench(runs));
  if (want('dmcs.p2p.')) results.push(...(await p2pBench(Math.min(runs, 3))));
  return results;
}
