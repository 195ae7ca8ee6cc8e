/**
 * The persisted session of the single account model: `$PEEROS_HOME/session.json`, written
 * atomically (temp file, fsync, rename) by `peeros login`, removed by `peeros logout`. The `ual`
 * ISA reads `account` from it; the transaction service reads the whole record.
 *
 * Format, version 1:
 * `{"version":1,"account","permission","dmcs","chainId","keys":[PUB_K1_…],"loggedInAt","proof":{…}}`
 */
import { readFileSync, unlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { stampOf } from '../../lib/file-stamp.js';
import { ACCOUNT_NAME } from '../capabilities.js';
import { SessionError } from './session-error.js';
import { MAX_SESSION_FILE_BYTES, SESSION_FILE } from './limits.js';
import { isChainId } from '../../abi/antelope/index.js';

export interface Session {
  version: 1;
  /** The Antelope account every app runs as. */
  account: string;
  /** The permission proven at login (`active`). */
  permission: string;
  /** Registry name of the DMCS the account lives on. */
  dmcs: string;
  /** 64 hex. */
  chainId: string;
  /** The vault's public keys that satisfied `account@permission` at login (PUB_K1_…). */
  keys: string[];
  /** ISO time of the login. */
  loggedInAt: string;
  /** What was verified: the challenge's signing digest and the signatures over it. */
  proof: { digest: string; signatures: string[] };
}

export function sessionPath(home: string): string {
  return join(home, SESSION_FILE);
}

function corrupt(path: string, why: string): SessionError {
  return new SessionError('SESSION_CORRUPT', `the session file ${path} is not valid (${why}); run 'peeros logout' and log in again`);
}

/**
 * The session last read at each path, under its file's stamp (lib/file-stamp.ts). Every push and
 * every `ual` call reads the session, so that a logout or another login counts at once; while the
 * file is the same one, a stat replaces opening, reading, parsing and checking it again. The file
 * is only ever replaced whole (a rename: a new inode) or removed.
 */
const lastRead = new Map<string, { stamp: string; session: Session }>();

/** Homes whose session is remembered at once (a host has one; tests open many). */
export const MAX_SESSIONS_REMEMBERED = 16;

/** The session, or undefined when nobody is logged in. A damaged file is an error, never a login. */
export function readSession(home: string): Session | undefined {
  const path = sessionPath(home);
  const st = statSync(path, { bigint: true, throwIfNoEntry: false });
  if (!st) {
    lastRead.delete(path);
    return undefined;
  }
  const stamp = stampOf(st);
  const last = lastRead.get(path);
  if (last?.stamp === stamp) return last.session;
  lastRead.delete(path);
  if (st.size > MAX_SESSION_FILE_BYTES) throw corrupt(path, `larger than ${MAX_SESSION_FILE_BYTES} bytes`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // read after the stat, so never older than the stamp it is kept under: a file replaced in
  // between has another stamp, and the next call reads it again
  const session = parseSession(path, text);
  if (lastRead.size >= MAX_SESSIONS_REMEMBERED) lastRead.clear();
  lastRead.set(path, { stamp, session });
  return session;
}

/** The checked, frozen session of `text` (read from `path`). */
function parseSession(path: string, text: string): Session {
  let v: Partial<Session>;
  try {
    v = JSON.parse(text) as Partial<Session>;
  } catch {
    throw corrupt(path, 'not JSON');
  }
  if (v.version !== 1) throw corrupt(path, `unknown version ${JSON.stringify(v.version)}`);
  if (typeof v.account !== 'string' || !ACCOUNT_NAME.test(v.account)) throw corrupt(path, 'no account name');
  if (typeof v.permission !== 'string' || !ACCOUNT_NAME.test(v.permission)) throw corrupt(path, 'no permission name');
  if (typeof v.dmcs !== 'string' || !isChainId(v.chainId)) throw corrupt(path, 'no DMCS');
  if (!Array.isArray(v.keys) || v.keys.length === 0 || !v.keys.every((k) => typeof k === 'string')) throw corrupt(path, 'no keys');
  // shared by every caller until the file changes: nobody may change it in place
  Object.freeze(v.keys);
  if (v.proof && typeof v.proof === 'object') Object.freeze(v.proof);
  return Object.freeze(v) as Session;
}

/** The session; throws NOT_LOGGED_IN (with the fix) when there is none. */
export function requireSession(home: string): Session {
  const s = readSession(home);
  if (!s) throw new SessionError('NOT_LOGGED_IN', "nobody is logged in: run 'peeros login ACCOUNT' first");
  return s;
}

export async function writeSession(home: string, session: Session): Promise<void> {
  await writeFileAtomic(sessionPath(home), `${JSON.stringify(session, null, 2)}\n`);
}

/** Removes the session; false when there was none. */
export function clearSession(home: string): boolean {
  try {
    unlinkSync(sessionPath(home));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
