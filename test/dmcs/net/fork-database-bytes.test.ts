// A hostile producer (it holds a key in the schedule: here the dev chain's eosio key) signs block
// after block on the node's LIB, each of another slot and carrying 1 MiB of transaction bytes, and
// sends them over the relay. Each ties with the head (same number), so the node verifies it and
// only stores it in its fork database. Before, only the count bounded the database
// (MAX_FORK_BLOCKS, 4096): 500 such blocks held 530 MiB, 4096 about 4 GiB. Now its bytes are
// bounded too (MAX_FORK_DATABASE_BYTES, lowered to 8 MiB here): past it a block is refused with
// fork_database_exception, and room comes back as the LIB passes the forks. While it is full, a
// block extending the head (here, another node's next block) makes the forks give way: before, it
// was refused until the LIB passed them, so one producer's forks stalled everyone's blocks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type Socket } from 'node:net';
import { cpSync } from 'node:fs';
import { bytesToHex, PrivateKey } from '../../../abi/antelope/index.js';
import { DEV_PRIVATE_KEY, startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { encodeBlock, merkleRoot, receiptDigest, type SignedBlock, type TransactionReceipt } from '../../../dmcs/block.js';
import { encodeMessage } from '../../../dmcs/net/relay-message.js';
import { removeDir, tempDir } from '../helpers.js';

const CAP = 8 * 1024 * 1024;
const BLOCK_BYTES = 1024 * 1024 - 4096;
const SENT = 14;
const dirs = [tempDir('forkbytes'), tempDir('forkbytes-room'), tempDir('forkbytes-share'), tempDir('forkbytes-honest')];
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
async function relayNode(dataDir: string, logs: string[], peers?: string[]): Promise<EmbeddedNode> {
  const node = await startNode({
    dev: true,
    dataDir,
    ...(peers ? { peers } : { p2pListen: '127.0.0.1:0' }),
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

test("a full fork database makes a producer's forks give way to a block extending the head: they cannot stall the chain", async () => {
  // the honest node: a copy of the same chain at the same head, to produce the next block elsewhere
  const first = await relayNode(dirs[2]!, []);
  for (let i = 0; i < 3; i++) await first.produceBlock();
  await first.close();
  nodes.splice(nodes.indexOf(first), 1);
  cpSync(dirs[2]!, dirs[3]!, { recursive: true });

  const logs: string[] = [];
  const node = await relayNode(dirs[2]!, logs);
  const chain = node.chain;
  // full after exactly 8 forks: no room is left for even an empty block
  const forks = forkBlocks(chain, 8, BLOCK_BYTES);
  (chain.forkDb as unknown as { maxBytes: number }).maxBytes = chain.forkDb.heldBytes + 8 * (BLOCK_BYTES + 1024);
  attacker = await sendBlocks(node, forks);
  assert.ok(await until(() => chain.forkDb.size === 10), `${chain.forkDb.size} blocks held`);
  attacker.write(encodeMessage({ type: 'block', bytes: forkBlocks(chain, 9, BLOCK_BYTES)[8]! }));
  assert.ok(await until(() => logs.some((l) => /fork_database_exception/.test(l))), 'the ninth fork is refused: the forger holds the most');

  const honest = await relayNode(dirs[3]!, [], [node.p2pAddress!]);
  assert.ok(await until(() => honest.connectedPeers === 1 && node.connectedPeers === 2), 'the honest node connects');
  const made = await honest.produceSlot(chain.head.block.timestamp + 20);
  assert.ok(made, 'the honest node produced');
  assert.ok(
    await until(() => chain.head.num === 5, 5000),
    `the honest block was not applied: head ${chain.head.num}; ${logs
      .filter((l) => /refused/.test(l))
      .slice(-1)
      .join('')}`,
  );
  assert.ok(chain.forkDb.heldBytes <= (chain.forkDb as unknown as { maxBytes: number }).maxBytes);
  assert.ok(chain.forkDb.evicted >= 1, `${chain.forkDb.evicted} forks evicted`);
});

test.run();
