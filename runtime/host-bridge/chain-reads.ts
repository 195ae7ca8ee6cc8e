/**
 * The `chain` ISA's reads in the main thread: through the hybrid API of the app's DMCS (cached by
 * head block, stale while offline), within the app's `chain.read` scope (tables of its contracts
 * only; info and accounts for any app holding chain.read). A stale answer carries `stale: true`
 * and `stale_at_block`. A table query may name a sealed field to open (`"open": FIELD`, see
 * runtime/transaction-service/sealed-fields.ts); that needs `opener` (the vault) and a dmcs.push
 * grant on the contract read (an app opens only the sealed fields of a contract it may push to),
 * and opens at most `MAX_SEALED_OPENS_PER_READ` of them, one at a time.
 */
import { pack } from '../../abi/msgpack/codec.js';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import type { ChainReadScope, DmcsPushScope } from '../capabilities.js';
import type { ChainCheckedBackend, Dispatcher, TableRowsQuery } from '../dispatch/index.js';
import type { HybridApi, HybridRead } from '../hybrid-cache/index.js';
import { BridgeError } from './bridge-error.js';
import { decodeGuestPayload } from './guest-payload.js';
import type { AppInfo } from './app-directory.js';
import type { BridgeOp } from './bridge-protocol.js';
import { MAX_SEALED_OPENS_PER_READ } from '../transaction-service/limits.js';

const NOT_OPENED = `not opened: one read opens at most ${MAX_SEALED_OPENS_PER_READ} sealed fields; ask for fewer rows`;

/** Opens one sealed blob for the app: its text, or why not. */
export type SealedOpener = (blob: Uint8Array) => Promise<{ text?: string; error?: string }>;

/**
 * Refuses to open `contract`'s sealed fields for an app not granted dmcs.push on it. The keys that
 * open them are the user's, whatever app asks; a sealed field is the business of the app that writes
 * that contract's actions, not of every app holding some signing grant and a chain.read.
 */
export function requireSealedOpen(info: AppInfo, contract: string): void {
  const push = info.grants['dmcs.push'] as DmcsPushScope | undefined;
  if (!push || !Object.hasOwn(push.contracts, contract))
    throw new BridgeError(
      IsaErrorCode.CAPABILITY_DENIED,
      `app '${info.name}' may not open sealed fields of ${JSON.stringify(contract)}: opening sealed fields of ${JSON.stringify(contract)} needs a dmcs.push grant on ${JSON.stringify(contract)}`,
    );
}

/** The sealed field a table query asks to open, if any. */
export function openFieldOf(op: BridgeOp, payload: Uint8Array): string | undefined {
  if (op !== 'chain.get-table-rows') return undefined;
  const q = decodeGuestPayload(payload, 'chain.get-table-rows query') as { open?: unknown } | null;
  return q && typeof q === 'object' && typeof q.open === 'string' ? q.open : undefined;
}

export async function readChain(
  info: AppInfo,
  op: Exclude<BridgeOp, 'dmcs.push'>,
  payload: Uint8Array,
  dispatcher: Dispatcher,
  hybridFor: (b: ChainCheckedBackend) => HybridApi,
  opener?: (contract: string) => Promise<SealedOpener>,
): Promise<Uint8Array> {
  const scope = info.grants['chain.read'] as ChainReadScope | undefined;
  if (!scope) throw new BridgeError(IsaErrorCode.CAPABILITY_DENIED, `app '${info.name}' was not granted chain.read`);
  const hybrid = hybridFor(await dispatcher.backendFor(info.manifest));
  let read: HybridRead<unknown>;
  // what the app's reads store counts toward its own share of the shared cache
  const owner = { owner: info.name };
  if (op === 'chain.get-info') read = await hybrid.getInfo(owner);
  else if (op === 'chain.get-account') read = await hybrid.getAccount(new TextDecoder().decode(payload), owner);
  else {
    const q = decodeGuestPayload(payload, 'chain.get-table-rows query') as TableRowsQuery;
    if (!q || typeof q !== 'object' || typeof q.code !== 'string' || !scope.contracts.includes(q.code)) {
      throw new BridgeError(
        IsaErrorCode.CAPABILITY_DENIED,
        `app '${info.name}' may not read tables of ${JSON.stringify((q as { code?: unknown })?.code)}`,
      );
    }
    const { open, ...query } = q as TableRowsQuery & { open?: unknown };
    if (typeof open === 'string') requireSealedOpen(info, q.code); // before the read: nothing of it answered
    read = await hybrid.getTableRows({ ...query, json: true }, owner);
    if (typeof open === 'string') {
      if (!opener) throw new BridgeError(IsaErrorCode.UNAVAILABLE, 'opening sealed fields needs the vault');
      const openOne = await opener(q.code);
      // one at a time, at most MAX_SEALED_OPENS_PER_READ: the rows are the DMCS's, their number is not ours to trust
      const rows: unknown[] = [];
      let opened = 0;
      for (const row of (read.value as { rows: unknown[] }).rows) {
        const r = row as Record<string, unknown>;
        const v = r[open];
        if (typeof v !== 'string' || !/^([0-9a-f]{2})+$/i.test(v)) rows.push(r);
        else if (opened >= MAX_SEALED_OPENS_PER_READ) rows.push({ ...r, [`${open}_error`]: NOT_OPENED });
        else {
          opened++;
          const o = await openOne(new Uint8Array(Buffer.from(v, 'hex')));
          rows.push(o.text !== undefined ? { ...r, [open]: o.text, [`${open}_sealed`]: true } : { ...r, [`${open}_error`]: o.error });
        }
      }
      read = { ...read, value: { ...(read.value as object), rows } };
    }
  }
  const value = read.value as Record<string, unknown>;
  return pack(read.stale ? { ...value, stale: true, stale_at_block: read.atBlock } : value);
}
