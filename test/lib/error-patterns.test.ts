// Nothing in the source decides on an error's message text or class-name string: decisions go by
// `code` (CodedError) or `instanceof`. Code we do not own that fails without a code (V8, fd-lock,
// fetch's DOMExceptions, Node's loader, Leap's generic reply) is read in one file,
// lib/foreign-errors.ts; the other exceptions are listed below with the reason they are not
// decisions on an error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const FOLDERS = ['lib', 'abi', 'isa', 'skv', 'dmcs', 'runtime'];

/** What no source line may do. */
const FORBIDDEN: Array<[string, RegExp]> = [
  ['a string method on a message', /\bmessage\)?\??\.(includes|startsWith|endsWith|match|matchAll|search|indexOf)\(/],
  ['a regex test of a message', /\.(test|exec)\([^)]*\bmessage\b/],
  [
    'a comparison with an error class name',
    /\bname\s*[!=]==?\s*['"][A-Za-z]*(Error|Exception)['"]|['"][A-Za-z]*(Error|Exception)['"]\s*[!=]==?\s*\S*\bname\b/,
  ],
  ['a constructor name', /constructor\??\.name/],
  ['a class name string', /['"][A-Z][A-Za-z]*Error['"]/],
];

/** file → why its matches are allowed (each must still match, so the list only shrinks). */
const ALLOWED: Record<string, string> = {
  'lib/foreign-errors.ts': "the one reader of errors without codes (V8, fd-lock, DOMException, the module loader, Leap's unknown key)",
  'abi/antelope/error.ts': "describe() names a value's constructor in a message for people (display only)",
  'runtime/app-compiler.ts':
    "asc diagnostics are compiler output, not errors: a diagnostic naming the SDK's abort is how asc says the SDK is missing",
};

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** A line with its comments blanked (block-comment lines and trailing `//` comments). */
function code(line: string): string {
  const t = line.trim();
  if (t.startsWith('*') || t.startsWith('/*') || t.startsWith('//')) return '';
  return line.replace(/\s\/\/\s.*$/, '').replace(/override (readonly )?name = '[A-Za-z]+';/, '');
}

function findings(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const folder of FOLDERS) {
    for (const file of sources(join(root, folder))) {
      const rel = relative(root, file);
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const c = code(line);
          for (const [what, re] of FORBIDDEN) {
            if (re.test(c)) found.set(rel, [...(found.get(rel) ?? []), `${rel}:${i + 1}: ${what}: ${line.trim()}`]);
          }
        });
    }
  }
  return found;
}

test('no source file branches on an error message or class-name string (outside the allow-list)', () => {
  const found = findings();
  const bad = [...found].filter(([file]) => !(file in ALLOWED)).flatMap(([, lines]) => lines);
  assert.equal(bad, [], `decide by code or instanceof instead:\n${bad.join('\n')}`);
});

test('every allow-listed file still needs its entry (the list only shrinks)', () => {
  const found = findings();
  for (const file of Object.keys(ALLOWED)) assert.ok(found.has(file), `${file} no longer matches: remove it from ALLOWED`);
});

test('the patterns catch what they are meant to', () => {
  const hit = (s: string) => FORBIDDEN.some(([, re]) => re.test(code(s)));
  assert.ok(hit('if (/unknown key/.test(err.message)) return 1;'));
  assert.ok(hit("if (err.message.includes('locked')) x();"));
  assert.ok(hit("if (err instanceof Error && err.name === 'QueueError') y();"));
  assert.ok(hit("if (e.constructor.name === 'Foo') z();"));
  assert.ok(!hit("if (err.code === 'LOCKED') x();"));
  assert.ok(!hit("  override readonly name = 'QueueError';"));
  assert.ok(!hit(" * rebuilt as a 'VaultError' on the main thread."));
});

test.run();
