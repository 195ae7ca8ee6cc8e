/**
 * When a host's view of the dAppStore registry may be stale: one rule for every install path that
 * reads the registry (`peeros app install APP`, `store list|show`, `app update`, and an app's
 * install request shown in the terminal or the console's dialog). A DMCS whose head block is older
 * than STALE_AFTER_MS is not producing or not synced, so a yank or a newer release may be missing
 * from what the host read.
 */

/** A head block older than 2 minutes: the node is not producing or not synced; say so. */
export const STALE_AFTER_MS = 120_000;

/**
 * The warning (one sentence, no prefix) when a head block time (Antelope's UTC without 'Z') is older
 * than STALE_AFTER_MS; undefined when it is fresh or unreadable.
 */
export function staleWarning(headBlockTime: string | undefined, now: number): string | undefined {
  if (!headBlockTime) return undefined;
  const head = Date.parse(`${headBlockTime}${headBlockTime.endsWith('Z') ? '' : 'Z'}`);
  if (!Number.isFinite(head) || now - head <= STALE_AFTER_MS) return undefined;
  return `the DMCS's head block is ${Math.round((now - head) / 1000)} s old; its view of the store may be stale (a yank or a newer release may be missing)`;
}
