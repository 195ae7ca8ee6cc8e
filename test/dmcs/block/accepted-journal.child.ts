// Child process of accepted-journal-trim.test.ts (not a test itself): the accepted journal at
// argv[2], cut once its obsolete bytes reach argv[3], driven as the node drives it. Pushes keep
// arriving into the pending block (batches of 1-40, each awaited, then acknowledged); every few ms
// the pending block is sealed, and a few ms later (its append to the log) reported durable while
// the next block's pushes go on. Prints, synchronously so a kill -9 never hides a line it acted on:
// "A block id…" once those appends resolved, "D n" before `durable(n)`, "C n" when the cut count
// reaches n. argv[4] seeds the batch sizes and delays; argv[5], "N:K", makes the child kill itself
// (SIGKILL) at the Kth acknowledgement after it saw its Nth cut begin (K 0: at once, the cut
// possibly still running).
import { writeSync } from 'node:fs';
import { AcceptedJournal } from '../../../dmcs/block/accepted-journal.js';
import type { PackedTrx } from '../../../dmcs/block.js';
import { Signature, KeyType } from '../../../abi/antelope/index.js';
import { seededRandom } from '../crash-child.js';

const path = process.argv[2]!;
const limit = Number(process.argv[3]);
const random = seededRandom(Number(process.argv[4] ?? 1));
const sig = new Signature(KeyType.K1, new Uint8Array(65).fill(7));
/** The transaction bytes name its id and block, so the parent can check what was carried. */
const trx = (id: number, block: number): PackedTrx => {
  const packedTrx = new Uint8Array(200);
  new DataView(packedTrx.buffer).setUint32(0, id, true);
  new DataView(packedTrx.buffer).setUint32(4, block, true);
  return { signatures: [sig], compression: 0, packedContextFreeData: new Uint8Array(0), packedTrx };
};
const say = (line: string) => writeSync(1, `${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { journal } = await AcceptedJournal.open(path, { obsoleteBytes: limit });
let pending = 1;
let nextId = 1;
let cuts = 0;
const [killAtCut, killAfterAcks] = (process.argv[5] ?? '0:0').split(':').map(Number) as [number, number];
let acksAfterCut = -1;

async function pushes(): Promise<never> {
  for (;;) {
    const block = pending;
    const ids = Array.from({ length: 1 + Math.floor(random() * 40) }, () => nextId++);
    await Promise.all(ids.map((id) => journal.append(block, trx(id, block))));
    say(`A ${block} ${ids.join(' ')}`);
    if (acksAfterCut >= 0 && ++acksAfterCut > killAfterAcks) process.kill(process.pid, 'SIGKILL');
    if (journal.cuts !== cuts) say(`C ${(cuts = journal.cuts)}`);
    if (killAtCut > 0 && cuts >= killAtCut && acksAfterCut < 0) {
      acksAfterCut = 0;
      if (killAfterAcks === 0) process.kill(process.pid, 'SIGKILL');
    }
  }
}

async function blocks(): Promise<never> {
  for (;;) {
    await sleep(1 + random() * 8);
    const sealed = pending++;
    await sleep(random() * 4); // the block's append to the log, while the next block's pushes go on
    say(`D ${sealed}`);
    journal.durable(sealed);
  }
}

await Promise.all([pushes(), blocks()]);
