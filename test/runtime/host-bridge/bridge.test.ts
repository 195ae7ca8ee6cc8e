// chain and dmcs through the host bridge: arguments and scope checked in the worker, the call
// served by the main thread, the answer written into the guest; waits are not charged to cpuMs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HostBridge, BridgeError } from '../../../runtime/host-bridge/index.js';
import { Host } from '../../../runtime/index.js';
import { pack, IsaErrorCode } from '../../../abi/boundary.js';
import { op } from '../../fixtures/wasm-builder.js';
import * as M from '../../fixtures/hostile/modules.js';
import { tempHome, cleanup, writeApp, grantAll } from '../helpers.js';

const home = tempHome('bridge');
const seen: string[] = [];
let delayMs = 0;
const bridge = new HostBridge(async (app, op, payload) => {
  seen.push(`${app}:${op}:${payload.length}`);
  if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  if (op === 'chain.get-info') return pack({ head_block_num: 7, chain_id: 'ab' });
  if (op === 'dmcs.push') throw new BridgeError(IsaErrorCode.NO_SESSION, 'nobody is logged in');
  return pack(null);
});
const host = new Host({ home, bridge, onLog: () => {} });
const area = (v: unknown) => M.readArea(v as Uint8Array);

test('chain.get-info: the main thread answers, the guest gets the msgpack bytes', async () => {
  await host.install(
    writeApp(home, 'reader', M.forwardResult('chain', 'get-info', ['i32'], []), {
      capabilities: { 'chain.read': { contracts: ['eosio.token'] } },
    }),
    grantAll,
  );
  assert.equal(await host.run('reader', 'go'), { head_block_num: 7, chain_id: 'ab' });
  assert.equal(seen, ['reader:chain.get-info:0']);
});

test('a typed failure in the main thread reaches the guest as its error code', async () => {
  const acts = pack([{ account: 'dpay.token', name: 'transfer', data: {} }]);
  const probe = M.isaProbe('dmcs', 'push', ['i32', 'i32', 'i32'], [op.i32_const(1024), op.i32_const(acts.length)], [[1024, acts]]);
  await host.install(
    writeApp(home, 'pusher', probe, { capabilities: { 'dmcs.push': { contracts: { 'dpay.token': ['transfer'] } } } }),
    grantAll,
  );
  assert.equal(area(await host.run('pusher', 'go')), { tag: 1, code: IsaErrorCode.NO_SESSION });
  assert.equal(seen.at(-1), `pusher:dmcs.push:${acts.length}`);
});

test('outside the scope: capability-denied in the worker, the main thread is never asked', async () => {
  const acts = pack([{ account: 'evil.token', name: 'transfer', data: {} }]);
  const probe = M.isaProbe('dmcs', 'push', ['i32', 'i32', 'i32'], [op.i32_const(1024), op.i32_const(acts.length)], [[1024, acts]]);
  await host.install(
    writeApp(home, 'sneaky', probe, { capabilities: { 'dmcs.push': { contracts: { 'dpay.token': ['transfer'] } } } }),
    grantAll,
  );
  const before = seen.length;
  assert.equal(area(await host.run('sneaky', 'go')), { tag: 1, code: IsaErrorCode.CAPABILITY_DENIED });
  assert.is(seen.length, before);
});

test("a slow service is not charged to the app's CPU deadline", async () => {
  await host.install(
    writeApp(home, 'patient', M.forwardResult('chain', 'get-info', ['i32'], []), {
      capabilities: { 'chain.read': { contracts: [] } },
      limits: { cpuMs: 100 },
    }),
    grantAll,
  );
  delayMs = 400;
  try {
    assert.equal(await host.run('patient', 'go'), { head_block_num: 7, chain_id: 'ab' });
  } finally {
    delayMs = 0;
  }
});

test.after(async () => {
  await host.close();
  bridge.close();
  cleanup(home);
});
test.run();
