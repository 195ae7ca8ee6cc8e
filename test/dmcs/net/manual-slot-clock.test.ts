// The test clock of a producing node (`slotClock: 'manual'`, `peeros node --dev --slot-clock
// manual`): nothing is produced on a timer; a slot driven over the loopback control endpoint
// produces that slot's block (when it is the node's) and moves the node's time; hostile bodies are
// refused with a reason; the CLI and the node refuse the clock on a non-development node.
import { test } from 'uvu';
import { connect } from 'node:net';
import * as assert from 'uvu/assert';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { MAX_CLOCK_BODY_BYTES, parseSlotRequest } from '../../../dmcs/net/manual-slot-clock.js';
import { runCli } from '../../e2e/measured-cli.js';
import { removeDir, tempDir } from '../helpers.js';

const dir = tempDir('slot-clock');
const home = tempDir('slot-clock-home');
let node: EmbeddedNode | null = null;
test.after(async () => {
  await node?.close();
  removeDir(dir);
  removeDir(home);
});

const post = (addr: string, body: string) => fetch(`http://${addr}/slot`, { method: 'POST', body });

test('a manual clock produces only the slots it is driven to, and is the node time', async () => {
  node = await startNode({ dev: true, dataDir: dir, p2pListen: '127.0.0.1:0', slotClock: 'manual', snapshotEvery: 0, onError: () => {} });
  const addr = node.slotClockAddress!;
  assert.match(addr, /^127\.0\.0\.1:\d+$/);
  const start = node.chain.head.num;
  // the wall clock passes two slot boundaries: a node on the manual clock makes nothing by itself
  await new Promise((r) => setTimeout(r, 1100));
  assert.is(node.chain.head.num, start, 'no block on a timer');

  // far ahead of the wall clock: 1000 slots (500 s) later in a few calls
  let slot = node.chain.head.timestamp + 1000;
  for (let i = 0; i < 5; i++) {
    const r = (await (await post(addr, JSON.stringify({ slot: ++slot }))).json()) as {
      produced: { num: number; producer: string } | null;
      head: { num: number; timestamp: number };
    };
    assert.is(r.produced?.num, start + i + 1);
    assert.is(r.produced?.producer, 'eosio');
    assert.is(r.head.timestamp, slot, 'the block carries the driven slot');
  }
  // the same slot again: already the head's, nothing made
  const again = (await (await post(addr, JSON.stringify({ slot }))).json()) as { produced: unknown };
  assert.is(again.produced, null);
  // the pending block of a push follows the driven time, not the wall clock
  assert.ok(node.chain.pendingBlockTime() > Date.now() + 400_000, 'pending block time is the driven time');
  const head = (await (await fetch(`http://${addr}/head`)).json()) as { num: number; id: string };
  assert.is(head.num, start + 5);
});

test('hostile requests to the clock are refused with a reason', async () => {
  const addr = node!.slotClockAddress!;
  for (const body of ['', 'nope', '{}', '{"slot":-1}', '{"slot":1.5}', '{"slot":4294967296}', '{"slot":"9"}', 'null']) {
    const r = await post(addr, body);
    assert.is(r.status, 400, body);
    assert.match(((await r.json()) as { error: string }).error, /slot|JSON/);
  }
  const big = await post(addr, `{"slot":1${' '.repeat(MAX_CLOCK_BODY_BYTES)}}`).catch(() => null);
  assert.ok(big === null || big.status === 413, 'an oversize body is cut off');
  assert.is((await fetch(`http://${addr}/other`)).status, 404);
  // DNS rebinding (another Host) and cross-site requests (an Origin) are refused before anything runs
  const port = addr.split(':')[1];
  const raw = (headers: string) =>
    new Promise<string>((resolve, reject) => {
      const sock = connect(Number(port), '127.0.0.1', () =>
        sock.end(`POST /slot HTTP/1.1\r\n${headers}Content-Length: 10\r\nConnection: close\r\n\r\n{"slot":1}`),
      );
      let out = '';
      sock.on('data', (d) => (out += d));
      sock.on('end', () => resolve(out));
      sock.on('error', reject);
    });
  assert.match(await raw('Host: evil.example\r\n'), /^HTTP\/1\.1 403/);
  assert.match(await raw(`Host: 127.0.0.1:${port}\r\nOrigin: http://evil.example\r\n`), /^HTTP\/1\.1 403/);
  assert.throws(() => parseSlotRequest('{"slot":0}'), /1\.\.4294967295/);
});

test('refused without --dev: a production node uses wall time', async () => {
  const d = tempDir('slot-clock-prod');
  try {
    await startNode({ dataDir: d, p2pListen: '127.0.0.1:0', slotClock: 'manual', onError: () => {} }).then(
      (n) => n.close().then(() => assert.unreachable('started')),
      (e: Error) => assert.match(e.message, /tests and development/),
    );
  } finally {
    removeDir(d);
  }
  const r = await runCli(['node', '--slot-clock', 'manual', '--http', '127.0.0.1:0'], { PEEROS_HOME: home });
  assert.is.not(r.code, 0);
  assert.match(r.err, /--slot-clock manual is for tests and development: give --dev/);
  const bad = await runCli(['node', '--dev', '--slot-clock', 'fast', '--http', '127.0.0.1:0'], { PEEROS_HOME: home });
  assert.is.not(bad.code, 0);
  assert.match(bad.err, /--slot-clock: wall or manual/);
});

test.run();
