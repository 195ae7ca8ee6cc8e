// What failed transactions cost their signer (Leap's subjective billing): a pushed transaction that
// fails after running is billed to its first authorizer; an account over its allowance has its
// next pushes refused before they run (tx_cpu_usage_exceeded) until the bill drains; other
// accounts, and transactions that succeed, are not affected. Before, anyone with one account's key
// could have a node run transactions of 150 ms that fail, back to back, taking its thread: they
// never reach a block, so the block's CPU limit does not count them. The same holds for
// transactions a relay peer forwards. compute_transaction runs transactions no one signed: its calls
// draw on one node-wide bill instead, so a public API cannot be made to run them back to back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  COMPUTE_CPU_ALLOWANCE_US,
  COMPUTE_CPU_DRAIN_US_PER_S,
  FAILED_CPU_ALLOWANCE_US,
  FAILED_CPU_DRAIN_US_PER_S,
  FailedCpuBilling,
  MAX_BILLED_ACCOUNTS,
  NODE_WIDE,
} from '../../../dmcs/chain/failed-cpu-billing.js';
import { ChainError } from '../../../dmcs/chain-error.js';
import { loopsHex, spinWasm } from './spin-contract.js';
import { connect, type Socket } from 'node:net';
import { APIClient } from '@wharfkit/antelope';
import { encodeMessage } from '../../../dmcs/net/relay-message.js';
import { startNode } from '../../../dmcs/index.js';
import {
  buildSigned,
  countExecutions,
  DEV_KEY,
  errorName,
  newAccountAction,
  removeDir,
  startDevNode,
  tempDir,
  transact,
  type DevNode,
  setcodeAction,
} from '../helpers.js';

test('a bill drains at its rate; over the allowance the account is refused, with how long to wait', () => {
  const b = new FailedCpuBilling();
  b.bill('alice', FAILED_CPU_ALLOWANCE_US - 1, 0);
  b.check('alice', 0);
  b.bill('alice', 1001, 0);
  assert.is(b.owed('alice', 0), FAILED_CPU_ALLOWANCE_US + 1000);
  try {
    b.check('alice', 0);
    assert.unreachable('refused');
  } catch (e) {
    assert.instance(e, ChainError);
    assert.is((e as ChainError).code, 'tx_cpu_usage_exceeded');
    assert.match((e as Error).message, `try again in ${Math.ceil((1000 * 1000) / FAILED_CPU_DRAIN_US_PER_S) + 1} ms`);
  }
  b.check('bob', 0);
  const drained = Math.ceil((1000 * 1000) / FAILED_CPU_DRAIN_US_PER_S) + 1;
  b.check('alice', drained);
  assert.is(b.owed('alice', 1000 * (FAILED_CPU_ALLOWANCE_US / FAILED_CPU_DRAIN_US_PER_S + 1)), 0);
});

test(`at most MAX_BILLED_ACCOUNTS (${MAX_BILLED_ACCOUNTS}) bills are kept, the one billed longest ago forgotten first`, () => {
  const b = new FailedCpuBilling();
  for (let i = 0; i < MAX_BILLED_ACCOUNTS + 5; i++) b.bill(`a${i}`, 10, 0);
  assert.is(b.size, MAX_BILLED_ACCOUNTS);
  assert.is(b.owed('a0', 0), 0);
  assert.is(b.owed(`a${MAX_BILLED_ACCOUNTS + 4}`, 0), 10);
});

let dn: DevNode;
const pub = DEV_KEY.toPublic().toString();
test.before(async () => {
  dn = await startDevNode();
  await transact(dn.client, [newAccountAction('spin', pub), newAccountAction('other', pub)]);
  await transact(dn.client, [setcodeAction('spin', spinWasm())]);
});
test.after(async () => {
  await dn.close();
});

/**
 * Runs `attempt(i)` for i = 0, 1, … (at most `max`) until one answers other than `ran` (the names
 * of a run that happened); returns how many ran and that refusal, which must not have run anything.
 */
async function untilRefused(
  chain: DevNode['node']['chain'],
  max: number,
  attempt: (i: number) => Promise<string>,
  ...ranNames: string[]
): Promise<{ ran: number; refused: string }> {
  const count = countExecutions(chain);
  let ran = 0;
  for (let i = 0; i < max; i++) {
    const before = count.transactions;
    const name = await attempt(i);
    if (ranNames.includes(name)) ran++;
    else {
      assert.is(count.transactions, before, `the refused attempt (${name}) did not run`);
      return { ran, refused: name };
    }
  }
  return { ran, refused: '' };
}

/** A `spin` action of `loops` loops that fails (`fail`) or returns (`go`), authorized by `actor`. */
const spin = (name: 'go' | 'fail', loops: number, actor = 'spin') =>
  transact(dn.client, [{ account: 'spin', name, authorization: `${actor}@active`, data: loopsHex(loops) }]);

test("pushes that fail after running are billed to their signer; past its allowance its next ones are refused before they run, other accounts' are not", async () => {
  const chain = dn.node.chain;
  const clock = chain as unknown as { now: () => number };
  // loops for about 140 ms of metered CPU, from a small run's usage
  const small = await spin('go', 200_000);
  const loops = Math.round((140_000 * 200_000) / small.processed.receipt.cpu_usage_us);
  assert.is(chain.failedCpu.owed('spin', clock.now()), 0, 'a transaction that lands in a block is not billed');

  const { ran: failed, refused } = await untilRefused(
    chain,
    20,
    async (i) => await errorName(spin('fail', loops + i)),
    'wasm_execution_error',
  );
  assert.is(refused, 'tx_cpu_usage_exceeded');
  const each = 140_000;
  assert.ok(failed >= FAILED_CPU_ALLOWANCE_US / each - 1 && failed <= FAILED_CPU_ALLOWANCE_US / each + 2, `${failed} failed before`);
  assert.ok(chain.failedCpu.owed('spin', clock.now()) >= FAILED_CPU_ALLOWANCE_US);

  // another signer of the same contract is not held back
  await spin('go', 10, 'other');
  // once the bill drained, the account's pushes run again
  const now = clock.now();
  const later = now + Math.ceil((chain.failedCpu.owed('spin', now) * 1000) / FAILED_CPU_DRAIN_US_PER_S) + 10;
  clock.now = () => later;
  await spin('go', 11);
});

test('compute_transaction calls, signed by no one, draw on one node-wide bill: past it they are refused before they run, pushes are not', async () => {
  const chain = dn.node.chain;
  const clock = chain as unknown as { now: () => number };
  const t0 = clock.now();
  clock.now = () => t0; // no drain while the calls run
  const small = await spin('go', 200_001); // not the earlier test's transaction
  const loops = Math.round((140_000 * 200_001) / small.processed.receipt.cpu_usage_us) + 1_000;
  const compute = async (name: 'go' | 'fail', i: number): Promise<string> => {
    // no signature: compute_transaction checks none, so nobody's account can be made to pay
    const { packed } = await buildSigned(dn.client, [{ account: 'spin', name, authorization: 'spin@active', data: loopsHex(loops + i) }], {
      keys: [],
    });
    const res = await fetch(`${dn.node.endpoint}/v1/chain/compute_transaction`, {
      method: 'POST',
      body: JSON.stringify({ transaction: packed }),
    });
    const json = (await res.json()) as { error?: { name: string } };
    return json.error?.name ?? 'ran';
  };
  const { ran: done, refused } = await untilRefused(chain, 40, (i) => compute(i % 2 ? 'fail' : 'go', i), 'ran', 'wasm_execution_error');
  assert.is(refused, 'tx_cpu_usage_exceeded');
  const each = 140_000;
  assert.ok(done >= COMPUTE_CPU_ALLOWANCE_US / each - 1 && done <= COMPUTE_CPU_ALLOWANCE_US / each + 2, `${done} ran before`);
  assert.is(chain.failedCpu.owed('spin', clock.now()), 0, "the named authorizer's own bill is untouched");
  await spin('go', 12); // a signed push still runs
  const later = t0 + Math.ceil((chain.computeCpu.owed(NODE_WIDE, t0) * 1000) / COMPUTE_CPU_DRAIN_US_PER_S) + 10;
  clock.now = () => later;
  assert.is(await compute('go', 100), 'ran', 'once drained, calls run again');
});

test('transactions a relay peer forwards are billed the same: past the allowance they are dropped without running', async () => {
  const dir = tempDir('failed-cpu-relay');
  const relayed = await startNode({
    dev: true,
    dataDir: dir,
    autoProduce: false,
    p2pListen: '127.0.0.1:0',
    http: '127.0.0.1:0',
  });
  const socket = await new Promise<Socket>((resolve) => {
    const [host, port] = relayed.p2pAddress!.split(':');
    const s = connect(Number(port), host!, () => resolve(s));
    s.on('error', () => {});
    s.resume();
  });
  try {
    const client = new APIClient({ url: relayed.endpoint! });
    await transact(client, [newAccountAction('spin', pub), newAccountAction('other', pub)]);
    await transact(client, [setcodeAction('spin', spinWasm())]);
    const small = await transact(client, [{ account: 'spin', name: 'go', authorization: 'spin@active', data: loopsHex(200_000) }]);
    const loops = Math.round((140_000 * 200_000) / small.processed.receipt.cpu_usage_us);
    const forward = async (name: string, n: number, actor = 'spin') => {
      const { packed } = await buildSigned(client, [{ account: 'spin', name, authorization: `${actor}@active`, data: loopsHex(n) }]);
      return encodeMessage({ type: 'trx', bytes: new TextEncoder().encode(JSON.stringify(packed)) });
    };
    const ran = countExecutions(relayed.chain);
    const n = 20;
    const frames = [encodeMessage({ type: 'hello', chainId: relayed.chain.chainId, headNum: 1, libNum: 0 })];
    for (let i = 0; i < n; i++) frames.push(await forward('fail', loops + i));
    // a cheap one of another signer last: once it is pending, the link handled every one before it
    frames.push(await forward('go', 1, 'other'));
    const pending = relayed.chain.pendingCount;
    socket.write(Buffer.concat(frames));
    const end = Date.now() + 20_000;
    while (relayed.chain.pendingCount === pending) {
      if (Date.now() > end) throw new Error(`the last forwarded transaction never applied; ${ran.transactions} ran`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(ran.transactions <= FAILED_CPU_ALLOWANCE_US / 140_000 + 2, `${ran.transactions} of ${n + 1} forwarded transactions ran`);
    assert.ok(relayed.chain.failedCpu.owed('spin', Date.now()) >= FAILED_CPU_ALLOWANCE_US - FAILED_CPU_DRAIN_US_PER_S);
  } finally {
    socket.destroy();
    await relayed.close();
    removeDir(dir);
  }
});

test.run();
