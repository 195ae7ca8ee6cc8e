// Leap's legacy producer schedule and DPoS irreversibility, driven through the node's block header
// state with real signatures: `eosio` proposes a schedule of 4 (then 21) producers in a block
// header, it becomes pending, then active once that block is irreversible; each slot belongs to
// producer (slot mod (N·12)) / 12; a producer's block confirms the blocks since its last one, and
// a block is irreversible once 2/3+1 of the producers confirmed it. A missed slot is skipped; a
// side with fewer than 2/3+1 producers does not advance the LIB.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GenesisState, Name, PrivateKey, ProducerKey, ProducerSchedule, TimePoint } from '../../../abi/antelope/index.js';
import { BlockHeaderState } from '../../../dmcs/block/block-header-state.js';
import type { BlockHeader } from '../../../dmcs/block.js';
import { ChainError } from '../../../dmcs/chain-error.js';
import { defaultKeyRecovery } from '../../../dmcs/keys/key-recovery.js';

const eosioKey = PrivateKey.generate();
const genesis = new GenesisState(TimePoint.from('2026-01-01T00:00:00.000'), eosioKey.toPublic());
// the node's own recovery (native libsecp256k1 when it loads): thousands of blocks stay fast
const recovery = defaultKeyRecovery();
const recover = (sig: Parameters<BlockHeaderState['verifySignee']>[0], d: Uint8Array) => recovery.recover(sig, d);

/** One chain of header states, produced slot by slot by whichever scheduled producers are online. */
class Network {
  state = BlockHeaderState.genesis(genesis);
  slot = this.state.header.timestamp;
  readonly keys = new Map<string, PrivateKey>([['eosio', eosioKey]]);

  /** Produces the next slot if its producer is online; returns whether a block was made. */
  step(online: (name: string) => boolean, newProducers?: ProducerSchedule): boolean {
    this.slot++;
    const head = this.state;
    const producer = head.scheduledProducer(this.slot).producerName.toString();
    if (!online(producer)) return false;
    const last = head.producerToLastProduced.get(producer);
    const header: BlockHeader = {
      timestamp: this.slot,
      producer,
      confirmed: last !== undefined && last < head.blockNum ? head.blockNum - last : 0,
      previous: head.id,
      transactionMroot: new Uint8Array(32),
      actionMroot: new Uint8Array(32),
      scheduleVersion: head.activeSchedule.version,
      ...(newProducers ? { newProducers } : {}),
    };
    const next = head.next(header);
    const sig = this.keys.get(producer)!.sign(next.sigDigest());
    next.verifySignee(sig, recover); // as every receiving node does
    this.state = next;
    return true;
  }

  run(slots: number, online: (name: string) => boolean = () => true): void {
    for (let i = 0; i < slots; i++) this.step(online);
  }

  get lib(): number {
    return this.state.dposIrreversibleBlocknum;
  }
}

function scheduleOf(net: Network, n: number): ProducerSchedule {
  const producers: ProducerKey[] = [];
  for (let i = 0; i < n; i++) {
    const name = `prod${'abcdefghijklmnopqrstuvwxyz'[Math.floor(i / 5)]}${'12345'[i % 5]}`;
    const key = PrivateKey.generate();
    net.keys.set(name, key);
    producers.push(new ProducerKey(Name.from(name), key.toPublic()));
  }
  return new ProducerSchedule(1, producers);
}

/**
 * eosio proposes `schedule` in block 3 (block 2 promotes the genesis schedule, and Leap allows no
 * proposal in a block that promotes), then produces until it is active.
 */
function bootstrap(n: number): { net: Network; schedule: ProducerSchedule } {
  const net = new Network();
  const schedule = scheduleOf(net, n);
  assert.ok(net.step(() => true));
  assert.ok(net.step(() => true, schedule));
  assert.is(net.state.pendingSchedule.scheduleLibNum, 3);
  assert.ok(net.state.pendingSchedule.schedule.equals(schedule));
  // single producer: LIB is the block before the head, so block 3 is irreversible at block 4
  while (net.state.activeSchedule.version === 0) net.step(() => true);
  assert.ok(net.state.activeSchedule.equals(schedule));
  assert.is(net.state.pendingSchedule.schedule.producers.length, 0, 'pending is empty once promoted');
  assert.is(net.state.blockNum, 4);
  return { net, schedule };
}

for (const n of [4, 21]) {
  test(`${n} producers: slots rotate every 12 blocks and the LIB follows 2/3+1 confirmations`, () => {
    const { net, schedule } = bootstrap(n);
    // align to the start of a round, then run three rounds
    while (net.slot % (n * 12) !== n * 12 - 1) net.slot++;
    const startLib = net.lib;
    const producers: string[] = [];
    for (let i = 0; i < 3 * n * 12; i++) {
      assert.ok(net.step(() => true));
      producers.push(net.state.header.producer);
    }
    for (let i = 0; i < producers.length; i++) {
      assert.is(producers[i], schedule.producers[Math.floor(i / 12) % n]!.producerName.toString(), `block ${i} of the rounds`);
    }
    assert.ok(net.lib > startLib, `LIB advanced (${startLib} → ${net.lib})`);
    // in steady state the LIB trails the head by less than two rounds
    assert.ok(net.state.blockNum - net.lib < 2 * n * 12, `head ${net.state.blockNum}, LIB ${net.lib}`);
  });

  test(`${n} producers: a missed producer turn is skipped and the LIB still advances`, () => {
    const { net, schedule } = bootstrap(n);
    net.run(2 * n * 12);
    const absent = schedule.producers[1]!.producerName.toString();
    const head = net.state.blockNum;
    const lib = net.lib;
    net.run(n * 12, (name) => name !== absent);
    assert.is(net.state.blockNum, head + (n - 1) * 12, 'its 12 slots made no blocks');
    net.run(2 * n * 12);
    assert.ok(net.lib > lib);
  });

  test(`${n} producers: fewer than 2/3+1 producing stalls the LIB; 2/3+1 moves it`, () => {
    const need = Math.floor((n * 2) / 3) + 1;
    const { net, schedule } = bootstrap(n);
    net.run(2 * n * 12);
    const names = schedule.producers.map((p) => p.producerName.toString());
    const minority = new Set(names.slice(0, need - 1));
    const majority = new Set(names.slice(0, need));
    // the minority side keeps producing but cannot make anything irreversible beyond what it had
    net.run(n * 12);
    const libBefore = net.lib;
    const headBefore = net.state.blockNum;
    net.run(2 * n * 12, (name) => minority.has(name));
    assert.ok(net.state.blockNum > headBefore, 'the minority still produces');
    const stalled = net.lib;
    net.run(2 * n * 12, (name) => minority.has(name));
    assert.is(net.lib, stalled, 'the LIB does not move with fewer than 2/3+1 producers');
    assert.ok(stalled >= libBefore);
    net.run(3 * n * 12, (name) => majority.has(name));
    assert.ok(net.lib > stalled, `with ${need} of ${n} the LIB moves again (${stalled} → ${net.lib})`);
  });
}

test('Leap refuses a schedule proposal with the wrong version, a second pending one, or a producer outside its slot', () => {
  const net = new Network();
  const bad = new ProducerSchedule(2, scheduleOf(net, 4).producers);
  assert.throws(
    () => net.step(() => true, new ProducerSchedule(1, bad.producers)),
    (e: unknown) => e instanceof ChainError && e.code === 'producer_schedule_exception',
    'not in the block that promotes the genesis schedule',
  );
  assert.throws(
    () => net.step(() => true, bad),
    (e: unknown) => e instanceof ChainError && e.code === 'producer_schedule_exception',
  );
  const { net: n2, schedule } = bootstrap(4);
  const head = n2.state;
  const slot = n2.slot + 1;
  const wrong = schedule.producers.find((p) => !p.producerName.equals(head.scheduledProducer(slot).producerName))!;
  assert.throws(
    () =>
      head.next({
        timestamp: slot,
        producer: wrong.producerName.toString(),
        confirmed: 0,
        previous: head.id,
        transactionMroot: new Uint8Array(32),
        actionMroot: new Uint8Array(32),
        scheduleVersion: 1,
      }),
    (e: unknown) => e instanceof ChainError && e.code === 'wrong_producer',
  );
});

test.run();
