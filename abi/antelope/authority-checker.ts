/**
 * Antelope's authority checker (Leap `authority_checker.hpp`): is `actor@permission` satisfied by
 * the provided keys (recovered from signatures), provided permissions (e.g. `contract@eosio.code`
 * for inline actions) and provided delay? Weights are tallied heaviest first (keys, then waits,
 * then accounts on equal weight) and stop at the threshold; account permissions recurse up to
 * `MAX_AUTHORITY_DEPTH`; results are cached per permission for one check; keys that helped satisfy
 * an authority are marked used (a failed branch un-marks them), so unused signatures can be refused
 * as `tx_irrelevant_sig`. Keys are opaque ids: the checker never touches cryptography.
 *
 * Pure protocol: the caller injects how a permission is looked up (the node from its state, the
 * host's session from the accounts it fetched over the chain API), so both decide by one rule.
 */
import type { Authority, PermissionLevelJSON as PermissionLevel } from './eosio-abi.js';
import { AntelopeError } from './error.js';

/** Leap `max_authority_depth`: bounds recursion through account permissions. */
export const MAX_AUTHORITY_DEPTH = 6;

/** Looks up a permission's authority; undefined when the account or permission does not exist. */
export type PermissionLookup = (actor: string, permission: string) => Authority | undefined;

enum Status {
  Evaluating,
  Satisfied,
  Unsatisfied,
}

type Meta =
  | { kind: 0; weight: number; key: string }
  | { kind: 1; weight: number; wait: number }
  | { kind: 2; weight: number; level: PermissionLevel };

export class AuthorityChecker {
  private used: Set<string> = new Set();
  private readonly cache = new Map<string, Status>();

  constructor(
    private readonly lookup: PermissionLookup,
    readonly providedKeys: ReadonlySet<string>,
    providedPermissions: Iterable<PermissionLevel> = [],
    readonly providedDelaySec = 0,
  ) {
    for (const p of providedPermissions) this.cache.set(`${p.actor}@${p.permission}`, Status.Satisfied);
  }

  /** Whether `level` is satisfied; a non-existent top-level permission is `UNKNOWN_PERMISSION`
   * (Leap's `permission_query_exception`). */
  satisfied(level: PermissionLevel): boolean {
    const cached = this.status(level);
    if (cached !== undefined) return cached === Status.Satisfied;
    const auth = this.lookup(level.actor, level.permission);
    if (!auth) throw new AntelopeError('UNKNOWN_PERMISSION', `permission ${level.actor}@${level.permission} does not exist`);
    return this.evaluate(level, auth, 1);
  }

  /** Keys provided but never needed to satisfy anything. */
  unusedKeys(): string[] {
    const out: string[] = [];
    for (const k of this.providedKeys) if (!this.used.has(k)) out.push(k);
    return out;
  }

  get usedKeys(): ReadonlySet<string> {
    return this.used;
  }

  private status(level: PermissionLevel): Status | undefined {
    return this.cache.get(`${level.actor}@${level.permission}`) ?? this.cache.get(`${level.actor}@eosio.any`);
  }

  private evaluate(level: PermissionLevel, auth: Authority, depth: number): boolean {
    const key = `${level.actor}@${level.permission}`;
    this.cache.set(key, Status.Evaluating);
    const ok = this.satisfiedAuthority(auth, depth);
    this.cache.set(key, ok ? Status.Satisfied : Status.Unsatisfied);
    return ok;
  }

  private satisfiedAuthority(auth: Authority, depth: number): boolean {
    const saved = new Set(this.used);
    const metas: Meta[] = [];
    for (const k of auth.keys) metas.push({ kind: 0, weight: k.weight, key: k.key });
    for (const w of auth.waits) metas.push({ kind: 1, weight: w.weight, wait: w.wait_sec });
    for (const a of auth.accounts) metas.push({ kind: 2, weight: a.weight, level: a.permission });
    metas.sort((a, b) => b.weight - a.weight || a.kind - b.kind);
    let total = 0;
    for (const m of metas) {
      if (m.kind === 0) {
        if (this.providedKeys.has(m.key)) {
          this.used.add(m.key);
          total += m.weight;
        }
      } else if (m.kind === 1) {
        if (this.providedDelaySec >= m.wait) total += m.weight;
      } else {
        const st = this.status(m.level);
        if (st === undefined) {
          if (depth < MAX_AUTHORITY_DEPTH) {
            const sub = this.lookup(m.level.actor, m.level.permission);
            if (sub && this.evaluate(m.level, sub, depth + 1)) total += m.weight;
          }
        } else if (st === Status.Satisfied) {
          total += m.weight;
        }
      }
      if (total >= auth.threshold) return true;
    }
    this.used = saved;
    return false;
  }
}
