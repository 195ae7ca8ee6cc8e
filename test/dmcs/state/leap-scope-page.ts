// Leap's get_table_by_scope walk (plugins/chain_plugin/chain_plugin.cpp, `walk_table_range`, Leap
// 4.0 on) transcribed over every table of a code, for tests to hold TableStore.tablePage against:
// the range runs from (lower, table or 0) to (upper, table or max), both taken; `limit` tables are
// looked at, those of another name counted too (`continue` still steps `count`), and `more` is the
// scope of the table the walk stopped at.

const MAX_U64 = 0xffffffffffffffffn;

export interface ScopeQuery {
  lower: bigint;
  upper: bigint;
  table: bigint | null;
  limit: number;
  reverse: boolean;
}

export function leapScopePage<T extends { scope: bigint; table: bigint }>(
  all: Iterable<T>,
  q: ScopeQuery,
): { tables: T[]; more: bigint | null } {
  const key = (scope: bigint, table: bigint): bigint => (scope << 64n) | table;
  const lower = key(q.lower, q.table ?? 0n);
  const upper = key(q.upper, q.table ?? MAX_U64);
  if (upper < lower) return { tables: [], more: null };
  const range = [...all]
    .filter((t) => key(t.scope, t.table) >= lower && key(t.scope, t.table) <= upper)
    .sort((x, y) => (key(x.scope, x.table) < key(y.scope, y.table) ? -1 : 1));
  if (q.reverse) range.reverse();
  const tables: T[] = [];
  let i = 0;
  for (let count = 0; count < q.limit && i < range.length; i++, count++) {
    if (q.table !== null && range[i]!.table !== q.table) continue;
    tables.push(range[i]!);
  }
  return { tables, more: i < range.length ? range[i]!.scope : null };
}
