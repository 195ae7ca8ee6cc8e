/**
 * `peeros get …`: cleos's read commands against the current DMCS (or --url): the chain API's
 * replies printed as JSON, like cleos prints them, and `get account` as text unless --json.
 */
import { createHash } from 'node:crypto';
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec, type CommandDefinition } from '../command-definition.js';
import { accountNameArg, integerArg } from '../arg-checks.js';
import { CHAIN_FLAGS, chainBackend } from '../chain-target.js';
import { JSON_FLAG, printJson } from '../json-output.js';
import { terminalText } from '../../../lib/terminal-text.js';
import { PackedTransaction, Transaction, bytesToHex, sha256, type PackedTransactionJSON } from '../../../abi/antelope/index.js';

const TABLE_FLAGS = [
  { name: 'lower', type: 'string', value: 'KEY', description: 'lower bound of the index (cleos -L)' },
  { name: 'upper', type: 'string', value: 'KEY', description: 'upper bound of the index (cleos -U)' },
  { name: 'limit', type: 'string', value: 'N', description: 'at most N rows (cleos -l; default 10)' },
  { name: 'index', type: 'string', value: 'N', description: 'index position: 1 primary (default), 2 secondary, …' },
  { name: 'key-type', type: 'string', value: 'TYPE', description: 'the index key type: i64, i128, name, sha256, …' },
  { name: 'reverse', type: 'boolean', description: 'newest (highest key) first (cleos -r)' },
  { name: 'show-payer', type: 'boolean', description: 'show the RAM payer of each row' },
] as const;

const definition: CommandDefinition = {
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

function positionalsOf(argv: string[], sub: string, min: number, max: number, what: string) {
  const parsed = parseArgs(argv, flagSpec(definition, sub), `get ${sub}`);
  if (parsed.positionals.length < min || parsed.positionals.length > max) throw new UsageError(`get ${sub} takes ${what}`);
  return parsed;
}

function describeAccount(io: CliIO, a: Record<string, unknown>): void {
  io.out(`created: ${terminalText(String(a.created ?? '?'))}`);
  io.out('permissions:');
  const perms = Array.isArray(a.permissions) ? (a.permissions as Record<string, unknown>[]) : [];
  for (const p of perms) {
    const auth = (p.required_auth ?? {}) as {
      threshold?: number;
      keys?: { key: string; weight: number }[];
      accounts?: { permission: { actor: string; permission: string }; weight: number }[];
    };
    const parts = [
      ...(auth.keys ?? []).map((k) => `${k.weight} ${k.key}`),
      ...(auth.accounts ?? []).map((x) => `${x.weight} ${x.permission.actor}@${x.permission.permission}`),
    ];
    io.out(
      `  ${terminalText(String(p.perm_name))} (parent ${terminalText(String(p.parent || '-'))}) threshold ${auth.threshold ?? '?'}: ${terminalText(parts.join(', '))}`,
    );
  }
  for (const field of ['ram_quota', 'ram_usage', 'core_liquid_balance'])
    if (a[field] !== undefined) io.out(`${field}: ${terminalText(String(a[field]))}`);
}

/** The id of a transaction given as JSON (transaction fields, or a packed transaction body). */
export function transactionIdOf(json: string): string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new UsageError(`TX_JSON is not valid JSON (${(err as Error).message})`);
  }
  try {
    if (value !== null && typeof value === 'object' && 'packed_trx' in value) {
      const { transaction } = PackedTransaction.from(value as PackedTransactionJSON).unpack();
      return bytesToHex(sha256(transaction.toBinary()));
    }
    return bytesToHex(sha256(Transaction.from(value as Parameters<typeof Transaction.from>[0]).toBinary()));
  } catch (err) {
    throw new UsageError(`TX_JSON is not a transaction: ${(err as Error).message}`);
  }
}

async function get(sub: string, argv: string[], io: CliIO): Promise<number> {
  if (sub === 'transaction-id') {
    const { positionals } = positionalsOf(argv, sub, 1, 1, 'one TX_JSON');
    io.out(transactionIdOf(positionals[0]!));
    return 0;
  }
  const ranges: Record<string, [number, number, string]> = {
    info: [0, 0, 'no arguments'],
    account: [1, 1, 'one NAME'],
    table: [3, 3, 'CONTRACT SCOPE TABLE'],
    abi: [1, 1, 'one CONTRACT'],
    scope: [1, 1, 'one CONTRACT'],
    code: [1, 1, 'one CONTRACT'],
    currency: [2, 4, 'balance CONTRACT ACCOUNT [SYMBOL] or stats CONTRACT SYMBOL'],
    block: [1, 1, 'one block number or id'],
  };
  const range = Object.hasOwn(ranges, sub) ? ranges[sub] : undefined;
  if (!range) throw new UsageError(`unknown subcommand '${sub}' (${[...Object.keys(ranges), 'transaction-id'].join(', ')})`);
  const { flags, positionals: p } = positionalsOf(argv, sub, ...range);
  const chain = await chainBackend(io, flags);
  switch (sub) {
    case 'info':
      printJson(io, await chain.getInfo());
      return 0;
    case 'account': {
      const a = await chain.getAccount(accountNameArg(p[0]!, 'NAME'));
      if (flags.json) printJson(io, a);
      else describeAccount(io, a);
      return 0;
    }
    case 'table': {
      const query: Record<string, unknown> = { code: accountNameArg(p[0]!, 'CONTRACT'), scope: p[1], table: p[2], json: true };
      query.limit = typeof flags.limit === 'string' ? integerArg(flags.limit, '--limit', 1, 1000) : 10;
      if (typeof flags.lower === 'string') query.lower_bound = flags.lower;
      if (typeof flags.upper === 'string') query.upper_bound = flags.upper;
      if (typeof flags.index === 'string') query.index_position = String(integerArg(flags.index, '--index', 1, 10));
      if (typeof flags['key-type'] === 'string') query.key_type = flags['key-type'];
      if (flags.reverse) query.reverse = true;
      if (flags['show-payer']) query.show_payer = true;
      printJson(io, await chain.call('/v1/chain/get_table_rows', query));
      return 0;
    }
    case 'abi':
      printJson(io, await chain.getAbi(accountNameArg(p[0]!, 'CONTRACT')));
      return 0;
    case 'scope': {
      const query: Record<string, unknown> = { code: accountNameArg(p[0]!, 'CONTRACT') };
      query.limit = typeof flags.limit === 'string' ? integerArg(flags.limit, '--limit', 1, 1000) : 10;
      if (typeof flags.table === 'string') query.table = accountNameArg(flags.table, '--table');
      if (typeof flags.lower === 'string') query.lower_bound = flags.lower;
      if (typeof flags.upper === 'string') query.upper_bound = flags.upper;
      if (flags.reverse) query.reverse = true;
      printJson(io, await chain.call('/v1/chain/get_table_by_scope', query));
      return 0;
    }
    case 'code': {
      const r = (await chain.call('/v1/chain/get_raw_code_and_abi', { account_name: accountNameArg(p[0]!, 'CONTRACT') })) as {
        wasm?: string;
      };
      const wasm = Buffer.from(typeof r.wasm === 'string' ? r.wasm : '', 'base64');
      if (typeof flags.wasm === 'string') {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(flags.wasm, wasm);
        io.err(`wrote ${wasm.length} bytes of code to ${flags.wasm}`);
      }
      io.out(`code hash: ${wasm.length ? createHash('sha256').update(wasm).digest('hex') : '0'.repeat(64)}`);
      return 0;
    }
    case 'currency': {
      const [kind, contract, third, fourth] = p as [string, string, string | undefined, string | undefined];
      accountNameArg(contract, 'CONTRACT');
      if (kind === 'balance') {
        if (third === undefined) throw new UsageError('get currency balance takes CONTRACT ACCOUNT [SYMBOL]');
        const body: Record<string, unknown> = { code: contract, account: accountNameArg(third, 'ACCOUNT') };
        if (fourth !== undefined) body.symbol = fourth;
        printJson(io, await chain.call('/v1/chain/get_currency_balance', body));
        return 0;
      }
      if (kind === 'stats') {
        if (third === undefined || fourth !== undefined) throw new UsageError('get currency stats takes CONTRACT SYMBOL');
        printJson(io, await chain.call('/v1/chain/get_currency_stats', { code: contract, symbol: third }));
        return 0;
      }
      throw new UsageError(`get currency takes balance or stats, not '${kind}'`);
    }
    default: {
      const ref = p[0]!;
      printJson(io, await chain.getBlock(/^\d+$/.test(ref) ? integerArg(ref, 'NUM', 1, 2 ** 32 - 1) : ref));
      return 0;
    }
  }
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined)
      throw new UsageError('missing subcommand (info, account, table, scope, abi, code, currency, block, transaction-id)');
    return get(sub, rest, io);
  },
};

export default command;
