/**
 * `peeros push action CONTRACT ACTION JSON -p ACTOR[@PERM]`: cleos's push action. The data is
 * serialized with the contract's ABI from the chain, the decoded action is what the vault's
 * verifier shows, the vault signs with the keys the actor's permission names, and the node's
 * reply (the trace) is printed.
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { accountNameArg, integerArg } from '../arg-checks.js';
import { chainBackend } from '../chain-target.js';
import { printJson } from '../json-output.js';
import { withUnlockedVault } from '../vault-unlock.js';
import { Action, type AbiSerializer } from '../../../abi/antelope/index.js';
import { actionSummary, contractSerializer } from '../action-summary.js';
import { pushActions, type ActionPush } from '../../transaction-service/action-pusher.js';
import type { HttpBackend } from '../../dispatch/index.js';
import { definition } from '../definitions/push.js';
import { terminalValue } from '../../../lib/terminal-text.js';

const SHORT_WITH_VALUE: Record<string, string> = { '-p': 'permission', '-x': 'expiration' };
const SHORT_SWITCH: Record<string, string> = { '-d': 'dont-broadcast', '-s': 'skip-sign', '-j': 'json' };

/** cleos's short options, which the CLI's parser leaves among the positionals. */
function withShortOptions(positionals: string[], flags: Record<string, string | boolean | undefined>) {
  const rest: string[] = [];
  const permissions: string[] = typeof flags.permission === 'string' ? [flags.permission] : [];
  const out = { ...flags };
  for (let i = 0; i < positionals.length; i++) {
    const w = positionals[i]!;
    if (Object.hasOwn(SHORT_WITH_VALUE, w)) {
      const value = positionals[++i];
      if (value === undefined) throw new UsageError(`${w} needs a value`);
      if (w === '-p') permissions.push(value);
      else out[SHORT_WITH_VALUE[w]!] = value;
    } else if (Object.hasOwn(SHORT_SWITCH, w)) out[SHORT_SWITCH[w]!] = true;
    else rest.push(w);
  }
  return { rest, flags: out, permissions };
}

function authorizationOf(p: string): { actor: string; permission: string } {
  const [actor, permission = 'active', extra] = p.split('@');
  if (extra !== undefined) throw new UsageError(`-p ${p}: expected ACTOR or ACTOR@PERMISSION`);
  return { actor: accountNameArg(actor!, '-p ACTOR'), permission: accountNameArg(permission, '-p PERMISSION') };
}

function printResult(io: CliIO, r: ActionPush, json: boolean): void {
  if (!r.reply) {
    printJson(
      io,
      r.body.signatures.length ? r.body : { transaction_id: r.transaction.id, transaction: r.transaction.transaction.toJSON() },
    );
    return;
  }
  if (json) {
    printJson(io, r.reply);
    return;
  }
  // the node's reply, escaped field by field (any --url node is another party)
  const p = r.reply.processed;
  io.out(
    `executed transaction: ${terminalValue(r.reply.transaction_id)}${p.block_num !== undefined ? `  (block ${terminalValue(p.block_num)})` : ''}`,
  );
  const traces = Array.isArray(p.action_traces) ? (p.action_traces as Record<string, unknown>[]) : [];
  for (const t of traces) {
    const act = (typeof t?.act === 'object' && t.act !== null ? t.act : {}) as { account?: unknown; name?: unknown; data?: unknown };
    io.out(
      `#  ${terminalValue(t?.receiver ?? act.account)} <= ${terminalValue(act.account)}::${terminalValue(act.name)}  ${terminalValue(act.data ?? {})}`,
    );
  }
}

async function pushAction(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(argv, flagSpec(definition, 'action'), 'push action');
  const { rest, flags, permissions } = withShortOptions(parsed.positionals, parsed.flags);
  if (rest.length !== 3) throw new UsageError('push action takes CONTRACT ACTION JSON -p ACTOR[@PERM]');
  const [contract, name, json] = rest as [string, string, string];
  accountNameArg(contract, 'CONTRACT');
  accountNameArg(name, 'ACTION');
  if (permissions.length === 0) throw new UsageError('push action needs -p ACTOR[@PERM]: who authorizes the action');
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new UsageError(`JSON is not valid JSON (${(err as Error).message}); quote it, e.g. '{"to":"alice"}'`);
  }
  const expireSeconds = typeof flags.expiration === 'string' ? integerArg(flags.expiration, '-x', 1, 3600) : undefined;
  const backend: HttpBackend = await chainBackend(io, flags);
  const serializer = await contractSerializer(backend, contract);
  if (!serializer) throw new UsageError(`contract ${contract} has no ABI on this chain: push action needs it to serialize the data`);
  const fields = Array.isArray(data) ? fieldsInOrder(serializer, contract, name, data) : data;
  const action = Action.from(
    { account: contract, name, authorization: permissions.map(authorizationOf), data: fields as Record<string, unknown> },
    serializer,
  );
  const summary = actionSummary([action], new Map([[contract, serializer]]));
  const common = {
    backend,
    actions: [action],
    summary,
    ...(expireSeconds !== undefined ? { expireSeconds } : {}),
    broadcast: !flags['dont-broadcast'],
  };
  if (flags['skip-sign']) {
    printResult(io, await pushActions({ ...common, vault: undefined, sign: false }), flags.json === true);
    return 0;
  }
  const r = await withUnlockedVault(io, flags, {}, ({ vault }) => pushActions({ ...common, vault }));
  printResult(io, r, flags.json === true);
  return 0;
}

/** cleos accepts the data as an array of the fields in their ABI order. */
function fieldsInOrder(s: AbiSerializer, contract: string, action: string, values: unknown[]): Record<string, unknown> {
  const type = s.abi.actions.find((a) => a.name.toString() === action)?.type;
  const struct = s.abi.structs.find((x) => x.name === type);
  if (!struct) throw new UsageError(`${contract}'s ABI has no action '${action}'`);
  if (struct.fields.length !== values.length)
    throw new UsageError(
      `${contract}::${action} takes ${struct.fields.length} fields (${struct.fields.map((f) => f.name).join(', ')}), got ${values.length}`,
    );
  return Object.fromEntries(struct.fields.map((f, i) => [f.name, values[i]]));
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'action') return pushAction(rest, io);
    throw new UsageError(sub === undefined ? 'missing subcommand (action)' : `unknown subcommand '${sub}' (action)`);
  },
};

export default command;
