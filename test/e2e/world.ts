// The e2e fixture: a real embedded dev node (HTTP on a free port) in a temp dir, registered as the
// default DMCS of a temp $PEEROS_HOME; a real vault worker (test KDF) unlocked with an explicit
// verifier, holding the dev key; the host services (dispatch, hybrid cache, offline queue, transaction service).
// Helpers create accounts, deploy the dPay token and log in.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode, DEV_PRIVATE_KEY, type EmbeddedNode } from '../../dmcs/index.js';
import { Vault, AutoApproveVerifier, AUTO_APPROVE_OPT_IN, type Verifier } from '../../skv/index.js';
import { DmcsRegistry, type ChainCheckedBackend } from '../../runtime/dispatch/index.js';
import { HostServices } from '../../runtime/host-bridge/index.js';
import type { InstallDialog } from '../../runtime/app-install-request.js';
import { login } from '../../runtime/session/index.js';
import { createAccount, deployContract, submitUserTransaction } from '../../runtime/transaction-service/index.js';
import { Action } from '../../abi/antelope/index.js';

export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const TOKEN_WASM = join(ROOT, 'build/contracts/dpay/dpay.wasm');
export const TOKEN_ABI = join(ROOT, 'build/contracts/dpay/dpay.abi');
export const PASS = 'e2e passphrase';

export function tempHome(tag = 'e2e'): string {
  return mkdtempSync(join(tmpdir(), `peeros-${tag}-`));
}

export interface World {
  home: string;
  node: EmbeddedNode;
  port: number;
  vault: Vault;
  verifier: AutoApproveVerifier;
  services: HostServices;
  backend: ChainCheckedBackend;
  /** Stops the node (the DMCS becomes unreachable). */
  stopNode(): Promise<void>;
  /** Starts the node again on the same data and port (replaying its block log). */
  restartNode(): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(
  opts: { home?: string; verifier?: Verifier; flusher?: boolean; memoryCache?: boolean; installDialog?: InstallDialog } = {},
): Promise<World> {
  const home = opts.home ?? tempHome();
  const dataDir = join(home, 'node');
  let node = await startNode({ dev: true, dataDir, http: '127.0.0.1:0', blockIntervalMs: 100 });
  const port = Number(new URL(node.endpoint!).port);
  const registry = new DmcsRegistry(home);
  if ((await registry.list()).length === 0) await registry.add('local', node.endpoint!);
  const vault = Vault.open({ home, insecureTestKdf: true });
  const verifier = new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN, keepSeen: true });
  await vault.unlock(PASS, { verifier: opts.verifier ?? verifier, create: true });
  const keys = await vault.listKeys();
  if (!keys.some((k) => k.label === 'eosio dev')) await vault.importKey(DEV_PRIVATE_KEY, 'eosio dev');
  const services = await HostServices.open({
    home,
    vault,
    memoryCache: opts.memoryCache ?? true,
    flusher: opts.flusher ?? false,
    ...(opts.installDialog ? { installDialog: opts.installDialog } : {}),
  });
  const { backend } = await services.defaultBackend();
  const w: World = {
    home,
    node,
    port,
    vault,
    verifier,
    services,
    backend,
    async stopNode() {
      await node.close();
    },
    async restartNode() {
      node = await startNode({ dev: true, dataDir, http: `127.0.0.1:${port}`, blockIntervalMs: 100 });
      w.node = node;
    },
    async close() {
      await services.close().catch(() => {});
      await vault.close().catch(() => {});
      await node.close().catch(() => {});
      rmSync(home, { recursive: true, force: true });
    },
  };
  return w;
}

export async function newAccount(w: World, name: string, key?: string): Promise<string> {
  const r = await createAccount({ vault: w.vault, backend: w.backend, name, ...(key ? { key } : {}) });
  return r.key;
}

/** Deploys the dPay token to `dpay.token`, creates 1,000,000.0000 RSN issued by it, issues `amount` to each of `to`. */
export async function deployToken(w: World, to: string[], amount = '1000.0000 RSN'): Promise<void> {
  await newAccount(w, 'dpay.token');
  await deployContract({ vault: w.vault, backend: w.backend, account: 'dpay.token', wasmPath: TOKEN_WASM, abiPath: TOKEN_ABI });
  const abi = (await w.backend.getAbi('dpay.token')).abi as Parameters<typeof Action.from>[1];
  const auth = [{ actor: 'dpay.token', permission: 'active' }];
  const actions = [
    Action.from(
      { account: 'dpay.token', name: 'create', authorization: auth, data: { issuer: 'dpay.token', maximum_supply: '1000000.0000 RSN' } },
      abi,
    ),
  ];
  for (const t of to) {
    actions.push(
      Action.from(
        { account: 'dpay.token', name: 'issue', authorization: auth, data: { to: 'dpay.token', quantity: amount, memo: 'issue' } },
        abi,
      ),
    );
    actions.push(
      Action.from(
        {
          account: 'dpay.token',
          name: 'transfer',
          authorization: auth,
          data: { from: 'dpay.token', to: t, quantity: amount, memo: 'welcome' },
        },
        abi,
      ),
    );
  }
  await submitUserTransaction({ vault: w.vault, backend: w.backend, actions, summary: ['create and issue RSN'] });
}

export async function loginAs(w: World, account: string) {
  return login({
    home: w.home,
    vault: w.vault,
    getAccount: (n) => w.backend.getAccount(n),
    dmcs: { name: w.backend.entry.name, chainId: w.backend.chainId },
    account,
  });
}

export async function balanceOf(w: World, account: string): Promise<string> {
  const r = await w.backend.getTableRows({ code: 'dpay.token', scope: account, table: 'accounts', json: true });
  const row = r.rows[0] as { balance?: string } | undefined;
  return row?.balance ?? '0.0000 RSN';
}
