/** `peeros invoke`: what it is called, takes and says in `--help` (the command itself: ../commands/invoke.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { JSON_FLAG } from '../json-output.js';
import { DEFAULT_CPU_MS, DEFAULT_MEMORY_PAGES, MAX_CPU_MS, MAX_MEMORY_PAGES } from '../../limits.js';
import { TYPE_WORDS } from '../../sandbox/invoke-types.js';

export const definition: CommandDefinition = {
  name: 'invoke',
  summary: 'run one export of any WebAssembly module, without installing it and with no capability',
  args: 'FILE.wasm FUNCTION [ARGS…]',
  usage: ['peeros invoke FILE.wasm --list [--json]'],
  description: `The first thing to try: calls FUNCTION of FILE.wasm with ARGS and prints the result. The module
runs in the app sandbox (its own worker, the CPU deadline, the memory cap, every check on the
module) and is linked with no capability: a plain AssemblyScript module may import env.abort,
env.trace and env.seed (implemented by the host, bounded), anything else is refused, naming it.
Numbers (i32, u32, i64 and u64 in decimal or 0x…, f32, f64, bool) pass as such. For a module built
with 'asc --exportRuntime', strings, typed arrays and arrays of numbers are lowered and lifted by
@assemblyscript/loader; their types come from FILE.d.ts (asc --bindings esm|raw) when it is beside
the module, else from --arg-types/--result-type. An SDK app (peeros app build) is called through its
own glue: FUNCTION is its command and the one argument is JSON (default {}). An abort prints ABORT
with AssemblyScript's message, file, line and column; trace lines go to stderr.`,
  flags: [
    {
      name: 'list',
      type: 'boolean',
      description: 'print the exported functions, their signatures and whether they can be called as they are',
    },
    {
      name: 'arg-types',
      type: 'string',
      value: 'T,T…',
      description: `the parameter types, comma-separated (overrides FILE.d.ts): ${TYPE_WORDS}`,
    },
    { name: 'result-type', type: 'string', value: 'T', description: 'the result type (overrides FILE.d.ts)' },
    {
      name: 'cpu-ms',
      type: 'string',
      value: 'N',
      description: `CPU deadline of the call in ms (default ${DEFAULT_CPU_MS}, at most ${MAX_CPU_MS}); past it the worker is terminated (DEADLINE_EXCEEDED)`,
    },
    {
      name: 'memory-pages',
      type: 'string',
      value: 'N',
      description: `linear memory cap in 64 KiB pages (default ${DEFAULT_MEMORY_PAGES}, at most ${MAX_MEMORY_PAGES})`,
    },
    {
      ...JSON_FLAG,
      description:
        'print {"function","type","result"} as JSON (i64 results as decimal strings); with --list, {"module","kind","exports":[{"name","wasm","bindings","params","result","callable","note"}]}',
    },
  ],
  notes: `Examples:
  peeros invoke build/add.wasm add 1 2
  peeros invoke build/hello.wasm greet world            (built with asc --exportRuntime --bindings esm)
  peeros invoke build/sum.wasm sum 1,2,3 --arg-types Int32Array --result-type i32
  peeros invoke apps/calculator/build/calculator.wasm add '{"a":"1.5","b":"2"}'`,
};
