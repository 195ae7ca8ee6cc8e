/**
 * The chain a cleos-style command (`peeros get|push|set`) talks to: `--url URL` (any Antelope chain
 * API endpoint, like cleos `-u`), else `--dmcs NAME` from the registry, else the registry's
 * default (`peeros dmcs use`). As with cleos, the reply's chain id is what the command signs for.
 */
import type { CliIO } from './command.js';
import type { FlagDefinition } from './command-definition.js';
import { peerosHome } from '../../lib/home.js';
import { DmcsRegistry, HttpBackend } from '../dispatch/index.js';
import type { CliFlags } from './vault-unlock.js';

export const CHAIN_FLAGS: FlagDefinition[] = [
  {
    name: 'url',
    type: 'string',
    value: 'URL',
    description: "the chain API endpoint (cleos -u); default: the registry's DMCS (see 'peeros dmcs list')",
  },
  { name: 'dmcs', type: 'string', value: 'NAME', description: 'the registered DMCS to use instead of the default' },
];

/** The chain API client for these flags. */
export async function chainBackend(io: CliIO, flags: CliFlags): Promise<HttpBackend> {
  if (typeof flags.url === 'string') return new HttpBackend(flags.url);
  const entry = await new DmcsRegistry(peerosHome(io.env)).resolve(typeof flags.dmcs === 'string' ? flags.dmcs : null);
  return new HttpBackend(entry.url, { label: entry.name });
}
