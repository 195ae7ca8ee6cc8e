// The rig of the block-flood tests: a node whose node-wide budget of unrequested blocks is lowered
// to `budget`, an honest peer that made block 2 (the one attackers copy: a block the node has), and
// a count of the copies the node handled (every block not skipped at its frame header has its
// header looked up by the chain). The caller closes `nodes` and removes `dirs`.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, type EmbeddedNode } from '../../../dmcs/index.js';

export interface FloodedNode {
  node: EmbeddedNode;
  honest: EmbeddedNode;
  /** The node's error log (refusals, drops). */
  logs: string[];
  /** The node's relay address. */
  host: string;
  port: number;
  /** How many peer blocks the node handled so far. */
  handled(): number;
}

export const until = async (ok: () => boolean, ms = 5000): Promise<boolean> => {
  for (const end = Date.now() + ms; !ok() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
  return ok();
};

export async function startFloodedNode(budget: number, dirs: [string, string], nodes: EmbeddedNode[]): Promise<FloodedNode> {
  const base = { dev: true, autoProduce: false, snapshotEvery: 0, recoveryWorkers: 0 } as const;
  const logs: string[] = [];
  const node = await startNode({
    ...base,
    dataDir: dirs[0],
    p2pListen: '127.0.0.1:0',
    peerLimits: { nodeUnsolicitedBlocksPerSecond: budget },
    onError: (e) => logs.push(e.message),
  });
  nodes.push(node);
  copyFileSync(join(dirs[0], 'genesis.json'), join(dirs[1], 'genesis.json'));
  const honest = await startNode({ ...base, dataDir: dirs[1], peers: [node.p2pAddress!], onError: () => {} });
  nodes.push(honest);
  await honest.produceBlock();
  if (!(await until(() => node.chain.head.num === 2))) throw new Error('the node did not get block 2 from its honest peer');
  const chain = node.chain;
  let handled = 0;
  const linkHeader = chain.linkHeader.bind(chain);
  chain.linkHeader = (header) => {
    handled++;
    return linkHeader(header);
  };
  const [host, port] = node.p2pAddress!.split(':');
  return { node, honest, logs, host: host!, port: Number(port), handled: () => handled };
}
