/**
 * Validation of what a DMCS sends back. A chain API reply is untrusted input: each shape the host
 * relies on is checked here, and anything else becomes a `BAD_REPLY` naming the field.
 */
import { DmcsError, type AntelopeErrorDetail } from './dmcs-error.js';
import type { ChainInfo, PushTransactionResult, TableRowsResult } from './dmcs-backend.js';
import { isLeapUnknownKey } from '../../lib/foreign-errors.js';
import { normalizeChainId } from '../../abi/antelope/index.js';

const HEX_64 = /^[0-9a-f]{64}$/i;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Antelope's error JSON, `{code, message, error:{code, name, what, details}}`, as a `REJECTED`
 * DmcsError; `undefined` when `body` is not that shape.
 */
export function antelopeErrorFrom(dmcs: string, body: unknown, status?: number): DmcsError | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const e = body.error;
  if (typeof e.name !== 'string' || e.name.length === 0) return undefined;
  const details: AntelopeErrorDetail[] = Array.isArray(e.details)
    ? e.details.filter(isRecord).map((d) => ({
        message: typeof d.message === 'string' ? d.message : '',
        ...(typeof d.file === 'string' ? { file: d.file } : {}),
        ...(typeof d.line_number === 'number' ? { line_number: d.line_number } : {}),
        ...(typeof d.method === 'string' ? { method: d.method } : {}),
      }))
    : [];
  const what = typeof e.what === 'string' ? e.what : typeof body.message === 'string' ? body.message : '';
  const first = details.find((d) => d.message)?.message;
  return DmcsError.rejected(dmcs, e.name, first ? `${what} (${first})` : what, {
    antelopeCode: typeof e.code === 'number' ? e.code : undefined,
    antelopeDetails: details,
    status,
    ...(isLeapUnknownKey(e.name, first) ? { missing: true } : {}),
  });
}

function need<T>(dmcs: string, what: string, ok: boolean, value: T): T {
  if (!ok) throw DmcsError.badReply(dmcs, what);
  return value;
}

export function checkChainInfo(dmcs: string, body: unknown): ChainInfo {
  if (!isRecord(body)) throw DmcsError.badReply(dmcs, 'get_info did not return a JSON object');
  need(
    dmcs,
    `get_info.chain_id must be 64 hex digits, got ${JSON.stringify(body.chain_id)}`,
    normalizeChainId(body.chain_id) !== undefined,
    0,
  );
  need(
    dmcs,
    `get_info.head_block_num must be a non-negative integer, got ${JSON.stringify(body.head_block_num)}`,
    Number.isSafeInteger(body.head_block_num) && (body.head_block_num as number) >= 0,
    0,
  );
  need(dmcs, 'get_info.head_block_id must be a string', typeof body.head_block_id === 'string', 0);
  const lib = body.last_irreversible_block_num;
  need(
    dmcs,
    'get_info.last_irreversible_block_num must be a non-negative integer',
    lib === undefined || (Number.isSafeInteger(lib) && (lib as number) >= 0),
    0,
  );
  return {
    ...body,
    chain_id: normalizeChainId(body.chain_id) as string,
    last_irreversible_block_num: (lib as number | undefined) ?? 0,
  } as ChainInfo;
}

export function checkObject(dmcs: string, endpoint: string, body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw DmcsError.badReply(dmcs, `${endpoint} did not return a JSON object`);
  return body;
}

export function checkTableRows(dmcs: string, body: unknown): TableRowsResult {
  const o = checkObject(dmcs, 'get_table_rows', body);
  need(dmcs, 'get_table_rows.rows must be an array', Array.isArray(o.rows), 0);
  return { ...o, rows: o.rows as unknown[], more: Boolean(o.more) };
}

export function checkPushResult(dmcs: string, body: unknown): PushTransactionResult {
  const o = checkObject(dmcs, 'push_transaction', body);
  need(
    dmcs,
    `push_transaction.transaction_id must be 64 hex digits, got ${JSON.stringify(o.transaction_id)}`,
    typeof o.transaction_id === 'string' && HEX_64.test(o.transaction_id),
    0,
  );
  need(dmcs, 'push_transaction.processed must be an object', isRecord(o.processed), 0);
  const p = o.processed as Record<string, unknown>;
  need(
    dmcs,
    'push_transaction.processed.block_num must be an integer when present',
    p.block_num === undefined || Number.isSafeInteger(p.block_num),
    0,
  );
  return { ...o, transaction_id: (o.transaction_id as string).toLowerCase(), processed: p } as PushTransactionResult;
}
