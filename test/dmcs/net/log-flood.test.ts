// A hostile peer makes a node log at will: it holds every inbound slot from one address (HELLO,
// then nothing), then connects from that address over and over, each connection refused at accept.
// Before, each refusal was one line of the node's log (its stderr, which the node neither bounds
// nor rotates): about 2,300 connections and 320 KB of log a second from loopback, 28 GB a day.
// Now a kind of line is written LOG_LINES_PER_KIND times an interval, and the rest are counted:
// one line at the end of the interval (or when the node stops) says how many more there were.
// (Past its accept rate, MAX_ACCEPTS_PER_ADDRESS_PER_SECOND, the churn is refused before the slot
// check, a kind of line of its own, bounded the same way.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type Socket } from 'node:net';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { encodeMessage } from '../../../dmcs/net/relay-message.js';
import { LOG_LINES_PER_KIND, MAX_INBOUND_PEERS } from '../../../dmcs/net/peer-limits.js';
import { removeDir, tempDir } from '../helpers.js';
import { ProcessCluster } from './process-cluster.js';

const CHURN = 2000;
const dirs = [tempDir('logflood-a'), tempDir('logflood-b')];
const cluster = new ProcessCluster();
const held: Socket[] = [];
const nodes: EmbeddedNode[] = [];
test.after(async () => {
  for (const s of held) s.destroy();
  await cluster.close();
  for (const n of nodes) await n.close();
  for (const d of dirs) removeDir(d);
});

const refusal = /refused, already \d+ inbound peers \(MAX_INBOUND_PEERS\)/;
const summary = /peers refused at accept \(MAX_INBOUND_PEERS\): (\d+) more in the last \d+ s/;
const rateRefusal = /refused, more than \d+ connections a second from its address \(MAX_ACCEPTS_PER_ADDRESS_PER_SECOND\)/;
const rateSummary = /peers refused at accept \(MAX_ACCEPTS_PER_ADDRESS_PER_SECOND\): (\d+) more in the last \d+ s/;

/** Connects to `p2p` from 127.0.0.2; `hold`: says HELLO and stays, else resolves once the node has closed it. */
function fromOtherAddress(p2p: string, chainId: Uint8Array, hold: boolean): Promise<Socket | null> {
  const [host, port] = p2p.split(':');
  return new Promise((resolve) => {
    const s = connect({ port: Number(port), host: host!, localAddress: '127.0.0.2' }, () => {
      if (!hold) return;
      s.write(encodeMessage({ type: 'hello', chainId, headNum: 1, libNum: 0 }));
      held.push(s);
      resolve(s);
    });
    s.on('error', () => {});
    s.resume();
    if (!hold) s.once('close', () => resolve(null));
  });
}

const base = { dev: true, autoProduce: false, snapshotEvery: 0, recoveryWorkers: 0 } as const;

test(`a 'peeros node' process: ${CHURN} refused connections write ${LOG_LINES_PER_KIND} lines, and their count when it stops`, async () => {
  const n = await cluster.start('flooded', ['--dev', '--data', dirs[0]!, '--p2p-listen', '127.0.0.1:0', '--slot-clock', 'manual']);
  const info = (await (await fetch(`${n.endpoint}/v1/chain/get_info`)).json()) as { chain_id: string };
  const chainId = Buffer.from(info.chain_id, 'hex');
  for (let i = 0; i < MAX_INBOUND_PEERS; i++) await fromOtherAddress(n.p2p!, chainId, true);
  // the slots are all greeted (a newcomer from the same address cannot evict its own): refused at accept
  for (let i = 0; i < CHURN; i++) await fromOtherAddress(n.p2p!, chainId, false);
  await cluster.kill(n, 'SIGTERM'); // a stopping node writes the counts not written yet
  const lines = n.stderr().split('\n');
  // two kinds: refused for the slots (MAX_INBOUND_PEERS), and, once the address's burst is spent, for its accept rate
  let total = 0;
  for (const [line, count] of [
    [refusal, summary],
    [rateRefusal, rateSummary],
  ] as const) {
    const written = lines.filter((l) => line.test(l)).length;
    assert.ok(written <= LOG_LINES_PER_KIND, `${written} refusals of one kind logged one by one`);
    const counted = lines.map((l) => count.exec(l)).filter((m) => m !== null);
    assert.ok(counted.length <= 1, lines.slice(-3).join('\n'));
    total += written + Number(counted[0]?.[1] ?? 0);
  }
  assert.is(lines.filter((l) => rateRefusal.test(l)).length, LOG_LINES_PER_KIND, 'the churn is refused past its accept rate');
  assert.is(total, CHURN, 'every refusal is in the log, one by one or in the count');
});

test('the count is written at the end of the interval, and the next interval writes lines again', async () => {
  const logs: string[] = [];
  const node = await startNode({
    ...base,
    dataDir: dirs[1]!,
    p2pListen: '127.0.0.1:0',
    peerLimits: { inboundPeers: 2, logLinesPerKind: 3, logLinesIntervalMs: 1000 },
    onError: (e) => logs.push(e.message),
  });
  nodes.push(node);
  for (let i = 0; i < 2; i++) await fromOtherAddress(node.p2pAddress!, node.chain.chainId, true);
  for (let i = 0; i < 50; i++) await fromOtherAddress(node.p2pAddress!, node.chain.chainId, false);
  assert.is(logs.filter((l) => refusal.test(l)).length, 3);
  const end = Date.now() + 5000;
  while (!logs.some((l) => summary.test(l)) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.is(Number(summary.exec(logs.find((l) => summary.test(l)) ?? '')?.[1]), 47, 'counted without another line to trigger it');
  await fromOtherAddress(node.p2pAddress!, node.chain.chainId, false);
  assert.is(logs.filter((l) => refusal.test(l)).length, 4, 'a new interval');
});

test.run();
