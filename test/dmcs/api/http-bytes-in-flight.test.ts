// The chain API's HTTP server holds at most MAX_BYTES_IN_FLIGHT bytes of request bodies at once,
// all connections together (Leap's http-max-bytes-in-flight-mb): a body that would take it past is
// answered 503 and dropped, and what a request held is given back once it is answered, or once its
// client went away mid-body. Before, 400 clients sending bodies of nearly 1 MiB slowly took a node
// from 100 to 515 MB. Here the budget is lowered to 10,000 bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request, type ClientRequest } from 'node:http';
import { ChainHttpServer } from '../../../dmcs/api/http-server.js';

const BUDGET = 10_000;
const server = new ChainHttpServer({ endpoints: { echo: (b) => ({ got: JSON.stringify(b).length }) }, peerosEndpoints: {} }, BUDGET);
let port = 0;
test.before(async () => {
  port = (await server.listen({ host: '127.0.0.1', port: 0 })).port;
});
test.after(async () => {
  await server.close();
});

/** A JSON body of exactly `n` bytes. */
const body = (n: number) => JSON.stringify({ pad: 'a'.repeat(n - 10) });

/** Starts a POST of `text`, writing only its first `sent` bytes; resolves with its status once answered. */
function post(text: string, sent = text.length): { req: ClientRequest; status: Promise<number> } {
  let req!: ClientRequest;
  const status = new Promise<number>((resolve, reject) => {
    req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/chain/echo', headers: { 'content-length': text.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.write(text.slice(0, sent));
  });
  return { req, status };
}
const settle = () => new Promise((r) => setTimeout(r, 150));

test('a body past what the server holds is 503; once the holder is answered, room is back', async () => {
  const big = body(8000);
  const a = post(big, 6000); // held: 6,000 bytes
  await settle();
  const b = post(body(6000));
  b.req.end();
  assert.is(await b.status, 503, 'b would take the held bytes past the budget');
  a.req.end(big.slice(6000));
  assert.is(await a.status, 200);
  const c = post(body(9000));
  c.req.end();
  assert.is(await c.status, 200, "a's bytes were given back");
});

test('a client gone mid-body gives its bytes back', async () => {
  const d = post(body(9000), 8000);
  d.status.catch(() => {});
  await settle();
  d.req.destroy();
  await settle();
  const e = post(body(9000));
  e.req.end();
  assert.is(await e.status, 200);
});

test.run();
