// The SDK reference pages list every name the SDK exports: docs/sdk-guide.md ("Reference:
// `peeros/sdk-as/app`") every export of sdk-as/app/index.ts, with each ISA namespace's functions
// (`storage.get`), and docs/contract-sdk.md ("Reference: `peeros/sdk-as/contract`") every export of
// sdk-as/contract/index.ts. A name counts as listed when a code span starts with it. Adding an
// export without its line fails here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DECLARATION =
  /^(?:@[A-Za-z]+(?:\([^)]*\))?\s*)*export (?:declare )?(?:abstract )?(function|class|const|let|enum|namespace|type|interface) ([A-Za-z0-9_]+)/gm;
const NAMESPACE_FUNCTION = /^ {2}export function ([A-Za-z0-9_]+)/gm;

/** The exported declarations of one SDK file (all, or those named in `only`); namespaces with their functions. */
function declarations(file: string, only?: readonly string[]): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(DECLARATION)) {
    const [, kind, name] = m as unknown as [string, string, string];
    if (name.startsWith('__') || (only && !only.includes(name))) continue;
    out.push(name);
    if (kind === 'namespace') {
      const body = text.slice(m.index, text.indexOf('\n}', m.index));
      for (const f of body.matchAll(NAMESPACE_FUNCTION)) out.push(`${name}.${f[1]}`);
    }
  }
  return out;
}

/** What `dir/index.ts` exports: `export { a, b } from "./x"` and `export * from "./x"`. */
function publicNames(dir: string): string[] {
  const index = readFileSync(join(dir, 'index.ts'), 'utf8');
  const names: string[] = [];
  for (const m of index.matchAll(/^export \{([^}]*)\} from "\.\/([a-z.-]+)";/gm))
    names.push(
      ...declarations(
        join(dir, `${m[2]}.ts`),
        m[1]!.split(',').map((s) => s.trim()),
      ),
    );
  for (const m of index.matchAll(/^export \* from "\.\/([a-z.-]+)";/gm)) names.push(...declarations(join(dir, `${m[1]}.ts`)));
  return names;
}

/** The text of the section whose heading starts with `heading`, up to the next `## `. */
function section(page: string, heading: string): string {
  const text = readFileSync(page, 'utf8');
  const start = text.indexOf(`\n${heading}`);
  assert.ok(start >= 0, `${page} has a section "${heading}"`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

function unlisted(names: string[], reference: string): string[] {
  return names.filter((n) => !new RegExp(`\`${n.replace(/[.$]/g, '\\$&')}(?![A-Za-z0-9_])`).test(reference));
}

test('docs/sdk-guide.md lists every export of sdk-as/app, ISA functions included', () => {
  const names = publicNames('sdk-as/app');
  assert.ok(names.length >= 40 && names.includes('storage.get') && names.includes('Value'), `found ${names.length} names`);
  assert.equal(unlisted(names, section('docs/sdk-guide.md', '## 6. Reference: `peeros/sdk-as/app`')), []);
});

test('docs/contract-sdk.md lists every export of sdk-as/contract', () => {
  const names = publicNames('sdk-as/contract');
  assert.ok(names.length >= 70 && names.includes('Index256') && names.includes('requireAuth'), `found ${names.length} names`);
  assert.equal(unlisted(names, section('docs/contract-sdk.md', '## Reference: `peeros/sdk-as/contract`')), []);
});

test('a name is listed only by a code span that starts with it', () => {
  assert.equal(unlisted(['Table', 'fail', 'log.write'], '- `TableCursor`: … `failWith(…)` and `log.writeAll`'), [
    'Table',
    'fail',
    'log.write',
  ]);
  assert.equal(unlisted(['Table', 'log.write'], '- `Table`: … `log.write(lvl)`'), []);
});

test.run();
