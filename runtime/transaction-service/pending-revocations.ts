/**
 * Vault grants still to revoke. `peeros app remove` revokes the removed app's signing grant in the
 * vault when it can unlock it; when it cannot (locked, no passphrase at hand) it records
 * `{app, identity}` here, and the next command that unlocks the vault revokes it first. Meanwhile
 * the grant cannot serve anyone else: it is bound to the removed app's identity, which no other app
 * has. Kept in `$PEEROS_HOME/pending-revocations.json` (atomic writes).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Vault } from '../../skv/index.js';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { MAX_PENDING_REVOCATIONS } from './limits.js';

export const PENDING_REVOCATIONS_FILE = 'pending-revocations.json';

export interface PendingRevocation {
  app: string;
  identity?: string;
  removedAt: string;
}
interface FileBody {
  version: 1;
  pending: PendingRevocation[];
}

export class PendingRevocations {
  readonly path: string;
  constructor(home: string) {
    this.path = join(home, PENDING_REVOCATIONS_FILE);
  }

  list(): PendingRevocation[] {
    try {
      const v = JSON.parse(readFileSync(this.path, 'utf8')) as FileBody;
      return v.version === 1 && Array.isArray(v.pending) ? v.pending : [];
    } catch {
      return []; // missing or damaged: nothing to do (the identity binding still holds)
    }
  }

  async #write(pending: PendingRevocation[]): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, pending } satisfies FileBody, null, 2)}\n`, 0o600);
  }

  async add(app: string, identity: string | undefined): Promise<void> {
    const pending = [
      ...this.list().filter((p) => !(p.app === app && p.identity === identity)),
      { app, ...(identity !== undefined ? { identity } : {}), removedAt: new Date().toISOString() },
    ];
    await this.#write(pending.slice(-MAX_PENDING_REVOCATIONS));
  }

  /** Revokes every pending grant in `vault` (unlocked); returns the apps whose grant was there. */
  async flush(vault: Vault): Promise<string[]> {
    const pending = this.list();
    if (!pending.length) return [];
    const revoked: string[] = [];
    for (const p of pending) if (await vault.revokeGrant(p.app, p.identity)) revoked.push(p.app);
    await this.#write(this.list().filter((q) => !pending.some((p) => p.app === q.app && p.identity === q.identity)));
    return revoked;
  }
}
