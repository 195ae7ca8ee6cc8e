// `peeros app build` warns about ISA imports whose capability the manifest does not ask for (the
// install would refuse them): checked on hand-made modules importing real ISA functions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ungrantedImports } from '../../runtime/app-compiler.js';
import { ISA_IMPORTS } from '../../isa/generated/imports.js';

const enc = new TextEncoder();
const leb = (n: number): number[] => (n < 128 ? [n] : [(n & 0x7f) | 0x80, ...leb(n >> 7)]);
const name = (s: string): number[] => [...leb(enc.encode(s).length), ...enc.encode(s)];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const valType = (t: string): number => ({ i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c })[t] ?? 0x7f;

/** A module importing `imports` (each with its own function type) and nothing else. */
function moduleImporting(imports: (typeof ISA_IMPORTS)[number][]): Uint8Array {
  const types = imports.flatMap((i) => [
    0x60,
    ...leb(i.core.params.length),
    ...i.core.params.map(valType),
    ...leb(i.core.results.length),
    ...i.core.results.map(valType),
  ]);
  const imps = imports.flatMap((i, n) => [...name(i.module), ...name(i.name), 0x00, ...leb(n)]);
  return new Uint8Array([
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, [...leb(imports.length), ...types]),
    ...section(2, [...leb(imports.length), ...imps]),
  ]);
}

const byCapability = (cap: string) => ISA_IMPORTS.find((i) => i.capability === cap)!;

test('an import of a capability the manifest lacks is named with the capability; asked ones are not', () => {
  const storage = byCapability('storage');
  const log = byCapability('log');
  const wasm = moduleImporting([storage, log]);
  assert.equal(ungrantedImports(wasm, { log: {} }), [`${storage.module}::${storage.name} needs 'storage'`]);
  assert.equal(ungrantedImports(wasm, { log: {}, storage: { prefixes: ['a'] } }), []);
  assert.is(ungrantedImports(wasm, undefined).length, 2, 'no capabilities at all');
});

test('a capability name inherited from Object.prototype is not an ask', () => {
  const storage = byCapability('storage');
  assert.is(ungrantedImports(moduleImporting([storage]), Object.create({ storage: {} })).length, 1);
});

test.run();
