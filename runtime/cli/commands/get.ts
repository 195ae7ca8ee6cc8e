/**
 * `peeros get …`: cleos's read commands against the current DMCS (or --url): the chain API's
 * replies printed as JSON, like cleos prints them, and `get account` as text unless --json.
 */
import { createHash } from 'node:crypto';
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { accountNameArg, integerArg } from '../arg-checks.js';
import { chainBackend } from '../chain-target.js';
import { printJson } from '../json-output.js';
import { terminalValue } from '../../../lib/terminal-text.js';
import { PackedTransaction, Transaction, bytesToHex, sha256, type PackedTransactionJSON } from '../../../abi/antelope/index.js';
import { definition } from '../definitions/get.js';

function positionalsOf(argv: string[], sub: string, min: number, max: number, what: string) {
  const parsed = parseArgs(argv, flagSpec(definition, sub), `get ${sub}`);
  if (parsed.positionals.length < min || parsed.positionals.length > max) throw new UsageError(`get ${sub} takes ${what}`);
  return parsed;
}

const records = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];

/** The node is another party (any --url): every field of its reply is escaped, and odd shapes print as JSON. */
function describeAccount(io: CliIO, a: Record<string, unknown>): void {
  io.out(`created: ${terminalValue(a.created ?? '?')}`);
  io.out('permissions:');
  for (const p of records(a.permissions)) {
    const auth = (typeof p.required_auth === 'object' && p.required_auth !== null ? p.required_auth : {}) as Record<string, unknown>;
    const parts = [
      ...records(auth.keys).map((k) => `${terminalValue(k.weight)} ${terminalValue(k.key)}`),
      ...records(auth.accounts).map((x) => {
        const level = (typeof x.permission === 'object' && x.permission !== null ? x.permission : {}) as Record<string, unknown>;
        return `${terminalValue(x.weight)} ${terminalValue(level.actor)}@${terminalValue(level.permission)}`;
      }),
    ];
    io.out(
      `  ${terminalValue(p.perm_name)} (parent ${terminalValue(p.parent || '-')}) threshold ${terminalValue(auth.threshold ?? '?')}: ${parts.join(', ')}`,
    );
  }
  for (const field of ['ram_quota', 'ram_usage', 'core_liquid_balance'])
    if (a[field] !== undefined) io.out(`${field}: ${terminalValue(a[field])}`);
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
