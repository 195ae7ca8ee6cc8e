/**
 * eosio.msig proposals for `peeros msig` and `peeros gov`: the propose action (the inner
 * transaction is built here with TaPoS and an expiration hours ahead, then carried as the bytes
 * eosio.msig stores), eosio.wrap's exec around governance actions, the approval actions, and a
 * proposal read back from the chain with its actions decoded by their contracts' ABIs.
 * Works with Leap's eosio.msig and with ours (contracts/msig): same actions, same tables.
 */
import { Action, BinaryWriter, Name, PermissionLevel, Transaction, bytesToHex, type AbiSerializer } from '../../abi/antelope/index.js';
import type { DmcsBackend } from '../dispatch/dmcs-backend.js';
import type { HttpBackend } from '../dispatch/index.js';
import { buildTransaction } from '../transaction-service/transaction-builder.js';
import { contractSerializer } from './action-summary.js';
import { accountNameArg } from './arg-checks.js';
import { UsageError } from './command.js';
import { scalarText } from '../../lib/scalar-text.js';
import {
  MAX_WRAP_DEPTH,
  MSIG_ACCOUNT,
  NoProposalError,
  WRAP_ACCOUNT,
  msigRow,
  packedProposal,
  proposalActions,
  proposalHash,
} from '../governance/msig-proposal.js';

export { MSIG_ACCOUNT, WRAP_ACCOUNT, approvalPins } from '../governance/msig-proposal.js';
/** Leap caps a transaction's lifetime; a proposal waits for its approvers far longer (eosio.msig's default is days). */
export const MAX_EXPIRE_HOURS = 24 * 30;

export interface Level {
  actor: string;
  permission: string;
}

/** `ACTOR` or `ACTOR@PERM` (permission `active` by default). */
export function levelArg(text: string, what: string): Level {
  const [actor, permission = 'active', extra] = text.split('@');
  if (extra !== undefined) throw new UsageError(`${what} ${text}: expected ACTOR or ACTOR@PERMISSION`);
  return { actor: accountNameArg(actor!, `${what} ACTOR`), permission: accountNameArg(permission, `${what} PERMISSION`) };
}

/** A comma-separated list of `ACTOR@PERM`. */
export function levelsArg(text: string, what: string): Level[] {
  const levels = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => levelArg(s, what));
  if (levels.length === 0) throw new UsageError(`${what} names no permission`);
  return levels;
}

/** The transaction a proposal carries: TaPoS from the head, expiring `hours` from now. */
export async function proposedTransaction(backend: DmcsBackend, actions: Action[], hours: number): Promise<Uint8Array> {
  return buildTransaction(await backend.getInfo(), actions, { expireSeconds: Math.round(hours * 3600) }).bytes;
}

/** eosio.msig::propose; the transaction goes in as its own bytes (the ABI's `transaction` is that encoding). */
export function proposeAction(proposer: string, proposal: string, requested: Level[], trx: Uint8Array): Action {
  const w = new BinaryWriter();
  Name.from(proposer).encode(w);
  Name.from(proposal).encode(w);
  w.varuint32(requested.length);
  for (const l of requested) PermissionLevel.from(l).encode(w);
  w.raw(trx);
  return Action.from({
    account: MSIG_ACCOUNT,
    name: 'propose',
    authorization: [{ actor: proposer, permission: 'active' }],
    data: w.finish(),
  });
}

/** eosio.wrap::exec of `trx`, authorized by eosio.wrap itself (governance holds its permissions). */
export function wrapExecAction(trx: Uint8Array, executer = WRAP_ACCOUNT): Action {
  const w = new BinaryWriter();
  Name.from(executer).encode(w);
  w.raw(trx);
  const authorization = [{ actor: WRAP_ACCOUNT, permission: 'active' }];
  if (executer !== WRAP_ACCOUNT) authorization.push({ actor: executer, permission: 'active' });
  return Action.from({ account: WRAP_ACCOUNT, name: 'exec', authorization, data: w.finish() });
}

/** An eosio.msig action other than propose, serialized with eosio.msig's ABI from the chain. */
export async function msigAction(backend: DmcsBackend, name: string, auth: Level, data: Record<string, unknown>): Promise<Action> {
  const s = await contractSerializer(backend, MSIG_ACCOUNT);
  if (!s) throw new UsageError(`${MSIG_ACCOUNT} has no ABI on this chain: is the multisig contract deployed?`);
  return Action.from({ account: MSIG_ACCOUNT, name, authorization: [auth], data }, s);
}

/** The producers of the active schedule (get_producer_schedule). */
export async function activeProducers(backend: HttpBackend): Promise<string[]> {
  const reply = (await backend.call('/v1/chain/get_producer_schedule', {})) as {
    active?: { producers?: Array<{ producer_name?: unknown }> };
  };
  // the node's reply: a name that is not text counts as none (String() of an object may throw)
  const producers = Array.isArray(reply.active?.producers) ? reply.active.producers : [];
  const names = producers.map((p) => scalarText(p?.producer_name) ?? '');
  if (names.length === 0 || names.some((n) => !n)) throw new UsageError('the chain reports no active producers (get_producer_schedule)');
  return names;
}

export interface StoredProposal {
  proposer: string;
  proposal_name: string;
  /** sha256 of the stored transaction: what `approve --proposal-hash` pins. */
  proposal_hash: string;
  transaction: Record<string, unknown>;
  requested_approvals: Level[];
  provided_approvals: Array<Level & { time: string }>;
}

/** A proposal with its transaction decoded (wrapped transactions too) and the approvals so far. */
export async function readProposal(backend: DmcsBackend, proposer: string, proposal: string): Promise<StoredProposal> {
  const packed = await packedOrUsage(backend, proposer, proposal);
  const approvals = (await msigRow(backend, 'approvals2', proposer, proposal)) ?? {};
  const level = (a: unknown): Level => {
    const o = (typeof a === 'object' && a !== null ? a : {}) as { level?: unknown };
    const l = (typeof o.level === 'object' && o.level !== null ? o.level : o) as { actor?: unknown; permission?: unknown };
    return { actor: scalarText(l.actor) ?? '', permission: scalarText(l.permission) ?? '' };
  };
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  return {
    proposer,
    proposal_name: proposal,
    proposal_hash: proposalHash(packed),
    transaction: await decodeTransaction(backend, packed, new Map()),
    requested_approvals: list(approvals.requested_approvals).map(level),
    provided_approvals: list(approvals.provided_approvals).map((a) => {
      const time = typeof a === 'object' && a !== null ? (a as { time?: unknown }).time : undefined;
      return { ...level(a), time: scalarText(time) ?? '' };
    }),
  };
}

/**
 * What an approval approves: the proposal's transaction as the chain holds it now, its hash (the
 * approval pins it, so it counts for these bytes only: a proposer who cancels and proposes other
 * actions under the same name gets no approval for them), and its actions to show the verifier —
 * context-free ones too, and after each eosio.wrap::exec the actions it runs.
 */
export async function proposalToApprove(
  backend: DmcsBackend,
  proposer: string,
  proposal: string,
): Promise<{ hash: string; actions: Action[] }> {
  const packed = await packedOrUsage(backend, proposer, proposal);
  return { hash: proposalHash(packed), actions: proposalActions(packed).actions.map((x) => x.action) };
}

/** The stored proposal's bytes; no such proposal is the user's mistake (a usage error). */
async function packedOrUsage(backend: DmcsBackend, proposer: string, proposal: string): Promise<Uint8Array> {
  try {
    return await packedProposal(backend, proposer, proposal);
  } catch (err) {
    if (err instanceof NoProposalError) throw new UsageError(err.message);
    throw err;
  }
}

/** The transaction as JSON; each action's data decoded with its contract's ABI where the chain has one. */
async function decodeTransaction(
  backend: DmcsBackend,
  packed: Uint8Array,
  abis: Map<string, AbiSerializer | undefined>,
  depth = 0,
): Promise<Record<string, unknown>> {
  const trx = Transaction.fromBinary(packed);
  const actions = [];
  for (const a of trx.actions) {
    const account = a.account.toString();
    if (!abis.has(account)) abis.set(account, await contractSerializer(backend, account).catch(() => undefined));
    const s = abis.get(account);
    const out: Record<string, unknown> = {
      account,
      name: a.name.toString(),
      authorization: a.authorization.map((l) => ({ actor: l.actor.toString(), permission: l.permission.toString() })),
      hex_data: bytesToHex(a.data),
    };
    try {
      if (s) out.data = a.decodeData(s);
    } catch {
      // left as hex_data: the contract's ABI does not decode it
    }
    if (account === WRAP_ACCOUNT && a.name.toString() === 'exec' && a.data.length > 8 && depth < MAX_WRAP_DEPTH) {
      // eosio.wrap::exec(executer, trx): show what governance would run
      try {
        out.wrapped = await decodeTransaction(backend, a.data.subarray(8), abis, depth + 1);
      } catch {
        // not a transaction: hex_data says what it is
      }
    }
    actions.push(out);
  }
  return { expiration: trx.expiration.toString(), actions };
}
