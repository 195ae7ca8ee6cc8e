// The binary snapshot format (version 3) is pinned by a committed fixture: it still loads, to the
// recorded state digest, and the same state still encodes to the same bytes; the version-2 fixture
// (permissions as JSON) still loads to the same digest. And a snapshot is a
// frozen view: writes made between two of its slices (new, changed, removed rows, index entries and
// accounts, resource limits, producer schedules, and rolled-back ones) do not leak into it — it
// loads to the state at its block. Limits, schedules and Leap's block header state travel in it. An
// index entry whose secondary key does not fit its kind is refused, and so is a file whose sections
// were damaged at random (only ever as SNAPSHOT_FORMAT).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { StateSnapshot, parseSnapshot } from '../../../dmcs/state/state-snapshot.js';
import { Section, SnapshotFormatError } from '../../../dmcs/state/snapshot-format.js';
import { reframe } from './reframe-snapshot.js';
import { singleKeyAuthority } from '../../../dmcs/authority.js';
import { BinaryReader, BinaryWriter, GenesisState, Name, PrivateKey, bytesToHex } from '../../../abi/antelope/index.js';
import { decodeIndex, encodeIndex } from '../../../dmcs/state/index-codec.js';
import { decodeAccountHead } from '../../../dmcs/state/account-codec.js';
import { BlockHeaderState } from '../../../dmcs/block/block-header-state.js';
import { newGenesis } from '../../../dmcs/chain/genesis.js';

const n = (s: string) => Name.from(s).value;
const hex = bytesToHex;
const pub = PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3').toPublic();
const auth = singleKeyAuthority(pub);
/** Block 1's header state of a fixed genesis (JSON inside the HEADER section). */
const headerState = BlockHeaderState.genesis(GenesisState.from(newGenesis(pub, 1_577_836_800_000))).toJSON();
// dist/test/dmcs/state → the source tree's test/vectors
const VECTORS = join(import.meta.dirname, '../../../../test/vectors/dmcs');
const FIXTURE = join(VECTORS, 'state-snapshot-v3.bin');
const FIXTURE_V2 = join(VECTORS, 'state-snapshot-v2.bin');
/** The state digest of the fixtures' state (the digest scheme of state-digest.ts). */
const FIXTURE_DIGEST = 'f63f1f8f1ebde78c2728022bb38eab5c9096ed548258f333b326b425ba065e4f';

/**
 * A small state using every section: accounts with code, ABI, links and resource limits; rows; u64,
 * u256 and double indexes; an active producer schedule and a proposal.
 */
function fixtureState(): ChainState {
  const st = new ChainState();
  st.createAccount('eosio', auth, auth, 1_577_836_800_000, true);
  st.producers.active = { version: 0, producers: [{ producerName: 'eosio', authority: auth }] };
  const tok = st.createAccount('eosio.token', auth, auth, 1_577_836_800_500);
  st.setCode(tok, new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), new Uint8Array(32).fill(7), 1_577_836_801_000);
  st.setAbi(tok, new Uint8Array([1, 2, 3]));
  const alice = st.createAccount('alice', auth, auth, 1_577_836_802_000);
  st.setPermission(alice, { name: 'hot', parent: 'active', auth, lastUpdated: 1_577_836_803_000 });
  st.setLink(alice, 'eosio.token', 'transfer', 'hot');
  st.nextRecvSequence(tok);
  st.nextGlobalSequence();
  st.resourceLimits.set('alice', { ramBytes: 8192n, netWeight: 10n, cpuWeight: -1n });
  st.producers.propose([{ producerName: 'alice', authority: auth }], 40);
  for (const holder of ['alice', 'bob', 'carol']) {
    const t = st.tables.createTable(n('eosio.token'), n(holder), n('accounts'), n('eosio.token'));
    t.store(n('eosio.token'), 0x534f4cn, new Uint8Array([holder.length, 0, 0, 0, 0, 0, 0, 0]));
  }
  const i64 = st.tables.createIndex('idx64', n('eosio.token'), n('eosio.token'), n('stat') | 1n, n('alice'));
  i64.store(n('alice'), 1n, 2n ** 64n - 1n);
  i64.store(n('alice'), 2n, 5n);
  const i256 = st.tables.createIndex('idx256', n('eosio.token'), n('eosio.token'), n('stat') | 2n, n('alice'));
  i256.store(n('alice'), 1n, 2n ** 255n + 3n);
  const dbl = st.tables.createIndex('idx_double', n('eosio.token'), n('eosio.token'), n('stat') | 3n, n('alice'));
  dbl.store(n('alice'), 1n, -1.5);
  dbl.store(n('alice'), 2n, 1e300);
  return st;
}

function snapshotOf(st: ChainState, blockNum = 42): StateSnapshot {
  const meta = {
    blockNum,
    blockId: new Uint8Array(32).fill(0xb1),
    stateDigest: st.digest(),
    globalSequence: st.globalSequence,
    recent: [['aa'.repeat(32), 1_577_900_000] as [string, number]],
    summaries: [[blockNum, new Uint8Array(32).fill(0xb1), 123_456] as [number, Uint8Array, number]],
    blockHeaderState: headerState,
  };
  return new StateSnapshot(meta, st, st.beginCapture()!);
}

/** Loads a fixture file and checks every section came back. */
function checkFixture(fixture: Uint8Array): void {
  const file = parseSnapshot(fixture);
  assert.is(hex(file.head.stateDigest), FIXTURE_DIGEST);
  assert.is(file.head.blockNum, 42);
  assert.equal(file.recent, [['aa'.repeat(32), 1_577_900_000]]);
  const st = new ChainState();
  file.loadInto(st);
  assert.is(hex(st.digest()), FIXTURE_DIGEST);
  assert.is(hex(st.recomputeDigest()), FIXTURE_DIGEST);
  assert.is(st.getAccount('alice')!.links.get('eosio.token:transfer'), 'hot');
  assert.equal(st.resourceLimits.get('alice'), { ramBytes: 8192n, netWeight: 10n, cpuWeight: -1n });
  assert.is(st.producers.proposed?.producers[0]?.producerName, 'alice');
  assert.is(st.producers.proposed?.blockNum, 40);
  assert.is(st.producers.active.producers[0]?.producerName, 'eosio');
  assert.equal(file.blockHeaderState, headerState);
  assert.is(st.tables.findIndex('idx_double', n('eosio.token'), n('eosio.token'), n('stat') | 3n)!.last()!.secondary, 1e300);
  const hot = st.getAccount('alice')!.permissions.get('hot')!;
  assert.equal(hot, { name: 'hot', parent: 'active', auth, lastUpdated: 1_577_836_803_000 });
}

test('the version-3 fixture loads to its digest, and the same state encodes to the same bytes', async () => {
  const bytes = await snapshotOf(fixtureState()).bytes();
  if (process.env.PEEROS_WRITE_FIXTURES || !existsSync(FIXTURE)) {
    writeFileSync(FIXTURE, bytes);
    console.log(`  wrote ${FIXTURE}: digest ${hex(fixtureState().digest())}`);
  }
  const fixture = new Uint8Array(readFileSync(FIXTURE));
  checkFixture(fixture);
  assert.is(hex(bytes), hex(fixture), 'the format is unchanged');
});

test('the version-2 fixture (permissions as JSON) still loads to the same digest', () => {
  checkFixture(new Uint8Array(readFileSync(FIXTURE_V2)));
});

test('versions outside 2-3, and an ACCOUNT section whose counts run past its bytes, are refused as SNAPSHOT_FORMAT', () => {
  const fixture = new Uint8Array(readFileSync(FIXTURE));
  for (const version of [1, 4, 0xffffffff]) {
    let e: unknown = null;
    try {
      parseSnapshot(reframe(fixture, () => {}, version));
    } catch (err) {
      e = err;
    }
    assert.instance(e, SnapshotFormatError, `version ${version} refused`);
    assert.match((e as Error).message, `version ${version}, this node reads 2-3`);
  }
  // the first account's permission count claims 2^32 - 1 permissions: the load stops at the
  // section's end (no allocation by the count) and refuses the file
  const hostile = reframe(fixture, (sections) => {
    const s = sections.find((x) => x.tag === Section.account)!;
    const r = new BinaryReader(s.payload);
    decodeAccountHead(r); // the fields before the permissions, read by the node's own decoder
    const headBytes = r.pos;
    s.payload = new Uint8Array([...s.payload.subarray(0, headBytes), 0xff, 0xff, 0xff, 0xff, 0x0f, 5, 0x6f]);
  });
  const file = parseSnapshot(hostile);
  const started = performance.now();
  assert.throws(
    () => file.loadInto(new ChainState()),
    (e: unknown) => e instanceof SnapshotFormatError && /malformed section/.test(e.message),
  );
  assert.ok(performance.now() - started < 1000, 'refused at once');
});

test("an index entry whose secondary key does not fit its kind (past idx64's width, a NaN double) is refused as SNAPSHOT_FORMAT", () => {
  const fixture = new Uint8Array(readFileSync(FIXTURE));
  // the store's order keys write a secondary in its kind's width, and no order holds a NaN
  for (const [kind, bad] of [
    ['idx64', 2n ** 64n],
    ['idx256', 2n ** 256n],
    ['idx_double', Number.NaN],
  ] as const) {
    let found = false;
    const file = parseSnapshot(
      reframe(fixture, (sections) => {
        for (const sec of sections) {
          if (sec.tag !== Section.index) continue;
          const { header, entries } = decodeIndex(sec.payload);
          if (header.kind !== kind || found) continue;
          found = true;
          const first = { ...entries[0]!, secondary: bad };
          sec.payload = encodeIndex(new BinaryWriter(256), header, [first, ...entries.slice(1)], entries.length).slice();
        }
      }),
    );
    assert.ok(found, `the fixture has an ${kind} index`);
    assert.throws(
      () => file.loadInto(new ChainState()),
      // (past 256 bits the hex is longer than any key's: refused as it is read)
      (e: unknown) => e instanceof SnapshotFormatError && (kind === 'idx256' ? /not hex/ : /does not fit its kind/).test(e.message),
      kind,
    );
  }
});

test('sections damaged at random (2,000 seeded files with a valid checksum) load, or are refused as SNAPSHOT_FORMAT, each at once', () => {
  // the checksum catches a damaged file; these are sound but for their content (a writer's bug, a
  // hand-edited file): bits flipped, bytes cut, appended or overwritten, a section dropped. Before,
  // a head, id list or schedule that did not decode escaped as a reader's or a digest's TypeError
  // (the schedule's from the restart: the node did not start).
  const fixture = new Uint8Array(readFileSync(FIXTURE));
  let seed = 0x5eed;
  const pick = (k: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return Math.floor((seed / 2 ** 32) * k);
  };
  const outcomes = { loaded: 0, refused: 0 };
  for (let i = 0; i < 2000; i++) {
    const bytes = reframe(fixture, (sections) => {
      const sec = sections[pick(sections.length)]!;
      let p = sec.payload;
      const how = pick(5);
      if (how === 0) for (let k = 1 + pick(4); k > 0 && p.length > 0; k--) p[pick(p.length)]! ^= 1 << pick(8);
      else if (how === 1) p = p.slice(0, pick(p.length));
      else if (how === 2) p = new Uint8Array([...p, ...Array.from({ length: 1 + pick(8) }, () => pick(256))]);
      else if (how === 3) p.fill(0xff, pick(p.length), pick(p.length) + 5);
      else if (p.length > 0) p[pick(p.length)] = pick(256);
      sec.payload = p;
      if (pick(10) === 0) sections.splice(pick(sections.length), 1);
    });
    const started = performance.now();
    try {
      const file = parseSnapshot(bytes);
      const st = new ChainState();
      file.loadInto(st);
      st.digest();
      outcomes.loaded++;
    } catch (e) {
      if (!(e instanceof SnapshotFormatError)) throw new Error(`file ${i}: ${(e as Error).stack}`);
      outcomes.refused++;
    }
    assert.ok(performance.now() - started < 500, `file ${i} took ${performance.now() - started} ms`);
  }
  assert.ok(outcomes.refused > 500 && outcomes.loaded > 500, JSON.stringify(outcomes));
});

test('writes between slices do not leak into the snapshot: it loads to the state at its block', async () => {
  const st = fixtureState();
  const t = st.tables.createTable(n('big'), n('big'), n('rows'), n('alice'));
  for (let i = 0; i < 3000; i++) t.store(n('alice'), BigInt(i), new Uint8Array([i & 0xff, 1, 2, 3]));
  // 300 one-row tables, one scope each (distinct names: base 26 in letters)
  const scope = (i: number) => n(`s${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`);
  for (let i = 0; i < 300; i++)
    st.tables.createTable(n('big'), scope(i), n('one'), n('alice')).store(n('alice'), 1n, new Uint8Array([i & 0xff]));
  st.createAccount('bob', auth, auth, 3);
  const atBlock = hex(st.digest());
  const snap = snapshotOf(st);
  const parts: Uint8Array[] = [];
  let step = 0;
  for await (const part of snap.chunks(512)) {
    parts.push(part);
    // a "block" between two slices: changes, deletions, creations, and a rolled-back transaction
    const mark = st.undo.checkpoint();
    const row = t.find(BigInt(step * 7));
    if (row) t.update(row, n('alice'), new Uint8Array([9, 9]));
    const gone = t.find(BigInt(2999 - step));
    if (gone) t.remove(gone);
    t.store(n('alice'), BigInt(10_000 + step), new Uint8Array([step & 0xff]));
    st.nextRecvSequence(st.getAccount('alice')!);
    st.resourceLimits.set(step % 3 === 0 ? 'bob' : 'alice', { ramBytes: BigInt(step), netWeight: 1n, cpuWeight: 1n });
    if (step === 1) st.producers.take();
    if (step === 2) st.producers.propose([{ producerName: 'bob', authority: auth }], 50);
    if (step === 3) st.createAccount('dave', auth, auth, 5);
    const one = st.tables.findTable(n('big'), scope(step), n('one'));
    if (one) one.remove(one.find(1n)!); // the whole table goes
    if (step % 2 === 0) st.undo.rollback(mark);
    else st.undo.commit(mark);
    step++;
  }
  assert.ok(step > 20, `only ${step} slices`);
  const total = new Uint8Array(Buffer.concat(parts));
  const restored = new ChainState();
  parseSnapshot(total).loadInto(restored);
  assert.is(hex(restored.digest()), atBlock);
  assert.is(hex(restored.recomputeDigest()), atBlock);
  assert.is(restored.getAccount('dave'), undefined);
  assert.equal(restored.resourceLimits.get('alice'), { ramBytes: 8192n, netWeight: 10n, cpuWeight: -1n });
  assert.equal(restored.resourceLimits.get('bob'), { ramBytes: -1n, netWeight: -1n, cpuWeight: -1n });
  assert.is(restored.producers.proposed?.producers[0]?.producerName, 'alice');
  // the live state moved on, and the capture is closed: a new snapshot can start
  assert.is.not(hex(st.digest()), atBlock);
  assert.ok(st.beginCapture());
});

test.run();
