/**
 * Structure-aware generation for decoders whose input is JSON (the manifest, chain API bodies, the
 * keystore body): take a valid document, replace, add or delete a value somewhere in it — with the
 * wrong type, an extreme number, a long or odd string, a large array, deep nesting or a prototype key
 * — and print it again. Byte-level mutation of the printed text (fuzz/mutate.ts) covers the parser.
 */
import type { Prng } from './prng.js';

/** Marks where jsonBytes splices a deeply nested value: `DEEP<levels>:<[ or {>`. */
const DEEP = '\u0001deep:';
/** Largest JSON document a mutation makes; a step that would exceed it is undone. */
export const MAX_JSON_BYTES = 256 * 1024;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', '', 'length', 'data', 'hex_data', 'actions', 'name', '0'];
const STRINGS = [
  '',
  ' ',
  'eosio',
  'a'.repeat(13),
  'é',
  '\u0000',
  '\ud800',
  '../..',
  '/etc/passwd',
  '1e999',
  '0x10',
  '-1',
  '18446744073709551616',
  'PUB_K1_',
  'SIG_K1_',
  '2026-11-27T12:00:00',
  'none',
  'zlib',
  'true',
  'NaN',
  'EOS',
  '4,EOS',
  '%s%n',
];
const NUMBERS = [0, -0, 1, -1, 0.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 5e-324, 65536, 4294967295];

/** A value of a random kind; `depth` caps nesting of the containers it makes. */
export function randomJson(r: Prng, depth = 2): Json {
  switch (r.int(depth > 0 ? 10 : 7)) {
    case 0:
      return null;
    case 1:
      return r.bool();
    case 2:
      return r.pick(NUMBERS);
    case 3:
      return r.range(-1000, 100000);
    case 4:
      return r.pick(STRINGS);
    case 5:
      return r.pick(STRINGS).repeat(r.pick([2, 100, 5000]));
    case 6:
      return Array.from(r.bytes(r.range(0, 40)), (b) => (b % 16).toString(16)).join('');
    case 7: {
      // a large array is of scalars; a nested one is short
      const n = r.pick([0, 1, 3, 1000]);
      return Array.from({ length: n }, () => randomJson(r, n > 3 ? 0 : depth - 1));
    }
    case 8:
      return Object.fromEntries(Array.from({ length: r.range(0, 4) }, () => [r.pick(KEYS), randomJson(r, depth - 1)]));
    default: // deep nesting, spliced in as text by jsonBytes (so the generator itself never recurses that deep)
      return `${DEEP}${r.pick([100, 2000, 50000])}:${r.bool() ? '[' : '{'}`;
  }
}

/** Every container in `v`, with the paths to reach it. */
function containers(v: Json, out: Array<Json[] | Record<string, Json>> = [], budget = { n: 2000 }): Array<Json[] | Record<string, Json>> {
  if (v === null || typeof v !== 'object' || budget.n-- <= 0) return out;
  out.push(v);
  for (const x of Array.isArray(v) ? v : Object.values(v)) containers(x, out, budget);
  return out;
}

/** One structural mutation of a deep copy of `doc`. */
export function mutateJson(r: Prng, doc: unknown): unknown {
  const root = JSON.parse(JSON.stringify(doc)) as Json;
  const n = r.range(1, 3);
  let cur: Json = root;
  let saved = JSON.stringify(cur);
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      const now = JSON.stringify(cur);
      if (now.length > MAX_JSON_BYTES) cur = JSON.parse(saved) as Json;
      else saved = now;
    }
    const all = containers(cur);
    if (!all.length || r.int(20) === 0) {
      cur = randomJson(r);
      continue;
    } // replace the whole document
    const c = r.pick(all);
    if (Array.isArray(c)) {
      const k = r.int(4);
      if (k === 0 || !c.length) c.push(randomJson(r));
      else if (k === 1) c.splice(r.int(c.length), 1);
      else if (k === 2) {
        // a large array: repeat one element up to ~64 KiB of text
        // copies, not references: a shared value mutated later would grow the text multiplicatively
        // (long run seed 20261202: keystore index 2380, chain-api index 48020 ran the generator out of heap)
        const text = JSON.stringify(c[r.int(c.length)]!);
        const reps = Math.min(r.pick([1, 100, 10000]), Math.floor(65536 / (text.length + 1)));
        for (let j = 0; j < reps; j++) c.push(JSON.parse(text) as Json);
      } else c[r.int(c.length)] = randomJson(r);
    } else {
      const keys = Object.keys(c);
      const k = r.int(4);
      if (k === 0 || !keys.length)
        Object.defineProperty(c, r.pick(KEYS), { value: randomJson(r), enumerable: true, writable: true, configurable: true });
      else if (k === 1) delete c[r.pick(keys)];
      else c[r.pick(keys)] = randomJson(r);
    }
  }
  const text = JSON.stringify(cur);
  return text.length > MAX_JSON_BYTES ? JSON.parse(saved) : cur;
}

const utf8 = new TextEncoder();
/** Deeply nested values spliced into one document (the rest become null): bounds its size. */
const MAX_DEEP_VALUES = 2;

/** `JSON.stringify(v)` with the deep-nesting markers of {@link randomJson} expanded. */
export function jsonText(v: unknown): string {
  let expanded = 0;
  return JSON.stringify(v).replace(/"\\u0001deep:(\d+):([[{])"/g, (_m, n: string, open: string) => {
    if (++expanded > MAX_DEEP_VALUES) return 'null';
    const levels = Number(n);
    return open === '[' ? `${'['.repeat(levels)}1${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  });
}

/** UTF-8 bytes of {@link jsonText}. */
export function jsonBytes(v: unknown): Uint8Array {
  return utf8.encode(jsonText(v));
}
