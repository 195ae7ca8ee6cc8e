// A local process opens sockets to the node's chain API and sends nothing. Each holds one of the
// node's file descriptors; before MAX_CONNECTIONS there was no bound, so 1,200 of them took every
// descriptor of a node under a limit of 1,024 (its own files failed with EMFILE), and node:http's
// header deadline starts at a request's first byte, so a socket that sent none was held for ever.
// Now sockets past the cap are closed at accept, and silent ones after HEADERS_TIMEOUT_MS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type Socket } from 'node:net';
import { CONNECTIONS_CHECK_MS, HEADERS_TIMEOUT_MS, MAX_CONNECTIONS } from '../../../dmcs/api/http-server.js';
import { startDevNode, type DevNode } from '../helpers.js';

const EXTRA = 40;
let dn: DevNode;
const sockets: Socket[] = [];
test.before(async () => {
  dn = await startDevNode();
});
test.after(async () => {
  for (const s of sockets) s.destroy();
  await dn.close();
});

test('sockets past MAX_CONNECTIONS are closed at once, silent ones after the headers timeout', async () => {
  const { port, hostname } = new URL(dn.node.endpoint!);
  const closedAt: number[] = [];
  const start = Date.now();
  for (let i = 0; i < MAX_CONNECTIONS + EXTRA; i++) {
    const s = connect(Number(port), hostname);
    s.on('error', () => {});
    s.on('close', () => closedAt.push(Date.now() - start));
    sockets.push(s);
  }
  await new Promise((r) => setTimeout(r, 1000));
  assert.ok(
    closedAt.length >= EXTRA && closedAt.length < MAX_CONNECTIONS,
    `${closedAt.length} of ${MAX_CONNECTIONS + EXTRA} closed within 1 s`,
  );
  // the rest sent nothing: closed once past the headers timeout, at the next check
  const by = HEADERS_TIMEOUT_MS + 2 * CONNECTIONS_CHECK_MS + 500;
  while (closedAt.length < sockets.length && Date.now() - start < by) await new Promise((r) => setTimeout(r, 100));
  assert.is(closedAt.length, sockets.length, `${sockets.length - closedAt.length} silent sockets still open after ${by} ms`);
  const res = await fetch(`${dn.node.endpoint}/v1/chain/get_info`);
  assert.is(res.status, 200, 'the node serves again');
});

test.run();
