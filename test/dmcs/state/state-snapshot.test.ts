// State snapshots: a restart starts from the snapshot and replays only later blocks, to the same
// state; a snapshot that does not match the log, its checksum or its own digest, or that lacks Leap's
// block header state, is ignored (full replay). Resource limits set by a privileged contract come
// back from the snapshot, and a snapshot whose limits were altered is refused by the digest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { tempDir, removeDir, transact, newAccountAction, testKey, setcodeAction } from '../helpers.js';
import { APIClient, Name, Serializer } from '@wharfkit/antelope';
import { wat } from '../vm/wat.js';
import { Section, splitSections } from '../../../dmcs/state/snapshot-format.js';
import { reframe } from './reframe-snapshot.js';

const SNAP = 'snapshot.bin';

const dir = tempDir('snapshot');
const k = testKey('snapshot');
const digest = (n: EmbeddedNode) => n.api.peerosEndpoints.get_state_digest!({}) as { state_digest: string; head_block_num: number };

async function withNode<T>(fn: (n: EmbeddedNode, c: APIClient) => Promise<T>, snapshotEvery = 2): Promise<T> {
  const n = await startNode({ dev: true, dataDir: dir, http: '127.0.0.1:0', autoProduce: false, snapshotEvery });
  try {
    return await fn(n, new APIClient({ url: n.endpoint! }));
  } finally {
    await n.close();
  }
}

test.after(() => removeDir(dir));

test('periodic and closing snapshots; a restart resumes from one with the identical state', async () => {
  const before = await withNode(async (n, c) => {
    for (let i = 0; i < 5; i++) {
      await transact(c, [newAccountAction(`snap${i + 1}`, String(k.toPublic()))]);
      await n.produceBlock();
    }
    return digest(n);
  });
  assert.ok(existsSync(join(dir, SNAP)));
  const head = splitSections(new Uint8Array(readFileSync(join(dir, SNAP)))).head;
  assert.is(Buffer.from(head.payload).readUInt32LE(0), before.head_block_num);
  await withNode(async (n, c) => {
    assert.is(n.chain.startedFromSnapshot, before.head_block_num);
    assert.is(digest(n).state_digest, before.state_digest);
    // it keeps working from there
    await transact(c, [newAccountAction('aftersnap', String(k.toPublic()))]);
    await n.produceBlock();
  });
});

test('a snapshot older than the log replays only the blocks after it', async () => {
  // take a snapshot at the current head, then add blocks without snapshotting
  const snapAt = await withNode(async (n) => n.chain.head.num);
  const saved = readFileSync(join(dir, SNAP));
  const after = await withNode(async (n, c) => {
    await transact(c, [newAccountAction('later1', String(k.toPublic()))]);
    await n.produceBlock();
    return digest(n);
  }, 1000);
  writeFileSync(join(dir, SNAP), saved); // put the older snapshot back
  await withNode(async (n) => {
    assert.is(n.chain.startedFromSnapshot, snapAt);
    assert.ok(n.chain.head.num > snapAt);
    assert.is(digest(n).state_digest, after.state_digest);
    assert.is(n.chain.head.num, after.head_block_num);
  }, 1000);
});

test('a tampered snapshot is ignored and the log is replayed in full', async () => {
  const good = await withNode(async (n) => digest(n));
  const saved = new Uint8Array(readFileSync(join(dir, SNAP)));
  // content changed and checksum fixed up: refused while loading
  writeFileSync(
    join(dir, SNAP),
    reframe(saved, (sections) => {
      const account = sections.find((s) => s.tag === Section.account)!;
      account.payload[account.payload.length - 1]! ^= 1;
    }),
  );
  await withNode(async (n) => {
    assert.is(n.chain.startedFromSnapshot, 0);
    assert.is(digest(n).state_digest, good.state_digest);
  }, 1000);
  // a sound file whose recorded digest differs from its content: loaded, then refused by the digest
  writeFileSync(
    join(dir, SNAP),
    reframe(saved, (sections) => {
      sections[0]!.payload[4 + 32]! ^= 1; // head: u32 block number, 32 block id, then the digest
    }),
  );
  await withNode(async (n) => {
    assert.is(n.chain.startedFromSnapshot, 0);
    assert.is(digest(n).state_digest, good.state_digest);
  }, 1000);
  // a producers section of the right outline whose producers are not producers (no authority, a
  // threshold that is not a number, a key that is not a string): refused as it loads
  for (const producer of [
    { producerName: 'eosio' },
    { producerName: 'eosio', authority: { threshold: 'x', keys: [], accounts: [], waits: [] } },
    { producerName: 'eosio', authority: { threshold: 1, keys: [{ key: 5, weight: 1 }], accounts: [], waits: [] } },
    { producerName: 7, authority: { threshold: 1, keys: [], accounts: [], waits: [] } },
  ]) {
    writeFileSync(
      join(dir, SNAP),
      reframe(saved, (sections) => {
        const section = sections.find((s) => s.tag === Section.producers)!;
        const producers = JSON.parse(new TextDecoder().decode(section.payload));
        producers.active.producers = [producer];
        section.payload = new TextEncoder().encode(JSON.stringify(producers));
      }),
    );
    await withNode(async (n) => {
      assert.is(n.chain.startedFromSnapshot, 0, JSON.stringify(producer));
      assert.is(digest(n).state_digest, good.state_digest);
    }, 1000);
  }
  // one byte flipped: refused by the checksum; cut short: refused as truncated
  const flipped = saved.slice();
  flipped[20]! ^= 1;
  writeFileSync(join(dir, SNAP), flipped);
  await withNode(async (n) => {
    assert.is(n.chain.startedFromSnapshot, 0);
    assert.is(digest(n).state_digest, good.state_digest);
  }, 1000);
  writeFileSync(join(dir, SNAP), saved.subarray(0, saved.length - 7));
  await withNode(async (n) => {
    assert.is(n.chain.startedFromSnapshot, 0);
    assert.is(digest(n).state_digest, good.state_digest);
  });
});

/** A privileged contract for eosio: action `setlimits` passes (name, ram, net, cpu) to set_resource_limits. */
function limitsWasm(): Uint8Array {
  const setlimits = BigInt.asIntN(64, BigInt(Name.from('setlimits').value.toString()));
  return wat(`(module
    (import "env" "read_action_data" (func $read (param i32 i32) (result i32)))
    (import "env" "set_resource_limits" (func $set (param i64 i64 i64 i64)))
    (memory 1)
    (func (export "apply") (param $r i64) (param $c i64) (param $a i64)
      (if (i64.eq (local.get $a) (i64.const ${setlimits}))
        (then
          (drop (call $read (i32.const 0) (i32.const 32)))
          (call $set (i64.load (i32.const 0)) (i64.load (i32.const 8)) (i64.load (i32.const 16)) (i64.load (i32.const 24)))))))`);
}

function limitsData(account: string, ram: number, net: number, cpu: number): string {
  const i64 = (v: number) => Serializer.encode({ object: v, type: 'int64' }).hexString;
  return Serializer.encode({ object: Name.from(account) }).hexString + i64(ram) + i64(net) + i64(cpu);
}

test('a snapshot that cannot be read is reported, and the log is replayed in full', async () => {
  const good = await withNode(async (n) => digest(n));
  const at = join(dir, SNAP);
  rmSync(at);
  mkdirSync(at); // a folder where the file should be: EISDIR
  const notes: string[] = [];
  const n = await startNode({
    dev: true,
    dataDir: dir,
    http: '127.0.0.1:0',
    autoProduce: false,
    snapshotEvery: 1000,
    onError: (e) => notes.push(e.message),
  });
  try {
    assert.is(n.chain.startedFromSnapshot, 0);
    assert.is(digest(n).state_digest, good.state_digest);
    assert.ok(
      notes.some((m) => m.includes(`${at}: cannot be read (EISDIR); replaying the whole block log`)),
      notes.join(' | '),
    );
  } finally {
    await n.close();
    rmSync(at, { recursive: true, force: true });
  }
});

test('resource limits come back from a snapshot; without the header state or with altered limits it is not used', async () => {
  const limitsDir = tempDir('snapshot-limits');
  const open = () => startNode({ dev: true, dataDir: limitsDir, http: '127.0.0.1:0', autoProduce: false, snapshotEvery: 1000 });
  try {
    let n = await open();
    const c = new APIClient({ url: n.endpoint! });
    await transact(c, [newAccountAction('limited', String(k.toPublic()))]);
    await transact(c, [setcodeAction('eosio', limitsWasm())]);
    await transact(c, [{ account: 'eosio', name: 'setlimits', authorization: 'eosio@active', data: limitsData('limited', 5000, 10, 20) }]);
    await n.produceBlock();
    const before = digest(n);
    await n.close(); // the closing snapshot
    const saved = new Uint8Array(readFileSync(join(limitsDir, SNAP)));
    assert.ok([...splitSections(saved).sections].some((s) => s.tag === Section.limits));

    n = await open();
    try {
      assert.is(n.chain.startedFromSnapshot, before.head_block_num);
      assert.is(digest(n).state_digest, before.state_digest);
      const acct = await new APIClient({ url: n.endpoint! }).v1.chain.get_account('limited');
      assert.is(Number(acct.ram_quota), 5000);
      assert.is(Number(acct.net_weight), 10);
      assert.is(Number(acct.cpu_weight), 20);
    } finally {
      await n.close();
    }

    const refused = async (bytes: Uint8Array) => {
      writeFileSync(join(limitsDir, SNAP), bytes);
      const m = await open();
      try {
        assert.is(m.chain.startedFromSnapshot, 0);
        assert.is(digest(m).state_digest, before.state_digest);
        assert.is(Number((await new APIClient({ url: m.endpoint! }).v1.chain.get_account('limited')).ram_quota), 5000);
      } finally {
        await m.close();
      }
    };
    // no HEADER section: a snapshot without Leap's block header state is not used
    const withoutHeader = (sections: Array<{ tag: number }>) =>
      sections.splice(
        sections.findIndex((s) => s.tag === Section.headerState),
        1,
      );
    await refused(reframe(saved, withoutHeader));
    // the limits changed (checksum fixed up): loaded, then refused by the digest
    await refused(
      reframe(saved, (sections) => {
        const limits = sections.find((s) => s.tag === Section.limits)!;
        limits.payload[limits.payload.length - 1]! ^= 1;
      }),
    );
  } finally {
    removeDir(limitsDir);
  }
});

test.run();
