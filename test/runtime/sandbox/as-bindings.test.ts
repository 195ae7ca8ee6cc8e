// AssemblyScript's bindings metadata as asc writes it (`--bindings raw` inside a namespace,
// `--bindings esm` as `export declare function`): the types of each export, and what is ignored.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBindings } from '../../../runtime/sandbox/as-bindings.js';

const ESM = `/** Exported memory */
export declare const memory: WebAssembly.Memory;
export declare function __new(size: number, id: number): number;
/**
 * assembly/index/greet
 * @param name \`~lib/string/String\`
 * @returns \`~lib/string/String\`
 */
export declare function greet(name: string): string;
/**
 * assembly/index/mean
 * @param values \`~lib/array/Array<f64>\`
 * @returns \`f64\`
 */
export declare function mean(values: Array<number>): number;
/**
 * assembly/index/make
 * @returns \`assembly/index/Point\`
 */
export declare function make(): __Internref4;
`;

const RAW = `declare namespace __AdaptedExports {
  /**
   * plain/sum
   * @param values \`~lib/typedarray/Int32Array\`
   * @returns \`i32\`
   */
  export function sum(values: Int32Array): number;
  /**
   * plain/shout
   * @param text \`~lib/string/String | null\`
   */
  export function shout(text: string | null): void;
}`;

test('esm bindings: strings, arrays of numbers; a class result is known but not liftable', () => {
  const b = parseBindings(ESM);
  assert.equal([...b.keys()], ['greet', 'mean', 'make']);
  assert.equal(b.get('greet')!.paramTypes, [{ kind: 'string' }]);
  assert.equal(b.get('mean')!.paramTypes, [{ kind: 'array', element: 'f64' }]);
  assert.equal(b.get('make')!.result, 'assembly/index/Point');
  assert.is(b.get('make')!.resultType, undefined);
  assert.not.ok(b.has('__new')); // no doc comment: not described
});

test('raw bindings: typed arrays, nullable strings, void results', () => {
  const b = parseBindings(RAW);
  assert.equal(b.get('sum')!.paramTypes, [{ kind: 'typed-array', name: 'Int32Array', element: 'i32' }]);
  assert.equal(b.get('shout')!.paramTypes, [{ kind: 'string' }]);
  assert.equal(b.get('shout')!.resultType, { kind: 'void' });
});

test('text that is not bindings describes nothing', () => {
  assert.is(parseBindings('export function f(): void;\n/** not closed').size, 0);
});

test.run();
