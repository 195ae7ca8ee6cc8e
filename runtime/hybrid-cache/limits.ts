/**
 * Limits of the hybrid API cache, each with the reason for its value.
 */

/** Most entries kept: a handful of apps reading a few dozen tables each, over several blocks,
 * fits; a lookup or eviction stays O(1) and the snapshot stays quick to write. */
export const MAX_CACHE_ENTRIES = 4096;

/** Most bytes of cached JSON kept (16 MiB): bounded memory and a snapshot written in well under a
 * second on a slow disk. */
export const MAX_CACHE_BYTES = 16 * 1024 * 1024;

/** Most answers one app owns (a quarter of the cache, 1,024): an app reading without end (distinct
 * queries, a session of crawling) evicts only its own answers, and other apps keep theirs for when
 * the DMCS is down; a quarter still leaves a busy app hundreds of queries over several blocks. */
export const MAX_APP_CACHE_ENTRIES = MAX_CACHE_ENTRIES / 4;

/** Most bytes of answers one app owns (a quarter of the cache, 4 MiB), for the same reason; four
 * of the largest answers cached (`MAX_VALUE_BYTES`) fit in it. */
export const MAX_APP_CACHE_BYTES = MAX_CACHE_BYTES / 4;

/** Largest single answer cached (1 MiB): a get_table_rows page is far smaller; one huge answer
 * must not evict everything else, so bigger ones are served but not kept. */
export const MAX_VALUE_BYTES = 1024 * 1024;

/** Answers kept per query across blocks: the newest few serve "latest known" when offline; older
 * blocks of the same query are almost never asked for again, so they should not crowd out others. */
export const MAX_BLOCKS_PER_QUERY = 8;

/** Largest snapshot file read back: the byte bound plus JSON framing; anything bigger is not ours. */
export const MAX_SNAPSHOT_FILE_BYTES = MAX_CACHE_BYTES * 2 + 1024 * 1024;

/** get_info is reused for this long before asking the node again (one Antelope block interval):
 * every cached read needs the head block, and asking per read would double the traffic. */
export const INFO_REUSE_MS = 500;

/** A dirty cache is written to disk this long after the first change: batches bursts of reads
 * into one write, and loses at most this much of a cache (which can always be refetched). */
export const PERSIST_DELAY_MS = 2_000;
