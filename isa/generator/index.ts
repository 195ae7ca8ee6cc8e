/**
 * The ISA generator: reads the WIT package in `isa/wit/`, and produces the host's import table
 * (`isa/generated/imports.ts`) and the SDK's AssemblyScript bindings (`sdk-as/app/isa.generated.ts`).
 * Both outputs are committed; `test/isa/generator.test.ts` regenerates them and fails on drift.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseWitPackage, type WitPackage } from './wit-parser.js';
import { emitHostImports } from './emit-host.js';
import { emitAsBindings } from './emit-as.js';

export { parseWitPackage, WitSyntaxError, typeText } from './wit-parser.js';
export type { WitPackage, WitInterface, WitFunc, WitType, WitWorld } from './wit-parser.js';
export { isaImports, enumValues, moduleName, IsaLoweringError } from './lower.js';
export type { LoweredImport } from './lower.js';
export { emitHostImports } from './emit-host.js';
export { emitAsBindings } from './emit-as.js';

/** Output paths, relative to the repository root. */
export const HOST_OUTPUT = 'isa/generated/imports.ts';
export const AS_OUTPUT = 'sdk-as/app/isa.generated.ts';
export const WIT_DIR = 'isa/wit';

/** Every `*.wit` file of `dir`, as parser input. */
export function readWitDir(dir: string): Array<{ file: string; source: string }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wit'))
    .sort()
    .map((f) => ({ file: join(dir, f), source: readFileSync(join(dir, f), 'utf8') }));
}

/** The whole package as one WIT text (for tools that take WIT as a string, such as jco's API). */
export function witSource(root: string): string {
  // one `package` line: wit-parser refuses a second declaration in the same source
  return readWitDir(join(root, WIT_DIR))
    .map((f, i) => (i === 0 ? f.source : f.source.replace(/^\s*package\s+[^;]+;/m, '')))
    .join('\n');
}

export function loadIsa(root: string): WitPackage {
  return parseWitPackage(readWitDir(join(root, WIT_DIR)));
}

/** Generated file path (relative to root) → contents. */
export function generate(root: string): Record<string, string> {
  const pkg = loadIsa(root);
  return { [HOST_OUTPUT]: emitHostImports(pkg), [AS_OUTPUT]: emitAsBindings(pkg) };
}

/** Regenerates the outputs in place (only files whose text changed); returns the paths written. */
export function writeGenerated(root: string): string[] {
  const written: string[] = [];
  for (const [rel, text] of Object.entries(generate(root))) {
    const path = join(root, rel);
    if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    written.push(rel);
  }
  return written;
}
