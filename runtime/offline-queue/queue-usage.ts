/**
 * What unfinished entries hold, in the whole queue and for one app: the counts and push-body bytes
 * the enqueue caps are checked against (`MAX_LIVE_ENTRIES`, `MAX_LIVE_BYTES`, and each app's share,
 * `MAX_APP_LIVE_ENTRIES`, `MAX_APP_LIVE_BYTES`). Finished entries do not count: nothing more is done
 * with them, and compaction drops all but the newest few.
 */
import type { PushTransactionBody } from '../dispatch/dmcs-backend.js';
import { isFinished, type QueueEntry } from './queue-entry.js';

export interface QueueUsage {
  live: number;
  liveBytes: number;
  appLive: number;
  appLiveBytes: number;
}

/** Bytes a push body holds: its hex and signature text (ASCII, so characters are bytes). */
export function bodyBytes(body: PushTransactionBody): number {
  let n = body.packed_trx.length + (body.packed_context_free_data?.length ?? 0);
  for (const s of body.signatures) n += s.length;
  return n;
}

export function usageOf(entries: Iterable<QueueEntry>, app: string): QueueUsage {
  const u: QueueUsage = { live: 0, liveBytes: 0, appLive: 0, appLiveBytes: 0 };
  for (const e of entries) {
    if (isFinished(e)) continue;
    const bytes = bodyBytes(e.body);
    u.live++;
    u.liveBytes += bytes;
    if (e.app === app) {
      u.appLive++;
      u.appLiveBytes += bytes;
    }
  }
  return u;
}
