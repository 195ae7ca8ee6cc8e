// Accounts behind the on-disk store with a bounded cache: a state whose cache holds 8 accounts runs
// the same seeded writes (new accounts, sequences, permissions, links, limits, RAM; committed and
// rolled back) as an all-in-memory twin, dropping accounts at every safe point: the digests stay
// equal (and equal to a full recompute), the cache stays within its budget, an evicted account
// reads back whole, and a snapshot taken from the store (with writes, commits and trims between
// its slices) loads to the state at its block; a commit is due once STATE_COMMIT_MAX_CHANGES
// records changed, so none writes a pile; a full cache does not commit every block.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainState, STATE_COMMIT_MAX_CHANGES } from '../../../dmcs/state/chain-state.js';
import { OrderedStore, STORE_RANGE_BATCH } from '../../../dmcs/state/ordered-store.js';
import { TRIM_TO, permissionsDecoded } from '../../../dmcs/state/account-store.js';
import { encodeAccount } from '../../../dmcs/state/account-codec.js';
import { accountKey } from '../../../dmcs/state/store-keys.js';
import { StateSnapshot, parseSnapshot } from '../../../dmcs/state/state-snapshot.js';
import { singleKeyAuthority } from '../../../dmcs/authority.js';
import { PrivateKey, bytesToHex, sha256 } from '../../../abi/antelope/index.js';
import { ZERO_HASH } from '../../../dmcs/state/account-record.js';
import { blockEnd } from './block-end.js';
import { accountFields } from './account-fields.js';
import { rng } from './seeded-random.js';

const hex = bytesToHex;
const auth = singleKeyAuthority(PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3').toPublic());
const BUDGET = 8;

/** A valid account name per index: `acct` + 4 base-26 letters. */
function nameOf(i: number): string {
  let s = '';
  for (let k = 0; k < 4; k++) {
    s = String.fromCharCode(97 + (i % 26)) + s;
    i = Math.floor(i / 26);
  }
  return `acct${s}`;
}

/** One seeded "transaction" applied to `st`: the same on both twins. */
function step(st: ChainState, rand: () => number, created: number, t: number): number {
  const x = rand();
  if (x < 0.25 || created === 0) {
    st.createAccount(nameOf(created), auth, auth, t);
    return created + 1;
  }
  const a = st.getAccount(nameOf(Math.floor(rand() * created)));
  if (!a) return created; // rolled back earlier
  if (x < 0.5) st.nextRecvSequence(a);
  else if (x < 0.6) st.nextAuthSequence(a);
  else if (x < 0.7) st.setPermission(a, { name: `p${Math.floor(rand() * 3)}`, parent: 'active', auth, lastUpdated: t });
  else if (x < 0.8) st.setLink(a, 'eosio.token', rand() < 0.5 ? 'transfer' : '', rand() < 0.7 ? 'active' : null);
  else if (x < 0.9) st.resourceLimits.set(a.name, { ramBytes: BigInt(Math.floor(rand() * 9000)), netWeight: 1n, cpuWeight: -1n });
  else st.addRam(a.value, Math.floor(rand() * 100) - 50);
  return created;
}

test('a cache of 8 accounts over the store keeps the digest of an all-in-memory twin', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-account-store-'));
  const store = new OrderedStore(dir);
  const spill = new ChainState({ store, accountCache: BUDGET });
  const mem = new ChainState();
  const r1 = rng(7);
  const r2 = rng(7);
  let c1 = 0;
  let c2 = 0;
  let dropped = 0;
  try {
    for (let block = 0; block < 200; block++) {
      const m1 = spill.undo.checkpoint();
      const m2 = mem.undo.checkpoint();
      for (let i = 0; i < 6; i++) {
        c1 = step(spill, r1, c1, block);
        c2 = step(mem, r2, c2, block);
      }
      if (block % 5 === 4) {
        spill.undo.rollback(m1);
        mem.undo.rollback(m2);
        // the rolled-back accounts are gone: the counters follow the state, not the attempts
        while (c1 > 0 && !spill.getAccount(nameOf(c1 - 1))) c1--;
        while (c2 > 0 && !mem.getAccount(nameOf(c2 - 1))) c2--;
      } else {
        spill.undo.commit(m1);
        mem.undo.commit(m2);
      }
      // every third block waits for the commits in flight: the cache is then within its budget; the
      // other blocks go on with a commit in flight (its accounts pinned, read from memory)
      const settle = block % 3 === 0;
      dropped += await blockEnd(spill, undefined, settle);
      if (settle) assert.ok(spill.accounts.cached <= BUDGET, `cache ${spill.accounts.cached} after block ${block}`);
      if (block % 10 === 9) {
        assert.is(hex(spill.digest()), hex(mem.digest()), `block ${block}`);
        assert.is(hex(spill.recomputeDigest()), hex(mem.digest()));
      }
    }
    assert.ok(dropped > 100, `only ${dropped} accounts dropped`);
    assert.ok(c1 > 100, `${c1} accounts`);
    assert.ok(Math.floor(BUDGET * TRIM_TO) < BUDGET);
    // every account reads back whole, through names and u64 values
    for (let i = 0; i < c1; i++) {
      const a = spill.getAccount(nameOf(i))!;
      const b = mem.getAccount(nameOf(i))!;
      assert.equal(accountFields(a), accountFields(b), nameOf(i));
      assert.is(spill.getAccountByValue(a.value)?.name, a.name);
    }
    assert.is(spill.getAccount('nosuchacct'), undefined);
    assert.is([...spill.accounts.keys()].length, [...mem.accounts.keys()].length);
    // more accounts than one range batch: values() walks the store across batches
    assert.ok(c1 > STORE_RANGE_BATCH / 2, `${c1} accounts`);
  } finally {
    void spill.close().then(() => rmSync(dir, { recursive: true, force: true }));
  }
});

test('a snapshot of a state over the store is the state at its block, whatever happens between slices', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-account-store-'));
  const st = new ChainState({ store: new OrderedStore(dir), accountCache: BUDGET });
  try {
    for (let i = 0; i < 600; i++) st.createAccount(nameOf(i), auth, auth, i);
    st.resourceLimits.set(nameOf(3), { ramBytes: 5000n, netWeight: 2n, cpuWeight: 3n });
    st.atSafePoint();
    const atBlock = hex(st.digest());
    const meta = { blockNum: 9, blockId: new Uint8Array(32), stateDigest: st.digest(), globalSequence: 0, recent: [], summaries: [] };
    const snap = new StateSnapshot(meta, st, st.beginCapture()!);
    const parts: Uint8Array[] = [];
    let slice = 0;
    let droppedMeanwhile = 0;
    const flushesBefore = st.work.flushes;
    for await (const part of snap.chunks(2048)) {
      parts.push(part);
      const mark = st.undo.checkpoint();
      st.nextRecvSequence(st.getAccount(nameOf((slice * 7) % 600))!);
      st.resourceLimits.set(nameOf(3), { ramBytes: BigInt(slice), netWeight: 1n, cpuWeight: 1n });
      st.createAccount(nameOf(1000 + slice), auth, auth, 1);
      if (slice % 2 === 0) st.undo.rollback(mark);
      else st.undo.commit(mark);
      // commits and trims go on while the writer reads the store through its view of the block
      droppedMeanwhile += await blockEnd(st, undefined, slice % 2 === 0);
      if (slice % 2 === 0) assert.ok(st.accounts.cached <= BUDGET, `cache ${st.accounts.cached} over budget while a capture is open`);
      slice++;
    }
    assert.ok(slice > 10, `only ${slice} slices`);
    assert.ok(st.work.flushes - flushesBefore > 0, 'commits while the snapshot was written');
    assert.ok(droppedMeanwhile > 0, 'trims while the snapshot was written');
    const restored = new ChainState();
    parseSnapshot(new Uint8Array(Buffer.concat(parts))).loadInto(restored);
    assert.is(hex(restored.digest()), atBlock);
    assert.is(hex(restored.recomputeDigest()), atBlock);
    assert.equal(restored.resourceLimits.get(nameOf(3)), { ramBytes: 5000n, netWeight: 2n, cpuWeight: 3n });
    assert.is(restored.getAccount(nameOf(1001)), undefined);
    assert.is(hex(st.recomputeDigest()), hex(st.digest()));
  } finally {
    await st.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a commit is due once STATE_COMMIT_MAX_CHANGES records changed: no safe point writes a pile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-account-store-'));
  // a cache no block fills and no commit due by block count: only the bound makes commits
  const st = new ChainState({ store: new OrderedStore(dir), accountCache: 1_000_000 });
  const mem = new ChainState();
  const PER_BLOCK = 37;
  const BLOCKS = 120;
  try {
    let created = 0;
    let commits = 0;
    for (let block = 0; block < BLOCKS; block++) {
      for (const s of [st, mem]) {
        const mark = s.undo.checkpoint();
        for (let i = 0; i < PER_BLOCK; i++) s.createAccount(nameOf(created + i), auth, auth, block);
        if (block % 3 === 0) s.nextRecvSequence(s.getAccount(nameOf(created))!);
        s.undo.commit(mark);
      }
      created += PER_BLOCK;
      const before = { ...st.work };
      await blockEnd(st, { due: false, writes: () => [] }, true);
      const writes = st.work.flushWrites - before.flushWrites;
      if (st.work.flushes > before.flushes) {
        commits++;
        assert.ok(writes >= STATE_COMMIT_MAX_CHANGES, `block ${block}: a commit of ${writes} writes before the bound`);
        assert.ok(writes < STATE_COMMIT_MAX_CHANGES + PER_BLOCK, `block ${block}: a commit of ${writes} writes`);
      }
    }
    assert.is(commits, Math.floor(BLOCKS / Math.ceil(STATE_COMMIT_MAX_CHANGES / PER_BLOCK)));
    assert.ok(commits >= 3, `${commits} commits`);
    assert.is(hex(st.digest()), hex(mem.digest()));
    assert.is(hex(st.recomputeDigest()), hex(st.digest()));
  } finally {
    void st.close().then(() => rmSync(dir, { recursive: true, force: true }));
  }
});

test('a full cache does not commit every block: misses evict unchanged accounts, changes of many blocks share a commit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-account-store-'));
  const CACHE = 64;
  const HOLDERS = 2000;
  const BLOCKS = 150;
  const st = new ChainState({ store: new OrderedStore(dir), accountCache: CACHE });
  const mem = new ChainState();
  const r1 = rng(11);
  const r2 = rng(11);
  try {
    for (const s of [st, mem]) {
      const mark = s.undo.checkpoint();
      for (let i = 0; i < HOLDERS; i++) s.createAccount(nameOf(i), auth, auth, 0);
      s.undo.commit(mark);
    }
    await blockEnd(st, { due: true, writes: () => [] }, true);
    const before = { ...st.work };
    let mostCached = 0;
    for (let block = 0; block < BLOCKS; block++) {
      // a block as the scale bench's transfers at a million holders: reads of random holders, almost
      // all misses (the cache is over its budget after every block), two of them changed
      for (const [s, rand] of [
        [st, r1],
        [mem, r2],
      ] as const) {
        const mark = s.undo.checkpoint();
        for (let i = 0; i < 20; i++) {
          const a = s.getAccount(nameOf(Math.floor(rand() * HOLDERS)))!;
          if (i < 2) s.nextRecvSequence(a);
        }
        s.undo.commit(mark);
      }
      // each block's end waits for commits in flight to land (as the 500 ms between blocks lets
      // them), so the count below does not depend on the writer thread's speed
      await blockEnd(st, { due: false, writes: () => [] }, true);
      mostCached = Math.max(mostCached, st.accounts.cached);
    }
    const commits = st.work.flushes - before.flushes;
    // about two accounts changed per block: a commit once the changed ones alone fill the cache,
    // not one per block as when any block over budget committed
    assert.ok(commits >= 1, `${commits} commits`);
    assert.ok(commits <= BLOCKS / 10, `${commits} commits in ${BLOCKS} blocks`);
    assert.ok(st.work.dropped - before.dropped > BLOCKS * 10, `${st.work.dropped - before.dropped} dropped`);
    // bounded all the same
    assert.ok(mostCached <= CACHE, `at most ${mostCached} cached`);
    assert.is(hex(st.digest()), hex(mem.digest()));
    assert.is(hex(st.recomputeDigest()), hex(mem.digest()));
    await blockEnd(st, { due: true, writes: () => [] }, true);
    assert.ok(st.accounts.cached <= CACHE, `${st.accounts.cached} cached after the last commit landed`);
    for (let i = 0; i < HOLDERS; i += 7) assert.equal(accountFields(st.getAccount(nameOf(i))!), accountFields(mem.getAccount(nameOf(i))!));
  } finally {
    await st.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an account read back from the store is written back and rehashed without decoding its permissions until they are used', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-account-store-'));
  const store = new OrderedStore(dir);
  const st = new ChainState({ store, accountCache: 2 });
  const mem = new ChainState();
  try {
    for (const s of [st, mem]) {
      for (let i = 0; i < 12; i++) {
        const a = s.createAccount(nameOf(i), auth, auth, 1);
        s.setPermission(a, { name: 'claim', parent: 'active', auth, lastUpdated: 2 });
        s.setLink(a, 'eosio.token', 'transfer', 'claim');
      }
    }
    await blockEnd(st, { due: true, writes: () => [] }, true);
    assert.ok(st.accounts.cached <= 2, `${st.accounts.cached} cached`);
    // read back, change only the sequences and RAM (a transfer's receiver), digest and commit: no decoding
    const readBack = [];
    for (const s of [st, mem])
      for (let i = 0; i < 12; i++) {
        const a = s.getAccount(nameOf(i))!;
        if (s === st && !permissionsDecoded(a)) readBack.push(a);
        s.nextRecvSequence(a);
        s.addRam(a.value, 7);
      }
    assert.ok(readBack.length >= 10, `${readBack.length} accounts read back`);
    await blockEnd(st, { due: true, writes: () => [] }, true);
    assert.is(hex(st.digest()), hex(mem.digest()));
    assert.is(readBack.filter(permissionsDecoded).length, 0, 'permissions decoded for a change that does not use them');
    // the store holds the permissions once: its value is the record hash, the limits' flag and the record
    const a0 = st.getAccount(nameOf(0))!;
    assert.is(store.get(accountKey(a0.value))!.length, 32 + 1 + encodeAccount(a0).length);
    assert.ok(encodeAccount(a0).length < 450, `${encodeAccount(a0).length} bytes for three one-key permissions and a link`);
    // the stored bytes are still the permissions and links: a recompute from the decoded maps agrees
    assert.is(hex(st.recomputeDigest()), hex(mem.digest()));
    // a permission change on a read-back account (undone once, then kept) is written and hashed from the maps
    for (const s of [st, mem]) {
      const a = s.getAccount(nameOf(3))!;
      const m = s.undo.checkpoint();
      s.setPermission(a, { name: 'claim', parent: 'owner', auth, lastUpdated: 5 });
      s.undo.rollback(m);
      s.setLink(a, 'eosio.token', 'transfer', null);
      s.deletePermission(a, 'claim');
    }
    await blockEnd(st, { due: true, writes: () => [] }, true);
    assert.is(hex(st.digest()), hex(mem.digest()));
    await blockEnd(st, { due: true, writes: () => [] }, true);
    for (let i = 0; i < 12; i++)
      assert.equal(accountFields(st.getAccount(nameOf(i))!), accountFields(mem.getAccount(nameOf(i))!), nameOf(i));
    assert.is(hex(st.recomputeDigest()), hex(mem.digest()));
  } finally {
    void st.close().then(() => rmSync(dir, { recursive: true, force: true }));
  }
});

test('accounts read back share the zero code hash (no array each); one with code keeps its own, and setcode replaces it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-account-store-'));
  const st = new ChainState({ store: new OrderedStore(dir), accountCache: 2 });
  const mem = new ChainState();
  const code = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  const hash = sha256(code);
  try {
    for (const s of [st, mem]) {
      for (let i = 0; i < 12; i++) s.createAccount(nameOf(i), auth, auth, 1);
      s.setCode(s.getAccount(nameOf(1))!, code, hash, 2);
    }
    await blockEnd(st, { due: true, writes: () => [] }, true);
    assert.ok(st.accounts.cached <= 2, `${st.accounts.cached} cached`);
    const plain = st.getAccount(nameOf(5))!;
    assert.ok(plain.codeHash === ZERO_HASH, 'an account without code read back with an array of its own');
    const coded = st.getAccount(nameOf(1))!;
    assert.ok(coded.codeHash !== ZERO_HASH);
    assert.is(hex(coded.codeHash), hex(hash));
    assert.is(coded.codeHashHex, hex(hash));
    // setcode on a read-back account replaces its code hash, never writes into the shared one
    for (const s of [st, mem]) s.setCode(s.getAccount(nameOf(5))!, code, hash, 3);
    assert.is(hex(st.getAccount(nameOf(5))!.codeHash), hex(hash));
    assert.ok(ZERO_HASH.every((b) => b === 0));
    await blockEnd(st, { due: true, writes: () => [] }, true);
    assert.is(hex(st.digest()), hex(mem.digest()));
    assert.is(hex(st.recomputeDigest()), hex(mem.digest()));
  } finally {
    void st.close().then(() => rmSync(dir, { recursive: true, force: true }));
  }
});

test.run();
