/**
 * `get_table_rows` over the primary index, with Leap's parameter parsing: scope and bounds as
 * uint64 numbers, names or symbol codes (`convert_to_type<uint64_t>`), inclusive upper bound,
 * `limit` (default 10, capped; a page also ends at MAX_TABLE_ROWS_BYTES of rows), `reverse`,
 * `more`/`next_key`, rows as JSON (decoded with the contract's ABI) or hex, optional payers. Secondary indexes (`index_position` ≥ 2) are read like
 * Leap's `get_table_rows_by_seckey`: the index table name is the table name with the position in
 * its low 4 bits, `key_type` picks the kind (i64/name → idx64, i128 → idx128, float64 → idx_double,
 * i256/sha256 → idx256), bounds and `next_key` are secondary keys.
 */
import { Name, bytesToHex } from '../../abi/antelope/index.js';
import { ChainError } from '../chain-error.js';
import { paramText } from './request-body.js';
import type { TableStore } from '../state/table-store.js';
import type { DbRow, SecondaryKey, SecondaryKind, SecondaryRow } from '../vm/contract-host.js';
import { compareSecondary } from '../state/secondary-index.js';
import { secondaryFits } from '../state/index-codec.js';
import { nameOf } from '../chain/transaction-executor.js';

/** Leap's default page size. */
export const DEFAULT_TABLE_ROWS = 10;
/** Most rows one request returns (Leap bounds a request by time instead; we bound by count). */
export const MAX_TABLE_ROWS = 1000;
/**
 * Bytes of row values one reply carries (as hex or JSON it is about twice that, within the 16 MiB
 * a host reads of a reply): a page ends early past it, `more` set and `next_key` naming the row
 * that did not fit, and holds at least one row, so paging always moves on. A contract's row is
 * bounded only by its memory (33 MiB) and accounts' RAM is unlimited by default: before, one
 * get_table_rows of 24 rows of 16 MiB held the node's thread 12.9 s, took it from 0.7 to 2.2 GB,
 * and ended in a 500 (the reply was past V8's longest string).
 */
export const MAX_TABLE_ROWS_BYTES = 4 * 1024 * 1024;
const U64_MAX = 0xffffffffffffffffn;

export interface TableRowsParams {
  code?: unknown;
  table?: unknown;
  scope?: unknown;
  lower_bound?: unknown;
  upper_bound?: unknown;
  limit?: unknown;
  reverse?: unknown;
  json?: unknown;
  show_payer?: unknown;
  key_type?: unknown;
  index_position?: unknown;
  encode_type?: unknown;
}

/** Symbol code value of an upper-case code like `EOS` (Leap `string_to_symbol(0, s) >> 8`). */
function symbolCodeValue(s: string): bigint | undefined {
  if (!/^[A-Z]{1,7}$/.test(s)) return undefined;
  let v = 0n;
  for (let i = s.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(s.charCodeAt(i));
  return v;
}

/** Leap `convert_to_type<uint64_t>`: a decimal number, a name, `precision,CODE`, or a symbol code. */
export function toUint64(value: unknown, what: string): bigint {
  const str = typeof value === 'number' ? String(value) : value;
  if (typeof str !== 'string')
    throw new ChainError(
      'chain_type_exception',
      `Could not convert ${what} '${JSON.stringify(value) ?? String(value)}' to any of the following: uint64_t, valid name, or valid symbol (with or without the precision)`,
    );
  if (/^\d+$/.test(str)) {
    const v = BigInt(str);
    if (v <= U64_MAX) return v;
  }
  try {
    return Name.from(str.trim()).value;
  } catch {
    /* not a name */
  }
  const comma = str.indexOf(',');
  if (comma >= 0) {
    const prec = Number(str.slice(0, comma));
    const code = symbolCodeValue(str.slice(comma + 1));
    if (Number.isInteger(prec) && prec >= 0 && prec <= 18 && code !== undefined) return (code << 8n) | BigInt(prec);
  }
  const code = symbolCodeValue(str);
  if (code !== undefined) return code;
  throw new ChainError(
    'chain_type_exception',
    `Could not convert ${what} string '${str}' to any of the following: uint64_t, valid name, or valid symbol (with or without the precision)`,
  );
}

function nameParam(value: unknown, what: string): bigint {
  if (typeof value !== 'string') throw new ChainError('name_type_exception', `${what}: expected a name, got ${JSON.stringify(value)}`);
  try {
    return Name.from(value).value;
  } catch (e) {
    throw new ChainError('name_type_exception', `${what}: ${(e as Error).message}`);
  }
}

function boundParam(value: unknown, keyType: string, what: string): bigint | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (keyType === 'name') return nameParam(paramText(value, what), what);
  return toUint64(value, what);
}

export interface TableRowsResult {
  rows: unknown[];
  more: boolean;
  next_key: string;
}

export function queryTableRows(
  tables: TableStore,
  p: TableRowsParams,
  decodeRow: ((bytes: Uint8Array) => unknown) | null,
): TableRowsResult {
  const code = nameParam(p.code, 'code');
  const table = nameParam(p.table, 'table');
  const scope = p.scope === undefined || p.scope === '' ? code : toUint64(p.scope, 'scope');
  const keyType = typeof p.key_type === 'string' ? p.key_type : '';
  const pos = indexPosition(p.index_position);
  if (pos > 0) return querySecondary(tables, p, code, scope, table, pos, keyType, decodeRow);
  const lower = boundParam(p.lower_bound, keyType, 'lower_bound') ?? 0n;
  const upper = boundParam(p.upper_bound, keyType, 'upper_bound') ?? U64_MAX;
  const limit = limitParam(p.limit);
  const json = p.json === true || p.json === 'true';
  const showPayer = p.show_payer === true || p.show_payer === 'true';
  const reverse = p.reverse === true || p.reverse === 'true';
  const t = tables.findTable(code, scope, table);
  const out: TableRowsResult = { rows: [], more: false, next_key: '' };
  if (!t || lower > upper) return out;
  // by keys, one step at a time (a big table read back from the store walks only the page): up to
  // limit rows in [lower, upper] within MAX_TABLE_ROWS_BYTES, the first row past the page naming
  // the next page's start
  const rows: DbRow[] = [];
  let bytes = 0;
  let r = reverse ? (upper === U64_MAX ? t.last() : t.previous(upper + 1n)) : t.lowerbound(lower);
  while (r !== undefined && (reverse ? r.primary >= lower : r.primary <= upper)) {
    if (rows.length === limit || !fitsPage(rows.length, bytes, r.value.length)) {
      out.more = true;
      out.next_key = keyType === 'name' ? nameOf(r.primary) : r.primary.toString();
      break;
    }
    rows.push(r);
    bytes += r.value.length;
    r = reverse ? t.previous(r.primary) : t.upperbound(r.primary);
  }
  for (const r of rows) {
    let data: unknown = bytesToHex(r.value);
    if (json && decodeRow) {
      try {
        data = decodeRow(r.value);
      } catch {
        /* Leap falls back to hex when the ABI cannot decode a row */
      }
    }
    out.rows.push(showPayer ? { data, payer: nameOf(r.payer) } : data);
  }
  return out;
}

/** Whether a row of `size` bytes joins a page of `rows` rows holding `bytes`: within MAX_TABLE_ROWS_BYTES, or the page's first row. */
function fitsPage(rows: number, bytes: number, size: number): boolean {
  return rows === 0 || bytes + size <= MAX_TABLE_ROWS_BYTES;
}

/** `limit`: a non-negative integer (a number or its text), `DEFAULT_TABLE_ROWS` when absent, at most `MAX_TABLE_ROWS`. */
function limitParam(v: unknown): number {
  if (v === undefined || v === null) return DEFAULT_TABLE_ROWS;
  const n = Number(paramText(v, 'limit'));
  if (!Number.isInteger(n) || n < 0)
    throw new ChainError('chain_type_exception', `limit: expected a non-negative integer, got ${JSON.stringify(v)}`);
  return Math.min(n, MAX_TABLE_ROWS);
}

/** Leap's `get_table_index_name` position: 0 = primary, 1 = secondary, 2 = tertiary, … */
export function indexPosition(v: unknown): number {
  const p = v === undefined || v === null ? '' : paramText(v, 'index_position');
  if (p === '' || p === 'first' || p === 'primary' || p === 'one') return 0;
  if (p.startsWith('sec') || p === 'two') return 1;
  if (p.startsWith('ter') || p.startsWith('th')) return 2;
  if (p.startsWith('fou')) return 3;
  if (p.startsWith('fi')) return 4;
  if (p.startsWith('six')) return 5;
  if (p.startsWith('sev')) return 6;
  if (p.startsWith('eig')) return 7;
  if (p.startsWith('nin')) return 8;
  if (p.startsWith('ten')) return 9;
  if (!/^\d+$/.test(p)) throw new ChainError('contract_table_query_exception', `Invalid index_position: ${p}`);
  const n = Number(p);
  return n < 2 ? 0 : Math.min(n - 1, 15);
}

function kindOf(keyType: string): SecondaryKind {
  switch (keyType) {
    case '':
    case 'i64':
    case 'name':
      return 'idx64';
    case 'i128':
      return 'idx128';
    case 'float64':
      return 'idx_double';
    case 'i256':
    case 'sha256':
      return 'idx256';
    default:
      throw new ChainError('contract_table_query_exception', `unsupported secondary index type: ${keyType}`);
  }
}

function secondaryBound(v: unknown, kind: SecondaryKind, keyType: string, what: string): SecondaryKey | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = paramText(v, what);
  try {
    if (kind === 'idx64') return keyType === 'name' ? Name.from(s).value : toUint64(s, what);
    if (kind === 'idx_double') {
      const d = Number(s);
      if (Number.isNaN(d)) throw new Error('not a number');
      return d;
    }
    const hex = s.startsWith('0x') ? s : kind === 'idx256' ? `0x${s}` : s;
    const key = BigInt(hex);
    // a key of the kind's width only: an index read back from the store walks order keys of that width
    if (!secondaryFits(kind, key)) throw new RangeError('out of range');
    return key;
  } catch (e) {
    if (e instanceof ChainError) throw e;
    throw new ChainError('chain_type_exception', `Could not convert ${what} string '${s}' to a ${keyType || 'i64'} key`);
  }
}

function secondaryString(k: SecondaryKey, kind: SecondaryKind, keyType: string): string {
  if (kind === 'idx64') return keyType === 'name' ? nameOf(k as bigint) : String(k);
  if (kind === 'idx_double') return String(k);
  return `0x${(k as bigint).toString(16).padStart(kind === 'idx128' ? 32 : 64, '0')}`;
}

function querySecondary(
  tables: TableStore,
  p: TableRowsParams,
  code: bigint,
  scope: bigint,
  table: bigint,
  pos: number,
  keyType: string,
  decodeRow: ((bytes: Uint8Array) => unknown) | null,
): TableRowsResult {
  if ((table & 0xfn) !== 0n) throw new ChainError('contract_table_query_exception', `Unsupported table name: ${nameOf(table)}`);
  const kind = kindOf(keyType);
  const ix = tables.findIndex(kind, code, scope, table | BigInt(pos));
  const out: TableRowsResult = { rows: [], more: false, next_key: '' };
  const primary = tables.findTable(code, scope, table);
  if (!ix || !primary) return out;
  const lower = secondaryBound(p.lower_bound, kind, keyType, 'lower_bound');
  const upper = secondaryBound(p.upper_bound, kind, keyType, 'upper_bound');
  const limit = limitParam(p.limit);
  const reverse = p.reverse === true || p.reverse === 'true';
  const json = p.json === true || p.json === 'true';
  const showPayer = p.show_payer === true || p.show_payer === 'true';
  // walked entry by entry from the range's first end (an index read back by its header reads the
  // store's entries on the way, so a page costs its length, not its position)
  const inRange = (e: SecondaryRow): boolean =>
    (lower === undefined || compareSecondary(e.secondary, lower) >= 0) &&
    (upper === undefined || compareSecondary(e.secondary, upper) <= 0);
  let e: SecondaryRow | undefined;
  if (!reverse) e = lower === undefined ? ix.first() : ix.lowerbound(lower);
  else {
    const past = upper === undefined ? undefined : ix.upperbound(upper);
    e = past === undefined ? ix.last() : ix.previous(past);
  }
  let bytes = 0;
  for (let taken = 0; e !== undefined && inRange(e) && taken < limit; e = reverse ? ix.previous(e) : ix.next(e)) {
    const r = primary.find(e.primary);
    if (r && !fitsPage(out.rows.length, bytes, r.value.length)) break; // `e` names the next page
    taken++;
    if (!r) continue;
    bytes += r.value.length;
    let data: unknown = bytesToHex(r.value);
    if (json && decodeRow) {
      try {
        data = decodeRow(r.value);
      } catch {
        /* hex */
      }
    }
    out.rows.push(showPayer ? { data, payer: nameOf(r.payer) } : data);
  }
  if (e !== undefined && inRange(e)) {
    out.more = true;
    out.next_key = secondaryString(e.secondary, kind, keyType);
  }
  return out;
}
