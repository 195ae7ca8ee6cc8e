// Comparable text forms of a state's tables and indexes, for tests that hold two states side by side
// (a state over the store and its all-in-memory twin, a state and its reopened store).
import type { ChainState } from '../../../dmcs/state/chain-state.js';
import type { Table } from '../../../dmcs/state/table-store.js';
import type { SecondaryRow } from '../../../dmcs/vm/contract-host.js';
import { bytesToHex } from '../../../abi/antelope/index.js';

/** A table's rows in key order: primary, payer and value of each. */
export const rowsOf = (t: Table): string => [...t.rowsInOrder()].map((r) => `${r.primary}:${r.payer}:${bytesToHex(r.value)}`).join(',');

/** A table's code, scope, name and payer. */
export const tableId = (t: Table): string => `${t.code}/${t.scope}/${t.table}/${t.payer}`;

/** Each table, its id and rows, sorted. */
export const dump = (ts: Iterable<Table>): string[] => [...ts].map((t) => `${tableId(t)}=${rowsOf(t)}`).sort();

/** An index entry: primary, secondary (-0 told from 0) and payer. */
export const entryOf = (e: SecondaryRow | undefined): string =>
  e === undefined ? '-' : `${e.primary}:${Object.is(e.secondary, -0) ? '-0' : String(e.secondary)}:${e.payer}`;

/** Each secondary index, its kind, scope, payer and entries in order, sorted. */
export const indexDump = (st: ChainState): string[] =>
  [...st.tables.allIndexes()].map((ix) => `${ix.kind}/${ix.scope}/${ix.payer}=${[...ix.entries()].map(entryOf).join(',')}`).sort();
