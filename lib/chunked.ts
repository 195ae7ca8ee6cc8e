/**
 * Lists kept as chunks of at most a fixed size, for queues and buckets that grow to millions of
 * entries: one array of them grows by copying itself whole into a new backing store (a megabyte's
 * copy and its fresh pages inside one push, measured at 10 ms), where a chunk copies at most its
 * own size. Used by the insertion order's queue (lib/insertion-order.ts) and the duplicate check's
 * buckets (dmcs/state/recent-transactions.ts).
 */

/** Appends `item` to the last chunk of `chunks`, or to a new one once that holds `size`. */
export function pushChunked<T>(chunks: T[][], item: T, size: number): void {
  const last = chunks[chunks.length - 1];
  if (last === undefined || last.length >= size) chunks.push([item]);
  else last.push(item);
}
