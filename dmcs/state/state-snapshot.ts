/**
 * State snapshots: the whole chain state after block N as JSON, so a restart replays only the
 * blocks after N instead of the whole log. A snapshot is only a cache of what the log implies:
 * it is taken synchronously when block N is sealed (before any later transaction runs), written
 * atomically after N is in the log, used only when the log's block N has the recorded id, and
 * thrown away (full replay) unless the restored state hashes to the recorded state digest.
 */
import { hexToBytes, bytesToHex } from '../../abi/antelope/index.js';
import type { ChainState, AccountRecord, PermissionRecord } from './chain-state.js';
import type { SecondaryKind } from '../vm/contract-host.js';

/** Bump when the layout changes; other versions are ignored (full replay). */
export const SNAPSHOT_VERSION = 1;

interface AccountDump {
  name: string;
  creation: number;
  privileged: boolean;
  code: string | null;
  codeHash: string;
  lastCodeUpdate: number;
  codeSequence: number;
  abi: string | null;
  abiSequence: number;
  ramUsage: number;
  recvSequence: number;
  authSequence: number;
  permissions: PermissionRecord[];
  links: Array<[string, string]>;
}

export interface StateDump {
  globalSequence: number;
  accounts: AccountDump[];
  tables: Array<{ code: string; scope: string; table: string; payer: string; rows: Array<[string, string, string]> }>;
  indexes: Array<{
    kind: SecondaryKind;
    code: string;
    scope: string;
    table: string;
    payer: string;
    entries: Array<[string, string | number, string]>;
  }>;
}

export interface Snapshot {
  version: number;
  blockNum: number;
  blockId: string;
  stateDigest: string;
  state: StateDump;
  /** Known transaction ids and their expirations (duplicate checks). */
  recent: Array<[string, number]>;
  /** [block number, id hex, slot] of the last `SNAPSHOT_SUMMARIES` blocks (TaPoS). */
  summaries: Array<[number, string, number]>;
}

/** How many recent block ids a snapshot keeps for TaPoS (older references fail after a restart). */
export const SNAPSHOT_SUMMARIES = 1024;

export function dumpState(st: ChainState): StateDump {
  const accounts: AccountDump[] = [...st.accounts.values()].map((a) => ({
    name: a.name,
    creation: a.creation,
    privileged: a.privileged,
    code: a.code ? bytesToHex(a.code) : null,
    codeHash: bytesToHex(a.codeHash),
    lastCodeUpdate: a.lastCodeUpdate,
    codeSequence: a.codeSequence,
    abi: a.abi ? bytesToHex(a.abi) : null,
    abiSequence: a.abiSequence,
    ramUsage: a.ramUsage,
    recvSequence: a.recvSequence,
    authSequence: a.authSequence,
    permissions: [...a.permissions.values()],
    links: [...a.links],
  }));
  const tables: StateDump['tables'] = [];
  for (const a of st.accounts.values()) {
    for (const t of st.tables.tablesOf(a.value)) {
      tables.push({
        code: String(t.code),
        scope: String(t.scope),
        table: String(t.table),
        payer: String(t.payer),
        rows: [...t.keys()].map((k) => {
          const r = t.rows.get(k)!;
          return [String(k), String(r.payer), bytesToHex(r.value)];
        }),
      });
    }
  }
  const indexes: StateDump['indexes'] = [...st.tables.indexes.values()].map((ix) => ({
    kind: ix.kind,
    code: String(ix.code),
    scope: String(ix.scope),
    table: String(ix.table),
    payer: String(ix.payer),
    entries: [...ix.entries()].map((e) => [
      String(e.primary),
      typeof e.secondary === 'number' ? e.secondary : String(e.secondary),
      String(e.payer),
    ]),
  }));
  return { globalSequence: st.globalSequence, accounts, tables, indexes };
}

/** Loads a dump into an empty-but-for-genesis state (outside any undo checkpoint). */
export function loadState(st: ChainState, d: StateDump): void {
  for (const a of d.accounts) {
    const owner = a.permissions.find((p) => p.name === 'owner')!;
    const active = a.permissions.find((p) => p.name === 'active')!;
    const acct: AccountRecord = st.getAccount(a.name) ?? st.createAccount(a.name, owner.auth, active.auth, a.creation, a.privileged);
    acct.privileged = a.privileged;
    acct.code = a.code === null ? null : hexToBytes(a.code);
    acct.codeHash = hexToBytes(a.codeHash);
    acct.codeHashHex = a.code === null ? '' : a.codeHash;
    acct.lastCodeUpdate = a.lastCodeUpdate;
    acct.codeSequence = a.codeSequence;
    acct.abi = a.abi === null ? null : hexToBytes(a.abi);
    acct.abiSequence = a.abiSequence;
    acct.recvSequence = a.recvSequence;
    acct.authSequence = a.authSequence;
    acct.permissions.clear();
    for (const p of a.permissions) acct.permissions.set(p.name, p);
    acct.links.clear();
    for (const [k, v] of a.links) acct.links.set(k, v);
  }
  for (const t of d.tables) {
    const table = st.tables.createTable(BigInt(t.code), BigInt(t.scope), BigInt(t.table), BigInt(t.payer));
    for (const [pk, payer, hex] of t.rows) table.store(BigInt(payer), BigInt(pk), hexToBytes(hex));
  }
  for (const ix of d.indexes) {
    const index = st.tables.createIndex(ix.kind, BigInt(ix.code), BigInt(ix.scope), BigInt(ix.table), BigInt(ix.payer));
    for (const [pk, sec, payer] of ix.entries) index.store(BigInt(payer), BigInt(pk), typeof sec === 'number' ? sec : BigInt(sec));
  }
  // RAM was charged again while rebuilding; the dump holds the true figures
  for (const a of d.accounts) {
    st.getAccount(a.name)!.ramUsage = a.ramUsage;
    st.touch(a.name); // fields were set directly: rehash at the next digest
  }
  st.globalSequence = d.globalSequence;
}
