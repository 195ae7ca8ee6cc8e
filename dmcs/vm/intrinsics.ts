/**
 * The Antelope intrinsics (module `env`) implemented over an `ApplyContext`. Semantics follow Leap
 * (`libraries/chain/webassembly/*.cpp`, `apply_context.cpp`): length-0 reads return the size,
 * iterators as in iterator-cache.ts, `memcpy` refuses overlapping ranges, `memcmp` returns -1/0/1,
 * privileged calls need a privileged receiver, 128-bit division by zero is `arithmetic_exception`.
 * The functions are created once per VM and read the running action from `slot.ctx`, so
 * instantiating a contract allocates no closures. Every call is charged CPU units (apply-context.ts).
 */
import { createHash } from 'node:crypto';
import { Name } from '../../abi/antelope/index.js';
import { ContractError } from './contract-error.js';
import type { ApplyContext } from './apply-context.js';
import type { ContractTable } from './contract-host.js';
import { MAX_ACTION_RETURN_VALUE_BYTES, MAX_INLINE_ACTION_BYTES } from './contract-host.js';
import { QUEUE_INTRINSIC_CPU_UNITS } from './contract-limits.js';

export interface ContextSlot { ctx: ApplyContext | null }

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const nameOf = (v: bigint): string => {
  try { return Name.fromU64(v).toString(); } catch { return v.toString(); }
};

/** Leap prints floats with `%.{digits}g`-like precision; JS's shortest round-trip form is close enough for a console. */
function formatFloat(v: number, digits: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  return String(Number(v.toPrecision(digits)));
}

function assertFailure(message: string): ContractError {
  return new ContractError('eosio_assert_message_exception', `assertion failure with message: ${message}`);
}

/** Builds the `env` import object reading the current action from `slot`. */
export function createIntrinsics(slot: ContextSlot): Record<string, (...args: never[]) => unknown> {
  const cx = (): ApplyContext => {
    const c = slot.ctx;
    if (!c) throw new ContractError('wasm_execution_error', 'intrinsic called outside of an action');
    c.charge(0);
    return c;
  };

  const privileged = (c: ApplyContext, fn: string): void => {
    if (!c.host.isPrivileged(c.action.receiver)) {
      throw new ContractError('unaccessible_api', `${nameOf(c.action.receiver)} does not have permission to call this API (${fn})`);
    }
  };

  /** A table by id: cached in this action, else from the host (caching it), else undefined. */
  const findTable = (c: ApplyContext, code: bigint, scope: bigint, table: bigint): ContractTable | undefined => {
    const cached = c.iterators.lookup(code, scope, table);
    if (cached) return cached;
    const t = c.host.db.findTable(code, scope, table);
    if (t) c.iterators.cacheTable(t);
    return t;
  };

  const ownRow = (c: ApplyContext, it: number, op: string) => {
    const row = c.iterators.get(it);
    const table = c.iterators.tableOf(it);
    if (table.code !== c.action.receiver) {
      throw new ContractError('table_access_violation', `db access violation: ${op} on a table of ${nameOf(table.code)} by ${nameOf(c.action.receiver)}`);
    }
    return { row, table };
  };

  const hasAuth = (c: ApplyContext, actor: bigint): boolean => {
    for (const a of c.action.authorization) if (a.actor === actor) return true;
    return false;
  };

  const bound = (kind: 'lowerbound' | 'upperbound') => (code: bigint, scope: bigint, table: bigint, id: bigint): number => {
    const c = cx();
    const t = findTable(c, u64(code), u64(scope), u64(table));
    if (!t) return -1;
    const end = c.iterators.cacheTable(t);
    const row = t[kind](u64(id));
    return row ? c.iterators.add(t, row) : end;
  };

  const hashInto = (alg: string) => (ptr: number, len: number, out: number): void => {
    const c = cx();
    c.charge(len >>> 0);
    const p = ptr >>> 0;
    const mem = c.mem.check(p, len, `${alg} data`);
    c.mem.write(out, createHash(alg).update(mem.subarray(p, p + (len >>> 0))).digest(), `${alg} hash`);
  };

  const assertHash = (alg: string) => (ptr: number, len: number, hash: number): void => {
    const c = cx();
    c.charge(len >>> 0);
    const p = ptr >>> 0;
    const mem = c.mem.check(p, len, `assert_${alg} data`);
    const digest = createHash(alg).update(mem.subarray(p, p + (len >>> 0))).digest();
    if (!digest.equals(c.mem.read(hash, digest.length, `assert_${alg} hash`))) {
      throw new ContractError('crypto_api_exception', 'hash mismatch');
    }
  };

  const read128 = (c: ApplyContext, ptr: number, what: string): bigint => {
    c.mem.check(ptr, 16, what);
    const lo = c.mem.readU64(ptr), hi = c.mem.readU64((ptr >>> 0) + 8);
    return (hi << 64n) | lo;
  };

  const write128 = (c: ApplyContext, ptr: number, v: bigint): void => {
    const u = BigInt.asUintN(128, v);
    c.mem.check(ptr, 16, '128-bit result');
    c.mem.writeU64(ptr, u & 0xffffffffffffffffn, '128-bit result');
    c.mem.writeU64((ptr >>> 0) + 8, u >> 64n, '128-bit result');
  };

  const join128 = (lo: bigint, hi: bigint): bigint => (u64(hi) << 64n) | u64(lo);

  const shift = (op: (v: bigint, s: bigint) => bigint) => (ret: number, lo: bigint, hi: bigint, s: number): void => {
    const c = cx();
    // shifts of 128 or more give 0 (or the sign for an arithmetic right shift), never wrap around
    write128(c, ret, op(join128(lo, hi), BigInt(Math.min(s >>> 0, 128))));
  };

  const binary128 = (op: (a: bigint, b: bigint) => bigint, signed: boolean, divides = false) =>
    (ret: number, la: bigint, ha: bigint, lb: bigint, hb: bigint): void => {
      const c = cx();
      let a = join128(la, ha), b = join128(lb, hb);
      if (signed) { a = BigInt.asIntN(128, a); b = BigInt.asIntN(128, b); }
      if (divides && b === 0n) throw new ContractError('arithmetic_exception', 'divide by zero');
      write128(c, ret, op(a, b));
    };

  return {
    // ---- authorization
    require_auth(name: bigint): void {
      const c = cx();
      const n = u64(name);
      if (!hasAuth(c, n)) throw new ContractError('missing_auth_exception', `missing authority of ${nameOf(n)}`);
    },
    require_auth2(name: bigint, permission: bigint): void {
      const c = cx();
      const n = u64(name), p = u64(permission);
      for (const a of c.action.authorization) if (a.actor === n && a.permission === p) return;
      throw new ContractError('missing_auth_exception', `missing authority of ${nameOf(n)}/${nameOf(p)}`);
    },
    has_auth(name: bigint): number { return hasAuth(cx(), u64(name)) ? 1 : 0; },
    is_account(name: bigint): number { return cx().host.isAccount(u64(name)) ? 1 : 0; },
    require_recipient(name: bigint): void {
      const c = cx();
      c.hostUnits += QUEUE_INTRINSIC_CPU_UNITS;
      c.host.requireRecipient(u64(name));
    },

    // ---- action
    read_action_data(ptr: number, len: number): number {
      const c = cx();
      const data = c.action.data;
      if (len === 0) return data.length;
      const n = Math.min(len >>> 0, data.length);
      c.charge(n);
      c.mem.write(ptr, n === data.length ? data : data.subarray(0, n), 'read_action_data buffer');
      return n;
    },
    action_data_size(): number { return cx().action.data.length; },
    current_receiver(): bigint { return cx().action.receiver; },
    set_action_return_value(ptr: number, len: number): void {
      const c = cx();
      if (len >>> 0 > MAX_ACTION_RETURN_VALUE_BYTES) {
        throw new ContractError('action_return_value_exception', `action return value size must be less or equal to ${MAX_ACTION_RETURN_VALUE_BYTES} bytes, got ${len >>> 0}`);
      }
      c.returnValue = c.mem.read(ptr, len, 'set_action_return_value data');
    },
    send_inline(ptr: number, len: number): void {
      const c = cx();
      if (len >>> 0 > MAX_INLINE_ACTION_BYTES) {
        throw new ContractError('inline_action_too_big', `inline action too big: ${len >>> 0} bytes; the limit is ${MAX_INLINE_ACTION_BYTES}`);
      }
      c.hostUnits += QUEUE_INTRINSIC_CPU_UNITS;
      c.charge(len >>> 0);
      c.host.sendInline(c.mem.read(ptr, len, 'send_inline action'));
    },

    // ---- assertions
    eosio_assert(test: number, msg: number): void {
      if (test !== 0) return;
      throw assertFailure(cx().mem.cstring(msg, 'eosio_assert message'));
    },
    eosio_assert_message(test: number, msg: number, len: number): void {
      if (test !== 0) return;
      throw assertFailure(cx().mem.text(msg, len, 'eosio_assert_message message'));
    },
    eosio_assert_code(test: number, code: bigint): void {
      if (test !== 0) return;
      throw new ContractError('eosio_assert_code_exception', `assertion failure with error code: ${u64(code)}`);
    },
    abort(): void { throw new ContractError('abort_called', 'abort() called'); },

    // ---- console
    prints(ptr: number): void {
      const c = cx();
      const len = c.mem.cstringLength(ptr, 'prints string');
      c.charge(len); // the scan for the NUL is work too
      c.print(c.mem.text(ptr, len, 'prints string'));
    },
    prints_l(ptr: number, len: number): void { const c = cx(); c.charge(len >>> 0); c.print(c.mem.text(ptr, len, 'prints_l string')); },
    printi(v: bigint): void { cx().print(BigInt.asIntN(64, v).toString()); },
    printui(v: bigint): void { cx().print(u64(v).toString()); },
    printn(v: bigint): void { cx().print(nameOf(u64(v))); },
    printi128(ptr: number): void { const c = cx(); c.print(BigInt.asIntN(128, read128(c, ptr, 'printi128 value')).toString()); },
    printui128(ptr: number): void { const c = cx(); c.print(read128(c, ptr, 'printui128 value').toString()); },
    printsf(v: number): void { cx().print(formatFloat(v, 9)); },
    printdf(v: number): void { cx().print(formatFloat(v, 17)); },
    printhex(ptr: number, len: number): void {
      const c = cx();
      c.charge(len >>> 0);
      c.print(Buffer.from(c.mem.read(ptr, len, 'printhex data')).toString('hex'));
    },

    // ---- primary-key tables
    db_store_i64(scope: bigint, table: bigint, payer: bigint, id: bigint, ptr: number, len: number): number {
      const c = cx();
      const code = c.action.receiver, s = u64(scope), tn = u64(table), p = u64(payer), key = u64(id);
      if (p === 0n) throw new ContractError('invalid_table_payer', 'must specify a valid account to pay for new record');
      c.charge(len >>> 0);
      const value = c.mem.read(ptr, len, 'db_store_i64 data');
      let t = findTable(c, code, s, tn);
      if (t && t.find(key)) {
        throw new ContractError('database_exception', `db_store_i64: a row with primary key ${key} already exists in ${nameOf(code)} ${nameOf(s)} ${nameOf(tn)}`);
      }
      if (!t) { t = c.host.db.createTable(code, s, tn, p); c.iterators.cacheTable(t); }
      const row = t.store(p, key, value);
      return c.iterators.add(t, row);
    },
    db_update_i64(it: number, payer: bigint, ptr: number, len: number): void {
      const c = cx();
      const { row, table } = ownRow(c, it, 'db_update_i64');
      const p = u64(payer);
      c.charge(len >>> 0);
      const next = table.update(row, p === 0n ? row.payer : p, c.mem.read(ptr, len, 'db_update_i64 data'));
      c.iterators.replace(it, next);
    },
    db_remove_i64(it: number): void {
      const c = cx();
      const { row, table } = ownRow(c, it, 'db_remove_i64');
      table.remove(row);
      c.iterators.remove(it);
      if (!table.last()) c.iterators.forget(table);
    },
    db_get_i64(it: number, ptr: number, len: number): number {
      const c = cx();
      const row = c.iterators.get(it);
      const size = row.value.length;
      if (len === 0) return size;
      const n = Math.min(len >>> 0, size);
      c.charge(n);
      c.mem.write(ptr, n === size ? row.value : row.value.subarray(0, n), 'db_get_i64 buffer');
      return n;
    },
    db_next_i64(it: number, primaryPtr: number): number {
      if (it < -1) return -1; // cannot increment past the end iterator
      const c = cx();
      const row = c.iterators.get(it);
      const table = c.iterators.tableOf(it);
      const next = table.upperbound(row.primary);
      if (!next) return c.iterators.endOf(it);
      c.mem.writeU64(primaryPtr, next.primary, 'db_next_i64 primary');
      return c.iterators.add(table, next);
    },
    db_previous_i64(it: number, primaryPtr: number): number {
      const c = cx();
      if (it < -1) {
        const table = c.iterators.tableOfEnd(it);
        const last = table.last();
        if (!last) return -1;
        c.mem.writeU64(primaryPtr, last.primary, 'db_previous_i64 primary');
        return c.iterators.add(table, last);
      }
      const row = c.iterators.get(it);
      const table = c.iterators.tableOf(it);
      const prev = table.previous(row.primary);
      if (!prev) return -1;
      c.mem.writeU64(primaryPtr, prev.primary, 'db_previous_i64 primary');
      return c.iterators.add(table, prev);
    },
    db_find_i64(code: bigint, scope: bigint, table: bigint, id: bigint): number {
      const c = cx();
      const t = findTable(c, u64(code), u64(scope), u64(table));
      if (!t) return -1;
      const end = c.iterators.cacheTable(t);
      const row = t.find(u64(id));
      return row ? c.iterators.add(t, row) : end;
    },
    db_lowerbound_i64: bound('lowerbound'),
    db_upperbound_i64: bound('upperbound'),
    db_end_i64(code: bigint, scope: bigint, table: bigint): number {
      const c = cx();
      const t = findTable(c, u64(code), u64(scope), u64(table));
      return t ? c.iterators.cacheTable(t) : -1;
    },

    // ---- memory
    memcpy(dest: number, src: number, len: number): number {
      const c = cx();
      const d = dest >>> 0, s = src >>> 0, n = len >>> 0;
      if ((d > s ? d - s : s - d) < n) throw new ContractError('overlapping_memory_error', 'memcpy can only accept non-aliasing pointers');
      c.charge(n);
      c.mem.check(s, n, 'memcpy source');
      c.mem.check(d, n, 'memcpy destination').copyWithin(d, s, s + n);
      return dest;
    },
    memmove(dest: number, src: number, len: number): number {
      const c = cx();
      const d = dest >>> 0, s = src >>> 0, n = len >>> 0;
      c.charge(n);
      c.mem.check(s, n, 'memmove source');
      c.mem.check(d, n, 'memmove destination').copyWithin(d, s, s + n);
      return dest;
    },
    memset(dest: number, value: number, len: number): number {
      const c = cx();
      const d = dest >>> 0, n = len >>> 0;
      c.charge(n);
      c.mem.check(d, n, 'memset destination').fill(value & 0xff, d, d + n);
      return dest;
    },
    memcmp(a: number, b: number, len: number): number {
      const c = cx();
      const pa = a >>> 0, pb = b >>> 0, n = len >>> 0;
      c.charge(n);
      c.mem.check(pa, n, 'memcmp first');
      const mem = c.mem.check(pb, n, 'memcmp second');
      const r = Buffer.compare(mem.subarray(pa, pa + n), mem.subarray(pb, pb + n));
      return r < 0 ? -1 : r > 0 ? 1 : 0;
    },

    // ---- crypto
    sha256: hashInto('sha256'),
    assert_sha256: assertHash('sha256'),
    sha1: hashInto('sha1'),
    assert_sha1: assertHash('sha1'),
    sha512: hashInto('sha512'),
    assert_sha512: assertHash('sha512'),
    ripemd160: hashInto('ripemd160'),
    assert_ripemd160: assertHash('ripemd160'),

    // ---- compiler builtins (Leap's compiler_builtins.cpp): 128-bit integers as (low, high) halves
    __ashlti3: shift((v, s) => v << s),
    __lshlti3: shift((v, s) => v << s),
    __ashrti3: shift((v, s) => BigInt.asIntN(128, v) >> s),
    __lshrti3: shift((v, s) => v >> s),
    __multi3: binary128((a, b) => a * b, false),
    __divti3: binary128((a, b) => a / b, true, true),
    __udivti3: binary128((a, b) => a / b, false, true),
    __modti3: binary128((a, b) => a % b, true, true),
    __umodti3: binary128((a, b) => a % b, false, true),

    // ---- time and TaPoS
    current_time(): bigint { return cx().host.currentTime(); },
    publication_time(): bigint { return cx().host.publicationTime(); },
    tapos_block_num(): number { return cx().host.taposBlockNum(); },
    tapos_block_prefix(): number { return cx().host.taposBlockPrefix() | 0; },

    // ---- producers and privileged
    get_active_producers(ptr: number, len: number): number {
      const c = cx();
      const producers = c.host.activeProducers();
      const size = producers.length * 8;
      if (len === 0) return size;
      const n = Math.min(len >>> 0, size);
      const bytes = new Uint8Array(size);
      const dv = new DataView(bytes.buffer);
      producers.forEach((p, i) => dv.setBigUint64(i * 8, p, true));
      c.mem.write(ptr, bytes.subarray(0, n), 'get_active_producers buffer');
      return n;
    },
    is_privileged(name: bigint): number { return cx().host.isPrivileged(u64(name)) ? 1 : 0; },
    set_blockchain_parameters_packed(ptr: number, len: number): void {
      const c = cx();
      privileged(c, 'set_blockchain_parameters_packed');
      if (!c.host.setBlockchainParameters) throw new ContractError('unaccessible_api', 'set_blockchain_parameters_packed is not supported by this node');
      c.host.setBlockchainParameters(c.mem.read(ptr, len, 'set_blockchain_parameters_packed data'));
    },
    get_blockchain_parameters_packed(ptr: number, len: number): number {
      const c = cx();
      privileged(c, 'get_blockchain_parameters_packed');
      if (!c.host.getBlockchainParameters) throw new ContractError('unaccessible_api', 'get_blockchain_parameters_packed is not supported by this node');
      const packed = c.host.getBlockchainParameters();
      if (len === 0) return packed.length;
      if (packed.length > len >>> 0) return 0;
      c.mem.write(ptr, packed, 'get_blockchain_parameters_packed buffer');
      return packed.length;
    },
    set_proposed_producers(ptr: number, len: number): bigint {
      const c = cx();
      privileged(c, 'set_proposed_producers');
      if (!c.host.setProposedProducers) throw new ContractError('unaccessible_api', 'set_proposed_producers is not supported by this node');
      return c.host.setProposedProducers(c.mem.read(ptr, len, 'set_proposed_producers data'));
    },
  } as unknown as Record<string, (...args: never[]) => unknown>;
}
