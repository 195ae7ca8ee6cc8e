/**
 * The compile worker of `peeros app build`: runs asc on ONE untrusted app folder and posts back
 * the outputs. The host (runtime/app-compiler.ts) creates it with an empty environment (`env: {}`:
 * no PEEROS_* secret is visible here), resource limits and a deadline, and decides every compiler
 * option in `argv`. Nothing from the app folder can add options or load code:
 *
 *   - asc's readFile is ours: it serves only `.ts` files whose real path lies inside the app folder
 *     or the SDK folder, regular files under a size cap (runtime/app-folder.ts). So the folder's
 *     `asconfig.json` (with its `transform`, `extends`, `lib`, `path`, …) is never read: it is
 *     reported as ignored. `~lib/<pkg>` lookups in node_modules outside the folder are refused;
 *   - the SDK by package path (`import … from "peeros/sdk-as/app"`): asc looks for it in every
 *     `node_modules/peeros/sdk-as/` above the folder; each such lookup is served from the host's
 *     own SDK folder (`sdkDir`), wherever the app folder is and whatever a `node_modules` near it
 *     holds, so the SDK an app builds against is the one of the host that builds it;
 *   - listFiles returns nothing (no `--lib` directory scan) and outputs stay in memory.
 *
 *   - the only transform is the SDK's own (sdk-as/transform/index.mjs under the host's `sdkDir`),
 *     given to asc as a class, never named in `argv`: it turns `@command` functions (apps) or
 *     `@contract` classes (contracts) into code, and its table (commands, or the ABI) comes back in
 *     the reply's `generated`.
 *
 * A refused file makes the build fail with its code (UNSAFE_FILE, LIMIT_EXCEEDED), never a silent
 * "file not found"; the refused file's text is never read, so it cannot appear in any message.
 */
import { parentPort } from 'node:worker_threads';
import { lstat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import asc from 'assemblyscript/asc';
import { readFolderFile } from './app-folder.js';
import { HostError } from './errors.js';
import type { CompileDiagnostic } from './app-build-error.js';

/** Compile one app: `argv` is the host's, complete; files are read from `appDir` and `sdkDir` only. */
export interface CompileJob {
  kind: 'compile';
  argv: string[];
  appDir: string;
  sdkDir: string;
  maxFileBytes: number;
  maxTotalBytes: number;
  /** Which half of the SDK transform runs: `app` (@command) or `contract` (@contract); none by default. */
  transform?: 'app' | 'contract';
}
/** Report the names of the environment variables this thread sees (proves the clean environment). */
export interface EnvProbe {
  kind: 'env';
}
export type CompileRequest = CompileJob | EnvProbe;

export interface Refusal {
  code: 'UNSAFE_FILE' | 'LIMIT_EXCEEDED';
  message: string;
}
export interface CompileReply {
  kind: 'compiled';
  outputs: Record<string, Uint8Array | string>;
  diagnostics: CompileDiagnostic[];
  /** asc's own failure (not a diagnostic), with its stderr. */
  error?: string;
  /** Files that were asked for and refused. */
  refused: Refusal[];
  /** Files of the folder that exist and were deliberately not read (asconfig.json). */
  ignored: string[];
  /** What the transform generated: the command table (app) or the ABI (contract); absent when the source has no decorated declarations. */
  generated?: unknown;
}
export interface EnvReply {
  kind: 'env';
  names: string[];
}
export type CompileWorkerReply = CompileReply | EnvReply;

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  return { line, column: offset - last };
}

interface SdkTransform {
  appTransform(onCommands: (table: unknown) => void): new () => object;
  contractTransform(onAbi: (abi: unknown) => void): new () => object;
}

/** Where asc looks for the SDK imported by package path: `<any folder>/node_modules/peeros/sdk-as/…`. */
const SDK_PACKAGE_SEGMENT = `${sep}node_modules${sep}peeros${sep}sdk-as${sep}`;

/** The host's SDK file behind a package-path lookup, or the path itself when it is not one. */
export function sdkPackageFile(path: string, sdkDir: string): string {
  const at = path.lastIndexOf(SDK_PACKAGE_SEGMENT);
  return at < 0 ? path : join(sdkDir, path.slice(at + SDK_PACKAGE_SEGMENT.length));
}

async function compile(job: CompileJob): Promise<CompileReply> {
  let generated: unknown;
  const transforms: (new () => object)[] = [];
  if (job.transform !== undefined) {
    const sdk = (await import(pathToFileURL(join(job.sdkDir, 'transform/index.mjs')).href)) as SdkTransform;
    const keep = (table: unknown): void => {
      generated = table;
    };
    transforms.push(job.transform === 'app' ? sdk.appTransform(keep) : sdk.contractTransform(keep));
  }
  const outputs: Record<string, Uint8Array | string> = {};
  const sources = new Map<string, string>();
  const diagnostics: CompileDiagnostic[] = [];
  const refused: Refusal[] = [];
  const ignored: string[] = [];
  let total = 0;
  const stderr = asc.createMemoryStream();
  const result = await asc.main(job.argv, {
    transforms: transforms as never,
    stdout: asc.createMemoryStream(),
    stderr,
    readFile: async (name, baseDir) => {
      const path = sdkPackageFile(resolve(baseDir, name), job.sdkDir);
      if (basename(path) === 'asconfig.json') {
        if (
          await lstat(path).then(
            () => true,
            () => false,
          )
        )
          ignored.push(path);
        return null;
      }
      if (!path.endsWith('.ts')) {
        refused.push({ code: 'UNSAFE_FILE', message: `${path}: the compiler asked for a file that is not an AssemblyScript source` });
        return null;
      }
      let bytes: Buffer;
      try {
        bytes = await readFolderFile([job.appDir, job.sdkDir], path, { maxBytes: job.maxFileBytes, what: 'source file' });
      } catch (err) {
        if (err instanceof HostError && (err.code === 'UNSAFE_FILE' || err.code === 'LIMIT_EXCEEDED'))
          refused.push({ code: err.code, message: err.message });
        return null; // a missing file: asc tries the next candidate or reports it
      }
      total += bytes.length;
      if (total > job.maxTotalBytes) {
        refused.push({ code: 'LIMIT_EXCEEDED', message: `${path}: the sources of this app exceed ${job.maxTotalBytes} bytes in total` });
        return null;
      }
      const text = bytes.toString('utf8');
      sources.set(path, text);
      return text;
    },
    writeFile: (name, contents) => {
      outputs[name] = contents;
    },
    listFiles: () => [],
    reportDiagnostic: (d) => {
      if (d.category !== 3) return; // 3 = error; warnings and hints do not fail the build
      const rangeFile = d.range ? resolve(job.appDir, d.range.source.normalizedPath) : '';
      const text = sources.get(rangeFile) ?? '';
      const pos = d.range ? lineCol(text, d.range.start) : { line: 0, column: 0 };
      diagnostics.push({
        file: rangeFile ? relative(process.cwd(), rangeFile) || rangeFile : '',
        ...pos,
        code: d.code,
        message: d.message,
      });
    },
  });
  const reply: CompileReply = { kind: 'compiled', outputs, diagnostics, refused, ignored };
  if (generated !== undefined) reply.generated = generated;
  if (result.error) reply.error = `${result.error.message}\n${stderr.toString()}`;
  return reply;
}

async function serve(request: CompileRequest): Promise<CompileWorkerReply> {
  if (request.kind === 'env') return { kind: 'env', names: Object.keys(process.env) };
  return compile(request);
}

if (parentPort) {
  const port = parentPort;
  // a request that throws is left unhandled on purpose: the worker then fails and the host reports it
  port.on('message', ({ id, request }: { id: number; request: CompileRequest }) => {
    void serve(request).then((reply) => port.postMessage({ id, reply }));
  });
}
