// Child process of push-acknowledged.test.ts (not a test itself): a dev node on the data folder
// argv[2] pushes argv[3] new accounts at once with `pushPackedAsync`, prints "A <name>" as each is
// acknowledged (synchronously, so a kill -9 never hides a line it acted on) and kills itself
// (SIGKILL) right after the argv[4]th acknowledgement, the others still in flight.
import { writeSync } from 'node:fs';
import { packedTrxFromJson } from '../../../dmcs/packed-transaction.js';
import { buildSigned, newAccountAction, startDevNode, testKey } from '../helpers.js';

const dir = process.argv[2]!;
const n = Number(process.argv[3]);
const killAt = Number(process.argv[4]);
const key = String(testKey('push-ack').toPublic());
const accountName = (i: number) => `pushack${'abcdefghijklmnopqrstuvwxyz'[Math.floor(i / 26) % 26]}${'abcdefghijklmnopqrstuvwxyz'[i % 26]}`;

{
  const { node, client } = await startDevNode(dir);
  const packed = [];
  for (let i = 0; i < n; i++) {
    const signed = (await buildSigned(client, [newAccountAction(accountName(i), key)])).packed;
    packed.push(packedTrxFromJson(JSON.parse(JSON.stringify(signed))));
  }
  let acked = 0;
  await Promise.all(
    packed.map((p, i) =>
      node.pushPackedAsync(p).then((ack) => {
        writeSync(1, `A ${accountName(i)} ${ack.id} ${Object.keys(ack).sort().join(',')}\n`);
        if (++acked === killAt) process.kill(process.pid, 'SIGKILL');
      }),
    ),
  );
  writeSync(1, 'all acknowledged before the kill point\n');
  process.exit(3);
}
