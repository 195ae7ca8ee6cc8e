/**
 * Target `chain-api-http`: the same request bodies as `chain-api`, sent as real HTTP POSTs on
 * loopback to an in-process dev node (dmcs/api/http-server.ts: body size cap, JSON parsing, error
 * JSON, statuses). Oracles: every request gets a reply within the per-input bound (the server
 * never dies or hangs); the status is one the server documents; the reply is JSON, and an error
 * reply is Antelope's error JSON with a known exception name; a 500 named `chain_exception` (the
 * server's fallback for an untyped exception) is a finding.
 */
import { Agent, request } from 'node:http';
import { CHAIN_EXCEPTIONS } from '../../dmcs/chain-error.js';
import { oracle, type FuzzTarget } from '../target.js';
import { requestGenerator, unframeRequest } from './chain-api-bodies.js';
import { fuzzNode } from './chain-api.js';

const STATUSES = new Set([200, 202, 400, 401, 404, 409, 413, 500]);

function post(agent: Agent, base: URL, path: string, body: Uint8Array): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const chainApiHttp: FuzzTarget = {
  name: 'chain-api-http',
  about: 'dmcs/api/http-server + chain API over real HTTP on loopback (in-process node)',
  maxInputMs: 5000,
  smokeInputs: 200,
  async open() {
    const n = await fuzzNode(true);
    const base = new URL(n.node.endpoint!);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const generate = requestGenerator();
    return {
      generate,
      async run(input) {
        const { endpoint, body } = unframeRequest(input);
        const { status, text } = await post(agent, base, `/v1/chain/${encodeURIComponent(endpoint)}`, body);
        oracle(STATUSES.has(status), `chain-api-http ${endpoint}: unexpected status ${status}`);
        let reply: { error?: { name?: unknown; details?: Array<{ message?: string }> } };
        try {
          reply = JSON.parse(text) as typeof reply;
        } catch {
          throw new Error(`chain-api-http ${endpoint}: status ${status} reply is not JSON: ${text.slice(0, 200)}`);
        }
        if (status < 300) return true;
        const name = reply.error?.name;
        oracle(
          typeof name === 'string' && (name in CHAIN_EXCEPTIONS || (status === 404 && name === 'exception')),
          `chain-api-http ${endpoint}: error reply without a known exception name: ${text.slice(0, 200)}`,
        );
        oracle(
          !(status === 500 && name === 'chain_exception'),
          `chain-api-http ${endpoint}: an untyped exception reached the client: ${reply.error?.details?.[0]?.message}`,
        );
        return false;
      },
      async close() {
        agent.destroy();
        await n.close();
      },
    };
  },
};
