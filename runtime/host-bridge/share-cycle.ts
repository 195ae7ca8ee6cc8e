/**
 * One round of a long-running host's peer-to-peer share work (docs/fs.md), run on a timer by the
 * console host (`peeros console --share-listen`) and callable at any time:
 *
 * 1. publish: append what changed in the drive's shared folders to their cores;
 * 2. reconcile: revoke this account's shares whose row the sender erased (`unshare`), per
 *    (app, recipient), after the grace period;
 * 3. sync: open the shares in this account's scope of the share registry contract (dBox's) into
 *    every installed app whose grant has a writable `shared` root (a share lands only in an app
 *    whose grant holds its root).
 *
 * A failure of one step or one app is reported and the others still run.
 */
import { AppRegistry } from '../app-registry.js';
import type { DmcsPushScope, FsScope } from '../capabilities.js';
import type { HostServices, SyncedShare } from './host-services.js';

/** How often a long-running host runs a share cycle. */
export const SHARE_CYCLE_MS = 10_000;
/** The contract whose `shares` table carries share descriptors (dBox's; Calendar shares through it too). */
export const SHARE_REGISTRY_CONTRACT = 'dbox';

export interface ShareCycleReport {
  published: number;
  revoked: string[];
  synced: Record<string, SyncedShare[]>;
  errors: string[];
}

export async function runShareCycle(services: HostServices, o: { graceMs?: number; timeoutMs?: number } = {}): Promise<ShareCycleReport> {
  const report: ShareCycleReport = { published: 0, revoked: [], synced: {}, errors: [] };
  const shares = services.shares;
  if (!shares) return report;
  const note = (what: string, err: unknown): void => {
    report.errors.push(`${what}: ${(err as { code?: string }).code ?? (err as Error).message}`);
  };
  try {
    report.published = await shares.publish();
  } catch (err) {
    note('publish', err);
  }
  const pairs = new Map<string, { app: string; to: string }>();
  for (const s of shares.list()) if (!s.revoked) pairs.set(`${s.app}\u0000${s.to}`, { app: s.app, to: s.to });
  for (const { app, to } of pairs.values()) {
    try {
      report.revoked.push(
        ...(await services.reconcileShares(app, to, {
          code: SHARE_REGISTRY_CONTRACT,
          ...(o.graceMs !== undefined ? { graceMs: o.graceMs } : {}),
        })),
      );
    } catch (err) {
      note(`reconcile ${app} → ${to}`, err);
    }
  }
  const registry = new AppRegistry(services.home);
  for (const summary of await registry.list()) {
    const { grants } = (await registry.load(summary.name)).record;
    const scope = grants.fs as FsScope | undefined;
    if (!scope?.roots.includes('shared') || scope.rights !== 'rw') continue;
    // the registry's sealed descriptors open only for an app that may push to it (chain-reads.ts)
    const push = grants['dmcs.push'] as DmcsPushScope | undefined;
    if (!push || !Object.hasOwn(push.contracts, SHARE_REGISTRY_CONTRACT)) continue;
    try {
      report.synced[summary.name] = await services.syncShares(summary.name, {
        code: SHARE_REGISTRY_CONTRACT,
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      });
    } catch (err) {
      note(`sync ${summary.name}`, err);
    }
  }
  return report;
}
