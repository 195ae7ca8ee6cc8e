// lib/group-commit.ts: requests of one tick share a flush, requests made during a flush share the
// next one, nobody resolves before the flush holding its request finished, and answers (values,
// per-request errors, a failed flush) reach exactly the requests they belong to.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GroupCommit, type Committed } from '../../lib/group-commit.js';

async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.match((err as Error).message, re);
    return;
  }
  assert.unreachable('expected a rejection');
}

/** A committer whose flushes wait until the test releases them; records every batch. */
function gated() {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const gc = new GroupCommit<number, number>(
    async (batch) => {
      batches.push([...batch]);
      await new Promise<void>((r) => releases.push(r));
      return batch.map((n): Committed<number> => (n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 10 }));
    },
    { maxBatch: 4 },
  );
  const tick = () => new Promise((r) => setImmediate(r));
  return { gc, batches, releases, tick };
}

test('requests of one tick share one flush; none resolves before that flush finished', async () => {
  const { gc, batches, releases, tick } = gated();
  let done = 0;
  const ps = [1, 2, 3].map((n) =>
    gc.submit(n).then((v) => {
      done++;
      return v;
    }),
  );
  await tick();
  assert.equal(batches, [[1, 2, 3]]);
  assert.is(done, 0, 'resolved before its flush was durable');
  releases.shift()!();
  assert.equal(await Promise.all(ps), [10, 20, 30]);
  assert.is(gc.flushes, 1);
});

test('requests made while a flush runs wait for, and share, the next flush', async () => {
  const { gc, batches, releases, tick } = gated();
  const first = gc.submit(1);
  await tick();
  let laterDone = false;
  const later = [2, 3].map((n) =>
    gc.submit(n).then((v) => {
      laterDone = true;
      return v;
    }),
  );
  await tick();
  assert.equal(batches, [[1]]);
  releases.shift()!();
  assert.is(await first, 10);
  await tick();
  assert.equal(batches, [[1], [2, 3]]);
  assert.is(laterDone, false);
  releases.shift()!();
  assert.equal(await Promise.all(later), [20, 30]);
});

test('a batch is at most maxBatch requests', async () => {
  const { gc, batches, releases, tick } = gated();
  const ps = Array.from({ length: 6 }, (_, i) => gc.submit(i));
  await tick();
  releases.shift()!();
  await tick();
  releases.shift()!();
  await Promise.all(ps);
  assert.equal(batches, [
    [0, 1, 2, 3],
    [4, 5],
  ]);
});

test("a request's own error reaches only that request", async () => {
  const { gc, releases, tick } = gated();
  const ok = gc.submit(1);
  const bad = gc.submit(-1);
  await tick();
  releases.shift()!();
  assert.is(await ok, 10);
  await rejects(bad, /bad -1/);
});

test('a flush that throws fails its batch, and the next batch still runs', async () => {
  let calls = 0;
  const gc = new GroupCommit<number, number>(
    async (batch) => {
      if (calls++ === 0) throw new Error('disk full');
      return batch.map((n) => ({ ok: true as const, value: n }));
    },
    { maxBatch: 8 },
  );
  const a = gc.submit(1);
  const b = gc.submit(2);
  await rejects(a, /disk full/);
  await rejects(b, /disk full/);
  assert.is(await gc.submit(3), 3);
});

test('submitEarly: decided as soon as the flush decides, durable only when it finished; a write failing after the decision rejects durable', async () => {
  let fail = false;
  let release!: () => void;
  const gc = new GroupCommit<number, number>(
    async (batch, decide) => {
      const answers = batch.map((n): Committed<number> => ({ ok: true, value: n + 1 }));
      decide(answers);
      await new Promise<void>((r) => {
        release = r;
      });
      if (fail) throw new Error('fsync failed');
      return answers;
    },
    { maxBatch: 8 },
  );
  const a = gc.submitEarly(1);
  let durable = false;
  a.durable.then(() => {
    durable = true;
  });
  assert.is(await a.decided, 2);
  assert.is(durable, false, 'durable before the write finished');
  release();
  assert.is(await a.durable, 2);
  fail = true;
  const b = gc.submitEarly(5);
  assert.is(await b.decided, 6);
  release();
  await rejects(b.durable, /fsync failed/);
});

test("gather 'turn': requests arriving as separate messages of one event-loop turn share one flush (microtask gathering splits them)", async () => {
  const { MessageChannel } = await import('node:worker_threads');
  const run = async (gather: 'microtask' | 'turn') => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>(
      async (batch) => {
        batches.push([...batch]);
        return batch.map((n): Committed<number> => ({ ok: true, value: n }));
      },
      { maxBatch: 8, gather },
    );
    const { port1, port2 } = new MessageChannel();
    const done: Promise<number>[] = [];
    const all = new Promise<void>((resolve) => {
      port1.on('message', (n: number) => {
        done.push(gc.submit(n));
        if (done.length === 5) resolve();
      });
    });
    for (let n = 1; n <= 5; n++) port2.postMessage(n); // posted together, delivered as five events
    await all;
    assert.equal(await Promise.all(done), [1, 2, 3, 4, 5]);
    port1.close();
    return batches;
  };
  assert.equal(await run('turn'), [[1, 2, 3, 4, 5]]);
  const split = await run('microtask');
  assert.equal(split[0], [1], 'a microtask flush starts with the first message alone');
  assert.equal(split.flat(), [1, 2, 3, 4, 5]);
});

test('maxBatch is checked', () => {
  assert.throws(() => new GroupCommit(async () => [], { maxBatch: 0 }), /maxBatch/);
});

test.run();
