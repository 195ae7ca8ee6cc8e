// chain and dmcs through the host bridge: arguments and scope checked in the worker, the call
// served by the main thread, the answer written into the guest; waits are not charged to cpuMs, but
// a call's waits on anything but the user are bounded (HOST_WAIT_PER_CPU_MS).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HostBridge, BridgeError } from '../../../runtime/host-bridge/index.js';
import { HOST_WAIT_PER_CPU_MS } from '../../../runtime/host-bridge/bridge-protocol.js';
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

test('waits on the host other than the user are bounded per call: an app looping on a bridged read ends', async () => {
  // one call loops on chain.get-info for ever; each answer takes 20 ms of the main thread's time.
  // Those waits stop the CPU clock, so before, the call never ended and the main thread served it
  const looper = M.appModule({
    imports: [['chain', 'get-info', ['i32'], []]],
    realloc: () => [op.i32_const(8192)],
    prelude: () => [op.loop(), op.i32_const(512), op.call(0), op.br(0), op.end],
  });
  const cpuMs = 100;
  await host.install(writeApp(home, 'looper', looper, { capabilities: { 'chain.read': { contracts: [] } }, limits: { cpuMs } }), grantAll);
  const before = seen.length;
  delayMs = 20;
  try {
    let guard: NodeJS.Timeout | undefined;
    const e = await Promise.race([
      host.run('looper', 'go').then(
        () => new Error('the loop returned'),
        (err: Error) => err,
      ),
      new Promise<Error>((resolve) => {
        guard = setTimeout(() => resolve(new Error('the call did not end within 20 s')), 20_000);
      }),
    ]);
    clearTimeout(guard);
    assert.is((e as Error & { code?: string }).code, 'DEADLINE_EXCEEDED', e.message);
  } finally {
    delayMs = 0;
  }
  const served = seen.length - before;
  // HOST_WAIT_PER_CPU_MS x cpuMs of waiting (3 s) at 20 ms or more each, then no more asked
  const most = (HOST_WAIT_PER_CPU_MS * cpuMs) / 20 + 2;
  assert.ok(served > 10 && served <= most, `the main thread served ${served} reads (at most ${most})`);
});

test.after(async () => {
  await host.close();
  bridge.close();
  cleanup(home);
});
test.run();
