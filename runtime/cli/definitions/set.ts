/** `peeros set`: what it is called, takes and says in `--help` (the command itself: ../commands/set.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { CHAIN_FLAGS, VAULT_FLAGS } from '../shared-flags.js';
import { JSON_FLAG } from '../json-output.js';

export const definition: CommandDefinition = {
  name: 'set',
  summary: 'deploy contract code and ABI, as cleos set does',
  subcommands: [
    {
      name: 'contract',
      args: 'ACCOUNT DIR|WASM [ABI]',
      description:
        "setcode and setabi in one transaction. DIR: its build/ (what 'peeros contract build' writes) or DIR itself holds the .wasm and .abi, named after DIR or ACCOUNT when there are several; or name the WASM and ABI files",
      flags: [JSON_FLAG],
      sharedFlags: true,
    },
    { name: 'code', args: 'ACCOUNT WASM', description: 'setcode only', flags: [JSON_FLAG], sharedFlags: true },
    { name: 'abi', args: 'ACCOUNT ABI', description: 'setabi only (the ABI as JSON)', flags: [JSON_FLAG], sharedFlags: true },
  ],
  flags: [...CHAIN_FLAGS, ...VAULT_FLAGS],
  notes: 'Differences from cleos: no -p (the ACCOUNT@active keys are taken from the vault); --json prints the node reply.',
};
