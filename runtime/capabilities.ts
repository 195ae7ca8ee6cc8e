/**
 * Capabilities and their scopes (caveats). The names are the ones the WIT interfaces carry
 * (`capability: NAME`, collected into `ISA_CAPABILITIES` by the generator); this file says which
 * scope each takes, validates a requested scope, and answers the scope questions the ISA
 * implementations ask at call time. Deny by default: a capability that is absent is not granted,
 * and a scoped capability grants nothing outside its scope.
 */
import { ACCOUNT_NAME_PATTERN } from '../abi/antelope/index.js';
import { ISA_CAPABILITIES } from '../isa/generated/imports.js';
import type { SigningScope } from '../abi/signing-scope.js';
import { DEFAULT_FS_MAX_BYTES, DEFAULT_STORAGE_MAX_BYTES, MAX_FS_MAX_BYTES, MAX_STORAGE_MAX_BYTES } from './limits.js';
import { isFsRootName } from './fs/fs-path.js';
import { terminalJson, terminalText, terminalQuoted } from '../lib/terminal-text.js';

export interface StorageScope {
  /** Key prefixes the app may touch; a key must start with one of them. */
  prefixes: string[];
  /** Total bytes (keys + values) the app may keep. */
  maxBytes: number;
}
export interface FsScope {
  /** Top-level folders of the drive the app may touch; a path's first segment must be one of them. */
  roots: string[];
  /** `ro`: read, list and stat only; `rw`: also write, remove and rename. */
  rights: 'ro' | 'rw';
  /** The drive's quota: paths + contents + a per-file charge. */
  maxBytes: number;
}
export interface ChainReadScope {
  /** Contracts whose tables the app may read. */
  contracts: string[];
}
export interface DmcsPushScope {
  /** Contract account → actions the app may push. */
  contracts: Record<string, string[]>;
  /** Largest total of `transfer` quantities per transaction, e.g. `100.0000 RSN` (abi/signing-scope.ts). */
  maxAmount?: string;
}

/** A `dmcs.push` scope in the terms of the one signing-scope rule (abi/signing-scope.ts). */
export function pushSigningScope(scope: DmcsPushScope): SigningScope {
  return { contracts: scope.contracts, ...(scope.maxAmount !== undefined ? { maxAmountPerTx: scope.maxAmount } : {}) };
}

/** What the user granted an app: capability name → scope (`{}` for unscoped ones). */
export interface Grants {
  log?: Record<string, never>;
  clock?: Record<string, never>;
  random?: Record<string, never>;
  storage?: StorageScope;
  ual?: Record<string, never>;
  'chain.read'?: ChainReadScope;
  'dmcs.push'?: DmcsPushScope;
  diag?: Record<string, never>;
  fs?: FsScope;
  'store.install'?: Record<string, never>;
  'host.read'?: Record<string, never>;
  ui?: Record<string, never>;
  [capability: string]: unknown;
}

/** Every capability the ISA defines (from the generated import table). */
export const KNOWN_CAPABILITIES: readonly string[] = ISA_CAPABILITIES;

/** Antelope account name: 1–12 of a–z, 1–5 and '.', not ending with '.' (the rule is abi/antelope/name.ts). */
export const ACCOUNT_NAME = ACCOUNT_NAME_PATTERN;
/** Antelope action name: same alphabet. */
export const ACTION_NAME = ACCOUNT_NAME;
/** Asset string: amount with optional decimals, space, 1–7 uppercase symbol letters. */
export const ASSET = /^\d+(\.\d+)? [A-Z]{1,7}$/;

type Issue = (path: string, expected: string, got: unknown) => void;

/** A short, safe rendering of an arrived value for error messages (escaped for a terminal: it came from a manifest). */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return terminalText(terminalJson(JSON.stringify(v) ?? String(v)), 60);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates the scope of capability `name` at `path`; reports each problem through `issue`. Returns the normalised scope. */
export function validateScope(name: string, value: unknown, path: string, issue: Issue): unknown {
  if (!KNOWN_CAPABILITIES.includes(name)) {
    issue(path, `one of the ISA capabilities (${KNOWN_CAPABILITIES.join(', ')})`, name);
    return undefined;
  }
  if (!isObject(value)) {
    issue(path, 'an object (the scope; {} when the capability takes none)', value);
    return undefined;
  }
  const allowed = (keys: string[]) => {
    for (const k of Object.keys(value))
      if (!keys.includes(k))
        issue(
          `${path}.${k}`,
          keys.length ? `no field other than ${keys.join(', ')}` : 'no fields (this capability takes no scope)',
          value[k],
        );
  };
  switch (name) {
    case 'storage': {
      allowed(['prefixes', 'maxBytes']);
      const prefixes = value.prefixes;
      if (!Array.isArray(prefixes) || prefixes.length === 0) issue(`${path}.prefixes`, 'a non-empty array of key prefixes', prefixes);
      else
        prefixes.forEach((p, i) => {
          if (typeof p !== 'string' || p.length === 0 || Buffer.byteLength(p) > 256)
            issue(`${path}.prefixes[${i}]`, 'a non-empty string of at most 256 bytes', p);
        });
      const maxBytes = value.maxBytes ?? DEFAULT_STORAGE_MAX_BYTES;
      if (!Number.isInteger(maxBytes) || (maxBytes as number) <= 0 || (maxBytes as number) > MAX_STORAGE_MAX_BYTES) {
        issue(`${path}.maxBytes`, `an integer from 1 to ${MAX_STORAGE_MAX_BYTES}`, value.maxBytes);
      }
      return { prefixes, maxBytes };
    }
    case 'fs': {
      allowed(['roots', 'rights', 'maxBytes']);
      const roots = value.roots;
      if (!Array.isArray(roots) || roots.length === 0) issue(`${path}.roots`, 'a non-empty array of root folder names', roots);
      else
        roots.forEach((r, i) => {
          if (typeof r !== 'string' || !isFsRootName(r))
            issue(`${path}.roots[${i}]`, "one folder name (no '/', '.', '..' or control characters)", r);
        });
      const rights = value.rights ?? 'rw';
      if (rights !== 'ro' && rights !== 'rw') issue(`${path}.rights`, '"ro" or "rw"', value.rights);
      const maxBytes = value.maxBytes ?? DEFAULT_FS_MAX_BYTES;
      if (!Number.isInteger(maxBytes) || (maxBytes as number) <= 0 || (maxBytes as number) > MAX_FS_MAX_BYTES) {
        issue(`${path}.maxBytes`, `an integer from 1 to ${MAX_FS_MAX_BYTES}`, value.maxBytes);
      }
      return { roots, rights, maxBytes };
    }
    case 'chain.read': {
      allowed(['contracts']);
      const c = value.contracts;
      if (!Array.isArray(c)) issue(`${path}.contracts`, 'an array of Antelope account names', c);
      else
        c.forEach((a, i) => {
          if (typeof a !== 'string' || !ACCOUNT_NAME.test(a)) issue(`${path}.contracts[${i}]`, 'an Antelope account name', a);
        });
      return { contracts: c };
    }
    case 'dmcs.push': {
      allowed(['contracts', 'maxAmount']);
      const c = value.contracts;
      if (!isObject(c)) issue(`${path}.contracts`, 'an object mapping contract accounts to arrays of action names', c);
      else {
        for (const [acct, actions] of Object.entries(c)) {
          if (!ACCOUNT_NAME.test(acct)) issue(`${path}.contracts`, 'keys that are Antelope account names', acct);
          if (!Array.isArray(actions) || actions.length === 0)
            issue(`${path}.contracts.${acct}`, 'a non-empty array of action names', actions);
          else
            actions.forEach((a, i) => {
              if (typeof a !== 'string' || !ACTION_NAME.test(a)) issue(`${path}.contracts.${acct}[${i}]`, 'an Antelope action name', a);
            });
        }
      }
      if (value.maxAmount !== undefined && (typeof value.maxAmount !== 'string' || !ASSET.test(value.maxAmount))) {
        issue(`${path}.maxAmount`, 'an asset string such as "100.0000 RSN"', value.maxAmount);
      }
      const out: Record<string, unknown> = { contracts: c };
      if (value.maxAmount !== undefined) out.maxAmount = value.maxAmount;
      return out;
    }
    default:
      allowed([]);
      return {};
  }
}

/** Whether a valid fs path lies under one of the scope's roots. */
export function fsPathAllowed(scope: FsScope, path: string): boolean {
  const slash = path.indexOf('/');
  return scope.roots.includes(slash < 0 ? path : path.slice(0, slash));
}

/** Whether `key` falls inside a storage scope's prefixes. */
export function storageKeyAllowed(scope: StorageScope, key: string): boolean {
  const p = scope.prefixes;
  for (let i = 0; i < p.length; i++) if (key.startsWith(p[i]!)) return true;
  return false;
}

/** One line per capability for the install prompt, e.g. `storage  prefixes notes/, up to 1048576 bytes`. */
export function describeGrant(name: string, scope: unknown): string {
  const s = (scope ?? {}) as Record<string, unknown>;
  switch (name) {
    case 'storage': {
      const st = s as unknown as StorageScope;
      return `storage     keys under ${st.prefixes.map((p) => terminalQuoted(p)).join(', ')}, up to ${st.maxBytes} bytes`;
    }
    case 'fs': {
      const f = s as unknown as FsScope;
      return `fs          ${f.rights === 'ro' ? 'read' : 'read and write'} files under ${f.roots.map((r) => terminalQuoted(r)).join(', ')}, up to ${f.maxBytes} bytes`;
    }
    case 'chain.read':
      return `chain.read  read tables of ${(s.contracts as string[]).map((c) => terminalText(c)).join(', ') || '(no contract)'}`;
    case 'dmcs.push': {
      const c = s.contracts as Record<string, string[]>;
      const list = Object.entries(c)
        .map(([a, acts]) => `${terminalText(a)}::{${acts.map((x) => terminalText(x)).join(',')}}`)
        .join(', ');
      return `dmcs.push   push ${list}${s.maxAmount ? `, at most ${terminalText(s.maxAmount as string)} per transaction` : ''}`;
    }
    case 'log':
      return 'log         write diagnostic messages';
    case 'clock':
      return 'clock       read the wall clock and a monotonic clock';
    case 'random':
      return 'random      get random bytes';
    case 'ual':
      return 'ual         know the logged-in account';
    case 'diag':
      return 'diag        ABI self-test (echo)';
    case 'store.install':
      return 'store.install  ask the host to install dAppStore apps (each install asks you first)';
    case 'host.read':
      return 'host.read   read installed apps and their grants, the DMCS list and whether the vault is locked';
    case 'ui':
      return 'ui          show a screen in the console (drawn by the host from a view tree)';
    default:
      return terminalText(name);
  }
}
