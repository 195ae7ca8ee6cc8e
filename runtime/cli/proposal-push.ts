/**
 * What `peeros msig` and `peeros gov` share: cleos's `-p ACTOR[@PERM]` among the positionals, and
 * pushing actions signed through the vault (the verifier shows them decoded, a proposal's inner
 * actions too), printed as push action prints them or as the node's reply with --json.
 */
import type { Action } from '../../abi/antelope/index.js';
import type { HttpBackend } from '../dispatch/index.js';
import type { PushTransactionResult } from '../dispatch/dmcs-backend.js';
import { pushActions } from '../transaction-service/action-pusher.js';
import { actionSummary, contractSerializer } from './action-summary.js';
import type { CliIO } from './command.js';
import { UsageError } from './command.js';
import { printJson } from './json-output.js';
import { type Level, levelArg } from './msig-proposal.js';
import { type CliFlags, withUnlockedVault } from './vault-unlock.js';

/** Takes `-p ACTOR[@PERM]` (and `-j`) out of the positionals; the authorizer, if given. */
export function withPermission(positionals: string[], flags: CliFlags): { rest: string[]; flags: CliFlags; permission: Level | undefined } {
  const rest: string[] = [];
  const out = { ...flags };
  let text = typeof flags.permission === 'string' ? flags.permission : undefined;
  for (let i = 0; i < positionals.length; i++) {
    const w = positionals[i]!;
    if (w === '-p') {
      text = positionals[++i];
      if (text === undefined) throw new UsageError('-p needs a value');
    } else if (w === '-j') out.json = true;
    else rest.push(w);
  }
  return { rest, flags: out, permission: text === undefined ? undefined : levelArg(text, '-p') };
}

/**
 * Signs `actions` through the vault and pushes them; `also` are actions shown to the verifier as
 * well, under `alsoTitle` (a proposal's content: proposed, or approved).
 */
export async function pushThroughVault(
  io: CliIO,
  flags: CliFlags,
  backend: HttpBackend,
  actions: Action[],
  also: Action[] = [],
  alsoTitle = 'proposed for approval:',
): Promise<PushTransactionResult> {
  const serializers = new Map<string, Awaited<ReturnType<typeof contractSerializer>>>();
  for (const a of [...actions, ...also]) {
    const account = a.account.toString();
    if (!serializers.has(account)) serializers.set(account, await contractSerializer(backend, account).catch(() => undefined));
  }
  const summary = actionSummary(actions, serializers);
  if (also.length) summary.push(alsoTitle, ...actionSummary(also, serializers).map((l) => `  ${l}`));
  const r = await withUnlockedVault(io, flags, {}, ({ vault }) => pushActions({ backend, actions, summary, vault }));
  if (!r.reply) throw new Error('the transaction was not pushed');
  return r.reply;
}

/** The node's reply: whole with --json, else the transaction id and block. */
export function printPushed(io: CliIO, reply: PushTransactionResult, json: boolean, what: string): void {
  if (json) {
    printJson(io, reply);
    return;
  }
  const block = reply.processed.block_num;
  io.out(`${what}: transaction ${reply.transaction_id}${block !== undefined ? ` (block ${block})` : ''}`);
}
