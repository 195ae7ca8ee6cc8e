// `peeros invoke`'s argument words, typed: ranges, hex bit patterns, floats, arrays; each mistake a
// usage error naming the argument and its type.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { invokeArg, typeArg, typeListArg } from '../../../runtime/cli/invoke-args.js';
import { UsageError } from '../../../runtime/cli/command.js';
import { typeFromWord } from '../../../runtime/sandbox/invoke-types.js';

const t = (w: string) => typeFromWord(w)!;
const arg = (word: string, type: string) => invokeArg(word, t(type), 0);

test('integers: decimal, hex, hex bit patterns of signed types, 64-bit as decimal strings', () => {
  assert.is(arg('-2147483648', 'i32'), -2147483648);
  assert.is(arg('0xffffffff', 'i32'), -1);
  assert.is(arg('4294967295', 'u32'), 4294967295);
  assert.is(arg('0xFFFFFFFFFFFFFFFF', 'i64'), '18446744073709551615');
  assert.is(arg('-9223372036854775808', 'i64'), '-9223372036854775808');
  assert.is(arg('true', 'bool'), 1);
});

test('floats: decimal, exponent, NaN and infinities (as strings: JSON has none)', () => {
  assert.is(arg('1.5e3', 'f64'), 1500);
  assert.is(arg('.5', 'f32'), 0.5);
  assert.is(arg('-Infinity', 'f64'), '-Infinity');
  assert.is(arg('NaN', 'f64'), 'NaN');
});

test('arrays: JSON or comma-separated, each element in its range', () => {
  assert.equal(arg('[1, 2, 3]', 'Int32Array'), [1, 2, 3]);
  assert.equal(arg('1,2,3', 'u8[]'), [1, 2, 3]);
  assert.equal(arg('', 'Float64Array'), []);
});

test('mistakes are usage errors naming the argument, its type and what was typed', () => {
  const cases: [string, string, RegExp][] = [
    ['2147483648', 'i32', /argument 1 \(i32\): expected an integer of type i32.*got "2147483648"/],
    ['-1', 'u32', /expected an integer of type u32/],
    ['1.5', 'i32', /expected an integer/],
    ['0x', 'i64', /expected an integer of type i64/],
    ['1e', 'f64', /expected a number of type f64/],
    ['maybe', 'bool', /expected true or false/],
    ['[1, "x"]', 'Int32Array', /element 1/],
    ['256', 'u8[]', /argument 1 \(u8\[\]\) element 0: expected an integer of type u8/],
    ['{"a":1}', 'Int32Array', /expected an integer|not a JSON array/],
  ];
  for (const [word, type, message] of cases) {
    try {
      arg(word, type);
      assert.unreachable(`${word} as ${type}`);
    } catch (err) {
      assert.instance(err, UsageError, `${word} as ${type}`);
      assert.match((err as Error).message, message);
    }
  }
});

test('type words: lists for --arg-types, one for --result-type; an unknown one lists the known', () => {
  assert.equal(typeListArg('i32, string,f64[]', '--arg-types'), [t('i32'), t('string'), t('f64[]')]);
  assert.equal(typeArg('void', '--result-type'), { kind: 'void' });
  assert.throws(
    () => typeArg('String', '--result-type'),
    (e: Error) => e instanceof UsageError && /unknown type "String" \(known: i32/.test(e.message),
  );
  assert.throws(
    () => typeArg('i64[]', '--result-type'),
    (e: Error) => e instanceof UsageError,
  );
});

test.run();
