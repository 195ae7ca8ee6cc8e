// Repository paths for the isa/app tests (compiled to dist/test/isa/, three levels below the root).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const appWasm = (dir: string, name: string): string => join(ROOT, dir, 'build', `${name}.wasm`);
export const CALCULATOR_WASM = appWasm('apps/calculator', 'calculator');
export const NOTES_WASM = appWasm('apps/notes', 'notes');
export const BENCH_WASM = appWasm('test/fixtures/apps/bench', 'bench');
export const PROBE_WASM = appWasm('test/fixtures/apps/isa-probe', 'isa-probe');
