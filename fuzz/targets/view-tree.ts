/**
 * Target `view-tree`: an app screen's view tree as `ui.check` and the console read it
 * (`validateViewBytes`: size bound, msgpack scan, decode, `validateView`). Generators: trees using
 * every component, mutated as JSON values (wrong types, extreme numbers, long strings, prototype
 * keys, deep nesting, large arrays) then packed, and as msgpack bytes.
 * Oracles: a refusal is a UiError; an accepted tree holds only its component's fields, no string
 * a terminal or the page could act on (every unsafe character escaped), and escaping its strings
 * again changes none of them (nothing is escaped twice). Not an oracle: checking the output again —
 * escaping lengthens a string (one character → at most 12), so an output may exceed the bound its
 * input met (the fuzzer found this; the bounds are on what the app sends).
 */
import { pack } from '../../abi/msgpack/index.js';
import { isTerminalUnsafe, terminalLines } from '../../lib/terminal-text.js';
import { COMPONENTS, UiError, validateViewBytes, type SafeNode } from '../../runtime/ui/index.js';
import { mutateJson } from '../json-mutate.js';
import { mutate } from '../mutate.js';
import { oracle, type FuzzTarget } from '../target.js';

const SEEDS: unknown[] = [
  {
    kind: 'column',
    children: [
      { kind: 'heading', text: 'Gallery' },
      { kind: 'text', text: 'two\nlines <b>' },
      { kind: 'input', id: 'name', label: 'Name', value: 'Ada', placeholder: 'p', multiline: true },
      { kind: 'number', id: 'n', label: 'N', value: '1.5' },
      { kind: 'select', id: 's', label: 'S', options: ['a', 'b'], value: 'b' },
      { kind: 'checkbox', id: 'c', label: 'C', checked: true },
      { kind: 'table', columns: ['A', 'B'], rows: [['1', '2']] },
      { kind: 'image', src: 'assets/logo.png', alt: 'logo' },
      { kind: 'amount', value: '-1.0000 RSN', label: 'Balance' },
      { kind: 'account', name: 'alice', label: 'You' },
      { kind: 'row', children: [{ kind: 'button', id: 'go', label: 'Go', value: 'v' }] },
      { kind: 'list', children: [{ kind: 'text', text: 'item' }] },
    ],
  },
  { kind: 'list', children: [{ kind: 'row', children: [{ kind: 'button', id: 'open:1', label: 'Open' }] }] },
];

/** Every string of an accepted tree is safe to show (newlines only in text and input values). */
function checkSafe(n: SafeNode): void {
  const c = COMPONENTS[n.kind];
  oracle(c !== undefined, `view-tree: accepted kind ${JSON.stringify(n.kind)}`);
  for (const [k, v] of Object.entries(n)) {
    if (k === 'kind') continue;
    oracle(Object.hasOwn(c!.fields, k), `view-tree: accepted field ${JSON.stringify(k)} on ${n.kind}`);
    if (k === 'children') continue; // each child is checked on its own, below
    const strings = JSON.stringify(v).match(/"(?:[^"\\]|\\.)*"/g) ?? [];
    for (const s of strings) {
      const text = JSON.parse(s) as string;
      oracle(terminalLines(text) === text, `view-tree: ${n.kind}.${k} would be escaped twice`);
      for (const ch of text)
        oracle(
          !isTerminalUnsafe(ch) || (ch === '\n' && (n.kind === 'text' || n.kind === 'input')),
          `view-tree: unsafe character U+${ch.codePointAt(0)!.toString(16)} in ${n.kind}.${k}`,
        );
    }
  }
  for (const child of (n.children as SafeNode[] | undefined) ?? []) checkSafe(child);
}

export const viewTree: FuzzTarget = {
  name: 'view-tree',
  about: 'runtime/ui validateViewBytes (size bound, msgpack scan, validateView) of an app screen',
  maxInputMs: 1000,
  smokeInputs: 1500,
  async open() {
    const seedBytes = SEEDS.map((s) => pack(s));
    return {
      generate: (r) => (r.int(3) === 0 ? mutate(r, seedBytes) : pack(mutateJson(r, r.pick(SEEDS)))),
      run(input) {
        let tree: SafeNode;
        try {
          tree = validateViewBytes(input);
        } catch (e) {
          if (e instanceof UiError) return false;
          throw e;
        }
        checkSafe(tree);
        return true;
      },
    };
  },
};
