/**
 * The address a remote peer counts as, for limits per address (the share service's connections,
 * the block relay's refused peers): an IPv4 address (also IPv4-mapped IPv6) as it is, an IPv6
 * address by its /64 (what one host is usually given).
 */
export function addressGroup(address: string): string {
  const a = address.replace(/%.*$/, '').toLowerCase();
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) return v4[1]!;
  if (!a.includes(':')) return a;
  const [head = '', tail] = a.split('::');
  const parts = (s: string): string[] => (s ? s.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const h = parts(head);
  const t = tail === undefined ? [] : parts(tail);
  const groups = [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
