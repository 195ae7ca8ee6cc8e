/**
 * The console's routes for peer-to-peer shares (the Shares page; docs/fs.md): the host's outgoing
 * and incoming shares as `peeros share list` reads them (no keys), **Revoke** of an outgoing share
 * as `peeros share revoke ID`, and **Sync now**: one share cycle at once (publish, reconcile, sync),
 * as the console runs every 10 s with `--share-listen`.
 *
 * Revoke is a plain write (session cookie, session token, Origin and Host checks), not a vault
 * approval: it signs nothing and opens no key, and it only withdraws access (the recipient keeps
 * what it synced, nobody gains anything), as revoking a session grant is; the vault has no approval
 * for it to verify. The page asks for a confirmation, since it cannot be undone.
 *
 * Everything in a record that an app or a peer chose (app names, paths, account names read from
 * chain rows, addresses, the cycle's error messages) goes out escaped as for the terminal; the page
 * sets it with textContent.
 */
import { terminalText } from '../../lib/terminal-text.js';
import type { ShareCycleReport } from '../host-bridge/share-cycle.js';
import type { IncomingListing, OutgoingListing } from '../fs/share-records.js';
import type { ApiHandler } from './console-api.js';
import type { SharesState } from './console-host.js';
import { ConsoleError } from './console-error.js';

/** An outgoing share's id (share-service.ts makes 16 random bytes, hex). */
const SHARE_ID = /^[0-9a-f]{32}$/;

function outgoingView(s: OutgoingListing & { servedHere: boolean }): OutgoingListing & { servedHere: boolean } {
  return {
    ...s,
    app: terminalText(s.app),
    account: terminalText(s.account),
    to: terminalText(s.to),
    path: terminalText(s.path),
    ...(s.at !== undefined ? { at: terminalText(s.at) } : {}),
  };
}

function incomingView(s: IncomingListing): IncomingListing {
  return { ...s, app: terminalText(s.app), account: terminalText(s.account), from: terminalText(s.from), path: terminalText(s.path) };
}

function statesView(s: SharesState): SharesState {
  return { serving: s.serving, outgoing: s.outgoing.map(outgoingView), incoming: s.incoming.map(incomingView) };
}

function reportView(r: ShareCycleReport): ShareCycleReport {
  const synced: ShareCycleReport['synced'] = {};
  for (const [app, list] of Object.entries(r.synced))
    synced[terminalText(app)] = list.map((s) => ({
      id: s.id,
      from: terminalText(s.from),
      path: terminalText(s.path),
      ...(s.saved ? { saved: s.saved.map((p) => terminalText(p)) } : {}),
      ...(s.removed ? { removed: s.removed.map((p) => terminalText(p)) } : {}),
      ...(s.error !== undefined ? { error: terminalText(s.error) } : {}),
    }));
  return { published: r.published, revoked: r.revoked, synced, errors: r.errors.map((e) => terminalText(e)) };
}

export const SHARE_READS: Readonly<Record<string, ApiHandler>> = {
  '/api/shares': async (h) => statesView(h.sharesState()),
};

export const SHARE_WRITES: Readonly<Record<string, ApiHandler>> = {
  '/api/shares/revoke': async (h, b) => {
    if (typeof b.id !== 'string' || !SHARE_ID.test(b.id))
      throw new ConsoleError('BAD_REQUEST', '"id" must be an outgoing share\'s id (32 hex digits)');
    const s = await h.revokeShare(b.id);
    return { revoked: outgoingView({ ...s, servedHere: false }) };
  },
  '/api/shares/sync': async (h) => ({ report: reportView(await h.shareCycle()) }),
};
