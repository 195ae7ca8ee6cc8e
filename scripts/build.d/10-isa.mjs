// Build step, before tsc: regenerate the ISA bindings from isa/wit/*.wit (the host import table
// isa/generated/imports.ts and the AssemblyScript SDK bindings), so one build compiles what the
// WIT says. The generator is TypeScript (isa/generator/; it imports only node: and lib/, which imports nothing of ours);
// it is transpiled here without type checking (tsc checks it with the rest right after).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export const beforeTsc = true;

export default async function ({ root }) {
  for (const dir of ['isa/generator', 'lib']) {
    const src = join(root, dir);
    const out = join(root, 'dist/.build-tools', dir);
    mkdirSync(out, { recursive: true });
    for (const file of readdirSync(src).filter((f) => f.endsWith('.ts'))) {
      const { outputText } = ts.transpileModule(readFileSync(join(src, file), 'utf8'), {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(join(out, file.replace(/\.ts$/, '.js')), outputText);
    }
  }
  const out = join(root, 'dist/.build-tools/isa/generator');
  const gen = await import(pathToFileURL(join(out, 'index.js')).href);
  for (const rel of gen.writeGenerated(root)) {
    process.stderr.write(`  regenerated ${rel} from isa/wit (commit it with the WIT change)\n`);
  }
}
