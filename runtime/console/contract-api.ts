/**
 * The console's routes for contracts (the Contracts page): the stock contracts this host ships and
 * a deployment (`peeros set contract`) of one of them, or of a contract folder on this machine
 * built in the compile worker, to an account the vault holds keys for. The deployment makes the
 * vault sign setcode + setabi, so with a passkey it comes back to the page as the signing dialog.
 * An action of a deployed contract (`peeros push action`) goes the same way. The body's cap
 * (MAX_BODY_BYTES) bounds an action's data.
 * Same rules as console-api.ts: every request needs the session and its token, writes are POSTs.
 */
import type { ApiHandler } from './console-api.js';
import { ConsoleError } from './console-error.js';
import { MAX_CONTRACT_PATH_CHARS, stockContracts } from './contract-source.js';

/** An account or stock contract name: Antelope names are at most 13 characters. */
const MAX_CONTRACT_NAME_CHARS = 64;

function name(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_CONTRACT_NAME_CHARS)
    throw new ConsoleError('BAD_REQUEST', `"${field}" must be a non-empty string of at most ${MAX_CONTRACT_NAME_CHARS} characters`);
  return v;
}

export const CONTRACT_READS: Readonly<Record<string, ApiHandler>> = {
  '/api/contracts/stock': async () => ({ contracts: stockContracts() }),
};

export const CONTRACT_WRITES: Readonly<Record<string, ApiHandler>> = {
  '/api/contracts/deploy': async (h, b) => {
    const account = name(b.account, 'account');
    const hasStock = b.stock !== undefined && b.stock !== '';
    const hasFolder = b.folder !== undefined && b.folder !== '';
    if (hasStock === hasFolder) throw new ConsoleError('BAD_REQUEST', 'name either a stock contract ("stock") or a folder ("folder")');
    if (hasStock) return h.deployContract(account, { stock: name(b.stock, 'stock') });
    if (typeof b.folder !== 'string' || b.folder.length > MAX_CONTRACT_PATH_CHARS)
      throw new ConsoleError('BAD_REQUEST', `"folder" must be a path of at most ${MAX_CONTRACT_PATH_CHARS} characters`);
    return h.deployContract(account, { folder: b.folder });
  },
  '/api/contracts/action': async (h, b) => {
    if (typeof b.data !== 'object' || b.data === null || Array.isArray(b.data))
      throw new ConsoleError('BAD_REQUEST', '"data" must be a JSON object (the action\'s fields)');
    return h.pushAction(name(b.contract, 'contract'), name(b.action, 'action'), name(b.actor, 'actor'), b.data as Record<string, unknown>);
  },
};
