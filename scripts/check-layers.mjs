// `npm run check:layers`: imports only point down, and no files — nor subfolders of runtime/ — import
// each other in a loop.
// Layers, bottom up (DESIGN §2): lib < abi, isa < skv, dmcs < runtime < runtime/cli < bench;
// fuzz/ and test/ may import anything (and each other). Folders of one layer do not import each other (skv and
// dmcs, abi and isa). Type-only imports count: they tie the files together as much as values do.
//
// Known debts are listed in scripts/layers-known.json (issue 9 removes them); the check fails on
// any violation or cycle not listed there, and on a listed one that no longer exists (so the list
// only shrinks). `--write-known` rewrites the list from what is found.
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KNOWN = join(root, 'scripts/layers-known.json');
const SOURCES = ['lib', 'abi', 'isa', 'skv', 'dmcs', 'runtime', 'bench', 'fuzz', 'test'];

/** Layer of a repo-relative path: [rank, group]; undefined for files outside the layered tree. */
function layerOf(rel) {
  const [top, second] = rel.split('/');
  switch (top) {
    case 'lib':
      return [0, 'lib'];
    case 'abi':
    case 'isa':
      return [1, top];
    case 'skv':
    case 'dmcs':
      return [2, top];
    case 'runtime':
      return second === 'cli' ? [4, 'cli'] : [3, 'runtime'];
    case 'bench':
      return [5, 'bench'];
    case 'fuzz':
    case 'test':
      return [9, top];
    default:
      return undefined;
  }
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'generated-guest') continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const importRe = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
const files = SOURCES.filter((d) => existsSync(join(root, d))).flatMap((d) => walk(join(root, d)));
const graph = new Map();
const violations = [];
for (const file of files) {
  const rel = relative(root, file);
  const text = readFileSync(file, 'utf8');
  const deps = [];
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    const trel = relative(root, target);
    if (!existsSync(target)) continue; // generated or not ours: tsc reports real misses
    deps.push(trel);
    const a = layerOf(rel);
    const b = layerOf(trel);
    if (!a || !b) continue;
    // tests and the fuzz harness sit on top and may use each other
    if (b[0] > a[0] || (b[0] === a[0] && a[0] < 9 && a[1] !== b[1])) violations.push(`${rel} -> ${trel}`);
  }
  graph.set(rel, deps);
}

// cycles: strongly connected components of more than one file (Tarjan)
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
let next = 0;
function visit(v) {
  index.set(v, next);
  low.set(v, next);
  next++;
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!index.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const scc = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1) cycles.push(`cycle: ${scc.sort().join(' <-> ')}`);
  }
}
for (const v of graph.keys()) if (!index.has(v)) visit(v);

// Folder-level cycles: runtime/ and dmcs/ are split into subfolders by responsibility (sandbox,
// host-bridge, session, …; chain, state, block, api, vm, keys); two of them importing each other, through any files, means neither can be read or
// replaced alone even when no single file loop exists. Files directly in a checked folder
// (runtime/capabilities.ts, dmcs/endpoint.ts, …) are shared ground, not a subfolder, and are left
// to the file-level check.
const FOLDER_CHECKED = ['runtime', 'dmcs'];
function subfolderOf(rel) {
  const parts = rel.split('/');
  return FOLDER_CHECKED.includes(parts[0]) && parts.length > 2 ? `${parts[0]}/${parts[1]}` : undefined;
}
const folderEdges = new Map();
for (const [from, deps] of graph) {
  const a = subfolderOf(from);
  if (!a) continue;
  for (const to of deps) {
    const b = subfolderOf(to);
    if (b && b !== a) (folderEdges.get(a) ?? folderEdges.set(a, new Set()).get(a)).add(b);
  }
}
function reaches(from, target) {
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length) {
    for (const n of folderEdges.get(todo.pop()) ?? []) {
      if (n === target) return true;
      if (!seen.has(n)) {
        seen.add(n);
        todo.push(n);
      }
    }
  }
  return false;
}
// reported per pair of folders that reach each other, so a known pair stays one stable entry
const folderCycles = [];
const folders = [...folderEdges.keys()].sort();
for (const a of folders) {
  for (const b of folders) if (a < b && reaches(a, b) && reaches(b, a)) folderCycles.push(`folder cycle: ${a} <-> ${b}`);
}

const found = [...violations, ...cycles, ...folderCycles].sort();
if (process.argv.includes('--write-known')) {
  writeFileSync(
    KNOWN,
    `${JSON.stringify({ note: 'layer violations and import cycles still to remove (issue 9); this list may only shrink', known: found }, null, 2)}\n`,
  );
  console.log(`check:layers: wrote ${found.length} known entries to ${relative(root, KNOWN)}`);
  process.exit(0);
}
const known = new Set(existsSync(KNOWN) ? JSON.parse(readFileSync(KNOWN, 'utf8')).known : []);
const fresh = found.filter((f) => !known.has(f));
const gone = [...known].filter((k) => !found.includes(k));
for (const f of fresh) console.log(`new: ${f}`);
for (const g of gone) console.log(`fixed (remove it from scripts/layers-known.json): ${g}`);
console.log(
  `check:layers: ${files.length} files, ${violations.length} upward or sideways imports, ${cycles.length} cycles, ${folderCycles.length} folder cycles; ${known.size - gone.length} known (issue 9), ${fresh.length} new, ${gone.length} fixed`,
);
process.exit(fresh.length || gone.length ? 1 : 0);
