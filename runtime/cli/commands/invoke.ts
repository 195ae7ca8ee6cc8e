/**
 * `peeros invoke FILE.wasm FUNCTION [ARGS…]`: run one export of any WebAssembly module without
 * installing it, in the app sandbox with no capability (runtime/invoke.ts). Typed failures print
 * one line on stderr with their code and exit 1; argument mistakes exit 2 with one sentence.
 */
import { lstat, readFile } from 'node:fs/promises';
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { printJson, toJson } from '../json-output.js';
import { integerArg } from '../arg-checks.js';
import { invokeArg, typeArg, typeListArg } from '../invoke-args.js';
import { InvokeModule, type ExportSummary } from '../../invoke.js';
import { HostError } from '../../errors.js';
import { MAX_CPU_MS, MAX_MEMORY_PAGES, MAX_MODULE_BYTES } from '../../limits.js';
import { MAX_BINDINGS_BYTES } from '../../sandbox/as-bindings.js';
import { LOG_LEVEL_NAMES } from '../../isa/log.js';
import { terminalText, terminalWrap } from '../../../lib/terminal-text.js';
import { definition } from '../definitions/invoke.js';

/** Reads a regular file under a size cap; a usage error when it is missing or not a file. */
async function readBounded(path: string, max: number, what: string): Promise<Buffer> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) throw new UsageError(`${what} ${JSON.stringify(path)} does not exist`);
  if (!st.isFile()) throw new UsageError(`${what} ${JSON.stringify(path)} is not a regular file`);
  if (st.size > max) throw new UsageError(`${what} ${JSON.stringify(path)} is ${st.size} bytes, above the maximum of ${max}`);
  return readFile(path);
}

/** The bindings `.d.ts` beside the module (`x.wasm` → `x.d.ts`), if there is one. */
async function readBindings(wasmPath: string): Promise<string | undefined> {
  const path = `${wasmPath.replace(/\.wasm$/, '')}.d.ts`;
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isFile() || st.size > MAX_BINDINGS_BYTES) return undefined;
  return readFile(path, 'utf8');
}

function printList(io: CliIO, m: InvokeModule, json: boolean): void {
  const exports = m.exports;
  if (json) {
    printJson(io, { module: m.name, kind: m.kind, exports });
    return;
  }
  io.out(
    `${terminalText(m.name)}: ${m.kind === 'sdk' ? 'an SDK app' : m.kind === 'assemblyscript' ? 'AssemblyScript with its runtime exported' : 'plain WebAssembly'}`,
  );
  for (const e of exports) io.out(`  ${describeExport(e)}`);
}

function describeExport(e: ExportSummary): string {
  if (e.callable) return `${terminalText(e.name)}(${e.params!.join(', ')}) -> ${e.result}`;
  const typed = e.bindings ? `  (${e.bindings.params.join(', ')}) -> ${e.bindings.result}` : '';
  return `${terminalText(e.name)} ${e.wasm}${terminalText(typed)}  [${terminalText(e.note ?? 'not callable')}]`;
}

function printResult(io: CliIO, value: unknown): void {
  if (value === null || value === undefined) return;
  io.out(typeof value === 'string' ? terminalText(value) : toJson(value));
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, flagSpec(definition), 'invoke');
    const list = flags.list === true;
    const json = flags.json === true;
    if (positionals.length < 1) throw new UsageError('invoke takes FILE.wasm FUNCTION [ARGS…] (or FILE.wasm --list)');
    if (!list && positionals.length < 2)
      throw new UsageError('invoke takes FILE.wasm FUNCTION [ARGS…]; which function? (--list shows them)');
    if (list && positionals.length > 1) throw new UsageError('invoke --list takes only FILE.wasm');
    const [file, fn, ...words] = positionals as [string, string, ...string[]];
    const cpuMs = typeof flags['cpu-ms'] === 'string' ? integerArg(flags['cpu-ms'], '--cpu-ms', 1, MAX_CPU_MS) : undefined;
    const memoryPages =
      typeof flags['memory-pages'] === 'string' ? integerArg(flags['memory-pages'], '--memory-pages', 1, MAX_MEMORY_PAGES) : undefined;
    const argTypes = typeof flags['arg-types'] === 'string' ? typeListArg(flags['arg-types'], '--arg-types') : undefined;
    const resultType = typeof flags['result-type'] === 'string' ? typeArg(flags['result-type'], '--result-type') : undefined;
    const bytes = await readBounded(file, MAX_MODULE_BYTES, 'module');
    const bindings = await readBindings(file);
    const name = file.split('/').pop() ?? file;
    const onLog = (app: string, level: number, message: string) => {
      const columns = process.stderr.isTTY ? process.stderr.columns : undefined;
      io.err(terminalWrap(`[${terminalText(app)}] ${LOG_LEVEL_NAMES[level] ?? level}: `, terminalText(message), columns));
    };
    let m: InvokeModule;
    try {
      m = await InvokeModule.open(new Uint8Array(bytes), {
        name,
        ...(bindings !== undefined ? { bindings } : {}),
        ...(cpuMs !== undefined ? { cpuMs } : {}),
        ...(memoryPages !== undefined ? { memoryPages } : {}),
        onLog,
      });
    } catch (err) {
      return fail(io, err);
    }
    try {
      if (list) {
        printList(io, m, json);
        return 0;
      }
      let result;
      if (m.kind === 'sdk') {
        if (argTypes || resultType)
          throw new UsageError(`${name} is an SDK app: its command takes one JSON argument; --arg-types and --result-type do not apply`);
        if (words.length > 1) throw new UsageError(`${name} is an SDK app: its command takes one JSON argument, got ${words.length}`);
        let args: unknown = {};
        if (words[0] !== undefined) {
          try {
            args = JSON.parse(words[0]);
          } catch (err) {
            throw new UsageError(`the argument is not valid JSON (${(err as Error).message}); quote it, e.g. '{"a": 1}'`);
          }
        }
        result = await m.callCommand(fn, args);
      } else {
        const sig = m.signature(fn, argTypes, resultType);
        if ('reason' in sig) throw new UsageError(sig.reason);
        if (words.length !== sig.params.length)
          throw new UsageError(`'${fn}' takes ${sig.params.length} argument${sig.params.length === 1 ? '' : 's'}, got ${words.length}`);
        const guessed = bindings === undefined && argTypes === undefined && m.kind === 'assemblyscript';
        const values = words.map((w, i) => {
          try {
            return invokeArg(w, sig.params[i]!, i);
          } catch (err) {
            // a pointer typed as i32 from the wasm signature: say where the real types come from
            if (guessed && err instanceof UsageError)
              throw new UsageError(
                `${err.message} (no ${name.replace(/\.wasm$/, '')}.d.ts beside the module: give --arg-types for strings and arrays)`,
              );
            throw err;
          }
        });
        result = await m.call(fn, sig, values);
      }
      if (json) printJson(io, { function: fn, type: result.type, result: result.value });
      else printResult(io, result.value);
      return 0;
    } catch (err) {
      return fail(io, err);
    } finally {
      await m.close();
    }
  },
};

function fail(io: CliIO, err: unknown): number {
  if (err instanceof HostError) {
    io.err(`peeros invoke: ${err.code}: ${terminalText(err.message)}`);
    return 1;
  }
  throw err;
}

export default command;
