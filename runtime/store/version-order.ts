/**
 * Semantic-version precedence (semver.org §11), for refusing downgrades: major, minor, patch
 * numerically; a pre-release ranks below its release; pre-release fields compare numerically when
 * both are numbers, else as ASCII, numbers below words; build metadata is ignored.
 */
function parts(v: string): { core: bigint[]; pre: string[] } {
  const noBuild = v.split('+')[0]!;
  const dash = noBuild.indexOf('-');
  const core = (dash < 0 ? noBuild : noBuild.slice(0, dash)).split('.').map((n) => BigInt(n));
  const pre = dash < 0 ? [] : noBuild.slice(dash + 1).split('.');
  return { core, pre };
}

/** <0 when a ranks below b, 0 when equal in precedence, >0 above. Inputs match the manifest's VERSION. */
export function compareVersions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.core[i] ?? 0n) - (y.core[i] ?? 0n);
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  if (!x.pre.length || !y.pre.length) return (y.pre.length ? 1 : 0) - (x.pre.length ? 1 : 0);
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) {
      const d = BigInt(p) - BigInt(q);
      if (d !== 0n) return d < 0n ? -1 : 1;
    } else if (pn !== qn) return pn ? -1 : 1;
    else if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}
