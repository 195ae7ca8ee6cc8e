/**
 * Where PeerOS keeps its data: `$PEEROS_HOME`, default `~/.peeros`. Every module that persists
 * anything asks here, so tests can point the whole host at a temporary directory.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';

export function peerosHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.PEEROS_HOME ? resolve(env.PEEROS_HOME) : join(homedir(), '.peeros');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  return home;
}
