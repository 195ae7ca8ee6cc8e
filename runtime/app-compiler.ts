/**
 * The app compiler: AssemblyScript app folder → core wasm module that follows isa/CORE-ABI.md.
 *
 *   1. reads `peeros.json` (`source`: the AS entry, `entry`: the output wasm path, `limits`);
 *   2. compiles with asc: incremental runtime (host-allocated inputs are pinned, then collected),
 *      `--use abort=<SDK handler>` (runtime errors trap; no `env.abort` import), `-O3`, a memory
 *      maximum from `limits.memoryPages`;
 *   3. renames the SDK's exports to their canonical-ABI names, which are not AS identifiers
 *      (`peeros_run` → `peeros:isa/command@0.1.0#run`, `peeros_run_post` → `cabi_post_…#run`),
 *      by rewriting the export section of the binary;
 *   4. appends the command table the SDK transform generated from the app's `@command` functions
 *      as the custom section `peeros:commands` (runtime/app-commands.ts);
 *   5. writes the module, and returns its path, sha256 and size.
 *
 * An app folder is untrusted: building it runs no code from it and shows it no secret. The host
 * decides every compiler option (the folder's `asconfig.json` — transforms, `extends`, `lib`,
 * `path` — is never read, only reported in `ignored`); asc runs in a worker thread
 * (runtime/app-compile-worker.ts) with an empty environment, a heap cap and a deadline, and reads
 * only regular `.ts` files inside the app folder or the SDK (runtime/app-folder.ts). The module is
 * written only inside the app folder, by rename, so a symlink planted at the output path is
 * replaced, never written through.
 *
 * Every failure is one `AppBuildError` with a stable `code`; compile errors list every error as
 * `path:line:column: message` (paths relative to the current directory).
 * The manifest is checked here only as far as building needs; the host validates it fully.
 */
import { createHash } from 'node:crypto';
import { mkdir, realpath, lstat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMAND_EXPORT, COMMAND_POST_RETURN, ISA_IMPORTS } from '../isa/generated/imports.js';
import {
  BUILD_DEADLINE_MS,
  DEFAULT_MEMORY_PAGES,
  MAX_APP_SOURCE_BYTES,
  MAX_APP_SOURCES_TOTAL_BYTES,
  MAX_MANIFEST_BYTES,
  MAX_MEMORY_PAGES,
} from './limits.js';
import { isInside, readFolderFile } from './app-folder.js';
import { HostError } from './errors.js';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { compileInWorker } from './app-compile-client.js';
import { APP_BUILD_ERROR_CODES, AppBuildError } from './app-build-error.js';
import { codeOf } from '../lib/coded-error.js';
import type { CompileReply } from './app-compile-worker.js';
import { appendCommandsSection } from './app-commands.js';
import type { CommandSpec } from './manifest.js';
import { u32Leb } from './sandbox/wasm-encode.js';

export { AppBuildError, type AppBuildErrorCode, type CompileDiagnostic } from './app-build-error.js';

/** Memory maximum declared when the manifest gives none: the host's default cap (runtime/limits.ts). */
export const DEFAULT_APP_MEMORY_PAGES = DEFAULT_MEMORY_PAGES;
/** Largest maximum the compiler accepts: the host's maximum, so a built app is never refused for it. */
export const MAX_APP_MEMORY_PAGES = MAX_MEMORY_PAGES;

/** The SDK's abort handler, a `@global` (sdk-as/app/abort.ts) installed with `--use abort=`. */
const ABORT_HANDLER = 'peerosAbort';

/** SDK export name → canonical core name. */
export const EXPORT_RENAMES: Readonly<Record<string, string>> = Object.freeze({
  peeros_run: COMMAND_EXPORT,
  peeros_run_post: COMMAND_POST_RETURN,
});

export interface BuildOptions {
  /** Optimise (-O3); default true. */
  optimize?: boolean;
  /** Also write the text format next to the module (`.wat`); default false. */
  wat?: boolean;
  /** Override where the module is written (default: `dir/<manifest.entry>`, which must stay inside dir). */
  outFile?: string;
  /** Compile deadline in ms (default BUILD_DEADLINE_MS); tests lower it. */
  deadlineMs?: number;
}

export interface BuildResult {
  wasmPath: string;
  sha256: string;
  bytes: number;
  manifest: unknown;
  /** Files of the app folder deliberately not read (its asconfig.json: the host sets every option). */
  ignored: string[];
  /** The command table generated from the app's `@command` functions (also stored in the module). */
  commands?: Record<string, CommandSpec>;
  /**
   * ISA imports of the module whose capability peeros.json does not ask for, as
   * `module::name needs 'capability'`: the install would refuse them (CAPABILITY_DENIED).
   */
  ungranted: string[];
}

/**
 * The module's ISA imports whose capability `capabilities` (the manifest's) lacks: what the
 * install would refuse, told at build time. Unknown imports are the linker's to report.
 */
export function ungrantedImports(binary: Uint8Array, capabilities: unknown): string[] {
  const asked = typeof capabilities === 'object' && capabilities !== null ? capabilities : {};
  const out: string[] = [];
  for (const imp of WebAssembly.Module.imports(new WebAssembly.Module(binary))) {
    const isa = ISA_IMPORTS.find((i) => i.module === imp.module && i.name === imp.name);
    if (isa && !Object.hasOwn(asked, isa.capability)) out.push(`${imp.module}::${imp.name} needs '${isa.capability}'`);
  }
  return out;
}

/** The SDK folder (sdk-as/): from dist/runtime/ two levels up, from runtime/ (sources) one. */
export function sdkDir(): string {
  const fromDist = fileURLToPath(new URL('../../sdk-as', import.meta.url));
  return existsSync(join(fromDist, 'app/abort.ts')) ? fromDist : fileURLToPath(new URL('../sdk-as', import.meta.url));
}

function relPath(field: string, value: unknown, manifestPath: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new AppBuildError(
      'MANIFEST_INVALID',
      `${manifestPath}: field '${field}' must be a non-empty relative path, got ${JSON.stringify(value)}`,
    );
  }
  if (isAbsolute(value) || value.split(/[\\/]/).includes('..')) {
    throw new AppBuildError(
      'MANIFEST_INVALID',
      `${manifestPath}: field '${field}' must stay inside the app folder, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** A HostError of runtime/app-folder.ts as an AppBuildError with the same code. */
function fromFolderError(err: HostError): AppBuildError {
  return new AppBuildError(err.code === 'LIMIT_EXCEEDED' ? 'LIMIT_EXCEEDED' : 'UNSAFE_FILE', err.message);
}

interface BuildManifest {
  source: string;
  entry: string;
  memoryPages: number;
  raw: Record<string, unknown>;
}

async function readBuildManifest(dir: string): Promise<BuildManifest> {
  const path = join(dir, 'peeros.json');
  let text: string;
  try {
    text = (await readFolderFile([dir], 'peeros.json', { maxBytes: MAX_MANIFEST_BYTES, what: 'the app manifest' })).toString('utf8');
  } catch (e) {
    if (e instanceof HostError) throw fromFolderError(e);
    throw new AppBuildError(
      'MANIFEST_INVALID',
      `${path}: cannot read the app manifest (${(e as NodeJS.ErrnoException).code ?? String(e)}); an app folder needs a peeros.json`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AppBuildError('MANIFEST_INVALID', `${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new AppBuildError('MANIFEST_INVALID', `${path}: expected a JSON object`);
  const m = raw as Record<string, unknown>;
  const source = relPath('source', m.source ?? 'assembly/index.ts', path);
  const entry = relPath('entry', m.entry, path);
  if (!entry.endsWith('.wasm'))
    throw new AppBuildError('MANIFEST_INVALID', `${path}: field 'entry' must name a .wasm file, got ${JSON.stringify(entry)}`);
  let memoryPages = DEFAULT_APP_MEMORY_PAGES;
  const limits = m.limits;
  if (limits !== undefined) {
    if (typeof limits !== 'object' || limits === null)
      throw new AppBuildError('MANIFEST_INVALID', `${path}: field 'limits' must be an object`);
    const mp = (limits as Record<string, unknown>).memoryPages;
    if (mp !== undefined) {
      if (typeof mp !== 'number' || !Number.isInteger(mp) || mp < 1 || mp > MAX_APP_MEMORY_PAGES) {
        throw new AppBuildError(
          'MANIFEST_INVALID',
          `${path}: field 'limits.memoryPages' must be an integer 1..${MAX_APP_MEMORY_PAGES}, got ${JSON.stringify(mp)}`,
        );
      }
      memoryPages = mp;
    }
  }
  return { source, entry, memoryPages, raw: m };
}

/** The names of the environment variables a compile worker sees (always none; for tests and audits). */
export async function compilerEnvironment(): Promise<string[]> {
  const reply = await compileInWorker({ kind: 'env' }, BUILD_DEADLINE_MS);
  return reply.kind === 'env' ? reply.names : [];
}

/**
 * Makes sure `file` will be written inside `appDir`: the deepest existing folder on its way must
 * resolve inside the app folder both before and after its missing folders are created.
 */
export async function prepareOutput(appDir: string, file: string): Promise<void> {
  const appReal = await realpath(appDir);
  const refuse = (where: string): AppBuildError =>
    new AppBuildError(
      'UNSAFE_FILE',
      `${file}: the module would be written to ${where}, outside the app folder (a symbolic link in the "entry" path?)`,
    );
  let dir = dirname(file);
  for (;;) {
    const real = await realpath(dir).catch(() => undefined);
    if (real !== undefined) {
      if (!isInside(appReal, real)) throw refuse(real);
      break;
    }
    if (dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  await mkdir(dirname(file), { recursive: true });
  const real = await realpath(dirname(file));
  if (!isInside(appReal, real)) throw refuse(real);
  if ((await lstat(file).catch(() => undefined))?.isDirectory())
    throw new AppBuildError('UNSAFE_FILE', `${file}: the module path is a directory`);
}

/** Compiles `dir`'s AssemblyScript app; see the module doc. */
export async function buildApp(dir: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const appDir = resolve(dir);
  const m = await readBuildManifest(appDir);
  const ownOutput = opts.outFile === undefined;
  const outFile = opts.outFile ? resolve(opts.outFile) : join(appDir, m.entry);
  const sdk = sdkDir();

  // every option is the host's: nothing in the folder adds to this list
  const argv = [
    m.source,
    '--baseDir',
    appDir,
    '--outFile',
    'out.wasm',
    ...(opts.wat ? ['--textFile', 'out.wat'] : []),
    '--runtime',
    'incremental',
    '--use',
    // a @global of the SDK (sdk-as/app/abort.ts): found however the app imports the SDK
    `abort=${ABORT_HANDLER}`,
    '--maximumMemory',
    String(m.memoryPages),
    '--noColors',
    ...(opts.optimize === false ? ['--debug'] : ['-O3']),
  ];
  if (ownOutput) await prepareOutput(appDir, outFile); // before compiling: a bad output path fails fast
  const reply = (await compileInWorker(
    {
      kind: 'compile',
      argv,
      appDir,
      sdkDir: sdk,
      maxFileBytes: MAX_APP_SOURCE_BYTES,
      maxTotalBytes: MAX_APP_SOURCES_TOTAL_BYTES,
      transform: 'app',
    },
    opts.deadlineMs ?? BUILD_DEADLINE_MS,
  )) as CompileReply;
  const { diagnostics, refused } = reply;
  if (refused.length > 0) {
    throw new AppBuildError(
      codeOf(APP_BUILD_ERROR_CODES, refused[0]!.code) ?? 'INTERNAL',
      `cannot build ${relative(process.cwd(), appDir) || '.'}: ${refused.map((r) => r.message).join('\n')}`,
    );
  }
  const noSdk = (): AppBuildError =>
    new AppBuildError(
      'COMPILE_ERROR',
      `${join(relative(process.cwd(), appDir), m.source)}: the module does not export 'cabi_realloc' and the command entry point; the entry file must contain \`export * from "peeros/sdk-as/app/exports";\` (or a relative path to sdk-as/app/exports)`,
    );
  if (diagnostics.some((d) => d.message.includes(`'${ABORT_HANDLER}'`))) throw noSdk();
  if (reply.error !== undefined || diagnostics.length > 0) {
    const lines = diagnostics.map((d) => `${d.file ? `${d.file}:${d.line}:${d.column}: ` : ''}error AS${d.code}: ${d.message}`);
    const detail = lines.length ? lines.join('\n') : (reply.error ?? 'unknown error');
    throw new AppBuildError(
      'COMPILE_ERROR',
      `cannot build ${relative(process.cwd(), appDir) || '.'}: ${diagnostics.length || 1} compile error(s)\n${detail}`,
      diagnostics,
    );
  }
  const binary = reply.outputs['out.wasm'];
  if (!(binary instanceof Uint8Array)) throw new AppBuildError('INTERNAL', `cannot build ${appDir}: the compiler produced no module`);
  const commands = reply.generated as Record<string, CommandSpec> | undefined;
  const renamed = commands ? appendCommandsSection(renameExports(binary, EXPORT_RENAMES), commands) : renameExports(binary, EXPORT_RENAMES);
  const exported = new Set(listExports(renamed));
  for (const need of ['memory', 'cabi_realloc', COMMAND_EXPORT]) {
    if (!exported.has(need)) throw noSdk();
  }
  if (ownOutput)
    await prepareOutput(appDir, outFile); // again: the folder may have changed meanwhile
  else await mkdir(dirname(outFile), { recursive: true });
  await writeFileAtomic(outFile, renamed, 0o644);
  const wat = reply.outputs['out.wat'];
  if (opts.wat && wat !== undefined) {
    let text = typeof wat === 'string' ? wat : new TextDecoder().decode(wat);
    for (const [from, to] of Object.entries(EXPORT_RENAMES)) text = text.replace(`(export "${from}"`, `(export "${to}"`);
    await writeFileAtomic(outFile.replace(/\.wasm$/, '.wat'), text, 0o644);
  }
  return {
    wasmPath: outFile,
    sha256: createHash('sha256').update(renamed).digest('hex'),
    bytes: renamed.length,
    manifest: m.raw,
    ignored: reply.ignored,
    ...(commands ? { commands } : {}),
    ungranted: ungrantedImports(renamed, m.raw.capabilities),
  };
}

// ---------------------------------------------------------------- binary rewriting

function readLeb(b: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= b.length) throw new AppBuildError('INTERNAL', 'malformed wasm: LEB128 runs past the end');
    const byte = b[pos++]!;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7;
    if (shift > 35) throw new AppBuildError('INTERNAL', 'malformed wasm: LEB128 too long');
  }
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

interface Section {
  id: number;
  start: number;
  bodyStart: number;
  end: number;
}

function sections(b: Uint8Array): Section[] {
  if (b.length < 8 || b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d)
    throw new AppBuildError('INTERNAL', 'not a wasm module (bad magic)');
  const out: Section[] = [];
  let pos = 8;
  while (pos < b.length) {
    const start = pos;
    const id = b[pos++]!;
    const [size, bodyStart] = readLeb(b, pos);
    const end = bodyStart + size;
    if (end > b.length) throw new AppBuildError('INTERNAL', 'malformed wasm: section runs past the end');
    out.push({ id, start, bodyStart, end });
    pos = end;
  }
  return out;
}

/** Export names of a core module, in order. */
export function listExports(b: Uint8Array): string[] {
  const sec = sections(b).find((s) => s.id === 7);
  if (!sec) return [];
  let [count, pos] = readLeb(b, sec.bodyStart);
  const names: string[] = [];
  while (count-- > 0) {
    const [len, p] = readLeb(b, pos);
    names.push(fromUtf8.decode(b.subarray(p, p + len)));
    pos = p + len + 1; // kind byte
    pos = readLeb(b, pos)[1];
  }
  return names;
}

/** Returns a copy of module `b` whose export section has the names in `renames` replaced. */
export function renameExports(b: Uint8Array, renames: Readonly<Record<string, string>>): Uint8Array {
  const secs = sections(b);
  const sec = secs.find((s) => s.id === 7);
  if (!sec) return b.slice();
  let [count, pos] = readLeb(b, sec.bodyStart);
  const body: number[] = u32Leb(count);
  while (count-- > 0) {
    const [len, p] = readLeb(b, pos);
    const name = fromUtf8.decode(b.subarray(p, p + len));
    const newName = utf8.encode(Object.hasOwn(renames, name) ? renames[name]! : name);
    body.push(...u32Leb(newName.length), ...newName);
    pos = p + len;
    const kind = b[pos++]!;
    const [, after] = readLeb(b, pos);
    body.push(kind, ...b.subarray(pos, after));
    pos = after;
  }
  if (pos !== sec.end) throw new AppBuildError('INTERNAL', 'malformed wasm: export section has trailing bytes');
  const head = [7, ...u32Leb(body.length)];
  const out = new Uint8Array(sec.start + head.length + body.length + (b.length - sec.end));
  out.set(b.subarray(0, sec.start), 0);
  out.set(head, sec.start);
  out.set(body, sec.start + head.length);
  out.set(b.subarray(sec.end), sec.start + head.length + body.length);
  return out;
}
