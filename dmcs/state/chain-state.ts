/**
 * The node's chain state: accounts, their permission trees, permission links, code and ABI per
 * account (with the code hash), RAM usage per account, and the contract tables (`TableStore`).
 * Every mutation goes through a method here that records its inverse in the shared `UndoLog`, so a
 * failed transaction is rolled back whole. State is only ever derived from the block log (genesis
 * plus replayed blocks), never saved on its own.
 */
import { Name, BinaryWriter, sha256, bytesToHex } from '../../abi/antelope/index.js';
import { UndoLog } from './undo-log.js';
import { TableStore } from './table-store.js';
import { authorityBillableSize, type Authority } from '../authority.js';

/** Leap `overhead_per_account_ram_bytes`: the account, its metadata and sequence objects. */
export const ACCOUNT_RAM_BYTES = 2 * 1024;
/** Leap `billable_size_v<permission_object>` (5 indexes × 32 B overhead + fields). */
export const PERMISSION_RAM_BYTES = 432;
/** Leap `billable_size_v<permission_link_object>` (3 indexes × 32 B overhead + 40 B of fields). */
export const PERMISSION_LINK_RAM_BYTES = 136;
/** Leap `setcode_ram_bytes_multiplier`: code is charged 10× its size (it is also compiled/cached). */
export const SETCODE_RAM_MULTIPLIER = 10;

export interface PermissionRecord {
  readonly name: string;
  /** The parent permission's name; '' for `owner`. */
  readonly parent: string;
  readonly auth: Authority;
  /** Block time of the last change, ms since the Unix epoch. */
  readonly lastUpdated: number;
}

export interface AccountRecord {
  readonly name: string;
  readonly value: bigint;
  /** Block time of creation, ms since the Unix epoch. */
  readonly creation: number;
  privileged: boolean;
  code: Uint8Array | null;
  /** sha256 of the code; 32 zero bytes when none. */
  codeHash: Uint8Array;
  /** `codeHash` as hex (the VM's module cache key), kept to avoid re-encoding per action. */
  codeHashHex: string;
  lastCodeUpdate: number;
  codeSequence: number;
  abi: Uint8Array | null;
  abiSequence: number;
  ramUsage: number;
  /** Actions received (Leap `recv_sequence`). */
  recvSequence: number;
  /** Actions authorized (Leap `auth_sequence`). */
  authSequence: number;
  readonly permissions: Map<string, PermissionRecord>;
  /** `code:type` (type '' = any action of code) → required permission name. */
  readonly links: Map<string, string>;
}

export const ZERO_HASH = new Uint8Array(32);

export class ChainState {
  readonly undo = new UndoLog();
  readonly accounts = new Map<string, AccountRecord>();
  readonly tables: TableStore;
  /** Account by u64 value, for the contract VM (names arrive as bigints there). */
  private readonly byValue = new Map<bigint, AccountRecord>();

  constructor() {
    this.tables = new TableStore(this.undo, (payer, delta) => this.addRam(payer, delta));
  }

  /** When set, every RAM change is also summed here per account (one action's deltas). */
  ramDeltas: Map<string, number> | null = null;

  /** Actions dispatched since genesis (Leap `global_action_sequence`). */
  globalSequence = 0;

  /** Bumps and returns the global, receiver and authorizer sequences of one action receipt. */
  nextGlobalSequence(): number {
    const v = ++this.globalSequence;
    this.undo.record(() => {
      this.globalSequence--;
    });
    return v;
  }
  nextRecvSequence(acct: AccountRecord): number {
    const v = ++acct.recvSequence;
    this.undo.record(() => {
      acct.recvSequence--;
    });
    return v;
  }
  nextAuthSequence(acct: AccountRecord): number {
    const v = ++acct.authSequence;
    this.undo.record(() => {
      acct.authSequence--;
    });
    return v;
  }

  getAccount(name: string): AccountRecord | undefined {
    return this.accounts.get(name);
  }
  getAccountByValue(value: bigint): AccountRecord | undefined {
    return this.byValue.get(value);
  }

  /** Adds `delta` bytes to `account`'s RAM usage (negative refunds). */
  addRam(account: string | bigint, delta: number): void {
    if (delta === 0) return;
    const acct = typeof account === 'string' ? this.accounts.get(account) : this.byValue.get(account);
    if (!acct) return; // the payer was checked to exist by the caller
    if (this.ramDeltas) this.ramDeltas.set(acct.name, (this.ramDeltas.get(acct.name) ?? 0) + delta);
    acct.ramUsage += delta;
    this.undo.record(() => {
      acct.ramUsage -= delta;
    });
  }

  createAccount(name: string, owner: Authority, active: Authority, time: number, privileged = false): AccountRecord {
    const acct: AccountRecord = {
      name,
      value: Name.from(name).value,
      creation: time,
      privileged,
      code: null,
      codeHash: ZERO_HASH,
      codeHashHex: '',
      lastCodeUpdate: 0,
      codeSequence: 0,
      abi: null,
      abiSequence: 0,
      ramUsage: 0,
      recvSequence: 0,
      authSequence: 0,
      permissions: new Map(),
      links: new Map(),
    };
    acct.permissions.set('owner', { name: 'owner', parent: '', auth: owner, lastUpdated: time });
    acct.permissions.set('active', { name: 'active', parent: 'owner', auth: active, lastUpdated: time });
    this.accounts.set(name, acct);
    this.byValue.set(acct.value, acct);
    this.undo.record(() => {
      this.accounts.delete(name);
      this.byValue.delete(acct.value);
    });
    this.addRam(name, ACCOUNT_RAM_BYTES + 2 * PERMISSION_RAM_BYTES + authorityBillableSize(owner) + authorityBillableSize(active));
    return acct;
  }

  setCode(acct: AccountRecord, code: Uint8Array | null, hash: Uint8Array, time: number): void {
    const old = {
      code: acct.code,
      codeHash: acct.codeHash,
      codeHashHex: acct.codeHashHex,
      lastCodeUpdate: acct.lastCodeUpdate,
      codeSequence: acct.codeSequence,
    };
    const delta = ((code?.length ?? 0) - (acct.code?.length ?? 0)) * SETCODE_RAM_MULTIPLIER;
    acct.code = code;
    acct.codeHash = hash;
    acct.codeHashHex = bytesToHex(hash);
    acct.lastCodeUpdate = time;
    acct.codeSequence++;
    this.undo.record(() => Object.assign(acct, old));
    this.addRam(acct.name, delta);
  }

  setAbi(acct: AccountRecord, abi: Uint8Array | null): void {
    const old = { abi: acct.abi, abiSequence: acct.abiSequence };
    const delta = (abi?.length ?? 0) - (acct.abi?.length ?? 0);
    acct.abi = abi;
    acct.abiSequence++;
    this.undo.record(() => Object.assign(acct, old));
    this.addRam(acct.name, delta);
  }

  /** Creates or replaces a permission (updateauth). */
  setPermission(acct: AccountRecord, perm: PermissionRecord): void {
    const old = acct.permissions.get(perm.name);
    acct.permissions.set(perm.name, perm);
    this.undo.record(() => {
      if (old) acct.permissions.set(perm.name, old);
      else acct.permissions.delete(perm.name);
    });
    const delta = old
      ? authorityBillableSize(perm.auth) - authorityBillableSize(old.auth)
      : PERMISSION_RAM_BYTES + authorityBillableSize(perm.auth);
    this.addRam(acct.name, delta);
  }

  deletePermission(acct: AccountRecord, name: string): void {
    const old = acct.permissions.get(name);
    if (!old) return;
    acct.permissions.delete(name);
    this.undo.record(() => {
      acct.permissions.set(name, old);
    });
    this.addRam(acct.name, -(PERMISSION_RAM_BYTES + authorityBillableSize(old.auth)));
  }

  /** Sets (or, with `requirement` null, removes) the link `code:type` → permission. */
  setLink(acct: AccountRecord, code: string, type: string, requirement: string | null): void {
    const key = `${code}:${type}`;
    const old = acct.links.get(key);
    if (requirement === null) acct.links.delete(key);
    else acct.links.set(key, requirement);
    this.undo.record(() => {
      if (old === undefined) acct.links.delete(key);
      else acct.links.set(key, old);
    });
    const delta = (requirement === null ? 0 : 1) - (old === undefined ? 0 : 1);
    this.addRam(acct.name, delta * PERMISSION_LINK_RAM_BYTES);
  }

  /** Leap `lookup_linked_permission`: the exact link, else the code-wide link, else undefined. */
  linkedPermission(acct: AccountRecord, code: string, type: string): string | undefined {
    return acct.links.get(`${code}:${type}`) ?? acct.links.get(`${code}:`);
  }

  /**
   * sha256 over the whole state in a canonical order (accounts by name, permissions and links by
   * name, tables by code/scope/table, rows by key): two nodes agree on it exactly when their states
   * are identical. Used to check replay and restart.
   */
  digest(): Uint8Array {
    const w = new BinaryWriter(4096);
    w.u64(BigInt(this.globalSequence));
    const byName = <T>(m: Map<string, T>) => [...m.keys()].sort();
    for (const n of byName(this.accounts)) {
      const a = this.accounts.get(n)!;
      w.string(n);
      w.bool(a.privileged);
      w.raw(a.codeHash);
      w.bytes(a.abi ?? new Uint8Array(0));
      w.u32(a.ramUsage >>> 0);
      w.u32(a.recvSequence);
      w.u32(a.authSequence);
      w.u32(a.codeSequence);
      w.u32(a.abiSequence);
      w.string(String(a.creation));
      w.string(String(a.lastCodeUpdate));
      for (const p of byName(a.permissions)) w.string(`${p}:${JSON.stringify(a.permissions.get(p))}`);
      for (const l of byName(a.links)) w.string(`${l}=${a.links.get(l)}`);
    }
    const tables = [...this.accounts.values()].flatMap((a) => [...this.tables.tablesOf(a.value)]);
    tables.sort((x, y) =>
      x.code !== y.code
        ? x.code < y.code
          ? -1
          : 1
        : x.scope !== y.scope
          ? x.scope < y.scope
            ? -1
            : 1
          : x.table < y.table
            ? -1
            : x.table > y.table
              ? 1
              : 0,
    );
    for (const t of tables) {
      w.u64(t.code);
      w.u64(t.scope);
      w.u64(t.table);
      w.u64(t.payer);
      for (const k of t.keys()) {
        const r = t.rows.get(k)!;
        w.u64(k);
        w.u64(r.payer);
        w.bytes(r.value);
      }
    }
    for (const key of [...this.tables.indexes.keys()].sort()) {
      const ix = this.tables.indexes.get(key)!;
      w.string(key);
      w.u64(ix.payer);
      for (const e of ix.entries()) {
        w.u64(e.primary);
        w.string(String(e.secondary));
        w.u64(e.payer);
      }
    }
    return sha256(w.peek());
  }
}
