/** `peeros get`: what it is called, takes and says in `--help` (the command itself: ../commands/get.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { CHAIN_FLAGS } from '../shared-flags.js';
import { JSON_FLAG } from '../json-output.js';

const TABLE_FLAGS = [
  { name: 'lower', type: 'string', value: 'KEY', description: 'lower bound of the index (cleos -L)' },
  { name: 'upper', type: 'string', value: 'KEY', description: 'upper bound of the index (cleos -U)' },
  { name: 'limit', type: 'string', value: 'N', description: 'at most N rows (cleos -l; default 10)' },
  { name: 'index', type: 'string', value: 'N', description: 'index position: 1 primary (default), 2 secondary, …' },
  { name: 'key-type', type: 'string', value: 'TYPE', description: 'the index key type: i64, i128, name, sha256, …' },
  { name: 'reverse', type: 'boolean', description: 'newest (highest key) first (cleos -r)' },
  { name: 'show-payer', type: 'boolean', description: 'show the RAM payer of each row' },
] as const;

export const definition: CommandDefinition = {
  name: 'get',
  summary: 'read the chain, as cleos get does (info, account, table, scope, abi, code, currency, block, transaction-id)',
  subcommands: [
    { name: 'info', description: 'the chain API get_info reply', sharedFlags: true },
    {
      name: 'account',
      args: 'NAME',
      description: 'the account: permissions with their keys and accounts, resources; as JSON with --json',
      flags: [JSON_FLAG],
      sharedFlags: true,
    },
    {
      name: 'table',
      args: 'CONTRACT SCOPE TABLE',
      description: 'rows of a contract table, decoded with the contract ABI ({"rows","more","next_key"})',
      flags: [...TABLE_FLAGS],
      sharedFlags: true,
    },
    {
      name: 'scope',
      args: 'CONTRACT',
      description:
        "the scopes of CONTRACT's tables with their row counts (get_table_by_scope): {rows: [{code, scope, table, payer, count}], more}",
      flags: [
        { name: 'table', type: 'string', value: 'TABLE', description: 'only this table (cleos -t)' },
        { name: 'lower', type: 'string', value: 'SCOPE', description: 'lower bound (cleos -L)' },
        { name: 'upper', type: 'string', value: 'SCOPE', description: 'upper bound (cleos -U)' },
        { name: 'limit', type: 'string', value: 'N', description: 'at most N scopes (default 10)' },
        { name: 'reverse', type: 'boolean', description: 'highest first (cleos -r)' },
      ],
      sharedFlags: true,
    },
    { name: 'abi', args: 'CONTRACT', description: "the contract's ABI as JSON", sharedFlags: true },
    {
      name: 'code',
      args: 'CONTRACT',
      description: "the sha256 of the contract's code (cleos prints it as 'code hash'); --wasm FILE writes the code",
      flags: [{ name: 'wasm', type: 'string', value: 'FILE', description: 'write the contract code (wasm) to FILE' }],
      sharedFlags: true,
    },
    {
      name: 'currency',
      args: 'balance|stats CONTRACT [ACCOUNT] [SYMBOL]',
      description:
        'balance CONTRACT ACCOUNT [SYMBOL]: the balances of ACCOUNT (e.g. ["10.0000 SYS"]); stats CONTRACT SYMBOL: supply, max_supply, issuer',
      sharedFlags: true,
    },
    { name: 'block', args: 'NUM|ID', description: 'a block by number or id', sharedFlags: true },
    {
      name: 'transaction-id',
      args: 'TX_JSON',
      description:
        'the id of a transaction given as JSON: a transaction ({"expiration",…,"actions"} with action data as hex) or a packed one ({"packed_trx",…}); computed here, no chain needed',
    },
  ],
  flags: CHAIN_FLAGS,
  flagsHeading: 'options (every subcommand but transaction-id):',
  notes: `Differences from cleos: options are long words (--limit, not -l); get table's --index takes
the number only; get code prints the hash, the code itself goes to --wasm FILE.`,
};
