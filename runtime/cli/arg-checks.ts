/**
 * Checks of command-line arguments, each throwing `UsageError` (exit 2, one sentence) before a
 * command touches the vault, the registry or the network: a mistake in what was typed is told as
 * such, never as a failure of something else ("got NaN", "no DMCS configured").
 */
import { UsageError } from './command.js';
import { ACCOUNT_NAME } from '../capabilities.js';
import { Asset, PublicKey } from '../../abi/antelope/index.js';
import { parsePeriod } from '../transaction-service/session-grants.js';
import { normaliseEndpoint } from '../dispatch/http-backend.js';
import { parseHostPort } from '../../dmcs/endpoint.js';

const shown = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);

/** An Antelope account name: 1–12 of a–z, 1–5 and '.', not ending in '.'. */
export function accountNameArg(value: string, what: string): string {
  if (!ACCOUNT_NAME.test(value))
    throw new UsageError(`${what}: ${shown(value)} is not an Antelope account name (1 to 12 of a-z, 1-5 and '.', not ending in '.')`);
  return value;
}

export function publicKeyArg(value: string, what: string): string {
  try {
    return PublicKey.from(value).toString();
  } catch {
    throw new UsageError(`${what}: ${shown(value)} is not a public key (expected PUB_K1_… or EOS…)`);
  }
}

export function integerArg(value: string, flag: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, got ${shown(value)}`);
  return n;
}

export function assetArg(value: string, flag: string): string {
  try {
    return Asset.from(value).toString();
  } catch {
    throw new UsageError(`${flag}: ${shown(value)} is not an amount with its symbol, such as "10.0000 RSN"`);
  }
}

export function periodArg(value: string, flag: string): number {
  try {
    return parsePeriod(value);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message.replace(/^period /, '')}`);
  }
}

export function urlArg(value: string, what: string): string {
  try {
    return normaliseEndpoint(value);
  } catch (err) {
    throw new UsageError(`${what}: ${(err as Error).message}`);
  }
}

export function hostPortArg(value: string, flag: string): string {
  try {
    parseHostPort(value);
  } catch {
    throw new UsageError(`${flag}: expected HOST:PORT with a port from 0 to 65535 (e.g. 127.0.0.1:8888), got ${shown(value)}`);
  }
  return value;
}
