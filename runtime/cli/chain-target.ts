/**
 * The chain a cleos-style command (`peeros get|push|set`) talks to: `--url URL` (any Antelope chain
 * API endpoint, like cleos `-u`), else `--dmcs NAME` from the registry, else the registry's
 * default (`peeros dmcs use`). As with cleos, the reply's chain id is what the command signs for.
 */
import type { CliIO } from './command.js';
import { peerosHome } from '../../lib/home.js';
import { DmcsRegistry, HttpBackend } from '../dispatch/index.js';
import type { CliFlags } from './vault-unlock.js';

/** The chain API client for these flags. */
export async function chainBackend(io: CliIO, flags: CliFlags): Promise<HttpBackend> {
  if (typeof flags.url === 'string') return new HttpBackend(flags.url);
  const entry = await new DmcsRegistry(peerosHome(io.env)).resolve(typeof flags.dmcs === 'string' ? flags.dmcs : null);
  return new HttpBackend(entry.url, { label: entry.name });
}
