/** `peeros store`: what it is called, takes and says in `--help` (the command itself: ../commands/store.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { JSON_FLAG } from '../json-output.js';
import { STORE_FLAG } from '../shared-flags.js';

const DMCS_FLAG = {
  name: 'dmcs',
  type: 'string' as const,
  value: 'NAME',
  description: "the DMCS to read (default: the registry's default)",
};

export const definition: CommandDefinition = {
  name: 'store',
  summary: 'browse the dAppStore registry: published apps and their releases',
  subcommands: [
    { name: 'list', description: 'apps in the store: name, publisher account, latest version, number of releases', sharedFlags: true },
    {
      name: 'show',
      args: 'APP',
      description:
        'the releases of APP: version, package hash, size, capabilities hash, locations, and whether its publisher yanked it (a yanked release is never installed)',
      sharedFlags: true,
    },
  ],
  flags: [DMCS_FLAG, STORE_FLAG, { ...JSON_FLAG, description: 'print the rows as JSON ({"apps":[…]} or {"app","releases":[…]})' }],
  notes: `Install from the store with: peeros app install APP[@VERSION]; publish with: peeros app publish FILE --account ACCOUNT.`,
};
