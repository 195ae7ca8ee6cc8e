// The DMCS registry (add with chain-id probing, use, list, remove, persisted atomically), routing
// by manifest, the chain-id check before first use, and `peeros dmcs` end to end.
// CHAIN DOUBLE: the chain here is test/fixtures/fake-chain.ts, a scripted HTTP double of the chain API
// (it counts executions itself), not the node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DmcsRegistry, Dispatcher, DmcsError, HttpBackend, dmcsNameOf } from '../../../runtime/dispatch/index.js';
import { main } from '../../../runtime/cli/main.js';
import type { CliIO } from '../../../runtime/cli/command.js';
import { FakeChain, TEST_CHAIN_ID } from '../../fixtures/fake-chain.js';
import { signedTransfer } from '../../fixtures/test-transactions.js';

const home = mkdtempSync(join(tmpdir(), 'peeros-dmcs-'));
process.env.PEEROS_HOME = home;
const OTHER_CHAIN = 'aa'.repeat(32);
const a = new FakeChain();
const b = new FakeChain(OTHER_CHAIN);

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, DmcsError, String(err));
    return (err as DmcsError).code;
  }
  return 'resolved';
}

function cli(env: NodeJS.ProcessEnv = { ...process.env, PEEROS_HOME: join(home, 'cli') }) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env,
    readStdin: async () => '',
    confirm: async () => false,
  };
  return { io, out, err, run: (...argv: string[]) => main(argv, io) };
}

test.before(async () => {
  await a.start();
  await b.start();
});

/** Runs `fn` while chain A is stopped (connection refused), then starts it again. */
async function whileStopped(fn: () => Promise<void>): Promise<void> {
  await a.stop();
  try {
    await fn();
  } finally {
    await a.start();
  }
}
test.after(async () => {
  await a.stop();
  await b.stop();
  rmSync(home, { recursive: true, force: true });
});

test('add probes get_info for the chain id; the first becomes the default', async () => {
  const reg = new DmcsRegistry(join(home, 'r1'));
  const e = await reg.add('local', `${a.url}/`);
  assert.is(e.chainId, TEST_CHAIN_ID);
  assert.is(e.verified, true);
  assert.is(e.url, a.url);
  await reg.add('other', b.url);
  const state = await reg.load();
  assert.is(state.default, 'local');
  assert.equal(
    state.dmcs.map((d) => d.name),
    ['local', 'other'],
  );
  const onDisk = JSON.parse(readFileSync(reg.path, 'utf8'));
  assert.is(onDisk.version, 1);
  assert.is(onDisk.dmcs[1].chainId, OTHER_CHAIN);
});

test('add refuses a chain-id mismatch, a duplicate name, a bad name', async () => {
  const reg = new DmcsRegistry(join(home, 'r2'));
  assert.is(await code(reg.add('x', b.url, { chainId: TEST_CHAIN_ID })), 'CHAIN_MISMATCH');
  assert.equal(await reg.list(), [], 'nothing written after a mismatch');
  await reg.add('x', a.url, { chainId: TEST_CHAIN_ID.toUpperCase() });
  assert.is(await code(reg.add('x', a.url)), 'BAD_ARGUMENT');
  assert.is(await code(reg.add('Bad Name', a.url)), 'BAD_ARGUMENT');
  assert.is(await code(reg.add('y', a.url, { chainId: 'abc' })), 'BAD_ARGUMENT');
});

test('unreachable: refused without --chain-id, added unverified with it', async () => {
  const reg = new DmcsRegistry(join(home, 'r3'));
  const dead = 'http://127.0.0.1:9'; // discard port: nothing listens
  const e = await reg.add('offline', dead, { chainId: OTHER_CHAIN }).catch((x) => x);
  assert.is(e.verified, false);
  const err = (await reg.add('offline2', dead).catch((x: unknown) => x)) as DmcsError;
  assert.is(err.code, 'UNREACHABLE');
  assert.match(err.message, /--chain-id/);
});

test('an unverified DMCS is checked on first use and then marked verified', async () => {
  const reg = new DmcsRegistry(join(home, 'r9'));
  await whileStopped(async () => {
    const e = await reg.add('later', a.url, { chainId: TEST_CHAIN_ID });
    assert.is(e.verified, false);
  });
  const d = new Dispatcher(reg);
  const b0 = await d.backendFor({});
  await b0.getInfo();
  for (const end = Date.now() + 30_000; !(await reg.get('later')).verified && Date.now() < end; )
    await new Promise((r) => setTimeout(r, 20));
  assert.is((await reg.get('later')).verified, true);
});

test('a URL that is not a chain API is refused with a hint', async () => {
  const reg = new DmcsRegistry(join(home, 'r10'));
  const e = (await reg.add('web', `${a.url}/not-here`).catch((x: unknown) => x)) as DmcsError;
  assert.is(e.code, 'REJECTED');
  assert.match(e.message, /is http:\/\/127\.0\.0\.1:\d+\/not-here an Antelope chain API/);
});

test('use, remove, resolve; removing the default', async () => {
  const reg = new DmcsRegistry(join(home, 'r4'));
  await reg.add('one', a.url);
  await reg.add('two', b.url);
  await reg.use('two');
  assert.is((await reg.resolve()).name, 'two');
  assert.is((await reg.resolve('one')).name, 'one');
  assert.is(await code(reg.use('three')), 'NOT_FOUND');
  await reg.remove('two');
  assert.is((await reg.load()).default, 'one', 'the only one left becomes the default');
  await reg.remove('one');
  assert.match(String(await reg.resolve().catch((e: Error) => e.message)), /no DMCS configured/);
});

test('a corrupt registry file is a clear error, not a crash', async () => {
  const reg = new DmcsRegistry(join(home, 'r5'));
  await reg.add('one', a.url);
  writeFileSync(reg.path, '{"version":1,"default":"nope","dmcs":[]}');
  const err = await reg.list().catch((e: DmcsError) => e);
  assert.is((err as DmcsError).code, 'REGISTRY_CORRUPT');
  assert.match((err as DmcsError).message, /default "nope"/);
});

test('routing by manifest: dmcs name (string or {name}), else the default', async () => {
  const reg = new DmcsRegistry(join(home, 'r6'));
  await reg.add('main', a.url);
  await reg.add('side', b.url);
  const d = new Dispatcher(reg);
  assert.is((await d.route({})).name, 'main');
  assert.is((await d.route(null)).name, 'main');
  assert.is((await d.route({ dmcs: 'side' })).name, 'side');
  assert.is((await d.route({ dmcs: { name: 'side', contract: 'dpay' } })).name, 'side');
  assert.is((await d.route({ dmcs: { contract: 'dpay' } })).name, 'main', 'a dmcs section without a name uses the default');
  assert.is(dmcsNameOf({ dmcs: 'x' }), 'x');
  assert.is(await code(d.route({ dmcs: 'missing' })), 'NOT_FOUND');

  const before = b.executions.size;
  const ack = await d.pushTransaction({ dmcs: { name: 'side' } }, signedTransfer(OTHER_CHAIN, { n: 1 }));
  assert.is(b.executions.get(ack.transaction_id), 1);
  assert.is(b.executions.size, before + 1);
  assert.is(a.executions.has(ack.transaction_id), false, 'went to the DMCS the manifest named');
  await d.close();
});

test('a DMCS that now serves another chain is refused before anything is pushed', async () => {
  const reg = new DmcsRegistry(join(home, 'r8'));
  await reg.add('main', a.url);
  // Same registry entry, but the URL now answers with chain B (a reset dev node).
  const d = new Dispatcher(reg, { httpBackend: () => new HttpBackend(b.url) });
  const before = b.executions.size;
  assert.is(await code(d.pushTransaction({}, signedTransfer(TEST_CHAIN_ID, { n: 78 }))), 'CHAIN_MISMATCH');
  assert.is(b.executions.size, before);
});

test('peeros dmcs add|list|use|remove', async () => {
  const c = cli();
  assert.is(await c.run('dmcs', 'add', 'local', a.url), 0, c.err.join('\n'));
  assert.match(c.out.pop()!, /added DMCS 'local'.*chain cf057bbf.*it is the default/);
  assert.is(await c.run('dmcs', 'add', 'other', b.url, '--chain-id', TEST_CHAIN_ID), 1);
  assert.match(c.err.pop()!, /reports chain id aaaa.*not the expected cf05/);
  assert.is(await c.run('dmcs', 'add', 'other', b.url, '--chain-id', OTHER_CHAIN), 0, c.err.join('\n'));
  assert.is(await c.run('dmcs', 'use', 'other'), 0);
  assert.is(await c.run('dmcs', 'list', '--json'), 0);
  const listed = JSON.parse(c.out.pop()!);
  assert.is(listed.default, 'other');
  assert.is(listed.dmcs.length, 2);
  assert.is(await c.run('dmcs', 'list'), 0);
  assert.ok(
    c.out.some((l) => /^\* other\s+a{64}/.test(l)),
    c.out.join('\n'),
  );
  assert.is(await c.run('dmcs', 'remove', 'other'), 0);
  assert.match(c.out.pop()!, /default is 'local'/);
  assert.is(await c.run('dmcs', 'frob'), 2);
  assert.match(c.err.pop()!, /unknown subcommand 'frob'/);
  assert.is(await c.run('dmcs', 'add', 'x'), 2);
  assert.is(await c.run('dmcs', 'list', '--verbose'), 2);
  assert.match(c.err.pop()!, /unknown option --verbose/);
  assert.is(await c.run('dmcs', 'use', 'ghost'), 1);
  assert.match(c.err.pop()!, /no DMCS named 'ghost'.*peeros dmcs add ghost URL/);
});

test.run();
