/**
 * The dPay rig the hybrid figures and `scripts/transfer-breakdown.mjs` share: an embedded dev node
 * on loopback HTTP, a vault, the host services with the session-grant policy, `dpay.token` deployed
 * and funded, alice logged in, and `apps` installed copies of apps/dpay (`dpay`, `dpay2`, … — one
 * worker each, as separate apps), each with a session grant and a vault signing grant. The setup is
 * approved by the benchmark operator; an app signature outside its session grant is refused, so every
 * measured transfer goes through the auto-approve policy, as a user's granted app does.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Action } from '../abi/antelope/index.js';
import { startNode, DEV_PRIVATE_KEY, type EmbeddedNode } from '../dmcs/index.js';
import { Vault, USER_APP } from '../skv/index.js';
import { Host, type HostOptions } from '../runtime/index.js';
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

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '../..');

export interface DpayRig {
  home: string;
  node: EmbeddedNode;
  host: Host;
  vault: Vault;
  policy: GrantPolicyVerifier;
  /** The installed app names: `dpay`, then `dpay2` … */
  apps: string[];
  /** One executed transfer of 0.0001 RSN alice → bob by `app`; resolves to its block number. */
  transfer(app?: string): Promise<number>;
  /**
   * Another host over the same home and services, with its own workers and pools (the first-call
   * figures compare pool settings); closed with the rig.
   */
  openHost(opts: Pick<HostOptions, 'warmWorkers' | 'warmApps' | 'appIdleMs'>): Host;
  close(): Promise<void>;
}

/** A copy of apps/dpay named `name` (unsigned: its identity is its install). */
function dpayCopy(home: string, name: string): string {
  const dir = join(home, 'apps-src', name);
  cpSync(join(ROOT, 'apps/dpay'), dir, { recursive: true, filter: (src) => !src.endsWith('peeros.sig') && !src.includes('contract') });
  const manifest = JSON.parse(readFileSync(join(dir, 'peeros.json'), 'utf8')) as { name: string };
  manifest.name = name;
  writeFileSync(join(dir, 'peeros.json'), JSON.stringify(manifest));
  return dir;
}

export async function openDpayRig(opts: { apps?: number } = {}): Promise<DpayRig> {
  const home = mkdtempSync(join(tmpdir(), 'peeros-bench-dpay-'));
  const node = await startNode({ dev: true, dataDir: join(home, 'node'), http: '127.0.0.1:0' });
  const vault = Vault.open({ home, insecureTestKdf: true });
  const store = new SessionGrantStore(home);
  const policy = new GrantPolicyVerifier({ store, fallback: async (r) => r.purpose !== 'sign' || r.app === USER_APP });
  let services: HostServices | undefined;
  let host: Host | undefined;
  const others: Host[] = [];
  const close = async () => {
    for (const h of others) await h.close().catch(() => {});
    await host?.close().catch(() => {});
    await services?.close().catch(() => {});
    await vault.close().catch(() => {});
    await node.close().catch(() => {});
    rmSync(home, { recursive: true, force: true });
  };
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
    const act = (name: string, data: Record<string, unknown>) =>
      Action.from({ account: 'dpay.token', name, authorization: auth, data }, abi);
    await submitUserTransaction({
      vault,
      backend,
      summary: ['bench setup'],
      actions: [
        act('create', { issuer: 'dpay.token', maximum_supply: '1000000000.0000 RSN' }),
        act('issue', { to: 'dpay.token', quantity: '1000000.0000 RSN', memo: '' }),
        act('transfer', { from: 'dpay.token', to: 'alice', quantity: '1000000.0000 RSN', memo: '' }),
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
    const apps: string[] = [];
    for (let i = 1; i <= Math.max(1, opts.apps ?? 1); i++) {
      const name = i === 1 ? 'dpay' : `dpay${i}`;
      await host.install(i === 1 ? join(ROOT, 'apps/dpay') : dpayCopy(home, name), { grant: async () => true });
      await store.set(validateSessionGrant({ app: name, maxCount: 100_000, maxAmount: '100000.0000 RSN' }));
      await services.installAppGrant(name);
      apps.push(name);
    }
    await node.produceBlock();
    let n = 0;
    const h = host;
    const transfer = async (app = 'dpay') => {
      const out = (await h.run(app, 'transfer', { to: 'bob', quantity: '0.0001 RSN', memo: `bench ${n++}` })) as {
        status: string;
        block?: number;
      };
      if (out.status !== 'executed') throw new Error(`bench transfer ${out.status}: ${JSON.stringify(out)}`);
      return out.block!;
    };
    const bridge = services.bridge;
    const openHost = (o: Pick<HostOptions, 'warmWorkers' | 'warmApps' | 'appIdleMs'>) => {
      const other = new Host({ home, bridge, onLog: () => {}, ...o });
      others.push(other);
      return other;
    };
    return { home, node, host, vault, policy, apps, transfer, openHost, close };
  } catch (err) {
    await close();
    throw err;
  }
}
