// The incremental state digest equals a digest recomputed from scratch after any mix of writes and
// rollbacks (rows, index entries, tables, accounts, permissions, links, RAM, resource limits, producer
// proposals), a rollback restores the digest from before the transaction, the digest does not depend
// on the order of the writes, and states differing only in limits or schedules digest differently.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { HashAccumulator } from '../../../dmcs/state/state-digest.js';
import { singleKeyAuthority } from '../../../dmcs/authority.js';
import { Name, PrivateKey, bytesToHex, sha256 } from '../../../abi/antelope/index.js';

const n = (s: string) => Name.from(s).value;
const hex = bytesToHex;
const auth = singleKeyAuthority(PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3').toPublic());

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const ACCOUNTS = ['alice', 'bob', 'carol', 'dave'];

/** One random write through the state's own methods (as the chain makes them), in block `blockNum`. */
function randomWrite(st: ChainState, r: () => number, blockNum: number): void {
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const who = pick(ACCOUNTS);
  const acct = st.getAccount(who);
  const scope = n(pick(ACCOUNTS));
  const key = BigInt(Math.floor(r() * 40));
  const op = Math.floor(r() * 10);
  if (!acct) {
    st.createAccount(who, auth, auth, 1000);
    return;
  }
  const t = st.tables.findTable(n('tok'), scope, n('accounts'));
  const ix = st.tables.findIndex('idx64', n('tok'), scope, n('accounts') | 1n);
  switch (op) {
    case 0:
    case 1: {
      const row = t?.find(key);
      const value = new Uint8Array([Math.floor(r() * 256), 1, 2]);
      if (row) t!.update(row, acct.value, value);
      else (t ?? st.tables.createTable(n('tok'), scope, n('accounts'), acct.value)).store(acct.value, key, value);
      break;
    }
    case 2: {
      const row = t?.lowerbound(key);
      if (row) t!.remove(row);
      break;
    }
    case 3: {
      const e = ix?.findPrimary(key);
      const sec = BigInt(Math.floor(r() * 5));
      if (e) ix!.update(e, acct.value, sec);
      else (ix ?? st.tables.createIndex('idx64', n('tok'), scope, n('accounts') | 1n, acct.value)).store(acct.value, key, sec);
      break;
    }
    case 4: {
      const e = ix?.lowerbound(0n);
      if (e) ix!.remove(e);
      break;
    }
    case 5:
      st.setPermission(acct, { name: 'hot', parent: 'active', auth, lastUpdated: Math.floor(r() * 1e6) });
      break;
    case 6:
      st.setLink(acct, 'tok', 'transfer', r() < 0.5 ? 'hot' : null);
      break;
    case 7: {
      // set_resource_limits; all -1 is the default again
      const v = r() < 0.25 ? -1n : BigInt(Math.floor(r() * 1e6));
      st.resourceLimits.set(who, { ramBytes: v, netWeight: v === -1n ? -1n : 5n, cpuWeight: v === -1n ? -1n : 7n });
      break;
    }
    case 8:
      // set_proposed_producers, or the chain announcing the proposal
      if (st.producers.proposed && r() < 0.3) st.producers.take();
      else st.producers.propose([{ producerName: who, authority: auth }], blockNum);
      break;
    default:
      if (r() < 0.5) {
        st.nextRecvSequence(acct);
        st.nextGlobalSequence();
      } else {
        // one receipt: its authorizers distinct, maybe the receiver among them (a notified actor)
        const authorizers = [...new Set([pick(ACCOUNTS), pick(ACCOUNTS)])].map((a) => st.getAccount(a)).filter((a) => a !== undefined);
        st.receiptSequences(acct, authorizers);
      }
      st.addRam(who, Math.floor(r() * 100) - 50);
  }
}

test('incremental == recomputed after random transactions, committed or rolled back', () => {
  const r = rng(7);
  const st = new ChainState();
  st.createAccount('tok', auth, auth, 0);
  for (let trx = 0; trx < 400; trx++) {
    const blockNum = Math.floor(trx / 10);
    // the chain replaces the active schedule between blocks (a mirror of the header state, not undone)
    if (trx % 50 === 49) st.producers.active = { version: trx, producers: [{ producerName: 'bob', authority: auth }] };
    const before = hex(st.digest());
    const mark = st.undo.checkpoint();
    const writes = 1 + Math.floor(r() * 12);
    for (let i = 0; i < writes; i++) randomWrite(st, r, blockNum);
    if (r() < 0.35) {
      st.undo.rollback(mark);
      assert.is(hex(st.digest()), before, `transaction ${trx}: a rollback restores the digest`);
    } else st.undo.commit(mark);
    if (trx % 5 === 0) assert.is(hex(st.digest()), hex(st.recomputeDigest()), `transaction ${trx}`);
  }
  assert.is(hex(st.digest()), hex(st.recomputeDigest()));
});

test('the same records written in another order give the same digest; one change gives another', () => {
  const build = (keys: bigint[], last = 7) => {
    const st = new ChainState();
    st.createAccount('tok', auth, auth, 0);
    const t = st.tables.createTable(n('tok'), n('tok'), n('rows'), n('tok'));
    for (const k of keys) t.store(n('tok'), k, new Uint8Array([Number(k) === 3 ? last : 1]));
    return hex(st.digest());
  };
  assert.is(build([1n, 2n, 3n]), build([3n, 1n, 2n]));
  assert.is.not(build([1n, 2n, 3n]), build([1n, 2n, 3n], 8));
});

test('a state differing only in resource limits or in a producer proposal digests differently', () => {
  const base = () => {
    const st = new ChainState();
    st.createAccount('alice', auth, auth, 0);
    return st;
  };
  const plain = hex(base().digest());
  const limited = base();
  limited.resourceLimits.set('alice', { ramBytes: 8192n, netWeight: -1n, cpuWeight: -1n });
  assert.is.not(hex(limited.digest()), plain);
  assert.is(hex(limited.digest()), hex(limited.recomputeDigest()));
  const mark = limited.undo.checkpoint();
  limited.resourceLimits.set('alice', { ramBytes: 9000n, netWeight: -1n, cpuWeight: -1n });
  limited.undo.rollback(mark);
  assert.is(hex(limited.digest()), hex(limited.recomputeDigest()), 'the undo of set_resource_limits rehashes the account');
  limited.resourceLimits.set('alice', { ramBytes: -1n, netWeight: -1n, cpuWeight: -1n });
  assert.is(hex(limited.digest()), plain, 'all -1 is the default');

  const proposing = base();
  assert.is(proposing.producers.propose([{ producerName: 'alice', authority: auth }], 3), 1);
  assert.is.not(hex(proposing.digest()), plain);
  assert.is(hex(proposing.digest()), hex(proposing.recomputeDigest()));
  const active = base();
  active.producers.active = { version: 1, producers: [{ producerName: 'alice', authority: auth }] };
  assert.is.not(hex(active.digest()), plain);
  assert.is.not(hex(active.digest()), hex(proposing.digest()));
  assert.is(hex(active.digest()), hex(active.recomputeDigest()));
});

test('the accumulator adds and removes modulo 2^256', () => {
  const acc = new HashAccumulator();
  const a = sha256(new Uint8Array([1]));
  const ff = new Uint8Array(32).fill(0xff);
  acc.add(a);
  acc.add(ff); // + (2^256 - 1) ≡ - 1: carries through every word
  acc.remove(ff);
  assert.is(hex(acc.sum()), hex(a));
  acc.remove(a);
  assert.is(hex(acc.sum()), '00'.repeat(32));
  assert.is(acc.count, 0);
});

test('one receipt bumps the sequences one at a time would, and one rollback undoes them all', () => {
  const make = () => {
    const st = new ChainState();
    for (const a of ['tok', 'alice', 'bob']) st.createAccount(a, auth, auth, 0);
    return st;
  };
  const stepwise = make();
  const once = make();
  const before = hex(once.digest());
  // a transfer's three receipts: the contract, then the notified sender (also the authorizer) and receiver
  const mark = once.undo.checkpoint();
  for (const receiver of ['tok', 'alice', 'bob']) {
    const s = stepwise.getAccount(receiver)!;
    const auth1 = stepwise.nextAuthSequence(stepwise.getAccount('alice')!);
    const global1 = stepwise.nextGlobalSequence();
    const recv1 = stepwise.nextRecvSequence(s);
    const o = once.getAccount(receiver)!;
    const alice = once.getAccount('alice')!;
    const global2 = once.receiptSequences(o, [alice]);
    assert.equal([global2, o.recvSequence, alice.authSequence], [global1, recv1, auth1], receiver);
  }
  assert.is(hex(once.digest()), hex(stepwise.digest()), 'the same state as the single steps');
  assert.is(hex(once.digest()), hex(once.recomputeDigest()));
  assert.is(once.undo.end - mark, 3, 'one undo closure per receipt');
  once.undo.rollback(mark);
  assert.is(hex(once.digest()), before, 'the rollback restores the digest');
  assert.equal(
    ['tok', 'alice', 'bob'].map((a) => [once.getAccount(a)!.recvSequence, once.getAccount(a)!.authSequence]),
    [
      [0, 0],
      [0, 0],
      [0, 0],
    ],
  );
  assert.is(once.globalSequence, 0);
});

test.run();
