// A hostile producer (it holds a key in the schedule: here the dev chain's eosio key) signs block
// after block on the node's LIB, each of another slot and carrying 1 MiB of transaction bytes, and
// sends them over the relay. Each ties with the head (same number), so the node verifies it and
// only stores it in its fork database. Before, only the count bounded the database
// (MAX_FORK_BLOCKS, 4096): 500 such blocks held 530 MiB, 4096 about 4 GiB. Now its bytes are
// bounded too (MAX_FORK_DATABASE_BYTES, lowered to 8 MiB here): past it a block is refused with
// fork_database_exception, and room comes back as the LIB passes the forks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type Socket } from 'node:net';
import { bytesToHex, PrivateKey } from '../../../abi/antelope/index.js';
import { DEV_PRIVATE_KEY, startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { encodeBlock, merkleRoot, receiptDigest, type SignedBlock, type TransactionReceipt } from '../../../dmcs/block.js';
import { encodeMessage } from '../../../dmcs/net/relay-message.js';
import { removeDir, tempDir } from '../helpers.js';

const CAP = 8 * 1024 * 1024;
const BLOCK_BYTES = 1024 * 1024 - 4096;
const SENT = 14;
const dirs = [tempDir('forkbytes'), tempDir('forkbytes-room')];
const nodes: EmbeddedNode[] = [];
let attacker: Socket | null = null;
test.after(async () => {
  attacker?.destroy();
  for (const n of nodes) await n.close();
  for (const d of dirs) removeDir(d);
});

/** `count` blocks on the node's LIB, each of another slot and `bytes` of transaction data, signed by the dev producer. */
function forkBlocks(chain: EmbeddedNode['chain'], count: number, bytes: number): Uint8Array[] {
  const head = chain.head.block;
  const lib = chain.forkDb.get(bytesToHex(head.previous))!;
  const key = PrivateKey.from(DEV_PRIVATE_KEY);
  const forks: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const receipt: TransactionReceipt = {
      status: 0,
      cpuUsageUs: 100,
      netUsageWords: bytes / 8,
      trx: { signatures: [], compression: 0, packedContextFreeData: new Uint8Array(0), packedTrx: new Uint8Array(bytes).fill(i) },
    };
    const b = {
      ...head,
      timestamp: head.timestamp + 1 + i,
      confirmed: 0,
      transactions: [receipt],
      transactionMroot: merkleRoot([receiptDigest(receipt)]),
    };
    const signed: SignedBlock = { ...b, producerSignature: key.sign(lib.state.next(b).sigDigest()) };
    forks.push(encodeBlock(signed));
  }
  return forks;
}

/** A dev node producing only when told, its relay on loopback, what it reports kept in `logs`. */
async function relayNode(dataDir: string, logs: string[]): Promise<EmbeddedNode> {
  const node = await startNode({
    dev: true,
    dataDir,
    p2pListen: '127.0.0.1:0',
    autoProduce: false,
    snapshotEvery: 0,
    recoveryWorkers: 0,
    onError: (e) => logs.push(e.message),
  });
  nodes.push(node);
  return node;
}

/** Connects to the node's relay from 127.0.0.2, says hello and sends `blocks`. */
async function sendBlocks(node: EmbeddedNode, blocks: Uint8Array[]): Promise<Socket> {
  const chain = node.chain;
  const [host, port] = node.p2pAddress!.split(':');
  const socket = await new Promise<Socket>((resolve) => {
    const s = connect({ port: Number(port), host: host!, localAddress: '127.0.0.2' }, () => resolve(s));
    s.on('error', () => {});
    s.resume();
  });
  const hello = encodeMessage({ type: 'hello', chainId: chain.chainId, headNum: chain.head.num, libNum: chain.lastIrreversibleBlockNum });
  socket.write(Buffer.concat([hello, ...blocks.map((bytes) => encodeMessage({ type: 'block', bytes }))]));
  return socket;
}

const until = async (ok: () => boolean, ms = 20_000) => {
  for (const end = Date.now() + ms; !ok() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
  return ok();
};

test(`${SENT} forked blocks of 1 MiB from a scheduled producer: the fork database keeps at most its bytes`, async () => {
  const logs: string[] = [];
  const node = await relayNode(dirs[0]!, logs);
  const chain = node.chain;
  (chain.forkDb as unknown as { maxBytes: number }).maxBytes = CAP;
  for (let i = 0; i < 3; i++) await node.produceBlock();
  const forks = forkBlocks(chain, SENT, BLOCK_BYTES);

  attacker = await sendBlocks(node, forks);
  const refusedFull = () => logs.filter((l) => /fork_database_exception: .*MAX_FORK_DATABASE_BYTES/.test(l)).length;
  const stored = () => chain.forkDb.size - 2; // the LIB block and the head
  assert.ok(
    await until(() => stored() + refusedFull() === SENT),
    `${stored()} stored, ${refusedFull()} refused; ${logs.slice(-2).join(' | ')}`,
  );
  assert.ok(chain.forkDb.heldBytes <= CAP, `${chain.forkDb.heldBytes} bytes held`);
  assert.ok(stored() >= 6 && refusedFull() >= 6, `${stored()} stored, ${refusedFull()} refused`);
  assert.is(chain.head.num, 4, 'none applied: each ties with the head');

  // the node's own blocks still go in, and room comes back as the LIB passes the forks
  await node.produceBlock();
  await node.produceBlock();
  assert.is(chain.head.num, 6);
  assert.ok(chain.forkDb.heldBytes < 1024 * 1024, `${chain.forkDb.heldBytes} bytes held after the LIB moved`);
});

test("a peer whose valid blocks find the fork database full is not dropped: the room is this node's, not its fault", async () => {
  const logs: string[] = [];
  const node = await relayNode(dirs[1]!, logs);
  const chain = node.chain;
  for (let i = 0; i < 3; i++) await node.produceBlock();
  (chain.forkDb as unknown as { maxBytes: number }).maxBytes = chain.forkDb.heldBytes + 1; // full for any block
  const peer = await sendBlocks(node, forkBlocks(chain, 24, 1024)); // past MAX_REFUSED_BLOCKS (16)
  let closed = false;
  peer.on('close', () => {
    closed = true;
  });
  assert.ok(await until(() => logs.filter((l) => /fork_database_exception/.test(l)).length >= 16), logs.slice(-2).join(' | '));
  await new Promise((r) => setTimeout(r, 300));
  assert.is(
    closed,
    false,
    `the peer was dropped: ${logs
      .filter((l) => /drop|refused/.test(l))
      .slice(-2)
      .join(' | ')}`,
  );
  peer.destroy();
});

test.run();
