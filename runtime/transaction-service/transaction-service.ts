/**
 * The transaction service: an app's `dmcs.push` becomes a signed transaction on its DMCS, or in the
 * offline queue. One readable path:
 *
 *   session (NOT_LOGGED_IN without one)
 *   → grant scope: contracts and actions (CAPABILITY_DENIED)
 *   → encode each action with the contract's ABI from the DMCS, authorization = session account
 *   → decode the bytes back with the same ABI; the whole scope rule on the bytes, amount cap included (CAPABILITY_DENIED)
 *   → TaPoS and expiration from the DMCS's head block, as read up to HEAD_REUSE_MS ago (the cached
 *     one while offline)
 *   → keys: the vault keys satisfying the permission (get_account, cached per head block; the
 *     login's keys while offline); a push the chain refuses drops the reference block, and the next
 *     one reads the accounts afresh
 *   → confirmation rendered by the host from the decoded actions and the app's identity
 *   → the verifier's assertion (the session-grant policy may approve by itself) → the vault signs,
 *     checking the app's signing grant again
 *   → push or queue (`TransactionSubmitter`, the one policy): refused by the chain → `failed`;
 *     unreachable or a reply this host cannot trust → appended to the offline queue and fsynced
 *     before the app hears `queued`.
 */
import { Action, PublicKey, type AbiSerializer } from '../../abi/antelope/index.js';
import { VaultError, type Vault } from '../../skv/index.js';
import type { Grants, DmcsPushScope } from '../capabilities.js';
import { ACCOUNT_NAME } from '../capabilities.js';
import { type Dispatcher, DmcsError, pushFailureOf, type ChainCheckedBackend, type DmcsRoute, type ChainInfo } from '../dispatch/index.js';
import { HybridApi, CacheStore } from '../hybrid-cache/index.js';
import { TransactionSubmitter, type OfflineQueue, type SubmitResult } from '../offline-queue/index.js';
import { readSession, type Session } from '../session/session-file.js';
import { PermissionTree, keysNamedBy } from '../session/authority-resolver.js';
import { AbiSource } from './abi-source.js';
import { renderConfirmation, HostText, type AppIdentity, type DecodedAction } from './confirmation.js';
import { checkActionsGranted, checkAmountGranted, movedAmounts } from './push-scope.js';
import { buildTransaction, pushBody } from './transaction-builder.js';
import { pickKeys } from './key-picker.js';
import { TransactionServiceError, VAULT_SIGN_REFUSALS } from './transaction-service-error.js';
import type { GrantPolicyVerifier } from './grant-policy-verifier.js';
import { sealRequestOf, sealText, shareRequestOf } from './sealed-fields.js';
import {
  MAX_ACTIONS_PER_PUSH,
  HEAD_REUSE_MS,
  REUSED_READS_MAX,
  ROUTE_REUSE_MS,
  DEFAULT_EXPIRATION_S,
  RECENT_IDS,
  MAX_CONFIRMATION_VALUE_CHARS,
} from './limits.js';
import { terminalQuoted, terminalText } from '../../lib/terminal-text.js';
import { TimedCache } from '../../lib/timed-cache.js';

export interface PushRequest {
  app: AppIdentity;
  /** The app's manifest (its `dmcs` field routes it). */
  manifest: DmcsRoute;
  grants: Grants;
  /** From the app: `[{account, name, data}]`, data a map (encoded with the ABI) or bytes. */
  actions: unknown;
}

export interface PushOutcome {
  status: 'executed' | 'queued' | 'failed';
  /** Transaction id, hex. */
  id: string;
  /** Block the node put it in (executed). */
  block?: number;
  /** Why the chain refused it (failed): Antelope exception name and message. */
  error?: string;
}

export interface TransactionServiceOptions {
  home: string;
  vault: Vault;
  dispatcher: Dispatcher;
  /** Where a push that could not be delivered waits (see TransactionSubmitter). */
  queue: OfflineQueue;
  /** Told the amounts of each request before the vault asks it (session grants). */
  policy?: GrantPolicyVerifier;
  /** Shared hybrid cache (default: in memory). */
  cache?: CacheStore;
  /** Called after an entry was queued pending (e.g. to kick the flusher). */
  onQueued?: () => void;
  now?: () => number;
  /**
   * Makes a peer-to-peer share of a file or folder of `app`'s drive for `to` and answers its
   * descriptor text (runtime/fs/share-service.ts), for `{"$share": path, "for": to}` fields.
   * Absent: such fields are refused.
   */
  shareFile?: (r: { app: string; account: string; accountKey: string; path: string; to: string }) => Promise<string>;
}

interface RawAction {
  account: string;
  name: string;
  data: Uint8Array | Record<string, unknown>;
}

function badActions(why: string): TransactionServiceError {
  return new TransactionServiceError('BAD_ACTIONS', `dmcs.push: ${why}`);
}

/**
 * A `$share` on a host without a share service (the one-shot `peeros app run`, or an embedder that
 * passes none): refused before anything is made or signed, saying exactly where it can be done. Not
 * served for the run: a share is read by its recipient from the address its descriptor names for as
 * long as it lives, and this process ends with its command (the recipient would find nobody there).
 */
export function noShareService(path: string): TransactionServiceError {
  return new TransactionServiceError(
    'UNAVAILABLE',
    `dmcs.push: ${terminalQuoted(path, MAX_CONFIRMATION_VALUE_CHARS)} would be shared peer to peer (a file over 4 KiB, a binary file or a folder), but this host serves no shares: a recipient reads a share from the host that made it, at the address its descriptor names, for as long as the share lives, and a one-shot \`peeros app run\` ends with its command. Nothing was shared or signed. Run the app in a host that serves shares: \`peeros console --share-listen HOST:PORT\` (its Apps page or the app's screen); when that console is closed, \`peeros share serve --listen HOST:PORT\` (the same address) serves what it shared`,
  );
}

function checkRawActions(v: unknown): RawAction[] {
  if (!Array.isArray(v) || v.length === 0) throw badActions('expected a non-empty array of {account, name, data}');
  if (v.length > MAX_ACTIONS_PER_PUSH) throw badActions(`${v.length} actions; at most ${MAX_ACTIONS_PER_PUSH} per push`);
  return v.map((a: unknown, i) => {
    const x = a as Record<string, unknown> | null;
    if (!x || typeof x !== 'object') throw badActions(`actions[${i}] is not a map`);
    if (typeof x.account !== 'string' || !ACCOUNT_NAME.test(x.account)) throw badActions(`actions[${i}].account is not an account name`);
    if (typeof x.name !== 'string' || !ACCOUNT_NAME.test(x.name)) throw badActions(`actions[${i}].name is not an action name`);
    const d = x.data;
    if (!(d instanceof Uint8Array) && (typeof d !== 'object' || d === null || Array.isArray(d)))
      throw badActions(`actions[${i}].data must be a map or bytes`);
    return { account: x.account, name: x.name, data: d as RawAction['data'] };
  });
}

export class TransactionService {
  readonly #o: TransactionServiceOptions;
  readonly #cache: CacheStore;
  readonly #hybrid = new Map<string, HybridApi>();
  readonly #abis = new Map<string, AbiSource>();
  /** The reference block per chain id (HEAD_REUSE_MS). */
  readonly #heads: TimedCache<string, ChainInfo>;
  readonly #routes: TimedCache<string, ChainCheckedBackend>;
  /** Chains on which a push was refused since keys were last picked: the next pick reads the accounts afresh. */
  readonly #refusedOn = new Set<string>();
  readonly #recentIds = new Set<string>();
  readonly #submitter: TransactionSubmitter;

  constructor(o: TransactionServiceOptions) {
    this.#o = o;
    const now = o.now ?? Date.now;
    this.#heads = new TimedCache({ maxAgeMs: HEAD_REUSE_MS, maxEntries: REUSED_READS_MAX, now });
    this.#routes = new TimedCache({ maxAgeMs: ROUTE_REUSE_MS, maxEntries: REUSED_READS_MAX, now });
    this.#cache = o.cache ?? new CacheStore();
    this.#submitter = new TransactionSubmitter({ queue: o.queue, ...(o.onQueued ? { onQueued: o.onQueued } : {}) });
  }

  /** The hybrid read API for a backend (cached reads, stale while offline). */
  hybridFor(backend: ChainCheckedBackend): HybridApi {
    let h = this.#hybrid.get(backend.chainId);
    if (!h) {
      h = new HybridApi(backend, this.#cache, { chainId: backend.chainId, persistDelayMs: 0 });
      this.#hybrid.set(backend.chainId, h);
    }
    return h;
  }

  #abiSource(backend: ChainCheckedBackend): AbiSource {
    let a = this.#abis.get(backend.chainId);
    if (!a) {
      a = new AbiSource((acct) => backend.getAbi(acct), {
        ...(this.#o.now ? { now: this.#o.now } : {}),
        store: { cache: this.#cache, chainId: backend.chainId },
      });
      this.#abis.set(backend.chainId, a);
    }
    return a;
  }

  async push(req: PushRequest): Promise<PushOutcome> {
    const app = req.app.name;
    const session = readSession(this.#o.home);
    if (!session)
      throw new TransactionServiceError('NOT_LOGGED_IN', `app '${app}' asked to push, but nobody is logged in: run 'peeros login ACCOUNT'`);
    const raw = checkRawActions(req.actions);
    const scope = req.grants['dmcs.push'] as DmcsPushScope | undefined;
    checkActionsGranted(app, scope, raw);

    const backend = await this.#route(req.manifest);
    if (backend.chainId !== session.chainId) {
      throw new TransactionServiceError(
        'UNAVAILABLE',
        `app '${app}' uses DMCS '${backend.entry.name}', but the session (${session.account}) is on '${session.dmcs}'; log in on that DMCS`,
      );
    }
    const hybrid = this.hybridFor(backend);
    // the lookups the transaction needs (the vault's keys, a dMemo round trip; the head and the
    // account, reads of the DMCS: the head every HEAD_REUSE_MS, the account after each block) run
    // while the actions are encoded and checked
    const infoP = this.#headInfo(hybrid, backend.chainId);
    const keysP = this.#keys(hybrid, session);
    for (const p of [infoP, keysP]) p.catch(() => {}); // awaited below; a refusal before that must not leave them unhandled
    const shown = await this.#sealFields(app, req.app.identity, hybrid, session, raw);
    const { actions, decoded } = await this.#encode(backend, session, raw);
    checkAmountGranted(app, scope!, actions);
    const info = await infoP; // in this order: an unreachable DMCS is reported before the vault's keys
    const keys = await keysP;
    const trx = this.#unique(info, actions);
    const summary = renderConfirmation({
      app: req.app,
      account: session.account,
      permission: session.permission,
      dmcs: backend.entry.name,
      chainId: session.chainId,
      actions: decoded.map((d, i) => (shown[i] ? { ...d, data: { ...(d.data as Record<string, unknown>), ...shown[i] } } : d)),
    });
    // early: the session grant's use is written while the vault signs; settled before the push
    this.#o.policy?.expect(trx.digest, app, movedAmounts(decoded.map((d, i) => ({ ...d, bytes: actions[i]!.data }))), req.app.identity, {
      early: true,
    });
    let signatures: string[];
    try {
      signatures = (
        await this.#o.vault.sign({
          chainId: trx.chainId,
          transaction: trx.bytes,
          keys,
          app,
          ...(req.app.identity !== undefined ? { identity: req.app.identity } : {}),
          summary,
        })
      ).signatures;
      await this.#o.policy?.settle(trx.digest);
    } catch (err) {
      this.#o.policy?.forget(trx.digest);
      this.#o.policy?.settle(trx.digest).catch(() => {});
      if (err instanceof VaultError) {
        const code = VAULT_SIGN_REFUSALS[err.code];
        throw new TransactionServiceError(code, `the vault did not sign for app '${app}': ${err.code}: ${err.message}`, { cause: err });
      }
      throw err;
    }
    let sent: SubmitResult;
    try {
      sent = await this.#submitter.submit(pushBody(trx.bytes, signatures), { app, dmcs: backend.entry.name, backend });
    } catch (err) {
      if (pushFailureOf(err) === 'refused' && err instanceof DmcsError) {
        // the reference block or the keys may be why (a chain started again; a permission changed
        // by a transaction of the head block, whose cached reads are of before it): the next push
        // reads both afresh
        this.#heads.delete(backend.chainId);
        this.#refusedOn.add(backend.chainId);
        return { status: 'failed', id: trx.id, error: `${err.antelopeName ?? 'rejected'}: ${err.message}` };
      }
      throw err;
    }
    if (sent.status === 'sent') {
      const block = sent.ack.processed.block_num;
      return { status: 'executed', id: sent.transactionId, ...(block !== undefined ? { block } : {}) };
    }
    // The same transaction may be queued already (another process built it): say what it is.
    const entry = sent.entry;
    if (entry.status === 'sent' || entry.status === 'done') return { status: 'executed', id: entry.id };
    if (entry.status !== 'pending')
      return { status: 'failed', id: entry.id, error: `the same transaction is already in the offline queue, ${entry.status}` };
    return { status: 'queued', id: entry.id };
  }

  /**
   * Replaces `{"$seal": text, "for": account}` fields by blobs sealed in the vault from the session's
   * key to the account's active key (sealed-fields.ts); returns, per action, what the user is shown
   * for those fields instead of the blob.
   */
  async #sealFields(
    app: string,
    identity: string | undefined,
    hybrid: HybridApi,
    session: Session,
    raw: RawAction[],
  ): Promise<Array<Record<string, HostText> | undefined>> {
    const shown: Array<Record<string, HostText> | undefined> = [];
    for (const r of raw) {
      if (r.data instanceof Uint8Array) {
        shown.push(undefined);
        continue;
      }
      let show: Record<string, HostText> | undefined;
      for (const [field, value] of Object.entries(r.data)) {
        const shared = shareRequestOf(value);
        if (shared) {
          if (!this.#o.shareFile) throw noShareService(shared.path);
          const sender = session.keys[0]!;
          const recipient = await this.#activeKey(hybrid, shared.for);
          const descriptor = await this.#o.shareFile({
            app,
            account: session.account,
            accountKey: sender,
            path: shared.path,
            to: shared.for,
          });
          r.data[field] = await sealText(this.#o.vault, app, r.account, sender, recipient, descriptor, identity);
          (show ??= {})[field] = new HostText(
            `[shared peer to peer with ${terminalText(shared.for)}] ${terminalQuoted(shared.path, MAX_CONFIRMATION_VALUE_CHARS)}`,
          );
          continue;
        }
        const seal = sealRequestOf(value);
        if (!seal) continue;
        const sender = session.keys[0]!;
        const recipient = await this.#activeKey(hybrid, seal.for);
        r.data[field] = await sealText(this.#o.vault, app, r.account, sender, recipient, seal.text, identity);
        (show ??= {})[field] = new HostText(
          `[sealed for ${terminalText(seal.for)}] ${terminalQuoted(seal.text, MAX_CONFIRMATION_VALUE_CHARS)}`,
        );
      }
      shown.push(show);
    }
    return shown;
  }

  /** The first key of `account@active` as the DMCS reports it (PUB_K1_…). */
  async #activeKey(hybrid: HybridApi, account: string): Promise<string> {
    if (!ACCOUNT_NAME.test(account)) throw badActions(`sealed field: 'for' must be an account name, got ${JSON.stringify(account)}`);
    let reply: Record<string, unknown>;
    try {
      reply = (await hybrid.getAccount(account)).value;
    } catch (err) {
      if (err instanceof DmcsError && err.code === 'REJECTED') throw badActions(`sealed field: account '${account}' does not exist`);
      throw err;
    }
    // the DMCS's reply, checked and bounded as every authority the host reads (a SessionError if not)
    const tree = new PermissionTree();
    tree.add(account, reply);
    const key = keysNamedBy(tree, { actor: account, permission: 'active' })[0];
    if (!key) throw badActions(`sealed field: ${account}@active names no key to seal for`);
    return PublicKey.from(key).toString();
  }

  async #encode(
    backend: ChainCheckedBackend,
    session: Session,
    raw: RawAction[],
  ): Promise<{ actions: Action[]; decoded: DecodedAction[] }> {
    const abis = this.#abiSource(backend);
    const actions: Action[] = [];
    const decoded: DecodedAction[] = [];
    const authorization = [{ actor: session.account, permission: session.permission }];
    for (const [i, r] of raw.entries()) {
      const s: AbiSerializer = await abis.serializer(r.account);
      let action: Action;
      let data: unknown;
      try {
        action = Action.from({ account: r.account, name: r.name, authorization, data: r.data as Record<string, unknown> }, s);
        data = s.decodeAction(r.name, action.data);
      } catch (err) {
        if (err instanceof TransactionServiceError) throw err;
        throw badActions(`actions[${i}] (${r.account}::${r.name}) does not match the contract's ABI: ${(err as Error).message}`);
      }
      actions.push(action);
      decoded.push({ account: r.account, name: r.name, authorization: [`${session.account}@${session.permission}`], data });
    }
    return { actions, decoded };
  }

  /**
   * Builds the transaction; if this service built the same one recently (same actions, reference
   * block and expiration second: the same Antelope id, which the node would refuse as
   * `tx_duplicate`), the expiration moves one second later until the id is new.
   */
  #unique(info: ChainInfo, actions: Action[]): ReturnType<typeof buildTransaction> {
    const now = this.#o.now ? this.#o.now() : Date.now();
    let trx = buildTransaction(info, actions, { now });
    for (let extra = 1; this.#recentIds.has(trx.id) && extra <= MAX_ACTIONS_PER_PUSH * 64; extra++) {
      trx = buildTransaction(info, actions, { now, expireSeconds: DEFAULT_EXPIRATION_S + extra });
    }
    this.#recentIds.add(trx.id);
    if (this.#recentIds.size > RECENT_IDS) this.#recentIds.delete(this.#recentIds.values().next().value!);
    return trx;
  }

  /** The app's backend; the registry file is re-read at most every ROUTE_REUSE_MS. */
  async #route(manifest: DmcsRoute): Promise<ChainCheckedBackend> {
    const key = JSON.stringify(manifest.dmcs ?? null);
    const hit = this.#routes.get(key);
    if (hit) return hit;
    const backend = await this.#o.dispatcher.backendFor(manifest);
    this.#routes.set(key, backend);
    return backend;
  }

  /** The block TaPoS references: the head as read up to HEAD_REUSE_MS ago (any recent block is a valid reference). */
  async #headInfo(hybrid: HybridApi, chainId: string): Promise<ChainInfo> {
    const hit = this.#heads.get(chainId);
    if (hit) return hit;
    try {
      const read = await hybrid.getInfo();
      if (!read.stale) this.#heads.set(chainId, read.value); // an offline answer is used once, not kept
      return read.value;
    } catch (err) {
      if (err instanceof DmcsError && err.code === 'UNREACHABLE') {
        throw new TransactionServiceError(
          'UNAVAILABLE',
          `the DMCS is unreachable and no recent block is cached to reference: ${err.message}`,
          { cause: err },
        );
      }
      throw err;
    }
  }

  /**
   * The vault keys that satisfy the session's permission. The vault's key list is the copy read on
   * an earlier push while the vault says it is unchanged (Vault.listKeys `recent`); a key imported
   * since by another process is not in that copy, so a pick that fails is tried once on a fresh list.
   */
  async #keys(hybrid: HybridApi, session: Session): Promise<string[]> {
    try {
      return await this.#pickKeys(hybrid, session, true);
    } catch (err) {
      if (!(err instanceof TransactionServiceError && err.code === 'NO_MATCHING_KEY')) throw err;
      return this.#pickKeys(hybrid, session, false);
    }
  }

  async #pickKeys(hybrid: HybridApi, session: Session, recent: boolean): Promise<string[]> {
    const vaultKeys = (await this.#o.vault.listKeys({ recent })).map((k) => k.publicKey);
    // after a refusal, not even the hybrid cache's answer for the head block: a permission changed
    // by a transaction of that block would still read as before
    const fresh = this.#refusedOn.has(hybrid.chainId);
    try {
      const picked = await pickKeys(
        async (n) => (await hybrid.getAccount(n, { fresh })).value,
        [{ actor: session.account, permission: session.permission }],
        vaultKeys,
      );
      this.#refusedOn.delete(hybrid.chainId);
      return picked;
    } catch (err) {
      if (err instanceof DmcsError && err.code === 'UNREACHABLE') {
        const held = session.keys.filter((k) => vaultKeys.includes(k));
        if (held.length) return held;
      }
      throw err;
    }
  }
}
