// A zlib-compressed transaction of about 560 bytes can inflate to the 512 KiB limit, and the node
// inflates it before it can tell it is a duplicate or invalid. Through push_transactions, a 1 MiB
// request of such copies made 380 MB of output (0.8 s of the node's thread); through the relay, a
// peer forwarding them at its transaction rate took seconds of the thread a second. Now a request
// inflates at most MAX_PUSH_INFLATED_BYTES (the rest are refused uninflated), and a forwarded
// transaction costs the peer and the node a token per INFLATED_BYTES_PER_TRX it inflated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type Socket } from 'node:net';
import { deflateSync } from 'node:zlib';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { MAX_PUSH_INFLATED_BYTES } from '../../../dmcs/api/chain-read-write.js';
import { MAX_TRANSACTION_BYTES } from '../../../dmcs/packed-transaction.js';
import { encodeMessage, type RelayMessage } from '../../../dmcs/net/relay-message.js';
import { INFLATED_BYTES_PER_TRX, MAX_TRX_PER_SECOND } from '../../../dmcs/net/peer-limits.js';
import { removeDir, tempDir } from '../helpers.js';

const dir = tempDir('inflate-bombs');
const logs: string[] = [];
let node: EmbeddedNode;
test.before(async () => {
  node = await startNode({
    dev: true,
    dataDir: dir,
    http: '127.0.0.1:0',
    p2pListen: '127.0.0.1:0',
    autoProduce: false,
    onError: (e) => logs.push(e.message),
  });
});
test.after(async () => {
  await node.close();
  removeDir(dir);
});

/** 512 KiB of zeros, deflated: about 560 bytes that inflate to the whole limit (then do not decode). */
const bomb = {
  signatures: [],
  compression: 1,
  packed_context_free_data: '',
  packed_trx: deflateSync(new Uint8Array(MAX_TRANSACTION_BYTES), { level: 9 }).toString('hex'),
};

test('push_transactions inflates at most MAX_PUSH_INFLATED_BYTES a request; the rest are refused uninflated', async () => {
  const n = 20;
  const res = await fetch(`${node.endpoint}/v1/chain/push_transactions`, { method: 'POST', body: JSON.stringify(Array(n).fill(bomb)) });
  const replies = (await res.json()) as Array<{ processed: { error: string } }>;
  assert.is(replies.length, n);
  const capped = replies.filter((r) => /MAX_PUSH_INFLATED_BYTES/.test(r.processed.error)).length;
  assert.is(n - capped, MAX_PUSH_INFLATED_BYTES / MAX_TRANSACTION_BYTES, 'those inflated: the cap over one bomb each');
  // the node still takes honest requests
  assert.is((await fetch(`${node.endpoint}/v1/chain/get_info`)).status, 200);
});

test('a peer forwarding them spends its transaction rate on what they inflate, and is dropped past it', async () => {
  const [host, port] = node.p2pAddress!.split(':');
  const peer = await new Promise<Socket>((resolve) => {
    const s = connect(Number(port), host!, () => resolve(s));
    s.on('error', () => {});
    s.resume();
  });
  const trx = new TextEncoder().encode(JSON.stringify(bomb));
  // a tenth of the peer's rate in count (before, never dropped for it), but each bomb now costs
  // 1 + 512 KiB / INFLATED_BYTES_PER_TRX tokens: about 60 of them spend a second's worth
  const count = MAX_TRX_PER_SECOND / 10;
  assert.ok(count > MAX_TRX_PER_SECOND / (1 + MAX_TRANSACTION_BYTES / INFLATED_BYTES_PER_TRX));
  const frames = [
    { type: 'hello', chainId: node.chain.chainId, headNum: 1, libNum: 0 } as RelayMessage,
    ...Array.from({ length: count }, () => ({ type: 'trx', bytes: trx }) as RelayMessage),
  ];
  peer.write(Buffer.concat(frames.map((m) => encodeMessage(m))));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the peer was not dropped; ${logs.slice(-2).join(' | ')}`)), 20_000);
    peer.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
  assert.ok(
    logs.some((l) => /MAX_TRX_PER_SECOND/.test(l)),
    logs.slice(-3).join(' | '),
  );
});

test.run();
