// An application written with @wharfkit/session transacts with PeerOS as its wallet: the real
// Session, unchanged except for `walletPlugin: new PeerosWalletPlugin()`, transfers tokens on a
// `peeros node`, signed by `peeros agent` (the vault); and a SessionKit (the login flow of wharfkit
// apps) with the plugin as its one wallet logs in headless (a UI that is never asked anything, an
// in-memory storage), transacts, and restores the persisted session. The test runs when
// @wharfkit/session can be loaded (installed, or PEEROS_WHARFKIT_SESSION names its folder) and
// prints a skip line otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ABI, APIClient, Serializer } from '@wharfkit/antelope';
import { startNode, DEV_PRIVATE_KEY, DEV_PUBLIC_KEY, type EmbeddedNode } from '../../dmcs/index.js';
import { PeerosWalletPlugin } from '../../runtime/wharfkit/wallet-plugin.js';
import { TOKEN_ABI, TOKEN_WASM, tempHome } from './world.js';
import { runPeerosSync, startPeeros } from './run-cli.js';
import { transact, newAccountAction } from '../dmcs/helpers.js';

const PASSPHRASE = 'wharfkit session passphrase';

interface WharfSession {
  transact(a: unknown): Promise<unknown>;
  permissionLevel: unknown;
}
interface WharfSessionKit {
  login(options?: unknown): Promise<{ session: WharfSession }>;
  restore(): Promise<WharfSession | undefined>;
}

function loadSession():
  | {
      Session: new (...args: unknown[]) => WharfSession;
      SessionKit: new (args: unknown, options?: unknown) => WharfSessionKit;
    }
  | undefined {
  const require = createRequire(import.meta.url);
  const where = process.env.PEEROS_WHARFKIT_SESSION;
  try {
    return require(where ? join(where, 'lib/session.js') : '@wharfkit/session');
  } catch {
    return undefined;
  }
}

/** A SessionKit UI for a program without a screen: any question it would have to ask fails the test. */
function headlessUi(): Record<string, unknown> {
  const done = async (): Promise<void> => {};
  const refuse = async (what: string): Promise<never> => {
    throw new Error(`the headless UI was asked to ${what}`);
  };
  return {
    login: () => refuse('choose a wallet, chain or permission'),
    onError: done,
    onAccountCreate: () => refuse('create an account'),
    onAccountCreateComplete: done,
    onLogin: done,
    onLoginComplete: done,
    onTransact: done,
    onTransactComplete: done,
    onSign: done,
    onSignComplete: done,
    onBroadcast: done,
    onBroadcastComplete: done,
    prompt: () => refuse('prompt'),
    status: () => {},
    translate: (key: string, options?: { default?: string }) => options?.default ?? key,
    getTranslate: () => (key: string, options?: { default?: string }) => options?.default ?? key,
    addTranslations: () => {},
  };
}

/** SessionKit's storage, kept in memory (the default is the browser's localStorage). */
class MemoryStorage {
  readonly items = new Map<string, string>();
  async write(key: string, data: string): Promise<void> {
    this.items.set(key, data);
  }
  async read(key: string): Promise<string | null> {
    return this.items.get(key) ?? null;
  }
  async remove(key: string): Promise<void> {
    this.items.delete(key);
  }
}

const session = loadSession();
if (!session)
  console.log(
    '  skipped: @wharfkit/session is not installed (npm install --save-dev --save-exact @wharfkit/session@1.7.0, or PEEROS_WHARFKIT_SESSION=DIR)',
  );

test('@wharfkit/session transfers tokens through the PeerOS wallet plugin and agent; SessionKit logs in, transacts and restores', async () => {
  if (!session) return;
  const home = tempHome('wharfkit');
  const env = { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASSPHRASE };
  let node: EmbeddedNode | undefined;
  const imported = runPeerosSync(['key', 'import', '--label', 'dev'], { env, stdin: DEV_PRIVATE_KEY });
  assert.is(imported.code, 0, imported.err);
  node = await startNode({ dev: true, dataDir: join(home, 'node'), http: '127.0.0.1:0', blockIntervalMs: 100 });
  const agent = startPeeros(['agent', '--yes', '--url', node.endpoint!], { env });
  try {
    // the chain, set up by an outside client (wharfkit with the dev key): accounts and a funded token
    const client = new APIClient({ url: node.endpoint! });
    for (const a of ['alice', 'bob', 'dpay.token']) await transact(client, [newAccountAction(a, DEV_PUBLIC_KEY)]);
    const abiJson = JSON.parse(readFileSync(TOKEN_ABI, 'utf8'));
    await transact(client, [
      {
        account: 'eosio',
        name: 'setcode',
        authorization: 'dpay.token@active',
        data: { account: 'dpay.token', vmtype: 0, vmversion: 0, code: readFileSync(TOKEN_WASM).toString('hex') },
      },
      {
        account: 'eosio',
        name: 'setabi',
        authorization: 'dpay.token@active',
        data: { account: 'dpay.token', abi: Serializer.encode({ object: ABI.from(abiJson) }).hexString },
      },
    ]);
    await transact(client, [
      {
        account: 'dpay.token',
        name: 'create',
        authorization: 'dpay.token@active',
        data: { issuer: 'alice', maximum_supply: '1000000.0000 RSN' },
      },
    ]);
    await transact(client, [
      { account: 'dpay.token', name: 'issue', authorization: 'alice@active', data: { to: 'alice', quantity: '100.0000 RSN', memo: '' } },
    ]);

    const end = Date.now() + 60_000;
    while (!/wallet API on unix:\/\//.test(agent.out)) {
      if (Date.now() > end || agent.child.exitCode !== null) assert.unreachable(`the agent did not start:\n${agent.out}\n${agent.err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const socketPath = /unix:\/\/(\S+)/.exec(agent.out)![1]!;

    // the application: plain @wharfkit/session, PeerOS only as its walletPlugin
    const s = new session.Session({
      chain: { id: node.chainId, url: node.endpoint },
      actor: 'alice',
      permission: 'active',
      walletPlugin: new PeerosWalletPlugin({ socketPath }),
    });
    await s.transact({
      action: {
        account: 'dpay.token',
        name: 'transfer',
        authorization: [s.permissionLevel],
        data: { from: 'alice', to: 'bob', quantity: '1.2500 RSN', memo: 'through the PeerOS wallet' },
      },
    });
    const balance = await client.v1.chain.get_currency_balance('dpay.token', 'bob', 'RSN');
    assert.equal(balance.map(String), ['1.2500 RSN']);
    const logged = Date.now() + 60_000; // stderr is another channel than the reply: let it arrive
    while (!/quantity: 1\.2500 RSN/.test(agent.err) && Date.now() < logged) await new Promise((r) => setTimeout(r, 50));
    assert.match(agent.err, /dpay\.token::transfer by alice@active/, `the agent recorded the decoded transfer; stderr:\n${agent.err}`);
    assert.match(agent.err, /quantity: 1\.2500 RSN/);

    // the login flow: SessionKit with PeerOS as its one wallet plugin, logging in as the plugin's actor
    const storage = new MemoryStorage();
    const kit = new session.SessionKit(
      {
        appName: 'peerostest',
        chains: [{ id: node.chainId, url: node.endpoint }],
        ui: headlessUi(),
        walletPlugins: [new PeerosWalletPlugin({ socketPath, actor: 'alice' })],
      },
      { storage },
    );
    const { session: loggedIn } = await kit.login();
    assert.is(String(loggedIn.permissionLevel), 'alice@active');
    await loggedIn.transact({
      action: {
        account: 'dpay.token',
        name: 'transfer',
        authorization: [loggedIn.permissionLevel],
        data: { from: 'alice', to: 'bob', quantity: '0.7500 RSN', memo: 'after a SessionKit login' },
      },
    });
    assert.equal((await client.v1.chain.get_currency_balance('dpay.token', 'bob', 'RSN')).map(String), ['2.0000 RSN']);
    const restored = await kit.restore();
    assert.ok(restored, 'the session was persisted and comes back');
    assert.is(String(restored!.permissionLevel), 'alice@active');
    await restored!.transact({
      action: {
        account: 'dpay.token',
        name: 'transfer',
        authorization: [restored!.permissionLevel],
        data: { from: 'alice', to: 'bob', quantity: '1.0000 RSN', memo: 'restored' },
      },
    });
    assert.equal((await client.v1.chain.get_currency_balance('dpay.token', 'bob', 'RSN')).map(String), ['3.0000 RSN']);
  } finally {
    if (agent.child.exitCode === null && agent.child.signalCode === null) {
      const closed = new Promise((r) => agent.child.once('close', r));
      agent.child.kill('SIGINT');
      await closed;
    }
    await node?.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test.run();
