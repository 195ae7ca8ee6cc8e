/**
 * The hybrid layers end to end: a dPay transfer from the app (wasm in its worker) through the ISA,
 * the sync bridge, the transaction service (scope, ABI encode/decode, confirmation, key picking), the
 * session-grant verifier policy (auto-approve within limits), the vault worker (assertion check,
 * signing grant, K1 signature), dispatch over the chain API on loopback HTTP, to the embedded dev
 * node (signature recovery, authority check, contract VM).
 *
 *   hybrid.transfer.block.p50 / .p99   app call → the transaction is in a produced block (ms); the
 *                                      node seals a block 500 ms after the first pending transaction,
 *                                      as Antelope's block interval, so this is dominated by it
 *   hybrid.transfer.ack.p50 / .p99     app call → the node acknowledged it (ms)
 *   hybrid.transfer.rate               transfers/s, one app calling back to back (ack, not block)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Action } from '../abi/antelope/index.js';
import { startNode, DEV_PRIVATE_KEY } from '../dmcs/index.js';
import { Vault, USER_APP } from '../skv/index.js';
import { Host } from '../runtime/index.js';
import { DmcsRegistry } from '../runtime/dispatch/index.js';
import { HostServices } from '../runtime/host-bridge/index.js';
import { login } from '../runtime/session/index.js';
import {
  createAccount,
  deployContract,
  submitUserTransaction,
  GrantPolicyVerifier,
  SessionGrantStore,
  validateSessionGrant,
} from '../runtime/transaction-service/index.js';
import { summarize, percentile, type BenchResult } from './result.js';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '../..');
/** Transfers per run for the latency percentiles. */
const LATENCY_SAMPLES = 12;
/** Transfers per run for the rate. */
const RATE_SAMPLES = 100;

export async function benchHybrid(opts: { runs: number }): Promise<BenchResult[]> {
  const home = mkdtempSync(join(tmpdir(), 'peeros-bench-hybrid-'));
  const node = await startNode({ dev: true, dataDir: join(home, 'node'), http: '127.0.0.1:0' });
  const vault = Vault.open({ home, insecureTestKdf: true });
  const store = new SessionGrantStore(home);
  // The benchmark operator approves the setup (accounts, deployment, login, the app's grant); an
  // app signature outside the session grant is refused, so every measured transfer went through
  // the auto-approve policy.
  const policy = new GrantPolicyVerifier({ store, fallback: async (r) => r.purpose !== 'sign' || r.app === USER_APP });
  let services: HostServices | undefined;
  let host: Host | undefined;
  try {
    await new DmcsRegistry(home).add('local', node.endpoint!);
    await vault.unlock('bench', { verifier: policy, create: true });
    await vault.importKey(DEV_PRIVATE_KEY, 'eosio');
    services = await HostServices.open({ home, vault, policy, memoryCache: true, flusher: false });
    const { backend } = await services.defaultBackend();
    for (const name of ['alice', 'bob', 'dpay.token']) await createAccount({ vault, backend, name });
    const wasm = join(ROOT, 'build/contracts/dpay/dpay.wasm');
    await deployContract({ vault, backend, account: 'dpay.token', wasmPath: wasm, abiPath: wasm.replace(/\.wasm$/, '.abi') });
    const abi = (await backend.getAbi('dpay.token')).abi as Parameters<typeof Action.from>[1];
    const auth = [{ actor: 'dpay.token', permission: 'active' }];
    await submitUserTransaction({
      vault,
      backend,
      summary: ['bench setup'],
      actions: [
        Action.from(
          {
            account: 'dpay.token',
            name: 'create',
            authorization: auth,
            data: { issuer: 'dpay.token', maximum_supply: '1000000000.0000 RSN' },
          },
          abi,
        ),
        Action.from(
          { account: 'dpay.token', name: 'issue', authorization: auth, data: { to: 'dpay.token', quantity: '1000000.0000 RSN', memo: '' } },
          abi,
        ),
        Action.from(
          {
            account: 'dpay.token',
            name: 'transfer',
            authorization: auth,
            data: { from: 'dpay.token', to: 'alice', quantity: '1000000.0000 RSN', memo: '' },
          },
          abi,
        ),
      ],
    });
    await login({
      home,
      vault,
      getAccount: (n) => backend.getAccount(n),
      dmcs: { name: 'local', chainId: backend.chainId },
      account: 'alice',
    });
    host = new Host({ home, bridge: services.bridge, onLog: () => {} });
    await host.install(join(ROOT, 'apps/dpay'), { grant: async () => true });
    await store.set(validateSessionGrant({ app: 'dpay', maxCount: 100_000, maxAmount: '100000.0000 RSN' }));
    await services.installAppGrant('dpay');
    await node.produceBlock();

    let n = 0;
    const transfer = async () => {
      const out = (await host!.run('dpay', 'transfer', { to: 'bob', quantity: '0.0001 RSN', memo: `bench ${n++}` })) as {
        status: string;
        block?: number;
      };
      if (out.status !== 'executed') throw new Error(`bench transfer ${out.status}: ${JSON.stringify(out)}`);
      return out.block!;
    };
    const inBlock = async (block: number) => {
      while ((node.getInfo() as { head_block_num: number }).head_block_num < block) await new Promise((r) => setTimeout(r, 1));
    };
    for (let i = 0; i < 5; i++) await transfer(); // warm up: worker, caches, JIT
    await node.produceBlock();

    const blockP50: number[] = [],
      blockP99: number[] = [],
      ackP50: number[] = [],
      ackP99: number[] = [],
      rate: number[] = [];
    for (let r = 0; r < opts.runs; r++) {
      const toBlock: number[] = [];
      const toAck: number[] = [];
      for (let i = 0; i < LATENCY_SAMPLES; i++) {
        const t0 = performance.now();
        const block = await transfer();
        toAck.push(performance.now() - t0);
        await inBlock(block);
        toBlock.push(performance.now() - t0);
      }
      blockP50.push(percentile(toBlock, 50));
      blockP99.push(percentile(toBlock, 99));
      ackP50.push(percentile(toAck, 50));
      ackP99.push(percentile(toAck, 99));
      const t0 = performance.now();
      for (let i = 0; i < RATE_SAMPLES; i++) await transfer();
      rate.push(RATE_SAMPLES / ((performance.now() - t0) / 1000));
      await node.produceBlock();
    }
    return [
      summarize('hybrid.transfer.block.p50', 'ms', blockP50),
      summarize('hybrid.transfer.block.p99', 'ms', blockP99),
      summarize('hybrid.transfer.ack.p50', 'ms', ackP50),
      summarize('hybrid.transfer.ack.p99', 'ms', ackP99),
      summarize('hybrid.transfer.rate', 'ops/s', rate),
    ];
  } finally {
    await host?.close().catch(() => {});
    await services?.close().catch(() => {});
    await vault.close().catch(() => {});
    await node.close().catch(() => {});
    rmSync(home, { recursive: true, force: true });
  }
}
