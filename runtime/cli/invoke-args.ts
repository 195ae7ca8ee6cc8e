/**
 * `peeros invoke`'s arguments, typed: each word checked against the type of its parameter before
 * anything runs, a mistake being a usage error (exit 2) that names the argument, the type and what
 * was typed. Integers are decimal or `0x…` (a negative hex is `-0x…`); floats are decimal,
 * `NaN`, `Infinity`, `-Infinity`; `bool` is true/false/1/0; strings are taken as typed; arrays
 * are a JSON array (`[1,2,3]`) or comma-separated numbers (`1,2,3`, or `''` for none).
 */
import { UsageError } from './command.js';
import {
  integerRange,
  TYPE_WORDS,
  typeFromWord,
  typeName,
  type ElementType,
  type InvokeType,
  type NumberType,
} from '../sandbox/invoke-types.js';
import type { WireValue } from '../sandbox/invoke-instance.js';

const shown = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

function integer(word: string): bigint | undefined {
  const m = /^(-?)(0x[0-9a-f]+|\d+)$/i.exec(word.trim());
  if (!m) return undefined;
  const n = BigInt(m[2]!);
  return m[1] ? -n : n;
}

function number(word: string, type: NumberType | ElementType, what: string): number | string {
  const range = integerRange(type);
  if (range) {
    const w = type === 'bool' ? (({ true: '1', false: '0' } as Record<string, string>)[word] ?? word) : word;
    const n = integer(w);
    // a hex bit pattern may fill the unsigned range of a signed type (0xffffffff as i32 is -1)
    const hexMax = /0x/i.test(w) && !w.startsWith('-') ? (range[1] + 1n) * 2n - 1n : range[1];
    if (n === undefined || n < range[0] || n > (range[0] < 0n ? hexMax : range[1]))
      throw new UsageError(
        `${what}: expected ${type === 'bool' ? 'true or false' : `an integer of type ${type} (decimal or 0x…)`}, got ${shown(word)}`,
      );
    if (type === 'i64' || type === 'u64') return n.toString();
    return type === 'u32' || type === 'bool' ? Number(n) : Number(BigInt.asIntN(type === 'i32' ? 32 : 64, n));
  }
  const f = /^(NaN|-?Infinity|[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?)$/i.test(word.trim()) ? Number(word) : undefined;
  if (f === undefined) throw new UsageError(`${what}: expected a number of type ${type}, got ${shown(word)}`);
  return Number.isFinite(f) ? f : String(f); // JSON has no NaN or Infinity: they cross as strings
}

/** The value of one argument word for a parameter of type `t`. */
export function invokeArg(word: string, t: InvokeType, index: number): WireValue {
  const what = `argument ${index + 1} (${typeName(t)})`;
  switch (t.kind) {
    case 'number':
      return number(word, t.type, what);
    case 'string':
      return word;
    case 'typed-array':
    case 'array': {
      let items: unknown[];
      if (word.trim().startsWith('[')) {
        try {
          items = JSON.parse(word) as unknown[];
        } catch {
          throw new UsageError(`${what}: not a JSON array of numbers: ${shown(word)}`);
        }
        if (!Array.isArray(items)) throw new UsageError(`${what}: not a JSON array of numbers: ${shown(word)}`);
      } else items = word.trim() === '' ? [] : word.split(',');
      return items.map((v, i) => {
        if (typeof v !== 'string' && typeof v !== 'number') throw new UsageError(`${what}: element ${i} is not a number`);
        return number(String(v), t.element, `${what} element ${i}`);
      });
    }
    default:
      throw new UsageError(`${what}: a parameter cannot be void`);
  }
}

/** `--arg-types i32,string` → types; a usage error names an unknown word. */
export function typeListArg(value: string, flag: string): InvokeType[] {
  if (value.trim() === '') return [];
  return value.split(',').map((w) => typeArg(w.trim(), flag));
}

export function typeArg(word: string, flag: string): InvokeType {
  const t = typeFromWord(word);
  if (!t) throw new UsageError(`${flag}: unknown type ${shown(word)} (known: ${TYPE_WORDS})`);
  return t;
}
