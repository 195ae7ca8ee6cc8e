/**
 * A value that came as JSON from another party (a request body, a node's reply, a table row) as text
 * when it is a scalar: a string as it is, a number, boolean or bigint as `String` writes it;
 * undefined for anything else. Never `String()` of an object: its `toString` is the sender's to
 * define, or to leave out, and then `String` throws a TypeError.
 */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}
