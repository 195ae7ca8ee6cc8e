/** `peeros contract`: what it is called, takes and says in `--help` (the command itself: ../commands/contract.ts). */
import type { CommandDefinition } from '../command-definition.js';

export const definition: CommandDefinition = {
  name: 'contract',
  summary: 'create and build AssemblyScript contracts, and print their generated ABI',
  subcommands: [
    {
      name: 'init',
      args: 'NAME',
      description:
        'create a contract project NAME (or --dir): contract/index.ts (a @contract class with @action methods and a @table, importing the contract SDK by package path, "peeros/sdk-as/contract"), an editor tsconfig.json, a package.json (npm run build|test) and a test. NAME is an Antelope account name: the account you will deploy it to',
      flags: [
        { name: 'dir', type: 'string', value: 'DIR', description: 'the folder to create (default: ./NAME); must not exist or be empty' },
      ],
    },
    {
      name: 'build',
      args: 'DIR',
      description:
        "compile the contract in DIR (entry index.ts, or contract/index.ts in a project made by 'contract init': a @contract class with @action methods and @table classes) into DIR/build/NAME.wasm and the ABI generated from its declarations, DIR/build/NAME.abi (eosio::abi/1.2); prints both paths. Compiled like an app: the host's options and the SDK's own transform, in a worker that reads only .ts files inside DIR and the SDK",
      flags: [
        { name: 'name', type: 'string', value: 'NAME', description: "the output files' name (default: DIR's name)" },
        { name: 'print-abi', type: 'boolean', description: 'also print the generated ABI (JSON) on stdout' },
        { name: 'watch', type: 'boolean', description: 'rebuild whenever a .ts file in DIR changes, until Ctrl-C' },
      ],
    },
  ],
};
