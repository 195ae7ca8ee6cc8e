/** `peeros convert`: what it is called, takes and says in `--help` (the command itself: ../commands/convert.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { CHAIN_FLAGS } from '../shared-flags.js';

const ABI_FLAG = {
  name: 'abi',
  type: 'string',
  value: 'FILE',
  description: "the contract's ABI (JSON) instead of the chain's",
} as const;

export const definition: CommandDefinition = {
  name: 'convert',
  summary: "pack and unpack action data with a contract's ABI, as cleos convert does",
  subcommands: [
    {
      name: 'pack_action_data',
      args: 'CONTRACT ACTION JSON',
      description: 'the action data JSON → hex',
      flags: [ABI_FLAG],
      sharedFlags: true,
    },
    {
      name: 'unpack_action_data',
      args: 'CONTRACT ACTION HEX',
      description: 'hex → the action data as JSON',
      flags: [ABI_FLAG],
      sharedFlags: true,
    },
  ],
  flags: CHAIN_FLAGS,
};
