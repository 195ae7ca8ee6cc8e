// Build step: regenerate the ISA bindings from isa/wit/*.wit (host import table and AssemblyScript
// SDK bindings). Runs after tsc, from the compiled generator in dist/.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

export default async function ({ root }) {
  const gen = await import(pathToFileURL(join(root, 'dist/isa/generator/index.js')).href);
  for (const rel of gen.writeGenerated(root)) {
    process.stderr.write(`  regenerated ${rel} from isa/wit (commit it with the WIT change)\n`);
  }
}
