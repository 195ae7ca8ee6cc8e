/**
 * What the console's signing dialog shows for one request the vault is about to approve, built by
 * the host from the exact bytes the vault will sign (never from what an app said about them): the
 * bytes are checked against the request's digest first, then decoded — chain (name from the DMCS
 * registry, id), `actor@permission`, and each action's fields with their ABI types from the
 * contract's ABI on that chain. Strings inside action data are app text: escaped as for the
 * terminal, cut, and flagged so the page shows them quoted. An action whose ABI cannot be had or
 * whose data does not decode with it is marked undecodable; the dialog then refuses by default.
 * Every other request (grant change, key export, another authenticator, package) shows the host's
 * own summary lines and the digest.
 */
import { createHash } from 'node:crypto';
import { Abi, Transaction, signingDigest, type AbiSerializer } from '../../abi/antelope/index.js';
import { terminalJson, terminalText } from '../../lib/terminal-text.js';
import type { VerificationRequest } from '../../skv/index.js';
import { MSIG_ACCOUNT, type ProposalListing, approveTarget, proposalActions, proposalHash } from '../governance/msig-proposal.js';

/** Actions shown one by one; a transaction with more is shown cut and counts as undecodable. */
export const MAX_DIALOG_ACTIONS = 32;
/**
 * An action's fields shown one by one: 64, several times any real action's. The ABI is the DMCS's,
 * so a struct of 50,000 optional fields (one byte each in the data) made a dialog of 50,000 rows;
 * past this the rest are counted and the dialog needs the override, as for too many actions.
 */
export const MAX_DIALOG_FIELDS = 64;
/** A field value (JSON or app text) is cut here, as the terminal's confirmation cuts it. */
export const MAX_DIALOG_VALUE_CHARS = 200;
/** The raw transaction shown under "raw" is cut at this many bytes (the digest covers all of them). */
export const MAX_DIALOG_RAW_BYTES = 8192;
/** Nested struct bases followed when listing an action's fields. */
const MAX_STRUCT_DEPTH = 8;

export interface DialogField {
  name: string;
  /** The ABI type, e.g. `asset`, `name`, `string`. */
  type: string;
  value: string;
  /** The value is text the app (or whoever built the transaction) chose: shown quoted. */
  appText: boolean;
}

export interface DialogAction {
  contract: string;
  action: string;
  authorization: string[];
  contextFree: boolean;
  fields: DialogField[];
  /** Why the data could not be decoded (then `fields` is empty and `dataHex` is all there is). */
  undecodable?: string;
  dataHex: string;
  /** For eosio.msig::approve: the proposal it approves, as the chain holds it now. */
  proposal?: DialogProposal;
  /** In a proposal: how many eosio.wrap::exec this action runs inside (0: the proposal's own). */
  wrapped?: number;
}

/** The proposal an eosio.msig::approve approves: what it would run, and whether the approval is pinned to it. */
export interface DialogProposal {
  proposer: string;
  name: string;
  /** sha256 of the proposal's stored transaction ('' when it could not be read). */
  hash: string;
  /** The approve's `proposal_hash`, or null: not pinned, the proposer can swap the proposal after approval. */
  pinned: string | null;
  /** Its actions (context-free ones, and those each eosio.wrap::exec runs), decoded as the dialog's own. */
  actions: DialogAction[];
  /** Why this approval needs the override (unreadable, not pinned, pinned to another version). */
  problem?: string;
}

export interface SigningView {
  purpose: string;
  app: string;
  chain?: { name: string | null; id: string };
  /** Every `actor@permission` the transaction's actions name. */
  signers: string[];
  actions: DialogAction[];
  /** True when any action (or the transaction) could not be decoded: refused unless overridden. */
  undecodable: boolean;
  /** Which grants apply, as the host sees them. */
  grants: string[];
  /** The host's summary lines (for requests other than a transaction, all there is). */
  summary: string[];
  digest: string;
  rawHex?: string;
  rawBytes?: number;
}

/**
 * What the builder needs from the host: the DMCS name of a chain, a contract's ABI on it, and an
 * eosio.msig proposal's stored transaction bytes (its row's `packed_transaction`; throws when none).
 */
export interface ViewContext {
  chainName(chainIdHex: string): Promise<string | null>;
  abi(chainIdHex: string, account: string): Promise<AbiSerializer>;
  proposal(chainIdHex: string, proposer: string, name: string): Promise<Uint8Array>;
  grants(request: VerificationRequest): Promise<string[]>;
}

function cut(s: string): string {
  return s.length > MAX_DIALOG_VALUE_CHARS ? `${s.slice(0, MAX_DIALOG_VALUE_CHARS)}… (cut)` : s;
}

function valueText(v: unknown): string {
  const json = JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x,
  );
  return cut(terminalJson(json ?? 'null'));
}

/** The fields of struct `type` (its bases' first), or null when `type` is not a struct of the ABI. */
function structFields(s: AbiSerializer, type: string): Array<{ name: string; type: string }> | null {
  const out: Array<{ name: string; type: string }> = [];
  let name = type;
  const chain: Array<Array<{ name: string; type: string }>> = [];
  for (let depth = 0; name && depth < MAX_STRUCT_DEPTH; depth++) {
    const st = s.abi.structs.find((x) => x.name === name);
    if (!st) return depth === 0 ? null : out;
    chain.unshift(st.fields);
    name = st.base ?? '';
  }
  for (const f of chain) out.push(...f);
  return out;
}

/** A `bytes` field as the serializer decodes it (hex text), or as bytes. */
function bytesOf(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  return typeof v === 'string' && /^(?:[0-9a-f]{2})*$/i.test(v) ? Buffer.from(v, 'hex') : undefined;
}

/**
 * A deployment's bytes, read by the host: `eosio::setcode`'s code as its sha256 and size,
 * `eosio::setabi`'s ABI as its actions and tables (an ABI that does not decode makes the action
 * undecodable). The raw fields alone (hex, cut) would say nothing a person can check.
 */
function deploymentFields(contract: string, action: string, record: Record<string, unknown>): DialogField[] {
  if (contract !== 'eosio') return [];
  const code = bytesOf(record.code);
  if (action === 'setcode' && code)
    return [
      { name: 'code sha256', type: 'checksum256', value: createHash('sha256').update(code).digest('hex'), appText: false },
      { name: 'code size', type: 'bytes', value: `${code.length} bytes`, appText: false },
    ];
  const abiBytes = bytesOf(record.abi);
  if (action === 'setabi' && abiBytes) {
    let abi: Abi;
    try {
      abi = Abi.fromBinary(abiBytes);
    } catch (err) {
      throw new Error(`the ABI in setabi does not decode: ${(err as Error).message}`);
    }
    const list = (names: string[]): string => cut(terminalText(names.join(', ') || 'none'));
    return [
      {
        name: 'abi actions',
        type: `${abi.actions.length} actions`,
        value: list(abi.actions.map((a) => a.name.toString())),
        appText: false,
      },
      { name: 'abi tables', type: `${abi.tables.length} tables`, value: list(abi.tables.map((t) => t.name.toString())), appText: false },
    ];
  }
  return [];
}

/** The action's fields as the dialog lists them, and how many past MAX_DIALOG_FIELDS are left out. */
function decodeFields(s: AbiSerializer, contract: string, action: string, data: Uint8Array): { fields: DialogField[]; hidden: number } {
  const type = s.actionType(action);
  const decoded = s.decode(type, data);
  const fields = structFields(s, type);
  if (!fields || typeof decoded !== 'object' || decoded === null)
    return { fields: [{ name: '(data)', type: terminalText(type, 64), value: valueText(decoded), appText: false }], hidden: 0 };
  const record = decoded as Record<string, unknown>;
  const shown = fields.slice(0, MAX_DIALOG_FIELDS).map((f) => {
    const v = record[f.name];
    const appText = typeof v === 'string' && (f.type === 'string' || f.type === 'string?');
    return {
      name: terminalText(f.name, 64),
      type: terminalText(f.type, 64),
      value: appText
        ? cut(terminalText(v as string, MAX_DIALOG_VALUE_CHARS * 2))
        : typeof v === 'string'
          ? cut(terminalText(v))
          : valueText(v),
      appText,
    };
  });
  return { fields: [...shown, ...deploymentFields(contract, action, record)], hidden: Math.max(0, fields.length - MAX_DIALOG_FIELDS) };
}

/** One action as the dialog lists it: its fields decoded with its contract's ABI, or marked undecodable (and the view with it). */
async function shownAction(
  ctx: ViewContext,
  chainId: string,
  a: Transaction['actions'][number],
  contextFree: boolean,
  view: SigningView,
): Promise<DialogAction> {
  const contract = a.account.toString();
  const action = a.name.toString();
  const shown: DialogAction = {
    contract,
    action,
    authorization: a.authorization.map((p) => `${p.actor.toString()}@${p.permission.toString()}`),
    contextFree,
    fields: [],
    dataHex: Buffer.from(a.data.subarray(0, MAX_DIALOG_RAW_BYTES)).toString('hex'),
  };
  try {
    const { fields, hidden } = decodeFields(await ctx.abi(chainId, contract), contract, action, a.data);
    shown.fields = fields;
    if (hidden > 0) {
      view.undecodable = true;
      view.summary = [`${contract}::${action}: ${hidden} more fields are not shown (at most ${MAX_DIALOG_FIELDS})`, ...view.summary];
    }
  } catch (err) {
    shown.undecodable = terminalText((err as Error).message, MAX_DIALOG_VALUE_CHARS);
    view.undecodable = true;
  }
  return shown;
}

/** A proposal as one dialog read it: its hash and its first MAX_DIALOG_ACTIONS actions (the most any approve shows). */
interface ReadProposal {
  hash: string;
  listing: ProposalListing;
}

/**
 * Reads each proposal (proposer, name) once per dialog: up to MAX_DIALOG_ACTIONS approves may name
 * the same one, and each read is a chain request and a walk over up to a reply's worth of bytes.
 */
function proposalReader(ctx: ViewContext, chainId: string): (proposer: string, name: string) => Promise<ReadProposal> {
  const read = new Map<string, Promise<ReadProposal>>();
  return (proposer, name) => {
    const key = `${proposer}/${name}`;
    let p = read.get(key);
    if (!p) {
      p = ctx
        .proposal(chainId, proposer, name)
        .then((packed) => ({ hash: proposalHash(packed), listing: proposalActions(packed, MAX_DIALOG_ACTIONS) }));
      read.set(key, p);
    }
    return p;
  };
}

/**
 * The proposal an eosio.msig::approve approves, read from the chain now: its hash and its actions
 * decoded as the dialog's own. The approval needs the override when the proposal cannot be read or
 * decoded, when it carries no proposal_hash (the proposer could cancel and propose something else
 * under the same name, and the approval would count for that), or when its hash is another version's.
 */
async function approvedProposal(
  ctx: ViewContext,
  chainId: string,
  data: Uint8Array,
  view: SigningView,
  budget: { actions: number },
  readProposal: ReturnType<typeof proposalReader>,
): Promise<DialogProposal> {
  let target: ReturnType<typeof approveTarget>;
  try {
    target = approveTarget(data);
  } catch (err) {
    const problem = `eosio.msig::approve: ${terminalText((err as Error).message, MAX_DIALOG_VALUE_CHARS)}`;
    return { proposer: '', name: '', hash: '', pinned: null, actions: [], problem };
  }
  const out: DialogProposal = { proposer: target.proposer, name: target.proposal, hash: '', pinned: target.hash, actions: [] };
  const what = `proposal ${target.proposal} by ${target.proposer}`;
  let listing: ProposalListing;
  try {
    const read = await readProposal(target.proposer, target.proposal);
    out.hash = read.hash;
    listing = read.listing;
  } catch (err) {
    out.problem = `the ${what} cannot be read or decoded (${terminalText((err as Error).message, MAX_DIALOG_VALUE_CHARS)}): what this approval approves is not shown`;
    return out;
  }
  for (const { action, contextFree, wrapped } of listing.actions.slice(0, budget.actions)) {
    const shown = await shownAction(ctx, chainId, action, contextFree, view);
    if (wrapped > 0) shown.wrapped = wrapped;
    out.actions.push(shown);
  }
  const hidden = listing.actions.length - out.actions.length + listing.notShown;
  budget.actions -= out.actions.length;
  if (hidden > 0) out.problem = `the ${what}: ${hidden} more actions are not shown (at most ${MAX_DIALOG_ACTIONS} across proposals)`;
  if (target.hash === null)
    out.problem = `the approval of ${what} is not pinned (no proposal_hash): the proposer can cancel it and propose other actions under the same name after approval, and this approval would count for them`;
  else if (target.hash !== out.hash)
    out.problem = `the approval of ${what} approves another version (proposal_hash ${target.hash}) than the one shown (${out.hash})`;
  return out;
}

export async function buildSigningView(r: VerificationRequest, ctx: ViewContext): Promise<SigningView> {
  const base: SigningView = {
    purpose: r.purpose,
    app: terminalText(r.app, 64),
    signers: [],
    actions: [],
    undecodable: false,
    grants: await ctx.grants(r),
    summary: r.summary.map((l) => terminalText(l)),
    digest: Buffer.from(r.digest).toString('hex'),
  };
  const t = r.transaction;
  if (r.purpose !== 'sign' || !t) return base;
  const chainId = Buffer.from(t.chainId).toString('hex');
  const view: SigningView = {
    ...base,
    chain: { name: await ctx.chainName(chainId), id: chainId },
    rawHex: Buffer.from(t.bytes.subarray(0, MAX_DIALOG_RAW_BYTES)).toString('hex'),
    rawBytes: t.bytes.length,
  };
  // what is shown must be what the vault signs: the bytes must hash to the digest it was asked about
  const digest = signingDigest(t.chainId, t.bytes, t.contextFreeData).array;
  if (Buffer.compare(Buffer.from(digest), Buffer.from(r.digest)) !== 0)
    return {
      ...view,
      undecodable: true,
      summary: ['the bytes handed to the dialog are not the ones whose digest the vault was asked to approve'],
    };
  let trx: Transaction;
  try {
    trx = Transaction.fromBinary(t.bytes);
  } catch (err) {
    return {
      ...view,
      undecodable: true,
      summary: [`the transaction does not decode: ${terminalText((err as Error).message)}`, ...base.summary],
    };
  }
  const all = [...trx.context_free_actions.map((a) => ({ a, cf: true })), ...trx.actions.map((a) => ({ a, cf: false }))];
  const signers = new Set<string>();
  // the proposals' actions together are bounded as the transaction's own
  const budget = { actions: MAX_DIALOG_ACTIONS };
  const readProposal = proposalReader(ctx, chainId);
  for (const { a, cf } of all.slice(0, MAX_DIALOG_ACTIONS)) {
    const shown = await shownAction(ctx, chainId, a, cf, view);
    for (const s of shown.authorization) signers.add(s);
    if (shown.contract === MSIG_ACCOUNT && shown.action === 'approve') {
      shown.proposal = await approvedProposal(ctx, chainId, a.data, view, budget, readProposal);
      if (shown.proposal.problem) {
        view.undecodable = true;
        view.summary = [shown.proposal.problem, ...view.summary];
      }
    }
    view.actions.push(shown);
  }
  if (all.length > MAX_DIALOG_ACTIONS) {
    view.undecodable = true;
    view.summary = [`${all.length - MAX_DIALOG_ACTIONS} more actions are not shown (at most ${MAX_DIALOG_ACTIONS})`, ...view.summary];
  }
  view.signers = [...signers];
  return view;
}
