// push_transaction's reply waits for the accepted journal's sync ("executed" must survive a kill -9),
// but not with the push's trace in hand: the reply is rendered to its JSON text as soon as the
// transaction executed, and only that text waits (before, the trace's objects were held through
// the wait, and every scavenge in between copied them). Here the journal's answer is held back:
// while the HTTP reply waits, the trace must be collectable; once the journal answers, the reply is
// Leap's document as before. push_transactions still answers its array of objects.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AcceptedJournal } from '../../../dmcs/block/accepted-journal.js';
import type { PushResult } from '../../../dmcs/chain/chain.js';
import { RenderedJson } from '../../../dmcs/api/rendered-json.js';
import { buildSigned, flatTraces, newAccountAction, startDevNode, testKey, type DevNode } from '../helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let dn: DevNode;
/** The traces of the pushes so far, weakly. */
const traces: Array<WeakRef<object>> = [];
let release: () => void = () => {};
let holding = false;

test.before(async () => {
  dn = await startDevNode();
  const chain = dn.node.chain as unknown as Record<'pushTransaction' | 'pushTransactionAsync', (...a: unknown[]) => unknown>;
  for (const m of ['pushTransaction', 'pushTransactionAsync'] as const) {
    const orig = chain[m].bind(chain);
    chain[m] = (...a: unknown[]) => {
      const r = orig(...a);
      const keep = (x: PushResult) => {
        traces.push(new WeakRef(x.trace));
        return x;
      };
      return r instanceof Promise ? r.then(keep) : keep(r as PushResult);
    };
  }
  const journal = (dn.node as unknown as { journal: AcceptedJournal }).journal;
  const append = journal.append.bind(journal);
  journal.append = (num, packed) => {
    const synced = append(num, packed);
    if (!holding) return synced;
    return new Promise<void>((resolve, reject) => {
      release = () => synced.then(resolve, reject);
    });
  };
});
test.after(async () => {
  await dn.close();
});

const post = async (endpoint: string, body: unknown) => {
  const res = await fetch(`${dn.node.endpoint}/v1/chain/${endpoint}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, doc: (await res.json()) as Record<string, unknown> & { transaction_id: string } };
};
const collect = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
};

test('while the journal has not answered, the reply waits as text and the trace is collectable', async () => {
  const { packed } = await buildSigned(dn.client, [newAccountAction('rendered1', testKey('rendered1').toPublic().toString())]);
  holding = true;
  const reply = post('push_transaction', packed);
  const t0 = Date.now();
  while (traces.length === 0) {
    if (Date.now() - t0 > 10_000) throw new Error('the push never executed');
    await new Promise((r) => setTimeout(r, 5));
  }
  await collect();
  const held = traces[0]!.deref() !== undefined;
  holding = false;
  release(); // first: a failed check must not leave the reply (and the node's close) waiting
  const { status, doc } = await reply;
  assert.not.ok(held, "the push's trace is still held while its reply waits for the journal");
  assert.is(status, 202);
  const processed = doc.processed as { id: string; receipt: { status: string }; block_num: number };
  assert.is(processed.receipt.status, 'executed');
  assert.is(processed.id, doc.transaction_id);
  assert.is(flatTraces(doc)[0].act.name, 'newaccount');
});

test('push_transactions answers objects, each as push_transaction renders it', async () => {
  const a = await buildSigned(dn.client, [newAccountAction('rendered2', testKey('rendered2').toPublic().toString())]);
  const { status, doc } = await post('push_transactions', [a.packed]);
  assert.is(status, 202);
  const list = doc as unknown as Array<{ processed: { receipt: { status: string }; action_traces: unknown[] } }>;
  assert.is(list.length, 1);
  assert.is(list[0]!.processed.receipt.status, 'executed');
  assert.ok(list[0]!.processed.action_traces.length > 0);
});

test('a rendered reply serializes to the same document anywhere else', () => {
  const r = new RenderedJson('{"a":[1,"2"],"b":{"c":null}}');
  assert.is(JSON.stringify({ x: r }), '{"x":{"a":[1,"2"],"b":{"c":null}}}');
});

test.run();
