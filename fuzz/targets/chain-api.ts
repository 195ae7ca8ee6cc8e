/**
 * Target `chain-api`: the embedded node's chain API handlers (dmcs/api/chain-api.ts — body parsing of
 * every endpoint: names, table-query parameters, block ids, required keys, packed transactions via
 * packedTrxFromJson and decodePackedTrx, push/compute) called directly on an in-process dev node
 * (no HTTP; temp data dir, no block production, no recovery workers), each body read by the
 * server's own parser (parseRequestBody: UTF-8, nesting bound, JSON.parse). Oracles: a refusal is a
 * ChainError (the server's body parser, parseRequestBody, is part of the path), or an AntelopeError / ContractError that the server maps to a typed one
 * (toChainError) — never a TypeError or RangeError that would reach the client as a bare
 * chain_exception; a reply is JSON-serializable (the server's own replacer for bigint).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AntelopeError } from '../../abi/antelope/index.js';
import { ChainError } from '../../dmcs/chain-error.js';
import { ContractError } from '../../dmcs/vm/contract-error.js';
import { startNode, type EmbeddedNode } from '../../dmcs/index.js';
import { parseRequestBody } from '../../dmcs/api/http-server.js';
import { acceptsAsync, oracle, type FuzzTarget } from '../target.js';
import { requestGenerator, unframeRequest } from './chain-api-bodies.js';

export const isTypedChainError = (e: unknown): boolean =>
  e instanceof ChainError || e instanceof AntelopeError || e instanceof ContractError;

/** A dev node in a temp dir: no HTTP unless asked, no block production, recovery inline. */
export async function fuzzNode(http: boolean): Promise<{ node: EmbeddedNode; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-fuzz-node-'));
  const node = await startNode({
    dev: true,
    dataDir: dir,
    autoProduce: false,
    recoveryWorkers: 0,
    snapshotEvery: 0,
    ...(http ? { http: '127.0.0.1:0' } : {}),
  });
  return {
    node,
    async close() {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const chainApi: FuzzTarget = {
  name: 'chain-api',
  about: 'dmcs/api request bodies (every endpoint, packedTrxFromJson/decodePackedTrx) on an in-process node',
  maxInputMs: 2000,
  smokeInputs: 600,
  async open() {
    const n = await fuzzNode(false);
    const generate = requestGenerator();
    return {
      generate,
      async run(input) {
        const { endpoint, body } = unframeRequest(input);
        const handler = n.node.api.endpoints[endpoint];
        if (!handler) return false; // the server's 404
        let reply: unknown;
        const ok = await acceptsAsync(isTypedChainError, async () => {
          reply = await handler(parseRequestBody(body));
        });
        if (ok)
          oracle(
            typeof JSON.stringify(reply, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) === 'string',
            `chain-api ${endpoint}: reply is not JSON`,
          );
        return ok;
      },
      close: () => n.close(),
    };
  },
};
