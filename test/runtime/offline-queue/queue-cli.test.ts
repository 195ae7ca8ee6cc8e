// `peeros queue list|flush|resign` end to end: against the chain API double over HTTP, with the
// DMCS registry, and re-signing through the real vault (skv) with the development key.
// CHAIN DOUBLE: the chain here is test/fixtures/fake-chain.ts, a scripted HTTP double of the chain API
// (it counts executions itself), not the node; the real-node counterpart: test/e2e/offline.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../runtime/cli/main.js';
import type { CliIO } from '../../../runtime/cli/command.js';
import { DmcsRegistry } from '../../../runtime/dispatch/index.js';
import { OfflineQueue } from '../../../runtime/offline-queue/index.js';
import { Vault, AutoApproveVerifier, AUTO_APPROVE_OPT_IN } from '../../../skv/index.js';
import { FakeChain, TEST_CHAIN_ID } from '../../fixtures/fake-chain.js';
import { signedTransfer, DEV_KEY } from '../../fixtures/test-transactions.js';

const root = mkdtempSync(join(tmpdir(), 'peeros-qcli-'));
const chain = new FakeChain();
let n = 5000;
const PASS = 'correct horse battery staple';

function cli(home: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: { ...process.env, PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS },
    readStdin: async () => '',
    confirm: async () => false,
  };
  return { out, err, run: (...argv: string[]) => main(argv, io) };
}

async function setup(entries: Array<{ app: string; expiresIn?: number }>): Promise<{ home: string; ids: string[] }> {
  const home = mkdtempSync(join(root, 'h-'));
  await new DmcsRegistry(home).add('local', chain.url);
  const q = await OfflineQueue.open({ home });
  const ids: string[] = [];
  for (const e of entries)
    ids.push(
      (
        await q.enqueue(signedTransfer(TEST_CHAIN_ID, { n: ++n, ...(e.expiresIn !== undefined ? { expiresIn: e.expiresIn } : {}) }), {
          app: e.app,
        })
      ).id,
    );
  await q.close();
  return { home, ids };
}

test.before(async () => {
  await chain.start();
});
test.after(async () => {
  await chain.stop();
  rmSync(root, { recursive: true, force: true });
});
test.before.each(() => chain.up());

test('queue list: empty, table and --json (without the signed body)', async () => {
  const empty = cli(mkdtempSync(join(root, 'e-')));
  assert.is(await empty.run('queue', 'list'), 0);
  assert.equal(empty.out, ['the offline queue is empty']);
  const { home, ids } = await setup([{ app: 'dpay' }, { app: 'dsocial', expiresIn: -5 }]);
  const c = cli(home);
  assert.is(await c.run('queue', 'list', '--json'), 0);
  const listed = JSON.parse(c.out.pop()!);
  assert.equal(
    listed.map((e: { id: string }) => e.id),
    ids,
  );
  assert.equal(
    listed.map((e: { status: string }) => e.status),
    ['pending', 'expired'],
  );
  assert.is(listed[0].body, undefined);
  assert.is(listed[0].signatures, 1);
  assert.is(await c.run('queue', 'list'), 0);
  assert.match(c.out[0]!, /^ID\s+STATUS\s+APP/);
  assert.match(c.out[1]!, new RegExp(`^${ids[0]!.slice(0, 12)}  pending  dpay`));
});

test('queue flush: sends and confirms; exits 1 with the reason when the DMCS is down', async () => {
  const { home, ids } = await setup([{ app: 'dpay' }, { app: 'dpay' }]);
  const c = cli(home);
  chain.down('bad-gateway');
  assert.is(await c.run('queue', 'flush'), 1);
  assert.match(c.err.pop()!, /could not be reached \(DMCS local is unreachable.*HTTP 502.*2 transaction\(s\) stay queued/);
  chain.up();
  assert.is(await c.run('queue', 'flush'), 0, c.err.join('\n'));
  assert.match(c.out.pop()!, /flushed: 2 sent, 2 done, 0 expired, 0 failed, 0 waiting/);
  for (const id of ids) assert.is(chain.executions.get(id), 1);
  assert.is(await c.run('queue', 'flush'), 0);
  assert.match(c.out.pop()!, /flushed: 0 sent, 0 done/);
});

test('queue flush waits a few blocks for acknowledged transactions to be confirmed', async () => {
  const { home, ids } = await setup([{ app: 'dpay' }]);
  const c = cli(home);
  chain.autoProduce = false;
  // the block comes once the push has arrived (not after a fixed delay, which a loaded machine could
  // outrun): the flush has to wait for it
  const producer = setInterval(() => {
    if (!chain.executions.has(ids[0]!)) return;
    clearInterval(producer);
    chain.produce();
  }, 20);
  try {
    assert.is(await c.run('queue', 'flush'), 0, c.err.join('\n'));
  } finally {
    clearInterval(producer);
    chain.autoProduce = true;
  }
  assert.match(c.out.pop()!, /flushed: 1 sent, 1 done/);
  assert.is(OfflineQueue.snapshot({ home })[0]!.status, 'done');
  assert.is(chain.executions.get(ids[0]!), 1);
});

test('queue resign: refused for a live entry or an unknown id, before any passphrase', async () => {
  const { home, ids } = await setup([{ app: 'dpay' }]);
  const c = cli(home);
  assert.is(await c.run('queue', 'resign', ids[0]!.slice(0, 12)), 1);
  assert.match(c.err.pop()!, /is pending; only expired transactions can be re-signed/);
  assert.is(await c.run('queue', 'resign', 'deadbeefdeadbeef'), 1);
  assert.match(c.err.pop()!, /no queued transaction with id deadbeefdeadbeef/);
  assert.is(await c.run('queue', 'resign'), 2);
});

test('queue resign without a vault says what is missing', async () => {
  const { home, ids } = await setup([{ app: '@user', expiresIn: -5 }]);
  const c = cli(home);
  assert.is(await c.run('queue', 'resign', ids[0]!.slice(0, 12), '--yes'), 1);
  assert.match(c.err.pop()!, /no keystore at .*re-signing needs the keys that signed/);
});

test('queue resign through the vault: same key, fresh expiration; the flush executes the new one', async () => {
  const { home, ids } = await setup([
    { app: '@user', expiresIn: -5 },
    { app: 'dpay', expiresIn: -5 },
  ]);
  const vault = Vault.open({ home });
  try {
    await vault.unlock(PASS, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }), create: true });
    await vault.importKey(DEV_KEY.toString());
  } finally {
    await vault.close();
  }
  const c = cli(home);
  assert.is(await c.run('queue', 'resign', ids[0]!.slice(0, 12), '--yes'), 0, c.err.join('\n'));
  assert.match(c.out.pop()!, new RegExp(`re-signed ${ids[0]!.slice(0, 12)} as [0-9a-f]{12} .*peeros queue flush`));
  // An app's transaction is re-signed only within the app's grant: no grant here, so the vault refuses.
  assert.is(await c.run('queue', 'resign', ids[1]!.slice(0, 12), '--yes'), 1);
  assert.match(c.err.pop()!, /app 'dpay' has no signing grant/);
  assert.is(await c.run('queue', 'flush'), 0, c.err.join('\n'));
  const entries = OfflineQueue.snapshot({ home });
  const renewed = entries.find((e) => e.replaces === ids[0])!;
  assert.is(renewed.status, 'done');
  assert.is(chain.executions.get(renewed.id), 1);
  assert.is(chain.executions.has(ids[0]!), false);
});

test.run();
