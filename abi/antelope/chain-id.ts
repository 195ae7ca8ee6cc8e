/**
 * A chain id as text: the 32-byte sha256 of the chain's genesis, 64 hex digits. Its canonical form,
 * the one stored and compared, is lowercase (Leap's `get_info` prints it so); input from people and
 * peers may be in either case and is normalised once, here.
 */
const CANONICAL = /^[0-9a-f]{64}$/;

/** True for a chain id in canonical (lowercase) form: what files and caches hold. */
export function isChainId(value: unknown): value is string {
  return typeof value === 'string' && CANONICAL.test(value);
}

/** The canonical form of a chain id given in either case, or undefined when it is not one. */
export function normalizeChainId(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length !== 64) return undefined;
  const id = value.toLowerCase();
  return CANONICAL.test(id) ? id : undefined;
}
