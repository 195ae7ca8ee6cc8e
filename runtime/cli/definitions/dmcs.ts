/** `peeros dmcs`: what it is called, takes and says in `--help` (the command itself: ../commands/dmcs.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { JSON_FLAG } from '../json-output.js';

export const definition: CommandDefinition = {
  name: 'dmcs',
  summary: 'the DMCSs to dispatch to: add, list, use, remove',
  description: 'The DMCSs (Antelope chains) this host sends transactions to and reads from.',
  subcommands: [
    {
      name: 'add',
      args: 'NAME URL',
      description:
        'add the chain API at URL (e.g. http://127.0.0.1:8888) under NAME; asks it for its chain id (get_info). With --chain-id, a DMCS that reports another id is refused, and one that cannot be reached is added unverified. The first DMCS added becomes the default.',
      flags: [{ name: 'chain-id', type: 'string', value: 'HEX', description: 'the chain id (64 hex) the DMCS must report' }],
    },
    {
      name: 'list',
      description: 'the DMCSs; * marks the default',
      flags: [{ ...JSON_FLAG, description: 'print {"default","dmcs":[{"name","url","chainId","addedAt","verified"}]} as JSON' }],
    },
    { name: 'use', args: 'NAME', description: 'make NAME the default' },
    { name: 'remove', args: 'NAME', description: 'forget NAME' },
  ],
  notes: `An app whose manifest names a DMCS ("dmcs": {"name": "NAME"}) goes there; every other app goes to
the default. Names: 1–32 of a-z 0-9 . _ -`,
};
