/**
 * The secondary-index intrinsics `db_idx64_*`, `db_idx128_*`, `db_idx256_*`, `db_idx_double_*`,
 * after Leap's `generic_index` (apply_context.hpp): each kind has its own iterator numbers; `-1` for a
 * missing index, end iterators ≤ -2; `find_secondary` is an exact match (lowest primary first),
 * `lowerbound`/`upperbound` write back the key and primary they land on, `find_primary` writes the
 * secondary; writes only to the receiver's indexes; NaN is refused as a double key. Enabled only when
 * the host implements `ContractDatabase.findIndex/createIndex` (see contract-host.ts).
 */
import { ContractError } from './contract-error.js';
import type { ApplyContext } from './apply-context.js';
import type { SecondaryKey, SecondaryKind, SecondaryTable } from './contract-host.js';
import type { ContextSlot } from './intrinsics/context.js';
import type { FuncType } from './intrinsic-types.js';

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const MASK64 = 0xffffffffffffffffn;
const MASK128 = (1n << 128n) - 1n;

/** How one kind's key is laid out in guest memory. */
interface KeyCodec {
  /** Reads a key at `ptr` (`len` is the idx256 array length in uint128 words, else unused). */
  read(c: ApplyContext, ptr: number, len: number): SecondaryKey;
  write(c: ApplyContext, ptr: number, len: number, key: SecondaryKey): void;
}

const read128 = (c: ApplyContext, ptr: number, what: string): bigint => {
  c.mem.check(ptr, 16, what);
  return (c.mem.readU64((ptr >>> 0) + 8) << 64n) | c.mem.readU64(ptr);
};
const write128 = (c: ApplyContext, ptr: number, v: bigint, what: string): void => {
  c.mem.writeU64(ptr, v & MASK64, what);
  c.mem.writeU64((ptr >>> 0) + 8, (v >> 64n) & MASK64, what);
};
const check256 = (len: number): void => {
  if (len !== 2)
    throw new ContractError(
      'wasm_execution_error',
      `invalid size of secondary key array for idx256: given ${len} uint128 words, expected 2`,
    );
};

const CODECS: Record<SecondaryKind, KeyCodec> = {
  idx64: {
    read: (c, p) => {
      c.mem.check(p, 8, 'idx64 key');
      return c.mem.readU64(p);
    },
    write: (c, p, _l, k) => c.mem.writeU64(p, k as bigint, 'idx64 key'),
  },
  idx128: {
    read: (c, p) => read128(c, p, 'idx128 key'),
    write: (c, p, _l, k) => write128(c, p, k as bigint, 'idx128 key'),
  },
  idx256: {
    read: (c, p, l) => {
      check256(l);
      return (read128(c, p, 'idx256 key') << 128n) | read128(c, (p >>> 0) + 16, 'idx256 key');
    },
    write: (c, p, l, k) => {
      check256(l);
      write128(c, p, (k as bigint) >> 128n, 'idx256 key');
      write128(c, (p >>> 0) + 16, (k as bigint) & MASK128, 'idx256 key');
    },
  },
  idx_double: {
    read: (c, p) => {
      const v = c.mem.readF64(p, 'idx_double key');
      if (Number.isNaN(v)) throw new ContractError('transaction_exception', 'NaN is not an allowed value for a secondary key');
      return v;
    },
    write: (c, p, _l, k) => c.mem.writeF64(p, k as number, 'idx_double key'),
  },
};

export const SECONDARY_KINDS: readonly SecondaryKind[] = ['idx64', 'idx128', 'idx256', 'idx_double'];

/** The wasm signatures of the secondary-index intrinsics (idx256 passes (pointer, word count)). */
export function secondaryIntrinsicTypes(): Record<string, FuncType> {
  const out: Record<string, FuncType> = {};
  const t = (params: string, results = ''): FuncType => ({
    params: params.split(',') as FuncType['params'],
    results: results ? [results as 'i32'] : [],
  });
  for (const k of SECONDARY_KINDS) {
    const key = k === 'idx256' ? 'i32,i32' : 'i32';
    out[`db_${k}_store`] = t(`i64,i64,i64,i64,${key}`, 'i32');
    out[`db_${k}_update`] = t(`i32,i64,${key}`);
    out[`db_${k}_remove`] = t('i32');
    out[`db_${k}_next`] = t('i32,i32', 'i32');
    out[`db_${k}_previous`] = t('i32,i32', 'i32');
    out[`db_${k}_find_primary`] = t(`i64,i64,i64,${key},i64`, 'i32');
    out[`db_${k}_find_secondary`] = t(`i64,i64,i64,${key},i32`, 'i32');
    out[`db_${k}_lowerbound`] = t(`i64,i64,i64,${key},i32`, 'i32');
    out[`db_${k}_upperbound`] = t(`i64,i64,i64,${key},i32`, 'i32');
    out[`db_${k}_end`] = t('i64,i64,i64', 'i32');
  }
  return out;
}

/** Builds the `db_idx*` functions reading the current action from `slot`. */
export function createSecondaryIntrinsics(slot: ContextSlot): Record<string, (...args: never[]) => unknown> {
  const out: Record<string, (...args: never[]) => unknown> = {};
  for (const kind of SECONDARY_KINDS) {
    const codec = CODECS[kind];
    const wide = kind === 'idx256';
    const cx = (): ApplyContext => {
      const c = slot.ctx;
      if (!c) throw new ContractError('wasm_execution_error', 'intrinsic called outside of an action');
      c.charge(0);
      return c;
    };
    const db = (c: ApplyContext) => {
      const d = c.host.db;
      if (!d.findIndex || !d.createIndex) throw new ContractError('unaccessible_api', 'secondary indexes are not supported by this node');
      return d as Required<typeof d>;
    };
    const findIndex = (c: ApplyContext, code: bigint, scope: bigint, table: bigint): SecondaryTable | undefined => {
      const its = c.secondaryIterators(kind);
      const cached = its.lookup(code, scope, table);
      if (cached) return cached;
      const t = db(c).findIndex(kind, code, scope, table);
      if (t) its.cacheTable(t);
      return t;
    };
    const own = (c: ApplyContext, it: number, op: string) => {
      const its = c.secondaryIterators(kind);
      const row = its.get(it);
      const table = its.tableOf(it);
      if (table.code !== c.action.receiver) throw new ContractError('table_access_violation', `db access violation: ${op}`);
      return { its, row, table };
    };
    // (…, keyPtr[, keyLen], primaryPtr) argument unpacking differs for idx256
    const split = (args: number[]): { keyPtr: number; keyLen: number; rest: number } =>
      wide ? { keyPtr: args[0]!, keyLen: args[1]!, rest: args[2]! } : { keyPtr: args[0]!, keyLen: 1, rest: args[1]! };
    const bound =
      (which: 'lowerbound' | 'upperbound') =>
      (code: bigint, scope: bigint, table: bigint, ...args: number[]): number => {
        const c = cx();
        const { keyPtr, keyLen, rest: primaryPtr } = split(args);
        const t = findIndex(c, u64(code), u64(scope), u64(table));
        if (!t) return -1;
        const its = c.secondaryIterators(kind);
        const end = its.cacheTable(t);
        const row = t[which](codec.read(c, keyPtr, keyLen));
        if (!row) return end;
        codec.write(c, keyPtr, keyLen, row.secondary);
        c.mem.writeU64(primaryPtr, row.primary, `db_${kind}_${which} primary`);
        return its.add(t, row);
      };

    out[`db_${kind}_store`] = (scope: bigint, table: bigint, payer: bigint, id: bigint, keyPtr: number, keyLen?: number): number => {
      const c = cx();
      const p = u64(payer),
        code = c.action.receiver,
        s = u64(scope),
        tn = u64(table),
        key = u64(id);
      if (p === 0n) throw new ContractError('invalid_table_payer', 'must specify a valid account to pay for new record');
      const secondary = codec.read(c, keyPtr, keyLen ?? 1);
      const its = c.secondaryIterators(kind);
      let t = findIndex(c, code, s, tn);
      if (t?.findPrimary(key)) throw new ContractError('database_exception', `db_${kind}_store: primary key ${key} already has an entry`);
      if (!t) {
        t = db(c).createIndex(kind, code, s, tn, p);
        its.cacheTable(t);
      }
      return its.add(t, t.store(p, key, secondary));
    };
    out[`db_${kind}_update`] = (it: number, payer: bigint, keyPtr: number, keyLen?: number): void => {
      const c = cx();
      const { its, row, table } = own(c, it, `db_${kind}_update`);
      const p = u64(payer);
      its.replace(it, table.update(row, p === 0n ? row.payer : p, codec.read(c, keyPtr, keyLen ?? 1)));
    };
    out[`db_${kind}_remove`] = (it: number): void => {
      const c = cx();
      const { its, row, table } = own(c, it, `db_${kind}_remove`);
      table.remove(row);
      its.remove(it);
      if (!table.last()) its.forget(table);
    };
    out[`db_${kind}_next`] = (it: number, primaryPtr: number): number => {
      if (it < -1) return -1;
      const c = cx();
      const its = c.secondaryIterators(kind);
      const row = its.get(it);
      const table = its.tableOf(it);
      const next = table.next(row);
      if (!next) return its.endOf(it);
      c.mem.writeU64(primaryPtr, next.primary, `db_${kind}_next primary`);
      return its.add(table, next);
    };
    out[`db_${kind}_previous`] = (it: number, primaryPtr: number): number => {
      const c = cx();
      const its = c.secondaryIterators(kind);
      let table: SecondaryTable, prev;
      if (it < -1) {
        table = its.tableOfEnd(it);
        prev = table.last();
      } else {
        const row = its.get(it);
        table = its.tableOf(it);
        prev = table.previous(row);
      }
      if (!prev) return -1;
      c.mem.writeU64(primaryPtr, prev.primary, `db_${kind}_previous primary`);
      return its.add(table, prev);
    };
    out[`db_${kind}_find_primary`] = (code: bigint, scope: bigint, table: bigint, ...args: Array<number | bigint>): number => {
      const c = cx();
      const keyPtr = args[0] as number,
        keyLen = wide ? (args[1] as number) : 1,
        primary = u64(args[wide ? 2 : 1] as bigint);
      if (wide) check256(keyLen);
      const t = findIndex(c, u64(code), u64(scope), u64(table));
      if (!t) return -1;
      const its = c.secondaryIterators(kind);
      const end = its.cacheTable(t);
      const row = t.findPrimary(primary);
      if (!row) return end;
      codec.write(c, keyPtr, keyLen, row.secondary);
      return its.add(t, row);
    };
    out[`db_${kind}_find_secondary`] = (code: bigint, scope: bigint, table: bigint, ...args: number[]): number => {
      const c = cx();
      const { keyPtr, keyLen, rest: primaryPtr } = split(args);
      const t = findIndex(c, u64(code), u64(scope), u64(table));
      if (!t) return -1;
      const its = c.secondaryIterators(kind);
      const end = its.cacheTable(t);
      const key = codec.read(c, keyPtr, keyLen);
      const row = t.lowerbound(key);
      if (!row || row.secondary !== key) return end; // === compares bigints by value; -0 === 0
      c.mem.writeU64(primaryPtr, row.primary, `db_${kind}_find_secondary primary`);
      return its.add(t, row);
    };
    out[`db_${kind}_lowerbound`] = bound('lowerbound');
    out[`db_${kind}_upperbound`] = bound('upperbound');
    out[`db_${kind}_end`] = (code: bigint, scope: bigint, table: bigint): number => {
      const c = cx();
      const t = findIndex(c, u64(code), u64(scope), u64(table));
      return t ? c.secondaryIterators(kind).cacheTable(t) : -1;
    };
  }
  return out as Record<string, (...args: never[]) => unknown>;
}
