// What the kill -9 recovery tests share: the node child (crash-recovery.child.ts) started and
// tracked so the test can kill it, the node's state digest, and a seeded random source so a
// failing kill point replays.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EmbeddedNode } from '../../dmcs/index.js';

const CHILD = fileURLToPath(new URL('./crash-recovery.child.js', import.meta.url));

/** Starts the node child on `args` (its data folder, then options); resolves with its endpoint once it serves. */
export function startCrashChild(
  args: string[],
  children: Set<ChildProcess>,
): Promise<{ url: string; exited: Promise<unknown>; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    const exited = new Promise((r) => child.on('exit', r)).finally(() => children.delete(child));
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d) => {
      out += d;
      const url = /endpoint (\S+)/.exec(out)?.[1];
      if (url) resolve({ url, exited, child });
    });
    child.on('exit', (code) => reject(new Error(`child exited with ${code}: ${err}`)));
  });
}

export const digestOf = (n: EmbeddedNode) =>
  n.api.peerosEndpoints.get_state_digest!({}) as { state_digest: string; head_block_num: number };

/** A seeded linear congruential source in [0, 1]. */
export function seededRandom(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}
