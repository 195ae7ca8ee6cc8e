/**
 * The app manifest, `peeros.json`: what an app is (name, version, publisher, entry module), the
 * commands it exports and the capabilities it asks for with their scopes, and optional limits.
 *
 * {@link validateManifest} checks everything and reports every problem at once; each problem gives
 * the field path, what was expected and what arrived, e.g.
 * `capabilities.storage.prefixes[0]: expected a non-empty string of at most 256 bytes, got 42`.
 */
import { join } from 'node:path';
import { HostError } from './errors.js';
import { HOST_MAXIMA, MAX_MANIFEST_BYTES, MAX_MANIFEST_JSON_DEPTH, type AppLimits } from './limits.js';
import { readFolderFile } from './app-folder.js';
import { jsonDepth } from '../lib/json-depth.js';
import { ACCOUNT_NAME, describe, validateScope, type Grants } from './capabilities.js';
import { terminalText } from '../lib/terminal-text.js';

export interface CommandSpec {
  description: string;
  /** Free-form description of the arguments (documentation; not enforced). */
  args?: unknown;
}

export interface Manifest {
  name: string;
  version: string;
  /** Antelope account of the publisher. */
  publisher: string;
  description?: string;
  /** The wasm module, relative to the app directory. */
  entry: string;
  /** The AssemblyScript entry, relative to the app directory (for `peeros app build`). */
  source?: string;
  /** The app's DMCS side (contract account(s), contract source); validated loosely until the DMCS issue. */
  dmcs?: Record<string, unknown>;
  commands: Record<string, CommandSpec>;
  capabilities: Grants;
  limits?: Partial<AppLimits>;
}

/** App names: lowercase, digits and '-', 1–64 chars, starting with a letter (they name a directory). */
export const APP_NAME = /^[a-z][a-z0-9-]{0,63}$/;
/**
 * Names no app may take, though APP_NAME matches them: each is something the host or the vault
 * names internally or shows the user, so an app with that name could pass for it.
 */
export const RESERVED_APP_NAMES: ReadonlySet<string> = new Set([
  'user', // the vault's user principal before it became '@user'; prompts say "you (user, directly)"
  'peeros',
  'host',
  'system',
  'console',
  'agent', // the OS itself, its console and its vault agent
  'vault',
  'skv',
  'dmemo', // the Secure Key Vault and its protocol
  'dmcs',
  'eosio',
  'node', // the chain, its system account and the embedded node
  'session',
  'login', // the single account model's session
  'constructor', // an Object.prototype member: records keyed by app name must never see it
]);
/** Command names: letters, digits, '_', '-', '.', 1–64 chars, starting with a letter or '_'. */
export const COMMAND_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
/** Semantic version, e.g. 1.2.3 or 1.2.3-beta.1. */
export const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** A field path in a MANIFEST_INVALID message: 120 chars — enough for any real path, a hostile key is cut. */
const MAX_ISSUE_PATH_CHARS = 120;
/** Problems listed in one MANIFEST_INVALID message: 20 — enough to fix a real manifest, a hostile one cannot flood the terminal. */
const MAX_MANIFEST_ISSUES_SHOWN = 20;

const TOP_FIELDS = [
  'name',
  'version',
  'publisher',
  'description',
  'entry',
  'source',
  'dmcs',
  'commands',
  'capabilities',
  'limits',
  '$schema',
];
const LIMIT_FIELDS = Object.keys(HOST_MAXIMA) as (keyof AppLimits)[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function safeRelativePath(p: unknown): boolean {
  return (
    typeof p === 'string' &&
    p.length > 0 &&
    !p.startsWith('/') &&
    !p.includes('\\') &&
    !/^[A-Za-z]:/.test(p) &&
    !p.split('/').includes('..')
  );
}

function commandIssues(commands: unknown, issue: (path: string, expected: string, got: unknown) => void): void {
  if (!isObject(commands) || Object.keys(commands).length === 0) {
    issue('commands', 'an object with at least one command', commands);
    return;
  }
  for (const [name, spec] of Object.entries(commands)) {
    const path = `commands.${name}`;
    if (!COMMAND_NAME.test(name)) issue(path, 'a command name (letters, digits, "_", "-", ".")', name);
    if (!isObject(spec)) {
      issue(path, 'an object {description, args?}', spec);
      continue;
    }
    if (typeof spec.description !== 'string') issue(`${path}.description`, 'a string', spec.description);
    for (const k of Object.keys(spec))
      if (k !== 'description' && k !== 'args') issue(`${path}.${k}`, 'no field other than description, args', spec[k]);
  }
}

/** Validates a command table (`{name: {description, args?}}`): MANIFEST_INVALID listing every problem. */
export function validateCommands(value: unknown, source: string): Record<string, CommandSpec> {
  const issues: string[] = [];
  commandIssues(value, (path, expected, got) =>
    issues.push(`${terminalText(path, MAX_ISSUE_PATH_CHARS)}: expected ${expected}, got ${describe(got)}`),
  );
  if (issues.length)
    throw new HostError('MANIFEST_INVALID', `${source} is invalid: ${issues.slice(0, MAX_MANIFEST_ISSUES_SHOWN).join('; ')}`);
  return value as Record<string, CommandSpec>;
}

/** Validates a parsed `peeros.json`. Throws HostError `MANIFEST_INVALID` listing every problem. */
export function validateManifest(value: unknown, source = 'peeros.json'): Manifest {
  const issues: string[] = [];
  // Paths hold the manifest's own keys (command and capability names): escaped, they reach terminals.
  const issue = (path: string, expected: string, got: unknown) =>
    issues.push(`${terminalText(path, MAX_ISSUE_PATH_CHARS)}: expected ${expected}, got ${describe(got)}`);
  if (!isObject(value)) {
    throw new HostError('MANIFEST_INVALID', `${source} is invalid: (root): expected an object, got ${describe(value)}`);
  }
  const m = value;
  for (const k of Object.keys(m))
    if (!TOP_FIELDS.includes(k)) issue(k, `no such field (known: ${TOP_FIELDS.filter((f) => f !== '$schema').join(', ')})`, m[k]);

  if (typeof m.name !== 'string' || !APP_NAME.test(m.name))
    issue('name', 'an app name: lowercase letters, digits and "-", starting with a letter, at most 64 chars', m.name);
  else if (RESERVED_APP_NAMES.has(m.name))
    issue('name', `a name that is not reserved for the host or the vault (${[...RESERVED_APP_NAMES].join(', ')})`, m.name);
  if (typeof m.version !== 'string' || !VERSION.test(m.version)) issue('version', 'a semantic version such as "1.0.0"', m.version);
  if (typeof m.publisher !== 'string' || !ACCOUNT_NAME.test(m.publisher))
    issue('publisher', 'an Antelope account name (1-12 of a-z, 1-5 and ".")', m.publisher);
  if (m.description !== undefined && typeof m.description !== 'string') issue('description', 'a string', m.description);
  if (!safeRelativePath(m.entry) || !(m.entry as string).endsWith('.wasm'))
    issue('entry', 'a relative path to the .wasm module inside the app directory (no "..")', m.entry);
  if (m.source !== undefined && !safeRelativePath(m.source))
    issue('source', 'a relative path inside the app directory (no "..")', m.source);
  if (m.dmcs !== undefined && !isObject(m.dmcs)) issue('dmcs', 'an object', m.dmcs);

  // absent or {}: the module carries its generated table; withModuleCommands (runtime/app-commands.ts)
  // takes it from there and refuses an app that has commands in neither place
  if (m.commands !== undefined && !(isObject(m.commands) && Object.keys(m.commands).length === 0)) commandIssues(m.commands, issue);

  const capabilities: Record<string, unknown> = {};
  if (!isObject(m.capabilities)) issue('capabilities', 'an object mapping capability names to scopes ({} when none)', m.capabilities);
  else {
    for (const [name, scope] of Object.entries(m.capabilities)) {
      capabilities[name] = validateScope(name, scope, `capabilities.${name}`, issue);
    }
  }

  let limits: Partial<AppLimits> | undefined;
  if (m.limits !== undefined) {
    if (!isObject(m.limits)) issue('limits', 'an object', m.limits);
    else {
      limits = {};
      for (const [k, v] of Object.entries(m.limits)) {
        if (!(LIMIT_FIELDS as string[]).includes(k)) {
          issue(`limits.${k}`, `one of ${LIMIT_FIELDS.join(', ')}`, k);
          continue;
        }
        const max = HOST_MAXIMA[k as keyof AppLimits];
        if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > max)
          issue(`limits.${k}`, `an integer from 1 to ${max} (the host maximum)`, v);
        else limits[k as keyof AppLimits] = v as number;
      }
    }
  }

  if (issues.length) {
    const shown = issues.slice(0, MAX_MANIFEST_ISSUES_SHOWN).join('; ');
    const more = issues.length > MAX_MANIFEST_ISSUES_SHOWN ? `; … and ${issues.length - MAX_MANIFEST_ISSUES_SHOWN} more problems` : '';
    throw new HostError('MANIFEST_INVALID', `${source} is invalid: ${shown}${more}`);
  }
  const out: Manifest = {
    name: m.name as string,
    version: m.version as string,
    publisher: m.publisher as string,
    entry: m.entry as string,
    commands: (m.commands ?? {}) as Record<string, CommandSpec>,
    capabilities: capabilities as Grants,
  };
  if (m.description !== undefined) out.description = m.description as string;
  if (m.source !== undefined) out.source = m.source as string;
  if (m.dmcs !== undefined) out.dmcs = m.dmcs as Record<string, unknown>;
  if (limits) out.limits = limits;
  return out;
}

/**
 * Reads and validates `DIR/peeros.json`: a regular file inside DIR of at most
 * {@link MAX_MANIFEST_BYTES} (runtime/app-folder.ts), else UNSAFE_FILE / LIMIT_EXCEEDED.
 */
export async function readManifest(dir: string): Promise<Manifest> {
  return (await readManifestFile(dir)).manifest;
}

/**
 * The same, with the exact bytes it was parsed from: the package hash covers those bytes, so the
 * manifest that is validated and the one that is hashed (and signed) are one read, never two.
 */
export async function readManifestFile(dir: string): Promise<{ manifest: Manifest; bytes: Uint8Array }> {
  const path = join(dir, 'peeros.json');
  let bytes: Uint8Array;
  try {
    bytes = await readFolderFile([dir], 'peeros.json', { maxBytes: MAX_MANIFEST_BYTES, what: 'the app manifest' });
  } catch (err) {
    if (err instanceof HostError) throw err;
    throw new HostError(
      'MANIFEST_INVALID',
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (an app directory needs a peeros.json)' : (err as Error).message}`,
    );
  }
  return { manifest: parseManifestBytes(bytes, path), bytes };
}

/** Parses and validates manifest bytes read from `path` (a folder's file, or a package's entry). */
export function parseManifestBytes(bytes: Uint8Array, path: string): Manifest {
  if (bytes.length > MAX_MANIFEST_BYTES)
    throw new HostError(
      'LIMIT_EXCEEDED',
      `${path}: the app manifest is ${bytes.length} bytes, more than the ${MAX_MANIFEST_BYTES}-byte limit`,
    );
  const text = Buffer.from(bytes).toString('utf8');
  // JSON.parse takes any depth, but installing writes the manifest back with JSON.stringify
  if (jsonDepth(text) > MAX_MANIFEST_JSON_DEPTH)
    throw new HostError('MANIFEST_INVALID', `${path} nests deeper than ${MAX_MANIFEST_JSON_DEPTH} levels`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HostError('MANIFEST_INVALID', `${path} is not valid JSON: ${(err as Error).message}`);
  }
  return validateManifest(json, path);
}
