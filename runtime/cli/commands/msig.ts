/**
 * `peeros msig …`: cleos multisig against eosio.msig (ours from contracts/msig, or Leap's):
 * propose a transaction of one action with the permissions whose approval it needs, review it
 * decoded with the approvals so far, approve (always pinned to the hash of the transaction the
 * verifier is shown; `--proposal-hash` must be that hash), unapprove, cancel, exec and invalidate.
 * Every push is signed through the vault, which shows the decoded actions (a proposal's inner
 * actions too, on propose and on approve) before it signs.
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { accountNameArg, integerArg } from '../arg-checks.js';
import { chainBackend } from '../chain-target.js';
import { printJson } from '../json-output.js';
import { Action } from '../../../abi/antelope/index.js';
import { contractSerializer } from '../action-summary.js';
import { terminalText, terminalValue } from '../../../lib/terminal-text.js';
import {
  MAX_EXPIRE_HOURS,
  MSIG_ACCOUNT,
  approvalPins,
  levelsArg,
  msigAction,
  proposeAction,
  proposalToApprove,
  proposedTransaction,
  readProposal,
  type StoredProposal,
} from '../msig-proposal.js';
import { printPushed, pushThroughVault, withPermission } from '../proposal-push.js';
import { ProposalError } from '../proposal-error.js';
import { definition } from '../definitions/msig.js';

function parsed(sub: string, argv: string[], count: number, usage: string) {
  const p = parseArgs(argv, flagSpec(definition, sub), `msig ${sub}`);
  const r = withPermission(p.positionals, p.flags);
  if (r.rest.length !== count) throw new UsageError(`msig ${sub} takes ${usage}`);
  return r;
}

async function propose(argv: string[], io: CliIO): Promise<number> {
  const { rest, flags, permission } = parsed('propose', argv, 4, 'NAME CONTRACT ACTION JSON --requested ACTOR@PERM,… -p PROPOSER');
  const [proposal, contract, name, json] = rest as [string, string, string, string];
  accountNameArg(proposal, 'NAME');
  accountNameArg(contract, 'CONTRACT');
  accountNameArg(name, 'ACTION');
  if (!permission) throw new UsageError('msig propose needs -p PROPOSER');
  if (typeof flags.requested !== 'string') throw new UsageError('msig propose needs --requested ACTOR@PERM,…');
  const requested = levelsArg(flags.requested, '--requested');
  const auth = typeof flags.auth === 'string' ? levelsArg(flags.auth, '--auth') : requested;
  const hours = typeof flags['expire-hours'] === 'string' ? integerArg(flags['expire-hours'], '--expire-hours', 1, MAX_EXPIRE_HOURS) : 24;
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new UsageError(`JSON is not valid JSON (${(err as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new UsageError("JSON is the action's data as an object");
  const backend = await chainBackend(io, flags);
  const serializer = await contractSerializer(backend, contract);
  if (!serializer) throw new UsageError(`contract ${contract} has no ABI on this chain: msig propose needs it to serialize the data`);
  const inner = Action.from({ account: contract, name, authorization: auth, data: data as Record<string, unknown> }, serializer);
  const trx = await proposedTransaction(backend, [inner], hours);
  const reply = await pushThroughVault(io, flags, backend, [proposeAction(permission.actor, proposal, requested, trx)], [inner]);
  printPushed(io, reply, flags.json === true, `proposed ${permission.actor}/${proposal}`);
  return 0;
}

function printReview(io: CliIO, p: StoredProposal): void {
  // the proposal's rows as the node answered them: every field escaped, odd shapes printed as JSON
  const t = terminalValue;
  const level = (l: unknown) => {
    const { actor, permission } = (typeof l === 'object' && l !== null ? l : {}) as { actor?: unknown; permission?: unknown };
    return `${t(actor)}@${t(permission)}`;
  };
  const levels = (ls: unknown, separator: string) => (Array.isArray(ls) ? ls.map(level).join(separator) : '');
  const count = (ls: unknown): number => (Array.isArray(ls) ? ls.length : 0);
  io.out(`proposal ${t(p.proposer)}/${t(p.proposal_name)}  hash ${t(p.proposal_hash)}  expires ${t(p.transaction.expiration)}`);
  const show = (trx: Record<string, unknown>, indent: string) => {
    for (const a of Array.isArray(trx.actions) ? (trx.actions as Array<Record<string, unknown>>) : []) {
      io.out(`${indent}${t(a.account)}::${t(a.name)} [${levels(a.authorization, ',')}] ${t(a.data ?? a.hex_data)}`);
      if (a.wrapped) show(a.wrapped as Record<string, unknown>, `${indent}    wraps: `);
    }
  };
  show(p.transaction, '  ');
  io.out(`approved (${count(p.provided_approvals)}): ${levels(p.provided_approvals, ', ') || '-'}`);
  io.out(`requested (${count(p.requested_approvals)}): ${levels(p.requested_approvals, ', ') || '-'}`);
}

async function review(argv: string[], io: CliIO): Promise<number> {
  const { rest, flags } = parsed('review', argv, 2, 'PROPOSER NAME');
  const [proposer, proposal] = rest as [string, string];
  const p = await readProposal(await chainBackend(io, flags), accountNameArg(proposer, 'PROPOSER'), accountNameArg(proposal, 'NAME'));
  if (flags.json === true) printJson(io, p);
  else printReview(io, p);
  return 0;
}

/** approve, unapprove, cancel, exec: one eosio.msig action about PROPOSER's proposal NAME, signed by -p. */
async function onProposal(sub: 'approve' | 'unapprove' | 'cancel' | 'exec', argv: string[], io: CliIO): Promise<number> {
  const { rest, flags, permission } = parsed(sub, argv, 2, 'PROPOSER NAME -p ACTOR[@PERM]');
  const [proposer, proposal] = rest as [string, string];
  accountNameArg(proposer, 'PROPOSER');
  accountNameArg(proposal, 'NAME');
  if (!permission) throw new UsageError(`msig ${sub} needs -p ACTOR[@PERM]`);
  const base = { proposer, proposal_name: proposal };
  let data: Record<string, unknown>;
  const pinned = typeof flags['proposal-hash'] === 'string' ? flags['proposal-hash'] : undefined;
  if (sub === 'approve' && pinned !== undefined && !/^[0-9a-fA-F]{64}$/.test(pinned))
    throw new UsageError('--proposal-hash: expected 64 hex digits (as msig review prints it)');
  if (sub === 'approve' || sub === 'unapprove') data = { ...base, level: permission };
  else data = { ...base, [sub === 'cancel' ? 'canceler' : 'executer']: permission.actor };
  const backend = await chainBackend(io, flags);
  let approving: Action[] = [];
  let title = '';
  if (sub === 'approve') {
    // the verifier is shown the transaction approved, and the approval is pinned to its hash: what
    // the user reads is what the approval counts for, whatever the proposer changes meanwhile
    const now = await proposalToApprove(backend, proposer, proposal);
    if (pinned !== undefined && pinned.toLowerCase() !== now.hash)
      return refuse(
        io,
        new ProposalError(
          'PROPOSAL_CHANGED',
          `proposal ${proposer}/${proposal} now has hash ${now.hash}, not ${pinned.toLowerCase()}: it changed since it was reviewed; review it again`,
        ),
      );
    data.proposal_hash = now.hash;
    approving = now.actions;
    title = `approving proposal ${proposer}/${proposal} (hash ${now.hash}), whose transaction runs:`;
  }
  const action = await msigAction(backend, sub, permission, data);
  if (sub === 'approve' && !approvalPins(action, data.proposal_hash as string)) {
    if (pinned !== undefined)
      return refuse(
        io,
        new ProposalError(
          'PROPOSAL_NOT_PINNED',
          `${MSIG_ACCOUNT}'s ABI on this chain has no proposal_hash: --proposal-hash cannot be sent`,
        ),
      );
    title = title.replace(
      /whose transaction runs:$/,
      `NOT pinned: ${MSIG_ACCOUNT} on this chain takes no proposal_hash, so the approval counts for whatever the proposal holds when it lands; it now runs:`,
    );
  }
  const reply = await pushThroughVault(io, flags, backend, [action], approving, title);
  printPushed(io, reply, flags.json === true, `${sub} ${proposer}/${proposal}`);
  return 0;
}

/** A proposal refused before anything is signed: its code and message, exit 1. */
function refuse(io: CliIO, err: ProposalError): number {
  io.err(`peeros msig approve: ${err.code}: ${err.message}`);
  return 1;
}

async function invalidate(argv: string[], io: CliIO): Promise<number> {
  const { flags, permission } = parsed('invalidate', argv, 0, '-p ACCOUNT');
  if (!permission) throw new UsageError('msig invalidate needs -p ACCOUNT');
  const backend = await chainBackend(io, flags);
  const reply = await pushThroughVault(io, flags, backend, [
    await msigAction(backend, 'invalidate', permission, { account: permission.actor }),
  ]);
  printPushed(io, reply, flags.json === true, `invalidated ${permission.actor}'s approvals`);
  return 0;
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'propose':
        return propose(rest, io);
      case 'review':
        return review(rest, io);
      case 'approve':
      case 'unapprove':
      case 'cancel':
      case 'exec':
        return onProposal(sub, rest, io);
      case 'invalidate':
        return invalidate(rest, io);
      default:
        throw new UsageError(
          sub === undefined
            ? 'missing subcommand (propose, review, approve, unapprove, cancel, exec, invalidate)'
            : `unknown subcommand '${terminalText(sub, 32)}' (propose, review, approve, unapprove, cancel, exec, invalidate)`,
        );
    }
  },
};

export default command;
