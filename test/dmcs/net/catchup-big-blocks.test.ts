// An honest catch-up of big blocks (near the 1 MiB net limit each): the serving node answers a
// request of 256 blocks as its peer reads them, never holding more than its limit of unread bytes
// for that peer. Before, it wrote the whole answer at once, so an answer past MAX_UNREAD_BYTES
// (64 MiB; 4 MiB here, lowered) dropped the honest peer that asked for it, every time: a chain of
// full blocks could not be joined. The joining node pauses reading while more than half of its
// MAX_QUEUED_BYTES (4 MiB here, lowered) waits to be applied; before, it dropped the honest peer
// whose answer arrived faster than it applied. A peer that asks and reads nothing is dropped after
// SERVE_READ_TIMEOUT_MS (lowered to 1 s here), with the rest of the answer never read from the chain.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIClient } from '@wharfkit/antelope';
import { bytesToHex } from '../../../abi/antelope/index.js';
import { connect, type Socket } from 'node:net';
import { startNode, type EmbeddedNode, type NodeOptions } from '../../../dmcs/index.js';
import { encodeMessage } from '../../../dmcs/net/relay-message.js';
import { SERVE_CHUNK_BYTES, type RelayHost } from '../../../dmcs/net/block-relay.js';
import { DEV_KEY, newAccountAction, removeDir, tempDir, transact } from '../helpers.js';

const dirs = [tempDir('bigcatchup-src'), tempDir('bigcatchup-join')];
const nodes: EmbeddedNode[] = [];
const sockets: Socket[] = [];
test.after(async () => {
  for (const s of sockets) s.destroy();
  for (const n of nodes) await n.close().catch(() => {});
  for (const d of dirs) removeDir(d);
});

const UNREAD_BYTES = 4 * 1024 * 1024;
const BLOCKS = 24;
const READ_TIMEOUT_MS = 1000;
const QUEUED_BYTES = 4 * 1024 * 1024;
let src: EmbeddedNode;
const logs: string[] = [];
const DATA_BYTES = 400 * 1024;

test('a node joins a chain of big blocks over the relay: the answer is paced by what the joining node reads and applies, neither side dropped', async () => {
  const base = (i: number): NodeOptions => ({ dev: true, dataDir: dirs[i]!, autoProduce: false, snapshotEvery: 0 });
  src = await startNode({
    ...base(0),
    http: '127.0.0.1:0',
    p2pListen: '127.0.0.1:0',
    peerLimits: { unreadBytes: UNREAD_BYTES, serveReadTimeoutMs: READ_TIMEOUT_MS },
    onError: (e) => logs.push(e.message),
  });
  nodes.push(src);
  const client = new APIClient({ url: src.endpoint! });
  await transact(client, [newAccountAction('blobs', DEV_KEY.toPublic().toString())]);
  await src.produceBlock();
  // two transactions of 400 KiB of action data a block (an action on an account without code runs nothing)
  for (let b = 0; b < BLOCKS; b++) {
    for (let t = 0; t < 2; t++) {
      const data = randomBytes(DATA_BYTES).toString('hex'); // incompressible: pushes are zlib-packed
      await transact(client, [{ account: 'blobs', name: 'blob', authorization: 'blobs@active', data }]);
    }
    await src.produceBlock();
  }
  const target = { num: src.chain.head.num, id: bytesToHex(src.chain.head.id), digest: bytesToHex(src.chain.state.digest()) };

  // what the serving node reads from its chain at a time, as it answers
  const host = (src as unknown as { relay: { host: RelayHost } }).relay.host;
  const blocksFrom = host.blocksFrom.bind(host);
  const reads: number[] = [];
  host.blocksFrom = async (...args) => {
    const blocks = await blocksFrom(...args);
    reads.push(blocks.reduce((n, b) => n + b.length, 0));
    return blocks;
  };
  copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[1]!, 'genesis.json'));
  const joining = await startNode({
    ...base(1),
    peers: [src.p2pAddress!],
    peerLimits: { queuedBytes: QUEUED_BYTES },
    onError: (e) => logs.push(e.message),
  });
  nodes.push(joining);
  const end = Date.now() + 60_000;
  while (joining.chain.head.num < target.num) {
    if (Date.now() > end || logs.some((l) => /MAX_UNREAD_BYTES/.test(l)))
      throw new Error(`at block ${joining.chain.head.num} of ${target.num}; log: ${logs.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(
    { num: joining.chain.head.num, id: bytesToHex(joining.chain.head.id), digest: bytesToHex(joining.chain.state.digest()) },
    target,
  );
  // the answer of 24 blocks of 800 KiB was read in pieces of SERVE_CHUNK_BYTES (and one block more at most)
  assert.ok(reads.filter((n) => n > 0).length >= 2, `reads: ${reads.join(', ')}`);
  assert.ok(Math.max(...reads) < SERVE_CHUNK_BYTES + DATA_BYTES * 3, `reads: ${reads.join(', ')}`);
  assert.not.ok(
    logs.some((l) => /disconnecting|dropped/.test(l)),
    logs.join(' | '),
  );
});

test('a peer that asks for blocks and does not read them is dropped once the read timeout passes', async () => {
  const [host, port] = src.p2pAddress!.split(':');
  const socket = await new Promise<Socket>((resolve) => {
    const s = connect(Number(port), host!, () => resolve(s));
    s.on('error', () => {});
  });
  socket.pause(); // never reads
  sockets.push(socket);
  socket.write(encodeMessage({ type: 'hello', chainId: src.chain.chainId, headNum: 1, libNum: 0 }));
  socket.write(encodeMessage({ type: 'request', fromNum: 2 }));
  const t0 = Date.now();
  const dropped = /read none of the blocks it asked for in 1000 ms \(SERVE_READ_TIMEOUT_MS\)/;
  while (!logs.some((l) => dropped.test(l))) {
    if (Date.now() - t0 > 20_000) throw new Error(`not dropped; log: ${logs.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(Date.now() - t0 >= READ_TIMEOUT_MS, 'not before the timeout');
});

test.run();
