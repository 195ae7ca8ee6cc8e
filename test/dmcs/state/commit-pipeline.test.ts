// The state store's commits leave the block thread (chain-state.ts `STATE_COMMITS_IN_FLIGHT`): a
// commit is queued on LMDB's writer thread and lands (committed and flushed) later. While it is in
// flight, what it writes stays in memory (a trim does not drop it, an account it removes reads as
// gone although the store still holds it), another due commit is owed rather than started, and once
// `STATE_COMMIT_BACKLOG` records changed the block must wait (`mustWait`; `settle` counts the wait).
// A snapshot's read view is of its own commit, as it landed, whatever is queued after. Real LMDB.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainState, STATE_COMMIT_BACKLOG, STATE_COMMITS_IN_FLIGHT } from '../../../dmcs/state/chain-state.js';
import { OrderedStore } from '../../../dmcs/state/ordered-store.js';
import { StateSnapshot, parseSnapshot } from '../../../dmcs/state/state-snapshot.js';
import { singleKeyAuthority } from '../../../dmcs/authority.js';
import { PrivateKey, bytesToHex } from '../../../abi/antelope/index.js';

const hex = bytesToHex;
const auth = singleKeyAuthority(PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3').toPublic());
const dirs: string[] = [];
test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const storeDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'peeros-commit-pipeline-'));
  dirs.push(d);
  return d;
};

/** A valid account name per index: `pipe` + 4 base-26 letters. */
function nameOf(i: number): string {
  let s = '';
  for (let k = 0; k < 4; k++) {
    s = String.fromCharCode(97 + (i % 26)) + s;
    i = Math.floor(i / 26);
  }
  return `pipe${s}`;
}

const due = { due: true, writes: () => [] };

test('records of a commit in flight stay in memory; a second due commit is owed, not started', async () => {
  assert.is(STATE_COMMITS_IN_FLIGHT, 1);
  const st = new ChainState({ store: new OrderedStore(storeDir()), accountCache: 8 });
  try {
    // 'gone' lands in the store; its creation's undo stays open (a reversible block)
    const mark = st.undo.checkpoint();
    st.createAccount('gone', auth, auth, 1);
    st.atSafePoint(due);
    await st.settle();
    assert.is(st.commitsInFlight, 0);
    // 40 new accounts and the removal of 'gone' go in one commit, queued and not landed
    for (let i = 0; i < 40; i++) st.createAccount(nameOf(i), auth, auth, 2);
    st.undo.rollback(mark);
    for (let i = 0; i < 40; i++) st.createAccount(nameOf(i), auth, auth, 2);
    const flushes = st.work.flushes;
    st.atSafePoint(due);
    assert.is(st.work.flushes, flushes + 1);
    assert.is(st.commitsInFlight, 1, 'in flight until the event loop turns');
    assert.ok(st.accounts.cached >= 40, `${st.accounts.cached} cached: a trim dropped what the store does not hold yet`);
    assert.is(st.getAccount('gone'), undefined, 'removed in memory, still in the store: read as gone');
    assert.not.ok([...st.accounts.keys()].includes('gone'));
    assert.is(st.getAccount(nameOf(7))?.name, nameOf(7));
    // another due commit now is owed, not started
    st.nextRecvSequence(st.getAccount(nameOf(3))!);
    st.atSafePoint(due);
    assert.is(st.work.flushes, flushes + 1, 'no second commit while one is in flight');
    assert.not.ok(st.mustWait, 'a small backlog does not make the block wait');
    await st.settle();
    assert.is(st.commitsInFlight, 0);
    // landed: the next safe point commits what was owed and the trim drops what the store holds
    const dropped = st.atSafePoint(due);
    assert.is(st.work.flushes, flushes + 2);
    assert.ok(dropped > 0 && st.accounts.cached <= 8 + 1, `${st.accounts.cached} cached, ${dropped} dropped`);
    await st.settle();
    assert.is(st.getAccount('gone'), undefined);
    assert.is(st.getAccount(nameOf(3))?.recvSequence, 1, 'read back from the store');
    assert.is(hex(st.recomputeDigest()), hex(st.digest()));
  } finally {
    await st.close();
  }
});

test('past STATE_COMMIT_BACKLOG changed records with a commit in flight, the block must wait; settle counts it', async () => {
  const st = new ChainState({ store: new OrderedStore(storeDir()), accountCache: 1_000_000 });
  try {
    for (let i = 0; i < 10; i++) st.createAccount(nameOf(i), auth, auth, 1);
    st.atSafePoint(due);
    assert.is(st.commitsInFlight, 1);
    let i = 10;
    while (!st.mustWait) {
      st.createAccount(nameOf(i++), auth, auth, 1);
      if (i % 100 === 0) st.atSafePoint(due); // owed: the commit above has not landed (no event loop turn)
    }
    assert.is(i - 10, STATE_COMMIT_BACKLOG, `the block waits once ${STATE_COMMIT_BACKLOG} records changed`);
    const waits = st.work.waits;
    await st.settle();
    assert.is(st.work.waits, waits + 1);
    assert.ok(st.work.waitMs >= 0);
    st.atSafePoint(due);
    assert.not.ok(st.mustWait);
    await st.settle();
    assert.is(hex(st.recomputeDigest()), hex(st.digest()));
  } finally {
    await st.close();
  }
});

test("a snapshot's view is its own commit as it landed, not the commits queued after", async () => {
  const st = new ChainState({ store: new OrderedStore(storeDir()), accountCache: 4 });
  try {
    for (let i = 0; i < 50; i++) st.createAccount(nameOf(i), auth, auth, 1);
    st.atSafePoint(due); // in flight when the capture begins: its commit is one more
    for (let i = 50; i < 60; i++) st.createAccount(nameOf(i), auth, auth, 1);
    const atBlock = hex(st.digest());
    const meta = { blockNum: 3, blockId: new Uint8Array(32), stateDigest: st.digest(), globalSequence: 0, recent: [], summaries: [] };
    const snap = new StateSnapshot(meta, st, st.beginCapture()!);
    assert.is(st.commitsInFlight, 2);
    // changes after the block, and safe points that would commit them: none starts before the view is taken
    const flushes = st.work.flushes;
    for (let i = 60; i < 70; i++) st.createAccount(nameOf(i), auth, auth, 1);
    st.atSafePoint(due);
    assert.is(st.work.flushes, flushes);
    const parts: Uint8Array[] = [];
    for await (const p of snap.chunks(1024)) {
      parts.push(p);
      st.nextRecvSequence(st.getAccount(nameOf(parts.length % 70))!);
      st.atSafePoint(due);
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(st.work.flushes > flushes, 'commits went on while the snapshot was written');
    const restored = new ChainState();
    parseSnapshot(new Uint8Array(Buffer.concat(parts))).loadInto(restored);
    assert.is(hex(restored.digest()), atBlock);
    assert.is(restored.getAccount(nameOf(65)), undefined);
    assert.is(restored.getAccount(nameOf(55))?.name, nameOf(55));
  } finally {
    await st.close();
  }
});

test.run();
